//! Exit codes, traps, limits, TinyGo shims and the AOT cache, through the real binary in every mode.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::*;

const MODES: [&str; 3] = ["interp", "baseline", "aot"];

#[test]
fn guest_exit_code_and_output_pass_through() {
    let (_d, wasm) = fixture("exit_code");
    for mode in MODES {
        let mut c = gowasm();
        c.args(["run", "--mode", mode]).arg(&wasm);
        let out = run(c);
        assert_eq!(code(&out), 7, "{mode}: {}", stderr(&out));
        assert_eq!(stdout(&out), "about to exit 7\n", "{mode}");
        assert!(
            stderr(&out).contains(&format!("gowasm: {mode} exit 7")),
            "{}",
            stderr(&out)
        );
    }
}

/// Passed-through output goes from the worker straight to gowasm's stdout and stderr, gathered
/// for up to a millisecond; stdout and stderr sharing one file still keep the guest's order.
#[test]
fn stdout_and_stderr_keep_their_order_in_one_file() {
    let (dir, wasm) = fixture("interleave");
    let expected = "out\nerr\n".repeat(1000);
    for mode in MODES {
        let both = dir.path().join(format!("{mode}.txt"));
        let file = std::fs::File::create(&both).unwrap();
        let mut c = gowasm();
        c.args(["run", "-q", "--mode", mode])
            .arg(&wasm)
            .stdout(file.try_clone().unwrap())
            .stderr(file);
        let status = c.status().unwrap();
        assert!(status.success(), "{mode}");
        assert_eq!(std::fs::read_to_string(&both).unwrap(), expected, "{mode}");
    }
}

#[test]
fn traps_show_kind_and_named_backtrace() {
    let (_d, wasm) = fixture("trap");
    for mode in MODES {
        let mut c = gowasm();
        c.args(["run", "--mode", mode]).arg(&wasm);
        let out = run(c);
        let err = stderr(&out);
        assert_eq!(code(&out), 134, "{mode}: {err}");
        assert!(
            err.contains("trap: integer divide by zero"),
            "{mode}: {err}"
        );
        if mode != "interp" {
            let fib = err
                .find("main.fib")
                .unwrap_or_else(|| panic!("{mode}: {err}"));
            let main = err
                .find("main.main")
                .unwrap_or_else(|| panic!("{mode}: {err}"));
            assert!(fib < main, "innermost frame first: {err}");
        }
    }
}

#[test]
fn unbounded_recursion_is_a_stack_overflow_in_every_mode() {
    let (_d, wasm) = fixture("recursion");
    for mode in MODES {
        let mut c = gowasm();
        c.args(["run", "--mode", mode]).arg(&wasm);
        let out = run(c);
        assert_eq!(code(&out), 134, "{mode}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("stack overflow"),
            "{mode}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn infinite_loop_ends_at_the_timeout() {
    let (_d, wasm) = fixture("infinite_loop");
    for mode in MODES {
        let started = Instant::now();
        let mut c = gowasm();
        c.args(["run", "--timeout", "0.5", "--mode", mode])
            .arg(&wasm);
        let out = run(c);
        assert_eq!(code(&out), 124, "{mode}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("timed out after 500 ms"),
            "{}",
            stderr(&out)
        );
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{mode} took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn a_start_function_that_loops_ends_at_the_timeout() {
    let (_d, wasm) = fixture("start_loop");
    for mode in MODES {
        let mut c = gowasm();
        c.args(["run", "--timeout", "0.3", "--mode", mode])
            .arg(&wasm);
        let out = run(c);
        assert_eq!(code(&out), 124, "{mode}: {}", stderr(&out));
    }
}

#[test]
fn timeout_values_that_make_no_sense_are_refused() {
    let (_d, wasm) = fixture("exit_code");
    for bad in ["nan", "inf", "-1", "0", "1e20"] {
        let mut c = gowasm();
        c.args(["run", &format!("--timeout={bad}")]).arg(&wasm);
        let out = run(c);
        assert_eq!(code(&out), 2, "{bad}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    }
}

#[test]
fn memory_bomb_stops_at_the_cap() {
    let (_d, wasm) = fixture("memory_bomb");
    for mode in MODES {
        let mut c = gowasm();
        c.args(["run", "--max-memory", "64M", "--json", "--mode", mode])
            .arg(&wasm);
        let out = run(c);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let r = &doc["runs"][0];
        assert_eq!(r["exit_code"], 2, "{mode}: {doc}");
        assert_eq!(r["memory_limit_hit"], 64 << 20, "{mode}: {doc}");
        assert!(
            r["memory_bytes"].as_u64().unwrap() <= 64 << 20,
            "{mode}: {doc}"
        );
        assert_eq!(r["stderr"], "fatal error: out of memory\n");

        let mut c = gowasm();
        c.args(["run", "--max-memory", "64M", "--mode", mode])
            .arg(&wasm);
        let out = run(c);
        assert!(
            stderr(&out).contains("memory limit 64 MiB reached"),
            "{}",
            stderr(&out)
        );
    }
}

/// TinyGo's timers (`runtime.sleepTicks` → `go_scheduler`), also under `env`, the module name
/// TinyGo used before 0.28, which a TinyGo of today cannot produce; in milliseconds (f64, TinyGo
/// 0.33–0.37) and in nanoseconds (i64, 0.38+, with 0.42's `getRandomData`).
#[test]
fn tinygo_timers_wake_the_scheduler_in_every_mode() {
    for (fixture_name, last) in [
        ("tinygo_wasm", ""),
        ("tinygo_env", ""),
        ("tinygo_wasm_ns", "random ok\n"),
    ] {
        let (_d, wasm) = fixture(fixture_name);
        for mode in MODES {
            let mut c = gowasm();
            c.args(["run", "--mode", mode]).arg(&wasm);
            let out = run(c);
            assert_eq!(code(&out), 0, "{fixture_name} {mode}: {}", stderr(&out));
            assert_eq!(
                stdout(&out),
                format!("start\ntick\ntick\ntick\nclock ok\n{last}"),
                "{fixture_name} {mode}"
            );
        }
    }
}

#[test]
fn aot_artifact_is_cached_and_a_corrupt_one_is_replaced() {
    let (_d, wasm) = fixture("exit_code");
    let cache = tempfile::tempdir().unwrap();
    let run_aot = || {
        let mut c = gowasm();
        c.env("GOWASM_CACHE_DIR", cache.path())
            .args(["run", "--json", "--mode", "aot"])
            .arg(&wasm);
        let out = run(c);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (doc["runs"][0].clone(), stderr(&out))
    };
    let (first, _) = run_aot();
    assert_eq!(first["timings"]["cache"]["status"], "miss");
    // Before the first hit, which adds the artifact's code image beside it.
    let artifacts: Vec<_> = std::fs::read_dir(cache.path().join("aot"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "gwaot"))
        .collect();
    assert_eq!(artifacts.len(), 1, "{artifacts:?}");
    let (second, _) = run_aot();
    assert_eq!(second["timings"]["cache"]["status"], "hit");
    assert_eq!(second["exit_code"], 7);

    let mut bytes = std::fs::read(&artifacts[0]).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&artifacts[0], &bytes).unwrap();
    let (third, err) = run_aot();
    assert_eq!(third["timings"]["cache"]["status"], "rejected", "{third}");
    assert_eq!(third["exit_code"], 7);
    assert!(err.contains("warning: discarded cached artifact"), "{err}");
    let (fourth, _) = run_aot();
    assert_eq!(fourth["timings"]["cache"]["status"], "hit");
}

#[test]
fn json_shape_is_stable() {
    let (_d, wasm) = fixture("exit_code");
    let mut c = gowasm();
    c.args(["run", "--json", "--mode", "interp"]).arg(&wasm);
    let doc: serde_json::Value = serde_json::from_slice(&run(c).stdout).unwrap();
    let r = &doc["runs"][0];
    assert_eq!(r["mode"], "interp");
    assert_eq!(r["outcome"]["status"], "exited");
    assert_eq!(r["outcome"]["code"], 7);
    for phase in ["load", "compile", "instantiate", "run", "total"] {
        assert!(
            r["timings"][phase].as_f64().is_some(),
            "timings.{phase}: {r}"
        );
    }
    assert_eq!(r["stdout"], "about to exit 7\n");
    assert_eq!(r["stderr"], "");
    assert_eq!(r["stdout_bytes"], 16);
    assert_eq!(r["stderr_bytes"], 0);
    assert_eq!(r["stdout_truncated"], false);
    assert_eq!(r["stderr_truncated"], false);
    assert_eq!(r["exit_code"], 7);
    assert_eq!(r["timings"]["cache"]["status"], "none");
    assert!(r["timings"]["cold_compile"].is_null());
    assert!(r["memory_limit_hit"].is_null());
    assert!(r["memory_bytes"].as_u64().unwrap() >= 65536);
    assert!(r["warnings"].as_array().unwrap().is_empty());
    assert!(doc["comparison"].is_null());
    assert!(doc["build"].is_null());
    assert!(doc["module"].as_str().unwrap().ends_with("exit_code.wasm"));

    let (_d2, trap) = fixture("trap");
    let mut c = gowasm();
    c.args(["run", "--json", "--mode", "baseline"]).arg(&trap);
    let doc: serde_json::Value = serde_json::from_slice(&run(c).stdout).unwrap();
    let o = &doc["runs"][0]["outcome"];
    assert_eq!(o["status"], "trapped");
    assert_eq!(o["kind"], "integer divide by zero");
    assert_eq!(o["frames"][0]["name"], "main.fib");
    assert!(o["frames"][0]["func_index"].is_u64());
    assert!(o["frames"][0]["offset"].is_u64());
    assert_eq!(doc["runs"][0]["exit_code"], 134);

    let mut c = gowasm();
    c.args(["run", "--json", "--mode", "all"]).arg(&wasm);
    let doc: serde_json::Value = serde_json::from_slice(&run(c).stdout).unwrap();
    let cmp = &doc["comparison"];
    assert_eq!(cmp["speedups"][0]["mode"], "baseline");
    assert!(cmp["speedups"][0]["ratio"].is_number());
    assert!(cmp["aot_cold_compile"].is_number());
    let modes: Vec<&str> = doc["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["mode"].as_str().unwrap())
        .collect();
    assert_eq!(&modes[..3], ["interp", "baseline", "aot"]);
}

/// wasmer-wasix 0.704 sleeps forever on a clock subscription with a timeout of 0; Go sends one
/// (a non-blocking netpoll) when it restarts the world after using a timer. gowasm works around
/// it, so the raw call and the Go program that makes it finish in every mode.
#[test]
fn a_poll_with_a_zero_timeout_returns_at_once() {
    let poll = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/poll_zero.wat");
    let (_project, go_wasm) = build_go_program(
        "poll",
        r#"package main

import (
	"fmt"
	"runtime"
	"time"
)

func main() {
	time.Sleep(time.Millisecond) // the first timer starts the netpoller
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms) // stops and restarts the world: netpoll(0)
	fmt.Println("done")
}
"#,
    );
    for mode in MODES {
        for (wasm, expected) in [
            (&poll, "errno 0 events 1 timeout 0\n"),
            (&go_wasm, "done\n"),
        ] {
            let mut c = gowasm();
            c.args(["run", "-q", "--no-stdin", "--timeout", "20", "--mode", mode])
                .arg(wasm);
            let out = run(c);
            assert_eq!(code(&out), 0, "{mode} {}: {}", wasm.display(), stderr(&out));
            assert_eq!(stdout(&out), expected, "{mode}");
        }
    }
}

/// The fixture `name` runs to exit code 0 in every mode.
fn exits_cleanly_in_every_mode(name: &str) {
    let (_d, wasm) = fixture(name);
    for mode in MODES {
        let mut c = gowasm();
        c.args(["run", "-q", "--mode", mode]).arg(&wasm);
        let out = run(c);
        assert_eq!(code(&out), 0, "{name} {mode}: {}", stderr(&out));
    }
}

/// wasmer would allocate 32 GB for this `table.grow` and abort; every mode refuses it instead.
#[test]
fn a_table_bomb_is_refused_in_every_mode() {
    exits_cleanly_in_every_mode("table_bomb");
}

#[test]
fn a_grow_retried_300_000_times_does_not_exhaust_the_host_stack() {
    exits_cleanly_in_every_mode("grow_retry");
}

/// As `wasmtime run`: everything after the module is the guest's, `--` or not; gowasm's own
/// options go before the module.
#[test]
fn arguments_after_the_module_are_the_guest_s_without_a_double_dash() {
    let hello = sample("hello");
    let (_dir, wasm) = {
        let dir = tempfile::tempdir().unwrap();
        let wasm = build_wasm(&hello, dir.path());
        (dir, wasm)
    };
    for args in [
        vec!["fib", "--mode", "-x"],
        vec!["--", "fib", "--mode", "-x"],
    ] {
        let mut c = gowasm();
        c.args(["run", "-q", "--mode", "interp"])
            .arg(&wasm)
            .args(&args);
        let out = run(c);
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains("arg 1: fib"), "{args:?}: {text}");
        assert!(text.contains("arg 2: --mode"), "{args:?}: {text}");
        assert!(text.contains("arg 3: -x"), "{args:?}: {text}");
    }
    // `go test -exec "gowasm run --dir /::/ --"`: the module itself after `--`.
    let mut c = gowasm();
    c.args(["run", "-q", "--mode", "interp", "--"])
        .arg(&wasm)
        .arg("y");
    let out = run(c);
    assert!(stdout(&out).contains("arg 1: y"), "{}", stderr(&out));
}

/// opt keeps every memory access of a module that neither Go nor TinyGo made: a read out of
/// bounds traps even when nothing uses its value, as in every other mode. For Go's modules, LLVM
/// treats memory as ordinary memory and drops such a read (docs/usage.md#modes).
#[test]
fn opt_keeps_an_unused_read_out_of_bounds_unless_go_made_the_module() {
    let (_d, plain) = fixture("unused_read");
    for mode in ["interp", "baseline", "aot", "opt"] {
        let mut c = gowasm();
        c.args(["run", "--mode", mode]).arg(&plain);
        let out = run(c);
        let err = stderr(&out);
        assert_eq!(code(&out), 134, "{mode}: {err}");
        assert!(err.contains("out of bounds"), "{mode}: {err}");
    }
    let (_d, go) = fixture("go_unused_read");
    let mut c = gowasm();
    c.args(["run", "--mode", "opt"]).arg(&go);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}
