//! The two host functions TinyGo's `-target wasm` runtime imports, as its wasm_exec.js provides them.
//!
//! `runtime.ticks` is a clock in milliseconds. `runtime.sleepTicks(ms)` asks the host to call the
//! module's `go_scheduler` export after `ms`; in a browser that is a `setTimeout`. Here the runner
//! records the request and, once `_start` returns, plays the event loop: sleep, call `go_scheduler`,
//! repeat while the guest keeps asking.

use std::time::{Duration, Instant};

/// The export TinyGo wants called when a sleep is over.
pub const SCHEDULER_EXPORT: &str = "go_scheduler";

/// Clock and pending timer for one TinyGo guest.
#[derive(Debug)]
pub struct TinyGoTimers {
    origin: Instant,
    pending: Option<Instant>,
}

impl Default for TinyGoTimers {
    fn default() -> Self {
        TinyGoTimers {
            origin: Instant::now(),
            pending: None,
        }
    }
}

impl TinyGoTimers {
    /// `runtime.ticks`: milliseconds since the guest started.
    pub fn ticks(&self) -> f64 {
        self.origin.elapsed().as_secs_f64() * 1000.0
    }

    /// `runtime.sleepTicks`: remember when `go_scheduler` is due.
    pub fn sleep_ticks(&mut self, timeout_ms: f64) {
        let ms = if timeout_ms.is_finite() {
            timeout_ms.max(0.0)
        } else {
            0.0
        };
        self.pending = Some(Instant::now() + Duration::from_secs_f64(ms / 1000.0));
    }

    /// Takes the pending timer, sleeping until it is due; `false` when nothing is pending.
    pub fn wait_for_pending(&mut self) -> bool {
        match self.pending.take() {
            Some(due) => {
                let now = Instant::now();
                if due > now {
                    std::thread::sleep(due - now);
                }
                true
            }
            None => false,
        }
    }
}
