//! Compiler messages as {file, line, column, message}, from Go's and TinyGo's output.

use std::path::Path;

use serde::Serialize;

/// One located compiler message; `raw` keeps the line as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The path as the compiler printed it, made absolute against the package folder.
    pub file: String,
    pub line: u32,
    pub column: Option<u32>,
    pub message: String,
    pub raw: String,
}

/// Finds `path.go:LINE[:COL]: message` lines (Go, its type checker and vet, and TinyGo) in a log.
/// Continuation lines (indented by a tab) are appended to the previous message.
pub fn parse_diagnostics(log: &str, package_dir: &Path) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = vec![];
    for line in log.lines() {
        if let Some(d) = parse_line(line, package_dir) {
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
        file,
        line: line_no,
        column,
        message,
        raw: line.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_type_checker_output() {
        let log = "# gowasm.example/hello\n./main.go:12:5: undefined: x\n./util.go:3:2: \"os\" imported and not used\n";
        let d = parse_diagnostics(log, Path::new("/p"));
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].file, "/p/main.go");
        assert_eq!((d[0].line, d[0].column), (12, Some(5)));
        assert_eq!(d[0].message, "undefined: x");
        assert_eq!(d[1].message, "\"os\" imported and not used");
    }

    #[test]
    fn keeps_continuation_lines_and_columnless_messages() {
        let log = "main.go:7: syntax error: unexpected newline\n./a.go:4:9: cannot use x (variable of type int) as string value\n\thave int\n\twant string\n";
        let d = parse_diagnostics(log, Path::new("/p"));
        assert_eq!(d.len(), 2);
        assert_eq!((d[0].line, d[0].column), (7, None));
        assert_eq!(d[0].message, "syntax error: unexpected newline");
        assert!(d[1].message.ends_with("have int\nwant string"));
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
