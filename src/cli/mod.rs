//! The command line: one file per subcommand, each an `Args` struct whose `run` returns a
//! [`failure::Finished`]; the exit code is chosen once, in [`main`].

mod bench;
mod bench_calls;
mod browser_run;
mod build;
mod capture;
mod failure;
mod format;
mod go_exec;
mod guest;
mod image;
mod inspect;
mod inspect_retained;
mod mode_run;
mod run;
mod serve;
mod settings;
mod source;
mod toolchains;
mod watch;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use failure::{Failure, Finished};

/// gowasm's own exit codes; a guest's exit code is passed through as is.
pub mod exit {
    /// Bad input: usage, missing or invalid file, refused module, failed build.
    pub const BAD_INPUT: u8 = 2;
    /// The guest ran past `--timeout`.
    pub const TIMED_OUT: u8 = 124;
    /// gowasm itself failed (the worker process died, could not start).
    pub const INTERNAL: u8 = 125;
    /// The guest trapped (as wasmtime reports it: 128 + SIGABRT).
    pub const TRAP: u8 = 134;
}

#[derive(Debug, Parser)]
#[command(
    name = "gowasm",
    version,
    about = "Build Go programs to WebAssembly, run them interpreted or AOT-compiled, and inspect them",
    after_help = "Exit codes: the guest's own; 2 bad input or failed build; 124 timed out; 125 gowasm failed; 134 trap."
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// With no subcommand: open the workbench on this Go project (or .wasm file)
    #[command(flatten)]
    pub workbench: watch::WatchArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a .wasm file, or build a Go project folder and run it
    Run(run::RunArgs),
    /// Build a Go project folder to wasm
    Build(build::BuildArgs),
    /// Time every mode (and native Go, and other runtimes) over repeated, interleaved runs
    Bench(bench::BenchArgs),
    /// Show a module's sections, imports, exports and largest functions; its Go packages,
    /// files and retained sizes; what changed since another build
    Inspect(inspect::InspectArgs),
    /// Package the module as an OCI image (FROM scratch, wasi/wasm) for containerd and crun
    Image(image::ImageArgs),
    /// Rebuild and rerun a Go project (or rerun a .wasm file) on every change
    Watch(watch::WatchArgs),
    /// Serve a browser program's last good build on 127.0.0.1, reload its pages on every
    /// save, and print what they say
    Serve(serve::ServeArgs),
    /// Link go_wasip1_wasm_exec and go_js_wasm_exec to gowasm, so `go test` and `go run` for
    /// wasm run under it from PATH alone
    InstallExec(go_exec::InstallExecArgs),
    /// Print the settings in force (gowasm.toml, ~/.config/gowasm/config.toml) and where each
    /// came from
    Config(settings::ConfigArgs),
    /// Internal: run one job in a worker process
    #[command(name = "__worker", hide = true)]
    Worker { job: std::path::PathBuf },
}

/// Parses the command line and runs it.
pub fn main() -> ExitCode {
    execute().unwrap_or_else(Failure::report)
}

fn execute() -> Finished {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let mut cli = match go_exec::as_go_exec(&argv) {
        Some(args) => Cli::parse_from(args?),
        None => Cli::parse_from(argv),
    };
    apply_settings(&mut cli)?;
    match cli.command {
        Some(Command::Run(a)) => a.run(),
        Some(Command::Build(a)) => a.run(),
        Some(Command::Bench(a)) => a.run(),
        Some(Command::Inspect(a)) => a.run(),
        Some(Command::Image(a)) => a.run(),
        Some(Command::Watch(a)) => a.run(),
        Some(Command::Serve(a)) => a.run(),
        Some(Command::InstallExec(a)) => a.run(),
        Some(Command::Config(a)) => a.run(),
        Some(Command::Worker { job }) => Ok(ExitCode::from(
            crate::engine::worker::worker_main(&job) as u8,
        )),
        None => cli.workbench.run(),
    }
}

/// Fills what the command line left unset from the settings files of the project it names.
fn apply_settings(cli: &mut Cli) -> Result<(), String> {
    match &mut cli.command {
        Some(Command::Run(a)) => {
            let input = a.input.clone().or_else(|| a.args.first().map(Into::into));
            let s = settings::load(&input.unwrap_or_else(|| ".".into()))?.values;
            if a.input.is_some() && a.args.is_empty() {
                a.args = s.args.clone().unwrap_or_default();
            }
            a.build.fill_from(&s)?;
            a.guest.fill_from(&s)
        }
        Some(Command::Build(a)) => a.build.fill_from(&settings::load(&a.dir)?.values),
        Some(Command::Inspect(a)) => a.build.fill_from(&settings::load(&a.input)?.values),
        Some(Command::Image(a)) => a.build.fill_from(&settings::load(&a.input)?.values),
        Some(Command::Bench(a)) => {
            let s = settings::load(&a.input)?.values;
            a.build.fill_from(&s)?;
            a.guest.fill_from(&s)
        }
        Some(Command::Watch(a)) => a.fill_from(&settings::load(&a.input)?),
        Some(Command::Serve(a)) => a.build.fill_from(&settings::load(&a.dir)?.values),
        None => {
            let a = &mut cli.workbench;
            a.fill_from(&settings::load(&a.input)?)
        }
        Some(Command::InstallExec(_) | Command::Config(_) | Command::Worker { .. }) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_cli() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
