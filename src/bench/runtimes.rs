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
}

/// Looks each name up on PATH; returns the ones found and the names that were not.
pub fn find(names: &[String]) -> (Vec<Runtime>, Vec<String>) {
    let mut found = vec![];
    let mut missing = vec![];
    for name in names {
        match which::which(name) {
            Ok(path) if KNOWN.contains(&name.as_str()) => found.push(Runtime {
                name: name.clone(),
                path,
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
        match self.name.as_str() {
            "wasmtime" | "wazero" => {
                c.arg("run").arg(module).args(args);
            }
            "wasmer" => {
                c.arg("run").arg(module).arg("--").args(args);
            }
            "node" => {
                c.arg("--no-warnings").arg(shim).arg(module).args(args);
            }
            _ => {
                c.arg(module).args(args);
            }
        }
        c
    }
}
