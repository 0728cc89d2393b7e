//! gowasm's JavaScript host, linked into wasmi: each `gojs`/`env` import the module has becomes a
//! host function that hands the host a [`Guest`] over wasmi's caller (or store, at the top).

use wasmi::{AsContext, AsContextMut, Caller, ExternType, Func, Linker, Memory, Module, Store};

use super::HostState;
use crate::engine::EngineError;
use crate::engine::js::{self, Guest, JsAbi, JsHost, Stop, Val};

/// What the host functions reach through the store: the host, and the exports it calls.
#[derive(Default)]
pub struct JsLink {
    pub host: Option<JsHost>,
    memory: Option<Memory>,
    exports: Vec<(&'static str, Func)>,
}

/// Defines every JavaScript-host import of `module` in `linker`.
pub fn add_to_linker(
    linker: &mut Linker<HostState>,
    module: &Module,
    abi: JsAbi,
) -> Result<(), EngineError> {
    let mut defined = std::collections::HashSet::new();
    for import in module.imports() {
        // Go 1.24 to 1.27 import `gojs.runtime.getRandomData` twice (the runtime and
        // crypto/internal/sysrand each declare it); wasmi's linker takes each name once.
        if js::defined_elsewhere(import.module())
            || !defined.insert((import.module(), import.name()))
        {
            continue;
        }
        let signature = match import.ty() {
            ExternType::Func(ty) => js::signature_of(ty.params(), ty.results()),
            _ => String::new(),
        };
        let (Some(handler), ExternType::Func(ty)) = (
            js::handler(abi, import.module(), import.name(), &signature),
            import.ty(),
        ) else {
            return Err(EngineError::Setup(format!(
                "no JS host function for {}.{} {signature}",
                import.module(),
                import.name()
            )));
        };
        linker
            .func_new(
                import.module(),
                import.name(),
                ty.clone(),
                move |mut caller: Caller<'_, HostState>, params, results| {
                    let args: Vec<Val> = params.iter().map(to_val).collect();
                    match js::call_import(&mut Wasmi(&mut caller), handler, &args) {
                        Ok(Some(v)) => {
                            results[0] = from_val(v);
                            Ok(())
                        }
                        Ok(None) => Ok(()),
                        Err(stop) => Err(into_error(stop)),
                    }
                },
            )
            .map_err(|e| EngineError::Setup(e.to_string()))?;
    }
    Ok(())
}

/// After instantiation: the memory and exports the host uses.
pub fn attach(store: &mut Store<HostState>, instance: &wasmi::Instance, abi: JsAbi) {
    let memory = instance.get_memory(&*store, js::memory_export(abi));
    let exports = js::exports(abi)
        .iter()
        .filter_map(|name| Some((*name, instance.get_func(&*store, name)?)))
        .collect();
    let link = &mut store.data_mut().js;
    link.memory = memory;
    link.exports = exports;
}

/// Starts the program and plays the event loop: [`js::run`] on the store.
pub fn run(store: &mut Store<HostState>) -> Result<(), Stop> {
    js::run(&mut Wasmi(store))
}

/// After a reactor's calls: what is left of the event loop ([`js::settle`]).
pub fn settle(store: &mut Store<HostState>) -> Result<(), Stop> {
    js::settle(&mut Wasmi(store))
}

/// A converted stop, back into the error wasmi unwinds with.
pub fn into_error(stop: Stop) -> wasmi::Error {
    match stop {
        Stop::Exit(code) => wasmi::Error::i32_exit(code),
        Stop::Fault(message) => wasmi::Error::new(message),
        Stop::Engine(e) => match e.downcast::<wasmi::Error>() {
            Ok(e) => *e,
            Err(_) => wasmi::Error::new("a host error of another engine"),
        },
    }
}

/// Access to the host state from a caller or from the store.
trait State: AsContextMut<Data = HostState> {
    fn state(&mut self) -> &mut HostState;
}

impl State for Caller<'_, HostState> {
    fn state(&mut self) -> &mut HostState {
        self.data_mut()
    }
}

impl State for Store<HostState> {
    fn state(&mut self) -> &mut HostState {
        self.data_mut()
    }
}

struct Wasmi<'a, C>(&'a mut C);

impl<C: State> Wasmi<'_, C> {
    fn memory(&mut self) -> Result<Memory, Stop> {
        self.0
            .state()
            .js
            .memory
            .ok_or_else(|| Stop::Fault("js: the module exports no memory".into()))
    }
}

fn out_of_bounds(addr: u64, len: usize) -> Stop {
    Stop::Fault(format!(
        "js: the guest passed memory {addr:#x}..+{len} outside its linear memory"
    ))
}

impl<C: State> Guest for Wasmi<'_, C> {
    fn host(&mut self) -> &mut JsHost {
        self.0
            .state()
            .js
            .host
            .as_mut()
            .expect("a JS-host run has its host")
    }

    fn read(&mut self, addr: u64, out: &mut [u8]) -> Result<(), Stop> {
        let memory = self.memory()?;
        let data = memory.data(self.0.as_context());
        let src = usize::try_from(addr)
            .ok()
            .and_then(|a| data.get(a..a.checked_add(out.len())?))
            .ok_or_else(|| out_of_bounds(addr, out.len()))?;
        out.copy_from_slice(src);
        Ok(())
    }

    fn write(&mut self, addr: u64, bytes: &[u8]) -> Result<(), Stop> {
        let memory = self.memory()?;
        let data = memory.data_mut(self.0.as_context_mut());
        let dst = usize::try_from(addr)
            .ok()
            .and_then(|a| data.get_mut(a..a.checked_add(bytes.len())?))
            .ok_or_else(|| out_of_bounds(addr, bytes.len()))?;
        dst.copy_from_slice(bytes);
        Ok(())
    }

    fn call(&mut self, export: &str, args: &[Val]) -> Result<Option<Val>, Stop> {
        let func = self
            .0
            .state()
            .js
            .exports
            .iter()
            .find(|(name, _)| *name == export)
            .map(|(_, f)| *f)
            .ok_or_else(|| Stop::Fault(format!("js: the module exports no `{export}`")))?;
        let params: Vec<wasmi::Val> = args.iter().map(|v| from_val(*v)).collect();
        let result_count = func.ty(self.0.as_context()).results().len();
        let mut results = vec![wasmi::Val::I32(0); result_count];
        func.call(self.0.as_context_mut(), &params, &mut results)
            .map_err(|e| Stop::Engine(Box::new(e)))?;
        Ok(results.first().map(to_val))
    }
}

pub(super) fn to_val(v: &wasmi::Val) -> Val {
    match v {
        wasmi::Val::I32(x) => Val::I32(*x),
        wasmi::Val::I64(x) => Val::I64(*x),
        wasmi::Val::F32(x) => Val::F32(x.to_float()),
        wasmi::Val::F64(x) => Val::F64(x.to_float()),
        _ => Val::I32(0),
    }
}

pub(super) fn from_val(v: Val) -> wasmi::Val {
    match v {
        Val::I32(x) => wasmi::Val::I32(x),
        Val::I64(x) => wasmi::Val::I64(x),
        Val::F32(x) => wasmi::Val::F32(x.into()),
        Val::F64(x) => wasmi::Val::F64(x.into()),
    }
}
