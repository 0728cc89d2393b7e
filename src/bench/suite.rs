//! A suite: the same contenders over several workloads (each a set of guest arguments, a
//! *case*), and gowasm's modes set against their counterparts in other runtimes as ratios of
//! median wall times (whole processes on both sides), summed up by their geometric mean.

use serde::Serialize;

use super::BenchReport;

/// One workload's results.
#[derive(Debug, Clone, Serialize)]
pub struct SuiteCase {
    pub args: Vec<String>,
    pub report: BenchReport,
}

/// Which gowasm contender is set against which other runtime's: warm opt and warm aot against
/// wasmtime running its own precompiled artifact, cold aot against wasmtime compiling, interp
/// against wasmi's CLI (the same interpreter, as its authors configure it); and each profiled
/// mode against itself unprofiled (`--profile`: what the profiler costs).
pub const PAIRS: [(&str, &str); 7] = [
    ("aot (warm)", "wasmtime (precompiled)"),
    ("opt (warm)", "wasmtime (precompiled)"),
    ("aot (cold)", "wasmtime"),
    ("interp", "wasmi_cli"),
    ("aot (profiled)", "aot (warm)"),
    ("baseline (profiled)", "baseline"),
    ("interp (profiled)", "interp"),
];

/// A ratio above this counts as slower, not as noise.
pub const SLOWER: f64 = 1.05;

/// gowasm's median wall time over the peer's, per case and in sum.
#[derive(Debug, Clone, Serialize)]
pub struct PairRatio {
    pub gowasm: String,
    pub peer: String,
    /// In the order of the cases.
    pub per_case: Vec<f64>,
    pub geomean: f64,
    pub min: f64,
    pub max: f64,
    /// Cases where gowasm took more than [`SLOWER`] times the peer's time.
    pub slower_cases: usize,
}

/// The case that times start-up alone: a program that exits at once (gobench's `exit`).
pub const STARTUP_CASE: &str = "exit";

/// A contender's median wall time in a case, in seconds.
fn wall(case: &SuiteCase, name: &str) -> Option<f64> {
    case.report
        .results
        .iter()
        .find(|r| r.name == name)
        .and_then(|r| r.wall)
        .map(|w| w.median.as_secs_f64())
}

/// The ratios for every pair of [`PAIRS`] whose two contenders ran in every case.
pub fn pair_ratios(cases: &[SuiteCase]) -> Vec<PairRatio> {
    let refs: Vec<&SuiteCase> = cases.iter().collect();
    ratios_of(&refs, wall)
}

/// The same ratios for run phases: each case's median less the [`STARTUP_CASE`]'s, contender by
/// contender, over the other cases (none without that case). What start-up costs is then out of
/// the comparison: it is compared on its own in the start-up case.
pub fn run_phase_ratios(cases: &[SuiteCase]) -> Vec<PairRatio> {
    let Some(startup) = cases.iter().find(|c| c.args == [STARTUP_CASE]) else {
        return vec![];
    };
    let rest: Vec<&SuiteCase> = cases.iter().filter(|c| c.args != [STARTUP_CASE]).collect();
    ratios_of(&rest, |case, name| {
        Some(wall(case, name)? - wall(startup, name)?).filter(|t| *t > 0.0)
    })
}

fn ratios_of(
    cases: &[&SuiteCase],
    time: impl Fn(&SuiteCase, &str) -> Option<f64>,
) -> Vec<PairRatio> {
    PAIRS
        .iter()
        .filter_map(|(gowasm, peer)| {
            let per_case: Vec<f64> = cases
                .iter()
                .map(|c| Some(time(c, gowasm)? / time(c, peer).filter(|p| *p > 0.0)?))
                .collect::<Option<_>>()?;
            if per_case.is_empty() {
                return None;
            }
            Some(PairRatio {
                gowasm: gowasm.to_string(),
                peer: peer.to_string(),
                geomean: geomean(&per_case),
                min: per_case.iter().copied().fold(f64::INFINITY, f64::min),
                max: per_case.iter().copied().fold(0.0, f64::max),
                slower_cases: per_case.iter().filter(|r| **r > SLOWER).count(),
                per_case,
            })
        })
        .collect()
}

/// The geometric mean: the right average for ratios (a 2× and a 0.5× cancel out).
pub fn geomean(values: &[f64]) -> f64 {
    let logs: f64 = values.iter().map(|v| v.ln()).sum();
    (logs / values.len() as f64).exp()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::{ContenderResult, Stats};
    use std::time::Duration;

    fn result(name: &str, ms: u64) -> ContenderResult {
        let d = Duration::from_millis(ms);
        ContenderResult {
            name: name.into(),
            toolchain: None,
            runs: 1,
            wall: Stats::of(&[d]),
            phases: vec![],
            overhead: None,
            stdout_bytes: 0,
            peak_memory: None,
            same_output: true,
            exit_code: Some(0),
            speedup_over_interp: None,
            ratio_to_native: None,
        }
    }

    fn case(results: Vec<ContenderResult>) -> SuiteCase {
        SuiteCase {
            args: vec![],
            report: BenchReport {
                module: "m.wasm".into(),
                runs: 1,
                warmup: 0,
                results,
                aot_break_even_runs: None,
                not_found: vec![],
                builds: vec![],
            },
        }
    }

    #[test]
    fn ratios_pair_contenders_present_in_every_case() {
        let cases = vec![
            case(vec![
                result("aot (warm)", 200),
                result("wasmtime (precompiled)", 100),
                result("interp", 50),
                result("wasmi_cli", 100),
            ]),
            case(vec![
                result("aot (warm)", 100),
                result("wasmtime (precompiled)", 200),
                result("interp", 100),
            ]),
        ];
        let ratios = pair_ratios(&cases);
        assert_eq!(
            ratios.len(),
            1,
            "interp has no wasmi_cli in the second case"
        );
        let r = &ratios[0];
        assert_eq!((r.gowasm.as_str(), r.peer.as_str()), PAIRS[0]);
        assert_eq!(r.per_case, vec![2.0, 0.5]);
        assert!((r.geomean - 1.0).abs() < 1e-12);
        assert_eq!((r.min, r.max, r.slower_cases), (0.5, 2.0, 1));
    }

    #[test]
    fn run_phases_leave_out_the_start_up_case() {
        let mut exit = case(vec![
            result("opt (warm)", 20),
            result("wasmtime (precompiled)", 10),
        ]);
        exit.args = vec![STARTUP_CASE.into()];
        let work = case(vec![
            result("opt (warm)", 220),
            result("wasmtime (precompiled)", 410),
        ]);
        let ratios = run_phase_ratios(&[work.clone(), exit.clone()]);
        assert_eq!(ratios.len(), 1);
        assert_eq!(ratios[0].per_case.len(), 1);
        assert!(
            (ratios[0].per_case[0] - 0.5).abs() < 1e-9,
            "(220-20)/(410-10)"
        );
        assert!(run_phase_ratios(&[work]).is_empty(), "no start-up case");
    }

    #[test]
    fn geomean_of_equal_values_is_the_value() {
        assert!((geomean(&[1.2, 1.2, 1.2]) - 1.2).abs() < 1e-12);
        assert!((geomean(&[4.0, 1.0]) - 2.0).abs() < 1e-12);
    }
}
