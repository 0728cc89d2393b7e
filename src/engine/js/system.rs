//! The host objects that reach outside the guest, as wasm_exec.js's polyfills define them for a
//! browser: `fs` writes stdout and stderr and reads stdin, and reaches files only in the folders
//! the run was given ([`files`]: ENOSYS without any, as in a browser); `process` has the guest's
//! arguments and environment and nothing of the host's; `crypto`, `performance`, `console`,
//! `setTimeout` and `clearTimeout`.

use std::io::Read;

use super::files;
use super::ops::{self, type_error};
use super::timers::Action;
use super::value::{Class, Heap, Kind, NativeFn, ObjId, Object, Throw, Value};
use super::world::{namespace, new_error};
use super::{Guest, JsHost, RunConfig, Stop};

/// Objects of host functions at `globalThis`, by name.
pub const NAMESPACES: &[(&str, &[(&str, NativeFn)])] = &[
    (
        "console",
        &[
            ("log", console_out),
            ("info", console_out),
            ("debug", console_out),
            ("warn", console_err),
            ("error", console_err),
        ],
    ),
    ("crypto", &[("getRandomValues", get_random_values)]),
    ("performance", &[("now", performance_now)]),
    // node's `path`, which Go 1.24+'s wasm_exec_node.js sets (`globalThis.path`).
    ("path", &[("resolve", path_resolve)]),
    (
        "process",
        &[
            ("exit", process_exit),
            ("cwd", process_cwd),
            ("chdir", process_chdir),
            // The browser polyfill's answers, or node's when the run was given folders (the
            // files there have owners and modes, which Go's os package compares with these).
            ("getuid", |g, _, _| {
                Ok(host_id(g, || unsafe { libc::getuid() }))
            }),
            ("getgid", |g, _, _| {
                Ok(host_id(g, || unsafe { libc::getgid() }))
            }),
            ("geteuid", |g, _, _| {
                Ok(host_id(g, || unsafe { libc::geteuid() }))
            }),
            ("getegid", |g, _, _| {
                Ok(host_id(g, || unsafe { libc::getegid() }))
            }),
            ("getgroups", process_getgroups),
            ("umask", process_umask),
        ],
    ),
    (
        "fs",
        &[
            ("writeSync", fs_write_sync),
            ("write", fs_write),
            ("read", fs_read),
        ],
    ),
];

pub const GLOBAL_FUNCTIONS: &[(&str, NativeFn)] =
    &[("setTimeout", set_timeout), ("clearTimeout", clear_timeout)];

/// The properties of `fs` and `process` that are not functions.
pub fn add_state(heap: &mut Heap, global: ObjId, config: &RunConfig) {
    let get = |heap: &Heap, name: &str| {
        heap.get(global)
            .own(name)
            .and_then(|v| v.clone().object())
            .expect("the namespaces are made first")
    };
    let fs = get(heap, "fs");
    for &(name, call) in files::CALLS {
        let f = super::world::function(
            heap,
            super::value::Callable::Native(super::value::Native { name, call }),
        );
        heap.get_mut(fs).set_own(name, Value::Object(f));
    }
    let constants = namespace(heap, &[]);
    for (name, value) in files::CONSTANTS {
        heap.get_mut(constants).set_own(name, Value::Number(value));
    }
    heap.get_mut(fs)
        .set_own("constants", Value::Object(constants));

    let process = get(heap, "process");
    let argv: Vec<Value> = std::iter::once(&config.program)
        .chain(&config.args)
        .map(|a| Value::str(a))
        .collect();
    let argv = heap.alloc(Object::new(Kind::Array(argv)));
    let env = namespace(heap, &[]);
    for (k, v) in &config.env {
        heap.get_mut(env).set_own(k, Value::str(v));
    }
    let p = heap.get_mut(process);
    p.set_own("argv", Value::Object(argv));
    p.set_own("argv0", Value::str(&config.program));
    p.set_own("env", Value::Object(env));
    p.set_own("pid", Value::Number(-1.0));
    p.set_own("ppid", Value::Number(-1.0));
}

fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::Undefined)
}

fn number_arg(host: &JsHost, args: &[Value], i: usize) -> f64 {
    ops::to_number(host, &arg(args, i))
}

/// `new Error("not implemented")` with `code: "ENOSYS"`, which Go maps to `syscall.ENOSYS`.
fn enosys(host: &mut JsHost) -> Value {
    let error = new_error(host, Class::Error, "not implemented");
    if let Value::Object(id) = error {
        host.heap.get_mut(id).set_own("code", Value::str("ENOSYS"));
    }
    error
}

fn throw_enosys(guest: &mut dyn Guest, _: &Value, _: &[Value]) -> Result<Value, Throw> {
    Err(Throw::Js(enosys(guest.host())))
}

/// `-1` (the browser polyfill's) with no folders given; else the worker's own id, as node's.
fn host_id(guest: &mut dyn Guest, id: impl FnOnce() -> u32) -> Value {
    if guest.host().files.is_empty() {
        Value::Number(-1.0)
    } else {
        Value::Number(f64::from(id()))
    }
}

/// `process.getgroups()`: ENOSYS with no folders given; else the worker's groups, as node's.
fn process_getgroups(guest: &mut dyn Guest, this: &Value, args: &[Value]) -> Result<Value, Throw> {
    if guest.host().files.is_empty() {
        return throw_enosys(guest, this, args);
    }
    let mut groups = vec![0 as libc::gid_t; 256];
    // SAFETY: the buffer holds `groups.len()` ids.
    let n = unsafe { libc::getgroups(groups.len() as libc::c_int, groups.as_mut_ptr()) };
    groups.truncate(usize::try_from(n).unwrap_or(0));
    let items = groups
        .into_iter()
        .map(|g| Value::Number(f64::from(g)))
        .collect();
    ops::alloc_array(guest.host(), Kind::Array(items))
}

/// `process.umask(mask)`: ENOSYS with no folders given; else it sets the worker's own umask
/// (the worker runs this one guest), which applies to the files the guest creates, as node's.
fn process_umask(guest: &mut dyn Guest, this: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = guest.host();
    if host.files.is_empty() {
        return throw_enosys(guest, this, args);
    }
    let mask = match args.first() {
        Some(v) => ops::to_number(host, v) as libc::mode_t & 0o777,
        // node: without an argument, the mask is read, not changed.
        None => {
            let old = unsafe { libc::umask(0o022) };
            unsafe { libc::umask(old) };
            return Ok(Value::Number(f64::from(old)));
        }
    };
    // SAFETY: umask only swaps the process's file-creation mask.
    let old = unsafe { libc::umask(mask) };
    Ok(Value::Number(f64::from(old)))
}

fn console_line(guest: &mut dyn Guest, args: &[Value], fd: i64) -> Result<Value, Throw> {
    let host = guest.host();
    let mut line = args
        .iter()
        .map(|v| ops::to_string(host, v))
        .collect::<Vec<_>>()
        .join(" ");
    line.push('\n');
    host.output(fd, line.as_bytes());
    Ok(Value::Undefined)
}

fn console_out(guest: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    console_line(guest, args, 1)
}

fn console_err(guest: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    console_line(guest, args, 2)
}

/// Fills `b` from the operating system's random source.
pub fn fill_random(b: &mut [u8]) {
    let mut done = 0;
    while done < b.len() {
        // SAFETY: the pointer and length describe the unfilled rest of `b`.
        let n = unsafe { libc::getrandom(b[done..].as_mut_ptr().cast(), b.len() - done, 0) };
        if n > 0 {
            done += n as usize;
        } else if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            panic!("getrandom failed: {}", std::io::Error::last_os_error());
        }
    }
}

fn get_random_values(guest: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = guest.host();
    let target = arg(args, 0);
    let Some(Kind::Bytes(bytes)) = target
        .clone()
        .object()
        .map(|id| &mut host.heap.get_mut(id).kind)
    else {
        return Err(type_error(
            host,
            "crypto.getRandomValues needs a Uint8Array",
        ));
    };
    // The Web Crypto limit, which Go's crypto/rand batches its reads by.
    if bytes.len() > 65536 {
        let e = new_error(
            host,
            Class::Error,
            "getRandomValues: more than 65536 bytes asked for",
        );
        return Err(Throw::Js(e));
    }
    fill_random(bytes);
    Ok(target)
}

fn performance_now(guest: &mut dyn Guest, _: &Value, _: &[Value]) -> Result<Value, Throw> {
    Ok(Value::Number(guest.host().clock.elapsed_ms()))
}

fn process_exit(guest: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let code = match arg(args, 0) {
        Value::Undefined => 0,
        v => ops::to_number(guest.host(), &v) as i32,
    };
    Err(Throw::Stop(Stop::Exit(code)))
}

/// The guest's working folder: `$PWD` as the run gives it, else `/`, until `chdir`.
/// `path.resolve(...segments)`, against `process.cwd()`.
fn path_resolve(guest: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = guest.host();
    let segments: Vec<String> = args.iter().map(|a| ops::to_string(host, a)).collect();
    Ok(Value::str(&host.files.resolve_path(&segments)))
}

/// `process.cwd()`: ENOSYS with no folders given, as the browser polyfill's (Go 1.24+'s
/// `os.Getwd` asks it); else the working folder.
fn process_cwd(guest: &mut dyn Guest, this: &Value, args: &[Value]) -> Result<Value, Throw> {
    if guest.host().files.is_empty() {
        return throw_enosys(guest, this, args);
    }
    Ok(Value::str(&guest.host().files.cwd()))
}

/// `process.chdir(path)`: into a folder of the run's; throws node's error otherwise (ENOSYS
/// with none given).
fn process_chdir(guest: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = guest.host();
    let path = ops::to_string(host, &args.first().cloned().unwrap_or(Value::Undefined));
    match host.files.chdir(&path) {
        Ok(()) => Ok(Value::Undefined),
        Err(code) => Err(Throw::Js(files::fs_error(host, code))),
    }
}

/// Calls a node-style callback, the last argument, with `args`.
fn callback(guest: &mut dyn Guest, all: &[Value], args: &[Value]) -> Result<Value, Throw> {
    let cb = all.last().cloned().unwrap_or(Value::Undefined);
    ops::apply(guest, &cb, &Value::Undefined, args)?;
    Ok(Value::Undefined)
}

/// The byte array `v` and the range `offset..offset+length` of it, checked.
fn byte_range(
    host: &mut JsHost,
    v: &Value,
    offset: f64,
    length: Option<f64>,
) -> Result<(ObjId, std::ops::Range<usize>), Throw> {
    let len = match v.clone().object().map(|id| &host.heap.get(id).kind) {
        Some(Kind::Bytes(b)) => b.len(),
        _ => return Err(type_error(host, "the buffer argument must be a Uint8Array")),
    };
    let offset = if offset.is_nan() { 0.0 } else { offset };
    let length = length
        .filter(|l| !l.is_nan())
        .unwrap_or(len as f64 - offset);
    if offset < 0.0 || length < 0.0 || offset + length > len as f64 {
        let message = format!("offset {offset} and length {length} are outside a buffer of {len}");
        return Err(ops::range_error(host, &message));
    }
    let start = offset as usize;
    Ok((
        v.clone().object().expect("checked"),
        start..start + length as usize,
    ))
}

fn write_fd(
    host: &mut JsHost,
    fd: f64,
    buf: &Value,
    offset: f64,
    length: Option<f64>,
) -> Result<usize, Throw> {
    let (id, range) = byte_range(host, buf, offset, length)?;
    let Kind::Bytes(bytes) = &host.heap.get(id).kind else {
        unreachable!("byte_range checked the kind");
    };
    let n = range.len();
    if fd == 1.0 || fd == 2.0 {
        host.output(fd as i64, &bytes[range]);
        Ok(n)
    } else {
        Err(Throw::Js(enosys(host)))
    }
}

fn fs_write_sync(guest: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = guest.host();
    let fd = number_arg(host, args, 0);
    write_fd(host, fd, &arg(args, 1), 0.0, None).map(|n| Value::Number(n as f64))
}

/// `fs.write(fd, buf, offset, length, position, callback)`: stdout and stderr (not
/// positioned), or a file.
fn fs_write(guest: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = guest.host();
    let fd = number_arg(host, args, 0);
    if fd >= 3.0 {
        return files::write(guest, args);
    }
    let (offset, length) = (number_arg(host, args, 2), number_arg(host, args, 3));
    let result = match arg(args, 4) {
        Value::Null | Value::Undefined => write_fd(host, fd, &arg(args, 1), offset, Some(length)),
        _ => Err(Throw::Js(enosys(host))),
    };
    match result {
        Ok(n) => callback(guest, args, &[Value::Null, Value::Number(n as f64)]),
        Err(Throw::Js(e)) => callback(guest, args, &[e]),
        Err(stop) => Err(stop),
    }
}

/// `fs.read(fd, buf, offset, length, position, callback)`: a file, or stdin, which is at its
/// end unless the run was given gowasm's.
fn fs_read(guest: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = guest.host();
    let fd = number_arg(host, args, 0);
    let (offset, length) = (number_arg(host, args, 2), number_arg(host, args, 3));
    if fd >= 3.0 {
        return files::read(guest, args);
    }
    if fd != 0.0 {
        let error = enosys(host);
        return callback(guest, args, &[error]);
    }
    let (id, range) = match byte_range(host, &arg(args, 1), offset, Some(length)) {
        Ok(r) => r,
        Err(Throw::Js(e)) => return callback(guest, args, &[e]),
        Err(stop) => return Err(stop),
    };
    let mut chunk = vec![0; range.len()];
    let n = if host.inherit_stdin {
        loop {
            match std::io::stdin().read(&mut chunk) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break 0,
            }
        }
    } else {
        0
    };
    if let Kind::Bytes(bytes) = &mut host.heap.get_mut(id).kind {
        bytes[range.start..range.start + n].copy_from_slice(&chunk[..n]);
    }
    callback(guest, args, &[Value::Null, Value::Number(n as f64)])
}

fn set_timeout(guest: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = guest.host();
    let func = arg(args, 0);
    if !matches!(world_type(host, &func), "function") {
        return Err(type_error(
            host,
            "setTimeout: the callback must be a function",
        ));
    }
    let ms = number_arg(host, args, 1);
    let rest = args.get(2..).unwrap_or(&[]).to_vec();
    let id = host.timers.set(ms, Action::Callback { func, args: rest });
    Ok(Value::Number(f64::from(id)))
}

fn clear_timeout(guest: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = guest.host();
    let id = number_arg(host, args, 0);
    if id.is_finite() {
        host.timers.clear(id as i32);
    }
    Ok(Value::Undefined)
}

fn world_type(host: &JsHost, v: &Value) -> &'static str {
    super::world::type_of(host, v)
}
