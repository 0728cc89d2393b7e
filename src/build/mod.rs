//! Build a Go main package to wasm with TinyGo or the Go toolchain.

mod diagnostics;
mod process;
pub mod reactor;
mod toolchain;

pub use diagnostics::{Diagnostic, parse_diagnostics};
pub use toolchain::{Compiler, Toolchain, find_toolchain, installed_gos};

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use serde::Serialize;

/// What to build and how.
#[derive(Debug, Clone, Default)]
pub struct BuildRequest {
    /// The folder holding the main package (with a go.mod at or above it).
    pub dir: PathBuf,
    /// Force a compiler; by default TinyGo when on PATH, else Go.
    pub compiler: Option<Compiler>,
    /// `-target` for TinyGo (default `wasm`), or `wasip1`/`js` for Go (default `wasip1`).
    pub target: Option<String>,
    /// Where to write the module; default: gowasm's build folder in the user's cache dir.
    pub output: Option<PathBuf>,
    /// Extra flags passed to the compiler before the package.
    pub flags: Vec<String>,
    /// Flags passed only when the compiler is TinyGo (`-opt z`, `-gc leaking`, …).
    pub tinygo_flags: Vec<String>,
    /// The Go TinyGo builds with; by default one it accepts ([`toolchain::go_for_tinygo`]).
    pub tinygo_go: Option<PathBuf>,
    /// Build a reactor (`-buildmode=c-shared`) or a command; `None`: a reactor when the package
    /// has `//go:wasmexport` functions ([`reactor::is_reactor`]).
    pub reactor: Option<bool>,
}

/// The result of a build that ran (successfully or not).
#[derive(Debug, Clone, Serialize)]
pub struct BuildOutcome {
    pub toolchain: Toolchain,
    pub target: String,
    /// The command line actually run, for showing to the user.
    pub command: Vec<String>,
    pub output: PathBuf,
    #[serde(with = "crate::duration_ms")]
    pub duration: Duration,
    pub success: bool,
    /// The compiler's exit code (`None` if a signal ended it).
    pub exit_code: Option<i32>,
    /// The compiler's own messages, as printed.
    pub log: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a build could not even start.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{0} is not a folder")]
    NotADir(PathBuf),
    #[error(
        "{0} has no go.mod (and neither has any folder above it): run `go mod init NAME` there"
    )]
    NoGoMod(PathBuf),
    #[error("{0}")]
    Toolchain(#[from] toolchain::ToolchainError),
    #[error("target {target} is not supported by {compiler}: use {supported}")]
    BadTarget {
        target: String,
        compiler: &'static str,
        supported: &'static str,
    },
    #[error(
        "target wasip2 builds a WebAssembly component, which gowasm cannot run: use --target wasip1"
    )]
    Wasip2,
    #[error("refusing to write the module over {0}, which is not a wasm file: choose another -o")]
    WouldOverwrite(PathBuf),
    #[error("could not run {program}: {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
    #[error("could not create the build folder {path}: {source}")]
    OutputDir {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where a project's module goes by default:
/// `<cache>/gowasm/build/<name>-<hash of its path>/<compiler>/<name>.wasm` for the compiler's
/// default target, `…/<compiler>-<target>/…` for another: one folder per compiler and target,
/// so comparing toolchains keeps both modules, and two builds of one project for different
/// targets (the workbench's, an image's) never write over each other.
pub fn default_output(dir: &Path, cache_root: &Path, compiler: Compiler, target: &str) -> PathBuf {
    let abs = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let name = project_name(&abs);
    let hash = crate::hash::hex_digest(abs.to_string_lossy().as_bytes());
    cache_root
        .join("build")
        .join(format!("{name}-{}", &hash[..12]))
        .join(if target == default_target(compiler) {
            compiler.name().to_string()
        } else {
            format!("{}-{target}", compiler.name())
        })
        .join(format!("{name}.wasm"))
}

/// The project's name: its folder's name.
pub fn project_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "main".to_string())
}

/// Builds the package in `req.dir`; compile errors are a `BuildOutcome` with `success: false`.
pub fn build(req: &BuildRequest, cache_root: &Path) -> Result<BuildOutcome, BuildError> {
    let never = AtomicBool::new(false);
    let prepared = prepare(req, cache_root)?;
    prepared.run(&never).map(|o| o.expect("never cancelled"))
}

/// A build ready to start: the compiler found, the command line decided.
#[derive(Debug)]
pub struct PreparedBuild {
    pub toolchain: Toolchain,
    pub target: String,
    /// The command line as shown to the user (environment assignments first).
    pub command: Vec<String>,
    pub output: PathBuf,
    dir: PathBuf,
    env: Vec<(String, String)>,
    args: Vec<String>,
    /// The Go TinyGo builds with, and whether the user named it.
    tinygo_go: Option<(Toolchain, bool)>,
}

/// Whether to add `-buildmode=c-shared`: a reactor asked for or found, on a target that has
/// reactors (Go's wasip1; TinyGo's wasip1 and wasm), and no build mode among the flags.
fn builds_reactor(req: &BuildRequest, dir: &Path, compiler: Compiler, target: &str) -> bool {
    let has_reactors = match compiler {
        Compiler::Go => target == "wasip1",
        Compiler::TinyGo => matches!(target, "wasip1" | "wasm"),
    };
    let mode_given = req
        .flags
        .iter()
        .chain(&req.tinygo_flags)
        .any(|f| f.starts_with("-buildmode"));
    has_reactors && !mode_given && req.reactor.unwrap_or_else(|| reactor::is_reactor(dir))
}

/// Finds the compiler and decides the command line, without running anything.
pub fn prepare(req: &BuildRequest, cache_root: &Path) -> Result<PreparedBuild, BuildError> {
    if !req.dir.is_dir() {
        return Err(BuildError::NotADir(req.dir.clone()));
    }
    let dir = std::fs::canonicalize(&req.dir).unwrap_or_else(|_| req.dir.clone());
    if !dir.ancestors().any(|d| d.join("go.mod").is_file()) {
        return Err(BuildError::NoGoMod(req.dir.clone()));
    }
    let toolchain = find_toolchain(req.compiler)?;
    let target = resolve_target(toolchain.compiler, req.target.as_deref())?;
    let output = match &req.output {
        Some(o) => std::path::absolute(o).unwrap_or_else(|_| o.clone()),
        None => default_output(&dir, cache_root, toolchain.compiler, &target),
    };
    // The compilers replace the output only when they succeed, so a failed build keeps the last
    // good module; but never let them overwrite a file that is not a module.
    if output.exists() && !is_wasm_file(&output) {
        return Err(BuildError::WouldOverwrite(output));
    }
    let mut args: Vec<String> = vec!["build".into()];
    let mut tinygo_go = None;
    // gowasm says which Go builds (the header, `--json`): never let go.mod switch it for another
    // that it would have to download.
    let mut env: Vec<(String, String)> = std::env::var_os("GOTOOLCHAIN")
        .is_none()
        .then(|| ("GOTOOLCHAIN".to_string(), "local".to_string()))
        .into_iter()
        .collect();
    let mut command = vec![];
    match toolchain.compiler {
        Compiler::Go => {
            let goos = [
                ("GOOS".to_string(), target.clone()),
                ("GOARCH".to_string(), "wasm".to_string()),
            ];
            command.extend(goos.iter().map(|(k, v)| format!("{k}={v}")));
            env.extend(goos);
            command.push("go".into());
        }
        Compiler::TinyGo => {
            command.push("tinygo".into());
            args.extend(["-target".into(), target.clone()]);
            args.extend(req.tinygo_flags.iter().cloned());
            let go = toolchain::go_for_tinygo(&toolchain, req.tinygo_go.as_deref())?;
            env.extend(path_with(&go));
            tinygo_go = Some((go, req.tinygo_go.is_some()));
        }
    }
    args.extend(req.flags.iter().cloned());
    if builds_reactor(req, &dir, toolchain.compiler, &target) {
        args.push("-buildmode=c-shared".into());
    }
    args.extend([
        "-o".into(),
        output.to_string_lossy().into_owned(),
        ".".into(),
    ]);
    command.extend(args.iter().cloned());
    Ok(PreparedBuild {
        toolchain,
        target,
        command,
        output,
        dir,
        env,
        args,
        tinygo_go,
    })
}

impl PreparedBuild {
    /// Runs the compiler; gives up (killing it and everything it started) soon after `cancel` is
    /// set, returning `Ok(None)`.
    pub fn run(mut self, cancel: &AtomicBool) -> Result<Option<BuildOutcome>, BuildError> {
        if let Some(parent) = self.output.parent() {
            std::fs::create_dir_all(parent).map_err(|source| BuildError::OutputDir {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let started = Instant::now();
        let Some(mut out) = self.spawn(cancel)? else {
            return Ok(None);
        };
        let mut log = log_of(&out);
        if !out.status.success()
            && let Some((retry, line)) = self.tinygo_refused_its_go(&log)
        {
            if retry {
                let Some(again) = self.spawn(cancel)? else {
                    return Ok(None);
                };
                out = again;
                log = log_of(&out);
            }
            log.insert_str(0, &line);
        }
        let duration = started.elapsed();
        let success = out.status.success() && self.output.is_file();
        Ok(Some(BuildOutcome {
            diagnostics: parse_diagnostics(&log, &self.dir),
            toolchain: self.toolchain,
            target: self.target,
            command: self.command,
            output: self.output,
            duration,
            success,
            exit_code: out.status.code(),
            log,
        }))
    }

    /// A TinyGo release gowasm does not know refused the Go it was given, and its `log` says
    /// which it accepts: `(true, line)` with the newest installed Go in that range put first on
    /// PATH, to build once more; `(false, line)` with what to do when there is none (or the user
    /// named the Go). `None` when the log is not such a refusal.
    fn tinygo_refused_its_go(&mut self, log: &str) -> Option<(bool, String)> {
        let (go, named) = self.tinygo_go.clone()?;
        let range = toolchain::tinygo_requires(log)?;
        match toolchain::newest_go_within(range) {
            Some(other) if !named && other.path != go.path => {
                let line = format!(
                    "gowasm: TinyGo {} builds with Go 1.{} to 1.{}: building with {} ({})\n",
                    self.toolchain.version,
                    range.0,
                    range.1,
                    other.version,
                    other.path.display()
                );
                self.env.retain(|(k, _)| k != "PATH");
                self.env.extend(path_with(&other));
                self.tinygo_go = Some((other, false));
                Some((true, line))
            }
            _ => {
                let e = toolchain::no_go_for(&self.toolchain, range, &go);
                Some((false, format!("gowasm: {e}\n")))
            }
        }
    }

    fn spawn(&self, cancel: &AtomicBool) -> Result<Option<std::process::Output>, BuildError> {
        let mut cmd = Command::new(&self.toolchain.path);
        cmd.args(&self.args)
            .envs(self.env.iter().cloned())
            .current_dir(&self.dir);
        process::run_cancellable(&mut cmd, cancel).map_err(|source| BuildError::Spawn {
            program: self.toolchain.path.display().to_string(),
            source,
        })
    }
}

/// What a compiler printed: its errors, then its output.
fn log_of(out: &std::process::Output) -> String {
    let mut log = String::from_utf8_lossy(&out.stderr).into_owned();
    log.push_str(&String::from_utf8_lossy(&out.stdout));
    log
}

/// TinyGo runs `go` from PATH for the standard library's sources: `go`'s folder goes first.
fn path_with(go: &Toolchain) -> Option<(String, String)> {
    let mut dirs = vec![go.path.parent()?.to_path_buf()];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let path = std::env::join_paths(dirs).ok()?;
    Some(("PATH".into(), path.to_string_lossy().into_owned()))
}

fn is_wasm_file(path: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok_and(|_| &magic == b"\0asm")
}

/// The target a compiler builds for when none is given.
pub fn default_target(compiler: Compiler) -> &'static str {
    match compiler {
        Compiler::Go => "wasip1",
        Compiler::TinyGo => "wasm",
    }
}

fn resolve_target(compiler: Compiler, target: Option<&str>) -> Result<String, BuildError> {
    let supported: &[&str] = match compiler {
        Compiler::Go => &["wasip1", "js"],
        Compiler::TinyGo => &["wasm", "wasip1", "wasi", "wasip2", "wasm-unknown"],
    };
    let target = target.unwrap_or(default_target(compiler));
    if target == "wasip2" {
        return Err(BuildError::Wasip2);
    }
    if supported.contains(&target) {
        Ok(target.to_string())
    } else {
        Err(BuildError::BadTarget {
            target: target.to_string(),
            compiler: compiler.name(),
            supported: match compiler {
                Compiler::Go => "wasip1 (or js)",
                Compiler::TinyGo => "wasm, wasip1, wasi or wasm-unknown",
            },
        })
    }
}
