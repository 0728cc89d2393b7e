//! Interpreted mode: the wasmi interpreter with wasmi_wasi (wasi-common) for WASI preview 1.

mod invoke;
mod js;
mod readonly_dir;

pub(super) use invoke::probe_exports;

use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use wasmi::TrapCode;
use wasmi::{Config, Engine, Linker, Module, Store};
use wasmi_wasi::wasi_common::pipe::{ReadPipe, WritePipe};
use wasmi_wasi::{WasiCtx, WasiCtxBuilder, ambient_authority};

use crate::profile::sampler::{SharedSampler, point, read_u64};

use super::calls::{self, PlannedCall};
use super::js::{JsHost, Val};
use super::{
    EngineError, LoadedModule, MAX_TABLE_ELEMENTS, MAX_WASM_STACK, Mode, OutputSink, RunConfig,
    RunReport, Stream, Trap, report::Outcome,
};

/// Call depth the interpreter allows; Go needs far more than wasmi's default of 1000. Matches what
/// [`MAX_WASM_STACK`] gives the compiled modes.
const MAX_RECURSION_DEPTH: usize = 2_000_000;

struct HostState {
    wasi: WasiCtx,
    limits: MemoryCap,
    js: js::JsLink,
}

/// Caps linear memory and remembers whether the guest ran into the cap.
struct MemoryCap {
    max: usize,
    hit: bool,
}

impl MemoryCap {
    fn new(max_memory: u64) -> MemoryCap {
        MemoryCap {
            max: usize::try_from(max_memory).unwrap_or(usize::MAX),
            hit: false,
        }
    }
}

impl wasmi::ResourceLimiter for MemoryCap {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> Result<bool, wasmi_core::LimiterError> {
        if desired > self.max {
            self.hit = true;
            return Ok(false);
        }
        Ok(maximum.is_none_or(|m| desired <= m))
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> Result<bool, wasmi_core::LimiterError> {
        Ok(desired <= MAX_TABLE_ELEMENTS as usize && maximum.is_none_or(|m| desired <= m))
    }

    fn instances(&self) -> usize {
        10
    }
    fn tables(&self) -> usize {
        10
    }
    fn memories(&self) -> usize {
        10
    }
}

/// Forwards what the guest writes to the sink, chunk by chunk.
struct SinkWriter {
    sink: Arc<dyn OutputSink>,
    stream: Stream,
}

impl Write for SinkWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.sink.output(self.stream, buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The interpreter as gowasm configures it: deep recursion allowed, as in the compiled modes, and
/// wasmi's default compilation: the whole module validated at once, each function translated when
/// it is first called (a Go module calls a small part of its code; translating all of it first
/// took 40–70 ms). The wrong value differential seed 78948 found was a translator bug in every
/// mode, fixed in `patched/wasmi`.
fn engine() -> Engine {
    let mut config = Config::default();
    config
        .set_max_recursion_depth(MAX_RECURSION_DEPTH)
        // The value stack, in bytes; it grows only as deep as the guest goes.
        .set_max_stack_height(MAX_WASM_STACK * 16)
        .compilation_mode(wasmi::CompilationMode::LazyTranslation);
    Engine::new(&config)
}

/// Host stack for the interpreter's thread. wasmi 2.0's dispatch relies on LLVM turning each
/// handler's call of the next into a jump; for `memory.grow` and `table.grow` it does not
/// (wasmi-labs/wasmi#1946), so every failing grow leaves a host frame behind, and a guest that
/// retries one in a loop overflows a stack at about 170 bytes a try: 256 MiB lasts 1.5 million.
/// Reserved, not committed: only what is used costs memory.
const INTERP_HOST_STACK: usize = 256 << 20;

/// Runs `f` on a thread with [`INTERP_HOST_STACK`] of stack.
fn on_deep_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("interp".into())
            .stack_size(INTERP_HOST_STACK)
            .spawn_scoped(scope, f)
            .expect("the interpreter's thread starts")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

pub fn run(
    module: &LoadedModule,
    config: &RunConfig,
    calls: &[PlannedCall],
    sink: Arc<dyn OutputSink>,
    sampler: Option<&SharedSampler>,
) -> Result<RunReport, EngineError> {
    on_deep_stack(|| run_here(module, config, calls, sink, sampler))
}

fn run_here(
    module: &LoadedModule,
    config: &RunConfig,
    calls: &[PlannedCall],
    sink: Arc<dyn OutputSink>,
    sampler: Option<&SharedSampler>,
) -> Result<RunReport, EngineError> {
    let mut report = RunReport::new(Mode::Interp);
    let started = Instant::now();
    let engine = engine();
    let wasm = Module::new(&engine, &module.compile_bytes()[..])
        .map_err(|e| EngineError::Invalid(e.to_string()))?;
    report.timings.compile = started.elapsed();

    // The timeout starts here: a start function may loop during instantiation.
    sink.running();
    let started = Instant::now();
    let (mut store, mut linker) = link(&engine, &wasm, module, config, &sink)?;
    if let Some(sampler) = sampler {
        let memory = sampler
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .memory(module.memory_export());
        define_sampler(&mut linker, sampler.clone(), memory)?;
    }
    let instance = match linker.instantiate_and_start(&mut store, &wasm) {
        Ok(i) => i,
        Err(e) => {
            report.timings.instantiate = started.elapsed();
            report.outcome = outcome_of(&e);
            return Ok(report);
        }
    };
    if let Some(abi) = module.needs.js {
        js::attach(&mut store, &instance, abi);
    }
    report.timings.instantiate = started.elapsed();
    if let Some(sampler) = sampler {
        sampler.lock().unwrap_or_else(|p| p.into_inner()).begin();
    }

    calls::run_module(
        &mut WasmiExports {
            store: &mut store,
            instance: &instance,
        },
        module.needs.entry,
        calls,
        &mut report,
    );
    let memory = instance.get_memory(&store, module.memory_export());
    report.finish(
        module,
        memory.map(|m| m.data_size(&store) as u64),
        store.data().limits.hit.then_some(config.max_memory),
    );
    Ok(report)
}

/// The store with its host state and the linker with everything the module may import.
fn link(
    engine: &Engine,
    wasm: &Module,
    module: &LoadedModule,
    config: &RunConfig,
    sink: &Arc<dyn OutputSink>,
) -> Result<(Store<HostState>, Linker<HostState>), EngineError> {
    let wasi = wasi_context(config, sink)?;
    let mut store = Store::new(
        engine,
        HostState {
            wasi,
            limits: MemoryCap::new(config.max_memory),
            js: js::JsLink::default(),
        },
    );
    store.limiter(|state| &mut state.limits);
    let mut linker = <Linker<HostState>>::new(engine);
    wasmi_wasi::add_to_linker(&mut linker, |s: &mut HostState| &mut s.wasi)
        .map_err(|e| EngineError::Setup(e.to_string()))?;
    if let Some(abi) = module.needs.js {
        js::add_to_linker(&mut linker, wasm, abi)?;
        store.data_mut().js.host = Some(JsHost::new(abi, config, sink.clone())?);
    }
    Ok((store, linker))
}

/// The profiler's import (see [`crate::profile::instrument`]): hands each check to `sampler`
/// with a reader of the guest's memory.
fn define_sampler(
    linker: &mut Linker<HostState>,
    sampler: SharedSampler,
    memory: &'static str,
) -> Result<(), EngineError> {
    use crate::profile::instrument::{IMPORT_MODULE, IMPORT_NAME};
    linker
        .func_wrap(
            IMPORT_MODULE,
            IMPORT_NAME,
            move |caller: wasmi::Caller<'_, HostState>,
                  site: i32,
                  index: i32,
                  pc_b: i32,
                  sp: i32,
                  _g: i64| {
                let memory = caller
                    .get_export(memory)
                    .and_then(wasmi::Extern::into_memory);
                let data: &[u8] = memory.as_ref().map_or(&[], |m| m.data(&caller));
                sampler.lock().unwrap_or_else(|p| p.into_inner()).check(
                    site,
                    point(index, pc_b, sp),
                    |at| read_u64(data, at),
                )
            },
        )
        .map_err(|e| EngineError::Setup(e.to_string()))?;
    Ok(())
}

/// A wasmi instance, for [`calls::run_module`].
struct WasmiExports<'a> {
    store: &'a mut Store<HostState>,
    instance: &'a wasmi::Instance,
}

impl calls::Exports for WasmiExports<'_> {
    fn call(&mut self, export: &str, params: &[Val]) -> Result<Vec<Val>, Outcome> {
        let func = self
            .instance
            .get_func(&*self.store, export)
            .ok_or_else(|| Outcome::Crashed {
                message: format!("the module has no export `{export}`"),
            })?;
        let params: Vec<wasmi::Val> = params.iter().map(|v| js::from_val(*v)).collect();
        let ty = func.ty(&*self.store);
        let mut out: Vec<wasmi::Val> = ty
            .results()
            .iter()
            .map(|t| wasmi::Val::default_for_ty(*t))
            .collect();
        match func.call(&mut *self.store, &params, &mut out) {
            Ok(()) => Ok(out.iter().map(js::to_val).collect()),
            Err(e) => Err(outcome_of(&e)),
        }
    }

    fn on_js_host(&self) -> bool {
        self.store.data().js.host.is_some()
    }

    fn play_js(&mut self, settle: bool) -> Result<(), super::js::Stop> {
        if settle {
            js::settle(self.store)
        } else {
            js::run(self.store)
        }
    }

    fn finish_js(
        &mut self,
        played: Option<Result<(), super::js::Stop>>,
        reactor: bool,
        report: &mut RunReport,
    ) {
        let host = self
            .store
            .data()
            .js
            .host
            .as_ref()
            .expect("set with the linker");
        super::js::finish_played(played, reactor, host, report, js_outcome);
    }
}

fn wasi_context(config: &RunConfig, sink: &Arc<dyn OutputSink>) -> Result<WasiCtx, EngineError> {
    let mut b = WasiCtxBuilder::new();
    let setup = |e: &dyn std::fmt::Display| EngineError::Setup(e.to_string());
    b.arg(&config.program).map_err(|e| setup(&e))?;
    for a in &config.args {
        b.arg(a).map_err(|e| setup(&e))?;
    }
    for (k, v) in &config.env {
        b.env(k, v).map_err(|e| setup(&e))?;
    }
    if config.inherit_stdin {
        b.inherit_stdin();
    } else {
        b.stdin(Box::new(ReadPipe::from(Vec::new())));
    }
    b.stdout(Box::new(WritePipe::new(SinkWriter {
        sink: sink.clone(),
        stream: Stream::Stdout,
    })));
    b.stderr(Box::new(WritePipe::new(SinkWriter {
        sink: sink.clone(),
        stream: Stream::Stderr,
    })));
    let ctx = b.build();
    for d in &config.dirs {
        let dir_error = |message: String| EngineError::Dir {
            path: d.host.display().to_string(),
            message,
        };
        let dir = wasmi_wasi::Dir::open_ambient_dir(&d.host, ambient_authority())
            .map_err(|e| dir_error(e.to_string()))?;
        let dir: Box<dyn wasmi_wasi::WasiDir> =
            Box::new(wasmi_wasi::sync::dir::Dir::from_cap_std(dir));
        let dir: Box<dyn wasmi_wasi::WasiDir> = if d.read_only {
            Box::new(readonly_dir::ReadOnlyDir(dir))
        } else {
            dir
        };
        ctx.push_preopened_dir(dir, &d.guest)
            .map_err(|e| dir_error(e.to_string()))?;
    }
    Ok(ctx)
}

/// The outcome of this engine's error, carried back through the JS host.
fn js_outcome(e: Box<dyn std::any::Any + Send + Sync>) -> Outcome {
    match e.downcast() {
        Ok(e) => outcome_of(&e),
        Err(_) => super::js::foreign_engine_error(),
    }
}

fn outcome_of(e: &wasmi::Error) -> Outcome {
    if let Some(code) = e.i32_exit_status() {
        return Outcome::Exited { code };
    }
    let kind = match e.as_trap_code() {
        Some(code) => trap_kind(code).to_string(),
        None => e.to_string(),
    };
    Outcome::Trapped(Trap {
        kind,
        message: e.to_string(),
        frames: vec![],
        note: Some(
            "the wasmi interpreter records no call stack; run with --mode baseline or aot for a backtrace"
                .to_string(),
        ),
    })
}

/// wasmi's trap codes under the names every engine uses.
fn trap_kind(code: TrapCode) -> &'static str {
    use super::report::TrapKind as K;
    match code {
        TrapCode::UnreachableCodeReached => K::Unreachable,
        TrapCode::MemoryOutOfBounds => K::MemoryOutOfBounds,
        TrapCode::TableOutOfBounds => K::TableOutOfBounds,
        TrapCode::IndirectCallToNull => K::IndirectCallToNull,
        TrapCode::IntegerDivisionByZero => K::IntegerDivisionByZero,
        TrapCode::IntegerOverflow => K::IntegerOverflow,
        TrapCode::BadConversionToInteger => K::BadConversionToInteger,
        TrapCode::StackOverflow => K::StackOverflow,
        TrapCode::BadSignature => K::BadSignature,
        _ => K::Other,
    }
    .label()
}
