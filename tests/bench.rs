//! `gowasm bench` on a real Go sample: every mode, native Go, and stand-in runtimes on PATH.

mod common;

use std::path::Path;

use common::*;

fn executable(dir: &Path, name: &str, body: &str) {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A stand-in runtime: runs the module with gowasm's interpreter, or prints something else.
fn fake_runtime(dir: &Path, name: &str, honest: bool) {
    let body = if honest {
        format!(
            "m=\"$1\"; shift; exec {} run -q --mode interp \"$m\" -- \"$@\"",
            env!("CARGO_BIN_EXE_gowasm")
        )
    } else {
        "echo something else".to_string()
    };
    executable(dir, name, &body);
}

/// A stand-in wasmtime with its CLI's shape: `compile -o OUT MODULE` (here a copy) and
/// `run [-C cache=n | --allow-precompiled] FILE ARGS…`; it logs how it was called.
fn fake_wasmtime(dir: &Path) {
    let log = dir.join("wasmtime.log");
    executable(
        dir,
        "wasmtime",
        &format!(
            r#"echo "$@" >> {log}
case "$1" in
  compile) cp "$4" "$3" ;;
  run) shift; while [ "${{1#-}}" != "$1" ]; do [ "$1" = -C ] && shift; shift; done
       m="$1"; shift; exec {gowasm} run -q --mode interp "$m" -- "$@" ;;
esac"#,
            log = log.display(),
            gowasm = env!("CARGO_BIN_EXE_gowasm")
        ),
    );
}

#[test]
#[expect(
    clippy::too_many_lines,
    reason = "one scenario: one run, then every contender's figures"
)]
fn bench_times_every_contender_interleaved_and_checks_outputs() {
    let bin = tempfile::tempdir().unwrap();
    fake_runtime(bin.path(), "wasm3", true);
    fake_runtime(bin.path(), "iwasm", false);
    fake_wasmtime(bin.path());
    // `cargo install wasmi_cli` installs `wasmi`.
    fake_runtime(bin.path(), "wasmi", true);
    let path = format!("{}:/usr/bin:/bin", bin.path().display());
    let mut c = gowasm();
    c.env("PATH", path)
        .args([
            "bench",
            "--runs",
            "3",
            "--native",
            "--json",
            "--against",
            "wasm3,iwasm,wasmtime,wasmi_cli,wasmedge",
        ])
        .arg(sample("fib"))
        .args(["--", "20"]);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = r["results"].as_array().unwrap();
    let names: Vec<&str> = results
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "interp",
            "baseline",
            "aot (warm)",
            "aot (cold)",
            "opt (warm)",
            "native",
            "wasm3",
            "iwasm",
            "wasmtime",
            "wasmtime (precompiled)",
            "wasmi_cli"
        ]
    );
    assert_eq!(r["not_found"], serde_json::json!(["wasmedge"]));
    // wasmtime compiled the module once, ran it cold with its cache off and warm from the
    // artifact, 1 warm-up + 3 runs each.
    let calls = std::fs::read_to_string(bin.path().join("wasmtime.log")).unwrap();
    let calls: Vec<&str> = calls.lines().collect();
    assert!(calls[0].starts_with("compile -o "), "{calls:?}");
    assert!(calls[0].ends_with("fib.wasm"), "{calls:?}");
    let cold = calls
        .iter()
        .filter(|c| c.starts_with("run -C cache=n ") && c.ends_with("fib.wasm 20"))
        .count();
    let warm = calls
        .iter()
        .filter(|c| c.starts_with("run --allow-precompiled ") && c.contains(".cwasm 20"))
        .count();
    assert_eq!((calls.len(), cold, warm), (9, 4, 4), "{calls:?}");
    for x in results {
        assert_eq!(x["runs"], 3, "{x}");
        let w = &x["wall"];
        assert!(w["min"].as_f64().unwrap() <= w["median"].as_f64().unwrap());
        assert!(w["median"].as_f64().unwrap() <= w["max"].as_f64().unwrap());
    }
    // Every mode and the honest stand-ins print what native Go prints; iwasm's (8th) does not.
    for (i, x) in results.iter().enumerate() {
        assert_eq!(x["same_output"], i != 7, "{x}");
    }
    assert!(results[0]["stdout_bytes"].as_u64().unwrap() > 0);
    assert_eq!(results[0]["stdout_bytes"], results[5]["stdout_bytes"]);
    // gowasm's modes say what a run costs besides the guest's own run phase; others cannot.
    for x in &results[..5] {
        let wall = x["wall"]["median"].as_f64().unwrap();
        let not_run = x["overhead"]["median"].as_f64().unwrap();
        assert!(not_run > 0.0 && not_run < wall, "{x}");
    }
    assert!(results[5]["overhead"].is_null());
    // The compiled modes beat the interpreter's run phase, and native Go beats everything.
    assert!(
        results[2]["speedup_over_interp"].as_f64().unwrap() > 1.0,
        "{}",
        results[2]
    );
    assert_eq!(results[5]["ratio_to_native"].as_f64().unwrap(), 1.0);
    assert!(results[0]["ratio_to_native"].as_f64().unwrap() > 1.0);
    let cold = &results[3]["phases"];
    let warm = &results[2]["phases"];
    let compile = |p: &serde_json::Value| {
        p.as_array()
            .unwrap()
            .iter()
            .find(|x| x[0] == "compile")
            .unwrap()[1]["median"]
            .as_f64()
            .unwrap()
    };
    assert!(
        compile(cold) > compile(warm),
        "a cold aot compile costs more than a cache load"
    );
    assert!(results[0]["peak_memory"].as_u64().unwrap() > 0);
}

#[test]
fn bench_csv_and_table() {
    let (_d, wasm) = fixture("exit_code");
    let mut c = gowasm();
    c.args(["bench", "--runs", "2", "--modes", "interp,aot", "--csv"])
        .arg(&wasm);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("name,runs,wall_median_ms"), "{text}");
    assert_eq!(
        lines.len(),
        4,
        "header + interp + aot warm + aot cold: {text}"
    );
    assert!(lines[1].starts_with("interp,2,"));

    let mut c = gowasm();
    c.args(["bench", "--runs", "2", "--modes", "interp"])
        .arg(&wasm);
    let text = stdout(&run(c));
    assert!(
        text.contains("2 runs each after 1 warm-up, interleaved"),
        "{text}"
    );
    assert!(text.contains("interp"), "{text}");

    let mut c = gowasm();
    c.args(["bench", "--native"]).arg(&wasm);
    let out = run(c);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--native needs the Go project folder"));
}

/// `--case`: the gobench suite's workloads, each timed with every contender, then aot set
/// against wasmtime's precompiled run and interp against wasmi_cli over all the cases. The
/// peers are stand-ins here (the real ones are only needed for docs/figures.md), which
/// is enough to check the arguments reach every contender and the ratios add up.
#[test]
#[expect(
    clippy::too_many_lines,
    reason = "one scenario: the cases, then every figure the report sums up"
)]
fn bench_cases_time_every_workload_and_sum_up_the_ratios() {
    let bin = tempfile::tempdir().unwrap();
    fake_wasmtime(bin.path());
    fake_runtime(bin.path(), "wasmi", true);
    let path = format!("{}:/usr/bin:/bin", bin.path().display());
    let mut c = gowasm();
    c.env("PATH", path)
        .args(["bench", "--runs", "2", "--modes", "interp,aot", "--json"])
        .args(["--against", "wasmtime,wasmi_cli"])
        .args(["--case", "fib 20", "--case", "sort 2000", "--case", "exit"])
        .arg(sample("gobench"));
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    let args: Vec<&serde_json::Value> = cases.iter().map(|c| &c["args"]).collect();
    assert_eq!(
        args,
        [
            &serde_json::json!(["fib", "20"]),
            &serde_json::json!(["sort", "2000"]),
            &serde_json::json!(["exit"])
        ]
    );
    for case in cases {
        for r in case["report"]["results"].as_array().unwrap() {
            assert_eq!(r["same_output"], true, "{r}");
        }
    }
    let first = cases[0]["report"]["results"][0]["stdout_bytes"].as_u64();
    assert_eq!(first, Some("fib 20: 6765\n".len() as u64));
    let ratios = doc["ratios"].as_array().unwrap();
    let pairs: Vec<(&str, &str)> = ratios
        .iter()
        .map(|r| (r["gowasm"].as_str().unwrap(), r["peer"].as_str().unwrap()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("aot (warm)", "wasmtime (precompiled)"),
            ("aot (cold)", "wasmtime"),
            ("interp", "wasmi_cli")
        ]
    );
    for r in ratios {
        let per_case: Vec<f64> = r["per_case"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        assert_eq!(per_case.len(), 3, "{r}");
        let geomean = (per_case.iter().map(|x| x.ln()).sum::<f64>() / 3.0).exp();
        assert!(
            (r["geomean"].as_f64().unwrap() - geomean).abs() < 1e-9,
            "{r}"
        );
    }
    // Text: each case's table, then the summary.
    let mut c = gowasm();
    c.args(["bench", "--runs", "1", "--warmup", "0", "--modes", "interp"])
        .args(["--case", "fib 5", "--case", "exit"])
        .arg(sample("gobench"));
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("case: fib 5\n") && text.contains("case: exit\n"),
        "{text}"
    );
    assert!(
        text.contains("median wall time per case (2 cases):"),
        "{text}"
    );
    // Both ways of giving arguments at once is an error.
    let mut c = gowasm();
    c.args(["bench", "--case", "fib 5"])
        .arg(sample("gobench"))
        .args(["--", "5"]);
    let out = run(c);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--case or after --"),
        "{}",
        stderr(&out)
    );
}

/// `bench --invoke`: each mode's cost of one call on one instance, and wasmtime's from its
/// runs with `--invoke` less its runs without (a stand-in with wasmtime's CLI shape here).
#[test]
fn bench_invoke_times_one_call_per_mode_and_against_wasmtime() {
    let bin = tempfile::tempdir().unwrap();
    let log = bin.path().join("wasmtime.log");
    executable(
        bin.path(),
        "wasmtime",
        &format!(
            r#"echo "$@" >> {log}
case "$1" in
  compile) cp "$4" "$3" ;;
  run) shift; shift; invoke=""
       if [ "$1" = --invoke ]; then invoke="$2"; shift 2; fi
       m="$1"; shift
       # A call that clearly costs something (0.2 s), so with-less-without is above the noise
       # of a loaded machine.
       if [ -n "$invoke" ]; then sleep 0.2; exec {gowasm} run -q --mode interp --invoke "$invoke" "$m" "$@"; fi
       exec {gowasm} run -q --mode interp "$m" ;;
esac"#,
            log = log.display(),
            gowasm = env!("CARGO_BIN_EXE_gowasm")
        ),
    );
    let out_dir = tempfile::tempdir().unwrap();
    let wasm = Build::GO_WASIP1.module(&sample("reactor"), out_dir.path());
    let mut c = gowasm();
    c.env("PATH", format!("{}:/usr/bin:/bin", bin.path().display()))
        .args(["bench", "--runs", "3", "--json", "--invoke", "fib 20"])
        .args(["--against", "wasmtime,wasm3"])
        .arg(&wasm);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = r["results"].as_array().unwrap();
    let names: Vec<&str> = results
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["interp", "baseline", "aot", "opt", "wasmtime (precompiled)"]
    );
    assert_eq!(r["not_supported"], serde_json::json!(["wasm3"]));
    for x in results {
        assert_eq!(x["result"], "6765", "{x}");
        assert_eq!(x["same_result"], true, "{x}");
        assert!(x["per_call"].as_f64().unwrap() > 0.0, "{x}");
    }
    assert!(results[0]["initialize"].as_f64().unwrap() > 0.0);
    assert_eq!(results[4]["ratio_to_peer"], 1.0);
    // 1 warm-up + 3 measured runs, each with the call and without, from the artifact.
    let calls = std::fs::read_to_string(&log).unwrap();
    let runs: Vec<&str> = calls.lines().filter(|l| l.starts_with("run ")).collect();
    let with = runs
        .iter()
        .filter(|l| l.contains("--invoke fib ") && l.ends_with(".cwasm 20"))
        .count();
    assert_eq!((runs.len(), with), (8, 4), "{runs:?}");
}
