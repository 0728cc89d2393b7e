//! The workbench's state and the one function that changes it: `update(&mut App, Msg) -> Vec<Cmd>`.
//! No terminal, channel or clock in here: time arrives in messages, effects leave as commands.

use std::path::PathBuf;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};

use super::keymap::KeyMap;
use super::keys::Action;
use crate::build::Diagnostic;
use crate::engine::Mode;
use crate::pipeline::{Event, NewestJob, RunSettings};
use crate::watch::WatchEvent;

/// The run-mode choices `m` cycles through; `a` picks all of them.
pub const MODE_CHOICES: [&[Mode]; 5] = [
    &[Mode::Interp, Mode::Aot],
    &[Mode::Interp],
    &[Mode::Baseline],
    &[Mode::Aot],
    &[Mode::Opt],
];

/// How many past jobs the timing history keeps.
pub const HISTORY: usize = 30;

pub use super::panes::{
    Activity, DiagnosticsPane, InputMode, JobView, ModulePane, ModuleTab, OutputPane, Pane,
};

#[derive(Debug)]
pub struct App {
    pub project: String,
    pub toolchain: Option<String>,
    pub target: Option<String>,
    /// The run settings the pipeline is told of (`m`, `a`, `t`, `:args`, `:env`, `:call`).
    pub settings: RunSettings,
    pub paused: bool,
    pub job: JobView,
    pub output: OutputPane,
    pub module: ModulePane,
    pub diagnostics: DiagnosticsPane,
    pub focus: Pane,
    pub input: InputMode,
    /// Time since the workbench started, as last told by a message.
    pub clock: Duration,
    pub spinner: usize,
    pub error: Option<String>,
    /// The last image export's result, for the footer until the next key.
    pub notice: Option<String>,
    pub bench: Option<Result<Vec<(Mode, Duration)>, String>>,
    pub bench_running: bool,
    pub exporting_image: bool,
    /// The key bindings in force (the settings file's `[keys]` over the table).
    pub keys: KeyMap,
    /// The browser lane, while `B` has it on.
    pub browser: Option<super::browser::BrowserView>,
    pub quit: bool,
}

/// Everything that can happen to the workbench.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Pipeline(Box<Event>),
    /// Time passes (for the spinner and the "building 1.2 s" counter).
    Tick(Duration),
    /// The terminal changed size: nothing to do but draw again.
    Resize,
    /// Input is waiting in the event loop's priority queue: nothing to do here.
    Wake,
    BenchDone(Result<Vec<(Mode, Duration)>, String>),
    /// An image export ended: where it went, or why it failed.
    ImageDone(Result<String, String>),
    /// The browser lane's server, or a page, said something.
    Browser(Box<crate::serve::ServeEvent>),
}

/// Effects for the event loop to perform.
#[derive(Debug, Clone, PartialEq)]
pub enum Cmd {
    Quit,
    Rebuild,
    Cancel,
    SetPaused(bool),
    /// Start the pipeline again with new modes, guest arguments or environment.
    Restart,
    OpenEditor {
        file: String,
        line: u32,
        column: Option<u32>,
    },
    Bench {
        module: PathBuf,
    },
    /// Write the module as an OCI archive.
    ExportImage {
        module: PathBuf,
    },
    /// Start or stop the browser lane.
    Serve(bool),
}

impl App {
    pub fn new(project: &str, settings: RunSettings) -> App {
        App {
            project: project.to_string(),
            toolchain: None,
            target: None,
            settings,
            paused: false,
            job: JobView::default(),
            output: OutputPane::default(),
            module: ModulePane::default(),
            diagnostics: DiagnosticsPane::default(),
            focus: Pane::Output,
            input: InputMode::Normal,
            clock: Duration::ZERO,
            spinner: 0,
            error: None,
            notice: None,
            bench: None,
            bench_running: false,
            exporting_image: false,
            keys: KeyMap::default(),
            browser: None,
            quit: false,
        }
    }

    /// The panes Tab moves between: diagnostics only while a build has failed.
    pub fn panes(&self) -> Vec<Pane> {
        let mut p = vec![Pane::Output, Pane::Timing, Pane::Module];
        if self.diagnostics.failed {
            p.insert(0, Pane::Diagnostics);
        }
        p
    }
}

/// Applies a message; returns what the event loop must do.
pub fn update(app: &mut App, msg: Msg) -> Vec<Cmd> {
    match msg {
        Msg::Key(key) => on_key(app, key),
        Msg::Mouse(m) => {
            match m.kind {
                MouseEventKind::ScrollUp => scroll_by(app, 3, true),
                MouseEventKind::ScrollDown => scroll_by(app, 3, false),
                _ => {}
            }
            vec![]
        }
        Msg::Pipeline(event) => on_event(app, *event),
        Msg::Tick(now) => {
            app.clock = now;
            app.spinner = app.spinner.wrapping_add(1);
            vec![]
        }
        Msg::Resize | Msg::Wake => vec![],
        Msg::ImageDone(result) => {
            app.exporting_image = false;
            match result {
                Ok(notice) => app.notice = Some(notice),
                Err(e) => app.error = Some(e),
            }
            vec![]
        }
        Msg::BenchDone(result) => {
            app.bench_running = false;
            app.bench = Some(result);
            vec![]
        }
        Msg::Browser(event) => {
            super::browser::update(app, *event);
            vec![]
        }
    }
}

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Cmd> {
    app.notice = None;
    let action = app.keys.action(key, app.focus);
    // Quitting with a modifier (Ctrl-C) works even while typing.
    if action == Some(Action::Quit) && key.modifiers.contains(KeyModifiers::CONTROL) {
        app.quit = true;
        return vec![Cmd::Quit];
    }
    match std::mem::take(&mut app.input) {
        InputMode::Normal => on_command_key(app, key, action),
        InputMode::Help => vec![],
        InputMode::Prompt(text) => on_prompt_key(app, key, text),
        InputMode::Search => {
            on_search_key(app, key);
            vec![]
        }
    }
}

/// A key typed at the `:` prompt.
fn on_prompt_key(app: &mut App, key: KeyEvent, mut text: String) -> Vec<Cmd> {
    match key.code {
        KeyCode::Esc => return vec![],
        KeyCode::Enter => return apply_prompt(app, &text),
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char(c) => text.push(c),
        _ => {}
    }
    app.input = InputMode::Prompt(text);
    vec![]
}

/// A key typed into the output search.
fn on_search_key(app: &mut App, key: KeyEvent) {
    let search = app.output.search.get_or_insert_with(String::new);
    match key.code {
        KeyCode::Esc => app.output.search = None,
        KeyCode::Enter => return,
        KeyCode::Backspace => {
            search.pop();
        }
        KeyCode::Char(c) => search.push(c),
        _ => {}
    }
    if key.code != KeyCode::Esc {
        app.input = InputMode::Search;
    }
}

/// A key read as a command.
fn on_command_key(app: &mut App, key: KeyEvent, action: Option<Action>) -> Vec<Cmd> {
    let Some(action) = action else {
        if key.code == KeyCode::Esc {
            app.output.search = None;
        }
        return vec![];
    };
    run_action(app, action).unwrap_or_else(|| view_action(app, action))
}

/// What a key asks of the runs: quit, rebuild, modes, bench, image, toolchains, pause, cancel.
/// `P`: every run profiled (best effort: a module that cannot be still runs), or none.
fn toggle_profile(app: &mut App) -> Vec<Cmd> {
    app.settings.run.profile = match app.settings.run.profile {
        Some(_) => None,
        None => {
            app.module.tab = ModuleTab::Profile;
            app.module.scroll = 0;
            Some(crate::profile::ProfileSettings {
                best_effort: true,
                ..Default::default()
            })
        }
    };
    vec![Cmd::Restart]
}

fn run_action(app: &mut App, action: Action) -> Option<Vec<Cmd>> {
    let cmds = match action {
        Action::Quit => {
            app.quit = true;
            vec![Cmd::Quit]
        }
        Action::Help => {
            app.input = InputMode::Help;
            vec![]
        }
        Action::Rebuild => vec![Cmd::Rebuild],
        Action::CycleMode => {
            let current = MODE_CHOICES
                .iter()
                .position(|m| *m == app.settings.modes.as_slice());
            let next = current.map_or(0, |i| (i + 1) % MODE_CHOICES.len());
            app.settings.modes = MODE_CHOICES[next].to_vec();
            vec![Cmd::Restart]
        }
        Action::RunAll => {
            app.settings.modes = Mode::all();
            vec![Cmd::Restart]
        }
        Action::Bench => match &app.module.summary {
            Some(m) if !app.bench_running => {
                app.bench_running = true;
                app.bench = None;
                vec![Cmd::Bench {
                    module: m.path.clone(),
                }]
            }
            _ => vec![],
        },
        Action::ExportImage => match &app.module.summary {
            Some(m) if !app.exporting_image => {
                app.exporting_image = true;
                vec![Cmd::ExportImage {
                    module: m.path.clone(),
                }]
            }
            Some(_) => vec![],
            None => {
                app.error = Some("no good build yet to export as an image".into());
                vec![]
            }
        },
        Action::CompareToolchains => {
            app.settings.compare_toolchains = !app.settings.compare_toolchains;
            if app.settings.compare_toolchains {
                app.module.show_tab(ModuleTab::Toolchains);
            } else {
                app.module.toolchains = None;
            }
            vec![Cmd::Restart]
        }
        Action::TogglePause => {
            app.paused = !app.paused;
            vec![Cmd::SetPaused(app.paused)]
        }
        Action::ToggleProfile => toggle_profile(app),
        Action::ToggleBrowser => super::browser::toggle(app),
        Action::CancelRun => vec![Cmd::Cancel],
        Action::Prompt => {
            app.input = InputMode::Prompt(String::new());
            vec![]
        }
        _ => return None,
    };
    Some(cmds)
}

/// What a key does to the panes: focus, scrolling, search, tabs, packages, the editor.
fn view_action(app: &mut App, action: Action) -> Vec<Cmd> {
    match action {
        Action::FocusNext | Action::FocusPrev => {
            let panes = app.panes();
            let i = panes.iter().position(|p| *p == app.focus).unwrap_or(0);
            let n = panes.len();
            let next = if action == Action::FocusNext {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            app.focus = panes[next];
            vec![]
        }
        Action::ScrollUp => scroll(app, 1, true),
        Action::ScrollDown => scroll(app, 1, false),
        Action::PageUp => scroll(app, 20, true),
        Action::PageDown => scroll(app, 20, false),
        Action::Top => scroll(app, usize::MAX / 2, true),
        Action::Bottom => scroll(app, usize::MAX / 2, false),
        Action::Search => {
            app.input = InputMode::Search;
            app.output.search = Some(String::new());
            vec![]
        }
        Action::ToggleWrap => {
            app.output.wrap = !app.output.wrap;
            vec![]
        }
        Action::ClearOutput => {
            app.output.clear();
            vec![]
        }
        Action::OpenEditor => match app.diagnostics.items.get(app.diagnostics.selected) {
            Some(Diagnostic {
                file: Some(file),
                line: Some(line),
                column,
                ..
            }) => vec![Cmd::OpenEditor {
                file: file.clone(),
                line: *line,
                column: *column,
            }],
            _ => vec![],
        },
        Action::OpenPackage => {
            if app.module.tab == ModuleTab::Packages && app.module.anatomy.is_some() {
                app.module.package_open = !app.module.package_open;
                app.module.scroll = 0;
            }
            vec![]
        }
        Action::ClosePackage => {
            app.module.package_open = false;
            app.module.scroll = 0;
            vec![]
        }
        Action::NextTab => {
            app.module.show_tab(app.module.tab.step(true));
            vec![]
        }
        Action::PrevTab => {
            app.module.show_tab(app.module.tab.step(false));
            vec![]
        }
        _ => vec![],
    }
}

/// `:args a b c` sets the guest's arguments, `:env K=V …` its environment; both are split as a
/// shell splits words (`:args 'a b' c` is two arguments).
fn apply_prompt(app: &mut App, line: &str) -> Vec<Cmd> {
    let line = line.trim();
    let (command, rest) = line.split_once(' ').unwrap_or((line, ""));
    match command {
        "args" | "env" => {
            let words = match shell_words::split(rest) {
                Ok(w) => w,
                Err(e) => {
                    app.error = Some(format!(":{command}: {e}"));
                    return vec![];
                }
            };
            if command == "args" {
                app.settings.run.args = words;
            } else {
                match words
                    .iter()
                    .map(|w| crate::engine::parse_env_pair(w))
                    .collect()
                {
                    Ok(env) => app.settings.run.env = env,
                    Err(e) => {
                        app.error = Some(format!(":env {e}"));
                        return vec![];
                    }
                }
            }
        }
        "call" => {
            let calls: Result<Vec<_>, _> = rest
                .split(';')
                .filter(|c| !c.trim().is_empty())
                .map(crate::engine::calls::CallSpec::parse)
                .collect();
            match calls {
                Ok(calls) => app.settings.run.calls = calls,
                Err(e) => {
                    app.error = Some(format!(":call {e}"));
                    return vec![];
                }
            }
        }
        "" => return vec![],
        other => {
            app.error = Some(format!(
                ":{other}: unknown; use :args A B …, :env K=V … or :call NAME ARGS[; …]"
            ));
            return vec![];
        }
    }
    app.error = None;
    vec![Cmd::Restart]
}

fn scroll(app: &mut App, by: usize, up: bool) -> Vec<Cmd> {
    scroll_by(app, by, up);
    vec![]
}

fn scroll_by(app: &mut App, by: usize, up: bool) {
    match app.focus {
        Pane::Output | Pane::Timing => app.output.scroll_by(by, up),
        Pane::Module => app
            .module
            .scroll_by(by, up, app.module.tab == ModuleTab::Packages),
        Pane::Diagnostics => app.diagnostics.scroll_by(by, up),
    }
}

fn on_event(app: &mut App, event: Event) -> Vec<Cmd> {
    let mut newest = NewestJob(app.job.number);
    if !newest.admit(&event) {
        return vec![];
    }
    app.job.number = newest.0;
    if let Some(event) = on_build_event(app, event) {
        on_run_event(app, event);
    }
    vec![]
}

/// The watcher, the build and the module; other events are handed back.
fn on_build_event(app: &mut App, event: Event) -> Option<Event> {
    match event {
        Event::Watch { change } => match change {
            WatchEvent::RootGone => {
                app.error = Some("the project folder is gone; waiting for it to come back".into())
            }
            WatchEvent::RootBack => app.error = None,
            WatchEvent::Error(e) => app.error = Some(format!("watch error: {e}")),
            WatchEvent::Changed(_) => {}
        },
        Event::JobStarted { .. } => {
            app.error = None;
        }
        Event::BuildStarted {
            toolchain, version, ..
        } => {
            app.toolchain = Some(format!("{toolchain} {version}"));
            app.job.activity = Activity::Building { since: app.clock };
        }
        Event::BuildFinished {
            success,
            duration,
            diagnostics,
            log,
            ..
        } => {
            app.job.last_build = Some(duration);
            app.diagnostics.build_finished(success, diagnostics, log);
            if success {
                if app.focus == Pane::Diagnostics {
                    app.focus = Pane::Output;
                }
            } else {
                app.job.activity = Activity::Failed;
                app.focus = Pane::Diagnostics;
            }
        }
        Event::KeptLastGood { .. } => app.job.stale = true,
        Event::JobError { message, .. } => {
            app.error = Some(message);
            app.job.activity = Activity::Failed;
        }
        Event::ModuleReady { module, .. } => {
            app.target = Some(match &module.host {
                Some(host) => format!("{} · {host} host", module.target),
                None => module.target.clone(),
            });
            if app.toolchain.is_none() {
                app.toolchain = Some(
                    format!(
                        "{} {}",
                        module.toolchain,
                        module.toolchain_version.as_deref().unwrap_or("")
                    )
                    .trim()
                    .to_string(),
                );
            }
            app.module.ready(module);
            app.job.stale = false;
            let profiled: Vec<_> = app
                .job
                .reports
                .iter_mut()
                .filter_map(|r| Some((r.mode, r.profile.take()?)))
                .collect();
            if !profiled.is_empty() {
                app.module.profiles_before = profiled;
            }
            app.job.reports.clear();
            app.output.clear();
        }
        Event::ModuleAnatomy { anatomy, .. } => app.module.anatomy_ready(*anatomy),
        other => return Some(other),
    }
    None
}

/// The runs and what they leave: output, reports, the comparison, the history.
fn on_run_event(app: &mut App, event: Event) {
    match event {
        Event::Precompiling { mode, .. } => app.job.compiling = Some(mode),
        Event::RunStarted { mode, .. } => {
            if app.job.compiling == Some(mode) {
                app.job.compiling = None;
            }
            app.job.activity = Activity::Running {
                mode,
                since: app.clock,
            };
        }
        Event::Output {
            job,
            mode,
            stream,
            bytes,
        } => {
            let before = app.output.buffer.len() as u64 + app.output.buffer.dropped;
            app.output.buffer.push(job, mode, stream, &bytes);
            // Keep the view still while the user reads scrollback.
            if app.output.scroll > 0 {
                let added = (app.output.buffer.len() as u64 + app.output.buffer.dropped)
                    .saturating_sub(before);
                app.output.scroll =
                    (app.output.scroll + added as usize).min(app.output.buffer.len());
            }
        }
        Event::RunFinished { job, report } => {
            app.output.buffer.finish(job, report.mode);
            for line in call_lines(&report) {
                app.output.buffer.push_note(job, report.mode, line);
            }
            app.job.reports.retain(|r| r.mode != report.mode);
            app.job.reports.push(report);
            app.job.reports_job = job;
        }
        Event::ToolchainsCompared {
            job,
            rows,
            differences,
        } => app.module.toolchains = Some((job, rows, differences)),
        Event::JobFinished { job, .. } => {
            app.job.compiling = None;
            if app.job.activity != Activity::Failed {
                app.job.activity = Activity::Watching;
            }
            if app.job.reports_job == job && !app.job.history.iter().any(|(j, _)| *j == job) {
                let runs = app
                    .job
                    .reports
                    .iter()
                    .map(|r| (r.mode, r.timings.run))
                    .collect();
                app.job.history.push_back((job, runs));
                while app.job.history.len() > HISTORY {
                    app.job.history.pop_front();
                }
            }
        }
        _ => {}
    }
}

/// What each call returned, or why it did not, as lines of the run's output.
fn call_lines(report: &crate::engine::RunReport) -> Vec<String> {
    use crate::engine::calls::{CallStatus, label};
    report
        .calls
        .iter()
        .map(|c| {
            let time = match c.status {
                CallStatus::Returned => format!("  ({})", crate::engine::human_short(c.time)),
                _ => String::new(),
            };
            format!(
                "→ {} {}{time}",
                label(&c.call),
                c.what_happened(&report.describe())
            )
        })
        .collect()
}
