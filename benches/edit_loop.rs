//! The edit-compile-run loop's own cost: from a file save to the guest's first line of output,
//! minus the Go compiler's time, on the hello sample in interp mode; and the watcher's CPU use
//! while nothing changes.
//!
//! `cargo bench --profile dev --bench edit_loop` (GOWASM_BENCH_EDITS, GOWASM_BENCH_IDLE_SECS).

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use gowasm::engine::{Mode, RunConfig, Stream};
use gowasm::pipeline::{Event, Pipeline, PipelineOptions, RunSettings, Source};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// CPU time (user + system) this process has used.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
    Duration::from_micros(ticks * 1_000_000 / hz)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[expect(
    clippy::too_many_lines,
    reason = "one measured session of the edit loop, step by step"
)]
fn main() {
    let edits = env_number("GOWASM_BENCH_EDITS", 10) as usize;
    let idle_secs = env_number("GOWASM_BENCH_IDLE_SECS", 60);
    let project = tempfile::tempdir().unwrap();
    let dir = project.path().join("hello");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/hello"),
        &dir,
    );
    let cache = tempfile::tempdir().unwrap();
    let (tx, rx) = mpsc::channel::<(Instant, Event)>();
    let options = PipelineOptions {
        source: Source::Project(dir.clone()),
        // Go's toolchain, as docs/figures.md's figure says (TinyGo would be picked first when on PATH).
        build: gowasm::build::BuildRequest {
            compiler: Some(gowasm::build::Compiler::Go),
            ..Default::default()
        },
        settings: RunSettings {
            modes: vec![Mode::Interp],
            run: RunConfig {
                cache_dir: Some(cache.path().to_path_buf()),
                ..RunConfig::default()
            },
            compare_toolchains: false,
        },
        timeout: None,
        exe: env!("CARGO_BIN_EXE_gowasm").into(),
        cache_root: cache.path().to_path_buf(),
        grace: gowasm::watch::DEFAULT_GRACE,
        first_job: 0,
    };
    let pipeline = Pipeline::start(options, move |e| {
        let _ = tx.send((Instant::now(), e));
    })
    .expect("pipeline starts");
    let wait_job_end = |job: u64| {
        for (_, e) in rx.iter() {
            if matches!(e, Event::JobFinished { job: j, .. } if j == job) {
                return;
            }
        }
    };
    wait_job_end(1);

    let (mut overhead, mut total, mut builds) = (vec![], vec![], vec![]);
    // Where the time goes, from the save: job start, build start, build end, module ready,
    // run start, first output.
    let mut stages: Vec<Vec<Duration>> = vec![vec![]; 5];
    for i in 0..edits {
        let job = i as u64 + 2;
        let source = std::fs::read_to_string(dir.join("main.go")).unwrap();
        let edited = source.replacen("Hello from Go", &format!("Hello{i} from Go"), 1);
        let edited = if edited == source {
            source.replacen(
                &format!("Hello{} from Go", i - 1),
                &format!("Hello{i} from Go"),
                1,
            )
        } else {
            edited
        };
        let saved = Instant::now();
        std::fs::write(dir.join("main.go"), edited).unwrap();
        let mut build = Duration::ZERO;
        for (at, e) in rx.iter() {
            let stage = match &e {
                Event::JobStarted { job: j, .. } if *j == job => Some(0),
                Event::BuildStarted { job: j, .. } if *j == job => Some(1),
                Event::BuildFinished { job: j, .. } if *j == job => Some(2),
                Event::ModuleReady { job: j, .. } if *j == job => Some(3),
                Event::RunStarted { job: j, .. } if *j == job => Some(4),
                _ => None,
            };
            if let Some(k) = stage {
                stages[k].push(at - saved);
            }
            match e {
                Event::BuildFinished {
                    job: j, duration, ..
                } if j == job => build = duration,
                Event::Output {
                    job: j,
                    stream: Stream::Stdout,
                    ..
                } if j == job => {
                    let t = at - saved;
                    total.push(t);
                    builds.push(build);
                    overhead.push(t.saturating_sub(build));
                    break;
                }
                _ => {}
            }
        }
        wait_job_end(job);
    }
    println!("edit loop, hello sample, interp, {edits} edits (median / min / max):");
    let row = |name: &str, v: &Vec<Duration>| {
        println!(
            "  {name:<36} {:>9} {:>9} {:>9}",
            ms(median(v.clone())),
            ms(*v.iter().min().unwrap()),
            ms(*v.iter().max().unwrap())
        )
    };
    row("save → first output line", &total);
    row("go build", &builds);
    row("save → first output − go build", &overhead);
    for (name, v) in [
        "job started",
        "build started",
        "build finished",
        "module inspected",
        "run started",
    ]
    .iter()
    .zip(&stages)
    {
        row(&format!("  save → {name}"), v);
    }

    let before = cpu_time();
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(idle_secs));
    let used = cpu_time() - before;
    println!(
        "idle for {:.0} s: {} of CPU ({:.3}% of one core)",
        started.elapsed().as_secs_f64(),
        ms(used),
        used.as_secs_f64() * 100.0 / started.elapsed().as_secs_f64()
    );
    pipeline.shutdown();
}
