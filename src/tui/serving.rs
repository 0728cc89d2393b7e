//! The event loop's side of the browser lane (`B`): the [`Lane`] while it is on, fed with the
//! pipeline's events, and the last good build, served at once when the lane comes on.

use std::sync::Arc;
use std::sync::mpsc::{self, SyncSender};

use super::app::Msg;
use crate::pipeline::{Event, PipelineOptions, Source};
use crate::serve::ServeConfig;
use crate::serve::ServeEvent;
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
        // One thread hands the lane's events to the event loop, in order: a send may wait
        // while the loop's channel is full, and the loop itself may be the one sending.
        let (forward, forwarded) = mpsc::channel::<ServeEvent>();
        let tx = tx.clone();
        std::thread::spawn(move || {
            for event in forwarded {
                if tx.send(Msg::Browser(Box::new(event))).is_err() {
                    break;
                }
            }
        });
        let lane = Lane::start(
            ServeConfig {
                name: crate::build::project_name(&root),
                root,
                port: PORT,
                argv: vec![],
                env: vec![],
            },
            Arc::new(move |event| {
                let _ = forward.send(event);
            }),
        )?;
        if let Some(event) = &self.last_ready {
            lane.on(event);
        }
        self.lane = Some(lane);
        Ok(())
    }
}
