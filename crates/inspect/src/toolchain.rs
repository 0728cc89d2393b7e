//! Which compiler made a module and for which host, from its imports and custom sections.

use serde::Serialize;

use super::{Encoding, Import, Producer};

/// The compiler that produced the module.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Toolchain {
    /// `go`, `tinygo` or `unknown`.
    pub name: String,
    /// The version, where the module records it (Go writes it in the producers section).
    pub version: Option<String>,
}

/// The host the module was built for.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// WASI preview 1 only: `GOOS=wasip1`, `tinygo -target wasip1` or `-target wasi`.
    Wasip1,
    /// TinyGo's browser-flavoured `-target wasm`: WASI plus a few `gojs`/`env` runtime imports.
    TinygoWasm,
    /// Go's `GOOS=js`: needs `wasm_exec.js`.
    GoJs,
    /// A WebAssembly component (`wasip2`).
    Component,
    /// Imports something else, or nothing recognisable.
    Other,
}

impl Target {
    pub fn label(self) -> &'static str {
        match self {
            Target::Wasip1 => "wasip1",
            Target::TinygoWasm => "wasm (TinyGo)",
            Target::GoJs => "js (GOOS=js)",
            Target::Component => "component (wasip2)",
            Target::Other => "other",
        }
    }
}

pub const WASI_MODULE: &str = "wasi_snapshot_preview1";

/// True for the module names Go and TinyGo use for their JavaScript host imports.
pub fn is_js_host_module(module: &str) -> bool {
    matches!(module, "gojs" | "go" | "env")
}

/// Guesses toolchain and target from what the inspector collected.
pub fn detect_toolchain(
    encoding: Encoding,
    imports: &[Import],
    custom_sections: &[String],
    producers: &[Producer],
) -> (Toolchain, Target) {
    let imports_name = |n: &str| imports.iter().any(|i| i.name == n);
    let has_wasi = imports.iter().any(|i| i.module == WASI_MODULE);
    let has_js = imports.iter().any(|i| is_js_host_module(&i.module));
    let go_js_runtime = imports
        .iter()
        .any(|i| matches!(i.module.as_str(), "gojs" | "go") && i.name == "runtime.wasmExit");
    let tinygo_runtime = imports_name("runtime.ticks") || imports_name("runtime.sleepTicks");

    let producer = |field: &str, name: &str| {
        producers
            .iter()
            .find(|p| p.field == field && p.name.eq_ignore_ascii_case(name))
    };
    let toolchain = if let Some(p) = producer("processed-by", "tinygo") {
        tool("tinygo", Some(&p.version))
    } else if tinygo_runtime {
        tool("tinygo", None)
    } else if custom_sections.iter().any(|c| c == "go:buildid") || go_js_runtime {
        tool("go", producer("language", "go").map(|p| p.version.as_str()))
    } else if let Some(p) = producer("language", "go") {
        tool("go", Some(&p.version))
    } else {
        tool("unknown", None)
    };

    let target = if encoding == Encoding::Component {
        Target::Component
    } else if go_js_runtime {
        Target::GoJs
    } else if has_js && (has_wasi || tinygo_runtime) {
        Target::TinygoWasm
    } else if has_js {
        Target::Other
    } else if imports.iter().all(|i| i.module == WASI_MODULE) {
        Target::Wasip1
    } else {
        Target::Other
    };
    (toolchain, target)
}

fn tool(name: &str, version: Option<&str>) -> Toolchain {
    Toolchain {
        name: name.to_string(),
        version: version.filter(|v| !v.is_empty()).map(str::to_string),
    }
}
