//! gowasm's JavaScript host, linked into wasmer: each `gojs`/`env` import the module has becomes a
//! dynamic host function that hands the host a [`Guest`] over wasmer's function environment (or
//! the store, at the top).

use wasmer::{
    AsStoreMut, ExternType, Function, FunctionEnv, FunctionEnvMut, Imports, Instance, Memory,
    Module, RuntimeError, Store, Value,
};

use crate::engine::EngineError;
use crate::engine::js::{self, Guest, JsAbi, JsHost, Stop, Val};

/// The function environment of the host functions: the host, and the exports it calls.
pub struct JsLink {
    pub host: JsHost,
    memory: Option<Memory>,
    exports: Vec<(&'static str, Function)>,
}

/// `process.exit`/`runtime.wasmExit` from inside the guest, unwinding to the run.
#[derive(Debug, thiserror::Error)]
#[error("the guest exited with code {0}")]
pub struct JsExit(pub i32);

/// Defines every JavaScript-host import of `module` in `imports`; returns the environment.
pub fn define(
    store: &mut Store,
    imports: &mut Imports,
    module: &Module,
    abi: JsAbi,
    host: JsHost,
) -> Result<FunctionEnv<JsLink>, EngineError> {
    let env = FunctionEnv::new(
        store,
        JsLink {
            host,
            memory: None,
            exports: Vec::new(),
        },
    );
    for import in module.imports() {
        if js::defined_elsewhere(import.module()) {
            continue;
        }
        let signature = match import.ty() {
            ExternType::Function(ty) => js::signature_of(ty.params(), ty.results()),
            _ => String::new(),
        };
        let (Some(handler), ExternType::Function(ty)) = (
            js::handler(abi, import.module(), import.name(), &signature),
            import.ty(),
        ) else {
            return Err(EngineError::Setup(format!(
                "no JS host function for {}.{} {signature}",
                import.module(),
                import.name()
            )));
        };
        let link = env.clone();
        let function = Function::new_with_env(
            store,
            &env,
            ty.clone(),
            move |mut fenv: FunctionEnvMut<JsLink>, params: &[Value]| {
                let args: Vec<Val> = params.iter().map(to_val).collect();
                let mut guest = Wasmer {
                    store: &mut fenv,
                    env: link.clone(),
                };
                match js::call_import(&mut guest, handler, &args) {
                    Ok(result) => Ok(result.into_iter().map(from_val).collect()),
                    Err(stop) => Err(into_error(stop)),
                }
            },
        );
        imports.define(import.module(), import.name(), function);
    }
    Ok(env)
}

/// After instantiation: the memory and exports the host uses.
pub fn attach(store: &mut Store, env: &FunctionEnv<JsLink>, instance: &Instance, abi: JsAbi) {
    let memory = instance
        .exports
        .get_memory(js::memory_export(abi))
        .ok()
        .cloned();
    let exports = js::exports(abi)
        .iter()
        .filter_map(|name| Some((*name, instance.exports.get_function(name).ok()?.clone())))
        .collect();
    let link = env.as_mut(store);
    link.memory = memory;
    link.exports = exports;
}

/// Starts the program and plays the event loop: [`js::run`] on the store.
pub fn run(store: &mut Store, env: &FunctionEnv<JsLink>) -> Result<(), Stop> {
    js::run(&mut Wasmer {
        store,
        env: env.clone(),
    })
}

/// After a reactor's calls: what is left of the event loop ([`js::settle`]).
pub fn settle(store: &mut Store, env: &FunctionEnv<JsLink>) -> Result<(), Stop> {
    js::settle(&mut Wasmer {
        store,
        env: env.clone(),
    })
}

fn into_error(stop: Stop) -> RuntimeError {
    match stop {
        Stop::Exit(code) => RuntimeError::user(Box::new(JsExit(code))),
        Stop::Fault(message) => RuntimeError::new(message),
        Stop::Engine(e) => match e.downcast::<RuntimeError>() {
            Ok(e) => *e,
            Err(_) => RuntimeError::new("a host error of another engine"),
        },
    }
}

struct Wasmer<'a, S> {
    store: &'a mut S,
    env: FunctionEnv<JsLink>,
}

impl<S: AsStoreMut> Wasmer<'_, S> {
    fn link(&mut self) -> &mut JsLink {
        self.env.as_mut(self.store)
    }

    fn memory(&mut self) -> Result<Memory, Stop> {
        self.link()
            .memory
            .clone()
            .ok_or_else(|| Stop::Fault("js: the module exports no memory".into()))
    }
}

fn out_of_bounds(addr: u64, len: usize) -> Stop {
    Stop::Fault(format!(
        "js: the guest passed memory {addr:#x}..+{len} outside its linear memory"
    ))
}

impl<S: AsStoreMut> Guest for Wasmer<'_, S> {
    fn host(&mut self) -> &mut JsHost {
        &mut self.link().host
    }

    fn read(&mut self, addr: u64, out: &mut [u8]) -> Result<(), Stop> {
        let memory = self.memory()?;
        memory
            .view(&*self.store)
            .read(addr, out)
            .map_err(|_| out_of_bounds(addr, out.len()))
    }

    fn write(&mut self, addr: u64, bytes: &[u8]) -> Result<(), Stop> {
        let memory = self.memory()?;
        memory
            .view(&*self.store)
            .write(addr, bytes)
            .map_err(|_| out_of_bounds(addr, bytes.len()))
    }

    fn call(&mut self, export: &str, args: &[Val]) -> Result<Option<Val>, Stop> {
        let func = self
            .link()
            .exports
            .iter()
            .find(|(name, _)| *name == export)
            .map(|(_, f)| f.clone())
            .ok_or_else(|| Stop::Fault(format!("js: the module exports no `{export}`")))?;
        let params: Vec<Value> = args.iter().map(|v| from_val(*v)).collect();
        let results = func
            .call(self.store, &params)
            .map_err(|e| Stop::Engine(Box::new(e)))?;
        Ok(results.first().map(to_val))
    }
}

pub(super) fn to_val(v: &Value) -> Val {
    match v {
        Value::I32(x) => Val::I32(*x),
        Value::I64(x) => Val::I64(*x),
        Value::F32(x) => Val::F32(*x),
        Value::F64(x) => Val::F64(*x),
        _ => Val::I32(0),
    }
}

pub(super) fn from_val(v: Val) -> Value {
    match v {
        Val::I32(x) => Value::I32(x),
        Val::I64(x) => Value::I64(x),
        Val::F32(x) => Value::F32(x),
        Val::F64(x) => Value::F64(x),
    }
}
