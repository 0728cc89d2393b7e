//! The `?` overlay: every key binding, from the key table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::tui::keymap::KeyMap;
use crate::tui::keys::BINDINGS;

pub fn render(frame: &mut Frame, area: Rect, keys: &KeyMap) {
    let mut lines = vec![];
    for b in BINDINGS.iter().filter(|b| !b.label.is_empty()) {
        let scope = match b.pane {
            Some(p) => format!(" ({p:?} pane)"),
            None => String::new(),
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{:>10}  ", keys.label(b)),
                Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            ),
            Span::raw(b.help),
            Span::styled(scope, Style::new().fg(Color::DarkGray)),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "  any key closes this help",
        Style::new().fg(Color::DarkGray),
    ));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(" Keys ")
                .border_style(Style::new().fg(Color::Cyan)),
        ),
        area,
    );
}
