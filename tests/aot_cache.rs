//! The AOT cache under contention and interruption: processes filling it at once, and processes
//! killed while compiling or writing it.

mod common;

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};

use common::*;

fn hello_wasm(out: &Path) -> std::path::PathBuf {
    build_wasm(&sample("hello"), out)
}

fn aot_run(cache: &Path, wasm: &Path) -> Command {
    let mut c = gowasm();
    c.env("GOWASM_CACHE_DIR", cache)
        .args(["run", "--json", "--no-stdin", "--mode", "aot"])
        .arg(wasm)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn cache_status(out: &std::process::Output) -> String {
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(out), stderr(out)));
    assert_eq!(doc["runs"][0]["exit_code"], 0, "{doc}");
    assert!(
        doc["runs"][0]["stdout"]
            .as_str()
            .unwrap()
            .contains("Hello from Go"),
        "{doc}"
    );
    doc["runs"][0]["timings"]["cache"]["status"]
        .as_str()
        .unwrap()
        .to_string()
}

/// One aot run of `wasm` with `cache`: whether the cache hit, missed or was rejected.
fn aot_status(cache: &Path, wasm: &Path) -> String {
    cache_status(&aot_run(cache, wasm).output().unwrap())
}

fn aot_files(cache: &Path) -> Vec<String> {
    names_in(&cache.join("aot"))
}

#[test]
fn processes_filling_the_cache_at_once_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = hello_wasm(dir.path());
    let cache = dir.path().join("cache");
    let children: Vec<_> = (0..4)
        .map(|_| aot_run(&cache, &wasm).spawn().unwrap())
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let status = cache_status(&out);
        assert!(status == "miss" || status == "hit", "{status}");
    }
    assert_eq!(aot_status(&cache, &wasm), "hit");
    // A hit 50 ms or more after the store also leaves the artifact's seal beside it.
    let files = aot_files(&cache);
    let unsealed: Vec<&String> = files
        .iter()
        .filter(|f| !f.ends_with(".seal") && *f != "memo")
        .collect();
    assert_eq!(
        unsealed.len(),
        3,
        "one artifact, its code image (made by the first hit) and the key: {files:?}"
    );
}

/// Whether the run's JSON says its code was mapped from a code image.
fn code_mapped(out: &std::process::Output) -> bool {
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["runs"][0]["timings"]["code_mapped"] == true
}

/// The first cached load of an artifact stores its linked code as an image; later loads map it.
/// An image changed on disk is refused (its MAC no longer matches), never mapped, and made anew.
#[test]
fn cached_loads_map_the_code_image_and_refuse_a_changed_one() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = hello_wasm(dir.path());
    let cache = dir.path().join("cache");
    assert_eq!(aot_status(&cache, &wasm), "miss");
    let before = aot_files(&cache);
    let first = aot_run(&cache, &wasm).output().unwrap();
    assert_eq!(cache_status(&first), "hit");
    assert!(!code_mapped(&first), "no image yet");
    let images: Vec<String> = aot_files(&cache)
        .into_iter()
        .filter(|n| n.ends_with(".gwaot") && !before.contains(n))
        .collect();
    assert_eq!(images.len(), 1, "{images:?}");
    let second = aot_run(&cache, &wasm).output().unwrap();
    assert_eq!(cache_status(&second), "hit");
    assert!(code_mapped(&second), "{}", stderr(&second));

    // One byte of code changed, in place.
    let image = cache.join("aot").join(&images[0]);
    let mut bytes = std::fs::read(&image).unwrap();
    let at = 4096 + (bytes.len() - 4096) / 3;
    bytes[at] ^= 0xff;
    std::fs::write(&image, &bytes).unwrap();
    let third = aot_run(&cache, &wasm).output().unwrap();
    assert_eq!(cache_status(&third), "hit", "the artifact itself is fine");
    assert!(!code_mapped(&third), "a changed image is never mapped");
    let fourth = aot_run(&cache, &wasm).output().unwrap();
    assert!(code_mapped(&fourth), "a new image: {}", stderr(&fourth));
}

/// Kills gowasm and its worker (the whole process group) at points spread over the cold compile
/// and the write of the artifact; the next run must work and leave a good artifact.
#[test]
fn a_run_killed_mid_compile_or_mid_write_leaves_a_working_cache() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = hello_wasm(dir.path());
    // How long a cold run takes here, to spread the kills over it.
    let probe = dir.path().join("probe-cache");
    let started = std::time::Instant::now();
    assert_eq!(aot_status(&probe, &wasm), "miss");
    let cold = started.elapsed();

    for step in 1..=5u32 {
        let cache = dir.path().join(format!("cache-{step}"));
        let mut c = aot_run(&cache, &wasm);
        c.process_group(0);
        let child = c.spawn().unwrap();
        std::thread::sleep(cold * step / 6);
        // SAFETY: plain kill(2) of the child's own process group.
        unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
        let _ = child.wait_with_output();
        let left = aot_files(&cache);

        let status = aot_status(&cache, &wasm);
        assert!(
            status == "miss" || status == "hit",
            "after a kill at {step}/6 (left {left:?}): {status}"
        );
        assert_eq!(
            aot_status(&cache, &wasm),
            "hit",
            "after a kill at {step}/6 (left {left:?})"
        );
    }
}

/// A worker that dies halfway through writing the artifact leaves a partial file and no artifact;
/// the next run compiles and stores a whole one.
#[test]
fn a_worker_killed_mid_write_leaves_no_artifact_to_load() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = hello_wasm(dir.path());
    let cache = dir.path().join("cache");
    let mut c = aot_run(&cache, &wasm);
    c.env("GOWASM_FAULT", "abort-mid-store");
    let out = c.output().unwrap();
    assert_eq!(code(&out), 125, "{}", stderr(&out));
    let left = aot_files(&cache);
    assert!(
        left.iter().any(|n| n.starts_with(".partial-")),
        "a partial file: {left:?}"
    );
    assert!(!left.iter().any(|n| n.ends_with(".gwaot")), "{left:?}");
    assert_eq!(aot_status(&cache, &wasm), "miss");
    assert_eq!(aot_status(&cache, &wasm), "hit");
}

/// A truncated artifact (as a crash without the atomic rename would leave) is rejected, never run.
#[test]
fn a_truncated_artifact_is_recompiled() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = hello_wasm(dir.path());
    let cache = dir.path().join("cache");
    assert_eq!(aot_status(&cache, &wasm), "miss");
    let artifact = aot_files(&cache)
        .into_iter()
        .find(|n| n.ends_with(".gwaot"))
        .unwrap();
    let path = cache.join("aot").join(artifact);
    let bytes = std::fs::read(&path).unwrap();
    for keep in [0, 10, 100, bytes.len() / 2, bytes.len() - 1] {
        std::fs::write(&path, &bytes[..keep]).unwrap();
        let out = aot_run(&cache, &wasm).output().unwrap();
        assert_eq!(cache_status(&out), "rejected", "kept {keep} bytes");
        assert!(stderr(&out).contains("discarded cached artifact"));
        assert_eq!(
            std::fs::metadata(&path).unwrap().len(),
            bytes.len() as u64,
            "the recompiled artifact replaced the truncated one"
        );
    }
    assert_eq!(aot_status(&cache, &wasm), "hit");
}
