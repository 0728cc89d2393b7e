//! `gowasm serve`: the last good build of a browser program (TinyGo's `-target wasm`, Go's
//! `GOOS=js`) over HTTP on 127.0.0.1, with the `wasm_exec.js` of the toolchain that built it,
//! the project's own pages and files (or a page of gowasm's), a page reload on every good build,
//! and what the page's program says sent back ([`PageEvent`]).
//!
//! Safe by default: it listens on 127.0.0.1 only, answers only requests addressed to
//! 127.0.0.1 or localhost (no DNS rebinding), serves nothing outside the project's folder nor
//! hidden files, and lists no folder ([`files`]).

pub mod browser;
pub mod browser_run;
pub mod files;
pub mod http;
pub mod lane;
pub mod page;
pub mod session;
pub mod wasm_exec;

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// Ports tried after the one asked for, when it is taken.
const PORTS_TRIED: u16 = 20;
/// How often an idle event stream is written to (a comment), to notice a closed page.
const KEEPALIVE: Duration = Duration::from_secs(10);

/// What to serve.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The project's folder: its files, its `index.html` if it has one.
    pub root: PathBuf,
    pub port: u16,
    /// The project's name, for gowasm's own page.
    pub name: String,
    /// The arguments (after the program's name) and environment gowasm's own page gives
    /// the program.
    pub argv: Vec<String>,
    pub env: Vec<(String, String)>,
}

/// A good build, ready to serve.
#[derive(Debug, Clone)]
pub struct Build {
    pub wasm: Vec<u8>,
    /// The `wasm_exec.js` of the toolchain that built it ([`wasm_exec::find`]).
    pub wasm_exec: Vec<u8>,
    /// `go go1.27.3`, `tinygo 0.40.1`.
    pub toolchain: String,
    /// When the save that led to it was seen, for the time from save to the page's output.
    pub saved_at: Option<Instant>,
}

/// What the browser lane reports (`gowasm serve`, the workbench's `B`).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "serve", rename_all = "snake_case")]
pub enum ServeEvent {
    /// The server listens; `taken`: the port asked for, when another had it.
    Listening { url: String, taken: Option<u16> },
    /// The pipeline's events (builds, failures).
    Pipeline { event: Box<crate::pipeline::Event> },
    /// A good build is served, numbered `build`; the open pages reload.
    Published { build: u64, toolchain: String },
    /// A build failed, or could not be served: the pages keep the last good one.
    Failed { message: String },
    /// What a page's program said.
    Browser { event: BrowserEvent },
}

/// What the page's program said, as the page sent it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PageEvent {
    /// The page loaded (its path).
    Load {
        text: String,
    },
    Stdout {
        text: String,
    },
    Stderr {
        text: String,
    },
    /// `console.log(...)` and the like, outside the program's own writes.
    Console {
        level: String,
        text: String,
    },
    /// An uncaught error or rejected promise, or the program's failure to start.
    Error {
        text: String,
    },
    /// The program's `main` returned or it called `os.Exit`.
    Exit {
        code: i32,
    },
}

/// A [`PageEvent`] of the page running build number `build`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BrowserEvent {
    pub build: u64,
    #[serde(flatten)]
    pub event: PageEvent,
    /// On a build's first output (stdout, stderr or console): the time since its save.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::duration_ms::option"
    )]
    pub since_save: Option<Duration>,
}

/// The page's events as posted: [`PageEvent`] with the build it runs.
#[derive(Deserialize)]
struct Posted {
    #[serde(default)]
    build: u64,
    #[serde(flatten)]
    event: PageEvent,
}

/// What the server serves now.
#[derive(Default)]
struct State {
    /// Numbered from 1; 0 before the first.
    number: u64,
    build: Option<Arc<Build>>,
    /// The last build's failure, while no good build came after it.
    failure: Option<String>,
    /// Each publish or failure bumps it; event streams wait on it.
    generation: u64,
    /// Builds whose first output was seen.
    first_output_seen: u64,
    closing: bool,
}

struct Shared {
    config: ServeConfig,
    state: Mutex<State>,
    changed: Condvar,
    emit: Box<dyn Fn(BrowserEvent) + Send + Sync>,
}

/// A running server.
pub struct Server {
    address: SocketAddr,
    /// The port asked for, when it was taken.
    taken: Option<u16>,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl Server {
    /// Listens on 127.0.0.1 at `config.port`, or the next free port when it is taken;
    /// `emit` gets what pages send, from the server's threads.
    pub fn start(
        config: ServeConfig,
        emit: impl Fn(BrowserEvent) + Send + Sync + 'static,
    ) -> Result<Server, String> {
        let (listener, taken) = bind(config.port)?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let shared = Arc::new(Shared {
            config,
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
            emit: Box::new(emit),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let acceptor = {
            let (shared, stop) = (shared.clone(), stop.clone());
            std::thread::Builder::new()
                .name("gowasm-serve".into())
                .spawn(move || accept(listener, shared, stop))
                .map_err(|e| e.to_string())?
        };
        Ok(Server {
            address,
            taken,
            shared,
            stop,
            acceptor: Some(acceptor),
        })
    }

    /// `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.address)
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// The port asked for, when it was taken and another was used.
    pub fn taken(&self) -> Option<u16> {
        self.taken
    }

    /// Serves `build` from now on and reloads the open pages; gives its number.
    pub fn publish(&self, build: Build) -> u64 {
        let mut state = self.shared.lock();
        state.number += 1;
        state.build = Some(Arc::new(build));
        state.failure = None;
        state.generation += 1;
        self.shared.changed.notify_all();
        state.number
    }

    /// A build failed: the pages keep the last good one and say so.
    pub fn fail(&self, message: &str) {
        let mut state = self.shared.lock();
        state.failure = Some(message.to_string());
        state.generation += 1;
        self.shared.changed.notify_all();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.shared.lock().closing = true;
        self.shared.changed.notify_all();
        // Wakes the acceptor, which then sees the stop.
        let _ = TcpStream::connect(self.address);
        if let Some(t) = self.acceptor.take() {
            let _ = t.join();
        }
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A listener on 127.0.0.1:`port`, or on the first free port after it; with the port asked
/// for when it was taken. Port 0 takes any free port.
fn bind(port: u16) -> Result<(TcpListener, Option<u16>), String> {
    let mut last = None;
    for offset in 0..=if port == 0 { 0 } else { PORTS_TRIED } {
        let Some(p) = port.checked_add(offset) else {
            break;
        };
        match TcpListener::bind((Ipv4Addr::LOCALHOST, p)) {
            Ok(l) => return Ok((l, (offset > 0).then_some(port))),
            Err(e) => last = Some(e),
        }
    }
    Err(format!(
        "cannot listen on 127.0.0.1 ports {port} to {}: {}",
        port.saturating_add(PORTS_TRIED),
        last.map_or_else(|| "no port".to_string(), |e| e.to_string())
    ))
}

fn accept(listener: TcpListener, shared: Arc<Shared>, stop: Arc<AtomicBool>) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let shared = shared.clone();
        let _ = std::thread::Builder::new()
            .name("gowasm-serve-request".into())
            .spawn(move || handle(&stream, &shared));
    }
}

fn handle(stream: &TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(30)));
    let Some(request) = http::read_request(stream) else {
        let _ = http::respond(stream, 400, "text/plain", &[], b"bad request\n");
        return;
    };
    let port = stream.local_addr().map_or(0, |a| a.port());
    if !http::local_host(request.host.as_deref(), port) {
        let _ = http::respond(
            stream,
            421,
            "text/plain",
            &[],
            b"gowasm serves 127.0.0.1 and localhost only\n",
        );
        return;
    }
    let _ = match (request.method.as_str(), request.path.as_str()) {
        ("GET", "/__gowasm/events") => events(stream, shared),
        ("POST", "/__gowasm/log") if !http::local_origin(request.origin.as_deref(), port) => {
            http::respond(
                stream,
                403,
                "text/plain",
                &[],
                b"only gowasm's pages post here\n",
            )
        }
        ("POST", "/__gowasm/log") => {
            posted(shared, &request.body);
            http::respond(stream, 204, "text/plain", &[], b"")
        }
        ("GET", _) => {
            let (status, content_type, headers, body) = page::get(shared, &request.path);
            http::respond(stream, status, content_type, &headers, &body)
        }
        ("HEAD", _) => {
            let (status, content_type, headers, body) = page::get(shared, &request.path);
            http::respond_head(stream, status, content_type, &headers, &body)
        }
        _ => http::respond(stream, 405, "text/plain", &[], b"only GET\n"),
    };
}

/// The event stream a page listens to: the state now, then each change of it.
fn events(stream: &TcpStream, shared: &Shared) -> std::io::Result<()> {
    http::start_events(stream)?;
    let mut seen = None;
    loop {
        let (generation, data) = {
            let mut state = shared.lock();
            while seen == Some(state.generation) && !state.closing {
                let (next, timeout) = shared
                    .changed
                    .wait_timeout(state, KEEPALIVE)
                    .unwrap_or_else(|p| p.into_inner());
                state = next;
                if timeout.timed_out() {
                    break;
                }
            }
            if state.closing {
                return Ok(());
            }
            let data = serde_json::json!({
                "build": state.number,
                "failure": state.failure,
                "toolchain": state.build.as_ref().map(|b| b.toolchain.clone()),
            });
            (state.generation, data.to_string())
        };
        if seen == Some(generation) {
            use std::io::Write;
            let mut s = stream;
            s.write_all(b": still here\n\n")?;
        } else {
            http::event(stream, "state", &data)?;
            seen = Some(generation);
        }
    }
}

/// What a page posted: a JSON array of its events.
fn posted(shared: &Shared, body: &[u8]) {
    let Ok(events) = serde_json::from_slice::<Vec<serde_json::Value>>(body) else {
        return;
    };
    // Each on its own: one that does not fit loses nothing else.
    for Posted { build, event } in events
        .into_iter()
        .filter_map(|e| serde_json::from_value(e).ok())
    {
        let since_save = match &event {
            PageEvent::Stdout { .. } | PageEvent::Stderr { .. } | PageEvent::Console { .. } => {
                let mut state = shared.lock();
                let current = state.build.clone();
                match current {
                    Some(b) if build == state.number && state.first_output_seen < build => {
                        state.first_output_seen = build;
                        b.saved_at.map(|t| t.elapsed())
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        (shared.emit)(BrowserEvent {
            build,
            event,
            since_save,
        });
    }
}
