//! The event loop's timers: Go's `scheduleTimeoutEvent`, TinyGo's `sleepTicks` and JavaScript's
//! `setTimeout`, fired in order of when they are due (and of when they were made, at a tie).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::value::Value;

/// What a timer does when it fires.
#[derive(Debug, Clone)]
pub enum Action {
    /// Go's timeout event: call `resume`. It stays registered until Go clears it.
    GoTimeout,
    /// TinyGo's `sleepTicks`: call `go_scheduler`.
    Scheduler,
    /// `setTimeout(func, ms, ...args)`.
    Callback { func: Value, args: Vec<Value> },
}

#[derive(Debug, Default)]
pub struct Timers {
    /// Due time and a sequence number (the order they were set in) → id and action.
    scheduled: BTreeMap<(Instant, u64), (i32, Action)>,
    /// Go timeout ids not yet cleared, fired or not (wasm_exec.js's `_scheduledTimeouts`).
    registered: Vec<i32>,
    next_id: i32,
    seq: u64,
}

impl Timers {
    /// Sets a timer `ms` from now; returns its id.
    pub fn set(&mut self, ms: f64, action: Action) -> i32 {
        self.next_id += 1;
        let id = self.next_id;
        if matches!(action, Action::GoTimeout) {
            self.registered.push(id);
        }
        let delay = if ms.is_finite() && ms > 0.0 {
            Duration::from_secs_f64(ms.min(1e12) / 1000.0)
        } else {
            Duration::ZERO
        };
        self.seq += 1;
        self.scheduled
            .insert((Instant::now() + delay, self.seq), (id, action));
        id
    }

    /// `clearTimeoutEvent` / `clearTimeout`: the timer will not fire, and Go's id is gone.
    pub fn clear(&mut self, id: i32) {
        self.registered.retain(|r| *r != id);
        self.scheduled.retain(|_, (i, _)| *i != id);
    }

    /// Whether Go's timeout `id` is still registered (it has not cleared it).
    pub fn registered(&self, id: i32) -> bool {
        self.registered.contains(&id)
    }

    /// Waits until the first timer is due and takes it; `None` when no timer is set.
    pub fn wait_next(&mut self) -> Option<(i32, Action)> {
        let (&(due, seq), _) = self.scheduled.first_key_value()?;
        let now = Instant::now();
        if due > now {
            std::thread::sleep(due - now);
        }
        self.scheduled.remove(&(due, seq))
    }

    /// The values the timers hold, for the collector.
    pub fn held(&self) -> impl Iterator<Item = &Value> {
        self.scheduled
            .values()
            .flat_map(|(_, action)| match action {
                Action::Callback { func, args } => std::iter::once(func).chain(args.iter()),
                _ => std::iter::once(&Value::Undefined).chain([].iter()),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_fire_in_due_order_and_cleared_ones_do_not() {
        let mut t = Timers::default();
        let late = t.set(30.0, Action::Scheduler);
        let early = t.set(1.0, Action::GoTimeout);
        let gone = t.set(0.0, Action::GoTimeout);
        let tie = t.set(1.0, Action::Scheduler);
        t.clear(gone);
        assert!(t.registered(early) && !t.registered(gone));
        let started = Instant::now();
        let order: Vec<i32> = std::iter::from_fn(|| t.wait_next().map(|(id, _)| id)).collect();
        assert_eq!(order, vec![early, tie, late]);
        assert!(started.elapsed() >= Duration::from_millis(30));
        // Firing does not unregister a Go timeout: Go clears it itself.
        assert!(t.registered(early));
    }
}
