//! `gowasm image --exit-return`: a Go module whose `exit(0)` returns from `_start` instead of
//! calling WASI's `proc_exit(0)`.
//!
//! crun's Wasm handlers (wasmtime's in crun 1.27) treat any trap out of `_start`, the
//! `proc_exit` "trap" included, as a failure: every Go container exits 1, even on success (see
//! docs/upstream.md). Go's runtime always ends with `proc_exit`, also for 0. Go's own wasm ABI
//! has a way out: a Go function that returns 1 unwinds the whole wasm stack to
//! `wasm_pc_f_loop`, which returns once the `PAUSE` global is set, and `_start` then returns as
//! a plain command does. So `runtime.exit` (the wrapper around the `proc_exit` import) gets a
//! prologue: for code 0, pop its return PC as the wrapper does, set `PAUSE`, and return 1. Any
//! other code still calls `proc_exit`, which crun reports as 1.
//!
//! Only a module of Go's own shape is rewritten: a pclntab naming `runtime.exit`, whose body
//! calls the `proc_exit` import, and global 7 (`PAUSE` in the linker of every Go from 1.21 to 1.27:
//! cmd/link/internal/wasm/asm.go `globalRegs`) a mutable i32.
//! Anything else is refused in a line; nothing else in the module changes.

use gowasm_inspect::write_uleb128;
use wasmparser::{ExternalKind, GlobalType, Operator, Parser, Payload, TypeRef, ValType};

/// Go's linker: globals SP (0), CTXT, g, RET0–RET3, PAUSE (7).
const GO_SP: u8 = 0;
const GO_PAUSE: u8 = 7;

/// The prologue: `if i32.load offset=8 (SP) == 0 { PAUSE = 1; SP += 8; return 1 }`.
const PROLOGUE: [u8; 23] = [
    0x23, GO_SP, // global.get SP
    0x28, 0x02, 0x08, // i32.load align=4 offset=8: the exit code
    0x45, // i32.eqz
    0x04, 0x40, // if
    0x41, 0x01, // i32.const 1
    0x24, GO_PAUSE, // global.set PAUSE
    0x23, GO_SP, // global.get SP
    0x41, 0x08, // i32.const 8
    0x6a, // i32.add
    0x24, GO_SP, // global.set SP: the wrapper's own pop of its return PC
    0x41, 0x01, // i32.const 1: unwind to wasm_pc_f_loop
    0x0f, // return
    0x0b, // end
];

/// The module with `exit(0)` returning from `_start`; an error says why a module is not one
/// gowasm can rewrite.
#[expect(
    clippy::too_many_lines,
    reason = "one pass over the module's sections, an arm per section it reads"
)]
pub fn exit_return(module: &[u8]) -> Result<Vec<u8>, String> {
    let not_go =
        |why: &str| format!("--exit-return needs a Go wasip1 module (Go 1.21 or newer): {why}");
    let anatomy = gowasm_inspect::anatomy::anatomy(module).map_err(|e| e.to_string())?;
    if anatomy.pclntab_span.is_none() {
        return Err(not_go("it has no Go symbol table"));
    }
    let exit = anatomy
        .functions
        .iter()
        .find(|f| f.name == "runtime.exit")
        .ok_or_else(|| not_go("no runtime.exit"))?
        .index;
    let mut proc_exit = None;
    let mut imported = 0u32;
    let mut pause_ok = false;
    let mut has_start = false;
    let mut body = None;
    let mut code_section = None;
    let mut defined = 0u32;
    for payload in Parser::new(0).parse_all(module) {
        match payload.map_err(|e| e.to_string())? {
            Payload::ImportSection(r) => {
                for import in r.into_imports() {
                    let import = import.map_err(|e| e.to_string())?;
                    if let TypeRef::Func(_) | TypeRef::FuncExact(_) = import.ty {
                        if import.module == "wasi_snapshot_preview1" && import.name == "proc_exit" {
                            proc_exit = Some(imported);
                        }
                        imported += 1;
                    }
                }
            }
            Payload::GlobalSection(r) => {
                for (i, g) in r.into_iter().enumerate() {
                    let g = g.map_err(|e| e.to_string())?;
                    if i == usize::from(GO_PAUSE) {
                        pause_ok = matches!(
                            g.ty,
                            GlobalType {
                                content_type: ValType::I32,
                                mutable: true,
                                ..
                            }
                        );
                    }
                }
            }
            Payload::ExportSection(r) => {
                for e in r {
                    let e = e.map_err(|e| e.to_string())?;
                    has_start |= e.name == "_start" && e.kind == ExternalKind::Func;
                }
            }
            Payload::CodeSectionStart { range, .. } => code_section = Some(range),
            Payload::CodeSectionEntry(b) => {
                if imported + defined == exit {
                    let calls_proc_exit = b
                        .get_operators_reader()
                        .map_err(|e| e.to_string())?
                        .into_iter()
                        .any(|op| matches!(op, Ok(Operator::Call { function_index }) if Some(function_index) == proc_exit));
                    let mut locals = b.get_locals_reader().map_err(|e| e.to_string())?;
                    for _ in 0..locals.get_count() {
                        locals.read().map_err(|e| e.to_string())?;
                    }
                    let code_start = locals.original_position();
                    body = Some((b.range(), code_start, calls_proc_exit));
                }
                defined += 1;
            }
            _ => {}
        }
    }
    if !pause_ok || !has_start {
        return Err(not_go("no PAUSE global or no _start"));
    }
    let (range, instructions, calls) = body.ok_or_else(|| not_go("no body for runtime.exit"))?;
    if !calls {
        return Err(not_go("runtime.exit does not call proc_exit"));
    }
    let section = code_section.ok_or_else(|| not_go("no code section"))?;
    splice(module, section, range, instructions)
}

/// The module with `PROLOGUE` inserted at `at` (in the body `body`, in the code section
/// `section`), and the body's and the section's sizes grown to match.
fn splice(
    module: &[u8],
    section: std::ops::Range<u64>,
    body: std::ops::Range<u64>,
    at: u64,
) -> Result<Vec<u8>, String> {
    let u = |x: u64| usize::try_from(x).map_err(|_| "offset out of range".to_string());
    let section = u(section.start)?..u(section.end)?;
    let body = u(body.start)?..u(body.end)?;
    let at = u(at)?;
    // The section's header: its id byte and size LEB, just before its contents.
    let id_at = header_of(module, section.start)?;
    let body_size_at = leb_start(module, body.start)?;
    let mut out = Vec::with_capacity(module.len() + PROLOGUE.len() + 10);
    out.extend_from_slice(&module[..id_at + 1]);
    write_uleb128(
        &mut out,
        (section.len() + PROLOGUE.len() + grown(body.len())) as u64,
    );
    out.extend_from_slice(&module[section.start..body_size_at]);
    write_uleb128(&mut out, (body.len() + PROLOGUE.len()) as u64);
    out.extend_from_slice(&module[body.start..at]);
    out.extend_from_slice(&PROLOGUE);
    out.extend_from_slice(&module[at..]);
    Ok(out)
}

/// How many bytes the body's size LEB grows by.
fn grown(len: usize) -> usize {
    leb_len((len + PROLOGUE.len()) as u64) - leb_len(len as u64)
}

fn leb_len(mut n: u64) -> usize {
    let mut k = 1;
    while n >= 0x80 {
        n >>= 7;
        k += 1;
    }
    k
}

/// Where the LEB that ends just before `end` starts (its bytes have the high bit set but the
/// last).
fn leb_start(module: &[u8], end: usize) -> Result<usize, String> {
    let mut k = end.checked_sub(1).ok_or("no size before a body")?;
    while k > 0 && module[k - 1] & 0x80 != 0 {
        k -= 1;
    }
    Ok(k)
}

/// The code section's id byte's offset, from where its contents start.
fn header_of(module: &[u8], contents: usize) -> Result<usize, String> {
    let size_at = leb_start(module, contents)?;
    let id_at = size_at.checked_sub(1).ok_or("no section id")?;
    if module[id_at] != 10 {
        return Err("the code section's header is not where it should be".into());
    }
    Ok(id_at)
}
