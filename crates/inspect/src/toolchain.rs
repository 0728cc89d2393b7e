//! Which compiler made a module and for which host, from its imports and custom sections.

use serde::{Deserialize, Serialize};

use super::{Encoding, Import, Producer};

/// The compiler that produced the module.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Toolchain {
    /// `go`, `tinygo` or `unknown`.
    pub name: String,
    /// The version, where the module records it (Go writes it in the producers section).
    pub version: Option<String>,
}

/// The host the module was built for.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
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

/// The newest Go release (1.x) whose tables (pclntab, `moduledata`) and `wasm_exec.js` gowasm
/// knows, and the oldest it reads (wasip1 came with 1.21).
pub const GO_KNOWN: (u32, u32) = (21, 27);
/// The TinyGo releases (0.x) whose `wasm_exec.js` gowasm's JS host follows.
pub const TINYGO_KNOWN: (u32, u32) = (33, 40);

/// Go's minor release from a version as Go writes it: `go1.27.3`, `go1.24rc1`, `devel go1.28-…`.
pub fn go_minor(version: &str) -> Option<u32> {
    let rest = &version[version.find("go1.")? + 4..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// One line for a module from a Go or TinyGo newer than gowasm knows: it still runs, and the
/// user is told what may be missing rather than finding it out.
pub fn newer_than_known(toolchain: &Toolchain) -> Option<String> {
    let version = toolchain.version.as_deref()?;
    match toolchain.name.as_str() {
        "go" => {
            let minor = go_minor(version)?;
            (minor > GO_KNOWN.1).then(|| {
                format!(
                    "built by {version}, newer than the Go gowasm knows (1.{}–1.{}): it runs, but Go's names, files and lines are read as Go 1.{} lays them out and may be missing",
                    GO_KNOWN.0, GO_KNOWN.1, GO_KNOWN.1
                )
            })
        }
        "tinygo" => {
            let v: Vec<u32> = version.split('.').map_while(|p| p.parse().ok()).collect();
            (v.first() == Some(&0) && v.get(1).is_some_and(|m| *m > TINYGO_KNOWN.1)).then(|| {
                format!(
                    "built by TinyGo {version}, newer than the TinyGo gowasm knows (0.{}–0.{}): it runs where its imports are ones gowasm's hosts have",
                    TINYGO_KNOWN.0, TINYGO_KNOWN.1
                )
            })
        }
        _ => None,
    }
}
