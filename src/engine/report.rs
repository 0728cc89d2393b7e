//! What a run reports: phase timings, how it ended, and why.

use std::time::Duration;

use gowasm_inspect::frame_places::{self, FramePlace};
use serde::{Deserialize, Serialize};

use super::{LoadedModule, Mode};

/// Wall-clock time of each phase of one run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    /// Reading the file, parsing it and deciding what host it needs.
    #[serde(with = "crate::duration_ms")]
    pub load: Duration,
    /// Validating and compiling (interp: wasmi's translation setup), or loading a cached artifact.
    #[serde(with = "crate::duration_ms")]
    pub compile: Duration,
    pub cache: CacheUse,
    /// A cached artifact's code was mapped from its code image instead of copied.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub code_mapped: bool,
    /// What compiling from scratch costs (aot: measured now, or recorded when the artifact was made).
    #[serde(with = "crate::duration_ms::option")]
    pub cold_compile: Option<Duration>,
    #[serde(with = "crate::duration_ms")]
    pub instantiate: Duration,
    /// A reactor's `_initialize` call, once before its exports are called.
    #[serde(
        default,
        with = "crate::duration_ms::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub initialize: Option<Duration>,
    /// From calling `_start` until it returns or the guest exits; for calls, from the first
    /// call to the end of the last.
    #[serde(with = "crate::duration_ms")]
    pub run: Duration,
    #[serde(with = "crate::duration_ms")]
    pub total: Duration,
}

/// Whether compile time came from the AOT artifact cache.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "status", content = "reason")]
pub enum CacheUse {
    /// This mode does not cache (interp, baseline) or the cache is off.
    #[default]
    None,
    Hit,
    Miss,
    /// An artifact was there but unusable (corrupt, other engine); it was recompiled.
    Rejected(String),
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Outcome {
    /// `_start` returned (code 0) or the guest called `proc_exit`.
    Exited {
        code: i32,
    },
    Trapped(Trap),
    /// Killed by the caller's wall-clock limit.
    TimedOut {
        #[serde(with = "crate::duration_ms")]
        after: Duration,
    },
    /// Stopped on request (the TUI's cancel).
    Cancelled,
    /// The run itself failed in a way that is gowasm's problem, not the guest's.
    Crashed {
        message: String,
    },
}

/// A wasm trap with the wasm call stack where it happened, innermost first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trap {
    /// Short kind, e.g. `stack overflow`, `unreachable`, `out of bounds memory access`.
    pub kind: String,
    /// The engine's full message.
    pub message: String,
    pub frames: Vec<Frame>,
    /// Set where the engine cannot give a backtrace.
    pub note: Option<String>,
}

/// The traps every engine can report, under one set of names (wasmtime's), whichever engine's
/// trap code it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrapKind {
    Unreachable,
    MemoryOutOfBounds,
    Misaligned,
    TableOutOfBounds,
    IndirectCallToNull,
    BadSignature,
    IntegerOverflow,
    IntegerDivisionByZero,
    BadConversionToInteger,
    StackOverflow,
    /// A code the engine has and the others do not.
    Other,
}

impl TrapKind {
    pub fn label(self) -> &'static str {
        match self {
            TrapKind::Unreachable => "unreachable",
            TrapKind::MemoryOutOfBounds => "out of bounds memory access",
            TrapKind::Misaligned => "misaligned memory access",
            TrapKind::TableOutOfBounds => "undefined element: out of bounds table access",
            TrapKind::IndirectCallToNull => "uninitialized element",
            TrapKind::BadSignature => "indirect call type mismatch",
            TrapKind::IntegerOverflow => "integer overflow",
            TrapKind::IntegerDivisionByZero => "integer divide by zero",
            TrapKind::BadConversionToInteger => "invalid conversion to integer",
            TrapKind::StackOverflow => "stack overflow",
            TrapKind::Other => "trap",
        }
    }
}

/// One wasm frame of a backtrace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    pub func_index: u32,
    /// From the name section, e.g. `main.fib`.
    pub name: Option<String>,
    /// Byte offset of the instruction in the module, where known.
    pub offset: Option<usize>,
    /// Where it is in the source, from DWARF or Go's pclntab ([`Trap::place_frames`]):
    /// innermost first, one place per level of inlined calls.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<FramePlace>,
}

/// Everything one run of one mode produced, besides the output itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    pub mode: Mode,
    /// The host the module ran on: `WASI`, `TinyGo JS` or `Go JS`.
    #[serde(default)]
    pub host: String,
    /// A command (`_start`), a reactor (`_initialize` and exports) or a library (exports).
    #[serde(default)]
    pub entry: gowasm_inspect::triage::Entry,
    pub timings: Timings,
    pub outcome: Outcome,
    /// Set when the guest asked for more memory than the cap allowed (in bytes).
    pub memory_limit_hit: Option<u64>,
    /// Largest linear memory size seen at the end of the run, in bytes.
    pub memory_bytes: u64,
    /// Things the user should know that did not stop the run (a rejected cache artifact…).
    pub warnings: Vec<String>,
    /// For a failed run in the JS host: what the module looked for and the host lacks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_note: Option<String>,
    /// The exports called (`--invoke`, `calls`), in order, with their results and times.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<super::calls::CallReport>,
    /// The CPU profile, when one was asked for ([`super::RunConfig::profile`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<crate::profile::Profile>,
}

impl RunReport {
    pub fn new(mode: Mode) -> Self {
        RunReport {
            mode,
            host: String::new(),
            entry: Default::default(),
            timings: Timings::default(),
            outcome: Outcome::Exited { code: 0 },
            memory_limit_hit: None,
            memory_bytes: 0,
            warnings: vec![],
            host_note: None,
            calls: vec![],
            profile: None,
        }
    }

    /// The run's end, the same in every engine: the memory it left (`bytes`, if it exports
    /// one), whether it hit `--max-memory`, and the trap's frames placed in the source (the
    /// module's bytes are read only then).
    pub fn finish(&mut self, module: &LoadedModule, bytes: Option<u64>, cap_hit: Option<u64>) {
        if let Some(b) = bytes {
            self.memory_bytes = b;
        }
        self.memory_limit_hit = cap_hit;
        if let Outcome::Trapped(trap) = &mut self.outcome {
            trap.place_frames(module.bytes());
        }
    }

    /// One line saying how the run ended, e.g. `exit 0`, `trap: stack overflow`, `timed out after 5 s`.
    pub fn describe(&self) -> String {
        let mut s = match &self.outcome {
            Outcome::Exited { code } => format!("exit {code}"),
            Outcome::Trapped(t) => format!("trap: {}", t.kind),
            Outcome::TimedOut { after } => format!("timed out after {}", human_duration(*after)),
            Outcome::Cancelled => "cancelled".to_string(),
            Outcome::Crashed { message } => format!("engine failure: {message}"),
        };
        if let Some(limit) = self.memory_limit_hit {
            s.push_str(&format!(" (memory limit {} reached)", human_bytes(limit)));
        }
        if let Some(note) = &self.host_note {
            s.push_str(&format!("; {note}"));
        }
        s
    }
}

impl Trap {
    /// Looks up each frame's source file and line in the module's DWARF or pclntab; the names
    /// become Go's where the pclntab has them.
    pub fn place_frames(&mut self, wasm: &[u8]) {
        if self.frames.is_empty() || wasm.is_empty() {
            return;
        }
        let keys: Vec<(u32, Option<u64>)> = self
            .frames
            .iter()
            .map(|f| (f.func_index, f.offset.map(|o| o as u64)))
            .collect();
        for (frame, places) in self
            .frames
            .iter_mut()
            .zip(frame_places::locate(wasm, &keys))
        {
            frame.places = places;
        }
    }

    /// The trap and its backtrace as printed to the user, one frame a line.
    pub fn render(&self) -> String {
        let mut s = format!("trap: {}", self.message);
        if !self.frames.is_empty() {
            s.push_str("\nwasm backtrace:");
        }
        for (i, f) in self.frames.iter().enumerate() {
            let name = f.name.as_deref().unwrap_or("<unnamed>");
            s.push_str(&format!("\n  {i:>3}: {name} (func {})", f.func_index));
            if let Some(off) = f.offset {
                s.push_str(&format!(" @ 0x{off:x}"));
            }
            for (k, p) in f.places.iter().enumerate() {
                let line = p.line.map(|l| format!(":{l}")).unwrap_or_default();
                let function = match &p.function {
                    Some(n) if k + 1 < f.places.len() => format!(" in {n} (inlined)"),
                    Some(n) if Some(n) != f.name.as_ref() => format!(" in {n}"),
                    _ => String::new(),
                };
                if p.exact {
                    s.push_str(&format!("\n         at {}{line}{function}", p.file));
                } else if let Some(last) = p.last_line {
                    s.push_str(&format!(
                        "\n         at {}{line}–{last}{function} (Go's line table narrows it to these)",
                        p.file
                    ));
                } else {
                    s.push_str(&format!(
                        "\n         in {}{line} (where the function starts)",
                        p.file
                    ));
                }
            }
        }
        if let Some(note) = &self.note {
            s.push_str(&format!("\n  ({note})"));
        }
        s
    }
}

/// `5 s`, `1.5 s`, `250 ms`.
pub fn human_duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 1000.0 {
        let s = ms / 1000.0;
        if (s - s.round()).abs() < 0.05 {
            format!("{} s", s.round())
        } else {
            format!("{s:.1} s")
        }
    } else {
        format!("{ms:.0} ms")
    }
}

/// A timing: `12.3 ms`, `250 ms`, `1.52 s`.
pub fn human_ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// A time that may be far below a millisecond (an export's call): `3.2 µs`, `41 µs`, then as
/// [`human_ms`].
pub fn human_short(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us >= 1000.0 {
        human_ms(d)
    } else if us >= 10.0 {
        format!("{us:.0} µs")
    } else {
        format!("{us:.1} µs")
    }
}

/// `1 GiB`, `512 MiB`, `4 KiB`, `100 B`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (size, unit) in UNITS {
        if n >= size {
            let v = n as f64 / size as f64;
            return if v.fract() == 0.0 {
                format!("{v:.0} {unit}")
            } else {
                format!("{v:.1} {unit}")
            };
        }
    }
    format!("{n} B")
}

/// `+183 KiB`, `-400 B`.
pub fn signed_bytes(delta: i64) -> String {
    let sign = if delta < 0 { '-' } else { '+' };
    format!("{sign}{}", human_bytes(delta.unsigned_abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_as_sentences() {
        let mut r = RunReport::new(Mode::Interp);
        r.outcome = Outcome::TimedOut {
            after: Duration::from_secs(5),
        };
        assert_eq!(r.describe(), "timed out after 5 s");
        r.outcome = Outcome::Exited { code: 2 };
        r.memory_limit_hit = Some(1 << 30);
        assert_eq!(r.describe(), "exit 2 (memory limit 1 GiB reached)");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_duration(Duration::from_millis(250)), "250 ms");
    }
}
