//! The imports of the two JavaScript host ABIs gowasm provides, with the signatures it expects:
//! what triage accepts, and what gowasm's JS host implements (its tables are checked against
//! these in gowasm's tests).

/// Go 1.21+'s `GOOS=js` imports (module `gojs`). Each takes Go's stack pointer: `(i32) -> ()`.
pub const GO_JS_IMPORTS: &[&str] = &[
    "runtime.wasmExit",
    "runtime.wasmWrite",
    "runtime.resetMemoryDataView",
    "runtime.nanotime1",
    "runtime.walltime",
    "runtime.scheduleTimeoutEvent",
    "runtime.clearTimeoutEvent",
    "runtime.getRandomData",
    "syscall/js.finalizeRef",
    "syscall/js.stringVal",
    "syscall/js.valueGet",
    "syscall/js.valueSet",
    "syscall/js.valueDelete",
    "syscall/js.valueIndex",
    "syscall/js.valueSetIndex",
    "syscall/js.valueCall",
    "syscall/js.valueInvoke",
    "syscall/js.valueNew",
    "syscall/js.valueLength",
    "syscall/js.valuePrepareString",
    "syscall/js.valueLoadString",
    "syscall/js.valueInstanceOf",
    "syscall/js.copyBytesToGo",
    "syscall/js.copyBytesToJS",
    "debug",
];

pub const GO_JS_SIGNATURE: &str = "(i32) -> ()";

/// The import Go's own `syscall/js` tests make of wasm_exec.js (`_gotest.add`).
pub const GO_TEST_IMPORT: (&str, &str, &str) = ("_gotest", "add", "(i32, i32) -> (i32)");

/// The exports a `GOOS=js` module must have for wasm_exec.js's protocol.
pub const GO_JS_EXPORTS: &[&str] = &["run", "resume", "getsp", "mem"];

/// TinyGo's `-target wasm` imports (module `gojs`, or `env` before TinyGo 0.28), as TinyGo
/// lowers Go's `syscall/js` declarations: references are i64, strings and slices are pointer and
/// length (and capacity), and a second result goes through a pointer passed first. An import
/// whose signature changed between releases is listed once per signature, with the releases
/// that use it (from each release's `targets/wasm_exec.js`).
pub const TINYGO_JS_IMPORTS: &[(&str, &str, &str)] = &[
    // 0.33–0.37: `timeOrigin + performance.now()`, in milliseconds as a float.
    ("runtime.ticks", "() -> (f64)", "TinyGo 0.33–0.37"),
    ("runtime.sleepTicks", "(f64) -> ()", "TinyGo 0.33–0.37"),
    // 0.38+: `BigInt((timeOrigin + performance.now()) * 1e6)`, nanoseconds (wasm_exec.js 287–301).
    ("runtime.ticks", "() -> (i64)", "TinyGo 0.38+"),
    ("runtime.sleepTicks", "(i64) -> ()", "TinyGo 0.38+"),
    // `func getRandomData(r []byte)`: imported by TinyGo 0.37+ for Go 1.24+'s crypto; its own
    // wasm_exec.js has it from 0.42 (`crypto.getRandomValues` over the slice).
    (
        "runtime.getRandomData",
        "(i32, i32, i32) -> ()",
        "TinyGo 0.37+ with Go 1.24+",
    ),
    ("syscall/js.finalizeRef", "(i64) -> ()", ""),
    ("syscall/js.stringVal", "(i32, i32) -> (i64)", ""),
    ("syscall/js.valueGet", "(i64, i32, i32) -> (i64)", ""),
    ("syscall/js.valueSet", "(i64, i32, i32, i64) -> ()", ""),
    ("syscall/js.valueDelete", "(i64, i32, i32) -> ()", ""),
    ("syscall/js.valueIndex", "(i64, i32) -> (i64)", ""),
    ("syscall/js.valueSetIndex", "(i64, i32, i64) -> ()", ""),
    (
        "syscall/js.valueCall",
        "(i32, i64, i32, i32, i32, i32, i32) -> ()",
        "",
    ),
    (
        "syscall/js.valueInvoke",
        "(i32, i64, i32, i32, i32) -> ()",
        "",
    ),
    ("syscall/js.valueNew", "(i32, i64, i32, i32, i32) -> ()", ""),
    ("syscall/js.valueLength", "(i64) -> (i32)", ""),
    ("syscall/js.valuePrepareString", "(i32, i64) -> ()", ""),
    (
        "syscall/js.valueLoadString",
        "(i64, i32, i32, i32) -> ()",
        "",
    ),
    ("syscall/js.valueInstanceOf", "(i64, i64) -> (i32)", ""),
    (
        "syscall/js.copyBytesToGo",
        "(i32, i32, i32, i32, i64) -> ()",
        "",
    ),
    (
        "syscall/js.copyBytesToJS",
        "(i32, i64, i32, i32, i32) -> ()",
        "",
    ),
];

/// Whether gowasm's TinyGo host has `name` (with any signature).
pub fn tinygo_knows(name: &str) -> bool {
    TINYGO_JS_IMPORTS.iter().any(|(n, _, _)| *n == name)
}

/// Whether gowasm's TinyGo host has `name` with `signature`.
pub fn tinygo_accepts(name: &str, signature: &str) -> bool {
    TINYGO_JS_IMPORTS
        .iter()
        .any(|(n, s, _)| *n == name && *s == signature)
}

/// The signatures gowasm's TinyGo host has for `name`, with the releases that use each, for an
/// error message: `() -> (f64) (TinyGo 0.33–0.37) or () -> (i64) (TinyGo 0.38+)`.
pub fn tinygo_signatures(name: &str) -> String {
    TINYGO_JS_IMPORTS
        .iter()
        .filter(|(n, _, _)| *n == name)
        .map(|(_, s, since)| {
            if since.is_empty() {
                (*s).to_string()
            } else {
                format!("{s} ({since})")
            }
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

/// A signature as gowasm writes it: `(i32, i64) -> (f64)`.
pub fn signature<P: AsRef<str>, R: AsRef<str>>(params: &[P], results: &[R]) -> String {
    let list = |v: &mut dyn Iterator<Item = &str>| v.collect::<Vec<_>>().join(", ");
    format!(
        "({}) -> ({})",
        list(&mut params.iter().map(AsRef::as_ref)),
        list(&mut results.iter().map(AsRef::as_ref))
    )
}
