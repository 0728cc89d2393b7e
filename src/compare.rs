//! Comparing runs: modes from their run reports (speedups, when AOT's compile pays off), two
//! runs' outputs (where they part), and two toolchains' modules (their sizes).

use std::time::Duration;

use serde::Serialize;

use crate::engine::{CacheUse, Mode, RunReport};

/// The side-by-side verdict on interp vs baseline vs aot.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Comparison {
    /// Run-phase speedup of each compiled mode over interp (`interp run / mode run`).
    pub speedups: Vec<Speedup>,
    /// Runs after which AOT (compiled once, then loaded from the cache) costs less in total than
    /// interpreting every time; `None` when it never does.
    pub aot_break_even_runs: Option<u64>,
    /// AOT's compile from scratch, which the break-even is computed from.
    #[serde(with = "crate::duration_ms::option")]
    pub aot_cold_compile: Option<Duration>,
    /// Runs after which opt (LLVM, compiled once) costs less in total than a cached aot run
    /// every time; `None` when it never does.
    pub opt_break_even_runs: Option<u64>,
    /// opt's compile from scratch.
    #[serde(with = "crate::duration_ms::option")]
    pub opt_cold_compile: Option<Duration>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Speedup {
    pub mode: Mode,
    /// `null` in JSON when the mode's run took no measurable time.
    pub ratio: Option<f64>,
}

/// What one run of a mode costs end to end, excluding loading the file (the same for all modes).
fn per_run(r: &RunReport) -> Duration {
    r.timings.compile + r.timings.instantiate + r.timings.run
}

/// Compares the runs of one module; for the break-even it needs an interp run, and an aot run
/// that loaded its artifact from the cache (the cost of every aot run after the first).
pub fn compare(reports: &[RunReport]) -> Comparison {
    let interp = reports.iter().find(|r| r.mode == Mode::Interp);
    let speedups = match interp {
        Some(i) => {
            let mut seen = vec![Mode::Interp];
            reports
                .iter()
                .filter(|r| {
                    let first = !seen.contains(&r.mode);
                    seen.push(r.mode);
                    first
                })
                .map(|r| Speedup {
                    mode: r.mode,
                    ratio: ratio(i.timings.run, r.timings.run),
                })
                .collect()
        }
        None => vec![],
    };
    let (aot_break_even_runs, aot_cold_compile) = pays_off(reports, Mode::Aot, interp);
    let aot_warm = warm(reports, Mode::Aot);
    let (opt_break_even_runs, opt_cold_compile) = pays_off(reports, Mode::Opt, aot_warm);
    Comparison {
        speedups,
        aot_break_even_runs,
        aot_cold_compile,
        opt_break_even_runs,
        opt_cold_compile,
    }
}

/// A cached mode's run that loaded its artifact: what each of its runs after the first costs.
fn warm(reports: &[RunReport], mode: Mode) -> Option<&RunReport> {
    reports
        .iter()
        .find(|r| r.mode == mode && r.timings.cache == CacheUse::Hit)
}

/// After how many runs a cached mode's cold compile pays off against running `base` every
/// time, and that compile.
fn pays_off(
    reports: &[RunReport],
    mode: Mode,
    base: Option<&RunReport>,
) -> (Option<u64>, Option<Duration>) {
    let cold = reports
        .iter()
        .filter(|r| r.mode == mode)
        .find_map(|r| r.timings.cold_compile);
    let runs = match (base, warm(reports, mode), cold) {
        (Some(b), Some(w), Some(cold)) => break_even(
            per_run(b),
            cold + w.timings.instantiate + w.timings.run,
            per_run(w),
        ),
        _ => None,
    };
    (runs, cold)
}

fn ratio(base: Duration, other: Duration) -> Option<f64> {
    let o = other.as_secs_f64();
    (o > 0.0).then(|| base.as_secs_f64() / o)
}

/// Smallest N with `first + (N-1)·warm <= N·interp`, i.e. N ≥ (first − warm) / (interp − warm).
pub fn break_even(interp: Duration, first: Duration, warm: Duration) -> Option<u64> {
    if first <= interp {
        return Some(1);
    }
    if warm >= interp {
        return None;
    }
    let extra = (first - warm).as_secs_f64();
    let saving = (interp - warm).as_secs_f64();
    Some((extra / saving).ceil().max(1.0) as u64)
}

/// Where two runs part: the first line of stdout that differs, or else the exit code.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Difference {
    /// `stdout line 3` or `exit code`.
    pub at: String,
    pub left: String,
    pub right: String,
}

/// The first difference between two runs' (stdout, exit code); `None` when they agree. A side
/// that ended earlier reads `(end of output)`.
pub fn first_difference(left: (&str, i32), right: (&str, i32)) -> Option<Difference> {
    if left.0 != right.0 {
        let (mut a, mut b) = (left.0.split_inclusive('\n'), right.0.split_inclusive('\n'));
        for line in 1.. {
            let (x, y) = (a.next(), b.next());
            if x != y {
                let shown = |l: Option<&str>| {
                    l.map_or("(end of output)".to_string(), |l| {
                        l.trim_end_matches('\n').to_string()
                    })
                };
                return Some(Difference {
                    at: format!("stdout line {line}"),
                    left: shown(x),
                    right: shown(y),
                });
            }
        }
    }
    (left.1 != right.1).then(|| Difference {
        at: "exit code".into(),
        left: left.1.to_string(),
        right: right.1.to_string(),
    })
}

/// A module's size, whole and of its code and data sections, and its code by Go package.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct ModuleSize {
    pub bytes: u64,
    pub code_bytes: u64,
    pub data_bytes: u64,
    /// The largest packages' code, biggest first (at most [`PACKAGES_KEPT`]).
    pub packages: Vec<PackageBytes>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PackageBytes {
    pub package: String,
    pub code_bytes: u64,
}

/// How many packages a [`ModuleSize`] keeps.
pub const PACKAGES_KEPT: usize = 40;

/// Code by package side by side, one column per module: the `n` packages biggest in any of
/// them, biggest first; 0 where a module does not have the package (or not among its largest).
pub fn packages_side_by_side(sizes: &[&ModuleSize], n: usize) -> Vec<(String, Vec<u64>)> {
    let mut rows: Vec<(String, Vec<u64>)> = vec![];
    for (column, size) in sizes.iter().enumerate() {
        for p in &size.packages {
            let row = match rows.iter().position(|r| r.0 == p.package) {
                Some(i) => &mut rows[i],
                None => {
                    rows.push((p.package.clone(), vec![0; sizes.len()]));
                    rows.last_mut().expect("just pushed")
                }
            };
            row.1[column] = p.code_bytes;
        }
    }
    let biggest = |r: &(String, Vec<u64>)| r.1.iter().copied().max().unwrap_or(0);
    rows.sort_by(|a, b| biggest(b).cmp(&biggest(a)).then_with(|| a.0.cmp(&b.0)));
    rows.truncate(n);
    rows
}

/// Reads `path` and measures it; the error is one line naming the file.
pub fn module_size(path: &std::path::Path) -> Result<ModuleSize, String> {
    let bytes = crate::engine::read_module(path)?;
    let report =
        crate::inspect::inspect(&bytes, 0).map_err(|e| format!("{}: {e}", path.display()))?;
    let section = |name: &str| report.section(name).map_or(0, |s| s.size);
    let packages = crate::inspect::anatomy::anatomy(&bytes)
        .map(|a| {
            a.packages()
                .into_iter()
                .take(PACKAGES_KEPT)
                .map(|p| PackageBytes {
                    package: p.package,
                    code_bytes: p.code_bytes,
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(ModuleSize {
        bytes: bytes.len() as u64,
        code_bytes: section("code"),
        data_bytes: section("data"),
        packages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_side_by_side_take_the_union_biggest_first() {
        let size = |ps: &[(&str, u64)]| ModuleSize {
            packages: ps
                .iter()
                .map(|&(p, b)| PackageBytes {
                    package: p.into(),
                    code_bytes: b,
                })
                .collect(),
            ..ModuleSize::default()
        };
        let go = size(&[("runtime", 900), ("fmt", 100), ("main", 5)]);
        let tinygo = size(&[("fmt", 300), ("runtime", 200), ("os", 50)]);
        assert_eq!(
            packages_side_by_side(&[&go, &tinygo], 3),
            vec![
                ("runtime".into(), vec![900, 200]),
                ("fmt".into(), vec![100, 300]),
                ("os".into(), vec![0, 50]),
            ]
        );
    }

    #[test]
    fn the_first_difference_is_a_line_or_the_exit_code() {
        assert_eq!(first_difference(("a\nb\n", 0), ("a\nb\n", 0)), None);
        let d = first_difference(("a\nb\nc\n", 0), ("a\nB\nc\n", 0)).unwrap();
        assert_eq!(
            (d.at.as_str(), d.left.as_str(), d.right.as_str()),
            ("stdout line 2", "b", "B")
        );
        let d = first_difference(("a\n", 0), ("a\nmore\n", 0)).unwrap();
        assert_eq!(
            (d.at.as_str(), d.left.as_str(), d.right.as_str()),
            ("stdout line 2", "(end of output)", "more")
        );
        let d = first_difference(("a", 0), ("a\n", 0)).unwrap();
        assert_eq!(d.at, "stdout line 1");
        let d = first_difference(("x\n", 0), ("x\n", 2)).unwrap();
        assert_eq!(
            (d.at.as_str(), d.left.as_str(), d.right.as_str()),
            ("exit code", "0", "2")
        );
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn break_even_counts_runs() {
        // interp 100 ms a run; aot 1000 ms the first time, 10 ms after: 1000-10 / 90 → 11 runs.
        assert_eq!(break_even(ms(100), ms(1000), ms(10)), Some(11));
        assert_eq!(break_even(ms(100), ms(50), ms(10)), Some(1));
        assert_eq!(break_even(ms(10), ms(1000), ms(20)), None);
    }

    #[test]
    fn speedups_are_run_phase_ratios() {
        let mut i = RunReport::new(Mode::Interp);
        i.timings.run = ms(900);
        let mut a = RunReport::new(Mode::Aot);
        a.timings.run = ms(100);
        a.timings.compile = ms(3);
        a.timings.cold_compile = Some(ms(1500));
        a.timings.cache = CacheUse::Hit;
        let c = compare(&[i.clone(), a.clone()]);
        assert_eq!(
            c.speedups,
            vec![Speedup {
                mode: Mode::Aot,
                ratio: Some(9.0)
            }]
        );
        // first: 1500+100 = 1600, warm: 103, interp: 900 → (1600-103)/(900-103) = 1.88 → 2
        assert_eq!(c.aot_break_even_runs, Some(2));

        // Without a cached aot run the cost of later runs is unknown: no break-even.
        a.timings.cache = CacheUse::Miss;
        assert_eq!(compare(&[i, a]).aot_break_even_runs, None);
    }
}
