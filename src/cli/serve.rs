//! `gowasm serve [DIR]`: the project built for the browser on every save and served on
//! 127.0.0.1, the pages reloaded, and what they say printed (or, with `--json`, one JSON line
//! per event), until Ctrl-C. With `--headless`, a headless Chromium shows the page.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

use clap::Args;

use super::failure::{Finished, bad, own_exe};
use super::source::BuildOptions;
use crate::engine::human_duration;
use crate::pipeline::{PipelineOptions, RunSettings, Source};
use crate::serve::browser::Headless;
use crate::serve::session::Session;
use crate::serve::{PageEvent, ServeConfig, ServeEvent};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// A Go project folder: a main package for the browser (TinyGo `-target wasm`, Go `GOOS=js`)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The port on 127.0.0.1; when it is taken, the next free one
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Open the page in a headless Chromium (its output comes here all the same)
    #[arg(long)]
    pub headless: bool,
    /// Print every event as a JSON line
    #[arg(long)]
    pub json: bool,
    /// Milliseconds without changes that end a burst of saves [default: 50]
    #[arg(long, value_name = "MS")]
    pub grace: Option<u64>,
    #[command(flatten)]
    pub build: BuildOptions,
}

impl ServeArgs {
    pub fn run(self) -> Finished {
        if !self.dir.is_dir() {
            return Err(bad(format!(
                "{}: not a folder (serve takes a Go project's folder)",
                self.dir.display()
            )));
        }
        self.build.one_toolchain("serve").map_err(bad)?;
        let root = std::fs::canonicalize(&self.dir).unwrap_or(self.dir.clone());
        let options = PipelineOptions {
            source: Source::Project(root.clone()),
            build: self.build.request(&root),
            settings: RunSettings::default(),
            timeout: None,
            exe: own_exe()?,
            cache_root: crate::cache_root(),
            grace: self
                .grace
                .map_or(crate::watch::DEFAULT_GRACE, Duration::from_millis),
            first_job: 0,
        };
        let config = ServeConfig {
            name: crate::build::project_name(&root),
            root,
            port: self.port,
            argv: vec![],
            env: vec![],
        };
        let (tx, rx) = mpsc::channel();
        let interrupt = tx.clone();
        ctrlc::set_handler(move || {
            let _ = interrupt.send(None);
        })
        .map_err(|e| format!("cannot handle Ctrl-C: {e}"))?;
        let session = Session::start(options, config, move |e| {
            let _ = tx.send(Some(e));
        })
        .map_err(bad)?;
        let mut browser = None;
        while let Ok(Some(event)) = rx.recv() {
            // The page opens once there is a build to show.
            if self.headless && browser.is_none() && matches!(event, ServeEvent::Published { .. }) {
                browser = Some(Headless::open(&session.url(), &[]).map_err(bad)?);
            }
            if self.json {
                let line = serde_json::to_string(&event).expect("events serialize");
                println!("{line}");
                let _ = std::io::stdout().flush();
            } else {
                print_text(&event);
            }
        }
        drop(browser);
        drop(session);
        if !self.json {
            eprintln!("gowasm: stopped");
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// One event as the terminal shows it: the program's stdout on stdout, the rest on stderr.
fn print_text(event: &ServeEvent) {
    match event {
        ServeEvent::Listening { url, taken } => {
            if let Some(port) = taken {
                eprintln!("gowasm: port {port} is taken; using the next free one");
            }
            eprintln!("gowasm: serving on {url} (Ctrl-C stops)");
        }
        ServeEvent::Pipeline { .. } => {}
        ServeEvent::Published { build, toolchain } => {
            eprintln!("gowasm: build {build} ({toolchain}) served; open pages reload");
        }
        ServeEvent::Failed { message } => {
            eprintln!("gowasm: the build failed; pages keep the last good one:\n{message}");
        }
        ServeEvent::Browser { event } => {
            if let Some(t) = event.since_save {
                eprintln!(
                    "browser: build {}'s first output came {} after the save",
                    event.build,
                    human_duration(t)
                );
            }
            match &event.event {
                PageEvent::Load { text } => {
                    eprintln!("browser: loaded {text} (build {})", event.build)
                }
                PageEvent::Stdout { text } => {
                    print!("{text}");
                    let _ = std::io::stdout().flush();
                }
                PageEvent::Stderr { text } => eprint!("{text}"),
                PageEvent::Console { level, text } => eprintln!("browser console.{level}: {text}"),
                PageEvent::Error { text } => eprintln!("browser: error: {text}"),
                PageEvent::Exit { code } => eprintln!("browser: exit {code}"),
            }
        }
    }
}
