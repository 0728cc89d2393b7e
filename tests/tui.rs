//! The workbench end to end: the real binary in a real terminal (tmux), on a copy of a sample,
//! edited on disk while it runs.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use common::watch::copy_dir;
use common::*;

struct Tmux {
    session: String,
}

impl Tmux {
    fn start(command: &str, width: u16, height: u16) -> Tmux {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let session = format!("gowasm-test-{}-{n}", std::process::id());
        let status = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                &session,
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
                command,
            ])
            .status()
            .expect("the TUI test needs tmux (apt-get install tmux)");
        assert!(status.success());
        Tmux { session }
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_for(&self, needle: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let s = self.screen();
            if s.contains(needle) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "{needle:?} never appeared; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn keys(&self, keys: &str) {
        Command::new("tmux")
            .args(["send-keys", "-t", &self.session, keys])
            .status()
            .unwrap();
    }

    fn alive(&self) -> bool {
        Command::new("tmux")
            .args(["has-session", "-t", &self.session])
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap()
            .success()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .stderr(std::process::Stdio::null())
            .status();
    }
}

/// Opens the workbench in tmux on a fresh copy of `sample_name`, with `flags` after the folder.
fn open_workbench(
    sample_name: &str,
    flags: &str,
    width: u16,
    height: u16,
) -> (tempfile::TempDir, PathBuf, Tmux) {
    let project = tempfile::tempdir().unwrap();
    let dir = project.path().join(sample_name);
    copy_dir(&sample(sample_name), &dir);
    let command = format!(
        "env GOWASM_CACHE_DIR={} {} {} --toolchain go {flags}",
        shared_cache().display(),
        env!("CARGO_BIN_EXE_gowasm"),
        dir.display()
    );
    let t = Tmux::start(&command, width, height);
    (project, dir, t)
}

/// Presses `q` and returns how long the workbench took to exit; fails past one second.
fn quit(t: &Tmux) -> Duration {
    let started = Instant::now();
    t.keys("q");
    while t.alive() {
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "q did not quit at once"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    started.elapsed()
}

#[test]
fn the_workbench_shows_new_output_after_an_edit_and_quits_at_once() {
    let (_project, dir, t) = open_workbench("hello", "--mode interp -- x", 120, 32);
    let first = t.wait_for("Hello from Go on wasip1/wasm!", Duration::from_secs(90));
    assert!(first.contains("gowasm"), "{first}");
    assert!(first.contains("Timing"), "{first}");
    assert!(first.contains("Sections"), "{first}");

    let main = dir.join("main.go");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(&main, text.replacen("Hello from Go", "Edited from Go", 1)).unwrap();
    let after = t.wait_for("Edited from Go on wasip1/wasm!", Duration::from_secs(90));
    assert!(
        !after.contains("Hello from Go"),
        "old output is replaced:\n{after}"
    );

    // `i` exports the good build as an image and says where it went.
    t.keys("i");
    t.wait_for("written to", Duration::from_secs(30));
    let archive = shared_cache().join("images/hello.tar");
    let bytes = std::fs::read(&archive).unwrap();
    assert_eq!(
        &bytes[257..262],
        b"ustar",
        "an OCI archive at {}",
        archive.display()
    );

    // A broken edit shows the diagnostics pane.
    std::fs::write(
        &main,
        text.replacen("\tfor i, arg", "\tundefinedThing()\n\tfor i, arg", 1),
    )
    .unwrap();
    t.wait_for("undefined: undefinedThing", Duration::from_secs(90));
    t.wait_for("stale", Duration::from_secs(10));

    // A broken go.mod has no file:line:col message to parse: the build's log shows instead.
    let go_mod = dir.join("go.mod");
    let module = std::fs::read_to_string(&go_mod).unwrap();
    std::fs::write(&go_mod, format!("{module}\nbogus directive\n")).unwrap();
    t.wait_for("unknown directive", Duration::from_secs(90));
    std::fs::write(&go_mod, module).unwrap();
    std::fs::write(&main, &text).unwrap();
    t.wait_for("Hello from Go on wasip1/wasm!", Duration::from_secs(90));

    t.keys("?");
    t.wait_for("Keys", Duration::from_secs(10));
    t.keys("Escape");
    // An Escape and a `q` that reach the terminal together read as Alt-q.
    std::thread::sleep(Duration::from_millis(300));
    quit(&t);
}

#[test]
fn q_quits_while_the_guest_loops_forever() {
    let (_project, _dir, t) = open_workbench("forever", "--mode interp", 100, 30);
    t.wait_for("tick 3", Duration::from_secs(90));
    eprintln!("quit took {:?}", quit(&t));
}

/// A guest writing 1 GiB (16.7 million lines): the scrollback stays capped, the workbench keeps
/// up, and `q` still quits at once (it used to wait for the guest to finish writing).
#[test]
fn q_quits_while_the_guest_floods_the_output() {
    let (_project, _dir, t) = open_workbench("spew", "--mode aot -- 1024", 120, 32);
    t.wait_for("older lines dropped", Duration::from_secs(90));
    std::thread::sleep(Duration::from_millis(500));
    // Keys jump the queue of output (the latency is a figure in the README, not a test bound).
    let asked = Instant::now();
    t.keys("?");
    t.wait_for("Keys", Duration::from_secs(10));
    eprintln!("help shown after {:?}", asked.elapsed());
    t.keys("Escape");
    // An Escape and the next key that reach the terminal together read as Alt-<key>.
    std::thread::sleep(Duration::from_millis(300));
    // Changing the mode reconfigures the pipeline while the flooding job runs: the workbench
    // must not wait on a channel nobody reads.
    t.keys("m");
    t.wait_for("· opt ·", Duration::from_secs(10));
    eprintln!("quit took {:?}", quit(&t));
}

/// A reactor in the workbench: the sample's `calls` run after the build, in interp and aot,
/// and `:call` calls another export on the next job.
#[test]
fn the_workbench_calls_a_reactors_exports() {
    let (_project, dir, t) = open_workbench("reactor", "--mode interp,aot", 140, 40);
    let first = t.wait_for("→ fib(25) = 75025", Duration::from_secs(120));
    assert!(first.contains("→ add(2, 3) = 5"), "{first}");
    assert!(
        first.contains("initialize"),
        "the Timing pane has the phase: {first}"
    );
    t.keys(":");
    t.keys("call fib 20; total");
    t.keys("Enter");
    let after = t.wait_for("→ fib(20) = 6765", Duration::from_secs(120));
    assert!(
        !after.contains("→ add(2, 3)"),
        "the calls were replaced: {after}"
    );
    // A save runs the calls again on the new build.
    let main = dir.join("main.go");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(
        &main,
        text.replacen(
            "return fib(n-1) + fib(n-2)",
            "return fib(n-1) + fib(n-2) + 1",
            1,
        ),
    )
    .unwrap();
    t.wait_for("→ fib(20) = 17710", Duration::from_secs(120));
    quit(&t);
}

/// Two functions with the same loop, given `A` and `B` parts of the work.
const TWO_LOOPS: &str = r#"package main

import "fmt"

//go:noinline
func alpha(n int) uint64 {
	x := uint64(1)
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

//go:noinline
func beta(n int) uint64 {
	x := uint64(1)
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

func main() {
	fmt.Println("parts", A, B, alpha(A*300_000)+beta(B*300_000) != 0)
}
"#;

/// The line numbers of the first mentions of `a` and `b` on the screen, below the Profile tab.
fn order(screen: &str, a: &str, b: &str) -> (usize, usize) {
    let lines: Vec<&str> = screen.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.contains("samples,"))
        .expect(screen);
    let at = |name: &str| {
        lines[start..]
            .iter()
            .position(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} not on the screen:\n{screen}"))
    };
    (at(a), at(b))
}

#[test]
fn with_profiles_on_a_save_moves_a_function_up_the_list() {
    let project = tempfile::tempdir().unwrap();
    std::fs::write(project.path().join("go.mod"), "module loops\n\ngo 1.21\n").unwrap();
    let main = project.path().join("main.go");
    let program = |a: u32, b: u32| {
        TWO_LOOPS
            .replace("A, B", &format!("{a}, {b}"))
            .replace("alpha(A", &format!("alpha({a}"))
            .replace("beta(B", &format!("beta({b}"))
    };
    std::fs::write(&main, program(2, 8)).unwrap();
    let command = format!(
        "env GOWASM_CACHE_DIR={} {} {} --toolchain go --mode interp",
        shared_cache().display(),
        env!("CARGO_BIN_EXE_gowasm"),
        project.path().display()
    );
    let t = Tmux::start(&command, 120, 40);
    t.wait_for("parts 2 8 true", Duration::from_secs(90));
    t.keys("P");
    let first = t.wait_for("interp: ", Duration::from_secs(60));
    let first = if first.contains("samples,") {
        first
    } else {
        t.wait_for("samples,", Duration::from_secs(60))
    };
    let (alpha, beta) = order(&first, "main.alpha", "main.beta");
    assert!(beta < alpha, "beta has 8 parts of 10:\n{first}");

    std::fs::write(&main, program(9, 1)).unwrap();
    t.wait_for("parts 9 1 true", Duration::from_secs(90));
    let after = t.wait_for("moved since the last profile", Duration::from_secs(60));
    let (alpha, beta) = order(&after, "main.alpha", "main.beta");
    assert!(alpha < beta, "alpha has 9 parts of 10 now:\n{after}");
    let moved = after
        .lines()
        .find(|l| l.contains("main.alpha") && l.contains('+'))
        .unwrap_or_else(|| panic!("alpha moved up:\n{after}"));
    assert!(moved.contains('+'), "{moved}");
    quit(&t);
}

#[test]
fn the_browser_lane_shows_the_page_s_output_and_a_save_reloads_it() {
    let (_project, dir, t) = open_workbench("dom", "--target js --mode interp", 160, 40);
    // gowasm's own JS host has no DOM: the interp run says so; the browser lane is for this.
    t.wait_for("── interp:", Duration::from_secs(60));
    t.keys("B");
    let screen = t.wait_for("(build 1)", Duration::from_secs(30));
    let url = screen
        .split("browser on ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .expect("the lane's URL in the Output pane's title")
        .to_string();
    let mut browser = common::cdp::Chromium::launch();
    browser.open(&url);
    t.wait_for(
        "browser  wrote: Hello from Go, in the DOM",
        Duration::from_secs(30),
    );
    let main_go = dir.join("main.go");
    let source = std::fs::read_to_string(&main_go).unwrap();
    std::fs::write(&main_go, source.replace("Hello from Go", "Saved again")).unwrap();
    t.wait_for(
        "browser  wrote: Saved again, in the DOM",
        Duration::from_secs(60),
    );
    t.wait_for("after the save", Duration::from_secs(5));
    browser.wait_for(
        "document.getElementById('app').textContent",
        |v| v == "Saved again, in the DOM",
        Duration::from_secs(30),
    );
    quit(&t);
}
