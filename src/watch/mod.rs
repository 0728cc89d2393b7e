//! Watching a Go project: notify events, filtered and coalesced into one message per burst.

mod filter;

pub use filter::{PathFilter, is_editor_temp};

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher as _};

/// How long after the last relevant change a burst is considered over.
pub const DEFAULT_GRACE: Duration = Duration::from_millis(50);
/// A burst that never pauses still yields a rebuild this often.
const MAX_BURST: Duration = Duration::from_secs(2);
/// How often a vanished project folder is looked for.
const ROOT_POLL: Duration = Duration::from_millis(250);

#[derive(Debug, Clone)]
pub struct WatchConfig {
    pub grace: Duration,
    /// Folders whose changes never count (the build output).
    pub ignored_dirs: Vec<PathBuf>,
    /// Watch this one file (a `.wasm` module) instead of a Go project's sources.
    pub only: Option<PathBuf>,
}

impl Default for WatchConfig {
    fn default() -> Self {
        WatchConfig {
            grace: DEFAULT_GRACE,
            ignored_dirs: vec![],
            only: None,
        }
    }
}

/// What the watcher tells its owner.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "watch", content = "paths")]
pub enum WatchEvent {
    /// One burst of relevant changes (sorted, without duplicates).
    Changed(Vec<PathBuf>),
    /// The project folder was deleted or renamed away; it is looked for again.
    RootGone,
    /// The project folder is back (a `Changed` follows once it has settled).
    RootBack,
    /// Something went wrong with watching; watching goes on where it can.
    Error(String),
}

/// A running watcher; dropping it stops the thread.
pub struct Watcher {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Watcher {
    /// Tells the thread to stop without waiting for it: it owns no process and ends by itself
    /// within one poll (100 ms), and quitting must not wait for that.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        drop(self.thread.take());
    }
}

/// Starts watching `root` recursively; `emit` receives every [`WatchEvent`].
pub fn watch(
    root: &Path,
    config: WatchConfig,
    emit: impl Fn(WatchEvent) + Send + 'static,
) -> notify::Result<Watcher> {
    let root = std::fs::canonicalize(root)?;
    let (tx, rx) = mpsc::channel();
    let mut inner = notify::recommended_watcher(move |e| {
        let _ = tx.send(e);
    })?;
    inner.watch(&root, RecursiveMode::Recursive)?;
    let stop = Arc::new(AtomicBool::new(false));
    let stop_thread = stop.clone();
    let thread = std::thread::Builder::new()
        .name("gowasm-watch".into())
        .spawn(move || {
            Loop {
                filter: PathFilter::new(&root, &config.ignored_dirs, config.only.clone()),
                root,
                config,
                inner,
                emit: Box::new(emit),
            }
            .run(rx, &stop_thread)
        })?;
    Ok(Watcher {
        stop,
        thread: Some(thread),
    })
}

struct Loop {
    root: PathBuf,
    config: WatchConfig,
    filter: PathFilter,
    inner: notify::RecommendedWatcher,
    emit: Box<dyn Fn(WatchEvent) + Send>,
}

impl Loop {
    fn run(mut self, rx: mpsc::Receiver<notify::Result<notify::Event>>, stop: &AtomicBool) {
        let mut burst: Vec<PathBuf> = vec![];
        let mut burst_start = Instant::now();
        let mut last_change = Instant::now();
        while !stop.load(Ordering::Relaxed) {
            let wait = if burst.is_empty() {
                // Also how soon a dropped watcher notices it should stop.
                Duration::from_millis(100)
            } else {
                self.config.grace.saturating_sub(last_change.elapsed())
            };
            match rx.recv_timeout(wait) {
                // Reads (the compiler opening sources) are not changes.
                Ok(Ok(event)) if matches!(event.kind, notify::EventKind::Access(_)) => {}
                Ok(Ok(event)) => {
                    let mut relevant = false;
                    for path in event.paths {
                        if PathFilter::needs_reload(&path) {
                            self.filter.reload();
                        }
                        if self.filter.is_relevant(&path) {
                            if burst.is_empty() {
                                burst_start = Instant::now();
                            }
                            burst.push(path);
                            relevant = true;
                        }
                    }
                    if relevant {
                        last_change = Instant::now();
                    }
                }
                Ok(Err(e)) => (self.emit)(WatchEvent::Error(e.to_string())),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            if !self.root.is_dir() {
                burst.clear();
                if !self.wait_for_root(stop) {
                    return;
                }
                // The folder may still be filling up (a checkout, a copy): let that burst settle.
                burst.push(self.root.clone());
                burst_start = Instant::now();
                last_change = Instant::now();
                continue;
            }
            let quiet = last_change.elapsed() >= self.config.grace;
            if !burst.is_empty() && (quiet || burst_start.elapsed() >= MAX_BURST) {
                burst.sort();
                burst.dedup();
                (self.emit)(WatchEvent::Changed(std::mem::take(&mut burst)));
            }
        }
    }

    /// Reports the folder gone, polls until it is back and re-watches it; false when stopped.
    fn wait_for_root(&mut self, stop: &AtomicBool) -> bool {
        (self.emit)(WatchEvent::RootGone);
        let _ = self.inner.unwatch(&self.root);
        loop {
            if stop.load(Ordering::Relaxed) {
                return false;
            }
            std::thread::sleep(ROOT_POLL);
            if self.root.is_dir()
                && self
                    .inner
                    .watch(&self.root, RecursiveMode::Recursive)
                    .is_ok()
            {
                self.filter.reload();
                (self.emit)(WatchEvent::RootBack);
                return true;
            }
        }
    }
}
