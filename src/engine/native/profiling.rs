//! The profiler on wasmer: the import the instrumented module's checks call
//! ([`crate::profile::instrument`]), which hands them to the run's sampler with a reader of the
//! guest's memory; and the ticker that sets the module's tick global ([`start`]).

use wasmer::{
    AsStoreMut, Function, FunctionEnv, FunctionEnvMut, Imports, Instance, Memory, Store, Value,
};

use crate::engine::{EngineError, LoadedModule};

use crate::profile::instrument::{IMPORT_MODULE, IMPORT_NAME, TICK_EXPORT};
use crate::profile::sampler::{SharedSampler, Ticker, point};

pub struct Env {
    sampler: SharedSampler,
    memory: Option<Memory>,
}

/// Defines `gowasm_prof.sample` in `imports`.
pub fn define(
    store: &mut Store,
    imports: &mut Imports,
    sampler: SharedSampler,
) -> FunctionEnv<Env> {
    let env = FunctionEnv::new(
        store,
        Env {
            sampler,
            memory: None,
        },
    );
    let sample = Function::new_typed_with_env(
        store,
        &env,
        |mut env: FunctionEnvMut<Env>, site: i32, index: i32, pc_b: i32, sp: i32, _g: i64| -> i32 {
            let (env, store) = env.data_and_store_mut();
            let view = env.memory.as_ref().map(|m| m.view(&store));
            let read = |at: u32| {
                let mut word = [0u8; 8];
                view.as_ref()?.read(u64::from(at), &mut word).ok()?;
                Some(u64::from_le_bytes(word))
            };
            env.sampler.lock().unwrap_or_else(|p| p.into_inner()).check(
                site,
                point(index, pc_b, sp),
                read,
            )
        },
    );
    imports.define(IMPORT_MODULE, IMPORT_NAME, sample);
    env
}

/// Once the instance exists: gives the import the guest's memory and starts the ticker.
pub fn start(
    store: &mut Store,
    instance: &Instance,
    env: &FunctionEnv<Env>,
    module: &LoadedModule,
    sampler: &SharedSampler,
) -> Result<Ticker, EngineError> {
    let memory = sampler
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .memory(module.memory_export());
    if let Ok(memory) = instance.exports.get_memory(memory) {
        env.as_mut(store).memory = Some(memory.clone());
    }
    let ticker = tick(store, instance, sampler)?;
    sampler.lock().unwrap_or_else(|p| p.into_inner()).begin();
    Ok(ticker)
}

/// Starts setting the instance's tick global once per sampling period, until the ticker is
/// dropped (which must come before the instance's end).
///
/// wasmer does not hand out where a global's value lives, but its store lists its globals: the
/// tick is the one that holds a value set through the public API a moment before.
fn tick(
    store: &mut Store,
    instance: &Instance,
    sampler: &SharedSampler,
) -> Result<Ticker, EngineError> {
    let cannot = |why: &str| EngineError::Setup(format!("cannot profile: {TICK_EXPORT} {why}"));
    let global = instance
        .exports
        .get_global(TICK_EXPORT)
        .map_err(|_| cannot("is not exported"))?;
    let mut found = None;
    for sentinel in [0x676f_7761, 0x7469_636b] {
        global
            .set(store, Value::I32(sentinel))
            .map_err(|_| cannot("cannot be set"))?;
        let mut matching = store
            .objects_mut()
            .as_sys()
            .iter_globals()
            .map(|g| g.vmglobal())
            // SAFETY: every global's definition is valid while its store is; its first four
            // bytes are an i32's value or part of a wider one, any of which may be read.
            .filter(|d| unsafe { d.as_ref().val.i32 } == sentinel);
        if let (Some(one), None) = (matching.next(), matching.next()) {
            found = Some(one);
            break;
        }
    }
    global
        .set(store, Value::I32(0))
        .map_err(|_| cannot("cannot be set"))?;
    let definition = found.ok_or_else(|| cannot("is not among the store's globals"))?;
    let period = sampler.lock().unwrap_or_else(|p| p.into_inner()).period();
    // SAFETY: the definition is the i32 global's, alive as long as the instance's store, and
    // the run drops the ticker before the store.
    Ok(unsafe { Ticker::start(definition.cast(), period) })
}
