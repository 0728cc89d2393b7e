//! opt's compiles: wasmer's LLVM runs in its own process, `gowasm-opt`, which reads a module on
//! stdin and writes wasmer's serialized artifact on stdout. Linking libLLVM into gowasm itself
//! would cost every run of gowasm about 10 ms of loading and relocating it, and opt's artifacts
//! load without it: a wasmer artifact holds machine code, whichever compiler made it.

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use wasmer::sys::{CompilerConfig, EngineBuilder, NativeEngineExt};
use wasmer::{Engine, Module};

use super::tunables::CappedTunables;
use crate::engine::{EngineError, MAX_WASM_STACK};
use crate::inspect;

/// The name of the compiler's program, looked for beside gowasm's own.
pub const PROGRAM: &str = "gowasm-opt";

/// What opt's compiler is, for the cache's engine identity: change it with gowasm-opt's settings.
const COMPILER_ID: &str = "llvm-O3-generic-one-eh-list-offsets";

/// gowasm-opt's flag for [`Memory::Go`].
pub const GO_MEMORY_FLAG: &str = "--go-memory";

/// How LLVM may treat a module's linear memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Memory {
    /// Every load and store stays where the module put it (LLVM's `volatile`), so an access out
    /// of bounds traps even when nothing uses its value, as in the other modes.
    Strict,
    /// As ordinary memory (wasmer's non-volatile memory operations): LLVM may forward a stored
    /// value to a load, and drop a load whose value is unused. For modules from Go's and TinyGo's
    /// compilers, which check bounds and nil pointers in the code they emit and never rely on
    /// WebAssembly's out-of-bounds trap: what differs is only that such a program reading outside
    /// its memory, through `unsafe`, and not using what it read, may not trap.
    Go,
}

impl Memory {
    /// [`Memory::Go`] for what Go or TinyGo built, [`Memory::Strict`] for anything else.
    pub fn for_module(report: &inspect::Report) -> Self {
        match report.toolchain.name.as_str() {
            "go" | "tinygo" => Memory::Go,
            _ => Memory::Strict,
        }
    }

    /// The compiler's part of the cache's engine identity.
    pub fn compiler_id(self) -> String {
        match self {
            Memory::Strict => COMPILER_ID.to_string(),
            Memory::Go => format!("{COMPILER_ID}-go-memory"),
        }
    }
}

/// gowasm-opt's exit code when the module itself is refused.
pub const EXIT_INVALID: u8 = 3;

/// Compiles `bytes` with `compiler` and gowasm's tunables (as [`super::make_engine`] sets them)
/// into wasmer's serialized artifact: gowasm-opt's whole work, and aot's on a cache miss.
pub fn serialize_artifact(
    compiler: Box<dyn CompilerConfig>,
    bytes: &[u8],
    max_memory: u64,
) -> Result<Vec<u8>, EngineError> {
    let mut engine: Engine = EngineBuilder::new(compiler).into();
    engine.set_tunables(CappedTunables::new(
        max_memory,
        MAX_WASM_STACK,
        Arc::new(AtomicBool::new(false)),
    ));
    let module = Module::new(&engine, bytes).map_err(|e| EngineError::Invalid(e.to_string()))?;
    let artifact = module
        .serialize()
        .map_err(|e| EngineError::Setup(format!("could not serialize the artifact: {e}")))?;
    Ok(artifact.to_vec())
}

/// Compiles `bytes` in gowasm-opt and loads the artifact into `engine`.
pub(super) fn compile(
    engine: &Engine,
    bytes: &[u8],
    max_memory: u64,
    memory: Memory,
) -> Result<Module, EngineError> {
    let program = program()?;
    let mut command = Command::new(&program);
    // SAFETY: prctl is async-signal-safe. The compiler dies with the thread that waits for it,
    // so a workbench that quits does not leave LLVM compiling.
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    let mut child = command
        .arg("--max-memory")
        .arg(max_memory.to_string())
        .args((memory == Memory::Go).then_some(GO_MEMORY_FLAG))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| EngineError::Setup(format!("cannot start {}: {e}", program.display())))?;
    let mut stdin = child.stdin.take().expect("piped");
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    // The module goes in while the artifact comes out: neither pipe may fill and block the other.
    let (artifact, message) = std::thread::scope(|s| {
        s.spawn(move || {
            // A compiler that exits early says why on stderr; a broken pipe adds nothing.
            let _ = stdin.write_all(bytes);
        });
        let message = s.spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let mut artifact = Vec::new();
        let read = stdout.read_to_end(&mut artifact);
        (read.map(|_| artifact), message.join().unwrap_or_default())
    });
    let status = child
        .wait()
        .map_err(|e| EngineError::Setup(format!("{PROGRAM}: {e}")))?;
    let message = message.trim();
    match status.code() {
        Some(0) => {}
        Some(code) if code == i32::from(EXIT_INVALID) => {
            return Err(EngineError::Invalid(message.to_string()));
        }
        _ => {
            return Err(EngineError::Setup(format!(
                "{PROGRAM} failed ({status}): {}",
                if message.is_empty() {
                    "no message"
                } else {
                    message
                }
            )));
        }
    }
    let artifact = artifact.map_err(|e| EngineError::Setup(format!("{PROGRAM}'s output: {e}")))?;
    // SAFETY: the bytes are wasmer's own serialization, made by gowasm-opt from this gowasm's
    // build; `deserialize` (unlike `deserialize_unchecked`) still validates their layout.
    unsafe { Module::deserialize(engine, artifact) }
        .map_err(|e| EngineError::Setup(format!("cannot load {PROGRAM}'s artifact: {e}")))
}

/// gowasm-opt: `GOWASM_OPT` when set, else beside gowasm's own program (or, for a test binary
/// in `target/*/deps`, one folder up), else on PATH.
fn program() -> Result<PathBuf, EngineError> {
    if let Some(path) = std::env::var_os("GOWASM_OPT") {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe().ok();
    let mut beside = exe
        .as_deref()
        .and_then(|e| e.parent())
        .into_iter()
        .flat_map(|dir| {
            [
                dir.join(PROGRAM),
                dir.parent().map(|up| up.join(PROGRAM)).unwrap_or_default(),
            ]
        });
    beside
        .find(|p| p.is_file())
        .or_else(|| which::which(PROGRAM).ok())
        .ok_or_else(|| {
            EngineError::Setup(format!(
                "opt needs {PROGRAM}, which is not beside gowasm nor on PATH; hint: build it \
                 with gowasm (`cargo build`, the default `llvm` feature; LLVM 22 from \
                 scripts/setup)"
            ))
        })
}
