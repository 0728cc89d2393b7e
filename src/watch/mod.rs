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
                filter_stale: false,
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

/// Changes not sent yet, and when they came.
struct Burst {
    paths: Vec<PathBuf>,
    /// Changed paths that may matter once the filter has re-read its inputs (a file a new
    /// `//go:embed` line names): decided when the burst is sent.
    undecided: Vec<PathBuf>,
    started: Instant,
    last_change: Instant,
    /// The burst began after a quiet spell of `grace` and none of it has been sent: a file it
    /// wrote that is now complete may be sent at once (see `is_complete`).
    may_lead: bool,
    grace: Duration,
}

impl Burst {
    fn new(grace: Duration) -> Burst {
        let long_ago = Instant::now()
            .checked_sub(grace)
            .unwrap_or_else(Instant::now);
        Burst {
            paths: vec![],
            undecided: vec![],
            started: long_ago,
            last_change: long_ago,
            may_lead: false,
            grace,
        }
    }

    fn is_empty(&self) -> bool {
        self.paths.is_empty() && self.undecided.is_empty()
    }

    fn add(&mut self, path: PathBuf) {
        self.touch();
        self.paths.push(path);
    }

    fn add_undecided(&mut self, path: PathBuf) {
        self.touch();
        self.undecided.push(path);
    }

    /// A change came now: the burst goes on (or begins).
    fn touch(&mut self) {
        if self.is_empty() {
            self.started = Instant::now();
            self.may_lead = self.last_change.elapsed() >= self.grace;
        }
        self.last_change = Instant::now();
    }

    /// The paths, sorted and once each, to send; what comes within `grace` is a new burst
    /// that cannot lead.
    fn take(&mut self) -> Vec<PathBuf> {
        self.may_lead = false;
        self.last_change = Instant::now();
        self.undecided.clear();
        let mut paths = std::mem::take(&mut self.paths);
        paths.sort();
        paths.dedup();
        paths
    }
}

/// A file closed after writing, or renamed into place: complete, unlike the writes before it.
/// The first such file of a burst that follows a quiet spell is sent at once instead of after
/// `grace`, so a single save costs no debounce; what follows within `grace` still waits for
/// the burst to end, and then cancels the job the early message started.
fn is_complete(kind: &notify::EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
    matches!(
        kind,
        notify::EventKind::Access(AccessKind::Close(AccessMode::Write))
            | notify::EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
    )
}

struct Loop {
    root: PathBuf,
    config: WatchConfig,
    filter: PathFilter,
    /// A `.go` or `.gitignore` file changed since the filter last read its inputs.
    filter_stale: bool,
    inner: notify::RecommendedWatcher,
    emit: Box<dyn Fn(WatchEvent) + Send>,
}

impl Loop {
    fn run(mut self, rx: mpsc::Receiver<notify::Result<notify::Event>>, stop: &AtomicBool) {
        let mut burst = Burst::new(self.config.grace);
        while !stop.load(Ordering::Relaxed) {
            let wait = if burst.is_empty() {
                // Also how soon a dropped watcher notices it should stop.
                Duration::from_millis(100)
            } else {
                burst.grace.saturating_sub(burst.last_change.elapsed())
            };
            match rx.recv_timeout(wait) {
                Ok(Ok(event)) if is_complete(&event.kind) => {
                    // Renamed into place, or closed after the burst wrote it.
                    let renamed = matches!(event.kind, notify::EventKind::Modify(_));
                    let done = event.paths.iter().any(|p| {
                        self.filter.is_relevant(p) && (renamed || burst.paths.contains(p))
                    });
                    if renamed {
                        self.note(&mut burst, event.paths);
                    }
                    if done && burst.may_lead {
                        self.send(&mut burst);
                    }
                }
                // Reads (the compiler opening sources) are not changes.
                Ok(Ok(event)) if matches!(event.kind, notify::EventKind::Access(_)) => {}
                Ok(Ok(event)) => self.note(&mut burst, event.paths),
                Ok(Err(e)) => (self.emit)(WatchEvent::Error(e.to_string())),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            if !self.root.is_dir() {
                burst.paths.clear();
                burst.undecided.clear();
                if !self.wait_for_root(stop) {
                    return;
                }
                // The folder may still be filling up (a checkout, a copy): let that burst settle.
                burst.add(self.root.clone());
                burst.may_lead = false;
                continue;
            }
            let quiet = burst.last_change.elapsed() >= burst.grace;
            if !burst.is_empty() && (quiet || burst.started.elapsed() >= MAX_BURST) {
                self.send(&mut burst);
            }
        }
    }

    /// Adds the relevant ones of `paths` to the burst. A `.go` or `.gitignore` change makes the
    /// filter stale; it re-reads its inputs once, when the burst is sent, however many such
    /// files the burst holds (a `git checkout` of 500 files is one tree walk, not 500).
    fn note(&mut self, burst: &mut Burst, paths: Vec<PathBuf>) {
        for path in paths {
            if PathFilter::needs_reload(&path) {
                self.filter_stale = true;
            }
            if self.filter.is_relevant(&path) {
                burst.add(path);
            } else if self.filter_stale {
                burst.add_undecided(path);
            }
        }
    }

    /// Sends the burst, with the undecided paths that matter once the filter is fresh.
    fn send(&mut self, burst: &mut Burst) {
        if self.filter_stale {
            self.filter.reload();
            self.filter_stale = false;
        }
        let undecided = std::mem::take(&mut burst.undecided);
        burst
            .paths
            .extend(undecided.into_iter().filter(|p| self.filter.is_relevant(p)));
        let paths = burst.take();
        if !paths.is_empty() {
            (self.emit)(WatchEvent::Changed(paths));
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
                self.filter_stale = false;
                (self.emit)(WatchEvent::RootBack);
                return true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn a_checkout_of_500_go_files_reads_the_tree_once() {
        let project = tempfile::tempdir().unwrap();
        let root = project.path().to_path_buf();
        std::fs::write(root.join("go.mod"), "module m\n\ngo 1.21\n").unwrap();
        let mut paths = vec![];
        for i in 0..500 {
            let path = root.join(format!("f{i}.go"));
            std::fs::write(&path, "package main\n").unwrap();
            paths.push(path);
        }
        let sent = Arc::new(Mutex::new(vec![]));
        let sink = sent.clone();
        let mut l = Loop {
            filter: PathFilter::new(&root, &[], None),
            filter_stale: false,
            root: root.clone(),
            config: WatchConfig::default(),
            inner: notify::recommended_watcher(|_| {}).unwrap(),
            emit: Box::new(move |e| sink.lock().unwrap().push(e)),
        };
        let before = l.filter.reloads();
        // A file that only matters because one of the new sources embeds it.
        std::fs::write(
            root.join("embed.go"),
            "package main\n\nimport _ \"embed\"\n\n//go:embed banner.txt\nvar banner string\n",
        )
        .unwrap();
        std::fs::write(root.join("banner.txt"), "hi").unwrap();
        let mut burst = Burst::new(Duration::from_millis(50));
        // The sources arrive one event each, the embedded file before the one that embeds it.
        for p in &paths {
            l.note(&mut burst, vec![p.clone()]);
        }
        l.note(
            &mut burst,
            vec![root.join("banner.txt"), root.join("noise.tmp")],
        );
        l.note(&mut burst, vec![root.join("embed.go")]);
        assert_eq!(
            l.filter.reloads(),
            before,
            "nothing is read while the burst lasts"
        );
        l.send(&mut burst);
        assert_eq!(
            l.filter.reloads(),
            before + 1,
            "one reload for the whole burst"
        );
        let sent = sent.lock().unwrap();
        let [WatchEvent::Changed(changed)] = &sent[..] else {
            panic!("{sent:?}")
        };
        assert_eq!(changed.len(), 502, "500 sources, embed.go and banner.txt");
        assert!(changed.contains(&root.join("banner.txt")));
        assert!(!changed.contains(&root.join("noise.tmp")));
    }
}
