//! `gowasm build`: compile a Go project folder to wasm and say where it went.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::failure::{Failure, Finished, bad};
use super::format::ms;
use super::source::BuildOptions;
use crate::build;
use crate::engine::human_bytes;

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The Go project folder (with go.mod)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Write the module here instead of gowasm's build folder
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Print the build result as JSON
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub build: BuildOptions,
}

impl BuildArgs {
    pub fn run(self) -> Finished {
        self.build.one_toolchain("gowasm build")?;
        let mut request = self.build.request(&self.dir);
        request.output = self.output.clone();
        let outcome = build::build(&request, &crate::cache_root()).map_err(bad)?;
        if self.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&outcome).expect("serializable")
            );
            if !outcome.success {
                return Ok(ExitCode::from(super::exit::BAD_INPUT));
            }
        } else if outcome.success {
            let size = std::fs::metadata(&outcome.output).map_or(0, |m| m.len());
            eprintln!("gowasm: {}", outcome.command.join(" "));
            eprintln!(
                "gowasm: built {} ({}) in {} with {} {}",
                outcome.output.display(),
                human_bytes(size),
                ms(outcome.duration),
                outcome.toolchain.compiler.name(),
                outcome.toolchain.version
            );
            println!("{}", outcome.output.display());
        } else {
            return Err(Failure::Build(Box::new(outcome)));
        }
        Ok(ExitCode::SUCCESS)
    }
}
