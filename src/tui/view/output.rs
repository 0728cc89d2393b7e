//! The guest's stdout and stderr, newest at the bottom; stderr in red; stale output dimmed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::pane_block;
use crate::engine::Outcome;
use crate::tui::app::{App, Pane};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let inner_w = area.width.saturating_sub(2).max(1) as usize;
    let inner_h = area.height.saturating_sub(2) as usize;
    let search = app.output.search.as_deref().filter(|s| !s.is_empty());
    let matches = search.map(|s| {
        app.output
            .buffer
            .lines
            .iter()
            .filter(|l| l.text.contains(s))
            .count()
    });

    // The window: `inner_h` rows ending `scroll` lines above the newest.
    let end = app.output.buffer.len().saturating_sub(app.output.scroll);
    // Each line's lane in front when several write: modes, or a mode and the browser.
    let multi_mode = app.settings.modes.len() > 1 || app.browser.is_some();
    let prefix = if multi_mode { 9 } else { 0 };
    let mut rows = 0;
    let mut start = end;
    while start > 0 && rows < inner_h {
        start -= 1;
        let chars = app.output.buffer.lines[start].text.chars().count() + prefix;
        rows += if app.output.wrap {
            chars.div_ceil(inner_w).max(1)
        } else {
            1
        };
    }
    let base = if app.job.stale {
        Style::new().fg(Color::DarkGray)
    } else {
        Style::new()
    };
    let mut lines: Vec<Line> = app
        .output
        .buffer
        .lines
        .range(start..end)
        .map(|l| output_line(l, base, app.job.stale, multi_mode, search))
        .collect();
    // How the last run ended, under its output.
    if app.output.scroll == 0 {
        lines.extend(outcome_lines(app, base));
    }
    let tail: usize = app
        .job
        .reports
        .iter()
        .map(|r| match &r.outcome {
            Outcome::Trapped(t) => t.render().lines().count(),
            _ => 1,
        })
        .sum();
    let overflow = (rows + tail).saturating_sub(inner_h) as u16;
    let mut title = " Output ".to_string();
    if app.job.stale {
        title = " Output (stale: the last build failed) ".to_string();
    }
    if let Some(b) = &app.browser {
        title.push_str(&format!("· {} ", b.title()));
    }
    if let Some(n) = matches {
        title.push_str(&format!("[/{} {n} matches] ", search.unwrap_or("")));
    }
    if app.output.scroll > 0 {
        title.push_str(&format!("[↑{}] ", app.output.scroll));
    }
    if app.output.buffer.dropped > 0 {
        title.push_str(&format!(
            "[{} older lines dropped] ",
            app.output.buffer.dropped
        ));
    }
    // Scrolled so that the newest line and the run's result stay in view.
    let mut p = Paragraph::new(lines)
        .block(pane_block(app, Pane::Output, title))
        .scroll((overflow, 0));
    if app.output.wrap {
        p = p.wrap(Wrap { trim: false });
    }
    frame.render_widget(p, area);
}

/// One line of output, its mode in front when several run, the search's matches reversed.
fn output_line(
    l: &crate::tui::output::OutputLine,
    base: Style,
    stale: bool,
    multi_mode: bool,
    search: Option<&str>,
) -> Line<'static> {
    let style = if l.stderr {
        base.fg(if stale { Color::DarkGray } else { Color::Red })
    } else {
        base
    };
    let mut spans = vec![];
    if multi_mode {
        spans.push(Span::styled(
            format!("{:<9}", l.lane.name()),
            Style::new().fg(Color::DarkGray),
        ));
    }
    match search {
        Some(s) if l.text.contains(s) => {
            for (i, part) in l.text.split(s).enumerate() {
                if i > 0 {
                    spans.push(Span::styled(
                        s.to_string(),
                        style.add_modifier(Modifier::REVERSED),
                    ));
                }
                spans.push(Span::styled(part.to_string(), style));
            }
        }
        _ => spans.push(Span::styled(l.text.clone(), style)),
    }
    Line::from(spans)
}

/// How each run ended (a trap with its backtrace), under the output.
fn outcome_lines(app: &App, base: Style) -> Vec<Line<'static>> {
    let mut lines = vec![];
    for r in &app.job.reports {
        let color = match &r.outcome {
            Outcome::Exited { code: 0 } => Color::Green,
            Outcome::Trapped(_) => Color::Red,
            _ => Color::Yellow,
        };
        let style = base.fg(if app.job.stale {
            Color::DarkGray
        } else {
            color
        });
        let text = match &r.outcome {
            Outcome::Trapped(t) => t.render(),
            _ => r.describe(),
        };
        for (i, line) in text.lines().enumerate() {
            let lead = if i == 0 {
                format!("── {}: ", r.mode.name())
            } else {
                "   ".to_string()
            };
            lines.push(Line::styled(format!("{lead}{line}"), style));
        }
    }
    lines
}
