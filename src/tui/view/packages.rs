//! The Module pane's Packages tab (code by Go package with bars, and a package's functions) and
//! the package and function part of its Changes tab.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::bar;
use crate::engine::{human_bytes, signed_bytes};
use crate::inspect::anatomy_diff::{Change, SizeChange};
use crate::tui::app::App;

/// The Packages tab; `height` is the body's, to keep the cursor in view.
pub fn packages(app: &App, width: usize, height: usize) -> (Vec<Line<'static>>, usize) {
    let dim = Style::new().fg(Color::DarkGray);
    let Some(a) = &app.module.anatomy else {
        return (vec![Line::styled("reading the module's packages…", dim)], 0);
    };
    let name_w = (width * 9 / 20).clamp(12, 28);
    let bar_w = width.saturating_sub(name_w + 19);
    if app.module.package_open
        && let Some(p) = a.packages.get(app.module.package_selected)
    {
        let mut lines = vec![Line::from(vec![
            Span::styled(
                format!("‹ {}", p.package),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Span::raw(format!(
                ": {} in {} functions",
                human_bytes(p.code_bytes),
                p.functions
            )),
            Span::styled("  (Enter: back)", dim),
        ])];
        let max = p.largest.first().map_or(1, |f| f.1) as f64;
        for (name, size) in &p.largest {
            lines.push(Line::from(vec![
                Span::raw(format!("{:>10} ", human_bytes(*size))),
                Span::styled(
                    format!("{:<12} ", bar(*size as f64, max, 12)),
                    Style::new().fg(Color::Cyan),
                ),
                Span::raw(name.clone()),
            ]));
        }
        let skip = app.module.scroll.min(lines.len().saturating_sub(1));
        return (lines, skip);
    }
    let mut lines = vec![Line::styled(
        format!(
            "code {} · names from {}",
            human_bytes(a.code_bytes),
            a.names_from
        ),
        dim,
    )];
    let max = a.packages.first().map_or(1, |p| p.code_bytes) as f64;
    for (i, p) in a.packages.iter().enumerate() {
        let selected = i == app.module.package_selected;
        let style = if selected {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{:<name_w$.name_w$}", p.package), style),
            Span::raw(format!(
                "{:>10} {:>5.1}% ",
                human_bytes(p.code_bytes),
                p.percent
            )),
            Span::styled(
                bar(p.code_bytes as f64, max, bar_w),
                Style::new().fg(Color::Cyan),
            ),
        ]));
    }
    lines.push(Line::styled("data", dim));
    for d in &a.data {
        lines.push(Line::styled(
            format!("{:>10}  {}", human_bytes(d.bytes), d.what),
            dim,
        ));
    }
    // The cursor's line (after the heading) stays on screen.
    let cursor = app.module.package_selected + 1;
    let skip = cursor.saturating_sub(height.saturating_sub(2));
    (lines, skip)
}

/// What changed per package and per function since the previous build, for the Changes tab.
pub fn changes(app: &App) -> Vec<Line<'static>> {
    let dim = Style::new().fg(Color::DarkGray);
    let Some(d) = app.module.anatomy.as_ref().and_then(|a| a.changes.as_ref()) else {
        return vec![];
    };
    let mut lines = vec![
        Line::raw(""),
        Line::styled(
            format!(
                "packages (code {}, data {})",
                signed_bytes(d.code_delta),
                signed_bytes(d.data_delta)
            ),
            Style::new().add_modifier(Modifier::BOLD),
        ),
    ];
    if d.packages.is_empty() {
        lines.push(Line::styled("no package changed size", dim));
    }
    lines.extend(d.packages.iter().map(change_line));
    if !d.functions.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "functions",
            Style::new().add_modifier(Modifier::BOLD),
        ));
        lines.extend(d.functions.iter().map(change_line));
    }
    lines
}

fn change_line(c: &SizeChange) -> Line<'static> {
    let color = if c.delta > 0 {
        Color::Red
    } else {
        Color::Green
    };
    let note = match c.change {
        Change::New => " (new)",
        Change::Gone => " (gone)",
        Change::Changed => "",
    };
    Line::from(vec![
        Span::styled(
            format!("{:>11}  ", signed_bytes(c.delta)),
            Style::new().fg(color),
        ),
        Span::raw(format!("{}{note}", c.name)),
    ])
}
