//! The edit loop as a library: a `Pipeline` on a copy of a sample, with the real Go toolchain.

mod common;

use std::sync::mpsc;
use std::time::Duration;

use common::*;
use gowasm::engine::{Mode, RunConfig, Stream};
use gowasm::pipeline::{Event, Pipeline, PipelineOptions, RunSettings, Source};

/// What job `job` ran: its modes and its first mode's stdout.
fn job_runs(rx: &mpsc::Receiver<Event>, job: u64) -> (Vec<Mode>, String) {
    let (mut modes, mut stdout) = (vec![], String::new());
    loop {
        match rx
            .recv_timeout(Duration::from_secs(120))
            .expect("the job ends")
        {
            Event::RunStarted { job: j, mode } if j == job => modes.push(mode),
            Event::Output {
                job: j,
                stream: Stream::Stdout,
                bytes,
                mode,
            } if j == job && Some(&mode) == modes.first() => {
                stdout.push_str(&String::from_utf8_lossy(&bytes))
            }
            Event::JobFinished { job: j, .. } if j == job => return (modes, stdout),
            Event::JobStarted { job: j, .. } => assert!(j <= job, "job {j} before {job} ended"),
            _ => {}
        }
    }
}

#[test]
fn reconfiguring_keeps_the_job_counter_and_runs_with_the_new_settings() {
    let project = tempfile::tempdir().unwrap();
    let dir = project.path().join("hello");
    common::watch::copy_dir(&sample("hello"), &dir);
    let (tx, rx) = mpsc::channel();
    let options = PipelineOptions {
        source: Source::Project(dir),
        build: gowasm::build::BuildRequest {
            compiler: Some(gowasm::build::Compiler::Go),
            ..Default::default()
        },
        settings: RunSettings {
            modes: vec![Mode::Interp],
            run: RunConfig {
                cache_dir: Some(shared_cache().join("aot")),
                ..RunConfig::default()
            },
            compare_toolchains: false,
        },
        timeout: None,
        exe: env!("CARGO_BIN_EXE_gowasm").into(),
        cache_root: shared_cache().to_path_buf(),
        grace: gowasm::watch::DEFAULT_GRACE,
        first_job: 0,
    };
    let options_settings = options.settings.clone();
    let pipeline = Pipeline::start(options, move |e| {
        let _ = tx.send(e);
    })
    .expect("the pipeline starts");
    let (modes, out) = job_runs(&rx, 1);
    assert_eq!(modes, [Mode::Interp]);
    assert!(!out.contains("arg 1"), "{out}");

    let mut settings = options_settings.clone();
    settings.modes = vec![Mode::Baseline, Mode::Aot];
    settings.run.args = vec!["two words".into()];
    pipeline.reconfigure(settings);
    let (modes, out) = job_runs(&rx, 2);
    assert_eq!(
        modes,
        [Mode::Baseline, Mode::Aot],
        "job 2, not a job 1 again"
    );
    assert!(out.contains("arg 1: two words"), "{out}");
    pipeline.shutdown();
}
