//! The JS host driven as a guest would drive it, from arbitrary bytes: for the fuzz target
//! (`fuzz/fuzz_targets/js_host.rs`, `scripts/fuzz js_host`) and its corpus replay
//! (`tests/fuzz_corpus.rs`). What must hold for any input ([`check`]): no panic; no file
//! outside the folder the run was given is created, changed or removed; the heap's payload
//! stays under the run's cap.
//!
//! The input is a sequence of operations on a 64 KiB guest memory: raw writes, and calls of
//! the ABI's imports (Go's `gojs` or TinyGo's `env`) whose arguments are taken from slots
//! holding references (the global object, `fs`, `process`, strings naming paths inside and
//! outside the folder, and whatever earlier calls returned), a dictionary of names in memory,
//! or the input's own bytes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::ops::{self, Key};
use super::value::Value;
use super::{Guest, Handler, JsAbi, JsHost, Stop, Val, gojs, tinygo};
use crate::engine::{DirMapping, OutputSink, RunConfig, Stream};

const MEMORY: usize = 64 << 10;
/// The run's memory cap, which also caps the host's heap payload.
const CAP: u64 = 1 << 20;
/// Where the reference slots, the arguments array, the names and the Go frame live.
const SLOTS: u64 = 0;
const SLOT_COUNT: u64 = 32;
const ARGS: u64 = 0x100;
const NAMES: u64 = 0x1000;
const FRAME: u64 = 0x8000;
/// The most operations one input makes, and the deepest a callback may nest.
const MAX_OPS: usize = 256;

/// Names the guest's calls use: methods of `fs` and `process`, globals, properties.
const NAMES_LIST: &[&str] = &[
    "fs",
    "process",
    "Object",
    "Array",
    "Uint8Array",
    "Date",
    "crypto",
    "performance",
    "open",
    "openSync",
    "close",
    "write",
    "writeSync",
    "read",
    "readSync",
    "fstat",
    "stat",
    "lstat",
    "mkdir",
    "rmdir",
    "unlink",
    "rename",
    "readdir",
    "readlink",
    "symlink",
    "link",
    "chmod",
    "fchmod",
    "chown",
    "truncate",
    "ftruncate",
    "utimes",
    "fsync",
    "cwd",
    "chdir",
    "getuid",
    "constants",
    "O_WRONLY",
    "O_CREAT",
    "O_TRUNC",
    "length",
    "push",
    "now",
    "getRandomValues",
    "byteLength",
    "set",
    "subarray",
    "name",
    "message",
    "code",
    "/data/f",
    "/data/sub",
    "/data/sub/new",
    "/data/../outside/canary",
    "../outside/canary",
    "/data/link",
    "/etc/hostname",
    "/",
    "/data",
    ".",
    "..",
    "new",
    "\u{0}",
];

/// Runs `data` and asserts what must hold.
pub fn check(data: &[u8]) {
    let sandbox = tempfile::tempdir().expect("a temporary folder");
    let inside = sandbox.path().join("inside");
    let outside = sandbox.path().join("outside");
    std::fs::create_dir_all(inside.join("sub")).expect("the given folder");
    std::fs::create_dir_all(&outside).expect("a folder beside it");
    std::fs::write(inside.join("f"), b"inside").expect("a file inside");
    std::fs::write(outside.join("canary"), b"outside").expect("a file outside");
    let before = snapshot(sandbox.path(), &inside);
    drive(data, &inside);
    assert_eq!(
        snapshot(sandbox.path(), &inside),
        before,
        "a file outside the given folder changed"
    );
}

/// Every path under `root` except those under `inside`, with its contents (links as targets).
fn snapshot(root: &Path, inside: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut seen = vec![];
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.starts_with(inside) {
                continue;
            }
            let kind = entry.file_type().ok();
            let content = match kind {
                Some(k) if k.is_symlink() => std::fs::read_link(&path)
                    .map(|t| t.into_os_string().into_encoded_bytes())
                    .unwrap_or_default(),
                Some(k) if k.is_dir() => {
                    stack.push(path.clone());
                    b"dir".to_vec()
                }
                _ => std::fs::read(&path).unwrap_or_default(),
            };
            seen.push((path, content));
        }
    }
    seen.sort();
    seen
}

struct Discard;

impl OutputSink for Discard {
    fn output(&self, _: Stream, _: &[u8]) {}
}

/// A guest that is only memory: its exports return at once (a callback's Go side does nothing).
struct FuzzGuest {
    host: JsHost,
    memory: Vec<u8>,
}

impl Guest for FuzzGuest {
    fn host(&mut self) -> &mut JsHost {
        &mut self.host
    }

    fn read(&mut self, addr: u64, out: &mut [u8]) -> Result<(), Stop> {
        let range = self.range(addr, out.len())?;
        out.copy_from_slice(&self.memory[range]);
        Ok(())
    }

    fn write(&mut self, addr: u64, data: &[u8]) -> Result<(), Stop> {
        let range = self.range(addr, data.len())?;
        self.memory[range].copy_from_slice(data);
        Ok(())
    }

    fn call(&mut self, _: &str, _: &[Val]) -> Result<Option<Val>, Stop> {
        Ok(None)
    }
}

impl FuzzGuest {
    fn range(&self, addr: u64, len: usize) -> Result<std::ops::Range<usize>, Stop> {
        let start = usize::try_from(addr).map_err(|_| out_of_bounds())?;
        let end = start.checked_add(len).ok_or_else(out_of_bounds)?;
        if end > self.memory.len() {
            return Err(out_of_bounds());
        }
        Ok(start..end)
    }
}

fn out_of_bounds() -> Stop {
    Stop::Fault("out of bounds memory access".into())
}

/// The input, read a byte at a time; reads past its end give zeros and end the run.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*first)
    }

    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte().unwrap_or(0), self.byte().unwrap_or(0)])
    }

    fn u64(&mut self) -> u64 {
        let mut b = [0; 8];
        for x in &mut b {
            *x = self.byte().unwrap_or(0);
        }
        u64::from_le_bytes(b)
    }

    fn bytes(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.0.len());
        let (taken, rest) = self.0.split_at(n);
        self.0 = rest;
        taken
    }
}

/// Plays `data` against a fresh host whose one folder is `inside` (as `/data`).
fn drive(data: &[u8], inside: &Path) {
    let mut input = Input(data);
    let flags = input.byte().unwrap_or(0);
    let abi = if flags & 1 == 0 {
        JsAbi::Go
    } else {
        JsAbi::TinyGo
    };
    let config = RunConfig {
        program: "fuzz.wasm".into(),
        args: vec!["a".into()],
        env: vec![("PWD".into(), "/data".into())],
        dirs: vec![DirMapping {
            host: inside.to_path_buf(),
            guest: "/data".into(),
            read_only: flags & 2 != 0,
        }],
        max_memory: CAP,
        ..RunConfig::default()
    };
    let host = JsHost::new(abi, &config, Arc::new(Discard)).expect("the folder opens");
    let mut g = FuzzGuest {
        host,
        memory: vec![0; MEMORY],
    };
    let names = lay_out_names(&mut g);
    fill_slots(&mut g);
    for _ in 0..MAX_OPS {
        let Some(op) = input.byte() else {
            break;
        };
        match op % 8 {
            0 => {
                let at = u64::from(input.u16());
                let n = usize::from(input.byte().unwrap_or(0));
                let bytes = input.bytes(n).to_vec();
                let _ = g.write(at, &bytes);
            }
            1 => {
                // An arguments array of slots, for the calls that take one.
                let n = u64::from(input.byte().unwrap_or(0) % 8);
                for i in 0..n {
                    let slot = u64::from(input.byte().unwrap_or(0)) % SLOT_COUNT;
                    let r = slot_ref(&mut g, slot);
                    let _ = g.write(ARGS + 8 * i, &r.to_le_bytes());
                }
            }
            _ => call_import(&mut g, abi, &names, &mut input),
        }
        assert!(
            g.host.heap.payload() <= CAP as usize,
            "the heap's payload passed its cap"
        );
    }
}

/// The dictionary of names in memory; each name's (address, length).
fn lay_out_names(g: &mut FuzzGuest) -> Vec<(u64, u64)> {
    let mut at = NAMES;
    let mut names = vec![];
    for name in NAMES_LIST {
        let _ = g.write(at, name.as_bytes());
        names.push((at, name.len() as u64));
        at += name.len() as u64 + 1;
    }
    names
}

/// The slots' first references: the global object and what hangs off it, and path strings.
fn fill_slots(g: &mut FuzzGuest) {
    let global = Value::Object(g.host.global);
    let go = Value::Object(g.host.go);
    let mut values = vec![global.clone(), go];
    for name in ["fs", "process", "Object", "Array", "Uint8Array", "Date"] {
        values.push(ops::get(&mut g.host, &global, Key::Name(name)).unwrap_or(Value::Undefined));
    }
    for path in [
        "/data/f",
        "/data/sub/new",
        "../outside/canary",
        "/data/../outside/x",
        "/",
    ] {
        values.push(Value::str(path));
    }
    values.extend([Value::Number(0.0), Value::Number(438.0), Value::Bool(true)]);
    for (i, v) in values.iter().enumerate() {
        let r = g.host.reference(v);
        let _ = g.write(SLOTS + 8 * i as u64, &r.to_le_bytes());
    }
}

fn slot_ref(g: &mut FuzzGuest, slot: u64) -> u64 {
    let mut b = [0; 8];
    let _ = g.read(SLOTS + 8 * slot, &mut b);
    u64::from_le_bytes(b)
}

/// One 64-bit argument: a slot's reference, a name's address or length, the arguments array,
/// a small number, or raw bytes.
fn word(g: &mut FuzzGuest, names: &[(u64, u64)], input: &mut Input, last_name: &mut usize) -> u64 {
    let pick = input.byte().unwrap_or(0);
    let n = usize::from(pick >> 3);
    match pick % 8 {
        0 | 1 => slot_ref(g, n as u64 % SLOT_COUNT),
        2 => {
            *last_name = n % names.len();
            names[*last_name].0
        }
        3 => names[*last_name].1,
        4 => ARGS,
        5 => n as u64,
        6 => u64::from(input.u16()),
        _ => input.u64(),
    }
}

/// Calls one of the ABI's imports with arguments from the input; a returned reference, or the
/// word a Go import wrote at `FRAME + 8 * k`, can be kept in a slot.
fn call_import(g: &mut FuzzGuest, abi: JsAbi, names: &[(u64, u64)], input: &mut Input) {
    let which = usize::from(input.byte().unwrap_or(0));
    let keep = u64::from(input.byte().unwrap_or(0));
    let mut last_name = 0;
    let (handler, args): (Handler, Vec<Val>) = match abi {
        JsAbi::Go => {
            let (_, h) = gojs::IMPORTS[which % gojs::IMPORTS.len()];
            for k in 1..8 {
                let w = word(g, names, input, &mut last_name);
                let _ = g.write(FRAME + 8 * k, &w.to_le_bytes());
            }
            (h, vec![Val::I32(FRAME as i32)])
        }
        JsAbi::TinyGo => {
            let (_, signature, h) = tinygo::IMPORTS[which % tinygo::IMPORTS.len()];
            let params = signature
                .trim_start_matches('(')
                .split(')')
                .next()
                .unwrap_or("");
            let args = params
                .split(", ")
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let w = word(g, names, input, &mut last_name);
                    match p {
                        "i64" => Val::I64(w as i64),
                        "f64" => Val::F64(f64::from(w as u32)),
                        "f32" => Val::F32(w as u32 as f32),
                        _ => Val::I32(w as i32),
                    }
                })
                .collect();
            (h, args)
        }
    };
    let result = super::call_import(g, handler, &args);
    let kept = match result {
        Ok(Some(Val::I64(r))) => Some(r as u64),
        Ok(_) if abi == JsAbi::Go => {
            let mut b = [0; 8];
            let _ = g.read(FRAME + 8 * (keep >> 5 & 7), &mut b);
            Some(u64::from_le_bytes(b))
        }
        Ok(_) => None,
        Err(Stop::Exit(_) | Stop::Fault(_)) => None,
        Err(Stop::Engine(_)) => unreachable!("the fuzz guest has no engine"),
    };
    if let Some(r) = kept {
        let _ = g.write(SLOTS + 8 * (keep % SLOT_COUNT), &r.to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seeded inputs in both ABIs, read-write and read-only: the checks hold (the fuzz target
    /// runs millions more; `tests/fuzz_corpus.rs` replays its corpus).
    #[test]
    fn seeded_inputs_keep_the_host_s_promises() {
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        for i in 0..300 {
            let mut input = vec![i as u8];
            for _ in 0..(64 + i * 3) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                input.push(x as u8);
            }
            check(&input);
        }
        check(&[]);
    }
}
