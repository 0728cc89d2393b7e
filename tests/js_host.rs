//! gowasm's JavaScript host: Go's `GOOS=js` and TinyGo's `-target wasm` modules, built by the
//! real toolchains, run in every mode and print what the same program prints natively.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::*;

const MODES: [&str; 3] = ["interp", "baseline", "aot"];

/// The two JavaScript-host builds.
const JS_BUILDS: [Build; 2] = [Build::GO_JS, Build::TINYGO_WASM];

/// gowasm's run of `wasm` in `mode`, with `flags` before the module and `args` after `--`.
fn run_module(
    wasm: &std::path::Path,
    mode: &str,
    flags: &[&str],
    args: &[&str],
) -> std::process::Output {
    let mut c = gowasm();
    c.args(["run", "-q", "--mode", mode])
        .args(flags)
        .arg(wasm)
        .arg("--")
        .args(args);
    run(c)
}

/// Builds `package` natively and for both JS hosts, and checks that every mode prints the
/// native program's stdout and stderr and exits with its code. TinyGo's `-target wasm`
/// runtime writes stderr to stdout (see [`combined_output`]), so there the native program's
/// two streams are compared as one.
fn matches_native(package: &std::path::Path) {
    let dir = tempfile::tempdir().unwrap();
    let native = build_native(package, dir.path());
    let expected = Command::new(&native).output().unwrap();
    let (together, _) = combined_output(&mut Command::new(&native));
    for build in JS_BUILDS {
        let wasm = build.module(package, dir.path());
        for mode in MODES {
            let out = run_module(&wasm, mode, &[], &[]);
            let what = format!("{} in {mode}", build.name());
            if build == Build::TINYGO_WASM {
                assert_eq!(stdout(&out), together, "{what}");
                assert_eq!(stderr(&out), "", "{what}");
            } else {
                assert_eq!(
                    stdout(&out),
                    String::from_utf8_lossy(&expected.stdout),
                    "{what}"
                );
                assert_eq!(
                    stderr(&out),
                    String::from_utf8_lossy(&expected.stderr),
                    "{what}"
                );
            }
            assert_eq!(code(&out), expected.status.code().unwrap(), "{what}");
        }
    }
}

/// fmt with a map, sort, strings.Builder, goroutines and channels, time.Sleep, time.Now, a
/// ticker, a js.FuncOf callback (native: a plain sum), crypto/rand, encoding/json and stderr.
#[test]
fn a_program_of_the_usual_packages_matches_native() {
    matches_native(&program("jsworld"));
}

#[test]
fn an_exit_code_and_stderr_match_native() {
    let project = go_program(
        "exit3",
        r#"package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("before exit")
	fmt.Fprintln(os.Stderr, "about to exit with 3")
	os.Exit(3)
}
"#,
    );
    matches_native(project.path());
}

#[test]
fn a_panic_fails_with_go_s_message() {
    let dir = tempfile::tempdir().unwrap();
    let package = sample("panic");
    let native = build_native(&package, dir.path());
    let expected = Command::new(&native).output().unwrap();
    for build in JS_BUILDS {
        let wasm = build.module(&package, dir.path());
        for mode in MODES {
            let out = run_module(&wasm, mode, &[], &[]);
            let what = format!("{} in {mode}", build.name());
            let native_stdout = String::from_utf8_lossy(&expected.stdout);
            // TinyGo's runtime prints its panic on stdout, as under node.
            let (out_text, panic_text) = if build == Build::GO_JS {
                assert_eq!(stdout(&out), native_stdout, "{what}");
                (stdout(&out), stderr(&out))
            } else {
                let all = stdout(&out);
                let rest = all
                    .strip_prefix(&*native_stdout)
                    .unwrap_or_else(|| panic!("{what}: {all}"));
                (native_stdout.to_string(), rest.to_string())
            };
            assert!(!out_text.is_empty(), "{what}");
            let err = panic_text;
            assert!(
                err.starts_with("panic: runtime error: index out of range"),
                "{what}: {err}"
            );
            // Go exits with 2 as it does natively; TinyGo's panic is a trap (`unreachable`).
            let want = if build == Build::GO_JS { 2 } else { 134 };
            assert_eq!(code(&out), want, "{what}: {err}");
        }
    }
}

/// What a browser program reaches for and gowasm lacks ends the run with a line naming it,
/// in the summary and in `--json`, and gowasm itself carries on.
#[test]
fn a_missing_browser_global_is_named() {
    let project = go_program(
        "page",
        r#"package main

import (
	"fmt"
	"syscall/js"
)

func main() {
	fmt.Println("looking for the page")
	js.Global().Get("document").Call("getElementById", "app")
	fmt.Println("found it")
}
"#,
    );
    let dir = tempfile::tempdir().unwrap();
    let note = "js: globalThis.document is undefined (gowasm's JS host has no DOM; a browser has: gowasm serve, or run --browser)";
    for build in JS_BUILDS {
        let wasm = build.module(project.path(), dir.path());
        for mode in MODES {
            let what = format!("{} in {mode}", build.name());
            let mut c = gowasm();
            c.args(["run", "--mode", mode]).arg(&wasm);
            let out = run(c);
            if build == Build::GO_JS {
                assert_eq!(stdout(&out), "looking for the page\n", "{what}");
            } else {
                // TinyGo's panic (`syscall/js: call of Value.Call on undefined`) is on stdout.
                assert!(stdout(&out).starts_with("looking for the page\n"), "{what}");
            }
            let err = stderr(&out);
            let summary = err.lines().last().unwrap_or_default();
            assert!(
                summary.starts_with(&format!("gowasm: {mode} ")),
                "{what}: {err}"
            );
            assert!(summary.contains(note), "{what}: {err}");
            assert_ne!(code(&out), 0, "{what}");

            let mut c = gowasm();
            c.args(["run", "--json", "--mode", mode]).arg(&wasm);
            let doc: serde_json::Value = serde_json::from_slice(&run(c).stdout).unwrap();
            assert_eq!(doc["runs"][0]["host_note"], note, "{what}");

            // -q (what the go_js_wasm_exec links use) drops the timing line, not the reason.
            let mut c = gowasm();
            c.args(["run", "-q", "--mode", mode]).arg(&wasm);
            let err = stderr(&run(c));
            assert!(
                err.lines().any(|l| l == format!("gowasm: {note}")),
                "{what} -q: {err}"
            );
            assert!(!err.contains("total"), "{what} -q: {err}");
        }
    }
}

#[test]
fn arguments_and_environment_reach_go_js_and_nothing_of_the_host_does() {
    let project = go_program(
        "world",
        r#"package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("args:", os.Args[1:])
	fmt.Printf("GREETING=%q HOME=%q\n", os.Getenv("GREETING"), os.Getenv("HOME"))
	wd, err := os.Getwd()
	fmt.Println("wd:", wd, err)
	_, err = os.ReadFile("/etc/hostname")
	fmt.Println("read /etc/hostname:", err)
	_, err = os.ReadDir("/")
	fmt.Println("read /:", err)
}
"#,
    );
    let dir = tempfile::tempdir().unwrap();
    let wasm = Build::GO_JS.module(project.path(), dir.path());
    for mode in MODES {
        let out = run_module(
            &wasm,
            mode,
            &["--env", "GREETING=hi there"],
            &["one", "two words"],
        );
        assert_eq!(code(&out), 0, "{mode}: {}", stderr(&out));
        // Go up to 1.23 stats "." for the working folder; 1.24+ asks process.cwd(). Neither is
        // answered without a folder, as under the browser polyfill.
        let text = stdout(&out);
        let wd = [
            "wd:  stat .: not implemented on js\n",
            "wd:  getwd: not implemented on js\n",
        ]
        .into_iter()
        .find(|wd| text.contains(wd))
        .unwrap_or_else(|| panic!("{mode}: {text}"));
        assert_eq!(
            text,
            format!(
                "args: [one two words]\nGREETING=\"hi there\" HOME=\"\"\n{wd}\
                 read /etc/hostname: open /etc/hostname: not implemented on js\n\
                 read /: open /: not implemented on js\n"
            ),
            "{mode}"
        );
    }
}

/// With `--dir` and `--dir-ro`, Go js programs get node's `fs` over those folders: files are
/// written, renamed and listed in the one, the other refuses writes, and no path leaves them.
#[test]
fn go_js_files_work_in_the_folders_given_and_nowhere_else() {
    let project = go_program(
        "files",
        r#"package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("write:", os.WriteFile("/work/new.txt", []byte("written"), 0o644))
	b, err := os.ReadFile("/work/new.txt")
	fmt.Printf("read back: %q %v\n", b, err)
	fmt.Println("mkdir:", os.Mkdir("/work/sub", 0o755))
	fmt.Println("rename:", os.Rename("/work/new.txt", "/work/sub/moved.txt"))
	entries, err := os.ReadDir("/work/sub")
	for _, e := range entries {
		fmt.Println("entry:", e.Name(), e.IsDir())
	}
	fmt.Println("readdir:", err)
	info, err := os.Stat("/work/sub/moved.txt")
	fmt.Println("stat:", info.Size(), err)
	fmt.Println("chdir:", os.Chdir("/work"))
	wd, err := os.Getwd()
	fmt.Println("wd:", wd, err)
	b, err = os.ReadFile("sub/moved.txt")
	fmt.Printf("relative read: %q %v\n", b, err)
	b, err = os.ReadFile("/data/words.txt")
	fmt.Println("read-only read:", len(b) > 0, err)
	fmt.Println("read-only write:", os.WriteFile("/data/x.txt", []byte("x"), 0o644))
	_, err = os.ReadFile("/work/../../etc/passwd")
	fmt.Println("dot-dot refused:", err != nil)
	_, err = os.ReadFile("/work/link/passwd")
	fmt.Println("symlink out refused:", err != nil)
	fmt.Println("remove:", os.Remove("/work/sub/moved.txt"))
}
"#,
    );
    let dir = tempfile::tempdir().unwrap();
    let wasm = Build::GO_JS.module(project.path(), dir.path());
    let words = sample("readfile").join("data");
    for mode in MODES {
        let work = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/etc", work.path().join("link")).unwrap();
        let rw = format!("{}::/work", work.path().display());
        let ro = format!("{}::/data", words.display());
        let out = run_module(&wasm, mode, &["--dir", &rw, "--dir-ro", &ro], &[]);
        assert_eq!(code(&out), 0, "{mode}: {}", stderr(&out));
        assert_eq!(
            stdout(&out),
            "write: <nil>\nread back: \"written\" <nil>\nmkdir: <nil>\nrename: <nil>\n\
             entry: moved.txt false\nreaddir: <nil>\nstat: 7 <nil>\nchdir: <nil>\nwd: /work <nil>\n\
             relative read: \"written\" <nil>\nread-only read: true <nil>\n\
             read-only write: open /data/x.txt: Read-only file system\n\
             dot-dot refused: true\nsymlink out refused: true\nremove: <nil>\n",
            "{mode}"
        );
        assert_eq!(names_in(work.path()), ["link", "sub"], "{mode}");
        assert!(names_in(&work.path().join("sub")).is_empty(), "{mode}");
        assert!(!words.join("x.txt").exists(), "{mode}");
    }
}

#[test]
fn tinygo_js_says_its_arguments_were_not_passed() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = Build::TINYGO_WASM.module(&sample("hello"), dir.path());
    for mode in MODES {
        let mut c = gowasm();
        c.args(["run", "--mode", mode])
            .arg(&wasm)
            .args(["--", "ignored"]);
        let out = run(c);
        assert_eq!(code(&out), 0, "{mode}: {}", stderr(&out));
        assert_eq!(stdout(&out), "Hello from Go on js/wasm!\n", "{mode}");
        assert!(
            stderr(&out)
                .contains("gowasm: warning: TinyGo's -target wasm programs have no command line"),
            "{mode}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn stdin_reaches_go_js_and_is_empty_when_not_given() {
    let project = go_program(
        "upper",
        r#"package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

func main() {
	s := bufio.NewScanner(os.Stdin)
	n := 0
	for s.Scan() {
		n++
		fmt.Println(strings.ToUpper(s.Text()))
	}
	fmt.Println(n, "lines", s.Err())
}
"#,
    );
    let dir = tempfile::tempdir().unwrap();
    let wasm = Build::GO_JS.module(project.path(), dir.path());
    for mode in MODES {
        let mut c = gowasm();
        c.args(["run", "-q", "--mode", mode])
            .arg(&wasm)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        let mut child = c.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"hello\nworld\n")
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(stdout(&out), "HELLO\nWORLD\n2 lines <nil>\n", "{mode}");

        let out = run_module(&wasm, mode, &["--no-stdin"], &[]);
        assert_eq!(stdout(&out), "0 lines <nil>\n", "{mode}");
    }
}

#[test]
fn timeouts_and_memory_caps_hold_for_js_host_runs() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = go_program(
        "bomb",
        r#"package main

import "fmt"

func main() {
	var keep [][]byte
	for i := 0; ; i++ {
		keep = append(keep, make([]byte, 16<<20))
		keep[i][0] = 1
		fmt.Println("allocated", (i+1)*16, "MiB")
	}
}
"#,
    );
    // Each in a folder of its own: a module is named after its toolchain and target.
    let bomb_dir = tempfile::tempdir().unwrap();
    for build in JS_BUILDS {
        let forever = build.module(&sample("forever"), dir.path());
        let bomb = build.module(bomb.path(), bomb_dir.path());
        for mode in MODES {
            let what = format!("{} in {mode}", build.name());
            let mut c = gowasm();
            c.args(["run", "--timeout", "1", "--mode", mode])
                .arg(&forever);
            let out = run(c);
            assert_eq!(code(&out), 124, "{what}: {}", stderr(&out));
            assert!(
                stdout(&out).starts_with("tick 1\n"),
                "{what}: {}",
                stdout(&out)
            );

            let mut c = gowasm();
            c.args(["run", "--max-memory", "64M", "--mode", mode])
                .arg(&bomb);
            let out = run(c);
            assert_ne!(code(&out), 0, "{what}");
            assert!(
                stderr(&out).contains("(memory limit 64 MiB reached)"),
                "{what}: {}",
                stderr(&out)
            );
        }
    }
}

/// JavaScript objects count against `--max-memory` too: a huge `Uint8Array` is a RangeError
/// that Go sees as a panic, not an abort of gowasm.
#[test]
fn javascript_objects_are_capped_too() {
    let project = go_program(
        "jsbomb",
        r#"package main

import (
	"fmt"
	"syscall/js"
)

func main() {
	fmt.Println("asking for 1 GiB")
	js.Global().Get("Uint8Array").New(1 << 30)
}
"#,
    );
    let dir = tempfile::tempdir().unwrap();
    let wasm = Build::GO_JS.module(project.path(), dir.path());
    for mode in MODES {
        let out = run_module(&wasm, mode, &["--max-memory", "256M"], &[]);
        assert_eq!(code(&out), 2, "{mode}: {}", stderr(&out));
        assert!(
            stderr(&out)
                .contains("panic: JavaScript error: Invalid typed array length: 1073741824"),
            "{mode}: {}",
            stderr(&out)
        );
    }
}

/// A million lines through `fmt.Println` make millions of JavaScript objects (a buffer, a
/// callback and an event per write); the host collects them, so memory stays flat.
#[test]
fn a_flood_of_writes_keeps_the_host_s_memory_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = Build::GO_JS.module(&sample("spew"), dir.path());
    let mut c = gowasm();
    c.args(["run", "-q", "--no-stdin", "--mode", "aot"])
        .arg(&wasm)
        .args(["--", "16", "lines"]);
    let (mut total, mut tail) = (0usize, Vec::new());
    let (code, rss) = run_measured(c, |bytes| {
        total += bytes.len();
        tail.extend_from_slice(bytes);
        tail.drain(..tail.len().saturating_sub(64));
    });
    assert_eq!(code, 0);
    assert_eq!(total, 16 << 20);
    assert!(
        tail.starts_with(b"line 0000262143 "),
        "{}",
        String::from_utf8_lossy(&tail)
    );
    // A leak of the objects would take gigabytes; Go's own heap and the engine take ~150 MiB.
    assert!(rss < 600 << 20, "max RSS {} MiB", rss >> 20);
}
