//! `gowasm image` read back by real tools from Debian's packages (skopeo, umoci), which
//! `scripts/setup` installs: the annotation, entrypoint and platform are where they look, the
//! module comes back byte for byte and runs, and the same input gives the same bytes.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed (scripts/setup installs it): {e}"));
    assert!(
        out.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn image(input: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut c = gowasm();
    c.arg("image")
        .arg(input)
        .arg("-o")
        .arg(out)
        .args(["--toolchain", "go"])
        .args(extra);
    run(c)
}

/// gowasm said no: exit 2, with `why` on stderr.
fn refused(o: &std::process::Output, why: &str) {
    assert_eq!(code(o), 2, "{}", stderr(o));
    assert!(stderr(o).contains(why), "{}", stderr(o));
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn an_oci_archive_that_skopeo_reads_and_umoci_unpacks_to_the_same_module() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = build_wasm(&sample("hello"), dir.path());
    let archive = dir.path().join("hello.tar");
    let out = image(&wasm, &archive, &["--name", "team/hello:v1"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), archive.display().to_string());

    let at = format!("oci-archive:{}", archive.display());
    let config = json(&tool("skopeo", &["inspect", "--config", &at]));
    assert_eq!(
        config["config"]["Entrypoint"],
        serde_json::json!(["/module.wasm"])
    );
    assert_eq!(
        (config["os"].as_str(), config["architecture"].as_str()),
        (Some("wasi"), Some("wasm"))
    );
    let manifest = json(&tool("skopeo", &["inspect", "--raw", &at]));
    assert_eq!(
        manifest["annotations"]["module.wasm.image/variant"],
        "compat-smart"
    );
    assert!(
        manifest["annotations"]["org.opencontainers.image.created"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert_eq!(manifest["layers"].as_array().unwrap().len(), 1);

    // skopeo copies it into an OCI layout; umoci unpacks the layer from there.
    let layout = dir.path().join("layout");
    tool(
        "skopeo",
        &["copy", &at, &format!("oci:{}:v1", layout.display())],
    );
    let rootfs = dir.path().join("rootfs");
    tool(
        "umoci",
        &[
            "raw",
            "unpack",
            "--rootless",
            "--image",
            &format!("{}:v1", layout.display()),
            &rootfs.display().to_string(),
        ],
    );
    let entries: Vec<_> = std::fs::read_dir(&rootfs).unwrap().collect();
    assert_eq!(entries.len(), 1, "the layer holds the module alone");
    let unpacked = rootfs.join("module.wasm");
    assert_eq!(
        std::fs::read(&unpacked).unwrap(),
        std::fs::read(&wasm).unwrap()
    );
    let mut c = gowasm();
    c.args(["run", "-q"])
        .arg(&unpacked)
        .args(["--", "from", "the image"]);
    let ran = run(c);
    assert_eq!(code(&ran), 0, "{}", stderr(&ran));
    assert!(
        stdout(&ran).contains("Hello from Go on wasip1/wasm!"),
        "{}",
        stdout(&ran)
    );
}

#[test]
fn a_go_folder_is_built_first_and_every_format_is_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    for (format, name, check) in [
        ("oci-archive", "a.tar", "oci-archive"),
        ("docker-archive", "d.tar", "docker-archive"),
        ("oci-dir", "layout", "oci"),
    ] {
        let first = dir.path().join(format!("1-{name}"));
        let second = dir.path().join(format!("2-{name}"));
        for out in [&first, &second] {
            let o = image(&sample("hello"), out, &["--format", format]);
            assert_eq!(code(&o), 0, "{format}: {}", stderr(&o));
        }
        if format == "oci-dir" {
            for file in ["index.json", "oci-layout"] {
                assert_eq!(
                    std::fs::read(first.join(file)).unwrap(),
                    std::fs::read(second.join(file)).unwrap()
                );
            }
            let blobs = |d: &Path| {
                let mut v: Vec<_> = std::fs::read_dir(d.join("blobs/sha256"))
                    .unwrap()
                    .map(|e| e.unwrap().file_name())
                    .collect();
                v.sort();
                v
            };
            assert_eq!(blobs(&first), blobs(&second));
            let at = format!("oci:{}:latest", first.display());
            let config = json(&tool("skopeo", &["inspect", "--config", &at]));
            assert_eq!(
                config["config"]["Entrypoint"],
                serde_json::json!(["/hello.wasm"])
            );
        } else {
            assert_eq!(
                std::fs::read(&first).unwrap(),
                std::fs::read(&second).unwrap(),
                "{format} is byte-identical"
            );
            let at = format!("{check}:{}", first.display());
            let inspected = json(&tool("skopeo", &["inspect", &at]));
            assert_eq!(inspected["Os"], "wasi", "{format}");
            assert_eq!(inspected["Architecture"], "wasm", "{format}");
            assert_eq!(
                inspected["Labels"]["module.wasm.image/variant"], "compat-smart",
                "{format}"
            );
        }
    }
}

#[test]
fn the_containerfile_names_the_module_and_the_buildah_command() {
    let dir = tempfile::tempdir().unwrap();
    let (_d, wasm) = fixture("exit_code");
    let out_path = dir.path().join("img.tar");
    let out = image(&wasm, &out_path, &["--containerfile", "--name", "exit"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("img.tar.Containerfile")).unwrap();
    assert!(text.contains("buildah build --platform wasi/wasm --annotation module.wasm.image/variant=compat-smart -t exit:latest"), "{text}");
    assert!(
        text.ends_with(
            "\nFROM scratch\nLABEL module.wasm.image/variant=compat-smart\nCOPY [\"exit_code.wasm\",\"/exit-code.wasm\"]\nENTRYPOINT [\"/exit-code.wasm\"]\n"
        ),
        "{text}"
    );
    assert!(stderr(&out).contains("buildah build"), "{}", stderr(&out));
}

#[test]
fn bad_input_writes_nothing_and_says_why_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("out.tar");

    let not_wasm = dir.path().join("notes.wasm");
    std::fs::write(&not_wasm, "just text").unwrap();
    let o = image(&not_wasm, &out_path, &[]);
    refused(&o, "not a WebAssembly file");
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));

    let broken = dir.path().join("broken");
    std::fs::create_dir(&broken).unwrap();
    std::fs::write(broken.join("go.mod"), "module broken\n\ngo 1.21\n").unwrap();
    std::fs::write(
        broken.join("main.go"),
        "package main\n\nfunc main() { undefined() }\n",
    )
    .unwrap();
    let o = image(&broken, &out_path, &[]);
    refused(&o, "undefined: undefined");

    // A module that needs a JavaScript host would not run under crun.
    let (_t, tinygo_js) = fixture("tinygo_wasm");
    let o = image(&tinygo_js, &out_path, &[]);
    refused(&o, "build with --target wasip1");

    let (_d, wasm) = fixture("exit_code");
    let o = image(&wasm, &out_path, &["--name", "Not Valid"]);
    refused(&o, "is not an image name");

    // None of that left a file behind.
    let left = names_in(dir.path());
    assert_eq!(left.len(), 2, "only the inputs: {left:?}");

    // A file that is not an image gowasm wrote is never replaced: not a text file, not a
    // user's tar archive, not someone else's OCI layout.
    let precious = dir.path().join("main.go.tar");
    std::fs::write(&precious, "my work").unwrap();
    let backup = dir.path().join("backup.tar");
    let status = Command::new("tar")
        .arg("-cf")
        .arg(&backup)
        .arg("-C")
        .arg(dir.path())
        .arg("main.go.tar")
        .status()
        .unwrap();
    assert!(status.success());
    let backup_bytes = std::fs::read(&backup).unwrap();
    let layout = dir.path().join("their-layout");
    std::fs::create_dir(&layout).unwrap();
    std::fs::write(
        layout.join("oci-layout"),
        r#"{"imageLayoutVersion":"1.0.0"}"#,
    )
    .unwrap();
    std::fs::write(
        layout.join("index.json"),
        r#"{"schemaVersion":2,"manifests":[]}"#,
    )
    .unwrap();
    for (target, format) in [
        (&precious, "oci-archive"),
        (&backup, "docker-archive"),
        (&layout, "oci-dir"),
    ] {
        let o = image(&wasm, target, &["--format", format]);
        refused(&o, "is not an image archive");
    }
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "my work");
    assert_eq!(std::fs::read(&backup).unwrap(), backup_bytes);
    assert!(layout.join("index.json").is_file());
    // An earlier image is, in both shapes.
    let o = image(&wasm, &out_path, &[]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = image(&wasm, &out_path, &["--name", "again"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let ours = dir.path().join("ours");
    for name in ["first", "second"] {
        let o = image(&wasm, &ours, &["--format", "oci-dir", "--name", name]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    let index = std::fs::read_to_string(ours.join("index.json")).unwrap();
    assert!(index.contains("docker.io/library/second:latest"), "{index}");
    let strays: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".gowasm"))
        .collect();
    assert!(strays.is_empty(), "no temporary folders left: {strays:?}");
}
