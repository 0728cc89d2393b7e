//! Plain-text renderings shared by the subcommands: timing lines and tables.

use std::fmt::Write;

use crate::compare::Comparison;
use crate::engine::calls::{CallStatus, label};
use crate::engine::{CacheUse, RunReport, human_short};
use crate::inspect::triage::Entry;

pub use crate::engine::human_ms as ms;

fn compile_label(r: &RunReport) -> &'static str {
    match r.timings.cache {
        CacheUse::Hit => "cache load",
        _ => "compile",
    }
}

fn cache_note(r: &RunReport) -> String {
    match &r.timings.cache {
        CacheUse::None => String::new(),
        CacheUse::Hit if r.timings.code_mapped => " (cache hit, code mapped)".into(),
        CacheUse::Hit => " (cache hit)".into(),
        CacheUse::Miss => " (cache miss)".into(),
        CacheUse::Rejected(_) => " (cache rejected)".into(),
    }
}

/// One line to stderr after a run: mode, outcome and every phase.
pub fn summary_line(r: &RunReport) -> String {
    let t = &r.timings;
    let mut line = format!(
        "gowasm: {} {} · load {} · {} {}{} · instantiate {}",
        r.mode.name(),
        r.describe(),
        ms(t.load),
        compile_label(r),
        ms(t.compile),
        cache_note(r),
        ms(t.instantiate),
    );
    if let Some(init) = t.initialize {
        let _ = write!(line, " · initialize {}", ms(init));
    }
    if r.entry == Entry::Command {
        let _ = write!(line, " · run {}", ms(t.run));
    }
    for call in r.calls.iter().filter(|c| c.status != CallStatus::NotRun) {
        let _ = write!(line, " · {} {}", label(&call.call), human_short(call.time));
    }
    let _ = write!(line, " · total {}", ms(t.total));
    line
}

/// What the calls returned, on stdout: one value per line for a single call, as
/// `wasmtime --invoke` prints them; `add 2 3 = 5` lines for several.
pub fn call_results(r: &RunReport) -> String {
    let mut s = String::new();
    let returned = r.calls.iter().filter(|c| c.status == CallStatus::Returned);
    if r.calls.len() == 1 {
        for call in returned {
            for v in &call.results {
                let _ = writeln!(s, "{v}");
            }
        }
        return s;
    }
    for call in returned {
        let _ = writeln!(s, "{} = {}", label(&call.call), call.shown_results());
    }
    s
}

/// Lines for stderr about the calls that did not return: what the runtime meant, and the
/// calls not made after them.
pub fn call_notes(r: &RunReport) -> Vec<String> {
    r.calls
        .iter()
        .filter(|c| c.status != CallStatus::Returned)
        .map(|c| {
            format!(
                "gowasm: {} {}",
                label(&c.call),
                c.what_happened(&r.describe())
            )
        })
        .collect()
}

/// Phases × modes, then speedups and the break-even line.
pub fn timings_table(reports: &[&RunReport], c: &Comparison) -> String {
    let mut s = String::new();
    let col = 16;
    let _ = write!(s, "{:<14}", "");
    for r in reports {
        let name = match (r.mode, &r.timings.cache) {
            (crate::engine::Mode::Aot, CacheUse::Hit) => "aot (cached)",
            (crate::engine::Mode::Aot, _) => "aot (cold)",
            (crate::engine::Mode::Opt, CacheUse::Hit) => "opt (cached)",
            (crate::engine::Mode::Opt, _) => "opt (cold)",
            (m, _) => m.name(),
        };
        let _ = write!(s, "{name:>col$}");
    }
    s.push('\n');
    type Cell = fn(&RunReport) -> String;
    let rows: [(&str, Cell); 6] = [
        ("load", |r| ms(r.timings.load)),
        ("compile/cache", |r| {
            let mark = match r.timings.cache {
                CacheUse::Hit => " (hit)",
                CacheUse::Miss => " (miss)",
                CacheUse::Rejected(_) => " (rej)",
                CacheUse::None => "",
            };
            format!("{}{mark}", ms(r.timings.compile))
        }),
        ("instantiate", |r| ms(r.timings.instantiate)),
        ("run", |r| ms(r.timings.run)),
        ("total", |r| ms(r.timings.total)),
        ("outcome", |r| r.describe()),
    ];
    let row = |s: &mut String, name: &str, cell: &dyn Fn(&RunReport) -> String| {
        let _ = write!(s, "{name:<14}");
        for r in reports {
            let _ = write!(s, "{:>col$}", cell(r));
        }
        s.push('\n');
    };
    for (name, cell) in &rows[..3] {
        row(&mut s, name, cell);
    }
    if reports.iter().any(|r| r.timings.initialize.is_some()) {
        row(&mut s, "initialize", &|r| {
            r.timings.initialize.map(ms).unwrap_or_default()
        });
    }
    let calls = reports.first().map_or(0, |r| r.calls.len());
    for i in 0..calls {
        let name: String = label(&reports[0].calls[i].call).chars().take(13).collect();
        row(&mut s, &name, &|r| {
            r.calls
                .get(i)
                .and_then(|c| c.time_cell())
                .unwrap_or_else(|| "-".into())
        });
    }
    for (name, cell) in &rows[3..] {
        row(&mut s, name, cell);
    }
    s.push_str(&verdict(c));
    s
}

/// The speedups over interp and when aot's compile pays off.
fn verdict(c: &Comparison) -> String {
    let mut s = String::new();
    if !c.speedups.is_empty() {
        let parts: Vec<String> = c
            .speedups
            .iter()
            .map(|s| match s.ratio {
                Some(x) => format!("{} {x:.1}×", s.mode.name()),
                None => format!("{} (too fast to measure)", s.mode.name()),
            })
            .collect();
        let _ = writeln!(s, "speedup over interp (run phase): {}", parts.join(", "));
    }
    let aot = (c.aot_break_even_runs, c.aot_cold_compile);
    let opt = (c.opt_break_even_runs, c.opt_cold_compile);
    pays_off(
        &mut s,
        "aot",
        aot,
        "",
        "never pays off here: a cached aot run is not faster than interp",
    );
    pays_off(
        &mut s,
        "opt",
        opt,
        " against aot",
        "does not pay off here against a cached aot run",
    );
    s
}

/// The line on a cached mode's cold compile: after how many runs it pays off (`against` the
/// mode it is set beside), or `never` when it does not.
fn pays_off(
    s: &mut String,
    mode: &str,
    (runs, cold): (Option<u64>, Option<std::time::Duration>),
    against: &str,
    never: &str,
) {
    let Some(cold) = cold else { return };
    let _ = match runs {
        Some(n) => writeln!(
            s,
            "{mode}'s compile ({}) pays off{against} after {n} run{}",
            ms(cold),
            if n == 1 { "" } else { "s" }
        ),
        None => writeln!(s, "{mode}'s compile ({}) {never}", ms(cold)),
    };
}
