//! Driving `gowasm watch --json` from tests: start it on a copy of a sample, wait for events.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::*;

/// A `gowasm watch --json` process and the events it has printed so far.
pub struct Watch {
    pub child: Child,
    pub events: Receiver<(Instant, Value)>,
    pub seen: Vec<(Instant, Value)>,
    _project: tempfile::TempDir,
    pub dir: PathBuf,
}

impl Watch {
    pub fn start(sample_name: &str, extra: &[&str]) -> Watch {
        let project = tempfile::tempdir().unwrap();
        let dir = project.path().join(sample_name);
        copy_dir(&sample(sample_name), &dir);
        let mut c = gowasm();
        // The loop's tests build with Go, whose builds take a second; TinyGo's watch has its own.
        c.args(["watch", "--json", "--headless", "--toolchain", "go"])
            .args(extra)
            .arg(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = c.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, events) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                let v: Value = serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
                if tx.send((Instant::now(), v)).is_err() {
                    return;
                }
            }
        });
        Watch {
            child,
            events,
            seen: vec![],
            _project: project,
            dir,
        }
    }

    /// Waits for an event matching `pred`, keeping everything seen; panics after `limit`.
    pub fn wait_for(
        &mut self,
        what: &str,
        limit: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> (Instant, Value) {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok((at, v)) => {
                    self.seen.push((at, v.clone()));
                    if pred(&v) {
                        return (at, v);
                    }
                }
                Err(_) => panic!(
                    "no {what} within {limit:?}; seen:\n{}",
                    self.seen
                        .iter()
                        .map(|(_, v)| v.to_string())
                        .collect::<Vec<_>>()
                        .join("\n")
                ),
            }
        }
    }

    /// Waits for job `job` to finish and returns the stdout it produced in `mode`.
    pub fn output_of(&mut self, job: u64, mode: &str) -> String {
        if !self.seen.iter().any(|(_, v)| is(v, "job_finished", job)) {
            self.wait_for("job end", Duration::from_secs(90), |v| {
                is(v, "job_finished", job)
            });
        }
        self.seen
            .iter()
            .filter(|(_, v)| is(v, "output", job) && v["mode"] == mode && v["stream"] == "stdout")
            .map(|(_, v)| v["bytes"].as_str().unwrap().to_string())
            .collect()
    }

    /// Collects events until none has come for `quiet` (at most two minutes).
    pub fn settle(&mut self, quiet: Duration) {
        let deadline = Instant::now() + Duration::from_secs(120);
        while Instant::now() < deadline {
            match self.events.recv_timeout(quiet) {
                Ok(e) => self.seen.push(e),
                Err(_) => return,
            }
        }
    }

    pub fn count(&self, event: &str, after_job: u64) -> usize {
        self.seen
            .iter()
            .filter(|(_, v)| {
                v["event"] == event && v["job"].as_u64().is_some_and(|j| j > after_job)
            })
            .count()
    }

    pub fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.dir.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{from:?} not in {file}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    pub fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn is(v: &Value, event: &str, job: u64) -> bool {
    v["event"] == event && v["job"] == job
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// What the same source prints natively: the expected output comes from Go.
pub fn native_output(dir: &Path) -> String {
    let out_dir = tempfile::tempdir().unwrap();
    let bin = build_native(dir, out_dir.path());
    String::from_utf8(Command::new(bin).output().unwrap().stdout).unwrap()
}

/// The wasm guest's first line names wasip1/wasm where the native one names the host.
pub fn as_wasm(native: &str) -> String {
    native.replacen(
        &format!("on {}/{}!", std::env::consts::OS, go_arch()),
        "on wasip1/wasm!",
        1,
    )
}

pub fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    }
}

pub const MINUTE: Duration = Duration::from_secs(60);
