//! Calling a module's exported functions directly, without WASI, in any mode: the engines as
//! the differential tests see them. Each exported function is called once, in export order, with
//! arguments chosen from its signature; then the exported memories and globals are read.

use super::{EngineError, Mode, interp, native};

/// A wasm value, comparable across engines: floats by their bits, references by nullness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    Ref { null: bool },
}

/// The parameter kinds [`argument`] knows how to fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    I32,
    I64,
    F32,
    F64,
    V128,
    FuncRef,
    ExternRef,
}

/// What one call did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    Returned(Vec<Value>),
    /// The trap's kind, in the names every mode shares (`unreachable`, `integer divide by zero`…).
    Trapped(String),
}

/// Everything observable after calling every export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// `Err` when instantiation failed: the start function's trap kind, or `refused` (a limit).
    pub instantiated: Result<(), String>,
    pub calls: Vec<(String, Call)>,
    /// Exported memories: name, size in bytes, BLAKE3 of the contents.
    pub memories: Vec<(String, u64, String)>,
    pub globals: Vec<(String, Value)>,
}

impl Probe {
    /// An instance that has not been called yet.
    pub(super) fn instantiated() -> Probe {
        Probe {
            instantiated: Ok(()),
            calls: vec![],
            memories: vec![],
            globals: vec![],
        }
    }
}

/// The `index`th parameter's argument: small, edge and sign-bit values in turn.
pub fn argument(kind: Kind, index: usize) -> Value {
    const INTS: [i64; 6] = [0, 1, -1, 7, i64::MIN, 0x7fff_ffff];
    let n = INTS[index % INTS.len()];
    match kind {
        Kind::I32 => Value::I32(n as i32),
        Kind::I64 => Value::I64(n),
        Kind::F32 => Value::F32((n as f32).to_bits()),
        Kind::F64 => Value::F64((n as f64).to_bits()),
        Kind::V128 => Value::V128((n as u128) * 0x0101_0101),
        Kind::FuncRef | Kind::ExternRef => Value::Ref { null: true },
    }
}

/// Instantiates `bytes` (which must import nothing) in `mode` with gowasm's engine settings and
/// linear memory capped at `max_memory`, then calls every exported function.
pub fn probe_exports(bytes: &[u8], mode: Mode, max_memory: u64) -> Result<Probe, EngineError> {
    let report = crate::inspect::inspect_headers(bytes)?;
    let exports: Vec<(String, String)> = report
        .exports
        .iter()
        .map(|e| (e.name.clone(), e.kind.clone()))
        .collect();
    match mode {
        Mode::Interp => interp::probe_exports(bytes, &exports, max_memory),
        Mode::Baseline | Mode::Aot | Mode::Opt => {
            native::probe_exports(bytes, mode, &exports, max_memory)
        }
    }
}

pub(super) fn digest(data: &[u8]) -> String {
    blake3::hash(data).to_hex().to_string()
}
