//! The edit-compile-run loop as a library: a change starts a job (build → inspect → run), a newer
//! change cancels the job in flight, and everything the job does is reported as [`Event`]s that
//! carry the job's number, so a consumer can drop what belongs to an older job.

pub mod anatomy;
mod event;
mod job;

pub use anatomy::{AnatomySummary, PackageRow};
pub use event::{Event, ModuleSummary, NewestJob, SectionSize};

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::build::BuildRequest;
use crate::engine::{Mode, RunConfig};
use crate::watch::{self, WatchConfig, WatchEvent, Watcher};

/// What the loop works on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A Go project folder: built on every change.
    Project(PathBuf),
    /// A ready `.wasm` file: rerun whenever it changes.
    Module(PathBuf),
}

/// Everything a job needs; the pipeline keeps one and hands each job a copy.
#[derive(Debug, Clone)]
pub struct PipelineOptions {
    pub source: Source,
    /// Compiler, target and flags (`dir` and `output` are filled in by the pipeline).
    pub build: BuildRequest,
    /// What each run is made with; the workbench replaces it whole while it runs.
    pub settings: RunSettings,
    pub timeout: Option<Duration>,
    /// The gowasm binary, started as the worker process for every run.
    pub exe: PathBuf,
    pub cache_root: PathBuf,
    pub grace: Duration,
    /// Jobs are numbered from `first_job + 1`, so a restarted pipeline goes on counting.
    pub first_job: u64,
}

/// Why the pipeline could not start.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("{0}: no such file or folder")]
    Missing(PathBuf),
    #[error("cannot watch {path}: {message}")]
    Watch { path: PathBuf, message: String },
}

/// Asks the controller thread to do something.
enum Control {
    Rebuild(Vec<PathBuf>),
    /// New run settings, then a job with them.
    Reconfigure(RunSettings),
    /// While paused, changes are remembered but start no job until resumed.
    Pause(bool),
    CancelRun,
    Shutdown,
}

/// The settings runs are made with: one struct, carried whole from the command line to the
/// pipeline and between the workbench (`m`, `a`, `t`, `:args`, `:env`, `:call` change it) and
/// the pipeline, whose controller takes a new one and starts a job, keeping its job counter,
/// watcher and last good build.
#[derive(Debug, Clone, Default)]
pub struct RunSettings {
    /// Modes to run after a good build, in order (empty: build and inspect only). With interp
    /// and aot both present, aot compiles while interp runs.
    pub modes: Vec<Mode>,
    /// The guest's arguments, environment, folders and memory cap, and the exports to call.
    pub run: RunConfig,
    /// After each good run, also build the project with the other toolchain (Go or TinyGo)
    /// and run it in the same modes, for [`Event::ToolchainsCompared`].
    pub compare_toolchains: bool,
}

/// What a finished good job left: the base for size deltas and "unchanged" detection.
#[derive(Debug, Clone, Default)]
pub(crate) struct LastGood {
    pub job: u64,
    pub size: u64,
    pub hash: String,
}

/// A running pipeline: a watcher, a controller thread and at most one live job.
pub struct Pipeline {
    control: Sender<Control>,
    controller: Option<JoinHandle<()>>,
    _watcher: Watcher,
}

impl Pipeline {
    /// Starts watching and runs the first job at once; `emit` receives every event, from
    /// several threads.
    pub fn start(
        options: PipelineOptions,
        emit: impl Fn(Event) + Send + Sync + 'static,
    ) -> Result<Pipeline, PipelineError> {
        let emit: Arc<dyn Fn(Event) + Send + Sync> = Arc::new(emit);
        let (root, only) = watch_target(&options)?;
        // Absolute from here on: a relative path (".") dies with the folder it named when the
        // project is deleted and put back.
        let mut options = options;
        options.source = match (&options.source, &only) {
            (Source::Module(_), Some(file)) => Source::Module(file.clone()),
            _ => Source::Project(root.clone()),
        };
        let (control, controls) = mpsc::channel();
        let watch_config = WatchConfig {
            grace: options.grace,
            ignored_dirs: vec![options.cache_root.clone()],
            only,
        };
        let to_controller = control.clone();
        let watch_emit = emit.clone();
        let watcher = watch::watch(&root, watch_config, move |event| {
            if let WatchEvent::Changed(paths) = &event {
                let _ = to_controller.send(Control::Rebuild(paths.clone()));
            }
            watch_emit(Event::Watch { change: event });
        })
        .map_err(|e| PipelineError::Watch {
            path: root.clone(),
            message: e.to_string(),
        })?;
        let _ = control.send(Control::Rebuild(vec![]));
        let controller = std::thread::Builder::new()
            .name("gowasm-pipeline".into())
            .spawn(move || controller(options, controls, emit))
            .expect("spawn the pipeline thread");
        Ok(Pipeline {
            control,
            controller: Some(controller),
            _watcher: watcher,
        })
    }

    /// Starts a new job now, cancelling the one in flight.
    pub fn rebuild(&self) {
        let _ = self.control.send(Control::Rebuild(vec![]));
    }

    /// Runs with these settings from now on, starting a job with them at once.
    pub fn reconfigure(&self, settings: RunSettings) {
        let _ = self.control.send(Control::Reconfigure(settings));
    }

    /// Stops (or resumes) reacting to changes; a change seen while paused runs on resume.
    pub fn set_paused(&self, paused: bool) {
        let _ = self.control.send(Control::Pause(paused));
    }

    /// Cancels the job in flight (its build or run) without starting another.
    pub fn cancel(&self) {
        let _ = self.control.send(Control::CancelRun);
    }

    /// Cancels what is running and waits for it to stop.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let _ = self.control.send(Control::Shutdown);
        if let Some(c) = self.controller.take() {
            let _ = c.join();
        }
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The folder to watch and, for a module, the one file in it that counts.
fn watch_target(options: &PipelineOptions) -> Result<(PathBuf, Option<PathBuf>), PipelineError> {
    let canonical =
        |p: &Path| std::fs::canonicalize(p).map_err(|_| PipelineError::Missing(p.to_path_buf()));
    match &options.source {
        Source::Project(dir) => Ok((canonical(dir)?, None)),
        Source::Module(file) => {
            let file = canonical(file)?;
            let dir = file.parent().unwrap_or(Path::new("/")).to_path_buf();
            Ok((dir, Some(file)))
        }
    }
}

/// One job at a time: a newer request cancels the older job, whose late events the consumer
/// drops by generation.
fn controller(
    mut options: PipelineOptions,
    controls: Receiver<Control>,
    emit: Arc<dyn Fn(Event) + Send + Sync>,
) {
    let last_good = Arc::new(Mutex::new(None::<LastGood>));
    let last_anatomy = anatomy::LastAnatomy::default();
    let mut number = options.first_job;
    // Every job not yet finished, newest last; older ones have been told to stop.
    let mut jobs: Vec<(Arc<AtomicBool>, JoinHandle<()>)> = vec![];
    let cancel_all = |jobs: &[(Arc<AtomicBool>, JoinHandle<()>)]| {
        for (cancel, _) in jobs {
            cancel.store(true, Ordering::Relaxed);
        }
    };
    let mut paused = false;
    let mut missed: Option<Vec<PathBuf>> = None;
    for control in controls {
        jobs.retain(|(_, handle)| !handle.is_finished());
        let control = match control {
            Control::Pause(p) => {
                paused = p;
                match missed.take() {
                    Some(paths) if !paused => Control::Rebuild(paths),
                    other => {
                        missed = other;
                        continue;
                    }
                }
            }
            Control::Reconfigure(settings) => {
                options.settings = settings;
                Control::Rebuild(vec![])
            }
            Control::Rebuild(paths) if paused && !paths.is_empty() => {
                missed.get_or_insert_with(Vec::new).extend(paths);
                continue;
            }
            other => other,
        };
        match control {
            // Both became a Rebuild above.
            Control::Pause(_) | Control::Reconfigure(_) => {}
            Control::Rebuild(paths) => {
                tracing::info!(job = number + 1, changed = paths.len(), "job starts");
                // The old job only has to notice; it must not hold up the new one.
                cancel_all(&jobs);
                number += 1;
                let cancel = Arc::new(AtomicBool::new(false));
                let job = job::Job {
                    job: number,
                    trigger: paths,
                    options: options.clone(),
                    cancel: cancel.clone(),
                    last_good: last_good.clone(),
                    last_anatomy: last_anatomy.clone(),
                    emit: emit.clone(),
                };
                let handle = std::thread::Builder::new()
                    .name(format!("gowasm-job-{number}"))
                    .spawn(move || job.run())
                    .expect("spawn a job thread");
                jobs.push((cancel, handle));
            }
            Control::CancelRun => cancel_all(&jobs),
            Control::Shutdown => break,
        }
    }
    // Stopping waits for every job, so no compiler or guest outlives the pipeline.
    cancel_all(&jobs);
    for (_, handle) in jobs {
        let _ = handle.join();
    }
}
