//! Other WebAssembly runtimes to time against, found on PATH, each called the way its own CLI
//! runs a WASI command module.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The runtimes `--against` knows.
pub const KNOWN: [&str; 8] = [
    "wasmtime",
    "wasmedge",
    "wasmer",
    "wazero",
    "wasm3",
    "wasmi_cli",
    "iwasm",
    "node",
];

/// A runtime found on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Runtime {
    pub name: String,
    pub path: PathBuf,
    /// An artifact the runtime compiled ahead of time, run instead of the module (wasmtime's
    /// `.cwasm`): the counterpart of gowasm's warm aot.
    pub precompiled: Option<PathBuf>,
}

/// The executables a runtime's CLI may be installed as (`cargo install wasmi_cli` gives `wasmi`).
fn executables(name: &str) -> &[&str] {
    match name {
        "wasmi_cli" => &["wasmi_cli", "wasmi"],
        _ => &[],
    }
}

/// Looks each name up on PATH; returns the ones found and the names that were not.
pub fn find(names: &[String]) -> (Vec<Runtime>, Vec<String>) {
    let mut found = vec![];
    let mut missing = vec![];
    for name in names {
        let path = match executables(name) {
            [] => which::which(name).ok(),
            aliases => aliases.iter().find_map(|a| which::which(a).ok()),
        };
        match path {
            Some(path) if KNOWN.contains(&name.as_str()) => found.push(Runtime {
                name: name.clone(),
                path,
                precompiled: None,
            }),
            _ => missing.push(name.clone()),
        }
    }
    (found, missing)
}

/// The node WASI shim gowasm carries: `node shim.mjs MODULE ARGS…`.
pub const NODE_SHIM: &str = r#"import { readFile } from "node:fs/promises";
import { WASI } from "node:wasi";
import { argv, exit } from "node:process";
const [module, ...args] = argv.slice(2);
const wasi = new WASI({ version: "preview1", args: [module, ...args], env: {}, returnOnExit: true });
const { instance } = await WebAssembly.instantiate(await readFile(module), wasi.getImportObject());
exit(wasi.start(instance));
"#;

impl Runtime {
    /// The command that runs `module` with `args`; `shim` is where the node shim was written.
    pub fn command(&self, module: &Path, args: &[String], shim: &Path) -> Command {
        let mut c = Command::new(&self.path);
        match (self.name.as_str(), &self.precompiled) {
            (_, Some(artifact)) => {
                c.args(["run", "--allow-precompiled"])
                    .arg(artifact)
                    .args(args);
            }
            // wasmtime caches compiled modules by default: off, so this is its cold run.
            ("wasmtime", None) => {
                c.args(["run", "-C", "cache=n"]).arg(module).args(args);
            }
            ("wazero", None) => {
                c.arg("run").arg(module).args(args);
            }
            ("wasmer", None) => {
                c.arg("run").arg(module).arg("--").args(args);
            }
            ("node", None) => {
                c.arg("--no-warnings").arg(shim).arg(module).args(args);
            }
            _ => {
                c.arg(module).args(args);
            }
        }
        c
    }

    /// For a runtime that can compile ahead of time (wasmtime), compiles `module` into `dir`
    /// and returns the variant that runs the artifact; `None` for the others.
    pub fn precompile(&self, module: &Path, dir: &Path) -> Result<Option<Runtime>, String> {
        if self.name != "wasmtime" || self.precompiled.is_some() {
            return Ok(None);
        }
        let artifact = dir.join("module.cwasm");
        let out = Command::new(&self.path)
            .arg("compile")
            .arg("-o")
            .arg(&artifact)
            .arg(module)
            .output()
            .map_err(|e| format!("could not run {}: {e}", self.path.display()))?;
        if !out.status.success() {
            return Err(format!(
                "{} compile failed: {}",
                self.name,
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .next()
                    .unwrap_or("")
            ));
        }
        Ok(Some(Runtime {
            name: format!("{} (precompiled)", self.name),
            path: self.path.clone(),
            precompiled: Some(artifact),
        }))
    }
}
