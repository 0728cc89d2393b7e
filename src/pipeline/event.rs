//! What the pipeline reports, as data: the TUI folds these into its state, headless mode prints
//! them as lines or JSON lines.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Serialize, Serializer};

use crate::build::Diagnostic;
use crate::engine::{Mode, RunReport, Stream};
use crate::watch::WatchEvent;

/// One thing that happened; all but `Watch` belong to the job numbered `job`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum Event {
    /// The watcher saw something (a burst of changes, the folder vanishing or coming back).
    Watch {
        change: WatchEvent,
    },
    /// A job began; `trigger` lists the changed paths (empty for the first or a requested job).
    JobStarted {
        job: u64,
        trigger: Vec<PathBuf>,
    },
    BuildStarted {
        job: u64,
        toolchain: String,
        version: String,
        /// The command line actually run.
        command: Vec<String>,
    },
    BuildFinished {
        job: u64,
        success: bool,
        /// The compiler's exit code.
        exit_code: Option<i32>,
        #[serde(with = "crate::duration_ms")]
        duration: Duration,
        diagnostics: Vec<Diagnostic>,
        /// The compiler's messages as printed.
        log: String,
    },
    /// A build failed; the module, output and timings of job `last_good_job` stay, marked stale.
    KeptLastGood {
        job: u64,
        last_good_job: u64,
    },
    /// The job could not start or go on (no toolchain, refused module, …): one line for the user.
    JobError {
        job: u64,
        message: String,
    },
    ModuleReady {
        job: u64,
        module: ModuleSummary,
    },
    /// The module in Go's terms (packages, their functions, what changed since the previous
    /// build); after `module_ready`, on its own thread, and not for a build of the same bytes.
    ModuleAnatomy {
        job: u64,
        anatomy: Box<super::AnatomySummary>,
    },
    /// The artifact for `mode` compiles in the background (aot, while interp runs).
    Precompiling {
        job: u64,
        mode: Mode,
    },
    RunStarted {
        job: u64,
        mode: Mode,
    },
    /// A chunk of the guest's output, as it was written.
    Output {
        job: u64,
        mode: Mode,
        stream: Stream,
        #[serde(serialize_with = "lossy_utf8")]
        bytes: Vec<u8>,
    },
    RunFinished {
        job: u64,
        report: RunReport,
    },
    /// With toolchain comparison on: the project built by each toolchain and run in each mode,
    /// the job's own toolchain first, and where the others' output parts from it.
    ToolchainsCompared {
        job: u64,
        rows: Vec<crate::toolchains::ToolchainRow>,
        differences: Vec<crate::toolchains::ToolchainDifference>,
    },
    /// Everything the job was going to do is done (or it was cancelled).
    JobFinished {
        job: u64,
        cancelled: bool,
    },
}

impl Event {
    /// The job this event belongs to; `None` for watcher events.
    pub fn job(&self) -> Option<u64> {
        match self {
            Event::Watch { .. } => None,
            Event::JobStarted { job, .. }
            | Event::BuildStarted { job, .. }
            | Event::BuildFinished { job, .. }
            | Event::KeptLastGood { job, .. }
            | Event::JobError { job, .. }
            | Event::ModuleReady { job, .. }
            | Event::ModuleAnatomy { job, .. }
            | Event::Precompiling { job, .. }
            | Event::RunStarted { job, .. }
            | Event::Output { job, .. }
            | Event::RunFinished { job, .. }
            | Event::ToolchainsCompared { job, .. }
            | Event::JobFinished { job, .. } => Some(*job),
        }
    }
}

/// Drops what belongs to a job already replaced: each consumer (the workbench, `watch`'s lines)
/// keeps one and asks it about every event.
#[derive(Debug, Default, Clone, Copy)]
pub struct NewestJob(pub u64);

impl NewestJob {
    /// Whether `event` is for the newest job seen (or for none); a newer job becomes the newest.
    pub fn admit(&mut self, event: &Event) -> bool {
        match event.job() {
            Some(job) if job < self.0 => false,
            Some(job) => {
                self.0 = job;
                true
            }
            None => true,
        }
    }
}

/// The module a good build produced, summarised for display.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ModuleSummary {
    pub path: PathBuf,
    pub size: u64,
    /// Size change since the last good module, in bytes (`None` for the first).
    pub size_delta: Option<i64>,
    /// The same bytes as the last good module.
    pub unchanged: bool,
    pub hash: String,
    pub toolchain: String,
    pub toolchain_version: Option<String>,
    pub target: String,
    /// The host it runs on (`WASI`, `TinyGo JS`, `Go JS`); `None` when gowasm cannot run it.
    pub host: Option<String>,
    /// A command, a reactor or a library; `None` when gowasm cannot run it.
    pub entry: Option<crate::inspect::triage::Entry>,
    pub functions: u32,
    pub imports: usize,
    pub exports: usize,
    pub sections: Vec<SectionSize>,
    pub import_list: Vec<crate::inspect::Import>,
    pub export_list: Vec<crate::inspect::Export>,
    /// The largest function bodies, biggest first (at most 20).
    pub largest_functions: Vec<crate::inspect::FunctionSize>,
    /// For a module from a Go or TinyGo newer than gowasm knows: what that means, in a line.
    pub note: Option<String>,
}

impl ModuleSummary {
    /// The size change since the last good module: ` (+1.2 KiB)`, ` (-8 B)`, ` (unchanged)`,
    /// or nothing for the first.
    pub fn size_change(&self) -> String {
        use crate::engine::signed_bytes;
        match self.size_delta {
            _ if self.unchanged => " (unchanged)".to_string(),
            Some(0) => " (same size)".to_string(),
            Some(d) => format!(" ({})", signed_bytes(d)),
            None => String::new(),
        }
    }

    /// The exports a call may name, with their types.
    pub fn callable(&self) -> Vec<&crate::inspect::Export> {
        self.export_list
            .iter()
            .filter(|e| e.is_callable())
            .collect()
    }

    /// The summary of a module of `size` bytes hashed `hash`, from its inspection `report`;
    /// `previous` is the last good module's size and whether it was these very bytes.
    pub fn of(
        path: PathBuf,
        report: &crate::inspect::Report,
        hash: String,
        size: u64,
        previous: Option<(u64, bool)>,
    ) -> ModuleSummary {
        ModuleSummary {
            path,
            size,
            size_delta: previous.map(|(p, _)| size as i64 - p as i64),
            unchanged: previous.is_some_and(|(_, same)| same),
            hash,
            toolchain: report.toolchain.name.clone(),
            toolchain_version: report.toolchain.version.clone(),
            target: report.target.label().to_string(),
            host: crate::inspect::triage::triage(report)
                .ok()
                .map(|needs| needs.label().to_string()),
            entry: crate::inspect::triage::triage(report)
                .ok()
                .map(|needs| needs.entry),
            functions: report.defined_functions,
            imports: report.imports.len(),
            exports: report.exports.len(),
            sections: report
                .sections
                .iter()
                .map(|s| SectionSize {
                    name: s.name.clone(),
                    size: s.size,
                })
                .collect(),
            import_list: report.imports.clone(),
            export_list: report.exports.clone(),
            largest_functions: report.largest_functions.clone(),
            note: crate::inspect::toolchain::newer_than_known(&report.toolchain),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SectionSize {
    pub name: String,
    pub size: u64,
}

fn lossy_utf8<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&String::from_utf8_lossy(bytes))
}
