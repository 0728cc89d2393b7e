//! Running a WASI command module: interpreted (wasmi), baseline (wasmer Singlepass) or AOT
//! (wasmer Cranelift, cached on disk). Knows nothing of terminals; output goes to an [`OutputSink`].

pub mod cache;
mod config;
pub mod frames;
mod interp;
pub mod invoke;
mod js;
mod native;
mod report;
pub mod worker;

pub use config::{DirMapping, MAX_TABLE_ELEMENTS, MAX_WASM_STACK, Mode, RunConfig, parse_size};
pub use report::{
    CacheUse, Frame, Outcome, RunReport, Timings, Trap, human_bytes, human_duration, human_ms,
};

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::inspect::{self, triage};

/// Which of the guest's output streams a chunk came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Receives the guest's output chunk by chunk, as it is written.
pub trait OutputSink: Send + Sync {
    fn output(&self, stream: Stream, bytes: &[u8]);

    /// Called once compiling is done, before instantiation (which may run a start function).
    fn running(&self) {}
}

/// Why a module could not be run at all (as opposed to a run that trapped or failed).
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("{0}")]
    Inspect(#[from] inspect::InspectError),
    #[error("{0}")]
    Refused(#[from] triage::TriageError),
    #[error("invalid module: {0}")]
    Invalid(String),
    #[error("cannot preopen {path}: {message}")]
    Dir { path: String, message: String },
    #[error("{0}")]
    Setup(String),
}

/// A module read into memory, with what the inspector found out about it before running.
pub struct LoadedModule {
    pub bytes: Vec<u8>,
    pub report: inspect::Report,
    pub needs: triage::HostNeeds,
    /// Reading (if the caller timed it) plus parsing and triage.
    pub load_time: Duration,
}

/// Parses and triages a module; `read_time` is how long the caller took to read the bytes.
pub fn load(bytes: Vec<u8>, read_time: Duration) -> Result<LoadedModule, EngineError> {
    let started = Instant::now();
    let report = inspect::inspect_headers(&bytes)?;
    let needs = triage::triage(&report)?;
    Ok(LoadedModule {
        bytes,
        report,
        needs,
        load_time: read_time + started.elapsed(),
    })
}

/// Compiles a module for `mode` without running it, so a later run finds the artifact cached
/// (only `aot` caches; the other modes have nothing to do ahead of time).
pub fn precompile(
    module: &LoadedModule,
    mode: Mode,
    config: &RunConfig,
) -> Result<RunReport, EngineError> {
    let started = Instant::now();
    let mut report = match mode {
        Mode::Aot => native::precompile(module, mode, config)?,
        _ => RunReport::new(mode),
    };
    report.host = module.needs.label().to_string();
    report.timings.load = module.load_time;
    report.timings.total = module.load_time + started.elapsed();
    Ok(report)
}

/// Runs a loaded module in `mode`, in this process, streaming output to `sink`.
///
/// Timeouts and cancellation are the caller's: run in a [`worker`] process to be able to kill it.
pub fn run(
    module: &LoadedModule,
    mode: Mode,
    config: &RunConfig,
    sink: Arc<dyn OutputSink>,
) -> Result<RunReport, EngineError> {
    let started = Instant::now();
    let mut report = match mode {
        Mode::Interp => interp::run(module, config, sink)?,
        Mode::Baseline | Mode::Aot => native::run(module, mode, config, sink)?,
    };
    report.host = module.needs.label().to_string();
    report.timings.load = module.load_time;
    report.timings.total = module.load_time + started.elapsed();
    Ok(report)
}
