//! CPU profiles of a guest, the same in every mode: the module is rewritten so that its
//! functions check at their entries and returns (Go's, [`instrument`]) or keep a shadow stack
//! and check at calls and ends (TinyGo's and any other module's, [`instrument_wasm`]), and call
//! the host when a sample is due; the host takes the sample, walking Go's own stack in linear
//! memory with the pclntab, or reading the shadow stack ([`sampler`]); the samples become a
//! [`Profile`] with Go's names, files and lines (from the pclntab or DWARF), which [`pprof`]
//! writes as `go tool pprof` reads it.

pub mod flame;
pub mod instrument;
pub mod instrument_wasm;
pub mod pprof;
pub mod sampler;

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// How to profile a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileSettings {
    /// Samples per second of the guest's run.
    pub hz: u32,
    /// Check at every jump too, for the line within a function (see [`instrument`]).
    #[serde(default)]
    pub lines: bool,
    /// A module that cannot be profiled runs unprofiled, with a warning (the workbench), rather
    /// than not at all (`run --profile`).
    #[serde(default)]
    pub best_effort: bool,
}

impl ProfileSettings {
    /// pprof's and Go's `runtime/pprof` default rate is 100 Hz; gowasm samples more often since
    /// a save's run is short, at a cost the README gives.
    pub const DEFAULT_HZ: u32 = 1000;
}

impl Default for ProfileSettings {
    fn default() -> Self {
        ProfileSettings {
            hz: Self::DEFAULT_HZ,
            lines: false,
            best_effort: false,
        }
    }
}

/// A function a profile names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Function {
    /// Go's name: `encoding/json.(*decodeState).object`.
    pub name: String,
    pub file: Option<String>,
    /// The line of its declaration.
    pub start_line: Option<u32>,
}

/// A place in the code: a function, and the line being run (or, for a caller, the call).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Index into [`Profile::functions`]: the innermost function, where calls were inlined.
    pub function: u32,
    pub line: Option<u32>,
    /// Go's PC, `(PC_F << 16) | PC_B`.
    pub address: u64,
    /// The functions `function` was inlined into, innermost first, each at the line of the
    /// inlined call; the last is the function the code is in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inlined_into: Vec<(u32, Option<u32>)>,
}

impl Location {
    /// Every function at this place, innermost first.
    pub fn functions(&self) -> impl Iterator<Item = u32> + '_ {
        std::iter::once(self.function).chain(self.inlined_into.iter().map(|(f, _)| *f))
    }
}

/// The samples that saw one call stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    /// Indexes into [`Profile::locations`], innermost first.
    pub stack: Vec<u32>,
    pub count: u64,
    /// The guest thread's CPU time these samples stand for.
    pub cpu_ns: u64,
}

/// A finished profile of one run.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Profile {
    pub hz: u32,
    pub functions: Vec<Function>,
    pub locations: Vec<Location>,
    pub samples: Vec<Sample>,
    /// Wall time from the first check to the end of the run.
    pub duration_ns: u64,
}

/// A function's shares of a profile's CPU time, in percent.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    pub name: String,
    /// With the function innermost.
    pub self_pct: f64,
    /// With the function anywhere on the stack.
    pub total_pct: f64,
}

impl Profile {
    /// All the CPU time sampled.
    pub fn cpu_ns(&self) -> u64 {
        self.samples.iter().map(|s| s.cpu_ns).sum()
    }

    pub fn sample_count(&self) -> u64 {
        self.samples.iter().map(|s| s.count).sum()
    }

    /// Every function sampled, by self time, then total time, then name.
    pub fn shares(&self) -> Vec<Share> {
        let mut times: HashMap<u32, (u64, u64)> = HashMap::new();
        let mut seen = Vec::new();
        for s in &self.samples {
            if let Some(leaf) = s.stack.first() {
                let function = self.locations[*leaf as usize].function;
                times.entry(function).or_default().0 += s.cpu_ns;
            }
            seen.clear();
            seen.extend(
                s.stack
                    .iter()
                    .flat_map(|l| self.locations[*l as usize].functions()),
            );
            seen.sort_unstable();
            seen.dedup();
            for f in &seen {
                times.entry(*f).or_default().1 += s.cpu_ns;
            }
        }
        let mut by_time: Vec<(u32, (u64, u64))> = times.into_iter().collect();
        let name = |f: u32| &self.functions[f as usize].name;
        by_time.sort_by(|(f, a), (g, b)| b.cmp(a).then_with(|| name(*f).cmp(name(*g))));
        let cpu = self.cpu_ns();
        by_time
            .into_iter()
            .map(|(f, (self_ns, total_ns))| Share {
                name: name(f).clone(),
                self_pct: share(self_ns, cpu),
                total_pct: share(total_ns, cpu),
            })
            .collect()
    }
}

/// The functions whose share of self time moved most from `before` to `after`, in percentage
/// points (`encoding/json.(*decodeState).object +18`), largest change first; changes under
/// `min_points` are left out.
pub fn moved(before: &Profile, after: &Profile, min_points: f64) -> Vec<(String, f64)> {
    let mut shares: HashMap<String, (f64, f64)> = HashMap::new();
    for s in before.shares() {
        shares.entry(s.name).or_default().0 = s.self_pct;
    }
    for s in after.shares() {
        shares.entry(s.name).or_default().1 = s.self_pct;
    }
    let mut out: Vec<(String, f64)> = shares
        .into_iter()
        .map(|(name, (b, a))| (name, a - b))
        .filter(|(_, d)| d.abs() >= min_points)
        .collect();
    out.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then_with(|| a.0.cmp(&b.0)));
    out
}

/// Writes `profile` to `path` in pprof's format; `module` is the module file it profiles.
pub fn write(path: &Path, profile: &Profile, module: &Path) -> Result<(), String> {
    let bytes = pprof::encode(profile, &module.to_string_lossy());
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// `cpu.pprof` for mode `aot`: `cpu.aot.pprof`.
pub fn path_for_mode(path: &Path, mode: &str) -> PathBuf {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let name = match path.extension() {
        Some(ext) => format!("{stem}.{mode}.{}", ext.to_string_lossy()),
        None => format!("{stem}.{mode}"),
    };
    path.with_file_name(name)
}

/// One line for the terminal: how much was sampled, where it went, the top functions.
pub fn summary(profile: &Profile, mode: &str, path: &Path) -> String {
    let cpu = profile.cpu_ns();
    let top: Vec<String> = profile
        .shares()
        .iter()
        .take(3)
        .filter(|f| f.self_pct > 0.0)
        .map(|f| format!("{} {:.0}%", f.name, f.self_pct))
        .collect();
    format!(
        "gowasm: {mode} profile: {} samples, {} of CPU, in {}{}{}",
        profile.sample_count(),
        crate::engine::human_duration(std::time::Duration::from_nanos(cpu)),
        path.display(),
        if top.is_empty() {
            ""
        } else {
            "; most self time: "
        },
        top.join(", ")
    )
}

/// `part` as a percentage of `whole`.
pub fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// The operators of defined function `defined` in `bytes`, each as Debug prints it, for the
/// rewrites' tests.
#[cfg(test)]
pub(crate) fn body_ops(bytes: &[u8], defined: usize) -> Vec<String> {
    use wasmparser::{Parser, Payload};
    let bodies: Vec<_> = Parser::new(0)
        .parse_all(bytes)
        .filter_map(|p| match p.unwrap() {
            Payload::CodeSectionEntry(body) => Some(body),
            _ => None,
        })
        .collect();
    let mut reader = bodies[defined].get_operators_reader().unwrap();
    let mut out = vec![];
    while !reader.eof() {
        out.push(format!("{:?}", reader.read().unwrap()));
    }
    out
}

/// A profile of `(stack of names, innermost first, cpu ms)`, for tests.
#[cfg(test)]
pub(crate) fn profile_of(samples: &[(&[&str], u64)]) -> Profile {
    let mut p = Profile {
        hz: 1000,
        ..Profile::default()
    };
    for (stack, ms) in samples {
        let mut ids = vec![];
        for name in *stack {
            let f = match p.functions.iter().position(|f| f.name == *name) {
                Some(k) => k,
                None => {
                    p.functions.push(Function {
                        name: name.to_string(),
                        file: None,
                        start_line: None,
                    });
                    p.functions.len() - 1
                }
            };
            p.locations.push(Location {
                function: f as u32,
                line: None,
                address: 0,
                inlined_into: vec![],
            });
            ids.push((p.locations.len() - 1) as u32);
        }
        p.samples.push(Sample {
            stack: ids,
            count: *ms,
            cpu_ns: ms * 1_000_000,
        });
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_and_total_shares_count_recursion_once() {
        let p = profile_of(&[
            (&["fib", "fib", "main"], 60),
            (&["print", "main"], 30),
            (&["main"], 10),
        ]);
        let s = p.shares();
        assert_eq!(s[0].name, "fib");
        assert!((s[0].self_pct - 60.0).abs() < 1e-9);
        assert!((s[0].total_pct - 60.0).abs() < 1e-9, "not 120");
        let main = s.iter().find(|s| s.name == "main").unwrap();
        assert!((main.total_pct - 100.0).abs() < 1e-9);
        assert!((main.self_pct - 10.0).abs() < 1e-9);
    }

    #[test]
    fn an_inlined_call_has_the_self_time_and_its_caller_the_total() {
        let mut p = profile_of(&[(&["step", "main"], 10)]);
        // `step` inlined into `spin`, at one place.
        p.functions.push(Function {
            name: "spin".into(),
            file: None,
            start_line: None,
        });
        p.locations[0].inlined_into = vec![(2, Some(13))];
        let s = p.shares();
        assert_eq!(s[0].name, "step");
        let spin = s.iter().find(|s| s.name == "spin").unwrap();
        assert!((spin.self_pct).abs() < 1e-9 && (spin.total_pct - 100.0).abs() < 1e-9);
        let rows = flame::layout(&p, 10, 5);
        let names: Vec<&str> = rows.iter().map(|r| r[0].name.as_str()).collect();
        assert_eq!(names, ["main", "spin", "step"]);
    }

    #[test]
    fn what_moved_is_in_points_of_self_time() {
        let before = profile_of(&[(&["a", "main"], 50), (&["b", "main"], 50)]);
        let after = profile_of(&[(&["a", "main"], 68), (&["b", "main"], 30), (&["c"], 2)]);
        let m = moved(&before, &after, 1.0);
        assert_eq!(m[0].0, "b");
        assert!((m[0].1 + 20.0).abs() < 1e-9);
        assert_eq!(m[1].0, "a");
        assert!((m[1].1 - 18.0).abs() < 1e-9);
        assert_eq!(m.len(), 3);
        assert!(moved(&before, &before, 0.5).is_empty());
    }
}
