//! One job: build (for a project) → inspect → run each mode, reporting as it goes and stopping
//! as soon as it is cancelled.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::event::{Event, ModuleSummary};
use super::{LastGood, PipelineOptions, Source};
use crate::build::{self, BuildOutcome, BuildRequest};
use crate::engine::worker::{self, Job as WorkerJob};
use crate::engine::{Mode, RunReport, Stream};
use crate::inspect::{self, triage};
use crate::toolchains::{self, ToolchainRow};

/// How much of a run's stdout is kept for comparing toolchains.
const COMPARED_STDOUT: usize = 4 << 20;

/// What the job's runs left, for comparing toolchains.
#[derive(Default)]
struct Runs {
    reports: Vec<RunReport>,
    /// The first run's stdout (its first [`COMPARED_STDOUT`] bytes).
    stdout: Vec<u8>,
}

pub(crate) struct Job {
    pub job: u64,
    pub trigger: Vec<PathBuf>,
    pub options: PipelineOptions,
    pub cancel: Arc<AtomicBool>,
    pub last_good: Arc<Mutex<Option<LastGood>>>,
    pub last_anatomy: super::anatomy::LastAnatomy,
    pub emit: Arc<dyn Fn(Event) + Send + Sync>,
}

impl Job {
    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    fn send(&self, event: Event) {
        (self.emit)(event);
    }

    pub fn run(self) {
        let job = self.job;
        self.send(Event::JobStarted {
            job,
            trigger: self.trigger.clone(),
        });
        let mut built = None;
        if let Some((module, unchanged)) = self.build(&mut built).and_then(|m| self.inspect(m)) {
            let runs = self.run_modes(&module, unchanged);
            if self.options.settings.compare_toolchains
                && !self.cancelled()
                && let Some(outcome) = built
            {
                self.compare_toolchains(outcome, runs);
            }
        }
        self.send(Event::JobFinished {
            job,
            cancelled: self.cancelled(),
        });
    }

    /// The module to run: built from the project (its outcome left in `built`), or the watched
    /// file itself.
    fn build(&self, built: &mut Option<BuildOutcome>) -> Option<PathBuf> {
        let dir = match &self.options.source {
            Source::Module(path) => return Some(path.clone()),
            Source::Project(dir) => dir,
        };
        let request = BuildRequest {
            dir: dir.clone(),
            ..self.options.build.clone()
        };
        let prepared = match build::prepare(&request, &self.options.cache_root) {
            Ok(p) => p,
            Err(e) => return self.fail(e.to_string()),
        };
        self.send(Event::BuildStarted {
            job: self.job,
            toolchain: prepared.toolchain.compiler.name().to_string(),
            version: prepared.toolchain.version.clone(),
            command: prepared.command.clone(),
        });
        let outcome = match prepared.run(&self.cancel) {
            Ok(Some(o)) => o,
            Ok(None) => return None,
            Err(e) => return self.fail(e.to_string()),
        };
        self.send(Event::BuildFinished {
            job: self.job,
            success: outcome.success,
            exit_code: outcome.exit_code,
            duration: outcome.duration,
            diagnostics: outcome.diagnostics.clone(),
            log: outcome.log.clone(),
        });
        if !outcome.success {
            let last = self
                .last_good
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone();
            if let Some(last) = last {
                self.send(Event::KeptLastGood {
                    job: self.job,
                    last_good_job: last.job,
                });
            }
            return None;
        }
        let output = outcome.output.clone();
        *built = Some(outcome);
        Some(output)
    }

    fn fail<T>(&self, message: String) -> Option<T> {
        self.send(Event::JobError {
            job: self.job,
            message,
        });
        None
    }

    /// Reads and inspects the module; refuses what cannot run.
    /// Returns the module and whether it is byte-identical to the last good one.
    fn inspect(&self, path: PathBuf) -> Option<(PathBuf, bool)> {
        if self.cancelled() {
            return None;
        }
        let bytes = match crate::engine::read_module(&path) {
            Ok(b) => b,
            Err(e) => return self.fail(e),
        };
        let report = match inspect::inspect(&bytes, inspect::DEFAULT_TOP_FUNCTIONS) {
            Ok(r) => r,
            Err(e) => return self.fail(format!("{}: {e}", path.display())),
        };
        let hash = crate::hash::hex_digest(&bytes);
        let size = bytes.len() as u64;
        let previous = self
            .last_good
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let before = previous.as_ref().map(|p| (p.size, p.hash == hash));
        self.send(Event::ModuleReady {
            job: self.job,
            module: ModuleSummary::of(path.clone(), &report, hash.clone(), size, before),
        });
        if let Err(e) = triage::triage(&report) {
            return self.fail(e.to_string());
        }
        self.describe_in_go_terms(bytes, hash.clone());
        // Only a module that can run becomes the one a failed build falls back to.
        *self.last_good.lock().unwrap_or_else(|p| p.into_inner()) = Some(LastGood {
            job: self.job,
            size,
            hash,
        });
        Some((path, before.is_some_and(|(_, same)| same)))
    }

    /// Sends the module's anatomy from a thread of its own, so that the runs do not wait.
    fn describe_in_go_terms(&self, bytes: bytes::Bytes, hash: String) {
        let (job, last, emit) = (self.job, self.last_anatomy.clone(), self.emit.clone());
        let cancel = self.cancel.clone();
        let _ = std::thread::Builder::new()
            .name(format!("gowasm-anatomy-{job}"))
            .spawn(move || {
                if let Some(a) = super::anatomy::summarize(&bytes, &hash, &last)
                    && !cancel.load(Ordering::Relaxed)
                {
                    emit(Event::ModuleAnatomy {
                        job,
                        anatomy: Box::new(a),
                    });
                }
            });
    }

    /// Runs each mode in turn. With several wanted, the cached modes' artifacts (aot's, then
    /// opt's) compile in the background, one after the other, while the others run: the first
    /// output appears without waiting for Cranelift, and aot's without waiting for LLVM. An
    /// unchanged module's artifacts are already cached, so nothing is precompiled for it.
    fn run_modes(&self, module: &Path, unchanged: bool) -> Runs {
        let modes = &self.options.settings.modes;
        let background: Vec<Mode> = match unchanged || modes.len() < 2 {
            true => vec![],
            false => modes.iter().copied().filter(|m| m.cached()).collect(),
        };
        let (compiled, done) = std::sync::mpsc::channel();
        let mut precompile = (!background.is_empty()).then(|| {
            let jobs: Vec<WorkerJob> = background
                .iter()
                .map(|&mode| self.worker_job(module, mode, true))
                .collect();
            let (exe, cancel, emit, job) = (
                self.options.exe.clone(),
                self.cancel.clone(),
                self.emit.clone(),
                self.job,
            );
            std::thread::spawn(move || {
                for worker_job in jobs {
                    let mode = worker_job.mode;
                    emit(Event::Precompiling { job, mode });
                    let _ = worker::run(&exe, &worker_job, None, Some(&cancel), |_, _| {});
                    let _ = compiled.send(mode);
                }
            })
        });
        let mut ready: Vec<Mode> = vec![];
        let mut runs = Runs::default();
        for &mode in modes {
            if self.cancelled() {
                break;
            }
            // A mode compiling in the background runs once its artifact is there.
            while background.contains(&mode) && !ready.contains(&mode) {
                match done.recv() {
                    Ok(m) => ready.push(m),
                    Err(_) => break,
                }
            }
            let first = runs.reports.is_empty();
            let Some(report) = self.run_one(module, mode, first.then_some(&mut runs.stdout)) else {
                break;
            };
            runs.reports.push(report);
        }
        // Never leave a compiler running behind a finished job.
        if let Some(p) = precompile.take() {
            let _ = p.join();
        }
        runs
    }

    fn worker_job(&self, module: &Path, mode: Mode, compile_only: bool) -> WorkerJob {
        WorkerJob {
            module: module.to_path_buf(),
            mode,
            config: self.options.settings.run.clone(),
            compile_only,
            direct_output: false,
        }
    }

    /// One run of `module` in `mode` in a worker process, under the job's timeout and cancel.
    fn worker_run(
        &self,
        module: &Path,
        mode: Mode,
        on_output: impl FnMut(Stream, &[u8]),
    ) -> Result<RunReport, worker::WorkerError> {
        let work = self.worker_job(module, mode, false);
        worker::run(
            &self.options.exe,
            &work,
            self.options.timeout,
            Some(&self.cancel),
            on_output,
        )
    }

    /// One run in a worker process, its output streamed as events; the first run's stdout is
    /// also kept in `keep`, when given. `None` when the job should stop.
    fn run_one(
        &self,
        module: &Path,
        mode: Mode,
        mut keep: Option<&mut Vec<u8>>,
    ) -> Option<RunReport> {
        let job = self.job;
        self.send(Event::RunStarted { job, mode });
        let result = self.worker_run(module, mode, |stream, bytes| {
            if let Some(kept) = keep.as_deref_mut()
                && stream == Stream::Stdout
            {
                keep_some(kept, bytes);
            }
            self.send(Event::Output {
                job,
                mode,
                stream,
                bytes: bytes.to_vec(),
            })
        });
        let report: RunReport = match result {
            Ok(r) => r,
            Err(_) if self.cancelled() => return None,
            Err(e) => return self.fail(format!("{} run: {e}", mode.name())),
        };
        self.send(Event::RunFinished {
            job,
            report: report.clone(),
        });
        (!self.cancelled()).then_some(report)
    }

    /// Builds the project with the other toolchain, runs it in the job's modes (its output
    /// kept, not streamed), and reports both toolchains side by side.
    fn compare_toolchains(&self, first: BuildOutcome, runs: Runs) {
        let Source::Project(dir) = &self.options.source else {
            return;
        };
        let request = BuildRequest {
            dir: dir.clone(),
            ..self.options.build.clone()
        };
        let others = toolchains::others(first.toolchain.compiler, &request);
        let mut row = ToolchainRow::of(first);
        row.runs = runs.reports;
        let mut rows = vec![row];
        let mut outputs = vec![runs.stdout];
        for other in &others {
            if self.cancelled() {
                return;
            }
            let (mut stdout, mut made) = (vec![], 0);
            let row = toolchains::build_and_run(
                other,
                &self.options.cache_root,
                &self.options.settings.modes,
                &self.cancel,
                |module, mode| {
                    let first = made == 0;
                    made += 1;
                    self.worker_run(module, mode, |stream, bytes| {
                        if first && stream == Stream::Stdout {
                            keep_some(&mut stdout, bytes);
                        }
                    })
                    .map_err(|e| e.to_string())
                },
            );
            rows.push(row);
            outputs.push(stdout);
        }
        if self.cancelled() {
            return;
        }
        let outputs: Vec<&[u8]> = outputs.iter().map(Vec::as_slice).collect();
        let differences = toolchains::differences(&rows, &outputs);
        self.send(Event::ToolchainsCompared {
            job: self.job,
            rows,
            differences,
        });
    }
}

/// Appends what still fits under [`COMPARED_STDOUT`].
fn keep_some(kept: &mut Vec<u8>, bytes: &[u8]) {
    let room = COMPARED_STDOUT.saturating_sub(kept.len());
    kept.extend_from_slice(&bytes[..bytes.len().min(room)]);
}
