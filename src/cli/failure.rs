//! How a subcommand stops short. Each subcommand's `run` returns a [`Finished`] and uses `?`;
//! [`Failure::report`] prints gowasm's one line and chooses the exit code, here and only here,
//! as wasmtime's commands return an error to its `main`.

use std::fmt::Display;
use std::process::ExitCode;

use super::exit;
use super::source::SourceError;
use crate::build::BuildOutcome;

/// What a subcommand ends with: the exit code of a run that happened (the guest's own), or why
/// it stopped short.
pub type Finished = Result<ExitCode, Failure>;

#[derive(Debug)]
pub enum Failure {
    /// Bad input: usage, a missing or refused file, a call that does not fit. Exit code 2.
    BadInput(String),
    /// The build failed: its log as the compiler printed it, then gowasm's line. Exit code 2.
    Build(Box<BuildOutcome>),
    /// gowasm itself failed (its worker could not start). Exit code 125.
    Internal(String),
}

impl Failure {
    /// Says why, on stderr, and gives the exit code.
    pub fn report(self) -> ExitCode {
        match self {
            Failure::BadInput(message) => {
                eprintln!("gowasm: error: {message}");
                ExitCode::from(exit::BAD_INPUT)
            }
            Failure::Build(outcome) => {
                print_build_failure(&outcome);
                ExitCode::from(exit::BAD_INPUT)
            }
            Failure::Internal(message) => {
                eprintln!("gowasm: error: {message}");
                ExitCode::from(exit::INTERNAL)
            }
        }
    }
}

/// Bad input, from anything that says what went wrong in one line.
pub fn bad(message: impl Display) -> Failure {
    Failure::BadInput(message.to_string())
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure::BadInput(message)
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Failure {
        Failure::BadInput(message.to_string())
    }
}

impl From<SourceError> for Failure {
    fn from(e: SourceError) -> Failure {
        match e {
            SourceError::BuildFailed(outcome) => Failure::Build(outcome),
            e => bad(e),
        }
    }
}

/// The guest's exit code as the process's (a code outside 0–255 is clamped, as a shell would
/// not see it either).
pub fn guest_exit(code: i32) -> ExitCode {
    ExitCode::from(code.clamp(0, 255) as u8)
}

/// gowasm's own executable, which runs each job in a worker.
pub fn own_exe() -> Result<std::path::PathBuf, Failure> {
    std::env::current_exe()
        .map_err(|e| Failure::Internal(format!("cannot find gowasm's own executable: {e}")))
}

/// A failed build printed the way the compiler printed it, plus gowasm's summary line.
pub fn print_build_failure(outcome: &BuildOutcome) {
    eprint!("{}", outcome.log);
    if !outcome.log.ends_with('\n') && !outcome.log.is_empty() {
        eprintln!();
    }
    let n = outcome.diagnostics.len();
    eprintln!(
        "gowasm: error: build failed ({n} error{}): {}",
        if n == 1 { "" } else { "s" },
        outcome.command.join(" ")
    );
}
