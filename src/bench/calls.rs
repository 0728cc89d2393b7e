//! `gowasm bench M.wasm --invoke 'fib 30'`: what one call of an export costs in each mode. A
//! gowasm mode makes the call `warmup + runs` times on one instance, after one `_initialize`,
//! and the measured calls give the median. A peer's CLI calls once per process, so its cost of
//! a call is the median wall time of its runs with the call less the median without (its
//! `_initialize` alone), the two interleaved, from its precompiled artifact where it has one.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use super::{Runtime, Stats};
use crate::engine::calls::{CallSpec, CallStatus};
use crate::engine::worker::{self, Job};
use crate::engine::{Mode, Outcome, RunConfig};

/// What to measure.
#[derive(Debug, Clone)]
pub struct CallBenchPlan {
    pub module: PathBuf,
    pub modes: Vec<Mode>,
    pub call: CallSpec,
    pub runs: usize,
    pub warmup: usize,
    pub config: RunConfig,
    pub timeout: Option<Duration>,
    pub exe: PathBuf,
    /// Peers that can call an export from their command line (wasmtime's `--invoke`).
    pub against: Vec<Runtime>,
}

/// The cost of one call, per contender.
#[derive(Debug, Clone, Serialize)]
pub struct CallBenchReport {
    pub module: PathBuf,
    /// As written: `fib 30`.
    pub call: String,
    pub runs: usize,
    pub warmup: usize,
    pub results: Vec<CallCost>,
    /// Peers asked for that cannot call an export (only wasmtime's CLI can).
    pub not_supported: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CallCost {
    pub name: String,
    /// The call's cost: medians of the calls (gowasm), or with less without (a peer).
    #[serde(with = "crate::duration_ms")]
    pub per_call: Duration,
    /// How the calls disagreed (gowasm modes: over the calls; a peer: over its runs with it).
    pub spread: f64,
    /// The one `_initialize` (gowasm modes).
    #[serde(with = "crate::duration_ms::option")]
    pub initialize: Option<Duration>,
    /// A peer's wall time with the call and without it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_call: Option<Stats>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub without_call: Option<Stats>,
    /// What the call returned, as wasmtime prints it.
    pub result: String,
    /// Every measured call returned what the first contender's did.
    pub same_result: bool,
    /// This one's per-call cost over the first peer's (wasmtime's).
    pub ratio_to_peer: Option<f64>,
}

/// Measures the plan; `progress(done, total, name)` is called before each run.
pub fn run(
    plan: &CallBenchPlan,
    mut progress: impl FnMut(usize, usize, &str),
) -> Result<CallBenchReport, String> {
    let rounds = plan.warmup + plan.runs;
    let total = plan.modes.len() + plan.against.len() * rounds * 2;
    let mut done = 0;
    let mut results = vec![];
    for mode in &plan.modes {
        progress(done, total, mode.name());
        done += 1;
        results.push(in_one_instance(plan, *mode)?);
    }
    for peer in &plan.against {
        results.push(peer_cost(plan, peer, &mut |name| {
            progress(done, total, name);
            done += 1;
        })?);
    }
    let reference = results.first().map(|r| r.result.clone());
    let peer = results
        .get(plan.modes.len())
        .map(|p| p.per_call.as_secs_f64());
    for r in &mut results {
        r.same_result &= Some(&r.result) == reference.as_ref();
        r.ratio_to_peer = peer
            .filter(|p| *p > 0.0)
            .map(|p| r.per_call.as_secs_f64() / p);
    }
    Ok(CallBenchReport {
        module: plan.module.clone(),
        call: plan.call.text(),
        runs: plan.runs,
        warmup: plan.warmup,
        results,
        not_supported: vec![],
    })
}

/// One gowasm mode: the call made `warmup + runs` times on one instance.
fn in_one_instance(plan: &CallBenchPlan, mode: Mode) -> Result<CallCost, String> {
    let mut config = plan.config.clone();
    config.calls = vec![plan.call.clone(); plan.warmup + plan.runs];
    let job = Job {
        module: plan.module.clone(),
        mode,
        config,
        compile_only: false,
        direct_output: false,
    };
    let report =
        worker::run(&plan.exe, &job, plan.timeout, None, |_, _| {}).map_err(|e| e.to_string())?;
    let measured = &report.calls[plan.warmup.min(report.calls.len())..];
    if !matches!(report.outcome, Outcome::Exited { code: 0 })
        || measured.iter().any(|c| c.status != CallStatus::Returned)
    {
        return Err(format!(
            "{} in {}: {}",
            crate::engine::calls::label(&plan.call.text()),
            mode.name(),
            report.describe()
        ));
    }
    let times: Vec<Duration> = measured.iter().map(|c| c.time).collect();
    let stats = Stats::of(&times).ok_or("no calls were measured")?;
    let result = measured[0].shown_results();
    Ok(CallCost {
        name: mode.name().to_string(),
        per_call: stats.median,
        spread: stats.spread,
        initialize: report.timings.initialize,
        with_call: None,
        without_call: None,
        same_result: measured.iter().all(|c| c.shown_results() == result),
        result,
        ratio_to_peer: None,
    })
}

/// A peer: its runs with the call and without, interleaved.
fn peer_cost(
    plan: &CallBenchPlan,
    peer: &Runtime,
    progress: &mut dyn FnMut(&str),
) -> Result<CallCost, String> {
    let (mut with, mut without) = (vec![], vec![]);
    let mut printed = String::new();
    for round in 0..plan.warmup + plan.runs {
        for call in [Some(&plan.call), None] {
            progress(&peer.name);
            let (wall, stdout) = timed(peer.invoke_command(&plan.module, call))?;
            if round < plan.warmup {
                continue;
            }
            match call {
                Some(_) => {
                    printed = stdout;
                    with.push(wall);
                }
                None => without.push(wall),
            }
        }
    }
    let with = Stats::of(&with).ok_or("no runs were measured")?;
    let without = Stats::of(&without).ok_or("no runs were measured")?;
    let printed: Vec<&str> = printed.trim_end().lines().collect();
    let result = crate::engine::calls::shown_together(&printed);
    Ok(CallCost {
        name: peer.name.clone(),
        per_call: with.median.saturating_sub(without.median),
        spread: with.spread,
        initialize: None,
        with_call: Some(with),
        without_call: Some(without),
        result,
        same_result: true,
        ratio_to_peer: None,
    })
}

/// Runs `c` to its end: its wall time and stdout; a failure is an error with its stderr.
fn timed(mut c: std::process::Command) -> Result<(Duration, String), String> {
    let started = std::time::Instant::now();
    let out = c
        .output()
        .map_err(|e| format!("{:?}: {e}", c.get_program()))?;
    let wall = started.elapsed();
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        return Err(format!("{:?} failed: {first}", c.get_program()));
    }
    Ok((wall, String::from_utf8_lossy(&out.stdout).into_owned()))
}

impl Runtime {
    /// Whether the runtime's CLI can call an export (wasmtime's `--invoke`).
    pub fn can_invoke(&self) -> bool {
        self.name.starts_with("wasmtime")
    }

    /// `wasmtime run --invoke NAME MODULE ARGS`, or without `--invoke` (its `_initialize` alone).
    pub fn invoke_command(&self, module: &Path, call: Option<&CallSpec>) -> std::process::Command {
        let mut c = std::process::Command::new(&self.path);
        c.arg("run");
        let target = match &self.precompiled {
            Some(artifact) => {
                c.arg("--allow-precompiled");
                artifact.as_path()
            }
            None => {
                c.args(["-C", "cache=n"]);
                module
            }
        };
        if let Some(call) = call {
            c.args(["--invoke", &call.export]);
        }
        c.arg(target);
        if let Some(call) = call {
            c.args(&call.args);
        }
        c.stdin(std::process::Stdio::null());
        c
    }
}
