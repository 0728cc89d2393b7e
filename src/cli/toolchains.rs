//! `gowasm run DIR --toolchain go,tinygo`: the same source built by each toolchain and run in
//! each mode, side by side: build time, module size (code and data), run phase per mode and
//! memory, and whether the outputs agree (the first line that differs).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Serialize;

use super::format::ms;
use super::run::{ModeRun, RunArgs, run_one};
use super::source::{self, SourceError};
use crate::build::BuildOutcome;
use crate::compare::{Difference, first_difference};
use crate::engine::calls::{CallSpec, label};
use crate::engine::human_bytes;
use crate::engine::worker::Job;

/// One toolchain's build of the project and its runs.
#[derive(Debug, Serialize)]
struct ToolchainRuns {
    /// `go` or `tinygo`.
    toolchain: String,
    version: String,
    target: String,
    build: BuildOutcome,
    module: ModuleSize,
    runs: Vec<ModeRun>,
}

/// A module and its size.
#[derive(Debug, Serialize)]
struct ModuleSize {
    path: PathBuf,
    #[serde(flatten)]
    size: crate::compare::ModuleSize,
}

/// The `--json` document.
#[derive(Debug, Serialize)]
struct Document {
    toolchains: Vec<ToolchainRuns>,
    /// Every toolchain's first run printed the first toolchain's stdout and exited alike.
    outputs_agree: bool,
    /// Where each toolchain's output parts from the first's (none where they agree).
    differences: Vec<ToolchainDifference>,
}

#[derive(Debug, Serialize)]
struct ToolchainDifference {
    toolchain: String,
    versus: String,
    #[serde(flatten)]
    difference: Difference,
}

pub fn run(args: &RunArgs, input: &Path, calls: &[CallSpec]) -> ExitCode {
    if !input.is_dir() {
        return super::fail(format!(
            "{}: comparing toolchains needs the Go project folder, not a module",
            input.display()
        ));
    }
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => return super::fail(format!("cannot find gowasm's own executable: {e}")),
    };
    let mut all = vec![];
    for compiler in args.build.toolchains() {
        let options = args.build.with_toolchain(compiler);
        let build = match source::resolve(input, &options) {
            Ok(r) => r.build.expect("a folder is built"),
            Err(SourceError::BuildFailed(outcome)) => {
                source::report_build_failure(&outcome);
                return ExitCode::from(super::exit::BAD_INPUT);
            }
            Err(e) => return super::fail(e),
        };
        let module = match module_size(&build.output) {
            Ok(m) => m,
            Err(e) => return super::fail(e),
        };
        let mut config = match args.guest.config(&build.output, &args.args, true) {
            Ok(c) => c,
            Err(e) => return super::fail(e),
        };
        config.calls = calls.to_vec();
        let mut runs = vec![];
        for mode in args.mode.modes() {
            let job = Job {
                module: build.output.clone(),
                mode,
                config: config.clone(),
                compile_only: false,
                direct_output: false,
            };
            let mut run = match run_one(&exe, &job, args.guest.timeout) {
                Ok(r) => r,
                Err(code) => return code,
            };
            run.toolchain = Some(compiler.name().to_string());
            runs.push(run);
        }
        all.push(ToolchainRuns {
            toolchain: compiler.name().to_string(),
            version: build.toolchain.version.clone(),
            target: build.target.clone(),
            build,
            module,
            runs,
        });
    }
    let differences = differences(&all);
    let code = all[0].runs.first().map_or(0, |r| r.exit_code);
    if args.json {
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
        // The first toolchain's program output, as a single run would show it.
        if let Some(first) = all[0].runs.first() {
            print!("{}", first.stdout);
            eprint!("{}", first.stderr);
        }
        // Each toolchain's calls, mode by mode.
        for t in &all {
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
        if !args.quiet {
            eprint!("{}", table(&all, &differences));
        }
    }
    ExitCode::from(code.clamp(0, 255) as u8)
}

fn module_size(path: &Path) -> Result<ModuleSize, String> {
    Ok(ModuleSize {
        path: path.to_path_buf(),
        size: crate::compare::module_size(path)?,
    })
}

/// Each toolchain's first run against the first toolchain's.
fn differences(all: &[ToolchainRuns]) -> Vec<ToolchainDifference> {
    let Some(reference) = all.first().and_then(|t| t.runs.first()) else {
        return vec![];
    };
    all[1..]
        .iter()
        .filter_map(|t| {
            let run = t.runs.first()?;
            let difference = first_difference(
                (&reference.stdout, reference.exit_code),
                (&run.stdout, run.exit_code),
            )?;
            Some(ToolchainDifference {
                toolchain: t.toolchain.clone(),
                versus: all[0].toolchain.clone(),
                difference,
            })
        })
        .collect()
}

/// Toolchains × (build, sizes, run phase per mode, memory, outcome), then whether they agree.
fn table(all: &[ToolchainRuns], differences: &[ToolchainDifference]) -> String {
    let mut s = String::new();
    let modes: Vec<&str> = all[0].runs.iter().map(|r| r.report.mode.name()).collect();
    let _ = write!(
        s,
        "{:<26}{:>10}{:>10}{:>10}{:>10}",
        "toolchain", "build", "module", "code", "data"
    );
    for m in &modes {
        let _ = write!(s, "{:>12}", format!("{m} run"));
    }
    let _ = writeln!(s, "{:>10}  outcome", "memory");
    for t in all {
        let name = format!("{} {} ({})", t.toolchain, t.version, t.target);
        let _ = write!(
            s,
            "{name:<26}{:>10}{:>10}{:>10}{:>10}",
            ms(t.build.duration),
            human_bytes(t.module.size.bytes),
            human_bytes(t.module.size.code_bytes),
            human_bytes(t.module.size.data_bytes)
        );
        for r in &t.runs {
            let _ = write!(s, "{:>12}", ms(r.report.timings.run));
        }
        let memory = t
            .runs
            .iter()
            .map(|r| r.report.memory_bytes)
            .max()
            .unwrap_or(0);
        let outcome = t
            .runs
            .first()
            .map(|r| r.report.describe())
            .unwrap_or_default();
        let _ = writeln!(s, "{:>10}  {outcome}", human_bytes(memory));
    }
    let sizes: Vec<&crate::compare::ModuleSize> = all.iter().map(|t| &t.module.size).collect();
    let packages = crate::compare::packages_side_by_side(&sizes, 8);
    if all.len() > 1 && !packages.is_empty() {
        let _ = write!(s, "{:<26}", "code by package");
        for t in all {
            let _ = write!(s, "{:>10}", t.toolchain);
        }
        let _ = writeln!(s);
        for (package, bytes) in &packages {
            let _ = write!(s, "  {package:<24.24}");
            for b in bytes {
                let _ = write!(
                    s,
                    "{:>10}",
                    if *b == 0 {
                        "—".into()
                    } else {
                        human_bytes(*b)
                    }
                );
            }
            let _ = writeln!(s);
        }
    }
    if differences.is_empty() {
        let _ = writeln!(s, "outputs agree: the same stdout and exit code");
    }
    for d in differences {
        let _ = writeln!(
            s,
            "outputs differ at {}: {} {:?} · {} {:?}",
            d.difference.at, d.versus, d.difference.left, d.toolchain, d.difference.right
        );
    }
    s
}
