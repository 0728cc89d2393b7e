//! A JavaScript host for Go's `GOOS=js` and TinyGo's `-target wasm` modules: what the two
//! `wasm_exec.js` files give a module, written in Rust, for every engine.
//!
//! The host knows nothing of wasmi or wasmer. An engine links each import the module asks for
//! to the [`Handler`] that [`handler`] names, and gives the handler a [`Guest`]: the host state,
//! the module's memory and a way to call its exports, which callbacks (`js.FuncOf`) need. Then
//! [`run`] plays the module's protocol and the event loop until the program exits.
//!
//! The object world ([`world`]) is what Go's and TinyGo's standard libraries touch outside a
//! browser; a module that reaches for more (`document`, `fetch`) finds `undefined`, and a run
//! that then fails says which global it looked for ([`JsHost::missing_note`]).

mod abi;
mod files;
#[doc(hidden)]
pub mod fuzzing;
mod gojs;
mod number;
mod ops;
mod refs;
mod stringify;
mod system;
#[cfg(test)]
mod tests;
mod timers;
mod tinygo;
mod value;
mod world;

use std::any::Any;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

pub use crate::inspect::triage::JsAbi;

use super::report::{Outcome, RunReport, Trap};
use super::{EngineError, OutputSink, RunConfig, Stream};
use refs::Refs;
use timers::Timers;
use value::{Heap, ObjId, Value};

/// A wasm value crossing between the engine and the host.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val {
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
}

impl Val {
    /// The value as the integer a handler expects (the engines have checked the types already).
    pub fn int(self) -> i64 {
        match self {
            Val::I32(v) => i64::from(v),
            Val::I64(v) => v,
            Val::F32(v) => v as i64,
            Val::F64(v) => v as i64,
        }
    }

    pub fn float(self) -> f64 {
        match self {
            Val::F32(v) => f64::from(v),
            Val::F64(v) => v,
            Val::I32(v) => f64::from(v),
            Val::I64(v) => v as f64,
        }
    }
}

/// Why a host call does not return normally.
pub enum Stop {
    /// The guest asked to exit (`runtime.wasmExit`, `process.exit`).
    Exit(i32),
    /// The guest handed the host something unusable, or threw where nothing catches: a trap.
    Fault(String),
    /// An engine error from a call back into the guest, carried back to that engine unchanged.
    Engine(Box<dyn Any + Send + Sync>),
}

impl std::fmt::Debug for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::Exit(code) => write!(f, "Exit({code})"),
            Stop::Fault(message) => write!(f, "Fault({message:?})"),
            Stop::Engine(_) => write!(f, "Engine(..)"),
        }
    }
}

/// What the host needs from the engine while the guest runs.
pub trait Guest {
    fn host(&mut self) -> &mut JsHost;
    /// Fills `out` from linear memory at `addr`.
    fn read(&mut self, addr: u64, out: &mut [u8]) -> Result<(), Stop>;
    fn write(&mut self, addr: u64, data: &[u8]) -> Result<(), Stop>;
    /// Calls one of the module's exports (only those [`exports`] lists).
    fn call(&mut self, export: &str, args: &[Val]) -> Result<Option<Val>, Stop>;
}

/// One import of the module, implemented by the host.
pub type Handler = fn(&mut dyn Guest, &[Val]) -> Result<Option<Val>, Stop>;

/// The host function for an import with `signature` (`(i32) -> ()`); `None` for one the JS
/// host does not provide (WASI's), or not with that signature.
pub fn handler(abi: JsAbi, module: &str, name: &str, signature: &str) -> Option<Handler> {
    let named = |(n, h): &(&str, Handler)| (*n == name).then_some(*h);
    match (abi, module) {
        (JsAbi::TinyGo, "gojs" | "env") => tinygo::IMPORTS
            .iter()
            .find(|(n, s, _)| *n == name && *s == signature)
            .map(|(_, _, h)| *h),
        (JsAbi::Go, "gojs") if signature == crate::inspect::js_abi::GO_JS_SIGNATURE => {
            gojs::IMPORTS.iter().find_map(named)
        }
        (JsAbi::Go, "_gotest") => gojs::GOTEST_IMPORTS.iter().find_map(named),
        _ => None,
    }
}

/// An engine's function type as the ABI tables write it, `(i32, i64) -> (f64)`: both engines'
/// value types print as `I32`, `F64`, … with `Debug`.
/// Whether imports from `module` are defined beside the JS host, not by it: WASI's, and the
/// profiler's sampler.
pub fn defined_elsewhere(module: &str) -> bool {
    module == crate::inspect::WASI_MODULE || module == crate::profile::instrument::IMPORT_MODULE
}

pub fn signature_of<T: std::fmt::Debug>(params: &[T], results: &[T]) -> String {
    let names = |v: &[T]| -> Vec<String> {
        v.iter()
            .map(|t| format!("{t:?}").to_ascii_lowercase())
            .collect()
    };
    crate::inspect::js_abi::signature(&names(params), &names(results))
}

/// Runs a handler; the collector runs first when it is due, at a point where every value the
/// host holds is rooted.
pub fn call_import(guest: &mut dyn Guest, h: Handler, args: &[Val]) -> Result<Option<Val>, Stop> {
    let host = guest.host();
    if host.heap.wants_collection() {
        host.collect_garbage();
    }
    h(guest, args)
}

/// The exports the host calls, which an engine looks up once after instantiation.
pub fn exports(abi: JsAbi) -> &'static [&'static str] {
    match abi {
        JsAbi::TinyGo => tinygo::EXPORTS,
        JsAbi::Go => gojs::EXPORTS,
    }
}

/// The name under which the module exports its memory.
pub fn memory_export(abi: JsAbi) -> &'static str {
    match abi {
        JsAbi::TinyGo => "memory",
        JsAbi::Go => "mem",
    }
}

/// Starts the program and plays the event loop until it exits (`Err(Stop::Exit)`), traps, or
/// (TinyGo) has nothing left to wait for (`Ok`, exit code 0).
pub fn run(guest: &mut dyn Guest) -> Result<(), Stop> {
    match guest.host().abi {
        JsAbi::TinyGo => tinygo::run(guest),
        JsAbi::Go => gojs::run(guest),
    }
}

/// After a reactor's `_initialize` and calls, what node would do before it exits: play the
/// timers the calls left (TinyGo's `go_scheduler` wake-ups) until none is left.
pub fn settle(guest: &mut dyn Guest) -> Result<(), Stop> {
    match guest.host().abi {
        JsAbi::TinyGo => tinygo::event_loop(guest),
        JsAbi::Go => Ok(()),
    }
}

/// How a run under the JS host ended, a command's ([`finish`]) or a reactor's
/// ([`finish_reactor`]): what an engine's [`crate::engine::calls::Exports::finish_js`] does.
pub fn finish_played(
    played: Option<Result<(), Stop>>,
    reactor: bool,
    host: &JsHost,
    report: &mut RunReport,
    engine: impl FnOnce(Box<dyn Any + Send + Sync>) -> Outcome,
) {
    match (reactor, played) {
        (false, Some(result)) => finish(result, host, report, engine),
        (_, settled) => finish_reactor(settled, host, report, engine),
    }
}

/// How a reactor's run under the JS host ended: `settled` is what was left of the event loop
/// after the calls ([`settle`]), `None` when a call failed and it was not played.
pub fn finish_reactor(
    settled: Option<Result<(), Stop>>,
    host: &JsHost,
    report: &mut RunReport,
    engine: impl FnOnce(Box<dyn Any + Send + Sync>) -> Outcome,
) {
    match settled {
        Some(result) => finish(result, host, report, engine),
        None => report.host_note = host.missing_note(),
    }
}

/// Records how a JS-host run ended in `report`: the outcome, for a run that failed the global it
/// looked for and did not find, and what the run was given that it could not pass on. `engine`
/// turns the engine's own error (a trap) into an outcome.
pub fn finish(
    result: Result<(), Stop>,
    host: &JsHost,
    report: &mut RunReport,
    engine: impl FnOnce(Box<dyn Any + Send + Sync>) -> Outcome,
) {
    report.outcome = match result {
        Ok(()) => Outcome::Exited { code: 0 },
        Err(Stop::Exit(code)) => Outcome::Exited { code },
        Err(Stop::Fault(message)) => Outcome::Trapped(Trap {
            kind: message.clone(),
            message,
            frames: vec![],
            note: None,
        }),
        Err(Stop::Engine(e)) => engine(e),
    };
    if !matches!(report.outcome, Outcome::Exited { code: 0 }) {
        report.host_note = host.missing_note();
    }
    let given = host.argv.len() > 1 || !host.env.is_empty();
    if host.abi == JsAbi::TinyGo && given {
        report.warnings.push(TINYGO_NO_COMMAND_LINE.to_string());
    }
}

/// Why a TinyGo `-target wasm` program did not see its arguments.
pub const TINYGO_NO_COMMAND_LINE: &str = "TinyGo's -target wasm programs have no command line (TinyGo fixes os.Args and the environment when it links): the arguments and environment given were not passed; build with --target wasip1 to pass them";

/// An engine error that is not the running engine's: cannot happen, as one run has one engine.
pub fn foreign_engine_error() -> Outcome {
    Outcome::Crashed {
        message: "the JS host received another engine's error".into(),
    }
}

/// Clocks as wasm_exec.js reads them: `performance.now()` from the start, and Unix time.
#[derive(Debug)]
struct Clock {
    origin: Instant,
    /// Unix time at `origin`, in milliseconds (`timeOrigin`).
    unix_origin_ms: f64,
}

impl Clock {
    fn new() -> Clock {
        Clock {
            origin: Instant::now(),
            unix_origin_ms: unix_ms(),
        }
    }

    /// `performance.now()`.
    fn elapsed_ms(&self) -> f64 {
        self.origin.elapsed().as_secs_f64() * 1000.0
    }

    /// `timeOrigin + performance.now()`: a monotonic clock in Unix milliseconds.
    fn monotonic_ms(&self) -> f64 {
        self.unix_origin_ms + self.elapsed_ms()
    }
}

/// `Date.now()`, with the fraction kept.
fn unix_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// The state of one guest's JavaScript world.
pub struct JsHost {
    abi: JsAbi,
    heap: Heap,
    refs: Refs,
    global: ObjId,
    /// The `Go` instance of wasm_exec.js (`this` to the guest): `_pendingEvent`, `_makeFuncWrapper`.
    go: ObjId,
    /// Values that host functions under way hold while the guest runs inside them.
    roots: Vec<Value>,
    /// The function objects of built-in methods, made once each.
    methods: Vec<(&'static str, ObjId)>,
    timers: Timers,
    clock: Clock,
    sink: Arc<dyn OutputSink>,
    inherit_stdin: bool,
    /// `argv` and the environment, for Go's `run(argc, argv)`.
    argv: Vec<String>,
    env: Vec<(String, String)>,
    /// Globals the guest looked up and did not find, oldest first.
    missing: Vec<String>,
    /// How many times the host has called a Go function (`js.FuncOf`) so far.
    calls_into_go: u64,
    /// The folders the run was given, for `fs`, and the files opened in them.
    files: files::Files,
}

impl JsHost {
    /// The host for one run; fails when a folder of the run's cannot be opened.
    pub fn new(
        abi: JsAbi,
        config: &RunConfig,
        sink: Arc<dyn OutputSink>,
    ) -> Result<JsHost, EngineError> {
        // `$PWD` as the run gives it (gowasm does, when the host's `/` is mapped, as Go's
        // wasip1 runner does), else `/`.
        let pwd = config
            .env
            .iter()
            .find(|(k, _)| k == "PWD")
            .map_or("/", |(_, v)| v.as_str());
        let files =
            files::Files::new(&config.dirs, pwd).map_err(|(path, message)| EngineError::Dir {
                path: path.display().to_string(),
                message,
            })?;
        let max_bytes = usize::try_from(config.max_memory).unwrap_or(usize::MAX);
        let mut heap = Heap::new(max_bytes);
        let (global, go) = world::build(&mut heap, config);
        let mut env = config.env.clone();
        env.sort();
        Ok(JsHost {
            abi,
            refs: Refs::new(global, go),
            heap,
            global,
            go,
            roots: Vec::new(),
            methods: Vec::new(),
            timers: Timers::default(),
            clock: Clock::new(),
            sink,
            inherit_stdin: config.inherit_stdin,
            argv: std::iter::once(config.program.clone())
                .chain(config.args.iter().cloned())
                .collect(),
            env,
            missing: Vec::new(),
            calls_into_go: 0,
            files,
        })
    }

    /// For a run that failed: the last global it looked for and did not find, e.g.
    /// `js: globalThis.document is undefined (gowasm's JS host has no DOM; a browser has: gowasm serve, or run --browser)`.
    pub fn missing_note(&self) -> Option<String> {
        let name = self.missing.last()?;
        Some(format!(
            "js: globalThis.{name} is undefined ({})",
            world::why_missing(name)
        ))
    }

    fn output(&self, fd: i64, bytes: &[u8]) {
        let stream = if fd == 1 {
            Stream::Stdout
        } else {
            Stream::Stderr
        };
        self.sink.output(stream, bytes);
    }

    fn collect_garbage(&mut self) {
        let fixed = [Value::Object(self.global), Value::Object(self.go)];
        let methods: Vec<Value> = self
            .methods
            .iter()
            .map(|(_, o)| Value::Object(*o))
            .collect();
        let roots = fixed
            .iter()
            .chain(&methods)
            .chain(&self.roots)
            .chain(self.refs.held())
            .chain(self.timers.held());
        self.heap.collect(roots);
    }
}

/// Reading and writing guest memory in the shapes the ABIs use (little-endian throughout).
impl dyn Guest + '_ {
    fn bytes_at(&mut self, addr: u64, len: u64) -> Result<Vec<u8>, Stop> {
        let len = usize::try_from(len)
            .ok()
            .filter(|l| *l <= 1 << 32)
            .ok_or_else(|| Stop::Fault(format!("js: a slice of {len} bytes at {addr}")))?;
        // Its last byte first: a length the guest made up costs no allocation.
        if len > 0 {
            self.read(addr.saturating_add(len as u64 - 1), &mut [0])?;
        }
        let mut out = vec![0; len];
        self.read(addr, &mut out)?;
        Ok(out)
    }

    fn array_at<const N: usize>(&mut self, addr: u64) -> Result<[u8; N], Stop> {
        let mut out = [0; N];
        self.read(addr, &mut out)?;
        Ok(out)
    }

    fn u64_at(&mut self, addr: u64) -> Result<u64, Stop> {
        self.array_at(addr).map(u64::from_le_bytes)
    }

    fn i32_at(&mut self, addr: u64) -> Result<i32, Stop> {
        self.array_at(addr).map(i32::from_le_bytes)
    }

    fn set_u8(&mut self, addr: u64, v: u8) -> Result<(), Stop> {
        self.write(addr, &[v])
    }

    fn set_i32(&mut self, addr: u64, v: i32) -> Result<(), Stop> {
        self.write(addr, &v.to_le_bytes())
    }

    fn set_i64(&mut self, addr: u64, v: i64) -> Result<(), Stop> {
        self.write(addr, &v.to_le_bytes())
    }

    /// The value a reference at `addr` stands for.
    fn value_at(&mut self, addr: u64) -> Result<Value, Stop> {
        let r = self.u64_at(addr)?;
        self.host().value(r)
    }

    /// Stores a counted reference to `v` at `addr`.
    fn set_value(&mut self, addr: u64, v: &Value) -> Result<(), Stop> {
        let r = self.host().reference(v);
        self.write(addr, &r.to_le_bytes())
    }

    /// A Go string (UTF-8, invalid bytes replaced as TextDecoder does).
    fn string_at(&mut self, ptr: u64, len: u64) -> Result<String, Stop> {
        let bytes = self.bytes_at(ptr, len)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// `len` references stored one after another at `ptr`.
    fn values_at(&mut self, ptr: u64, len: u64) -> Result<Vec<Value>, Stop> {
        let bytes = self.bytes_at(ptr, len.saturating_mul(8))?;
        let host = self.host();
        bytes
            .chunks_exact(8)
            .map(|c| host.value(u64::from_le_bytes(c.try_into().expect("8 bytes"))))
            .collect()
    }
}

impl JsHost {
    fn value(&self, r: u64) -> Result<Value, Stop> {
        self.refs
            .load(r)
            .ok_or_else(|| Stop::Fault(format!("js: the guest used a released reference {r:#x}")))
    }

    fn reference(&mut self, v: &Value) -> u64 {
        self.refs.store(v, &self.heap)
    }
}
