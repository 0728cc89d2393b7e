//! `gowasm run`: build if needed, run in one mode or all, pass output through, report timings.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::failure::{Failure, Finished, guest_exit, own_exe};
use super::format::{call_notes, call_results, summary_line, timings_table};
use super::guest::GuestOptions;
use super::mode_run::{ModeRun, run_one};
use super::source::{self, BuildOptions};
use crate::build::BuildOutcome;
use crate::compare::{Comparison, compare};
use crate::engine::calls::{CallSpec, CallStatus};
use crate::engine::worker::Job;
use crate::engine::{CacheUse, Mode, Outcome, RunConfig, RunReport};
use crate::inspect::triage::Entry;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeChoice {
    Interp,
    Baseline,
    Aot,
    /// wasmer's LLVM: slow to compile (cached), the fastest code
    Opt,
    /// Each mode in turn, compared side by side
    All,
}

impl ModeChoice {
    pub fn modes(self) -> Vec<Mode> {
        match self {
            ModeChoice::Interp => vec![Mode::Interp],
            ModeChoice::Baseline => vec![Mode::Baseline],
            ModeChoice::Aot => vec![Mode::Aot],
            ModeChoice::Opt => vec![Mode::Opt],
            ModeChoice::All => Mode::all(),
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
    /// Write a CPU profile of the run to FILE, in pprof's format (`go tool pprof FILE`); with
    /// several modes, one file each, the mode's name before the extension
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,
    /// Samples per second of --profile
    #[arg(long, value_name = "HZ", default_value_t = crate::profile::ProfileSettings::DEFAULT_HZ, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub profile_hz: u32,
    /// --profile at every jump too: the lines within each function, at a cost (see docs/usage.md)
    #[arg(long)]
    pub profile_lines: bool,
    /// Run it in a headless Chromium instead (a GOOS=js or TinyGo -target wasm program that
    /// needs a DOM): its output comes here, its exit code is gowasm's
    #[arg(long, conflicts_with_all = ["profile", "invoke"])]
    pub browser: bool,
    #[command(flatten)]
    pub build: BuildOptions,
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
    pub fn run(mut self) -> Finished {
        // `go test -exec "gowasm run --dir /::/ --"` puts the module after `--`.
        let input = match self.input.take() {
            Some(i) => i,
            None if !self.args.is_empty() => PathBuf::from(self.args.remove(0)),
            None => return Err("nothing to run: give a .wasm file or a Go project folder".into()),
        };
        let calls = self.calls()?;
        if let Some(e) = go_parameter_problem(&input, &calls) {
            return Err(e.into());
        }
        if self.build.toolchains().len() > 1 {
            return super::toolchains::run(&super::toolchains::Comparing {
                input: &input,
                build: &self.build,
                guest: &self.guest,
                args: &self.args,
                modes: self.mode.modes(),
                calls: &calls,
                json: self.json,
                quiet: self.quiet,
            });
        }
        // A project run in the browser is built for it.
        if self.browser && input.is_dir() && self.build.target.is_none() {
            let toolchain = crate::build::find_toolchain(self.build.toolchain.first().copied())
                .map_err(|e| e.to_string())?;
            let target = crate::serve::session::browser_target(toolchain.compiler, None)?;
            self.build.target = Some(target.to_string());
        }
        let resolved = source::resolve(&input, &self.build)?;
        let mut config = self.guest.config(&resolved.module, &self.args, self.json)?;
        config.calls = calls;
        config.profile = self
            .profile
            .is_some()
            .then_some(crate::profile::ProfileSettings {
                hz: self.profile_hz,
                lines: self.profile_lines,
                best_effort: false,
            });
        if self.browser {
            return super::browser_run::run(&resolved.module, &config, self.guest.timeout);
        }
        let runs = self.run_modes(&resolved.module, &config)?;
        if let Some(path) = &self.profile {
            self.write_profiles(path, &resolved.module, &runs)?;
        }
        let code = runs.first().map_or(0, |r| r.exit_code);
        if self.json {
            let comparison = (runs.len() > 1).then(|| compare(&reports(&runs)));
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
        } else if runs.len() > 1 {
            print_comparison(&runs);
        }
        Ok(guest_exit(code))
    }

    /// Runs each mode in turn; a single run's results and lines are printed as it ends.
    fn run_modes(&self, module: &Path, config: &RunConfig) -> Result<Vec<ModeRun>, Failure> {
        let exe = own_exe()?;
        let modes = self.mode.modes();
        if modes.len() == 1 {
            crate::engine::process_ends_after_run();
        }
        let mut runs: Vec<ModeRun> = vec![];
        let mut queue: std::collections::VecDeque<Mode> = modes.iter().copied().collect();
        while let Some(mode) = queue.pop_front() {
            // Output passes straight through for a single run, and for the first of several:
            // the worker writes it to gowasm's stdout and stderr itself.
            let job = Job {
                module: module.to_path_buf(),
                mode,
                config: config.clone(),
                compile_only: false,
                direct_output: !self.json && runs.is_empty(),
            };
            let run = run_one(&exe, &job, self.guest.timeout)?;
            if !self.json && modes.len() == 1 {
                self.print_single(module, &run.report);
            }
            // Comparing needs a cached run too: after compiling, run once more from the cache.
            if modes.len() > 1 && mode.cached() && run.report.timings.cache == CacheUse::Miss {
                queue.push_back(mode);
            }
            runs.push(run);
        }
        Ok(runs)
    }

    /// Writes each run's profile, and says where on stderr.
    fn write_profiles(&self, path: &Path, module: &Path, runs: &[ModeRun]) -> Result<(), Failure> {
        let several = runs.len() > 1;
        for (k, run) in runs.iter().enumerate() {
            // A cached mode that compiled runs again from its cache: its last run's counts.
            if runs[k + 1..]
                .iter()
                .any(|r| r.report.mode == run.report.mode)
            {
                continue;
            }
            let Some(profile) = &run.report.profile else {
                continue;
            };
            let path = if several {
                crate::profile::path_for_mode(path, run.report.mode.name())
            } else {
                path.to_path_buf()
            };
            crate::profile::write(&path, profile, module)?;
            if !self.quiet {
                eprintln!(
                    "{}",
                    crate::profile::summary(profile, run.report.mode.name(), &path)
                );
            }
        }
        Ok(())
    }

    /// What a single run adds to its output: the calls' results on stdout; the trap, the calls
    /// not made, the JS host's note and the timing line on stderr.
    fn print_single(&self, module: &Path, report: &RunReport) {
        print!("{}", call_results(report));
        if let (false, Outcome::Trapped(trap)) = (self.quiet, &report.outcome) {
            eprintln!("{}", trap.render());
        }
        // Even with -q: a call not made is not a timing, and the host's note says why a run
        // failed (what a JS program looked for that the host does not have).
        for line in call_notes(report) {
            eprintln!("{line}");
        }
        if self.quiet {
            if let Some(note) = &report.host_note {
                eprintln!("gowasm: {note}");
            }
            return;
        }
        if report.entry == Entry::Reactor && report.calls.is_empty() {
            eprintln!("{}", reactor_hint(module));
        }
        eprintln!("{}", summary_line(report));
    }
}

fn reports(runs: &[ModeRun]) -> Vec<RunReport> {
    runs.iter().map(|r| r.report.clone()).collect()
}

/// Several modes' runs as a table, with what their calls returned and where they disagree.
fn print_comparison(runs: &[ModeRun]) {
    let all = reports(runs);
    let c = compare(&all);
    let reports: Vec<&RunReport> = all.iter().collect();
    print!("{}", call_results(reports[0]));
    eprint!("{}", timings_table(&reports, &c));
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
