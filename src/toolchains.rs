//! Go against TinyGo: the same project built by each toolchain and run in each mode, side by
//! side. One row type, one difference type and one "build with this compiler, refuse what
//! cannot run, run each mode" sequence, which `run --toolchain go,tinygo`, `bench --toolchain`
//! and the workbench's `t` only present.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::Serialize;

use crate::build::{self, BuildOutcome, BuildRequest, Compiler};
use crate::compare::{Difference, ModuleSize, first_difference, module_size};
use crate::engine::{Mode, Outcome, RunReport};

/// One toolchain's build of the project and its runs. `R` is a run as its presenter keeps it:
/// a [`RunReport`] (the workbench), or one with its captured output (the command line).
#[derive(Debug, Clone, Serialize)]
pub struct ToolchainRow<R = RunReport> {
    /// `go` or `tinygo`.
    pub toolchain: String,
    pub version: String,
    pub target: String,
    #[serde(with = "crate::duration_ms")]
    pub build: Duration,
    /// The module built; `None` when there is none.
    pub module: Option<PathBuf>,
    pub size: ModuleSize,
    /// One per mode, in the order asked for.
    pub runs: Vec<R>,
    /// Why this toolchain has no module or not every run (not installed, its build failed, …).
    pub error: Option<String>,
    /// The failed build itself, for a presenter that shows the compiler's log.
    #[serde(skip)]
    pub failed_build: Option<Box<BuildOutcome>>,
}

/// Where one toolchain's first run parts from the first toolchain's.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ToolchainDifference {
    pub toolchain: String,
    pub versus: String,
    #[serde(flatten)]
    pub difference: Difference,
}

impl ToolchainDifference {
    /// `outputs differ at stdout line 3: go "7" · tinygo "8"`.
    pub fn describe(&self) -> String {
        let d = &self.difference;
        format!(
            "outputs differ at {}: {} {:?} · {} {:?}",
            d.at, self.versus, d.left, self.toolchain, d.right
        )
    }
}

impl<R> ToolchainRow<R> {
    /// A row with no module: `error` says why.
    pub fn failed(compiler: Compiler, error: String) -> Self {
        ToolchainRow {
            toolchain: compiler.name().to_string(),
            version: String::new(),
            target: String::new(),
            build: Duration::ZERO,
            module: None,
            size: ModuleSize::default(),
            runs: vec![],
            error: Some(error),
            failed_build: None,
        }
    }

    /// The row of a build that ran, before its runs; a failed build's error is its first line.
    pub fn of(outcome: BuildOutcome) -> Self {
        let mut row = ToolchainRow {
            toolchain: outcome.toolchain.compiler.name().to_string(),
            version: outcome.toolchain.version.clone(),
            target: outcome.target.clone(),
            build: outcome.duration,
            module: None,
            size: ModuleSize::default(),
            runs: vec![],
            error: None,
            failed_build: None,
        };
        if outcome.success {
            match module_size(&outcome.output) {
                Ok(size) => row.size = size,
                Err(e) => row.error = Some(e),
            }
            row.module = Some(outcome.output);
        } else {
            let first_line = outcome.log.lines().find(|l| !l.trim().is_empty());
            row.error = Some(format!("build failed: {}", first_line.unwrap_or("")));
            row.failed_build = Some(Box::new(outcome));
        }
        row
    }

    /// `go 1.27.3 (wasip1)`, or the toolchain's name alone when it did not build.
    pub fn name(&self) -> String {
        if self.version.is_empty() {
            self.toolchain.clone()
        } else {
            format!("{} {} ({})", self.toolchain, self.version, self.target)
        }
    }
}

impl<R: AsRef<RunReport>> ToolchainRow<R> {
    /// The reports of the runs.
    pub fn reports(&self) -> impl Iterator<Item = &RunReport> {
        self.runs.iter().map(AsRef::as_ref)
    }

    /// The largest linear memory of its runs.
    pub fn memory(&self) -> Option<u64> {
        self.reports().map(|r| r.memory_bytes).max()
    }

    /// How the first run ended, or nothing.
    pub fn outcome(&self) -> String {
        self.reports()
            .next()
            .map(RunReport::describe)
            .unwrap_or_default()
    }

    /// One line: `tinygo 0.40.1 (wasm): built in 1.9 s, 412 KiB (code 210 KiB, data 80 KiB),
    /// interp run 3.1 ms, aot run 0.4 ms, memory 2.0 MiB, exited with code 0`.
    pub fn summary(&self) -> String {
        use crate::engine::{human_bytes, human_ms};
        let mut parts = vec![];
        if self.size.bytes > 0 {
            parts.push(format!(
                "built in {}, {} (code {}, data {})",
                human_ms(self.build),
                human_bytes(self.size.bytes),
                human_bytes(self.size.code_bytes),
                human_bytes(self.size.data_bytes)
            ));
        }
        for r in self.reports() {
            parts.push(format!("{} run {}", r.mode.name(), human_ms(r.timings.run)));
        }
        if let Some(memory) = self.memory() {
            parts.push(format!("memory {}", human_bytes(memory)));
        }
        if !self.runs.is_empty() {
            parts.push(self.outcome());
        }
        if let Some(e) = &self.error {
            parts.push(e.clone());
        }
        format!("{}: {}", self.name(), parts.join(", "))
    }
}

impl AsRef<RunReport> for RunReport {
    fn as_ref(&self) -> &RunReport {
        self
    }
}

/// The other toolchains' requests for the project `first` was built from: each toolchain's own
/// default target (as `run --toolchain go,tinygo` builds them), unless wasip1 was asked for,
/// which means the same to both.
pub fn others(first: Compiler, request: &BuildRequest) -> Vec<BuildRequest> {
    [Compiler::Go, Compiler::TinyGo]
        .into_iter()
        .filter(|c| *c != first)
        .map(|other| BuildRequest {
            compiler: Some(other),
            target: request.target.clone().filter(|t| t == "wasip1"),
            output: None,
            ..request.clone()
        })
        .collect()
}

/// Builds the project with `request`'s compiler, refuses a module that cannot run, and runs it
/// in each of `modes` with `run` (a run that fails ends the row, with its error). Stops early
/// when `cancel` is set.
pub fn build_and_run<R>(
    request: &BuildRequest,
    cache_root: &Path,
    modes: &[Mode],
    cancel: &AtomicBool,
    mut run: impl FnMut(&Path, Mode) -> Result<R, String>,
) -> ToolchainRow<R> {
    let compiler = request.compiler.unwrap_or(Compiler::Go);
    let outcome = match build::prepare(request, cache_root).map(|p| p.run(cancel)) {
        Ok(Ok(Some(o))) => o,
        Ok(Ok(None)) => return ToolchainRow::failed(compiler, "cancelled".into()),
        Ok(Err(e)) | Err(e) => return ToolchainRow::failed(compiler, e.to_string()),
    };
    let mut row = ToolchainRow::of(outcome);
    let Some(module) = row.module.clone().filter(|_| row.error.is_none()) else {
        return row;
    };
    if let Err(e) = runnable(&module) {
        row.error = Some(e);
        return row;
    }
    for &mode in modes {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        match run(&module, mode) {
            Ok(r) => row.runs.push(r),
            Err(e) => {
                row.error = Some(format!("{} run: {e}", mode.name()));
                break;
            }
        }
    }
    row
}

/// Whether the module can run here (the triage's one line when it cannot).
fn runnable(module: &Path) -> Result<(), String> {
    let bytes = crate::engine::read_module(module)?;
    let report = crate::inspect::inspect_headers(&bytes).map_err(|e| e.to_string())?;
    crate::inspect::triage::triage(&report)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Each other toolchain's first run against the first toolchain's: stdout (`outputs`, one per
/// row), then the exit code.
pub fn differences<R: AsRef<RunReport>>(
    rows: &[ToolchainRow<R>],
    outputs: &[&[u8]],
) -> Vec<ToolchainDifference> {
    let code = |r: &RunReport| match r.outcome {
        Outcome::Exited { code } => code,
        _ => -1,
    };
    let Some(reference) = rows.first().and_then(|r| r.reports().next()) else {
        return vec![];
    };
    let left = String::from_utf8_lossy(outputs.first().copied().unwrap_or_default());
    rows.iter()
        .zip(outputs)
        .skip(1)
        .filter_map(|(row, stdout)| {
            let run = row.reports().next()?;
            let right = String::from_utf8_lossy(stdout);
            let difference = first_difference((&left, code(reference)), (&right, code(run)))?;
            Some(ToolchainDifference {
                toolchain: row.toolchain.clone(),
                versus: rows[0].toolchain.clone(),
                difference,
            })
        })
        .collect()
}
