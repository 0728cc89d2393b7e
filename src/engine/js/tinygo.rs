//! TinyGo's `-target wasm` ABI, as the `targets/wasm_exec.js` of TinyGo 0.33 to 0.40 (and
//! 0.42's `getRandomData`, which modules import from 0.37 on) define it; the clock changed from f64 milliseconds to i64 nanoseconds
//! in 0.38, and an import is looked up by name and signature. Go's
//! `syscall/js` declarations lowered by TinyGo, so references are `i64` parameters, strings and
//! slices are pointer and length (and capacity), and two results go through a pointer passed
//! first. `_start` runs `main` until it blocks; `runtime.sleepTicks` asks for `go_scheduler` to
//! be called later, which the event loop does until no timer is left.
//!
//! TinyGo's js programs have no command line: `os.Args` and the environment are fixed at link
//! time (`runtime.osArgs`), and TinyGo's wasm_exec.js passes none either.

use super::abi::{self, Caught};
use super::ops::{self, Key};
use super::timers::Action;
use super::value::Value;
use super::{Guest, Handler, Stop, Val};

pub const EXPORTS: &[&str] = &["_start", "resume", "go_scheduler"];

/// Each import with the signature it has in the releases that use it (see
/// [`crate::inspect::js_abi::TINYGO_JS_IMPORTS`], which names the releases).
pub const IMPORTS: &[(&str, &str, Handler)] = &[
    ("runtime.ticks", "() -> (f64)", ticks_ms),
    ("runtime.sleepTicks", "(f64) -> ()", sleep_ticks_ms),
    ("runtime.ticks", "() -> (i64)", ticks_ns),
    ("runtime.sleepTicks", "(i64) -> ()", sleep_ticks_ns),
    (
        "runtime.getRandomData",
        "(i32, i32, i32) -> ()",
        get_random_data,
    ),
    ("syscall/js.finalizeRef", "(i64) -> ()", finalize_ref),
    ("syscall/js.stringVal", "(i32, i32) -> (i64)", string_val),
    ("syscall/js.valueGet", "(i64, i32, i32) -> (i64)", value_get),
    (
        "syscall/js.valueSet",
        "(i64, i32, i32, i64) -> ()",
        value_set,
    ),
    (
        "syscall/js.valueDelete",
        "(i64, i32, i32) -> ()",
        value_delete,
    ),
    ("syscall/js.valueIndex", "(i64, i32) -> (i64)", value_index),
    (
        "syscall/js.valueSetIndex",
        "(i64, i32, i64) -> ()",
        value_set_index,
    ),
    (
        "syscall/js.valueCall",
        "(i32, i64, i32, i32, i32, i32, i32) -> ()",
        value_call,
    ),
    (
        "syscall/js.valueInvoke",
        "(i32, i64, i32, i32, i32) -> ()",
        value_invoke,
    ),
    (
        "syscall/js.valueNew",
        "(i32, i64, i32, i32, i32) -> ()",
        value_new,
    ),
    ("syscall/js.valueLength", "(i64) -> (i32)", value_length),
    (
        "syscall/js.valuePrepareString",
        "(i32, i64) -> ()",
        value_prepare_string,
    ),
    (
        "syscall/js.valueLoadString",
        "(i64, i32, i32, i32) -> ()",
        value_load_string,
    ),
    (
        "syscall/js.valueInstanceOf",
        "(i64, i64) -> (i32)",
        value_instance_of,
    ),
    (
        "syscall/js.copyBytesToGo",
        "(i32, i32, i32, i32, i64) -> ()",
        copy_bytes_to_go,
    ),
    (
        "syscall/js.copyBytesToJS",
        "(i32, i64, i32, i32, i32) -> ()",
        copy_bytes_to_js,
    ),
];

/// `go.run(instance)`: `_start`, then timers until none is left. Node ends a TinyGo program the
/// same way, with exit code 0, when its event loop runs dry.
pub fn run(g: &mut dyn Guest) -> Result<(), Stop> {
    g.call("_start", &[])?;
    event_loop(g)
}

/// Timers until none is left, as node's event loop.
pub fn event_loop(g: &mut dyn Guest) -> Result<(), Stop> {
    while let Some((_, action)) = g.host().timers.wait_next() {
        match action {
            Action::Scheduler => {
                g.call("go_scheduler", &[])?;
            }
            Action::Callback { func, args } => {
                let r = ops::apply(g, &func, &Value::Undefined, &args);
                abi::uncaught(g.host(), r)?;
            }
            Action::GoTimeout => {}
        }
    }
    Ok(())
}

type Done = Result<Option<Val>, Stop>;

fn addr(v: Val) -> u64 {
    u64::from(v.int() as u32)
}

fn value(g: &mut dyn Guest, v: Val) -> Result<Value, Stop> {
    g.host().value(v.int() as u64)
}

fn boxed(g: &mut dyn Guest, v: &Value) -> Done {
    Ok(Some(Val::I64(g.host().reference(v) as i64)))
}

fn string(g: &mut dyn Guest, ptr: Val, len: Val) -> Result<String, Stop> {
    g.string_at(addr(ptr), addr(len))
}

/// `timeOrigin + performance.now()`: TinyGo's clock, and its `time.Now`, in Unix milliseconds
/// (TinyGo 0.33–0.37).
fn ticks_ms(g: &mut dyn Guest, _: &[Val]) -> Done {
    Ok(Some(Val::F64(g.host().clock.monotonic_ms())))
}

fn sleep_ticks_ms(g: &mut dyn Guest, a: &[Val]) -> Done {
    g.host().timers.set(a[0].float(), Action::Scheduler);
    Ok(None)
}

/// The same clock in nanoseconds, `BigInt((timeOrigin + performance.now()) * 1e6)` (TinyGo
/// 0.38+).
fn ticks_ns(g: &mut dyn Guest, _: &[Val]) -> Done {
    Ok(Some(Val::I64((g.host().clock.monotonic_ms() * 1e6) as i64)))
}

fn sleep_ticks_ns(g: &mut dyn Guest, a: &[Val]) -> Done {
    g.host()
        .timers
        .set(a[0].int() as f64 / 1e6, Action::Scheduler);
    Ok(None)
}

/// `func getRandomData(r []byte)`: `crypto.getRandomValues` over the slice (TinyGo 0.37+ with
/// Go 1.24+'s crypto).
fn get_random_data(g: &mut dyn Guest, a: &[Val]) -> Done {
    // Read first: a length past the guest's memory fails before anything is made.
    let mut bytes = g.bytes_at(addr(a[0]), addr(a[1]))?;
    super::system::fill_random(&mut bytes);
    g.write(addr(a[0]), &bytes)?;
    Ok(None)
}

fn finalize_ref(g: &mut dyn Guest, a: &[Val]) -> Done {
    g.host().refs.release(a[0].int() as u64);
    Ok(None)
}

fn string_val(g: &mut dyn Guest, a: &[Val]) -> Done {
    let s = string(g, a[0], a[1])?;
    boxed(g, &Value::str(&s))
}

fn value_get(g: &mut dyn Guest, a: &[Val]) -> Done {
    let v = value(g, a[0])?;
    let name = string(g, a[1], a[2])?;
    let result = abi::get(g.host(), &v, Key::Name(&name))?;
    boxed(g, &result)
}

fn value_set(g: &mut dyn Guest, a: &[Val]) -> Done {
    let v = value(g, a[0])?;
    let name = string(g, a[1], a[2])?;
    let x = value(g, a[3])?;
    abi::set(g.host(), &v, Key::Name(&name), x)?;
    Ok(None)
}

fn value_delete(g: &mut dyn Guest, a: &[Val]) -> Done {
    let v = value(g, a[0])?;
    let name = string(g, a[1], a[2])?;
    abi::delete(g.host(), &v, Key::Name(&name))?;
    Ok(None)
}

fn value_index(g: &mut dyn Guest, a: &[Val]) -> Done {
    let v = value(g, a[0])?;
    let result = abi::get(g.host(), &v, Key::Index(a[1].int() as f64))?;
    boxed(g, &result)
}

fn value_set_index(g: &mut dyn Guest, a: &[Val]) -> Done {
    let v = value(g, a[0])?;
    let x = value(g, a[2])?;
    abi::set(g.host(), &v, Key::Index(a[1].int() as f64), x)?;
    Ok(None)
}

/// Stores a result or exception at `ret` and `ok` 8 bytes after it.
fn store_caught(g: &mut dyn Guest, ret: Val, result: Caught) -> Done {
    let (v, ok) = match result {
        Ok(v) => (v, 1),
        Err(e) => (e, 0),
    };
    g.set_value(addr(ret), &v)?;
    g.set_u8(addr(ret) + 8, ok)?;
    Ok(None)
}

fn values(g: &mut dyn Guest, ptr: Val, len: Val) -> Result<Vec<Value>, Stop> {
    g.values_at(addr(ptr), addr(len))
}

fn value_call(g: &mut dyn Guest, a: &[Val]) -> Done {
    let v = value(g, a[1])?;
    let name = string(g, a[2], a[3])?;
    let args = values(g, a[4], a[5])?;
    let result = abi::call(g, &v, &name, &args)?;
    store_caught(g, a[0], result)
}

fn value_invoke(g: &mut dyn Guest, a: &[Val]) -> Done {
    let v = value(g, a[1])?;
    let args = values(g, a[2], a[3])?;
    let result = abi::invoke(g, &v, &args)?;
    store_caught(g, a[0], result)
}

fn value_new(g: &mut dyn Guest, a: &[Val]) -> Done {
    let v = value(g, a[1])?;
    let args = values(g, a[2], a[3])?;
    let result = abi::construct(g, &v, &args)?;
    store_caught(g, a[0], result)
}

fn value_length(g: &mut dyn Guest, a: &[Val]) -> Done {
    let v = value(g, a[0])?;
    let len = abi::length(g.host(), &v)?;
    Ok(Some(Val::I32(abi::to_i32(len))))
}

fn value_prepare_string(g: &mut dyn Guest, a: &[Val]) -> Done {
    let v = value(g, a[1])?;
    let (bytes, len) = abi::prepare_string(g.host(), &v)?;
    g.set_value(addr(a[0]), &bytes)?;
    g.set_i32(addr(a[0]) + 8, len as i32)?;
    Ok(None)
}

fn value_load_string(g: &mut dyn Guest, a: &[Val]) -> Done {
    let v = value(g, a[0])?;
    let bytes = abi::bytes_of(g.host(), &v).unwrap_or_default();
    let n = bytes.len().min(addr(a[2]) as usize);
    g.write(addr(a[1]), &bytes[..n])?;
    Ok(None)
}

fn value_instance_of(g: &mut dyn Guest, a: &[Val]) -> Done {
    let v = value(g, a[0])?;
    let t = value(g, a[1])?;
    let host = g.host();
    let r = ops::instance_of(host, &v, &t);
    let is = abi::uncaught(host, r)?;
    Ok(Some(Val::I32(i32::from(is))))
}

/// `(int, bool)` results: the count at `ret`, `ok` 4 bytes after it.
fn store_count(g: &mut dyn Guest, ret: Val, n: Option<usize>) -> Done {
    if let Some(n) = n {
        g.set_i32(addr(ret), n as i32)?;
    }
    g.set_u8(addr(ret) + 4, u8::from(n.is_some()))?;
    Ok(None)
}

fn copy_bytes_to_go(g: &mut dyn Guest, a: &[Val]) -> Done {
    let src = value(g, a[4])?;
    let copied = match abi::bytes_of(g.host(), &src) {
        Some(bytes) => {
            let n = bytes.len().min(addr(a[2]) as usize);
            g.write(addr(a[1]), &bytes[..n])?;
            Some(n)
        }
        None => None,
    };
    store_count(g, a[0], copied)
}

fn copy_bytes_to_js(g: &mut dyn Guest, a: &[Val]) -> Done {
    let dst = value(g, a[1])?;
    let src = g.bytes_at(addr(a[2]), addr(a[3]))?;
    let copied = abi::copy_to_js(g.host(), &dst, &src);
    store_count(g, a[0], copied)
}
