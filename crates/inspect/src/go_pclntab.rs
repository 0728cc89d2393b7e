//! Go's own symbol table, as the runtime reads it (`runtime.FuncForPC`, panic traces): the
//! pclntab, found in a module's data segments.
//!
//! Only the layout of Go 1.20 and later is read (magic `0xfffffff1`; wasip1 needs Go 1.21). In a
//! wasm module a function's "PC" is `(funcValueOffset + i) << 16`, `i` counting the module's
//! defined functions, so each entry names one function body. What changed since, release by
//! release, is the table [`LAYOUTS`], each fact with the line of Go's source it comes from.
//! Every read is bounds-checked: a damaged table is an error, never a panic.

/// The Go 1.20+ header: magic, two zero bytes, instruction quantum 1, pointer size 8.
pub const MAGIC: [u8; 8] = [0xf1, 0xff, 0xff, 0xff, 0, 0, 1, 8];
/// cmd/link/internal/wasm's `funcValueOffset`: PC_F of the first defined function.
const FUNC_VALUE_OFFSET: u64 = 0x1000;
/// `runtime._func`'s fixed part, before its pcdata and funcdata offsets (the same from Go 1.21
/// to 1.27: runtime/runtime2.go `type _func struct`).
const FUNC_STRUCT: usize = 44;

/// How one range of Go releases lays out what gowasm reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// The first Go minor release (1.x) of this layout.
    pub since: u32,
    /// The functab holds a function's index (`PC >> 16`) rather than its PC.
    pub functab_index: bool,
    /// Word indexes in `runtime.moduledata` of `noptrdata`, `data`, `types` and `etypes` (each
    /// slice before them is three words).
    pub noptrdata: usize,
    pub data: usize,
    pub types: usize,
    pub etypes: usize,
    /// `rodata`, the start of the read-only data (before `types` from Go 1.27 on).
    pub rodata: usize,
    /// `epclntab`, the end of the pclntab with the function metadata in it (Go 1.26+).
    pub epclntab: Option<usize>,
    /// Where in Go's own source this layout is written.
    pub source: &'static str,
}

/// Go 1.21's layout, which each later row changes only where Go did.
const GO_1_21: Layout = Layout {
    since: 21,
    functab_index: false,
    noptrdata: 24,
    data: 26,
    types: 37,
    etypes: 38,
    rodata: 39,
    epclntab: None,
    source: "go1.21 runtime/symtab.go:334-354 (moduledata: `types, etypes` at 37, 38); \
             cmd/link/internal/ld/pcln.go writePCToFunc: `pcOff` is the PC less textStart",
};

/// Go's layouts from 1.21 on, oldest first; a release uses the last row at or before it.
pub const LAYOUTS: &[Layout] = &[
    GO_1_21,
    Layout {
        since: 25,
        functab_index: true,
        source: "go1.25 cmd/link/internal/ld/pcln.go:620-633 textOff: on wasm `off >>= 16`, the \
                 function table holds the function index; runtime/symtab.go:707 textAddr \
                 `res <<= 16` (golang/go#64856)",
        ..GO_1_21
    },
    Layout {
        since: 26,
        functab_index: true,
        epclntab: Some(41),
        source: "go1.26 runtime/symtab.go:402-425 (moduledata: `epclntab` after `rodata`, \
                 `gofunc`; the function metadata moves into the pclntab)",
        ..GO_1_21
    },
    Layout {
        since: 27,
        functab_index: true,
        etypes: 39,
        rodata: 42,
        epclntab: Some(44),
        source: "go1.27 runtime/symtab.go:402-425 (moduledata: `types, typedesclen, etypes` at \
                 37, 38, 39; `itaboffset, itabsize`; `rodata` 42, `gofunc`, `epclntab` 44; the \
                 strings move before the pclntab)",
        ..GO_1_21
    },
];

/// The layout of Go 1.`minor`; for a module that does not say its release (no producers
/// section), the newest one, whose functab [`read`] checks against the table itself.
pub fn layout(minor: Option<u32>) -> &'static Layout {
    let newest = LAYOUTS.last().expect("layouts");
    minor.map_or(newest, |m| {
        LAYOUTS
            .iter()
            .rev()
            .find(|l| l.since <= m)
            .unwrap_or(&LAYOUTS[0])
    })
}

/// One function as the pclntab describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct GoFunc {
    /// Position among the module's defined functions (not counting imports).
    pub defined_index: u32,
    pub name: String,
    pub file: Option<String>,
    /// The line of the `func` declaration.
    pub line: Option<u32>,
    /// `runtime._func.flag`: [`FLAG_TOPFRAME`], [`FLAG_SPWRITE`].
    pub flag: u8,
    /// Where its file, line and stack tables are, for [`GoTable::place`] and
    /// [`GoTable::sp_delta`].
    tables: FuncTables,
}

/// internal/abi's `FuncFlagTopFrame`: the outermost frame of a goroutine; nothing calls it.
pub const FLAG_TOPFRAME: u8 = 1 << 0;
/// internal/abi's `FuncFlagSPWrite`: the function writes SP other than by its frame: above the
/// innermost frame, its caller cannot be found from its frame size.
pub const FLAG_SPWRITE: u8 = 1 << 1;

#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct FuncTables {
    entry: u64,
    pcsp: u32,
    pcfile: u32,
    pcln: u32,
    cu_index: u32,
    /// `PCDATA_InlTreeIndex`'s table (in pctab) and `FUNCDATA_InlTree` (from `gofunc`), where
    /// the function has calls inlined into it.
    inline_index: Option<u32>,
    inline_tree: Option<u32>,
}

/// internal/abi's `PCDATA_InlTreeIndex` and `FUNCDATA_InlTree`.
const PCDATA_INL_TREE_INDEX: usize = 2;
const FUNCDATA_INL_TREE: usize = 3;
/// runtime.inlinedCall: funcID, 3 bytes of padding, nameOff, parentPc, startLine.
const INLINED_CALL: u64 = 16;

/// What was read from the table.
#[derive(Debug, Clone, PartialEq)]
pub struct GoTable {
    pub funcs: Vec<GoFunc>,
    /// Where the table starts in the memory it was read from.
    pub offset: u64,
    /// The table's own size in memory: names, files, line and stack tables.
    pub bytes: u64,
    header: Header,
}

/// Offsets (from the table's start) of the parts the line lookups read.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Header {
    funcname: usize,
    cu: usize,
    filetab: usize,
    pctab: usize,
}

impl GoTable {
    /// The table itself, in `memory` (what [`read`] read it from).
    fn table<'a>(&self, memory: &'a [u8]) -> Option<Table<'a>> {
        Some(Table {
            bytes: memory.get(usize::try_from(self.offset).ok()?..)?,
        })
    }

    /// The file and line of the code at block `pc_b` of `f` (what Go's runtime reads for a PC of
    /// `f`'s entry + `pc_b`). `memory` is what [`read`] read the table from.
    pub fn place(&self, memory: &[u8], f: &GoFunc, pc_b: u32) -> Option<(String, u32)> {
        let t = self.table(memory)?;
        let h = self.header;
        let target = f.tables.entry + u64::from(pc_b);
        let at = |table: u32| h.pctab.saturating_add(table as usize);
        let fileno = pc_value(&t, at(f.tables.pcfile), f.tables.entry, target).ok()??;
        let line = pc_value(&t, at(f.tables.pcln), f.tables.entry, target).ok()??;
        let fileno = usize::try_from(fileno).ok()?;
        let off = t
            .u32(h.cu.saturating_add(4 * (f.tables.cu_index as usize + fileno)))
            .ok()?;
        if off == u32::MAX {
            return None;
        }
        let file = t.cstr(h.filetab.saturating_add(off as usize)).ok()?;
        Some((file, u32::try_from(line).ok().filter(|&l| l > 0)?))
    }

    /// The functions at block `pc_b` of `f`, innermost first, where calls were inlined into it
    /// (Go's `inlineUnwinder`): each with the block to place it at (`f`'s lines give an inlined
    /// call's place at its parent's PC). Just `f` at `pc_b` where nothing was. `memory` is what
    /// [`read`] read the table from, starting at address `base`; `gofunc` is
    /// `runtime.moduledata.gofunc`, where function data is ([`gofunc`]).
    pub fn frames_at(
        &self,
        memory: &[u8],
        base: u64,
        gofunc: Option<u64>,
        f: &GoFunc,
        pc_b: u32,
    ) -> Vec<(String, u32)> {
        let mut out = vec![];
        let mut pc = pc_b;
        if let (Some(index), Some(tree), Some(gofunc)) =
            (f.tables.inline_index, f.tables.inline_tree, gofunc)
            && let Some(t) = self.table(memory)
        {
            let image = Table { bytes: memory };
            let entry = f.tables.entry;
            let at = self.header.pctab.saturating_add(index as usize);
            while out.len() < 64 {
                let Ok(Some(ix)) = pc_value(&t, at, entry, entry + u64::from(pc)) else {
                    break;
                };
                let Ok(ix) = u64::try_from(ix) else {
                    break;
                };
                let call = (gofunc + u64::from(tree) + INLINED_CALL * ix).checked_sub(base);
                let Some(call) = call.and_then(|c| usize::try_from(c).ok()) else {
                    break;
                };
                let (Ok(name_off), Ok(parent)) = (image.u32(call + 4), image.u32(call + 8)) else {
                    break;
                };
                let Ok(name) = t.cstr(self.header.funcname.saturating_add(name_off as usize))
                else {
                    break;
                };
                out.push((name, pc));
                pc = parent;
            }
        }
        out.push((f.name.clone(), pc));
        out
    }

    /// How far below the caller's frame SP is at block `pc_b` of `f` (Go's `pcsp` table): on
    /// wasm the return address is at `SP + delta`, the caller's SP 8 bytes above it.
    pub fn sp_delta(&self, memory: &[u8], f: &GoFunc, pc_b: u32) -> Option<u32> {
        let t = self.table(memory)?;
        let at = self.header.pctab.saturating_add(f.tables.pcsp as usize);
        let entry = f.tables.entry;
        let delta = pc_value(&t, at, entry, entry + u64::from(pc_b)).ok()??;
        u32::try_from(delta).ok()
    }
}

/// Reads the pclntab from `memory`, the module's initial memory from `base` on, as `layout`
/// lays it out. `Ok(None)` when there is none (not Go, or an older layout).
pub fn read(memory: &[u8], layout: &Layout) -> Result<Option<GoTable>, String> {
    let Some(at) = find(memory, &MAGIC) else {
        return Ok(None);
    };
    let t = Table {
        bytes: &memory[at..],
    };
    let word = |i: usize| t.u64(8 + 8 * i);
    let nfunc = usize::try_from(word(0)?).map_err(|_| "too many functions")?;
    let (text_start, funcname, cu, filetab, pctab, pcln) =
        (word(2)?, word(3)?, word(4)?, word(5)?, word(6)?, word(7)?);
    let offset = |v: u64| usize::try_from(v).map_err(|_| "offset out of range".to_string());
    let (funcname, cu, filetab, pctab, pcln) = (
        offset(funcname)?,
        offset(cu)?,
        offset(filetab)?,
        offset(pctab)?,
        offset(pcln)?,
    );
    if nfunc > t.bytes.len() / 8 {
        return Err(format!("claims {nfunc} functions"));
    }
    let header = Header {
        funcname,
        cu,
        filetab,
        pctab,
    };
    let mut funcs = Vec::with_capacity(nfunc);
    let mut end = pcln.saturating_add((nfunc + 1) * 8);
    // A function index fits in 16 bits' worth of entries only where the table holds indexes:
    // the first entry tells the two layouts apart, and must agree with the release's.
    let first = t.u32(pcln)?;
    let holds_index = nfunc > 0 && u64::from(first) < 1 << 16;
    if nfunc > 0 && holds_index != layout.functab_index {
        return Err(format!(
            "the function table's first entry {first:#x} is not of Go 1.{}'s layout",
            layout.since
        ));
    }
    let shift = if layout.functab_index { 16 } else { 0 };
    for k in 0..nfunc {
        let entry = u64::from(t.u32(pcln.saturating_add(8 * k))?);
        let f = pcln.saturating_add(t.u32(pcln.saturating_add(8 * k + 4))? as usize);
        let pc = text_start.saturating_add(entry << shift);
        let pc_f = pc >> 16;
        let defined_index = pc_f
            .checked_sub(FUNC_VALUE_OFFSET)
            .and_then(|i| u32::try_from(i).ok())
            .ok_or_else(|| format!("function {k} has PC {pc:#x}"))?;
        let (func, record_end) = read_func(&t, &header, f, pc, defined_index)?;
        end = end.max(record_end);
        funcs.push(func);
    }
    Ok(Some(GoTable {
        funcs,
        offset: at as u64,
        bytes: end.min(t.bytes.len()) as u64,
        header,
    }))
}

/// The function record at `f` (a `runtime._func`), for the function at `pc`; and where the
/// record ends.
fn read_func(
    t: &Table<'_>,
    h: &Header,
    f: usize,
    pc: u64,
    defined_index: u32,
) -> Result<(GoFunc, usize), String> {
    let field = |at: usize| t.u32(f.saturating_add(at));
    let name_off = field(4)? as usize;
    let pcsp = field(16)?;
    let pcfile = field(20)? as usize;
    let npcdata = field(28)? as usize;
    let cu_index = field(32)? as usize;
    let start_line = field(36)?;
    let byte = |at: usize| {
        t.bytes
            .get(f.saturating_add(at))
            .copied()
            .ok_or("truncated function record")
    };
    let flag = byte(41)?;
    let nfuncdata = byte(43)? as usize;
    let end = f.saturating_add(FUNC_STRUCT + 4 * (npcdata + nfuncdata));
    let file = first_value(t, h.pctab.saturating_add(pcfile))?
        .and_then(|fileno| usize::try_from(fileno).ok())
        .map(|fileno| t.u32(h.cu.saturating_add(4 * (cu_index + fileno))))
        .transpose()?
        .filter(|&off| off != u32::MAX)
        .map(|off| t.cstr(h.filetab.saturating_add(off as usize)))
        .transpose()?;
    let func = GoFunc {
        defined_index,
        name: t.cstr(h.funcname.saturating_add(name_off))?,
        file,
        line: (start_line > 0 && start_line < i32::MAX as u32).then_some(start_line),
        flag,
        tables: FuncTables {
            entry: pc,
            pcsp,
            pcfile: pcfile as u32,
            pcln: field(24)?,
            cu_index: cu_index as u32,
            inline_index: (npcdata > PCDATA_INL_TREE_INDEX)
                .then(|| field(FUNC_STRUCT + 4 * PCDATA_INL_TREE_INDEX))
                .transpose()?
                .filter(|&o| o != 0),
            inline_tree: (nfuncdata > FUNCDATA_INL_TREE)
                .then(|| field(FUNC_STRUCT + 4 * (npcdata + FUNCDATA_INL_TREE)))
                .transpose()?
                .filter(|&o| o != u32::MAX),
        },
    };
    Ok((func, end))
}

/// A place `runtime.moduledata` may be: 8-byte words from `here` in `image`.
struct Record<'a> {
    image: &'a [u8],
    here: usize,
}

impl Record<'_> {
    fn word(&self, i: usize) -> Option<u64> {
        let at = self.here.checked_add(8 * i)?;
        let b = self.image.get(at..at.checked_add(8)?)?;
        Some(u64::from_le_bytes(b.try_into().ok()?))
    }
}

/// Every 8-byte-aligned place in `image` (memory from `base` on) that holds `pclntab`'s
/// address, as moduledata's first word does.
fn records(image: &[u8], base: u64, pclntab: u64) -> impl Iterator<Item = Record<'_>> {
    let needle = pclntab.to_le_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        loop {
            let here = at + image.get(at..).and_then(|rest| find(rest, &needle))?;
            at = here + 1;
            if (base + here as u64).is_multiple_of(8) {
                return Some(Record { image, here });
            }
        }
    })
}

/// `runtime.moduledata.gofunc`, the base of function data such as inline trees, from the
/// module data record in `image` (memory from `base` on) whose first word is `pclntab`'s
/// address.
pub fn gofunc(image: &[u8], base: u64, pclntab: u64, layout: &Layout) -> Option<u64> {
    let end = base + image.len() as u64;
    for record in records(image, base, pclntab) {
        let word = |i: usize| record.word(i);
        let (Some(types), Some(etypes), Some(gofunc)) = (
            word(layout.types),
            word(layout.etypes),
            word(layout.rodata + 1),
        ) else {
            continue;
        };
        if types <= etypes && etypes <= end && (base..end).contains(&gofunc) {
            return Some(gofunc);
        }
    }
    None
}

/// The pclntab's part of memory, as a label (from Go 1.26 on it holds the function metadata too).
pub const PCLNTAB: &str = "pclntab: Go's function names, files and line tables";

/// Parts of a Go module's memory that `runtime.firstmoduledata` marks out, as labelled address
/// ranges: the pclntab itself where the layout records its end (Go 1.26+, [`PCLNTAB`]),
/// read-only data (`types`..`etypes`: type descriptors, with the strings and function metadata
/// the wasm linker lays out among them until Go 1.26; from 1.27 the strings from `rodata` on)
/// and initialised globals. `image` holds memory from `base` on; `pclntab` is the table's address
/// (moduledata's first field points to it). Empty when no such record is found or its ranges are
/// not sane.
pub fn module_data_spans(
    image: &[u8],
    base: u64,
    pclntab: u64,
    layout: &Layout,
) -> Vec<(&'static str, std::ops::Range<u64>)> {
    let end = base + image.len() as u64;
    for record in records(image, base, pclntab) {
        let word = |i: usize| record.word(i);
        let span = |from: u64, to: u64| -> Option<std::ops::Range<u64>> {
            // Zeros at the end of a range are not in the image: only its start must be.
            (from <= to && from <= end && to - from <= 1 << 28).then_some(from..to)
        };
        let words = |i: usize, end_at: usize| span(word(i)?, word(end_at)?);
        let (Some(types), Some(noptr), Some(data)) = (
            words(layout.types, layout.etypes),
            words(layout.noptrdata, layout.noptrdata + 1),
            words(layout.data, layout.data + 1),
        ) else {
            continue;
        };
        let mut spans = vec![];
        if let Some(e) = layout.epclntab {
            let Some(table) = word(e).and_then(|e| span(pclntab, e)) else {
                continue;
            };
            spans.push((PCLNTAB, table));
        }
        // Go 1.27 puts the strings between `rodata` and the next part it marks out.
        let strings = word(layout.rodata)
            .filter(|r| *r < types.start && *r < pclntab)
            .map(|rodata| rodata..types.start.min(pclntab));
        let types_label = match (layout.epclntab, &strings) {
            (None, _) => "read-only data: types, strings, function metadata",
            (Some(_), None) => "read-only data: types and strings",
            (Some(_), Some(_)) => "read-only data: types",
        };
        spans.push((types_label, types.clone()));
        if let Some(strings) = strings {
            spans.push(("read-only data: strings", strings));
        }
        spans.push(("initialised globals without pointers", noptr));
        spans.push(("initialised globals with pointers", data));
        let disjoint = spans.iter().enumerate().all(|(i, a)| {
            (a.0 == PCLNTAB || !a.1.contains(&pclntab))
                && spans[i + 1..]
                    .iter()
                    .all(|b| a.1.end <= b.1.start || b.1.end <= a.1.start)
        });
        if disjoint {
            return spans;
        }
    }
    vec![]
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

struct Table<'a> {
    bytes: &'a [u8],
}

impl Table<'_> {
    fn slice(&self, at: usize, len: usize) -> Result<&[u8], String> {
        at.checked_add(len)
            .and_then(|end| self.bytes.get(at..end))
            .ok_or_else(|| format!("pclntab read past its end at +{at:#x}"))
    }
    fn u32(&self, at: usize) -> Result<u32, String> {
        Ok(u32::from_le_bytes(
            self.slice(at, 4)?.try_into().expect("4 bytes"),
        ))
    }
    fn u64(&self, at: usize) -> Result<u64, String> {
        Ok(u64::from_le_bytes(
            self.slice(at, 8)?.try_into().expect("8 bytes"),
        ))
    }
    fn cstr(&self, at: usize) -> Result<String, String> {
        let rest = self.bytes.get(at..).ok_or("a name past the table's end")?;
        let len = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or("an unterminated name")?;
        Ok(String::from_utf8_lossy(&rest[..len]).into_owned())
    }
    fn uvarint(&self, at: &mut usize) -> Result<u32, String> {
        let mut value = 0u32;
        for shift in (0..35).step_by(7) {
            let b = *self.bytes.get(*at).ok_or("a value table past its end")?;
            *at += 1;
            value |= u32::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(value);
            }
        }
        Err("an overlong varint".into())
    }
}

/// The first value of a pc-value table (Go's `pcvalue`: zig-zag deltas from -1), or `None` for
/// an empty one.
fn first_value(t: &Table<'_>, at: usize) -> Result<Option<i32>, String> {
    let mut at = at;
    let delta = t.uvarint(&mut at)?;
    if delta == 0 {
        return Ok(None);
    }
    let step = ((delta >> 1) as i32) ^ -((delta & 1) as i32);
    Ok(Some(step.wrapping_sub(1)))
}

/// The value a pc-value table gives `target` (Go's `runtime.pcvalue`): from -1 at `entry`, each
/// step a zig-zag value delta and a PC delta (quantum 1); `None` past the table's end.
fn pc_value(t: &Table<'_>, at: usize, entry: u64, target: u64) -> Result<Option<i32>, String> {
    let (mut at, mut pc, mut value) = (at, entry, -1i32);
    for step in 0.. {
        let delta = t.uvarint(&mut at)?;
        if delta == 0 && step > 0 {
            return Ok(None);
        }
        value = value.wrapping_add(((delta >> 1) as i32) ^ -((delta & 1) as i32));
        pc = pc.saturating_add(u64::from(t.uvarint(&mut at)?));
        if target < pc {
            return Ok(Some(value));
        }
        if step > 1 << 20 {
            break;
        }
    }
    Err("a value table without end".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pc_values_decode_as_go_does() {
        // Go's pcvalue: value starts at -1; 2 encodes +1 (zig-zag), 1 encodes -1.
        let t = Table {
            bytes: &[2, 0x80, 0x01, 0, 1],
        };
        assert_eq!(first_value(&t, 0), Ok(Some(0)));
        assert_eq!(first_value(&t, 3), Ok(None));
        assert_eq!(first_value(&t, 4), Ok(Some(-2)));
        assert!(first_value(&t, 5).is_err(), "past the end");
        let mut at = 1;
        assert_eq!(t.uvarint(&mut at), Ok(0x80));
        // From -1: +11 for pcs [0, 3), then -2 for [3, 5), then the end.
        let t = Table {
            bytes: &[22, 3, 3, 2, 0],
        };
        assert_eq!(pc_value(&t, 0, 0, 0), Ok(Some(10)));
        assert_eq!(pc_value(&t, 0, 0, 2), Ok(Some(10)));
        assert_eq!(pc_value(&t, 0, 0, 3), Ok(Some(8)));
        assert_eq!(pc_value(&t, 0, 0, 5), Ok(None));
    }

    #[test]
    fn a_damaged_table_is_an_error_not_a_panic() {
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&u64::MAX.to_le_bytes());
        for layout in LAYOUTS {
            assert!(read(&bytes, layout).is_err());
            for cut in 0..bytes.len() {
                let _ = read(&bytes[..cut], layout);
            }
            assert_eq!(read(b"no table here", layout), Ok(None));
        }
    }

    #[test]
    fn each_release_has_its_layout() {
        assert_eq!(layout(Some(21)).since, 21);
        assert_eq!(layout(Some(23)).since, 21);
        assert!(!layout(Some(24)).functab_index);
        assert!(layout(Some(25)).functab_index);
        assert_eq!(layout(Some(26)).etypes, 38);
        assert_eq!(layout(Some(27)).etypes, 39);
        // A newer release than gowasm knows is read as the newest it knows.
        assert_eq!(layout(Some(30)), LAYOUTS.last().unwrap());
        assert_eq!(layout(None), LAYOUTS.last().unwrap());
    }
}
