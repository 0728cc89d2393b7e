//! The settings files (`crate::config`) applied to the command line: a file's value fills what
//! the command line left unset; the command line always wins.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use clap::ValueEnum;

use super::guest::GuestOptions;
use super::source::BuildOptions;
use crate::build::Compiler;
use crate::config::{self, ConfigFile, Settings};
use crate::engine::{DirMapping, parse_env_pair};

/// The settings for a command on `input`; an unreadable file is an error naming it.
pub fn load(input: &Path) -> Result<Settings, String> {
    config::load(input)
}

impl BuildOptions {
    pub fn fill_from(&mut self, s: &ConfigFile) -> Result<(), String> {
        if self.toolchain.is_empty()
            && let Some(list) = &s.toolchain
        {
            for name in list.split(',') {
                let c = Compiler::from_str(name.trim(), true).map_err(|_| {
                    format!("toolchain = {list:?}: expected go, tinygo or go,tinygo")
                })?;
                self.toolchain.push(c);
            }
        }
        let fill = |field: &mut Option<String>, from: &Option<String>| {
            if field.is_none() {
                field.clone_from(from);
            }
        };
        fill(&mut self.target, &s.target);
        fill(&mut self.opt, &s.tinygo.opt);
        fill(&mut self.gc, &s.tinygo.gc);
        fill(&mut self.scheduler, &s.tinygo.scheduler);
        fill(&mut self.panic, &s.tinygo.panic);
        if self.tinygo_go.is_none() {
            self.tinygo_go = s.tinygo.go.as_ref().map(PathBuf::from);
        }
        self.no_debug |= s.tinygo.no_debug.unwrap_or(false);
        if self.reactor.is_none() {
            self.reactor = s.reactor;
        }
        Ok(())
    }
}

impl GuestOptions {
    pub fn fill_from(&mut self, s: &ConfigFile) -> Result<(), String> {
        if self.env.is_empty()
            && let Some(env) = &s.env
        {
            self.env = env
                .iter()
                .map(|e| parse_env_pair(e).map_err(|m| format!("env: {m}")))
                .collect::<Result<_, _>>()?;
        }
        // `GuestOptions::config` marks `dirs_ro` read-only, from the command line or from here.
        let dirs = |list: &Option<Vec<String>>| -> Result<Vec<DirMapping>, String> {
            list.iter()
                .flatten()
                .map(|d| DirMapping::from_str(d).map_err(|m| format!("dirs: {m}")))
                .collect()
        };
        if self.dirs.is_empty() {
            self.dirs = dirs(&s.dirs)?;
        }
        if self.dirs_ro.is_empty() {
            self.dirs_ro = dirs(&s.dirs_ro)?;
        }
        Ok(())
    }
}

#[derive(Debug, clap::Args)]
pub struct ConfigArgs {
    /// The project whose settings to show
    #[arg(default_value = ".")]
    pub dir: std::path::PathBuf,
    /// Also list every action of the workbench and its keys (for `[keys]`)
    #[arg(long)]
    pub keys: bool,
    #[arg(long)]
    pub json: bool,
}

impl ConfigArgs {
    pub fn run(self) -> super::failure::Finished {
        let settings = load(&self.dir)?;
        let keymap =
            crate::tui::keymap::KeyMap::new(&settings.values.keys).map_err(super::failure::bad)?;
        let files = [
            ("user", config::user_file()),
            ("project", config::project_file(&self.dir)),
        ];
        let rows = settings.describe();
        let actions: Vec<(&'static str, String)> = crate::tui::keys::BINDINGS
            .iter()
            .map(|b| (b.action.into(), keymap.keys_text(b)))
            .collect();
        if self.json {
            let doc = serde_json::json!({
                "files": files.iter().map(|(k, p)| (k.to_string(), serde_json::json!({
                    "path": p,
                    "found": p.as_ref().is_some_and(|p| p.is_file()),
                }))).collect::<serde_json::Map<_, _>>(),
                "settings": rows.iter().map(|(n, v, f)| serde_json::json!({
                    "name": n, "value": v, "from": f,
                })).collect::<Vec<_>>(),
                "keys": actions.iter().map(|(a, k)| serde_json::json!({"action": a, "keys": k}))
                    .collect::<Vec<_>>(),
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).expect("serializable")
            );
            return Ok(std::process::ExitCode::SUCCESS);
        }
        for (kind, path) in &files {
            let state = match path {
                Some(p) if p.is_file() => p.display().to_string(),
                Some(p) => format!("{} (none)", p.display()),
                None => "(none)".into(),
            };
            println!("{kind} settings: {state}");
        }
        println!();
        let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
        for (name, value, from) in &rows {
            println!("{name:<width$}  {value}  ({from})");
        }
        if self.keys {
            println!("\nACTION               KEYS");
            for (action, keys) in &actions {
                println!("{action:<20} {keys}");
            }
        }
        Ok(std::process::ExitCode::SUCCESS)
    }
}
