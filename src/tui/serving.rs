//! The event loop's side of the browser lane (`B`): the [`Lane`] while it is on, fed with the
//! pipeline's events, and the last good build, served at once when the lane comes on.

use std::sync::Arc;
use std::sync::mpsc::{SyncSender, TrySendError};

use super::app::Msg;
use crate::pipeline::{Event, PipelineOptions, Source};
use crate::serve::ServeConfig;
use crate::serve::lane::Lane;

/// The port the workbench's pages are served on (or the next free one).
pub const PORT: u16 = 8080;

#[derive(Default)]
pub struct Serving {
    lane: Option<Lane>,
    /// The last good build's `ModuleReady`.
    last_ready: Option<Event>,
}

impl Serving {
    /// Shows `msg` to the lane, if it is on.
    pub fn feed(&mut self, msg: &Msg) {
        let Msg::Pipeline(event) = msg else { return };
        if let Event::ModuleReady { .. } = event.as_ref() {
            self.last_ready = Some((**event).clone());
        }
        if let Some(lane) = &self.lane {
            lane.saw(event);
            lane.on(event);
        }
    }

    /// Starts or stops the lane; a start serves the last good build at once.
    pub fn set(
        &mut self,
        on: bool,
        options: &PipelineOptions,
        tx: &SyncSender<Msg>,
    ) -> Result<(), String> {
        if !on {
            self.lane = None;
            return Ok(());
        }
        let root = match &options.source {
            Source::Project(dir) => dir.clone(),
            Source::Module(file) => file.parent().map(|p| p.to_path_buf()).unwrap_or_default(),
        };
        let tx = tx.clone();
        let lane = Lane::start(
            ServeConfig {
                name: crate::build::project_name(&root),
                root,
                port: PORT,
                argv: vec![],
                env: vec![],
            },
            Arc::new(move |event| {
                // Never blocks the event loop, which may be the one sending (a full channel
                // is emptied by it).
                let msg = Msg::Browser(Box::new(event));
                if let Err(TrySendError::Full(msg)) = tx.try_send(msg) {
                    let tx = tx.clone();
                    std::thread::spawn(move || tx.send(msg));
                }
            }),
        )?;
        if let Some(event) = &self.last_ready {
            lane.on(event);
        }
        self.lane = Some(lane);
        Ok(())
    }
}
