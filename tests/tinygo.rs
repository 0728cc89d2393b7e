//! The TinyGo paths with the real TinyGo (0.40.1 in CI): gowasm prefers it when it is on PATH,
//! calls it as TinyGo is called, reads its diagnostics, and runs what it builds.

mod common;

use common::*;

/// gowasm with PATH holding only TinyGo's folder and the system's: no Go on it.
fn without_go_on_path() -> std::process::Command {
    let tinygo_dir = tinygo().parent().unwrap().to_path_buf();
    let mut c = gowasm();
    c.env("PATH", format!("{}:/usr/bin:/bin", tinygo_dir.display()));
    c
}

#[test]
fn tinygo_on_path_is_preferred_and_its_wasm_target_runs() {
    tinygo();
    let mut c = gowasm();
    c.args(["run", "--json", "--mode", "interp"])
        .arg(sample("hello"));
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["build"]["toolchain"]["compiler"], "tinygo");
    assert_eq!(doc["build"]["target"], "wasm");
    let command: Vec<&str> = doc["build"]["command"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        command[..4],
        ["tinygo", "build", "-target", "wasm"],
        "{command:?}"
    );
    assert_eq!(command[command.len() - 1], ".");
    assert_eq!(doc["runs"][0]["stdout"], "Hello from Go on js/wasm!\n");

    let mut c = gowasm();
    c.args(["build", "--json", "--target", "wasip1"])
        .arg(sample("hello"));
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["toolchain"]["compiler"], "tinygo");
    assert!(
        doc["toolchain"]["version"]
            .as_str()
            .unwrap()
            .starts_with("0."),
        "{doc}"
    );
    assert_eq!(doc["target"], "wasip1");
}

#[test]
fn tinygo_diagnostics_are_parsed() {
    let project = go_program(
        "broken",
        "package main\n\nfunc main() {\n\tundefinedThing()\n}\n",
    );
    let mut c = gowasm();
    c.args(["build", "--json", "--toolchain", "tinygo"])
        .arg(project.path());
    let out = run(c);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["success"], false);
    let d = &doc["diagnostics"][0];
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(4), Some(2)),
        "{doc}"
    );
    assert!(d["file"].as_str().unwrap().ends_with("main.go"), "{doc}");
    assert_eq!(d["message"], "undefined: undefinedThing", "{doc}");
}

/// TinyGo runs `go` itself; Debian's Go is not on PATH, so gowasm hands TinyGo the Go it found.
#[test]
fn tinygo_builds_where_go_is_not_on_path() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = dir.path().join("hello.wasm");
    let mut c = without_go_on_path();
    c.args(["build", "--toolchain", "tinygo", "-o"])
        .arg(&wasm)
        .arg(sample("hello"));
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(wasm.is_file());
}

#[test]
fn forcing_tinygo_without_it_says_what_to_install() {
    let empty = tempfile::tempdir().unwrap();
    let mut c = gowasm();
    c.env("PATH", empty.path())
        .args(["build", "--toolchain", "tinygo"])
        .arg(sample("hello"));
    let out = run(c);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("tinygo is not on PATH: install TinyGo"),
        "{err}"
    );
}

/// Images are for WASI runtimes: with TinyGo, `gowasm image` builds `-target wasip1`, and a
/// `-target wasm` module is refused (crun cannot give it a JavaScript host).
#[test]
fn tinygo_images_are_wasip1_and_js_host_modules_are_refused() {
    let out_dir = tempfile::tempdir().unwrap();
    let mut c = gowasm();
    c.args(["image", "--json"])
        .arg(sample("hello"))
        .arg("-o")
        .arg(out_dir.path().join("hello.tar"));
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["build"]["toolchain"]["compiler"], "tinygo", "{doc}");
    assert_eq!(doc["build"]["target"], "wasip1", "{doc}");

    let js = Build::TINYGO_WASM.module(&sample("hello"), out_dir.path());
    let mut c = gowasm();
    c.arg("image")
        .arg(&js)
        .arg("-o")
        .arg(out_dir.path().join("js.tar"));
    let out = run(c);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("target is wasm (TinyGo)"),
        "{}",
        stderr(&out)
    );
}

// ---- Go and TinyGo side by side ----

/// Go's wasip1 build prints `wasip1/wasm`, TinyGo's default `wasm` build `js/wasm`: the runs
/// part at stdout line 1, and every run names its toolchain.
#[test]
fn run_compares_go_and_tinygo_and_names_where_they_differ() {
    tinygo();
    let mut c = gowasm();
    c.args(["run", "--json", "--mode", "all", "--toolchain", "go,tinygo"])
        .arg(sample("hello"));
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let toolchains = doc["toolchains"].as_array().unwrap();
    let names: Vec<&str> = toolchains
        .iter()
        .map(|t| t["toolchain"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["go", "tinygo"], "{doc}");
    for t in toolchains {
        let runs = t["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 4, "a run per mode: {t}");
        for r in runs {
            assert_eq!(r["toolchain"], t["toolchain"], "{r}");
            assert_eq!(r["exit_code"], 0, "{r}");
        }
        assert!(t["size"]["code_bytes"].as_u64().unwrap() > 0, "{t}");
        assert!(t["build"].as_f64().unwrap() > 0.0, "{t}");
    }
    // Two separate modules: comparing does not overwrite one toolchain's with the other's.
    assert_ne!(toolchains[0]["module"], toolchains[1]["module"]);
    assert!(
        toolchains[1]["size"]["bytes"].as_u64() < toolchains[0]["size"]["bytes"].as_u64(),
        "TinyGo's module is the smaller: {doc}"
    );
    assert_eq!(doc["outputs_agree"], false);
    let d = &doc["differences"][0];
    assert_eq!(
        (
            d["toolchain"].as_str(),
            d["versus"].as_str(),
            d["at"].as_str()
        ),
        (Some("tinygo"), Some("go"), Some("stdout line 1")),
        "{doc}"
    );
    assert!(d["left"].as_str().unwrap().contains("wasip1/wasm"), "{d}");
    assert!(d["right"].as_str().unwrap().contains("js/wasm"), "{d}");
}

#[test]
fn run_s_table_says_the_outputs_agree_when_they_do() {
    tinygo();
    let mut c = gowasm();
    c.args(["run", "--mode", "interp", "--toolchain", "go,tinygo"])
        .arg(sample("jsonsort"));
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("outputs agree"), "{err}");
    let rows: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("go ") || l.starts_with("tinygo "))
        .collect();
    assert_eq!(rows.len(), 2, "{err}");
    // The program's own output is printed once, as a single run prints it.
    let sorted = stdout(&out);
    assert!(!sorted.is_empty());
    assert_eq!(
        sorted.matches(sorted.lines().next().unwrap()).count(),
        1,
        "{sorted}"
    );
}

#[test]
fn bench_times_each_toolchain_s_module() {
    tinygo();
    let mut c = gowasm();
    c.args([
        "bench",
        "--json",
        "--runs",
        "1",
        "--warmup",
        "0",
        "--modes",
        "interp,aot",
    ])
    .args(["--toolchain", "go,tinygo"])
    .arg(sample("jsonsort"));
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let builds: Vec<&str> = doc["builds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["toolchain"].as_str().unwrap())
        .collect();
    assert_eq!(builds, ["go", "tinygo"], "{doc}");
    let results = doc["results"].as_array().unwrap();
    for toolchain in ["go", "tinygo"] {
        let mine: Vec<_> = results
            .iter()
            .filter(|r| r["toolchain"] == toolchain)
            .collect();
        assert!(mine.len() >= 2, "interp and aot for {toolchain}: {doc}");
        assert!(mine.iter().all(|r| r["same_output"] == true), "{doc}");
    }
}

#[test]
fn run_refuses_to_compare_toolchains_on_a_module() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = Build::GO_WASIP1.module(&sample("hello"), dir.path());
    let mut c = gowasm();
    c.args(["run", "--toolchain", "go,tinygo"]).arg(&wasm);
    let out = run(c);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("needs the Go project folder"),
        "{}",
        stderr(&out)
    );
}

/// The workbench's `t` (and `watch --toolchain go,tinygo`): every save builds with both.
#[test]
fn watch_compares_both_toolchains_on_every_save() {
    tinygo();
    let mut w =
        common::watch::Watch::start("hello", &["--toolchain", "go,tinygo", "--mode", "interp"]);
    let (_, first) = w.wait_for("a comparison", std::time::Duration::from_secs(240), |v| {
        v["event"] == "toolchains_compared"
    });
    let rows = first["rows"].as_array().unwrap();
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["toolchain"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["go", "tinygo"], "{first}");
    for r in rows {
        assert_eq!(r["error"], serde_json::Value::Null, "{r}");
        assert_eq!(r["runs"].as_array().unwrap().len(), 1, "{r}");
    }
    assert_eq!(first["differences"][0]["at"], "stdout line 1", "{first}");
    // Only the job's own toolchain streams output: TinyGo's run is compared, not shown.
    let job = first["job"].as_u64().unwrap();
    assert!(w.output_of(job, "interp").contains("wasip1/wasm"));
    assert!(!w.output_of(job, "interp").contains("js/wasm"));

    w.edit("main.go", "Hello from Go", "Hi from Go");
    let (_, second) = w.wait_for(
        "a second comparison",
        std::time::Duration::from_secs(240),
        |v| v["event"] == "toolchains_compared" && v["job"].as_u64() > Some(job),
    );
    let right = second["differences"][0]["right"].as_str().unwrap();
    assert!(right.starts_with("Hi from Go"), "{second}");
}

/// TinyGo 0.40 builds with Go 1.19–1.25 only: with today's Go first on PATH, gowasm gives it an
/// installed Go it accepts; a Go named by the user that it does not accept is one line.
#[test]
fn tinygo_gets_a_go_it_accepts_beside_todays_go() {
    let newest = go_release(go_releases().last().unwrap());
    let tinygo_dir = tinygo().parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}:/usr/bin:/bin",
        newest.parent().unwrap().display(),
        tinygo_dir.display()
    );
    let mut c = gowasm();
    c.env("PATH", &path)
        .args(["run", "-q", "--toolchain", "tinygo", "--target", "wasip1"])
        .arg(sample("hello"));
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "Hello from Go on wasip1/wasm!\n");

    let mut c = gowasm();
    c.env("PATH", &path)
        .args(["build", "--toolchain", "tinygo", "--tinygo-go"])
        .arg(&newest)
        .arg(sample("hello"));
    let out = run(c);
    assert_ne!(code(&out), 0);
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("builds with Go 1.19 to 1.25"), "{err}");
    assert!(err.contains("--tinygo-go"), "{err}");
}
