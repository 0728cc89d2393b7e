//! Wrappers around wasmer-wasix 0.704 imports that misbehave, each replacing the real function in
//! the import object and calling it: [`poll`] (a clock poll with a 0 timeout sleeps forever),
//! [`rmdir`] (removing a folder the guest has not looked up yet says ENOENT) and [`prestat`]
//! (wasix's own in-memory `/` shows up as the first preopen). Each wrapper sees the guest's
//! memory once the instance exists ([`Fixes::attach_memory`]).

mod poll;
mod prestat;
mod rmdir;

use wasmer::{
    Extern, Function, FunctionEnv, HostFunction, Imports, Memory, MemoryView, RuntimeError, Store,
    Value, WasmTypeList, WithEnv,
};

const WASI: &str = "wasi_snapshot_preview1";

/// What a wrapper needs: the real import, a helper import it may call, the guest's memory.
pub struct Wrapped {
    real: Function,
    helper: Option<Function>,
    memory: Option<Memory>,
}

/// The installed wrappers, to give the memory to once the instance exists.
pub struct Fixes(Vec<FunctionEnv<Wrapped>>);

impl Fixes {
    /// `root_given`: the user mapped a folder at `/`, so wasix's root is theirs to see.
    pub fn install(store: &mut Store, imports: &mut Imports, root_given: bool) -> Fixes {
        let mut envs = Vec::new();
        envs.extend(poll::install(store, imports));
        envs.extend(rmdir::install(store, imports));
        if !root_given {
            envs.extend(prestat::install(store, imports));
        }
        Fixes(envs)
    }

    pub fn attach_memory(&self, store: &mut Store, memory: &Memory) {
        for env in &self.0 {
            env.as_mut(store).memory = Some(memory.clone());
        }
    }
}

/// Replaces the import `name` with `wrapper`, which gets the real function (and the import
/// `helper`, when named) in its [`Wrapped`]. Nothing happens when the module does not import it.
fn replace<F, Args, Rets>(
    store: &mut Store,
    imports: &mut Imports,
    name: &str,
    helper: Option<&str>,
    wrapper: F,
) -> Option<FunctionEnv<Wrapped>>
where
    F: HostFunction<Wrapped, Args, Rets, WithEnv> + 'static + Send + Sync,
    Args: WasmTypeList,
    Rets: WasmTypeList,
{
    let real = import(imports, name)?;
    let helper = helper.and_then(|h| import(imports, h));
    let env = FunctionEnv::new(
        store,
        Wrapped {
            real,
            helper,
            memory: None,
        },
    );
    let wrapper = Function::new_typed_with_env(store, &env, wrapper);
    imports.define(WASI, name, wrapper);
    Some(env)
}

/// The import `name` from `imports`, when the module imports it.
fn import(imports: &Imports, name: &str) -> Option<Function> {
    match imports.get_export(WASI, name) {
        Some(Extern::Function(f)) => Some(f),
        _ => None,
    }
}

/// Calls a WASI function and returns its errno.
fn call_errno(
    f: &Function,
    store: &mut impl wasmer::AsStoreMut,
    args: &[i32],
) -> Result<i32, RuntimeError> {
    let args: Vec<Value> = args.iter().map(|a| Value::I32(*a)).collect();
    match f.call(store, &args)?.first() {
        Some(Value::I32(errno)) => Ok(*errno),
        other => Err(RuntimeError::new(format!(
            "a WASI function returned {other:?}"
        ))),
    }
}

/// Guest bytes borrowed for a helper call's output and given back afterwards. The guest is
/// blocked in the call being wrapped (Go on wasip1 has one thread), so it never sees them change.
struct Borrowed {
    at: u64,
    saved: Vec<u8>,
}

impl Borrowed {
    /// `len` bytes clear of `[avoid, avoid + avoid_len)`, or `None` if memory is too small.
    fn take(view: &MemoryView, len: u64, avoid: u64, avoid_len: u64) -> Option<Borrowed> {
        let at = if avoid >= len {
            0
        } else {
            (avoid + avoid_len).next_multiple_of(8)
        };
        let mut saved = vec![0u8; len as usize];
        view.read(at, &mut saved).ok()?;
        Some(Borrowed { at, saved })
    }

    fn give_back(self, view: &MemoryView) {
        let _ = view.write(self.at, &self.saved);
    }
}
