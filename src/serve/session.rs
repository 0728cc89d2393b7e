//! The operation `gowasm serve` presents: a pipeline that builds the project for the browser
//! on every save (running nothing), a [`Lane`] that serves each good build and reloads the
//! pages, and one stream of what happens.

use std::sync::Arc;

use super::lane::Lane;
use super::{ServeConfig, ServeEvent};
use crate::build::{Compiler, find_toolchain};
use crate::pipeline::{Pipeline, PipelineOptions, RunSettings};

/// A running session; stops when dropped.
pub struct Session {
    pipeline: Option<Pipeline>,
    lane: Arc<Lane>,
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
        let lane = Arc::new(Lane::start(config, emit.clone())?);
        let serving = lane.clone();
        let pipeline = Pipeline::start(options, move |event| {
            serving.saw(&event);
            emit(ServeEvent::Pipeline {
                event: Box::new(event.clone()),
            });
            serving.on(&event);
        })
        .map_err(|e| e.to_string())?;
        Ok(Session {
            pipeline: Some(pipeline),
            lane,
        })
    }

    pub fn url(&self) -> String {
        self.lane.url()
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
