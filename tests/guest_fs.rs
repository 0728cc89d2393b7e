//! What the guest does to a preopened folder happens on the host, the same in every mode.

mod common;

use common::*;

const REMOVER: &str = r#"package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

func main() {
	base := os.Args[1]
	os.MkdirAll(base+"/tree/a/b", 0o755)
	os.WriteFile(base+"/tree/a/b/f", []byte("f"), 0o644)
	os.WriteFile(base+"/tree/g", []byte("g"), 0o644)
	os.Mkdir(base+"/empty", 0o755)
	err := os.Remove(base + "/tree")
	fmt.Println("remove a full folder fails:", err != nil && !errors.Is(err, fs.ErrNotExist))
	fmt.Println("RemoveAll:", os.RemoveAll(base+"/tree"))
	_, err = os.Lstat(base + "/tree")
	fmt.Println("gone:", errors.Is(err, fs.ErrNotExist))
	fmt.Println("remove an empty folder:", os.Remove(base+"/empty"))
	fmt.Println("remove it again is not-exist:", errors.Is(os.Remove(base+"/empty"), fs.ErrNotExist))
}
"#;

#[test]
fn remove_and_remove_all_act_on_the_host_in_every_mode() {
    let (_project, wasm) = build_go_program("remover", REMOVER);
    for mode in ["interp", "baseline", "aot"] {
        let host = tempfile::tempdir().unwrap();
        // A folder the guest has never looked at, with a file in it.
        std::fs::create_dir_all(host.path().join("untouched/inner")).unwrap();
        std::fs::write(host.path().join("untouched/inner/x"), "x").unwrap();
        let mut c = gowasm();
        c.args(["run", "-q", "--no-stdin", "--mode", mode])
            .arg("--dir")
            .arg(format!("{}::/w", host.path().display()))
            .arg(&wasm)
            .args(["--", "/w"]);
        let out = run(c);
        assert_eq!(code(&out), 0, "{mode}: {}", stderr(&out));
        assert_eq!(
            stdout(&out),
            "remove a full folder fails: true\n\
             RemoveAll: <nil>\n\
             gone: true\n\
             remove an empty folder: <nil>\n\
             remove it again is not-exist: true\n",
            "{mode}"
        );
        assert_eq!(names_in(host.path()), ["untouched"], "{mode}");

        // The raw call on a folder the guest never looked up: ENOTEMPTY (55) while it has a
        // file, then removed once empty.
        let wat = host.path().join("rmdir.wat");
        std::fs::write(&wat, RMDIR_PROBE).unwrap();
        let mut c = gowasm();
        c.args(["run", "-q", "--no-stdin", "--mode", mode])
            .arg("--dir")
            .arg(format!("{}::/w", host.path().join("untouched").display()))
            .arg(&wat);
        let out = run(c);
        assert_eq!(stdout(&out), "55 00 00\n", "{mode}: {}", stderr(&out));
        assert!(!host.path().join("untouched/inner").exists(), "{mode}");
    }
}

/// Finds the preopen `/w`, then: rmdir `inner` (has a file), unlink `inner/x`, rmdir `inner`;
/// prints the three errnos.
const RMDIR_PROBE: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_remove_directory" (func $rmdir (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_unlink_file" (func $unlink (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "inner")
  (data (i32.const 120) "inner/x")
  (func $find (result i32) (local $fd i32)
    (local.set $fd (i32.const 3))
    (block $none
      (loop $next
        (br_if $none (i32.ge_u (local.get $fd) (i32.const 64)))
        (if (i32.eqz (call $prestat (local.get $fd) (i32.const 16)))
          (then
            (if (i32.eq (i32.load (i32.const 20)) (i32.const 2))
              (then
                (drop (call $name (local.get $fd) (i32.const 32) (i32.const 2)))
                (if (i32.eq (i32.load16_u (i32.const 32)) (i32.const 0x772f))
                  (then (return (local.get $fd))))))))
        (local.set $fd (i32.add (local.get $fd) (i32.const 1)))
        (br $next)))
    (i32.const -1))
  (func $digits (param $at i32) (param $n i32)
    (i32.store8 (local.get $at) (i32.add (i32.const 48) (i32.div_u (local.get $n) (i32.const 10))))
    (i32.store8 (i32.add (local.get $at) (i32.const 1)) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10)))))
  (func (export "_start") (local $fd i32)
    (local.set $fd (call $find))
    (call $digits (i32.const 200) (call $rmdir (local.get $fd) (i32.const 100) (i32.const 5)))
    (i32.store8 (i32.const 202) (i32.const 32))
    (call $digits (i32.const 203) (call $unlink (local.get $fd) (i32.const 120) (i32.const 7)))
    (i32.store8 (i32.const 205) (i32.const 32))
    (call $digits (i32.const 206) (call $rmdir (local.get $fd) (i32.const 100) (i32.const 5)))
    (i32.store8 (i32.const 208) (i32.const 10))
    (i32.store (i32.const 0) (i32.const 200))
    (i32.store (i32.const 4) (i32.const 9))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
"#;

const RELATIVE: &str = r#"package main

import (
	"fmt"
	"os"
)

func main() {
	wd, _ := os.Getwd()
	data, err := os.ReadFile("input.txt")
	fmt.Printf("cwd %s, read %q %v\n", wd, data, err)
	fmt.Println("write outside the folders fails:", os.WriteFile("/tmp/x", []byte("x"), 0o644) != nil)
}
"#;

/// The guest's working folder is the first folder it was given and it sees no others, the same
/// in every mode (wasix's own in-memory `/` is hidden).
#[test]
fn relative_paths_resolve_in_the_first_given_folder_in_every_mode() {
    let (_project, wasm) = build_go_program("relative", RELATIVE);
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("input.txt"), "given").unwrap();
    for mode in ["interp", "baseline", "aot"] {
        let mut c = gowasm();
        c.args(["run", "-q", "--no-stdin", "--mode", mode])
            .arg("--dir")
            .arg(format!("{}::/data", data.path().display()))
            .arg(&wasm);
        let out = run(c);
        assert_eq!(
            stdout(&out),
            "cwd /data, read \"given\" <nil>\nwrite outside the folders fails: true\n",
            "{mode}: {}",
            stderr(&out)
        );
    }
}
