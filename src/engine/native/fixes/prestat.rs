//! A wrapper around wasmer-wasix 0.704's `fd_prestat_get` that hides its virtual root. wasix
//! always preopens `/` at fd 3 (`VIRTUAL_ROOT_FD`): an in-memory tree with the user's folders
//! mounted in it. Go takes the first preopen as its working folder, so with `--dir data::/data`
//! a relative path meant `/data/…` in interp (and wasmtime) but `/…` in the compiled modes.
//!
//! Unless the user maps `/` themselves, fd 3 is reported as a preopen of a type that is not a
//! folder, which Go and wasi-libc both skip; the guest then sees exactly the folders it was given,
//! as in interp.

use wasmer::{FunctionEnv, FunctionEnvMut, Imports, RuntimeError, Store};

use super::{Wrapped, call_errno, replace};

const VIRTUAL_ROOT_FD: i32 = 3;
/// `prestat.tag`: 0 is a folder; anything else is a kind of preopen callers skip.
const NOT_A_FOLDER: u8 = 1;

/// Replaces `fd_prestat_get` in `imports` when the module imports it.
pub fn install(store: &mut Store, imports: &mut Imports) -> Option<FunctionEnv<Wrapped>> {
    replace(store, imports, "fd_prestat_get", None, fd_prestat_get)
}

fn fd_prestat_get(
    mut env: FunctionEnvMut<Wrapped>,
    fd: i32,
    buf: i32,
) -> Result<i32, RuntimeError> {
    let (fix, mut store) = env.data_and_store_mut();
    let errno = call_errno(&fix.real, &mut store, &[fd, buf])?;
    if errno == 0
        && fd == VIRTUAL_ROOT_FD
        && let Some(memory) = &fix.memory
    {
        let _ = memory
            .view(&store)
            .write(u64::from(buf as u32), &[NOT_A_FOLDER]);
    }
    Ok(errno)
}
