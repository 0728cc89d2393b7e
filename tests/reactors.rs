//! Reactors: `//go:wasmexport` packages built with `-buildmode=c-shared` by the real Go and
//! TinyGo, their exports called with `--invoke` in every mode, sharing one instance.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::watch::{Watch, is};
use common::*;
use serde_json::Value;

const MODES: [&str; 3] = ["interp", "baseline", "aot"];

/// The line of the sample's source that holds `needle` (1-based).
fn line_of(needle: &str) -> usize {
    let source = std::fs::read_to_string(sample("reactor").join("main.go")).unwrap();
    source.lines().position(|l| l.contains(needle)).unwrap() + 1
}

/// Builds the reactor sample with `build`, as a user would: gowasm notices //go:wasmexport.
fn reactor(build: Build, out: &Path) -> PathBuf {
    build.module(&sample("reactor"), out)
}

fn invoke(wasm: &Path, mode: &str, calls: &[&str]) -> std::process::Output {
    let mut c = gowasm();
    c.args(["run", "-m", mode]).arg(wasm);
    for call in calls {
        c.args(["--invoke", call]);
    }
    run(c)
}

/// The calls every toolchain's reactor answers alike, and what they print.
const CALLS: [&str; 4] = ["add 2 3", "add 4 5", "total", "fib 20"];
const RESULTS: &str = "add(2, 3) = 5\nadd(4, 5) = 9\ntotal() = 14\nfib(20) = 6765\n";

fn check_calls_in_every_mode(build: Build, wasm: &Path) {
    let inspect = run({
        let mut c = gowasm();
        c.arg("inspect").arg(wasm);
        c
    });
    assert!(
        stdout(&inspect).contains("reactor: _initialize, 7 exports to call"),
        "{}: {}",
        build.name(),
        stdout(&inspect)
    );
    for mode in MODES {
        let out = invoke(wasm, mode, &CALLS);
        assert_eq!(code(&out), 0, "{} {mode}: {}", build.name(), stderr(&out));
        assert_eq!(stdout(&out), RESULTS, "{} {mode}", build.name());
        let err = stderr(&out);
        assert!(
            err.contains(&format!("gowasm: {mode} exit 0")) && err.contains("· initialize "),
            "{} {mode}: {err}",
            build.name()
        );
        assert!(err.contains("· fib(20) "), "{err}");
    }
    // wasmtime's form: the arguments after the module, the results alone on stdout.
    let mut c = gowasm();
    c.args(["run", "--invoke", "half"]).arg(wasm).arg("3.5");
    let out = run(c);
    assert_eq!(stdout(&out), "1.75\n", "{}: {}", build.name(), stderr(&out));
    // A call's own output comes through.
    let out = invoke(wasm, "aot", &["add 1 1", "hello"]);
    assert!(
        stdout(&out).contains("hello from an export, total 2\n"),
        "{}: {}",
        build.name(),
        stdout(&out)
    );
}

#[test]
fn go_reactors_are_built_and_called_in_every_mode() {
    let out_dir = tempfile::tempdir().unwrap();
    let wasm = reactor(Build::GO_WASIP1, out_dir.path());
    check_calls_in_every_mode(Build::GO_WASIP1, &wasm);

    // --json: every mode's calls, results and times, and `initialize` among the phases.
    let mut c = gowasm();
    c.args([
        "run", "--json", "-m", "all", "--invoke", "add 2 3", "--invoke", "total",
    ])
    .arg(&wasm);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let runs = doc["runs"].as_array().unwrap();
    assert!(runs.len() >= 3, "{doc}");
    for r in runs {
        assert_eq!(r["entry"], "reactor", "{r}");
        assert!(r["timings"]["initialize"].as_f64().unwrap() > 0.0, "{r}");
        let calls = r["calls"].as_array().unwrap();
        assert_eq!(calls.len(), 2, "{r}");
        assert_eq!(calls[0]["call"], "add 2 3");
        assert_eq!(calls[0]["results"], serde_json::json!(["5"]));
        assert_eq!(
            calls[1]["results"],
            serde_json::json!(["5"]),
            "state is kept"
        );
        assert_eq!(calls[1]["status"], "returned");
        assert!(calls[0]["time"].as_f64().unwrap() > 0.0);
    }

    // Without --invoke: `_initialize` only, and how to call the exports.
    let mut c = gowasm();
    c.arg("run").arg(&wasm);
    let out = run(c);
    assert_eq!(code(&out), 0);
    assert!(
        stderr(&out).contains("a reactor: ran `_initialize`; call its exports (add, total, fib"),
        "{}",
        stderr(&out)
    );

    // A container runs a command: the image is refused, in one line.
    let mut c = gowasm();
    c.arg("image")
        .arg(&wasm)
        .arg("-o")
        .arg(out_dir.path().join("r.tar"));
    let out = run(c);
    assert_ne!(code(&out), 0);
    assert_one_line_error(&out, "it is a reactor");
}

#[test]
fn tinygo_reactors_are_called_in_every_mode_on_wasi_and_the_js_host() {
    for build in [Build::TINYGO_WASIP1, Build::TINYGO_WASM] {
        let out_dir = tempfile::tempdir().unwrap();
        let wasm = reactor(build, out_dir.path());
        check_calls_in_every_mode(build, &wasm);
    }
    // Go and TinyGo side by side make the same calls.
    let mut c = gowasm();
    c.args([
        "run",
        "--toolchain",
        "go,tinygo",
        "--invoke",
        "add 2 3",
        "--invoke",
        "total",
    ])
    .arg(sample("reactor"));
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for toolchain in ["go", "tinygo"] {
        assert!(
            stdout(&out).contains(&format!("{toolchain} aot: add(2, 3) = 5 · total() = 5\n")),
            "{}",
            stdout(&out)
        );
    }
}

#[test]
fn a_blocking_export_fails_in_its_runtimes_way_said_in_one_line() {
    let out_dir = tempfile::tempdir().unwrap();
    for (build, rule) in [
        (Build::GO_WASIP1, "Go's rule for //go:wasmexport"),
        (Build::TINYGO_WASIP1, "TinyGo's rule for //go:wasmexport"),
    ] {
        let wasm = reactor(build, out_dir.path());
        for mode in MODES {
            let out = invoke(&wasm, mode, &["add 1 2", "wait", "total"]);
            assert_ne!(code(&out), 0, "{} {mode}", build.name());
            let err = stderr(&out);
            let said: Vec<&str> = err
                .lines()
                .filter(|l| l.starts_with("gowasm: wait() did not return"))
                .collect();
            assert_eq!(said.len(), 1, "{} {mode}: {err}", build.name());
            assert!(said[0].contains(rule), "{} {mode}: {err}", build.name());
            assert!(
                err.contains("gowasm: total() was not called"),
                "{} {mode}: {err}",
                build.name()
            );
            // TinyGo prints its panic on stdout.
            assert!(
                stdout(&out).ends_with("add(1, 2) = 3\n"),
                "{} {mode}: {}",
                build.name(),
                stdout(&out)
            );
        }
    }
}

#[test]
fn a_trap_inside_an_export_has_a_go_named_backtrace_at_file_and_line() {
    let out_dir = tempfile::tempdir().unwrap();
    let line = format!("main.go:{}", line_of("return values[i]"));
    for build in [Build::GO_WASIP1, Build::TINYGO_WASIP1] {
        let wasm = reactor(build, out_dir.path());
        for mode in ["baseline", "aot"] {
            let out = invoke(&wasm, mode, &["at 5"]);
            let err = stderr(&out);
            assert_eq!(code(&out), 134, "{} {mode}: {err}", build.name());
            let frame = err
                .lines()
                .position(|l| l.contains("main.at"))
                .unwrap_or_else(|| panic!("{} {mode}: no main.at frame: {err}", build.name()));
            assert!(
                err.lines().skip(frame).take(3).any(|l| l.contains(&line)),
                "{} {mode}: {line} after main.at: {err}",
                build.name()
            );
        }
    }
}

#[test]
fn calls_that_do_not_fit_are_one_line_errors() {
    let out_dir = tempfile::tempdir().unwrap();
    let wasm = reactor(Build::GO_WASIP1, out_dir.path());
    for (call, expected) in [
        (
            "add 2",
            "`add` takes 2 arguments (i32, i32) -> (i32); 1 given",
        ),
        ("add 2 two", "`add`'s argument 2 must be an i32"),
        ("add 2 4294967296", "`add`'s argument 2 must be an i32"),
        (
            "sub 1 2",
            "no export named `sub`: it exports add, total, fib",
        ),
        ("_initialize", "no export named `_initialize`"),
    ] {
        let out = invoke(&wasm, "aot", &[call]);
        assert_eq!(code(&out), 2, "{call}: {}", stderr(&out));
        assert_one_line_error(&out, expected);
    }

    // Go's parameters beyond numbers are named, from the package's source.
    let project = tempfile::tempdir().unwrap();
    std::fs::write(project.path().join("go.mod"), "module points\n\ngo 1.24\n").unwrap();
    std::fs::write(
        project.path().join("main.go"),
        r#"package main

import "structs"

type Point struct {
	_    structs.HostLayout
	X, Y int32
}

//go:wasmexport norm
func norm(p *Point) int32 { return p.X*p.X + p.Y*p.Y }

func main() {}
"#,
    )
    .unwrap();
    let mut c = gowasm();
    c.args(["run", "--toolchain", "go", "--invoke", "norm 16"])
        .arg(project.path());
    let out = run(c);
    assert_one_line_error(
        &out,
        "`norm` takes p *Point, a pointer into the module's memory",
    );
}

#[test]
fn a_commands_exports_are_called_only_if_it_returns() {
    // The same package built as a command: Go's _start ends in exit, so the calls are not made.
    let out_dir = tempfile::tempdir().unwrap();
    let wasm = out_dir.path().join("command.wasm");
    let mut c = gowasm();
    c.arg("build")
        .arg(sample("reactor"))
        .args(["--toolchain", "go", "--reactor", "no", "-o"])
        .arg(&wasm);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = invoke(&wasm, "aot", &["add 2 3"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "add(2, 3) was not called: the program exited before its exports could be called"
        ),
        "{}",
        stderr(&out)
    );

    // A module with exports and neither _start nor _initialize: only --invoke runs it.
    let (_d, library) = fixture("library");
    let mut c = gowasm();
    c.arg("run")
        .arg(&library)
        .args(["--invoke", "add"])
        .args(["40", "2"]);
    let out = run(c);
    assert_eq!(stdout(&out), "42\n", "{}", stderr(&out));
}

#[test]
fn the_reactor_fixture_keeps_state_between_calls_in_every_mode() {
    let (_d, wasm) = fixture("reactor");
    for mode in MODES {
        let out = invoke(
            &wasm,
            mode,
            &["bump", "bump", "mix -7 2.5 -inf", "boom 0", "bump"],
        );
        assert_eq!(code(&out), 134, "{mode}: {}", stderr(&out));
        assert_eq!(
            stdout(&out),
            "initialized\nbump() = 1\nbump() = 2\nmix(-7, 2.5, -inf) = (-7, 2.5, -inf)\n",
            "{mode}"
        );
        assert!(
            stderr(&out).contains("boom(0) did not return: trap: integer divide by zero"),
            "{mode}: {}",
            stderr(&out)
        );
    }
}

/// The results of job `job`'s calls in `mode`, from its `run_finished` event.
fn call_results(w: &mut Watch, job: u64, mode: &str) -> Vec<(String, Value)> {
    let (_, v) = w.wait_for("a run with calls", Duration::from_secs(120), |v| {
        is(v, "run_finished", job) && v["report"]["mode"] == mode
    });
    v["report"]["calls"]
        .as_array()
        .unwrap_or_else(|| panic!("no calls: {v}"))
        .iter()
        .map(|c| {
            (
                c["call"].as_str().unwrap().to_string(),
                c["results"].clone(),
            )
        })
        .collect()
}

#[test]
fn watch_builds_a_reactor_and_makes_its_calls_after_every_save() {
    // The sample's gowasm.toml names the calls; Go builds it with -buildmode=c-shared.
    let mut w = Watch::start("reactor", &["--mode", "interp,aot"]);
    let (_, started) = w.wait_for("the build", Duration::from_secs(120), |v| {
        is(v, "build_started", 1)
    });
    let command = started["command"].to_string();
    assert!(command.contains("-buildmode=c-shared"), "{command}");
    for mode in ["interp", "aot"] {
        let calls = call_results(&mut w, 1, mode);
        let expected: Vec<(String, Value)> =
            [("add 2 3", "5"), ("total", "5"), ("fib 25", "75025")]
                .iter()
                .map(|(c, r)| (c.to_string(), serde_json::json!([r])))
                .collect();
        assert_eq!(calls, expected, "{mode}");
    }
    w.wait_for("job end", Duration::from_secs(120), |v| {
        is(v, "job_finished", 1)
    });
    w.edit("main.go", "return a + b", "return a * b");
    // A save may start more than one job (the editor's write, then its rename); any later job
    // that ran says add now multiplies.
    for mode in ["interp", "aot"] {
        w.wait_for("add(2, 3) = 6", Duration::from_secs(120), |v| {
            v["event"] == "run_finished"
                && v["job"].as_u64() > Some(1)
                && v["report"]["mode"] == mode
                && v["report"]["calls"][0]["results"] == serde_json::json!(["6"])
        });
    }
}
