//! gowasm-opt: opt's compiler, wasmer's LLVM at -O3, in a process of its own so that gowasm
//! itself never loads libLLVM (`src/engine/native/opt.rs`). Reads a module on stdin and writes
//! wasmer's serialized artifact on stdout; `--max-memory BYTES` as gowasm's run was given.

use std::io::{Read, Write};
use std::process::ExitCode;

use gowasm::engine::{EngineError, opt};
use wasmer_compiler_llvm::{LLVM, LLVMOptLevel};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let max_memory = match (
        args.next().as_deref(),
        args.next().map(|n| n.parse::<u64>()),
    ) {
        (Some("--max-memory"), Some(Ok(bytes))) => bytes,
        _ => {
            eprintln!(
                "usage: {} --max-memory BYTES < module.wasm > artifact",
                opt::PROGRAM
            );
            return ExitCode::from(2);
        }
    };
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
        eprintln!("{}: cannot read the module: {e}", opt::PROGRAM);
        return ExitCode::FAILURE;
    }
    let mut compiler = LLVM::new();
    compiler.opt_level(LLVMOptLevel::Aggressive);
    // Not `non_volatile_memops`: 3-10% off gobench's run phases, but LLVM then drops or moves
    // loads that would trap out of bounds, and the differential test finds calls that return
    // values instead of trapping. Nor `readonly_funcref_table`: no change measured on gobench
    // (docs/figures.md).
    match opt::serialize_artifact(Box::new(compiler), &bytes, max_memory) {
        Ok(artifact) => match std::io::stdout().lock().write_all(&artifact) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{}: cannot write the artifact: {e}", opt::PROGRAM);
                ExitCode::FAILURE
            }
        },
        Err(EngineError::Invalid(message)) => {
            eprintln!("{message}");
            ExitCode::from(opt::EXIT_INVALID)
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
