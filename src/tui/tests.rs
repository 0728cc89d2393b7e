//! The workbench without a terminal: messages in, state out; and the screen drawn into a
//! `TestBackend` for the main states, compared with reviewed snapshots.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::app::{Activity, App, Cmd, InputMode, ModuleTab, Msg, Pane, update};
use super::view::view;
use crate::build::Diagnostic;
use crate::compare::{Difference, ModuleSize, PackageBytes};
use crate::engine::{CacheUse, Frame, Mode, Outcome, RunReport, Stream, Trap};
use crate::inspect::anatomy::DataPart;
use crate::inspect::anatomy_diff::{AnatomyDiff, Change, SizeChange};
use crate::inspect::{Export, FunctionSize, Import};
use crate::pipeline::{AnatomySummary, PackageRow};
use crate::pipeline::{Event, ModuleSummary, SectionSize};
use crate::toolchains::{ToolchainDifference, ToolchainRow};
use crate::watch::WatchEvent;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn ev(e: Event) -> Msg {
    Msg::Pipeline(Box::new(e))
}

fn module(job_size: u64, delta: Option<i64>) -> ModuleSummary {
    ModuleSummary {
        path: "/cache/build/hello-0123/hello.wasm".into(),
        size: job_size,
        size_delta: delta,
        unchanged: false,
        hash: format!("hash{job_size}"),
        toolchain: "go".into(),
        toolchain_version: Some("go1.23.5".into()),
        target: "wasip1".into(),
        host: Some("WASI".into()),
        entry: Some(crate::inspect::triage::Entry::Command),
        functions: 1617,
        imports: 2,
        exports: 2,
        sections: vec![
            SectionSize {
                name: "code".into(),
                size: 1_472_400,
            },
            SectionSize {
                name: "data".into(),
                size: 857_983,
            },
            SectionSize {
                name: "custom:name".into(),
                size: 43_502,
            },
            SectionSize {
                name: "element".into(),
                size: 3_130,
            },
        ],
        import_list: vec![
            Import {
                module: "wasi_snapshot_preview1".into(),
                name: "fd_write".into(),
                kind: "func".into(),
                signature: "(i32, i32, i32, i32) -> (i32)".into(),
            },
            Import {
                module: "wasi_snapshot_preview1".into(),
                name: "proc_exit".into(),
                kind: "func".into(),
                signature: "(i32) -> ()".into(),
            },
        ],
        export_list: vec![
            Export {
                name: "_start".into(),
                kind: "func".into(),
                index: 1200,
                params: vec![],
                results: vec![],
            },
            Export {
                name: "memory".into(),
                kind: "memory".into(),
                index: 0,
                params: vec![],
                results: vec![],
            },
        ],
        largest_functions: vec![
            FunctionSize {
                index: 812,
                name: Some("runtime.gcDrain".into()),
                size: 41_200,
            },
            FunctionSize {
                index: 77,
                name: Some("main.main".into()),
                size: 1_024,
            },
        ],
        note: None,
    }
}

fn report(mode: Mode, compile: u64, run: u64, outcome: Outcome) -> RunReport {
    let mut r = RunReport::new(mode);
    r.timings.load = ms(8);
    r.timings.compile = ms(compile);
    r.timings.instantiate = ms(5);
    r.timings.run = ms(run);
    r.timings.total = ms(8 + compile + 5 + run);
    if mode == Mode::Aot {
        r.timings.cache = CacheUse::Hit;
        r.timings.cold_compile = Some(ms(1200));
    }
    r.outcome = outcome;
    r
}

fn output(app: &mut App, job: u64, mode: Mode, text: &str) {
    update(
        app,
        ev(Event::Output {
            job,
            mode,
            stream: Stream::Stdout,
            bytes: text.as_bytes().to_vec(),
        }),
    );
}

/// Job 1: a good build of hello, run in the given modes.
fn successful_job(app: &mut App, modes: &[Mode]) {
    good_build(app);
    for &mode in modes {
        update(app, ev(Event::RunStarted { job: 1, mode }));
        output(app, 1, mode, "Hello from Go on wasip1/wasm!\narg 1: x\n");
        let (compile, run) = match mode {
            Mode::Interp => (23, 502),
            Mode::Baseline => (218, 76),
            Mode::Aot => (16, 42),
            Mode::Opt => (19, 30),
        };
        update(
            app,
            ev(Event::RunFinished {
                job: 1,
                report: report(mode, compile, run, Outcome::Exited { code: 0 }),
            }),
        );
    }
    update(
        app,
        ev(Event::JobFinished {
            job: 1,
            cancelled: false,
        }),
    );
}

/// Job 1 up to a good module: started, built, inspected; nothing run yet.
fn good_build(app: &mut App) {
    update(
        app,
        ev(Event::JobStarted {
            job: 1,
            trigger: vec![],
        }),
    );
    update(
        app,
        ev(Event::BuildStarted {
            job: 1,
            toolchain: "go".into(),
            version: "go1.23.5".into(),
            command: vec!["go".into(), "build".into()],
        }),
    );
    update(
        app,
        ev(Event::BuildFinished {
            job: 1,
            success: true,
            exit_code: Some(0),
            duration: ms(136),
            diagnostics: vec![],
            log: String::new(),
        }),
    );
    update(
        app,
        ev(Event::ModuleReady {
            job: 1,
            module: module(2_379_671, None),
        }),
    );
}

fn failed_build(app: &mut App, job: u64) {
    update(
        app,
        ev(Event::JobStarted {
            job,
            trigger: vec!["/p/main.go".into()],
        }),
    );
    update(
        app,
        ev(Event::BuildFinished {
            job,
            success: false,
            exit_code: Some(1),
            duration: ms(71),
            diagnostics: vec![
                Diagnostic {
                    file: Some("/p/main.go".into()),
                    line: Some(12),
                    column: Some(2),
                    message: "undefined: undefinedThing".into(),
                    raw: String::new(),
                },
                Diagnostic {
                    file: Some("/p/util.go".into()),
                    line: Some(3),
                    column: Some(8),
                    message: "\"os\" imported and not used".into(),
                    raw: String::new(),
                },
            ],
            log: String::new(),
        }),
    );
    update(
        app,
        ev(Event::KeptLastGood {
            job,
            last_good_job: 1,
        }),
    );
    update(
        app,
        ev(Event::JobFinished {
            job,
            cancelled: false,
        }),
    );
}

fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view(app, f)).unwrap();
    let buffer = terminal.backend().buffer();
    let mut s = String::new();
    for y in 0..height {
        for x in 0..width {
            s.push_str(buffer[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

fn settings(modes: &[Mode], args: &[&str]) -> crate::pipeline::RunSettings {
    crate::pipeline::RunSettings {
        modes: modes.to_vec(),
        run: crate::engine::RunConfig {
            args: args.iter().map(|a| a.to_string()).collect(),
            ..Default::default()
        },
        compare_toolchains: false,
    }
}

fn app() -> App {
    App::new("hello", settings(&[Mode::Interp, Mode::Aot], &["x"]))
}

// ---- update: keys ----

#[test]
fn quit_keys_quit() {
    let mut a = app();
    assert_eq!(update(&mut a, key('q')), vec![Cmd::Quit]);
    assert!(a.quit);
    let mut a = app();
    let ctrl_c = Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert_eq!(update(&mut a, ctrl_c), vec![Cmd::Quit]);
}

#[test]
fn rebuild_cancel_pause_and_modes_become_commands() {
    let mut a = app();
    assert_eq!(update(&mut a, key('r')), vec![Cmd::Rebuild]);
    assert_eq!(update(&mut a, key('x')), vec![Cmd::Cancel]);
    assert_eq!(update(&mut a, key('p')), vec![Cmd::SetPaused(true)]);
    assert_eq!(update(&mut a, key('p')), vec![Cmd::SetPaused(false)]);
    assert_eq!(update(&mut a, key('m')), vec![Cmd::Restart]);
    assert_eq!(a.settings.modes, vec![Mode::Interp]);
    update(&mut a, key('m'));
    assert_eq!(a.settings.modes, vec![Mode::Baseline]);
    update(&mut a, key('m'));
    update(&mut a, key('m'));
    assert_eq!(a.settings.modes, vec![Mode::Opt]);
    update(&mut a, key('m'));
    assert_eq!(a.settings.modes, vec![Mode::Interp, Mode::Aot]);
    assert_eq!(update(&mut a, key('a')), vec![Cmd::Restart]);
    assert_eq!(a.settings.modes, Mode::all());
}

#[test]
fn help_opens_and_any_key_closes_it() {
    let mut a = app();
    update(&mut a, key('?'));
    assert_eq!(a.input, InputMode::Help);
    assert_eq!(
        update(&mut a, key('r')),
        vec![],
        "a key only closes the help"
    );
    assert_eq!(a.input, InputMode::Normal);
}

#[test]
fn focus_moves_with_tab_and_includes_diagnostics_only_after_a_failure() {
    let mut a = app();
    update(&mut a, code(KeyCode::Tab));
    assert_eq!(a.focus, Pane::Timing);
    update(&mut a, code(KeyCode::Tab));
    update(&mut a, code(KeyCode::Tab));
    assert_eq!(a.focus, Pane::Output);
    update(
        &mut a,
        Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
    );
    assert_eq!(a.focus, Pane::Module);
    successful_job(&mut a, &[Mode::Interp]);
    failed_build(&mut a, 2);
    assert_eq!(
        a.focus,
        Pane::Diagnostics,
        "a failure shows its diagnostics"
    );
    assert_eq!(a.panes()[0], Pane::Diagnostics);
}

#[test]
fn scrolling_search_wrap_and_clear_act_on_the_output() {
    let mut a = app();
    for i in 0..50 {
        output(&mut a, 0, Mode::Interp, &format!("line {i}\n"));
    }
    update(&mut a, key('k'));
    assert_eq!(a.output.scroll, 1);
    update(&mut a, code(KeyCode::PageUp));
    assert_eq!(a.output.scroll, 21);
    update(&mut a, code(KeyCode::Home));
    assert_eq!(a.output.scroll, 50);
    update(&mut a, code(KeyCode::End));
    assert_eq!(a.output.scroll, 0);
    update(&mut a, key('/'));
    for c in "line 4".chars() {
        update(&mut a, key(c));
    }
    update(&mut a, code(KeyCode::Enter));
    assert_eq!(a.output.search.as_deref(), Some("line 4"));
    assert_ne!(a.input, InputMode::Search);
    update(&mut a, key('w'));
    assert!(!a.output.wrap);
    update(&mut a, key('c'));
    assert!(a.output.buffer.is_empty());
}

#[test]
fn module_tabs_cycle_when_the_module_pane_has_focus() {
    let mut a = app();
    a.focus = Pane::Module;
    update(&mut a, code(KeyCode::Right));
    assert_eq!(a.module.tab, ModuleTab::Packages);
    update(&mut a, code(KeyCode::Left));
    update(&mut a, code(KeyCode::Left));
    assert_eq!(a.module.tab, ModuleTab::Profile);
}

/// Job `job`'s module in Go's terms; with `changes`, encoding/json is new since the last build.
fn anatomy(app: &mut App, job: u64, changes: bool) {
    let package = |name: &str, code_bytes: u64, largest: &[(&str, u64)]| PackageRow {
        package: name.into(),
        code_bytes,
        percent: code_bytes as f64 / 14_724.0,
        functions: largest.len() as u32,
        largest: largest.iter().map(|&(n, b)| (n.to_string(), b)).collect(),
    };
    let change = |name: &str, old: u64, new: u64, change| SizeChange {
        name: name.into(),
        old,
        new,
        delta: new as i64 - old as i64,
        change,
    };
    let summary = AnatomySummary {
        names_from: "Go's pclntab".into(),
        code_bytes: 1_472_400,
        packages: vec![
            package("runtime", 1_000_000, &[("runtime.gcDrain", 41_200)]),
            package(
                "encoding/json",
                187_392,
                &[
                    ("encoding/json.(*decodeState).literalStore", 25_300),
                    ("encoding/json.Marshal", 900),
                ],
            ),
            package("main", 2_150, &[("main.main", 1_024)]),
        ],
        data: vec![DataPart {
            what: "other data".into(),
            bytes: 857_983,
        }],
        largest_functions: vec![FunctionSize {
            index: 3_001,
            name: Some("encoding/json.(*decodeState).literalStore".into()),
            size: 25_300,
        }],
        changes: changes.then(|| AnatomyDiff {
            code_delta: 189_000,
            data_delta: 40_000,
            packages: vec![
                change("encoding/json", 0, 187_392, Change::New),
                change("main", 2_150, 4_300, Change::Changed),
                change("fmt", 90_400, 90_000, Change::Changed),
            ],
            functions: vec![change(
                "encoding/json.(*decodeState).literalStore",
                0,
                25_300,
                Change::New,
            )],
        }),
    };
    update(
        app,
        ev(Event::ModuleAnatomy {
            job,
            anatomy: Box::new(summary),
        }),
    );
}

#[test]
fn a_module_from_a_newer_go_has_its_note_in_the_module_pane() {
    let mut a = app();
    successful_job(&mut a, &[Mode::Interp]);
    let note = "built by go1.99.0, newer than the Go gowasm knows (1.21–1.27)";
    let mut m = module(2_379_671, None);
    m.note = Some(note.into());
    update(&mut a, ev(Event::ModuleReady { job: 1, module: m }));
    assert!(screen(&a, 200, 40).contains(note));
}

#[test]
fn the_functions_tab_takes_go_names_from_the_anatomy() {
    let mut a = app();
    successful_job(&mut a, &[Mode::Interp]);
    a.focus = Pane::Module;
    while a.module.tab != ModuleTab::Functions {
        update(&mut a, code(KeyCode::Right));
    }
    assert!(screen(&a, 200, 40).contains("runtime.gcDrain"));
    anatomy(&mut a, 1, false);
    let shown = screen(&a, 200, 40);
    assert!(
        shown.contains("encoding/json.(*decodeState).literalStore"),
        "{shown}"
    );
}

#[test]
fn the_packages_tab_has_bars_and_opens_a_package_on_enter() {
    let mut a = app();
    successful_job(&mut a, &[Mode::Interp]);
    a.focus = Pane::Module;
    update(&mut a, code(KeyCode::Right));
    assert_eq!(a.module.tab, ModuleTab::Packages);
    assert!(screen(&a, 200, 40).contains("reading the module's packages"));
    anatomy(&mut a, 1, false);
    let shown = screen(&a, 200, 40);
    assert!(shown.contains("encoding/json"), "{shown}");
    assert!(shown.contains("names from Go's pclntab"), "{shown}");
    assert!(shown.contains('█'), "{shown}");
    update(&mut a, code(KeyCode::Down));
    assert_eq!(a.module.package_selected, 1);
    update(&mut a, code(KeyCode::Enter));
    assert!(a.module.package_open);
    let shown = screen(&a, 200, 40);
    assert!(shown.contains("‹ encoding/json"), "{shown}");
    assert!(shown.contains("(*decodeState).literalStore"), "{shown}");
    assert!(!shown.contains("runtime.gcDrain"), "{shown}");
    // A new build keeps the open package open, at its new place.
    anatomy(&mut a, 1, true);
    assert!(a.module.package_open && a.module.package_selected == 1);
    update(&mut a, code(KeyCode::Esc));
    assert!(!a.module.package_open);
    update(&mut a, code(KeyCode::Down));
    update(&mut a, code(KeyCode::Down));
    assert_eq!(
        a.module.package_selected, 2,
        "the cursor stops at the last package"
    );
}

#[test]
fn the_changes_tab_names_the_packages_and_functions_that_changed() {
    let mut a = app();
    successful_job(&mut a, &[Mode::Interp]);
    anatomy(&mut a, 1, false);
    update(
        &mut a,
        ev(Event::ModuleReady {
            job: 1,
            module: module(2_600_000, Some(200_000)),
        }),
    );
    anatomy(&mut a, 1, true);
    a.focus = Pane::Module;
    while a.module.tab != ModuleTab::Changes {
        update(&mut a, code(KeyCode::Right));
    }
    let shown = screen(&a, 200, 40);
    assert!(shown.contains("+183 KiB  encoding/json (new)"), "{shown}");
    assert!(shown.contains("+2.1 KiB  main"), "{shown}");
    assert!(shown.contains("-400 B  fmt"), "{shown}");
    assert!(
        shown.contains("encoding/json.(*decodeState).literalStore (new)"),
        "{shown}"
    );
}

#[test]
fn snapshot_packages() {
    let mut a = app();
    successful_job(&mut a, &[Mode::Interp, Mode::Aot]);
    anatomy(&mut a, 1, false);
    a.focus = Pane::Module;
    update(&mut a, code(KeyCode::Right));
    insta::assert_snapshot!(screen(&a, 120, 30));
}

/// The rows a Go-against-TinyGo comparison of job 1 reports: TinyGo's output differs.
fn toolchains_compared(app: &mut App) {
    let row = |toolchain: &str, version: &str, target: &str, bytes, run| ToolchainRow {
        toolchain: toolchain.into(),
        version: version.into(),
        target: target.into(),
        build: ms(if toolchain == "go" { 1_200 } else { 2_400 }),
        size: ModuleSize {
            bytes,
            code_bytes: bytes / 2,
            data_bytes: bytes / 4,
            packages: vec![
                PackageBytes {
                    package: "runtime".into(),
                    code_bytes: bytes / 4,
                },
                PackageBytes {
                    package: "fmt".into(),
                    code_bytes: bytes / 10,
                },
            ],
        },
        runs: vec![
            report(Mode::Interp, 23, run, Outcome::Exited { code: 0 }),
            report(Mode::Aot, 16, run / 10, Outcome::Exited { code: 0 }),
        ],
        module: None,
        error: None,
        failed_build: None,
    };
    update(
        app,
        ev(Event::ToolchainsCompared {
            job: 1,
            rows: vec![
                row("go", "go1.23.5", "wasip1", 2_400_000, 502),
                row("tinygo", "0.33.0", "wasip1", 420_000, 130),
            ],
            differences: vec![ToolchainDifference {
                toolchain: "tinygo".into(),
                versus: "go".into(),
                difference: Difference {
                    at: "stdout line 2".into(),
                    left: "arg 1: x\n".into(),
                    right: "arg 1: y\n".into(),
                },
            }],
        }),
    );
}

#[test]
fn t_toggles_comparing_toolchains_and_the_tab_shows_both() {
    let mut a = app();
    successful_job(&mut a, &[Mode::Interp, Mode::Aot]);
    assert_eq!(update(&mut a, key('t')), vec![Cmd::Restart]);
    assert!(a.settings.compare_toolchains);
    assert_eq!(
        a.module.tab,
        ModuleTab::Toolchains,
        "turning it on shows the tab"
    );
    assert!(screen(&a, 120, 30).contains("waiting for both toolchains"));
    toolchains_compared(&mut a);
    let shown = screen(&a, 120, 30);
    assert!(shown.contains("tinygo 0.33.0"), "{shown}");
    assert!(shown.contains("outputs differ at stdout line 2"), "{shown}");
    let tall = screen(&a, 120, 50);
    assert!(tall.contains("code by package"), "{tall}");
    assert!(tall.contains("runtime"), "{tall}");
    assert_eq!(update(&mut a, key('t')), vec![Cmd::Restart]);
    assert!(!a.settings.compare_toolchains && a.module.toolchains.is_none());
    assert!(screen(&a, 120, 30).contains("press t to also build"));
}

#[test]
fn snapshot_toolchains() {
    let mut a = app();
    successful_job(&mut a, &[Mode::Interp, Mode::Aot]);
    update(&mut a, key('t'));
    toolchains_compared(&mut a);
    insta::assert_snapshot!(screen(&a, 120, 30));
}

#[test]
fn diagnostics_are_selected_and_opened_in_the_editor() {
    let mut a = app();
    successful_job(&mut a, &[Mode::Interp]);
    failed_build(&mut a, 2);
    update(&mut a, key('j'));
    assert_eq!(a.diagnostics.selected, 1);
    assert_eq!(
        update(&mut a, code(KeyCode::Enter)),
        vec![Cmd::OpenEditor {
            file: "/p/util.go".into(),
            line: 3,
            column: Some(8)
        }]
    );
    assert_eq!(update(&mut a, key('e')).len(), 1);
}

#[test]
fn the_prompt_sets_args_and_env() {
    let mut a = app();
    update(&mut a, key(':'));
    for c in "args one 'two words' \"a \\\"q\\\"\"".chars() {
        update(&mut a, key(c));
    }
    assert_eq!(update(&mut a, code(KeyCode::Enter)), vec![Cmd::Restart]);
    assert_eq!(
        a.settings.run.args,
        ["one", "two words", "a \"q\""],
        "split as a shell would"
    );
    update(&mut a, key(':'));
    for c in "args 'unclosed".chars() {
        update(&mut a, key(c));
    }
    assert_eq!(update(&mut a, code(KeyCode::Enter)), vec![]);
    assert!(
        a.error.as_deref().unwrap().starts_with(":args"),
        "{:?}",
        a.error
    );
    assert_eq!(a.settings.run.args.len(), 3, "a bad line changes nothing");
    update(&mut a, key(':'));
    for c in "env GREETING='hi there'".chars() {
        update(&mut a, key(c));
    }
    update(&mut a, code(KeyCode::Enter));
    assert_eq!(
        a.settings.run.env,
        [("GREETING".to_string(), "hi there".to_string())]
    );
    update(&mut a, key(':'));
    for c in "nonsense".chars() {
        update(&mut a, key(c));
    }
    assert_eq!(update(&mut a, code(KeyCode::Enter)), vec![]);
    assert!(a.error.as_deref().unwrap().contains("unknown"));
    update(&mut a, key(':'));
    update(&mut a, code(KeyCode::Esc));
    assert_eq!(a.input, InputMode::Normal);
}

#[test]
fn bench_needs_a_module_and_reports_medians() {
    let mut a = app();
    assert_eq!(update(&mut a, key('b')), vec![]);
    successful_job(&mut a, &[Mode::Interp]);
    assert!(matches!(&update(&mut a, key('b'))[..], [Cmd::Bench { .. }]));
    assert!(a.bench_running);
    assert_eq!(update(&mut a, key('b')), vec![], "one bench at a time");
    update(&mut a, Msg::BenchDone(Ok(vec![(Mode::Interp, ms(500))])));
    assert!(!a.bench_running);
    assert!(a.bench.as_ref().unwrap().is_ok());
}

#[test]
fn image_exports_the_last_good_build_and_says_where_it_went() {
    let mut a = app();
    assert_eq!(update(&mut a, key('i')), vec![]);
    assert!(a.error.as_deref().unwrap().contains("no good build yet"));
    successful_job(&mut a, &[Mode::Interp]);
    let module = a.module.summary.as_ref().unwrap().path.clone();
    assert_eq!(update(&mut a, key('i')), vec![Cmd::ExportImage { module }]);
    assert_eq!(update(&mut a, key('i')), vec![], "one export at a time");
    update(
        &mut a,
        Msg::ImageDone(Ok(
            "image hello:latest written to /c/images/hello.tar".into()
        )),
    );
    assert!(!a.exporting_image);
    assert!(a.notice.as_deref().unwrap().contains("/c/images/hello.tar"));
    let screen = screen(&a, 100, 30);
    assert!(
        screen.contains("written to /c/images/hello.tar"),
        "{screen}"
    );
    update(&mut a, code(KeyCode::Down));
    assert_eq!(a.notice, None, "the next key clears it");
    update(&mut a, key('i'));
    update(&mut a, Msg::ImageDone(Err("image: disk full".into())));
    assert_eq!(a.error.as_deref(), Some("image: disk full"));
}

// ---- update: pipeline messages ----

#[test]
fn a_good_job_fills_module_output_timings_and_history() {
    let mut a = app();
    successful_job(&mut a, &[Mode::Interp, Mode::Aot]);
    assert_eq!(a.job.activity, Activity::Watching);
    assert_eq!(a.toolchain.as_deref(), Some("go go1.23.5"));
    assert_eq!(a.target.as_deref(), Some("wasip1 · WASI host"));
    assert_eq!(a.job.reports.len(), 2);
    assert_eq!(a.output.buffer.len(), 4);
    assert_eq!(a.job.history.len(), 1);
    assert_eq!(a.job.last_build, Some(ms(136)));
    assert!(!a.job.stale);
}

#[test]
fn a_failed_build_keeps_the_last_good_marked_stale_and_a_fix_clears_it() {
    let mut a = app();
    successful_job(&mut a, &[Mode::Interp]);
    failed_build(&mut a, 2);
    assert!(a.job.stale);
    assert_eq!(a.job.activity, Activity::Failed);
    assert_eq!(a.output.buffer.len(), 2, "the last good output stays");
    assert_eq!(a.job.reports.len(), 1);
    assert_eq!(a.diagnostics.items.len(), 2);
    update(
        &mut a,
        ev(Event::JobStarted {
            job: 3,
            trigger: vec![],
        }),
    );
    update(
        &mut a,
        ev(Event::BuildFinished {
            job: 3,
            success: true,
            exit_code: Some(0),
            duration: ms(90),
            diagnostics: vec![],
            log: String::new(),
        }),
    );
    update(
        &mut a,
        ev(Event::ModuleReady {
            job: 3,
            module: module(2_379_679, Some(8)),
        }),
    );
    assert!(!a.job.stale);
    assert!(a.diagnostics.items.is_empty());
    assert!(
        a.module.previous.is_some(),
        "the Changes tab compares with the earlier module"
    );
    assert_eq!(a.focus, Pane::Output);
}

#[test]
fn events_of_an_older_job_are_dropped() {
    let mut a = app();
    update(
        &mut a,
        ev(Event::JobStarted {
            job: 5,
            trigger: vec![],
        }),
    );
    output(&mut a, 4, Mode::Interp, "late\n");
    update(
        &mut a,
        ev(Event::RunFinished {
            job: 4,
            report: report(Mode::Interp, 1, 1, Outcome::Cancelled),
        }),
    );
    assert!(a.output.buffer.is_empty());
    assert!(a.job.reports.is_empty());
}

#[test]
fn watcher_and_job_errors_show_in_the_footer() {
    let mut a = app();
    update(
        &mut a,
        ev(Event::Watch {
            change: WatchEvent::RootGone,
        }),
    );
    assert!(a.error.as_deref().unwrap().contains("gone"));
    update(
        &mut a,
        ev(Event::Watch {
            change: WatchEvent::RootBack,
        }),
    );
    assert!(a.error.is_none());
    update(
        &mut a,
        ev(Event::JobError {
            job: 1,
            message: "no Go toolchain found".into(),
        }),
    );
    assert_eq!(a.job.activity, Activity::Failed);
    assert!(screen(&a, 100, 20).contains("no Go toolchain found"));
}

#[test]
fn ticks_move_the_clock_and_the_spinner() {
    let mut a = app();
    update(&mut a, Msg::Tick(ms(1500)));
    assert_eq!(a.clock, ms(1500));
    assert_eq!(a.spinner, 1);
}

// ---- view snapshots ----

#[test]
fn snapshot_first_build() {
    let mut a = app();
    update(
        &mut a,
        ev(Event::JobStarted {
            job: 1,
            trigger: vec![],
        }),
    );
    update(
        &mut a,
        ev(Event::BuildStarted {
            job: 1,
            toolchain: "go".into(),
            version: "go1.23.5".into(),
            command: vec![],
        }),
    );
    update(&mut a, Msg::Tick(ms(1200)));
    insta::assert_snapshot!(screen(&a, 120, 30));
}

#[test]
fn snapshot_running() {
    let mut a = app();
    good_build(&mut a);
    update(
        &mut a,
        ev(Event::RunStarted {
            job: 1,
            mode: Mode::Interp,
        }),
    );
    output(&mut a, 1, Mode::Interp, "tick 1\ntick 2\ntick 3\n");
    update(&mut a, Msg::Tick(ms(700)));
    insta::assert_snapshot!(screen(&a, 120, 30));
}

#[test]
fn snapshot_all_modes() {
    let mut a = App::new("fib", settings(&Mode::ALL, &[]));
    successful_job(&mut a, &Mode::ALL);
    insta::assert_snapshot!(screen(&a, 140, 36));
}

/// Job `job`'s build fails with `log` and nothing the diagnostics parser recognises.
fn failed_build_without_diagnostics(app: &mut App, job: u64, log: &str) {
    update(
        app,
        ev(Event::JobStarted {
            job,
            trigger: vec!["/p/go.mod".into()],
        }),
    );
    update(
        app,
        ev(Event::BuildFinished {
            job,
            success: false,
            exit_code: Some(1),
            duration: ms(40),
            diagnostics: vec![],
            log: log.into(),
        }),
    );
}

/// What Go prints for a broken go.mod (no file:line:col the parser could take apart).
const BROKEN_GO_MOD: &str = "go: errors parsing go.mod:\n/p/go.mod:3: unknown directive: bogus\n";

#[test]
fn a_failed_build_with_no_parsed_message_shows_its_log_and_takes_the_focus() {
    let mut a = app();
    successful_job(&mut a, &[Mode::Interp]);
    failed_build_without_diagnostics(&mut a, 2, BROKEN_GO_MOD);
    assert_eq!(a.focus, Pane::Diagnostics);
    assert!(
        a.panes().contains(&Pane::Diagnostics),
        "the focused pane is shown"
    );
    let shown = screen(&a, 120, 30);
    assert!(shown.contains("unknown directive: bogus"), "{shown}");
    assert!(shown.contains("Build failed"), "{shown}");
    // A long log scrolls: the end first, then back by pages.
    let long: String = (0..100).map(|i| format!("ld: line {i}\n")).collect();
    failed_build_without_diagnostics(&mut a, 3, &long);
    assert!(screen(&a, 120, 30).contains("ld: line 99"));
    update(&mut a, code(KeyCode::PageUp));
    let back = screen(&a, 120, 30);
    assert!(
        !back.contains("ld: line 99") && back.contains("ld: line 75"),
        "{back}"
    );
    // A good build puts it all away.
    update(
        &mut a,
        ev(Event::JobStarted {
            job: 4,
            trigger: vec![],
        }),
    );
    update(
        &mut a,
        ev(Event::BuildFinished {
            job: 4,
            success: true,
            exit_code: Some(0),
            duration: ms(40),
            diagnostics: vec![],
            log: String::new(),
        }),
    );
    assert!(!a.diagnostics.failed && !a.panes().contains(&Pane::Diagnostics));
    assert_eq!(a.focus, Pane::Output);
}

#[test]
fn snapshot_build_failure_without_diagnostics() {
    let mut a = app();
    successful_job(&mut a, &[Mode::Interp]);
    failed_build_without_diagnostics(&mut a, 2, BROKEN_GO_MOD);
    insta::assert_snapshot!(screen(&a, 120, 30));
}

#[test]
fn snapshot_build_failure() {
    let mut a = app();
    successful_job(&mut a, &[Mode::Interp]);
    failed_build(&mut a, 2);
    insta::assert_snapshot!(screen(&a, 120, 30));
}

#[test]
fn snapshot_trap() {
    let mut a = app();
    good_build(&mut a);
    update(
        &mut a,
        ev(Event::RunStarted {
            job: 1,
            mode: Mode::Aot,
        }),
    );
    let trap = Trap {
        kind: "integer divide by zero".into(),
        message: "integer divide by zero".into(),
        frames: vec![
            Frame {
                func_index: 1,
                name: Some("main.fib".into()),
                offset: Some(0x4a),
                places: vec![],
            },
            Frame {
                func_index: 2,
                name: Some("main.main".into()),
                offset: Some(0x61),
                places: vec![],
            },
        ],
        note: None,
    };
    update(
        &mut a,
        ev(Event::RunFinished {
            job: 1,
            report: report(Mode::Aot, 16, 1, Outcome::Trapped(trap)),
        }),
    );
    insta::assert_snapshot!(screen(&a, 120, 30));
}

#[test]
fn snapshot_narrow_terminal() {
    let mut a = app();
    successful_job(&mut a, &[Mode::Interp, Mode::Aot]);
    insta::assert_snapshot!(screen(&a, 80, 24));
}

#[test]
fn snapshot_help_overlay() {
    let mut a = app();
    successful_job(&mut a, &[Mode::Interp]);
    update(&mut a, key('?'));
    insta::assert_snapshot!(screen(&a, 120, 36));
}

#[test]
fn mouse_wheel_resize_and_esc_behave() {
    use crossterm::event::{MouseEvent, MouseEventKind};
    let mut a = app();
    for i in 0..10 {
        output(&mut a, 0, Mode::Interp, &format!("l{i}\n"));
    }
    let wheel = |kind| {
        Msg::Mouse(MouseEvent {
            kind,
            column: 1,
            row: 1,
            modifiers: KeyModifiers::NONE,
        })
    };
    update(&mut a, wheel(MouseEventKind::ScrollUp));
    assert_eq!(a.output.scroll, 3);
    update(&mut a, wheel(MouseEventKind::ScrollDown));
    assert_eq!(a.output.scroll, 0);
    update(&mut a, Msg::Tick(ms(900)));
    assert_eq!(update(&mut a, Msg::Resize), vec![]);
    assert_eq!(a.clock, ms(900), "a resize does not touch the clock");
    update(&mut a, key('/'));
    update(&mut a, key('x'));
    update(&mut a, code(KeyCode::Esc));
    assert!(a.output.search.is_none() && a.input != InputMode::Search);
}

#[test]
fn background_compile_and_cancelled_jobs_show_in_the_state() {
    let mut a = app();
    update(
        &mut a,
        ev(Event::JobStarted {
            job: 1,
            trigger: vec![],
        }),
    );
    update(
        &mut a,
        ev(Event::Precompiling {
            job: 1,
            mode: Mode::Aot,
        }),
    );
    assert_eq!(a.job.compiling, Some(Mode::Aot));
    assert!(screen(&a, 120, 20).contains("compiling aot"));
    update(
        &mut a,
        ev(Event::RunStarted {
            job: 1,
            mode: Mode::Aot,
        }),
    );
    assert_eq!(a.job.compiling, None);
    update(
        &mut a,
        ev(Event::JobFinished {
            job: 1,
            cancelled: true,
        }),
    );
    assert_eq!(a.job.activity, Activity::Watching);
    assert!(
        a.job.history.is_empty(),
        "a job that ran nothing adds no history"
    );
}

#[test]
fn output_keeps_its_place_while_reading_scrollback_even_at_the_cap() {
    let mut a = app();
    for i in 0..super::output::MAX_LINES {
        output(&mut a, 0, Mode::Interp, &format!("{i}\n"));
    }
    update(&mut a, key('k'));
    output(&mut a, 0, Mode::Interp, "new\n");
    assert_eq!(a.output.scroll, 2);
}

/// A reactor: the Exports tab lists the exports with their types and how to call them; a run's
/// calls show in the Output pane and, mode by mode, in the Timing pane; `:call` sets them.
#[test]
fn a_reactors_exports_calls_and_their_times_are_shown() {
    use crate::engine::calls::{CallReport, CallStatus};
    use crate::inspect::triage::Entry;
    let mut a = app();
    successful_job(&mut a, &[Mode::Interp, Mode::Aot]);
    let mut m = module(1_900_000, None);
    m.entry = Some(Entry::Reactor);
    m.export_list[0].name = "_initialize".into();
    m.export_list.push(Export {
        name: "add".into(),
        kind: "func".into(),
        index: 1300,
        params: vec!["i32".into(), "i32".into()],
        results: vec!["i32".into()],
    });
    update(&mut a, ev(Event::ModuleReady { job: 1, module: m }));
    for (mode, micros) in [(Mode::Interp, 43), (Mode::Aot, 11)] {
        let mut r = report(mode, 12, 1, Outcome::Exited { code: 0 });
        r.entry = Entry::Reactor;
        r.timings.initialize = Some(ms(7));
        r.calls = vec![CallReport {
            call: "add 2 3".into(),
            status: CallStatus::Returned,
            results: vec!["5".into()],
            time: Duration::from_micros(micros),
            note: None,
        }];
        update(&mut a, ev(Event::RunFinished { job: 1, report: r }));
    }
    a.focus = Pane::Module;
    while a.module.tab != ModuleTab::Exports {
        update(&mut a, code(KeyCode::Right));
    }
    let shown = screen(&a, 200, 50);
    assert!(
        shown.contains("a reactor: _initialize, then 1 exports to call with :call NAME ARGS"),
        "{shown}"
    );
    assert!(shown.contains("(i32, i32) -> (i32)"), "{shown}");
    assert!(shown.contains("→ add(2, 3) = 5  (43 µs)"), "{shown}");
    // The Timing pane's row: the call, interp's time beside aot's.
    assert!(
        shown.lines().any(|l| {
            let row = l.split('│').find(|p| p.contains("add(2, 3)")).unwrap_or("");
            row.contains("43 µs") && row.contains("11 µs") && !row.contains('→')
        }),
        "no call row in the Timing pane: {shown}"
    );
    assert!(shown.contains("initialize"), "{shown}");

    update(&mut a, code(KeyCode::Char(':')));
    for c in "call fib 20; total".chars() {
        update(&mut a, code(KeyCode::Char(c)));
    }
    let cmds = update(&mut a, code(KeyCode::Enter));
    assert!(cmds.contains(&Cmd::Restart), "{cmds:?}");
    let calls: Vec<String> = a.settings.run.calls.iter().map(|c| c.text()).collect();
    assert_eq!(calls, ["fib 20", "total"]);
}

// ---- the Profile tab ----

/// Job `job`: a good build, then a run in interp and aot, each with the profile given.
fn profiled_job(app: &mut App, job: u64, profiles: [crate::profile::Profile; 2]) {
    update(
        app,
        ev(Event::JobStarted {
            job,
            trigger: vec![],
        }),
    );
    update(
        app,
        ev(Event::ModuleReady {
            job,
            module: module(2_379_671, None),
        }),
    );
    for (mode, profile) in [Mode::Interp, Mode::Aot].into_iter().zip(profiles) {
        let mut r = report(mode, 20, 400, Outcome::Exited { code: 0 });
        r.profile = Some(profile);
        update(app, ev(Event::RunFinished { job, report: r }));
    }
    update(
        app,
        ev(Event::JobFinished {
            job,
            cancelled: false,
        }),
    );
}

#[test]
fn shift_p_turns_profiles_on_and_off_and_opens_the_profile_tab() {
    let mut a = app();
    assert_eq!(update(&mut a, key('P')), vec![Cmd::Restart]);
    let on = a.settings.run.profile.expect("on");
    assert!(
        on.best_effort,
        "a module that cannot be profiled still runs"
    );
    assert_eq!(a.module.tab, ModuleTab::Profile);
    assert_eq!(update(&mut a, key('P')), vec![Cmd::Restart]);
    assert_eq!(a.settings.run.profile, None);
}

#[test]
fn snapshot_profile() {
    use crate::profile::profile_of;
    let mut a = app();
    update(&mut a, key('P'));
    let json = |object: u64| {
        profile_of(&[
            (
                &[
                    "encoding/json.(*decodeState).object",
                    "encoding/json.Unmarshal",
                    "main.main",
                ],
                object,
            ),
            (&["runtime.mallocgc", "main.main"], 100 - object),
        ])
    };
    profiled_job(&mut a, 1, [json(40), json(45)]);
    profiled_job(&mut a, 2, [json(58), json(61)]);
    let shown = screen(&a, 130, 64);
    assert!(
        shown.contains("+18.0  encoding/json.(*decodeState).object"),
        "{shown}"
    );
    insta::assert_snapshot!(shown);
}

/// A page's event, as the browser lane brings it.
fn page(build: u64, event: crate::serve::PageEvent, since_save: Option<u64>) -> Msg {
    Msg::Browser(Box::new(crate::serve::ServeEvent::Browser {
        event: crate::serve::BrowserEvent {
            build,
            event,
            since_save: since_save.map(ms),
        },
    }))
}

#[test]
fn snapshot_browser_lane() {
    use crate::serve::PageEvent;
    use crate::serve::ServeEvent;
    let mut a = app();
    successful_job(&mut a, &[Mode::Interp]);
    assert_eq!(update(&mut a, key('B')), vec![Cmd::Serve(true)]);
    let serve = |e: ServeEvent| Msg::Browser(Box::new(e));
    update(
        &mut a,
        serve(ServeEvent::Listening {
            url: "http://127.0.0.1:8080/".into(),
            taken: None,
        }),
    );
    update(
        &mut a,
        serve(ServeEvent::Published {
            build: 2,
            toolchain: "tinygo 0.40.1".into(),
        }),
    );
    update(
        &mut a,
        page(
            2,
            PageEvent::Stdout {
                text: "wrote: Hello from Go, in the DOM\n".into(),
            },
            Some(412),
        ),
    );
    update(
        &mut a,
        page(
            2,
            PageEvent::Console {
                level: "warn".into(),
                text: "from the page".into(),
            },
            None,
        ),
    );
    update(&mut a, page(2, PageEvent::Exit { code: 0 }, None));
    let shown = screen(&a, 100, 24);
    assert!(
        shown.contains("browser on http://127.0.0.1:8080/ (build 2)"),
        "{shown}"
    );
    assert!(
        shown.contains("browser  wrote: Hello from Go, in the DOM"),
        "{shown}"
    );
    assert!(
        shown.contains("browser  first output 412 ms after the save"),
        "{shown}"
    );
    assert!(
        shown.contains("browser  console.warn: from the page"),
        "{shown}"
    );
    insta::assert_snapshot!(shown);
    // A failed build stays off the page, and the title says so; B again turns it off.
    update(
        &mut a,
        serve(ServeEvent::Failed {
            message: "main.go:9:2: undefined: x\nmore".into(),
        }),
    );
    assert!(
        screen(&a, 120, 24).contains("(build 2): main.go:9:2"),
        "{}",
        screen(&a, 120, 24)
    );
    assert_eq!(update(&mut a, key('B')), vec![Cmd::Serve(false)]);
    assert!(a.browser.is_none());
}
