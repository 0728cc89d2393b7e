//! gowasm as Go's `-exec` wrapper: `GOOS=wasip1 GOARCH=wasm go test -exec "gowasm run --dir /::/ --"`.

mod common;

use std::process::Command;

use common::*;

const PKG_TEST: &str = r#"package wordcount

import (
	"os"
	"strings"
	"testing"
)

func TestCountsTestdata(t *testing.T) {
	data, err := os.ReadFile("testdata/input.txt")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(strings.Fields(string(data))); n != 4 {
		t.Fatalf("got %d words", n)
	}
}

func TestFailsWhenAsked(t *testing.T) {
	if os.Getenv("MAKE_IT_FAIL") != "" {
		t.Fatal("asked to fail")
	}
}
"#;

fn go_test(dir: &std::path::Path, exec: &str, extra_env: &[(&str, &str)]) -> std::process::Output {
    let mut c = Command::new(go());
    c.args(["test", "-count=1", "-exec", exec, "."])
        .current_dir(dir)
        .env("GOOS", "wasip1")
        .env("GOARCH", "wasm")
        .env("GOWASM_CACHE_DIR", shared_cache());
    for (k, v) in extra_env {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[test]
fn go_test_runs_a_package_under_gowasm_and_finds_testdata() {
    let dir = wordcount_package();
    let exec = format!("{} run --dir /::/ --", env!("CARGO_BIN_EXE_gowasm"));

    let out = go_test(dir.path(), &exec, &[]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("ok  \twordcount"), "{text}");

    // A failing test fails `go test` through gowasm's exit code. The variable only reaches the
    // guest when the environment is passed on explicitly.
    let exec_env = format!(
        "{} run --dir /::/ --env MAKE_IT_FAIL=1 --",
        env!("CARGO_BIN_EXE_gowasm")
    );
    let out = go_test(dir.path(), &exec_env, &[]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("asked to fail"), "{text}");
    let out = go_test(dir.path(), &exec, &[("MAKE_IT_FAIL", "1")]);
    assert!(
        out.status.success(),
        "host env must not leak into the guest"
    );
}

/// The package above, with its testdata.
fn wordcount_package() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("go.mod"), "module wordcount\n\ngo 1.21\n").unwrap();
    std::fs::write(dir.path().join("wordcount_test.go"), PKG_TEST).unwrap();
    std::fs::create_dir(dir.path().join("testdata")).unwrap();
    std::fs::write(
        dir.path().join("testdata/input.txt"),
        "four words in here\n",
    )
    .unwrap();
    dir
}

#[test]
fn install_exec_lets_plain_go_test_and_go_run_use_gowasm_from_path() {
    let bin = tempfile::tempdir().unwrap();
    let mut c = gowasm();
    c.arg("install-exec").arg(bin.path());
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for name in ["go_wasip1_wasm_exec", "go_js_wasm_exec"] {
        let link = bin.path().join(name);
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    }
    // Again: the links are replaced, not refused.
    let mut c = gowasm();
    c.arg("install-exec").arg(bin.path());
    assert_eq!(code(&run(c)), 0);
    // A folder that is not there yet is made.
    let fresh = bin.path().join("not/yet");
    let mut c = gowasm();
    c.arg("install-exec").arg(&fresh);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(fresh.join("go_wasip1_wasm_exec").symlink_metadata().is_ok());

    let go_dir = go().parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}:/usr/bin:/bin",
        bin.path().display(),
        go_dir.display()
    );
    let pkg = wordcount_package();
    for goos in ["wasip1", "js"] {
        let (text, status) = combined_output(
            Command::new(go())
                .args(["test", "-count=1", "-v", "."])
                .current_dir(pkg.path())
                .env("PATH", &path)
                .env("GOOS", goos)
                .env("GOARCH", "wasm")
                .env("GOWASM_CACHE_DIR", shared_cache()),
        );
        assert_eq!(status, 0, "{goos}: {text}");
        assert!(
            text.contains("--- PASS: TestCountsTestdata"),
            "{goos}: {text}"
        );
        assert!(
            !text.contains("gowasm:"),
            "the wrapper adds nothing: {text}"
        );
    }

    // go run, with the guest's arguments, and a flag for gowasm from the environment.
    let hello = sample("hello");
    let out = Command::new(go())
        .args(["run", ".", "first", "second"])
        .current_dir(&hello)
        .env("PATH", &path)
        .env("GOOS", "wasip1")
        .env("GOARCH", "wasm")
        .env("GOWASM_CACHE_DIR", shared_cache())
        .env("GOWASM_EXEC_FLAGS", "--mode interp")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("arg 2: second"), "{text}");

    // A file of the user's is never replaced.
    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join("go_js_wasm_exec"), "#!/bin/sh\n").unwrap();
    let mut c = gowasm();
    c.arg("install-exec").arg(other.path());
    let out = run(c);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("not a link"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(other.path().join("go_js_wasm_exec")).unwrap(),
        "#!/bin/sh\n"
    );
    assert!(
        !other.path().join("go_wasip1_wasm_exec").exists(),
        "nothing is written unless all of it can be"
    );
}
