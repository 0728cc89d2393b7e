//! gowasm patch: a compiled function's address map, from the line table LLVM writes when
//! `LLVM::wasm_offset_lines` is set. Each wasm operator's instructions carry the line "offset of
//! the operator in the module, plus one" (as the experimental artifact's DWARF does), so each row
//! of the table says where an operator's code starts. Rows of line 0, code LLVM made or merged
//! from several operators, are left out: a trap there gives the function's start, as before.

use object::{Object, ObjectSection};
use wasmer_compiler::types::address_map::{FunctionAddressMap, InstructionAddressMap};
use wasmer_types::SourceLoc;

/// The map of a function `body_len` bytes long, whose wasm body is at `start..end` in the
/// module, from the object LLVM made of it alone. Without a line table, a map of one entry for
/// the whole body, as wasmer's LLVM compiler has always given.
pub fn address_map(object: &[u8], body_len: usize, start: usize, end: usize) -> FunctionAddressMap {
    let instructions = rows(object)
        .map(|rows| instructions(&rows, body_len))
        .unwrap_or_else(|| {
            vec![InstructionAddressMap {
                srcloc: SourceLoc::default(),
                code_offset: 0,
                code_len: body_len,
            }]
        });
    FunctionAddressMap {
        instructions,
        start_srcloc: SourceLoc::new(start as u32),
        end_srcloc: SourceLoc::new(end as u32),
        body_offset: 0,
        body_len,
    }
}

/// The table's rows as (code offset, line): the function is alone in its section, at offset 0,
/// so the addresses (relocated against that section, and 0 in the object) are its offsets.
fn rows(object: &[u8]) -> Option<Vec<(u64, u64)>> {
    let file = object::File::parse(object).ok()?;
    let data = file.section_by_name(".debug_line")?.data().ok()?;
    let program = gimli::DebugLine::new(data, gimli::LittleEndian)
        .program(gimli::DebugLineOffset(0), 8, None, None)
        .ok()?;
    let mut rows = program.rows();
    let mut found = Vec::new();
    while let Ok(Some((_, row))) = rows.next_row() {
        let line = if row.end_sequence() {
            0
        } else {
            row.line().map_or(0, |l| l.get())
        };
        found.push((row.address(), line));
    }
    Some(found)
}

/// One entry per run of code with the same operator: from a row to the next row.
fn instructions(rows: &[(u64, u64)], body_len: usize) -> Vec<InstructionAddressMap> {
    let mut map: Vec<InstructionAddressMap> = Vec::new();
    for (i, &(address, line)) in rows.iter().enumerate() {
        let next = rows.get(i + 1).map_or(body_len as u64, |r| r.0);
        let (Some(offset), true) = (line.checked_sub(1), next > address) else {
            continue;
        };
        let (code_offset, code_len) = (address as usize, (next - address) as usize);
        if code_offset + code_len > body_len {
            continue;
        }
        let srcloc = SourceLoc::new(offset as u32);
        match map.last_mut() {
            Some(last) if last.srcloc == srcloc && last.code_offset + last.code_len == code_offset => {
                last.code_len += code_len;
            }
            _ => map.push(InstructionAddressMap {
                srcloc,
                code_offset,
                code_len,
            }),
        }
    }
    map.sort_by_key(|m| m.code_offset);
    map
}
