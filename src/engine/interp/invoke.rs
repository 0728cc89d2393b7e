//! [`crate::engine::invoke`] on wasmi.

use wasmi::{Linker, Module, Store, Val, ValType};

use super::{MemoryCap, engine, on_deep_stack, trap_kind};
use crate::engine::EngineError;
use crate::engine::invoke::{Call, Kind, Probe, Value, argument, digest};

pub fn probe_exports(
    bytes: &[u8],
    exports: &[(String, String)],
    max_memory: u64,
) -> Result<Probe, EngineError> {
    on_deep_stack(|| probe_here(bytes, exports, max_memory))
}

fn probe_here(
    bytes: &[u8],
    exports: &[(String, String)],
    max_memory: u64,
) -> Result<Probe, EngineError> {
    let engine = engine();
    let module = Module::new(&engine, bytes).map_err(|e| EngineError::Invalid(e.to_string()))?;
    let mut store = Store::new(&engine, MemoryCap::new(max_memory));
    store.limiter(|cap| cap);
    let linker = <Linker<MemoryCap>>::new(&engine);
    let mut probe = Probe::instantiated();
    let instance = match linker.instantiate_and_start(&mut store, &module) {
        Ok(i) => i,
        Err(e) => {
            probe.instantiated = Err(match e.as_trap_code() {
                Some(code) => trap_kind(code).to_string(),
                None => "refused".to_string(),
            });
            return Ok(probe);
        }
    };
    for (name, kind) in exports {
        match kind.as_str() {
            "func" => {
                let func = instance.get_func(&store, name).expect("exported");
                let ty = func.ty(&store);
                let args: Vec<Val> = ty
                    .params()
                    .iter()
                    .enumerate()
                    .map(|(i, t)| to_val(argument(kind_of(*t), i), *t))
                    .collect();
                let mut results: Vec<Val> = ty
                    .results()
                    .iter()
                    .map(|t| Val::default_for_ty(*t))
                    .collect();
                let call = match func.call(&mut store, &args, &mut results) {
                    Ok(()) => Call::Returned(results.iter().map(from_val).collect()),
                    Err(e) => Call::Trapped(match e.as_trap_code() {
                        Some(code) => trap_kind(code).to_string(),
                        None => e.to_string(),
                    }),
                };
                probe.calls.push((name.clone(), call));
            }
            "memory" => {
                let memory = instance.get_memory(&store, name).expect("exported");
                let data = memory.data(&store);
                probe
                    .memories
                    .push((name.clone(), data.len() as u64, digest(data)));
            }
            "global" => {
                let global = instance.get_global(&store, name).expect("exported");
                probe
                    .globals
                    .push((name.clone(), from_val(&global.get(&store))));
            }
            _ => {}
        }
    }
    Ok(probe)
}

fn kind_of(t: ValType) -> Kind {
    match t {
        ValType::I32 => Kind::I32,
        ValType::I64 => Kind::I64,
        ValType::F32 => Kind::F32,
        ValType::F64 => Kind::F64,
        ValType::V128 => Kind::V128,
        ValType::FuncRef => Kind::FuncRef,
        ValType::ExternRef => Kind::ExternRef,
    }
}

fn to_val(v: Value, ty: ValType) -> Val {
    match v {
        Value::I32(n) => Val::I32(n),
        Value::I64(n) => Val::I64(n),
        Value::F32(bits) => Val::F32(wasmi::F32::from_bits(bits)),
        Value::F64(bits) => Val::F64(wasmi::F64::from_bits(bits)),
        Value::V128(bits) => Val::V128(wasmi::V128::from(bits)),
        Value::Ref { .. } => Val::default_for_ty(ty),
    }
}

fn from_val(v: &Val) -> Value {
    match v {
        Val::I32(n) => Value::I32(*n),
        Val::I64(n) => Value::I64(*n),
        Val::F32(f) => Value::F32(f.to_bits()),
        Val::F64(f) => Value::F64(f.to_bits()),
        Val::V128(v) => Value::V128(v.as_u128()),
        Val::FuncRef(r) => Value::Ref { null: r.is_null() },
        Val::ExternRef(r) => Value::Ref { null: r.is_null() },
    }
}
