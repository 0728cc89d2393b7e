//! The rewrite that lets the host sample a Go module: a global (exported as [`TICK_EXPORT`]),
//! an import `gowasm_prof.sample`, and checks in each of Go's functions at the points that say
//! whose time it is ([`Site`]): its entry and before each `return`, and where lines are asked
//! for, after its dispatch `loop` too (cmd/internal/obj/wasm: a Go jump is `PC_B = target; br
//! entryPointLoop`, so every jump passes there).
//!
//! Entries and returns are enough to give each function its time: between two checks only one
//! function runs (a call is an entry, the end of one a return), so a sample due meanwhile goes
//! to it at its next check, weighing the CPU time since the last. Checks at jumps add the line
//! within the function, at a cost: every loop iteration checks (gobench's run phase in aot:
//! 1.1–1.6× with them, 1.0–1.15× without). A check is one of two [`Style`]s:
//!
//! ```text
//! Flag: a thread of the host's sets $tick     Countdown: the host is called every so often
//! global.get $tick                            global.get $tick
//! if                                          i32.eqz
//!   <call>                                    if
//! end                                           <call>
//!                                             else
//!                                               global.get $tick i32.const 1 i32.sub global.set $tick
//!                                             end
//! <call>: i32.const <site> i32.const <function> local.get 0 (PC_B) global.get 0 (SP)
//!         global.get 2 (g) call $sample global.set $tick   (the host gives the next value)
//! ```
//!
//! The import comes after the module's own, so each defined function's index moves up by one
//! (calls, tables, exports, names follow); Go's own numbering, by defined function, does not
//! change, nor does any global's or the code's meaning.

use std::collections::HashSet;

use wasm_encoder::reencode::{Error, Reencode, utils};
use wasm_encoder::{BlockType, ConstExpr, EntityType, GlobalType, Instruction, ValType};
use wasmparser::{Operator, Parser, Payload, TypeRef};

/// How the module's checks decide to call the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// When the host has set the tick global (from another thread): a sample is taken at the
    /// first check after each tick. For engines whose globals the host can write while the
    /// guest runs (wasmer).
    Flag,
    /// When a countdown reaches zero; the host then looks at the clock. Samples fall on
    /// checks, so code that checks often is a little favoured (wasmi).
    Countdown,
}

/// The tick global's export.
pub const TICK_EXPORT: &str = "gowasm_prof_tick";

/// Where the host's sampler is imported from.
pub const IMPORT_MODULE: &str = "gowasm_prof";
pub const IMPORT_NAME: &str = "sample";
/// Checks before the first call into the host.
pub const FIRST_COUNTDOWN: i32 = 1000;

/// Where a check is: what ran since the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Site {
    /// A function's first instruction: its caller ran (or, resuming a goroutine, the runtime).
    Entry = 0,
    /// The dispatch loop's head, reached by every jump: the function itself ran.
    Jump = 1,
    /// Before a `return`, its frame popped: the function itself ran.
    Return = 2,
    /// Before a call (modules with a shadow stack, [`super::instrument_wasm`]): the function
    /// itself ran.
    Call = 3,
}

impl Site {
    pub fn from_i32(v: i32) -> Option<Site> {
        [Site::Entry, Site::Jump, Site::Return, Site::Call]
            .into_iter()
            .find(|s| *s as i32 == v)
    }
}

/// The sampler's type: `(site, function, pc_b or offset, sp or slot, g) -> next tick`.
pub(super) fn add_sample_type(types: &mut wasm_encoder::TypeSection) {
    let i32 = ValType::I32;
    types
        .ty()
        .function([i32, i32, i32, i32, ValType::I64], [i32]);
}

/// The sampler's import, of type `ty`.
pub(super) fn add_sample_import(imports: &mut wasm_encoder::ImportSection, ty: u32) {
    imports.import(IMPORT_MODULE, IMPORT_NAME, EntityType::Function(ty));
}

/// A mutable i32 global holding `value` at first.
pub(super) fn add_i32_global(globals: &mut wasm_encoder::GlobalSection, value: i32) {
    let ty = GlobalType {
        val_type: ValType::I32,
        mutable: true,
        shared: false,
    };
    globals.global(ty, &ConstExpr::i32_const(value));
}

/// The tick global's first value.
pub(super) fn first_tick(style: Style) -> i32 {
    match style {
        Style::Countdown => FIRST_COUNTDOWN,
        Style::Flag => 0,
    }
}

/// Go's globals (cmd/link/internal/wasm `writeGlobalSec`): SP, CTXT, g, ...
const GLOBAL_SP: u32 = 0;
const GLOBAL_G: u32 = 2;

/// `bytes` with checks in the defined functions `go_functions` names (Go's, by defined
/// index) that take and return an i32 (`PC_B` and "unwind", Go's wasm calling convention).
pub fn instrument(
    bytes: &[u8],
    go_functions: &HashSet<u32>,
    style: Style,
    jumps: bool,
) -> Result<Vec<u8>, String> {
    let shape = Shape::read(bytes)?;
    let mut rewriter = Rewriter {
        style,
        jumps,
        go_functions,
        next_body: 0,
        sample: shape.imported_functions,
        sample_type: shape.types.len() as u32,
        countdown: shape.globals.len() as u32,
        shape,
        instrumented: 0,
    };
    let mut module = wasm_encoder::Module::new();
    rewriter
        .parse_core_module(&mut module, Parser::new(0), bytes)
        .map_err(|e| format!("cannot instrument the module: {e}"))?;
    if rewriter.instrumented == 0 {
        return Err("none of the module's functions is one of Go's".into());
    }
    Ok(module.finish())
}

/// What the rewrite needs to know before it starts.
struct Shape {
    imported_functions: u32,
    /// Each type: whether it is `(i32) -> i32`.
    types: Vec<bool>,
    /// Each defined function's type.
    functions: Vec<u32>,
    /// Each global's value type, imported ones first.
    globals: Vec<wasmparser::ValType>,
    has_imports: bool,
    has_exports: bool,
}

impl Shape {
    fn read(bytes: &[u8]) -> Result<Shape, String> {
        let mut shape = Shape {
            imported_functions: 0,
            types: vec![],
            functions: vec![],
            globals: vec![],
            has_imports: false,
            has_exports: false,
        };
        let bad = |e: wasmparser::BinaryReaderError| format!("cannot instrument the module: {e}");
        for payload in Parser::new(0).parse_all(bytes) {
            match payload.map_err(bad)? {
                Payload::TypeSection(r) => {
                    for ty in r.into_iter_err_on_gc_types() {
                        let ty = ty.map_err(bad)?;
                        shape.types.push(
                            ty.params() == [wasmparser::ValType::I32]
                                && ty.results() == [wasmparser::ValType::I32],
                        );
                    }
                }
                Payload::ImportSection(r) => {
                    shape.has_imports = true;
                    for import in r.into_imports() {
                        match import.map_err(bad)?.ty {
                            TypeRef::Func(_) | TypeRef::FuncExact(_) => {
                                shape.imported_functions += 1
                            }
                            TypeRef::Global(g) => shape.globals.push(g.content_type),
                            _ => {}
                        }
                    }
                }
                Payload::FunctionSection(r) => {
                    for ty in r {
                        shape.functions.push(ty.map_err(bad)?);
                    }
                }
                Payload::ExportSection(_) => shape.has_exports = true,
                Payload::GlobalSection(r) => {
                    for g in r {
                        shape.globals.push(g.map_err(bad)?.ty.content_type);
                    }
                }
                _ => {}
            }
        }
        let go_globals = shape.globals.get(GLOBAL_SP as usize) == Some(&wasmparser::ValType::I32)
            && shape.globals.get(GLOBAL_G as usize) == Some(&wasmparser::ValType::I64);
        if !go_globals || !shape.has_imports || !shape.has_exports || shape.types.is_empty() {
            return Err("the module does not have Go's globals and imports".into());
        }
        Ok(shape)
    }
}

struct Rewriter<'a> {
    style: Style,
    /// Checks at the dispatch loop too (see [`Site::Jump`]).
    jumps: bool,
    shape: Shape,
    go_functions: &'a HashSet<u32>,
    next_body: u32,
    /// The sampler's function index (the last import).
    sample: u32,
    sample_type: u32,
    countdown: u32,
    instrumented: usize,
}

impl Rewriter<'_> {
    fn check(&self, site: Site, function: u32) -> Vec<Instruction<'static>> {
        let tick = self.countdown;
        let mut out = vec![Instruction::GlobalGet(tick)];
        if self.style == Style::Countdown {
            out.push(Instruction::I32Eqz);
        }
        out.extend([
            Instruction::If(BlockType::Empty),
            Instruction::I32Const(site as i32),
            Instruction::I32Const(function as i32),
            Instruction::LocalGet(0),
            Instruction::GlobalGet(GLOBAL_SP),
            Instruction::GlobalGet(GLOBAL_G),
            Instruction::Call(self.sample),
            Instruction::GlobalSet(tick),
        ]);
        if self.style == Style::Countdown {
            out.extend([
                Instruction::Else,
                Instruction::GlobalGet(tick),
                Instruction::I32Const(1),
                Instruction::I32Sub,
                Instruction::GlobalSet(tick),
            ]);
        }
        out.push(Instruction::End);
        out
    }
}

impl Reencode for Rewriter<'_> {
    type Error = std::convert::Infallible;

    fn function_index(&mut self, func: u32) -> Result<u32, Error<Self::Error>> {
        Ok(if func >= self.sample { func + 1 } else { func })
    }

    fn parse_type_section(
        &mut self,
        types: &mut wasm_encoder::TypeSection,
        section: wasmparser::TypeSectionReader<'_>,
    ) -> Result<(), Error<Self::Error>> {
        utils::parse_type_section(self, types, section)?;
        add_sample_type(types);
        Ok(())
    }

    fn parse_import_section(
        &mut self,
        imports: &mut wasm_encoder::ImportSection,
        section: wasmparser::ImportSectionReader<'_>,
    ) -> Result<(), Error<Self::Error>> {
        utils::parse_import_section(self, imports, section)?;
        add_sample_import(imports, self.sample_type);
        Ok(())
    }

    fn parse_global_section(
        &mut self,
        globals: &mut wasm_encoder::GlobalSection,
        section: wasmparser::GlobalSectionReader<'_>,
    ) -> Result<(), Error<Self::Error>> {
        utils::parse_global_section(self, globals, section)?;
        add_i32_global(globals, first_tick(self.style));
        Ok(())
    }

    fn parse_export_section(
        &mut self,
        exports: &mut wasm_encoder::ExportSection,
        section: wasmparser::ExportSectionReader<'_>,
    ) -> Result<(), Error<Self::Error>> {
        utils::parse_export_section(self, exports, section)?;
        exports.export(
            TICK_EXPORT,
            wasm_encoder::ExportKind::Global,
            self.countdown,
        );
        Ok(())
    }

    fn parse_function_body(
        &mut self,
        code: &mut wasm_encoder::CodeSection,
        func: wasmparser::FunctionBody<'_>,
    ) -> Result<(), Error<Self::Error>> {
        let index = self.next_body;
        self.next_body += 1;
        let go_shaped = self
            .shape
            .functions
            .get(index as usize)
            .and_then(|&ty| self.shape.types.get(ty as usize))
            == Some(&true);
        if !go_shaped || !self.go_functions.contains(&index) {
            return utils::parse_function_body(self, code, func);
        }
        self.instrumented += 1;
        let mut f = self.new_function_with_parsed_locals(&func)?;
        let mut reader = func.get_operators_reader()?;
        for i in &self.check(Site::Entry, index) {
            f.instruction(i);
        }
        // The jump check goes after the dispatch `loop`, which only Go's preamble precedes: an
        // unwind `block`, and from Go 1.24 or so SP read into a local (`global.get 0; local.set`).
        let mut in_preamble = true;
        let mut previous_const = false;
        while !reader.eof() {
            let op = reader.read()?;
            let is_loop = matches!(op, Operator::Loop { .. });
            let is_return = matches!(op, Operator::Return);
            in_preamble = in_preamble
                && matches!(
                    op,
                    Operator::Loop { .. }
                        | Operator::Block { .. }
                        | Operator::GlobalGet { .. }
                        | Operator::LocalSet { .. }
                );
            // Go's epilogue is `SP += 8; i32.const 0|1; return` (a tail call returns after a
            // `call`, and its callee checks for itself).
            if is_return && previous_const {
                for i in &self.check(Site::Return, index) {
                    f.instruction(i);
                }
            }
            previous_const = matches!(op, Operator::I32Const { .. });
            f.instruction(&self.instruction(op)?);
            if is_loop && in_preamble && self.jumps {
                in_preamble = false;
                for i in &self.check(Site::Jump, index) {
                    f.instruction(i);
                }
            }
        }
        code.function(&f);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GO_SHAPED: &str = r#"(module
      (import "env" "f" (func $imp (param i32)))
      (global $sp (mut i32) (i32.const 1024))
      (global $ctxt (mut i64) (i64.const 0))
      (global $g (mut i64) (i64.const 0))
      (memory (export "memory") 1)
      (func $looping (param i32) (result i32) (local i32)
        (local.set 1 (global.get $sp))
        (loop $top
          (br_if $top (i32.eqz (local.get 0))))
        (call $plain (i32.const 0)))
      (func $plain (param i32) (result i32)
        (call $imp (local.get 0))
        (i32.const 0))
      (func $other (param i64) (result i64) (local.get 0))
      (func $returning (param i32) (result i32)
        (global.set $sp (i32.add (global.get $sp) (i32.const 8)))
        (return (i32.const 0)))
      (func (export "_start")
        (drop (call $looping (i32.const 1)))))"#;

    use crate::profile::body_ops as ops;

    #[test]
    fn checks_go_after_the_loop_or_first_and_indexes_move_up() {
        let bytes = wat::parse_str(GO_SHAPED).unwrap();
        let out = instrument(
            &bytes,
            &HashSet::from([0, 1, 2, 3, 4]),
            Style::Countdown,
            true,
        )
        .unwrap();
        wasmparser::validate(&out).expect("valid");
        let looping = ops(&out, 0);
        let check = |at: usize, site: Site| {
            assert!(
                looping[at].starts_with("GlobalGet { global_index: 3 }"),
                "{looping:?}"
            );
            assert_eq!(
                looping[at + 3],
                format!("I32Const {{ value: {} }}", site as i32)
            );
        };
        check(0, Site::Entry);
        assert!(looping[18].starts_with("Loop"), "{looping:?}");
        check(19, Site::Jump);
        assert!(
            looping.iter().any(|o| o == "Call { function_index: 1 }"),
            "the sampler"
        );
        assert!(
            looping.iter().any(|o| o == "Call { function_index: 3 }"),
            "$plain moved from 2 to 3: {looping:?}"
        );
        let plain = ops(&out, 1);
        assert!(
            plain[0].starts_with("GlobalGet { global_index: 3 }"),
            "{plain:?}"
        );
        assert!(!plain[16..].iter().any(|o| o.starts_with("Loop")));
        let returning = ops(&out, 3);
        let at = returning.iter().position(|o| o == "Return").unwrap();
        assert_eq!(
            returning[at - 16],
            "GlobalGet { global_index: 3 }",
            "{returning:?}"
        );
        assert_eq!(
            returning[at - 13],
            "I32Const { value: 2 }",
            "a return check"
        );
        // Neither (i64) -> i64 nor () -> () is Go's shape.
        assert_eq!(ops(&out, 2), ops(&bytes, 2));
        assert!(!ops(&out, 4).iter().any(|o| o.contains("global_index: 3")));
    }

    #[test]
    fn without_lines_there_is_no_jump_check() {
        let bytes = wat::parse_str(GO_SHAPED).unwrap();
        let out = instrument(&bytes, &HashSet::from([0]), Style::Flag, false).unwrap();
        let looping = ops(&out, 0);
        let at = looping.iter().position(|o| o.starts_with("Loop")).unwrap();
        assert!(!looping[at + 1].starts_with("GlobalGet"), "{looping:?}");
    }

    #[test]
    fn a_flag_check_only_reads_the_tick() {
        let bytes = wat::parse_str(GO_SHAPED).unwrap();
        let out = instrument(&bytes, &HashSet::from([1]), Style::Flag, true).unwrap();
        wasmparser::validate(&out).expect("valid");
        let plain = ops(&out, 1);
        assert!(plain[1].starts_with("If"), "{plain:?}");
        assert!(!plain.iter().any(|o| o == "Else"), "{plain:?}");
        let exported = Parser::new(0).parse_all(&out).any(|p| match p.unwrap() {
            Payload::ExportSection(r) => r.into_iter().any(|e| {
                let e = e.unwrap();
                e.name == TICK_EXPORT && e.index == 3
            }),
            _ => false,
        });
        assert!(exported, "the tick global is exported");
    }

    #[test]
    fn a_module_without_go_functions_is_refused() {
        let bytes = wat::parse_str(GO_SHAPED).unwrap();
        assert!(instrument(&bytes, &HashSet::new(), Style::Flag, false).is_err());
        let plain = wat::parse_str("(module (func))").unwrap();
        assert!(instrument(&plain, &HashSet::from([0]), Style::Flag, false).is_err());
    }
}
