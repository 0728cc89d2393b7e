//! The bottom line: the focused pane's keys (from the key table), or the `:` prompt, or the
//! search being typed, or the last image export, or the last error.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::app::{App, InputMode};
use crate::tui::keys;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let line = if let InputMode::Prompt(text) = &app.input {
        Line::from(vec![
            Span::styled(":", Style::new().fg(Color::Cyan)),
            Span::raw(text.clone()),
            Span::styled(
                "▏  (args A B … | env K=V …, Enter to apply, Esc to cancel)",
                Style::new().fg(Color::DarkGray),
            ),
        ])
    } else if app.input == InputMode::Search {
        Line::from(vec![
            Span::styled("/", Style::new().fg(Color::Cyan)),
            Span::raw(app.output.search.clone().unwrap_or_default()),
            Span::raw("▏"),
        ])
    } else if let Some(notice) = &app.notice {
        Line::from(Span::styled(
            format!(" {notice}"),
            Style::new().fg(Color::Green),
        ))
    } else if let Some(err) = &app.error {
        Line::from(Span::styled(format!(" {err}"), Style::new().fg(Color::Red)))
    } else {
        let mut spans = vec![Span::raw(" ")];
        for (label, help) in keys::footer(app.focus, &app.keys) {
            spans.push(Span::styled(
                label,
                Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            ));
            spans.push(Span::raw(format!(" {help}  ")));
        }
        Line::from(spans)
    };
    frame.render_widget(Paragraph::new(line), area);
}
