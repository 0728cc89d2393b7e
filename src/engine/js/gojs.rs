//! Go's `GOOS=js` ABI (Go 1.21 and later, module `gojs`), as `wasm_exec.js` defines it
//! (`misc/wasm` in Go 1.21–1.23, `lib/wasm` from 1.24). Its imports and their stack layout are
//! the same from 1.21 to 1.27; what changed is the world around them, which `system.rs` and
//! `files.rs` give: 1.24's `globalThis.path` (wasm_exec_node.js) and `fs.constants.O_DIRECTORY`
//! (syscall/fs_js.go:39-44), and two `runtime.getRandomData` imports (runtime and
//! crypto/internal/sysrand). Every import takes Go's stack pointer: arguments start at `sp + 8`, results follow them,
//! and an import that ran Go code (a callback) reads `sp` again through `getsp`, because the
//! goroutine's stack can move meanwhile. wasm_exec.js asks `getsp` after every import that
//! might run Go code; this host knows whether one did (it has no getters, so `valueGet` never
//! does), and a call into the guest from inside an import is not cheap.

use super::abi::{self, Caught};
use super::ops::Key;
use super::timers::Action;
use super::value::{Kind, Object, Value};
use super::{Guest, Handler, Stop, Val, ops, system};

pub const EXPORTS: &[&str] = &["run", "resume", "getsp"];

pub const IMPORTS: &[(&str, Handler)] = &[
    ("runtime.wasmExit", wasm_exit),
    ("runtime.wasmWrite", wasm_write),
    ("runtime.resetMemoryDataView", nothing),
    ("runtime.nanotime1", nanotime1),
    ("runtime.walltime", walltime),
    ("runtime.scheduleTimeoutEvent", schedule_timeout_event),
    ("runtime.clearTimeoutEvent", clear_timeout_event),
    ("runtime.getRandomData", get_random_data),
    ("syscall/js.finalizeRef", finalize_ref),
    ("syscall/js.stringVal", string_val),
    ("syscall/js.valueGet", value_get),
    ("syscall/js.valueSet", value_set),
    ("syscall/js.valueDelete", value_delete),
    ("syscall/js.valueIndex", value_index),
    ("syscall/js.valueSetIndex", value_set_index),
    ("syscall/js.valueCall", value_call),
    ("syscall/js.valueInvoke", value_invoke),
    ("syscall/js.valueNew", value_new),
    ("syscall/js.valueLength", value_length),
    ("syscall/js.valuePrepareString", value_prepare_string),
    ("syscall/js.valueLoadString", value_load_string),
    ("syscall/js.valueInstanceOf", value_instance_of),
    ("syscall/js.copyBytesToGo", copy_bytes_to_go),
    ("syscall/js.copyBytesToJS", copy_bytes_to_js),
    ("debug", debug),
];

/// What wasm_exec.js gives Go's own `syscall/js` tests.
pub const GOTEST_IMPORTS: &[(&str, Handler)] = &[("add", gotest_add)];

fn gotest_add(_: &mut dyn Guest, a: &[Val]) -> Result<Option<Val>, Stop> {
    Ok(Some(Val::I32(
        (a[0].int() as i32).wrapping_add(a[1].int() as i32),
    )))
}

/// Where Go's linker leaves room for the arguments and environment (`wasmMinDataAddr`).
const ARGV_START: u64 = 4096;
const ARGV_END: u64 = 4096 + 8192;

/// `go.run(instance)`: arguments and environment into memory, `run(argc, argv)`, then the event
/// loop until the program exits.
pub fn run(g: &mut dyn Guest) -> Result<(), Stop> {
    let host = g.host();
    let argc = host.argv.len();
    let strings: Vec<String> = host.argv.clone();
    let env: Vec<String> = host.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut offset = ARGV_START;
    let mut put = |g: &mut dyn Guest, s: &str| -> Result<u64, Stop> {
        let at = offset;
        let mut bytes = s.as_bytes().to_vec();
        bytes.push(0);
        if offset + bytes.len() as u64 >= ARGV_END {
            return Err(too_long());
        }
        g.write(offset, &bytes)?;
        offset = (offset + bytes.len() as u64).next_multiple_of(8);
        Ok(at)
    };
    let mut pointers = Vec::new();
    for s in &strings {
        pointers.push(put(g, s)?);
    }
    pointers.push(0);
    for s in &env {
        pointers.push(put(g, s)?);
    }
    pointers.push(0);
    let argv = offset;
    for p in pointers {
        if offset + 8 > ARGV_END {
            return Err(too_long());
        }
        g.set_i64(offset, p as i64)?;
        offset += 8;
    }
    g.call("run", &[Val::I32(argc as i32), Val::I32(argv as i32)])?;
    event_loop(g)
}

fn too_long() -> Stop {
    Stop::Fault(
        "js: the arguments and environment are longer than the 8 KiB Go's js/wasm has for them"
            .into(),
    )
}

/// Fires timers until the program exits. When nothing is left to wait for, Go is told so with
/// the event of id 0, as wasm_exec_node.js does at exit: it prints its deadlock report and exits.
fn event_loop(g: &mut dyn Guest) -> Result<(), Stop> {
    loop {
        let next = g.host().timers.wait_next();
        match next {
            Some((id, Action::GoTimeout)) => {
                g.call("resume", &[])?;
                while g.host().timers.registered(id) {
                    let host = g.host();
                    host.output(2, b"scheduleTimeoutEvent: missed timeout event\n");
                    g.call("resume", &[])?;
                }
            }
            Some((_, Action::Callback { func, args })) => {
                let r = ops::apply(g, &func, &Value::Undefined, &args);
                abi::uncaught(g.host(), r)?;
            }
            Some((_, Action::Scheduler)) => {}
            None => {
                let host = g.host();
                let mut event = Object::new(Kind::Plain);
                event.set_own("id", Value::Number(0.0));
                let event = host.heap.alloc(event);
                host.heap
                    .get_mut(host.go)
                    .set_own("_pendingEvent", Value::Object(event));
                g.call("resume", &[])?;
                return Err(Stop::Fault(
                    "js: the Go program neither exited nor waited for anything".into(),
                ));
            }
        }
    }
}

fn sp(args: &[Val]) -> u64 {
    u64::from(args[0].int() as u32)
}

/// The stack pointer after an import's JavaScript ran: `getsp()` if Go code ran meanwhile
/// (the count of calls into Go changed since `calls_before`), else still `sp`.
fn sp_after(g: &mut dyn Guest, sp: u64, calls_before: u64) -> Result<u64, Stop> {
    if g.host().calls_into_go == calls_before {
        return Ok(sp);
    }
    match g.call("getsp", &[])? {
        Some(v) => Ok(u64::from(v.int() as u32)),
        None => Err(Stop::Fault("js: getsp returned nothing".into())),
    }
}

/// A Go string or slice header at `addr`: pointer, then length (8 bytes each).
fn slice_at(g: &mut dyn Guest, addr: u64) -> Result<(u64, u64), Stop> {
    Ok((g.u64_at(addr)?, g.u64_at(addr + 8)?))
}

fn string_at(g: &mut dyn Guest, addr: u64) -> Result<String, Stop> {
    let (ptr, len) = slice_at(g, addr)?;
    g.string_at(ptr, len)
}

fn values_at(g: &mut dyn Guest, addr: u64) -> Result<Vec<Value>, Stop> {
    let (ptr, len) = slice_at(g, addr)?;
    g.values_at(ptr, len)
}

type Done = Result<Option<Val>, Stop>;

fn nothing(_: &mut dyn Guest, _: &[Val]) -> Done {
    Ok(None)
}

fn wasm_exit(g: &mut dyn Guest, a: &[Val]) -> Done {
    Err(Stop::Exit(g.i32_at(sp(a) + 8)?))
}

fn wasm_write(g: &mut dyn Guest, a: &[Val]) -> Done {
    let sp = sp(a);
    let fd = g.u64_at(sp + 8)? as i64;
    let p = g.u64_at(sp + 16)?;
    let n = g.i32_at(sp + 24)?;
    let bytes = g.bytes_at(p, u64::from(n.max(0) as u32))?;
    g.host().output(fd, &bytes);
    Ok(None)
}

fn nanotime1(g: &mut dyn Guest, a: &[Val]) -> Done {
    let ns = g.host().clock.monotonic_ms() * 1e6;
    g.set_i64(sp(a) + 8, ns as i64)?;
    Ok(None)
}

fn walltime(g: &mut dyn Guest, a: &[Val]) -> Done {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let sp = sp(a);
    g.set_i64(sp + 8, now.as_secs() as i64)?;
    g.set_i32(sp + 16, now.subsec_nanos() as i32)?;
    Ok(None)
}

fn schedule_timeout_event(g: &mut dyn Guest, a: &[Val]) -> Done {
    let sp = sp(a);
    let ms = g.u64_at(sp + 8)? as i64;
    let id = g.host().timers.set(ms as f64, Action::GoTimeout);
    g.set_i32(sp + 16, id)?;
    Ok(None)
}

fn clear_timeout_event(g: &mut dyn Guest, a: &[Val]) -> Done {
    let id = g.i32_at(sp(a) + 8)?;
    g.host().timers.clear(id);
    Ok(None)
}

fn get_random_data(g: &mut dyn Guest, a: &[Val]) -> Done {
    let (ptr, len) = slice_at(g, sp(a) + 8)?;
    let mut bytes = g.bytes_at(ptr, len)?;
    system::fill_random(&mut bytes);
    g.write(ptr, &bytes)?;
    Ok(None)
}

fn finalize_ref(g: &mut dyn Guest, a: &[Val]) -> Done {
    let id = g.i32_at(sp(a) + 8)? as u32;
    g.host().refs.release(u64::from(id));
    Ok(None)
}

fn string_val(g: &mut dyn Guest, a: &[Val]) -> Done {
    let sp = sp(a);
    let s = string_at(g, sp + 8)?;
    g.set_value(sp + 24, &Value::str(&s))?;
    Ok(None)
}

fn value_get(g: &mut dyn Guest, a: &[Val]) -> Done {
    let sp = sp(a);
    let v = g.value_at(sp + 8)?;
    let name = string_at(g, sp + 16)?;
    let result = abi::get(g.host(), &v, Key::Name(&name))?;
    g.set_value(sp + 32, &result)?;
    Ok(None)
}

fn value_set(g: &mut dyn Guest, a: &[Val]) -> Done {
    let sp = sp(a);
    let v = g.value_at(sp + 8)?;
    let name = string_at(g, sp + 16)?;
    let x = g.value_at(sp + 32)?;
    abi::set(g.host(), &v, Key::Name(&name), x)?;
    Ok(None)
}

fn value_delete(g: &mut dyn Guest, a: &[Val]) -> Done {
    let sp = sp(a);
    let v = g.value_at(sp + 8)?;
    let name = string_at(g, sp + 16)?;
    abi::delete(g.host(), &v, Key::Name(&name))?;
    Ok(None)
}

fn value_index(g: &mut dyn Guest, a: &[Val]) -> Done {
    let sp = sp(a);
    let v = g.value_at(sp + 8)?;
    let i = g.u64_at(sp + 16)? as i64;
    let result = abi::get(g.host(), &v, Key::Index(i as f64))?;
    g.set_value(sp + 24, &result)?;
    Ok(None)
}

fn value_set_index(g: &mut dyn Guest, a: &[Val]) -> Done {
    let sp = sp(a);
    let v = g.value_at(sp + 8)?;
    let i = g.u64_at(sp + 16)? as i64;
    let x = g.value_at(sp + 24)?;
    abi::set(g.host(), &v, Key::Index(i as f64), x)?;
    Ok(None)
}

/// Stores a call's result or exception at `sp + at` and `ok` after it, with `sp` read afresh.
fn store_caught(g: &mut dyn Guest, (sp, calls): (u64, u64), at: u64, result: Caught) -> Done {
    let sp = sp_after(g, sp, calls)?;
    let (v, ok) = match result {
        Ok(v) => (v, 1),
        Err(e) => (e, 0),
    };
    g.set_value(sp + at, &v)?;
    g.set_u8(sp + at + 8, ok)?;
    Ok(None)
}

fn value_call(g: &mut dyn Guest, a: &[Val]) -> Done {
    let sp = sp(a);
    let calls = g.host().calls_into_go;
    let v = g.value_at(sp + 8)?;
    let name = string_at(g, sp + 16)?;
    let args = values_at(g, sp + 32)?;
    let result = abi::call(g, &v, &name, &args)?;
    store_caught(g, (sp, calls), 56, result)
}

fn value_invoke(g: &mut dyn Guest, a: &[Val]) -> Done {
    let sp = sp(a);
    let calls = g.host().calls_into_go;
    let v = g.value_at(sp + 8)?;
    let args = values_at(g, sp + 16)?;
    let result = abi::invoke(g, &v, &args)?;
    store_caught(g, (sp, calls), 40, result)
}

fn value_new(g: &mut dyn Guest, a: &[Val]) -> Done {
    let sp = sp(a);
    let calls = g.host().calls_into_go;
    let v = g.value_at(sp + 8)?;
    let args = values_at(g, sp + 16)?;
    let result = abi::construct(g, &v, &args)?;
    store_caught(g, (sp, calls), 40, result)
}

fn value_length(g: &mut dyn Guest, a: &[Val]) -> Done {
    let sp = sp(a);
    let v = g.value_at(sp + 8)?;
    let len = abi::length(g.host(), &v)?;
    g.set_i64(sp + 16, abi::to_i64(len))?;
    Ok(None)
}

fn value_prepare_string(g: &mut dyn Guest, a: &[Val]) -> Done {
    let sp = sp(a);
    let v = g.value_at(sp + 8)?;
    let (bytes, len) = abi::prepare_string(g.host(), &v)?;
    g.set_value(sp + 16, &bytes)?;
    g.set_i64(sp + 24, len as i64)?;
    Ok(None)
}

fn value_load_string(g: &mut dyn Guest, a: &[Val]) -> Done {
    let sp = sp(a);
    let v = g.value_at(sp + 8)?;
    let (ptr, len) = slice_at(g, sp + 16)?;
    let bytes = abi::bytes_of(g.host(), &v).unwrap_or_default();
    let n = bytes.len().min(len as usize);
    g.write(ptr, &bytes[..n])?;
    Ok(None)
}

fn value_instance_of(g: &mut dyn Guest, a: &[Val]) -> Done {
    let sp = sp(a);
    let v = g.value_at(sp + 8)?;
    let t = g.value_at(sp + 16)?;
    let host = g.host();
    let r = ops::instance_of(host, &v, &t);
    let is = abi::uncaught(host, r)?;
    g.set_u8(sp + 24, u8::from(is))?;
    Ok(None)
}

fn copy_bytes_to_go(g: &mut dyn Guest, a: &[Val]) -> Done {
    let sp = sp(a);
    let (ptr, len) = slice_at(g, sp + 8)?;
    let src = g.value_at(sp + 32)?;
    let Some(bytes) = abi::bytes_of(g.host(), &src) else {
        g.set_u8(sp + 48, 0)?;
        return Ok(None);
    };
    let n = bytes.len().min(len as usize);
    g.write(ptr, &bytes[..n])?;
    g.set_i64(sp + 40, n as i64)?;
    g.set_u8(sp + 48, 1)?;
    Ok(None)
}

fn copy_bytes_to_js(g: &mut dyn Guest, a: &[Val]) -> Done {
    let sp = sp(a);
    let dst = g.value_at(sp + 8)?;
    let (ptr, len) = slice_at(g, sp + 16)?;
    let src = g.bytes_at(ptr, len)?;
    match abi::copy_to_js(g.host(), &dst, &src) {
        Some(n) => {
            g.set_i64(sp + 40, n as i64)?;
            g.set_u8(sp + 48, 1)?;
        }
        None => g.set_u8(sp + 48, 0)?,
    }
    Ok(None)
}

/// `debug(value)`: `console.log` of the raw number.
fn debug(g: &mut dyn Guest, a: &[Val]) -> Done {
    let line = format!("{}\n", a[0].int());
    g.host().output(1, line.as_bytes());
    Ok(None)
}
