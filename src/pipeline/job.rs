//! One job: build (for a project) → inspect → run each mode, reporting as it goes and stopping
//! as soon as it is cancelled.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::event::{Event, ModuleSummary};
use super::{LastGood, PipelineOptions, Source};
use crate::build::{self, BuildRequest};
use crate::engine::worker::{self, Job as WorkerJob};
use crate::engine::{Mode, RunReport};
use crate::inspect::{self, triage};

pub(crate) struct Job {
    pub job: u64,
    pub trigger: Vec<PathBuf>,
    pub options: PipelineOptions,
    pub cancel: Arc<AtomicBool>,
    pub last_good: Arc<Mutex<Option<LastGood>>>,
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
        if let Some((module, unchanged)) = self.build().and_then(|module| self.inspect(module)) {
            self.run_modes(&module, unchanged);
        }
        self.send(Event::JobFinished {
            job,
            cancelled: self.cancelled(),
        });
    }

    /// The module to run: built from the project, or the watched file itself.
    fn build(&self) -> Option<PathBuf> {
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
        Some(outcome.output)
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
        let bytes = match std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|raw| inspect::binary_from_file_contents(raw).map_err(|e| e.to_string()))
        {
            Ok(b) => b,
            Err(e) => return self.fail(format!("{}: {e}", path.display())),
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
        // Only a module that can run becomes the one a failed build falls back to.
        *self.last_good.lock().unwrap_or_else(|p| p.into_inner()) = Some(LastGood {
            job: self.job,
            size,
            hash,
        });
        Some((path, before.is_some_and(|(_, same)| same)))
    }

    /// Runs each mode in turn. With interp and aot both wanted, aot's artifact compiles in the
    /// background while interp runs, so the first output appears without waiting for Cranelift.
    /// An unchanged module's artifact is already cached, so nothing is precompiled for it.
    fn run_modes(&self, module: &Path, unchanged: bool) {
        let modes = &self.options.modes;
        let wanted = !unchanged && modes.contains(&Mode::Interp) && modes.contains(&Mode::Aot);
        let mut precompile = wanted.then(|| {
            self.send(Event::Precompiling {
                job: self.job,
                mode: Mode::Aot,
            });
            let job = self.worker_job(module, Mode::Aot, true);
            let exe = self.options.exe.clone();
            let cancel = self.cancel.clone();
            std::thread::spawn(move || {
                let _ = worker::run(&exe, &job, None, Some(&cancel), |_, _| {});
            })
        });
        for &mode in modes {
            if self.cancelled() {
                break;
            }
            if mode == Mode::Aot
                && let Some(p) = precompile.take()
            {
                let _ = p.join();
            }
            if !self.run_one(module, mode) {
                break;
            }
        }
        // Never leave a compiler running behind a finished job.
        if let Some(p) = precompile {
            let _ = p.join();
        }
    }

    fn worker_job(&self, module: &Path, mode: Mode, compile_only: bool) -> WorkerJob {
        WorkerJob {
            module: module.to_path_buf(),
            mode,
            config: self.options.run.clone(),
            compile_only,
            direct_output: false,
        }
    }

    /// One run in a worker process; false when the job should stop.
    fn run_one(&self, module: &Path, mode: Mode) -> bool {
        let job = self.job;
        self.send(Event::RunStarted { job, mode });
        let work = self.worker_job(module, mode, false);
        let result = worker::run(
            &self.options.exe,
            &work,
            self.options.timeout,
            Some(&self.cancel),
            |stream, bytes| {
                self.send(Event::Output {
                    job,
                    mode,
                    stream,
                    bytes: bytes.to_vec(),
                })
            },
        );
        let report: RunReport = match result {
            Ok(r) => r,
            Err(_) if self.cancelled() => return false,
            Err(e) => {
                self.fail::<()>(format!("{} run: {e}", mode.name()));
                return false;
            }
        };
        self.send(Event::RunFinished { job, report });
        !self.cancelled()
    }
}
