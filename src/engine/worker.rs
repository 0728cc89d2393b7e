//! Runs live in a child process of the same binary (`gowasm __worker JOB`), so a run can be timed
//! out or cancelled at any instant by killing the process — neither wasmi nor wasmer (as built
//! here) can interrupt a guest stuck in a loop. The child streams frames on its stdout:
//! `[tag u8][len u32 LE][payload]`, tag 1 = guest stdout, 2 = guest stderr, 3 = the final
//! `Result<RunReport, String>` as JSON, 4 = compiling is done and instantiation (with any start function) begins: the timeout
//! starts then.

use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

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

const TAG_STDOUT: u8 = 1;
const TAG_STDERR: u8 = 2;
const TAG_DONE: u8 = 3;
const TAG_RUNNING: u8 = 4;

/// One run, as sent to the child.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub module: PathBuf,
    pub mode: Mode,
    pub config: RunConfig,
    /// Only compile (and cache) the module; do not run it.
    #[serde(default)]
    pub compile_only: bool,
}

/// What the parent hears from a running child.
enum Event {
    Running,
    Output(Stream, Vec<u8>),
    Done(Box<Result<RunReport, String>>),
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
    serde_json::to_writer(&mut job_file, job)
        .map_err(std::io::Error::from)
        .and_then(|_| job_file.flush())
        .map_err(spawn_error)?;
    let child = Command::new(exe)
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

fn read_frames(mut from: impl Read, to: mpsc::SyncSender<Event>) {
    let mut header = [0u8; 5];
    loop {
        if from.read_exact(&mut header).is_err() {
            return;
        }
        let len = u32::from_le_bytes(header[1..5].try_into().expect("4 bytes")) as usize;
        let mut payload = vec![0u8; len];
        if from.read_exact(&mut payload).is_err() {
            return;
        }
        let event = match header[0] {
            TAG_RUNNING => Event::Running,
            TAG_STDOUT => Event::Output(Stream::Stdout, payload),
            TAG_STDERR => Event::Output(Stream::Stderr, payload),
            TAG_DONE => Event::Done(Box::new(
                serde_json::from_slice(&payload)
                    .unwrap_or_else(|e| Err(format!("unreadable worker report: {e}"))),
            )),
            _ => return,
        };
        if to.send(event).is_err() {
            return;
        }
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

/// The child's side of the pipe: frames written to our stdout.
struct FrameWriter {
    out: Mutex<BufWriter<std::io::Stdout>>,
    broken: AtomicBool,
}

impl FrameWriter {
    fn frame(&self, tag: u8, payload: &[u8]) {
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        // Chunks are split so a frame's length always fits its u32.
        for chunk in payload
            .chunks(u32::MAX as usize)
            .chain(payload.is_empty().then_some(&[][..]))
        {
            let ok = out.write_all(&[tag]).is_ok()
                && out.write_all(&(chunk.len() as u32).to_le_bytes()).is_ok()
                && out.write_all(chunk).is_ok()
                && out.flush().is_ok();
            if !ok && !self.broken.swap(true, Ordering::Relaxed) {
                // The parent is gone: nobody will read the rest, so stop the guest now.
                std::process::exit(141);
            }
        }
    }
}

impl OutputSink for FrameWriter {
    fn output(&self, stream: Stream, bytes: &[u8]) {
        let tag = match stream {
            Stream::Stdout => TAG_STDOUT,
            Stream::Stderr => TAG_STDERR,
        };
        self.frame(tag, bytes);
    }

    fn running(&self) {
        self.frame(TAG_RUNNING, &[]);
    }
}

/// Entry point of the child process: runs the job in the JSON file `job_path`, reports on stdout.
pub fn worker_main(job_path: &Path) -> i32 {
    die_with_parent();
    let writer = Arc::new(FrameWriter {
        out: Mutex::new(BufWriter::with_capacity(64 * 1024, std::io::stdout())),
        broken: AtomicBool::new(false),
    });
    let result = std::fs::read(job_path)
        .map_err(|e| format!("cannot read the worker job {}: {e}", job_path.display()))
        .and_then(|json| {
            serde_json::from_slice::<Job>(&json).map_err(|e| format!("bad worker job: {e}"))
        })
        .and_then(|job| {
            let started = Instant::now();
            let bytes = std::fs::read(&job.module)
                .map_err(|e| format!("cannot read {}: {e}", job.module.display()))
                .and_then(|raw| {
                    crate::inspect::binary_from_file_contents(raw).map_err(|e| e.to_string())
                })?;
            let module = super::load(bytes, started.elapsed()).map_err(|e| e.to_string())?;
            if job.compile_only {
                super::precompile(&module, job.mode, &job.config)
            } else {
                super::run(&module, job.mode, &job.config, writer.clone())
            }
            .map_err(|e| e.to_string())
        });
    let json = serde_json::to_vec(&result).expect("a report serializes");
    writer.frame(TAG_DONE, &json);
    0
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

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(tag: u8, payload: &[u8]) -> Vec<u8> {
        let mut f = vec![tag];
        f.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        f.extend_from_slice(payload);
        f
    }

    #[test]
    fn frames_become_events_in_order() {
        let report = RunReport::new(Mode::Aot);
        let done = serde_json::to_vec(&Ok::<_, String>(report.clone())).unwrap();
        let mut wire = frame(TAG_RUNNING, b"");
        wire.extend(frame(TAG_STDOUT, b"hello\n"));
        wire.extend(frame(TAG_STDERR, b""));
        wire.extend(frame(TAG_DONE, &done));
        let (tx, rx) = mpsc::sync_channel(16);
        read_frames(&wire[..], tx);
        let events: Vec<Event> = rx.iter().collect();
        assert!(matches!(events[0], Event::Running));
        assert!(matches!(&events[1], Event::Output(Stream::Stdout, b) if b == b"hello\n"));
        assert!(matches!(&events[2], Event::Output(Stream::Stderr, b) if b.is_empty()));
        assert!(matches!(&events[3], Event::Done(r) if r.as_ref() == &Ok(report)));
        assert_eq!(events.len(), 4);
    }

    #[test]
    fn a_cut_stream_or_unknown_tag_ends_reading() {
        let mut wire = frame(TAG_STDOUT, b"abc");
        wire.truncate(wire.len() - 1);
        let (tx, rx) = mpsc::sync_channel(16);
        read_frames(&wire[..], tx);
        assert_eq!(rx.iter().count(), 0);

        let (tx, rx) = mpsc::sync_channel(16);
        read_frames(&frame(99, b"x")[..], tx);
        assert_eq!(rx.iter().count(), 0);
    }

    #[test]
    fn garbage_report_is_an_error_not_a_panic() {
        let (tx, rx) = mpsc::sync_channel(16);
        read_frames(&frame(TAG_DONE, b"{not json")[..], tx);
        assert!(matches!(rx.recv().unwrap(), Event::Done(r) if r.is_err()));
    }
}
