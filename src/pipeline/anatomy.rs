//! The module in Go's terms for the workbench: code by package (with each package's largest
//! functions) and what changed per package and per function since the previous build. Worked
//! out on a thread of its own, so the first run does not wait for it.

use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::inspect::anatomy::{self, Anatomy, DataPart};
use crate::inspect::anatomy_diff::{self, AnatomyDiff};

/// How many functions a package keeps for the drill-down, and how many changes are kept.
const KEPT: usize = 200;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PackageRow {
    pub package: String,
    pub code_bytes: u64,
    pub percent: f64,
    pub functions: u32,
    /// The package's largest functions, biggest first: name and body size.
    pub largest: Vec<(String, u64)>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AnatomySummary {
    /// Where the names came from (`Go's pclntab`, `the name section`, …).
    pub names_from: String,
    pub code_bytes: u64,
    pub packages: Vec<PackageRow>,
    pub data: Vec<DataPart>,
    /// The largest functions under these names (Go's, where the name section's are sanitised).
    pub largest_functions: Vec<crate::inspect::FunctionSize>,
    /// Against the previous build with different bytes; `None` for the first.
    pub changes: Option<AnatomyDiff>,
}

impl AnatomySummary {
    /// The biggest package changes in a line: `+183 KiB encoding/json (new), +2.1 KiB main,
    /// -400 B fmt`; `None` for the first build, `no package changed size` for none.
    pub fn changes_line(&self, n: usize) -> Option<String> {
        use crate::inspect::anatomy_diff::Change;
        let d = self.changes.as_ref()?;
        if d.packages.is_empty() {
            return Some("no package changed size".into());
        }
        let mut parts: Vec<String> = d
            .packages
            .iter()
            .take(n)
            .map(|c| {
                let note = match c.change {
                    Change::New => " (new)",
                    Change::Gone => " (gone)",
                    Change::Changed => "",
                };
                format!("{} {}{note}", crate::engine::signed_bytes(c.delta), c.name)
            })
            .collect();
        if d.packages.len() > n {
            parts.push(format!("{} more", d.packages.len() - n));
        }
        Some(parts.join(", "))
    }
}

/// The last module's hash and anatomy, for the next build's changes.
pub type LastAnatomy = Arc<Mutex<Option<(String, Anatomy)>>>;

/// The summary of `bytes` (hashed `hash`) and its changes since `last`, which it then replaces.
/// `None` for bytes identical to the last ones (nothing changed) or that cannot be read.
pub fn summarize(bytes: &[u8], hash: &str, last: &LastAnatomy) -> Option<AnatomySummary> {
    let mut last = last.lock().unwrap_or_else(|p| p.into_inner());
    if last.as_ref().is_some_and(|(h, _)| h == hash) {
        return None;
    }
    let a = anatomy::anatomy(bytes).ok()?;
    let changes = last.as_ref().map(|(_, old)| {
        let mut d = anatomy_diff::diff(old, &a);
        d.packages.truncate(KEPT);
        d.functions.truncate(KEPT);
        d
    });
    let packages = a
        .packages()
        .into_iter()
        .map(|p| {
            let mut largest: Vec<(String, u64)> = a
                .functions
                .iter()
                .filter(|f| f.package == p.package)
                .map(|f| (f.name.clone(), f.size))
                .collect();
            largest.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
            largest.truncate(KEPT);
            PackageRow {
                package: p.package,
                code_bytes: p.code_bytes,
                percent: p.percent,
                functions: p.functions,
                largest,
            }
        })
        .collect();
    let summary = AnatomySummary {
        names_from: a.names_from.label().to_string(),
        code_bytes: a.functions.iter().map(|f| f.size).sum(),
        packages,
        data: a.data.clone(),
        largest_functions: a.largest(crate::inspect::DEFAULT_TOP_FUNCTIONS),
        changes,
    };
    *last = Some((hash.to_string(), a));
    Some(summary)
}
