//! A wrapper around wasmer-wasix 0.704's `path_remove_directory`, which looks the folder up only
//! in its cache of what the guest has looked up before (`syscalls/wasi/path_remove_directory.rs`:
//! `parent_entries.get(&dir_name)` or ENOENT). Removing a folder the guest has not stat'ed, or one
//! with files in it (Go's `os.Remove` tries `unlink` and then `rmdir`), said ENOENT, and Go's
//! `os.RemoveAll` took that as "already gone": it returned success and removed nothing.
//!
//! On ENOENT the wrapper stats the path (which puts it in wasix's cache) and asks again, so the
//! guest gets the host's answer: removed, ENOTEMPTY, or a real ENOENT.

use wasmer::{FunctionEnv, FunctionEnvMut, Imports, RuntimeError, Store};

use super::{Borrowed, Wrapped, call_errno, replace};

const ERRNO_NOENT: i32 = 44;
/// `filestat` is 64 bytes.
const FILESTAT_SIZE: u64 = 64;

/// Replaces `path_remove_directory` in `imports` when the module imports it.
pub fn install(store: &mut Store, imports: &mut Imports) -> Option<FunctionEnv<Wrapped>> {
    let stat = Some("path_filestat_get");
    replace(
        store,
        imports,
        "path_remove_directory",
        stat,
        path_remove_directory,
    )
}

fn path_remove_directory(
    mut env: FunctionEnvMut<Wrapped>,
    fd: i32,
    path: i32,
    path_len: i32,
) -> Result<i32, RuntimeError> {
    let (fix, mut store) = env.data_and_store_mut();
    let errno = call_errno(&fix.real, &mut store, &[fd, path, path_len])?;
    let (Some(stat), Some(memory)) = (&fix.helper, &fix.memory) else {
        return Ok(errno);
    };
    if errno != ERRNO_NOENT {
        return Ok(errno);
    }
    let (at, len) = (u64::from(path as u32), u64::from(path_len as u32));
    let Some(scratch) = Borrowed::take(&memory.view(&store), FILESTAT_SIZE, at, len) else {
        return Ok(errno);
    };
    // Flags 0: do not follow a final symlink, as rmdir does not.
    let stat_errno = call_errno(
        stat,
        &mut store,
        &[fd, 0, path, path_len, scratch.at as i32],
    );
    scratch.give_back(&memory.view(&store));
    if stat_errno? != 0 {
        return Ok(errno); // really not there
    }
    call_errno(&fix.real, &mut store, &[fd, path, path_len])
}
