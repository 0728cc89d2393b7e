//! DWARF in a module's `.debug_*` custom sections (TinyGo writes it unless built with
//! `-no-debug`): the source file and line of any code address.
//!
//! Addresses in wasm DWARF are offsets from the start of the code section's contents (the byte
//! after its size), so a function body at file offset `o` is at address `o - code_start`.

use std::collections::HashMap;

use gimli::{EndianSlice, LittleEndian, SectionId};

type Reader<'a> = EndianSlice<'a, LittleEndian>;

/// A place in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub line: Option<u32>,
    /// The function the code is in, as DWARF names it (inlined calls name the callee).
    pub function: Option<String>,
}

/// The line tables of a module's DWARF.
pub struct Lines<'a> {
    context: addr2line::Context<Reader<'a>>,
    /// File offset of the code section's contents: address 0.
    code_start: u64,
}

impl<'a> Lines<'a> {
    /// The line tables of these `.debug_*` sections (by name, as in the module), if there is
    /// a `.debug_info` and a `.debug_line`; malformed DWARF is an error, said in a line.
    pub fn new(
        sections: &HashMap<&'a str, &'a [u8]>,
        code_start: u64,
    ) -> Result<Option<Lines<'a>>, String> {
        if !sections.contains_key(".debug_info") || !sections.contains_key(".debug_line") {
            return Ok(None);
        }
        let dwarf = gimli::Dwarf::load(|id: SectionId| -> Result<Reader<'a>, String> {
            let data = sections.get(id.name()).copied().unwrap_or(&[]);
            Ok(EndianSlice::new(data, LittleEndian))
        })?;
        let context =
            addr2line::Context::from_dwarf(dwarf).map_err(|e| format!("unreadable DWARF: {e}"))?;
        Ok(Some(Lines {
            context,
            code_start,
        }))
    }

    /// The place of the code at this offset in the module file, outermost function last: an
    /// inlined call gives one place per level. Empty where DWARF says nothing.
    pub fn at_file_offset(&self, offset: u64) -> Vec<Place> {
        let Some(address) = offset.checked_sub(self.code_start) else {
            return vec![];
        };
        let mut places = vec![];
        let Ok(mut frames) = self.context.find_frames(address).skip_all_loads() else {
            return places;
        };
        while let Ok(Some(frame)) = frames.next() {
            let function = frame
                .function
                .as_ref()
                .and_then(|f| f.raw_name().ok())
                .map(|n| n.into_owned());
            if let Some(file) = frame.location.as_ref().and_then(|l| l.file) {
                places.push(Place {
                    file: file.to_string(),
                    line: frame.location.as_ref().and_then(|l| l.line),
                    function,
                });
            }
            if places.len() > 64 {
                break;
            }
        }
        places
    }

    /// Where a function body (file offsets `start..end`) is in the source: the file and line
    /// of its first code with a line (the enclosing function's, where that code was inlined).
    pub fn function_at(&self, start: u64, end: u64) -> Option<Place> {
        let low = start.checked_sub(self.code_start)?;
        let high = end.checked_sub(self.code_start)?;
        let (address, _, _) = self
            .context
            .find_location_range(low, high)
            .ok()?
            .find(|(_, _, l)| l.file.is_some() && l.line.is_some_and(|n| n > 0))?;
        self.at_file_offset(address + self.code_start).pop()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_sections_no_lines_and_garbage_is_no_panic() {
        let none = HashMap::new();
        assert!(Lines::new(&none, 0).unwrap().is_none());
        let junk = [0xffu8; 64];
        let mut s = HashMap::new();
        s.insert(".debug_info", &junk[..]);
        s.insert(".debug_line", &junk[..]);
        s.insert(".debug_abbrev", &junk[..]);
        if let Ok(Some(lines)) = Lines::new(&s, 10) {
            assert!(lines.at_file_offset(5).is_empty());
            let _ = lines.at_file_offset(40);
        }
    }
}
