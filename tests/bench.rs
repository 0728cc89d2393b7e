//! `gowasm bench` on a real Go sample: every mode, native Go, and stand-in runtimes on PATH.

mod common;

use std::path::Path;

use common::*;

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
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn bench_times_every_contender_interleaved_and_checks_outputs() {
    let bin = tempfile::tempdir().unwrap();
    fake_runtime(bin.path(), "wasm3", true);
    fake_runtime(bin.path(), "iwasm", false);
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
            "wasm3,iwasm,wasmtime",
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
            "native",
            "wasm3",
            "iwasm"
        ]
    );
    assert_eq!(r["not_found"], serde_json::json!(["wasmtime"]));
    for x in results {
        assert_eq!(x["runs"], 3, "{x}");
        let w = &x["wall"];
        assert!(w["min"].as_f64().unwrap() <= w["median"].as_f64().unwrap());
        assert!(w["median"].as_f64().unwrap() <= w["max"].as_f64().unwrap());
    }
    // Every mode and the honest stand-in print what native Go prints; the other does not.
    for x in &results[..6] {
        assert_eq!(x["same_output"], true, "{x}");
    }
    assert_eq!(results[6]["same_output"], false);
    // The compiled modes beat the interpreter's run phase, and native Go beats everything.
    assert!(
        results[2]["speedup_over_interp"].as_f64().unwrap() > 1.0,
        "{}",
        results[2]
    );
    assert_eq!(results[4]["ratio_to_native"].as_f64().unwrap(), 1.0);
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
