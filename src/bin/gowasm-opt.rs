//! gowasm-opt: opt's compiler, wasmer's LLVM at -O3, in a process of its own so that gowasm
//! itself never loads libLLVM (`src/engine/native/opt.rs`). Reads a module on stdin and writes
//! wasmer's serialized artifact on stdout; `--max-memory BYTES` as gowasm's run was given.

use std::io::{Read, Write};
use std::process::ExitCode;

use gowasm::engine::{EngineError, opt};
use wasmer_compiler_llvm::{LLVM, LLVMOptLevel};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["--max-memory", bytes] => bytes.parse().ok().map(|b| (b, opt::Memory::Strict)),
        ["--max-memory", bytes, flag] if flag == opt::GO_MEMORY_FLAG => {
            bytes.parse().ok().map(|b| (b, opt::Memory::Go))
        }
        _ => None,
    };
    let Some((max_memory, memory)) = parsed else {
        eprintln!(
            "usage: {} --max-memory BYTES [{}] < module.wasm > artifact",
            opt::PROGRAM,
            opt::GO_MEMORY_FLAG
        );
        return ExitCode::from(2);
    };
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
        eprintln!("{}: cannot read the module: {e}", opt::PROGRAM);
        return ExitCode::FAILURE;
    }
    let mut compiler = LLVM::new();
    compiler.opt_level(LLVMOptLevel::Aggressive);
    // Only for Go's and TinyGo's modules (opt::Memory::Go): 3-10% off gobench's run phases, but
    // LLVM then drops loads whose value is unused, and the differential test's modules, which
    // rely on out-of-bounds traps, return values instead of trapping. Not
    // `readonly_funcref_table`: no change measured on gobench (docs/figures.md).
    compiler.non_volatile_memops(memory == opt::Memory::Go);
    // Each function's code offsets, for traps' lines (patched/README.md).
    compiler.wasm_offset_lines(true);
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
