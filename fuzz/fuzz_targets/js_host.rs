//! Any bytes as a guest's sequence of `syscall/js` and `fs` calls into the JS host (Go's and
//! TinyGo's ABI), checked by `gowasm::engine::fuzz_js_host`: no panic, no file outside the
//! given folder touched, the heap under its cap.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| gowasm::engine::fuzz_js_host(bytes));
