//! The small world a module finds at `globalThis`: the built-in classes (`Object`, `Array`,
//! `Uint8Array`, `Date`, `Error`…), their methods, and the host objects of [`system`] (`fs`,
//! `process`, `crypto`, `performance`, `console`, timers). No DOM, no network, no `eval`.

use super::ops::{self, type_error};
use super::value::{Callable, Class, Heap, Kind, Native, NativeFn, ObjId, Object, Throw, Value};
use super::{Guest, JsHost, RunConfig};
use super::{stringify, system};

/// Makes `globalThis` and the `Go` instance.
pub fn build(heap: &mut Heap, config: &RunConfig) -> (ObjId, ObjId) {
    let global = heap.alloc(Object::new(Kind::Plain));
    let classes = [
        Class::Object,
        Class::Function,
        Class::Array,
        Class::Uint8Array,
        Class::Date,
        Class::Error,
        Class::TypeError,
        Class::RangeError,
    ];
    for class in classes {
        let ctor = function(heap, Callable::Class(class));
        for &(name, call) in statics(class) {
            let f = function(heap, Callable::Native(Native { name, call }));
            heap.get_mut(ctor).set_own(name, Value::Object(f));
        }
        heap.get_mut(global)
            .set_own(class.name(), Value::Object(ctor));
    }
    for (name, methods) in system::NAMESPACES {
        let ns = namespace(heap, methods);
        heap.get_mut(global).set_own(name, Value::Object(ns));
    }
    for &(name, call) in system::GLOBAL_FUNCTIONS {
        let f = function(heap, Callable::Native(Native { name, call }));
        heap.get_mut(global).set_own(name, Value::Object(f));
    }
    system::add_state(heap, global, config);
    heap.get_mut(global)
        .set_own("globalThis", Value::Object(global));

    let go = namespace(heap, &[("_makeFuncWrapper", make_func_wrapper)]);
    heap.get_mut(go).set_own("_pendingEvent", Value::Null);
    (global, go)
}

pub fn function(heap: &mut Heap, c: Callable) -> ObjId {
    heap.alloc(Object::new(Kind::Function(c)))
}

/// A plain object whose properties are host functions.
pub fn namespace(heap: &mut Heap, methods: &[(&'static str, NativeFn)]) -> ObjId {
    let ns = heap.alloc(Object::new(Kind::Plain));
    for &(name, call) in methods {
        let f = function(heap, Callable::Native(Native { name, call }));
        heap.get_mut(ns).set_own(name, Value::Object(f));
    }
    ns
}

/// `go._makeFuncWrapper(id)`: the JavaScript function that runs Go's `js.FuncOf` number `id`.
fn make_func_wrapper(guest: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = guest.host();
    let id = ops::to_number(host, args.first().unwrap_or(&Value::Undefined));
    Ok(Value::Object(function(
        &mut host.heap,
        Callable::GoFunc(id as u32),
    )))
}

/// Why a global the guest looked for is not there.
pub fn why_missing(name: &str) -> &'static str {
    const DOM: &[&str] = &[
        "document",
        "window",
        "navigator",
        "location",
        "history",
        "HTMLElement",
        "Element",
        "Node",
        "Event",
        "CustomEvent",
        "requestAnimationFrame",
        "alert",
    ];
    const NETWORK: &[&str] = &[
        "fetch",
        "XMLHttpRequest",
        "WebSocket",
        "Headers",
        "Request",
        "Response",
        "AbortController",
        "EventSource",
    ];
    const STORAGE: &[&str] = &["localStorage", "sessionStorage", "indexedDB"];
    if DOM.contains(&name) {
        "gowasm's JS host has no DOM; a browser has: gowasm serve, or run --browser"
    } else if NETWORK.contains(&name) {
        "gowasm's JS host has no network"
    } else if STORAGE.contains(&name) {
        "gowasm's JS host has no storage"
    } else if matches!(name, "eval" | "Function" | "require") {
        "gowasm's JS host runs no JavaScript source"
    } else {
        "gowasm's JS host does not provide it"
    }
}

fn statics(class: Class) -> &'static [(&'static str, NativeFn)] {
    match class {
        Class::Object => &[("keys", object_keys)],
        Class::Array => &[("isArray", array_is_array)],
        Class::Date => &[("now", date_now)],
        _ => &[],
    }
}

/// The method of a built-in kind, looked up by name (the prototype chain, flattened).
pub fn method(kind: &Kind, name: &str) -> Option<Native> {
    let own: &[(&'static str, NativeFn)] = match kind {
        Kind::Array(_) => &[("push", array_push), ("join", array_join)],
        Kind::Date(_) => &[
            ("getTime", date_get_time),
            ("valueOf", date_get_time),
            ("getTimezoneOffset", date_timezone_offset),
            ("toISOString", date_iso_string),
        ],
        Kind::Function(_) => &[("call", function_call)],
        _ => &[],
    };
    let common: &[(&'static str, NativeFn)] = &[
        ("toString", object_to_string_method),
        ("hasOwnProperty", object_has_own_property),
    ];
    own.iter()
        .chain(common)
        .find(|(n, _)| *n == name)
        .map(|&(name, call)| Native { name, call })
}

impl JsHost {
    /// The function object for a built-in method, made the first time it is asked for.
    pub(super) fn method_object(&mut self, native: Native) -> ObjId {
        if let Some((_, id)) = self.methods.iter().find(|(n, id)| {
            *n == native.name
                && matches!(self.heap.get(*id).kind,
                    Kind::Function(Callable::Native(m)) if std::ptr::fn_addr_eq(m.call, native.call))
        }) {
            return *id;
        }
        let id = function(&mut self.heap, Callable::Native(native));
        self.methods.push((native.name, id));
        id
    }
}

/// Properties that built-in kinds have without storing them.
pub fn builtin_property(object: &Object, name: &str) -> Option<Value> {
    let number = |n: usize| Some(Value::Number(n as f64));
    match (&object.kind, name) {
        (Kind::Array(items), "length") => number(items.len()),
        (Kind::Bytes(bytes), "length" | "byteLength") => number(bytes.len()),
        (Kind::Function(_), "length") => number(0),
        (Kind::Function(c), "name") => Some(Value::str(callable_name(c))),
        (Kind::Error(class), "name") => Some(Value::str(class.name())),
        (Kind::Error(_), "message") => Some(Value::str("")),
        _ => None,
    }
}

pub(super) fn callable_name(c: &Callable) -> &'static str {
    match c {
        Callable::Native(n) => n.name,
        Callable::Class(class) => class.name(),
        Callable::GoFunc(_) => "",
    }
}

/// `typeof v`.
pub fn type_of(host: &JsHost, v: &Value) -> &'static str {
    match v {
        Value::Undefined => "undefined",
        Value::Null => "object",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Object(id) => match host.heap.get(*id).kind {
            Kind::Function(_) => "function",
            _ => "object",
        },
    }
}

/// An `Error` (or subclass) object with a message.
pub fn new_error(host: &mut JsHost, class: Class, message: &str) -> Value {
    let mut error = Object::new(Kind::Error(class));
    error.set_own("message", Value::str(message));
    Value::Object(host.heap.alloc(error))
}

/// Calling a class without `new`: `Object(x)`, `Array(n)`, `Error(m)` construct; `Date()` is a
/// string.
pub fn call_class(guest: &mut dyn Guest, class: Class, args: &[Value]) -> Result<Value, Throw> {
    match class {
        Class::Date => {
            let now = super::unix_ms().floor();
            Ok(Value::str(&iso_date(now).unwrap_or_default()))
        }
        Class::Uint8Array => Err(type_error(
            guest.host(),
            "Constructor Uint8Array requires 'new'",
        )),
        _ => construct(guest, class, args),
    }
}

/// `new Class(...args)`.
pub fn construct(guest: &mut dyn Guest, class: Class, args: &[Value]) -> Result<Value, Throw> {
    let host = guest.host();
    let first = args.first().cloned().unwrap_or(Value::Undefined);
    let kind = match class {
        Class::Object => match first {
            v @ Value::Object(_) => return Ok(v),
            _ => Kind::Plain,
        },
        Class::Function => {
            host.missing.push("Function".into());
            return Err(type_error(
                host,
                "new Function() needs a JavaScript compiler, which gowasm's JS host does not have",
            ));
        }
        Class::Array => match (&first, args.len()) {
            (Value::Number(n), 1) => {
                let len = sized(host, *n, size_of::<Value>(), "Invalid array length")?;
                Kind::Array(vec![Value::Undefined; len])
            }
            _ => Kind::Array(args.to_vec()),
        },
        Class::Uint8Array => Kind::Bytes(bytes_from(host, &first)?),
        Class::Date => Kind::Date(match first {
            Value::Undefined => super::unix_ms().floor(),
            ref v => ops::to_number(host, v),
        }),
        Class::Error | Class::TypeError | Class::RangeError => {
            let message = match &first {
                Value::Undefined => String::new(),
                v => ops::to_string(host, v),
            };
            return Ok(new_error(host, class, &message));
        }
    };
    match kind {
        Kind::Array(_) | Kind::Bytes(_) => ops::alloc_array(host, kind),
        kind => Ok(Value::Object(host.heap.alloc(Object::new(kind)))),
    }
}

/// A length the guest asked for, if the host can hold that many `unit`-byte elements.
fn sized(host: &mut JsHost, n: f64, unit: usize, message: &str) -> Result<usize, Throw> {
    let fits = n >= 0.0 && n.fract() == 0.0 && n < 4_294_967_296.0;
    if fits && host.heap.can_hold(n as usize * unit) {
        Ok(n as usize)
    } else {
        Err(ops::range_error(
            host,
            &format!("{message}: {}", ops::to_string(host, &Value::Number(n))),
        ))
    }
}

/// The bytes of `new Uint8Array(arg)`: a length, or a copy of an array or byte array.
fn bytes_from(host: &mut JsHost, arg: &Value) -> Result<Vec<u8>, Throw> {
    match arg {
        Value::Undefined => Ok(Vec::new()),
        Value::Number(n) => Ok(vec![0; sized(host, *n, 1, "Invalid typed array length")?]),
        Value::Object(id) => {
            let items = match &host.heap.get(*id).kind {
                Kind::Bytes(b) => return Ok(b.clone()),
                Kind::Array(items) => items.clone(),
                _ => Vec::new(),
            };
            Ok(items
                .iter()
                .map(|v| {
                    let n = ops::to_number(host, v);
                    if n.is_finite() {
                        n.trunc().rem_euclid(256.0) as u8
                    } else {
                        0
                    }
                })
                .collect())
        }
        _ => Err(type_error(host, "invalid argument to Uint8Array")),
    }
}

/// `Date.prototype.toISOString` (UTC; `None` for an invalid date).
pub(super) fn iso_date(ms: f64) -> Option<String> {
    if !ms.is_finite() || ms.abs() > 8.64e15 {
        return None;
    }
    let ms = ms as i64;
    let (days, ms_of_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (year, month, day) = crate::civil_from_days(days);
    let (h, m, s, milli) = (
        ms_of_day / 3_600_000,
        ms_of_day / 60_000 % 60,
        ms_of_day / 1000 % 60,
        ms_of_day % 1000,
    );
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{milli:03}Z"
    ))
}

fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::Undefined)
}

fn object_keys(guest: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = guest.host();
    let Value::Object(id) = arg(args, 0) else {
        return Err(type_error(
            host,
            "Cannot convert undefined or null to object",
        ));
    };
    let object = host.heap.get(id);
    let indices = match &object.kind {
        Kind::Array(items) => items.len(),
        Kind::Bytes(bytes) => bytes.len(),
        _ => 0,
    };
    let keys: Vec<Value> = (0..indices)
        .map(|i| Value::str(&i.to_string()))
        .chain(object.props.iter().map(|(k, _)| Value::String(k.clone())))
        .collect();
    ops::alloc_array(host, Kind::Array(keys))
}

fn array_is_array(guest: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = guest.host();
    Ok(Value::Bool(matches!(arg(args, 0), Value::Object(id)
        if matches!(host.heap.get(id).kind, Kind::Array(_)))))
}

fn date_now(_: &mut dyn Guest, _: &Value, _: &[Value]) -> Result<Value, Throw> {
    Ok(Value::Number(super::unix_ms().floor()))
}

fn this_date(host: &mut JsHost, this: &Value) -> Result<f64, Throw> {
    match this {
        Value::Object(id) => match host.heap.get(*id).kind {
            Kind::Date(ms) => Ok(ms),
            _ => Err(type_error(host, "this is not a Date object.")),
        },
        _ => Err(type_error(host, "this is not a Date object.")),
    }
}

fn date_get_time(guest: &mut dyn Guest, this: &Value, _: &[Value]) -> Result<Value, Throw> {
    this_date(guest.host(), this).map(Value::Number)
}

/// Always 0: the guest runs in UTC, as Go's wasip1 programs do, whatever the host's zone.
fn date_timezone_offset(guest: &mut dyn Guest, this: &Value, _: &[Value]) -> Result<Value, Throw> {
    let ms = this_date(guest.host(), this)?;
    Ok(Value::Number(if ms.is_finite() { 0.0 } else { f64::NAN }))
}

fn date_iso_string(guest: &mut dyn Guest, this: &Value, _: &[Value]) -> Result<Value, Throw> {
    let host = guest.host();
    let ms = this_date(host, this)?;
    match iso_date(ms) {
        Some(s) => Ok(Value::str(&s)),
        None => Err(ops::range_error(host, "Invalid time value")),
    }
}

fn array_push(guest: &mut dyn Guest, this: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = guest.host();
    let Value::Object(id) = *this else {
        return Err(type_error(host, "Array.prototype.push called on non-array"));
    };
    let len = match &host.heap.get(id).kind {
        Kind::Array(items) => items.len(),
        _ => return Err(type_error(host, "Array.prototype.push called on non-array")),
    };
    if !host.heap.resize_array(id, len + args.len()) {
        return Err(ops::range_error(host, "Invalid array length"));
    }
    if let Kind::Array(items) = &mut host.heap.get_mut(id).kind {
        items[len..].clone_from_slice(args);
    }
    Ok(Value::Number((len + args.len()) as f64))
}

fn array_join(guest: &mut dyn Guest, this: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = guest.host();
    let separator = match arg(args, 0) {
        Value::Undefined => ",".to_string(),
        v => ops::to_string(host, &v),
    };
    Ok(Value::str(&match *this {
        Value::Object(id) => stringify::join(host, id, &separator),
        _ => String::new(),
    }))
}

fn function_call(guest: &mut dyn Guest, this: &Value, args: &[Value]) -> Result<Value, Throw> {
    let (new_this, rest) = match args.split_first() {
        Some((t, rest)) => (t.clone(), rest),
        None => (Value::Undefined, &[][..]),
    };
    ops::apply(guest, this, &new_this, rest)
}

fn object_to_string_method(
    guest: &mut dyn Guest,
    this: &Value,
    _: &[Value],
) -> Result<Value, Throw> {
    let host = guest.host();
    Ok(Value::str(&ops::to_string(host, this)))
}

fn object_has_own_property(
    guest: &mut dyn Guest,
    this: &Value,
    args: &[Value],
) -> Result<Value, Throw> {
    let host = guest.host();
    let key = ops::to_string(host, &arg(args, 0));
    Ok(Value::Bool(match this {
        Value::Object(id) => {
            let object = host.heap.get(*id);
            object.own(&key).is_some() || builtin_property(object, &key).is_some()
        }
        _ => false,
    }))
}

#[cfg(test)]
mod tests {
    use super::iso_date;

    #[test]
    fn dates_print_as_iso_8601() {
        assert_eq!(iso_date(0.0).unwrap(), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            iso_date(1_700_000_000_123.0).unwrap(),
            "2023-11-14T22:13:20.123Z"
        );
        assert_eq!(iso_date(-1.0).unwrap(), "1969-12-31T23:59:59.999Z");
        assert_eq!(
            iso_date(951_782_400_000.0).unwrap(),
            "2000-02-29T00:00:00.000Z"
        );
        assert_eq!(iso_date(f64::NAN), None);
    }
}
