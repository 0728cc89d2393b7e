//! The operation `gowasm serve` (and the workbench's browser lane) presents: a pipeline that
//! builds the project for the browser on every save (running nothing), a [`Server`] that
//! serves each good build and reloads the pages, and one stream of what happens.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Serialize;

use super::{BrowserEvent, Build, ServeConfig, Server, wasm_exec};
use crate::build::{Compiler, find_toolchain};
use crate::pipeline::{Event, Pipeline, PipelineOptions, RunSettings};
use crate::watch::WatchEvent;

/// What a serving session reports.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "serve", rename_all = "snake_case")]
pub enum ServeEvent {
    /// The server listens; `taken`: the port asked for, when another had it.
    Listening { url: String, taken: Option<u16> },
    /// The pipeline's events (builds, failures).
    Pipeline { event: Box<Event> },
    /// A good build is served, numbered `build`; the open pages reload.
    Published { build: u64, toolchain: String },
    /// A build failed, or could not be served: the pages keep the last good one.
    Failed { message: String },
    /// What a page's program said.
    Browser { event: BrowserEvent },
}

/// A running session; stops when dropped.
pub struct Session {
    pipeline: Option<Pipeline>,
    server: Arc<Server>,
}

impl Session {
    /// Builds `options.source`'s project for the browser (TinyGo's `-target wasm`, or Go's
    /// `GOOS=js`), and serves it as `config` says; `emit` gets every [`ServeEvent`].
    pub fn start(
        mut options: PipelineOptions,
        config: ServeConfig,
        emit: impl Fn(ServeEvent) + Send + Sync + 'static,
    ) -> Result<Session, String> {
        let toolchain = find_toolchain(options.build.compiler).map_err(|e| e.to_string())?;
        let target = browser_target(toolchain.compiler, options.build.target.as_deref())?;
        options.build.compiler = Some(toolchain.compiler);
        options.build.target = Some(target.to_string());
        options.settings = RunSettings {
            modes: vec![],
            compare_toolchains: false,
            ..options.settings
        };
        let emit: Arc<dyn Fn(ServeEvent) + Send + Sync> = Arc::new(emit);
        let from_pages = emit.clone();
        let server = Arc::new(Server::start(config, move |event| {
            from_pages(ServeEvent::Browser { event })
        })?);
        emit(ServeEvent::Listening {
            url: server.url(),
            taken: server.taken(),
        });
        let publisher = Publisher {
            server: server.clone(),
            wasm_exec: wasm_exec::find(&toolchain)?,
            toolchain: format!("{} {}", toolchain.compiler.name(), toolchain.version),
            saves: Mutex::default(),
            emit,
        };
        let pipeline = Pipeline::start(options, move |event| publisher.on(event))
            .map_err(|e| e.to_string())?;
        Ok(Session {
            pipeline: Some(pipeline),
            server,
        })
    }

    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Builds again now.
    pub fn rebuild(&self) {
        if let Some(p) = &self.pipeline {
            p.rebuild();
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(p) = self.pipeline.take() {
            p.shutdown();
        }
    }
}

/// Turns the pipeline's events into builds served, or failures said.
struct Publisher {
    server: Arc<Server>,
    /// The toolchain's `wasm_exec.js`, and its name with its release.
    wasm_exec: std::path::PathBuf,
    toolchain: String,
    /// When the last change was seen, and each job's.
    saves: Mutex<(Option<Instant>, HashMap<u64, Instant>)>,
    emit: Arc<dyn Fn(ServeEvent) + Send + Sync>,
}

impl Publisher {
    fn on(&self, event: Event) {
        let saved_at = self.saved_at(&event);
        let outcome = match &event {
            Event::ModuleReady { module, .. } => Some(self.build(&module.path, saved_at)),
            Event::BuildFinished {
                success: false,
                log,
                ..
            } => Some(Err(log.trim_end().to_string())),
            Event::JobError { message, .. } => Some(Err(message.clone())),
            _ => None,
        };
        (self.emit)(ServeEvent::Pipeline {
            event: Box::new(event),
        });
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

    /// When the save that started `event`'s job was seen.
    fn saved_at(&self, event: &Event) -> Option<Instant> {
        let mut saves = self.saves.lock().unwrap_or_else(|p| p.into_inner());
        match event {
            Event::Watch {
                change: WatchEvent::Changed(_),
            } => saves.0 = Some(Instant::now()),
            Event::JobStarted { job, .. } => {
                if let Some(t) = saves.0.take() {
                    saves.1.insert(*job, t);
                }
            }
            _ => {}
        }
        event.job().and_then(|j| saves.1.get(&j).copied())
    }

    fn build(&self, module: &std::path::Path, saved_at: Option<Instant>) -> Result<Build, String> {
        let read = |p: &std::path::Path| {
            std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
        };
        Ok(Build {
            wasm: read(module)?,
            wasm_exec: read(&self.wasm_exec)?,
            toolchain: self.toolchain.clone(),
            saved_at,
        })
    }
}

/// The target a browser runs, for `compiler`; a target asked for that is not one is refused.
pub fn browser_target(compiler: Compiler, asked: Option<&str>) -> Result<&'static str, String> {
    let browser = match compiler {
        Compiler::TinyGo => "wasm",
        Compiler::Go => "js",
    };
    match asked {
        None => Ok(browser),
        Some(t) if t == browser => Ok(browser),
        Some(t) => Err(format!(
            "serve builds for the browser, and target {t} is not one: {} builds it with --target {browser}",
            compiler.name()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_s_target_by_compiler() {
        assert_eq!(browser_target(Compiler::TinyGo, None), Ok("wasm"));
        assert_eq!(browser_target(Compiler::Go, Some("js")), Ok("js"));
        assert!(
            browser_target(Compiler::Go, Some("wasip1"))
                .unwrap_err()
                .contains("--target js")
        );
    }
}
