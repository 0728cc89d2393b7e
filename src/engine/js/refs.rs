//! The references Go holds to JavaScript values: NaN-boxed 64-bit words, as both wasm_exec.js
//! files encode them. A number other than 0 and NaN is its own IEEE 754 bits; `undefined` is 0;
//! everything else is `0x7FF8_0000 | type flag` in the high half and a table index in the low one.

use std::collections::HashMap;
use std::sync::Arc;

use super::value::{Heap, Kind, ObjId, Value};

const NAN_HEAD: u64 = 0x7FF8_0000;

/// What makes two values the same reference (JavaScript's `Map` keys: strings by content).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Zero,
    Null,
    Bool(bool),
    Str(Arc<str>),
    Obj(ObjId),
}

fn key_of(v: &Value) -> Option<Key> {
    Some(match v {
        Value::Number(n) if *n == 0.0 => Key::Zero,
        Value::Null => Key::Null,
        Value::Bool(b) => Key::Bool(*b),
        Value::String(s) => Key::Str(s.clone()),
        Value::Object(id) => Key::Obj(*id),
        Value::Undefined | Value::Number(_) => return None,
    })
}

/// A reference count that never reaches zero, for the predefined values.
const PINNED: u64 = u64::MAX;

/// `_values`, `_goRefCounts`, `_ids` and `_idPool` of wasm_exec.js.
#[derive(Debug)]
pub struct Refs {
    values: Vec<Option<Value>>,
    counts: Vec<u64>,
    ids: HashMap<Key, u32>,
    pool: Vec<u32>,
}

impl Refs {
    /// The table with the ids both runtimes know without asking: NaN, 0, null, true, false,
    /// globalThis and the Go object.
    pub fn new(global: ObjId, go: ObjId) -> Refs {
        let values = vec![
            Value::Number(f64::NAN),
            Value::Number(0.0),
            Value::Null,
            Value::Bool(true),
            Value::Bool(false),
            Value::Object(global),
            Value::Object(go),
        ];
        let ids = values
            .iter()
            .enumerate()
            .filter_map(|(id, v)| Some((key_of(v)?, id as u32)))
            .collect();
        Refs {
            counts: vec![PINNED; values.len()],
            values: values.into_iter().map(Some).collect(),
            ids,
            pool: Vec::new(),
        }
    }

    /// The value a reference stands for; `None` for an id that holds nothing.
    pub fn load(&self, r: u64) -> Option<Value> {
        let f = f64::from_bits(r);
        if f == 0.0 {
            return Some(Value::Undefined);
        }
        if !f.is_nan() {
            return Some(Value::Number(f));
        }
        self.values.get(r as u32 as usize)?.clone()
    }

    /// A reference to `v`, counted: Go gives it back through `finalizeRef`.
    pub fn store(&mut self, v: &Value, heap: &Heap) -> u64 {
        match v {
            Value::Undefined => return 0,
            Value::Number(n) if n.is_nan() => return NAN_HEAD << 32,
            Value::Number(n) if *n != 0.0 => return n.to_bits(),
            _ => {}
        }
        let key = key_of(v).expect("every other value has a key");
        let id = match self.ids.get(&key) {
            Some(&id) => id,
            None => {
                let id = self.pool.pop().unwrap_or(self.values.len() as u32);
                if id as usize == self.values.len() {
                    self.values.push(None);
                    self.counts.push(0);
                }
                self.values[id as usize] = Some(v.clone());
                self.counts[id as usize] = 0;
                self.ids.insert(key, id);
                id
            }
        };
        let count = &mut self.counts[id as usize];
        if *count != PINNED {
            *count += 1;
        }
        let flag = match v {
            Value::Object(o) if matches!(heap.get(*o).kind, Kind::Function(_)) => 4,
            Value::Object(_) => 1,
            Value::String(_) => 2,
            _ => 0,
        };
        (NAN_HEAD | flag) << 32 | u64::from(id)
    }

    /// Go no longer holds one of its references to this id.
    pub fn release(&mut self, r: u64) {
        let id = r as u32 as usize;
        let Some(count) = self.counts.get_mut(id) else {
            return;
        };
        if *count == PINNED || *count == 0 {
            return;
        }
        *count -= 1;
        if *count == 0
            && let Some(v) = self.values[id].take()
        {
            if let Some(key) = key_of(&v) {
                self.ids.remove(&key);
            }
            self.pool.push(id as u32);
        }
    }

    /// Every value Go holds, for the collector.
    pub fn held(&self) -> impl Iterator<Item = &Value> {
        self.values.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::js::value::Object;

    #[test]
    fn references_box_as_wasm_exec_js_boxes_them() {
        let mut heap = Heap::new(1 << 20);
        let global = heap.alloc(Object::new(Kind::Plain));
        let go = heap.alloc(Object::new(Kind::Plain));
        let mut refs = Refs::new(global, go);
        assert_eq!(refs.store(&Value::Undefined, &heap), 0);
        assert_eq!(refs.store(&Value::Number(1.5), &heap), 1.5f64.to_bits());
        assert_eq!(
            refs.store(&Value::Number(f64::NAN), &heap),
            0x7FF8_0000 << 32
        );
        assert_eq!(
            refs.store(&Value::Number(0.0), &heap),
            0x7FF8_0000 << 32 | 1
        );
        assert_eq!(refs.store(&Value::Null, &heap), 0x7FF8_0000 << 32 | 2);
        assert_eq!(
            refs.store(&Value::Bool(false), &heap),
            0x7FF8_0000 << 32 | 4
        );
        assert_eq!(
            refs.store(&Value::Object(global), &heap),
            0x7FF8_0001 << 32 | 5
        );

        let s = refs.store(&Value::str("hi"), &heap);
        assert_eq!(s, 0x7FF8_0002 << 32 | 7);
        // The same string is the same reference, counted twice.
        assert_eq!(refs.store(&Value::str("hi"), &heap), s);
        refs.release(s);
        assert_eq!(refs.load(s), Some(Value::str("hi")));
        refs.release(s);
        assert_eq!(refs.load(s), None);
        // The freed id is used again.
        let f = heap.alloc(Object::new(Kind::Function(
            crate::engine::js::value::Callable::GoFunc(1),
        )));
        assert_eq!(refs.store(&Value::Object(f), &heap), 0x7FF8_0004 << 32 | 7);
        // Predefined values are never freed.
        refs.release(0x7FF8_0001 << 32 | 5);
        assert_eq!(
            refs.load(0x7FF8_0001 << 32 | 5),
            Some(Value::Object(global))
        );
        assert_eq!(refs.load(0), Some(Value::Undefined));
        assert_eq!(refs.load(2.5f64.to_bits()), Some(Value::Number(2.5)));
    }
}
