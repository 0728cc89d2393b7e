//! `fs` as node has it, over the folders the run was given (`--dir`, `--dir-ro`) and nothing
//! else: each path is resolved lexically against those guest paths and opened through cap-std,
//! which refuses any way out of the folder (`..`, symlinks, absolute links). With no folder
//! given, every call but stdio answers ENOSYS, as wasm_exec.js's browser polyfill does.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::os::unix::fs::{FileExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

use cap_std::ambient_authority;
use cap_std::fs::{Dir, MetadataExt, OpenOptions, OpenOptionsExt};

use super::value::{Kind, ObjId, Object, Throw, Value};
use super::world::new_error;
use super::{Guest, JsHost, ops, value::Class};
use crate::engine::DirMapping;

/// node's flag values (Linux's), which Go reads from `fs.constants`: from Go 1.24 on also
/// `O_DIRECTORY` (syscall/fs_js.go:39-44), which `os.ReadDir` opens with.
pub const CONSTANTS: [(&str, f64); 8] = [
    ("O_RDONLY", 0.0),
    ("O_WRONLY", 1.0),
    ("O_RDWR", 2.0),
    ("O_CREAT", 64.0),
    ("O_EXCL", 128.0),
    ("O_TRUNC", 512.0),
    ("O_APPEND", 1024.0),
    ("O_DIRECTORY", O_DIRECTORY as f64),
];

const O_DIRECTORY: u32 = 65536;

struct Mount {
    /// Absolute and normalised.
    guest: PathBuf,
    dir: Dir,
    read_only: bool,
}

struct OpenFile {
    file: std::fs::File,
    read_only: bool,
}

/// The guest's folders and its open files.
#[derive(Default)]
pub struct Files {
    /// Longest guest path first, so the most specific mount wins.
    mounts: Vec<Mount>,
    open: HashMap<i32, OpenFile>,
    next_fd: i32,
    /// The guest's working folder (`process.cwd()`), which relative paths start from.
    cwd: PathBuf,
    /// Links this run made with an absolute target that cap-std made relative: the link's
    /// device and inode (which a rename keeps) → (the target written, the target given), so
    /// `readlink` gives back what was given.
    links: HashMap<(u64, u64), (PathBuf, String)>,
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Files({} mounts, {} open)",
            self.mounts.len(),
            self.open.len()
        )
    }
}

/// An errno as node names it, e.g. `ENOENT`.
type Code = &'static str;

fn code_of(e: &std::io::Error) -> Code {
    match e.raw_os_error() {
        Some(libc::ENOENT) => "ENOENT",
        Some(libc::EEXIST) => "EEXIST",
        Some(libc::ENOTDIR) => "ENOTDIR",
        Some(libc::EISDIR) => "EISDIR",
        Some(libc::EACCES) => "EACCES",
        Some(libc::EPERM) => "EPERM",
        Some(libc::ENOTEMPTY) => "ENOTEMPTY",
        Some(libc::EBADF) => "EBADF",
        Some(libc::EINVAL) => "EINVAL",
        Some(libc::EROFS) => "EROFS",
        Some(libc::ELOOP) => "ELOOP",
        Some(libc::ENAMETOOLONG) => "ENAMETOOLONG",
        Some(libc::EXDEV) => "EXDEV",
        Some(libc::ENOSPC) => "ENOSPC",
        Some(libc::EMLINK) => "EMLINK",
        Some(libc::EBUSY) => "EBUSY",
        Some(libc::ESPIPE) => "ESPIPE",
        _ => match e.kind() {
            std::io::ErrorKind::NotFound => "ENOENT",
            std::io::ErrorKind::PermissionDenied => "EPERM",
            std::io::ErrorKind::AlreadyExists => "EEXIST",
            std::io::ErrorKind::InvalidInput => "EINVAL",
            _ => "EIO",
        },
    }
}

/// `/a/./b/../c` → `/a/c`, relative paths against `/`; `..` stops at the root.
/// `path` made absolute against `cwd` (itself absolute), with `.` and `..` resolved lexically.
fn normalise(path: &str, cwd: &Path) -> PathBuf {
    let mut out = if path.starts_with('/') {
        PathBuf::from("/")
    } else {
        cwd.to_path_buf()
    };
    for c in Path::new(path).components() {
        match c {
            Component::Normal(part) => out.push(part),
            Component::ParentDir => {
                out.pop();
            }
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
        }
    }
    out
}

/// The part of `path` after the mount at `guest`, as written: a `..` after a symlink and a
/// trailing `/.` mean what the filesystem says they mean (POSIX, and what Go 1.24's `os.Root`
/// tests check), and cap-std resolves them without leaving the folder. `None` when the path
/// climbs above the mount on the way (`/m/a/../../m/b`): that one is taken lexically.
fn as_written_within(path: &str, cwd: &Path, guest: &Path) -> Option<PathBuf> {
    let absolute = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}/{path}", cwd.display())
    };
    let segments: Vec<&str> = absolute.split('/').filter(|s| !s.is_empty()).collect();
    let start = (0..=segments.len())
        .find(|&i| normalise(&format!("/{}", segments[..i].join("/")), cwd) == guest)?;
    let rest = &segments[start..];
    let mut depth = 0i32;
    for s in rest {
        depth += match *s {
            ".." => -1,
            "." => 0,
            _ => 1,
        };
        if depth < 0 {
            return None;
        }
    }
    let mut inner = rest.join("/");
    if inner.is_empty() {
        inner.push('.');
    } else if absolute.ends_with('/') {
        inner.push('/');
    }
    Some(PathBuf::from(inner))
}

impl Files {
    /// Opens the run's folders; fails on one that cannot be opened. `cwd` is the guest's
    /// working folder (`/` unless absolute).
    pub fn new(dirs: &[DirMapping], cwd: &str) -> Result<Files, (PathBuf, String)> {
        let root = Path::new("/");
        let mut mounts = Vec::new();
        for d in dirs {
            let dir = Dir::open_ambient_dir(&d.host, ambient_authority())
                .map_err(|e| (d.host.clone(), e.to_string()))?;
            mounts.push(Mount {
                guest: normalise(&d.guest, root),
                dir,
                read_only: d.read_only,
            });
        }
        mounts.sort_by_key(|m| std::cmp::Reverse(m.guest.components().count()));
        Ok(Files {
            mounts,
            open: HashMap::new(),
            next_fd: 3,
            cwd: normalise(cwd, root),
            links: HashMap::new(),
        })
    }

    /// The working folder, as `process.cwd()` gives it.
    pub fn cwd(&self) -> String {
        self.cwd.to_string_lossy().into_owned()
    }

    /// `process.chdir`: to a folder inside the run's folders.
    pub fn chdir(&mut self, path: &str) -> Result<(), Code> {
        let (mount, inner) = self.resolve(path)?;
        let is_dir = io(mount.dir.metadata(&inner))?.is_dir();
        if !is_dir {
            return Err("ENOTDIR");
        }
        self.cwd = normalise(path, &self.cwd);
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.mounts.is_empty()
    }

    /// The mount a guest path is in, and the path inside it (`.` for the mount itself).
    fn resolve(&self, path: &str) -> Result<(&Mount, PathBuf), Code> {
        if self.mounts.is_empty() {
            return Err("ENOSYS");
        }
        let lexical = normalise(path, &self.cwd);
        let mount = self
            .mounts
            .iter()
            .find(|m| lexical.starts_with(&m.guest))
            .ok_or("ENOENT")?;
        // As written, unless another mount sits inside this one: the filesystem under the
        // mount does not know of it.
        let nested = self
            .mounts
            .iter()
            .any(|m| m.guest != mount.guest && m.guest.starts_with(&mount.guest));
        if let Some(inner) = as_written_within(path, &self.cwd, &mount.guest).filter(|_| !nested) {
            return Ok((mount, inner));
        }
        let inner = lexical.strip_prefix(&mount.guest).expect("starts with it");
        let inner = if inner.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            inner.to_path_buf()
        };
        Ok((mount, inner))
    }

    fn writable(&self, path: &str) -> Result<(&Mount, PathBuf), Code> {
        let (mount, inner) = self.resolve(path)?;
        if mount.read_only {
            return Err("EROFS");
        }
        Ok((mount, inner))
    }

    fn file(&mut self, fd: f64) -> Result<&mut OpenFile, Code> {
        self.open.get_mut(&(fd as i32)).ok_or("EBADF")
    }

    fn open_file(&mut self, path: &str, flags: u32, mode: u32) -> Result<i32, Code> {
        let access = flags & 3;
        let writes = access != 0 || flags & (64 | 512 | 1024) != 0;
        let (mount, inner) = if writes {
            self.writable(path)?
        } else {
            self.resolve(path)?
        };
        if flags & O_DIRECTORY != 0 {
            // A folder only, and only for reading, as open(2) has it.
            if writes {
                return Err("EISDIR");
            }
            let file = match mount.dir.open_dir(&inner) {
                Ok(d) => d.into_std_file(),
                Err(e) => return Err(code_of(&e)),
            };
            return Ok(self.add(file, mount.read_only));
        }
        let mut options = OpenOptions::new();
        options
            .read(access != 1)
            .write(access != 0)
            .append(flags & 1024 != 0)
            .truncate(flags & 512 != 0)
            .mode(mode);
        if flags & 64 != 0 {
            if flags & 128 != 0 {
                options.create_new(true);
            } else {
                options.create(true);
            }
        }
        let file = match mount.dir.open_with(&inner, &options) {
            Ok(f) => f.into_std(),
            // A folder opens for reading only through open_dir.
            Err(e) if e.raw_os_error() == Some(libc::EISDIR) && !writes => mount
                .dir
                .open_dir(&inner)
                .map_err(|e| code_of(&e))?
                .into_std_file(),
            Err(e) => return Err(code_of(&e)),
        };
        let read_only = mount.read_only;
        Ok(self.add(file, read_only))
    }

    fn add(&mut self, file: std::fs::File, read_only: bool) -> i32 {
        let fd = self.next_fd;
        self.next_fd += 1;
        self.open.insert(fd, OpenFile { file, read_only });
        fd
    }

    /// node's `path.resolve(...segments)`: from the working folder, each absolute segment
    /// starting again, normalised (Go 1.24+'s `syscall.Open` keeps the path it returns).
    pub fn resolve_path(&self, segments: &[String]) -> String {
        let mut out = self.cwd.clone();
        for s in segments.iter().filter(|s| !s.is_empty()) {
            out = normalise(s, &out);
        }
        out.to_string_lossy().into_owned()
    }
}

/// An `Error` with node's `code`, as `fs` calls give their callbacks (and `process.chdir`
/// throws).
pub fn fs_error(host: &mut JsHost, code: Code) -> Value {
    let error = new_error(host, Class::Error, &format!("{code}: the call failed"));
    if let Value::Object(id) = error {
        host.heap.get_mut(id).set_own("code", Value::str(code));
    }
    error
}

/// Calls the node-style callback (the last argument) with the error, or `null` and the result.
fn answer(g: &mut dyn Guest, args: &[Value], result: Result<Value, Code>) -> Result<Value, Throw> {
    let cb = args.last().cloned().unwrap_or(Value::Undefined);
    let cb_args = match result {
        Ok(Value::Undefined) => vec![Value::Null],
        Ok(v) => vec![Value::Null, v],
        Err(code) => vec![fs_error(g.host(), code)],
    };
    ops::apply(g, &cb, &Value::Undefined, &cb_args)?;
    Ok(Value::Undefined)
}

fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::Undefined)
}

fn text(host: &JsHost, args: &[Value], i: usize) -> String {
    ops::to_string(host, &arg(args, i))
}

fn number(host: &JsHost, args: &[Value], i: usize) -> f64 {
    ops::to_number(host, &arg(args, i))
}

/// node's `fs.Stats`: the fields Go reads, and `isDirectory()`.
fn stats(host: &mut JsHost, m: &cap_std::fs::Metadata) -> Value {
    let ms = |secs: i64, nsecs: i64| (secs as f64) * 1000.0 + (nsecs as f64) / 1e6;
    let mut o = Object::new(Kind::Plain);
    for (name, v) in [
        ("dev", m.dev() as f64),
        ("ino", m.ino() as f64),
        ("mode", f64::from(m.mode())),
        ("nlink", m.nlink() as f64),
        ("uid", f64::from(m.uid())),
        ("gid", f64::from(m.gid())),
        ("rdev", m.rdev() as f64),
        ("size", m.size() as f64),
        ("blksize", m.blksize() as f64),
        ("blocks", m.blocks() as f64),
        ("atimeMs", ms(m.atime(), m.atime_nsec())),
        ("mtimeMs", ms(m.mtime(), m.mtime_nsec())),
        ("ctimeMs", ms(m.ctime(), m.ctime_nsec())),
    ] {
        o.set_own(name, Value::Number(v));
    }
    let is_dir = host.method_object(super::value::Native {
        name: "isDirectory",
        call: stats_is_directory,
    });
    o.set_own("isDirectory", Value::Object(is_dir));
    Value::Object(host.heap.alloc(o))
}

fn stats_is_directory(g: &mut dyn Guest, this: &Value, _: &[Value]) -> Result<Value, Throw> {
    let host = g.host();
    let mode = match this {
        Value::Object(_) => {
            let m = ops::get(host, this, ops::Key::Name("mode"))?;
            ops::to_number(host, &m) as u32
        }
        _ => 0,
    };
    Ok(Value::Bool(mode & libc::S_IFMT == libc::S_IFDIR))
}

fn io<T>(r: std::io::Result<T>) -> Result<T, Code> {
    r.map_err(|e| code_of(&e))
}

/// The bytes of the `Uint8Array` `v` in `offset..offset+length`, for reading into or writing
/// from; `None` when `v` is not one or the range is outside it.
/// What `fs.read` and `fs.write` take: `(fd, buffer, offset, length, position, callback)`.
struct Transfer {
    fd: f64,
    /// The buffer, and the range of it to fill or send.
    id: ObjId,
    start: usize,
    len: usize,
    /// `None`: at the file's own offset.
    position: Option<u64>,
}

/// Reads a transfer's arguments; `None` when the buffer or its range is not one.
fn transfer(host: &JsHost, args: &[Value]) -> Option<Transfer> {
    let (offset, length) = (number(host, args, 2), number(host, args, 3));
    let (id, start, len) = buffer_range(host, &arg(args, 1), offset, length)?;
    let position = match arg(args, 4) {
        Value::Number(p) => Some(p as u64),
        _ => None,
    };
    Some(Transfer {
        fd: number(host, args, 0),
        id,
        start,
        len,
        position,
    })
}

fn buffer_range(
    host: &JsHost,
    v: &Value,
    offset: f64,
    length: f64,
) -> Option<(ObjId, usize, usize)> {
    let id = v.clone().object()?;
    let Kind::Bytes(bytes) = &host.heap.get(id).kind else {
        return None;
    };
    let (offset, length) = (offset.max(0.0) as usize, length.max(0.0) as usize);
    (offset.checked_add(length)? <= bytes.len()).then_some((id, offset, length))
}

/// `fs.read(fd, buffer, offset, length, position, callback)` for a file (fd 0 is stdin's, in
/// [`super::system`]).
pub fn read(g: &mut dyn Guest, args: &[Value]) -> Result<Value, Throw> {
    let host = g.host();
    let Some(Transfer {
        fd,
        id,
        start,
        len,
        position,
    }) = transfer(host, args)
    else {
        return answer(g, args, Err("EINVAL"));
    };
    let mut chunk = vec![0; len];
    let result = host.files.file(fd).and_then(|f| match position {
        Some(p) => io(f.file.read_at(&mut chunk, p)),
        None => io(f.file.read(&mut chunk)),
    });
    if let Ok(n) = result
        && let Kind::Bytes(bytes) = &mut host.heap.get_mut(id).kind
    {
        bytes[start..start + n].copy_from_slice(&chunk[..n]);
    }
    answer(g, args, result.map(|n| Value::Number(n as f64)))
}

/// `fs.write(fd, buffer, offset, length, position, callback)` for a file.
pub fn write(g: &mut dyn Guest, args: &[Value]) -> Result<Value, Throw> {
    let host = g.host();
    let Some(Transfer {
        fd,
        id,
        start,
        len,
        position,
    }) = transfer(host, args)
    else {
        return answer(g, args, Err("EINVAL"));
    };
    let data = match &host.heap.get(id).kind {
        Kind::Bytes(b) => b[start..start + len].to_vec(),
        _ => Vec::new(),
    };
    let result = host.files.file(fd).and_then(|f| {
        if f.read_only {
            return Err("EBADF");
        }
        match position {
            Some(p) => io(f.file.write_at(&data, p)),
            None => io(f.file.write(&data)),
        }
    });
    answer(g, args, result.map(|n| Value::Number(n as f64)))
}

/// The node `fs` functions that take paths or descriptors, by name.
pub const CALLS: &[(&str, super::value::NativeFn)] = &[
    ("open", open),
    ("close", close),
    ("fstat", fstat),
    ("stat", stat),
    ("lstat", lstat),
    ("readdir", readdir),
    ("mkdir", mkdir),
    ("rmdir", rmdir),
    ("unlink", unlink),
    ("rename", rename),
    ("readlink", readlink),
    ("symlink", symlink),
    ("link", link),
    ("chmod", chmod),
    ("fchmod", fchmod),
    ("truncate", truncate),
    ("utimes", utimes),
    ("chown", chown),
    ("lchown", lchown),
    ("fchown", fchown),
    ("ftruncate", ftruncate),
    ("fsync", fsync),
];

fn open(g: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = g.host();
    let path = text(host, args, 0);
    let (flags, mode) = (number(host, args, 1) as u32, number(host, args, 2) as u32);
    let result = host.files.open_file(&path, flags, mode & 0o7777);
    answer(g, args, result.map(|fd| Value::Number(f64::from(fd))))
}

fn close(g: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = g.host();
    let fd = number(host, args, 0) as i32;
    let result = host
        .files
        .open
        .remove(&fd)
        .map(|_| Value::Undefined)
        .ok_or("EBADF");
    answer(g, args, result)
}

fn fstat(g: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = g.host();
    let fd = number(host, args, 0);
    let result = host
        .files
        .file(fd)
        .and_then(|f| io(cap_std::fs::Metadata::from_file(&f.file)));
    let result = result.map(|m| stats(host, &m));
    answer(g, args, result)
}

/// Metadata of a path in a mount, following a final link (`stat`) or not (`lstat`).
fn path_stats(g: &mut dyn Guest, args: &[Value], follow: bool) -> Result<Value, Throw> {
    let host = g.host();
    let path = text(host, args, 0);
    // `link/` names what the link points to, for lstat too (POSIX).
    let follow = follow || path.ends_with('/');
    let result = host.files.resolve(&path).and_then(|(mount, inner)| {
        io(if follow {
            mount.dir.metadata(&inner)
        } else {
            mount.dir.symlink_metadata(&inner)
        })
    });
    let result = result.map(|m| stats(host, &m));
    answer(g, args, result)
}

fn stat(g: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    path_stats(g, args, true)
}

fn lstat(g: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    path_stats(g, args, false)
}

fn readdir(g: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = g.host();
    let path = text(host, args, 0);
    let names = host.files.resolve(&path).and_then(|(mount, inner)| {
        let entries = io(mount.dir.read_dir(&inner))?;
        entries
            .map(|e| {
                let e = io(e)?;
                Ok(Value::str(&e.file_name().to_string_lossy()))
            })
            .collect::<Result<Vec<_>, Code>>()
    });
    let result = names.and_then(|names| {
        let array = host.heap.alloc_within_cap(Object::new(Kind::Array(names)));
        array.map(Value::Object).ok_or("ENOMEM")
    });
    answer(g, args, result)
}

/// A call on one writable path: `f(dir, path inside it)`.
fn on_path(
    g: &mut dyn Guest,
    args: &[Value],
    f: impl FnOnce(&Dir, &Path, &JsHost) -> std::io::Result<()>,
) -> Result<Value, Throw> {
    let host = g.host();
    let path = text(host, args, 0);
    let result = host
        .files
        .writable(&path)
        .and_then(|(mount, inner)| io(f(&mount.dir, &inner, host)));
    answer(g, args, result.map(|()| Value::Undefined))
}

/// `fs.mkdir(path, mode, callback)`: the mode as given (the kernel applies the umask).
fn mkdir(g: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    use cap_std::fs::{DirBuilder, DirBuilderExt};
    let mode = match arg(args, 1) {
        Value::Number(m) => m as u32 & 0o7777,
        _ => 0o777,
    };
    on_path(g, args, |dir, p, _| {
        dir.create_dir_with(p, DirBuilder::new().mode(mode))
    })
}

fn rmdir(g: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    on_path(g, args, |dir, p, _| dir.remove_dir(p))
}

fn unlink(g: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    on_path(g, args, |dir, p, _| dir.remove_file(p))
}

fn chmod(g: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let mode = number(g.host(), args, 1) as u32;
    on_path(g, args, |dir, p, _| {
        let perms = std::fs::Permissions::from_mode(mode & 0o7777);
        dir.set_permissions(p, cap_std::fs::Permissions::from_std(perms))
    })
}

/// `fs.chown(path, uid, gid, callback)`: the file the path leads to.
fn chown(g: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let (uid, gid) = owner(g.host(), args, 1);
    on_path(g, args, |dir, p, _| {
        std::os::unix::fs::fchown(dir.open(p)?.into_std(), uid, gid)
    })
}

/// `fs.lchown(path, uid, gid, callback)`: a link itself. Its folder is opened through cap-std,
/// so the one name left to `fchownat` cannot lead out.
fn lchown(g: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    use std::os::fd::AsRawFd;
    let (uid, gid) = owner(g.host(), args, 1);
    on_path(g, args, |dir, p, _| {
        let (Some(parent), Some(name)) = (p.parent(), p.file_name()) else {
            return Err(std::io::Error::from_raw_os_error(libc::EINVAL));
        };
        let folder = if parent.as_os_str().is_empty() {
            dir.try_clone()?
        } else {
            dir.open_dir(parent)?
        };
        let name = std::ffi::CString::new(std::os::unix::ffi::OsStrExt::as_bytes(name))
            .map_err(|_| std::io::Error::from_raw_os_error(libc::EINVAL))?;
        let (uid, gid) = (uid.unwrap_or(u32::MAX), gid.unwrap_or(u32::MAX));
        // SAFETY: a valid folder descriptor and a NUL-terminated single name.
        let r = unsafe {
            libc::fchownat(
                folder.as_raw_fd(),
                name.as_ptr(),
                uid,
                gid,
                libc::AT_SYMLINK_NOFOLLOW,
            )
        };
        if r == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        }
    })
}

/// `fs.fchown(fd, uid, gid, callback)`.
fn fchown(g: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    on_fd(g, args, |f, args, host| {
        let (uid, gid) = owner(host, args, 1);
        io(std::os::unix::fs::fchown(&f.file, uid, gid))
    })
}

/// The uid and gid at `args[i]` and `args[i + 1]`; -1 leaves one as it is.
fn owner(host: &JsHost, args: &[Value], i: usize) -> (Option<u32>, Option<u32>) {
    let id = |n: f64| (n >= 0.0 && n <= f64::from(u32::MAX - 1)).then_some(n as u32);
    (id(number(host, args, i)), id(number(host, args, i + 1)))
}

/// `fs.utimes(path, atime, mtime, callback)`, times in seconds since 1970.
fn utimes(g: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = g.host();
    let path = text(host, args, 0);
    let time = |seconds: f64| -> Result<std::time::SystemTime, Code> {
        let span = std::time::Duration::try_from_secs_f64(seconds.abs()).map_err(|_| "EINVAL")?;
        let epoch = std::time::UNIX_EPOCH;
        let t = if seconds >= 0.0 {
            epoch.checked_add(span)
        } else {
            epoch.checked_sub(span)
        };
        t.ok_or("EINVAL")
    };
    let times = time(number(host, args, 1)).and_then(|accessed| {
        let modified = time(number(host, args, 2))?;
        Ok(std::fs::FileTimes::new()
            .set_accessed(accessed)
            .set_modified(modified))
    });
    let result = times.and_then(|times| {
        let (mount, inner) = host.files.writable(&path)?;
        let file = io(mount.dir.open(&inner))?.into_std();
        io(file.set_times(times))
    });
    answer(g, args, result.map(|()| Value::Undefined))
}

fn truncate(g: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let len = number(g.host(), args, 1).max(0.0) as u64;
    on_path(g, args, |dir, p, _| {
        dir.open_with(p, OpenOptions::new().write(true))?
            .set_len(len)
    })
}

fn symlink(g: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = g.host();
    let target = text(host, args, 0);
    let link = text(host, args, 1);
    let files = &mut host.files;
    let result = files.writable(&link).and_then(|(mount, inner)| {
        let written = relative_target(&normalise(&target, &files.cwd), &target, mount, &inner);
        io(mount.dir.symlink(&written, &inner))?;
        let made = mount.dir.symlink_metadata(&inner).ok();
        Ok((written, made.map(|m| (m.dev(), m.ino()))))
    });
    let result = result.map(|(written, id)| {
        if let (Some(id), true) = (id, written.as_os_str() != target.as_str()) {
            files.links.insert(id, (written, target));
        }
    });
    answer(g, args, result.map(|()| Value::Undefined))
}

/// cap-std refuses absolute link targets: one inside the link's own mount becomes the same
/// place relative to the link's folder (`/m/a/b` from `/m/c/link` is `../a/b`); any other
/// target is kept as given (and refused when absolute).
fn relative_target(absolute: &Path, given: &str, mount: &Mount, link: &Path) -> PathBuf {
    let Ok(inside) = absolute.strip_prefix(&mount.guest) else {
        return PathBuf::from(given);
    };
    if !given.starts_with('/') {
        return PathBuf::from(given);
    }
    let depth = link.parent().map_or(0, |p| p.components().count());
    let mut out: PathBuf = std::iter::repeat_n("..", depth).collect();
    out.push(inside);
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// Two paths in the same writable mount (`rename`, `link`); EXDEV across mounts.
fn two_paths(
    g: &mut dyn Guest,
    args: &[Value],
    f: impl FnOnce(&Dir, &Path, &Path) -> std::io::Result<()>,
) -> Result<Value, Throw> {
    let host = g.host();
    let (from, to) = (text(host, args, 0), text(host, args, 1));
    let result = host.files.writable(&from).and_then(|(a, from)| {
        let (b, to) = host.files.writable(&to)?;
        if !std::ptr::eq(a, b) {
            return Err("EXDEV");
        }
        io(f(&a.dir, &from, &to))
    });
    answer(g, args, result.map(|()| Value::Undefined))
}

fn rename(g: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    two_paths(g, args, |dir, from, to| dir.rename(from, dir, to))
}

fn link(g: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    two_paths(g, args, |dir, from, to| dir.hard_link(from, dir, to))
}

fn readlink(g: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = g.host();
    let path = text(host, args, 0);
    let files = &host.files;
    let result = files
        .resolve(&path)
        .and_then(|(mount, inner)| {
            let target = io(mount.dir.read_link_contents(&inner))?;
            let id = mount
                .dir
                .symlink_metadata(&inner)
                .map(|m| (m.dev(), m.ino()));
            // A link this run made from an absolute target reads back as it was given.
            Ok(match id.ok().and_then(|id| files.links.get(&id)) {
                Some((written, given)) if *written == target => given.clone(),
                _ => target.to_string_lossy().into_owned(),
            })
        })
        .map(|target| Value::str(&target));
    answer(g, args, result)
}

/// A call on an open file: `f(file)`.
fn on_fd(
    g: &mut dyn Guest,
    args: &[Value],
    f: impl FnOnce(&mut OpenFile, &[Value], &JsHost) -> Result<(), Code>,
) -> Result<Value, Throw> {
    let host = g.host();
    let fd = number(host, args, 0);
    let mut files = std::mem::take(&mut host.files);
    let result = files.file(fd).and_then(|file| f(file, args, host));
    host.files = files;
    answer(g, args, result.map(|()| Value::Undefined))
}

fn fchmod(g: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    on_fd(g, args, |f, args, host| {
        let mode = number(host, args, 1) as u32 & 0o7777;
        io(f.file
            .set_permissions(std::fs::Permissions::from_mode(mode)))
    })
}

fn ftruncate(g: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    on_fd(g, args, |f, args, host| {
        if f.read_only {
            return Err("EINVAL");
        }
        io(f.file.set_len(number(host, args, 1).max(0.0) as u64))
    })
}

fn fsync(g: &mut dyn Guest, _: &Value, args: &[Value]) -> Result<Value, Throw> {
    let host = g.host();
    if host.files.is_empty() || number(host, args, 0) < 3.0 {
        return answer(g, args, Ok(Value::Undefined));
    }
    // A folder or a read-only file has nothing to flush: fsync succeeds for them, as in node.
    on_fd(g, args, |f, _, _| {
        let _ = f.file.sync_all();
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_passed_on_as_written_unless_it_climbs_out_of_its_mount() {
        let (cwd, m) = (Path::new("/m/w"), Path::new("/m"));
        let written = |p: &str| as_written_within(p, cwd, m).map(|p| p.display().to_string());
        assert_eq!(written("/m/a/../target").as_deref(), Some("a/../target"));
        assert_eq!(written("/m/target/.").as_deref(), Some("target/."));
        assert_eq!(written("/m/link/").as_deref(), Some("link/"));
        assert_eq!(written("x").as_deref(), Some("w/x"));
        assert_eq!(written("/m").as_deref(), Some("."));
        assert_eq!(written("/m/a/../../m/b"), None, "out of the mount and back");
        assert_eq!(written("../../etc"), None);
        assert_eq!(
            as_written_within("/m/x", cwd, Path::new("/other")),
            None,
            "not in that mount"
        );
    }
}
