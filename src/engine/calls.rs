//! Calling a module's exports: `run --invoke 'add 2 3'`, `calls = [...]` in gowasm.toml, the
//! workbench's `:call`. A call is parsed against the export's types before anything runs; then
//! every engine plays the same sequence on one instance ([`run`]): `_initialize` once for a
//! reactor, then each call in turn, so state a call leaves is there for the next.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::js::{Stop, Val};
use super::report::{Outcome, RunReport};
use crate::inspect::{self, triage::Entry};

/// A call as the user writes it: `add 2 3`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallSpec {
    pub export: String,
    pub args: Vec<String>,
}

impl CallSpec {
    /// `NAME ARG…`, separated by spaces.
    pub fn parse(text: &str) -> Result<CallSpec, String> {
        let mut words = text.split_whitespace().map(str::to_string);
        let export = words
            .next()
            .ok_or_else(|| "an empty call: expected NAME ARG…, e.g. `add 2 3`".to_string())?;
        Ok(CallSpec {
            export,
            args: words.collect(),
        })
    }

    /// The call as it is written back: `add 2 3`.
    pub fn text(&self) -> String {
        std::iter::once(self.export.as_str())
            .chain(self.args.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A call as the timing lines show it, `add(2, 3)`, from its text `add 2 3`.
pub fn label(text: &str) -> String {
    match CallSpec::parse(text) {
        Ok(spec) => format!("{}({})", spec.export, spec.args.join(", ")),
        Err(_) => text.to_string(),
    }
}

/// A call checked against the export's type, ready for any engine.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedCall {
    pub spec: CallSpec,
    pub params: Vec<Val>,
}

/// The types `--invoke` passes and prints.
const NUMBER_TYPES: [&str; 4] = ["i32", "i64", "f32", "f64"];

/// Checks each call against the module's exports: the name, the count and the type of each
/// argument. The error is one line naming what does not fit.
pub fn plan(report: &inspect::Report, specs: &[CallSpec]) -> Result<Vec<PlannedCall>, String> {
    specs.iter().map(|spec| plan_one(report, spec)).collect()
}

fn plan_one(report: &inspect::Report, spec: &CallSpec) -> Result<PlannedCall, String> {
    let name = &spec.export;
    // The listing leaves out the runtime's own exports; a call may still name one.
    let export = report
        .exports
        .iter()
        .find(|e| {
            &e.name == name
                && e.kind == "func"
                && !["_start", "_initialize"].contains(&name.as_str())
        })
        .ok_or_else(|| {
            let names: Vec<&str> = inspect::triage::callable_exports(report)
                .map(|e| e.name.as_str())
                .collect();
            match names.is_empty() {
                true => {
                    format!("no export named `{name}`: the module exports no functions to call")
                }
                false => format!(
                    "no export named `{name}`: it exports {}",
                    inspect::triage::short_list(&names, 8)
                ),
            }
        })?;
    let signature = export.signature();
    let unsupported = export
        .params
        .iter()
        .chain(&export.results)
        .find(|t| !NUMBER_TYPES.contains(&t.as_str()));
    if let Some(t) = unsupported {
        return Err(format!(
            "`{name}` {signature} has a {t}, which calls cannot pass or print: they take i32, i64, f32 and f64"
        ));
    }
    if export.params.len() != spec.args.len() {
        return Err(format!(
            "`{name}` takes {} argument{} {signature}; {} given",
            export.params.len(),
            if export.params.len() == 1 { "" } else { "s" },
            spec.args.len()
        ));
    }
    let params = export
        .params
        .iter()
        .zip(&spec.args)
        .enumerate()
        .map(|(i, (ty, text))| {
            parse_value(ty, text).ok_or_else(|| {
                format!(
                    "`{name}`'s argument {} must be an {ty} {signature}: `{text}` is not one",
                    i + 1
                )
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(PlannedCall {
        spec: spec.clone(),
        params,
    })
}

/// A number as `wasmtime --invoke` takes it: decimal (an unsigned one that fits the bits wraps,
/// as Go's uint32 does), `0x` hex, or a float (`nan`, `inf`).
fn parse_value(ty: &str, text: &str) -> Option<Val> {
    match ty {
        "i32" => integer(text, i32::MIN.into(), u32::MAX.into()).map(|v| Val::I32(v as i32)),
        "i64" => integer(text, i64::MIN.into(), u64::MAX.into()).map(|v| Val::I64(v as i64)),
        "f32" => text.parse::<f32>().ok().map(Val::F32),
        "f64" => text.parse::<f64>().ok().map(Val::F64),
        _ => None,
    }
}

/// An integer in decimal or `0x` hex, with an optional `-`, within `min..=max`.
fn integer(text: &str, min: i128, max: i128) -> Option<i128> {
    let (negative, magnitude) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (digits, radix) = match magnitude
        .strip_prefix("0x")
        .or_else(|| magnitude.strip_prefix("0X"))
    {
        Some(hex) => (hex, 16),
        None => (magnitude, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = i128::from(u64::from_str_radix(digits, radix).ok()?);
    let v = if negative { -v } else { v };
    (min..=max).contains(&v).then_some(v)
}

/// A value as wasmtime prints a result: `5`, `-1`, `1.75`, `NaN`.
pub fn show(v: Val) -> String {
    match v {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        Val::F32(x) => x.to_string(),
        Val::F64(x) => x.to_string(),
    }
}

/// Results as one value: `5`, `(1, 2.5)`, or `()` for none.
pub fn shown_together<S: AsRef<str>>(results: &[S]) -> String {
    match results {
        [one] => one.as_ref().to_string(),
        many => {
            let all: Vec<&str> = many.iter().map(AsRef::as_ref).collect();
            format!("({})", all.join(", "))
        }
    }
}

/// What one call did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallReport {
    /// As written: `add 2 3`.
    pub call: String,
    pub status: CallStatus,
    /// The results as wasmtime prints them, one per result.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<String>,
    #[serde(with = "crate::duration_ms")]
    pub time: Duration,
    /// For a call that did not return: what the toolchain's runtime meant by it, in one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl CallReport {
    /// What became of the call, after its label: `= 5`, `did not return: …`, `was not called:
    /// …`; `failure` is how the run ended, for a call that did not return and has no note.
    pub fn what_happened(&self, failure: &str) -> String {
        match (self.status, &self.note) {
            (CallStatus::Returned, _) => format!("= {}", self.shown_results()),
            (CallStatus::Failed, Some(note)) => format!("did not return: {note}"),
            (CallStatus::Failed, None) => format!("did not return: {failure}"),
            (CallStatus::NotRun, Some(note)) => format!("was not called: {note}"),
            (CallStatus::NotRun, None) => "was not called, as an earlier call failed".into(),
        }
    }

    /// The call's cell in a table of modes: its time, `failed`, or `None` when not made.
    pub fn time_cell(&self) -> Option<String> {
        match self.status {
            CallStatus::Returned => Some(super::human_short(self.time)),
            CallStatus::Failed => Some("failed".into()),
            CallStatus::NotRun => None,
        }
    }

    /// The results as one value: `5`, `(1, 2.5)`, or `()` for none.
    pub fn shown_results(&self) -> String {
        shown_together(&self.results)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallStatus {
    Returned,
    /// It trapped or exited: the run's outcome says how.
    Failed,
    /// Not made: an earlier call, `_initialize` or the program failed first.
    NotRun,
}

/// A module instance whose exports can be called: each engine's.
pub trait Exports {
    /// Calls `export` with `params`; `Err` is how the instance ended instead of returning.
    fn call(&mut self, export: &str, params: &[Val]) -> Result<Vec<Val>, Outcome>;
    /// Whether the module runs on the JS host.
    fn on_js_host(&self) -> bool;
    /// The JS host's event loop: its protocol from the start (a command's, `settle` false), or
    /// what is left after a reactor's calls (`settle` true).
    fn play_js(&mut self, settle: bool) -> Result<(), Stop>;
    /// How a JS-host run ended, in the report ([`js::finish`], [`js::finish_reactor`]):
    /// `played` is the event loop's end, `None` when it was not played.
    fn finish_js(
        &mut self,
        played: Option<Result<(), Stop>>,
        reactor: bool,
        report: &mut RunReport,
    );
}

/// Everything after instantiation, for every engine: a command's `_start` (or the JS host's
/// protocol), then its calls; a reactor's or a library's calls, then what is left of the JS
/// host's event loop. Fills the report's run time, calls and outcome.
pub fn run_module(
    instance: &mut dyn Exports,
    entry: Entry,
    calls: &[PlannedCall],
    report: &mut RunReport,
) {
    let started = Instant::now();
    let returned = entry != Entry::Command || start(instance, report);
    report.timings.run = started.elapsed();
    if entry == Entry::Command && calls.is_empty() {
        return;
    }
    let settle = after_start(instance, entry, calls, returned, report);
    if entry == Entry::Command || !instance.on_js_host() {
        return;
    }
    let settled = settle.then(|| instance.play_js(true));
    instance.finish_js(settled, true, report);
}

/// A command's start: `_start`, or the JS host's protocol. Whether it returned (rather than
/// exited or trapped), so that its exports may still be called.
fn start(instance: &mut dyn Exports, report: &mut RunReport) -> bool {
    if instance.on_js_host() {
        let result = instance.play_js(false);
        let returned = result.is_ok();
        instance.finish_js(Some(result), false, report);
        return returned;
    }
    match instance.call("_start", &[]) {
        Ok(_) => true,
        Err(outcome) => {
            report.outcome = outcome;
            false
        }
    }
}

/// The reactor sequence: `_initialize` once (a reactor's), then every call, stopping at the
/// first that does not return. Fills the report's `initialize` time, its `run` time (but a
/// command's, which is `_start`'s), its calls and, when something failed, its outcome. Whether
/// everything returned, so the instance is still alive.
pub fn run(
    instance: &mut dyn Exports,
    entry: Entry,
    calls: &[PlannedCall],
    report: &mut RunReport,
) -> bool {
    if entry == Entry::Reactor {
        let started = Instant::now();
        let initialized = instance.call("_initialize", &[]);
        report.timings.initialize = Some(started.elapsed());
        if let Err(outcome) = initialized {
            report.outcome = outcome;
            skip(calls, report, Some("`_initialize` did not return"));
            return false;
        }
    }
    let mut all_returned = true;
    let started = Instant::now();
    for (i, call) in calls.iter().enumerate() {
        let began = Instant::now();
        let result = instance.call(&call.spec.export, &call.params);
        let time = began.elapsed();
        let (status, results) = match result {
            Ok(values) => (CallStatus::Returned, values.into_iter().map(show).collect()),
            Err(outcome) => {
                report.outcome = outcome;
                (CallStatus::Failed, vec![])
            }
        };
        report.calls.push(CallReport {
            call: call.spec.text(),
            status,
            results,
            time,
            note: None,
        });
        if status == CallStatus::Failed {
            skip(&calls[i + 1..], report, None);
            all_returned = false;
            break;
        }
    }
    if entry != Entry::Command {
        report.timings.run = started.elapsed();
    }
    all_returned
}

/// The calls after `_start` (a command's, when it returned) or in its place (a reactor's, a
/// library's): [`run`], or each marked not made when `_start` exited. Whether the JS host
/// should now play what is left of its event loop: a reactor whose every call returned.
fn after_start(
    instance: &mut dyn Exports,
    entry: Entry,
    calls: &[PlannedCall],
    returned: bool,
    report: &mut RunReport,
) -> bool {
    if !returned {
        skip(calls, report, Some(COMMAND_EXITED));
        return false;
    }
    run(instance, entry, calls, report) && entry != Entry::Command
}

/// Records `calls` as not made, with why (once, on the first).
pub fn skip(calls: &[PlannedCall], report: &mut RunReport, why: Option<&str>) {
    for (i, call) in calls.iter().enumerate() {
        report.calls.push(CallReport {
            call: call.spec.text(),
            status: CallStatus::NotRun,
            results: vec![],
            time: Duration::ZERO,
            note: why.filter(|_| i == 0).map(str::to_string),
        });
    }
}

/// Why a command's exports were not called after `_start`.
pub const COMMAND_EXITED: &str = "the program exited before its exports could be called (Go and TinyGo commands end by exiting): build it as a reactor, with -buildmode=c-shared, to call them";

/// What Go's and TinyGo's runtimes mean by the last line they print when an export cannot go
/// on: (what they print, what it means). Each comes from the runtime's source, cited.
const RUNTIME_RULES: &[(&str, &str)] = &[
    // Go, runtime/proc.go `checkdead`: "One exception is Wasm, which is single-threaded. If we
    // are in Go and all goroutines are blocked, it deadlocks."
    (
        "fatal error: all goroutines are asleep - deadlock!",
        "Go's rule for //go:wasmexport: an export may not wait for what only another call could bring (a channel receive, a lock), because nothing else runs while it waits",
    ),
    // TinyGo, src/runtime/runtime_wasmentry.go `wasmExportRun`: the scheduler ran dry before
    // the export's goroutine finished.
    (
        "//go:wasmexport function did not finish",
        "TinyGo's rule for //go:wasmexport: an export must finish without blocking (a channel receive, or under the JS host a time.Sleep), because the scheduler runs only inside the call",
    ),
    // TinyGo, runtime_wasmentry.go `wasmExportCheckRun`.
    (
        "//go:wasmexport function called after main.main returned",
        "TinyGo: a command's exports cannot be called once main has returned: build with -buildmode=c-shared to make a reactor",
    ),
    // Go, runtime/sys_wasm.go `notInitialized1`; TinyGo, `wasmExportCheckRun`.
    (
        "function called before runtime initialization",
        "the runtime was not set up: a reactor's `_initialize` must run first",
    ),
];

/// The meaning of a runtime's last words (the end of its output), for the call that failed.
pub fn explain(report: &mut RunReport, output_tail: &str) {
    let Some(failed) = report
        .calls
        .iter_mut()
        .find(|c| c.status == CallStatus::Failed)
    else {
        return;
    };
    if let Some((_, meaning)) = RUNTIME_RULES
        .iter()
        .find(|(said, _)| output_tail.contains(said))
    {
        failed.note = Some((*meaning).to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report_of(wat: &str) -> inspect::Report {
        inspect::inspect(&wat::parse_str(wat).unwrap(), 0).unwrap()
    }

    const MODULE: &str = r#"(module
        (func (export "add") (param i32 i32) (result i32) local.get 0)
        (func (export "mix") (param i64 f32 f64))
        (func (export "vec") (param v128)))"#;

    fn planned(text: &str) -> Result<Vec<Val>, String> {
        let spec = CallSpec::parse(text)?;
        plan(&report_of(MODULE), &[spec]).map(|p| p[0].params.clone())
    }

    #[test]
    fn arguments_are_read_by_the_exports_types() {
        assert_eq!(planned("add 2 -3"), Ok(vec![Val::I32(2), Val::I32(-3)]));
        assert_eq!(
            planned("add 4294967295 0x10"),
            Ok(vec![Val::I32(-1), Val::I32(16)])
        );
        assert_eq!(
            planned("mix 9007199254740993 1.5 -inf"),
            Ok(vec![
                Val::I64(9007199254740993),
                Val::F32(1.5),
                Val::F64(f64::NEG_INFINITY)
            ])
        );
    }

    #[test]
    fn a_call_that_does_not_fit_says_why_in_one_line() {
        let e = planned("add 2").unwrap_err();
        assert_eq!(e, "`add` takes 2 arguments (i32, i32) -> (i32); 1 given");
        let e = planned("add 2 x").unwrap_err();
        assert!(
            e.contains("argument 2 must be an i32") && e.contains("`x`"),
            "{e}"
        );
        let e = planned("add 2 4294967296").unwrap_err();
        assert!(e.contains("argument 2"), "{e}");
        let e = planned("sub 1 2").unwrap_err();
        assert_eq!(e, "no export named `sub`: it exports add, mix, vec");
        let e = planned("vec 1").unwrap_err();
        assert!(
            e.contains("v128") && e.contains("i32, i64, f32 and f64"),
            "{e}"
        );
        assert!(CallSpec::parse("  ").is_err());
        for e in [planned("add 2").unwrap_err(), planned("vec 1").unwrap_err()] {
            assert!(!e.contains('\n'), "{e}");
        }
    }

    #[test]
    fn results_print_as_wasmtime_prints_them() {
        assert_eq!(show(Val::I32(-5)), "-5");
        assert_eq!(show(Val::F32(1.75)), "1.75");
        assert_eq!(show(Val::F64(f64::NAN)), "NaN");
        assert_eq!(show(Val::I64(i64::MIN)), "-9223372036854775808");
        let spec = CallSpec::parse(" add  2   3 ").unwrap();
        assert_eq!(spec.text(), "add 2 3");
    }
}
