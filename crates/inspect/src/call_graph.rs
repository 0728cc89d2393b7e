//! Who refers to which function: direct calls and `ref.func` in code, and the roots a module is
//! entered or reached by (exports, the start function, the element table, `ref.func` in globals,
//! and for Go the function values in its data).

use std::collections::HashSet;

use serde::Serialize;
use wasmparser::{ElementItems, ExternalKind, Operator, Parser, Payload};

use super::{InspectError, parse::malformed};

/// Why a function is a root of the graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "name")]
pub enum Root {
    Export(String),
    Start,
    /// In the element table: `call_indirect` may reach it from anywhere.
    Table,
    /// Referred to by a global's initialiser.
    Global,
    /// Go: a function value (`funcval`, an itab's method) in the data segments.
    Data,
    /// Nothing the module's code or tables show refers to it (Go reaches such functions through
    /// PCs kept in its runtime tables), so it counts as used.
    NoKnownReferrer,
}

impl Root {
    pub fn label(&self) -> String {
        match self {
            Root::Export(name) => format!("export \"{name}\""),
            Root::Start => "the start function".into(),
            Root::Table => "the element table".into(),
            Root::Global => "a global's ref.func".into(),
            Root::Data => "a Go function value in the data".into(),
            Root::NoKnownReferrer => "no known referrer".into(),
        }
    }
}

pub struct CallGraph {
    /// Imported functions: indexes below this have no body.
    pub imported: u32,
    /// Callees (and `ref.func` targets) of every function, by function index.
    pub callees: Vec<Vec<u32>>,
    /// The roots, each with its first reason.
    pub roots: Vec<(u32, Root)>,
    /// The element table lists (almost) every function, as Go's does for its goroutine switch,
    /// so it was not taken as roots: it says nothing about which function is used.
    pub table_is_dispatch: bool,
}

/// The function index Go's PC (`funcIndex << 16 | block`) value `w` names, if it is one.
fn go_function_value(w: u64, imported: u32, defined: u32) -> Option<u32> {
    if w & 0xffff != 0 || w >> 32 != 0 {
        return None;
    }
    let k = (w >> 16).checked_sub(0x1000)?;
    (k < u64::from(defined)).then(|| imported + k as u32)
}

/// The call graph of a module. `go_data`: search the data segments for Go function values, for
/// a Go module (its pclntab says so); `skip` is a memory range not to search (the pclntab).
#[expect(
    clippy::too_many_lines,
    reason = "a parser: one arm per section it reads"
)]
pub fn call_graph(
    bytes: &[u8],
    go_data: bool,
    skip: std::ops::Range<u64>,
) -> Result<CallGraph, InspectError> {
    let mut imported = 0u32;
    let mut callees: Vec<Vec<u32>> = Vec::new();
    let mut roots: Vec<(u32, Root)> = Vec::new();
    let mut table: Vec<u32> = Vec::new();
    let mut data: Vec<u32> = Vec::new();
    let mut body = 0u32;
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(malformed)? {
            Payload::ImportSection(r) => {
                for import in r.into_imports() {
                    let import = import.map_err(malformed)?;
                    if matches!(
                        import.ty,
                        wasmparser::TypeRef::Func(_) | wasmparser::TypeRef::FuncExact(_)
                    ) {
                        imported += 1;
                    }
                }
                callees = vec![Vec::new(); imported as usize];
            }
            Payload::FunctionSection(r) => {
                callees.resize(imported as usize + r.count() as usize, Vec::new());
            }
            Payload::ExportSection(r) => {
                for e in r {
                    let e = e.map_err(malformed)?;
                    if e.kind == ExternalKind::Func {
                        roots.push((e.index, Root::Export(e.name.to_string())));
                    }
                }
            }
            Payload::StartSection { func, .. } => roots.push((func, Root::Start)),
            Payload::GlobalSection(r) => {
                for g in r {
                    let g = g.map_err(malformed)?;
                    for op in g.init_expr.get_operators_reader() {
                        if let Ok(Operator::RefFunc { function_index }) = op {
                            roots.push((function_index, Root::Global));
                        }
                    }
                }
            }
            Payload::ElementSection(r) => {
                for e in r {
                    match e.map_err(malformed)?.items {
                        ElementItems::Functions(fs) => {
                            for f in fs {
                                table.push(f.map_err(malformed)?);
                            }
                        }
                        ElementItems::Expressions(_, exprs) => {
                            for expr in exprs {
                                for op in expr.map_err(malformed)?.get_operators_reader() {
                                    if let Ok(Operator::RefFunc { function_index }) = op {
                                        table.push(function_index);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            Payload::CodeSectionEntry(b) => {
                let at = (imported + body) as usize;
                body += 1;
                let mut out = Vec::new();
                for op in b.get_operators_reader().map_err(malformed)? {
                    match op.map_err(malformed)? {
                        Operator::Call { function_index }
                        | Operator::ReturnCall { function_index }
                        | Operator::RefFunc { function_index } => out.push(function_index),
                        _ => {}
                    }
                }
                out.sort_unstable();
                out.dedup();
                if let Some(slot) = callees.get_mut(at) {
                    *slot = out;
                }
            }
            Payload::DataSection(r) if go_data => {
                let defined = callees.len() as u32 - imported;
                data.extend(go_function_values(r, &skip, imported, defined)?);
            }
            _ => {}
        }
    }
    let (roots, table_is_dispatch) = all_roots(&mut callees, imported, roots, table, data);
    Ok(CallGraph {
        imported,
        callees,
        roots,
        table_is_dispatch,
    })
}

/// The Go function values in active data segments (8-byte aligned words), outside `skip`.
fn go_function_values(
    r: wasmparser::DataSectionReader<'_>,
    skip: &std::ops::Range<u64>,
    imported: u32,
    defined: u32,
) -> Result<Vec<u32>, InspectError> {
    let mut data = vec![];
    for d in r {
        let d = d.map_err(malformed)?;
        let wasmparser::DataKind::Active { offset_expr, .. } = d.kind else {
            continue;
        };
        let Ok(Operator::I32Const { value }) = offset_expr.get_operators_reader().read() else {
            continue;
        };
        let base = u64::from(value as u32);
        let first = (8 - base % 8) % 8;
        for (k, w) in d
            .data
            .get(first as usize..)
            .unwrap_or(&[])
            .chunks_exact(8)
            .enumerate()
        {
            let at = base + first + 8 * k as u64;
            if skip.contains(&at) {
                continue;
            }
            let w = u64::from_le_bytes(w.try_into().unwrap_or_default());
            if let Some(f) = go_function_value(w, imported, defined) {
                data.push(f);
            }
        }
    }
    Ok(data)
}

/// Every root with its reason (the first found), the table's entries counted unless the table
/// is a dispatch table of nearly every function, and functions nothing refers to; drops
/// callees that are out of range. Also says whether the table is a dispatch table.
fn all_roots(
    callees: &mut [Vec<u32>],
    imported: u32,
    mut roots: Vec<(u32, Root)>,
    table: Vec<u32>,
    data: Vec<u32>,
) -> (Vec<(u32, Root)>, bool) {
    let defined = callees.len() - imported as usize;
    let listed: HashSet<u32> = table.iter().copied().collect();
    let table_is_dispatch = defined > 16 && listed.len() * 10 >= defined * 9;
    if !table_is_dispatch {
        roots.extend(table.into_iter().map(|f| (f, Root::Table)));
    }
    roots.extend(data.into_iter().map(|f| (f, Root::Data)));
    roots.retain(|(f, _)| (*f as usize) < callees.len());
    let mut referred = vec![false; callees.len()];
    for &(f, _) in &roots {
        referred[f as usize] = true;
    }
    for list in callees.iter() {
        for &f in list {
            if let Some(r) = referred.get_mut(f as usize) {
                *r = true;
            }
        }
    }
    for (f, r) in referred.iter().enumerate().skip(imported as usize) {
        if !r {
            roots.push((f as u32, Root::NoKnownReferrer));
        }
    }
    // One reason per root, the first found.
    let mut seen = HashSet::new();
    roots.retain(|(f, _)| seen.insert(*f));
    for list in callees.iter_mut() {
        list.retain(|&f| (f as usize) < referred.len());
    }
    (roots, table_is_dispatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_exports_tables_and_unreferenced_functions_make_the_graph() {
        let wasm = wat::parse_str(
            r#"(module
                (func $imp (import "m" "f"))
                (func $a (export "a") call $b call $imp)
                (func $b call $c)
                (func $c)
                (func $d)
                (func $e)
                (table 1 funcref) (elem (i32.const 0) $d))"#,
        )
        .unwrap();
        let g = call_graph(&wasm, false, 0..0).unwrap();
        assert_eq!(g.imported, 1);
        assert_eq!(g.callees[1], vec![0, 2]);
        assert_eq!(g.callees[2], vec![3]);
        assert!(!g.table_is_dispatch);
        assert_eq!(
            g.roots,
            vec![
                (1, Root::Export("a".into())),
                (4, Root::Table),
                (5, Root::NoKnownReferrer)
            ]
        );
    }

    #[test]
    fn go_function_values_are_pcs_of_defined_functions() {
        assert_eq!(go_function_value(0x1000 << 16, 3, 10), Some(3));
        assert_eq!(go_function_value(0x1009 << 16, 3, 10), Some(12));
        assert_eq!(go_function_value(0x100a << 16, 3, 10), None);
        assert_eq!(go_function_value((0x1000 << 16) | 1, 3, 10), None);
        assert_eq!(go_function_value(0, 3, 10), None);
    }
}
