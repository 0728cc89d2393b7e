//! [`crate::engine::invoke`] on wasmer (Singlepass or Cranelift, never cached).

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use wasmer::{Extern, Instance, Store, Type, imports};

use super::{compile_module, make_engine, opt, trap_kind};
use crate::engine::invoke::{Call, Kind, Probe, Value as Val, argument, digest};
use crate::engine::{EngineError, Mode, RunConfig};

pub fn probe_exports(
    bytes: &[u8],
    mode: Mode,
    exports: &[(String, String)],
    max_memory: u64,
) -> Result<Probe, EngineError> {
    let config = RunConfig {
        max_memory,
        ..RunConfig::default()
    };
    let engine = make_engine(mode, &config, Arc::new(AtomicBool::new(false)))?;
    // The differential test's modules rely on out-of-bounds traps.
    let module = compile_module(&engine, bytes, mode, max_memory, opt::Memory::Strict)?;
    let mut store = Store::new(engine);
    let mut probe = Probe::instantiated();
    let instance = match Instance::new(&mut store, &module, &imports! {}) {
        Ok(i) => i,
        Err(wasmer::InstantiationError::Start(e)) => {
            probe.instantiated = Err(kind_of_error(&e));
            return Ok(probe);
        }
        Err(_) => {
            probe.instantiated = Err("refused".to_string());
            return Ok(probe);
        }
    };
    for (name, _) in exports {
        match instance.exports.get_extern(name) {
            Some(Extern::Function(func)) => {
                let ty = func.ty(&store);
                let args: Vec<wasmer::Value> = ty
                    .params()
                    .iter()
                    .enumerate()
                    .map(|(i, t)| to_value(argument(kind_of(*t), i), kind_of(*t)))
                    .collect();
                let call = match func.call(&mut store, &args) {
                    Ok(results) => Call::Returned(results.iter().map(from_value).collect()),
                    Err(e) => Call::Trapped(kind_of_error(&e)),
                };
                probe.calls.push((name.clone(), call));
            }
            Some(Extern::Memory(memory)) => {
                let view = memory.view(&store);
                let data = view.copy_to_vec().expect("a whole memory reads");
                probe
                    .memories
                    .push((name.clone(), data.len() as u64, digest(&data)));
            }
            Some(Extern::Global(global)) => {
                probe
                    .globals
                    .push((name.clone(), from_value(&global.get(&mut store))));
            }
            _ => {}
        }
    }
    Ok(probe)
}

fn kind_of_error(e: &wasmer::RuntimeError) -> String {
    match e.clone().to_trap() {
        Some(code) => trap_kind(code).to_string(),
        None => e.message(),
    }
}

fn kind_of(t: Type) -> Kind {
    match t {
        Type::I32 => Kind::I32,
        Type::I64 => Kind::I64,
        Type::F32 => Kind::F32,
        Type::F64 => Kind::F64,
        Type::V128 => Kind::V128,
        Type::ExternRef => Kind::ExternRef,
        _ => Kind::FuncRef,
    }
}

fn to_value(v: Val, kind: Kind) -> wasmer::Value {
    match v {
        Val::I32(n) => wasmer::Value::I32(n),
        Val::I64(n) => wasmer::Value::I64(n),
        Val::F32(bits) => wasmer::Value::F32(f32::from_bits(bits)),
        Val::F64(bits) => wasmer::Value::F64(f64::from_bits(bits)),
        Val::V128(bits) => wasmer::Value::V128(bits),
        Val::Ref { .. } if kind == Kind::ExternRef => wasmer::Value::ExternRef(None),
        Val::Ref { .. } => wasmer::Value::FuncRef(None),
    }
}

fn from_value(v: &wasmer::Value) -> Val {
    match v {
        wasmer::Value::I32(n) => Val::I32(*n),
        wasmer::Value::I64(n) => Val::I64(*n),
        wasmer::Value::F32(f) => Val::F32(f.to_bits()),
        wasmer::Value::F64(f) => Val::F64(f.to_bits()),
        wasmer::Value::V128(v) => Val::V128(*v),
        wasmer::Value::FuncRef(r) => Val::Ref { null: r.is_none() },
        wasmer::Value::ExternRef(r) => Val::Ref { null: r.is_none() },
        wasmer::Value::ExceptionRef(r) => Val::Ref { null: r.is_none() },
    }
}
