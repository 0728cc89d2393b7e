//! Stress, through the real binary: a 50 MB module with 100 000 functions, and 1 GiB of output
//! passed through or captured. Each ends with a clear outcome, and gowasm's memory (measured with
//! wait4) stays bounded.

mod common;

use common::*;
use wasm_encoder::{
    CodeSection, ConstExpr, DataSection, EntityType, ExportKind, ExportSection, Function,
    FunctionSection, ImportSection, IndirectNameMap, Instruction, MemorySection, MemoryType,
    Module, NameMap, NameSection, TypeSection, ValType,
};

const FUNCTIONS: u32 = 100_000;
const DATA_BYTES: usize = 48 << 20;

/// `_start` calls the last of 100 000 small functions and checks the last byte of a 48 MiB data
/// segment, then exits with 42 when both are right.
fn big_module() -> Vec<u8> {
    let mut types = TypeSection::new();
    types.ty().function([], [ValType::I32]); // 0: each small function
    types.ty().function([ValType::I32], []); // 1: proc_exit
    types.ty().function([], []); // 2: _start
    let mut imports = ImportSection::new();
    imports.import(
        "wasi_snapshot_preview1",
        "proc_exit",
        EntityType::Function(1),
    );
    let mut functions = FunctionSection::new();
    let mut code = CodeSection::new();
    let mut names = NameMap::new();
    names.append(0, "proc_exit");
    for i in 0..FUNCTIONS {
        functions.function(0);
        let mut f = Function::new([]);
        f.instruction(&Instruction::I32Const(i as i32))
            .instruction(&Instruction::I32Const(7))
            .instruction(&Instruction::I32Add)
            .instruction(&Instruction::End);
        code.function(&f);
        names.append(i + 1, &format!("main.generated{i}"));
    }
    functions.function(2);
    let start_index = FUNCTIONS + 1;
    names.append(start_index, "_start");
    let mut start = Function::new([]);
    // last() == FUNCTIONS - 1 + 7; the data's last byte is 0x5a. 42 when both hold.
    start
        .instruction(&Instruction::Call(FUNCTIONS))
        .instruction(&Instruction::I32Const(FUNCTIONS as i32 + 6))
        .instruction(&Instruction::I32Eq)
        .instruction(&Instruction::I32Const(DATA_BYTES as i32 - 1))
        .instruction(&Instruction::I32Load8U(wasm_encoder::MemArg {
            offset: 0,
            align: 0,
            memory_index: 0,
        }))
        .instruction(&Instruction::I32Const(0x5a))
        .instruction(&Instruction::I32Eq)
        .instruction(&Instruction::I32And)
        .instruction(&Instruction::I32Const(41))
        .instruction(&Instruction::I32Add)
        .instruction(&Instruction::Call(0))
        .instruction(&Instruction::End);
    code.function(&start);
    let mut memories = MemorySection::new();
    let pages = (DATA_BYTES as u64).div_ceil(65536);
    memories.memory(MemoryType {
        minimum: pages,
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    let mut exports = ExportSection::new();
    exports.export("_start", ExportKind::Func, start_index);
    exports.export("memory", ExportKind::Memory, 0);
    let mut data = DataSection::new();
    let mut bytes: Vec<u8> = (0..DATA_BYTES).map(|i| (i % 251) as u8).collect();
    *bytes.last_mut().unwrap() = 0x5a;
    data.active(0, &ConstExpr::i32_const(0), bytes);
    let mut name_section = NameSection::new();
    name_section.functions(&names);
    name_section.locals(&IndirectNameMap::new());

    let mut module = Module::new();
    module
        .section(&types)
        .section(&imports)
        .section(&functions)
        .section(&memories)
        .section(&exports)
        .section(&code)
        .section(&data)
        .section(&name_section);
    module.finish()
}

#[test]
fn a_50_mb_module_with_100_000_functions_inspects_and_runs_in_every_mode() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = dir.path().join("big.wasm");
    let bytes = big_module();
    assert!(bytes.len() > 50_000_000, "{} bytes", bytes.len());
    std::fs::write(&wasm, &bytes).unwrap();

    let mut c = gowasm();
    c.args(["inspect", "--json", "--top", "3"]).arg(&wasm);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["defined_functions"], FUNCTIONS + 1);
    assert_eq!(report["data_bytes"], DATA_BYTES as u64);
    assert_eq!(report["largest_functions"][0]["name"], "_start");

    for mode in ["interp", "baseline", "aot"] {
        let started = std::time::Instant::now();
        let mut c = gowasm();
        c.args(["run", "-q", "--no-stdin", "--mode", mode])
            .arg(&wasm);
        let out = run(c);
        assert_eq!(code(&out), 42, "{mode}: {}", stderr(&out));
        eprintln!("{mode}: {:?}", started.elapsed());
    }
}

/// 1 GiB in 64 KiB blocks, passed straight through to a pipe, every byte accounted for.
#[test]
fn a_gigabyte_of_output_passes_through() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = build_wasm(&sample("spew"), dir.path());
    let mut c = gowasm();
    c.args(["run", "-q", "--no-stdin", "--mode", "aot"])
        .arg(&wasm)
        .args(["--", "1024"]);
    let (mut total, mut tail) = (0u64, Vec::new());
    let (code, rss) = run_measured(c, |bytes| {
        total += bytes.len() as u64;
        tail.extend_from_slice(bytes);
        tail.drain(..tail.len().saturating_sub(64));
    });
    assert_eq!(code, 0);
    assert_eq!(total, 1 << 30);
    assert!(
        String::from_utf8_lossy(&tail).starts_with("line 0016777215 "),
        "{}",
        String::from_utf8_lossy(&tail)
    );
    eprintln!("1 GiB passed through, max RSS {} MiB", rss >> 20);
    assert!(rss < 300 << 20, "max RSS {} MiB", rss >> 20);
}

/// `--json` of a 1 GiB flood keeps the first 64 MiB, says how much there was, and costs gowasm a
/// few hundred megabytes, not gigabytes.
#[test]
fn json_capture_of_a_flood_is_capped() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = build_wasm(&sample("spew"), dir.path());
    let mut c = gowasm();
    c.args(["run", "--json", "--mode", "aot"])
        .arg(&wasm)
        .args(["--", "1024"]);
    let mut json = Vec::new();
    let (code, rss) = run_measured(c, |bytes| json.extend_from_slice(bytes));
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let r = &doc["runs"][0];
    assert_eq!(r["stdout_bytes"], 1u64 << 30);
    assert_eq!(r["stdout_truncated"], true);
    assert_eq!(r["stdout"].as_str().unwrap().len(), 64 << 20);
    eprintln!("--json of 1 GiB, max RSS {} MiB", rss >> 20);
    assert!(rss < 400 << 20, "max RSS {} MiB", rss >> 20);
}
