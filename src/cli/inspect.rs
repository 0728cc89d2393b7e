//! `gowasm inspect`: what a module holds, as a table or JSON.

use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::failure::Finished;
use super::inspect_retained;
use super::source::{self, BuildOptions};
use crate::engine::{human_bytes, signed_bytes};
use crate::inspect::{self, Report, triage};

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// A .wasm file or a Go project folder (built first)
    pub input: PathBuf,
    /// How many of the largest functions to list
    #[arg(long, default_value_t = inspect::DEFAULT_TOP_FUNCTIONS)]
    pub top: usize,
    /// Code size by Go package (names from Go's pclntab, or the name section)
    #[arg(long)]
    pub packages: bool,
    /// Code size by source file (where the module says which file a function is in)
    #[arg(long)]
    pub files: bool,
    /// What each package and function retains: the code that would go if nothing used it
    #[arg(long)]
    pub retained: bool,
    /// The shortest chain of calls from an export (or other root) to the functions named NAME
    #[arg(long, value_name = "NAME")]
    pub path: Option<String>,
    /// What changed since OLD.wasm, per package and per function
    #[arg(long, value_name = "OLD.wasm")]
    pub diff: Option<PathBuf>,
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub build: BuildOptions,
}

/// What `inspect` read: the report, and the Go-terms views asked for.
struct Views {
    report: Report,
    anatomy: Option<inspect::anatomy::Anatomy>,
    retention: Option<inspect::retained::Retention>,
    diff: Option<inspect::anatomy_diff::AnatomyDiff>,
}

impl InspectArgs {
    pub fn run(self) -> Finished {
        self.build.one_toolchain("gowasm inspect")?;
        let resolved = source::resolve(&self.input, &self.build)?;
        let module = &resolved.module;
        let v = self.read(module)?;
        if self.json {
            let mut doc = serde_json::to_value(&v.report).expect("serializable");
            doc["host"] = host_json(&v.report);
            if let Some(a) = &v.anatomy {
                doc["anatomy"] = anatomy_json(a, self.top);
            }
            if let Some(d) = &v.diff {
                doc["diff"] = serde_json::to_value(d).expect("serializable");
            }
            if let Some(r) = &v.retention {
                doc["retained"] = inspect_retained::json(r, self.top, self.path.as_deref());
            }
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).expect("serializable")
            );
        } else if let (Some(d), Some(old)) = (&v.diff, &self.diff) {
            print!("{}", render_diff(old, module, d, self.top));
        } else if let Some(a) = &v.anatomy {
            print!("{}", render_title(module, &v.report));
            print!("{}", render_anatomy(a, self.packages, self.files, self.top));
            if let Some(r) = &v.retention {
                if self.retained {
                    print!("{}", inspect_retained::render(r, self.top));
                }
                if let Some(name) = &self.path {
                    print!("{}", inspect_retained::render_paths(r, name, self.top));
                }
            }
        } else {
            print!("{}", render(module, &v.report));
        }
        Ok(ExitCode::SUCCESS)
    }

    /// Reads the module, and its anatomy, retention and diff when the flags ask for them.
    fn read(&self, module: &std::path::Path) -> Result<Views, String> {
        let at = |e: &dyn std::fmt::Display| format!("{}: {e}", module.display());
        let data = crate::engine::read_module(module)?;
        let mut report = inspect::inspect(&data, self.top)
            .map_err(|e| format!("{} (is it a .wasm file?)", at(&e)))?;
        let wants_retention = self.retained || self.path.is_some();
        let shows_anatomy = self.packages || self.files || self.diff.is_some() || wants_retention;
        // Go's own names for the largest functions: the name section has sanitised ones.
        let go_names = self.top > 0 && report.toolchain.name == "go";
        let anatomy = if shows_anatomy || go_names {
            Some(inspect::anatomy::anatomy(&data).map_err(|e| at(&e))?)
        } else {
            None
        };
        let retention = match (&anatomy, wants_retention) {
            (Some(a), true) => Some(inspect::retained::retention_of(&data, a).map_err(|e| at(&e))?),
            _ => None,
        };
        let diff = match (&self.diff, &anatomy) {
            (Some(old), Some(new)) => Some(inspect::anatomy_diff::diff(&old_anatomy(old)?, new)),
            _ => None,
        };
        if let Some(a) = anatomy.as_ref().filter(|_| go_names) {
            report.largest_functions = a.largest(self.top);
        }
        Ok(Views {
            report,
            anatomy: anatomy.filter(|_| shows_anatomy),
            retention,
            diff,
        })
    }
}

/// The host a module runs on, as `inspect` says it.
fn host_line(needs: &triage::HostNeeds) -> String {
    match needs.js {
        None => "WASI (preview 1)".to_string(),
        Some(abi) => {
            let abi_source = match abi {
                triage::JsAbi::TinyGo => "TinyGo's targets/wasm_exec.js",
                triage::JsAbi::Go => "Go's wasm_exec.js",
            };
            let wasi = if needs.wasi { ", with WASI" } else { "" };
            format!(
                "{} (gowasm's JavaScript host, as {abi_source}{wasi})",
                needs.label()
            )
        }
    }
}

/// For a reactor or a library: what it exports to call, and how.
fn entry_line(path: &std::path::Path, r: &Report, entry: triage::Entry) -> Option<String> {
    let exports: Vec<&inspect::Export> = triage::callable_exports(r).collect();
    let first = exports.first()?;
    let example = format!(
        "gowasm run {} --invoke '{}{}'",
        path.display(),
        first.name,
        first.params.iter().map(|_| " 0").collect::<String>()
    );
    let n = exports.len();
    let plural = if n == 1 { "" } else { "s" };
    match entry {
        triage::Entry::Command => None,
        triage::Entry::Reactor => Some(format!(
            "reactor: _initialize, {n} export{plural} to call: {example}"
        )),
        triage::Entry::Library => Some(format!(
            "library: no _start or _initialize, {n} export{plural} to call: {example}"
        )),
    }
}

/// `host` in `inspect --json`: whether the module runs, on which host, or why not.
fn host_json(r: &Report) -> serde_json::Value {
    match triage::triage(r) {
        Ok(needs) => serde_json::json!({
            "runs": true,
            "host": needs.label(),
            "js_abi": needs.js,
            "wasi": needs.wasi,
            "entry": needs.entry,
            "callable": triage::callable_exports(r)
                .map(|e| serde_json::json!({ "name": e.name, "params": e.params, "results": e.results }))
                .collect::<Vec<_>>(),
        }),
        Err(e) => serde_json::json!({ "runs": false, "error": e.to_string() }),
    }
}

/// The anatomy of `--diff`'s older module.
fn old_anatomy(path: &std::path::Path) -> Result<inspect::anatomy::Anatomy, String> {
    let data = crate::engine::read_module(path)?;
    inspect::anatomy::anatomy(&data)
        .map_err(|e| format!("{}: {e} (is it a .wasm file?)", path.display()))
}

/// `--diff` as text: the totals, then the packages and functions that changed most.
fn render_diff(
    old: &std::path::Path,
    new: &std::path::Path,
    d: &inspect::anatomy_diff::AnatomyDiff,
    top: usize,
) -> String {
    use inspect::anatomy_diff::Change;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} → {}: code {}, data {}",
        old.display(),
        new.display(),
        signed_bytes(d.code_delta),
        signed_bytes(d.data_delta)
    );
    for (title, list) in [("PACKAGES", &d.packages), ("FUNCTIONS", &d.functions)] {
        let _ = writeln!(s, "\n{title} ({} changed)", list.len());
        for c in list.iter().take(top.max(1)) {
            let note = match c.change {
                Change::New => " (new)",
                Change::Gone => " (gone)",
                Change::Changed => "",
            };
            let _ = writeln!(s, "  {:>11}  {}{note}", signed_bytes(c.delta), c.name);
        }
        if list.len() > top.max(1) {
            let _ = writeln!(s, "  … {} more (--top N)", list.len() - top.max(1));
        }
    }
    s
}

/// Rows of (code bytes, share, functions, name) under `heading`, the first `top` of them.
fn share_table(
    s: &mut String,
    heading: &str,
    rows: &[(u64, f64, u32, String)],
    top: usize,
    plural: &str,
    empty: Option<&str>,
) {
    let _ = writeln!(s, "\n{:>10} {:>7} {:>6}  {heading}", "CODE", "%", "FUNCS");
    if let (true, Some(empty)) = (rows.is_empty(), empty) {
        let _ = writeln!(s, "  {empty}");
    }
    for (bytes, percent, functions, name) in rows.iter().take(top.max(1)) {
        let _ = writeln!(
            s,
            "{:>10} {percent:>6.2}% {functions:>6}  {name}",
            human_bytes(*bytes)
        );
    }
    if rows.len() > top.max(1) {
        let _ = writeln!(s, "  … {} more {plural} (--top N)", rows.len() - top.max(1));
    }
}

/// `anatomy` in `inspect --json`: every function, and the largest packages and files.
fn anatomy_json(a: &inspect::anatomy::Anatomy, top: usize) -> serde_json::Value {
    let mut doc = serde_json::to_value(a).expect("serializable");
    doc["packages"] = serde_json::to_value(a.packages()).expect("serializable");
    doc["files"] = serde_json::to_value(a.files()).expect("serializable");
    for list in ["packages", "files"] {
        if let Some(items) = doc[list].as_array_mut() {
            items.truncate(top.max(1));
        }
    }
    doc
}

/// Size by package and by file, as tables with the data segments beneath.
fn render_anatomy(
    a: &inspect::anatomy::Anatomy,
    packages: bool,
    files: bool,
    top: usize,
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "names from {}; code: {} in {} functions",
        a.names_from.label(),
        human_bytes(a.code_section_bytes),
        a.functions.len()
    );
    if let Some(note) = &a.note {
        let _ = writeln!(s, "note: {note}");
    }
    if packages {
        let rows: Vec<_> = a
            .packages()
            .into_iter()
            .map(|p| (p.code_bytes, p.percent, p.functions, p.package))
            .collect();
        share_table(&mut s, "PACKAGE", &rows, top, "packages", None);
    }
    if files {
        let rows: Vec<_> = a
            .files()
            .into_iter()
            .map(|f| (f.code_bytes, f.percent, f.functions, f.file))
            .collect();
        let empty = "(the module does not say which file a function is in)";
        share_table(&mut s, "FILE", &rows, top, "files", Some(empty));
    }
    let total: u64 = a.data.iter().map(|d| d.bytes).sum();
    let _ = writeln!(s, "\n{:>10} {:>7}  DATA", "BYTES", "%");
    for d in &a.data {
        let share = d.bytes as f64 * 100.0 / total.max(1) as f64;
        let _ = writeln!(s, "{:>10} {share:>6.2}%  {}", human_bytes(d.bytes), d.what);
    }
    s
}

/// The first line of a report: file, size, encoding, toolchain and target.
fn render_title(path: &std::path::Path, r: &Report) -> String {
    let version = r.toolchain.version.as_deref().unwrap_or("");
    format!(
        "{}: {} ({}), toolchain {} {}, target {}\n",
        path.display(),
        human_bytes(r.file_size),
        match r.encoding {
            inspect::Encoding::Module => "core module",
            inspect::Encoding::Component => "component",
        },
        r.toolchain.name,
        version,
        r.target.label()
    )
}

fn render(path: &std::path::Path, r: &Report) -> String {
    let mut s = render_title(path, r);
    match triage::triage(r) {
        Ok(needs) => {
            let _ = writeln!(s, "runs: yes, host {}", host_line(&needs));
            if let Some(line) = entry_line(path, r, needs.entry) {
                let _ = writeln!(s, "{line}");
            }
        }
        Err(e) => {
            let _ = writeln!(s, "runs: no: {e}");
        }
    }
    let _ = writeln!(
        s,
        "\n{:<24} {:>10} {:>10} {:>7} {:>8}",
        "SECTION", "OFFSET", "SIZE", "%", "ITEMS"
    );
    for sec in &r.sections {
        let items = sec.items.map(|n| n.to_string()).unwrap_or_default();
        let _ = writeln!(
            s,
            "{:<24} {:>#10x} {:>10} {:>6.2}% {:>8}",
            sec.name, sec.offset, sec.size, sec.percent, items
        );
    }
    let _ = writeln!(
        s,
        "\nfunctions: {} defined, {} imported; data: {} in {} segment{}",
        r.defined_functions,
        r.imported_functions,
        human_bytes(r.data_bytes),
        r.data_segments,
        if r.data_segments == 1 { "" } else { "s" }
    );
    for m in &r.memories {
        let max = m
            .maximum
            .map_or("none".to_string(), |x| format!("{x} pages"));
        let _ = writeln!(
            s,
            "memory: {} pages ({}) initial, max {max}{}",
            m.initial,
            human_bytes(m.initial.saturating_mul(65536)),
            if m.imported { ", imported" } else { "" }
        );
    }
    for t in &r.tables {
        let max = t.maximum.map_or("none".to_string(), |x| x.to_string());
        let _ = writeln!(s, "table: {} elements initial, max {max}", t.initial);
    }
    if !r.producers.is_empty() {
        let p: Vec<String> = r
            .producers
            .iter()
            .map(|p| format!("{}: {} {}", p.field, p.name, p.version))
            .collect();
        let _ = writeln!(s, "producers: {}", p.join("; "));
    }
    let _ = writeln!(s, "\nIMPORTS ({})", r.imports.len());
    for i in &r.imports {
        let _ = writeln!(s, "  {}.{} {} {}", i.module, i.name, i.kind, i.signature);
    }
    let _ = writeln!(s, "\nEXPORTS ({})", r.exports.len());
    for e in &r.exports {
        let _ = writeln!(s, "  {} {} {} {}", e.name, e.kind, e.index, e.signature());
    }
    let _ = writeln!(s, "\nLARGEST FUNCTIONS");
    for f in &r.largest_functions {
        let name = f.name.as_deref().unwrap_or("<unnamed>");
        let _ = writeln!(s, "  {:>10}  {:>6}  {name}", f.size, f.index);
    }
    s
}
