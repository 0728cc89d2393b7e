//! `gowasm bench M.wasm --invoke 'fib 30'`: the cost of one call per mode, beside wasmtime's
//! `--invoke` ([`crate::bench::calls`]), as a table or JSON.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use crate::bench::Runtime;
use crate::bench::calls::{self, CallBenchPlan, CallBenchReport};
use crate::engine::calls::label;
use crate::engine::human_short;

/// Times `plan` with the peers found (`peers.0`) that can call an export (wasmtime, from the
/// artifact it compiles into `scratch`); the others, and those not found (`peers.1`), are
/// named as not timed.
pub(super) fn run(
    mut plan: CallBenchPlan,
    peers: (Vec<Runtime>, Vec<String>),
    scratch: &Path,
    json: bool,
) -> super::failure::Finished {
    let (found, mut not_supported) = peers;
    for peer in found {
        if !peer.can_invoke() {
            not_supported.push(peer.name);
            continue;
        }
        // Its own ahead-of-time artifact, the counterpart of gowasm's cached aot.
        match peer.precompile(&plan.module, scratch)? {
            Some(p) => plan.against.push(p),
            None => plan.against.push(peer),
        }
    }
    let show_progress = std::io::stderr().is_terminal();
    let report = calls::run(&plan, |done, total, name| {
        if show_progress {
            eprint!("\rgowasm bench: run {}/{total}: {name:<24}", done + 1);
            let _ = std::io::stderr().flush();
        }
    });
    if show_progress {
        eprint!("\r{:<80}\r", "");
    }
    let mut report = report?;
    report.not_supported = not_supported;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("serializable")
        );
    } else {
        print!("{}", table(&report));
    }
    Ok(ExitCode::SUCCESS)
}

/// The per-call cost of each contender, its spread, `_initialize`, the result, and the ratio
/// to the peer.
fn table(r: &CallBenchReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} on {}: {} measured calls after {} warm-up, on one instance after one _initialize",
        label(&r.call),
        r.module.display(),
        r.runs,
        r.warmup
    );
    let _ = writeln!(
        s,
        "{:<24} {:>12} {:>8} {:>12} {:>10}  result",
        "", "per call", "spread", "initialize", "vs peer"
    );
    for c in &r.results {
        let _ = writeln!(
            s,
            "{:<24} {:>12} {:>7.0}% {:>12} {:>10}  {}{}",
            c.name,
            human_short(c.per_call),
            c.spread * 100.0,
            c.initialize.map(human_short).unwrap_or_else(|| "—".into()),
            c.ratio_to_peer
                .map(|x| format!("{x:.2}×"))
                .unwrap_or_else(|| "—".into()),
            c.result,
            if c.same_result { "" } else { "  (differs)" }
        );
    }
    if let Some(peer) = r.results.iter().find(|c| c.with_call.is_some()) {
        let _ = writeln!(
            s,
            "{}: a process per call, so its cost is the median run with the call ({}) less the median without ({})",
            peer.name,
            human_short(peer.with_call.map_or(Duration::ZERO, |w| w.median)),
            human_short(peer.without_call.map_or(Duration::ZERO, |w| w.median)),
        );
    }
    if !r.not_supported.is_empty() {
        let _ = writeln!(
            s,
            "not timed: {} (not found, or cannot call an export from its command line)",
            r.not_supported.join(", ")
        );
    }
    s
}
