//! Runs live in a child process of the same binary (`gowasm __worker JOB`), so a run can be timed
//! out or cancelled at any instant by killing the process — neither wasmi nor wasmer (as built
//! here) can interrupt a guest stuck in a loop. The child streams [`frames`](super::frames) on
//! its stdout; the timeout starts with the frame that says compiling is done.

use std::io::Write;
use std::os::fd::{AsFd, FromRawFd};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::frames::{
    Event, FrameWriter, TAG_DONE, TAG_RUNNING, TAG_STDERR, TAG_STDOUT, read_frames,
};
use super::{Mode, Outcome, OutputSink, RunConfig, RunReport, Stream};

/// Where workers' stderr goes when not to gowasm's own (the workbench sends it to its log file,
/// so an engine's message never lands on the screen).
static WORKER_STDERR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Sends every later worker's stderr to `path` (appended) instead of gowasm's stderr.
pub fn redirect_worker_stderr(path: PathBuf) {
    let _ = WORKER_STDERR.set(path);
}

/// The hidden subcommand the child is started with.
pub const WORKER_COMMAND: &str = "__worker";

/// One run, as sent to the child.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub module: PathBuf,
    pub mode: Mode,
    pub config: RunConfig,
    /// Only compile (and cache) the module; do not run it.
    #[serde(default)]
    pub compile_only: bool,
    /// The guest's stdout and stderr go straight to gowasm's own (the worker gets gowasm's
    /// stdout as fd 3) instead of through frames: for output passed through unchanged, which
    /// then costs no more than it would without gowasm in between.
    #[serde(default)]
    pub direct_output: bool,
}

/// Why a worker run produced no report.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// The module could not be run (refused, invalid, bad --dir…): the user's problem.
    #[error("{0}")]
    Engine(String),
    /// The worker could not be started.
    #[error("could not start the worker process {exe}: {source}")]
    Spawn {
        exe: PathBuf,
        source: std::io::Error,
    },
}

/// Runs `job` in a child process started from `exe`; guest output is passed to `on_output` as it
/// arrives. The run ends with `TimedOut` once the guest has run for `timeout` (compiling does not
/// count), or `Cancelled` soon after `cancel` is set.
pub fn run(
    exe: &Path,
    job: &Job,
    timeout: Option<Duration>,
    cancel: Option<&AtomicBool>,
    mut on_output: impl FnMut(Stream, &[u8]),
) -> Result<RunReport, WorkerError> {
    let started = Instant::now();
    let (mut child, _job_file) = spawn(exe, job)?;
    let stdout = child.stdout.take().expect("piped stdout");
    // Bounded: when the consumer stalls, the worker blocks on its pipe instead of memory growing.
    let (tx, rx) = mpsc::sync_channel(256);
    let reader = std::thread::spawn(move || read_frames(stdout, tx));
    let mut deadline: Option<Instant> = None;
    let ended_by = loop {
        let wait = match deadline {
            Some(d) => d.saturating_duration_since(Instant::now()).min(POLL),
            None => POLL,
        };
        match rx.recv_timeout(wait) {
            Ok(Event::Running) => deadline = timeout.map(|t| Instant::now() + t),
            Ok(Event::Output(stream, bytes)) => on_output(stream, &bytes),
            Ok(Event::Done(result)) => break Ended::Done(result),
            Err(mpsc::RecvTimeoutError::Disconnected) => break Ended::Died,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            break Ended::Cancelled;
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break Ended::TimedOut;
        }
    };
    if !matches!(ended_by, Ended::Done(_)) {
        let _ = child.kill();
    }
    let status = child.wait();
    // The reader may be blocked sending frames still in the pipe: let its sends fail.
    drop(rx);
    let _ = reader.join();
    let mut report = RunReport::new(job.mode);
    report.timings.total = started.elapsed();
    match ended_by {
        Ended::Done(result) => return result.map_err(WorkerError::Engine),
        Ended::TimedOut => {
            report.outcome = Outcome::TimedOut {
                after: timeout.unwrap_or_default(),
            }
        }
        Ended::Cancelled => report.outcome = Outcome::Cancelled,
        Ended::Died => {
            let how = match status {
                Ok(s) => describe_status(s),
                Err(e) => e.to_string(),
            };
            report.outcome = Outcome::Crashed {
                message: format!("the worker process died ({how})"),
            }
        }
    }
    Ok(report)
}

/// How often the parent checks the clock and the cancel flag while no output arrives.
const POLL: Duration = Duration::from_millis(20);

enum Ended {
    Done(Box<Result<RunReport, String>>),
    TimedOut,
    Cancelled,
    Died,
}

/// Starts the child with the job in a private temporary file (not on its command line, where
/// every user could read the guest's environment); the file must outlive the child's start.
fn spawn(exe: &Path, job: &Job) -> Result<(Child, tempfile::NamedTempFile), WorkerError> {
    let spawn_error = |source| WorkerError::Spawn {
        exe: exe.to_path_buf(),
        source,
    };
    let mut job_file = tempfile::NamedTempFile::new().map_err(spawn_error)?;
    // One write, not one per token.
    let json = serde_json::to_vec(job).map_err(|e| spawn_error(e.into()))?;
    job_file.write_all(&json).map_err(spawn_error)?;
    let mut command = Command::new(exe);
    if job.direct_output {
        give_as_fd3(&mut command, own_stdout().map_err(spawn_error)?);
    }
    let child = command
        .arg(WORKER_COMMAND)
        .arg(job_file.path())
        .stdin(if job.config.inherit_stdin {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(match WORKER_STDERR.get() {
            Some(path) => std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map(Stdio::from)
                .unwrap_or_else(|_| Stdio::null()),
            None => Stdio::inherit(),
        })
        .spawn()
        .map_err(spawn_error)?;
    Ok((child, job_file))
}

/// gowasm's stdout, for output passed straight through; a closed one (`>&-`) is `/dev/null`,
/// which discards the output as writing to it would.
fn own_stdout() -> std::io::Result<std::os::fd::OwnedFd> {
    std::io::stdout()
        .as_fd()
        .try_clone_to_owned()
        .or_else(|_| std::fs::File::create("/dev/null").map(std::os::fd::OwnedFd::from))
}

/// The fd the worker finds gowasm's stdout on, with `direct_output`.
const DIRECT_STDOUT_FD: i32 = 3;

/// Makes `fd` the child's fd 3 (and keeps it open across exec).
fn give_as_fd3(command: &mut Command, fd: std::os::fd::OwnedFd) {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    // SAFETY: only async-signal-safe calls (dup2, fcntl) run between fork and exec; `fd` lives
    // in the closure, which the Command keeps until it has spawned.
    unsafe {
        command.pre_exec(move || {
            let raw = fd.as_raw_fd();
            let ok = if raw == DIRECT_STDOUT_FD {
                libc::fcntl(raw, libc::F_SETFD, 0) != -1
            } else {
                libc::dup2(raw, DIRECT_STDOUT_FD) != -1
            };
            if ok {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
}

#[cfg(unix)]
fn describe_status(s: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match s.signal() {
        Some(sig) => format!("signal {sig}"),
        None => format!("exit status {}", s.code().unwrap_or(-1)),
    }
}

#[cfg(not(unix))]
fn describe_status(s: std::process::ExitStatus) -> String {
    s.to_string()
}

/// The child's side of the pipe: frames on our stdout; with `direct_output`, the guest's output
/// straight to gowasm's stdout (fd 3) and stderr (ours, inherited).
struct WorkerSink {
    frames: FrameWriter<std::fs::File>,
    direct: Option<DirectOutput>,
}

struct DirectOutput {
    stdout: FrameWriter<std::fs::File>,
    stderr: std::io::Stderr,
}

impl WorkerSink {
    fn send(&self, tag: u8, payload: &[u8], now: bool) {
        let sent = if now {
            self.frames.send_now(tag, payload)
        } else {
            self.frames.send(tag, payload)
        };
        if sent.is_err() {
            // The parent is gone: nobody will read the rest, so stop the guest now.
            std::process::exit(141);
        }
    }
}

impl DirectOutput {
    /// gowasm's own stdout ([`own_stdout`]) and stderr.
    fn of_this_process() -> std::io::Result<DirectOutput> {
        Ok(DirectOutput {
            stdout: FrameWriter::raw(std::fs::File::from(own_stdout()?)),
            stderr: std::io::stderr(),
        })
    }

    fn write(&self, stream: Stream, bytes: &[u8]) {
        // A closed stdout (`| head`) discards the rest, as passing it through did.
        let _ = match stream {
            Stream::Stdout => self.stdout.send(TAG_STDOUT, bytes),
            Stream::Stderr => self
                .stdout
                .flush()
                .and_then(|_| self.stderr.lock().write_all(bytes)),
        };
    }
}

impl OutputSink for DirectOutput {
    fn output(&self, stream: Stream, bytes: &[u8]) {
        self.write(stream, bytes);
    }
}

impl OutputSink for WorkerSink {
    fn output(&self, stream: Stream, bytes: &[u8]) {
        if let Some(direct) = &self.direct {
            direct.write(stream, bytes);
            return;
        }
        let tag = match stream {
            Stream::Stdout => TAG_STDOUT,
            Stream::Stderr => TAG_STDERR,
        };
        self.send(tag, bytes, false);
    }

    fn running(&self) {
        self.send(TAG_RUNNING, &[], true);
    }
}

/// Entry point of the child process: runs the job in the JSON file `job_path`, reports on stdout.
pub fn worker_main(job_path: &Path) -> i32 {
    die_with_parent();
    super::process_ends_after_run();
    // The pipe itself, not `Stdout`, whose line buffering would split and copy every frame.
    let pipe = match std::io::stdout().as_fd().try_clone_to_owned() {
        Ok(fd) => std::fs::File::from(fd),
        Err(e) => {
            eprintln!("gowasm worker: no stdout: {e}");
            return 125;
        }
    };
    let job = std::fs::read(job_path)
        .map_err(|e| format!("cannot read the worker job {}: {e}", job_path.display()))
        .and_then(|json| {
            serde_json::from_slice::<Job>(&json).map_err(|e| format!("bad worker job: {e}"))
        });
    let direct = match &job {
        Ok(job) if job.direct_output => {
            // SAFETY: the parent opened fd 3 for us (give_as_fd3) and nothing else uses it.
            let fd = unsafe { std::os::fd::OwnedFd::from_raw_fd(DIRECT_STDOUT_FD) };
            Some(DirectOutput {
                stdout: FrameWriter::raw(std::fs::File::from(fd)),
                stderr: std::io::stderr(),
            })
        }
        _ => None,
    };
    let writer = Arc::new(WorkerSink {
        frames: FrameWriter::new(pipe),
        direct,
    });
    // A panic (in an engine, say) ends the process: send the guest's last output first.
    let on_panic = writer.clone();
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Some(direct) = &on_panic.direct {
            direct.stdout.try_flush();
        }
        on_panic.frames.try_flush();
        previous_hook(info);
    }));
    let result = job.and_then(|job| load_and_run(&job, writer.clone()));
    let json = serde_json::to_vec(&result).expect("a report serializes");
    if let Some(direct) = &writer.direct {
        let _ = direct.stdout.flush();
    }
    writer.send(TAG_DONE, &json, true);
    0
}

/// Reads, checks and runs (or only compiles) the job's module, output to `sink`.
fn load_and_run(job: &Job, sink: Arc<dyn OutputSink>) -> Result<RunReport, String> {
    let module = super::load_file(&job.module, job.mode, &job.config)?;
    if job.compile_only {
        super::precompile(&module, job.mode, &job.config)
    } else {
        super::run(&module, job.mode, &job.config, sink)
    }
    .map_err(|e| e.to_string())
}

/// Runs a `direct_output` job in this process instead of a worker: for a run that nothing
/// stops early (no timeout, no cancel), a worker only costs time, about 5 ms of a 20 ms run
/// (gowasm's 270 MB binary started again, the job handed over, the report sent back). A panic
/// in an engine is reported as a worker's death would be, after the guest's output.
pub fn run_in_process(job: &Job) -> Result<RunReport, WorkerError> {
    let direct = Arc::new(
        DirectOutput::of_this_process()
            .map_err(|e| WorkerError::Engine(format!("cannot write to gowasm's stdout: {e}")))?,
    );
    let sink: Arc<dyn OutputSink> = direct.clone();
    let started = Instant::now();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| load_and_run(job, sink)));
    let _ = direct.stdout.flush();
    match result {
        Ok(r) => r.map_err(WorkerError::Engine),
        Err(_) => {
            let mut report = RunReport::new(job.mode);
            report.timings.total = started.elapsed();
            report.outcome = Outcome::Crashed {
                message: "the engine panicked (its message is above)".into(),
            };
            Ok(report)
        }
    }
}

/// Ask Linux to kill this worker if its parent dies, so no guest outlives gowasm.
#[cfg(target_os = "linux")]
fn die_with_parent() {
    // SAFETY: prctl with PR_SET_PDEATHSIG only sets a flag on this process.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent() {}
