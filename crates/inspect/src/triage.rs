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
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HostNeeds {
    /// The module imports WASI functions, so the host sets up a WASI environment.
    pub wasi: bool,
    /// The module needs a JavaScript host speaking this ABI.
    pub js: Option<JsAbi>,
    /// How it is started: `_start`, `_initialize`, or only through its exports.
    pub entry: Entry,
}

/// How a module is entered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Entry {
    #[default]
    /// A command: `_start` runs the program (Go's and TinyGo's default build mode; a GOOS=js
    /// module's `run`).
    Command,
    /// A reactor: `_initialize` sets it up once, then the host calls its exports
    /// (`-buildmode=c-shared`, `//go:wasmexport`).
    Reactor,
    /// Neither: functions exported for the host to call, with nothing to set up first.
    Library,
}

/// The exported functions a host may call: all but the entry points and the runtime's own
/// (TinyGo's allocator and asyncify, the JS host's `resume` and `go_scheduler`).
pub fn callable_exports(report: &Report) -> impl Iterator<Item = &super::Export> {
    report.exports.iter().filter(|e| e.is_callable())
}

impl super::Export {
    /// Whether this is a function for the host to call, not an entry point or the runtime's own.
    pub fn is_callable(&self) -> bool {
        self.kind == "func" && is_callable(&self.name)
    }
}

/// Whether an exported function of this name is one for the host to call.
fn is_callable(name: &str) -> bool {
    const NOT_FOR_CALLING: &[&str] = &[
        "_start",
        "_initialize",
        "resume",
        "go_scheduler",
        "getsp",
        "run",
        "malloc",
        "free",
        "calloc",
        "realloc",
    ];
    !NOT_FOR_CALLING.contains(&name) && !name.starts_with("asyncify_")
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
        "the module exports no `_start` or `_initialize`, only functions ({0}): call one with --invoke NAME ARGS"
    )]
    OnlyExports(String),
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
    Ok(HostNeeds {
        wasi,
        js,
        entry: entry(report, js)?,
    })
}

/// How the module starts: Go's JS protocol, `_start`, `_initialize`, or its exports alone.
fn entry(report: &Report, js: Option<JsAbi>) -> Result<Entry, TriageError> {
    let exports = |name: &str| {
        report
            .exports
            .iter()
            .any(|e| e.name == name && e.kind == "func")
    };
    if js == Some(JsAbi::Go) {
        let named = |name: &str| report.exports.iter().any(|e| e.name == name);
        if let Some(missing) = GO_JS_EXPORTS.iter().find(|e| !named(e)) {
            return Err(TriageError::GoJsExport(missing));
        }
        return Ok(Entry::Command);
    }
    if exports("_start") {
        Ok(Entry::Command)
    } else if exports("_initialize") {
        Ok(Entry::Reactor)
    } else if js.is_none() && callable_exports(report).next().is_some() {
        Ok(Entry::Library)
    } else {
        Err(TriageError::NoStart)
    }
}

impl Entry {
    /// Why a run without `--invoke` cannot start a library module, with the names it exports.
    pub fn only_exports(report: &Report) -> TriageError {
        let names: Vec<&str> = callable_exports(report).map(|e| e.name.as_str()).collect();
        TriageError::OnlyExports(short_list(&names, 4))
    }
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

/// `a, b, c and 4 more`: the first `n` names of a list.
pub fn short_list(names: &[&str], n: usize) -> String {
    let mut s = names.iter().take(n).copied().collect::<Vec<_>>().join(", ");
    if names.len() > n {
        s.push_str(&format!(" and {} more", names.len() - n));
    }
    s
}
