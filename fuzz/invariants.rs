//! What must hold for any bytes, shared by the fuzz target and the corpus replay in
//! `tests/fuzz_corpus.rs`: the inspector (full and headers-only) and the import triage give a
//! report or an error, never a panic, and the two reads agree on what they both read. The
//! anatomy (Go's pclntab, package sizes) gives one or an error too, and the pclntab reader is
//! also given the bytes directly, behind its magic, so that it sees more than well-formed wasm.

use gowasm_inspect::{anatomy::anatomy, go_pclntab, inspect, inspect_headers, triage::triage};

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
    }
    let mut table = go_pclntab::MAGIC.to_vec();
    table.extend_from_slice(bytes);
    let _ = go_pclntab::read(&table);
}
