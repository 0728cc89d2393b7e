//! Bad input of every kind: one clear line on stderr, exit code 2, never a panic.

mod common;

use common::*;

#[test]
fn missing_file() {
    for sub in ["run", "inspect"] {
        let mut c = gowasm();
        c.args([sub, "/no/such/file.wasm"]);
        assert_one_line_error(&run(c), "no such file");
    }
}

#[test]
fn not_wasm() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("notes.txt");
    std::fs::write(&f, "just some text\n").unwrap();
    for sub in ["run", "inspect"] {
        let mut c = gowasm();
        c.arg(sub).arg(&f);
        assert_one_line_error(&run(c), "not a WebAssembly file");
    }
    let empty = dir.path().join("empty.wasm");
    std::fs::write(&empty, "").unwrap();
    let mut c = gowasm();
    c.arg("run").arg(&empty);
    assert_one_line_error(&run(c), "empty");
}

#[test]
fn truncated_module() {
    let (_d, wasm) = fixture("trap");
    let bytes = std::fs::read(&wasm).unwrap();
    std::fs::write(&wasm, &bytes[..bytes.len() / 2]).unwrap();
    for sub in ["run", "inspect"] {
        let mut c = gowasm();
        c.arg(sub).arg(&wasm);
        assert_one_line_error(&run(c), "truncated");
    }
}

#[test]
fn component_is_refused_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("component.wasm");
    // The header of a component: magic, version 0x0d, layer 1.
    std::fs::write(&f, b"\0asm\x0d\x00\x01\x00").unwrap();
    let mut c = gowasm();
    c.arg("run").arg(&f);
    assert_one_line_error(&run(c), "-target wasip1");
}

/// Go 1.20 and older spoke another js ABI (module `go`): refused, with the fix.
#[test]
fn an_old_go_js_module_is_refused_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = dir.path().join("old.wasm");
    let module = wat::parse_str(
        r#"(module
             (import "go" "runtime.wasmExit" (func (param i32)))
             (memory (export "mem") 1)
             (func (export "run") (param i32 i32))
             (func (export "resume"))
             (func (export "getsp") (result i32) i32.const 0))"#,
    )
    .unwrap();
    std::fs::write(&wasm, module).unwrap();
    let mut c = gowasm();
    c.arg("run").arg(&wasm);
    let out = run(c);
    assert_one_line_error(&out, "rebuild with a newer Go, or with GOOS=wasip1");
    assert!(
        stderr(&out).contains("Go 1.20 or older"),
        "{}",
        stderr(&out)
    );
}

/// An older TinyGo's `syscall/js` signatures are not TinyGo 0.33's: the import is named.
#[test]
fn a_js_import_of_another_abi_is_named() {
    let (_d, wasm) = fixture("tinygo_syscall_js");
    let mut c = gowasm();
    c.arg("run").arg(&wasm);
    assert_one_line_error(
        &run(c),
        "gojs.syscall/js.valueGet (i32, i32, i32, i32, i32) -> (), which gowasm's TinyGo JS host does not provide",
    );
}

#[test]
fn unknown_import_is_named() {
    let (_d, wasm) = fixture("unknown_import");
    for mode in ["interp", "baseline", "aot"] {
        let mut c = gowasm();
        c.args(["run", "--mode", mode]).arg(&wasm);
        assert_one_line_error(&run(c), "env.my_host_log");
    }
}

/// A module from a Go release newer than gowasm knows runs, with one line that says so.
#[test]
fn a_module_from_a_newer_go_runs_with_one_line_about_it() {
    let (_d, wasm) = fixture("newer_go");
    let mut c = gowasm();
    c.args(["run", "-q", "--mode", "all"]).arg(&wasm);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    let notes: Vec<&str> = err.lines().filter(|l| l.contains("go1.99.0")).collect();
    assert_eq!(notes.len(), 1, "{err}");
    assert!(
        notes[0].contains("newer than the Go gowasm knows (1.21–1.27)"),
        "{err}"
    );
}

#[test]
fn library_module_without_start() {
    let (_d, wasm) = fixture("library");
    let mut c = gowasm();
    c.arg("run").arg(&wasm);
    assert_one_line_error(&run(c), "no `_start`");
}

#[test]
fn folder_without_go_mod() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = gowasm();
    c.arg("run").arg(dir.path());
    assert_one_line_error(&run(c), "go.mod");
}

#[test]
fn missing_preopen_dir() {
    let (_d, wasm) = fixture("exit_code");
    let mut c = gowasm();
    c.args(["run", "--dir", "/no/such/dir::/data"]).arg(&wasm);
    assert_one_line_error(&run(c), "/no/such/dir");
}

#[test]
fn usage_errors_exit_2() {
    let mut c = gowasm();
    c.args(["run", "--mode", "fast", "x.wasm"]);
    assert_eq!(code(&run(c)), 2);
    let mut c = gowasm();
    c.args(["run"]);
    assert_one_line_error(&run(c), "nothing to run");
}

#[test]
fn build_never_overwrites_a_file_that_is_not_wasm() {
    let dir = tempfile::tempdir().unwrap();
    let precious = dir.path().join("notes.txt");
    std::fs::write(&precious, "keep me").unwrap();
    let mut c = gowasm();
    c.args(["build", "--toolchain", "go", "-o"])
        .arg(&precious)
        .arg(sample("hello"));
    assert_one_line_error(&run(c), "not a wasm file");
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "keep me");
}

/// Builds that fail with no `file:line:col` message: what Go printed is what the user sees
/// (`gowasm build`, and the workbench's Diagnostics pane from the same `log`).
#[test]
fn builds_that_fail_without_a_located_message_keep_go_s_own_words() {
    let linker = common::go_program(
        "linkfail",
        "package main\n\nimport _ \"unsafe\"\n\n//go:linkname f runtime.gcenable\nfunc f() {}\n\nfunc main() { f() }\n",
    );
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("go.mod"), "module empty\n\ngo 1.21\n").unwrap();
    let broken = common::go_program("broken", "package main\n\nfunc main() {}\n");
    std::fs::write(
        broken.path().join("go.mod"),
        "module broken\n\ngo 1.21\nbogus directive\n",
    )
    .unwrap();
    for (dir, words) in [
        (
            linker.path(),
            "duplicated definition of symbol runtime.gcenable",
        ),
        (empty.path(), "no Go files"),
        (broken.path(), "unknown directive"),
    ] {
        let mut c = gowasm();
        c.args(["build", "--toolchain", "go", "--json"]).arg(dir);
        let out = run(c);
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        let doc: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)));
        assert_eq!(doc["success"], false, "{doc}");
        assert!(doc["log"].as_str().unwrap().contains(words), "{doc}");
        let mut c = gowasm();
        c.args(["build", "--toolchain", "go"]).arg(dir);
        let out = run(c);
        assert!(stderr(&out).contains(words), "{}", stderr(&out));
    }
}

#[test]
fn an_image_into_a_folder_that_is_not_there_says_so_before_building() {
    let mut c = gowasm();
    c.args(["image", "-o", "/no/such/folder/hello.tar"])
        .arg(common::sample("hello"));
    assert_one_line_error(&run(c), "the folder /no/such/folder does not exist");
}
