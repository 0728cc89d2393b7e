//! A module's active data segments coalesced into a few blocks before it is compiled.
//!
//! Go's linker splits its data into one segment per run of non-zero bytes: a 3 MB module has
//! ~35 000 segments spanning about 1.5 MB. wasmer and wasmi initialise memory segment by
//! segment, and wasmer's artifact keeps each as a record to deserialize, so instantiating (and
//! loading a cached artifact) cost milliseconds for bookkeeping alone. wasmtime builds a memory
//! image once; this is gowasm's counterpart: segments closer than [`MAX_GAP`] bytes are joined,
//! the gap filled with the zeros fresh memory holds anyway.
//!
//! Only a module whose effect cannot change is rewritten: one memory, defined by the module
//! (imported memory may hold data of its own), every segment active with a constant offset,
//! none overlapping another (so their order does not matter), and no data-count section (no
//! `memory.init` or `data.drop` can name a segment by its index). The data section follows the code section, so code offsets (trap
//! frames) do not move. A segment out of bounds still fails instantiation: the joined block ends
//! where the last of its segments did.

/// The largest run of zeros joined into a block: at most this much is copied for nothing.
const MAX_GAP: u64 = 4096;
/// Below this many segments, joining saves nothing worth the copy.
const MIN_SEGMENTS: usize = 64;

const DATA_SECTION: u8 = 11;
const DATA_COUNT_SECTION: u8 = 12;

/// The module with its data segments joined, or `None` when it is better, or only safe, as it
/// is. `memory_imported` says whether the module imports its memory.
pub fn coalesce(bytes: &[u8], memory_imported: bool) -> Option<Vec<u8>> {
    if memory_imported || bytes.get(..8)? != b"\0asm\x01\0\0\0" {
        return None;
    }
    let mut data = None;
    let mut at = 8;
    while at < bytes.len() {
        let id = bytes[at];
        let (size, contents) = leb_u32(bytes, at + 1)?;
        let end = contents.checked_add(size as usize)?;
        if end > bytes.len() || id == DATA_COUNT_SECTION {
            return None;
        }
        if id == DATA_SECTION {
            data = Some((at, contents, end));
        }
        at = end;
    }
    let (section_start, contents, end) = data?;
    let segments = segments(&bytes[contents..end])?;
    if segments.len() < MIN_SEGMENTS {
        return None;
    }
    let blocks = join(&segments);
    let mut section = Vec::with_capacity(end - contents);
    push_leb(&mut section, blocks.len() as u64);
    for block in &blocks {
        // Active, memory 0, `i32.const offset; end`.
        section.push(0);
        section.push(0x41);
        push_sleb(&mut section, i64::from(block.offset as i32));
        section.push(0x0b);
        push_leb(&mut section, block.len);
        let block_start = section.len();
        section.resize(block_start + block.len as usize, 0);
        for s in &segments[block.first..block.last] {
            let at = block_start + (s.offset - block.offset) as usize;
            let src = &bytes[contents + s.bytes.0..contents + s.bytes.1];
            section[at..at + src.len()].copy_from_slice(src);
        }
    }
    let mut out = Vec::with_capacity(bytes.len() + section.len());
    out.extend_from_slice(&bytes[..section_start]);
    out.push(DATA_SECTION);
    push_leb(&mut out, section.len() as u64);
    out.extend_from_slice(&section);
    out.extend_from_slice(&bytes[end..]);
    Some(out)
}

/// One active segment: where it goes, and where its bytes are in the section.
struct Segment {
    offset: u64,
    bytes: (usize, usize),
}

/// Segments `first..last`, joined into `len` bytes at `offset`.
struct Block {
    offset: u64,
    len: u64,
    first: usize,
    last: usize,
}

/// The section's segments, if every one is active on memory 0 at an `i32.const` offset and they
/// do not overlap, in the order of their offsets.
fn segments(section: &[u8]) -> Option<Vec<Segment>> {
    let (count, mut at) = leb_u32(section, 0)?;
    let mut out: Vec<Segment> = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let (flags, next) = leb_u32(section, at)?;
        if flags != 0 || section.get(next) != Some(&0x41) {
            return None;
        }
        let (offset, next) = sleb_i32(section, next + 1)?;
        if section.get(next) != Some(&0x0b) {
            return None;
        }
        let (len, start) = leb_u32(section, next + 1)?;
        let end = start.checked_add(len as usize)?;
        if end > section.len() {
            return None;
        }
        // The offset is an address: i32.const -1 means 4 GiB - 1.
        let offset = u64::from(offset as u32);
        out.push(Segment {
            offset,
            bytes: (start, end),
        });
        at = end;
    }
    // Go 1.27's linker puts read-only data after the rest, at lower addresses. Segments that do
    // not overlap write the same bytes in any order, and a memory of the module's own is not
    // seen by anyone if a segment fails, so only an overlap keeps the section as it is.
    out.sort_by_key(|s| s.offset);
    let overlaps = out
        .windows(2)
        .any(|w| w[0].offset + (w[0].bytes.1 - w[0].bytes.0) as u64 > w[1].offset);
    (at == section.len() && !overlaps).then_some(out)
}

fn join(segments: &[Segment]) -> Vec<Block> {
    let mut blocks: Vec<Block> = vec![];
    for (i, s) in segments.iter().enumerate() {
        let len = (s.bytes.1 - s.bytes.0) as u64;
        match blocks.last_mut() {
            Some(b) if s.offset - (b.offset + b.len) <= MAX_GAP => {
                b.len = s.offset + len - b.offset;
                b.last = i + 1;
            }
            _ => blocks.push(Block {
                offset: s.offset,
                len,
                first: i,
                last: i + 1,
            }),
        }
    }
    blocks
}

fn leb_u32(bytes: &[u8], mut at: usize) -> Option<(u32, usize)> {
    let mut value: u64 = 0;
    for shift in (0..35).step_by(7) {
        let b = *bytes.get(at)?;
        at += 1;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some((u32::try_from(value).ok()?, at));
        }
    }
    None
}

fn sleb_i32(bytes: &[u8], mut at: usize) -> Option<(i32, usize)> {
    let mut value: i64 = 0;
    let mut shift = 0;
    loop {
        let b = *bytes.get(at)?;
        at += 1;
        value |= i64::from(b & 0x7f) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            if shift < 64 && b & 0x40 != 0 {
                value |= -1 << shift;
            }
            return Some((i32::try_from(value).ok()?, at));
        }
        if shift >= 35 {
            return None;
        }
    }
}

fn push_leb(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn push_sleb(out: &mut Vec<u8>, mut v: i64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        let done = (v == 0 && b & 0x40 == 0) || (v == -1 && b & 0x40 != 0);
        if done {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with one memory and `segments` (offset, bytes) as active data, plus a function
    /// that reads a byte, so the memory's contents can be checked.
    fn module(segments: &[(u32, &[u8])]) -> Vec<u8> {
        let data: String = segments
            .iter()
            .map(|(at, b)| {
                let bytes: String = b.iter().map(|x| format!("\\{x:02x}")).collect();
                format!("(data (i32.const {at}) \"{bytes}\")")
            })
            .collect();
        wat::parse_str(format!(
            "(module (memory (export \"memory\") 2) {data}
               (func (export \"f\") (result i32) i32.const 0 i32.load8_u))"
        ))
        .unwrap()
    }

    fn memory_of(bytes: &[u8]) -> Vec<u8> {
        let engine = wasmi::Engine::default();
        let m = wasmi::Module::new(&engine, bytes).unwrap();
        let mut store = wasmi::Store::new(&engine, ());
        let i = wasmi::Linker::new(&engine)
            .instantiate_and_start(&mut store, &m)
            .unwrap();
        i.get_memory(&store, "memory")
            .unwrap()
            .data(&store)
            .to_vec()
    }

    #[test]
    fn joins_close_segments_and_keeps_memory_as_it_was() {
        let mut segs: Vec<(u32, Vec<u8>)> = (0..100u32)
            .map(|i| (i * 40 + (i % 3), vec![i as u8 + 1; 1 + (i % 7) as usize]))
            .collect();
        // A far one starts a second block.
        segs.push((100_000, b"far".to_vec()));
        let refs: Vec<(u32, &[u8])> = segs.iter().map(|(a, b)| (*a, &b[..])).collect();
        let original = module(&refs);
        let joined = coalesce(&original, false).expect("joined");
        assert_eq!(segments(data_section(&joined)).unwrap().len(), 2);
        assert_eq!(memory_of(&original), memory_of(&joined));
        wasmparser::Validator::new().validate_all(&joined).unwrap();
    }

    /// Random layouts: gaps from none to beyond [`MAX_GAP`], lengths from 1 to 40 bytes; the
    /// memory after instantiation is the same byte for byte.
    #[test]
    fn random_layouts_give_the_same_memory() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for _ in 0..20 {
            let mut at = next(100) as u32;
            let mut segs: Vec<(u32, Vec<u8>)> = vec![];
            for _ in 0..(64 + next(200)) {
                let len = 1 + next(40) as usize;
                let bytes: Vec<u8> = (0..len).map(|_| next(256) as u8).collect();
                segs.push((at, bytes));
                let gap = match next(10) {
                    0 => 0,
                    1 => MAX_GAP as u32 + next(3000) as u32,
                    _ => next(64) as u32,
                };
                at += len as u32 + gap;
                if at > 2 * 65536 - 100 {
                    break;
                }
            }
            let mut refs: Vec<(u32, &[u8])> = segs.iter().map(|(a, b)| (*a, &b[..])).collect();
            // Half the layouts come out of order, as Go 1.27's do.
            let len = refs.len();
            let turn = next(2 * len as u64) as usize;
            refs.rotate_left(turn.min(len) % len);
            let original = module(&refs);
            match coalesce(&original, false) {
                Some(joined) => assert_eq!(memory_of(&original), memory_of(&joined)),
                None => assert!(refs.len() < MIN_SEGMENTS),
            }
        }
    }

    fn data_section(bytes: &[u8]) -> &[u8] {
        let mut at = 8;
        loop {
            let (size, contents) = leb_u32(bytes, at + 1).unwrap();
            if bytes[at] == DATA_SECTION {
                return &bytes[contents..contents + size as usize];
            }
            at = contents + size as usize;
        }
    }

    /// Go 1.27 writes its read-only data last, at addresses below the rest.
    #[test]
    fn segments_out_of_order_join_as_they_would_apply() {
        let high: Vec<(u32, Vec<u8>)> = (0..80u32)
            .map(|i| (60_000 + i * 16, vec![i as u8 + 1; 5]))
            .collect();
        let low: Vec<(u32, Vec<u8>)> = (0..80u32)
            .map(|i| (1_000 + i * 9, vec![i as u8 + 100; 4]))
            .collect();
        let refs: Vec<(u32, &[u8])> = high.iter().chain(&low).map(|(a, b)| (*a, &b[..])).collect();
        let original = module(&refs);
        let joined = coalesce(&original, false).expect("joined");
        assert_eq!(segments(data_section(&joined)).unwrap().len(), 2);
        assert_eq!(memory_of(&original), memory_of(&joined));
    }

    #[test]
    fn leaves_alone_what_it_cannot_join_safely() {
        let many: Vec<(u32, &[u8])> = (0..100u32).map(|i| (i * 8, &b"ab"[..])).collect();
        assert!(coalesce(&module(&many), true).is_none(), "imported memory");
        assert!(
            coalesce(&module(&many[..10]), false).is_none(),
            "few segments"
        );
        let mut overlapping = many.clone();
        overlapping[50] = (overlapping[49].0 + 1, b"xyz");
        assert!(coalesce(&module(&overlapping), false).is_none(), "overlap");
        assert!(
            coalesce(b"\0asm\x01\0\0\0\x0b\xff", false).is_none(),
            "truncated"
        );
        assert!(coalesce(b"not wasm", false).is_none());
    }

    #[test]
    fn a_segment_out_of_bounds_still_fails_instantiation() {
        // Close to the end of the two pages, so the last one joins the block and overflows it.
        let mut segs: Vec<(u32, &[u8])> = (0..100u32)
            .map(|i| (2 * 65536 - 900 + i * 8, &b"ab"[..]))
            .collect();
        segs.push((2 * 65536 - 1, b"xy"));
        let joined = coalesce(&module(&segs), false).expect("joined");
        assert_eq!(segments(data_section(&joined)).unwrap().len(), 1);
        let engine = wasmi::Engine::default();
        let m = wasmi::Module::new(&engine, &joined[..]).unwrap();
        let mut store = wasmi::Store::new(&engine, ());
        assert!(
            wasmi::Linker::<()>::new(&engine)
                .instantiate_and_start(&mut store, &m)
                .is_err()
        );
    }

    #[test]
    fn leb_round_trips() {
        for v in [
            0i64,
            1,
            -1,
            63,
            64,
            -64,
            -65,
            i64::from(i32::MAX),
            i64::from(i32::MIN),
        ] {
            let mut out = vec![];
            push_sleb(&mut out, v);
            assert_eq!(sleb_i32(&out, 0).unwrap().0 as i64, v);
        }
        for v in [0u64, 127, 128, u64::from(u32::MAX)] {
            let mut out = vec![];
            push_leb(&mut out, v);
            assert_eq!(u64::from(leb_u32(&out, 0).unwrap().0), v);
        }
    }
}
