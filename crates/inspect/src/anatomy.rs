//! A module in Go's terms: every function under its Go name, with its package, file and line,
//! and where the bytes go by package and by source file.
//!
//! Names come from Go's pclntab when the module has one (what `runtime.FuncForPC` reads), else
//! from the name section (TinyGo writes Go names there; Go's are sanitised), and the report says
//! which.

use std::collections::HashMap;

use serde::Serialize;
use wasmparser::{KnownCustom, Name, Operator, Parser, Payload};

use super::{InspectError, dwarf, go_pclntab};

/// A memory image larger than this is not searched for a pclntab.
const MAX_IMAGE: u64 = 256 << 20;

/// Where the function names came from.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum NameSource {
    /// Go's runtime symbol table, in the data segments: names, files and lines.
    GoPclntab,
    /// The `name` custom section: names only.
    NameSection,
    /// The `name` custom section, with files and lines from DWARF (TinyGo, clang).
    NameSectionAndDwarf,
    /// Neither: functions are known by index.
    None,
}

impl NameSource {
    pub fn label(self) -> &'static str {
        match self {
            NameSource::GoPclntab => "Go's pclntab",
            NameSource::NameSection => "the name section",
            NameSource::NameSectionAndDwarf => "the name section, files and lines from DWARF",
            NameSource::None => "no names (functions by index)",
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FunctionInfo {
    /// Index in the function index space (imports first).
    pub index: u32,
    pub name: String,
    /// The Go package (`encoding/json`), or a bracketed label for what has none.
    pub package: String,
    pub file: Option<String>,
    pub line: Option<u32>,
    /// Body size in bytes.
    pub size: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PackageSize {
    pub package: String,
    pub functions: u32,
    pub code_bytes: u64,
    /// Share of all function bodies, 0–100.
    pub percent: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FileSize {
    pub file: String,
    pub package: String,
    pub functions: u32,
    pub code_bytes: u64,
    pub percent: f64,
}

/// A part of the data segments.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DataPart {
    pub what: String,
    pub bytes: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Anatomy {
    pub names_from: NameSource,
    /// The code section's size; the bodies add up to it less the function-index framing.
    pub code_section_bytes: u64,
    pub functions: Vec<FunctionInfo>,
    /// The data segments' bytes: what can be attributed, and the rest as `other data`.
    pub data: Vec<DataPart>,
    /// Where Go's pclntab is in memory, for a Go module.
    #[serde(skip)]
    pub pclntab_span: Option<std::ops::Range<u64>>,
    /// What could not be read, e.g. malformed DWARF (the rest of the anatomy stands).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The label of functions with no Go package (compiler-generated, C, the runtime's assembly).
pub const NO_PACKAGE: &str = "(no package)";
/// The label of Go's compiler-generated functions (`type:.eq.…`, `go:buildid`).
pub const GENERATED: &str = "(compiler-generated)";

/// The package of a Go symbol, as `debug/gosym` tells it: the path up to the first `.` after the
/// last `/`, generic instantiations (`[...]`) left out. TinyGo's methods are written with the
/// receiver first (`(*fmt.pp).printArg`), and its export wrappers as `NAME.command_export`.
pub fn package_of(name: &str) -> &str {
    if ["go:", "type:", "interface:", "struct{", "func("]
        .iter()
        .any(|p| name.starts_with(p))
    {
        return GENERATED;
    }
    if name.ends_with(".command_export") {
        return NO_PACKAGE;
    }
    let name = name
        .strip_prefix('(')
        .map_or(name, |r| r.trim_start_matches('*'));
    let plain = name.split('[').next().unwrap_or(name);
    let last_slash = plain.rfind('/').unwrap_or(0);
    match plain[last_slash..].find('.') {
        Some(dot) if last_slash + dot > 0 => &name[..last_slash + dot],
        _ => NO_PACKAGE,
    }
}

impl Anatomy {
    /// The `n` largest function bodies under the anatomy's names (Go's own, from the pclntab,
    /// where the name section has sanitised ones), biggest first.
    pub fn largest(&self, n: usize) -> Vec<super::FunctionSize> {
        let mut by_size: Vec<&FunctionInfo> = self.functions.iter().collect();
        by_size.sort_by(|a, b| b.size.cmp(&a.size).then(a.index.cmp(&b.index)));
        by_size
            .into_iter()
            .take(n)
            .map(|f| super::FunctionSize {
                index: f.index,
                name: Some(f.name.clone()),
                size: f.size,
            })
            .collect()
    }

    /// Code bytes per package, biggest first.
    pub fn packages(&self) -> Vec<PackageSize> {
        let total = self.functions.iter().map(|f| f.size).sum::<u64>();
        let mut by: HashMap<&str, (u32, u64)> = HashMap::new();
        for f in &self.functions {
            let e = by.entry(&f.package).or_default();
            e.0 += 1;
            e.1 += f.size;
        }
        let mut out: Vec<PackageSize> = by
            .into_iter()
            .map(|(package, (functions, code_bytes))| PackageSize {
                package: package.to_string(),
                functions,
                code_bytes,
                percent: percent(code_bytes, total),
            })
            .collect();
        out.sort_by(|a, b| {
            b.code_bytes
                .cmp(&a.code_bytes)
                .then(a.package.cmp(&b.package))
        });
        out
    }

    /// Code bytes per source file, biggest first; functions without a file are left out.
    pub fn files(&self) -> Vec<FileSize> {
        let total = self.functions.iter().map(|f| f.size).sum::<u64>();
        let mut by: HashMap<&str, (&str, u32, u64)> = HashMap::new();
        for f in &self.functions {
            let Some(file) = &f.file else { continue };
            let e = by.entry(file).or_insert((&f.package, 0, 0));
            e.1 += 1;
            e.2 += f.size;
        }
        let mut out: Vec<FileSize> = by
            .into_iter()
            .map(|(file, (package, functions, code_bytes))| FileSize {
                file: file.to_string(),
                package: package.to_string(),
                functions,
                code_bytes,
                percent: percent(code_bytes, total),
            })
            .collect();
        out.sort_by(|a, b| b.code_bytes.cmp(&a.code_bytes).then(a.file.cmp(&b.file)));
        out
    }
}

/// `part` as a share of `total`, 0–100, to two decimals.
pub(crate) fn percent(part: u64, total: u64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    (part as f64 * 10000.0 / total as f64).round() / 100.0
}

/// Reads a module's anatomy. Arbitrary input returns an error, never panics; a damaged pclntab
/// falls back to the name section.
pub fn anatomy(bytes: &[u8]) -> Result<Anatomy, InspectError> {
    if bytes.is_empty() {
        return Err(InspectError::Empty);
    }
    if !bytes.starts_with(b"\0asm") {
        return Err(InspectError::NotWasm);
    }
    let scan = Scan::read(bytes)?;
    let (base, image, table, layout) = match go_table(&scan) {
        Some((base, image, table, layout)) => (base, image, Some(table), Some(layout)),
        None => (0, vec![], None, None),
    };
    let mut functions: Vec<FunctionInfo> = scan
        .bodies
        .iter()
        .enumerate()
        .map(|(k, &(_, size))| {
            let index = scan.imported + k as u32;
            let name = scan
                .names
                .get(&index)
                .cloned()
                .unwrap_or_else(|| format!("func[{index}]"));
            FunctionInfo {
                index,
                package: String::new(),
                name,
                file: None,
                line: None,
                size,
            }
        })
        .collect();
    let mut names_from = match &table {
        Some(t) => {
            for g in &t.funcs {
                let f = &mut functions[g.defined_index as usize];
                f.name.clone_from(&g.name);
                f.file.clone_from(&g.file);
                f.line = g.line;
            }
            NameSource::GoPclntab
        }
        None if !scan.names.is_empty() => NameSource::NameSection,
        None => NameSource::None,
    };
    let mut note = None;
    if let (None, Some(minor)) = (&table, scan.go_minor) {
        note = Some(format!(
            "Go 1.{minor}'s symbol table is not in a layout gowasm reads (Go 1.{}–1.{}): names from the name section, no files or lines",
            super::toolchain::GO_KNOWN.0,
            super::toolchain::GO_KNOWN.1
        ));
    }
    if table.is_none()
        && let Err(e) = place_by_dwarf(&scan, &mut functions, &mut names_from)
    {
        note = note.or(Some(e));
    }
    for f in &mut functions {
        f.package = package_of(&f.name).to_string();
    }
    let (mut data, pclntab_span) = match (&table, layout) {
        (Some(t), Some(layout)) => go_data_parts(&scan, &image, base, t, layout),
        _ => (vec![], None),
    };
    let attributed: u64 = data.iter().map(|d| d.bytes).sum();
    data.push(DataPart {
        what: "other data".into(),
        bytes: scan.data_bytes.saturating_sub(attributed),
    });
    Ok(Anatomy {
        names_from,
        code_section_bytes: scan.code_section_bytes,
        functions,
        data,
        pclntab_span,
        note,
    })
}

/// Files and lines from the DWARF (TinyGo's modules), where there is no pclntab.
fn place_by_dwarf(
    scan: &Scan<'_>,
    functions: &mut [FunctionInfo],
    names_from: &mut NameSource,
) -> Result<(), String> {
    let Some(lines) = dwarf::Lines::new(&scan.debug, scan.code_start)? else {
        return Ok(());
    };
    let mut placed = false;
    for (f, &(start, size)) in functions.iter_mut().zip(&scan.bodies) {
        if let Some(place) = lines.function_at(start, start + size) {
            f.file = Some(place.file);
            f.line = place.line;
            placed = true;
        }
    }
    if placed && *names_from == NameSource::NameSection {
        *names_from = NameSource::NameSectionAndDwarf;
    }
    Ok(())
}

/// The data's parts in Go's terms (the pclntab, the type data, …), and where the pclntab lies
/// in memory.
fn go_data_parts(
    scan: &Scan<'_>,
    image: &[u8],
    base: u64,
    t: &go_pclntab::GoTable,
    layout: &'static go_pclntab::Layout,
) -> (Vec<DataPart>, Option<std::ops::Range<u64>>) {
    let at = base + t.offset;
    let mut spans = go_pclntab::module_data_spans(image, base, at, layout);
    // Before Go 1.26 the table's end is where its last function record ends.
    if !spans.iter().any(|s| s.0 == go_pclntab::PCLNTAB) {
        spans.insert(0, (go_pclntab::PCLNTAB, at..at + t.bytes));
    }
    let pclntab_span = spans
        .iter()
        .find(|s| s.0 == go_pclntab::PCLNTAB)
        .map(|s| s.1.clone());
    // The segments' bytes within each span (the gaps between segments are zeros that are not
    // in the file).
    let data = spans
        .into_iter()
        .map(|(what, span)| DataPart {
            what: what.into(),
            bytes: scan.bytes_within(span.start, span.end),
        })
        .filter(|d| d.bytes > 0)
        .collect();
    (data, pclntab_span)
}

/// Go's pclntab, if the module's data has one that fits its functions: the memory image's base
/// address, the image (the table's `offset` is into it), the table and the layout it was read
/// with: the module's Go release's, or (a module that does not say) the first that reads.
pub(crate) fn go_table(
    scan: &Scan<'_>,
) -> Option<(
    u64,
    Vec<u8>,
    go_pclntab::GoTable,
    &'static go_pclntab::Layout,
)> {
    let (base, image) = scan.memory_image()?;
    let layouts: Vec<&go_pclntab::Layout> = match scan.go_minor {
        Some(minor) => vec![go_pclntab::layout(Some(minor))],
        None => go_pclntab::LAYOUTS.iter().rev().collect(),
    };
    layouts.into_iter().find_map(|layout| {
        let table = go_pclntab::read(&image, layout).ok().flatten()?;
        table
            .funcs
            .iter()
            .all(|f| (f.defined_index as usize) < scan.bodies.len())
            .then_some(table)
            .map(|t| (base, image.clone(), t, layout))
    })
}

/// The parts of a module the anatomy needs, in one pass.
#[derive(Default)]
pub(crate) struct Scan<'a> {
    pub(crate) imported: u32,
    /// Each function body's file offset and size.
    pub(crate) bodies: Vec<(u64, u64)>,
    /// File offset of the code section's contents (DWARF's address 0).
    pub(crate) code_start: u64,
    /// The `.debug_*` custom sections by name.
    pub(crate) debug: HashMap<&'a str, &'a [u8]>,
    pub(crate) names: HashMap<u32, String>,
    code_section_bytes: u64,
    data_bytes: u64,
    /// Active segments of memory 0 at constant offsets.
    segments: Vec<(u64, &'a [u8])>,
    /// The Go minor release (1.x) that built the module, from its producers section.
    pub(crate) go_minor: Option<u32>,
}

impl<'a> Scan<'a> {
    pub(crate) fn read(bytes: &'a [u8]) -> Result<Self, InspectError> {
        let mut scan = Scan::default();
        for payload in Parser::new(0).parse_all(bytes) {
            match payload.map_err(super::parse::malformed)? {
                Payload::ImportSection(r) => {
                    for import in r.into_imports() {
                        let import = import.map_err(super::parse::malformed)?;
                        if matches!(
                            import.ty,
                            wasmparser::TypeRef::Func(_) | wasmparser::TypeRef::FuncExact(_)
                        ) {
                            scan.imported += 1;
                        }
                    }
                }
                Payload::CodeSectionStart { range, .. } => {
                    scan.code_section_bytes = range.end - range.start;
                    scan.code_start = range.start;
                }
                Payload::CodeSectionEntry(body) => {
                    let r = body.range();
                    scan.bodies.push((r.start, r.end - r.start));
                }
                Payload::DataSection(r) => {
                    for d in r {
                        let d = d.map_err(super::parse::malformed)?;
                        scan.data_bytes += d.data.len() as u64;
                        if let wasmparser::DataKind::Active {
                            memory_index: 0,
                            offset_expr,
                        } = d.kind
                            && let Ok(Operator::I32Const { value }) =
                                offset_expr.get_operators_reader().read()
                        {
                            scan.segments.push((u64::from(value as u32), d.data));
                        }
                    }
                }
                Payload::CustomSection(c) if c.name().starts_with(".debug_") => {
                    scan.debug.insert(c.name(), c.data());
                }
                Payload::CustomSection(c) => match c.as_known() {
                    KnownCustom::Name(names) => {
                        for sub in names.into_iter().flatten() {
                            if let Name::Function(map) = sub {
                                for naming in map.into_iter().flatten() {
                                    scan.names.insert(naming.index, naming.name.to_string());
                                }
                            }
                        }
                    }
                    // `language: Go go1.27.3` (Go writes it from 1.21 on).
                    KnownCustom::Producers(p) => {
                        for field in p.into_iter().flatten() {
                            for v in field.values.into_iter().flatten() {
                                if field.name == "language" && v.name == "Go" {
                                    scan.go_minor = super::toolchain::go_minor(v.version);
                                }
                            }
                        }
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        Ok(scan)
    }

    /// How many of the segments' bytes lie in `start..end` of memory.
    fn bytes_within(&self, start: u64, end: u64) -> u64 {
        self.segments
            .iter()
            .map(|(at, d)| {
                let (from, to) = ((*at).max(start), (at + d.len() as u64).min(end));
                to.saturating_sub(from)
            })
            .sum()
    }

    /// The initial memory the active segments make, from the lowest one's address.
    fn memory_image(&self) -> Option<(u64, Vec<u8>)> {
        let start = self.segments.iter().map(|s| s.0).min()?;
        let end = self
            .segments
            .iter()
            .map(|(at, d)| at + d.len() as u64)
            .max()?;
        if end - start > MAX_IMAGE {
            return None;
        }
        let mut image = vec![0u8; (end - start) as usize];
        for (at, d) in &self.segments {
            let from = (at - start) as usize;
            image[from..from + d.len()].copy_from_slice(d);
        }
        Some((start, image))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_are_told_as_debug_gosym_tells_them() {
        for (name, package) in [
            ("main.main", "main"),
            ("encoding/json.(*decodeState).literalStore", "encoding/json"),
            ("runtime.gcStart.func2", "runtime"),
            ("sort.Slice[...]", "sort"),
            ("slices.Sort[go.shape.string]", "slices"),
            (
                "golang.org/x/text/unicode/norm.Form.String",
                "golang.org/x/text/unicode/norm",
            ),
            ("type:.eq.[2]string", GENERATED),
            ("go:buildid", GENERATED),
            ("(*fmt.pp).printArg", "fmt"),
            ("(syscall/js.Value).Get", "syscall/js"),
            ("(reflect.Kind).String", "reflect"),
            (
                "interface:{Error:func:{}{basic:string}}.$typeassert",
                GENERATED,
            ),
            ("_start.command_export", NO_PACKAGE),
            ("runtime.run$1$gowrapper", "runtime"),
            ("malloc", NO_PACKAGE),
            (".hidden", NO_PACKAGE),
            ("", NO_PACKAGE),
        ] {
            assert_eq!(package_of(name), package, "{name}");
        }
    }

    #[test]
    fn bad_input_is_an_error() {
        assert_eq!(anatomy(b""), Err(InspectError::Empty));
        assert_eq!(anatomy(b"\x7fELF"), Err(InspectError::NotWasm));
        assert!(matches!(
            anatomy(b"\0asm\x01\0\0\0\x01\x05"),
            Err(InspectError::Malformed { .. })
        ));
    }
}
