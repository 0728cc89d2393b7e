//! The module: sections (size, %, bar), packages, imports, exports, largest functions, what
//! changed in size since the previous build, and the other toolchain's build beside this one.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Tabs, Wrap};

use super::{bar, pane_block};
use crate::engine::{human_bytes, human_ms};
use crate::pipeline::ModuleSummary;
use crate::toolchains::ToolchainRow;
use strum::VariantArray;

use crate::tui::app::{App, ModuleTab, Pane};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let title = if app.job.stale {
        " Module (stale) "
    } else {
        " Module "
    };
    let block = pane_block(app, Pane::Module, title.to_string());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [tabs_area, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    render_tabs(app, frame, tabs_area);
    let dim = Style::new().fg(Color::DarkGray);
    if app.module.tab == ModuleTab::Toolchains {
        let lines = toolchains(app, dim);
        let skip = app.module.scroll.min(lines.len().saturating_sub(1));
        frame.render_widget(
            Paragraph::new(lines[skip..].to_vec()).wrap(Wrap { trim: false }),
            body,
        );
        return;
    }
    let Some(m) = &app.module.summary else {
        frame.render_widget(Paragraph::new(Line::styled("no module yet", dim)), body);
        return;
    };
    let width = body.width as usize;
    if app.module.tab == ModuleTab::Packages {
        let (lines, skip) = super::packages::packages(app, width, body.height as usize);
        frame.render_widget(
            Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()),
            body,
        );
        return;
    }
    let mut lines = tab_lines(app, m, width, dim);
    if let Some(note) = &m.note {
        lines.insert(
            0,
            Line::styled(note.clone(), Style::new().fg(Color::Yellow)),
        );
    }
    let skip = app.module.scroll.min(lines.len().saturating_sub(1));
    frame.render_widget(
        Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()),
        body,
    );
}

/// The tab bar; in a narrow pane the first tabs give way, so the selected one is always in view.
fn render_tabs(app: &App, frame: &mut Frame, tabs_area: Rect) {
    let width_from = |first: usize| -> usize {
        ModuleTab::VARIANTS[first..]
            .iter()
            .map(|t| t.title().chars().count() + 3)
            .sum::<usize>()
            + 1
    };
    let mut first = 0;
    while first < app.module.tab.index() && width_from(first) > tabs_area.width as usize {
        first += 1;
    }
    let mut titles: Vec<String> = ModuleTab::VARIANTS[first..]
        .iter()
        .map(|t| t.title().to_string())
        .collect();
    if first > 0 {
        titles[0] = format!("‹ {}", titles[0]);
    }
    frame.render_widget(
        Tabs::new(titles)
            .select(app.module.tab.index() - first)
            .highlight_style(Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD))
            .divider("|"),
        tabs_area,
    );
}

/// The lines of the Sections, Imports, Exports, Functions and Changes tabs.
fn tab_lines(app: &App, m: &ModuleSummary, width: usize, dim: Style) -> Vec<Line<'static>> {
    match app.module.tab {
        ModuleTab::Sections => sections(m, width),
        ModuleTab::Imports => imports(m, dim),
        ModuleTab::Exports => exports(m, dim),
        ModuleTab::Functions => functions(
            app.module
                .anatomy
                .as_ref()
                .map_or(&m.largest_functions, |a| &a.largest_functions),
        ),
        ModuleTab::Profile => super::profile::lines(app, width, dim),
        _ => changes(app, m, dim),
    }
}

/// The Exports tab: for a reactor, how to call its exports, then every export with its type;
/// the ones a call may name stand out.
fn exports(m: &ModuleSummary, dim: Style) -> Vec<Line<'static>> {
    use crate::inspect::triage::Entry;
    let mut lines = vec![];
    let callable = m.callable().len();
    match m.entry {
        Some(Entry::Reactor) => lines.push(Line::styled(
            format!("a reactor: _initialize, then {callable} exports to call with :call NAME ARGS"),
            Style::new().fg(Color::Cyan),
        )),
        Some(Entry::Library) => lines.push(Line::styled(
            format!("{callable} exports to call with :call NAME ARGS"),
            Style::new().fg(Color::Cyan),
        )),
        _ if callable > 0 => lines.push(Line::styled(
            ":call NAME ARGS calls one after _start, if the program returns",
            dim,
        )),
        _ => {}
    }
    for e in &m.export_list {
        let style = if e.is_callable() {
            Style::new().add_modifier(Modifier::BOLD)
        } else {
            dim
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{:<24} ", e.name), style),
            Span::raw(match e.kind.as_str() {
                "func" => e.signature(),
                kind => format!("{kind} {}", e.index),
            }),
        ]));
    }
    lines
}

/// The Sections tab: each section's size, share and bar, biggest first.
fn sections(m: &ModuleSummary, width: usize) -> Vec<Line<'static>> {
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

fn imports(m: &ModuleSummary, dim: Style) -> Vec<Line<'static>> {
    m.import_list
        .iter()
        .map(|i| {
            Line::from(vec![
                Span::styled(format!("{}.", i.module), dim),
                Span::raw(format!("{} ", i.name)),
                Span::styled(i.signature.clone(), dim),
            ])
        })
        .collect()
}

/// The Functions tab: under the anatomy's names once it has come (Go's own), else the name
/// section's.
fn functions(largest: &[crate::inspect::FunctionSize]) -> Vec<Line<'static>> {
    largest
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
        .collect()
}

/// The Changes tab: sections that changed size since the previous build, then packages and
/// functions.
fn changes(app: &App, m: &ModuleSummary, dim: Style) -> Vec<Line<'static>> {
    let Some(prev) = &app.module.previous else {
        return vec![Line::styled("no earlier build to compare with", dim)];
    };
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
    lines.extend(super::packages::changes(app));
    lines
}

/// Each toolchain's build and runs, three lines apiece, then whether their outputs agree.
fn toolchains(app: &App, dim: Style) -> Vec<Line<'static>> {
    if !app.settings.compare_toolchains {
        return vec![Line::styled(
            "press t to also build with the other of Go and TinyGo on every save",
            dim,
        )];
    }
    let Some((_, rows, differences)) = &app.module.toolchains else {
        return vec![Line::styled(
            "waiting for both toolchains' builds and runs",
            dim,
        )];
    };
    let mut lines: Vec<Line<'static>> = rows.iter().flat_map(|r| toolchain_row(r, dim)).collect();
    if differences.is_empty() && rows.iter().all(|r| !r.runs.is_empty()) {
        lines.push(Line::styled(
            "outputs agree: the same stdout and exit code",
            Style::new().fg(Color::Green),
        ));
    }
    let yellow = Style::new().fg(Color::Yellow);
    for d in differences {
        let what = &d.difference;
        let width = d.versus.len().max(d.toolchain.len());
        lines.push(Line::styled(
            format!("outputs differ at {}:", what.at),
            yellow,
        ));
        lines.push(Line::styled(
            format!("  {:<width$} {:?}", d.versus, what.left),
            yellow,
        ));
        lines.push(Line::styled(
            format!("  {:<width$} {:?}", d.toolchain, what.right),
            yellow,
        ));
    }
    lines.extend(packages_side_by_side(rows));
    lines
}

/// One toolchain's build and runs, three lines or so.
fn toolchain_row(row: &ToolchainRow, dim: Style) -> Vec<Line<'static>> {
    let mut lines = vec![];
    let mut head = vec![Span::styled(
        format!("{} {}", row.toolchain, row.version),
        Style::new().add_modifier(Modifier::BOLD),
    )];
    if !row.target.is_empty() {
        head.push(Span::styled(format!(" ({})", row.target), dim));
    }
    if !row.runs.is_empty() {
        head.push(Span::raw(format!("  {}", row.outcome())));
    }
    lines.push(Line::from(head));
    if row.size.bytes > 0 {
        lines.push(Line::raw(format!(
            "  build {} · module {}",
            human_ms(row.build),
            human_bytes(row.size.bytes),
        )));
        lines.push(Line::raw(format!(
            "  code {} · data {}",
            human_bytes(row.size.code_bytes),
            human_bytes(row.size.data_bytes)
        )));
    }
    if !row.runs.is_empty() {
        let mut runs: Vec<String> = row
            .runs
            .iter()
            .map(|r| format!("{} {}", r.mode.name(), human_ms(r.timings.run)))
            .collect();
        runs.push(format!("memory {}", human_bytes(row.memory().unwrap_or(0))));
        lines.push(Line::raw(format!("  {}", runs.join(" · "))));
    }
    if let Some(e) = &row.error {
        lines.push(Line::styled(format!("  {e}"), Style::new().fg(Color::Red)));
    }
    lines
}

/// Both builds' code by package, side by side, where both exist.
fn packages_side_by_side(rows: &[ToolchainRow]) -> Vec<Line<'static>> {
    let mut lines = vec![];
    let sizes: Vec<&crate::compare::ModuleSize> = rows.iter().map(|r| &r.size).collect();
    let packages = crate::compare::packages_side_by_side(&sizes, 10);
    if rows.len() > 1 && !packages.is_empty() {
        let mut head = format!("{:<24}", "code by package");
        for row in rows {
            head.push_str(&format!("{:>10}", row.toolchain));
        }
        lines.push(Line::styled(
            head,
            Style::new().add_modifier(Modifier::BOLD),
        ));
        for (package, bytes) in &packages {
            let mut line = format!("  {package:<22.22}");
            for b in bytes {
                let cell = if *b == 0 {
                    "—".to_string()
                } else {
                    human_bytes(*b)
                };
                line.push_str(&format!("{cell:>10}"));
            }
            lines.push(Line::raw(line));
        }
    }
    lines
}
