//! A wrapper around wasmer-wasix 0.704's `poll_oneoff`: it takes a clock subscription with a
//! timeout of 0 — "check and return at once", which Go's non-blocking `netpoll(0)` sends — as
//! "sleep forever" (`syscalls/wasi/poll_oneoff.rs`, `timeout == 0` → `Duration::MAX`), so a Go
//! program that reads memory statistics after using a timer hangs. The wrapper turns such a
//! timeout into 1 ns, which wasix handles as intended (fires at once), calls the real function
//! and puts the guest's bytes back.

use wasmer::{
    Extern, Function, FunctionEnv, FunctionEnvMut, Imports, Memory, RuntimeError, Store, Value,
};

const WASI: &str = "wasi_snapshot_preview1";
/// `subscription`: userdata u64, tag u8 at 8, then for clocks: id u32 at 16, timeout u64 at 24.
const SUBSCRIPTION_SIZE: u64 = 48;
const TAG_OFFSET: u64 = 8;
const TIMEOUT_OFFSET: u64 = 24;
const EVENTTYPE_CLOCK: u8 = 0;

pub struct PollFix {
    real: Function,
    memory: Option<Memory>,
}

/// Replaces `poll_oneoff` in `imports` when the module imports it; call [`attach_memory`] once
/// the instance exists.
pub fn install(store: &mut Store, imports: &mut Imports) -> Option<FunctionEnv<PollFix>> {
    let Some(Extern::Function(real)) = imports.get_export(WASI, "poll_oneoff") else {
        return None;
    };
    let env = FunctionEnv::new(store, PollFix { real, memory: None });
    let wrapper = Function::new_typed_with_env(store, &env, poll_oneoff);
    imports.define(WASI, "poll_oneoff", wrapper);
    Some(env)
}

pub fn attach_memory(store: &mut Store, env: &FunctionEnv<PollFix>, memory: Memory) {
    env.as_mut(store).memory = Some(memory);
}

fn poll_oneoff(
    mut env: FunctionEnvMut<PollFix>,
    subscriptions: i32,
    events: i32,
    count: i32,
    written: i32,
) -> Result<i32, RuntimeError> {
    let (fix, mut store) = env.data_and_store_mut();
    let mut patched = Vec::new();
    if let Some(memory) = &fix.memory {
        let view = memory.view(&store);
        for i in 0..u64::from(count.max(0) as u32) {
            let at = u64::from(subscriptions as u32) + i * SUBSCRIPTION_SIZE;
            let mut tag = [0u8; 1];
            let mut timeout = [0u8; 8];
            if view.read(at + TAG_OFFSET, &mut tag).is_err()
                || view.read(at + TIMEOUT_OFFSET, &mut timeout).is_err()
            {
                break; // out of bounds: the real function reports the fault
            }
            if tag[0] == EVENTTYPE_CLOCK && u64::from_le_bytes(timeout) == 0 {
                view.write(at + TIMEOUT_OFFSET, &1u64.to_le_bytes())
                    .map_err(|e| RuntimeError::new(e.to_string()))?;
                patched.push(at + TIMEOUT_OFFSET);
            }
        }
    }
    let args = [
        Value::I32(subscriptions),
        Value::I32(events),
        Value::I32(count),
        Value::I32(written),
    ];
    let result = fix.real.call(&mut store, &args);
    if let Some(memory) = &fix.memory {
        let view = memory.view(&store);
        for at in patched {
            // WASI's input is const: give the guest its zero back.
            let _ = view.write(at, &0u64.to_le_bytes());
        }
    }
    match result?.first() {
        Some(Value::I32(errno)) => Ok(*errno),
        other => Err(RuntimeError::new(format!("poll_oneoff returned {other:?}"))),
    }
}
