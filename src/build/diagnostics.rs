//! Compiler messages as {file, line, column, message}, from Go's and TinyGo's output, and the
//! linkers' errors, which name no place.

use std::path::Path;

use serde::Serialize;

/// One compiler message; `raw` keeps the lines as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The path as the compiler printed it, made absolute against the package folder; `None` for
    /// messages that name no place (linker errors).
    pub file: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
    pub raw: String,
}

/// Finds `path.go:LINE[:COL]: message` lines (Go, its type checker and vet, and TinyGo) and
/// linker errors (Go's `relocation target … not defined`, `wasm-ld: error: …`, TinyGo's
/// `error: …`) in a log. Continuation lines (indented by a tab) are appended to the previous
/// message.
pub fn parse_diagnostics(log: &str, package_dir: &Path) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = vec![];
    for line in log.lines() {
        if let Some(d) = parse_line(line, package_dir).or_else(|| parse_unlocated(line)) {
            out.push(d);
        } else if let (Some(last), Some(more)) = (out.last_mut(), line.strip_prefix('\t')) {
            last.message.push('\n');
            last.message.push_str(more.trim_end());
            last.raw.push('\n');
            last.raw.push_str(line);
        }
    }
    out
}

fn parse_line(line: &str, package_dir: &Path) -> Option<Diagnostic> {
    let trimmed = line.trim_start();
    let go_at = trimmed.find(".go:")?;
    let file = &trimmed[..go_at + 3];
    if file.contains(' ') && !file.starts_with('/') {
        return None;
    }
    let mut rest = trimmed[go_at + 4..].splitn(3, ':');
    let line_no: u32 = rest.next()?.trim().parse().ok()?;
    let second = rest.next()?;
    let (column, message) = match second.trim().parse::<u32>() {
        Ok(col) => (Some(col), rest.next().unwrap_or("").trim().to_string()),
        Err(_) => {
            let tail = rest.next().map(|t| format!(":{t}")).unwrap_or_default();
            (None, format!("{second}{tail}").trim().to_string())
        }
    };
    let path = Path::new(file);
    let file = if path.is_absolute() {
        file.to_string()
    } else {
        package_dir.join(path).to_string_lossy().replace("/./", "/")
    };
    Some(Diagnostic {
        file: Some(file),
        line: Some(line_no),
        column,
        message,
        raw: line.to_string(),
    })
}

/// Errors that name no source position: linkers' and TinyGo's own.
fn parse_unlocated(line: &str) -> Option<Diagnostic> {
    let t = line.trim();
    let message = if let Some(rest) = t.strip_prefix("wasm-ld: error: ") {
        rest
    } else if let Some(rest) = t.strip_prefix("error: ") {
        rest
    } else if t.contains(": relocation target ") && t.ends_with("not defined") {
        t
    } else {
        return None;
    };
    Some(Diagnostic {
        file: None,
        line: None,
        column: None,
        message: message.to_string(),
        raw: line.to_string(),
    })
}

impl Diagnostic {
    /// `file:line:col: message`, or the message alone when it names no place.
    pub fn render(&self, show_path: impl Fn(&str) -> String) -> String {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => {
                let col = self.column.map(|c| format!(":{c}")).unwrap_or_default();
                format!("{}:{line}{col}: {}", show_path(file), self.message)
            }
            _ => self.message.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_type_checker_output() {
        let log = "# gowasm.example/hello\n./main.go:12:5: undefined: x\n./util.go:3:2: \"os\" imported and not used\n";
        let d = parse_diagnostics(log, Path::new("/p"));
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].file.as_deref(), Some("/p/main.go"));
        assert_eq!((d[0].line, d[0].column), (Some(12), Some(5)));
        assert_eq!(d[0].message, "undefined: x");
        assert_eq!(d[1].message, "\"os\" imported and not used");
    }

    #[test]
    fn keeps_continuation_lines_and_columnless_messages() {
        let log = "main.go:7: syntax error: unexpected newline\n./a.go:4:9: cannot use x (variable of type int) as string value\n\thave int\n\twant string\n";
        let d = parse_diagnostics(log, Path::new("/p"));
        assert_eq!(d.len(), 2);
        assert_eq!((d[0].line, d[0].column), (Some(7), None));
        assert_eq!(d[0].message, "syntax error: unexpected newline");
        assert!(d[1].message.ends_with("have int\nwant string"));
    }

    #[test]
    fn linker_errors_are_kept_without_a_place() {
        let log = "# hello\nmain.main: relocation target main.missing not defined\nwasm-ld: error: undefined symbol: foo\nerror: failed to build\n";
        let d = parse_diagnostics(log, Path::new("/p"));
        assert_eq!(d.len(), 3, "{d:?}");
        assert!(d.iter().all(|d| d.file.is_none() && d.line.is_none()));
        assert_eq!(d[1].message, "undefined symbol: foo");
        assert_eq!(d[1].render(|p| p.to_string()), "undefined symbol: foo");
    }

    #[test]
    fn ignores_lines_that_are_not_located() {
        let d = parse_diagnostics(
            "go: downloading x\nnote: module requires Go 1.22\n",
            Path::new("/p"),
        );
        assert!(d.is_empty());
    }
}
