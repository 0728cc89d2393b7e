//! The interactive workbench: `gowasm [DIR]`. Plain state (`app`), one `update`, one `view`;
//! this file is the event loop that feeds it messages and performs its commands.

pub mod app;
pub mod browser;
pub mod keymap;
pub mod keys;
pub mod output;
pub mod panes;
mod serving;
pub mod view;

#[cfg(test)]
mod tests;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::time::{Duration, Instant};

use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event as TermEvent};
use ratatui::DefaultTerminal;

use crate::engine::Mode;
use crate::engine::worker;
use crate::pipeline::{Pipeline, PipelineError, PipelineOptions};
use app::{App, Cmd, Msg, update};

/// How often the spinner moves and elapsed times refresh.
const TICK: Duration = Duration::from_millis(100);
/// The longest the loop applies waiting messages before drawing again.
const FRAME_BUDGET: Duration = Duration::from_millis(25);
/// Runs per mode for the `b` benchmark.
/// How many runs of each mode the `b` key times.
pub const BENCH_RUNS: usize = 5;

/// Opens the workbench on `options.source` until the user quits.
pub fn run(options: PipelineOptions, project: &str, keys: keymap::KeyMap) -> io::Result<()> {
    let mut app = App::new(project, options.settings.clone());
    app.keys = keys;
    // Bounded: a guest flooding output slows down instead of filling memory.
    let (tx, rx) = mpsc::sync_channel::<Msg>(1024);
    let mut pipeline = Some(start_pipeline(&options, &app, &tx).map_err(io::Error::other)?);
    let mut terminal = ratatui::init();
    let _ = crossterm::execute!(io::stdout(), EnableMouseCapture);
    // ratatui's hook restores the screen; mouse reporting must be turned off too.
    let restore_screen = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(io::stdout(), DisableMouseCapture);
        restore_screen(info);
    }));
    if let Ok(log) = crate::cache_root().join("gowasm.log").canonicalize() {
        worker::redirect_worker_stderr(log);
    }
    let suspended = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    // Keys, mouse and resize events have a channel of their own, read first: under a flood of
    // guest output the main channel is full of output, and a key queued behind it waited a
    // second. The main channel still carries a wake-up so an idle loop notices the key.
    let (input_tx, input) = mpsc::channel::<Msg>();
    spawn_input(tx.clone(), input_tx, suspended.clone(), stop.clone());
    spawn_ticks(tx.clone(), stop.clone());
    let result = event_loop(
        &mut terminal,
        &mut app,
        &rx,
        &input,
        &tx,
        &options,
        &mut pipeline,
        &suspended,
    );
    stop.store(true, Ordering::Relaxed);
    let _ = crossterm::execute!(io::stdout(), DisableMouseCapture);
    ratatui::restore();
    // With nobody left to receive, a job blocked handing over output (the channel is full under
    // a flood) fails at once and sees that it is cancelled, instead of holding up the exit.
    drop(rx);
    if let Some(p) = pipeline.take() {
        p.shutdown();
    }
    result
}

fn start_pipeline(
    base: &PipelineOptions,
    app: &App,
    tx: &SyncSender<Msg>,
) -> Result<Pipeline, PipelineError> {
    let mut options = base.clone();
    options.settings = app.settings.clone();
    options.first_job = app.job.number;
    let tx = tx.clone();
    Pipeline::start(options, move |e| {
        let _ = tx.send(Msg::Pipeline(Box::new(e)));
    })
}

/// Applies waiting input, then `msg`.
fn update_with_input(app: &mut App, input: &Receiver<Msg>, msg: Msg) -> Vec<Cmd> {
    let mut cmds = Vec::new();
    while let Ok(key) = input.try_recv() {
        cmds.extend(update(app, key));
        if app.quit {
            return cmds;
        }
    }
    cmds.extend(update(app, msg));
    cmds
}

/// `first` and what waits after it, applied for at most [`FRAME_BUDGET`] (under a flood of
/// output a batch took half a second, and keys waited for the draw), or until a quit.
fn batch(
    app: &mut App,
    rx: &Receiver<Msg>,
    input: &Receiver<Msg>,
    first: Msg,
    serving: &mut serving::Serving,
) -> Vec<Cmd> {
    serving.feed(&first);
    let mut cmds = update_with_input(app, input, first);
    let batch_ends = Instant::now() + FRAME_BUDGET;
    while Instant::now() < batch_ends && !app.quit {
        match rx.try_recv() {
            Ok(msg) => {
                serving.feed(&msg);
                cmds.extend(update_with_input(app, input, msg))
            }
            Err(_) => break,
        }
    }
    cmds
}

#[allow(clippy::too_many_arguments)]
fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    rx: &Receiver<Msg>,
    input: &Receiver<Msg>,
    tx: &SyncSender<Msg>,
    options: &PipelineOptions,
    pipeline: &mut Option<Pipeline>,
    suspended: &AtomicBool,
) -> io::Result<()> {
    let mut serving = serving::Serving::default();
    loop {
        terminal.draw(|f| view::view(app, f))?;
        let Ok(first) = rx.recv() else {
            return Ok(());
        };
        // Apply what is waiting before drawing again, but draw at least every FRAME_BUDGET (under
        // a flood of output a batch took half a second, and keys waited for the draw) and act
        // on a quit at once.
        let cmds = batch(app, rx, input, first, &mut serving);
        if app.quit {
            return Ok(());
        }
        for cmd in cmds {
            match cmd {
                Cmd::Quit => return Ok(()),
                Cmd::Rebuild => {
                    if let Some(p) = pipeline {
                        p.rebuild()
                    }
                }
                Cmd::Cancel => {
                    if let Some(p) = pipeline {
                        p.cancel()
                    }
                }
                Cmd::SetPaused(paused) => {
                    if let Some(p) = pipeline {
                        p.set_paused(paused)
                    }
                }
                Cmd::Restart => match pipeline {
                    // The pipeline keeps its job counter, watcher and last good build.
                    Some(p) => p.reconfigure(app.settings.clone()),
                    None => match start_pipeline(options, app, tx) {
                        Ok(p) => {
                            p.set_paused(app.paused);
                            *pipeline = Some(p);
                        }
                        Err(e) => app.error = Some(e.to_string()),
                    },
                },
                Cmd::OpenEditor { file, line, column } => {
                    suspended.store(true, Ordering::Relaxed);
                    // Let the input thread finish its current poll, so it takes no editor keys.
                    std::thread::sleep(Duration::from_millis(120));
                    let _ = crossterm::execute!(io::stdout(), DisableMouseCapture);
                    ratatui::restore();
                    let result = open_editor(&file, line, column);
                    *terminal = ratatui::init();
                    let _ = crossterm::execute!(io::stdout(), EnableMouseCapture);
                    terminal.clear()?;
                    suspended.store(false, Ordering::Relaxed);
                    if let Err(e) = result {
                        app.error = Some(e);
                    }
                }
                Cmd::ExportImage { module } => {
                    spawn_image_export(module, &options.source, &options.cache_root, tx.clone())
                }
                Cmd::Bench { module } => {
                    spawn_bench(module, &options.exe, app.settings.run.clone(), tx.clone())
                }
                Cmd::Serve(on) => {
                    if let Err(e) = serving.set(on, options, tx) {
                        app.browser = None;
                        app.error = Some(e);
                    }
                }
            }
        }
    }
}

/// Reads keys and mouse events into `input` and wakes the loop through `tx`; pauses while an
/// editor owns the terminal.
fn spawn_input(
    tx: SyncSender<Msg>,
    input: Sender<Msg>,
    suspended: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
) {
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            if suspended.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
            if !event::poll(Duration::from_millis(50)).unwrap_or(false) {
                continue;
            }
            let msg = match event::read() {
                Ok(TermEvent::Key(k)) if k.kind != event::KeyEventKind::Release => Msg::Key(k),
                Ok(TermEvent::Mouse(m)) => Msg::Mouse(m),
                Ok(TermEvent::Resize(..)) => Msg::Resize,
                _ => continue,
            };
            if input.send(msg).is_err() {
                return;
            }
            // A full channel means the loop is busy and reads the input channel before long.
            if let Err(mpsc::TrySendError::Disconnected(_)) = tx.try_send(Msg::Wake) {
                return;
            }
        }
    });
}

fn spawn_ticks(tx: SyncSender<Msg>, stop: Arc<AtomicBool>) {
    let started = Instant::now();
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            std::thread::sleep(TICK);
            if tx.send(Msg::Tick(started.elapsed())).is_err() {
                return;
            }
        }
    });
}

/// `$EDITOR +LINE FILE` (VS Code: `-g FILE:LINE:COL`), falling back to `$VISUAL`, then `vi`.
fn open_editor(file: &str, line: u32, column: Option<u32>) -> Result<(), String> {
    let editor = std::env::var("EDITOR")
        .or_else(|_| std::env::var("VISUAL"))
        .unwrap_or_else(|_| "vi".into());
    // Split as a shell would: `EDITOR="'/opt/My Editor/ed' -w"` is a path with a space and a flag.
    let words = shell_words::split(&editor).map_err(|e| format!("$EDITOR {editor:?}: {e}"))?;
    let program = words.first().map_or("vi", String::as_str);
    let mut cmd = std::process::Command::new(program);
    cmd.args(words.iter().skip(1));
    let name = Path::new(program)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if matches!(name.as_str(), "code" | "codium" | "code-insiders") {
        cmd.arg("-g")
            .arg(format!("{file}:{line}:{}", column.unwrap_or(1)));
    } else {
        cmd.arg(format!("+{line}")).arg(file);
    }
    match cmd.status() {
        Ok(_) => Ok(()),
        Err(e) => Err(format!(
            "could not start the editor {program:?} (set $EDITOR): {e}"
        )),
    }
}

/// `gowasm bench` on the module: `BENCH_RUNS` interleaved runs per mode after a warm-up;
/// reports each mode's median run phase.
fn spawn_bench(module: PathBuf, exe: &Path, config: crate::engine::RunConfig, tx: SyncSender<Msg>) {
    let plan = crate::bench::BenchPlan {
        contenders: crate::bench::BenchPlan::modes(&module, &Mode::all(), false, false, None),
        module,
        runs: BENCH_RUNS,
        warmup: 1,
        config,
        timeout: Some(Duration::from_secs(10)),
        exe: exe.to_path_buf(),
        node_shim: PathBuf::new(),
    };
    std::thread::spawn(move || {
        let result =
            crate::bench::run(&plan, |_, _, _| {}).map(|report| report.mode_run_medians(&plan));
        let _ = tx.send(Msg::BenchDone(result));
    });
}

/// `gowasm image` on the last good module, as an OCI archive in `<cache>/images/NAME.tar`.
fn spawn_image_export(
    module: PathBuf,
    source: &crate::pipeline::Source,
    cache_root: &Path,
    tx: SyncSender<Msg>,
) {
    use crate::image::{self, Export, Format};
    let (crate::pipeline::Source::Project(input) | crate::pipeline::Source::Module(input)) = source;
    let input = input.clone();
    let (_, stem) = image::origin_and_name(&input);
    let out = cache_root.join("images").join(format!("{stem}.tar"));
    std::thread::spawn(move || {
        let result = std::fs::create_dir_all(out.parent().expect("a folder"))
            .map_err(|e| e.to_string())
            .and_then(|()| {
                image::export(&Export {
                    module: &module,
                    input: &input,
                    name: None,
                    exit_return: false,
                    format: Format::OciArchive,
                    out: &out,
                })
            })
            .map(|(summary, _)| {
                format!(
                    "image {} written to {} ({}, {})",
                    summary.reference,
                    summary.path.display(),
                    summary.format.name(),
                    crate::engine::human_bytes(summary.size)
                )
            })
            .map_err(|e| format!("image: {e}"));
        let _ = tx.send(Msg::ImageDone(result));
    });
}
