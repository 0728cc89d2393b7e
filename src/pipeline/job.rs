//! One job: build (for a project) → inspect → run each mode, reporting as it goes and stopping
//! as soon as it is cancelled.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::event::{Event, ModuleSummary, ToolchainDifference, ToolchainRow};
use super::{LastGood, PipelineOptions, Source};
use crate::build::{self, BuildOutcome, BuildRequest, Compiler};
use crate::compare::{first_difference, module_size};
use crate::engine::worker::{self, Job as WorkerJob};
use crate::engine::{Mode, Outcome, RunReport, Stream};
use crate::inspect::{self, triage};

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
            if self.options.compare_toolchains
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
    fn describe_in_go_terms(&self, bytes: Vec<u8>, hash: String) {
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

    /// Runs each mode in turn. With interp and aot both wanted, aot's artifact compiles in the
    /// background while interp runs, so the first output appears without waiting for Cranelift.
    /// An unchanged module's artifact is already cached, so nothing is precompiled for it.
    fn run_modes(&self, module: &Path, unchanged: bool) -> Runs {
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
        let mut runs = Runs::default();
        for &mode in modes {
            if self.cancelled() {
                break;
            }
            if mode == Mode::Aot
                && let Some(p) = precompile.take()
            {
                let _ = p.join();
            }
            let first = runs.reports.is_empty();
            let Some(report) = self.run_one(module, mode, first.then_some(&mut runs.stdout)) else {
                break;
            };
            runs.reports.push(report);
        }
        // Never leave a compiler running behind a finished job.
        if let Some(p) = precompile {
            let _ = p.join();
        }
        runs
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
        let mut rows = vec![row_of(&first, runs.reports, None)];
        let mut outputs = vec![runs.stdout];
        for other in [Compiler::Go, Compiler::TinyGo] {
            if other == first.toolchain.compiler || self.cancelled() {
                continue;
            }
            // Each toolchain's own default target, as `run --toolchain go,tinygo` builds them,
            // unless wasip1 was asked for, which means the same to both.
            let target = self.options.build.target.clone().filter(|t| t == "wasip1");
            let request = BuildRequest {
                dir: dir.clone(),
                compiler: Some(other),
                target,
                output: None,
                ..self.options.build.clone()
            };
            let (row, stdout) = self.other_toolchain(other, &request);
            rows.push(row);
            outputs.push(stdout);
        }
        if self.cancelled() {
            return;
        }
        let differences = differences(&rows, &outputs);
        self.send(Event::ToolchainsCompared {
            job: self.job,
            rows,
            differences,
        });
    }

    /// One other toolchain's row: its build, size and a run per mode, or why there is none.
    fn other_toolchain(
        &self,
        compiler: Compiler,
        request: &BuildRequest,
    ) -> (ToolchainRow, Vec<u8>) {
        let failed = |error: String| {
            let row = ToolchainRow {
                toolchain: compiler.name().to_string(),
                version: String::new(),
                target: String::new(),
                build: Default::default(),
                size: Default::default(),
                runs: vec![],
                error: Some(error),
            };
            (row, vec![])
        };
        let prepared = match build::prepare(request, &self.options.cache_root) {
            Ok(p) => p,
            Err(e) => return failed(e.to_string()),
        };
        let outcome = match prepared.run(&self.cancel) {
            Ok(Some(o)) => o,
            Ok(None) => return failed("cancelled".into()),
            Err(e) => return failed(e.to_string()),
        };
        if !outcome.success {
            let first_line = outcome
                .log
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            let mut row = row_of(
                &outcome,
                vec![],
                Some(format!("build failed: {first_line}")),
            );
            row.size = Default::default();
            return (row, vec![]);
        }
        let refused = std::fs::read(&outcome.output)
            .map_err(|e| e.to_string())
            .and_then(|raw| inspect::binary_from_file_contents(raw).map_err(|e| e.to_string()))
            .and_then(|bytes| inspect::inspect(&bytes, 0).map_err(|e| e.to_string()))
            .and_then(|report| {
                triage::triage(&report)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            });
        if let Err(e) = refused {
            return (row_of(&outcome, vec![], Some(e)), vec![]);
        }
        let mut stdout = vec![];
        let mut reports = vec![];
        for &mode in &self.options.modes {
            let keep = reports.is_empty();
            let result = self.worker_run(&outcome.output, mode, |stream, bytes| {
                if keep && stream == Stream::Stdout {
                    keep_some(&mut stdout, bytes);
                }
            });
            match result {
                Ok(r) => reports.push(r),
                Err(e) => {
                    let error = format!("{} run: {e}", mode.name());
                    return (row_of(&outcome, reports, Some(error)), stdout);
                }
            }
            if self.cancelled() {
                break;
            }
        }
        (row_of(&outcome, reports, None), stdout)
    }
}

/// Appends what still fits under [`COMPARED_STDOUT`].
fn keep_some(kept: &mut Vec<u8>, bytes: &[u8]) {
    let room = COMPARED_STDOUT.saturating_sub(kept.len());
    kept.extend_from_slice(&bytes[..bytes.len().min(room)]);
}

fn row_of(outcome: &BuildOutcome, runs: Vec<RunReport>, error: Option<String>) -> ToolchainRow {
    let size = if outcome.success {
        module_size(&outcome.output).unwrap_or_default()
    } else {
        Default::default()
    };
    ToolchainRow {
        toolchain: outcome.toolchain.compiler.name().to_string(),
        version: outcome.toolchain.version.clone(),
        target: outcome.target.clone(),
        build: outcome.duration,
        size,
        runs,
        error,
    }
}

/// Each other toolchain's first run against the first toolchain's: stdout, then exit code.
fn differences(rows: &[ToolchainRow], outputs: &[Vec<u8>]) -> Vec<ToolchainDifference> {
    let code = |r: &RunReport| match r.outcome {
        Outcome::Exited { code } => code,
        _ => -1,
    };
    let Some(reference) = rows[0].runs.first() else {
        return vec![];
    };
    let left = String::from_utf8_lossy(&outputs[0]);
    rows.iter()
        .zip(outputs)
        .skip(1)
        .filter_map(|(row, stdout)| {
            let run = row.runs.first()?;
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
