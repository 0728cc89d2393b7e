//! JavaScript values and the heap of objects they point into, with a mark-and-sweep collector:
//! a Go program that prints a million lines makes millions of small objects (a `Uint8Array`, a
//! callback and an event per write), and node would collect them too.

use std::sync::Arc;

use super::Guest;

/// A JavaScript value. Strings are shared, not copied; objects live in the [`Heap`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    String(Arc<str>),
    Object(ObjId),
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::String(Arc::from(s))
    }

    pub fn object(self) -> Option<ObjId> {
        match self {
            Value::Object(id) => Some(id),
            _ => None,
        }
    }
}

/// An index into the heap.
pub type ObjId = u32;

/// A function the host implements: `this`, the arguments, and the guest to call back into.
pub type NativeFn = fn(&mut dyn Guest, &Value, &[Value]) -> Result<Value, Throw>;

/// What a JavaScript operation ends with when it does not return a value.
#[derive(Debug)]
pub enum Throw {
    /// A JavaScript exception, which the ABIs hand to Go as the `ok == false` result.
    Js(Value),
    /// The run is over (the guest exited or trapped inside a callback): unwind to the engine.
    Stop(super::Stop),
}

impl From<super::Stop> for Throw {
    fn from(stop: super::Stop) -> Throw {
        Throw::Stop(stop)
    }
}

/// A host function with the name JavaScript shows for it.
#[derive(Debug, Clone, Copy)]
pub struct Native {
    pub name: &'static str,
    pub call: NativeFn,
}

/// The built-in constructors; `instanceof` and `new` go by these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Object,
    Function,
    Array,
    Uint8Array,
    Date,
    Error,
    TypeError,
    RangeError,
}

impl Class {
    pub fn name(self) -> &'static str {
        match self {
            Class::Object => "Object",
            Class::Function => "Function",
            Class::Array => "Array",
            Class::Uint8Array => "Uint8Array",
            Class::Date => "Date",
            Class::Error => "Error",
            Class::TypeError => "TypeError",
            Class::RangeError => "RangeError",
        }
    }
}

/// Something that can be called.
#[derive(Debug, Clone, Copy)]
pub enum Callable {
    Native(Native),
    Class(Class),
    /// The wrapper `_makeFuncWrapper(id)` returns for a `js.FuncOf`: calling it runs Go's function.
    GoFunc(u32),
}

/// What an object is besides its properties.
#[derive(Debug)]
pub enum Kind {
    Plain,
    Array(Vec<Value>),
    Bytes(Vec<u8>),
    /// Milliseconds since the Unix epoch.
    Date(f64),
    Error(Class),
    Function(Callable),
}

#[derive(Debug)]
pub struct Object {
    /// Own properties in insertion order (what `Object.keys` gives).
    pub props: Vec<(Arc<str>, Value)>,
    pub kind: Kind,
}

impl Object {
    pub fn new(kind: Kind) -> Object {
        Object {
            props: Vec::new(),
            kind,
        }
    }

    pub fn own(&self, key: &str) -> Option<&Value> {
        self.props.iter().find(|(k, _)| &**k == key).map(|(_, v)| v)
    }

    pub fn set_own(&mut self, key: &str, value: Value) {
        match self.props.iter_mut().find(|(k, _)| &**k == key) {
            Some((_, v)) => *v = value,
            None => self.props.push((Arc::from(key), value)),
        }
    }

    pub fn delete_own(&mut self, key: &str) {
        self.props.retain(|(k, _)| &**k != key);
    }

    /// Bytes held outside the property list, for the host's memory cap.
    fn payload_bytes(&self) -> usize {
        match &self.kind {
            Kind::Array(items) => items.len() * size_of::<Value>(),
            Kind::Bytes(bytes) => bytes.len(),
            _ => 0,
        }
    }
}

/// Every object the guest can reach, and the free slots of those it can no longer reach.
#[derive(Debug, Default)]
pub struct Heap {
    slots: Vec<Option<Object>>,
    free: Vec<ObjId>,
    live: usize,
    /// A collection runs once `live` passes this.
    next_collection: usize,
    /// Bytes of array and byte-array payloads, kept under `max_bytes`.
    payload: usize,
    max_bytes: usize,
}

/// The fewest objects between collections.
const MIN_COLLECTION: usize = 16 * 1024;

impl Heap {
    pub fn new(max_bytes: usize) -> Heap {
        Heap {
            next_collection: MIN_COLLECTION,
            max_bytes,
            ..Heap::default()
        }
    }

    pub fn alloc(&mut self, object: Object) -> ObjId {
        self.payload += object.payload_bytes();
        self.live += 1;
        match self.free.pop() {
            Some(id) => {
                self.slots[id as usize] = Some(object);
                id
            }
            None => {
                self.slots.push(Some(object));
                (self.slots.len() - 1) as ObjId
            }
        }
    }

    /// Whether `bytes` more of array payload stay within the cap.
    pub fn can_hold(&self, bytes: usize) -> bool {
        self.payload.saturating_add(bytes) <= self.max_bytes
    }

    /// Sets an array's length, filling with `undefined`; `false` (and no change) past the cap.
    pub fn resize_array(&mut self, id: ObjId, len: usize) -> bool {
        let Kind::Array(items) = &self.get(id).kind else {
            return false;
        };
        let (old, new) = (items.len() * size_of::<Value>(), len * size_of::<Value>());
        if new > old && !self.can_hold(new - old) {
            return false;
        }
        self.payload = self.payload + new - old;
        if let Kind::Array(items) = &mut self.get_mut(id).kind {
            items.resize(len, Value::Undefined);
        }
        true
    }

    pub fn get(&self, id: ObjId) -> &Object {
        self.slots[id as usize]
            .as_ref()
            .expect("a reachable object is never collected")
    }

    pub fn get_mut(&mut self, id: ObjId) -> &mut Object {
        self.slots[id as usize]
            .as_mut()
            .expect("a reachable object is never collected")
    }

    pub fn wants_collection(&self) -> bool {
        self.live >= self.next_collection
    }

    /// Frees every object not reachable from `roots`.
    pub fn collect<'a>(&mut self, roots: impl Iterator<Item = &'a Value>) {
        let mut marked = vec![false; self.slots.len()];
        let mut stack: Vec<ObjId> = roots.filter_map(|v| v.clone().object()).collect();
        while let Some(id) = stack.pop() {
            if std::mem::replace(&mut marked[id as usize], true) {
                continue;
            }
            let object = self.get(id);
            let children = object.props.iter().map(|(_, v)| v);
            let items: &[Value] = match &object.kind {
                Kind::Array(items) => items,
                _ => &[],
            };
            stack.extend(
                children
                    .chain(items)
                    .filter_map(|v| v.clone().object())
                    .filter(|c| !marked[*c as usize]),
            );
        }
        for (id, slot) in self.slots.iter_mut().enumerate() {
            if !marked[id]
                && let Some(object) = slot.take()
            {
                self.payload -= object.payload_bytes();
                self.live -= 1;
                self.free.push(id as ObjId);
            }
        }
        self.next_collection = (self.live * 2).max(MIN_COLLECTION);
    }

    #[cfg(test)]
    pub fn live(&self) -> usize {
        self.live
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_frees_what_roots_cannot_reach_and_reuses_the_slots() {
        let mut heap = Heap::new(1 << 20);
        let root = heap.alloc(Object::new(Kind::Plain));
        let child = heap.alloc(Object::new(Kind::Array(vec![])));
        let grandchild = heap.alloc(Object::new(Kind::Bytes(vec![0; 100])));
        let lost = heap.alloc(Object::new(Kind::Bytes(vec![0; 1000])));
        heap.get_mut(root).set_own("child", Value::Object(child));
        if let Kind::Array(items) = &mut heap.get_mut(child).kind {
            items.push(Value::Object(grandchild));
        }
        // A cycle that nothing else reaches goes too.
        let a = heap.alloc(Object::new(Kind::Plain));
        let b = heap.alloc(Object::new(Kind::Plain));
        heap.get_mut(a).set_own("b", Value::Object(b));
        heap.get_mut(b).set_own("a", Value::Object(a));

        heap.collect([Value::Object(root)].iter());
        assert_eq!(heap.live(), 3);
        assert!(heap.can_hold((1 << 20) - 100));
        assert!(!heap.can_hold((1 << 20) - 99));
        let reused = heap.alloc(Object::new(Kind::Plain));
        assert!([lost, a, b].contains(&reused));
        assert!(matches!(heap.get(grandchild).kind, Kind::Bytes(_)));
        let _ = heap.get(child);
    }
}
