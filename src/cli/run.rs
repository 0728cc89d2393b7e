//! `gowasm run`: build if needed, run in one mode or all, pass output through, report timings.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::capture::Capture;
use super::exit;
use super::format::{call_notes, call_results, summary_line, timings_table};
use super::guest::GuestOptions;
use super::source::{self, BuildOptions};
use crate::build::BuildOutcome;
use crate::compare::{Comparison, compare};
use crate::engine::calls::{CallSpec, CallStatus};
use crate::engine::worker::{self, Job, WorkerError};
use crate::engine::{CacheUse, Mode, Outcome, RunReport, Stream};
use crate::inspect::triage::Entry;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeChoice {
    Interp,
    Baseline,
    Aot,
    /// Each mode in turn, compared side by side
    All,
}

impl ModeChoice {
    pub fn modes(self) -> Vec<Mode> {
        match self {
            ModeChoice::Interp => vec![Mode::Interp],
            ModeChoice::Baseline => vec![Mode::Baseline],
            ModeChoice::Aot => vec![Mode::Aot],
            ModeChoice::All => Mode::ALL.to_vec(),
        }
    }
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// A .wasm file or a Go project folder (or give it as the first argument after --)
    pub input: Option<PathBuf>,
    /// Arguments for the guest program: everything after the module, as `wasmtime run` takes
    /// them (gowasm's own options go before it), or after `--`
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
    #[arg(long, short, value_enum, default_value = "aot")]
    pub mode: ModeChoice,
    /// Call an export, after a reactor's `_initialize` (or a command's `_start`): `--invoke
    /// 'add 2 3'`, or `--invoke add` with the arguments after the module, as wasmtime takes
    /// them. Repeat it for several calls on one instance; each result prints on stdout.
    #[arg(long, value_name = "CALL")]
    pub invoke: Vec<String>,
    #[command(flatten)]
    pub guest: GuestOptions,
    /// Print one JSON document (guest output included) instead of passing output through
    #[arg(long)]
    pub json: bool,
    /// Do not print timings to stderr
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub build: BuildOptions,
}

/// One mode's run with its captured output (for `--json` and `--mode all`).
#[derive(Debug, Serialize)]
pub(super) struct ModeRun {
    /// The toolchain that built the module, when toolchains are compared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toolchain: Option<String>,
    #[serde(flatten)]
    pub report: RunReport,
    pub exit_code: i32,
    /// The first 64 MiB of each stream (see `capture`), and how much there was.
    pub stdout: String,
    pub stderr: String,
    stdout_bytes: u64,
    stderr_bytes: u64,
    stdout_truncated: bool,
    stderr_truncated: bool,
}

/// The `--json` document of `gowasm run`.
#[derive(Debug, Serialize)]
struct RunDocument<'a> {
    module: &'a PathBuf,
    build: Option<&'a BuildOutcome>,
    runs: Vec<ModeRun>,
    comparison: Option<Comparison>,
}

impl RunArgs {
    pub fn run(mut self) -> ExitCode {
        // `go test -exec "gowasm run --dir /::/ --"` puts the module after `--`.
        let input = match self.input.take() {
            Some(i) => i,
            None if !self.args.is_empty() => PathBuf::from(self.args.remove(0)),
            None => return super::fail("nothing to run: give a .wasm file or a Go project folder"),
        };
        let calls = match self.calls() {
            Ok(c) => c,
            Err(e) => return super::fail(e),
        };
        if let Some(e) = go_parameter_problem(&input, &calls) {
            return super::fail(e);
        }
        if self.build.toolchains().len() > 1 {
            return super::toolchains::run(&self, &input, &calls);
        }
        let resolved = match source::resolve_or_exit(&input, &self.build) {
            Ok(r) => r,
            Err(code) => return code,
        };
        let mut config = match self.guest.config(&resolved.module, &self.args, self.json) {
            Ok(c) => c,
            Err(e) => return super::fail(e),
        };
        config.calls = calls;
        let exe = match std::env::current_exe() {
            Ok(e) => e,
            Err(e) => return super::fail(format!("cannot find gowasm's own executable: {e}")),
        };
        let modes = self.mode.modes();
        let timeout = self.guest.timeout;
        let mut runs: Vec<ModeRun> = vec![];
        let mut queue: std::collections::VecDeque<Mode> = modes.iter().copied().collect();
        while let Some(mode) = queue.pop_front() {
            // Output passes straight through for a single run, and for the first of several:
            // the worker writes it to gowasm's stdout and stderr itself.
            let pass_through = !self.json && runs.is_empty();
            let job = Job {
                module: resolved.module.clone(),
                mode,
                config: config.clone(),
                compile_only: false,
                direct_output: pass_through,
            };
            let run = match run_one(&exe, &job, timeout) {
                Ok(r) => r,
                Err(code) => return code,
            };
            if !self.json && modes.len() == 1 {
                print!("{}", call_results(&run.report));
                if let (false, Outcome::Trapped(trap)) = (self.quiet, &run.report.outcome) {
                    eprintln!("{}", trap.render());
                }
                // Even with -q: a call not made is not a timing.
                for line in call_notes(&run.report) {
                    eprintln!("{line}");
                }
                if !self.quiet {
                    if run.report.entry == Entry::Reactor && run.report.calls.is_empty() {
                        eprintln!("{}", reactor_hint(&resolved.module));
                    }
                    eprintln!("{}", summary_line(&run.report));
                }
            }
            // Comparing needs a cached aot run too: after compiling, run once more from the cache.
            if modes.len() > 1 && mode == Mode::Aot && run.report.timings.cache == CacheUse::Miss {
                queue.push_back(Mode::Aot);
            }
            runs.push(run);
        }
        let comparison = (runs.len() > 1)
            .then(|| compare(&runs.iter().map(|r| r.report.clone()).collect::<Vec<_>>()));
        let code = runs.first().map_or(0, |r| r.exit_code);
        if self.json {
            let doc = RunDocument {
                module: &resolved.module,
                build: resolved.build.as_ref(),
                runs,
                comparison,
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).expect("serializable")
            );
        } else if let Some(c) = &comparison {
            let reports: Vec<&RunReport> = runs.iter().map(|r| &r.report).collect();
            print!("{}", call_results(reports[0]));
            eprint!("{}", timings_table(&reports, c));
            for line in call_notes(reports[0]) {
                eprintln!("{line}");
            }
            for r in &reports[1..] {
                if let Some(line) = results_differ(reports[0], r) {
                    eprintln!("gowasm: warning: {line}");
                }
            }
            for r in &runs[1..] {
                if r.exit_code != runs[0].exit_code {
                    eprintln!(
                        "gowasm: warning: {} ended with {} but {} with {}",
                        r.report.mode.name(),
                        r.report.describe(),
                        runs[0].report.mode.name(),
                        runs[0].report.describe()
                    );
                }
            }
        }
        ExitCode::from(code.clamp(0, 255) as u8)
    }
}

impl RunArgs {
    /// The calls `--invoke` asks for. One bare name takes the arguments after the module, as
    /// `wasmtime run --invoke NAME M.wasm ARGS` does; otherwise each carries its own.
    fn calls(&mut self) -> Result<Vec<CallSpec>, String> {
        if let [name] = self.invoke.as_slice()
            && name.split_whitespace().count() == 1
        {
            let mut spec = CallSpec::parse(name)?;
            spec.args = std::mem::take(&mut self.args);
            return Ok(vec![spec]);
        }
        self.invoke.iter().map(|c| CallSpec::parse(c)).collect()
    }
}

/// For a project: a call of an export whose Go parameters are not numbers (a pointer, a
/// string), which a call cannot pass.
pub(super) fn go_parameter_problem(input: &std::path::Path, calls: &[CallSpec]) -> Option<String> {
    if !input.is_dir() || calls.is_empty() {
        return None;
    }
    let exports = crate::build::reactor::go_exports(input);
    calls
        .iter()
        .find_map(|c| crate::build::reactor::unsupported_parameter(&exports, &c.export))
}

/// What a reactor run without `--invoke` tells the user: its exports, and how to call one.
fn reactor_hint(module: &std::path::Path) -> String {
    let names = crate::engine::read_module(module)
        .ok()
        .and_then(|bytes| crate::inspect::inspect_headers(&bytes).ok())
        .map(|report| {
            let names: Vec<&str> = crate::inspect::triage::callable_exports(&report)
                .map(|e| e.name.as_str())
                .collect();
            crate::inspect::triage::short_list(&names, 6)
        })
        .unwrap_or_default();
    format!(
        "gowasm: a reactor: ran `_initialize`; call its exports ({names}) with --invoke 'NAME ARGS'"
    )
}

/// Where two modes' calls returned different values, in one line.
fn results_differ(a: &RunReport, b: &RunReport) -> Option<String> {
    let (x, y) = a.calls.iter().zip(&b.calls).find(|(x, y)| {
        x.status == CallStatus::Returned
            && y.status == CallStatus::Returned
            && x.results != y.results
    })?;
    Some(format!(
        "{} returned {} in {} but {} in {}",
        crate::engine::calls::label(&x.call),
        x.shown_results(),
        a.mode.name(),
        y.shown_results(),
        b.mode.name()
    ))
}

/// Runs one job (in a worker when it can be timed out); on failure, returns the exit code after telling the user. Output
/// the worker does not write straight through (`direct_output`) is captured into the result.
pub(super) fn run_one(
    exe: &std::path::Path,
    job: &Job,
    timeout: Option<Duration>,
) -> Result<ModeRun, ExitCode> {
    let (mut stdout, mut stderr) = (Capture::default(), Capture::default());
    // Output passed through, and nothing to stop early: a compiled mode needs no worker. interp
    // keeps one: a panic in wasmi's translator aborts the process (see docs/upstream.md), and
    // then only a worker's death can be reported.
    let in_process = job.direct_output && timeout.is_none() && job.mode != Mode::Interp;
    let result = if in_process {
        worker::run_in_process(job)
    } else {
        worker::run(exe, job, timeout, None, |stream, bytes| match stream {
            Stream::Stdout => stdout.push(bytes),
            Stream::Stderr => stderr.push(bytes),
        })
    };
    let report = match result {
        Ok(r) => r,
        Err(WorkerError::Engine(message)) => return Err(super::fail(message)),
        Err(e @ WorkerError::Spawn { .. }) => {
            eprintln!("gowasm: error: {e}");
            return Err(ExitCode::from(exit::INTERNAL));
        }
    };
    // Each warning once per command: a module's note comes with every mode's run.
    static SHOWN: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut shown = SHOWN.lock().unwrap_or_else(|p| p.into_inner());
    for w in &report.warnings {
        if !shown.contains(w) {
            eprintln!("gowasm: warning: {w}");
            shown.push(w.clone());
        }
    }
    drop(shown);
    Ok(ModeRun {
        toolchain: None,
        exit_code: exit_code_of(&report),
        report,
        stdout: stdout.text(),
        stderr: stderr.text(),
        stdout_bytes: stdout.total(),
        stderr_bytes: stderr.total(),
        stdout_truncated: stdout.truncated(),
        stderr_truncated: stderr.truncated(),
    })
}

/// gowasm's exit code for a run: the guest's own, or one of [`exit`]'s.
fn exit_code_of(r: &RunReport) -> i32 {
    match &r.outcome {
        Outcome::Exited { code } => *code,
        Outcome::Trapped(_) => exit::TRAP.into(),
        Outcome::TimedOut { .. } => exit::TIMED_OUT.into(),
        Outcome::Cancelled | Outcome::Crashed { .. } => exit::INTERNAL.into(),
    }
}
