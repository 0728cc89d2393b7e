//! The edit-compile-run loop end to end: `gowasm watch --json` on a temporary copy of a sample,
//! with the real Go toolchain, edited the way an editor would.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// A `gowasm watch --json` process and the events it has printed so far.
struct Watch {
    child: Child,
    events: Receiver<(Instant, Value)>,
    seen: Vec<(Instant, Value)>,
    _project: tempfile::TempDir,
    dir: PathBuf,
}

impl Watch {
    fn start(sample_name: &str, extra: &[&str]) -> Watch {
        let project = tempfile::tempdir().unwrap();
        let dir = project.path().join(sample_name);
        copy_dir(&sample(sample_name), &dir);
        let mut c = gowasm();
        c.args(["watch", "--json", "--headless"])
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
    fn wait_for(
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
    fn output_of(&mut self, job: u64, mode: &str) -> String {
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
    fn settle(&mut self, quiet: Duration) {
        let deadline = Instant::now() + Duration::from_secs(120);
        while Instant::now() < deadline {
            match self.events.recv_timeout(quiet) {
                Ok(e) => self.seen.push(e),
                Err(_) => return,
            }
        }
    }

    fn count(&self, event: &str, after_job: u64) -> usize {
        self.seen
            .iter()
            .filter(|(_, v)| {
                v["event"] == event && v["job"].as_u64().is_some_and(|j| j > after_job)
            })
            .count()
    }

    fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.dir.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{from:?} not in {file}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn is(v: &Value, event: &str, job: u64) -> bool {
    v["event"] == event && v["job"] == job
}

fn copy_dir(from: &Path, to: &Path) {
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
fn native_output(dir: &Path) -> String {
    let out_dir = tempfile::tempdir().unwrap();
    let bin = build_native(dir, out_dir.path());
    String::from_utf8(Command::new(bin).output().unwrap().stdout).unwrap()
}

/// The wasm guest's first line names wasip1/wasm where the native one names the host.
fn as_wasm(native: &str) -> String {
    native.replacen(
        &format!("on {}/{}!", std::env::consts::OS, go_arch()),
        "on wasip1/wasm!",
        1,
    )
}

fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    }
}

const MINUTE: Duration = Duration::from_secs(60);

#[test]
fn an_edit_gives_exactly_one_rebuild_and_the_new_output() {
    let mut w = Watch::start("hello", &["--mode", "interp"]);
    let first = w.output_of(1, "interp");
    assert_eq!(first, as_wasm(&native_output(&w.dir)));

    w.edit("main.go", "Hello from Go", "Hi there from Go");
    let second = w.output_of(2, "interp");
    assert!(
        second.starts_with("Hi there from Go on wasip1/wasm!"),
        "{second}"
    );
    assert_eq!(second, as_wasm(&native_output(&w.dir)));
    // Nothing else follows: one edit, one job.
    w.settle(Duration::from_millis(1500));
    assert_eq!(w.count("job_started", 2), 0, "{:?}", w.seen.last());
    assert_eq!(w.count("build_started", 1), 1);
}

#[test]
fn fifty_saves_in_a_second_give_one_or_two_builds_and_the_final_output() {
    let mut w = Watch::start("hello", &["--mode", "interp"]);
    w.output_of(1, "interp");
    for i in 1..=50 {
        let path = w.dir.join("main.go");
        let text = std::fs::read_to_string(&path).unwrap();
        let start = text.find("Hello from Go").unwrap();
        let end = start + text[start..].find(" on ").unwrap();
        std::fs::write(
            &path,
            format!("{}Hello from Go {i}{}", &text[..start], &text[end..]),
        )
        .unwrap();
        std::thread::sleep(Duration::from_millis(18));
    }
    // Wait until the loop is quiet, then look at the last job.
    w.settle(Duration::from_millis(1500));
    let last = w
        .seen
        .iter()
        .filter(|(_, v)| v["event"] == "job_started")
        .filter_map(|(_, v)| v["job"].as_u64())
        .max()
        .unwrap();
    let final_output = w.output_of(last, "interp");
    let builds = w.count("build_started", 1);
    assert!(
        (1..=2).contains(&builds),
        "{builds} builds for one burst of saves"
    );
    assert!(
        final_output.starts_with("Hello from Go 50 on"),
        "{final_output}"
    );
    assert_eq!(final_output, as_wasm(&native_output(&w.dir)));
}

#[test]
fn a_compile_error_shows_where_keeps_the_last_good_and_a_fix_recovers() {
    let mut w = Watch::start("hello", &["--mode", "interp"]);
    let good = w.output_of(1, "interp");

    w.edit(
        "main.go",
        "\tfor i, arg",
        "\tundefinedThing()\n\tfor i, arg",
    );
    let (_, failed) = w.wait_for("failed build", MINUTE, |v| {
        v["event"] == "build_finished" && v["job"] == 2
    });
    assert_eq!(failed["success"], false);
    let d = &failed["diagnostics"][0];
    assert!(d["file"].as_str().unwrap().ends_with("/main.go"), "{d}");
    let source = std::fs::read_to_string(w.dir.join("main.go")).unwrap();
    let line = source
        .lines()
        .position(|l| l.contains("undefinedThing"))
        .unwrap()
        + 1;
    assert_eq!(d["line"], line as u64);
    assert_eq!(d["column"], 2);
    assert_eq!(d["message"], "undefined: undefinedThing");
    let (_, kept) = w.wait_for("kept last good", MINUTE, |v| v["event"] == "kept_last_good");
    assert_eq!(kept["last_good_job"], 1);
    w.wait_for("job end", MINUTE, |v| is(v, "job_finished", 2));
    assert_eq!(w.count("run_started", 1), 0, "a failed build runs nothing");

    w.edit("main.go", "\tundefinedThing()\n", "");
    let fixed = w.output_of(3, "interp");
    assert_eq!(fixed, good);
}

#[test]
fn a_change_cancels_the_run_in_flight_quickly() {
    let mut w = Watch::start("forever", &["--mode", "interp"]);
    w.wait_for("tick", MINUTE, |v| {
        v["event"] == "output" && v["bytes"].as_str().is_some_and(|b| b.contains("tick 3"))
    });
    w.edit("main.go", "tick %d", "tock %d");
    let (started, _) = w.wait_for("new job", MINUTE, |v| is(v, "job_started", 2));
    let (cancelled, v) = w.wait_for("cancelled run", MINUTE, |v| {
        v["event"] == "run_finished" && v["job"] == 1
    });
    assert_eq!(v["report"]["outcome"]["status"], "cancelled", "{v}");
    let latency = cancelled.saturating_duration_since(started);
    eprintln!("cancel latency: {latency:?}");
    assert!(
        latency < Duration::from_millis(200),
        "cancelling took {latency:?}"
    );
    w.wait_for("new output", MINUTE, |v| {
        v["event"] == "output"
            && v["job"] == 2
            && v["bytes"].as_str().is_some_and(|b| b.contains("tock 1"))
    });
}

#[test]
fn deleting_the_project_is_reported_and_survived() {
    let mut w = Watch::start("hello", &["--mode", "interp"]);
    w.output_of(1, "interp");
    let saved = tempfile::tempdir().unwrap();
    copy_dir(&w.dir, saved.path());
    std::fs::remove_dir_all(&w.dir).unwrap();
    w.wait_for("root gone", MINUTE, |v| {
        v["event"] == "watch" && v["change"]["watch"] == "root_gone"
    });
    std::thread::sleep(Duration::from_millis(500));
    assert!(w.alive(), "gowasm exited when the folder went away");
    copy_dir(saved.path(), &w.dir);
    w.wait_for("root back", MINUTE, |v| {
        v["event"] == "watch" && v["change"]["watch"] == "root_back"
    });
    let out = w.output_of(2, "interp");
    assert!(out.starts_with("Hello from Go"), "{out}");
}

#[test]
fn ctrl_c_stops_cleanly_even_during_a_run() {
    let project = tempfile::tempdir().unwrap();
    let dir = project.path().join("forever");
    copy_dir(&sample("forever"), &dir);
    let mut c = gowasm();
    c.args(["watch", "--headless", "--mode", "interp"])
        .arg(&dir)
        .stdout(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let seen_tick = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|l| l.contains("| tick 2"));
    assert!(seen_tick);
    // SAFETY: sending SIGINT to the child we started.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "still running after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert_eq!(
        rest.last().map(String::as_str),
        Some("gowasm: stopped"),
        "{rest:?}"
    );
}
