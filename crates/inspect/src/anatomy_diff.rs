//! What changed between two builds, per Go package and per function: `+183 KiB encoding/json
//! (new)`, `+2.1 KiB main`, `-400 B fmt`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::anatomy::Anatomy;

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    New,
    Gone,
    Changed,
}

/// One package's or function's code bytes before and after.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SizeChange {
    pub name: String,
    pub old: u64,
    pub new: u64,
    pub delta: i64,
    pub change: Change,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AnatomyDiff {
    /// All code bytes, new less old.
    pub code_delta: i64,
    /// All data-segment bytes, new less old.
    pub data_delta: i64,
    /// Packages whose code changed, biggest change first.
    pub packages: Vec<SizeChange>,
    /// Functions whose body changed size, appeared or went, biggest change first.
    pub functions: Vec<SizeChange>,
}

/// The changes from `old` to `new`; what kept its size is left out.
pub fn diff(old: &Anatomy, new: &Anatomy) -> AnatomyDiff {
    let packages = |a: &Anatomy| {
        a.packages()
            .into_iter()
            .map(|p| (p.package, p.code_bytes))
            .collect::<BTreeMap<_, _>>()
    };
    let functions = |a: &Anatomy| {
        let mut by = BTreeMap::new();
        for f in &a.functions {
            *by.entry(f.name.clone()).or_insert(0) += f.size;
        }
        by
    };
    let code = |a: &Anatomy| a.functions.iter().map(|f| f.size).sum::<u64>();
    let data = |a: &Anatomy| a.data.iter().map(|d| d.bytes).sum::<u64>();
    AnatomyDiff {
        code_delta: signed(code(new)) - signed(code(old)),
        data_delta: signed(data(new)) - signed(data(old)),
        packages: changes(packages(old), packages(new)),
        functions: changes(functions(old), functions(new)),
    }
}

fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn changes(old: BTreeMap<String, u64>, mut new: BTreeMap<String, u64>) -> Vec<SizeChange> {
    let mut out = Vec::new();
    for (name, before) in old {
        let (after, change) = match new.remove(&name) {
            Some(after) => (after, Change::Changed),
            None => (0, Change::Gone),
        };
        if after != before {
            out.push(SizeChange {
                delta: signed(after) - signed(before),
                name,
                old: before,
                new: after,
                change,
            });
        }
    }
    out.extend(new.into_iter().map(|(name, after)| SizeChange {
        delta: signed(after),
        name,
        old: 0,
        new: after,
        change: Change::New,
    }));
    out.sort_by(|a, b| {
        b.delta
            .unsigned_abs()
            .cmp(&a.delta.unsigned_abs())
            .then_with(|| a.name.cmp(&b.name))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anatomy::{FunctionInfo, NameSource, package_of};

    fn module(functions: &[(&str, u64)]) -> Anatomy {
        Anatomy {
            names_from: NameSource::GoPclntab,
            code_section_bytes: 0,
            functions: functions
                .iter()
                .enumerate()
                .map(|(i, &(name, size))| FunctionInfo {
                    index: i as u32,
                    name: name.to_string(),
                    package: package_of(name).to_string(),
                    file: None,
                    line: None,
                    size,
                })
                .collect(),
            data: Vec::new(),
            pclntab_span: None,
            note: None,
        }
    }

    #[test]
    fn new_gone_and_changed_packages_and_functions_are_named() {
        let old = module(&[("main.main", 100), ("fmt.Println", 400), ("os.Exit", 10)]);
        let new = module(&[
            ("main.main", 120),
            ("encoding/json.Marshal", 5000),
            ("os.Exit", 10),
        ]);
        let d = diff(&old, &new);
        assert_eq!(d.code_delta, 5130 - 510);
        let summary: Vec<(&str, i64, Change)> = d
            .packages
            .iter()
            .map(|c| (c.name.as_str(), c.delta, c.change))
            .collect();
        assert_eq!(
            summary,
            [
                ("encoding/json", 5000, Change::New),
                ("fmt", -400, Change::Gone),
                ("main", 20, Change::Changed),
            ]
        );
        assert_eq!(d.functions.len(), 3, "os.Exit kept its size");
        assert_eq!(diff(&old, &old).packages, []);
    }
}
