//! The object world and the ABI tables, driven by a stand-in guest (no engine): what the Go
//! runtime's calls into JavaScript see. The real guests are in `tests/js_host.rs`.

use std::sync::{Arc, Mutex};

use super::ops::{self, Key};
use super::value::{Throw, Value};
use super::{Guest, JsAbi, JsHost, Stop, Val, gojs, tinygo};
use crate::engine::{OutputSink, RunConfig, Stream};
use crate::inspect::js_abi::{GO_JS_IMPORTS, TINYGO_JS_IMPORTS};

#[derive(Default)]
struct Captured(Mutex<Vec<(Stream, Vec<u8>)>>);

impl OutputSink for Captured {
    fn output(&self, stream: Stream, bytes: &[u8]) {
        self.0.lock().unwrap().push((stream, bytes.to_vec()));
    }
}

impl Captured {
    fn text(&self, stream: Stream) -> String {
        let chunks = self.0.lock().unwrap();
        let bytes: Vec<u8> = chunks
            .iter()
            .filter(|(s, _)| *s == stream)
            .flat_map(|(_, b)| b.clone())
            .collect();
        String::from_utf8(bytes).unwrap()
    }
}

/// A guest without wasm: its `resume` does what Go's `handleEvent` does with the pending event:
/// it answers `args[0] + args[1]`.
struct FakeGuest {
    host: JsHost,
    resumed: u32,
}

impl FakeGuest {
    fn new() -> (FakeGuest, Arc<Captured>) {
        let sink = Arc::new(Captured::default());
        let config = RunConfig {
            args: vec!["a".into()],
            env: vec![("K".into(), "v".into())],
            max_memory: 1 << 20,
            ..RunConfig::default()
        };
        let host = JsHost::new(JsAbi::Go, &config, sink.clone()).unwrap();
        (FakeGuest { host, resumed: 0 }, sink)
    }

    fn global(&mut self, name: &str) -> Value {
        let global = Value::Object(self.host.global);
        ops::get(&mut self.host, &global, Key::Name(name)).unwrap()
    }

    fn get(&mut self, v: &Value, name: &str) -> Value {
        ops::get(&mut self.host, v, Key::Name(name)).unwrap()
    }

    fn call(&mut self, v: &Value, name: &str, args: &[Value]) -> Result<Value, Throw> {
        let f = self.get(v, name);
        ops::apply(self, &f, v, args)
    }

    fn string(&self, v: &Value) -> String {
        ops::to_string(&self.host, v)
    }
}

impl Guest for FakeGuest {
    fn host(&mut self) -> &mut JsHost {
        &mut self.host
    }
    fn read(&mut self, _: u64, _: &mut [u8]) -> Result<(), Stop> {
        Err(Stop::Fault("no memory".into()))
    }
    fn write(&mut self, _: u64, _: &[u8]) -> Result<(), Stop> {
        Err(Stop::Fault("no memory".into()))
    }
    fn call(&mut self, export: &str, _: &[Val]) -> Result<Option<Val>, Stop> {
        assert_eq!(export, "resume");
        self.resumed += 1;
        let go = Value::Object(self.host.go);
        let event = self.get(&go, "_pendingEvent");
        let args = self.get(&event, "args");
        let sum: f64 = (0..2)
            .map(|i| {
                let v = ops::get(&mut self.host, &args, Key::Index(f64::from(i))).unwrap();
                ops::to_number(&self.host, &v)
            })
            .sum();
        ops::set(
            &mut self.host,
            &event,
            Key::Name("result"),
            Value::Number(sum),
        )
        .unwrap();
        Ok(None)
    }
}

fn exception_message(guest: &mut FakeGuest, r: Result<Value, Throw>) -> String {
    match r {
        Err(Throw::Js(e)) => guest.string(&e),
        other => panic!("expected an exception, got {other:?}"),
    }
}

#[test]
fn the_host_implements_exactly_the_abi_catalogues() {
    fn sorted(mut v: Vec<&'static str>) -> Vec<&'static str> {
        v.sort();
        v
    }
    let go = sorted(gojs::IMPORTS.iter().map(|(n, _)| *n).collect());
    assert_eq!(go, sorted(GO_JS_IMPORTS.to_vec()));
    let mut tinygo: Vec<_> = tinygo::IMPORTS.iter().map(|(n, s, _)| (*n, *s)).collect();
    let mut catalogue: Vec<_> = TINYGO_JS_IMPORTS.iter().map(|(n, s, _)| (*n, *s)).collect();
    tinygo.sort();
    catalogue.sort();
    assert_eq!(tinygo, catalogue);
}

#[test]
fn a_go_function_is_called_back_through_resume() {
    let (mut g, _) = FakeGuest::new();
    let go = Value::Object(g.host.go);
    let wrapper = g
        .call(&go, "_makeFuncWrapper", &[Value::Number(7.0)])
        .unwrap();
    let this = Value::Undefined;
    let r = ops::apply(
        &mut g,
        &wrapper,
        &this,
        &[Value::Number(40.0), Value::Number(2.0)],
    );
    assert_eq!(r.unwrap(), Value::Number(42.0));
    assert_eq!(g.resumed, 1);
    // Function.prototype.call reaches it too.
    let r = g.call(
        &wrapper,
        "call",
        &[Value::Null, Value::Number(1.0), Value::Number(2.0)],
    );
    assert_eq!(r.unwrap(), Value::Number(3.0));
}

/// `fs.write` calls its callback before it returns, as the browser polyfill does: that is how
/// Go's `syscall.Write` gets its answer.
#[test]
fn fs_write_writes_stdout_and_answers_through_its_callback() {
    let (mut g, sink) = FakeGuest::new();
    let fs = g.global("fs");
    let uint8 = g.global("Uint8Array");
    let buf = ops::construct(&mut g, &uint8, &[Value::Number(3.0)]).unwrap();
    for (i, b) in b"hi\n".iter().enumerate() {
        ops::set(
            &mut g.host,
            &buf,
            Key::Index(i as f64),
            Value::Number(f64::from(*b)),
        )
        .unwrap();
    }
    let go = Value::Object(g.host.go);
    let callback = g
        .call(&go, "_makeFuncWrapper", &[Value::Number(1.0)])
        .unwrap();
    let args = [
        Value::Number(1.0),
        buf.clone(),
        Value::Number(0.0),
        Value::Number(3.0),
        Value::Null,
        callback.clone(),
    ];
    g.call(&fs, "write", &args).unwrap();
    assert_eq!(sink.text(Stream::Stdout), "hi\n");
    assert_eq!(g.resumed, 1);
    // Another fs call answers ENOSYS, through the callback too.
    let open = [
        Value::str("/etc/passwd"),
        Value::Number(0.0),
        Value::Number(0.0),
        callback,
    ];
    g.call(&fs, "open", &open).unwrap();
    assert_eq!(g.resumed, 2);
}

#[test]
fn values_print_and_compare_as_in_javascript() {
    let (mut g, _) = FakeGuest::new();
    let array = g.global("Array");
    let a = ops::construct(
        &mut g,
        &array,
        &[Value::Number(1.0), Value::str("a"), Value::Null],
    )
    .unwrap();
    assert_eq!(g.string(&a), "1,a,");
    assert_eq!(g.get(&a, "length"), Value::Number(3.0));
    let error = g.global("TypeError");
    let e = ops::construct(&mut g, &error, &[Value::str("bad")]).unwrap();
    assert_eq!(g.string(&e), "TypeError: bad");
    let base = g.global("Error");
    assert!(ops::instance_of(&mut g.host, &e, &base).unwrap());
    assert!(!ops::instance_of(&mut g.host, &a, &base).unwrap());
    let object = g.global("Object");
    assert!(ops::instance_of(&mut g.host, &a, &object).unwrap());
    let keys = g.call(&object, "keys", &[a]).unwrap();
    assert_eq!(g.string(&keys), "0,1,2");
    let process = g.global("process");
    let env = g.get(&process, "env");
    assert_eq!(g.get(&env, "K"), Value::str("v"));
    let argv = g.get(&process, "argv");
    assert_eq!(g.string(&argv), "main.wasm,a");
}

#[test]
fn what_the_host_lacks_is_undefined_and_noted() {
    let (mut g, _) = FakeGuest::new();
    assert_eq!(g.global("fetch"), Value::Undefined);
    assert_eq!(g.global("document"), Value::Undefined);
    assert_eq!(
        g.host.missing_note().as_deref(),
        Some(
            "js: globalThis.document is undefined (gowasm's JS host has no DOM; a browser has: gowasm serve, or run --browser)"
        )
    );
    let undefined = Value::Undefined;
    let r = ops::apply(&mut g, &undefined, &undefined, &[]);
    let message = exception_message(&mut g, r);
    assert_eq!(message, "TypeError: undefined is not a function");
}

#[test]
fn javascript_allocations_stay_under_the_memory_cap() {
    let (mut g, _) = FakeGuest::new();
    let uint8 = g.global("Uint8Array");
    let r = ops::construct(&mut g, &uint8, &[Value::Number(f64::from(2 << 20))]);
    assert_eq!(
        exception_message(&mut g, r),
        "RangeError: Invalid typed array length: 2097152"
    );
    let array = g.global("Array");
    let a = ops::construct(&mut g, &array, &[]).unwrap();
    let r = ops::set(&mut g.host, &a, Key::Name("length"), Value::Number(1e9));
    assert!(matches!(r, Err(Throw::Js(_))));
    let r = ops::construct(&mut g, &uint8, &[Value::Number(1024.0)]);
    assert!(r.is_ok());
}

#[test]
fn arrays_and_errors_that_hold_themselves_print_without_end() {
    let (mut g, _) = FakeGuest::new();
    let array = g.global("Array");
    let a = ops::construct(&mut g, &array, &[Value::Number(1.0)]).unwrap();
    g.call(&a, "push", std::slice::from_ref(&a)).unwrap();
    g.call(&a, "push", &[Value::str("x")]).unwrap();
    // V8 prints an array met again inside itself as nothing.
    assert_eq!(g.string(&a), ",,x");
    let joined = g.call(&a, "join", &[Value::str("-")]).unwrap();
    assert_eq!(g.string(&joined), "--x");
    let error = g.global("Error");
    let e = ops::construct(&mut g, &error, &[Value::str("m")]).unwrap();
    ops::set(&mut g.host, &e, Key::Name("message"), e.clone()).unwrap();
    assert_eq!(g.string(&e), "Error");
    // A chain deeper than any stack: the host stops following it, and does not overflow.
    let mut deep = ops::construct(&mut g, &array, &[]).unwrap();
    for _ in 0..20_000 {
        deep = ops::construct(&mut g, &array, &[Value::str("x"), deep]).unwrap();
    }
    assert_eq!(g.string(&deep).len(), "x,".len() * 512);
}

#[test]
fn copies_the_guest_asks_for_stay_under_the_memory_cap() {
    let (mut g, _) = FakeGuest::new();
    let uint8 = g.global("Uint8Array");
    let big = ops::construct(&mut g, &uint8, &[Value::Number(700_000.0)]).unwrap();
    // A second copy of 700 000 bytes would pass the 1 MiB cap: V8's RangeError.
    let r = ops::construct(&mut g, &uint8, std::slice::from_ref(&big));
    assert_eq!(
        exception_message(&mut g, r),
        "RangeError: Array buffer allocation failed"
    );
    let object = g.global("Object");
    let r = g.call(&object, "keys", &[big]);
    assert!(matches!(r, Err(Throw::Js(_))), "700 000 keys pass the cap");
    assert!(g.host.heap.payload() <= 1 << 20);
}
