//! `FILE.wasm|DIR`: a module to read, or a Go project to build first.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::build::{self, BuildOutcome, BuildRequest, Compiler};

/// How to build when the input is a folder.
#[derive(Debug, Clone, Args, Default)]
pub struct BuildOptions {
    /// Compiler to use (default: tinygo when on PATH, else go); `run` and `bench` take
    /// `go,tinygo` to compare the two
    #[arg(long, value_enum, value_delimiter = ',', value_name = "go|tinygo")]
    pub toolchain: Vec<Compiler>,
    /// Build target: tinygo `wasm` (default), `wasip1`, `wasi`; go `wasip1` (default)
    #[arg(long)]
    pub target: Option<String>,
    /// TinyGo: optimization level (-opt): 0, 1, 2, s, z
    #[arg(long, value_name = "LEVEL")]
    pub opt: Option<String>,
    /// TinyGo: garbage collector (-gc): none, leaking, conservative, precise
    #[arg(long, value_name = "GC")]
    pub gc: Option<String>,
    /// TinyGo: scheduler (-scheduler): none, tasks, asyncify
    #[arg(long, value_name = "SCHEDULER")]
    pub scheduler: Option<String>,
    /// TinyGo: leave out debug information (-no-debug)
    #[arg(long)]
    pub no_debug: bool,
    /// TinyGo: panic strategy (-panic): print, trap
    #[arg(long, value_name = "STRATEGY")]
    pub panic: Option<String>,
    /// TinyGo: the Go it builds with (each TinyGo release accepts a range of Go releases);
    /// by default the Go on PATH, or an installed one that TinyGo accepts
    #[arg(long, value_name = "GO")]
    pub tinygo_go: Option<PathBuf>,
    /// Build a reactor (-buildmode=c-shared: `_initialize` and the //go:wasmexport functions)
    /// or a command (`_start`); by default a reactor when the package has //go:wasmexport
    #[arg(long, value_name = "yes|no", value_parser = clap::builder::BoolishValueParser::new())]
    pub reactor: Option<bool>,
}

impl BuildOptions {
    pub fn request(&self, dir: &Path) -> BuildRequest {
        BuildRequest {
            dir: dir.to_path_buf(),
            compiler: self.toolchain.first().copied(),
            target: self.target.clone(),
            output: None,
            flags: vec![],
            tinygo_flags: self.tinygo_flags(),
            tinygo_go: self.tinygo_go.clone(),
            reactor: self.reactor,
        }
    }

    /// The toolchains to compare, each once, in the order given; none or one means no comparison.
    pub fn toolchains(&self) -> Vec<Compiler> {
        let mut list: Vec<Compiler> = vec![];
        for c in &self.toolchain {
            if !list.contains(c) {
                list.push(*c);
            }
        }
        list
    }

    /// These options for one of the toolchains.
    pub fn with_toolchain(&self, compiler: Compiler) -> BuildOptions {
        BuildOptions {
            toolchain: vec![compiler],
            ..self.clone()
        }
    }

    /// For the subcommands that build once: refuses a list of toolchains.
    pub fn one_toolchain(&self, subcommand: &str) -> Result<(), String> {
        if self.toolchains().len() > 1 {
            return Err(format!(
                "{subcommand} takes one --toolchain; `gowasm run`, `bench` and `watch` compare several"
            ));
        }
        Ok(())
    }

    fn tinygo_flags(&self) -> Vec<String> {
        let mut flags = vec![];
        for (flag, value) in [
            ("-opt", &self.opt),
            ("-gc", &self.gc),
            ("-scheduler", &self.scheduler),
            ("-panic", &self.panic),
        ] {
            if let Some(v) = value {
                flags.extend([flag.to_string(), v.clone()]);
            }
        }
        if self.no_debug {
            flags.push("-no-debug".into());
        }
        flags
    }
}

/// The module to work on, and the build that made it when the input was a folder.
pub struct Resolved {
    pub module: PathBuf,
    pub build: Option<BuildOutcome>,
}

/// Why the input gave no module; `Display` is the one line shown to the user.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{0}: no such file or folder")]
    Missing(PathBuf),
    #[error("{0}")]
    Build(#[from] build::BuildError),
    #[error("the build failed")]
    BuildFailed(Box<BuildOutcome>),
}

/// Builds `input` when it is a folder; a file is used as it is.
pub fn resolve(input: &Path, options: &BuildOptions) -> Result<Resolved, SourceError> {
    if input.is_dir() {
        let outcome = build::build(&options.request(input), &crate::cache_root())?;
        if !outcome.success {
            return Err(SourceError::BuildFailed(Box::new(outcome)));
        }
        return Ok(Resolved {
            module: outcome.output.clone(),
            build: Some(outcome),
        });
    }
    if !input.exists() {
        return Err(SourceError::Missing(input.to_path_buf()));
    }
    Ok(Resolved {
        module: input.to_path_buf(),
        build: None,
    })
}
