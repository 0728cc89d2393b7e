//! Any bytes through the inspector and the import triage, checked by `invariants::check`.
#![no_main]

#[path = "../invariants.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| invariants::check(bytes));
