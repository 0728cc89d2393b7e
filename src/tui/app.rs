//! The workbench's state and the one function that changes it: `update(&mut App, Msg) -> Vec<Cmd>`.
//! No terminal, channel or clock in here: time arrives in messages, effects leave as commands.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};

use super::keys::{Action, KeyMap};
use super::output::OutputBuffer;
use crate::build::Diagnostic;
use crate::engine::{Mode, RunReport};
use crate::pipeline::{
    AnatomySummary, Event, ModuleSummary, NewestJob, ToolchainDifference, ToolchainRow,
};
use crate::watch::WatchEvent;

/// The panes that can have focus, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Output,
    Timing,
    Module,
    Diagnostics,
}

/// The run-mode choices `m` cycles through; `a` picks all three.
pub const MODE_CHOICES: [&[Mode]; 4] = [
    &[Mode::Interp, Mode::Aot],
    &[Mode::Interp],
    &[Mode::Baseline],
    &[Mode::Aot],
];

/// The module pane's tabs.
pub const MODULE_TABS: [&str; 7] = [
    "Sections",
    "Packages",
    "Imports",
    "Exports",
    "Functions",
    "Changes",
    "Toolchains",
];

/// The Toolchains tab's place in [`MODULE_TABS`].
pub const TOOLCHAINS_TAB: usize = 6;

/// The Packages tab's place in [`MODULE_TABS`].
pub const PACKAGES_TAB: usize = 1;

/// How many past jobs the timing history keeps.
pub const HISTORY: usize = 30;

/// What the pipeline is doing, for the header.
#[derive(Debug, Clone, PartialEq)]
pub enum Activity {
    Starting,
    Watching,
    Building { since: Duration },
    Running { mode: Mode, since: Duration },
    Failed,
}

#[derive(Debug)]
pub struct App {
    pub project: String,
    pub toolchain: Option<String>,
    pub target: Option<String>,
    pub modes: Vec<Mode>,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// The newest job seen; events of older jobs are dropped.
    pub job: u64,
    pub activity: Activity,
    /// Time since the workbench started, as last told by a message.
    pub clock: Duration,
    pub spinner: usize,
    pub paused: bool,
    /// aot's artifact is compiling in the background.
    pub compiling_aot: bool,
    pub output: OutputBuffer,
    /// Lines scrolled up from the bottom (0: follow new output).
    pub scroll: usize,
    pub wrap: bool,
    pub search: Option<String>,
    pub typing_search: bool,
    /// The output, timings and module belong to an older build than the newest attempt.
    pub stale: bool,
    pub reports: Vec<RunReport>,
    /// The job the reports came from.
    pub reports_job: u64,
    /// Run-phase times of the last jobs, oldest first.
    pub history: VecDeque<(u64, Vec<(Mode, Duration)>)>,
    pub module: Option<ModuleSummary>,
    pub previous_module: Option<ModuleSummary>,
    pub module_tab: usize,
    pub module_scroll: usize,
    /// The module in Go's terms: packages and what changed per package and function.
    pub anatomy: Option<AnatomySummary>,
    /// The package the Packages tab's cursor is on.
    pub package_selected: usize,
    /// The Packages tab shows the selected package's functions (Enter; again to go back).
    pub package_open: bool,
    pub diagnostics: Vec<Diagnostic>,
    pub selected: usize,
    /// The newest build failed: the Diagnostics pane shows its messages and its log.
    pub build_failed: bool,
    pub build_log: String,
    /// Lines the build log is scrolled up from its end.
    pub log_scroll: usize,
    pub last_build: Option<Duration>,
    pub error: Option<String>,
    pub focus: Pane,
    pub help: bool,
    /// The `:` prompt's text while it is open.
    pub prompt: Option<String>,
    pub bench: Option<Result<Vec<(Mode, Duration)>, String>>,
    pub bench_running: bool,
    /// The last image export's result, for the footer until the next key.
    pub notice: Option<String>,
    pub exporting_image: bool,
    /// Every save also builds with the other toolchain (`t`), for the Toolchains tab.
    pub compare_toolchains: bool,
    /// The last comparison: its job, each toolchain's row and where their outputs part.
    pub toolchains: Option<(u64, Vec<ToolchainRow>, Vec<ToolchainDifference>)>,
    /// The key bindings in force (the settings file's `[keys]` over the table).
    pub keys: KeyMap,
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
}

impl App {
    pub fn new(project: &str, modes: Vec<Mode>, args: Vec<String>) -> App {
        App {
            project: project.to_string(),
            toolchain: None,
            target: None,
            modes,
            args,
            env: vec![],
            job: 0,
            activity: Activity::Starting,
            clock: Duration::ZERO,
            spinner: 0,
            paused: false,
            compiling_aot: false,
            output: OutputBuffer::default(),
            scroll: 0,
            wrap: true,
            search: None,
            typing_search: false,
            stale: false,
            reports: vec![],
            reports_job: 0,
            history: VecDeque::new(),
            module: None,
            previous_module: None,
            module_tab: 0,
            module_scroll: 0,
            anatomy: None,
            package_selected: 0,
            package_open: false,
            diagnostics: vec![],
            selected: 0,
            build_failed: false,
            build_log: String::new(),
            log_scroll: 0,
            last_build: None,
            error: None,
            focus: Pane::Output,
            help: false,
            prompt: None,
            bench: None,
            bench_running: false,
            notice: None,
            exporting_image: false,
            compare_toolchains: false,
            toolchains: None,
            keys: KeyMap::default(),
            quit: false,
        }
    }

    /// The panes Tab moves between: diagnostics only while a build has failed.
    pub fn panes(&self) -> Vec<Pane> {
        let mut p = vec![Pane::Output, Pane::Timing, Pane::Module];
        if self.build_failed {
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
    if let Some(text) = &mut app.prompt {
        match key.code {
            KeyCode::Esc => app.prompt = None,
            KeyCode::Backspace => {
                text.pop();
            }
            KeyCode::Enter => {
                let line = app.prompt.take().unwrap_or_default();
                return apply_prompt(app, &line);
            }
            KeyCode::Char(c) => text.push(c),
            _ => {}
        }
        return vec![];
    }
    if app.typing_search {
        let search = app.search.get_or_insert_with(String::new);
        match key.code {
            KeyCode::Esc => {
                app.search = None;
                app.typing_search = false;
            }
            KeyCode::Enter => app.typing_search = false,
            KeyCode::Backspace => {
                search.pop();
            }
            KeyCode::Char(c) => search.push(c),
            _ => {}
        }
        return vec![];
    }
    if app.help {
        app.help = false;
        return vec![];
    }
    let Some(action) = action else {
        if key.code == KeyCode::Esc {
            app.search = None;
        }
        return vec![];
    };
    match action {
        Action::Quit => {
            app.quit = true;
            vec![Cmd::Quit]
        }
        Action::Help => {
            app.help = true;
            vec![]
        }
        Action::Rebuild => vec![Cmd::Rebuild],
        Action::CycleMode => {
            let current = MODE_CHOICES.iter().position(|m| *m == app.modes.as_slice());
            let next = current.map_or(0, |i| (i + 1) % MODE_CHOICES.len());
            app.modes = MODE_CHOICES[next].to_vec();
            vec![Cmd::Restart]
        }
        Action::RunAll => {
            app.modes = Mode::ALL.to_vec();
            vec![Cmd::Restart]
        }
        Action::Bench => match &app.module {
            Some(m) if !app.bench_running => {
                app.bench_running = true;
                app.bench = None;
                vec![Cmd::Bench {
                    module: m.path.clone(),
                }]
            }
            _ => vec![],
        },
        Action::ExportImage => match &app.module {
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
            app.compare_toolchains = !app.compare_toolchains;
            if app.compare_toolchains {
                app.module_tab = TOOLCHAINS_TAB;
                app.module_scroll = 0;
            } else {
                app.toolchains = None;
            }
            vec![Cmd::Restart]
        }
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
            app.typing_search = true;
            app.search = Some(String::new());
            vec![]
        }
        Action::ToggleWrap => {
            app.wrap = !app.wrap;
            vec![]
        }
        Action::TogglePause => {
            app.paused = !app.paused;
            vec![Cmd::SetPaused(app.paused)]
        }
        Action::ClearOutput => {
            app.output.clear();
            app.scroll = 0;
            vec![]
        }
        Action::CancelRun => vec![Cmd::Cancel],
        Action::OpenEditor => match app.diagnostics.get(app.selected) {
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
        Action::Prompt => {
            app.prompt = Some(String::new());
            vec![]
        }
        Action::OpenPackage => {
            if app.module_tab == PACKAGES_TAB && app.anatomy.is_some() {
                app.package_open = !app.package_open;
                app.module_scroll = 0;
            }
            vec![]
        }
        Action::ClosePackage => {
            app.package_open = false;
            app.module_scroll = 0;
            vec![]
        }
        Action::NextTab => {
            app.module_tab = (app.module_tab + 1) % MODULE_TABS.len();
            app.module_scroll = 0;
            vec![]
        }
        Action::PrevTab => {
            app.module_tab = (app.module_tab + MODULE_TABS.len() - 1) % MODULE_TABS.len();
            app.module_scroll = 0;
            vec![]
        }
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
                app.args = words;
            } else {
                match words
                    .iter()
                    .map(|w| crate::engine::parse_env_pair(w))
                    .collect()
                {
                    Ok(env) => app.env = env,
                    Err(e) => {
                        app.error = Some(format!(":env {e}"));
                        return vec![];
                    }
                }
            }
        }
        "" => return vec![],
        other => {
            app.error = Some(format!(":{other}: unknown; use :args A B … or :env K=V …"));
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
    let step = |v: usize, max: usize| {
        if up {
            v.saturating_add(by).min(max)
        } else {
            v.saturating_sub(by)
        }
    };
    match app.focus {
        Pane::Output | Pane::Timing => app.scroll = step(app.scroll, app.output.len()),
        Pane::Module if app.module_tab == PACKAGES_TAB && !app.package_open => {
            let last = app
                .anatomy
                .as_ref()
                .map_or(0, |a| a.packages.len().saturating_sub(1));
            app.package_selected = if up {
                app.package_selected.saturating_sub(by)
            } else {
                app.package_selected.saturating_add(by).min(last)
            };
        }
        Pane::Module => {
            // The module pane scrolls down from its top.
            app.module_scroll = if up {
                app.module_scroll.saturating_sub(by)
            } else {
                app.module_scroll.saturating_add(by).min(10_000)
            }
        }
        // The log scrolls by pages, or by lines when there is nothing to select.
        Pane::Diagnostics if app.diagnostics.is_empty() || by > 1 => {
            let lines = app.build_log.lines().count();
            app.log_scroll = step(app.log_scroll, lines.saturating_sub(1));
        }
        Pane::Diagnostics => {
            let last = app.diagnostics.len().saturating_sub(1);
            app.selected = if up {
                app.selected.saturating_sub(by)
            } else {
                app.selected.saturating_add(by).min(last)
            }
        }
    }
}

fn on_event(app: &mut App, event: Event) -> Vec<Cmd> {
    let mut newest = NewestJob(app.job);
    if !newest.admit(&event) {
        return vec![];
    }
    app.job = newest.0;
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
            app.activity = Activity::Building { since: app.clock };
        }
        Event::BuildFinished {
            success,
            duration,
            diagnostics,
            log,
            ..
        } => {
            app.last_build = Some(duration);
            app.build_log = log;
            app.log_scroll = 0;
            app.build_failed = !success;
            if success {
                app.diagnostics.clear();
                if app.focus == Pane::Diagnostics {
                    app.focus = Pane::Output;
                }
            } else {
                app.diagnostics = diagnostics;
                app.selected = 0;
                app.activity = Activity::Failed;
                app.focus = Pane::Diagnostics;
            }
        }
        Event::KeptLastGood { .. } => app.stale = true,
        Event::JobError { message, .. } => {
            app.error = Some(message);
            app.activity = Activity::Failed;
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
            if let Some(old) = app.module.take()
                && old.hash != module.hash
            {
                app.previous_module = Some(old);
            }
            app.module = Some(module);
            app.stale = false;
            app.reports.clear();
            app.output.clear();
            app.scroll = 0;
        }
        Event::ModuleAnatomy { anatomy, .. } => {
            // The open package stays open if the new build still has it.
            let selected = app
                .anatomy
                .as_ref()
                .and_then(|a| a.packages.get(app.package_selected))
                .map(|p| p.package.clone());
            app.package_selected = selected
                .and_then(|name| anatomy.packages.iter().position(|p| p.package == name))
                .unwrap_or_else(|| {
                    app.package_open = false;
                    0
                });
            app.anatomy = Some(*anatomy);
        }
        Event::Precompiling { .. } => app.compiling_aot = true,
        Event::RunStarted { mode, .. } => {
            if mode == Mode::Aot {
                app.compiling_aot = false;
            }
            app.activity = Activity::Running {
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
            let before = app.output.len() as u64 + app.output.dropped;
            app.output.push(job, mode, stream, &bytes);
            // Keep the view still while the user reads scrollback.
            if app.scroll > 0 {
                let added = (app.output.len() as u64 + app.output.dropped).saturating_sub(before);
                app.scroll = (app.scroll + added as usize).min(app.output.len());
            }
        }
        Event::RunFinished { job, report } => {
            app.output.finish(job, report.mode);
            app.reports.retain(|r| r.mode != report.mode);
            app.reports.push(report);
            app.reports_job = job;
        }
        Event::ToolchainsCompared {
            job,
            rows,
            differences,
        } => app.toolchains = Some((job, rows, differences)),
        Event::JobFinished { job, .. } => {
            app.compiling_aot = false;
            if app.activity != Activity::Failed {
                app.activity = Activity::Watching;
            }
            if app.reports_job == job && !app.history.iter().any(|(j, _)| *j == job) {
                let runs = app
                    .reports
                    .iter()
                    .map(|r| (r.mode, r.timings.run))
                    .collect();
                app.history.push_back((job, runs));
                while app.history.len() > HISTORY {
                    app.history.pop_front();
                }
            }
        }
    }
    vec![]
}
