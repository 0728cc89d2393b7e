//! The single pass over the bytes with `wasmparser` that fills a [`Report`].

use std::collections::HashMap;

use wasmparser::{
    BinaryReaderError, Chunk, CompositeInnerType, ExternalKind, KnownCustom, Name, Parser, Payload,
    TypeRef, ValType,
};

use super::{
    Encoding, Export, FunctionSize, Import, InspectError, Limits, Producer, Report, Section,
    toolchain::detect_toolchain,
};

/// Inspects a wasm file; `top` is how many of the largest functions to list.
pub fn inspect(bytes: &[u8], top: usize) -> Result<Report, InspectError> {
    let acc = Accumulator {
        // Names only label the largest functions.
        want_names: top > 0,
        ..Accumulator::default()
    };
    Ok(scan(bytes, acc)?.finish(bytes.len() as u64, top))
}

/// What a run needs to know before it starts, read quickly: sections, imports, exports, limits,
/// producers, toolchain and target. Function bodies and data segments are not read (Go modules
/// have tens of thousands of segments), so `largest_functions` is empty and `data_bytes` is 0;
/// the engines validate those parts when they compile.
pub fn inspect_headers(bytes: &[u8]) -> Result<Report, InspectError> {
    let acc = Accumulator {
        headers_only: true,
        ..Accumulator::default()
    };
    Ok(scan(bytes, acc)?.finish(bytes.len() as u64, 0))
}

fn scan(bytes: &[u8], mut acc: Accumulator) -> Result<Accumulator, InspectError> {
    if bytes.is_empty() {
        return Err(InspectError::Empty);
    }
    if !bytes.starts_with(b"\0asm") {
        return Err(InspectError::NotWasm);
    }
    let mut parser = Parser::new(0);
    let mut offset = 0usize;
    loop {
        let truncated = |offset: usize| InspectError::Malformed {
            offset: offset as u64,
            message: "unexpected end of file".into(),
        };
        let rest = bytes.get(offset..).ok_or_else(|| truncated(offset))?;
        let (consumed, payload) = match parser.parse(rest, true).map_err(malformed)? {
            Chunk::Parsed { consumed, payload } => (consumed, payload),
            Chunk::NeedMoreData(_) => return Err(truncated(bytes.len())),
        };
        offset += consumed;
        match payload {
            Payload::CodeSectionStart { count, range, size } if acc.headers_only => {
                acc.section("code", range, Some(count));
                acc.unread_bodies = count;
                parser.skip_section();
                offset = offset
                    .checked_add(size as usize)
                    .filter(|&end| end <= bytes.len())
                    .ok_or_else(|| truncated(bytes.len()))?;
            }
            Payload::End(_) => break,
            payload => acc.visit(payload).map_err(malformed)?,
        }
        if acc.encoding == Some(Encoding::Component) {
            break;
        }
    }
    Ok(acc)
}

pub(crate) fn malformed(e: BinaryReaderError) -> InspectError {
    InspectError::Malformed {
        offset: e.offset(),
        message: e.message().to_string(),
    }
}

#[derive(Default)]
struct Accumulator {
    encoding: Option<Encoding>,
    sections: Vec<Section>,
    func_types: Vec<String>,
    /// Each type's parameter and result type names.
    func_shapes: Vec<(Vec<String>, Vec<String>)>,
    /// The type of every function, imported ones first.
    func_type_of: Vec<u32>,
    imports: Vec<Import>,
    exports: Vec<Export>,
    memories: Vec<Limits>,
    tables: Vec<Limits>,
    data_segments: u32,
    data_bytes: u64,
    imported_functions: u32,
    bodies: Vec<(u32, u64)>,
    names: HashMap<u32, String>,
    want_names: bool,
    /// Skip function bodies and data segments ([`inspect_headers`]).
    headers_only: bool,
    /// Function bodies counted but not read.
    unread_bodies: u32,
    producers: Vec<Producer>,
    custom_names: Vec<String>,
}

impl Accumulator {
    fn section(&mut self, name: &str, range: std::ops::Range<u64>, items: Option<u32>) {
        self.sections.push(Section {
            name: name.to_string(),
            offset: range.start,
            size: range.end.saturating_sub(range.start),
            percent: 0.0,
            items,
        });
    }

    #[expect(clippy::too_many_lines, reason = "a parser: one arm per section kind")]
    fn visit(&mut self, payload: Payload<'_>) -> Result<(), BinaryReaderError> {
        match payload {
            Payload::Version { encoding, .. } => {
                self.encoding = Some(match encoding {
                    wasmparser::Encoding::Module => Encoding::Module,
                    wasmparser::Encoding::Component => Encoding::Component,
                });
            }
            Payload::TypeSection(r) => {
                self.section("type", r.range(), Some(r.count()));
                for group in r {
                    for sub in group?.into_types() {
                        let (text, shape) = match &sub.composite_type.inner {
                            CompositeInnerType::Func(f) => (
                                signature(f.params(), f.results()),
                                (type_names(f.params()), type_names(f.results())),
                            ),
                            _ => ("(non-function type)".to_string(), Default::default()),
                        };
                        self.func_types.push(text);
                        self.func_shapes.push(shape);
                    }
                }
            }
            Payload::ImportSection(r) => {
                self.section("import", r.range(), Some(r.count()));
                for import in r.into_imports() {
                    let import = import?;
                    let (kind, signature) = match import.ty {
                        TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                            self.imported_functions += 1;
                            self.func_type_of.push(t);
                            ("func", self.type_signature(t))
                        }
                        TypeRef::Table(t) => {
                            self.tables.push(Limits {
                                initial: t.initial,
                                maximum: t.maximum,
                                imported: true,
                            });
                            ("table", format!("{}", t.element_type))
                        }
                        TypeRef::Memory(m) => {
                            self.memories.push(Limits {
                                initial: m.initial,
                                maximum: m.maximum,
                                imported: true,
                            });
                            ("memory", pages(m.initial, m.maximum))
                        }
                        TypeRef::Global(g) => (
                            "global",
                            format!("{}{}", if g.mutable { "mut " } else { "" }, g.content_type),
                        ),
                        TypeRef::Tag(_) => ("tag", String::new()),
                    };
                    self.imports.push(Import {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        kind: kind.to_string(),
                        signature,
                    });
                }
            }
            Payload::FunctionSection(r) => {
                self.section("function", r.range(), Some(r.count()));
                for t in r {
                    self.func_type_of.push(t?);
                }
            }
            Payload::TableSection(r) => {
                self.section("table", r.range(), Some(r.count()));
                for t in r {
                    let t = t?.ty;
                    self.tables.push(Limits {
                        initial: t.initial,
                        maximum: t.maximum,
                        imported: false,
                    });
                }
            }
            Payload::MemorySection(r) => {
                self.section("memory", r.range(), Some(r.count()));
                for m in r {
                    let m = m?;
                    self.memories.push(Limits {
                        initial: m.initial,
                        maximum: m.maximum,
                        imported: false,
                    });
                }
            }
            Payload::TagSection(r) => self.section("tag", r.range(), Some(r.count())),
            Payload::GlobalSection(r) => self.section("global", r.range(), Some(r.count())),
            Payload::ExportSection(r) => {
                self.section("export", r.range(), Some(r.count()));
                for e in r {
                    let e = e?;
                    self.exports.push(Export {
                        name: e.name.to_string(),
                        kind: kind_name(e.kind).to_string(),
                        index: e.index,
                        params: vec![],
                        results: vec![],
                    });
                }
            }
            Payload::StartSection { range, .. } => self.section("start", range, None),
            Payload::ElementSection(r) => self.section("element", r.range(), Some(r.count())),
            Payload::DataCountSection { range, .. } => self.section("datacount", range, None),
            Payload::DataSection(r) => {
                self.section("data", r.range(), Some(r.count()));
                if self.headers_only {
                    self.data_segments = r.count();
                    return Ok(());
                }
                for d in r {
                    self.data_segments += 1;
                    self.data_bytes += d?.data.len() as u64;
                }
            }
            Payload::CodeSectionStart { count, range, .. } => {
                self.section("code", range, Some(count))
            }
            Payload::CodeSectionEntry(body) => {
                let index = self.imported_functions + self.bodies.len() as u32;
                let range = body.range();
                self.bodies
                    .push((index, range.end.saturating_sub(range.start)));
            }
            Payload::CustomSection(c) => {
                let name = format!("custom:{}", c.name());
                let start = c.data_offset();
                self.section(&name, start..start + c.data().len() as u64, None);
                self.custom_names.push(c.name().to_string());
                match c.as_known() {
                    KnownCustom::Name(names) if self.want_names => self.read_names(names),
                    KnownCustom::Producers(p) => {
                        for field in p.into_iter().flatten() {
                            for v in field.values.into_iter().flatten() {
                                self.producers.push(Producer {
                                    field: field.name.to_string(),
                                    name: v.name.to_string(),
                                    version: v.version.to_string(),
                                });
                            }
                        }
                    }
                    _ => {}
                }
            }
            Payload::UnknownSection { id, range, .. } => {
                self.section(&format!("unknown({id})"), range, None)
            }
            _ => {}
        }
        Ok(())
    }

    /// The name section is optional and best-effort: a damaged one loses names, not the report.
    fn read_names(&mut self, reader: wasmparser::NameSectionReader<'_>) {
        for sub in reader.into_iter().flatten() {
            if let Name::Function(map) = sub {
                for naming in map.into_iter().flatten() {
                    self.names.insert(naming.index, naming.name.to_string());
                }
            }
        }
    }

    fn type_signature(&self, index: u32) -> String {
        self.func_types
            .get(index as usize)
            .cloned()
            .unwrap_or_else(|| format!("(type {index})"))
    }

    fn finish(mut self, file_size: u64, top: usize) -> Report {
        for s in &mut self.sections {
            s.percent = if file_size == 0 {
                0.0
            } else {
                (s.size as f64 * 10000.0 / file_size as f64).round() / 100.0
            };
        }
        let defined_functions = self.bodies.len() as u32 + self.unread_bodies;
        self.bodies
            .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let largest_functions = self
            .bodies
            .iter()
            .take(top)
            .map(|&(index, size)| FunctionSize {
                index,
                name: self.names.get(&index).cloned(),
                size,
            })
            .collect();
        for e in self.exports.iter_mut().filter(|e| e.kind == "func") {
            let shape = self
                .func_type_of
                .get(e.index as usize)
                .and_then(|t| self.func_shapes.get(*t as usize));
            if let Some((params, results)) = shape {
                e.params.clone_from(params);
                e.results.clone_from(results);
            }
        }
        let encoding = self.encoding.unwrap_or(Encoding::Module);
        let (toolchain, target) =
            detect_toolchain(encoding, &self.imports, &self.custom_names, &self.producers);
        Report {
            file_size,
            encoding,
            sections: self.sections,
            imports: self.imports,
            exports: self.exports,
            memories: self.memories,
            tables: self.tables,
            data_segments: self.data_segments,
            data_bytes: self.data_bytes,
            imported_functions: self.imported_functions,
            defined_functions,
            largest_functions,
            producers: self.producers,
            toolchain,
            target,
        }
    }
}

fn signature(params: &[ValType], results: &[ValType]) -> String {
    super::js_abi::signature(&type_names(params), &type_names(results))
}

fn type_names(types: &[ValType]) -> Vec<String> {
    types.iter().map(ToString::to_string).collect()
}

fn pages(initial: u64, maximum: Option<u64>) -> String {
    match maximum {
        Some(max) => format!("{initial}..{max} pages"),
        None => format!("{initial}.. pages"),
    }
}

fn kind_name(kind: ExternalKind) -> &'static str {
    match kind {
        ExternalKind::Func | ExternalKind::FuncExact => "func",
        ExternalKind::Table => "table",
        ExternalKind::Memory => "memory",
        ExternalKind::Global => "global",
        ExternalKind::Tag => "tag",
    }
}
