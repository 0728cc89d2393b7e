//! Reactors: a main package whose functions are `//go:wasmexport`ed is built with
//! `-buildmode=c-shared` (Go 1.24+ for wasip1; TinyGo 0.34+ for wasip1 and wasm), which makes a
//! module with `_initialize` and those exports instead of `_start`. This reads the package's
//! sources for the directives and the Go types of each export's parameters.

use std::path::Path;

/// One `//go:wasmexport NAME` function, as its source declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoExport {
    /// The name the module exports it under.
    pub name: String,
    /// Each parameter's name (empty when unnamed) and Go type.
    pub params: Vec<(String, String)>,
}

/// The Go types a call passes as a number: what `--invoke` and `calls` can give an export.
const NUMBER_TYPES: &[&str] = &[
    "int32", "uint32", "int64", "uint64", "float32", "float64", "bool", "int", "uint", "uintptr",
];

/// The `//go:wasmexport` functions of the package in `dir` (its `.go` files, tests aside).
pub fn go_exports(dir: &Path) -> Vec<GoExport> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return vec![];
    };
    let mut files: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            name.is_some_and(|n| for_wasm(&n))
        })
        .collect();
    files.sort();
    files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .filter(|source| !ignored(source))
        .flat_map(|source| exports_in(&source))
        .collect()
}

/// Whether a file of this name is built for wasm: Go's, not a test, and not for another
/// system by its name (`x_windows.go`, `x_linux_amd64.go`).
fn for_wasm(name: &str) -> bool {
    const OTHER_SYSTEMS: &[&str] = &[
        "aix",
        "android",
        "darwin",
        "dragonfly",
        "freebsd",
        "illumos",
        "ios",
        "linux",
        "netbsd",
        "openbsd",
        "plan9",
        "solaris",
        "windows",
    ];
    let Some(stem) = name.strip_suffix(".go") else {
        return false;
    };
    !stem.ends_with("_test")
        && !OTHER_SYSTEMS
            .iter()
            .any(|os| stem.ends_with(&format!("_{os}")) || stem.contains(&format!("_{os}_")))
}

/// A file that `//go:build ignore` keeps out of every build.
fn ignored(source: &str) -> bool {
    source
        .lines()
        .take_while(|l| !l.trim_start().starts_with("package "))
        .any(|l| l.trim() == "//go:build ignore")
}

/// Whether the package in `dir` has any `//go:wasmexport` function.
pub fn is_reactor(dir: &Path) -> bool {
    !go_exports(dir).is_empty()
}

/// The exports one Go file declares: each directive, then the `func` line that follows it.
fn exports_in(source: &str) -> Vec<GoExport> {
    let mut found = vec![];
    let mut lines = source.lines().map(str::trim);
    let mut in_block = false;
    while let Some(line) = lines.next() {
        // A directive is a line comment of its own, not a line of a /* */ block.
        if in_block || line.starts_with("/*") {
            in_block = !line.contains("*/");
            continue;
        }
        let Some(rest) = line.strip_prefix("//go:wasmexport") else {
            continue;
        };
        if !rest.starts_with([' ', '\t']) {
            continue;
        }
        let Some(name) = rest.split_whitespace().next() else {
            continue;
        };
        // The func line, and the lines after it until its parameter list closes.
        let mut func = lines
            .by_ref()
            .find(|l| !l.starts_with("//"))
            .unwrap_or_default()
            .to_string();
        while func.contains('(') && !func.contains(')') {
            match lines.next() {
                Some(more) => func.push_str(more),
                None => break,
            }
        }
        let params = parameters(&func).unwrap_or_default();
        found.push(GoExport {
            name: name.to_string(),
            params,
        });
    }
    found
}

/// `func f(a, b int32, p *T) int32` → [("a", "int32"), ("b", "int32"), ("p", "*T")].
fn parameters(func: &str) -> Option<Vec<(String, String)>> {
    let open = func.find('(')?;
    let close = open + func[open..].find(')')?;
    let list = func[open + 1..close].trim();
    if list.is_empty() {
        return Some(vec![]);
    }
    let pieces: Vec<&str> = list.split(',').map(str::trim).collect();
    let named = pieces.iter().any(|p| p.contains(' '));
    if !named {
        return Some(
            pieces
                .iter()
                .map(|t| (String::new(), (*t).to_string()))
                .collect(),
        );
    }
    // `a, b int32`: a name without a type takes the next one's.
    let mut params: Vec<(String, String)> = vec![];
    let mut waiting: Vec<String> = vec![];
    for piece in pieces {
        match piece.split_once(' ') {
            Some((name, ty)) => {
                let ty = ty.trim().to_string();
                for n in waiting.drain(..) {
                    params.push((n, ty.clone()));
                }
                params.push((name.to_string(), ty));
            }
            None => waiting.push(piece.to_string()),
        }
    }
    Some(params)
}

/// Why a call cannot pass what `export` takes: a pointer, a string, a struct. `None` when every
/// parameter is a number, or the export is not in the sources.
pub fn unsupported_parameter(exports: &[GoExport], export: &str) -> Option<String> {
    let e = exports.iter().find(|e| e.name == export)?;
    let (name, ty) = e
        .params
        .iter()
        .find(|(_, ty)| !NUMBER_TYPES.contains(&ty.as_str()))?;
    let what = if ty.starts_with('*') || ty == "unsafe.Pointer" {
        "a pointer into the module's memory"
    } else if ty == "string" {
        "a string (a pointer and a length in the module's memory)"
    } else {
        "not a number"
    };
    let name = if name.is_empty() {
        String::new()
    } else {
        format!("{name} ")
    };
    Some(format!(
        "`{export}` takes {name}{ty}, {what}: --invoke and calls pass numbers only ({})",
        NUMBER_TYPES.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = r#"package main

import "structs"

type Point struct {
	_    structs.HostLayout
	X, Y int32
}

//go:wasmexport add
func add(a, b int32) int32 { return a + b }

//go:wasmexport move
// A comment between the directive and the func.
func move(p *Point, dx int32) {}

//go:wasmexport greet
func greet(s string) {}

//go:wasmexport unnamed
func unnamed(int64, float64) {}

//go:wasmexport spread
func spread(
	a int32,
	s string,
) {}

/*
//go:wasmexport commented
func commented() {}
*/

//go:wasmexportnot
func not() {}

func main() {}
"#;

    #[test]
    fn exports_are_read_from_the_directives() {
        let exports = exports_in(SOURCE);
        let names: Vec<&str> = exports.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["add", "move", "greet", "unnamed", "spread"]);
        let p = |n: &str, t: &str| (n.to_string(), t.to_string());
        assert_eq!(exports[0].params, [p("a", "int32"), p("b", "int32")]);
        assert_eq!(exports[1].params, [p("p", "*Point"), p("dx", "int32")]);
        assert_eq!(exports[3].params, [p("", "int64"), p("", "float64")]);
    }

    #[test]
    fn pointers_and_strings_are_named_in_one_line() {
        let exports = exports_in(SOURCE);
        assert_eq!(unsupported_parameter(&exports, "add"), None);
        assert_eq!(unsupported_parameter(&exports, "unnamed"), None);
        let e = unsupported_parameter(&exports, "move").unwrap();
        assert!(e.starts_with("`move` takes p *Point, a pointer"), "{e}");
        let e = unsupported_parameter(&exports, "spread").unwrap();
        assert!(e.starts_with("`spread` takes s string"), "{e}");
        let e = unsupported_parameter(&exports, "greet").unwrap();
        assert!(e.contains("s string, a string"), "{e}");
        assert!(exports_in("package main\nfunc main() {}\n").is_empty());
        assert!(for_wasm("main.go") && for_wasm("exports_wasip1.go"));
        assert!(!for_wasm("main_test.go") && !for_wasm("x_windows.go"));
        assert!(!for_wasm("x_linux_amd64.go") && !for_wasm("notes.txt"));
        assert!(ignored("//go:build ignore\n\npackage main\n"));
    }
}
