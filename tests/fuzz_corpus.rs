//! The bounded fuzz run CI can afford: every input of the libFuzzer corpus (`scripts/fuzz` grows
//! it; `fuzz/corpus-inspect.tar.gz`) and mutations of each go through the inspector and the
//! triage, with the fuzz target's checks: no panic, and the headers-only read agrees with the
//! full one wherever the full one succeeds.

use std::io::Read;

use gowasm::inspect::{inspect, inspect_headers, triage::triage};

fn corpus() -> Vec<Vec<u8>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus-inspect.tar.gz");
    let file = std::fs::File::open(path).unwrap();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut inputs = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.header().entry_type().is_file() {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            inputs.push(bytes);
        }
    }
    inputs
}

fn check(bytes: &[u8]) {
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
}

#[test]
fn the_fuzz_corpus_and_its_mutations_never_panic() {
    let inputs = corpus();
    assert!(inputs.len() > 1000, "corpus has {} inputs", inputs.len());
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut executions = 0;
    for input in &inputs {
        check(input);
        executions += 1;
        for _ in 0..64 {
            let mut bytes = input.clone();
            match next() % 4 {
                // Flip a few bytes.
                0 | 1 if !bytes.is_empty() => {
                    for _ in 0..(next() % 4 + 1) {
                        let at = (next() as usize) % bytes.len();
                        bytes[at] ^= (next() as u8) | 1;
                    }
                }
                // Cut it short.
                2 if !bytes.is_empty() => bytes.truncate((next() as usize) % bytes.len()),
                // Splice in part of another input.
                _ => {
                    let other = &inputs[(next() as usize) % inputs.len()];
                    let at = (next() as usize) % (bytes.len() + 1);
                    let from = (next() as usize) % (other.len() + 1);
                    bytes.splice(at..at, other[from..].iter().copied());
                }
            }
            check(&bytes);
            executions += 1;
        }
    }
    eprintln!(
        "fuzz corpus: {} inputs, {executions} executions",
        inputs.len()
    );
}
