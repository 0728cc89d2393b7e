//! The bounded fuzz run CI can afford: every input of each libFuzzer corpus (`scripts/fuzz`
//! grows them: `fuzz/corpus-inspect.tar.gz`, `fuzz/corpus-js-host.tar.gz`) and mutations of
//! each go through the fuzz target's checks (`fuzz/invariants.rs` for the inspector,
//! `gowasm::engine::fuzz_js_host` for the JS host).

mod common;
#[path = "../fuzz/invariants.rs"]
mod invariants;

use std::io::Read;

use common::XorShift;
use invariants::check;

fn corpus(name: &str) -> Vec<Vec<u8>> {
    let path = format!("{}/fuzz/corpus-{name}.tar.gz", env!("CARGO_MANIFEST_DIR"));
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
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

#[test]
fn the_fuzz_corpus_and_its_mutations_never_panic() {
    let inputs = corpus("inspect");
    assert!(inputs.len() > 1000, "corpus has {} inputs", inputs.len());
    replay(&inputs, 64, check);
}

/// The JS host's corpus: sequences of a guest's calls, each run on a host of its own with a
/// folder to work in (so fewer mutations of each).
#[test]
fn the_js_host_s_fuzz_corpus_and_its_mutations_never_panic_or_escape() {
    let inputs = corpus("js-host");
    assert!(inputs.len() > 100, "corpus has {} inputs", inputs.len());
    replay(&inputs, 8, gowasm::engine::fuzz_js_host);
}

/// Each input, then `mutations` mutations of it (flipped bytes, cut short, spliced).
fn replay(inputs: &[Vec<u8>], mutations: usize, check: fn(&[u8])) {
    let mut rng = XorShift::new(0x9e37_79b9_7f4a_7c15);
    let mut next = || rng.next_u64();
    let mut executions = 0;
    for input in inputs {
        check(input);
        executions += 1;
        for _ in 0..mutations {
            let mut bytes = input.to_vec();
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
