//! The TinyGo paths, with a stand-in `tinygo` on PATH (TinyGo itself cannot be installed here):
//! gowasm must prefer it, call it as TinyGo is called, and run what it produces.

mod common;

use std::path::Path;

use common::*;

/// Writes a fake `tinygo` that logs its arguments and "compiles" by copying a prebuilt module.
fn fake_tinygo(bin_dir: &Path, module: &Path, log: &Path) {
    let script = format!(
        r#"#!/bin/sh
if [ "$1" = version ]; then
  echo "tinygo version 0.33.0 linux/amd64 (using go version go1.23.5 and LLVM version 18.1.2)"
  exit 0
fi
echo "$@" >> "{log}"
out=""
while [ $# -gt 0 ]; do
  if [ "$1" = -o ]; then out="$2"; fi
  shift
done
if [ -f broken.go ]; then
  echo "./broken.go:3:1: expected declaration, found oops" >&2
  exit 1
fi
cp "{module}" "$out"
"#,
        log = log.display(),
        module = module.display()
    );
    let path = bin_dir.join("tinygo");
    std::fs::write(&path, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn path_with(dir: &Path) -> String {
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

#[test]
fn tinygo_on_path_is_preferred_and_its_wasm_target_runs() {
    let (_f, module) = fixture("tinygo_wasm");
    let bin = tempfile::tempdir().unwrap();
    let log = bin.path().join("args.log");
    fake_tinygo(bin.path(), &module, &log);

    let mut c = gowasm();
    c.env("PATH", path_with(bin.path()))
        .args(["run", "--mode", "interp"])
        .arg(sample("hello"));
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "start\ntick\ntick\ntick\nclock ok\n");
    let args = std::fs::read_to_string(&log).unwrap();
    assert!(args.starts_with("build -target wasm -o "), "{args}");
    assert!(args.trim_end().ends_with(".wasm ."), "{args}");

    let mut c = gowasm();
    c.env("PATH", path_with(bin.path()))
        .args(["build", "--json", "--target", "wasip1"])
        .arg(sample("hello"));
    let out = run(c);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["toolchain"]["compiler"], "tinygo");
    assert_eq!(doc["toolchain"]["version"], "0.33.0");
    assert_eq!(doc["target"], "wasip1");
    assert_eq!(doc["command"][0], "tinygo");
    assert!(
        std::fs::read_to_string(&log)
            .unwrap()
            .contains("build -target wasip1 -o ")
    );
}

#[test]
fn tinygo_diagnostics_are_parsed() {
    let (_f, module) = fixture("tinygo_wasm");
    let bin = tempfile::tempdir().unwrap();
    let log = bin.path().join("args.log");
    fake_tinygo(bin.path(), &module, &log);
    let project = tempfile::tempdir().unwrap();
    std::fs::write(project.path().join("go.mod"), "module b\n\ngo 1.21\n").unwrap();
    std::fs::write(project.path().join("broken.go"), "package main\n\noops\n").unwrap();
    let mut c = gowasm();
    c.env("PATH", path_with(bin.path()))
        .args(["build", "--json"])
        .arg(project.path());
    let out = run(c);
    assert_eq!(code(&out), 2);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["success"], false);
    assert_eq!(doc["diagnostics"][0]["line"], 3);
    assert_eq!(
        doc["diagnostics"][0]["message"],
        "expected declaration, found oops"
    );
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

#[test]
fn tinygo_builds_images_for_wasip1() {
    let (_f, module) = fixture("exit_code");
    let bin = tempfile::tempdir().unwrap();
    let log = bin.path().join("args.log");
    fake_tinygo(bin.path(), &module, &log);
    let out_dir = tempfile::tempdir().unwrap();
    let mut c = gowasm();
    c.env("PATH", path_with(bin.path()))
        .arg("image")
        .arg(sample("hello"))
        .arg("-o")
        .arg(out_dir.path().join("hello.tar"));
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let args = std::fs::read_to_string(&log).unwrap();
    assert!(args.starts_with("build -target wasip1 "), "{args}");
}
