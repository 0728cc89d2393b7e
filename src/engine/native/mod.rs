//! Compiled modes on wasmer: `baseline` (Singlepass), `aot` (Cranelift) and `opt` (LLVM), the
//! last two with their artifacts cached on disk, with wasmer-wasix for WASI preview 1.

mod code_image;
mod fixes;
mod fs;
mod invoke;
mod js;
pub mod opt;
mod profiling;
mod stdio;
mod tunables;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use wasmer::sys::{Cranelift, CraneliftOptLevel, EngineBuilder, NativeEngineExt, Singlepass};
use wasmer::{Engine, Instance, Module, RuntimeError, Store};
use wasmer_wasix::runtime::task_manager::tokio::TokioTaskManager;
use wasmer_wasix::runtime::{module_cache, package_loader, resolver};
use wasmer_wasix::virtual_fs::NullFile;
use wasmer_wasix::{PluggableRuntime, WasiEnv, WasiError};

pub(super) use invoke::probe_exports;

use super::cache::{ArtifactCache, Lookup};
use super::calls::{self, PlannedCall};
use super::js::Val;
use super::report::{CacheUse, Frame, Outcome, Trap};
use super::{
    EngineError, LoadedModule, MAX_WASM_STACK, Mode, OutputSink, RunConfig, RunReport, Stream,
};
use crate::profile::sampler::SharedSampler;

/// Bumped whenever gowasm changes how it configures wasmer or lays out an artifact, so old
/// artifacts are not reused, and versions sharing a cache use different files.
const GOWASM_ENGINE_REVISION: u32 = 4;

/// aot's compiler: Cranelift, optimizing for speed.
fn aot_compiler() -> Cranelift {
    let mut c = Cranelift::new();
    c.opt_level(CraneliftOptLevel::Speed);
    c
}

/// [`aot_compiler`]'s deterministic id (a test checks it), known without making one: making
/// Cranelift's configuration reads cgroup files to count CPUs, which a cached start never needs.
const AOT_COMPILER_ID: &str = "cranelift-opts";

/// An engine for `mode` with gowasm's tunables; `hit` records a refused memory.grow.
///
/// aot and opt engines are headless: they only load artifacts. Their compilers run on a cache
/// miss only, aot's in [`compile_module`], opt's in gowasm-opt ([`opt`]).
fn make_engine(
    mode: Mode,
    config: &RunConfig,
    hit: Arc<AtomicBool>,
) -> Result<Engine, EngineError> {
    let mut engine: Engine = match mode {
        Mode::Aot | Mode::Opt => EngineBuilder::headless().into(),
        _ => EngineBuilder::new(Singlepass::new()).into(),
    };
    engine.set_tunables(tunables::CappedTunables::new(
        config.max_memory,
        MAX_WASM_STACK,
        hit,
    ));
    Ok(engine)
}

/// Identifies everything that makes an artifact loadable: wasmer version, compiler and its
/// settings, target and CPU features, and gowasm's own configuration.
pub fn engine_identity(engine: &Engine, mode: Mode, memory: opt::Memory) -> String {
    let target = engine.target();
    let compiler = match mode {
        Mode::Opt => memory.compiler_id(),
        Mode::Aot => AOT_COMPILER_ID.to_string(),
        _ => engine.deterministic_id(),
    };
    format!(
        "wasmer-{}|{}|{}|{:?}|gowasm-engine-{}",
        wasmer::sys::vm::VERSION,
        compiler,
        target.triple(),
        target.cpu_features(),
        GOWASM_ENGINE_REVISION
    )
}

/// Compiles, or loads from the cache for `aot`; records what happened in `report`.
fn compile(
    engine: &Engine,
    module: &LoadedModule,
    mode: Mode,
    config: &RunConfig,
    report: &mut RunReport,
) -> Result<Module, EngineError> {
    let started = Instant::now();
    let memory = opt::Memory::for_module(&module.report);
    let compile_now = || {
        let bytes = module.compile_bytes();
        compile_module(engine, &bytes, mode, config.max_memory, memory)
    };
    let cache = match (mode, &config.cache_dir) {
        (mode, Some(root)) if mode.cached() => Some(ArtifactCache::new(root)),
        _ => None,
    };
    let Some(cache) = cache else {
        let m = compile_now()?;
        report.timings.compile = started.elapsed();
        return Ok(m);
    };
    let module_hash = cache.module_hash(module);
    let engine_id = engine_identity(engine, mode, memory);
    report.timings.cache = match cache.load(&module_hash, &engine_id) {
        Lookup::Hit {
            payload,
            compiled_in,
            tag,
            ..
        } => {
            report.timings.cold_compile = Some(compiled_in);
            code_image::prepare(&cache, &module_hash, &engine_id, &tag);
            // SAFETY: the artifact passed gowasm's keyed checksum (a MAC only this cache's owner
            // can make, or its seal: the same file, unchanged since it passed) and engine-identity
            // check, so it is exactly what wasmer serialized for
            // this engine configuration. That is why wasmer's own layout validation, which walks
            // the whole archive (milliseconds for a Go module), can be skipped.
            let loaded = unsafe { Module::deserialize_unchecked(engine, payload) };
            report.timings.code_mapped =
                code_image::finish(&cache, &module_hash, &engine_id, &tag, &mut report.warnings);
            match loaded {
                Ok(m) => {
                    report.timings.compile = started.elapsed();
                    report.timings.cache = CacheUse::Hit;
                    return Ok(m);
                }
                Err(e) => {
                    cache.remove(&module_hash, &engine_id);
                    CacheUse::Rejected(format!("wasmer could not load it: {e}"))
                }
            }
        }
        Lookup::Miss => CacheUse::Miss,
        Lookup::Rejected(reason) => CacheUse::Rejected(reason),
    };
    if let CacheUse::Rejected(reason) = &report.timings.cache {
        report
            .warnings
            .push(format!("discarded cached artifact ({reason}); recompiling"));
    }
    let compiling = Instant::now();
    let m = compile_now()?;
    // What a cold run pays: compiling plus writing the artifact.
    let stored = m
        .serialize()
        .map_err(|e| format!("could not serialize the artifact: {e}"))
        .and_then(|bytes| {
            let compiled_in = compiling.elapsed();
            cache
                .store(&module_hash, &engine_id, &bytes, compiled_in)
                .map_err(|e| format!("could not cache the artifact: {e}"))
        });
    if let Err(warning) = stored {
        report.warnings.push(warning);
    }
    report.timings.cold_compile = Some(compiling.elapsed());
    report.timings.compile = started.elapsed();
    Ok(m)
}

/// Compiles `bytes` for `mode`: in this process, or in gowasm-opt for opt, with LLVM treating
/// memory as `memory` says.
fn compile_module(
    engine: &Engine,
    bytes: &[u8],
    mode: Mode,
    max_memory: u64,
    memory: opt::Memory,
) -> Result<Module, EngineError> {
    code_image::clear();
    match mode {
        Mode::Opt => opt::compile(engine, bytes, max_memory, memory),
        Mode::Aot => {
            let artifact = opt::serialize_artifact(Box::new(aot_compiler()), bytes, max_memory)?;
            // SAFETY: the artifact was serialized a moment ago by this same wasmer, from an
            // engine configured as `engine` is.
            unsafe { Module::deserialize_unchecked(engine, artifact) }
                .map_err(|e| EngineError::Setup(format!("could not load the artifact: {e}")))
        }
        _ => Module::new(engine, bytes).map_err(|e| EngineError::Invalid(e.to_string())),
    }
}

/// Compiles `module` and stores the artifact (aot), without running it.
pub fn precompile(
    module: &LoadedModule,
    mode: Mode,
    config: &RunConfig,
) -> Result<RunReport, EngineError> {
    let mut report = RunReport::new(mode);
    let engine = make_engine(mode, config, Arc::new(AtomicBool::new(false)))?;
    compile(&engine, module, mode, config, &mut report)?;
    Ok(report)
}

pub fn run(
    module: &LoadedModule,
    mode: Mode,
    config: &RunConfig,
    calls: &[PlannedCall],
    sink: Arc<dyn OutputSink>,
    sampler: Option<&SharedSampler>,
) -> Result<RunReport, EngineError> {
    let mut report = RunReport::new(mode);
    let memory_hit = Arc::new(AtomicBool::new(false));
    let engine = make_engine(mode, config, memory_hit.clone())?;
    let wasm = compile(&engine, module, mode, config, &mut report)?;

    // The timeout starts here: a start function may loop during instantiation.
    sink.running();
    let started = Instant::now();
    let runtime = tokio_runtime()?;
    let handle = runtime.handle().clone();
    let _entered = handle.enter();
    let mut store = Store::new(engine.clone());
    let mut func_env = wasi_env(&mut store, engine, config, &sink, &handle)?;
    let uses_wasi = module.needs.wasi;
    let (mut imports, fixes, js_env) = link(&mut store, &func_env, &wasm, module, config, &sink)?;
    let profiling = sampler.map(|s| profiling::define(&mut store, &mut imports, s.clone()));
    let instance = match Instance::new(&mut store, &wasm, &imports) {
        Ok(i) => i,
        Err(wasmer::InstantiationError::Start(e)) => {
            report.timings.instantiate = started.elapsed();
            report.outcome = outcome_of(&e);
            if let Outcome::Trapped(trap) = &mut report.outcome {
                trap.place_frames(module.bytes());
            }
            return Ok(report);
        }
        Err(e) => return Err(EngineError::Setup(format!("instantiate: {e}"))),
    };
    if let Ok(memory) = instance.exports.get_memory("memory") {
        fixes.attach_memory(&mut store, memory);
    }
    if uses_wasi {
        func_env
            .initialize(&mut store, instance.clone())
            .map_err(|e| EngineError::Setup(format!("WASI setup: {e}")))?;
    }
    let js_env = js_env.map(|(abi, env)| {
        js::attach(&mut store, &env, &instance, abi);
        env
    });
    report.timings.instantiate = started.elapsed();
    let ticker = match (&profiling, sampler) {
        (Some(env), Some(s)) => Some(profiling::start(&mut store, &instance, env, module, s)?),
        _ => None,
    };

    calls::run_module(
        &mut WasmerExports {
            store: &mut store,
            instance: &instance,
            js_env: js_env.as_ref(),
        },
        module.needs.entry,
        calls,
        &mut report,
    );
    drop(ticker);
    let memory = instance.exports.get_memory(module.memory_export()).ok();
    report.finish(
        module,
        memory.map(|m| m.view(&store).data_size()),
        memory_hit
            .load(Ordering::Relaxed)
            .then_some(config.max_memory),
    );
    let code = match report.outcome {
        Outcome::Exited { code } => Some(code.into()),
        _ => None,
    };
    if uses_wasi {
        func_env.on_exit(&mut store, code);
    }
    if super::ends_after_run() {
        std::mem::forget((store, instance, wasm, func_env, js_env, runtime));
        return Ok(report);
    }
    drop(store);
    runtime.shutdown_background();
    Ok(report)
}

/// The runtime wasix's host functions run on.
fn tokio_runtime() -> Result<tokio::runtime::Runtime, EngineError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_time()
        .build()
        .map_err(|e| EngineError::Setup(format!("tokio runtime: {e}")))
}

/// The guest's WASI environment: its arguments, environment, output into `sink`, stdin (or
/// none), and the folders it is given.
fn wasi_env(
    store: &mut Store,
    engine: Engine,
    config: &RunConfig,
    sink: &Arc<dyn OutputSink>,
    handle: &tokio::runtime::Handle,
) -> Result<wasmer_wasix::WasiFunctionEnv, EngineError> {
    // What `PluggableRuntime::new` makes, less the default engine (a whole Cranelift engine,
    // made and thrown away on every run) and the package registry the guest never reaches.
    let wasi_runtime = PluggableRuntime {
        rt: Arc::new(TokioTaskManager::new(handle.clone())),
        networking: Arc::new(wasmer_wasix::UnsupportedVirtualNetworking::default()),
        http_client: None,
        package_loader: Arc::new(package_loader::UnsupportedPackageLoader),
        source: Arc::new(resolver::MultiSource::default()),
        engine,
        module_cache: Arc::new(module_cache::in_memory()),
        tty: None,
        instantiation_hooks: vec![],
    };
    let mut builder = WasiEnv::builder(&config.program)
        .args(&config.args)
        .envs(config.env.iter().map(|(k, v)| (k.clone(), v.clone())))
        .runtime(Arc::new(wasi_runtime))
        .stdout(Box::new(stdio::SinkFile {
            sink: sink.clone(),
            stream: Stream::Stdout,
        }))
        .stderr(Box::new(stdio::SinkFile {
            sink: sink.clone(),
            stream: Stream::Stderr,
        }));
    if !config.inherit_stdin {
        builder = builder.stdin(Box::new(NullFile::default()));
    }
    let builder = fs::preopen(builder, &config.dirs, handle)?;
    builder
        .finalize(store)
        .map_err(|e| EngineError::Setup(e.to_string()))
}

/// The imports, gowasm's fixes among them, and the JS host's link where the module needs one.
type Linked = (
    wasmer::Imports,
    fixes::Fixes,
    Option<(
        gowasm_inspect::triage::JsAbi,
        wasmer::FunctionEnv<js::JsLink>,
    )>,
);

/// What the module is linked against: WASI (when it imports any), gowasm's fixes over it, and
/// the JS host.
fn link(
    store: &mut Store,
    func_env: &wasmer_wasix::WasiFunctionEnv,
    wasm: &Module,
    module: &LoadedModule,
    config: &RunConfig,
    sink: &Arc<dyn OutputSink>,
) -> Result<Linked, EngineError> {
    // wasix cannot tell the WASI version of a module that imports nothing from WASI (it refuses
    // with "The WASI version could not be determined"); such a module needs no WASI either.
    let mut imports = if module.needs.wasi {
        func_env
            .import_object(store, wasm)
            .map_err(|e| EngineError::Setup(e.to_string()))?
    } else {
        wasmer::Imports::new()
    };
    let root_given = config
        .dirs
        .iter()
        .any(|d| fs::absolute_guest(&d.guest) == std::path::Path::new("/"));
    let fixes = fixes::Fixes::install(store, &mut imports, root_given);
    let js_env = match module.needs.js {
        Some(abi) => {
            let host = super::js::JsHost::new(abi, config, sink.clone())?;
            Some((abi, js::define(store, &mut imports, wasm, abi, host)?))
        }
        None => None,
    };
    Ok((imports, fixes, js_env))
}

/// A wasmer instance, for [`calls::run_module`].
struct WasmerExports<'a> {
    store: &'a mut Store,
    instance: &'a Instance,
    /// The JS host's, when the module runs on it.
    js_env: Option<&'a wasmer::FunctionEnv<js::JsLink>>,
}

impl calls::Exports for WasmerExports<'_> {
    fn call(&mut self, export: &str, params: &[Val]) -> Result<Vec<Val>, Outcome> {
        let func = self
            .instance
            .exports
            .get_function(export)
            .map_err(|e| Outcome::Crashed {
                message: format!("{export}: {e}"),
            })?;
        let params: Vec<wasmer::Value> = params.iter().map(|v| js::from_val(*v)).collect();
        match func.call(&mut *self.store, &params) {
            Ok(values) => Ok(values.iter().map(js::to_val).collect()),
            Err(e) => Err(outcome_of(&e)),
        }
    }

    fn on_js_host(&self) -> bool {
        self.js_env.is_some()
    }

    fn play_js(&mut self, settle: bool) -> Result<(), super::js::Stop> {
        let env = self.js_env.expect("on the JS host");
        if settle {
            js::settle(self.store, env)
        } else {
            js::run(self.store, env)
        }
    }

    fn finish_js(
        &mut self,
        played: Option<Result<(), super::js::Stop>>,
        reactor: bool,
        report: &mut RunReport,
    ) {
        let env = self.js_env.expect("on the JS host");
        let host = &env.as_ref(&*self.store).host;
        super::js::finish_played(played, reactor, host, report, js_outcome);
    }
}

/// The outcome of this engine's error, carried back through the JS host.
fn js_outcome(e: Box<dyn std::any::Any + Send + Sync>) -> Outcome {
    match e.downcast() {
        Ok(e) => outcome_of(&e),
        Err(_) => super::js::foreign_engine_error(),
    }
}

/// The module offset of a frame that has none (wasmer's `SourceLoc::default()`).
const NO_OFFSET: usize = u32::MAX as usize;

fn outcome_of(e: &RuntimeError) -> Outcome {
    if let Some(WasiError::Exit(code)) = e.downcast_ref::<WasiError>() {
        return Outcome::Exited { code: code.raw() };
    }
    if let Some(js::JsExit(code)) = e.downcast_ref::<js::JsExit>() {
        return Outcome::Exited { code: *code };
    }
    let kind = match e.clone().to_trap() {
        Some(code) => trap_kind(code).to_string(),
        None => e.message(),
    };
    let frames: Vec<Frame> = e
        .trace()
        .iter()
        .map(|f| Frame {
            func_index: f.func_index(),
            name: f.function_name().map(str::to_string),
            // A frame without a code offset says `!0`.
            offset: Some(f.module_offset()).filter(|o| *o != NO_OFFSET),
            places: vec![],
        })
        .collect();
    let note = if frames.is_empty() && kind == "stack overflow" {
        Some("wasmer records no frames for a stack overflow".to_string())
    } else if frames.iter().any(|f| f.offset.is_none()) {
        Some(
            "wasmer recorded no code offset for some frames: their lines are where their \
             functions start"
                .to_string(),
        )
    } else {
        None
    };
    Outcome::Trapped(Trap {
        kind,
        message: e.message(),
        frames,
        note,
    })
}

pub(super) fn trap_kind(code: wasmer::sys::vm::TrapCode) -> &'static str {
    use super::report::TrapKind as K;
    use wasmer::sys::vm::TrapCode as T;
    match code {
        T::StackOverflow => K::StackOverflow,
        T::HeapAccessOutOfBounds => K::MemoryOutOfBounds,
        T::HeapMisaligned => K::Misaligned,
        T::TableAccessOutOfBounds => K::TableOutOfBounds,
        T::IndirectCallToNull => K::IndirectCallToNull,
        T::BadSignature => K::BadSignature,
        T::IntegerOverflow => K::IntegerOverflow,
        T::IntegerDivisionByZero => K::IntegerDivisionByZero,
        T::BadConversionToInteger => K::BadConversionToInteger,
        T::UnreachableCodeReached => K::Unreachable,
        _ => K::Other,
    }
    .label()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aot_compiler_id_is_what_cranelift_says() {
        let engine: Engine = EngineBuilder::new(aot_compiler()).into();
        assert_eq!(engine.deterministic_id(), AOT_COMPILER_ID);
        // And a headless engine has no compiler to ask.
        let headless: Engine = EngineBuilder::headless().into();
        assert_ne!(headless.deterministic_id(), AOT_COMPILER_ID);
    }
}
