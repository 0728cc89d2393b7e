//! What a wasm file holds: sections, imports, exports, limits, biggest functions, toolchain.
//!
//! Everything here is a pure function of the bytes; arbitrary input returns an error, never panics.

pub mod anatomy;
pub mod anatomy_diff;
pub mod call_graph;
pub mod dwarf;
pub mod frame_places;
pub mod go_pclntab;
pub mod go_resume;
pub mod go_stacks;
pub mod js_abi;
pub mod retained;
pub mod triage;

mod parse;
pub mod toolchain;

#[cfg(test)]
mod tests;

pub use parse::{inspect, inspect_headers};
pub use toolchain::{Target, Toolchain, WASI_MODULE, detect_toolchain, is_js_host_module};

use serde::{Deserialize, Serialize};

/// How many of the largest function bodies a report lists by default.
pub const DEFAULT_TOP_FUNCTIONS: usize = 20;

/// Everything the inspector found in one wasm file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Report {
    pub file_size: u64,
    /// `module` or `component`.
    pub encoding: Encoding,
    pub sections: Vec<Section>,
    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    pub memories: Vec<Limits>,
    pub tables: Vec<Limits>,
    pub data_segments: u32,
    pub data_bytes: u64,
    pub imported_functions: u32,
    /// Functions defined in the module (with a body), not counting imports.
    pub defined_functions: u32,
    /// The largest function bodies, biggest first.
    pub largest_functions: Vec<FunctionSize>,
    pub producers: Vec<Producer>,
    pub toolchain: Toolchain,
    pub target: Target,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    Module,
    Component,
}

/// One section of the file, standard or custom.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Section {
    /// `type`, `import`, `code`, … or `custom:NAME` for custom sections.
    pub name: String,
    /// Byte offset of the section's payload in the file.
    pub offset: u64,
    /// Payload size in bytes.
    pub size: u64,
    /// Share of the whole file, 0–100.
    pub percent: f64,
    /// Number of items (functions, imports, segments…) where the section has a count.
    pub items: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Import {
    pub module: String,
    pub name: String,
    /// `func`, `table`, `memory`, `global` or `tag`.
    pub kind: String,
    /// Function signature like `(i32, i64) -> i32`, or the type of the other kinds.
    pub signature: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Export {
    pub name: String,
    pub kind: String,
    pub index: u32,
    /// A function's parameter and result types (`i32`, `f64`, …); empty for other kinds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<String>,
}

impl Export {
    /// `(i32, i32) -> (i32)` for a function, as imports write theirs; empty for other kinds.
    pub fn signature(&self) -> String {
        if self.kind != "func" {
            return String::new();
        }
        js_abi::signature(&self.params, &self.results)
    }
}

/// Limits of a memory (in 64 KiB pages) or a table (in elements).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Limits {
    pub initial: u64,
    pub maximum: Option<u64>,
    pub imported: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FunctionSize {
    /// Index in the function index space (imports first).
    pub index: u32,
    pub name: Option<String>,
    /// Body size in bytes.
    pub size: u64,
}

/// One entry of the `producers` custom section, e.g. `language: Go go1.23.5`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Producer {
    pub field: String,
    pub name: String,
    pub version: String,
}

/// Why a file could not be inspected.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum InspectError {
    #[error("not a WebAssembly file (it does not start with \\0asm)")]
    NotWasm,
    #[error("the file is empty")]
    Empty,
    #[error("malformed or truncated wasm at byte {offset}: {message}")]
    Malformed { offset: u64, message: String },
    #[error("invalid WebAssembly text: {0}")]
    Wat(String),
}

/// Appends `n` as unsigned LEB128, as wasm writes counts and sizes (for the few places that
/// write a module: the fuzz target's inputs, `gowasm image --exit-return`).
pub fn write_uleb128(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        out.push(if n == 0 { b } else { b | 0x80 });
        if n == 0 {
            break;
        }
    }
}

/// The binary module for a file's contents: binary wasm as it is, or WebAssembly text (`.wat`,
/// recognised by its leading `(` or comment) compiled to binary, as wasmtime and wasmer accept it.
pub fn binary_from_file_contents(raw: Vec<u8>) -> Result<Vec<u8>, InspectError> {
    let text_start = raw
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'(' || b == b';');
    if raw.starts_with(b"\0asm") || !text_start {
        return Ok(raw);
    }
    wat::parse_bytes(&raw)
        .map(|b| b.into_owned())
        .map_err(|e| InspectError::Wat(e.to_string().lines().next().unwrap_or("").to_string()))
}

impl Report {
    /// The section with this name (`code`, `custom:name`, …), if present.
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }
}
