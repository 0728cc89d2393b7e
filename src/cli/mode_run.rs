//! One mode's run for the command line: in a worker (or in process when nothing needs one),
//! its output captured or passed through, its warnings said once, its exit code gowasm's.

use std::time::Duration;

use serde::Serialize;

use super::capture::Capture;
use super::exit;
use super::failure::Failure;
use crate::engine::worker::{self, Job, WorkerError};
use crate::engine::{Mode, Outcome, RunReport, Stream};

/// One mode's run with its captured output (for `--json` and `--mode all`).
#[derive(Debug, Serialize)]
pub struct ModeRun {
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

impl AsRef<RunReport> for ModeRun {
    fn as_ref(&self) -> &RunReport {
        &self.report
    }
}

/// Runs one job (in a worker when it can be timed out). Output the worker does not write
/// straight through (`direct_output`) is captured into the result.
pub fn run_one(
    exe: &std::path::Path,
    job: &Job,
    timeout: Option<Duration>,
) -> Result<ModeRun, Failure> {
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
        Err(WorkerError::Engine(message)) => return Err(Failure::BadInput(message)),
        Err(e @ WorkerError::Spawn { .. }) => return Err(Failure::Internal(e.to_string())),
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
