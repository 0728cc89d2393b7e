//! The module: sections (size, %, bar), imports, exports, largest functions, and what changed
//! in size since the previous build.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Tabs};

use super::{bar, pane_block};
use crate::engine::human_bytes;
use crate::tui::app::{App, MODULE_TABS, Pane};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let title = if app.stale {
        " Module (stale) "
    } else {
        " Module "
    };
    let block = pane_block(app, Pane::Module, title.to_string());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [tabs_area, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    frame.render_widget(
        Tabs::new(MODULE_TABS.to_vec())
            .select(app.module_tab)
            .highlight_style(Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD))
            .divider("|"),
        tabs_area,
    );
    let dim = Style::new().fg(Color::DarkGray);
    let Some(m) = &app.module else {
        frame.render_widget(Paragraph::new(Line::styled("no module yet", dim)), body);
        return;
    };
    let width = body.width as usize;
    let lines: Vec<Line> = match MODULE_TABS[app.module_tab] {
        "Sections" => {
            let max = m.sections.iter().map(|s| s.size).max().unwrap_or(1) as f64;
            let bar_w = width.saturating_sub(38);
            let mut sections: Vec<_> = m.sections.iter().collect();
            sections.sort_by_key(|s| std::cmp::Reverse(s.size));
            sections
                .into_iter()
                .map(|s| {
                    let pct = s.size as f64 * 100.0 / m.size.max(1) as f64;
                    Line::from(vec![
                        Span::raw(format!("{:<18.18}", s.name)),
                        Span::raw(format!("{:>10} {:>5.1}% ", human_bytes(s.size), pct)),
                        Span::styled(bar(s.size as f64, max, bar_w), Style::new().fg(Color::Cyan)),
                    ])
                })
                .collect()
        }
        "Imports" => m
            .import_list
            .iter()
            .map(|i| {
                Line::from(vec![
                    Span::styled(format!("{}.", i.module), dim),
                    Span::raw(format!("{} ", i.name)),
                    Span::styled(i.signature.clone(), dim),
                ])
            })
            .collect(),
        "Exports" => m
            .export_list
            .iter()
            .map(|e| Line::raw(format!("{:<24} {} {}", e.name, e.kind, e.index)))
            .collect(),
        "Functions" => m
            .largest_functions
            .iter()
            .map(|f| {
                Line::from(vec![
                    Span::raw(format!("{:>10} ", human_bytes(f.size))),
                    Span::raw(
                        f.name
                            .clone()
                            .unwrap_or_else(|| format!("func {}", f.index)),
                    ),
                ])
            })
            .collect(),
        _ => match &app.previous_module {
            None => vec![Line::styled("no earlier build to compare with", dim)],
            Some(prev) => {
                let mut lines = vec![Line::raw(format!(
                    "{} → {} ({:+} B)",
                    human_bytes(prev.size),
                    human_bytes(m.size),
                    m.size as i64 - prev.size as i64
                ))];
                for s in &m.sections {
                    let before = prev
                        .sections
                        .iter()
                        .find(|p| p.name == s.name)
                        .map_or(0, |p| p.size);
                    let d = s.size as i64 - before as i64;
                    if d != 0 {
                        let color = if d > 0 { Color::Red } else { Color::Green };
                        lines.push(Line::from(vec![
                            Span::raw(format!("{:<18.18}", s.name)),
                            Span::styled(format!("{d:>+10} B"), Style::new().fg(color)),
                        ]));
                    }
                }
                if lines.len() == 1 {
                    lines.push(Line::styled("no section changed size", dim));
                }
                lines
            }
        },
    };
    let skip = app.module_scroll.min(lines.len().saturating_sub(1));
    frame.render_widget(
        Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()),
        body,
    );
}
