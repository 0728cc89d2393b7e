//! `gowasm inspect --packages --files`: a real Go build described in Go's own terms, checked
//! against the Go toolchain's own view of the same program.

mod common;

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

use common::*;

/// `gowasm inspect --json --packages --files` of a module: its `anatomy` object.
fn anatomy(wasm: &Path) -> serde_json::Value {
    let mut c = gowasm();
    c.args([
        "inspect",
        "--json",
        "--packages",
        "--files",
        "--top",
        "100000",
    ])
    .arg(wasm);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["anatomy"].clone()
}

fn functions(a: &serde_json::Value) -> &Vec<serde_json::Value> {
    a["functions"].as_array().unwrap()
}

/// encoding/json, or a package it is built on (Go 1.27: `encoding/json/v2`, `jsontext`, …).
fn is_json_package(p: &str) -> bool {
    p == "encoding/json" || p.starts_with("encoding/json/")
}

/// The line of `needle` in a file, counting from 1.
fn line_of(file: &Path, needle: &str) -> u64 {
    let text = std::fs::read_to_string(file).unwrap();
    text.lines().position(|l| l.starts_with(needle)).unwrap() as u64 + 1
}

#[test]
fn go_names_files_and_lines_agree_with_the_go_toolchain() {
    let out = tempfile::tempdir().unwrap();
    let package = sample("jsonsort");
    let wasm = build_wasm(&package, out.path());
    let a = anatomy(&wasm);
    assert_eq!(a["names_from"], "go_pclntab", "{}", a["names_from"]);

    let main = functions(&a)
        .iter()
        .find(|f| f["name"] == "main.main")
        .expect("main.main is named");
    assert_eq!(main["package"], "main");
    let file = main["file"].as_str().unwrap();
    assert!(file.ends_with("samples/jsonsort/main.go"), "{file}");
    assert_eq!(
        main["line"],
        line_of(&package.join("main.go"), "func main()")
    );

    // The native build of the same program, read by `go tool nm`.
    let native = build_native(&package, out.path());
    let nm = Command::new(go())
        .args(["tool", "nm"])
        .arg(&native)
        .output()
        .unwrap();
    assert!(
        nm.status.success(),
        "{}",
        String::from_utf8_lossy(&nm.stderr)
    );
    let native_names: HashSet<String> = String::from_utf8_lossy(&nm.stdout)
        .lines()
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            let (_addr, kind, name) = (parts.next()?, parts.next()?, parts.next()?);
            matches!(kind, "T" | "t").then(|| name.to_string())
        })
        .collect();
    // encoding/json and, from Go 1.27 on, the packages it is built on.
    let portable =
        |p: &str| ["main", "sort", "strings", "strconv"].contains(&p) || is_json_package(p);
    let ours: Vec<&str> = functions(&a)
        .iter()
        .filter(|f| portable(f["package"].as_str().unwrap()))
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(ours.len() > 200, "{} functions", ours.len());
    for name in ["main.main", "sort.Slice"] {
        assert!(ours.contains(&name), "{name} is named as Go names it");
    }
    assert!(
        ours.iter()
            .any(|n| n.starts_with("encoding/json") && n.contains(".(*")),
        "encoding/json's methods are named as Go names them"
    );
    let missing: Vec<&&str> = ours
        .iter()
        .filter(|n| !native_names.contains(**n))
        .collect();
    // The two builds keep the same Go functions of pure-Go packages, a few wrappers aside.
    assert!(
        missing.len() * 50 <= ours.len(),
        "{} of {} names not in `go tool nm`: {:?}",
        missing.len(),
        ours.len(),
        &missing[..missing.len().min(20)]
    );
}

#[test]
fn package_sizes_add_up_to_the_code_section_and_data_is_never_hidden() {
    let out = tempfile::tempdir().unwrap();
    let wasm = build_wasm(&sample("jsonsort"), out.path());
    let a = anatomy(&wasm);
    let packages = a["packages"].as_array().unwrap();
    let sum: u64 = packages
        .iter()
        .map(|p| p["code_bytes"].as_u64().unwrap())
        .sum();
    let functions = functions(&a).len() as u64;
    let code = a["code_section_bytes"].as_u64().unwrap();
    // The code section is the bodies plus its count and one size prefix per body (≤ 5 bytes each).
    assert!(
        sum <= code && code - sum <= 5 * (functions + 1),
        "{sum} of {code}"
    );
    let names: Vec<&str> = packages
        .iter()
        .map(|p| p["package"].as_str().unwrap())
        .collect();
    for p in ["runtime", "encoding/json", "main", "fmt"] {
        assert!(names.contains(&p), "{p} in {names:?}");
    }
    let files = a["files"].as_array().unwrap();
    let file_sum: u64 = files
        .iter()
        .map(|f| f["code_bytes"].as_u64().unwrap())
        .sum();
    assert!(
        file_sum * 10 >= sum * 9,
        "files cover most code: {file_sum} of {sum}"
    );

    let data = a["data"].as_array().unwrap();
    let pclntab = data
        .iter()
        .find(|d| d["what"].as_str().unwrap().starts_with("pclntab"))
        .expect("the pclntab is attributed");
    assert!(pclntab["bytes"].as_u64().unwrap() > 0);
    let doc: serde_json::Value = {
        let mut c = gowasm();
        c.args(["inspect", "--json"]).arg(&wasm);
        serde_json::from_slice(&run(c).stdout).unwrap()
    };
    let parts: Vec<(&str, u64)> = data
        .iter()
        .map(|d| (d["what"].as_str().unwrap(), d["bytes"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        parts.iter().map(|p| p.1).sum::<u64>(),
        doc["data_bytes"].as_u64().unwrap(),
        "the parts add up to the data segments: {parts:?}"
    );
    // runtime.firstmoduledata marks out the read-only data and the globals, leaving little.
    let part = |prefix: &str| parts.iter().find(|p| p.0.starts_with(prefix)).map(|p| p.1);
    assert!(part("read-only data").unwrap() > 100_000, "{parts:?}");
    assert!(part("initialised globals").unwrap() > 0, "{parts:?}");
    assert!(
        part("other data").unwrap() * 20 < doc["data_bytes"].as_u64().unwrap(),
        "{parts:?}"
    );
}

#[test]
fn the_text_tables_name_packages_and_files() {
    let out = tempfile::tempdir().unwrap();
    let wasm = build_wasm(&sample("jsonsort"), out.path());
    let mut c = gowasm();
    c.args(["inspect", "--packages", "--files", "--top", "5"])
        .arg(&wasm);
    let o = run(c);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("names from Go's pclntab"), "{text}");
    assert!(
        text.contains("PACKAGE") && text.contains("  runtime\n"),
        "{text}"
    );
    assert!(text.contains("more packages (--top N)"), "{text}");
    assert!(text.contains("FILE") && text.contains(".go\n"), "{text}");
    assert!(text.contains("other data"), "{text}");
}

#[test]
fn a_module_without_go_tables_falls_back_to_the_name_section() {
    let (_d, wasm) = fixture("exit_code");
    let a = anatomy(&wasm);
    assert_ne!(a["names_from"], "go_pclntab");
    assert!(a["files"].as_array().unwrap().is_empty());
}

#[test]
#[expect(
    clippy::too_many_lines,
    reason = "one scenario: two builds, then every view of their diff"
)]
fn the_diff_of_a_build_that_starts_using_encoding_json_names_it() {
    let without = r#"package main

import "fmt"

func main() { fmt.Println("hello") }
"#;
    let with = r#"package main

import (
	"encoding/json"
	"fmt"
)

func main() {
	b, _ := json.Marshal(map[string]int{"hello": 1})
	fmt.Println(string(b))
}
"#;
    let (_a, old) = build_go_program("diffdemo", without);
    let (_b, new) = build_go_program("diffdemo", with);
    let mut c = gowasm();
    c.args(["inspect", "--json", "--diff"]).arg(&old).arg(&new);
    let o = run(c);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let packages = doc["diff"]["packages"].as_array().unwrap();
    let json = packages
        .iter()
        .find(|p| p["name"] == "encoding/json")
        .expect("encoding/json is in the diff");
    assert_eq!(json["change"], "new");
    assert_eq!(json["old"], 0);
    // Since Go 1.27 encoding/json is a layer over encoding/json/v2 and jsontext, new with it.
    let family: i64 = packages
        .iter()
        .filter(|p| is_json_package(p["name"].as_str().unwrap()) && p["change"] == "new")
        .map(|p| p["delta"].as_i64().unwrap())
        .sum();
    assert!(family > 50_000, "{packages:?}");
    assert!(doc["diff"]["code_delta"].as_i64().unwrap() > 0);
    let new_functions = doc["diff"]["functions"].as_array().unwrap();
    assert!(
        new_functions
            .iter()
            .any(|f| f["change"] == "new"
                && f["name"].as_str().unwrap().starts_with("encoding/json"))
    );
    // main's call: json.Marshal, or what it inlines to (v2's Marshal, Go 1.27).
    let marshal = ["encoding/json.Marshal", "encoding/json/v2.Marshal"]
        .into_iter()
        .find(|m| new_functions.iter().any(|f| f["name"] == *m))
        .expect("a Marshal is new");

    let mut c = gowasm();
    c.args(["inspect", "--diff"]).arg(&old).arg(&new);
    let text = stdout(&run(c));
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with('+') && l.ends_with("encoding/json (new)")),
        "{text}"
    );

    // And back: the package is gone.
    let mut c = gowasm();
    c.args(["inspect", "--json", "--diff"]).arg(&new).arg(&old);
    let doc: serde_json::Value = serde_json::from_slice(&run(c).stdout).unwrap();
    assert!(
        doc["diff"]["packages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "encoding/json" && p["change"] == "gone")
    );

    // What encoding/json retains is what Go's linker dropped when the import went: the code
    // section's change between the two builds, less main's few calls into it. From Go 1.27 on
    // main calls encoding/json/v2 directly (json.Marshal is inlined), and v2 retains the most of
    // the family, with reflect and time grown for it and shared with the runtime.
    let code_delta = doc["diff"]["code_delta"].as_i64().unwrap().unsigned_abs();
    let mut c = gowasm();
    c.args(["inspect", "--json", "--retained", "--top", "1000"])
        .args(["--path", marshal])
        .arg(&new);
    let o = run(c);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let json = doc["retained"]["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| is_json_package(p["package"].as_str().unwrap()))
        .max_by_key(|p| p["retained"].as_u64().unwrap())
        .expect("encoding/json retains something")
        .clone();
    let retained = json["retained"].as_u64().unwrap();
    assert!(retained >= json["shallow"].as_u64().unwrap(), "{json}");
    let share = if marshal == "encoding/json.Marshal" {
        75
    } else {
        40
    };
    assert!(
        retained * 100 >= code_delta * share && retained * 100 <= code_delta * 105,
        "retained {retained} against the build's change of {code_delta}"
    );
    let path: Vec<&str> = doc["retained"]["paths"][0]
        .as_array()
        .expect("a path to encoding/json.Marshal")
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(path.last(), Some(&marshal), "{path:?}");
    assert!(path.contains(&"main.main"), "{path:?}");
    assert!(
        doc["retained"]["paths"][0][0]["root"].is_string(),
        "{path:?}"
    );

    let mut c = gowasm();
    c.args(["inspect", "--diff", "/nonexistent/old.wasm"])
        .arg(&new);
    let o = run(c);
    assert_ne!(code(&o), 0);
    assert!(
        stderr(&o).contains("/nonexistent/old.wasm"),
        "{}",
        stderr(&o)
    );
}

/// `gowasm run --mode MODE` of a module that traps: the trap's frames from `--json`, and the
/// text run's standard error.
fn trap_frames(wasm: &Path, mode: &str, extra: &[&str]) -> (Vec<serde_json::Value>, String) {
    let mut c = gowasm();
    c.args(["run", "--json", "--mode", mode])
        .args(extra)
        .arg(wasm);
    let out = run(c);
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    let outcome = &doc["runs"][0]["outcome"];
    assert_eq!(outcome["status"], "trapped", "{outcome}");
    let frames = outcome["frames"].as_array().cloned().unwrap_or_default();
    let mut c = gowasm();
    c.args(["run", "--mode", mode]).args(extra).arg(wasm);
    (frames, stderr(&run(c)))
}

#[test]
fn a_tinygo_trap_shows_the_file_and_line_of_the_panic_and_its_inlined_callers() {
    let out = tempfile::tempdir().unwrap();
    let main_go = sample("panic").join("main.go");
    // TinyGo's default target; its wasip1 build of this sample merges the panic paths into one
    // block that DWARF gives line 0, so there the frame shows where its function starts.
    let wasm = Build::TINYGO_WASM.module(&sample("panic"), out.path());
    let index_line = line_of(&main_go, "\treturn items[i]");
    let call_line = line_of(&main_go, "\tfmt.Println(pick(");
    // And profiled: the frames name places in the rewrite, which are put back in the module as
    // built.
    let profile = out.path().join("panic.pprof");
    let profiled = ["--profile", profile.to_str().unwrap()];
    let runs = [
        ("baseline", &[][..]),
        ("aot", &[][..]),
        ("baseline", &profiled[..]),
        ("aot", &profiled[..]),
    ];
    for (mode, extra) in runs {
        let mode = &format!("{mode}{}", if extra.is_empty() { "" } else { " profiled" });
        let (frames, err) = trap_frames(&wasm, mode.split(' ').next().unwrap(), extra);
        let places: Vec<(String, u64, String)> = frames
            .iter()
            .flat_map(|f| f["places"].as_array().cloned().unwrap_or_default())
            .filter(|p| p["exact"] == true)
            .map(|p| {
                (
                    p["file"].as_str().unwrap().to_string(),
                    p["line"].as_u64().unwrap_or(0),
                    p["function"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let file = main_go.to_str().unwrap();
        assert!(
            places.contains(&(file.into(), index_line, "main.pick".into())),
            "{mode}: {places:?}"
        );
        assert!(
            places.contains(&(file.into(), call_line, "main.main".into())),
            "{mode}: {places:?}"
        );
        // The text backtrace says the same.
        let at = format!("at {file}:{index_line} in main.pick");
        assert!(err.contains(&at), "{mode}: {err}");
    }
}

/// A Go program that reads memory out of bounds: a wasm trap, not a Go panic.
const POKE: &str = "package main\n\nimport \"unsafe\"\n\n//go:noinline\nfunc poke(at uintptr) int {\n\tprintln(\"poking\", at)\n\treturn *(*int)(unsafe.Pointer(at))\n}\n\nfunc main() {\n\tprintln(\"start\")\n\tv := poke(0xfffffff0)\n\tprintln(v)\n}\n";

#[test]
fn a_go_trap_shows_the_line_of_the_access_and_of_each_call() {
    let (dir, wasm) = build_go_program("poke", POKE);
    let main_go = dir.path().join("main.go");
    let access = line_of(&main_go, "\treturn *(*int)");
    let call = line_of(&main_go, "\tv := poke(");
    // opt too: its LLVM treats a Go module's memory as ordinary memory, and a read whose value is
    // used still traps.
    // And profiled: the profiler's checks leave Go's lines where they were.
    let profile = dir.path().join("poke.pprof");
    let profiled = ["--profile", profile.to_str().unwrap()];
    let runs = [
        ("baseline", &[][..]),
        ("aot", &[][..]),
        ("opt", &[][..]),
        ("baseline", &profiled[..]),
        ("aot", &profiled[..]),
    ];
    for (mode, extra) in runs {
        let (frames, err) = trap_frames(&wasm, mode, extra);
        let place_of = |name: &str| {
            frames
                .iter()
                .find(|f| f["name"] == name)
                .unwrap_or_else(|| panic!("no {name} frame: {frames:?} {err}"))["places"][0]
                .clone()
        };
        let poke = place_of("main.poke");
        assert!(
            poke["file"].as_str().unwrap().ends_with("/main.go"),
            "{poke}"
        );
        assert_eq!(poke["line"], access, "{mode}: {poke}");
        assert_eq!(poke["exact"], true, "{poke}");
        let main = place_of("main.main");
        assert_eq!(main["line"], call, "{mode}: {main}");
        assert_eq!(main["exact"], true, "{main}");
        let at = format!("main.go:{access}");
        assert!(err.contains(&at), "{mode}: {err}");
    }
}

#[test]
fn a_tinygo_build_gets_files_and_lines_from_dwarf_and_packages_from_its_method_names() {
    let out = tempfile::tempdir().unwrap();
    let main_go = sample("fib").join("main.go");
    let wasm = Build::TINYGO_WASIP1.module(&sample("fib"), out.path());
    let a = anatomy(&wasm);
    assert_eq!(
        a["names_from"], "name_section_and_dwarf",
        "{}",
        a["names_from"]
    );
    let fib = functions(&a)
        .iter()
        .find(|f| f["name"] == "main.fib")
        .expect("main.fib");
    assert_eq!(fib["file"], main_go.to_str().unwrap(), "{fib}");
    let func_line = line_of(&main_go, "func fib(");
    let line = fib["line"].as_u64().unwrap();
    assert!((func_line..func_line + 5).contains(&line), "{fib}");
    // `(*fmt.pp).printArg` is fmt's: no package is named after a receiver.
    let packages: Vec<&str> = a["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["package"].as_str().unwrap())
        .collect();
    assert!(packages.contains(&"fmt"), "{packages:?}");
    assert!(
        !packages
            .iter()
            .any(|p| p.starts_with("(*") || (p.starts_with('(') && !p.ends_with(')'))),
        "{packages:?}"
    );
    let placed = functions(&a)
        .iter()
        .filter(|f| f["file"].is_string())
        .count();
    assert!(placed * 10 >= functions(&a).len() * 8, "{placed} placed");
}
