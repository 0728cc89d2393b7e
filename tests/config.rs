//! Settings files: a project's `gowasm.toml` (and the user's, via `GOWASM_CONFIG`) fill what the
//! command line leaves unset, with the real binary and the real Go toolchain.

mod common;

use common::*;

/// hello with a gowasm.toml beside its go.mod.
fn hello_with(settings: &str) -> tempfile::TempDir {
    let project = tempfile::tempdir().unwrap();
    common::watch::copy_dir(&sample("hello"), project.path());
    std::fs::write(project.path().join("gowasm.toml"), settings).unwrap();
    project
}

#[test]
fn a_project_s_settings_fill_what_the_command_line_leaves_unset() {
    let p = hello_with(
        "toolchain = \"go\"\nargs = [\"from the file\", \"two\"]\nenv = [\"GREETING=hi\"]\nmodes = [\"baseline\"]\n",
    );
    let mut c = gowasm();
    c.args(["run", "-q", "--mode", "interp"]).arg(p.path());
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("arg 1: from the file"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("arg 2: two"), "{}", stdout(&out));

    // The command line wins.
    let mut c = gowasm();
    c.args(["run", "-q", "--mode", "interp"])
        .arg(p.path())
        .arg("mine");
    let out = run(c);
    assert!(stdout(&out).contains("arg 1: mine"), "{}", stdout(&out));
    assert!(!stdout(&out).contains("from the file"), "{}", stdout(&out));

    // `watch` takes its modes from the file.
    let mut c = gowasm();
    c.args(["watch", "--headless", "--json"]).arg(p.path());
    let mut child = c.stdout(std::process::Stdio::piped()).spawn().unwrap();
    let reader = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut modes = vec![];
    for line in std::io::BufRead::lines(reader) {
        let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        if v["event"] == "run_started" {
            modes.push(v["mode"].as_str().unwrap().to_string());
        }
        if v["event"] == "job_finished" {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(modes, ["baseline"]);

    // `gowasm config` says where each setting came from.
    let mut c = gowasm();
    c.args(["config", "--json"]).arg(p.path());
    let out = run(c);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = |name: &str| {
        doc["settings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap()
            .clone()
    };
    assert!(
        row("modes")["from"]
            .as_str()
            .unwrap()
            .ends_with("gowasm.toml")
    );
    assert_eq!(row("target")["from"], "default");
}

#[test]
fn the_user_s_file_is_under_the_project_s_and_bad_files_are_one_line() {
    let user = tempfile::tempdir().unwrap();
    let user_file = user.path().join("config.toml");
    std::fs::write(&user_file, "args = [\"user\"]\nenv = [\"A=1\"]\n").unwrap();
    let p = hello_with("toolchain = \"go\"\nargs = [\"project\"]\n");
    let mut c = gowasm();
    c.env("GOWASM_CONFIG", &user_file)
        .args(["config", "--json"])
        .arg(p.path());
    let doc: serde_json::Value = serde_json::from_slice(&run(c).stdout).unwrap();
    let settings = doc["settings"].as_array().unwrap();
    let args = settings.iter().find(|r| r["name"] == "args").unwrap();
    assert_eq!(args["value"], "[\"project\"]");
    let env = settings.iter().find(|r| r["name"] == "env").unwrap();
    assert_eq!(env["from"], user_file.display().to_string());

    std::fs::write(
        p.path().join("gowasm.toml"),
        "modes = \"interp\"\nmodse = 1\n",
    )
    .unwrap();
    let mut c = gowasm();
    c.args(["run"]).arg(p.path());
    let out = run(c);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("gowasm.toml:2:") && err.contains("modse"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");

    std::fs::write(p.path().join("gowasm.toml"), "[keys]\nrebuild = [\"q\"]\n").unwrap();
    let mut c = gowasm();
    c.args(["config"]).arg(p.path());
    let out = run(c);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("both quit and rebuild"),
        "{}",
        stderr(&out)
    );
}
