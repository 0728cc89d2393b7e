//! Every sample, built with the real Go toolchain and with the real TinyGo (for `wasip1` and for
//! `wasm`), runs in every mode with the same stdout and exit code as the same program built and
//! run natively.

mod common;

use std::process::Command;

use common::*;

const MODES: [&str; 3] = ["interp", "baseline", "aot"];

/// Runs `sample` natively and under gowasm in each mode; `wasm_flags` are gowasm's own flags.
fn check_sample(sample_name: &str, args: &[&str], native_args: &[&str], wasm_flags: &[&str]) {
    check_sample_at(&sample(sample_name), args, native_args, wasm_flags);
}

fn check_sample_at(
    package: &std::path::Path,
    args: &[&str],
    native_args: &[&str],
    wasm_flags: &[&str],
) {
    check_built(Build::GO_WASIP1, package, args, native_args, wasm_flags);
}

/// Runs the package built with `build` in every mode against its native build.
fn check_built(
    build: Build,
    package: &std::path::Path,
    args: &[&str],
    native_args: &[&str],
    wasm_flags: &[&str],
) {
    let sample_name = format!(
        "{} ({})",
        package.file_name().unwrap().to_string_lossy(),
        build.name()
    );
    let dir = tempfile::tempdir().unwrap();
    let native = build_native(package, dir.path());
    let expected = Command::new(&native).args(native_args).output().unwrap();
    // TinyGo's js/wasm runtime writes stderr to stdout.
    let expected_stdout = if build == Build::TINYGO_WASM {
        combined_output(Command::new(&native).args(native_args)).0
    } else {
        String::from_utf8_lossy(&expected.stdout).into_owned()
    };
    let wasm = build.module(package, dir.path());
    for mode in MODES {
        let mut c = gowasm();
        c.args(["run", "--mode", mode])
            .args(wasm_flags)
            .arg(&wasm)
            .arg("--")
            .args(args);
        let out = run(c);
        assert_eq!(
            stdout(&out),
            expected_stdout,
            "{sample_name} stdout in {mode}; stderr: {}",
            stderr(&out)
        );
        assert_eq!(
            code(&out),
            expected.status.code().unwrap(),
            "{sample_name} exit code in {mode}"
        );
    }
}

/// hello names GOOS/GOARCH on its first line, which differs by design; the rest must match.
fn check_hello(build: Build, args: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let package = sample("hello");
    let native = build_native(&package, dir.path());
    let expected = Command::new(&native).args(args).output().unwrap();
    let expected = String::from_utf8_lossy(&expected.stdout).into_owned();
    let (native_first, native_rest) = expected.split_once('\n').unwrap();
    assert!(
        native_first.starts_with("Hello from Go on "),
        "{native_first}"
    );
    let goos = if build.target == "wasm" {
        "js"
    } else {
        build.target
    };
    let wasm = build.module(&package, dir.path());
    for mode in MODES {
        let mut c = gowasm();
        c.args(["run", "--mode", mode])
            .arg(&wasm)
            .arg("--")
            .args(args);
        let out = run(c);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let got = stdout(&out);
        let (first, rest) = got.split_once('\n').unwrap();
        assert_eq!(first, format!("Hello from Go on {goos}/wasm!"), "{mode}");
        assert_eq!(rest, native_rest, "{mode}");
    }
}

#[test]
fn hello_matches_native() {
    check_hello(Build::GO_WASIP1, &["one", "two words"]);
}

/// TinyGo `wasip1` takes the same arguments and preopens as Go's builds.
#[test]
fn every_sample_matches_native_with_tinygo_wasip1() {
    let build = Build::TINYGO_WASIP1;
    check_hello(build, &["one", "two words"]);
    check_built(build, &sample("fib"), &["20"], &["20"], &[]);
    check_built(build, &sample("fib"), &["nope"], &["nope"], &[]);
    check_built(build, &sample("jsonsort"), &[], &[], &[]);
    check_built(
        build,
        &sample("spew"),
        &["4", "lines"],
        &["4", "lines"],
        &[],
    );
    let data = sample("readfile").join("data");
    let host_file = data.join("words.txt");
    let mapping = format!("{}::/data", data.display());
    check_built(
        build,
        &sample("readfile"),
        &["/data/words.txt"],
        &[host_file.to_str().unwrap()],
        &["--dir-ro", &mapping],
    );
    check_tinygo_panic(build);
}

/// TinyGo `wasm` has no command line, so its samples run as they do without arguments.
#[test]
fn every_sample_matches_native_with_tinygo_wasm() {
    let build = Build::TINYGO_WASM;
    check_hello(build, &[]);
    check_built(build, &sample("fib"), &[], &[], &[]);
    check_built(build, &sample("jsonsort"), &[], &[], &[]);
    check_built(build, &sample("spew"), &[], &[], &[]);
    check_built(build, &sample("readfile"), &[], &[], &[]);
    check_tinygo_panic(build);
}

/// TinyGo's panic prints Go's message, on stdout (its runtime prints there on every target,
/// under node and wasmtime too), and traps (`unreachable`) where Go exits with 2.
fn check_tinygo_panic(build: Build) {
    let dir = tempfile::tempdir().unwrap();
    let package = sample("panic");
    let native = build_native(&package, dir.path());
    let expected = Command::new(&native).output().unwrap();
    let wasm = build.module(&package, dir.path());
    for mode in MODES {
        let mut c = gowasm();
        c.args(["run", "-q", "--mode", mode]).arg(&wasm);
        let out = run(c);
        let all = stdout(&out);
        let native_stdout = String::from_utf8_lossy(&expected.stdout);
        let rest = all
            .strip_prefix(&*native_stdout)
            .unwrap_or_else(|| panic!("{mode}: {all}"));
        assert!(
            rest.starts_with("panic: runtime error: index out of range"),
            "{mode}: {all}"
        );
        assert_eq!(code(&out), 134, "{mode}");
    }
}

#[test]
fn deep_go_recursion_runs_as_it_does_natively() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("go.mod"), "module deep\n\ngo 1.21\n").unwrap();
    std::fs::write(
        dir.path().join("main.go"),
        "package main\n\nimport \"fmt\"\n\nfunc depth(n int) int {\n\tif n == 0 {\n\t\treturn 0\n\t}\n\treturn depth(n-1) + 1\n}\n\nfunc main() { fmt.Println(depth(1000000)) }\n",
    )
    .unwrap();
    check_sample_at(dir.path(), &[], &[], &[]);
}

#[test]
fn fib_matches_native() {
    check_sample("fib", &["20"], &["20"], &[]);
    check_sample("fib", &["nope"], &["nope"], &[]);
}

/// 4 MiB as 65 536 separate writes, and as 64 KiB blocks: gathered into fewer frames on the
/// way out of the worker, every byte arrives, in order.
#[test]
fn spew_matches_native_line_by_line_and_in_blocks() {
    check_sample("spew", &["4", "lines"], &["4", "lines"], &[]);
    check_sample("spew", &["4"], &["4"], &[]);
}

#[test]
fn jsonsort_matches_native() {
    check_sample("jsonsort", &[], &[], &[]);
}

#[test]
fn panic_matches_native() {
    check_sample("panic", &[], &[], &[]);
}

#[test]
fn readfile_matches_native_through_a_preopened_dir() {
    let data = sample("readfile").join("data");
    let host_file = data.join("words.txt");
    let mapping = format!("{}::/data", data.display());
    check_sample(
        "readfile",
        &["/data/words.txt"],
        &[host_file.to_str().unwrap()],
        &["--dir-ro", &mapping],
    );
    // Without the preopen the guest cannot see the file.
    let dir = tempfile::tempdir().unwrap();
    let wasm = build_wasm(&sample("readfile"), dir.path());
    let mut c = gowasm();
    c.args(["run", "--mode", "interp"])
        .arg(&wasm)
        .args(["--", "/data/words.txt"]);
    let out = run(c);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
}

#[test]
fn forever_is_stopped_by_the_timeout_after_printing_live() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = build_wasm(&sample("forever"), dir.path());
    for mode in MODES {
        let mut c = gowasm();
        c.args(["run", "--timeout", "1.5", "--mode", mode])
            .arg(&wasm);
        let out = run(c);
        assert_eq!(code(&out), 124, "{mode}: {}", stderr(&out));
        assert!(
            stdout(&out).starts_with("tick 1\ntick 2\n"),
            "{mode}: {}",
            stdout(&out)
        );
        assert!(
            stderr(&out).contains("timed out after 1.5 s"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn run_builds_a_folder_and_mode_all_compares() {
    let dir = tempfile::tempdir().unwrap();
    let native = build_native(&sample("fib"), dir.path());
    let expected = Command::new(&native).arg("22").output().unwrap();
    // A cache of its own, so the first aot run compiles and the second loads the artifact.
    let cache = tempfile::tempdir().unwrap();
    let mut c = gowasm();
    c.env("GOWASM_CACHE_DIR", cache.path())
        .args(["run", "--toolchain", "go", "--mode", "all"])
        .arg(sample("fib"))
        .args(["--", "22"]);
    let out = run(c);
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}");
    assert_eq!(out.stdout, expected.stdout);
    for needle in [
        "interp",
        "baseline",
        "aot (cold)",
        "aot (cached)",
        "(hit)",
        "speedup over interp",
    ] {
        assert!(err.contains(needle), "{needle:?} missing from:\n{err}");
    }
    // Whether the compile pays off, and after how many runs, is a figure (`gowasm bench`
    // measures it); here only that the verdict is said, whichever way a loaded machine made it.
    assert!(
        err.contains("aot's compile (") && err.contains("pays off"),
        "no verdict on aot's compile in:\n{err}"
    );
}

#[test]
fn inspect_names_go_and_its_largest_functions() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = build_wasm(&sample("fib"), dir.path());
    let mut c = gowasm();
    c.args(["inspect", "--json"]).arg(&wasm);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["toolchain"]["name"], "go");
    assert_eq!(r["target"], "wasip1");
    let names: Vec<&str> = r["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    for s in [
        "type",
        "import",
        "code",
        "data",
        "custom:name",
        "custom:go:buildid",
    ] {
        assert!(names.contains(&s), "{s} missing from {names:?}");
    }
    let total: u64 = r["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["size"].as_u64().unwrap())
        .sum();
    assert!(total < r["file_size"].as_u64().unwrap());
    assert!(r["largest_functions"].as_array().unwrap().iter().any(|f| {
        f["name"]
            .as_str()
            .is_some_and(|n| n.starts_with("runtime."))
    }));
    assert!(
        r["imports"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["module"] == "wasi_snapshot_preview1")
    );

    let mut c = gowasm();
    c.arg("inspect").arg(&wasm);
    let text = stdout(&run(c));
    assert!(text.contains("toolchain go go1."), "{text}");
    assert!(text.contains("LARGEST FUNCTIONS"), "{text}");
}

#[test]
fn broken_go_code_shows_compiler_messages_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("go.mod"), "module broken\n\ngo 1.21\n").unwrap();
    std::fs::write(
        dir.path().join("main.go"),
        "package main\n\nfunc main() {\n\tundefinedThing()\n}\n",
    )
    .unwrap();
    let mut c = gowasm();
    c.args(["run", "--toolchain", "go"]).arg(dir.path());
    let out = run(c);
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    assert!(
        err.contains("main.go:4:2: undefined: undefinedThing"),
        "{err}"
    );
    assert!(
        err.contains("gowasm: error: build failed (1 error)"),
        "{err}"
    );
    // The user's folder holds exactly what it held: no build output was written into it.
    assert_eq!(names_in(dir.path()), ["go.mod", "main.go"]);
}
