//! Phases × modes side by side, with bars, speedups, break-even, bench medians and history.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};

use super::{bar, pane_block};
use crate::compare::compare;
use crate::engine::{CacheUse, RunReport, human_ms};
use crate::tui::app::{App, Pane};

/// Rows the pane wants: phases, bars, verdict lines, history.
pub fn height(app: &App) -> u16 {
    let bench = if app.bench.is_some() || app.bench_running {
        1
    } else {
        0
    };
    let calls = app.job.reports.first().map_or(0, |r| r.calls.len().min(4));
    let initialize = usize::from(
        app.job
            .reports
            .iter()
            .any(|r| r.timings.initialize.is_some()),
    );
    (2 + 7 + calls + initialize + app.job.reports.len().max(1) + 2 + bench + 2) as u16
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let mut title = " Timing ".to_string();
    if app.job.stale {
        title = " Timing (stale) ".to_string();
    }
    let block = pane_block(app, Pane::Timing, title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let spark_rows = if inner.height >= 14 { 2 } else { 0 };
    let [text_area, spark_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(spark_rows)]).areas(inner);
    let reports: Vec<&RunReport> = app.job.reports.iter().collect();
    let dim = Style::new().fg(Color::DarkGray);
    let mut lines = vec![];
    if reports.is_empty() {
        lines.push(Line::styled("no run yet", dim));
    } else {
        lines.extend(phase_table(app, &reports, text_area.height < 11));
    }
    // Bars last: a short pane (80×24) drops them before the numbers.
    lines.extend(bars(&reports, text_area.width as usize));
    lines.extend(bench_line(app));
    frame.render_widget(Paragraph::new(lines), text_area);

    // History of the first mode's run phase over the last jobs.
    let first = app.settings.modes.first().copied();
    let data: Vec<u64> = app
        .job
        .history
        .iter()
        .filter_map(|(_, runs)| runs.iter().find(|(m, _)| Some(*m) == first))
        .map(|(_, d)| d.as_micros() as u64)
        .collect();
    if data.len() > 1 && spark_rows > 0 {
        let [label, spark] =
            Layout::horizontal([Constraint::Length(16), Constraint::Min(0)]).areas(spark_area);
        let name = first.map_or("", |m| m.name());
        frame.render_widget(
            Paragraph::new(format!("{name} run, last {}", data.len())).style(dim),
            label,
        );
        frame.render_widget(
            Sparkline::default()
                .data(&data)
                .style(Style::new().fg(Color::Green)),
            spark,
        );
    }
}

/// Each phase × each mode, then the speedups and aot's break-even; `compact` keeps the rows that
/// matter most (compile, run, total) for a short pane.
fn phase_table(app: &App, reports: &[&RunReport], compact: bool) -> Vec<Line<'static>> {
    let dim = Style::new().fg(Color::DarkGray);
    let mut lines = vec![];
    // Four modes fit a narrow pane in columns of 10.
    let col = if reports.len() > 3 { 10 } else { 12 };
    let mut head = vec![Span::styled(format!("{:<12}", "phase"), dim)];
    for r in reports {
        head.push(Span::styled(
            format!("{:>col$}", r.mode.name()),
            Style::new().add_modifier(Modifier::BOLD),
        ));
    }
    lines.push(Line::from(head));
    type Cell = fn(&RunReport) -> String;
    let rows: [(&str, Cell); 6] = [
        ("load", |r| human_ms(r.timings.load)),
        ("compile", |r| human_ms(r.timings.compile)),
        ("cache", |r| {
            match r.timings.cache {
                CacheUse::None => "—",
                CacheUse::Hit => "hit",
                CacheUse::Miss => "miss",
                CacheUse::Rejected(_) => "rejected",
            }
            .to_string()
        }),
        ("instantiate", |r| human_ms(r.timings.instantiate)),
        ("run", |r| human_ms(r.timings.run)),
        ("total", |r| human_ms(r.timings.total)),
    ];
    let row = |name: &str, cell: &dyn Fn(&RunReport) -> String| {
        let mut spans = vec![Span::styled(format!("{name:<12.12}"), dim)];
        for r in reports {
            spans.push(Span::raw(format!("{:>col$}", cell(r))));
        }
        Line::from(spans)
    };
    for (name, cell) in rows {
        if compact && matches!(name, "load" | "cache" | "instantiate") {
            continue;
        }
        if name == "run" {
            lines.extend(call_rows(reports, compact, &row));
        }
        lines.push(row(name, &cell));
    }
    let c = compare(&app.job.reports);
    let speedups: Vec<String> = c
        .speedups
        .iter()
        .filter_map(|s| s.ratio.map(|x| format!("{} {x:.1}×", s.mode.name())))
        .collect();
    if !speedups.is_empty() {
        lines.push(Line::raw(format!(
            "speedup over interp: {}",
            speedups.join(", ")
        )));
    }
    let several = reports.len() > 1;
    let aot = (c.aot_break_even_runs, c.aot_cold_compile);
    let opt = (c.opt_break_even_runs, c.opt_cold_compile);
    lines.extend(pays_off("aot", "", aot, several, dim));
    lines.extend(pays_off("opt", " against aot", opt, several, dim));
    lines
}

/// When a cached mode's compile pays off; or, with several modes run and no pay-off, only what
/// the compile took, dimmed.
fn pays_off(
    mode: &str,
    against: &str,
    (runs, cold): (Option<u64>, Option<std::time::Duration>),
    several: bool,
    dim: Style,
) -> Option<Line<'static>> {
    match (runs, cold) {
        (Some(n), Some(cold)) => Some(Line::raw(format!(
            "{mode}'s compile ({}) pays off{against} after {n} run{}",
            human_ms(cold),
            if n == 1 { "" } else { "s" }
        ))),
        (None, Some(cold)) if several => Some(Line::styled(
            format!("{mode} cold compile {}", human_ms(cold)),
            dim,
        )),
        _ => None,
    }
}

/// Makes a row of the phase table: a name, and a cell for each mode's report.
type RowMaker<'a> = dyn Fn(&str, &dyn Fn(&RunReport) -> String) -> Line<'static> + 'a;

/// A reactor's `initialize` and each call's time, mode beside mode (a short pane: the first).
fn call_rows(reports: &[&RunReport], compact: bool, row: &RowMaker<'_>) -> Vec<Line<'static>> {
    let mut lines = vec![];
    if !compact && reports.iter().any(|r| r.timings.initialize.is_some()) {
        lines.push(row("initialize", &|r| {
            r.timings.initialize.map(human_ms).unwrap_or_default()
        }));
    }
    let calls = reports.first().map_or(0, |r| r.calls.len());
    for i in 0..calls.min(if compact { 1 } else { 4 }) {
        let name = crate::engine::calls::label(&reports[0].calls[i].call);
        lines.push(row(&name, &|r| {
            r.calls
                .get(i)
                .and_then(|c| c.time_cell())
                .unwrap_or_else(|| "—".into())
        }));
    }
    lines
}

/// A bar of each mode's total time.
fn bars(reports: &[&RunReport], width: usize) -> Vec<Line<'static>> {
    let dim = Style::new().fg(Color::DarkGray);
    let mut lines = vec![];
    if !reports.is_empty() {
        let max = reports
            .iter()
            .map(|r| r.timings.total.as_secs_f64())
            .fold(0.0, f64::max);
        let width = width.saturating_sub(22);
        for r in reports {
            lines.push(Line::from(vec![
                Span::styled(format!("{:<9}", r.mode.name()), dim),
                Span::styled(
                    bar(r.timings.total.as_secs_f64(), max, width),
                    Style::new().fg(Color::Cyan),
                ),
                Span::raw(format!(" {}", human_ms(r.timings.total))),
            ]));
        }
    }
    lines
}

/// The `b` key's bench: running, or its medians.
fn bench_line(app: &App) -> Vec<Line<'static>> {
    let mut lines = vec![];
    if app.bench_running {
        lines.push(Line::styled(
            format!("benchmarking: {} runs per mode…", crate::tui::BENCH_RUNS),
            Style::new().fg(Color::Yellow),
        ));
    } else if let Some(bench) = &app.bench {
        let text = match bench {
            Ok(medians) => {
                let parts: Vec<String> = medians
                    .iter()
                    .map(|(m, d)| format!("{} {}", m.name(), human_ms(*d)))
                    .collect();
                format!("bench median run: {}", parts.join(", "))
            }
            Err(e) => format!("bench failed: {e}"),
        };
        lines.push(Line::raw(text));
    }
    lines
}
