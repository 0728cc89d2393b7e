//! CPU profiles of a Go guest, the same in every mode: the module is rewritten so that Go's
//! functions count down at each entry and jump and call the host every so often
//! ([`instrument`]); the host takes a sample when the clock says one is due, walking Go's own
//! stack in linear memory with the pclntab ([`sampler`]); the samples become a [`Profile`] with
//! Go's names, files and lines, which [`pprof`] writes as `go tool pprof` reads it.

pub mod instrument;
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
    /// Index into [`Profile::functions`].
    pub function: u32,
    pub line: Option<u32>,
    /// Go's PC, `(PC_F << 16) | PC_B`.
    pub address: u64,
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

/// One function's share of a profile.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionTime {
    pub name: String,
    /// Time with the function innermost.
    pub self_ns: u64,
    /// Time with the function anywhere on the stack.
    pub total_ns: u64,
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
    pub fn by_function(&self) -> Vec<FunctionTime> {
        let mut times: HashMap<u32, (u64, u64)> = HashMap::new();
        let mut seen = Vec::new();
        for s in &self.samples {
            let function = |l: &u32| self.locations[*l as usize].function;
            if let Some(leaf) = s.stack.first() {
                times.entry(function(leaf)).or_default().0 += s.cpu_ns;
            }
            seen.clear();
            seen.extend(s.stack.iter().map(function));
            seen.sort_unstable();
            seen.dedup();
            for f in &seen {
                times.entry(*f).or_default().1 += s.cpu_ns;
            }
        }
        let mut out: Vec<FunctionTime> = times
            .into_iter()
            .map(|(f, (self_ns, total_ns))| FunctionTime {
                name: self.functions[f as usize].name.clone(),
                self_ns,
                total_ns,
            })
            .collect();
        out.sort_by(|a, b| {
            (b.self_ns, b.total_ns)
                .cmp(&(a.self_ns, a.total_ns))
                .then_with(|| a.name.cmp(&b.name))
        });
        out
    }
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
        .by_function()
        .iter()
        .take(3)
        .filter(|f| f.self_ns > 0)
        .map(|f| format!("{} {:.0}%", f.name, share(f.self_ns, cpu)))
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
