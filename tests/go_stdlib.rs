//! Go's own tests as a conformance suite: `GOOS=wasip1 GOARCH=wasm go test -exec "gowasm run …"`
//! over standard-library packages, in interp and in aot, and a sample of them in opt. CI runs the
//! packages below, which pass in every mode; `scripts/go-stdlib` runs the broad list, and docs/reliability.md
//! lists what fails there and why.

mod common;

use common::*;

/// Packages that pass in both modes and take seconds (math/big takes 90 s in interp; time and os
/// fail, for the reasons in docs/reliability.md).
/// strings, bytes, bufio, slices and strconv hung in aot before `poll_fix`; io/fs,
/// path/filepath and text/template read testdata through `PWD`.
const PACKAGES: &[&str] = &[
    "bufio",
    "bytes",
    "compress/flate",
    "container/list",
    "crypto/sha256",
    "encoding/base64",
    "encoding/binary",
    "encoding/hex",
    "encoding/json",
    "errors",
    "fmt",
    "hash/crc32",
    "hash/fnv",
    "io/fs",
    "maps",
    "math",
    "path/filepath",
    "regexp",
    "slices",
    "sort",
    "strconv",
    "strings",
    "text/template",
    "unicode",
    "unicode/utf8",
];

/// opt's LLVM takes 10-20 s over each package's test binary, so CI runs a sample in it: the
/// heaviest on maps, strings, floats and reflection (`RUNNERS="aot opt" scripts/go-stdlib` runs the
/// broad list).
const OPT_PACKAGES: &[&str] = &["encoding/json", "fmt", "math", "sort", "strconv"];

fn go_test(mode: &str) {
    // Go's tests make temporary folders under $TMPDIR, and some are left behind where wasix
    // cannot remove them (docs/reliability.md): go_std_tests gives them one that goes.
    go_std_tests("wasip1", mode, PACKAGES, &[], &[]);
}

#[test]
fn standard_library_tests_pass_in_interp() {
    go_test("interp");
}

#[test]
fn standard_library_tests_pass_in_aot() {
    go_test("aot");
}

#[test]
fn standard_library_tests_pass_in_opt() {
    go_std_tests("wasip1", "opt", OPT_PACKAGES, &[], &[]);
}
