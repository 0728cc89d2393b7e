//! What a run is given: mode, arguments, environment, directories, limits.

use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How the module is executed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The wasmi interpreter: no compile step, slowest execution.
    Interp,
    /// wasmer's Singlepass compiler: fast compile, slower code.
    Baseline,
    /// wasmer's Cranelift compiler, artifact cached on disk.
    Aot,
    /// wasmer's LLVM compiler, optimizing: slow to compile, the fastest code; cached as aot is.
    Opt,
}

impl Mode {
    pub const ALL: [Mode; 4] = [Mode::Interp, Mode::Baseline, Mode::Aot, Mode::Opt];

    pub fn name(self) -> &'static str {
        match self {
            Mode::Interp => "interp",
            Mode::Baseline => "baseline",
            Mode::Aot => "aot",
            Mode::Opt => "opt",
        }
    }

    /// Every mode this build has: opt needs the `llvm` feature.
    pub fn all() -> Vec<Mode> {
        Mode::ALL
            .into_iter()
            .filter(|m| *m != Mode::Opt || cfg!(feature = "llvm"))
            .collect()
    }

    /// Whether the mode's compiled artifact is cached on disk (aot, opt), so that its compile
    /// is paid once per module and may run in the background.
    pub fn cached(self) -> bool {
        matches!(self, Mode::Aot | Mode::Opt)
    }

    /// `interp,aot` (each once, in the order given), `all` or `none`: what `--mode` of `watch`
    /// and `bench`, and `modes` in a settings file, take.
    pub fn parse_list(s: &str) -> Result<Vec<Mode>, String> {
        match s {
            "all" => return Ok(Mode::all()),
            "none" => return Ok(vec![]),
            _ => {}
        }
        let mut modes = vec![];
        for part in s.split(',') {
            let mode = Mode::ALL
                .into_iter()
                .find(|m| m.name() == part.trim())
                .ok_or_else(|| {
                    format!(
                        "{part:?}: expected interp, baseline, aot, opt (comma-separated), all or none"
                    )
                })?;
            if !modes.contains(&mode) {
                modes.push(mode);
            }
        }
        Ok(modes)
    }
}

/// Native stack given to compiled wasm code. Go's own wasip1 runner gives wasmtime 8 MiB
/// (`--max-wasm-stack 8388608`), which ends a Go recursion between 100 000 and 1 000 000 frames
/// deep; native Go goes to 10 000 000 and beyond. 64 MiB (reserved, touched only when used) takes
/// gowasm past a million frames in every mode.
pub const MAX_WASM_STACK: usize = 64 << 20;

/// Elements a table may grow to, in every mode. Without a cap, one `table.grow` with a huge
/// count makes wasmer allocate tens of gigabytes and abort the process; wasmi's limiter and
/// wasmer's tunables both refuse beyond this (`table.grow` returns -1).
pub const MAX_TABLE_ELEMENTS: u32 = 10_000_000;

/// Everything a run needs besides the module.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunConfig {
    /// `argv[0]` as the guest sees it.
    pub program: String,
    pub args: Vec<String>,
    /// The guest's whole environment: nothing is inherited unless put here.
    pub env: Vec<(String, String)>,
    pub dirs: Vec<DirMapping>,
    /// Give the guest the host's stdin; otherwise it reads end-of-file.
    pub inherit_stdin: bool,
    /// Cap on linear memory in bytes.
    pub max_memory: u64,
    /// Where AOT artifacts live; `None` disables the cache.
    pub cache_dir: Option<PathBuf>,
    /// Exports to call, in order, on one instance: after `_initialize` for a reactor, after
    /// `_start` (if it returns) for a command.
    #[serde(default)]
    pub calls: Vec<super::calls::CallSpec>,
    /// Sample the guest's CPU time (Go modules; see [`crate::profile`]).
    #[serde(default)]
    pub profile: Option<crate::profile::ProfileSettings>,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            program: "main.wasm".into(),
            args: vec![],
            env: vec![],
            dirs: vec![],
            inherit_stdin: false,
            max_memory: 2 << 30,
            cache_dir: None,
            calls: vec![],
            profile: None,
        }
    }
}

/// A host directory the guest may open, at a guest path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirMapping {
    pub host: PathBuf,
    pub guest: String,
    pub read_only: bool,
}

impl FromStr for DirMapping {
    type Err = String;

    /// `HOST` (seen as the same path in the guest) or `HOST::GUEST`, as wasmtime spells it.
    fn from_str(s: &str) -> Result<Self, String> {
        let (host, guest) = match s.split_once("::") {
            Some((h, g)) => (h, g),
            None => (s, s),
        };
        if host.is_empty() || guest.is_empty() {
            return Err(format!("{s:?}: expected HOST or HOST::GUEST"));
        }
        Ok(DirMapping {
            host: PathBuf::from(host),
            guest: guest.to_string(),
            read_only: false,
        })
    }
}

/// Parses a size such as `512M`, `1GiB`, `2g` or `1048576` into bytes.
/// One guest environment variable, `K=V` (`--env`, the workbench's `:env`).
pub fn parse_env_pair(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("{s:?}: expected K=V")),
    }
}

pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{s:?}: expected a size such as 512M or 1G"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(format!("{s:?}: unknown unit (use K, M or G)")),
    };
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("{s:?}: too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dir_mappings_follow_wasmtime_syntax() {
        let d: DirMapping = "/tmp/x::/data".parse().unwrap();
        assert_eq!(
            (d.host.to_str().unwrap(), d.guest.as_str()),
            ("/tmp/x", "/data")
        );
        let d: DirMapping = "/::/".parse().unwrap();
        assert_eq!((d.host.to_str().unwrap(), d.guest.as_str()), ("/", "/"));
        let d: DirMapping = "data".parse().unwrap();
        assert_eq!(d.guest, "data");
        assert!("::/x".parse::<DirMapping>().is_err());
    }

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("1G").unwrap(), 1 << 30);
        assert_eq!(parse_size("512MiB").unwrap(), 512 << 20);
        assert_eq!(parse_size("4096").unwrap(), 4096);
        assert!(parse_size("lots").is_err());
        assert!(parse_size("1T").is_err());
    }
}
