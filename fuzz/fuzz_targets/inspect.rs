//! Any bytes through the inspector (full and headers-only) and the import triage: a report or an
//! error, never a panic, and the two reads agree on what they both read.
#![no_main]

use gowasm_inspect::{inspect, inspect_headers, triage::triage};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let full = inspect(bytes, 20);
    let headers = inspect_headers(bytes);
    if let Ok(report) = &full {
        let _ = triage(report);
        let quick = headers.as_ref().expect("headers-only fails where the full read succeeds");
        assert_eq!(quick.imports, report.imports);
        assert_eq!(quick.exports, report.exports);
        assert_eq!(quick.target, report.target);
    }
    if let Ok(report) = &headers {
        let _ = triage(report);
    }
});
