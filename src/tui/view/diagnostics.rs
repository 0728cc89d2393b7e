//! Shown while the newest build has failed: the compiler's messages, one selectable line each,
//! and beneath them the end of the build's own log (all of it that there is, when no message
//! could be parsed: a linker error, a package without Go files, a broken go.mod).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{List, ListItem, ListState, Paragraph};

use super::pane_block;
use crate::tui::app::{App, Pane};

/// The pane's height: its messages and up to 8 lines of the log.
pub fn height(app: &App) -> u16 {
    let log = app.diagnostics.log.lines().count().min(8) as u16;
    (app.diagnostics.items.len() as u16 + log + 2).clamp(4, 14)
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let n = app.diagnostics.items.len();
    let title = if n == 0 {
        " Build failed: the build's log (PgUp/PgDn to scroll) ".to_string()
    } else {
        format!(
            " Build failed: {n} error{} (e/Enter: open in $EDITOR) ",
            if n == 1 { "" } else { "s" }
        )
    };
    let block = pane_block(app, Pane::Diagnostics, title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let no_log = app.diagnostics.log.trim().is_empty();
    // The messages first; the log gets what is left, at least a line when there is one.
    let list_rows = if no_log {
        n as u16
    } else {
        (n as u16).min(inner.height.saturating_sub(1).max(1))
    };
    let [list_area, log_area] = if n == 0 {
        [Rect::default(), inner]
    } else {
        Layout::vertical([Constraint::Length(list_rows), Constraint::Min(0)]).areas(inner)
    };
    if n > 0 {
        let items: Vec<ListItem> = app
            .diagnostics
            .items
            .iter()
            .map(|d| {
                let text = d.render(|f| {
                    std::path::Path::new(f)
                        .file_name()
                        .map_or(f.to_string(), |n| n.to_string_lossy().into_owned())
                });
                ListItem::new(Line::styled(text, Style::new().fg(Color::Red)))
            })
            .collect();
        let list = List::new(items)
            .highlight_style(Style::new().add_modifier(Modifier::REVERSED))
            .highlight_symbol("▶ ");
        let mut state = ListState::default().with_selected(Some(app.diagnostics.selected));
        frame.render_stateful_widget(list, list_area, &mut state);
    }
    if n > 0 && no_log {
        return;
    }
    let lines: Vec<&str> = app.diagnostics.log.lines().collect();
    let end = lines.len().saturating_sub(app.diagnostics.log_scroll);
    let start = end.saturating_sub(log_area.height as usize);
    let style = if n == 0 {
        Style::new().fg(Color::Red)
    } else {
        Style::new().fg(Color::DarkGray)
    };
    let shown: Vec<Line> = if lines.is_empty() {
        vec![Line::styled("(the build printed nothing)", style)]
    } else {
        lines[start..end]
            .iter()
            .map(|l| Line::styled(l.to_string(), style))
            .collect()
    };
    frame.render_widget(Paragraph::new(shown), log_area);
}
