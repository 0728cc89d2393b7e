//! `String(object)` and `Array.prototype.join`, bounded as a JavaScript engine bounds them: an
//! array met again inside itself (a cycle) joins as the empty string, as V8's `join` does;
//! nesting stops at [`MAX_NESTING`], where V8 would run out of stack; the text stops at the
//! run's memory cap, past which no engine could hold it. A guest cannot make the host recurse
//! without end or build a string larger than its cap.

use super::JsHost;
use super::ops;
use super::value::{Kind, ObjId, Value};
use super::world::{callable_name, iso_date};

/// The deepest arrays and errors are followed inside one another.
const MAX_NESTING: usize = 512;

/// `String(object)`.
pub fn object_to_string(host: &JsHost, id: ObjId) -> String {
    let mut text = Text::new(host);
    text.object(id);
    text.out
}

/// `array.join(separator)`; the empty string for what is not an array.
pub fn join(host: &JsHost, id: ObjId, separator: &str) -> String {
    let mut text = Text::new(host);
    text.array(id, separator);
    text.out
}

/// The text being built, the objects open around the current one, and the room left.
struct Text<'a> {
    host: &'a JsHost,
    open: Vec<ObjId>,
    room: usize,
    out: String,
}

impl<'a> Text<'a> {
    fn new(host: &'a JsHost) -> Text<'a> {
        Text {
            host,
            open: Vec::new(),
            room: host.heap.cap(),
            out: String::new(),
        }
    }

    fn push(&mut self, s: &str) {
        let s = &s[..s.floor_char_boundary(s.len().min(self.room))];
        self.room -= s.len();
        self.out.push_str(s);
    }

    /// `String(v)`, or, as an array's item, the empty string for `undefined` and `null`.
    fn value(&mut self, v: &Value, in_array: bool) {
        match v {
            Value::Undefined | Value::Null if in_array => {}
            Value::Object(id) => self.object(*id),
            v => self.push(&ops::to_string(self.host, v)),
        }
    }

    /// `String(v)` on its own, for an error's name and message: bounded by the room left, which
    /// it gives back, since the error's text counts once when it is pushed whole.
    fn part(&mut self, v: &Value) -> String {
        let (out, room) = (std::mem::take(&mut self.out), self.room);
        self.value(v, false);
        self.room = room;
        std::mem::replace(&mut self.out, out)
    }

    fn object(&mut self, id: ObjId) {
        let host = self.host;
        let object = host.heap.get(id);
        match &object.kind {
            Kind::Plain => self.push("[object Object]"),
            Kind::Array(_) => self.array(id, ","),
            Kind::Bytes(bytes) => {
                for (i, b) in bytes.iter().enumerate() {
                    if self.room == 0 {
                        break;
                    }
                    if i > 0 {
                        self.push(",");
                    }
                    self.push(&b.to_string());
                }
            }
            Kind::Date(ms) => self.push(&iso_date(*ms).unwrap_or_else(|| "Invalid Date".into())),
            Kind::Error(class) => {
                if !self.enter(id) {
                    return;
                }
                let name = object
                    .own("name")
                    .map_or_else(|| class.name().to_string(), |v| self.part(v));
                let message = object.own("message").map(|v| self.part(v));
                self.open.pop();
                match message {
                    Some(m) if !m.is_empty() => self.push(&format!("{name}: {m}")),
                    _ => self.push(&name),
                }
            }
            Kind::Function(c) => {
                self.push(&format!(
                    "function {}() {{ [native code] }}",
                    callable_name(c)
                ));
            }
        }
    }

    fn array(&mut self, id: ObjId, separator: &str) {
        let host = self.host;
        let Kind::Array(items) = &host.heap.get(id).kind else {
            return;
        };
        if !self.enter(id) {
            return;
        }
        for (i, item) in items.iter().enumerate() {
            if self.room == 0 {
                break;
            }
            if i > 0 {
                self.push(separator);
            }
            self.value(item, true);
        }
        self.open.pop();
    }

    /// Opens `id`, unless it is already open (a cycle) or too deep: then it reads as nothing.
    fn enter(&mut self, id: ObjId) -> bool {
        if self.open.contains(&id) || self.open.len() >= MAX_NESTING {
            return false;
        }
        self.open.push(id);
        true
    }
}
