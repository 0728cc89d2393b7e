//! What the guest may touch: stdin when given, preopened dirs (read-only ones unchanged), and
//! nothing else of the host — in every mode.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::*;

const PROBE: &str = r#"package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

func try(what string, err error) {
	if err != nil {
		fmt.Printf("%s: refused\n", what)
	} else {
		fmt.Printf("%s: allowed\n", what)
	}
}

func main() {
	in, _ := io.ReadAll(os.Stdin)
	fmt.Printf("stdin: %q\n", strings.ToUpper(string(in)))
	try("write rw", os.WriteFile("/rw/out.txt", []byte("written by the guest"), 0o644))
	_, err := os.ReadFile("/ro/existing.txt")
	try("read ro", err)
	try("write ro", os.WriteFile("/ro/new.txt", []byte("no"), 0o644))
	try("append ro", appendTo("/ro/existing.txt"))
	try("remove ro dir", os.Remove("/ro/sub"))
	try("remove ro file", os.Remove("/ro/existing.txt"))
	try("rename ro file", os.Rename("/ro/existing.txt", "/ro/moved.txt"))
	try("mkdir ro", os.Mkdir("/ro/newdir", 0o755))
	_, err = os.ReadFile("/etc/passwd")
	try("read /etc/passwd", err)
	_, err = os.ReadFile("/ro/../../../../etc/passwd")
	try("escape with ..", err)
	_, err = os.ReadFile("/ro/link-out/passwd")
	try("escape by symlink", err)
	fmt.Printf("HOME set: %v, GREETING=%s\n", os.Getenv("HOME") != "", os.Getenv("GREETING"))
}

func appendTo(path string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteString("more")
	return err
}
"#;

#[test]
fn guest_sees_only_what_it_is_given() {
    let (_project, wasm) = build_go_program("probe", PROBE);

    for mode in ["interp", "baseline", "aot"] {
        let host = tempfile::tempdir().unwrap();
        let (rw, ro) = (host.path().join("rw"), host.path().join("ro"));
        std::fs::create_dir_all(ro.join("sub")).unwrap();
        std::fs::create_dir(&rw).unwrap();
        std::fs::write(ro.join("existing.txt"), "original").unwrap();
        std::os::unix::fs::symlink("/etc", ro.join("link-out")).unwrap();

        let mut c = gowasm();
        c.args(["run", "-q", "--mode", mode, "--env", "GREETING=hi"])
            .arg("--dir")
            .arg(format!("{}::/rw", rw.display()))
            .arg("--dir-ro")
            .arg(format!("{}::/ro", ro.display()))
            .arg(&wasm)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        child.stdin.take().unwrap().write_all(b"piped in").unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(code(&out), 0, "{mode}: {}", stderr(&out));
        assert_eq!(
            stdout(&out),
            "stdin: \"PIPED IN\"\n\
             write rw: allowed\n\
             read ro: allowed\n\
             write ro: refused\n\
             append ro: refused\n\
             remove ro dir: refused\n\
             remove ro file: refused\n\
             rename ro file: refused\n\
             mkdir ro: refused\n\
             read /etc/passwd: refused\n\
             escape with ..: refused\n\
             escape by symlink: refused\n\
             HOME set: false, GREETING=hi\n",
            "{mode}"
        );
        assert_eq!(
            std::fs::read_to_string(rw.join("out.txt")).unwrap(),
            "written by the guest"
        );
        assert_eq!(
            std::fs::read_to_string(ro.join("existing.txt")).unwrap(),
            "original",
            "{mode}"
        );
        assert!(ro.join("sub").is_dir(), "{mode}: read-only dir removed");
        assert_eq!(names_in(&ro), ["existing.txt", "link-out", "sub"], "{mode}");
    }
}

#[test]
fn no_stdin_reads_end_of_file() {
    let (_project, wasm) = build_go_program("probe", PROBE);
    let mut c = gowasm();
    c.args(["run", "-q", "--no-stdin", "--mode", "interp"])
        .arg(&wasm)
        .stdin(Stdio::piped());
    let out = run(c);
    assert!(
        stdout(&out).starts_with("stdin: \"\"\n"),
        "{}",
        stdout(&out)
    );
}
