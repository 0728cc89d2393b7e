//! The top line: project, toolchain, target, modes, what is happening, the last build.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::engine::{human_bytes, human_ms};
use crate::tui::app::{Activity, App};

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let dim = Style::new().fg(Color::DarkGray);
    let sep = || Span::styled(" · ", dim);
    let spin = SPINNER[app.spinner % SPINNER.len()];
    let secs = |since: std::time::Duration| app.clock.saturating_sub(since).as_secs_f64();
    let (state, color) = match &app.job.activity {
        Activity::Starting => (format!("{spin} starting"), Color::Yellow),
        Activity::Watching if app.paused => ("⏸ paused".to_string(), Color::Yellow),
        Activity::Watching => ("● watching".to_string(), Color::Green),
        Activity::Building { since } => (
            format!("{spin} building {:.1} s", secs(*since)),
            Color::Yellow,
        ),
        Activity::Running { mode, since } => (
            format!("{spin} running {} {:.1} s", mode.name(), secs(*since)),
            Color::Yellow,
        ),
        Activity::Failed => ("✖ failed".to_string(), Color::Red),
    };
    let modes: Vec<&str> = app.settings.modes.iter().map(|m| m.name()).collect();
    let mut spans = vec![
        Span::styled(
            " gowasm",
            Style::new().add_modifier(Modifier::BOLD).fg(Color::Cyan),
        ),
        sep(),
        Span::styled(
            app.project.clone(),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        sep(),
        Span::raw(app.toolchain.clone().unwrap_or_else(|| "…".into())),
        sep(),
        Span::raw(app.target.clone().unwrap_or_else(|| "…".into())),
        sep(),
        Span::raw(if modes.is_empty() {
            "build only".to_string()
        } else {
            modes.join("+")
        }),
        sep(),
        Span::styled(state, Style::new().fg(color)),
    ];
    if let Some(b) = app.job.last_build {
        spans.extend([sep(), Span::raw(format!("build {}", human_ms(b)))]);
    }
    if let Some(m) = &app.module.summary {
        spans.extend([
            sep(),
            Span::raw(format!("{}{}", human_bytes(m.size), m.size_change())),
        ]);
    }
    if let Some(mode) = app.job.compiling {
        spans.extend([
            sep(),
            Span::styled(
                format!("{spin} compiling {}", mode.name()),
                Style::new().fg(Color::Yellow),
            ),
        ]);
    }
    if app.settings.compare_toolchains {
        let other = match app.toolchain.as_deref() {
            Some(t) if t.starts_with("tinygo") => "vs go",
            Some(_) => "vs tinygo",
            None => "vs the other toolchain",
        };
        spans.extend([sep(), Span::raw(other)]);
    }
    if app.paused && !matches!(app.job.activity, Activity::Watching) {
        spans.extend([
            sep(),
            Span::styled("paused", Style::new().fg(Color::Yellow)),
        ]);
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
