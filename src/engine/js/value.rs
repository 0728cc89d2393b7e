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
    /// A collection runs once `live` passes this,
    next_collection: usize,
    /// or once `payload` passes this (half of what is left under the cap after the last one).
    next_payload_collection: usize,
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
            next_payload_collection: max_bytes / 2,
            max_bytes,
            ..Heap::default()
        }
    }

    /// Allocates an object without a payload (a plain object, a function, a date), or one of
    /// the host's own at start-up (`process.argv`), whose payload counts but is not refused.
    /// What the guest asks for goes through [`Heap::alloc_within_cap`].
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

    /// Allocates an array or a byte array if its payload stays within the cap; `None` (and
    /// nothing allocated) past it, which the caller turns into JavaScript's `RangeError` or an
    /// error code.
    pub fn alloc_within_cap(&mut self, object: Object) -> Option<ObjId> {
        self.can_hold(object.payload_bytes())
            .then(|| self.alloc(object))
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

    /// Bytes of array and byte-array payloads now held (never above the cap).
    pub fn payload(&self) -> usize {
        self.payload
    }

    /// Whether enough objects, or enough payload, came since the last collection: then the
    /// host collects at its next safe point, so that garbage never takes room under the cap
    /// that a live allocation needs.
    pub fn wants_collection(&self) -> bool {
        self.live >= self.next_collection || self.payload > self.next_payload_collection
    }

    /// The cap on payload bytes.
    pub fn cap(&self) -> usize {
        self.max_bytes
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
        self.next_payload_collection = self.payload + (self.max_bytes - self.payload) / 2;
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
        let grandchild = heap
            .alloc_within_cap(Object::new(Kind::Bytes(vec![0; 100])))
            .unwrap();
        let lost = heap
            .alloc_within_cap(Object::new(Kind::Bytes(vec![0; 1000])))
            .unwrap();
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

    #[test]
    fn payloads_stay_under_the_cap_and_their_garbage_is_collected_early() {
        let mut heap = Heap::new(1000);
        let bytes = |n| Object::new(Kind::Bytes(vec![0; n]));
        assert!(heap.alloc_within_cap(bytes(1001)).is_none());
        assert_eq!(heap.payload(), 0);
        let kept = heap.alloc_within_cap(bytes(400)).unwrap();
        assert!(
            !heap.wants_collection(),
            "400 of 1000 bytes is under half the cap"
        );
        heap.alloc_within_cap(bytes(200)).unwrap();
        assert!(heap.wants_collection(), "600 bytes is over half the cap");
        assert!(heap.alloc_within_cap(bytes(401)).is_none());
        heap.collect([Value::Object(kept)].iter());
        assert_eq!(heap.payload(), 400);
        // The next collection is due halfway through what is left: at 700 bytes.
        heap.alloc_within_cap(bytes(300)).unwrap();
        assert!(!heap.wants_collection());
        heap.alloc_within_cap(bytes(1)).unwrap();
        assert!(heap.wants_collection());
    }
}
