//! The workbench's browser lane (`B`): the state it shows, and what its events do to it. The
//! page's output goes into the Output pane as the lane `browser`, beside the modes' runs.

use crate::engine::Stream;
use crate::serve::PageEvent;
use crate::serve::ServeEvent;

use super::app::{App, Cmd};
use super::output::Lane;

/// The browser lane while it is on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BrowserView {
    /// Where the pages are, once the server listens.
    pub url: Option<String>,
    /// The build the pages show (0: none yet).
    pub build: u64,
    /// Why the last build is not on the pages, or why the lane could not start.
    pub problem: Option<String>,
}

impl BrowserView {
    /// One line for the Output pane's title: `browser on http://127.0.0.1:8080/ (build 2)`.
    pub fn title(&self) -> String {
        let mut s = match &self.url {
            Some(url) => format!("browser on {url}"),
            None => "browser starting".to_string(),
        };
        if self.build > 0 {
            s.push_str(&format!(" (build {})", self.build));
        }
        if let Some(p) = &self.problem {
            s.push_str(&format!(": {}", p.lines().next().unwrap_or("")));
        }
        s
    }
}

/// `B`: the lane on, or off.
pub fn toggle(app: &mut App) -> Vec<Cmd> {
    let on = app.browser.is_none();
    app.browser = on.then(BrowserView::default);
    vec![Cmd::Serve(on)]
}

/// What an event of the lane does to the workbench.
pub fn update(app: &mut App, event: ServeEvent) {
    let job = app.job.number;
    let Some(view) = app.browser.as_mut() else {
        return;
    };
    match event {
        ServeEvent::Listening { url, taken } => {
            view.url = Some(url);
            view.problem = taken.map(|p| format!("port {p} is taken; using the next free one"));
        }
        ServeEvent::Published { build, .. } => {
            view.build = build;
            view.problem = None;
        }
        ServeEvent::Failed { message } => view.problem = Some(message),
        ServeEvent::Pipeline { .. } => {}
        ServeEvent::Browser { event } => {
            let out = &mut app.output.buffer;
            if let Some(t) = event.since_save {
                out.push_note(
                    job,
                    Lane::Browser,
                    format!(
                        "first output {} after the save",
                        crate::engine::human_duration(t)
                    ),
                );
            }
            match event.event {
                PageEvent::Load { .. } => {}
                PageEvent::Stdout { text } => {
                    out.push(job, Lane::Browser, Stream::Stdout, text.as_bytes())
                }
                PageEvent::Stderr { text } => {
                    out.push(job, Lane::Browser, Stream::Stderr, text.as_bytes())
                }
                PageEvent::Console { level, text } => {
                    out.push_note(job, Lane::Browser, format!("console.{level}: {text}"))
                }
                PageEvent::Error { text } => out.push(
                    job,
                    Lane::Browser,
                    Stream::Stderr,
                    format!("error: {text}\n").as_bytes(),
                ),
                PageEvent::Exit { code } => {
                    out.finish(job, Lane::Browser);
                    out.push_note(job, Lane::Browser, format!("exit {code}"));
                }
            }
        }
    }
}
