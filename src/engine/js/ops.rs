//! The JavaScript operations the ABIs are made of: `Reflect.get`/`set`/`deleteProperty`/`apply`/
//! `construct`, `instanceof`, `String(v)` and `Number(v)`, over the [`world`]'s objects.

use super::number::to_js_string;
use super::value::{Callable, Class, Kind, Object, Throw, Value};
use super::{Guest, JsHost, stringify, world};

/// A property key: a name, or a number (`Reflect.get(v, i)`).
#[derive(Debug, Clone, Copy)]
pub enum Key<'a> {
    Name(&'a str),
    Index(f64),
}

impl Key<'_> {
    /// The element index this key names, if it is one (`3`, or `"3"`).
    fn index(self) -> Option<usize> {
        let n = match self {
            Key::Index(n) => n,
            Key::Name(s) => {
                let n: usize = s.parse().ok()?;
                // Only the canonical spelling is an index: "03" and "+3" are names.
                return (n.to_string() == s).then_some(n);
            }
        };
        (n >= 0.0 && n.fract() == 0.0 && n < 4_294_967_295.0).then_some(n as usize)
    }

    fn name(self) -> std::borrow::Cow<'static, str> {
        match self {
            Key::Name(s) => s.to_string().into(),
            Key::Index(n) => to_js_string(n).into(),
        }
    }
}

/// `Reflect.get(target, key)`.
pub fn get(host: &mut JsHost, target: &Value, key: Key) -> Result<Value, Throw> {
    let Value::Object(id) = *target else {
        return Err(type_error(host, "Reflect.get called on non-object"));
    };
    let object = host.heap.get(id);
    if let Some(i) = key.index() {
        match &object.kind {
            Kind::Array(items) => return Ok(items.get(i).cloned().unwrap_or(Value::Undefined)),
            Kind::Bytes(bytes) => {
                return Ok(bytes
                    .get(i)
                    .map_or(Value::Undefined, |b| Value::Number(f64::from(*b))));
            }
            _ => {}
        }
    }
    let name = key.name();
    if let Some(v) = object.own(&name) {
        return Ok(v.clone());
    }
    if let Some(v) = world::builtin_property(object, &name) {
        return Ok(v);
    }
    if let Some(native) = world::method(&object.kind, &name) {
        return Ok(Value::Object(host.method_object(native)));
    }
    if id == host.global && !host.missing.iter().any(|m| *m == *name) {
        host.missing.push(name.into_owned());
    }
    Ok(Value::Undefined)
}

/// `Reflect.set(target, key, value)`.
pub fn set(host: &mut JsHost, target: &Value, key: Key, value: Value) -> Result<(), Throw> {
    let Value::Object(id) = *target else {
        return Err(type_error(host, "Reflect.set called on non-object"));
    };
    let index = key.index();
    let name = key.name();
    if let Kind::Array(items) = &host.heap.get(id).kind {
        let len = items.len();
        let new_len = match index {
            Some(i) if i >= len => Some(i + 1),
            None if name == "length" => Some(array_length(host, &value)?),
            _ => None,
        };
        if let Some(new_len) = new_len
            && !host.heap.resize_array(id, new_len)
        {
            return Err(range_error(host, "Invalid array length"));
        }
        if index.is_none() && name == "length" {
            return Ok(());
        }
    }
    let number = to_number(host, &value);
    let object = host.heap.get_mut(id);
    match (&mut object.kind, index) {
        (Kind::Array(items), Some(i)) => items[i] = value,
        (Kind::Bytes(bytes), Some(i)) => {
            if let Some(b) = bytes.get_mut(i) {
                // ToUint8: modulo 256, NaN and infinities to 0.
                *b = if number.is_finite() {
                    number.trunc().rem_euclid(256.0) as u8
                } else {
                    0
                };
            }
        }
        _ => object.set_own(&name, value),
    }
    Ok(())
}

/// The length an array is set to, or a RangeError.
fn array_length(host: &mut JsHost, value: &Value) -> Result<usize, Throw> {
    let n = to_number(host, value);
    if n >= 0.0 && n.fract() == 0.0 && n < 4_294_967_296.0 {
        Ok(n as usize)
    } else {
        Err(range_error(host, "Invalid array length"))
    }
}

/// `Reflect.deleteProperty(target, key)`.
pub fn delete(host: &mut JsHost, target: &Value, key: Key) -> Result<(), Throw> {
    let Value::Object(id) = *target else {
        return Err(type_error(
            host,
            "Reflect.deleteProperty called on non-object",
        ));
    };
    let object = host.heap.get_mut(id);
    match (&mut object.kind, key.index()) {
        (Kind::Array(items), Some(i)) if i < items.len() => items[i] = Value::Undefined,
        _ => object.delete_own(&key.name()),
    }
    Ok(())
}

fn callable(host: &JsHost, v: &Value) -> Option<Callable> {
    match v {
        Value::Object(id) => match host.heap.get(*id).kind {
            Kind::Function(c) => Some(c),
            _ => None,
        },
        _ => None,
    }
}

/// `Reflect.apply(func, this, args)`.
pub fn apply(
    guest: &mut dyn Guest,
    func: &Value,
    this: &Value,
    args: &[Value],
) -> Result<Value, Throw> {
    let host = guest.host();
    let Some(c) = callable(host, func) else {
        let shown = describe(host, func);
        return Err(type_error(host, &format!("{shown} is not a function")));
    };
    let mark = host.roots.len();
    host.roots.extend(
        [func.clone(), this.clone()]
            .into_iter()
            .chain(args.iter().cloned()),
    );
    let result = match c {
        Callable::Native(n) => (n.call)(guest, this, args),
        Callable::Class(class) => world::call_class(guest, class, args),
        Callable::GoFunc(id) => call_go(guest, id, this, args),
    };
    guest.host().roots.truncate(mark);
    result
}

/// `Reflect.construct(func, args)`.
pub fn construct(guest: &mut dyn Guest, func: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = guest.host();
    match callable(host, func) {
        Some(Callable::Class(class)) => world::construct(guest, class, args),
        Some(Callable::GoFunc(_)) => {
            // `new f()` on an ordinary function: `this` is a new object, returned unless the
            // function returns an object of its own.
            let this = Value::Object(host.heap.alloc(Object::new(Kind::Plain)));
            match apply(guest, func, &this, args)? {
                v @ Value::Object(_) => Ok(v),
                _ => Ok(this),
            }
        }
        _ => {
            let shown = describe(host, func);
            Err(type_error(host, &format!("{shown} is not a constructor")))
        }
    }
}

/// Calls the Go function behind a `js.FuncOf` wrapper: the event goes in `_pendingEvent`, the
/// guest's `resume` export runs it, and its result comes back in `event.result`.
fn call_go(guest: &mut dyn Guest, id: u32, this: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = guest.host();
    let args = alloc_array(host, Kind::Array(args.to_vec()))?;
    let mut event = Object::new(Kind::Plain);
    event.set_own("id", Value::Number(f64::from(id)));
    event.set_own("this", this.clone());
    event.set_own("args", args);
    let event = host.heap.alloc(event);
    host.roots.push(Value::Object(event));
    host.heap
        .get_mut(host.go)
        .set_own("_pendingEvent", Value::Object(event));
    host.calls_into_go += 1;
    guest.call("resume", &[])?;
    let host = guest.host();
    Ok(host
        .heap
        .get(event)
        .own("result")
        .cloned()
        .unwrap_or(Value::Undefined))
}

/// `v instanceof c`.
pub fn instance_of(host: &mut JsHost, v: &Value, c: &Value) -> Result<bool, Throw> {
    let Some(callable) = callable(host, c) else {
        return Err(type_error(
            host,
            "Right-hand side of 'instanceof' is not callable",
        ));
    };
    let (Callable::Class(class), Value::Object(id)) = (callable, v) else {
        return Ok(false);
    };
    Ok(match (class, &host.heap.get(*id).kind) {
        (Class::Object, _) => true,
        (Class::Function, Kind::Function(_)) => true,
        (Class::Array, Kind::Array(_)) => true,
        (Class::Uint8Array, Kind::Bytes(_)) => true,
        (Class::Date, Kind::Date(_)) => true,
        (Class::Error, Kind::Error(_)) => true,
        (want, Kind::Error(is)) => want == *is,
        _ => false,
    })
}

/// `String(v)`.
pub fn to_string(host: &JsHost, v: &Value) -> String {
    match v {
        Value::Undefined => "undefined".into(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => to_js_string(*n),
        Value::String(s) => s.to_string(),
        Value::Object(id) => stringify::object_to_string(host, *id),
    }
}

/// `Number(v)`.
pub fn to_number(host: &JsHost, v: &Value) -> f64 {
    match v {
        Value::Undefined => f64::NAN,
        Value::Null => 0.0,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Number(n) => *n,
        Value::String(s) => string_to_number(s),
        Value::Object(id) => match &host.heap.get(*id).kind {
            Kind::Date(ms) => *ms,
            _ => string_to_number(&to_string(host, v)),
        },
    }
}

fn string_to_number(s: &str) -> f64 {
    let t = s.trim();
    if t.is_empty() {
        return 0.0;
    }
    let radix = [
        ("0x", 16),
        ("0X", 16),
        ("0o", 8),
        ("0O", 8),
        ("0b", 2),
        ("0B", 2),
    ];
    if let Some((digits, radix)) = radix
        .iter()
        .find_map(|(p, r)| t.strip_prefix(p).map(|d| (d, *r)))
    {
        return u64::from_str_radix(digits, radix).map_or(f64::NAN, |n| n as f64);
    }
    match t {
        "Infinity" | "+Infinity" => f64::INFINITY,
        "-Infinity" => f64::NEG_INFINITY,
        // Rust also reads "inf", "nan" and "1e5f"-free forms JavaScript does not: refuse letters.
        _ if t
            .chars()
            .any(|c| c.is_ascii_alphabetic() && c != 'e' && c != 'E') =>
        {
            f64::NAN
        }
        _ => t.parse().unwrap_or(f64::NAN),
    }
}

/// How an error message names a value: strings quoted, objects by kind.
fn describe(host: &JsHost, v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        Value::Object(_) => format!("{} ({})", to_string(host, v), world::type_of(host, v)),
        _ => to_string(host, v),
    }
}

pub fn type_error(host: &mut JsHost, message: &str) -> Throw {
    Throw::Js(world::new_error(host, Class::TypeError, message))
}

pub fn range_error(host: &mut JsHost, message: &str) -> Throw {
    Throw::Js(world::new_error(host, Class::RangeError, message))
}

/// An array or a byte array in the heap, or, past the run's memory cap, the `RangeError` V8
/// throws when an allocation fails.
pub fn alloc_array(host: &mut JsHost, kind: Kind) -> Result<Value, Throw> {
    match host.heap.alloc_within_cap(Object::new(kind)) {
        Some(id) => Ok(Value::Object(id)),
        None => Err(range_error(host, "Array buffer allocation failed")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_become_numbers_as_in_javascript() {
        for (s, want) in [
            ("42", 42.0),
            ("  -1.5e3 ", -1500.0),
            ("", 0.0),
            ("0x1f", 31.0),
            ("Infinity", f64::INFINITY),
        ] {
            assert_eq!(string_to_number(s), want, "{s:?}");
        }
        for s in ["abc", "1px", "inf", "nan", "0xg"] {
            assert!(string_to_number(s).is_nan(), "{s:?}");
        }
    }

    #[test]
    fn only_canonical_numbers_are_indices() {
        assert_eq!(Key::Name("3").index(), Some(3));
        assert_eq!(Key::Name("03").index(), None);
        assert_eq!(Key::Index(2.0).index(), Some(2));
        assert_eq!(Key::Index(2.5).index(), None);
        assert_eq!(Key::Index(-1.0).index(), None);
        assert_eq!(Key::Index(2.5).name(), "2.5");
    }
}
