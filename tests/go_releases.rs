//! One program (tests/programs/releases) built by every Go release the tests know
//! (tests/go-releases.txt, from 1.21 to today's; `scripts/setup` installs them into /opt/go-bin):
//! on WASI and on the JS host it runs in every mode and reads a folder; its functions have Go's
//! names, packages, files and lines; its data is told apart; a trap is placed at its line; and
//! `--exit-return` rewrites it so that `exit(0)` returns.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;

/// A Go release and the two modules it built of the program.
struct Release {
    version: String,
    wasip1: PathBuf,
    js: PathBuf,
}

/// Builds the program with `go` for `target` with gowasm, that Go first on PATH.
fn build(go: &Path, target: &str, out: &Path) -> PathBuf {
    let wasm = out.join(format!("releases-{target}.wasm"));
    let path = std::env::join_paths(
        std::iter::once(go.parent().unwrap().to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let mut c = gowasm();
    c.env("PATH", path)
        .env_remove("GOROOT")
        .args(["build", "--toolchain", "go", "--target", target, "-o"])
        .arg(&wasm)
        .arg(program("releases"));
    let out = run(c);
    assert_eq!(code(&out), 0, "{} {target}: {}", go.display(), stderr(&out));
    wasm
}

/// Every release's two modules, built once for all the tests here.
fn releases() -> &'static [Release] {
    static BUILT: OnceLock<Vec<Release>> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = process_dir("go-releases");
        go_releases()
            .into_iter()
            .map(|version| {
                let go = go_release(&version);
                let out = dir.join(&version);
                std::fs::create_dir_all(&out).unwrap();
                Release {
                    wasip1: build(&go, "wasip1", &out),
                    js: build(&go, "js", &out),
                    version,
                }
            })
            .collect()
    })
}

fn gowasm_run(args: &[&str], wasm: &Path, guest: &[&str]) -> std::process::Output {
    let mut c = gowasm();
    c.arg("run").args(args).arg(wasm).args(guest);
    run(c)
}

#[test]
fn the_listed_releases_run_from_1_21_to_today() {
    let listed = go_releases();
    assert_eq!(listed.first().map(String::as_str), Some("1.21.13"));
    let newest = gowasm::inspect::toolchain::GO_KNOWN.1;
    assert!(
        listed.last().unwrap().starts_with(&format!("1.{newest}.")),
        "the newest Go gowasm knows (1.{newest}) is tested"
    );
}

#[test]
fn every_release_runs_in_every_mode_on_wasi_and_on_the_js_host() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::create_dir(folder.path().join("sub")).unwrap();
    std::fs::write(folder.path().join("note.txt"), "from the host\n").unwrap();
    let dir = format!("{}::/data", folder.path().display());
    for r in releases() {
        for (target, wasm) in [("wasip1", &r.wasip1), ("js", &r.js)] {
            for mode in ["interp", "baseline", "aot"] {
                let what = format!("go{} {target} {mode}", r.version);
                let out = gowasm_run(&["-q", "--mode", mode], wasm, &[]);
                assert_eq!(code(&out), 0, "{what}: {}", stderr(&out));
                assert_eq!(
                    stdout(&out),
                    format!("{{\"answer\":42,\"random\":true}} go{}\n", r.version),
                    "{what}"
                );
                assert!(stderr(&out).is_empty(), "{what}: {}", stderr(&out));
                let out = gowasm_run(
                    &["-q", "--mode", mode, "--dir", &dir],
                    wasm,
                    &["dir", "/data"],
                );
                assert_eq!(
                    stdout(&out),
                    "entry note.txt false\nentry sub true\nnote from the host\n",
                    "{what}: {}",
                    stderr(&out)
                );
                let out = gowasm_run(&["-q", "--mode", mode], wasm, &["exit", "3"]);
                assert_eq!(code(&out), 3, "{what}: {}", stderr(&out));
            }
        }
    }
}

#[test]
fn every_release_has_go_names_files_lines_retained_sizes_and_data_parts() {
    let main_go = program("releases").join("main.go");
    let text = std::fs::read_to_string(&main_go).unwrap();
    let line_of = |needle: &str| text.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
    for r in releases() {
        let mut c = gowasm();
        c.args([
            "inspect",
            "--json",
            "--packages",
            "--retained",
            "--top",
            "100000",
        ])
        .arg(&r.wasip1);
        let out = run(c);
        assert_eq!(code(&out), 0, "go{}: {}", r.version, stderr(&out));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let a = &doc["anatomy"];
        assert_eq!(a["names_from"], "go_pclntab", "go{}", r.version);
        let functions = a["functions"].as_array().unwrap();
        let main = functions
            .iter()
            .find(|f| f["name"] == "main.main")
            .unwrap_or_else(|| panic!("go{}: no main.main", r.version));
        assert!(main["file"].as_str().unwrap().ends_with("releases/main.go"));
        assert_eq!(main["line"], line_of("func main()"), "go{}", r.version);
        assert!(
            functions.iter().any(|f| f["package"] == "encoding/json"
                && f["name"].as_str().unwrap().starts_with("encoding/json.")),
            "go{}: no function of encoding/json",
            r.version
        );
        // What each package retains, under Go's package names.
        let retained = doc["retained"]["packages"].as_array().unwrap();
        assert!(
            retained.iter().any(
                |p| p["package"].as_str().unwrap().starts_with("encoding/json")
                    && p["retained"].as_u64().unwrap() > 10_000
            ),
            "go{}: {:?}",
            r.version,
            &retained[..retained.len().min(10)]
        );
        // The largest functions under Go's names, not the name section's sanitised ones.
        let largest = doc["largest_functions"].as_array().unwrap();
        assert!(
            largest
                .iter()
                .any(|f| f["name"].as_str().unwrap().contains(".(*")),
            "go{}: {largest:?}",
            r.version
        );
        // Go's tables and what runtime.firstmoduledata marks out, not all "other data".
        let data = a["data"].as_array().unwrap();
        let bytes_of = |what: &str| {
            data.iter()
                .filter(|d| d["what"].as_str().unwrap().starts_with(what))
                .map(|d| d["bytes"].as_u64().unwrap())
                .sum::<u64>()
        };
        let total: u64 = data.iter().map(|d| d["bytes"].as_u64().unwrap()).sum();
        assert!(
            bytes_of("pclntab") > total / 10,
            "go{}: {data:?}",
            r.version
        );
        assert!(
            bytes_of("read-only data") > total / 10,
            "go{}: {data:?}",
            r.version
        );
        assert!(
            bytes_of("other data") < total / 10,
            "go{}: {data:?}",
            r.version
        );
    }
}

#[test]
fn every_release_traps_at_the_line_of_the_access() {
    let main_go = program("releases").join("main.go");
    let text = std::fs::read_to_string(&main_go).unwrap();
    let access = text
        .lines()
        .position(|l| l.starts_with("\treturn *(*int)"))
        .unwrap()
        + 1;
    for r in releases() {
        for wasm in [&r.wasip1, &r.js] {
            let out = gowasm_run(&["--mode", "aot"], wasm, &["trap"]);
            assert_ne!(code(&out), 0, "go{}", r.version);
            let err = stderr(&out);
            let frame = err.find("main.poke").map(|i| &err[i..]).unwrap_or("");
            // `0: main.poke (func N) @ 0x…`, then `at …/releases/main.go:LINE`.
            let at = format!("releases/main.go:{access}");
            assert!(
                frame.lines().nth(1).is_some_and(|l| l.ends_with(&at)),
                "go{} {}: {}",
                r.version,
                wasm.display(),
                stderr(&out)
            );
        }
    }
}

#[test]
fn every_release_is_rewritten_by_exit_return() {
    let out_dir = tempfile::tempdir().unwrap();
    for r in releases() {
        let module = std::fs::read(&r.wasip1).unwrap();
        let rewritten =
            gowasm::image::exit_return(&module).unwrap_or_else(|e| panic!("go{}: {e}", r.version));
        let wasm = out_dir.path().join(format!("{}.wasm", r.version));
        std::fs::write(&wasm, rewritten).unwrap();
        for mode in ["interp", "aot"] {
            let out = gowasm_run(&["-q", "--mode", mode], &wasm, &[]);
            assert_eq!(code(&out), 0, "go{} {mode}: {}", r.version, stderr(&out));
            assert!(
                stdout(&out).starts_with("{\"answer\":42"),
                "go{}",
                r.version
            );
            let out = gowasm_run(&["-q", "--mode", mode], &wasm, &["exit", "3"]);
            assert_eq!(code(&out), 3, "go{} {mode}", r.version);
        }
    }
}

/// `go test` of the program's package through the links `gowasm install-exec` makes, with each
/// release: `GOOS=js` (the JS host, which follows each release's wasm_exec.js) and `GOOS=wasip1`.
#[test]
fn every_release_runs_go_test_through_the_exec_links() {
    let bin = tempfile::tempdir().unwrap();
    let mut c = gowasm();
    c.arg("install-exec").arg(bin.path());
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for version in go_releases() {
        let go = go_release(&version);
        let path = format!(
            "{}:{}:/usr/bin:/bin",
            bin.path().display(),
            go.parent().unwrap().display()
        );
        for goos in ["js", "wasip1"] {
            let out = std::process::Command::new(&go)
                .args(["test", "-count=1", "-v", "."])
                .current_dir(program("releases"))
                .env("PATH", &path)
                .env("GOTOOLCHAIN", "local")
                .env("GOOS", goos)
                .env("GOARCH", "wasm")
                .env("GOWASM_CACHE_DIR", shared_cache())
                .output()
                .unwrap();
            let text = format!("{}{}", stdout(&out), stderr(&out));
            assert!(out.status.success(), "go{version} {goos}: {text}");
            assert!(
                text.contains("--- PASS: TestFiles"),
                "go{version} {goos}: {text}"
            );
        }
    }
}
