//! Running a WASI command module: interpreted (wasmi), baseline (wasmer Singlepass) or AOT
//! (wasmer Cranelift, cached on disk). Knows nothing of terminals; output goes to an [`OutputSink`].

pub mod cache;
pub mod calls;
mod config;
mod data_image;
pub mod frames;
mod interp;
pub mod invoke;
mod js;
pub mod memo;
/// The JS host driven from arbitrary bytes, for its fuzz target and corpus replay.
#[doc(hidden)]
pub use js::fuzzing::check as fuzz_js_host;
mod native;
mod profiled;
pub use native::opt;
mod report;
pub mod worker;

pub use config::{
    DirMapping, MAX_TABLE_ELEMENTS, MAX_WASM_STACK, Mode, RunConfig, parse_env_pair, parse_size,
};
pub use report::{
    CacheUse, Frame, Outcome, RunReport, Timings, Trap, human_bytes, human_duration, human_ms,
    human_short, signed_bytes,
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
    /// A call (`--invoke`, `calls`) that does not fit the module's exports.
    #[error("{0}")]
    Call(String),
}

/// Passes output on, keeping its end: the runtime's last words (Go's on stderr, TinyGo's on
/// stdout), for [`calls::explain`].
struct OutputTail {
    sink: Arc<dyn OutputSink>,
    tail: std::sync::Mutex<Vec<u8>>,
}

impl OutputTail {
    const KEEP: usize = 4096;

    fn new(sink: Arc<dyn OutputSink>) -> OutputTail {
        OutputTail {
            sink,
            tail: std::sync::Mutex::new(Vec::new()),
        }
    }

    fn text(&self) -> String {
        let tail = self.tail.lock().unwrap_or_else(|p| p.into_inner());
        String::from_utf8_lossy(&tail).into_owned()
    }
}

impl OutputSink for OutputTail {
    fn output(&self, stream: Stream, bytes: &[u8]) {
        let mut tail = self.tail.lock().unwrap_or_else(|p| p.into_inner());
        tail.extend_from_slice(bytes);
        let excess = tail.len().saturating_sub(Self::KEEP);
        tail.drain(..excess);
        drop(tail);
        self.sink.output(stream, bytes);
    }

    fn running(&self) {
        self.sink.running();
    }
}

/// A module read into memory, with what the inspector found out about it before running.
pub struct LoadedModule {
    /// Read, or read when first needed (see [`load_file`]).
    bytes: ModuleBytes,
    pub report: inspect::Report,
    pub needs: triage::HostNeeds,
    /// Reading (if the caller timed it) plus parsing and triage.
    pub load_time: Duration,
    /// The file's identity when it was read, if it was read from one: the artifact cache keeps
    /// the module's hash under it ([`cache::ArtifactCache::module_hash`]).
    pub stamp: Option<cache::Identity>,
    /// The module's hash, when a memo gave it (see [`memo`]).
    pub hash: Option<String>,
}

/// A module's bytes: owned, or in pages of their own (see [`read_module`]); or still in their
/// file, which had the module's `stamp` when a memo described it.
enum ModuleBytes {
    Read(bytes::Bytes),
    Later {
        path: std::path::PathBuf,
        read: std::sync::OnceLock<bytes::Bytes>,
    },
}

impl LoadedModule {
    /// The module's bytes, read now if they were left in their file. A file changed since its
    /// memo was read gives none: a trap's frames then keep their names without files and lines.
    pub fn bytes(&self) -> &bytes::Bytes {
        match &self.bytes {
            ModuleBytes::Read(bytes) => bytes,
            ModuleBytes::Later { path, read } => read.get_or_init(|| {
                read_module_stamped(path)
                    .ok()
                    .filter(|(_, now)| Some(now) == self.stamp.as_ref())
                    .map(|(bytes, _)| bytes)
                    .unwrap_or_default()
            }),
        }
    }

    /// The memory the guest's program lives in: `memory`, or the JS host's export.
    pub fn memory_export(&self) -> &'static str {
        self.needs.js.map_or("memory", js::memory_export)
    }

    /// The bytes to compile: the module with its data segments joined where that is safe (see
    /// [`data_image`]), or as it is.
    pub fn compile_bytes(&self) -> std::borrow::Cow<'_, [u8]> {
        let memories = &self.report.memories;
        let imported = memories.len() != 1 || memories[0].imported;
        match data_image::coalesce(self.bytes(), imported) {
            Some(joined) => std::borrow::Cow::Owned(joined),
            None => std::borrow::Cow::Borrowed(self.bytes()),
        }
    }
}

/// Parses and triages a module; `read_time` is how long the caller took to read the bytes.
pub fn load(
    bytes: impl Into<bytes::Bytes>,
    read_time: Duration,
) -> Result<LoadedModule, EngineError> {
    let bytes = bytes.into();
    let started = Instant::now();
    let report = inspect::inspect_headers(&bytes)?;
    let needs = triage::triage(&report)?;
    Ok(LoadedModule {
        bytes: ModuleBytes::Read(bytes),
        report,
        needs,
        load_time: read_time + started.elapsed(),
        stamp: None,
        hash: None,
    })
}

/// Set when this process ends after its one run (a worker; gowasm running one mode): the run
/// then leaves its instance, store and compiled module to the process's exit, after the guest's
/// files are closed. The kernel takes back the 8 GiB memory reservation and the code's mappings
/// at once; wasmer's teardown took a cached start about 0.5 ms of 7.
static ENDS_AFTER_RUN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Says that this process ends after its one run (see [`ENDS_AFTER_RUN`]).
pub fn process_ends_after_run() {
    ENDS_AFTER_RUN.store(true, std::sync::atomic::Ordering::Relaxed);
}

fn ends_after_run() -> bool {
    ENDS_AFTER_RUN.load(std::sync::atomic::Ordering::Relaxed)
}

/// Loads a module file for a run in `mode`. A cached mode whose cache holds a memo of this very
/// file (see [`memo`]) takes its hash and headers from the memo and leaves the bytes in the file
/// until something needs them; else the file is read, parsed and triaged.
pub fn load_file(
    path: &std::path::Path,
    mode: Mode,
    config: &RunConfig,
) -> Result<LoadedModule, String> {
    let started = Instant::now();
    let cache = config
        .cache_dir
        .as_deref()
        .filter(|_| mode.cached())
        .map(cache::ArtifactCache::new);
    if let Some((memo, stamp)) = cache.and_then(|c| memo::memo_of_file(&c, path)) {
        return Ok(LoadedModule {
            bytes: ModuleBytes::Later {
                path: path.to_path_buf(),
                read: std::sync::OnceLock::new(),
            },
            report: memo.report,
            needs: memo.needs,
            load_time: started.elapsed(),
            stamp: Some(stamp),
            hash: Some(memo.hash),
        });
    }
    let (bytes, stamp) = read_module_stamped(path)?;
    let mut module = load(bytes, started.elapsed()).map_err(|e| e.to_string())?;
    module.stamp = Some(stamp);
    Ok(module)
}

/// A module file's bytes (text, `.wat`, translated); the one reader of module files, for the
/// engines, the inspector, the pipeline and the images alike. Its error is one line naming the
/// file. A 3 MB Go module read into a fresh heap
/// buffer cost a worker 2 ms, most of it one page fault per 4 KiB as the copy went in (and
/// populating the pages in the `mmap` call cost as much, zeroing them). The buffer here asks for
/// transparent huge pages: a length in whole 2 MiB pages is what makes Linux align the mapping
/// for them, so the read faults twice, not 800 times. It is a copy, not a mapping of the file, so
/// a toolchain rewriting the file in place cannot change it under the engine.
pub fn read_module(path: &std::path::Path) -> Result<bytes::Bytes, String> {
    read_module_stamped(path).map(|(bytes, _)| bytes)
}

/// [`read_module`], and the file's identity as it was opened.
pub fn read_module_stamped(
    path: &std::path::Path,
) -> Result<(bytes::Bytes, cache::Identity), String> {
    use std::io::Read;
    const HUGE_PAGE: usize = 2 << 20;
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    let stamp = cache::Identity::of(&meta);
    let len = meta.len();
    // Below a MiB the heap is as quick.
    let mapped = match usize::try_from(len) {
        Ok(len) if len >= 1 << 20 => memmap2::MmapOptions::new()
            .len(len.div_ceil(HUGE_PAGE) * HUGE_PAGE)
            .map_anon()
            .ok()
            .inspect(|buf| {
                // Only a hint: without huge pages it is an ordinary buffer.
                let _ = buf.advise(memmap2::Advice::HugePage);
            })
            .map(|buf| (buf, len)),
        _ => None,
    };
    let raw: bytes::Bytes = match mapped {
        Some((mut buf, len)) => {
            file.read_exact(&mut buf[..len]).map_err(cannot)?;
            // A file that grew since its length was read is read again whole, the slow way.
            let mut probe = [0u8; 1];
            if file.read(&mut probe).map_err(cannot)? != 0 {
                std::fs::read(path).map_err(cannot)?.into()
            } else {
                bytes::Bytes::from_owner(buf.make_read_only().map_err(cannot)?).slice(..len)
            }
        }
        None => std::fs::read(path).map_err(cannot)?.into(),
    };
    if raw.starts_with(b"\0asm") {
        return Ok((raw, stamp));
    }
    inspect::binary_from_file_contents(raw.to_vec())
        .map(|b| (bytes::Bytes::from(b), stamp))
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Compiles a module for `mode` without running it, so a later run finds the artifact cached
/// (`aot` and `opt` cache; the other modes have nothing to do ahead of time).
pub fn precompile(
    module: &LoadedModule,
    mode: Mode,
    config: &RunConfig,
) -> Result<RunReport, EngineError> {
    let started = Instant::now();
    let mut report = match mode {
        Mode::Aot | Mode::Opt => native::precompile(module, mode, config)?,
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
    let calls = calls::plan(&module.report, &config.calls).map_err(EngineError::Call)?;
    if module.needs.entry == triage::Entry::Library && calls.is_empty() {
        return Err(triage::Entry::only_exports(&module.report).into());
    }
    let mut unprofiled = None;
    let profiled = match config.profile {
        Some(settings) => match profiled::profiled(module, settings, mode, config) {
            Ok(p) => Some(p),
            Err(e) if settings.best_effort => {
                unprofiled = Some(format!("no profile: {e}"));
                None
            }
            Err(e) => return Err(e),
        },
        None => None,
    };
    let original = module;
    let (module, sampler) = match &profiled {
        Some((m, s)) => (m, Some(s)),
        None => (module, None),
    };
    let tail = Arc::new(OutputTail::new(sink));
    let mut report = match mode {
        Mode::Interp => interp::run(module, config, &calls, tail.clone(), sampler)?,
        Mode::Baseline | Mode::Aot | Mode::Opt => {
            native::run(module, mode, config, &calls, tail.clone(), sampler)?
        }
    };
    let sampler = sampler.map(|s| s.lock().unwrap_or_else(|p| p.into_inner()));
    if let (Some(settings), Some(s), Outcome::Trapped(trap)) =
        (config.profile, &sampler, &mut report.outcome)
        && s.shadow_stack()
    {
        profiled::place_trap(original, settings, mode, trap);
    }
    report.profile = sampler.map(|s| s.finish());
    report.warnings.extend(unprofiled);
    calls::explain(&mut report, &tail.text());
    report.host = module.needs.label().to_string();
    report.entry = module.needs.entry;
    report.warnings.extend(inspect::toolchain::newer_than_known(
        &module.report.toolchain,
    ));
    report.timings.load = module.load_time;
    report.timings.total = module.load_time + started.elapsed();
    Ok(report)
}
