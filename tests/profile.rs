//! `gowasm run --profile`: real Go programs profiled in every mode, the file read back by Go's
//! own `go tool pprof`.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

/// Two callers of one function, giving it 7 and 3 parts of the work: whatever runs them, and
/// wherever an engine puts their code, the truth is 70/30.
const SPLIT: &str = r#"package main

import "fmt"

//go:noinline
func spin(n int) uint64 {
	x := uint64(1)
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
		x ^= x >> 17
	}
	return x
}

//go:noinline
func seventy(n int) uint64 { return spin(7 * n) }

//go:noinline
func thirty(n int) uint64 { return spin(3 * n) }

func main() {
	var sum uint64
	for round := 0; round < 20; round++ {
		sum += seventy(ROUND)
		sum += thirty(ROUND)
	}
	fmt.Println(sum != 0)
}
"#;

/// `go tool pprof -top` of `file`: each line's flat and cumulative shares (percent) and name.
fn pprof_top(file: &Path, extra: &[&str]) -> Vec<(f64, f64, String)> {
    let out = Command::new(go())
        .args(["tool", "pprof", "-top"])
        .args(extra)
        .arg(file)
        .output()
        .expect("go tool pprof starts");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "go tool pprof failed: {}{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    // "      flat  flat%   sum%        cum   cum%" then rows: "0.70s 70.00% 70.00% 0.70s 70.00%  main.seventy"
    text.lines()
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            let flat = cols.get(1)?.strip_suffix('%')?.parse().ok()?;
            let cum = cols.get(4)?.strip_suffix('%')?.parse().ok()?;
            Some((flat, cum, cols[5..].join(" ")))
        })
        .collect()
}

/// `gowasm run --profile FILE FLAGS MODULE ARGS`, which must succeed.
fn profiled_run(file: &Path, flags: &[&str], module: &Path, args: &[&str]) -> std::process::Output {
    let mut c = gowasm();
    c.args(["run", "--profile"])
        .arg(file)
        .args(flags)
        .arg(module)
        .args(args);
    let out = run(c);
    assert_eq!(code(&out), 0, "{}: {}", file.display(), stderr(&out));
    out
}

/// `main.seventy` and `main.thirty` hold 70/30 (within 5 points) of nearly all the time.
fn assert_70_30(top: &[(f64, f64, String)], label: &str) {
    let (a, b) = (cum(top, "main.seventy"), cum(top, "main.thirty"));
    let split = a * 100.0 / (a + b);
    assert!(
        (65.0..=75.0).contains(&split) && a + b > 90.0,
        "{label}: seventy {a}%, thirty {b}%: {top:?}"
    );
}

/// The cumulative share of the function `name` (the first line naming it).
fn cum(top: &[(f64, f64, String)], name: &str) -> f64 {
    top.iter()
        .find(|(_, _, n)| n.starts_with(name))
        .map_or(0.0, |(_, c, _)| *c)
}

#[test]
fn a_70_30_split_reads_as_70_30_in_every_mode() {
    let (dir, wasm) = build_go_program("split", &SPLIT.replace("ROUND", "4_000_000"));
    // The interpreter is ~30x slower: less work, the same split.
    let (_small_dir, small) = build_go_program("split", &SPLIT.replace("ROUND", "200_000"));
    for mode in ["interp", "baseline", "aot"] {
        let module = if mode == "interp" { &small } else { &wasm };
        let file = dir.path().join(format!("{mode}.pprof"));
        let out = profiled_run(&file, &["--mode", mode], module, &[]);
        assert_eq!(stdout(&out), "true\n");
        assert!(
            stderr(&out).contains(&format!("{mode} profile: ")),
            "{}",
            stderr(&out)
        );
        let top = pprof_top(&file, &[]);
        assert_70_30(&top, mode);
        assert!(top[0].2.starts_with("main.spin"), "{mode}: {top:?}");
        // Files and lines, from Go's own table.
        let lines = pprof_top(&file, &["-lines"]);
        assert!(
            lines
                .iter()
                .any(|(_, _, n)| n.starts_with("main.spin") && n.contains("main.go:")),
            "{mode}: {lines:?}"
        );
    }
}

#[test]
fn whole_call_stacks_come_from_go_s_stack() {
    let (dir, wasm) = build_go_program("split", &SPLIT.replace("ROUND", "1_000_000"));
    let file = dir.path().join("aot.pprof");
    profiled_run(&file, &[], &wasm, &[]);
    // Cumulative time: main.main holds both, and the runtime's main holds main.main.
    let top = pprof_top(&file, &["-cum"]);
    assert!(cum(&top, "main.main") > 95.0, "{top:?}");
    assert!(cum(&top, "runtime.main") > 95.0, "{top:?}");
}

#[test]
fn tinygo_programs_profile_in_every_mode_from_a_shadow_stack() {
    // TinyGo's code runs this split ~5x faster than Go's; the interpreter ~5x slower again.
    let project = go_program("split", &SPLIT.replace("ROUND", "16_000_000"));
    let small = go_program("split", &SPLIT.replace("ROUND", "3_000_000"));
    for build in [Build::TINYGO_WASIP1, Build::TINYGO_WASM] {
        let wasm = build.module(project.path(), project.path());
        let small_wasm = build.module(small.path(), small.path());
        // TinyGo's js programs take no arguments and need no more than one mode here.
        let modes: &[&str] = if build == Build::TINYGO_WASIP1 {
            &["interp", "baseline", "aot"]
        } else {
            &["aot"]
        };
        for mode in modes {
            let label = format!("{} {mode}", build.name());
            let module = if *mode == "interp" {
                &small_wasm
            } else {
                &wasm
            };
            let file = project
                .path()
                .join(format!("{}-{mode}.pprof", build.target));
            let out = profiled_run(&file, &["--mode", mode], module, &[]);
            assert_eq!(stdout(&out), "true\n", "{label}");
            let top = pprof_top(&file, &[]);
            assert_70_30(&top, &label);
            assert!(top[0].2.starts_with("main.spin"), "{label}: {top:?}");
            // Whole stacks, through TinyGo's scheduler, which runs main as a goroutine.
            let cumulative = pprof_top(&file, &["-cum"]);
            assert!(
                cum(&cumulative, "main.main") > 95.0,
                "{label}: {cumulative:?}"
            );
            assert!(
                cum(&cumulative, "runtime.scheduler") > 95.0,
                "{label}: {cumulative:?}"
            );
            // Files and lines, from TinyGo's DWARF: the loop's own line in spin, each caller
            // at its call.
            let lines = pprof_top(&file, &["-lines"]);
            assert!(
                lines
                    .iter()
                    .any(|(_, _, n)| n.starts_with("main.spin") && n.contains("main.go:")),
                "{label}: {lines:?}"
            );
            let cumulative_lines = pprof_top(&file, &["-lines", "-cum"]);
            assert!(
                cumulative_lines
                    .iter()
                    .any(|(_, c, n)| n.starts_with("main.seventy")
                        && n.ends_with("main.go:16")
                        && *c > 60.0),
                "{label}: {cumulative_lines:?}"
            );
        }
    }
}

#[test]
fn a_module_without_go_s_tables_or_dwarf_is_named_by_its_name_section() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = dir.path().join("spin.wasm");
    let wat = r#"(module
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (func $busy (param i32) (result i32) (local i32)
        (loop $top
          (local.set 1 (i32.add (local.get 1) (i32.mul (local.get 0) (i32.const 31))))
          (br_if $top (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
        (local.get 1))
      (func $main.run (export "_start")
        (drop (call $busy (i32.const 300000000)))
        (call $exit (i32.const 0))))"#;
    std::fs::write(&wasm, wat::parse_str(wat).unwrap()).unwrap();
    let file = dir.path().join("p.pprof");
    profiled_run(&file, &[], &wasm, &[]);
    let top = pprof_top(&file, &["-cum"]);
    assert!(cum(&top, "main.run") > 95.0, "{top:?}");
    assert!(
        top.iter().any(|(flat, _, n)| n == "busy" && *flat > 90.0),
        "{top:?}"
    );
}

/// Builds the project in `dir` for wasip1 with Go release `version`, into `dir/VERSION.wasm`.
fn build_with_release(dir: &Path, version: &str) -> std::path::PathBuf {
    let wasm = dir.join(format!("{version}.wasm"));
    build_with_go_release(dir, version, "wasip1", &wasm);
    wasm
}

#[test]
fn go_s_tables_are_read_from_the_oldest_go_to_the_newest() {
    let releases = go_releases();
    let project = go_program("split", &SPLIT.replace("ROUND", "3_000_000"));
    for version in [releases.first().unwrap(), releases.last().unwrap()] {
        let wasm = build_with_release(project.path(), version);
        let file = project.path().join(format!("{version}.pprof"));
        profiled_run(&file, &[], &wasm, &[]);
        assert_70_30(&pprof_top(&file, &[]), &format!("Go {version}"));
    }
}

/// A `prof.go` for a copy of samples/gobench: `CPUPROFILE=FILE` profiles the native build with
/// Go's own runtime/pprof, over `REPS` runs of the workload.
const NATIVE_PROFILER: &str = r#"package main

import (
	"os"
	"runtime/pprof"
	"strconv"
)

func init() {
	path := os.Getenv("CPUPROFILE")
	if path == "" {
		return
	}
	reps, _ := strconv.Atoi(os.Getenv("REPS"))
	for _, w := range workloads {
		if len(os.Args) > 1 && w.name == os.Args[1] {
			f, _ := os.Create(path)
			pprof.StartCPUProfile(f)
			for k := 0; k < reps; k++ {
				w.run(w.size)
			}
			pprof.StopCPUProfile()
			f.Close()
			os.Exit(0)
		}
	}
}
"#;

#[test]
fn the_top_functions_are_native_go_s() {
    // Binary trees: allocation and the garbage collector, the same runtime code in both builds.
    // Native Go runs on one thread here, as wasm does.
    let dir = tempfile::tempdir().unwrap();
    for file in ["go.mod", "main.go"] {
        std::fs::copy(sample("gobench").join(file), dir.path().join(file)).unwrap();
    }
    std::fs::write(dir.path().join("prof.go"), NATIVE_PROFILER).unwrap();
    let native = build_native(dir.path(), dir.path());
    let native_file = dir.path().join("native.pprof");
    let out = Command::new(&native)
        .arg("trees")
        .env("CPUPROFILE", &native_file)
        .env("REPS", "30")
        .env("GOMAXPROCS", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let wasm = build_wasm(&sample("gobench"), dir.path());
    let file = dir.path().join("aot.pprof");
    // Depth 15: twice the default's work, for twice the samples.
    profiled_run(&file, &[], &wasm, &["trees", "15"]);
    let names = |file: &Path, n: usize| -> Vec<String> {
        pprof_top(file, &[])
            .into_iter()
            .map(|(_, _, n)| n)
            .take(n)
            .collect()
    };
    let (native, ours) = (names(&native_file, 5), names(&file, 6));
    // The same function on top, and at least three of native Go's top five among our first six
    // (native Go's may have its own assembly among them, its AVX-512 scanner; the next few are
    // within a point or two of each other, and their order moves from run to run in both: under
    // the full suite's load, main.build and main.(*node).check once came before them).
    assert_eq!(native[0], ours[0], "native {native:?}, gowasm {ours:?}");
    let shared = native.iter().filter(|n| ours.contains(n)).count();
    assert!(shared >= 3, "native {native:?}, gowasm {ours:?}");
}

/// `step` is inlined into `spin`'s loop, which makes no call.
const INLINED: &str = r#"package main

import "fmt"

func step(x uint64) uint64 {
	return x*6364136223846793005 + 1442695040888963407
}

//go:noinline
func spin(n int) uint64 {
	x := uint64(1)
	for i := 0; i < n; i++ {
		x = step(x)
	}
	return x
}

func main() {
	fmt.Println(spin(200_000_000) != 0)
}
"#;

#[test]
fn inlined_calls_are_frames_of_their_own_from_the_oldest_go_to_the_newest() {
    let releases = go_releases();
    let project = go_program("inlined", INLINED);
    for version in [releases.first().unwrap(), releases.last().unwrap()] {
        let wasm = build_with_release(project.path(), version);
        // Lines are only known with checks at jumps: without them the loop's time comes at
        // spin's return, as spin's.
        let file = project.path().join(format!("{version}.pprof"));
        profiled_run(&file, &["--profile-lines"], &wasm, &[]);
        let top = pprof_top(&file, &["-lines"]);
        let step = top
            .iter()
            .find(|(_, _, n)| n.starts_with("main.step ") && n.ends_with("(inline)"))
            .unwrap_or_else(|| panic!("Go {version}: no inlined main.step in {top:?}"));
        assert!(step.0 > 80.0, "Go {version}: {top:?}");
        assert!(step.2.contains("main.go:6"), "the line in step: {step:?}");
        let spin = top
            .iter()
            .find(|(_, _, n)| n.starts_with("main.spin "))
            .unwrap_or_else(|| panic!("Go {version}: {top:?}"));
        assert!(spin.1 > 80.0, "spin holds step: {top:?}");
        assert!(
            spin.2.contains("main.go:13"),
            "at the inlined call: {spin:?}"
        );
    }
}
