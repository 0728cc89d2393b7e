//! The rewrite that lets the host sample a module whose call stack is wasm's own (TinyGo's, or
//! any module without Go's tables): wasm's stack cannot be read from the host in every engine,
//! so the module keeps a copy of it, a *shadow stack*, in a memory of its own (exported as
//! [`SHADOW_EXPORT`]), and calls the host at checks as Go's rewrite does ([`super::instrument`]).
//!
//! Each function gets a slot, 4 bytes, holding the module file offset of the call it is in (at
//! first, of its own entry); the host reads the slots below the function that checked and finds
//! each frame's function, file and line from those offsets. Every function is wrapped:
//!
//! ```text
//! global.get $depth  local.tee $d  i32.const <entry>  i32.store (memory $shadow)
//! local.get $d  i32.const 4  i32.add  i32.const MASK  i32.and  global.set $depth
//! block (result …)                       ;; every `return` becomes a `br` here
//!   …  local.get $d  i32.const <call>  i32.store (memory $shadow)  <check>  call …  …
//!   …  loop  <check>  …                  ;; with lines, or a countdown (see super::instrument)
//! end
//! <check>  local.get $d  global.set $depth
//! ```
//!
//! Between two checks only one function runs (a call checks before it goes, a function's end
//! after it ran), so a sample due meanwhile goes to it at its next check. A goroutine switch of
//! TinyGo's (asyncify) unwinds through the ends and rewinds through the entries, so the shadow
//! stack follows it; a trap leaves it as it was, and the run ends. Past `MASK / 4` frames the
//! slots wrap around and the host sees the innermost ones only.
//!
//! The module's own indexes move as in Go's rewrite (one import more); its code's meaning does
//! not change. Its DWARF is left out: it speaks of the offsets before the rewrite, which the host
//! reads from the module as built.

use wasm_encoder::reencode::{Error, Reencode, utils};
use wasm_encoder::{BlockType, Instruction, MemArg, MemoryType, SectionId, ValType};
use wasmparser::{Operator, Parser, Payload, TypeRef};

use super::instrument::{
    Site, Style, TICK_EXPORT, add_i32_global, add_sample_import, add_sample_type, first_tick,
};

/// The shadow stack's export.
pub const SHADOW_EXPORT: &str = "gowasm_prof_stack";
/// Slot addresses stay under this (and the host reads 8 bytes at any of them).
pub const MASK: u32 = 0x7_fffc;
const SHADOW_PAGES: u64 = 9;

/// `bytes` with a shadow stack and checks in every defined function.
pub fn instrument_wasm(bytes: &[u8], style: Style, jumps: bool) -> Result<Vec<u8>, String> {
    rewrite(bytes, style, jumps).map(|(out, _)| out)
}

/// Where the rewrite of `bytes` put each instruction: the way back from a trap's frames (which
/// name places in the rewrite) to the module as built.
pub struct OffsetMap {
    /// The import the rewrite added: functions from it on moved up by one.
    sample: u32,
    /// (offset in the rewrite, offset in the module as built) of every original instruction,
    /// in order.
    offsets: Vec<(u64, u64)>,
}

impl OffsetMap {
    /// The rewrite's map, made again (the rewrite is the same for the same module).
    pub fn of(bytes: &[u8], style: Style, jumps: bool) -> Result<OffsetMap, String> {
        let (out, (sample, positions)) = rewrite(bytes, style, jumps)?;
        // Each body's start in the rewrite, to make the positions file offsets.
        let mut starts = vec![];
        for payload in Parser::new(0).parse_all(&out) {
            if let Ok(Payload::CodeSectionEntry(body)) = payload {
                starts.push(body.range().start);
            }
        }
        let mut offsets = vec![];
        for (body, position, original) in positions {
            let start = *starts.get(body as usize).ok_or("a body the rewrite lost")?;
            offsets.push((start + position, original));
        }
        Ok(OffsetMap { sample, offsets })
    }

    /// A function index of the rewrite in the module as built.
    pub fn function(&self, index: u32) -> u32 {
        if index > self.sample {
            index - 1
        } else {
            index
        }
    }

    /// The offset in the module as built of the instruction at `offset` in the rewrite (or of
    /// the original one the check or slot store at `offset` was added before).
    pub fn offset(&self, offset: u64) -> Option<u64> {
        let k = self.offsets.partition_point(|&(new, _)| new < offset);
        self.offsets.get(k).map(|&(_, original)| original)
    }
}

/// The rewrite, and the sampler's index with where each original instruction went (defined
/// function, byte in its body, offset in `bytes`).
fn rewrite(bytes: &[u8], style: Style, jumps: bool) -> Result<(Vec<u8>, (u32, Positions)), String> {
    let shape = Shape::read(bytes)?;
    let mut rewriter = Rewriter {
        style,
        jumps,
        sample: shape.imported_functions,
        sample_type: shape.types.len() as u32,
        tick: shape.globals,
        depth: shape.globals + 1,
        shadow: shape.memories,
        next_body: 0,
        shape,
        positions: vec![],
    };
    let mut module = wasm_encoder::Module::new();
    rewriter
        .parse_core_module(&mut module, Parser::new(0), bytes)
        .map_err(|e| format!("cannot instrument the module: {e}"))?;
    Ok((module.finish(), (rewriter.sample, rewriter.positions)))
}

/// Where each original instruction went: (defined function, byte in its body, offset).
type Positions = Vec<(u32, u64, u64)>;

/// What the rewrite needs to know before it starts.
struct Shape {
    imported_functions: u32,
    /// Each type's parameter count and results.
    types: Vec<(u32, Vec<wasmparser::ValType>)>,
    /// Each defined function's type.
    functions: Vec<u32>,
    globals: u32,
    memories: u32,
    /// Types to add for blocks of several results, and the index each will have.
    extra_types: Vec<Vec<wasmparser::ValType>>,
    /// The sections the rewrite adds to that the module has (the others it adds whole).
    present: Vec<SectionId>,
}

impl Shape {
    fn read(bytes: &[u8]) -> Result<Shape, String> {
        let mut shape = Shape {
            imported_functions: 0,
            types: vec![],
            functions: vec![],
            globals: 0,
            memories: 0,
            extra_types: vec![],
            present: vec![],
        };
        let bad = |e: wasmparser::BinaryReaderError| format!("cannot instrument the module: {e}");
        for payload in Parser::new(0).parse_all(bytes) {
            match payload.map_err(bad)? {
                Payload::TypeSection(r) => {
                    shape.present.push(SectionId::Type);
                    for ty in r.into_iter_err_on_gc_types() {
                        let ty = ty.map_err(bad)?;
                        shape
                            .types
                            .push((ty.params().len() as u32, ty.results().to_vec()));
                    }
                }
                Payload::ImportSection(r) => {
                    shape.present.push(SectionId::Import);
                    for import in r.into_imports() {
                        match import.map_err(bad)?.ty {
                            TypeRef::Func(_) | TypeRef::FuncExact(_) => {
                                shape.imported_functions += 1
                            }
                            TypeRef::Global(_) => shape.globals += 1,
                            TypeRef::Memory(_) => shape.memories += 1,
                            _ => {}
                        }
                    }
                }
                Payload::FunctionSection(r) => {
                    for ty in r {
                        shape.functions.push(ty.map_err(bad)?);
                    }
                }
                Payload::MemorySection(r) => {
                    shape.present.push(SectionId::Memory);
                    shape.memories += r.count();
                }
                Payload::GlobalSection(r) => {
                    shape.present.push(SectionId::Global);
                    shape.globals += r.count();
                }
                Payload::ExportSection(_) => shape.present.push(SectionId::Export),
                _ => {}
            }
        }
        for &ty in &shape.functions {
            let results = &shape
                .types
                .get(ty as usize)
                .ok_or("a function of no type")?
                .1;
            if results.len() > 1 && !shape.extra_types.contains(results) {
                shape.extra_types.push(results.clone());
            }
        }
        Ok(shape)
    }
}

struct Rewriter {
    style: Style,
    jumps: bool,
    shape: Shape,
    /// The sampler's function index (the last import) and type.
    sample: u32,
    sample_type: u32,
    tick: u32,
    depth: u32,
    shadow: u32,
    next_body: u32,
    positions: Positions,
}

impl Rewriter {
    /// A check at `offset` (of the module as built) in defined function `index`; `d` is the
    /// local that holds the function's slot.
    fn check(&self, site: Site, index: u32, offset: u64, d: u32) -> Vec<Instruction<'static>> {
        let mut out = vec![Instruction::GlobalGet(self.tick)];
        if self.style == Style::Countdown {
            out.push(Instruction::I32Eqz);
        }
        out.extend([
            Instruction::If(BlockType::Empty),
            Instruction::I32Const(site as i32),
            Instruction::I32Const(index as i32),
            Instruction::I32Const(offset as i32),
            Instruction::LocalGet(d),
            Instruction::I64Const(0),
            Instruction::Call(self.sample),
            Instruction::GlobalSet(self.tick),
        ]);
        if self.style == Style::Countdown {
            out.extend([
                Instruction::Else,
                Instruction::GlobalGet(self.tick),
                Instruction::I32Const(1),
                Instruction::I32Sub,
                Instruction::GlobalSet(self.tick),
            ]);
        }
        out.push(Instruction::End);
        out
    }

    /// A function's first instructions: its slot, holding its entry's offset, and the wrapper
    /// its `return`s branch to.
    fn entry(
        &mut self,
        d: u32,
        entry: u64,
        results: &[wasmparser::ValType],
    ) -> Result<Vec<Instruction<'static>>, Error<String>> {
        let mut out = vec![Instruction::GlobalGet(self.depth), Instruction::LocalTee(d)];
        out.extend(self.store(d, entry).into_iter().skip(1));
        out.extend([
            Instruction::LocalGet(d),
            Instruction::I32Const(4),
            Instruction::I32Add,
            Instruction::I32Const(MASK as i32),
            Instruction::I32And,
            Instruction::GlobalSet(self.depth),
            Instruction::Block(self.block_type(results)?),
        ]);
        Ok(out)
    }

    /// A function's last check, and its slot let go.
    fn exit(&self, index: u32, offset: u64, d: u32) -> Vec<Instruction<'static>> {
        let mut out = self.check(Site::Return, index, offset, d);
        out.extend([Instruction::LocalGet(d), Instruction::GlobalSet(self.depth)]);
        out
    }

    /// Stores `offset` in the slot `d` holds.
    fn store(&self, d: u32, offset: u64) -> [Instruction<'static>; 3] {
        [
            Instruction::LocalGet(d),
            Instruction::I32Const(offset as i32),
            Instruction::I32Store(MemArg {
                offset: 0,
                align: 2,
                memory_index: self.shadow,
            }),
        ]
    }

    fn add_types(&mut self, types: &mut wasm_encoder::TypeSection) -> Result<(), Error<String>> {
        add_sample_type(types);
        for results in self.shape.extra_types.clone() {
            let results: Vec<ValType> = results
                .into_iter()
                .map(|t| self.val_type(t))
                .collect::<Result<_, _>>()?;
            types.ty().function([], results);
        }
        Ok(())
    }

    fn add_imports(&self, imports: &mut wasm_encoder::ImportSection) {
        add_sample_import(imports, self.sample_type);
    }

    fn add_memory(&self, memories: &mut wasm_encoder::MemorySection) {
        memories.memory(MemoryType {
            minimum: SHADOW_PAGES,
            maximum: Some(SHADOW_PAGES),
            memory64: false,
            shared: false,
            page_size_log2: None,
        });
    }

    /// The tick, then the shadow stack's depth.
    fn add_globals(&self, globals: &mut wasm_encoder::GlobalSection) {
        add_i32_global(globals, first_tick(self.style));
        add_i32_global(globals, 0);
    }

    fn add_exports(&self, exports: &mut wasm_encoder::ExportSection) {
        exports.export(TICK_EXPORT, wasm_encoder::ExportKind::Global, self.tick);
        exports.export(SHADOW_EXPORT, wasm_encoder::ExportKind::Memory, self.shadow);
    }

    fn block_type(&mut self, results: &[wasmparser::ValType]) -> Result<BlockType, Error<String>> {
        Ok(match results {
            [] => BlockType::Empty,
            [one] => BlockType::Result(self.val_type(*one)?),
            many => {
                let k = self
                    .shape
                    .extra_types
                    .iter()
                    .position(|t| t == many)
                    .expect("every result list was seen");
                BlockType::FunctionType(self.shape.types.len() as u32 + 1 + k as u32)
            }
        })
    }
}

impl Reencode for Rewriter {
    type Error = String;

    fn function_index(&mut self, func: u32) -> Result<u32, Error<Self::Error>> {
        Ok(if func >= self.sample { func + 1 } else { func })
    }

    fn parse_type_section(
        &mut self,
        types: &mut wasm_encoder::TypeSection,
        section: wasmparser::TypeSectionReader<'_>,
    ) -> Result<(), Error<Self::Error>> {
        utils::parse_type_section(self, types, section)?;
        self.add_types(types)?;
        Ok(())
    }

    fn parse_import_section(
        &mut self,
        imports: &mut wasm_encoder::ImportSection,
        section: wasmparser::ImportSectionReader<'_>,
    ) -> Result<(), Error<Self::Error>> {
        utils::parse_import_section(self, imports, section)?;
        self.add_imports(imports);
        Ok(())
    }

    fn parse_memory_section(
        &mut self,
        memories: &mut wasm_encoder::MemorySection,
        section: wasmparser::MemorySectionReader<'_>,
    ) -> Result<(), Error<Self::Error>> {
        utils::parse_memory_section(self, memories, section)?;
        self.add_memory(memories);
        Ok(())
    }

    fn parse_global_section(
        &mut self,
        globals: &mut wasm_encoder::GlobalSection,
        section: wasmparser::GlobalSectionReader<'_>,
    ) -> Result<(), Error<Self::Error>> {
        utils::parse_global_section(self, globals, section)?;
        self.add_globals(globals);
        Ok(())
    }

    fn parse_export_section(
        &mut self,
        exports: &mut wasm_encoder::ExportSection,
        section: wasmparser::ExportSectionReader<'_>,
    ) -> Result<(), Error<Self::Error>> {
        utils::parse_export_section(self, exports, section)?;
        self.add_exports(exports);
        Ok(())
    }

    /// Adds whole the sections the module lacks, each in its place.
    fn intersperse_section_hook(
        &mut self,
        module: &mut wasm_encoder::Module,
        after: Option<SectionId>,
        before: Option<SectionId>,
    ) -> Result<(), Error<Self::Error>> {
        let after = after.map_or(-1, rank);
        let before = before.map_or(i32::MAX, rank);
        for id in [
            SectionId::Type,
            SectionId::Import,
            SectionId::Memory,
            SectionId::Global,
            SectionId::Export,
        ] {
            if self.shape.present.contains(&id) || !(after < rank(id) && rank(id) < before) {
                continue;
            }
            self.shape.present.push(id);
            match id {
                SectionId::Type => {
                    let mut types = wasm_encoder::TypeSection::new();
                    self.add_types(&mut types)?;
                    module.section(&types);
                }
                SectionId::Import => {
                    let mut imports = wasm_encoder::ImportSection::new();
                    self.add_imports(&mut imports);
                    module.section(&imports);
                }
                SectionId::Memory => {
                    let mut memories = wasm_encoder::MemorySection::new();
                    self.add_memory(&mut memories);
                    module.section(&memories);
                }
                SectionId::Global => {
                    let mut globals = wasm_encoder::GlobalSection::new();
                    self.add_globals(&mut globals);
                    module.section(&globals);
                }
                _ => {
                    let mut exports = wasm_encoder::ExportSection::new();
                    self.add_exports(&mut exports);
                    module.section(&exports);
                }
            }
        }
        Ok(())
    }

    fn parse_custom_section(
        &mut self,
        module: &mut wasm_encoder::Module,
        section: wasmparser::CustomSectionReader<'_>,
    ) -> Result<(), Error<Self::Error>> {
        if section.name().starts_with(".debug_") {
            return Ok(());
        }
        utils::parse_custom_section(self, module, section)
    }

    fn parse_function_body(
        &mut self,
        code: &mut wasm_encoder::CodeSection,
        func: wasmparser::FunctionBody<'_>,
    ) -> Result<(), Error<Self::Error>> {
        let index = self.next_body;
        self.next_body += 1;
        let ty = *self
            .shape
            .functions
            .get(index as usize)
            .ok_or_else(|| Error::UserError("a body without a function".into()))?;
        let (params, results) = self
            .shape
            .types
            .get(ty as usize)
            .cloned()
            .ok_or_else(|| Error::UserError("a function of no type".into()))?;
        // The function's locals, and one more: its slot.
        let mut locals = vec![];
        let mut d = params;
        for local in func.get_locals_reader()? {
            let (n, t) = local?;
            d += n;
            locals.push((n, self.val_type(t)?));
        }
        locals.push((1, ValType::I32));
        let mut f = wasm_encoder::Function::new(locals);
        for i in self.entry(d, func.range().start, &results)? {
            f.instruction(&i);
        }
        // Blocks open inside the wrapper: a `return` is a `br` to it past them.
        let mut nesting: u32 = 0;
        let mut reader = func.get_operators_reader()?;
        while !reader.eof() {
            let (op, offset) = reader.read_with_offset()?;
            match op {
                Operator::Block { .. }
                | Operator::Loop { .. }
                | Operator::If { .. }
                | Operator::TryTable { .. }
                | Operator::Try { .. } => nesting += 1,
                Operator::End | Operator::Delegate { .. } if nesting > 0 => nesting -= 1,
                Operator::End => {
                    // The body's end: the wrapper's, then the function's own.
                    self.positions.push((index, f.byte_len() as u64, offset));
                    f.instruction(&Instruction::End);
                    for i in &self.exit(index, offset, d) {
                        f.instruction(i);
                    }
                    f.instruction(&Instruction::End);
                    continue;
                }
                Operator::Return => {
                    self.positions.push((index, f.byte_len() as u64, offset));
                    f.instruction(&Instruction::Br(nesting));
                    continue;
                }
                Operator::Call { .. }
                | Operator::CallIndirect { .. }
                | Operator::CallRef { .. } => {
                    for i in &self.store(d, offset) {
                        f.instruction(i);
                    }
                    for i in &self.check(Site::Call, index, offset, d) {
                        f.instruction(i);
                    }
                }
                Operator::ReturnCall { .. }
                | Operator::ReturnCallIndirect { .. }
                | Operator::ReturnCallRef { .. } => {
                    for i in &self.exit(index, offset, d) {
                        f.instruction(i);
                    }
                }
                _ => {}
            }
            let is_loop = matches!(op, Operator::Loop { .. });
            self.positions.push((index, f.byte_len() as u64, offset));
            f.instruction(&self.instruction(op)?);
            if is_loop && (self.jumps || self.style == Style::Countdown) {
                for i in &self.check(Site::Jump, index, offset, d) {
                    f.instruction(i);
                }
            }
        }
        code.function(&f);
        Ok(())
    }
}

/// A section's place in a module's order (the spec's, which is not its id's).
fn rank(id: SectionId) -> i32 {
    [
        SectionId::Type,
        SectionId::Import,
        SectionId::Function,
        SectionId::Table,
        SectionId::Memory,
        SectionId::Tag,
        SectionId::Global,
        SectionId::Export,
        SectionId::Start,
        SectionId::Element,
        SectionId::DataCount,
        SectionId::Code,
        SectionId::Data,
    ]
    .iter()
    .position(|s| *s == id)
    .map_or(i32::MAX - 1, |k| k as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: &str = r#"(module
      (import "env" "f" (func $imp (param i32)))
      (global $sp (mut i32) (i32.const 1024))
      (memory (export "memory") 1)
      (func $leaf (param i32) (result i32)
        (if (local.get 0) (then (return (i32.const 7))))
        (drop (block $out (result i32) (br_if 1 (i32.const 9) (local.get 0))))
        (i32.const 1))
      (func $pair (result i32 i64)
        (return (i32.const 1) (i64.const 2)))
      (func $looping (param i32)
        (loop $top
          (call $imp (local.get 0))
          (br_if $top (call $leaf (local.get 0)))))
      (func (export "_start")
        (call $looping (i32.const 0))
        (drop (drop (call $pair)))))"#;

    use crate::profile::body_ops as ops;

    #[test]
    fn every_function_keeps_a_slot_and_returns_become_branches() {
        let bytes = wat::parse_str(PLAIN).unwrap();
        wasmparser::validate(&bytes).expect("the test's own module is valid");
        for style in [Style::Flag, Style::Countdown] {
            let out = instrument_wasm(&bytes, style, true).unwrap();
            wasmparser::validate(&out).expect("valid");
            let leaf = ops(&out, 0);
            assert!(
                leaf[0].starts_with("GlobalGet { global_index: 2 }"),
                "{leaf:?}"
            );
            assert!(leaf[3].contains("memory: 1"), "{leaf:?}");
            assert!(!leaf.iter().any(|o| o == "Return"), "{leaf:?}");
            assert!(leaf.iter().any(|o| o == "Br { relative_depth: 1 }"));
            let looping = ops(&out, 2);
            let calls: Vec<_> = looping.iter().filter(|o| o.starts_with("Call {")).collect();
            // $imp and $leaf, each after a check's call of the sampler (import 1).
            assert_eq!(calls.len(), 6, "{looping:?}");
            assert!(looping.contains(&"Call { function_index: 0 }".to_string()));
            assert!(looping.contains(&"Call { function_index: 2 }".to_string()));
        }
    }

    #[test]
    fn the_shadow_stack_is_exported_and_dwarf_left_out() {
        let with_dwarf = PLAIN.replacen("(module", "(module (@custom \".debug_info\" \"abc\")", 1);
        let bytes = wat::parse_str(&with_dwarf).unwrap();
        let out = instrument_wasm(&bytes, Style::Flag, false).unwrap();
        let mut exports = vec![];
        let mut customs = vec![];
        for p in Parser::new(0).parse_all(&out) {
            match p.unwrap() {
                Payload::ExportSection(r) => {
                    exports.extend(r.into_iter().map(|e| e.unwrap().name.to_string()))
                }
                Payload::CustomSection(c) => customs.push(c.name().to_string()),
                _ => {}
            }
        }
        assert!(exports.contains(&SHADOW_EXPORT.to_string()), "{exports:?}");
        assert!(exports.contains(&TICK_EXPORT.to_string()));
        assert!(
            !customs.iter().any(|c| c.starts_with(".debug")),
            "{customs:?}"
        );
    }

    #[test]
    fn sections_a_module_lacks_are_added_in_their_place() {
        let bare = r#"(module (func (export "_start") (call 1)) (func))"#;
        let out = instrument_wasm(&wat::parse_str(bare).unwrap(), Style::Countdown, false).unwrap();
        wasmparser::validate(&out).expect("valid");
        let starts = ops(&out, 0);
        assert!(
            starts.iter().any(|o| o == "Call { function_index: 2 }"),
            "{starts:?}"
        );
    }
}
