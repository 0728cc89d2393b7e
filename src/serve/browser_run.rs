//! One run of a browser program in a headless Chromium, as a run in gowasm's own JS host is
//! one: `gowasm run --browser FILE.wasm -- ARGS` (and `go test` through the exec link with
//! `GOWASM_EXEC_FLAGS=--browser`), for the programs and tests that need a DOM. The module is
//! served with its toolchain's `wasm_exec.js` on gowasm's own page, which gives it the
//! arguments and environment; what it writes comes back; its exit code ends the run.

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::browser::Headless;
use super::{Build, PageEvent, ServeConfig, Server, wasm_exec};
use crate::build::{Compiler, Toolchain, find_toolchain, installed_gos};
use crate::inspect::triage::JsAbi;

/// How long Chromium may take to load the page.
const LOAD_WAIT: Duration = Duration::from_secs(60);

/// How a run in the browser ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrowserOutcome {
    /// The program exited with this code.
    Exited(i32),
    /// The page failed (an uncaught error, the module not starting).
    Failed(String),
    TimedOut(Duration),
}

/// Runs the module at `path` in a headless Chromium with `argv` (after its name) and `env`;
/// `emit` gets every event of the page as it comes.
pub fn run_in_browser(
    path: &Path,
    argv: &[String],
    env: &[(String, String)],
    timeout: Option<Duration>,
    emit: impl Fn(&PageEvent),
) -> Result<BrowserOutcome, String> {
    let wasm = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let module = crate::engine::load(wasm.clone(), Duration::ZERO).map_err(|e| e.to_string())?;
    let (toolchain, wasm_exec, warning) = toolchain_for(&module, path)?;
    if let Some(text) = warning {
        emit(&PageEvent::Console {
            level: "warn".into(),
            text,
        });
    }
    let empty = tempfile::tempdir().map_err(|e| e.to_string())?;
    let (tx, rx) = mpsc::channel();
    let server = Server::start(
        ServeConfig {
            root: empty.path().to_path_buf(),
            port: 0,
            name: path
                .file_stem()
                .map_or_else(|| "main".into(), |s| s.to_string_lossy().into_owned()),
            argv: argv.to_vec(),
            env: env.to_vec(),
        },
        move |e| {
            let _ = tx.send(e.event);
        },
    )?;
    server.publish(Build {
        wasm,
        wasm_exec,
        toolchain: format!("{} {}", toolchain.compiler.name(), toolchain.version),
        saved_at: None,
    });
    let browser = Headless::open(&server.url(), &[])?;
    wait_for_the_end(browser, &rx, timeout, emit)
}

/// The page's events until the program exits or the page fails (or Chromium does, or time is
/// up), each given to `emit`.
fn wait_for_the_end(
    mut browser: Headless,
    rx: &mpsc::Receiver<PageEvent>,
    timeout: Option<Duration>,
    emit: impl Fn(&PageEvent),
) -> Result<BrowserOutcome, String> {
    let started = Instant::now();
    let mut loaded = false;
    loop {
        if let Some(t) = timeout
            && started.elapsed() >= t
        {
            return Ok(BrowserOutcome::TimedOut(t));
        }
        if let Some(why) = browser.ended() {
            return Ok(BrowserOutcome::Failed(why));
        }
        if !loaded && started.elapsed() > LOAD_WAIT {
            return Ok(BrowserOutcome::Failed(format!(
                "the page did not load in Chromium within {} s",
                LOAD_WAIT.as_secs()
            )));
        }
        let event = match rx.recv_timeout(Duration::from_millis(250)) {
            Ok(e) => e,
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Ok(BrowserOutcome::Failed("the page's server stopped".into()));
            }
        };
        emit(&event);
        match event {
            PageEvent::Load { .. } => loaded = true,
            PageEvent::Exit { code } => return Ok(BrowserOutcome::Exited(code)),
            PageEvent::Error { text } => return Ok(BrowserOutcome::Failed(text)),
            _ => {}
        }
    }
}

/// The toolchain whose `wasm_exec.js` fits `module`, that file, and a warning when it may not:
/// Go's changes between releases, so the module's own release's where it is installed here.
fn toolchain_for(
    module: &crate::engine::LoadedModule,
    path: &Path,
) -> Result<(Toolchain, Vec<u8>, Option<String>), String> {
    let compiler = match module.needs.js {
        Some(JsAbi::Go) => Compiler::Go,
        Some(JsAbi::TinyGo) => Compiler::TinyGo,
        None => {
            return Err(format!(
                "{} is not a browser program (it does not import Go's or TinyGo's JavaScript ABI): build it with GOOS=js or TinyGo's -target wasm",
                path.display()
            ));
        }
    };
    let made_by = module.report.toolchain.version.clone();
    let same_go = (compiler == Compiler::Go)
        .then(|| {
            installed_gos()
                .into_iter()
                .find(|t| Some(&t.version) == made_by.as_ref())
        })
        .flatten();
    let toolchain = match same_go {
        Some(t) => t,
        None => find_toolchain(Some(compiler)).map_err(|e| e.to_string())?,
    };
    let warning = made_by
        .filter(|v| compiler == Compiler::Go && *v != toolchain.version)
        .map(|v| {
            format!(
                "gowasm: the module is from {v}, which is not installed here: {}'s wasm_exec.js may not fit it",
                toolchain.version
            )
        });
    let wasm_exec = std::fs::read(wasm_exec::find(&toolchain)?).map_err(|e| e.to_string())?;
    Ok((toolchain, wasm_exec, warning))
}
