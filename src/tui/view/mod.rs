//! Drawing the workbench: a pure function of the state. One file per pane.
//!
//! ```text
//!  gowasm · hello · go go1.23.5 · wasip1 · interp+aot · ⠋ building 1.2 s · 2.3 MiB (+8 B)
//! ┌ Diagnostics (when a build failed) ─┐┌ Timing ───────────────────────┐
//! └────────────────────────────────────┘│ phases × modes, bars, speedup │
//! ┌ Output ────────────────────────────┐│ history sparkline             │
//! │ guest stdout / stderr, live        │└───────────────────────────────┘
//! │                                    │┌ Module [Sections|Imports|…] ──┐
//! │                                    ││ name  size  %  bar            │
//! └────────────────────────────────────┘└───────────────────────────────┘
//!  q quit  ? help  r rebuild …                       (footer from the key table)
//! ```
//! Below 100 columns the panes stack: header, diagnostics, output, timing, module, footer.

mod diagnostics;
mod footer;
mod header;
mod help;
mod module;
mod output;
mod packages;
mod profile;
mod timing;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, BorderType};

use super::app::{App, Pane};

/// Draws the whole screen.
pub fn view(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let [top, body, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    header::render(app, frame, top);
    footer::render(app, frame, bottom);
    let failed = app.diagnostics.failed;
    let diag_height = if failed { diagnostics::height(app) } else { 0 };
    let [diag, out, timing_area, module_area] = if area.width >= 100 {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)])
                .areas(body);
        let [diag, out] =
            Layout::vertical([Constraint::Length(diag_height), Constraint::Min(3)]).areas(left);
        let [timing_area, module_area] =
            Layout::vertical([Constraint::Length(timing::height(app)), Constraint::Min(4)])
                .areas(right);
        [diag, out, timing_area, module_area]
    } else {
        Layout::vertical([
            Constraint::Length(diag_height.min(7)),
            Constraint::Min(6),
            Constraint::Length(timing::height(app).min(8)),
            Constraint::Length(6),
        ])
        .areas(body)
    };
    if failed {
        diagnostics::render(app, frame, diag);
    }
    output::render(app, frame, out);
    timing::render(app, frame, timing_area);
    module::render(app, frame, module_area);
    if app.input == crate::tui::app::InputMode::Help {
        help::render(frame, centered(area, 70, 30), &app.keys);
    }
}

/// A pane's border, highlighted when it has focus.
fn pane_block(app: &App, pane: Pane, title: String) -> Block<'static> {
    let focused = app.focus == pane;
    Block::bordered()
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
        .border_style(if focused {
            Style::new().fg(Color::Cyan)
        } else {
            Style::new().fg(Color::DarkGray)
        })
        .title(title)
        .title_style(Style::new().add_modifier(Modifier::BOLD))
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// A bar of `value / max` over `width` cells.
fn bar(value: f64, max: f64, width: usize) -> String {
    if max <= 0.0 || width == 0 {
        return String::new();
    }
    let cells = ((value / max) * width as f64)
        .round()
        .clamp(0.0, width as f64) as usize;
    "█".repeat(cells.max(usize::from(value > 0.0)))
}
