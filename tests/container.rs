//! `gowasm image` run for real: the image's layer and configuration made into an OCI bundle, the
//! way podman and containerd make one, and run by crun with its wasmtime handler
//! (`scripts/install-crun`, which `scripts/setup` runs).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// crun with its Wasm handler: `$GOWASM_CRUN_PREFIX` or /opt/crun-wasm.
fn crun_bin() -> PathBuf {
    let prefix =
        std::env::var_os("GOWASM_CRUN_PREFIX").map_or("/opt/crun-wasm".into(), PathBuf::from);
    let bin = prefix.join("bin");
    assert!(
        bin.join("crun-wasm").is_file(),
        "the container tests need crun with its wasmtime handler in {}: run scripts/install-crun (scripts/setup does)",
        prefix.display()
    );
    bin
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn blob(layout: &Path, digest: &str) -> PathBuf {
    layout
        .join("blobs/sha256")
        .join(digest.trim_start_matches("sha256:"))
}

/// An OCI bundle from an `oci-dir` image, made as a container engine makes one: the layer
/// unpacked into rootfs/, process.args from the entrypoint and `args`, cwd and env from the
/// image config, the manifest's annotations on the container.
fn bundle(layout: &Path, args: &[&str], at: &Path) -> serde_json::Value {
    let index = json(&layout.join("index.json"));
    let manifest = json(&blob(
        layout,
        index["manifests"][0]["digest"].as_str().unwrap(),
    ));
    let config = json(&blob(
        layout,
        manifest["config"]["digest"].as_str().unwrap(),
    ));
    let rootfs = at.join("rootfs");
    std::fs::create_dir_all(&rootfs).unwrap();
    for layer in manifest["layers"].as_array().unwrap() {
        let file = std::fs::File::open(blob(layout, layer["digest"].as_str().unwrap())).unwrap();
        tar::Archive::new(flate2::read::GzDecoder::new(file))
            .unpack(&rootfs)
            .unwrap();
    }
    let status = Command::new(crun_bin().join("crun-wasm"))
        .arg("spec")
        .current_dir(at)
        .status()
        .unwrap();
    assert!(status.success());
    let mut spec = json(&at.join("config.json"));
    let c = &config["config"];
    let mut process_args: Vec<serde_json::Value> = c["Entrypoint"].as_array().unwrap().clone();
    process_args.extend(args.iter().map(|a| serde_json::json!(a)));
    spec["process"]["args"] = serde_json::json!(process_args);
    spec["process"]["terminal"] = serde_json::json!(false);
    spec["process"]["cwd"] = serde_json::json!(c["WorkingDir"].as_str().unwrap_or("/"));
    if let Some(env) = c["Env"].as_array() {
        spec["process"]["env"] = serde_json::json!(env);
    }
    spec["annotations"] = manifest["annotations"].clone();
    std::fs::write(at.join("config.json"), spec.to_string()).unwrap();
    config
}

/// `crun run` of the bundle: (stdout, stderr, status).
fn crun_run(bundle: &Path, id: &str) -> (String, String, i32) {
    let bin = crun_bin();
    let _ = Command::new(bin.join("crun-wasm"))
        .args(["delete", "-f", id])
        .output();
    let out = Command::new(bin.join("in-private-cgroupns"))
        .arg(bin.join("crun-wasm"))
        .args(["--cgroup-manager=disabled", "run", "--bundle"])
        .arg(bundle)
        .arg(id)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let _ = Command::new(bin.join("crun-wasm"))
        .args(["delete", "-f", id])
        .output();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn image(project: &Path, out: &Path, extra: &[&str]) {
    let mut c = gowasm();
    c.args(["image", "--toolchain", "go", "--format", "oci-dir", "-o"])
        .arg(out)
        .args(extra)
        .arg(project);
    let o = run(c);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn crun_runs_the_image_as_it_is_with_its_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("hello");
    image(&sample("hello"), &layout, &[]);
    let at = dir.path().join("bundle");
    let config = bundle(&layout, &["from the container", "two words"], &at);
    // Runnable without edits: the entrypoint is the module, at the root, and nothing else is set.
    assert_eq!(
        config["config"]["Entrypoint"],
        serde_json::json!(["/hello.wasm"])
    );
    assert!(at.join("rootfs/hello.wasm").is_file());
    assert!(config["config"]["WorkingDir"].is_null() && config["config"]["Env"].is_null());
    let (out, err, status) = crun_run(&at, &format!("gowasm-test-{}", std::process::id()));
    assert!(out.contains("Hello from Go on wasip1/wasm!"), "{out}{err}");
    assert!(out.contains("arg 1: from the container"), "{out}");
    assert!(out.contains("arg 2: two words"), "{out}");
    // crun 1.27's wasmtime handler: proc_exit(0) is "an error calling the default export".
    assert_eq!(
        status, 1,
        "crun's handler fixed? then --exit-return can go: {err}"
    );
    assert!(err.contains("Exited with i32 exit status 0"), "{err}");
}

#[test]
fn with_exit_return_a_go_container_exits_0_on_success_and_1_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("hello");
    image(&sample("hello"), &layout, &["--exit-return"]);
    let at = dir.path().join("bundle");
    bundle(&layout, &["x"], &at);
    let (out, err, status) = crun_run(&at, &format!("gowasm-test-ok-{}", std::process::id()));
    assert!(out.contains("arg 1: x"), "{out}{err}");
    assert_eq!(status, 0, "{err}");

    // Exit 3: still proc_exit, which crun's handler reports as 1 (gowasm itself gives 3).
    let project = go_program(
        "three",
        "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc main() {\n\tfmt.Println(\"leaving with 3\")\n\tos.Exit(3)\n}\n",
    );
    let layout = dir.path().join("three");
    image(project.path(), &layout, &["--exit-return"]);
    let at = dir.path().join("bundle3");
    bundle(&layout, &[], &at);
    let (out, err, status) = crun_run(&at, &format!("gowasm-test-3-{}", std::process::id()));
    assert!(out.contains("leaving with 3"), "{out}{err}");
    assert_eq!(status, 1, "{err}");
    let module = std::fs::read_dir(at.join("rootfs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "wasm"))
        .unwrap();
    let mut c = gowasm();
    c.args(["run", "-q"]).arg(&module);
    assert_eq!(
        code(&run(c)),
        3,
        "the rewritten module keeps its exit code elsewhere"
    );
    let mut c = gowasm();
    c.args(["run", "-q"])
        .arg(at.parent().unwrap().join("bundle/rootfs/hello.wasm"));
    assert_eq!(code(&run(c)), 0);
}

#[test]
fn exit_return_refuses_what_is_not_go() {
    let dir = tempfile::tempdir().unwrap();
    let wat = dir.path().join("m.wat");
    std::fs::write(
        &wat,
        "(module (func (export \"_start\")) (memory (export \"memory\") 1))",
    )
    .unwrap();
    let mut c = gowasm();
    c.args(["image", "--exit-return", "-o"])
        .arg(dir.path().join("m.tar"))
        .arg(&wat);
    let o = run(c);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("--exit-return needs a Go wasip1 module"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("m.tar").exists());
}

/// podman with its own storage under `root`, this crun, and limits it may set here (podman raises
/// RLIMIT_NOFILE and RLIMIT_NPROC by default, which a container host like this one refuses).
fn podman(root: &Path) -> Command {
    let bin = crun_bin();
    let mut c = Command::new(bin.join("in-private-cgroupns"));
    c.arg("podman")
        .arg("--root")
        .arg(root.join("storage"))
        .arg("--runroot")
        .arg(root.join("run"))
        .args([
            "--storage-driver",
            "vfs",
            "--cgroup-manager=cgroupfs",
            "--events-backend=file",
            "--runtime",
        ])
        .arg(bin.join("crun-wasm"));
    c
}

#[test]
fn podman_loads_the_docker_archive_and_runs_it_in_crun() {
    assert!(
        Command::new("podman").arg("--version").output().is_ok(),
        "the container tests need podman (scripts/setup installs it)"
    );
    let dir = tempfile::tempdir().unwrap();
    for (exit_return, status) in [(false, 1), (true, 0)] {
        let archive = dir.path().join(format!("hello-{exit_return}.tar"));
        let name = format!("localhost/gowasm-test-{exit_return}:latest");
        let mut extra = vec!["--name", &name];
        if exit_return {
            extra.push("--exit-return");
        }
        let mut c = gowasm();
        c.args([
            "image",
            "--toolchain",
            "go",
            "--format",
            "docker-archive",
            "-o",
        ])
        .arg(&archive)
        .args(&extra)
        .arg(sample("hello"));
        let o = run(c);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let load = podman(dir.path())
            .arg("load")
            .arg("-i")
            .arg(&archive)
            .output()
            .unwrap();
        assert!(
            load.status.success(),
            "{}",
            String::from_utf8_lossy(&load.stderr)
        );
        let out = podman(dir.path())
            .args([
                "run",
                "--rm",
                "--ulimit",
                "nofile=1024:1024",
                "--ulimit",
                "nproc=1024:1024",
            ])
            .args(["--platform", "wasi/wasm", &name, "from podman"])
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(text.contains("arg 1: from podman"), "{text}{err}");
        assert_eq!(
            out.status.code(),
            Some(status),
            "--exit-return {exit_return}: {err}"
        );
    }
}

/// A containerd of the test's own (socket, root and state under `dir`), in a private cgroup
/// namespace like crun; stopped when dropped.
struct Containerd {
    daemon: std::process::Child,
    socket: PathBuf,
}

impl Containerd {
    fn start(dir: &Path) -> Containerd {
        let socket = dir.join("containerd.sock");
        let config = dir.join("config.toml");
        std::fs::write(
            &config,
            format!(
                "version = 2\nroot = \"{}\"\nstate = \"{}\"\n[grpc]\n  address = \"{}\"\n",
                dir.join("root").display(),
                dir.join("state").display(),
                socket.display()
            ),
        )
        .unwrap();
        let log = std::fs::File::create(dir.join("containerd.log")).unwrap();
        let daemon = Command::new(crun_bin().join("in-private-cgroupns"))
            .args(["containerd", "--config"])
            .arg(&config)
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("the container tests need containerd (scripts/setup installs it)");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while !socket.exists() {
            assert!(
                std::time::Instant::now() < deadline,
                "containerd did not start"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Containerd { daemon, socket }
    }

    fn ctr(&self) -> Command {
        let mut c = Command::new("ctr");
        c.arg("-a").arg(&self.socket);
        c
    }
}

impl Drop for Containerd {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

#[test]
fn containerd_imports_the_oci_archive_and_ctr_runs_it_in_crun() {
    let dir = tempfile::tempdir().unwrap();
    let containerd = Containerd::start(dir.path());
    for (exit_return, status) in [(false, 1), (true, 0)] {
        let archive = dir.path().join(format!("hello-{exit_return}.tar"));
        let name = format!("gowasm-test-{exit_return}:latest");
        let mut extra = vec!["--name", &name];
        if exit_return {
            extra.push("--exit-return");
        }
        let mut c = gowasm();
        c.args(["image", "--toolchain", "go", "-o"])
            .arg(&archive)
            .args(&extra)
            .arg(sample("hello"));
        let o = run(c);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let import = containerd
            .ctr()
            .args(["image", "import", "--all-platforms"])
            .arg(&archive)
            .output()
            .unwrap();
        assert!(
            import.status.success(),
            "{}",
            String::from_utf8_lossy(&import.stderr)
        );
        let out = containerd
            .ctr()
            .args([
                "run",
                "--rm",
                "--runtime",
                "io.containerd.runc.v2",
                "--runc-binary",
            ])
            .arg(crun_bin().join("crun-wasm"))
            .args(["--annotation", "module.wasm.image/variant=compat-smart"])
            .args(["--platform", "wasi/wasm"])
            .arg(format!("docker.io/library/{name}"))
            .arg(format!("ctr-{exit_return}-{}", std::process::id()))
            .args(["/hello.wasm", "from ctr"])
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(text.contains("arg 1: from ctr"), "{text}{err}");
        assert_eq!(
            out.status.code(),
            Some(status),
            "--exit-return {exit_return}: {err}"
        );
    }
}
