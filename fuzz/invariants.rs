//! What must hold for any bytes, shared by the fuzz target and the corpus replay in
//! `tests/fuzz_corpus.rs`: the inspector (full and headers-only) and the import triage give a
//! report or an error, never a panic, and the two reads agree on what they both read. The
//! anatomy (Go's pclntab, package sizes) gives one or an error too, and the pclntab reader is
//! also given the bytes directly, behind its magic, so that it sees more than well-formed wasm.
//! The DWARF reader gets them as the `.debug_*` sections of a one-function module.

use gowasm_inspect::{
    anatomy::anatomy, frame_places, go_pclntab, go_resume, inspect, inspect_headers, retained,
    triage::triage, write_uleb128,
};

pub fn check(bytes: &[u8]) {
    let full = inspect(bytes, 20);
    let headers = inspect_headers(bytes);
    if let Ok(report) = &full {
        let _ = triage(report);
        let quick = headers
            .as_ref()
            .unwrap_or_else(|e| panic!("headers-only failed ({e}) where the full read did not"));
        assert_eq!(quick.imports, report.imports);
        assert_eq!(quick.exports, report.exports);
        assert_eq!(quick.target, report.target);
    }
    if let Ok(report) = &headers {
        let _ = triage(report);
    }
    if let (Ok(a), Ok(report)) = (anatomy(bytes), &full) {
        assert_eq!(a.functions.len() as u32, report.defined_functions);
        let _ = (a.packages(), a.files());
        if let Ok(r) = retained::retention_of(bytes, &a) {
            assert_eq!(r.functions.len(), a.functions.len());
            if let Some(f) = r.functions.first() {
                let _ = r.path_to(f.index);
            }
        }
    }
    let mut table = go_pclntab::MAGIC.to_vec();
    table.extend_from_slice(bytes);
    for layout in go_pclntab::LAYOUTS {
        if let Ok(Some(t)) = go_pclntab::read(&table, layout) {
            for f in t.funcs.iter().take(64) {
                for pc_b in 0..4 {
                    let _ = t.place(&table, f, pc_b);
                }
            }
        }
    }
    for offset in (0..bytes.len() as u64).step_by(5).take(64) {
        let _ = go_resume::pc_b_values(bytes, 0, bytes.len() as u64, offset);
    }
    let module = with_debug_sections(bytes);
    let _ = anatomy(&module);
    let frames: Vec<(u32, Option<u64>)> = (0..module.len() as u64)
        .step_by(7)
        .map(|o| (0, Some(o)))
        .collect();
    let _ = frame_places::locate(&module, &frames);
}

/// A valid module of one empty function whose `.debug_info`, `.debug_abbrev`, `.debug_line` and
/// `.debug_str` sections are the thirds and the whole of `bytes`.
fn with_debug_sections(bytes: &[u8]) -> Vec<u8> {
    fn section(out: &mut Vec<u8>, id: u8, body: &[u8]) {
        out.push(id);
        write_uleb128(out, body.len() as u64);
        out.extend_from_slice(body);
    }
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    section(&mut m, 1, &[1, 0x60, 0, 0]);
    section(&mut m, 3, &[1, 0]);
    section(&mut m, 10, &[1, 2, 0, 0x0b]);
    let third = bytes.len() / 3;
    let parts = [
        (".debug_info", &bytes[..third]),
        (".debug_abbrev", &bytes[third..2 * third]),
        (".debug_line", &bytes[2 * third..]),
        (".debug_str", bytes),
    ];
    for (name, data) in parts {
        let mut body = vec![];
        write_uleb128(&mut body, name.len() as u64);
        body.extend_from_slice(name.as_bytes());
        body.extend_from_slice(data);
        section(&mut m, 0, &body);
    }
    m
}
