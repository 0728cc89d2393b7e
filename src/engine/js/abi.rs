//! What Go's and TinyGo's `syscall/js` imports do, apart from where they find their arguments
//! and put their results (the stack for Go, parameters and a result pointer for TinyGo).

use super::ops::{self, Key};
use super::value::{Kind, Object, Throw, Value};
use super::{Guest, JsHost, Stop};

/// A call's result, or the exception it threw, for the imports that report `ok`.
pub type Caught = Result<Value, Value>;

fn caught(r: Result<Value, Throw>) -> Result<Caught, Stop> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(Throw::Js(e)) => Ok(Err(e)),
        Err(Throw::Stop(s)) => Err(s),
    }
}

/// An exception where wasm_exec.js has no `try`: the run ends, as node ends it.
pub fn uncaught<T>(host: &JsHost, r: Result<T, Throw>) -> Result<T, Stop> {
    match r {
        Ok(v) => Ok(v),
        Err(Throw::Js(e)) => Err(Stop::Fault(format!(
            "js: uncaught exception: {}",
            ops::to_string(host, &e)
        ))),
        Err(Throw::Stop(s)) => Err(s),
    }
}

/// `valueCall`: `Reflect.apply(Reflect.get(v, name), v, args)`.
pub fn call(g: &mut dyn Guest, v: &Value, name: &str, args: &[Value]) -> Result<Caught, Stop> {
    let r = ops::get(g.host(), v, Key::Name(name)).and_then(|m| ops::apply(g, &m, v, args));
    caught(r)
}

/// `valueInvoke`: `Reflect.apply(v, undefined, args)`.
pub fn invoke(g: &mut dyn Guest, v: &Value, args: &[Value]) -> Result<Caught, Stop> {
    caught(ops::apply(g, v, &Value::Undefined, args))
}

/// `valueNew`: `Reflect.construct(v, args)`.
pub fn construct(g: &mut dyn Guest, v: &Value, args: &[Value]) -> Result<Caught, Stop> {
    caught(ops::construct(g, v, args))
}

pub fn get(host: &mut JsHost, v: &Value, key: Key) -> Result<Value, Stop> {
    let r = ops::get(host, v, key);
    uncaught(host, r)
}

pub fn set(host: &mut JsHost, v: &Value, key: Key, x: Value) -> Result<(), Stop> {
    let r = ops::set(host, v, key, x);
    uncaught(host, r)
}

pub fn delete(host: &mut JsHost, v: &Value, key: Key) -> Result<(), Stop> {
    let r = ops::delete(host, v, key);
    uncaught(host, r)
}

/// `valueLength`: `v.length` as a number.
pub fn length(host: &mut JsHost, v: &Value) -> Result<f64, Stop> {
    let len = get(host, v, Key::Name("length"))?;
    Ok(ops::to_number(host, &len))
}

/// `valuePrepareString`: `String(v)` as UTF-8 bytes in a `Uint8Array`, and their length; a
/// fault when the heap cannot hold them under the run's memory cap.
pub fn prepare_string(host: &mut JsHost, v: &Value) -> Result<(Value, usize), Stop> {
    let bytes = ops::to_string(host, v).into_bytes();
    let len = bytes.len();
    let array = host
        .heap
        .alloc_within_cap(Object::new(Kind::Bytes(bytes)))
        .ok_or_else(|| over_cap(host, len))?;
    Ok((Value::Object(array), len))
}

/// The fault when the host's heap cannot hold `bytes` more under the run's memory cap.
pub fn over_cap(host: &JsHost, bytes: usize) -> Stop {
    Stop::Fault(format!(
        "js: out of memory: {bytes} more bytes would pass the memory cap ({} bytes held of {}); \
         hint: raise it with --max-memory",
        host.heap.payload(),
        host.heap.cap()
    ))
}

/// The bytes of a `Uint8Array`, or `None` for anything else.
pub fn bytes_of(host: &JsHost, v: &Value) -> Option<Vec<u8>> {
    match v.clone().object().map(|id| &host.heap.get(id).kind) {
        Some(Kind::Bytes(b)) => Some(b.clone()),
        _ => None,
    }
}

/// `copyBytesToJS`: copies as much of `src` as fits into the `Uint8Array` `dst`.
pub fn copy_to_js(host: &mut JsHost, dst: &Value, src: &[u8]) -> Option<usize> {
    match dst
        .clone()
        .object()
        .map(|id| &mut host.heap.get_mut(id).kind)
    {
        Some(Kind::Bytes(b)) => {
            let n = b.len().min(src.len());
            b[..n].copy_from_slice(&src[..n]);
            Some(n)
        }
        _ => None,
    }
}

/// `ToInt32`, as JavaScript converts a number it hands to an `i32`.
pub fn to_i32(n: f64) -> i32 {
    if n.is_finite() {
        n.trunc().rem_euclid(4_294_967_296.0) as u32 as i32
    } else {
        0
    }
}

/// `ToBigInt64` of `setInt64`'s halves, for lengths and counts.
pub fn to_i64(n: f64) -> i64 {
    if n.is_finite() { n.trunc() as i64 } else { 0 }
}
