//! The edit-compile-run loop end to end: `gowasm watch --json` on a temporary copy of a sample,
//! with the real Go toolchain, edited the way an editor would.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::watch::*;
use common::*;

#[test]
fn an_edit_gives_exactly_one_rebuild_and_the_new_output() {
    let mut w = Watch::start("hello", &["--mode", "interp"]);
    let first = w.output_of(1, "interp");
    assert_eq!(first, as_wasm(&native_output(&w.dir)));

    w.edit("main.go", "Hello from Go", "Hi there from Go");
    let second = w.output_of(2, "interp");
    assert!(
        second.starts_with("Hi there from Go on wasip1/wasm!"),
        "{second}"
    );
    assert_eq!(second, as_wasm(&native_output(&w.dir)));
    // Nothing else follows: one edit, one job.
    w.settle(Duration::from_millis(1500));
    assert_eq!(w.count("job_started", 2), 0, "{:?}", w.seen.last());
    assert_eq!(w.count("build_started", 1), 1);
}

#[test]
fn a_compile_error_shows_where_keeps_the_last_good_and_a_fix_recovers() {
    let mut w = Watch::start("hello", &["--mode", "interp"]);
    let good = w.output_of(1, "interp");

    w.edit(
        "main.go",
        "\tfor i, arg",
        "\tundefinedThing()\n\tfor i, arg",
    );
    let (_, failed) = w.wait_for("failed build", MINUTE, |v| {
        v["event"] == "build_finished" && v["job"] == 2
    });
    assert_eq!(failed["success"], false);
    let d = &failed["diagnostics"][0];
    assert!(d["file"].as_str().unwrap().ends_with("/main.go"), "{d}");
    let source = std::fs::read_to_string(w.dir.join("main.go")).unwrap();
    let line = source
        .lines()
        .position(|l| l.contains("undefinedThing"))
        .unwrap()
        + 1;
    assert_eq!(d["line"], line as u64);
    assert_eq!(d["column"], 2);
    assert_eq!(d["message"], "undefined: undefinedThing");
    let (_, kept) = w.wait_for("kept last good", MINUTE, |v| v["event"] == "kept_last_good");
    assert_eq!(kept["last_good_job"], 1);
    w.wait_for("job end", MINUTE, |v| is(v, "job_finished", 2));
    assert_eq!(w.count("run_started", 1), 0, "a failed build runs nothing");

    w.edit("main.go", "\tundefinedThing()\n", "");
    let fixed = w.output_of(3, "interp");
    assert_eq!(fixed, good);
}

#[test]
fn a_change_cancels_the_run_in_flight_quickly() {
    let mut w = Watch::start("forever", &["--mode", "interp"]);
    w.wait_for("tick", MINUTE, |v| {
        v["event"] == "output" && v["bytes"].as_str().is_some_and(|b| b.contains("tick 3"))
    });
    w.edit("main.go", "tick %d", "tock %d");
    let (started, _) = w.wait_for("new job", MINUTE, |v| is(v, "job_started", 2));
    let (cancelled, v) = w.wait_for("cancelled run", MINUTE, |v| {
        v["event"] == "run_finished" && v["job"] == 1
    });
    assert_eq!(v["report"]["outcome"]["status"], "cancelled", "{v}");
    let latency = cancelled.saturating_duration_since(started);
    eprintln!("cancel latency: {latency:?}");
    assert!(
        latency < Duration::from_millis(200),
        "cancelling took {latency:?}"
    );
    w.wait_for("new output", MINUTE, |v| {
        v["event"] == "output"
            && v["job"] == 2
            && v["bytes"].as_str().is_some_and(|b| b.contains("tock 1"))
    });
}

#[test]
fn deleting_the_project_is_reported_and_survived() {
    let mut w = Watch::start("hello", &["--mode", "interp"]);
    w.output_of(1, "interp");
    let saved = tempfile::tempdir().unwrap();
    copy_dir(&w.dir, saved.path());
    std::fs::remove_dir_all(&w.dir).unwrap();
    w.wait_for("root gone", MINUTE, |v| {
        v["event"] == "watch" && v["change"]["watch"] == "root_gone"
    });
    std::thread::sleep(Duration::from_millis(500));
    assert!(w.alive(), "gowasm exited when the folder went away");
    copy_dir(saved.path(), &w.dir);
    w.wait_for("root back", MINUTE, |v| {
        v["event"] == "watch" && v["change"]["watch"] == "root_back"
    });
    let out = w.output_of(2, "interp");
    assert!(out.starts_with("Hello from Go"), "{out}");
}

#[test]
fn ctrl_c_stops_cleanly_even_during_a_run() {
    let project = tempfile::tempdir().unwrap();
    let dir = project.path().join("forever");
    copy_dir(&sample("forever"), &dir);
    let mut c = gowasm();
    c.args([
        "watch",
        "--headless",
        "--toolchain",
        "go",
        "--mode",
        "interp",
    ])
    .arg(&dir)
    .stdout(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let seen_tick = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|l| l.contains("| tick 2"));
    assert!(seen_tick);
    // SAFETY: sending SIGINT to the child we started.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "still running after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert_eq!(
        rest.last().map(String::as_str),
        Some("gowasm: stopped"),
        "{rest:?}"
    );
}

#[test]
fn a_save_after_a_quiet_spell_starts_its_job_without_waiting_for_the_grace() {
    // A grace far longer than the test takes: a job that waited for it would start after 20 s.
    let mut w = Watch::start("hello", &["--mode", "interp", "--grace", "20000"]);
    w.output_of(1, "interp");
    // Saved in place (written, then closed)…
    w.edit("main.go", "Hello from Go", "Hi there from Go");
    w.wait_for("job 2", Duration::from_secs(10), |v| {
        is(v, "job_started", 2)
    });
    let second = w.output_of(2, "interp");
    assert!(second.starts_with("Hi there from Go"), "{second}");
    // …or renamed into place, as editors that write a temporary file do (in a new watch: the
    // save above began a burst that lasts the whole grace).
    drop(w);
    let mut w = Watch::start("hello", &["--mode", "interp", "--grace", "20000"]);
    w.output_of(1, "interp");
    let path = w.dir.join("main.go");
    let text = std::fs::read_to_string(&path).unwrap();
    let temp = w.dir.join(".main.go.part");
    std::fs::write(
        &temp,
        text.replacen("Hello from Go", "Hello again from Go", 1),
    )
    .unwrap();
    std::fs::rename(&temp, &path).unwrap();
    w.wait_for("job 2", Duration::from_secs(10), |v| {
        is(v, "job_started", 2)
    });
    let renamed = w.output_of(2, "interp");
    assert!(renamed.starts_with("Hello again from Go"), "{renamed}");
}

#[test]
fn after_a_save_the_module_is_told_in_packages_and_what_changed() {
    let mut w = Watch::start("hello", &["--mode", "interp"]);
    let (_, first) = w.wait_for("first anatomy", MINUTE, |v| is(v, "module_anatomy", 1));
    let a = &first["anatomy"];
    assert_eq!(a["names_from"], "Go's pclntab", "{a}");
    assert!(
        a["changes"].is_null(),
        "nothing to compare the first build with"
    );
    let packages = a["packages"].as_array().unwrap();
    assert_eq!(packages[0]["package"], "runtime", "{a}");
    let main = packages.iter().find(|p| p["package"] == "main").unwrap();
    assert!(
        main["largest"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f[0] == "main.main"),
        "{main}"
    );

    w.edit("main.go", "\t\"fmt\"\n", "\t\"encoding/json\"\n\t\"fmt\"\n");
    w.edit(
        "main.go",
        "\tfor i, arg",
        "\tb, _ := json.Marshal(os.Args)\n\tfmt.Println(string(b))\n\tfor i, arg",
    );
    let (_, next) = w.wait_for("the new build's anatomy", MINUTE, |v| {
        v["event"] == "module_anatomy"
            && v["anatomy"]["packages"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["package"] == "encoding/json"))
    });
    let changes = &next["anatomy"]["changes"];
    let packages = changes["packages"].as_array().unwrap();
    let json = packages
        .iter()
        .find(|p| p["name"] == "encoding/json")
        .unwrap_or_else(|| panic!("{changes}"));
    assert_eq!(json["change"], "new");
    // From Go 1.27 on encoding/json is a layer over encoding/json/v2 and jsontext, new with it.
    let family: i64 = packages
        .iter()
        .filter(|p| {
            let name = p["name"].as_str().unwrap();
            (name == "encoding/json" || name.starts_with("encoding/json/")) && p["change"] == "new"
        })
        .map(|p| p["delta"].as_i64().unwrap())
        .sum();
    assert!(family > 50_000, "{changes}");
}
