//! `gowasm run --browser`: the run in a headless Chromium ([`crate::serve::browser_run`]),
//! its output passed through as a run's is, its exit code gowasm's.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use super::failure::{Failure, Finished, guest_exit};
use crate::engine::{RunConfig, human_duration};
use crate::serve::PageEvent;
use crate::serve::browser_run::{BrowserOutcome, run_in_browser};

pub fn run(module: &Path, config: &RunConfig, timeout: Option<Duration>) -> Finished {
    let outcome = run_in_browser(
        module,
        &config.args,
        &config.env,
        timeout,
        |event| match event {
            PageEvent::Stdout { text } => {
                print!("{text}");
                let _ = std::io::stdout().flush();
            }
            PageEvent::Stderr { text } => eprint!("{text}"),
            PageEvent::Console { level, text } => eprintln!("browser console.{level}: {text}"),
            PageEvent::Load { .. } | PageEvent::Error { .. } | PageEvent::Exit { .. } => {}
        },
    )
    .map_err(Failure::BadInput)?;
    match outcome {
        BrowserOutcome::Exited(code) => Ok(guest_exit(code)),
        // As node fails on an uncaught error: the error, and exit code 1.
        BrowserOutcome::Failed(text) => {
            eprintln!("gowasm: the page failed: {text}");
            Ok(ExitCode::from(1))
        }
        BrowserOutcome::TimedOut(after) => {
            eprintln!("gowasm: timed out after {}", human_duration(after));
            Ok(ExitCode::from(super::exit::TIMED_OUT))
        }
    }
}
