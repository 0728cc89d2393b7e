//! Before running: can gowasm host this module, and with which extras?

use super::toolchain::{WASI_MODULE, is_js_host_module};
use super::{Report, Target};

/// The host functions TinyGo's `-target wasm` runtime needs outside a browser; gowasm provides them.
pub const TINYGO_SHIMS: [(&str, &str); 2] = [
    ("runtime.ticks", "() -> (f64)"),
    ("runtime.sleepTicks", "(f64) -> ()"),
];

/// What the engine must link for a module that passed triage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct HostNeeds {
    /// The module imports WASI functions, so the host sets up a WASI environment.
    pub wasi: bool,
    /// Link `runtime.ticks`/`runtime.sleepTicks` under this module name (`gojs` or `env`).
    pub tinygo_shims: Option<&'static str>,
}

/// Why gowasm refuses to run a module, phrased with the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TriageError {
    #[error(
        "this is a WebAssembly component (wasip2); gowasm runs core modules: rebuild with `tinygo build -target wasip1` or `GOOS=wasip1 GOARCH=wasm go build`"
    )]
    Component,
    #[error(
        "this is a GOOS=js Go module (it imports {module}.runtime.wasmExit) that needs Go's wasm_exec.js: rebuild with GOOS=wasip1 GOARCH=wasm"
    )]
    GoJs { module: String },
    #[error(
        "the module imports {module}.{name}, which needs a JavaScript host (syscall/js): rebuild with -target wasip1 (TinyGo) or GOOS=wasip1 (Go)"
    )]
    NeedsJs { module: String, name: String },
    #[error(
        "the module imports {module}.{name} ({kind}), which gowasm does not provide: only wasi_snapshot_preview1 is available"
    )]
    UnknownImport {
        module: String,
        name: String,
        kind: String,
    },
    #[error(
        "the module exports no `_start` function, so it is not a WASI command: build a main package (GOOS=wasip1, or tinygo -target wasip1)"
    )]
    NoStart,
}

/// Decides whether gowasm can run the module described by `report`.
pub fn triage(report: &Report) -> Result<HostNeeds, TriageError> {
    if report.target == Target::Component {
        return Err(TriageError::Component);
    }
    if report.target == Target::GoJs {
        let module = report
            .imports
            .iter()
            .find(|i| i.name == "runtime.wasmExit")
            .map_or("gojs", |i| i.module.as_str());
        return Err(TriageError::GoJs {
            module: module.to_string(),
        });
    }
    let (mut wasi, mut shims) = (false, None);
    for import in &report.imports {
        if import.module == WASI_MODULE && import.kind == "func" {
            wasi = true;
            continue;
        }
        let is_shim = TINYGO_SHIMS
            .iter()
            .any(|(name, sig)| import.name == *name && import.signature == *sig);
        if is_js_host_module(&import.module) && import.kind == "func" && is_shim {
            shims = Some(if import.module == "env" {
                "env"
            } else {
                "gojs"
            });
            continue;
        }
        if is_js_host_module(&import.module) && import.name.starts_with("syscall/js.") {
            return Err(TriageError::NeedsJs {
                module: import.module.clone(),
                name: import.name.clone(),
            });
        }
        return Err(TriageError::UnknownImport {
            module: import.module.clone(),
            name: import.name.clone(),
            kind: import.kind.clone(),
        });
    }
    if !report
        .exports
        .iter()
        .any(|e| e.name == "_start" && e.kind == "func")
    {
        return Err(TriageError::NoStart);
    }
    Ok(HostNeeds {
        wasi,
        tinygo_shims: shims,
    })
}
