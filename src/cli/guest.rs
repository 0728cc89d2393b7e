//! What the guest is given — folders, environment, stdin, limits — shared by `run` and `watch`.

use std::path::Path;
use std::time::Duration;

use clap::Args;

use crate::engine::{DirMapping, RunConfig, parse_size};

#[derive(Debug, Clone, Args)]
pub struct GuestOptions {
    /// Preopen a host folder: HOST (same path in the guest) or HOST::GUEST
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    pub dirs: Vec<DirMapping>,
    /// Preopen a host folder read-only
    #[arg(long = "dir-ro", value_name = "HOST[::GUEST]")]
    pub dirs_ro: Vec<DirMapping>,
    /// Set an environment variable for the guest (nothing is inherited otherwise)
    #[arg(long = "env", short = 'e', value_name = "K=V", value_parser = crate::engine::parse_env_pair)]
    pub env: Vec<(String, String)>,
    /// Pass the whole host environment to the guest
    #[arg(long)]
    pub inherit_env: bool,
    /// Give the guest no stdin (it reads end-of-file) instead of gowasm's
    #[arg(long)]
    pub no_stdin: bool,
    /// Stop the guest after it has run this many seconds (compiling does not count)
    #[arg(long, value_name = "SECONDS", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,
    /// Cap on the guest's linear memory, e.g. 512M, 1G
    #[arg(long, value_name = "SIZE", default_value = "2G", value_parser = parse_size)]
    pub max_memory: u64,
    /// Do not read or write the AOT artifact cache
    #[arg(long)]
    pub no_cache: bool,
}

fn parse_timeout(s: &str) -> Result<Duration, String> {
    match s.parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs > 0.0 && secs <= 1e7 => {
            Ok(Duration::from_secs_f64(secs))
        }
        _ => Err(format!("{s:?}: expected a number of seconds, more than 0")),
    }
}

impl GuestOptions {
    /// The run configuration for `module` with guest `args`; `captured` runs (JSON, watch) get no
    /// stdin.
    pub fn config(
        &self,
        module: &Path,
        args: &[String],
        captured: bool,
    ) -> Result<RunConfig, String> {
        let mut dirs = self.dirs.clone();
        dirs.extend(self.dirs_ro.iter().cloned().map(|mut d| {
            d.read_only = true;
            d
        }));
        for d in &dirs {
            if !d.host.is_dir() {
                return Err(format!(
                    "--dir {}: not a folder on this machine",
                    d.host.display()
                ));
            }
        }
        let mut env: Vec<(String, String)> = if self.inherit_env {
            std::env::vars().collect()
        } else {
            vec![]
        };
        env.extend(self.env.iter().cloned());
        // Like Go's own wasip1 runner: with the host's root mapped, the guest starts where we are,
        // so `go test -exec` finds a package's testdata.
        let root_mapped = dirs
            .iter()
            .any(|d| d.guest == "/" && d.host == Path::new("/"));
        if root_mapped
            && !env.iter().any(|(k, _)| k == "PWD")
            && let Ok(cwd) = std::env::current_dir()
        {
            env.push(("PWD".into(), cwd.to_string_lossy().into_owned()));
        }
        Ok(RunConfig {
            program: module
                .file_name()
                .map_or("main.wasm".into(), |n| n.to_string_lossy().into_owned()),
            args: args.to_vec(),
            env,
            dirs,
            inherit_stdin: !self.no_stdin && !captured,
            max_memory: self.max_memory,
            cache_dir: (!self.no_cache).then(crate::cache_root),
            calls: vec![],
            profile: None,
        })
    }
}
