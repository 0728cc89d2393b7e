//! Plain-text renderings shared by the subcommands: timing lines and tables.

use std::fmt::Write;

use crate::compare::Comparison;
use crate::engine::{CacheUse, RunReport};

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
        CacheUse::Hit => " (cache hit)".into(),
        CacheUse::Miss => " (cache miss)".into(),
        CacheUse::Rejected(_) => " (cache rejected)".into(),
    }
}

/// One line to stderr after a run: mode, outcome and every phase.
pub fn summary_line(r: &RunReport) -> String {
    let t = &r.timings;
    format!(
        "gowasm: {} {} · load {} · {} {}{} · instantiate {} · run {} · total {}",
        r.mode.name(),
        r.describe(),
        ms(t.load),
        compile_label(r),
        ms(t.compile),
        cache_note(r),
        ms(t.instantiate),
        ms(t.run),
        ms(t.total)
    )
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
    for (name, cell) in rows {
        let _ = write!(s, "{name:<14}");
        for r in reports {
            let _ = write!(s, "{:>col$}", cell(r));
        }
        s.push('\n');
    }
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
    if let Some(cold) = c.aot_cold_compile {
        match c.aot_break_even_runs {
            Some(n) => {
                let _ = writeln!(
                    s,
                    "aot's compile ({}) pays off after {n} run{}",
                    ms(cold),
                    if n == 1 { "" } else { "s" }
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "aot's compile ({}) never pays off here: a cached aot run is not faster than interp",
                    ms(cold)
                );
            }
        }
    }
    s
}
