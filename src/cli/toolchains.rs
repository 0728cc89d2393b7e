//! `gowasm run DIR --toolchain go,tinygo`: the same source built by each toolchain and run in
//! each mode, side by side: build time, module size (code and data), run phase per mode and
//! memory, and whether the outputs agree (the first line that differs).

use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use serde::Serialize;

use super::failure::{Failure, Finished, guest_exit, own_exe};
use super::format::ms;
use super::guest::GuestOptions;
use super::mode_run::{ModeRun, run_one};
use super::source::BuildOptions;
use crate::engine::calls::{CallSpec, label};
use crate::engine::worker::Job;
use crate::engine::{Mode, human_bytes};
use crate::toolchains::{self, ToolchainDifference, ToolchainRow};

/// What `run --toolchain go,tinygo` was asked.
pub(super) struct Comparing<'a> {
    pub input: &'a Path,
    pub build: &'a BuildOptions,
    pub guest: &'a GuestOptions,
    pub args: &'a [String],
    pub modes: Vec<Mode>,
    pub calls: &'a [CallSpec],
    pub json: bool,
    pub quiet: bool,
}

/// The `--json` document.
#[derive(Debug, Serialize)]
struct Document {
    toolchains: Vec<ToolchainRow<ModeRun>>,
    /// Every toolchain's first run printed the first toolchain's stdout and exited alike.
    outputs_agree: bool,
    /// Where each toolchain's output parts from the first's (none where they agree).
    differences: Vec<ToolchainDifference>,
}

pub(super) fn run(c: &Comparing) -> Finished {
    if !c.input.is_dir() {
        return Err(format!(
            "{}: comparing toolchains needs the Go project folder, not a module",
            c.input.display()
        )
        .into());
    }
    let all = build_and_run_each(c)?;
    let outputs: Vec<&[u8]> = all
        .iter()
        .map(|t| t.runs.first().map_or(&b""[..], |r| r.stdout.as_bytes()))
        .collect();
    let differences = toolchains::differences(&all, &outputs);
    let code = all[0].runs.first().map_or(0, |r| r.exit_code);
    if c.json {
        let doc = Document {
            outputs_agree: differences.is_empty(),
            differences,
            toolchains: all,
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&doc).expect("serializable")
        );
    } else {
        print_runs(&all);
        if !c.quiet {
            eprint!("{}", table(&all, &differences));
        }
    }
    Ok(guest_exit(code))
}

/// Each toolchain's row; a toolchain that cannot build or run stops the command with its error.
fn build_and_run_each(c: &Comparing) -> Result<Vec<ToolchainRow<ModeRun>>, Failure> {
    let exe = own_exe()?;
    let never = AtomicBool::new(false);
    let mut all = vec![];
    for compiler in c.build.toolchains() {
        let request = c.build.with_toolchain(compiler).request(c.input);
        let mut config = None;
        let mut stopped = None;
        let row = toolchains::build_and_run(
            &request,
            &crate::cache_root(),
            &c.modes,
            &never,
            |module, mode| {
                let job = Job {
                    module: module.to_path_buf(),
                    mode,
                    config: match &config {
                        Some(known) => Clone::clone(known),
                        None => {
                            let mut new = c.guest.config(module, c.args, true)?;
                            new.calls = c.calls.to_vec();
                            config.insert(new).clone()
                        }
                    },
                    compile_only: false,
                    direct_output: false,
                };
                let mut run = run_one(&exe, &job, c.guest.timeout).map_err(|e| {
                    let line = format!("{e:?}");
                    stopped = Some(e);
                    line
                })?;
                run.toolchain = Some(compiler.name().to_string());
                Ok(run)
            },
        );
        if let Some(e) = stopped {
            return Err(e);
        }
        if let Some(outcome) = row.failed_build {
            return Err(Failure::Build(outcome));
        }
        if let Some(e) = row.error {
            return Err(e.into());
        }
        all.push(row);
    }
    Ok(all)
}

/// The first toolchain's program output, as a single run would show it, then each
/// toolchain's calls, mode by mode.
fn print_runs(all: &[ToolchainRow<ModeRun>]) {
    if let Some(first) = all[0].runs.first() {
        print!("{}", first.stdout);
        eprint!("{}", first.stderr);
    }
    for t in all {
        for r in t.runs.iter().filter(|r| !r.report.calls.is_empty()) {
            let calls: Vec<String> = r
                .report
                .calls
                .iter()
                .map(|c| format!("{} = {}", label(&c.call), c.shown_results()))
                .collect();
            println!(
                "{} {}: {}",
                t.toolchain,
                r.report.mode.name(),
                calls.join(" · ")
            );
        }
    }
}

/// Toolchains × (build, sizes, run phase per mode, memory, outcome), then their code by
/// package and whether they agree.
fn table(all: &[ToolchainRow<ModeRun>], differences: &[ToolchainDifference]) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "{:<26}{:>10}{:>10}{:>10}{:>10}",
        "toolchain", "build", "module", "code", "data"
    );
    for r in all[0].reports() {
        let _ = write!(s, "{:>12}", format!("{} run", r.mode.name()));
    }
    let _ = writeln!(s, "{:>10}  outcome", "memory");
    for t in all {
        let _ = write!(
            s,
            "{:<26}{:>10}{:>10}{:>10}{:>10}",
            t.name(),
            ms(t.build),
            human_bytes(t.size.bytes),
            human_bytes(t.size.code_bytes),
            human_bytes(t.size.data_bytes)
        );
        for r in t.reports() {
            let _ = write!(s, "{:>12}", ms(r.timings.run));
        }
        let memory = human_bytes(t.memory().unwrap_or(0));
        let _ = writeln!(s, "{memory:>10}  {}", t.outcome());
    }
    s.push_str(&packages_table(all));
    if differences.is_empty() {
        let _ = writeln!(s, "outputs agree: the same stdout and exit code");
    }
    for d in differences {
        let _ = writeln!(s, "{}", d.describe());
    }
    s
}

/// The toolchains' code by package, side by side.
fn packages_table(all: &[ToolchainRow<ModeRun>]) -> String {
    let mut s = String::new();
    let sizes: Vec<&crate::compare::ModuleSize> = all.iter().map(|t| &t.size).collect();
    let packages = crate::compare::packages_side_by_side(&sizes, 8);
    if all.len() < 2 || packages.is_empty() {
        return s;
    }
    let _ = write!(s, "{:<26}", "code by package");
    for t in all {
        let _ = write!(s, "{:>10}", t.toolchain);
    }
    let _ = writeln!(s);
    for (package, bytes) in &packages {
        let _ = write!(s, "  {package:<24.24}");
        for b in bytes {
            let shown = if *b == 0 {
                "—".into()
            } else {
                human_bytes(*b)
            };
            let _ = write!(s, "{shown:>10}");
        }
        let _ = writeln!(s);
    }
    s
}
