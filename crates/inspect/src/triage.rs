//! Before running: can gowasm host this module, and with which host: WASI, TinyGo's JavaScript
//! host, or Go's?

use super::js_abi::{
    GO_JS_EXPORTS, GO_JS_IMPORTS, GO_JS_SIGNATURE, GO_TEST_IMPORT, tinygo_accepts, tinygo_knows,
    tinygo_signatures,
};
use super::toolchain::{WASI_MODULE, is_js_host_module};
use super::{Import, Report, Target};

/// Which JavaScript host ABI a module speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JsAbi {
    /// TinyGo's `-target wasm` (its `targets/wasm_exec.js`).
    #[serde(rename = "tinygo")]
    TinyGo,
    /// Go's `GOOS=js` (`wasm_exec.js`: `misc/wasm` in Go 1.21–1.23, `lib/wasm` from 1.24).
    Go,
}

/// What the engine must provide for a module that passed triage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct HostNeeds {
    /// The module imports WASI functions, so the host sets up a WASI environment.
    pub wasi: bool,
    /// The module needs a JavaScript host speaking this ABI.
    pub js: Option<JsAbi>,
}

impl HostNeeds {
    /// The host, as the user is told it: `WASI`, `TinyGo JS` or `Go JS`.
    pub fn label(&self) -> &'static str {
        match self.js {
            None => "WASI",
            Some(JsAbi::TinyGo) => "TinyGo JS",
            Some(JsAbi::Go) => "Go JS",
        }
    }
}

/// Why gowasm refuses to run a module, phrased with the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TriageError {
    #[error(
        "this is a WebAssembly component (wasip2); gowasm runs core modules: rebuild with `tinygo build -target wasip1` or `GOOS=wasip1 GOARCH=wasm go build`"
    )]
    Component,
    #[error(
        "this GOOS=js module was built by Go 1.20 or older (it imports go.runtime.wasmExit); gowasm's JS host speaks the gojs ABI of Go 1.21 and later: rebuild with a newer Go, or with GOOS=wasip1"
    )]
    GoJsTooOld,
    #[error(
        "the module imports {module}.{name} {signature}, which gowasm's {host} host does not provide{hint}"
    )]
    JsImport {
        module: String,
        name: String,
        signature: String,
        host: &'static str,
        hint: String,
    },
    #[error(
        "the module imports {module}.{name} ({kind}), which gowasm does not provide: it provides wasi_snapshot_preview1 and the imports of Go's and TinyGo's wasm_exec.js"
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
    #[error(
        "this GOOS=js module does not export `{0}`, which wasm_exec.js's protocol needs: build a main package with GOOS=js GOARCH=wasm"
    )]
    GoJsExport(&'static str),
}

/// Decides whether gowasm can run the module described by `report`, and with which host.
pub fn triage(report: &Report) -> Result<HostNeeds, TriageError> {
    if report.target == Target::Component {
        return Err(TriageError::Component);
    }
    let has = |module: &str, name: &str| {
        report
            .imports
            .iter()
            .any(|i| i.module == module && i.name == name)
    };
    if has("go", "runtime.wasmExit") {
        return Err(TriageError::GoJsTooOld);
    }
    let js = if has("gojs", "runtime.wasmExit") {
        Some(JsAbi::Go)
    } else if report
        .imports
        .iter()
        .any(|i| is_js_host_module(&i.module) && tinygo_knows(&i.name))
    {
        Some(JsAbi::TinyGo)
    } else {
        None
    };
    let mut wasi = false;
    for import in &report.imports {
        if import.module == WASI_MODULE && import.kind == "func" {
            wasi = true;
        } else if let Some(abi) = js.filter(|_| is_js_host_module(&import.module)) {
            check_js_import(abi, import)?;
        } else if js == Some(JsAbi::Go)
            && (
                import.module.as_str(),
                import.name.as_str(),
                import.signature.as_str(),
            ) == GO_TEST_IMPORT
        {
        } else {
            return Err(TriageError::UnknownImport {
                module: import.module.clone(),
                name: import.name.clone(),
                kind: import.kind.clone(),
            });
        }
    }
    let exports = |name: &str| report.exports.iter().any(|e| e.name == name);
    match js {
        Some(JsAbi::Go) => {
            if let Some(missing) = GO_JS_EXPORTS.iter().find(|e| !exports(e)) {
                return Err(TriageError::GoJsExport(missing));
            }
        }
        _ if !report
            .exports
            .iter()
            .any(|e| e.name == "_start" && e.kind == "func") =>
        {
            return Err(TriageError::NoStart);
        }
        _ => {}
    }
    Ok(HostNeeds { wasi, js })
}

fn check_js_import(abi: JsAbi, import: &Import) -> Result<(), TriageError> {
    let (known, host, hint) = match abi {
        JsAbi::Go => (
            GO_JS_IMPORTS.contains(&import.name.as_str())
                && import.signature == GO_JS_SIGNATURE,
            "Go JS",
            " (it speaks the wasm_exec.js of Go 1.21 and later)".to_string(),
        ),
        JsAbi::TinyGo => (
            tinygo_accepts(&import.name, &import.signature),
            "TinyGo JS",
            match tinygo_signatures(&import.name) {
                known if known.is_empty() => {
                    " (it speaks the wasm_exec.js of TinyGo 0.33 to 0.40: rebuild with one of those, or with -target wasip1)".to_string()
                }
                known => format!(
                    " with that signature (it has {known}: rebuild with one of those TinyGo releases, or with -target wasip1)"
                ),
            },
        ),
    };
    if import.kind == "func" && known {
        return Ok(());
    }
    Err(TriageError::JsImport {
        module: import.module.clone(),
        name: import.name.clone(),
        signature: import.signature.clone(),
        host,
        hint,
    })
}
