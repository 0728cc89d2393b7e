//! Helpers for the end-to-end tests: the real gowasm binary, the real Go toolchain, wat fixtures.
#![allow(dead_code)]

pub mod watch;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// A cache folder shared by the tests of one test binary, so AOT compiles are paid once.
pub fn shared_cache() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().unwrap()).path()
}

/// The gowasm binary under test, with its cache in `shared_cache()`.
pub fn gowasm() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gowasm"));
    c.env("GOWASM_CACHE_DIR", shared_cache());
    c
}

pub fn run(mut cmd: Command) -> Output {
    cmd.output().expect("gowasm starts")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exited, not killed")
}

/// Compiles `tests/fixtures/NAME.wat` to a .wasm file in a fresh temp folder.
pub fn fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/{name}.wat"));
    let wasm = wat::parse_file(&src).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{name}.wasm"));
    std::fs::write(&path, wasm).unwrap();
    (dir, path)
}

pub fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

/// The Go toolchain: these tests need it and fail (not skip) without it.
pub fn go() -> PathBuf {
    gowasm::build::find_toolchain(Some(gowasm::build::Compiler::Go))
        .unwrap_or_else(|e| panic!("the end-to-end tests need Go: {e}"))
        .path
}

/// Builds a Go package natively (for the host) and returns the binary.
pub fn build_native(package: &Path, out_dir: &Path) -> PathBuf {
    let bin = out_dir.join("native");
    let out = Command::new(go())
        .args(["build", "-o"])
        .arg(&bin)
        .arg(".")
        .current_dir(package)
        .env_remove("GOOS")
        .env_remove("GOARCH")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "native build failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    bin
}

/// Writes a one-file Go program (`go.mod` for module `name`, and `main.go`) to a fresh folder and
/// builds it to wasm with gowasm; the folder, holding the module, lives as long as the guard.
pub fn build_go_program(name: &str, main_go: &str) -> (tempfile::TempDir, PathBuf) {
    let project = tempfile::tempdir().unwrap();
    std::fs::write(
        project.path().join("go.mod"),
        format!("module {name}\n\ngo 1.21\n"),
    )
    .unwrap();
    std::fs::write(project.path().join("main.go"), main_go).unwrap();
    let wasm = build_wasm(project.path(), project.path());
    (project, wasm)
}

/// Builds a Go package to wasm with gowasm and returns the module's path.
pub fn build_wasm(package: &Path, out_dir: &Path) -> PathBuf {
    let wasm = out_dir.join("module.wasm");
    let mut c = gowasm();
    c.arg("build")
        .arg(package)
        .arg("-o")
        .arg(&wasm)
        .args(["--toolchain", "go"]);
    let out = run(c);
    assert_eq!(code(&out), 0, "gowasm build failed: {}", stderr(&out));
    wasm
}

/// xorshift64: a repeatable stream of numbers for generated test inputs. `seed` must not be 0.
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> XorShift {
        XorShift(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// The names in `dir`, sorted; none when it does not exist.
pub fn names_in(dir: &Path) -> Vec<String> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => panic!("{}: {e}", dir.display()),
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}
