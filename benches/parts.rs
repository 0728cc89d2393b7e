//! `cargo bench --bench parts`: the parts of a run that are gowasm's own, each timed alone.
//!
//! - `inspect`: the inspector on a real Go module and on a synthetic 10 MB one, and all of
//!   `inspect --packages --files --retained` (Go names from the pclntab, dominators) on gobench's
//!   3 MB module;
//! - `aot cache load`: engine set-up plus loading the cached artifact of a real Go module
//!   (memory map, checksum, wasmer's deserialization), i.e. aot's compile phase on a hit;
//! - `instantiate`: each mode's instantiate phase on a real Go module, as the engine times it;
//! - `lines`: guest output split into lines (headless and the TUI), 1 MiB of 5-byte lines;
//! - `output frames`: guest output through the worker's frame writer and a real pipe, in
//!   64-byte writes (one per line, like `fmt.Println`) and 64 KiB writes (like a `bufio.Writer`);
//! - `tui frame`: one full-screen (200×60) frame of the workbench holding a real module and a
//!   full scrollback.
//!
//! The Go samples are built with the real Go toolchain (run `scripts/setup` first).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gowasm::build::{BuildRequest, Compiler};
use gowasm::engine::frames::{FrameWriter, TAG_STDOUT, read_frames};
use gowasm::engine::{self, Mode, OutputSink, RunConfig, RunReport, Stream};
use gowasm::pipeline::{Event, ModuleSummary};
use gowasm::tui::app::{App, Msg, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Builds a sample with Go into `out` and returns the module's bytes.
fn go_sample(name: &str, out: &Path) -> Vec<u8> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name);
    let wasm = out.join(format!("{name}.wasm"));
    let request = BuildRequest {
        dir,
        compiler: Some(Compiler::Go),
        output: Some(wasm.clone()),
        ..BuildRequest::default()
    };
    let outcome = gowasm::build::build(&request, out).expect("Go is installed (scripts/setup)");
    assert!(outcome.success, "{}", outcome.log);
    std::fs::read(wasm).unwrap()
}

/// A module of about `size` bytes shaped like a Go one: many small functions with names, a
/// WASI import, a memory with a data segment.
fn synthetic_module(size: usize) -> Vec<u8> {
    use wasm_encoder::*;
    let functions = (size * 9 / 10 / 200) as u32;
    let mut types = TypeSection::new();
    types.ty().function([ValType::I32; 4], [ValType::I32]);
    types.ty().function([ValType::I32], [ValType::I32]);
    let mut imports = ImportSection::new();
    imports.import(
        "wasi_snapshot_preview1",
        "fd_write",
        EntityType::Function(0),
    );
    let mut funcs = FunctionSection::new();
    let mut code = CodeSection::new();
    let mut names = NameMap::new();
    for i in 0..functions {
        funcs.function(1);
        let mut f = Function::new([(2, ValType::I32)]);
        let mut sink = f.instructions();
        sink.local_get(0);
        for k in 0..36 {
            sink.i32_const(k * 7 + i as i32).i32_add().local_tee(1);
        }
        sink.end();
        code.function(&f);
        names.append(i + 1, &format!("main.generated_function_{i}"));
    }
    let mut memory = MemorySection::new();
    memory.memory(MemoryType {
        minimum: 32,
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    let mut exports = ExportSection::new();
    exports.export("_start", ExportKind::Func, 1);
    exports.export("memory", ExportKind::Memory, 0);
    let mut data = DataSection::new();
    data.active(0, &ConstExpr::i32_const(1024), vec![7u8; size / 20]);
    let mut name_section = NameSection::new();
    name_section.functions(&names);
    let mut module = Module::new();
    module
        .section(&types)
        .section(&imports)
        .section(&funcs)
        .section(&memory)
        .section(&exports)
        .section(&code)
        .section(&data)
        .section(&name_section);
    module.finish()
}

struct NullSink;

impl OutputSink for NullSink {
    fn output(&self, _: Stream, bytes: &[u8]) {
        black_box(bytes);
    }
}

fn run(module: &engine::LoadedModule, mode: Mode, config: &RunConfig) -> RunReport {
    engine::run(module, mode, config, Arc::new(NullSink)).expect("the sample runs")
}

#[expect(
    clippy::too_many_lines,
    reason = "one benchmark group per part, listed in one place"
)]
fn benches(c: &mut Criterion) {
    let scratch = tempfile::tempdir().unwrap();
    let hello = go_sample("hello", scratch.path());

    let mut group = c.benchmark_group("inspect");
    let big = synthetic_module(10 << 20);
    for (name, bytes) in [("hello (Go, 2.4 MB)", &hello), ("synthetic 10 MB", &big)] {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| gowasm::inspect::inspect(black_box(bytes), 20).unwrap())
        });
    }
    let gobench = go_sample("gobench", scratch.path());
    group.throughput(Throughput::Bytes(gobench.len() as u64));
    group.sample_size(20);
    group.bench_function("gobench (Go, 3 MB): packages, files, retained", |b| {
        b.iter(|| {
            use gowasm::inspect::{anatomy, retained};
            let bytes = black_box(&gobench);
            let report = gowasm::inspect::inspect(bytes, 20).unwrap();
            let a = anatomy::anatomy(bytes).unwrap();
            let r = retained::retention_of(bytes, &a).unwrap();
            black_box((report, a.packages(), a.files(), r.packages.len()))
        })
    });
    group.finish();

    let config = RunConfig {
        cache_dir: Some(scratch.path().join("cache")),
        ..RunConfig::default()
    };
    let module = engine::load(hello.clone(), Duration::ZERO).unwrap();
    engine::precompile(&module, Mode::Aot, &config).unwrap();
    let mut group = c.benchmark_group("aot cache load");
    group.sample_size(30);
    group.bench_function("hello (Go, 2.4 MB)", |b| {
        b.iter(|| {
            let report = engine::precompile(&module, Mode::Aot, &config).unwrap();
            assert!(matches!(report.timings.cache, engine::CacheUse::Hit));
        })
    });
    group.finish();

    // Each iteration runs the whole program; only the instantiate phase is counted.
    let mut group = c.benchmark_group("instantiate");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for mode in [Mode::Interp, Mode::Baseline, Mode::Aot] {
        group.bench_function(format!("hello (Go) {}", mode.name()), |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| run(&module, mode, &config).timings.instantiate)
                    .sum()
            })
        });
    }
    group.finish();

    // The whole process, as a user starts it: `gowasm run` of a compiled mode with nothing to
    // stop runs in gowasm's own process; a timeout needs a worker, whose start this shows.
    let hello_file = scratch.path().join("hello.wasm");
    std::fs::write(&hello_file, &hello).unwrap();
    let mut group = c.benchmark_group("gowasm run, whole process");
    group.sample_size(20);
    // interp always has a worker: a panic in wasmi's translator would abort the process.
    for (name, mode, extra) in [
        ("aot, in process", "aot", &[][..]),
        (
            "aot, in a worker (--timeout)",
            "aot",
            &["--timeout", "60"][..],
        ),
        ("interp, in a worker", "interp", &[][..]),
    ] {
        group.bench_function(format!("hello (Go) {name}"), |b| {
            b.iter(|| {
                let status = std::process::Command::new(env!("CARGO_BIN_EXE_gowasm"))
                    .args(["run", "-q", "--mode", mode])
                    .args(extra)
                    .arg(&hello_file)
                    .env("GOWASM_CACHE_DIR", scratch.path().join("cache"))
                    .stdout(std::process::Stdio::null())
                    .status()
                    .unwrap();
                assert!(status.success());
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("lines");
    let short_lines: Vec<u8> = b"abcd\n"
        .repeat(1 << 18)
        .into_iter()
        .take(1 << 20)
        .collect();
    group.throughput(Throughput::Bytes(short_lines.len() as u64));
    group.bench_function("1 MiB of 5-byte lines, 64 KiB chunks", |b| {
        b.iter(|| {
            let mut s = gowasm::lines::LineSplitter::default();
            let mut n = 0;
            for chunk in short_lines.chunks(64 << 10) {
                s.push_each(0u8, black_box(chunk), |line| n += line.len());
            }
            n
        })
    });
    group.finish();

    let mut group = c.benchmark_group("output frames");
    let total = 64 << 20;
    group
        .throughput(Throughput::Bytes(total as u64))
        .sample_size(10);
    for chunk in [64usize, 64 * 1024] {
        group.bench_function(format!("{chunk}-byte writes"), |b| {
            b.iter(|| frames_through_a_pipe(total, chunk))
        });
    }
    group.finish();

    let app = workbench(&hello);
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap();
    c.bench_function("tui frame 200x60", |b| {
        b.iter(|| {
            terminal.draw(|f| gowasm::tui::view::view(&app, f)).unwrap();
        })
    });
}

/// Sends `total` bytes of output in `chunk`-byte writes through the worker's frame writer and
/// a pipe, and reads them back as the parent does; returns the bytes received.
fn frames_through_a_pipe(total: usize, chunk: usize) -> usize {
    let (reader, writer) = std::io::pipe().unwrap();
    let sender = std::thread::spawn(move || {
        let frames = FrameWriter::new(writer);
        let payload = vec![b'x'; chunk];
        for _ in 0..total / chunk {
            frames.send(TAG_STDOUT, &payload).unwrap();
        }
    });
    let (tx, rx) = mpsc::sync_channel(256);
    let receiver = std::thread::spawn(move || read_frames(reader, tx));
    let received: usize = rx
        .iter()
        .map(|e| match e {
            engine::frames::Event::Output(_, bytes) => bytes.len(),
            _ => 0,
        })
        .sum();
    sender.join().unwrap();
    receiver.join().unwrap();
    assert_eq!(received, total);
    received
}

/// The workbench after a job on the real module, with every pane full.
fn workbench(hello: &[u8]) -> App {
    let report = gowasm::inspect::inspect(hello, 20).unwrap();
    let hash = gowasm::hash::hex_digest(hello);
    let summary = ModuleSummary::of(
        PathBuf::from("/tmp/hello.wasm"),
        &report,
        hash,
        hello.len() as u64,
        Some((hello.len() as u64 - 120, false)),
    );
    let settings = gowasm::pipeline::RunSettings {
        modes: vec![Mode::Interp, Mode::Aot],
        ..Default::default()
    };
    let mut app = App::new("samples/hello", settings);
    let mut send = |e: Event| {
        update(&mut app, Msg::Pipeline(Box::new(e)));
    };
    send(Event::JobStarted {
        job: 1,
        trigger: vec![],
    });
    send(Event::ModuleReady {
        job: 1,
        module: summary,
    });
    for mode in [Mode::Interp, Mode::Aot] {
        send(Event::RunStarted { job: 1, mode });
        for i in 0..6_000 {
            send(Event::Output {
                job: 1,
                mode,
                stream: if i % 10 == 0 {
                    Stream::Stderr
                } else {
                    Stream::Stdout
                },
                bytes: format!("line {i}: the quick brown fox jumps over the lazy dog\n").into(),
            });
        }
        let mut r = RunReport::new(mode);
        r.timings.compile = Duration::from_millis(20);
        r.timings.instantiate = Duration::from_millis(10);
        r.timings.run = Duration::from_millis(40);
        r.timings.total = Duration::from_millis(75);
        send(Event::RunFinished { job: 1, report: r });
    }
    send(Event::JobFinished {
        job: 1,
        cancelled: false,
    });
    app
}

criterion_group!(parts, benches);
criterion_main!(parts);
