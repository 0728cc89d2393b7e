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
/// 0.33 lowers Go's `syscall/js` declarations: references are i64, strings and slices are
/// pointer and length (and capacity), and a second result goes through a pointer passed first.
pub const TINYGO_JS_IMPORTS: &[(&str, &str)] = &[
    ("runtime.ticks", "() -> (f64)"),
    ("runtime.sleepTicks", "(f64) -> ()"),
    ("syscall/js.finalizeRef", "(i64) -> ()"),
    ("syscall/js.stringVal", "(i32, i32) -> (i64)"),
    ("syscall/js.valueGet", "(i64, i32, i32) -> (i64)"),
    ("syscall/js.valueSet", "(i64, i32, i32, i64) -> ()"),
    ("syscall/js.valueDelete", "(i64, i32, i32) -> ()"),
    ("syscall/js.valueIndex", "(i64, i32) -> (i64)"),
    ("syscall/js.valueSetIndex", "(i64, i32, i64) -> ()"),
    (
        "syscall/js.valueCall",
        "(i32, i64, i32, i32, i32, i32, i32) -> ()",
    ),
    ("syscall/js.valueInvoke", "(i32, i64, i32, i32, i32) -> ()"),
    ("syscall/js.valueNew", "(i32, i64, i32, i32, i32) -> ()"),
    ("syscall/js.valueLength", "(i64) -> (i32)"),
    ("syscall/js.valuePrepareString", "(i32, i64) -> ()"),
    ("syscall/js.valueLoadString", "(i64, i32, i32, i32) -> ()"),
    ("syscall/js.valueInstanceOf", "(i64, i64) -> (i32)"),
    (
        "syscall/js.copyBytesToGo",
        "(i32, i32, i32, i32, i64) -> ()",
    ),
    (
        "syscall/js.copyBytesToJS",
        "(i32, i64, i32, i32, i32) -> ()",
    ),
];

/// The signature gowasm's TinyGo host has for an import, if it has the import.
pub fn tinygo_signature(name: &str) -> Option<&'static str> {
    TINYGO_JS_IMPORTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| *s)
}
