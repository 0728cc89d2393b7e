//! The workbench's state, split the way the screen is: what each pane shows and where its
//! cursor is, what the newest jobs did, and how keys are read. `App` holds one of each.

use std::collections::VecDeque;
use std::time::Duration;

use super::output::OutputBuffer;
use crate::build::Diagnostic;
use crate::engine::{Mode, RunReport};
use crate::pipeline::{AnatomySummary, ModuleSummary};
use crate::toolchains::{ToolchainDifference, ToolchainRow};

/// The panes that can have focus, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Output,
    Timing,
    Module,
    Diagnostics,
}

/// How keys are read: as commands, or as text for the prompt or the search.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum InputMode {
    #[default]
    Normal,
    /// The `?` overlay is open; any key closes it.
    Help,
    /// The `:` prompt, with its text so far.
    Prompt(String),
    /// Typing the output search (its text is [`OutputPane::search`]).
    Search,
}

/// What a pipeline is doing, for the header.
#[derive(Debug, Clone, PartialEq)]
pub enum Activity {
    Starting,
    Watching,
    Building { since: Duration },
    Running { mode: Mode, since: Duration },
    Failed,
}

/// The guest's output.
#[derive(Debug)]
pub struct OutputPane {
    pub buffer: OutputBuffer,
    /// Lines scrolled up from the bottom (0: follow new output).
    pub scroll: usize,
    pub wrap: bool,
    pub search: Option<String>,
}

impl Default for OutputPane {
    fn default() -> Self {
        OutputPane {
            buffer: OutputBuffer::default(),
            scroll: 0,
            wrap: true,
            search: None,
        }
    }
}

impl OutputPane {
    pub fn scroll_by(&mut self, by: usize, up: bool) {
        let max = self.buffer.len();
        self.scroll = if up {
            self.scroll.saturating_add(by).min(max)
        } else {
            self.scroll.saturating_sub(by)
        };
    }

    pub fn clear(&mut self) {
        self.buffer.clear();
        self.scroll = 0;
    }
}

/// The module pane's tabs, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, strum::VariantArray, strum::IntoStaticStr)]
pub enum ModuleTab {
    #[default]
    Sections,
    Packages,
    Imports,
    Exports,
    Functions,
    Changes,
    Toolchains,
    Profile,
}

impl ModuleTab {
    pub fn title(self) -> &'static str {
        self.into()
    }

    pub fn index(self) -> usize {
        use strum::VariantArray;
        Self::VARIANTS.iter().position(|t| *t == self).unwrap_or(0)
    }

    /// The next tab (`forward`) or the previous one, round the ends.
    pub fn step(self, forward: bool) -> ModuleTab {
        use strum::VariantArray;
        let n = Self::VARIANTS.len();
        let i = if forward {
            (self.index() + 1) % n
        } else {
            (self.index() + n - 1) % n
        };
        Self::VARIANTS[i]
    }
}

/// The module pane: its tabs and what they show.
#[derive(Debug, Default)]
pub struct ModulePane {
    pub summary: Option<ModuleSummary>,
    /// The last good module with other bytes, for the Changes tab.
    pub previous: Option<ModuleSummary>,
    pub tab: ModuleTab,
    pub scroll: usize,
    /// The module in Go's terms: packages and what changed per package and function.
    pub anatomy: Option<AnatomySummary>,
    /// The package the Packages tab's cursor is on.
    pub package_selected: usize,
    /// The Packages tab shows the selected package's functions (Enter; again to go back).
    pub package_open: bool,
    /// The last comparison: its job, each toolchain's row and where their outputs part.
    pub toolchains: Option<(u64, Vec<ToolchainRow>, Vec<ToolchainDifference>)>,
    /// The profiles of the last build before this one that had any, by mode: what the
    /// Profile tab says moved since.
    pub profiles_before: Vec<(crate::engine::Mode, crate::profile::Profile)>,
}

impl ModulePane {
    /// A new module: the one it replaces (other bytes) becomes the one to compare with.
    pub fn ready(&mut self, module: ModuleSummary) {
        if let Some(old) = self.summary.take()
            && old.hash != module.hash
        {
            self.previous = Some(old);
        }
        self.summary = Some(module);
    }

    /// New packages; the selected one stays selected (and open) if the new build has it.
    pub fn anatomy_ready(&mut self, anatomy: AnatomySummary) {
        let selected = self
            .anatomy
            .as_ref()
            .and_then(|a| a.packages.get(self.package_selected))
            .map(|p| p.package.clone());
        self.package_selected = selected
            .and_then(|name| anatomy.packages.iter().position(|p| p.package == name))
            .unwrap_or_else(|| {
                self.package_open = false;
                0
            });
        self.anatomy = Some(anatomy);
    }

    pub fn show_tab(&mut self, tab: ModuleTab) {
        self.tab = tab;
        self.scroll = 0;
    }

    /// Up and down: the Packages tab's cursor, or the tab's text.
    pub fn scroll_by(&mut self, by: usize, up: bool, packages_tab: bool) {
        if packages_tab && !self.package_open {
            let last = self
                .anatomy
                .as_ref()
                .map_or(0, |a| a.packages.len().saturating_sub(1));
            self.package_selected = if up {
                self.package_selected.saturating_sub(by)
            } else {
                self.package_selected.saturating_add(by).min(last)
            };
        } else {
            self.scroll = if up {
                self.scroll.saturating_sub(by)
            } else {
                self.scroll.saturating_add(by).min(10_000)
            };
        }
    }
}

/// Shown while the newest build has failed: its messages and its log.
#[derive(Debug, Default)]
pub struct DiagnosticsPane {
    pub items: Vec<Diagnostic>,
    pub selected: usize,
    pub failed: bool,
    pub log: String,
    /// Lines the log is scrolled up from its end.
    pub log_scroll: usize,
}

impl DiagnosticsPane {
    pub fn build_finished(&mut self, success: bool, diagnostics: Vec<Diagnostic>, log: String) {
        self.log = log;
        self.log_scroll = 0;
        self.failed = !success;
        self.selected = 0;
        self.items = if success { vec![] } else { diagnostics };
    }

    /// Lines select a message; pages (or lines, when there is none) scroll the log.
    pub fn scroll_by(&mut self, by: usize, up: bool) {
        if self.items.is_empty() || by > 1 {
            let max = self.log.lines().count().saturating_sub(1);
            self.log_scroll = if up {
                self.log_scroll.saturating_add(by).min(max)
            } else {
                self.log_scroll.saturating_sub(by)
            };
        } else {
            let last = self.items.len().saturating_sub(1);
            self.selected = if up {
                self.selected.saturating_sub(by)
            } else {
                self.selected.saturating_add(by).min(last)
            };
        }
    }
}

/// The newest job and what the last ones did.
#[derive(Debug)]
pub struct JobView {
    /// The newest job seen; events of older jobs are dropped.
    pub number: u64,
    pub activity: Activity,
    /// The output, timings and module belong to an older build than the newest attempt.
    pub stale: bool,
    pub reports: Vec<RunReport>,
    /// The job the reports came from.
    pub reports_job: u64,
    /// Run-phase times of the last jobs, oldest first.
    pub history: VecDeque<(u64, Vec<(Mode, Duration)>)>,
    pub last_build: Option<Duration>,
    /// The mode whose artifact is compiling in the background (aot's, then opt's).
    pub compiling: Option<Mode>,
}

impl Default for JobView {
    fn default() -> Self {
        JobView {
            number: 0,
            activity: Activity::Starting,
            stale: false,
            reports: vec![],
            reports_job: 0,
            history: VecDeque::new(),
            last_build: None,
            compiling: None,
        }
    }
}
