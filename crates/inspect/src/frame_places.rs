//! Where the frames of a trap's backtrace are in the Go source.
//!
//! With DWARF (TinyGo), the exact file and line of the instruction, inlined calls included; where
//! DWARF has no line for it (optimised code merged from several lines gets line 0), the line of
//! the function's first code.
//! With Go's pclntab, from the `PC_B` values the code offset has (`go_resume`): a caller's line is
//! exact (a call has its region's last value); the trapping instruction's is one of its region's
//! lines, exact when they are all the same line, else the range. Where the function has no
//! dispatch, the line the function starts at.

use serde::{Deserialize, Serialize};

use std::collections::HashMap;

use super::go_pclntab::GoFunc;
use super::{anatomy, dwarf, go_resume};

/// A frame's place in the source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FramePlace {
    pub file: String,
    pub line: Option<u32>,
    /// The line is the instruction's own; otherwise it is one of `line..=last_line`, or without
    /// `last_line` the line the function starts at.
    pub exact: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_line: Option<u32>,
    /// The Go function, as DWARF names it: the callee, for code inlined into the frame's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
}

impl FramePlace {
    fn from_dwarf(p: dwarf::Place, exact: bool) -> FramePlace {
        FramePlace {
            file: p.file,
            line: p.line,
            exact,
            last_line: None,
            function: p.function,
        }
    }
}

/// The places of each frame (function index, offset in the module file), innermost first: more
/// than one where calls were inlined; none where the module does not say. Input that cannot be
/// read gives no places, never an error.
pub fn locate(bytes: &[u8], frames: &[(u32, Option<u64>)]) -> Vec<Vec<FramePlace>> {
    let none = || vec![vec![]; frames.len()];
    let Ok(scan) = anatomy::Scan::read(bytes) else {
        return none();
    };
    if let Ok(Some(lines)) = dwarf::Lines::new(&scan.debug, scan.code_start) {
        return frames
            .iter()
            .map(|&(index, offset)| {
                let exact: Vec<FramePlace> = offset
                    .map(|o| lines.at_file_offset(o))
                    .unwrap_or_default()
                    .into_iter()
                    .map(|p| FramePlace::from_dwarf(p, true))
                    .collect();
                if !exact.is_empty() {
                    return exact;
                }
                // No line for the instruction (optimised code is often line 0): the function's.
                let body = index
                    .checked_sub(scan.imported)
                    .and_then(|k| scan.bodies.get(k as usize));
                body.and_then(|&(start, size)| lines.function_at(start, start + size))
                    .map(|p| FramePlace::from_dwarf(p, false))
                    .into_iter()
                    .collect()
            })
            .collect();
    }
    let Some((_, image, table, _)) = anatomy::go_table(&scan) else {
        return none();
    };
    let by_index: HashMap<u32, &GoFunc> =
        table.funcs.iter().map(|f| (f.defined_index, f)).collect();
    frames
        .iter()
        .enumerate()
        .map(|(i, &(index, offset))| {
            let go_place = || -> Option<FramePlace> {
                let k = index.checked_sub(scan.imported)?;
                let f = by_index.get(&k)?;
                let &(start, size) = scan.bodies.get(k as usize)?;
                let values =
                    offset.and_then(|o| go_resume::pc_b_values(bytes, start, start + size, o));
                let function = Some(f.name.clone());
                let Some(values) = values else {
                    return Some(FramePlace {
                        file: f.file.clone()?,
                        line: f.line,
                        exact: false,
                        last_line: None,
                        function,
                    });
                };
                // A caller stands at its call, its region's last value.
                let pcs = if i > 0 {
                    *values.end()..=*values.end()
                } else {
                    *values.start()..=(*values.end()).min(values.start() + 4096)
                };
                let places: Vec<(String, u32)> =
                    pcs.filter_map(|pc| table.place(&image, f, pc)).collect();
                let file = places.first()?.0.clone();
                let lines = places.iter().filter(|(f, _)| *f == file).map(|p| p.1);
                let (low, high) = (lines.clone().min()?, lines.max()?);
                Some(FramePlace {
                    file,
                    line: Some(low),
                    exact: low == high,
                    last_line: (low != high).then_some(high),
                    function,
                })
            };
            go_place().into_iter().collect()
        })
        .collect()
}

/// Code at an offset in the module file: the function it is in and its places in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeFrame {
    /// The function's index (imports counted).
    pub index: u32,
    /// Its name: DWARF's, else the name section's, else `wasm-function[N]`.
    pub name: String,
    /// As [`locate`] gives them: innermost first, more than one where calls were inlined.
    pub places: Vec<FramePlace>,
}

/// The function and places of the code at each offset in the module file (as a profile of a
/// module without Go's tables records them); `None` for an offset in no function body.
pub fn code_frames(bytes: &[u8], offsets: &[u64]) -> Vec<Option<CodeFrame>> {
    let Ok(scan) = anatomy::Scan::read(bytes) else {
        return vec![None; offsets.len()];
    };
    let index_of = |offset: u64| -> Option<u32> {
        let k = scan.bodies.partition_point(|&(start, _)| start <= offset);
        let (start, size) = *scan.bodies.get(k.checked_sub(1)?)?;
        (offset < start + size).then(|| scan.imported + (k - 1) as u32)
    };
    let indexes: Vec<Option<u32>> = offsets.iter().map(|&o| index_of(o)).collect();
    let keys: Vec<(u32, Option<u64>)> = indexes
        .iter()
        .zip(offsets)
        .filter_map(|(i, &o)| Some(((*i)?, Some(o))))
        .collect();
    let mut located = locate(bytes, &keys).into_iter();
    indexes
        .into_iter()
        .map(|index| {
            let index = index?;
            let places = located.next().unwrap_or_default();
            let name = places
                .last()
                .and_then(|p| p.function.clone())
                .filter(|n| !n.is_empty())
                .or_else(|| scan.names.get(&index).cloned())
                .unwrap_or_else(|| format!("wasm-function[{index}]"));
            Some(CodeFrame {
                index,
                name,
                places,
            })
        })
        .collect()
}
