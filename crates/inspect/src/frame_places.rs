//! Where the frames of a trap's backtrace are in the Go source.
//!
//! With DWARF (TinyGo), the exact file and line of the instruction, inlined calls included; where
//! DWARF has no line for it (optimised code merged from several lines gets line 0), the line of
//! the function's first code.
//! With Go's pclntab, the function's file and the line it starts at: Go's line tables are keyed
//! by resume point (the value of `PC_B`), which the code offset of a trap does not give.

use serde::{Deserialize, Serialize};

use super::{anatomy, dwarf};

/// A frame's place in the source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FramePlace {
    pub file: String,
    pub line: Option<u32>,
    /// The line is the instruction's own; otherwise it is the line the function starts at.
    pub exact: bool,
    /// The Go function, as DWARF names it: the callee, for code inlined into the frame's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
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
                    .map(|p| FramePlace {
                        file: p.file,
                        line: p.line,
                        exact: true,
                        function: p.function,
                    })
                    .collect();
                if !exact.is_empty() {
                    return exact;
                }
                // No line for the instruction (optimised code is often line 0): the function's.
                let body = index
                    .checked_sub(scan.imported)
                    .and_then(|k| scan.bodies.get(k as usize));
                body.and_then(|&(start, size)| lines.function_at(start, start + size))
                    .map(|p| FramePlace {
                        file: p.file,
                        line: p.line,
                        exact: false,
                        function: p.function,
                    })
                    .into_iter()
                    .collect()
            })
            .collect();
    }
    let Ok(a) = anatomy::anatomy(bytes) else {
        return none();
    };
    frames
        .iter()
        .map(|&(index, _)| {
            let f = index
                .checked_sub(scan.imported)
                .and_then(|k| a.functions.get(k as usize));
            f.and_then(|f| {
                Some(FramePlace {
                    file: f.file.clone()?,
                    line: f.line,
                    exact: false,
                    function: Some(f.name.clone()),
                })
            })
            .into_iter()
            .collect()
        })
        .collect()
}
