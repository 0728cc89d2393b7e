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
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("go.mod"), "module wordcount\n\ngo 1.21\n").unwrap();
    std::fs::write(dir.path().join("wordcount_test.go"), PKG_TEST).unwrap();
    std::fs::create_dir(dir.path().join("testdata")).unwrap();
    std::fs::write(
        dir.path().join("testdata/input.txt"),
        "four words in here\n",
    )
    .unwrap();
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
