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

/// A stand-in `tinygo` on PATH that "compiles" to the `fixture` module and logs its arguments.
struct FakeTinygo {
    _module: tempfile::TempDir,
    bin: tempfile::TempDir,
}

impl FakeTinygo {
    fn new(fixture_name: &str) -> FakeTinygo {
        let (module_dir, module) = fixture(fixture_name);
        let bin = tempfile::tempdir().unwrap();
        fake_tinygo(bin.path(), &module, &bin.path().join("args.log"));
        FakeTinygo {
            _module: module_dir,
            bin,
        }
    }

    /// gowasm, with the stand-in first on its PATH.
    fn gowasm(&self) -> std::process::Command {
        let mut c = gowasm();
        c.env(
            "PATH",
            format!(
                "{}:{}",
                self.bin.path().display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        );
        c
    }

    /// Every `tinygo` call so far, a line each.
    fn calls(&self) -> String {
        std::fs::read_to_string(self.bin.path().join("args.log")).unwrap()
    }
}

#[test]
fn tinygo_on_path_is_preferred_and_its_wasm_target_runs() {
    let tinygo = FakeTinygo::new("tinygo_wasm");

    let mut c = tinygo.gowasm();
    c.args(["run", "--mode", "interp"]).arg(sample("hello"));
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "start\ntick\ntick\ntick\nclock ok\n");
    let args = tinygo.calls();
    assert!(args.starts_with("build -target wasm -o "), "{args}");
    assert!(args.trim_end().ends_with(".wasm ."), "{args}");

    let mut c = tinygo.gowasm();
    c.args(["build", "--json", "--target", "wasip1"])
        .arg(sample("hello"));
    let out = run(c);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["toolchain"]["compiler"], "tinygo");
    assert_eq!(doc["toolchain"]["version"], "0.33.0");
    assert_eq!(doc["target"], "wasip1");
    assert_eq!(doc["command"][0], "tinygo");
    assert!(tinygo.calls().contains("build -target wasip1 -o "));
}

#[test]
fn tinygo_diagnostics_are_parsed() {
    let tinygo = FakeTinygo::new("tinygo_wasm");
    let project = tempfile::tempdir().unwrap();
    std::fs::write(project.path().join("go.mod"), "module b\n\ngo 1.21\n").unwrap();
    std::fs::write(project.path().join("broken.go"), "package main\n\noops\n").unwrap();
    let mut c = tinygo.gowasm();
    c.args(["build", "--json"]).arg(project.path());
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
    let tinygo = FakeTinygo::new("exit_code");
    let out_dir = tempfile::tempdir().unwrap();
    let mut c = tinygo.gowasm();
    c.arg("image")
        .arg(sample("hello"))
        .arg("-o")
        .arg(out_dir.path().join("hello.tar"));
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let args = tinygo.calls();
    assert!(args.starts_with("build -target wasip1 "), "{args}");
}
