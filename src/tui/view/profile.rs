//! The Profile tab: the functions whose share moved most since the last build's profile, then
//! each mode's CPU profile of the last run, side by side where the pane is wide enough (the
//! functions with the most self time, with their total).

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use crate::engine::{Mode, human_duration};
use crate::profile::{Profile, moved};
use crate::tui::app::App;

/// Functions shown per mode.
const TOP: usize = 12;
/// Rows of the flame graph at most.
const FLAME_DEPTH: usize = 16;
/// The narrowest column two profiles are shown side by side in.
const MIN_COLUMN: usize = 45;
/// Changes smaller than this (percentage points of self time) are not news.
const MOVED_POINTS: f64 = 2.0;

pub fn lines(app: &App, width: usize, dim: Style) -> Vec<Line<'static>> {
    let mut out = vec![];
    if app.settings.run.profile.is_none() {
        out.push(Line::styled(
            "profiles are off: P samples each run's CPU time, with Go's names",
            dim,
        ));
    }
    let notes = notes(app);
    for note in &notes {
        out.push(Line::styled(
            note.to_string(),
            Style::new().fg(Color::Yellow),
        ));
    }
    let mut profiles: Vec<(Mode, &Profile)> = app
        .job
        .reports
        .iter()
        .filter_map(|r| Some((r.mode, r.profile.as_ref()?)))
        .collect();
    profiles.sort_by_key(|(m, _)| Mode::all().iter().position(|x| x == m));
    if profiles.is_empty() {
        if app.settings.run.profile.is_some() && notes.is_empty() {
            out.push(Line::styled("no profile yet: the next run takes one", dim));
        }
        return out;
    }
    // What moved since the last profile first: after a save, that is the news.
    for (mode, now) in &profiles {
        moved_lines(&mut out, app, *mode, now, dim);
    }
    // Side by side where two fit, else one under the other.
    let columns = if width >= 2 * MIN_COLUMN + 3 {
        profiles.len().min(2)
    } else {
        1
    };
    let column = (width.saturating_sub(3 * (columns - 1)) / columns).max(20);
    let top = if columns == 1 && profiles.len() > 1 {
        TOP / 2
    } else {
        TOP
    };
    for group in profiles.chunks(columns) {
        table(&mut out, group, column, top, dim);
    }
    // The call tree of the last mode (the compiled one, when there is one).
    if let Some((mode, p)) = profiles.last() {
        out.push(Line::raw(""));
        out.push(Line::styled(
            format!("{}: flame graph, outermost calls first", mode.name()),
            Style::new().add_modifier(Modifier::BOLD),
        ));
        for cells in crate::profile::flame::layout(p, width, FLAME_DEPTH) {
            out.push(flame_row(&cells));
        }
    }
    out
}

/// What moved in `mode`'s profile `now` since the last build's, if there was one.
fn moved_lines(out: &mut Vec<Line<'static>>, app: &App, mode: Mode, now: &Profile, dim: Style) {
    let Some((_, before)) = app.module.profiles_before.iter().find(|(m, _)| *m == mode) else {
        return;
    };
    let changes = moved(before, now, MOVED_POINTS);
    if changes.is_empty() {
        out.push(Line::styled(
            format!(
                "{}: nothing moved {MOVED_POINTS} points since the last profile",
                mode.name()
            ),
            dim,
        ));
        return;
    }
    out.push(Line::styled(
        format!("{}: moved since the last profile (self time)", mode.name()),
        Style::new().add_modifier(Modifier::BOLD),
    ));
    for (name, points) in changes.into_iter().take(5) {
        let color = if points > 0.0 {
            Color::Red
        } else {
            Color::Green
        };
        out.push(Line::from(vec![
            Span::styled(format!("  {points:+5.1}  "), Style::new().fg(color)),
            Span::raw(name),
        ]));
    }
    out.push(Line::raw(""));
}

/// One row of the flame graph: each function a coloured box as wide as its time.
fn flame_row(cells: &[crate::profile::flame::Cell]) -> Line<'static> {
    const COLORS: [Color; 4] = [
        Color::Rgb(205, 92, 56),
        Color::Rgb(222, 140, 62),
        Color::Rgb(196, 120, 40),
        Color::Rgb(230, 165, 80),
    ];
    let mut spans = vec![];
    let mut at = 0;
    for (k, c) in cells.iter().enumerate() {
        if c.start > at {
            spans.push(Span::raw(" ".repeat(c.start - at)));
        }
        let label: String = c.name.chars().take(c.width.saturating_sub(1)).collect();
        let text = format!("{label:<w$}", w = c.width);
        spans.push(Span::styled(
            text,
            Style::new().fg(Color::Black).bg(COLORS[k % COLORS.len()]),
        ));
        at = c.start + c.width;
    }
    Line::from(spans)
}

/// Why a run has no profile (each reason once).
fn notes(app: &App) -> Vec<&String> {
    let mut notes: Vec<&String> = app
        .job
        .reports
        .iter()
        .flat_map(|r| &r.warnings)
        .filter(|w| w.starts_with("no profile"))
        .collect();
    notes.dedup();
    notes
}

/// A table of `group`'s profiles side by side: a head, then each one's top functions.
fn table(
    out: &mut Vec<Line<'static>>,
    group: &[(Mode, &Profile)],
    column: usize,
    top: usize,
    dim: Style,
) {
    let heads: Vec<String> = group
        .iter()
        .map(|(mode, p)| {
            format!(
                "{}: {} samples, {} of CPU",
                mode.name(),
                p.sample_count(),
                human_duration(std::time::Duration::from_nanos(p.cpu_ns()))
            )
        })
        .collect();
    out.push(row(
        &heads,
        column,
        Style::new().add_modifier(Modifier::BOLD),
    ));
    let titles: Vec<String> = group
        .iter()
        .map(|_| "  self  total  function".into())
        .collect();
    out.push(row(&titles, column, dim));
    let shares: Vec<_> = group.iter().map(|(_, p)| p.shares()).collect();
    for k in 0..top {
        if shares.iter().all(|s| s.len() <= k) {
            break;
        }
        let cells: Vec<String> = shares
            .iter()
            .map(|s| {
                s.get(k).map_or(String::new(), |f| {
                    format!("{:5.1}% {:5.1}%  {}", f.self_pct, f.total_pct, f.name)
                })
            })
            .collect();
        out.push(row(&cells, column, Style::new()));
    }
}

/// Cells side by side, each cut or padded to `width` characters.
fn row(cells: &[String], width: usize, style: Style) -> Line<'static> {
    let text: Vec<String> = cells
        .iter()
        .map(|c| {
            let cut: String = c.chars().take(width).collect();
            format!("{cut:<width$}")
        })
        .collect();
    Line::styled(text.join(" │ ").trim_end().to_string(), style)
}
