//! `gowasm watch DIR --headless`: the edit-compile-run loop printed as lines (or JSON lines) until
//! Ctrl-C.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

use clap::Args;

use super::failure::{Failure, Finished, bad, own_exe};
use super::format::{call_notes, ms, summary_line};
use super::guest::GuestOptions;
use super::source::BuildOptions;
use crate::engine::calls::{CallSpec, CallStatus};
use crate::engine::{Mode, Outcome, Stream, human_bytes, human_short};
use crate::inspect::triage::Entry;
use crate::lines::LineSplitter;
use crate::pipeline::{Event, NewestJob, Pipeline, PipelineOptions, RunSettings, Source};
use crate::watch::WatchEvent;

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// A Go project folder, or a .wasm file to rerun whenever it changes
    #[arg(default_value = ".")]
    pub input: PathBuf,
    /// Arguments for the guest program
    #[arg(last = true)]
    pub args: Vec<String>,
    /// Print lines instead of opening the workbench
    #[arg(long)]
    pub headless: bool,
    /// Print every pipeline event as a JSON line
    #[arg(long)]
    pub json: bool,
    /// Modes to run after each good build: a comma-separated list, `all` or `none`
    /// [default: interp,aot]
    #[arg(long, short, value_parser = parse_modes)]
    pub mode: Option<ModeList>,
    /// Call an export after every build, in every mode (`'add 2 3'`; repeat for several, on
    /// one instance) [default: `calls` in gowasm.toml]
    #[arg(long, value_name = "CALL")]
    pub invoke: Vec<String>,
    /// Milliseconds without changes that end a burst of saves [default: 50]
    #[arg(long, value_name = "MS")]
    pub grace: Option<u64>,
    /// The settings files' key bindings, for the workbench
    #[arg(skip)]
    pub keys: std::collections::BTreeMap<String, Vec<String>>,
    #[command(flatten)]
    pub guest: GuestOptions,
    #[command(flatten)]
    pub build: BuildOptions,
}

/// The modes a watch runs, in order.
#[derive(Debug, Clone)]
pub struct ModeList(pub Vec<Mode>);

pub(super) fn parse_modes(s: &str) -> Result<ModeList, String> {
    Mode::parse_list(s).map(ModeList)
}

enum Msg {
    Event(Box<Event>),
    Interrupted,
}

impl WatchArgs {
    /// Fills what the command line left unset from the settings files.
    pub fn fill_from(&mut self, settings: &crate::config::Settings) -> Result<(), String> {
        let s = &settings.values;
        if self.mode.is_none()
            && let Some(m) = &s.modes
        {
            self.mode = Some(parse_modes(m).map_err(|e| format!("modes: {e}"))?);
        }
        self.grace = self.grace.or(s.grace_ms);
        if self.args.is_empty() {
            self.args = s.args.clone().unwrap_or_default();
        }
        if self.invoke.is_empty() {
            self.invoke = s.calls.clone().unwrap_or_default();
        }
        self.keys.clone_from(&s.keys);
        self.build.fill_from(s)?;
        self.guest.fill_from(s)
    }

    pub fn run(self) -> Finished {
        let options = self.pipeline_options()?;
        if !self.headless && !self.json {
            let root = std::fs::canonicalize(&self.input).unwrap_or(self.input.clone());
            let project = crate::build::project_name(&root);
            init_log_file();
            let keys = crate::tui::keymap::KeyMap::new(&self.keys).map_err(bad)?;
            crate::tui::run(options, &project, keys).map_err(bad)?;
            return Ok(ExitCode::SUCCESS);
        }
        let (tx, rx) = mpsc::channel();
        let interrupt = tx.clone();
        ctrlc::set_handler(move || {
            let _ = interrupt.send(Msg::Interrupted);
        })
        .map_err(|e| format!("cannot handle Ctrl-C: {e}"))?;
        let pipeline = Pipeline::start(options, move |e| {
            let _ = tx.send(Msg::Event(Box::new(e)));
        })
        .map_err(bad)?;
        let root = std::fs::canonicalize(&self.input).unwrap_or(self.input.clone());
        let mut printer = Printer::new(self.json, root);
        for msg in rx {
            match msg {
                Msg::Event(e) => printer.print(*e),
                Msg::Interrupted => break,
            }
        }
        pipeline.shutdown();
        if !self.json {
            println!("gowasm: stopped");
        }
        Ok(ExitCode::SUCCESS)
    }

    /// The loop's options from the command line and settings.
    fn pipeline_options(&self) -> Result<PipelineOptions, Failure> {
        let source = if self.input.is_dir() {
            Source::Project(self.input.clone())
        } else if self.input.is_file() {
            Source::Module(self.input.clone())
        } else {
            return Err(format!("{}: no such file or folder", self.input.display()).into());
        };
        let mut run = self.guest.config(&self.input, &self.args, true)?;
        run.calls = self
            .invoke
            .iter()
            .map(|c| CallSpec::parse(c))
            .collect::<Result<_, _>>()
            .map_err(|e| format!("calls: {e}"))?;
        if let Some(e) = super::run::go_parameter_problem(&self.input, &run.calls) {
            return Err(e.into());
        }
        let modes = self
            .mode
            .clone()
            .map_or_else(|| vec![Mode::Interp, Mode::Aot], |m| m.0);
        Ok(PipelineOptions {
            source,
            build: self.build.request(&self.input),
            settings: RunSettings {
                modes,
                run,
                compare_toolchains: self.build.toolchains().len() > 1,
            },
            timeout: self.guest.timeout,
            exe: own_exe()?,
            cache_root: crate::cache_root(),
            grace: self
                .grace
                .map_or(crate::watch::DEFAULT_GRACE, Duration::from_millis),
            first_job: 0,
        })
    }
}

/// Turns events into lines; in text mode it drops what belongs to a job already replaced.
struct Printer {
    json: bool,
    root: PathBuf,
    newest: NewestJob,
    /// Unfinished output lines, by job, mode and stream.
    partial: LineSplitter<(u64, Mode, bool)>,
}

impl Printer {
    fn new(json: bool, root: PathBuf) -> Self {
        Printer {
            json,
            root,
            newest: NewestJob::default(),
            partial: LineSplitter::default(),
        }
    }

    fn print(&mut self, event: Event) {
        if self.json {
            // JSON consumers drop stale events themselves: every event names its job.
            let line = serde_json::to_string(&event).expect("events serialize");
            out(&line);
            return;
        }
        if self.newest.admit(&event) {
            self.print_text(event);
        }
    }

    fn relative<'a>(&self, p: &'a Path) -> std::borrow::Cow<'a, str> {
        p.strip_prefix(&self.root).unwrap_or(p).to_string_lossy()
    }

    #[expect(
        clippy::too_many_lines,
        reason = "one arm per pipeline event, each its own line"
    )]
    fn print_text(&mut self, event: Event) {
        match event {
            Event::Watch { change } => match change {
                WatchEvent::Changed(paths) if !paths.is_empty() => {
                    let first = match self.relative(&paths[0]).into_owned() {
                        p if p.is_empty() => ".".to_string(),
                        p => p,
                    };
                    let more = match paths.len() {
                        1 => String::new(),
                        n => format!(" (+{} more)", n - 1),
                    };
                    out(&format!("gowasm: changed: {first}{more}"));
                }
                WatchEvent::Changed(_) => {}
                WatchEvent::RootGone => {
                    out("gowasm: the project folder is gone; waiting for it to come back")
                }
                WatchEvent::RootBack => out("gowasm: the project folder is back"),
                WatchEvent::Error(e) => out(&format!("gowasm: watch error: {e}")),
            },
            Event::JobStarted { .. } => {}
            Event::BuildStarted { job, command, .. } => {
                out(&format!("[#{job}] build: {}", command.join(" ")))
            }
            Event::BuildFinished {
                job,
                success: true,
                duration,
                ..
            } => out(&format!("[#{job}] built in {}", ms(duration))),
            Event::BuildFinished {
                job,
                duration,
                diagnostics,
                log,
                ..
            } => {
                let n = diagnostics.len();
                out(&format!(
                    "[#{job}] build failed in {} ({n} error{})",
                    ms(duration),
                    if n == 1 { "" } else { "s" }
                ));
                if diagnostics.is_empty() {
                    for line in log.lines() {
                        out(&format!("  {line}"));
                    }
                }
                for d in diagnostics {
                    let line = d.render(|f| self.relative(Path::new(f)).into_owned());
                    out(&format!("  {line}"));
                }
            }
            Event::KeptLastGood { job, last_good_job } => out(&format!(
                "[#{job}] keeping the module and output of job #{last_good_job} (stale)"
            )),
            Event::JobError { job, message } => out(&format!("[#{job}] error: {message}")),
            Event::ModuleReady { job, module } => {
                let delta = module.size_change();
                let version = module.toolchain_version.as_deref().unwrap_or("");
                let host = match (&module.host, module.entry) {
                    (Some(host), Some(Entry::Reactor)) => format!(
                        "{host} host, a reactor with {} export{}",
                        module.callable().len(),
                        if module.callable().len() == 1 {
                            ""
                        } else {
                            "s"
                        }
                    ),
                    (Some(host), _) => format!("{host} host"),
                    (None, _) => "cannot run".to_string(),
                };
                out(&format!(
                    "[#{job}] module: {}{delta}, {} {version}, {}, {host}, {} functions",
                    human_bytes(module.size),
                    module.toolchain,
                    module.target,
                    module.functions
                ));
                if let Some(note) = &module.note {
                    out(&format!("[#{job}] note: {note}"));
                }
            }
            Event::ModuleAnatomy { job, anatomy } => {
                if let Some(line) = anatomy.changes_line(3) {
                    out(&format!("[#{job}] packages: {line}"));
                }
            }
            Event::Precompiling { job, mode } => out(&format!(
                "[#{job}] compiling {} in the background",
                mode.name()
            )),
            Event::RunStarted { job, mode } => out(&format!("[#{job}] run {}", mode.name())),
            Event::Output {
                job,
                mode,
                stream,
                bytes,
            } => {
                let key = (job, mode, stream == Stream::Stderr);
                self.partial
                    .push_each(key, &bytes, |line| out(&output_line(key, line)));
            }
            Event::RunFinished { job, report } => {
                for stderr in [false, true] {
                    let key = (job, report.mode, stderr);
                    if let Some(rest) = self.partial.finish(&key) {
                        out(&output_line(key, &rest));
                    }
                }
                if let Outcome::Trapped(trap) = &report.outcome {
                    for line in trap.render().lines() {
                        out(&format!("[#{job}] {line}"));
                    }
                }
                for call in report
                    .calls
                    .iter()
                    .filter(|c| c.status == CallStatus::Returned)
                {
                    out(&format!(
                        "[#{job} {}] {} = {} ({})",
                        report.mode.name(),
                        crate::engine::calls::label(&call.call),
                        call.shown_results(),
                        human_short(call.time)
                    ));
                }
                for line in call_notes(&report) {
                    out(&format!("[#{job}] {}", line.trim_start_matches("gowasm: ")));
                }
                let summary = summary_line(&report);
                out(&format!(
                    "[#{job}] {}",
                    summary.trim_start_matches("gowasm: ")
                ));
            }
            Event::ToolchainsCompared {
                job,
                rows,
                differences,
            } => {
                for row in &rows {
                    out(&format!("[#{job}] toolchain {}", row.summary()));
                }
                if rows.iter().all(|r| !r.runs.is_empty()) && differences.is_empty() {
                    out(&format!("[#{job}] toolchains: outputs agree"));
                }
                for d in &differences {
                    out(&format!("[#{job}] toolchains: {}", d.describe()));
                }
            }
            Event::JobFinished {
                job,
                cancelled: true,
            } => out(&format!("[#{job}] cancelled")),
            Event::JobFinished { .. } => {}
        }
    }
}

/// The workbench logs to `<cache>/gowasm.log` (never to the screen), at `$GOWASM_LOG`'s level.
fn init_log_file() {
    let path = crate::cache_root().join("gowasm.log");
    let _ = std::fs::create_dir_all(crate::cache_root());
    let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    else {
        return;
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("GOWASM_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init();
}

fn output_line((job, mode, stderr): (u64, Mode, bool), line: &str) -> String {
    let mark = if stderr { "!" } else { "|" };
    format!("[#{job} {}] {mark} {line}", mode.name())
}

fn out(line: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}").and_then(|_| stdout.flush());
}
