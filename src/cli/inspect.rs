//! `gowasm inspect`: what a module holds, as a table or JSON.

use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::source::{self, BuildOptions};
use crate::engine::human_bytes;
use crate::inspect::{self, Report, triage};

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// A .wasm file or a Go project folder (built first)
    pub input: PathBuf,
    /// How many of the largest functions to list
    #[arg(long, default_value_t = inspect::DEFAULT_TOP_FUNCTIONS)]
    pub top: usize,
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub build: BuildOptions,
}

impl InspectArgs {
    pub fn run(self) -> ExitCode {
        if let Err(e) = self.build.one_toolchain("gowasm inspect") {
            return super::fail(e);
        }
        let resolved = match source::resolve_or_exit(&self.input, &self.build) {
            Ok(r) => r,
            Err(code) => return code,
        };
        let data = match std::fs::read(&resolved.module)
            .map_err(|e| e.to_string())
            .and_then(|raw| inspect::binary_from_file_contents(raw).map_err(|e| e.to_string()))
        {
            Ok(d) => d,
            Err(e) => return super::fail(format!("{}: {e}", resolved.module.display())),
        };
        let report = match inspect::inspect(&data, self.top) {
            Ok(r) => r,
            Err(e) => {
                return super::fail(format!(
                    "{}: {e} (is it a .wasm file?)",
                    resolved.module.display()
                ));
            }
        };
        if self.json {
            let mut doc = serde_json::to_value(&report).expect("serializable");
            doc["host"] = host_json(&report);
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).expect("serializable")
            );
        } else {
            print!("{}", render(&resolved.module, &report));
        }
        ExitCode::SUCCESS
    }
}

/// The host a module runs on, as `inspect` says it.
fn host_line(needs: &triage::HostNeeds) -> String {
    match needs.js {
        None => "WASI (preview 1)".to_string(),
        Some(abi) => {
            let abi_source = match abi {
                triage::JsAbi::TinyGo => "TinyGo's targets/wasm_exec.js",
                triage::JsAbi::Go => "Go's misc/wasm/wasm_exec.js",
            };
            let wasi = if needs.wasi { ", with WASI" } else { "" };
            format!(
                "{} (gowasm's JavaScript host, as {abi_source}{wasi})",
                needs.label()
            )
        }
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
        }),
        Err(e) => serde_json::json!({ "runs": false, "error": e.to_string() }),
    }
}

fn render(path: &std::path::Path, r: &Report) -> String {
    let mut s = String::new();
    let version = r.toolchain.version.as_deref().unwrap_or("");
    let _ = writeln!(
        s,
        "{}: {} ({}), toolchain {} {}, target {}",
        path.display(),
        human_bytes(r.file_size),
        match r.encoding {
            inspect::Encoding::Module => "core module",
            inspect::Encoding::Component => "component",
        },
        r.toolchain.name,
        version,
        r.target.label()
    );
    match triage::triage(r) {
        Ok(needs) => {
            let _ = writeln!(s, "runs: yes, host {}", host_line(&needs));
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
        let _ = writeln!(s, "  {} {} {}", e.name, e.kind, e.index);
    }
    let _ = writeln!(s, "\nLARGEST FUNCTIONS");
    for f in &r.largest_functions {
        let name = f.name.as_deref().unwrap_or("<unnamed>");
        let _ = writeln!(s, "  {:>10}  {:>6}  {name}", f.size, f.index);
    }
    s
}
