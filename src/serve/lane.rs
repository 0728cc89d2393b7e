//! The browser lane: a [`Server`] fed with a pipeline's builds. Each good build of a browser
//! program is served with its toolchain's `wasm_exec.js` and reloads the pages; a failed build
//! stays off the pages, which say it failed. `gowasm serve` feeds it a pipeline of its own; the
//! workbench feeds it its own pipeline's events.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::{Build, ServeConfig, ServeEvent, Server, wasm_exec};
use crate::build::{Compiler, find_toolchain};
use crate::pipeline::{Event, ModuleSummary};

/// A server and what it needs to serve a pipeline's builds.
pub struct Lane {
    server: Server,
    /// Each toolchain's `wasm_exec.js`, found once.
    wasm_exec: Mutex<HashMap<String, PathBuf>>,
    /// When each recent job that a change started began.
    saves: Mutex<HashMap<u64, Instant>>,
    emit: Arc<dyn Fn(ServeEvent) + Send + Sync>,
}

impl Lane {
    /// Starts the server; says where it listens.
    pub fn start(
        config: ServeConfig,
        emit: Arc<dyn Fn(ServeEvent) + Send + Sync>,
    ) -> Result<Lane, String> {
        let from_pages = emit.clone();
        let server = Server::start(config, move |event| {
            from_pages(ServeEvent::Browser { event })
        })?;
        emit(ServeEvent::Listening {
            url: server.url(),
            taken: server.taken(),
        });
        Ok(Lane {
            server,
            wasm_exec: Mutex::default(),
            saves: Mutex::default(),
            emit,
        })
    }

    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Notes when a job that a change started began (the watcher starts it once the saves
    /// have been quiet for its grace), for the time from a save to the page's output. Call it
    /// with every event.
    pub fn saw(&self, event: &Event) {
        if let Event::JobStarted { job, trigger } = event
            && !trigger.is_empty()
        {
            let mut saves = self.saves.lock().unwrap_or_else(|p| p.into_inner());
            saves.retain(|j, _| j + 8 > *job);
            saves.insert(*job, Instant::now());
        }
    }

    /// Serves a good build, or says a failed one on the pages.
    pub fn on(&self, event: &Event) {
        let outcome = match event {
            Event::ModuleReady { job, module } => Some(self.build(*job, module)),
            Event::BuildFinished {
                success: false,
                log,
                ..
            } => Some(Err(log.trim_end().to_string())),
            Event::JobError { message, .. } => Some(Err(message.clone())),
            _ => None,
        };
        match outcome {
            Some(Ok(build)) => {
                let toolchain = build.toolchain.clone();
                let number = self.server.publish(build);
                (self.emit)(ServeEvent::Published {
                    build: number,
                    toolchain,
                });
            }
            Some(Err(message)) => {
                self.server.fail(&message);
                (self.emit)(ServeEvent::Failed { message });
            }
            None => {}
        }
    }

    fn build(&self, job: u64, module: &ModuleSummary) -> Result<Build, String> {
        if !module.host.as_deref().is_some_and(|h| h.ends_with(" JS")) {
            return Err(format!(
                "this build is for {}, not a browser: build with TinyGo's --target wasm or Go's --target js",
                module.host.as_deref().unwrap_or(&module.target)
            ));
        }
        let read = |p: &std::path::Path| {
            std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
        };
        let saved_at = self
            .saves
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&job)
            .copied();
        Ok(Build {
            wasm: read(&module.path)?,
            wasm_exec: read(&self.wasm_exec_of(&module.toolchain)?)?,
            toolchain: format!(
                "{} {}",
                module.toolchain,
                module.toolchain_version.as_deref().unwrap_or("")
            )
            .trim_end()
            .to_string(),
            saved_at,
        })
    }

    /// The `wasm_exec.js` of the toolchain named `go` or `tinygo`.
    fn wasm_exec_of(&self, name: &str) -> Result<PathBuf, String> {
        let mut known = self.wasm_exec.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(p) = known.get(name) {
            return Ok(p.clone());
        }
        let compiler = if name == "tinygo" {
            Compiler::TinyGo
        } else {
            Compiler::Go
        };
        let toolchain = find_toolchain(Some(compiler)).map_err(|e| e.to_string())?;
        let path = wasm_exec::find(&toolchain)?;
        known.insert(name.to_string(), path.clone());
        Ok(path)
    }
}
