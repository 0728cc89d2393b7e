//! A burst of saves is one rebuild (or two), in a test binary of its own.

mod common;

use std::time::Duration;

use common::watch::*;

#[test]
fn fifty_saves_in_a_second_give_one_or_two_builds_and_the_final_output() {
    // Its own test binary, so no sibling test loads the CPU while the saves are timed; and the
    // top of the 50–100 ms grace, so a scheduling hiccup does not split the burst.
    let mut w = Watch::start("hello", &["--mode", "interp", "--grace", "100"]);
    w.output_of(1, "interp");
    for i in 1..=50 {
        let path = w.dir.join("main.go");
        let text = std::fs::read_to_string(&path).unwrap();
        let start = text.find("Hello from Go").unwrap();
        let end = start + text[start..].find(" on ").unwrap();
        std::fs::write(
            &path,
            format!("{}Hello from Go {i}{}", &text[..start], &text[end..]),
        )
        .unwrap();
        std::thread::sleep(Duration::from_millis(18));
    }
    // Wait until the loop is quiet, then look at the last job.
    w.settle(Duration::from_millis(1500));
    let last = w
        .seen
        .iter()
        .filter(|(_, v)| v["event"] == "job_started")
        .filter_map(|(_, v)| v["job"].as_u64())
        .max()
        .unwrap();
    let final_output = w.output_of(last, "interp");
    let builds = w.count("build_started", 1);
    assert!(
        (1..=2).contains(&builds),
        "{builds} builds for one burst of saves"
    );
    assert!(
        final_output.starts_with("Hello from Go 50 on"),
        "{final_output}"
    );
    assert_eq!(final_output, as_wasm(&native_output(&w.dir)));
}
