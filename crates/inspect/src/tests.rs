//! Inspector and triage on small modules written in text, and on damaged bytes.

use super::triage::{Entry, JsAbi, TriageError, callable_exports, triage};
use super::*;

fn wasm(text: &str) -> Vec<u8> {
    wat::parse_str(text).unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../tests/fixtures/{name}.wat",
        env!("CARGO_MANIFEST_DIR")
    );
    wat::parse_file(path).unwrap()
}

#[test]
fn sections_imports_exports_and_names() {
    let bytes = fixture("trap");
    let r = inspect(&bytes, 10).unwrap();
    assert_eq!(r.encoding, Encoding::Module);
    let names: Vec<&str> = r.sections.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "type",
            "import",
            "function",
            "memory",
            "export",
            "code",
            "custom:name"
        ]
    );
    for s in &r.sections {
        assert!(s.offset + s.size <= bytes.len() as u64, "{s:?}");
    }
    assert_eq!(r.imports[0].module, "wasi_snapshot_preview1");
    assert_eq!(r.imports[0].signature, "(i32, i32, i32, i32) -> (i32)");
    assert_eq!((r.imported_functions, r.defined_functions), (1, 3));
    assert!(
        r.exports
            .iter()
            .any(|e| e.name == "_start" && e.kind == "func")
    );
    assert_eq!(r.memories[0].initial, 1);
    let fib = r
        .largest_functions
        .iter()
        .find(|f| f.name.as_deref() == Some("main.fib"));
    assert_eq!(fib.map(|f| f.index), Some(1), "{:?}", r.largest_functions);
    assert!(
        r.largest_functions
            .windows(2)
            .all(|w| w[0].size >= w[1].size)
    );
    assert_eq!(r.target, Target::Wasip1);
}

#[test]
fn data_segments_and_limits_are_counted() {
    let r = inspect(
        &wasm(r#"(module (memory 2 10) (table 3 funcref) (data (i32.const 0) "abcd") (data (i32.const 9) "xy"))"#),
        5,
    )
    .unwrap();
    assert_eq!((r.data_segments, r.data_bytes), (2, 6));
    assert_eq!(
        (r.memories[0].initial, r.memories[0].maximum),
        (2, Some(10))
    );
    assert_eq!(r.tables[0].initial, 3);
}

#[test]
fn toolchains_and_targets_are_told_apart() {
    let r = inspect(&fixture("tinygo_wasm"), 0).unwrap();
    assert_eq!(
        (r.toolchain.name.as_str(), r.target),
        ("tinygo", Target::TinygoWasm)
    );
    let needs = triage(&r).unwrap();
    assert_eq!(needs.js, Some(JsAbi::TinyGo));
    assert!(needs.wasi, "TinyGo's wasm target imports WASI too");
    assert_eq!(needs.label(), "TinyGo JS");
    let r = inspect(&fixture("tinygo_env"), 0).unwrap();
    assert_eq!(triage(&r).unwrap().js, Some(JsAbi::TinyGo));

    let r = inspect(&fixture("go_js"), 0).unwrap();
    assert_eq!((r.toolchain.name.as_str(), r.target), ("go", Target::GoJs));
    let needs = triage(&r).unwrap();
    assert_eq!((needs.js, needs.wasi), (Some(JsAbi::Go), false));
    assert_eq!(needs.label(), "Go JS");

    let r = inspect(b"\0asm\x0d\x00\x01\x00", 0).unwrap();
    assert_eq!(r.target, Target::Component);
    assert_eq!(triage(&r), Err(TriageError::Component));

    // An older TinyGo's syscall/js ABI (results through a pointer) is not TinyGo 0.33's.
    let r = inspect(&fixture("tinygo_syscall_js"), 0).unwrap();
    let err = triage(&r).unwrap_err();
    assert!(
        matches!(&err, TriageError::JsImport { name, host: "TinyGo JS", .. } if name == "syscall/js.valueGet"),
        "{err}"
    );
    assert!(
        err.to_string().contains("(i32, i32, i32, i32, i32) -> ()"),
        "{err}"
    );
    let r = inspect(&fixture("unknown_import"), 0).unwrap();
    assert!(
        matches!(triage(&r), Err(TriageError::UnknownImport { name, .. }) if name == "my_host_log")
    );
    let r = inspect(&fixture("library"), 0).unwrap();
    assert_eq!(triage(&r).map(|n| n.entry), Ok(Entry::Library));
    let r = inspect(&fixture("reactor"), 0).unwrap();
    assert_eq!(triage(&r).map(|n| n.entry), Ok(Entry::Reactor));
    let add = r.exports.iter().find(|e| e.name == "add").unwrap();
    assert_eq!(add.signature(), "(i32, i32) -> (i32)");
    let mix = r.exports.iter().find(|e| e.name == "mix").unwrap();
    assert_eq!(mix.signature(), "(i64, f32, f64) -> (i64, f32, f64)");
    let callable: Vec<&str> = callable_exports(&r).map(|e| e.name.as_str()).collect();
    assert_eq!(callable, ["add", "bump", "mix", "boom"]);
    let memory_only = inspect(&wasm("(module (memory (export \"memory\") 1))"), 0).unwrap();
    assert_eq!(triage(&memory_only), Err(TriageError::NoStart));
}

#[test]
fn go_js_modules_are_checked_against_wasm_exec_js() {
    let go_js = |imports: &str, exports: &str| {
        let r = inspect(
            &wasm(&format!(
                "(module {imports} (memory (export \"mem\") 1) {exports})"
            )),
            0,
        )
        .unwrap();
        triage(&r)
    };
    let run = r#"(func (export "run") (param i32 i32)) (func (export "resume")) (func (export "getsp") (result i32) i32.const 0)"#;
    let exit = r#"(import "gojs" "runtime.wasmExit" (func (param i32)))"#;
    assert!(go_js(exit, run).is_ok());
    assert_eq!(
        go_js(
            exit,
            r#"(func (export "run") (param i32 i32)) (func (export "resume"))"#
        ),
        Err(TriageError::GoJsExport("getsp"))
    );
    let err = go_js(
        &format!(r#"{exit} (import "gojs" "syscall/js.valueTypeOf" (func (param i32)))"#),
        run,
    )
    .unwrap_err();
    assert!(
        matches!(&err, TriageError::JsImport { host: "Go JS", .. }),
        "{err}"
    );
    assert_eq!(
        go_js(
            r#"(import "go" "runtime.wasmExit" (func (param i32)))"#,
            run
        ),
        Err(TriageError::GoJsTooOld)
    );
    let err = go_js(
        r#"(import "gojs" "runtime.wasmExit" (func (param i64)))"#,
        run,
    )
    .unwrap_err();
    assert!(err.to_string().contains("(i64) -> ()"), "{err}");
}

#[test]
fn the_abi_catalogues_name_each_import_once() {
    use crate::js_abi::{GO_JS_IMPORTS, TINYGO_JS_IMPORTS};
    let mut go: Vec<&str> = GO_JS_IMPORTS.to_vec();
    go.sort();
    go.dedup();
    assert_eq!(go.len(), GO_JS_IMPORTS.len());
    let mut tinygo: Vec<(&str, &str)> =
        TINYGO_JS_IMPORTS.iter().map(|(n, s, _)| (*n, *s)).collect();
    tinygo.sort();
    tinygo.dedup();
    assert_eq!(tinygo.len(), TINYGO_JS_IMPORTS.len());
}

#[test]
fn go_is_recognised_by_its_build_id_and_producers() {
    let r = inspect(
        &wasm(
            r#"(module
                 (@custom "go:buildid" "abc")
                 (@producers (language "Go" "go1.23.5"))
                 (func (export "_start")))"#,
        ),
        0,
    )
    .unwrap();
    assert_eq!(r.toolchain.name, "go");
    assert_eq!(r.toolchain.version.as_deref(), Some("go1.23.5"));
}

#[test]
fn not_wasm_empty_and_text_are_clear_errors() {
    assert_eq!(inspect(b"", 0), Err(InspectError::Empty));
    assert_eq!(inspect(b"hello world", 0), Err(InspectError::NotWasm));
    assert!(binary_from_file_contents(b"(module (func (export \"_start\")))".to_vec()).is_ok());
    assert!(matches!(
        binary_from_file_contents(b"(module (oops".to_vec()),
        Err(InspectError::Wat(_))
    ));
    assert_eq!(
        binary_from_file_contents(b"plain".to_vec()).unwrap(),
        b"plain"
    );
}

/// Every truncation and thousands of random corruptions give a report or an error, never a panic.
#[test]
fn damaged_bytes_never_panic() {
    let good = fixture("tinygo_wasm");
    for len in 0..good.len() {
        let _ = inspect(&good[..len], 20);
        let _ = inspect_headers(&good[..len]);
    }
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..20_000 {
        let mut bytes = good.clone();
        for _ in 0..(next() % 8 + 1) {
            let at = (next() as usize) % bytes.len();
            bytes[at] = next() as u8;
        }
        if let Ok(r) = inspect(&bytes, 20) {
            let _ = triage(&r);
        }
        if let Ok(r) = inspect_headers(&bytes) {
            let _ = triage(&r);
        }
    }
    for _ in 0..2_000 {
        let len = (next() % 200) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        if next() % 2 == 0 {
            bytes.splice(0..0, *b"\0asm\x01\0\0\0");
        }
        let _ = inspect(&bytes, 20);
        let _ = inspect_headers(&bytes);
    }
}

/// The quick read a run makes agrees with the full one on everything but what it skips.
#[test]
fn headers_only_agrees_with_the_full_report() {
    let with_data = wasm(
        r#"(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
             (memory 1) (data (i32.const 8) "abc") (data (i32.const 64) "defgh")
             (func $a) (func $b (drop (i32.const 1)))
             (export "_start" (func $a)))"#,
    );
    for bytes in [
        fixture("trap"),
        fixture("tinygo_wasm"),
        fixture("go_js"),
        with_data,
    ] {
        let full = inspect(&bytes, 0).unwrap();
        let quick = inspect_headers(&bytes).unwrap();
        assert_eq!(quick.data_bytes, 0);
        assert_eq!(
            Report {
                data_bytes: full.data_bytes,
                ..quick
            },
            full
        );
    }
    // A truncated code section is still an error, not a short report.
    let bytes = fixture("trap");
    let code = inspect(&bytes, 0).unwrap().section("code").unwrap().clone();
    let cut = &bytes[..(code.offset + code.size / 2) as usize];
    assert!(inspect_headers(cut).is_err());
}
