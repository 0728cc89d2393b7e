//! `gowasm bench`: every mode (and native Go, and other runtimes) run the same module the same
//! number of times, interleaved (A B C A B C …) so that a noisy machine slows all alike; reported
//! as medians, spreads and ratios, never as a single run.

pub mod calls;
mod runtimes;
mod stats;
pub mod suite;

pub use runtimes::{KNOWN as KNOWN_RUNTIMES, NODE_SHIM, Runtime, find as find_runtimes};
pub use stats::Stats;

use std::io::Read;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::engine::worker::{self, Job};
use crate::engine::{Mode, Outcome, RunConfig, RunReport};

/// One thing being timed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contender {
    /// A gowasm mode; aot loads its cached artifact (warm).
    Mode(Mode),
    /// aot with no artifact: compiles every time.
    AotCold,
    /// A mode with the CPU profiler on (`--profile`): what profiling costs.
    Profiled(Mode),
    /// The same Go program built for this machine.
    Native(PathBuf),
    /// Another runtime on PATH.
    Runtime(Runtime),
}

impl Contender {
    pub fn name(&self) -> String {
        match self {
            Contender::Mode(Mode::Aot) => "aot (warm)".into(),
            Contender::Mode(Mode::Opt) => "opt (warm)".into(),
            Contender::Mode(m) => m.name().into(),
            Contender::AotCold => "aot (cold)".into(),
            Contender::Profiled(m) => format!("{} (profiled)", m.name()),
            Contender::Native(_) => "native".into(),
            Contender::Runtime(r) => r.name.clone(),
        }
    }
}

/// One contender and the module it runs.
#[derive(Debug, Clone)]
pub struct Entry {
    pub contender: Contender,
    pub module: PathBuf,
    /// The toolchain that built the module, when toolchains are compared.
    pub toolchain: Option<String>,
}

impl Entry {
    /// `interp`, or `tinygo interp` when toolchains are compared (native Go is no toolchain's).
    pub fn name(&self) -> String {
        match (&self.toolchain, &self.contender) {
            (Some(t), c) if !matches!(c, Contender::Native(_)) => format!("{t} {}", c.name()),
            (_, c) => c.name(),
        }
    }
}

/// What to measure.
#[derive(Debug, Clone)]
pub struct BenchPlan {
    /// What the report is titled with: the module, or the project when toolchains are compared.
    pub module: PathBuf,
    pub contenders: Vec<Entry>,
    pub runs: usize,
    pub warmup: usize,
    pub config: RunConfig,
    /// Stops a gowasm run that goes on longer than this (it then counts as it ended).
    pub timeout: Option<Duration>,
    pub exe: PathBuf,
    /// Where the node shim lives, when node is a contender.
    pub node_shim: PathBuf,
}

impl BenchPlan {
    /// gowasm's own contenders for `module`: each of `modes`, with `cold` aot compiling every
    /// time beside aot from its cache, and with `profiled` interp, baseline and aot again with
    /// the profiler on. The command line adds native Go and the peers; the workbench's `b`
    /// times just these.
    pub fn modes(
        module: &std::path::Path,
        modes: &[Mode],
        cold: bool,
        profiled: bool,
        toolchain: Option<&str>,
    ) -> Vec<Entry> {
        let entry = |contender| Entry {
            contender,
            module: module.to_path_buf(),
            toolchain: toolchain.map(str::to_string),
        };
        let mut list = vec![];
        for mode in modes {
            list.push(entry(Contender::Mode(*mode)));
            if cold && *mode == Mode::Aot {
                list.push(entry(Contender::AotCold));
            }
            if profiled && *mode != Mode::Opt {
                list.push(entry(Contender::Profiled(*mode)));
            }
        }
        list
    }
}

/// One contender's results.
#[derive(Debug, Clone, Serialize)]
pub struct ContenderResult {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toolchain: Option<String>,
    pub runs: usize,
    /// Wall time of a whole run, process start to exit (the only figure for native and other runtimes).
    pub wall: Option<Stats>,
    /// gowasm's phases: load, compile, instantiate, run, total.
    pub phases: Vec<(String, Stats)>,
    /// Wall time minus the guest's run phase (gowasm modes): starting the worker, loading,
    /// compiling or loading the artifact, instantiating, and exiting. An upper bound on the
    /// time from process start to the guest's `_start`.
    pub overhead: Option<Stats>,
    /// Bytes the guest wrote to stdout in its first measured run.
    pub stdout_bytes: u64,
    /// Largest linear memory seen, in bytes (gowasm modes).
    pub peak_memory: Option<u64>,
    /// Every run printed what the first contender's first run printed, and exited the same way.
    pub same_output: bool,
    pub exit_code: Option<i32>,
    /// Median wall time over interp's (gowasm modes compare their run phase instead).
    pub speedup_over_interp: Option<f64>,
    /// This one's median over native Go's wall time (gowasm modes: their run phase), i.e. how far
    /// from the physical limit for the same source.
    pub ratio_to_native: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub module: PathBuf,
    pub runs: usize,
    pub warmup: usize,
    pub results: Vec<ContenderResult>,
    /// After how many runs aot's cold compile pays off against interp.
    pub aot_break_even_runs: Option<u64>,
    /// Runtimes asked for but not found on PATH.
    pub not_found: Vec<String>,
    /// Each toolchain's build (its time and module size), when toolchains are compared.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub builds: Vec<crate::toolchains::ToolchainRow>,
}

impl BenchReport {
    /// Each gowasm mode's median run phase (`plan` is the plan the report came from).
    pub fn mode_run_medians(&self, plan: &BenchPlan) -> Vec<(Mode, Duration)> {
        plan.contenders
            .iter()
            .zip(&self.results)
            .filter_map(|(entry, r)| {
                let Contender::Mode(mode) = entry.contender else {
                    return None;
                };
                let run = r.phases.iter().find(|(n, _)| n == "run")?;
                Some((mode, run.1.median))
            })
            .collect()
    }
}

struct Sample {
    wall: Duration,
    report: Option<RunReport>,
    stdout: Digest,
    exit: i32,
}

/// What a run printed, kept as a length and a hash: a guest may print gigabytes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Digest {
    bytes: u64,
    hash: blake3::Hash,
}

#[derive(Default)]
struct Digester {
    bytes: u64,
    hasher: blake3::Hasher,
}

impl Digester {
    fn update(&mut self, chunk: &[u8]) {
        self.bytes += chunk.len() as u64;
        self.hasher.update(chunk);
    }

    fn finish(&self) -> Digest {
        Digest {
            bytes: self.bytes,
            hash: self.hasher.finalize(),
        }
    }
}

/// Runs the plan; `progress(done, total, name)` is called before each run.
pub fn run(
    plan: &BenchPlan,
    mut progress: impl FnMut(usize, usize, &str),
) -> Result<BenchReport, String> {
    let rounds = plan.warmup + plan.runs;
    let total = rounds * plan.contenders.len();
    let mut samples: Vec<Vec<Sample>> = plan.contenders.iter().map(|_| vec![]).collect();
    let mut done = 0;
    for round in 0..rounds {
        for (i, entry) in plan.contenders.iter().enumerate() {
            progress(done, total, &entry.name());
            done += 1;
            let sample = run_once(plan, entry)?;
            if round >= plan.warmup {
                samples[i].push(sample);
            }
        }
    }
    let reference = samples
        .first()
        .and_then(|s| s.first())
        .map(|s| (s.stdout.clone(), s.exit));
    let mut results: Vec<ContenderResult> = plan
        .contenders
        .iter()
        .zip(&samples)
        .map(|(e, s)| summarize(e, s, reference.as_ref()))
        .collect();
    add_ratios(&plan.contenders, &mut results);
    let aot_break_even_runs = break_even(&plan.contenders, &results);
    Ok(BenchReport {
        module: plan.module.clone(),
        runs: plan.runs,
        warmup: plan.warmup,
        results,
        aot_break_even_runs,
        not_found: vec![],
        builds: vec![],
    })
}

fn run_once(plan: &BenchPlan, entry: &Entry) -> Result<Sample, String> {
    let mode_run = |mode: Mode, config: &RunConfig| -> Result<Sample, String> {
        let job = Job {
            module: entry.module.clone(),
            mode,
            config: config.clone(),
            compile_only: false,
            direct_output: false,
        };
        let mut stdout = Digester::default();
        let started = Instant::now();
        let report = worker::run(&plan.exe, &job, plan.timeout, None, |s, b| {
            if s == crate::engine::Stream::Stdout {
                stdout.update(b)
            }
        })
        .map_err(|e| e.to_string())?;
        let wall = started.elapsed();
        let exit = match report.outcome {
            Outcome::Exited { code } => code,
            _ => -1,
        };
        Ok(Sample {
            wall,
            report: Some(report),
            stdout: stdout.finish(),
            exit,
        })
    };
    match &entry.contender {
        Contender::Mode(mode) => mode_run(*mode, &plan.config),
        Contender::AotCold => {
            let fresh = tempfile::tempdir().map_err(|e| e.to_string())?;
            let mut config = plan.config.clone();
            config.cache_dir = Some(fresh.path().to_path_buf());
            mode_run(Mode::Aot, &config)
        }
        Contender::Profiled(mode) => {
            let mut config = plan.config.clone();
            config.profile = Some(crate::profile::ProfileSettings::default());
            mode_run(*mode, &config)
        }
        Contender::Native(binary) => {
            let mut c = std::process::Command::new(binary);
            c.args(&plan.config.args);
            external(c)
        }
        Contender::Runtime(rt) => {
            external(rt.command(&entry.module, &plan.config.args, &plan.node_shim))
        }
    }
}

fn external(mut c: std::process::Command) -> Result<Sample, String> {
    c.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let program = c.get_program().to_owned();
    let failed = |e: std::io::Error| format!("{program:?}: {e}");
    let started = Instant::now();
    let mut child = c.spawn().map_err(failed)?;
    let mut stdout = Digester::default();
    let mut pipe = child.stdout.take().expect("piped stdout");
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        match pipe.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => stdout.update(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(failed(e));
            }
        }
    }
    let status = child.wait().map_err(failed)?;
    Ok(Sample {
        wall: started.elapsed(),
        report: None,
        stdout: stdout.finish(),
        exit: status.code().unwrap_or(-1),
    })
}

fn summarize(
    entry: &Entry,
    samples: &[Sample],
    reference: Option<&(Digest, i32)>,
) -> ContenderResult {
    let walls: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
    let reports: Vec<&RunReport> = samples.iter().filter_map(|s| s.report.as_ref()).collect();
    let phase = |f: fn(&RunReport) -> Duration| {
        Stats::of(&reports.iter().map(|r| f(r)).collect::<Vec<_>>())
    };
    let mut phases = vec![];
    if !reports.is_empty() {
        type Phase = fn(&RunReport) -> Duration;
        let fields: [(&str, Phase); 5] = [
            ("load", |r| r.timings.load),
            ("compile", |r| r.timings.compile),
            ("instantiate", |r| r.timings.instantiate),
            ("run", |r| r.timings.run),
            ("total", |r| r.timings.total),
        ];
        for (name, f) in fields {
            if let Some(s) = phase(f) {
                phases.push((name.to_string(), s));
            }
        }
    }
    let same_output = match reference {
        Some((out, exit)) => samples.iter().all(|s| &s.stdout == out && s.exit == *exit),
        None => true,
    };
    let overheads: Vec<Duration> = samples
        .iter()
        .filter_map(|s| Some(s.wall.saturating_sub(s.report.as_ref()?.timings.run)))
        .collect();
    ContenderResult {
        name: entry.name(),
        toolchain: entry.toolchain.clone(),
        runs: samples.len(),
        wall: Stats::of(&walls),
        phases,
        overhead: Stats::of(&overheads),
        stdout_bytes: samples.first().map_or(0, |s| s.stdout.bytes),
        peak_memory: reports.iter().map(|r| r.memory_bytes).max(),
        same_output,
        exit_code: samples.first().map(|s| s.exit),
        speedup_over_interp: None,
        ratio_to_native: None,
    }
}

fn median_of(r: &ContenderResult, phase: &str) -> Option<Duration> {
    r.phases
        .iter()
        .find(|(n, _)| n == phase)
        .map(|(_, s)| s.median)
}

/// Speedups over interp (the same toolchain's) and ratios to native Go.
fn add_ratios(entries: &[Entry], results: &mut [ContenderResult]) {
    let native = entries
        .iter()
        .position(|e| matches!(e.contender, Contender::Native(_)));
    let native_wall = native.and_then(|i| results[i].wall.map(|w| w.median));
    for i in 0..results.len() {
        let interp = entries.iter().position(|e| {
            e.contender == Contender::Mode(Mode::Interp) && e.toolchain == entries[i].toolchain
        });
        let interp_run = interp.and_then(|j| median_of(&results[j], "run"));
        let interp_wall = interp.and_then(|j| results[j].wall.map(|w| w.median));
        let r = &mut results[i];
        // gowasm modes compare run phases; others can only be compared whole.
        r.speedup_over_interp = match (median_of(r, "run"), interp_run, r.wall, interp_wall) {
            (Some(run), Some(base), _, _) if !run.is_zero() => {
                Some(base.as_secs_f64() / run.as_secs_f64())
            }
            (None, _, Some(w), Some(base)) if !w.median.is_zero() => {
                Some(base.as_secs_f64() / w.median.as_secs_f64())
            }
            _ => None,
        };
        let own = median_of(r, "run").or(r.wall.map(|w| w.median));
        r.ratio_to_native = match (own, native_wall) {
            (Some(t), Some(n)) if !n.is_zero() => Some(t.as_secs_f64() / n.as_secs_f64()),
            _ => None,
        };
    }
}

/// Runs after which aot (one cold compile, then warm loads) costs less than interp every time,
/// for the first toolchain's module.
fn break_even(entries: &[Entry], results: &[ContenderResult]) -> Option<u64> {
    let toolchain = &entries.first()?.toolchain;
    let find = |c: Contender| {
        entries
            .iter()
            .position(|e| e.contender == c && e.toolchain == *toolchain)
            .map(|i| &results[i])
    };
    let per_run = |r: &ContenderResult| {
        Some(median_of(r, "compile")? + median_of(r, "instantiate")? + median_of(r, "run")?)
    };
    let interp = per_run(find(Contender::Mode(Mode::Interp))?)?;
    let warm = per_run(find(Contender::Mode(Mode::Aot))?)?;
    let cold = per_run(find(Contender::AotCold)?)?;
    crate::compare::break_even(interp, cold, warm)
}
