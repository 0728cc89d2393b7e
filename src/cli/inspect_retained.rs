//! `gowasm inspect --retained` and `--path NAME`: why each function and package is there.

use std::fmt::Write;

use crate::engine::human_bytes;
use crate::inspect::retained::{Retention, Step};

/// The functions `--path NAME` means: those named exactly so, else those whose name holds it.
pub fn matching(r: &Retention, name: &str) -> Vec<u32> {
    let exact: Vec<u32> = r
        .functions
        .iter()
        .filter(|f| f.name == name)
        .map(|f| f.index)
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    let mut found: Vec<(u32, &str)> = r
        .functions
        .iter()
        .filter(|f| f.name.contains(name))
        .map(|f| (f.index, f.name.as_str()))
        .collect();
    found.sort_by_key(|&(i, n)| (n.len(), i));
    found.into_iter().map(|(i, _)| i).collect()
}

fn table_note(r: &Retention) -> Option<&'static str> {
    r.table_is_dispatch.then_some(
        "the element table lists every function (Go's goroutine switch calls through it), so \
         it was not taken as roots; Go's function values in the data were",
    )
}

/// The packages and functions that retain most, as two tables.
pub fn render(r: &Retention, top: usize) -> String {
    let mut s = String::new();
    let packages: Vec<_> = r
        .packages
        .iter()
        .map(|p| (p.retained, p.shallow, p.percent, p.package.as_str()))
        .collect();
    let functions: Vec<_> = r
        .functions
        .iter()
        .map(|f| (f.retained, f.shallow, f.percent, f.name.as_str()))
        .collect();
    let heading = "PACKAGE (what would go if nothing used it)";
    retained_table(&mut s, heading, &packages, top, "packages");
    retained_table(&mut s, "FUNCTION", &functions, top, "functions");
    if let Some(note) = table_note(r) {
        let _ = writeln!(s, "\nnote: {note}");
    }
    s
}

/// Rows of (retained, own, share, name) under `heading`, the first `top` of them.
fn retained_table(
    s: &mut String,
    heading: &str,
    rows: &[(u64, u64, f64, &str)],
    top: usize,
    plural: &str,
) {
    let _ = writeln!(s, "\n  RETAINED       OWN       %  {heading}");
    for (retained, own, percent, name) in rows.iter().take(top.max(1)) {
        let _ = writeln!(
            s,
            "{:>10}{:>10} {percent:>6.2}%  {name}",
            human_bytes(*retained),
            human_bytes(*own)
        );
    }
    if rows.len() > top.max(1) {
        let _ = writeln!(s, "  … {} more {plural} (--top N)", rows.len() - top.max(1));
    }
}

/// `--path NAME` as text: for each function it means, the chain from a root.
pub fn render_paths(r: &Retention, name: &str, top: usize) -> String {
    let mut s = String::new();
    let found = matching(r, name);
    if found.is_empty() {
        let _ = writeln!(s, "\nno function is named like \"{name}\"");
    }
    for &index in found.iter().take(top.max(1)) {
        let path = r.path_to(index);
        let _ = writeln!(s);
        for (depth, step) in path.iter().enumerate() {
            let why = step
                .root
                .as_ref()
                .map(|w| format!("  ({w})"))
                .unwrap_or_default();
            let _ = writeln!(s, "{:indent$}{}{why}", "", step.name, indent = 2 * depth);
        }
        if path.is_empty() {
            let _ = writeln!(s, "{}: no root reaches it", name);
        }
    }
    s
}

/// `retained` in `inspect --json`: both lists capped by `--top`, and the paths `--path` asked
/// for.
pub fn json(r: &Retention, top: usize, path: Option<&str>) -> serde_json::Value {
    let cap = top.max(1);
    let mut doc = serde_json::json!({
        "packages": r.packages.iter().take(cap).collect::<Vec<_>>(),
        "functions": r.functions.iter().take(cap).collect::<Vec<_>>(),
        "table_is_dispatch": r.table_is_dispatch,
    });
    if let Some(name) = path {
        let paths: Vec<Vec<Step>> = matching(r, name)
            .into_iter()
            .take(cap)
            .map(|i| r.path_to(i))
            .collect();
        doc["paths"] = serde_json::to_value(paths).expect("serializable");
    }
    doc
}
