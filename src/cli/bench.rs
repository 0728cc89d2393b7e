//! `gowasm bench`: repeated, interleaved runs of every mode (and native Go, and other runtimes),
//! reported as medians, spreads and ratios.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::failure::{Failure, Finished, own_exe};
use super::format::ms;
use super::guest::GuestOptions;
use super::source::{self, BuildOptions};
use super::watch::ModeList;
use crate::bench::{self, BenchPlan, BenchReport, Contender, Entry};
use crate::engine::human_bytes;
use crate::toolchains::ToolchainRow;

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// A .wasm file or a Go project folder (built first)
    pub input: PathBuf,
    /// Arguments for the guest program
    #[arg(last = true)]
    pub args: Vec<String>,
    /// Modes to time: a comma-separated list or `all`
    #[arg(long, default_value = "all", value_parser = super::watch::parse_modes)]
    pub modes: ModeList,
    /// Measured runs of each contender
    #[arg(long, default_value_t = 10)]
    pub runs: usize,
    /// Unmeasured runs first (they also fill the aot cache)
    #[arg(long, default_value_t = 1)]
    pub warmup: usize,
    /// Also build the Go program for this machine and time it
    #[arg(long)]
    pub native: bool,
    /// Also run interp, baseline and aot with the CPU profiler on (`run --profile`), and give
    /// what it costs each
    #[arg(long)]
    pub profile: bool,
    /// Also time these runtimes from PATH (wasmtime, wasmedge, wasmer, wazero, wasm3, wasmi_cli, iwasm, node)
    #[arg(long, value_delimiter = ',', value_name = "RUNTIME,...")]
    pub against: Vec<String>,
    /// A workload: the guest's arguments, split at spaces (repeatable). Each case is timed as a
    /// benchmark of its own; then gowasm's modes are set against the other runtimes over all
    /// of them (geometric mean of the ratios). Replaces `-- ARGS`.
    #[arg(long = "case", value_name = "ARGS", conflicts_with = "csv")]
    pub cases: Vec<String>,
    /// Time one call of an export in each mode (`'fib 30'`: made --warmup + --runs times on one
    /// instance, after one `_initialize`); `--against wasmtime` times wasmtime's `--invoke`
    #[arg(long, value_name = "CALL", conflicts_with_all = ["cases", "csv", "native"])]
    pub invoke: Option<String>,
    /// Print the report as JSON
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print the report as CSV, one row per contender
    #[arg(long)]
    pub csv: bool,
    #[command(flatten)]
    pub guest: GuestOptions,
    #[command(flatten)]
    pub build: BuildOptions,
}

impl BenchArgs {
    pub fn run(self) -> Finished {
        if self.runs == 0 {
            return Err("--runs must be at least 1".into());
        }
        if !self.cases.is_empty() && !self.args.is_empty() {
            return Err("give the guest's arguments with --case or after --, not both".into());
        }
        let comparing = self.build.toolchains().len() > 1;
        if comparing && !self.input.is_dir() {
            return Err("comparing toolchains needs the Go project folder, not a module".into());
        }
        let (modules, builds) = self.modules()?;
        let config = self.guest.config(&modules[0].1, &self.args, true)?;
        let exe = own_exe()?;
        let scratch = tempfile::tempdir().map_err(cannot_make_temporary)?;
        let (found, not_found) = bench::find_runtimes(&self.against);
        if let Some(call) = &self.invoke {
            if comparing {
                return Err("--invoke times one module: give one --toolchain".into());
            }
            // The peers are added by `bench_calls::run`, which knows which can call an export.
            let plan = bench::calls::CallBenchPlan {
                module: modules[0].1.clone(),
                modes: self.modes.0.clone(),
                call: crate::engine::calls::CallSpec::parse(call)?,
                runs: self.runs,
                warmup: self.warmup,
                config,
                timeout: self.guest.timeout,
                exe,
                against: vec![],
            };
            let peers = (found, not_found);
            return super::bench_calls::run(plan, peers, scratch.path(), self.json);
        }
        let node_shim = scratch.path().join("wasi-shim.mjs");
        std::fs::write(&node_shim, bench::NODE_SHIM)
            .map_err(|e| format!("cannot write the node shim: {e}"))?;
        let plan = BenchPlan {
            module: if comparing {
                self.input.clone()
            } else {
                modules[0].1.clone()
            },
            contenders: self.contenders(&modules, &found, scratch.path())?,
            runs: self.runs,
            warmup: self.warmup,
            config,
            timeout: self.guest.timeout,
            exe,
            node_shim,
        };
        if !self.cases.is_empty() {
            return run_suite(&plan, &self.cases, &not_found, self.json);
        }
        let mut report = run_plan(&plan, "")?;
        report.not_found = not_found;
        report.builds = builds;
        if self.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&report).expect("serializable")
            );
        } else if self.csv {
            print!("{}", csv(&report));
        } else {
            print!("{}", table(&report));
        }
        Ok(ExitCode::SUCCESS)
    }

    /// The modules to time: one, or each toolchain's build of the project (then named by
    /// toolchain, with the builds' rows).
    #[allow(clippy::type_complexity)]
    fn modules(&self) -> Result<(Vec<(Option<String>, PathBuf)>, Vec<ToolchainRow>), Failure> {
        let toolchains = self.build.toolchains();
        if toolchains.len() < 2 {
            let resolved = source::resolve(&self.input, &self.build)?;
            return Ok((vec![(None, resolved.module)], vec![]));
        }
        let (mut modules, mut builds) = (vec![], vec![]);
        for compiler in toolchains {
            let resolved = source::resolve(&self.input, &self.build.with_toolchain(compiler))?;
            modules.push((Some(compiler.name().to_string()), resolved.module));
            builds.extend(resolved.build.map(ToolchainRow::of));
        }
        Ok((modules, builds))
    }

    /// Each module's modes, native Go (for the first), and the peers (each also from its own
    /// ahead-of-time artifact, the counterpart of aot from its cache).
    fn contenders(
        &self,
        modules: &[(Option<String>, PathBuf)],
        peers: &[bench::Runtime],
        scratch: &Path,
    ) -> Result<Vec<Entry>, Failure> {
        let mut contenders = vec![];
        for (i, (toolchain, module)) in modules.iter().enumerate() {
            contenders.extend(BenchPlan::modes(
                module,
                &self.modes.0,
                true,
                self.profile,
                toolchain.as_deref(),
            ));
            if self.native && i == 0 {
                if !self.input.is_dir() {
                    return Err("--native needs the Go project folder, not a .wasm file".into());
                }
                contenders.push(Entry {
                    contender: Contender::Native(build_native(&self.input, scratch)?),
                    module: module.clone(),
                    toolchain: None,
                });
            }
            let artifacts = scratch.join(format!("artifacts-{i}"));
            std::fs::create_dir_all(&artifacts).map_err(cannot_make_temporary)?;
            for runtime in peers {
                let entry = |contender| Entry {
                    contender,
                    module: module.clone(),
                    toolchain: toolchain.clone(),
                };
                let precompiled = runtime.precompile(module, &artifacts)?;
                contenders.push(entry(Contender::Runtime(runtime.clone())));
                contenders.extend(precompiled.map(|r| entry(Contender::Runtime(r))));
            }
        }
        Ok(contenders)
    }
}

fn cannot_make_temporary(e: std::io::Error) -> Failure {
    Failure::BadInput(format!("cannot make a temporary folder: {e}"))
}

/// Runs the plan, showing progress on a terminal; `label` names the case, if any.
fn run_plan(plan: &BenchPlan, label: &str) -> Result<BenchReport, Failure> {
    let show_progress = std::io::stderr().is_terminal();
    let report = bench::run(plan, |done, total, name| {
        if show_progress {
            eprint!(
                "\rgowasm bench: {label}run {}/{total}: {name:<24}",
                done + 1
            );
            let _ = std::io::stderr().flush();
        }
    });
    if show_progress {
        eprint!("\r{:<80}\r", "");
    }
    Ok(report?)
}

/// Times every case with the same contenders, then prints each case's table (or all of it as
/// JSON) and the ratios against the other runtimes.
fn run_suite(plan: &BenchPlan, cases: &[String], not_found: &[String], json: bool) -> Finished {
    let mut done = vec![];
    for (i, case) in cases.iter().enumerate() {
        let args: Vec<String> = case.split_whitespace().map(str::to_string).collect();
        let mut plan = plan.clone();
        plan.config.args = args.clone();
        let label = format!("case {}/{} ({case}): ", i + 1, cases.len());
        let mut report = run_plan(&plan, &label)?;
        report.not_found = not_found.to_vec();
        done.push(bench::suite::SuiteCase { args, report });
    }
    let ratios = bench::suite::pair_ratios(&done);
    let run_phase = bench::suite::run_phase_ratios(&done);
    if json {
        let doc =
            serde_json::json!({ "cases": done, "ratios": ratios, "run_phase_ratios": run_phase });
        println!(
            "{}",
            serde_json::to_string_pretty(&doc).expect("serializable")
        );
        return Ok(ExitCode::SUCCESS);
    }
    for case in &done {
        println!("case: {}", case.args.join(" "));
        print!("{}", table(&case.report));
        println!();
    }
    print!("{}", suite_summary(&done, &ratios, &run_phase));
    Ok(ExitCode::SUCCESS)
}

/// Median wall times, one row per contender and a column per case, then each pair's ratios.
fn suite_summary(
    cases: &[bench::suite::SuiteCase],
    ratios: &[bench::suite::PairRatio],
    run_phase: &[bench::suite::PairRatio],
) -> String {
    let mut s = String::new();
    let names: Vec<String> = cases.first().map_or(vec![], |c| {
        c.report.results.iter().map(|r| r.name.clone()).collect()
    });
    let width = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .max(12);
    let heads: Vec<String> = cases.iter().map(|c| c.args.join(" ")).collect();
    let col = heads
        .iter()
        .map(|h| h.chars().count())
        .max()
        .unwrap_or(0)
        .max(9);
    let _ = writeln!(s, "median wall time per case ({} cases):", cases.len());
    let _ = write!(s, "{:<width$}", "");
    for h in &heads {
        let _ = write!(s, " {h:>col$}");
    }
    let _ = writeln!(s);
    for name in &names {
        let _ = write!(s, "{name:<width$}");
        for c in cases {
            let cell = c
                .report
                .results
                .iter()
                .find(|r| &r.name == name)
                .and_then(|r| r.wall)
                .map_or("—".into(), |w| ms(w.median));
            let _ = write!(s, " {cell:>col$}");
        }
        let _ = writeln!(s);
    }
    let differs: Vec<String> = cases
        .iter()
        .filter(|c| c.report.results.iter().any(|r| !r.same_output))
        .map(|c| c.args.join(" "))
        .collect();
    if !differs.is_empty() {
        let _ = writeln!(s, "OUTPUT DIFFERS in: {}", differs.join(", "));
    }
    write_ratios(&mut s, "", &heads, ratios);
    let work: Vec<String> = heads
        .iter()
        .filter(|h| *h != bench::suite::STARTUP_CASE)
        .cloned()
        .collect();
    let label = format!("run phase (less `{}`) ", bench::suite::STARTUP_CASE);
    write_ratios(&mut s, &label, &work, run_phase);
    if ratios.is_empty() {
        let _ = writeln!(
            s,
            "no ratios: they set aot against wasmtime and interp against wasmi_cli (--against)"
        );
    }
    s
}

/// One line per pair: its geometric mean, range, and each case's ratio.
fn write_ratios(s: &mut String, label: &str, heads: &[String], ratios: &[bench::suite::PairRatio]) {
    for r in ratios {
        let _ = write!(
            s,
            "{label}{} / {}: geomean {:.2}× ({:.2}–{:.2}×; {} of {} over {:.2}×):",
            r.gowasm,
            r.peer,
            r.geomean,
            r.min,
            r.max,
            r.slower_cases,
            r.per_case.len(),
            bench::suite::SLOWER
        );
        for (h, x) in heads.iter().zip(&r.per_case) {
            let _ = write!(s, " {h} {x:.2}×");
        }
        let _ = writeln!(s);
    }
}

fn build_native(dir: &Path, out_dir: &Path) -> Result<PathBuf, String> {
    let go = crate::build::find_toolchain(Some(crate::build::Compiler::Go))
        .map_err(|e| e.to_string())?;
    let bin = out_dir.join("native");
    let out = std::process::Command::new(&go.path)
        .args(["build", "-o"])
        .arg(&bin)
        .arg(".")
        .current_dir(dir)
        .env_remove("GOOS")
        .env_remove("GOARCH")
        .output()
        .map_err(|e| format!("could not run {}: {e}", go.path.display()))?;
    if !out.status.success() {
        return Err(format!(
            "the native build failed: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .next()
                .unwrap_or("")
        ));
    }
    Ok(bin)
}

fn ratio(x: Option<f64>) -> String {
    x.map_or("—".into(), |r| format!("{r:.2}×"))
}

fn phase_median(r: &bench::ContenderResult, phase: &str) -> String {
    r.phases
        .iter()
        .find(|(n, _)| n == phase)
        .map_or("—".into(), |(_, s)| ms(s.median))
}

/// One row per contender: wall time stats, gowasm's compile and run phases, ratios, memory.
pub fn table(report: &BenchReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}: {} runs each after {} warm-up, interleaved",
        report.module.display(),
        report.runs,
        report.warmup
    );
    let width = report
        .results
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(12);
    let _ = writeln!(
        s,
        "{:<width$} {:>10} {:>10} {:>10} {:>7} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}  output",
        "",
        "wall med",
        "min",
        "max",
        "spread",
        "compile",
        "run",
        "not run",
        "vs interp",
        "vs native",
        "memory"
    );
    for r in &report.results {
        let w = r.wall.expect("every contender ran");
        let _ = writeln!(
            s,
            "{:<width$} {:>10} {:>10} {:>10} {:>6.0}% {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}  {}",
            r.name,
            ms(w.median),
            ms(w.min),
            ms(w.max),
            w.spread * 100.0,
            phase_median(r, "compile"),
            phase_median(r, "run"),
            r.overhead.map_or("—".into(), |o| ms(o.median)),
            ratio(r.speedup_over_interp),
            ratio(r.ratio_to_native),
            r.peak_memory.map_or("—".into(), human_bytes),
            if r.same_output { "same" } else { "DIFFERS" }
        );
    }
    let _ = writeln!(
        s,
        "not run: wall time minus the guest's run phase (worker start, load, compile or cache load, instantiate, exit)\nvs interp: interp's median over this one's; vs native: this one's over native Go's (run phase for gowasm modes, wall time for the rest)"
    );
    if let Some(n) = report.aot_break_even_runs {
        let _ = writeln!(
            s,
            "aot's compile pays off after {n} run{}",
            if n == 1 { "" } else { "s" }
        );
    }
    if !report.not_found.is_empty() {
        let _ = writeln!(s, "not found on PATH: {}", report.not_found.join(", "));
    }
    for b in &report.builds {
        let _ = writeln!(
            s,
            "{} {} ({}): built in {}, module {} (code {}, data {})",
            b.toolchain,
            b.version,
            b.target,
            ms(b.build),
            human_bytes(b.size.bytes),
            human_bytes(b.size.code_bytes),
            human_bytes(b.size.data_bytes)
        );
    }
    s
}

pub fn csv(report: &BenchReport) -> String {
    let mut s = String::from(
        "name,runs,wall_median_ms,wall_min_ms,wall_max_ms,spread,compile_median_ms,run_median_ms,not_run_median_ms,speedup_over_interp,ratio_to_native,peak_memory_bytes,stdout_bytes,same_output\n",
    );
    let msf = |d: std::time::Duration| format!("{:.3}", d.as_secs_f64() * 1000.0);
    for r in &report.results {
        let w = r.wall.expect("every contender ran");
        let phase = |p: &str| {
            r.phases
                .iter()
                .find(|(n, _)| n == p)
                .map_or(String::new(), |(_, s)| msf(s.median))
        };
        let opt = |x: Option<f64>| x.map_or(String::new(), |v| format!("{v:.4}"));
        let _ = writeln!(
            s,
            "{},{},{},{},{},{:.4},{},{},{},{},{},{},{},{}",
            r.name,
            r.runs,
            msf(w.median),
            msf(w.min),
            msf(w.max),
            w.spread,
            phase("compile"),
            phase("run"),
            r.overhead.map_or(String::new(), |o| msf(o.median)),
            opt(r.speedup_over_interp),
            opt(r.ratio_to_native),
            r.peak_memory.map_or(String::new(), |m| m.to_string()),
            r.stdout_bytes,
            r.same_output
        );
    }
    s
}
