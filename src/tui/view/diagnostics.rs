//! Shown while a build has failed: the compiler's messages, one selectable line each.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{List, ListItem, ListState};

use super::pane_block;
use crate::tui::app::{App, Pane};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let items: Vec<ListItem> = app
        .diagnostics
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
    let n = app.diagnostics.len();
    let title = format!(
        " Build failed: {n} error{} (e/Enter: open in $EDITOR) ",
        if n == 1 { "" } else { "s" }
    );
    let list = List::new(items)
        .block(pane_block(app, Pane::Diagnostics, title))
        .highlight_style(Style::new().add_modifier(Modifier::REVERSED))
        .highlight_symbol("▶ ");
    let mut state = ListState::default().with_selected(Some(app.selected));
    frame.render_stateful_widget(list, area, &mut state);
}
