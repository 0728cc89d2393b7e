//! A wrapper around wasmer-wasix 0.704's `poll_oneoff`: it takes a clock subscription with a
//! timeout of 0 — "check and return at once", which Go's non-blocking `netpoll(0)` sends — as
//! "sleep forever" (`syscalls/wasi/poll_oneoff.rs`, `timeout == 0` → `Duration::MAX`), so a Go
//! program that reads memory statistics after using a timer hangs. The wrapper turns such a
//! timeout into 1 ns, which wasix handles as intended (fires at once), calls the real function
//! and puts the guest's bytes back.

use wasmer::{FunctionEnv, FunctionEnvMut, Imports, RuntimeError, Store};

use super::{Wrapped, call_errno, replace};

/// `subscription`: userdata u64, tag u8 at 8, then for clocks: id u32 at 16, timeout u64 at 24.
const SUBSCRIPTION_SIZE: u64 = 48;
const TAG_OFFSET: u64 = 8;
const TIMEOUT_OFFSET: u64 = 24;
const EVENTTYPE_CLOCK: u8 = 0;
/// `event` is 32 bytes.
const EVENT_SIZE: u64 = 32;
/// Subscriptions looked at: Go sends one or two; a guest sending millions gets them unpatched.
const MAX_PATCHED: u64 = 4096;

/// Replaces `poll_oneoff` in `imports` when the module imports it.
pub fn install(store: &mut Store, imports: &mut Imports) -> Option<FunctionEnv<Wrapped>> {
    replace(store, imports, "poll_oneoff", None, poll_oneoff)
}

fn poll_oneoff(
    mut env: FunctionEnvMut<Wrapped>,
    subscriptions: i32,
    events: i32,
    count: i32,
    written: i32,
) -> Result<i32, RuntimeError> {
    let (fix, mut store) = env.data_and_store_mut();
    let mut patched = Vec::new();
    if let Some(memory) = &fix.memory {
        let view = memory.view(&store);
        let count = u64::from(count as u32).min(MAX_PATCHED);
        for i in 0..count {
            let at = u64::from(subscriptions as u32) + i * SUBSCRIPTION_SIZE;
            let mut tag = [0u8; 1];
            let mut timeout = [0u8; 8];
            if view.read(at + TAG_OFFSET, &mut tag).is_err()
                || view.read(at + TIMEOUT_OFFSET, &mut timeout).is_err()
            {
                break; // out of bounds: the real function reports the fault
            }
            if tag[0] == EVENTTYPE_CLOCK
                && u64::from_le_bytes(timeout) == 0
                && view.write(at + TIMEOUT_OFFSET, &1u64.to_le_bytes()).is_ok()
            {
                patched.push(at + TIMEOUT_OFFSET);
            }
        }
    }
    let result = call_errno(
        &fix.real,
        &mut store,
        &[subscriptions, events, count, written],
    );
    if let Some(memory) = &fix.memory {
        // WASI's input is const: give the guest its zeros back, but only where wasix did not
        // write its own output over them (a guest may pass overlapping buffers).
        let view = memory.view(&store);
        let outputs = [
            (
                u64::from(events as u32),
                u64::from(count as u32) * EVENT_SIZE,
            ),
            (u64::from(written as u32), 4),
        ];
        for at in patched {
            let overlaps = outputs
                .iter()
                .any(|&(start, len)| at < start + len && start < at + 8);
            let mut now = [0u8; 8];
            if !overlaps && view.read(at, &mut now).is_ok() && u64::from_le_bytes(now) == 1 {
                let _ = view.write(at, &0u64.to_le_bytes());
            }
        }
    }
    result
}
