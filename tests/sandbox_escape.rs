//! Escapes tried with raw WASI calls, below Go's path cleaning: `..`, absolute paths, symlinks
//! planted on the host or made by the guest, renames, hard links and stats out of a preopened
//! folder. Each must fail in every mode, and the host must be unchanged.

mod common;

use std::fmt::Write as _;
use std::path::Path;

use common::*;

/// One call the probe makes, relative to the preopened `/sandbox`.
enum Call {
    Open(&'static str),
    Create(&'static str),
    Mkdir(&'static str),
    Symlink(&'static str, &'static str),
    Rename(&'static str, &'static str),
    Link(&'static str, &'static str),
    Unlink(&'static str),
    Stat(&'static str),
}

/// What a call may do.
#[derive(PartialEq)]
enum Expect {
    Allowed,
    Refused,
    /// Making a symlink that points out is harmless as long as following it fails.
    Either,
}
use Expect::*;

/// Label, call, and what it may do.
const CASES: &[(&str, Call, Expect)] = &[
    ("open inside", Call::Open("inside.txt"), Allowed),
    ("open sub/..", Call::Open("sub/../inside.txt"), Allowed),
    // wasmer-wasix 0.704 resolves a symlink from its virtual root, where it keys preopens as
    // `/sandbox` but looks up `sandbox`: it refuses (ENOTCAPABLE) even a symlink that stays
    // inside. Refusing more than it should is not an escape; docs/reliability.md lists it.
    ("open symlink inside", Call::Open("link-ok"), Either),
    ("open ..", Call::Open("../outside/secret.txt"), Refused),
    (
        "open sub/../..",
        Call::Open("sub/../../outside/secret.txt"),
        Refused,
    ),
    ("open absolute", Call::Open("/etc/passwd"), Refused),
    (
        "open absolute outside",
        Call::Open("OUTSIDE/secret.txt"),
        Refused,
    ),
    (
        "open host symlink to /etc",
        Call::Open("link-etc/passwd"),
        Refused,
    ),
    (
        "open host symlink to ..",
        Call::Open("link-up/secret.txt"),
        Refused,
    ),
    (
        "open host symlink to file",
        Call::Open("link-file"),
        Refused,
    ),
    ("create ..", Call::Create("../created.txt"), Refused),
    (
        "create through symlink",
        Call::Create("link-up/created.txt"),
        Refused,
    ),
    ("mkdir ..", Call::Mkdir("../made-dir"), Refused),
    (
        "guest symlink to /etc",
        Call::Symlink("/etc", "made-etc"),
        Either,
    ),
    (
        "open guest symlink to /etc",
        Call::Open("made-etc/passwd"),
        Refused,
    ),
    (
        "guest symlink to ..",
        Call::Symlink("../outside", "made-up"),
        Either,
    ),
    (
        "open guest symlink to ..",
        Call::Open("made-up/secret.txt"),
        Refused,
    ),
    (
        "create through guest symlink",
        Call::Create("made-up/created.txt"),
        Refused,
    ),
    (
        "rename out",
        Call::Rename("inside.txt", "../moved.txt"),
        Refused,
    ),
    (
        "rename in",
        Call::Rename("../outside/secret.txt", "stolen.txt"),
        Refused,
    ),
    (
        "hard link in",
        Call::Link("../outside/secret.txt", "hard.txt"),
        Refused,
    ),
    ("unlink ..", Call::Unlink("../outside/secret.txt"), Refused),
    (
        "unlink through symlink",
        Call::Unlink("link-up/secret.txt"),
        Refused,
    ),
    ("stat ..", Call::Stat("../outside/secret.txt"), Refused),
    (
        "stat through symlink",
        Call::Stat("link-etc/passwd"),
        Refused,
    ),
    // What the guest may do inside, so that a refusal above is not just a call that never works.
    ("create inside", Call::Create("new.txt"), Allowed),
    ("stat inside", Call::Stat("new.txt"), Allowed),
    ("mkdir inside", Call::Mkdir("new-dir"), Allowed),
    (
        "rename inside",
        Call::Rename("new.txt", "renamed.txt"),
        Allowed,
    ),
    ("create another inside", Call::Create("gone.txt"), Allowed),
    ("unlink inside", Call::Unlink("gone.txt"), Allowed),
    // wasix (baseline, aot) keeps the links a guest makes in memory, not on the host.
    (
        "hard link inside",
        Call::Link("inside.txt", "linked.txt"),
        Either,
    ),
];

const GUEST_DIR: &str = "/sandbox";

/// The probe as text: it counts the preopens and finds the one named `/sandbox`, prints
/// `preopens: N`, then makes each call and prints `label: ok` or `label: errno N`.
#[expect(
    clippy::too_many_lines,
    reason = "the probe module's text, one call per escape it tries"
)]
fn probe_wat(outside: &Path) -> String {
    let mut data = String::new();
    let mut next = 1024usize;
    let mut intern = |s: &str, data: &mut String| -> (usize, usize) {
        let at = next;
        let escaped: String = s.bytes().map(|b| format!("\\{b:02x}")).collect();
        writeln!(data, "  (data (i32.const {at}) \"{escaped}\")").unwrap();
        next += s.len() + 1;
        (at, s.len())
    };
    let name = intern(GUEST_DIR, &mut data);
    let preopens = intern("preopens", &mut data);
    let mut body = String::new();
    for (label, call, _) in CASES {
        let (lp, ll) = intern(label, &mut data);
        let mut arg = |s: &str, data: &mut String| {
            let s = s.replace("OUTSIDE", &outside.display().to_string());
            let (p, l) = intern(&s, data);
            format!("(i32.const {p}) (i32.const {l})")
        };
        let call = match call {
            Call::Open(p) => format!(
                "(call $path_open (global.get $dir) (i32.const 1) {} (i32.const 0) (i64.const 0x6) (i64.const 0x6) (i32.const 0) (i32.const 96))",
                arg(p, &mut data)
            ),
            Call::Create(p) => format!(
                "(call $path_open (global.get $dir) (i32.const 1) {} (i32.const 1) (i64.const 0x46) (i64.const 0x46) (i32.const 0) (i32.const 96))",
                arg(p, &mut data)
            ),
            Call::Mkdir(p) => format!(
                "(call $path_create_directory (global.get $dir) {})",
                arg(p, &mut data)
            ),
            Call::Symlink(target, link) => format!(
                "(call $path_symlink {} (global.get $dir) {})",
                arg(target, &mut data),
                arg(link, &mut data)
            ),
            Call::Rename(from, to) => format!(
                "(call $path_rename (global.get $dir) {} (global.get $dir) {})",
                arg(from, &mut data),
                arg(to, &mut data)
            ),
            Call::Link(from, to) => format!(
                "(call $path_link (global.get $dir) (i32.const 1) {} (global.get $dir) {})",
                arg(from, &mut data),
                arg(to, &mut data)
            ),
            Call::Unlink(p) => format!(
                "(call $path_unlink_file (global.get $dir) {})",
                arg(p, &mut data)
            ),
            Call::Stat(p) => format!(
                "(call $path_filestat_get (global.get $dir) (i32.const 1) {} (i32.const 128))",
                arg(p, &mut data)
            ),
        };
        writeln!(
            body,
            "    (call $report (i32.const {lp}) (i32.const {ll}) {call})"
        )
        .unwrap();
    }
    format!(
        r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $path_create_directory (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_symlink" (func $path_symlink (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_rename" (func $path_rename (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_link" (func $path_link (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_unlink_file" (func $path_unlink_file (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $dir (mut i32) (i32.const -1))
  (global $preopens (mut i32) (i32.const 0))
{data}
  (func $print (param $p i32) (param $l i32)
    (i32.store (i32.const 0) (local.get $p))
    (i32.store (i32.const 4) (local.get $l))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func $report (param $p i32) (param $l i32) (param $errno i32)
    (call $print (local.get $p) (local.get $l))
    (if (i32.eqz (local.get $errno))
      (then
        (i32.store (i32.const 32) (i32.const 0x6b6f203a))
        (i32.store8 (i32.const 36) (i32.const 0x0a))
        (call $print (i32.const 32) (i32.const 5)))
      (else
        (i64.store (i32.const 32) (i64.const 0x206f6e727265203a))
        (i32.store8 (i32.const 40) (i32.add (i32.const 48) (i32.div_u (local.get $errno) (i32.const 10))))
        (i32.store8 (i32.const 41) (i32.add (i32.const 48) (i32.rem_u (local.get $errno) (i32.const 10))))
        (i32.store8 (i32.const 42) (i32.const 10))
        (call $print (i32.const 32) (i32.const 11)))))
  (func $find_dir
    (local $fd i32)
    (local.set $fd (i32.const 3))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $fd) (i32.const 64)))
        (if (i32.and
              (i32.eqz (call $prestat_get (local.get $fd) (i32.const 16)))
              (i32.eqz (i32.load8_u (i32.const 16))))
          (then
            (global.set $preopens (i32.add (global.get $preopens) (i32.const 1)))
            (if (i32.eq (i32.load (i32.const 20)) (i32.const {name_len}))
              (then
                (drop (call $prestat_dir_name (local.get $fd) (i32.const 64) (i32.const {name_len})))
                (if (i32.and
                      (i64.eq (i64.load (i32.const 64)) (i64.load (i32.const {name_at})))
                      (i32.eq (i32.load8_u (i32.const 64)) (i32.const 0x2f)))
                  (then (global.set $dir (local.get $fd))))))))
        (local.set $fd (i32.add (local.get $fd) (i32.const 1)))
        (br $next))))
  (func (export "_start")
    (call $find_dir)
    (call $report (i32.const {preopens_at}) (i32.const 8) (global.get $preopens))
{body}  )
)
"#,
        name_len = name.1,
        name_at = name.0,
        preopens_at = preopens.0,
    )
}

fn host_tree(root: &Path) -> Vec<String> {
    let mut seen = Vec::new();
    for entry in walk(root) {
        let rel = entry.strip_prefix(root).unwrap().display().to_string();
        let meta = std::fs::symlink_metadata(&entry).unwrap();
        let what = if meta.file_type().is_symlink() {
            format!("-> {}", std::fs::read_link(&entry).unwrap().display())
        } else if meta.is_dir() {
            "dir".into()
        } else {
            format!("{:?}", std::fs::read_to_string(&entry).unwrap())
        };
        seen.push(format!("{rel} {what}"));
    }
    seen.sort();
    seen
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        out.push(p.clone());
        if std::fs::symlink_metadata(&p).unwrap().is_dir() {
            out.extend(walk(&p));
        }
    }
    out
}

#[test]
fn raw_wasi_calls_cannot_leave_a_preopened_folder() {
    for mode in ["interp", "baseline", "aot"] {
        let host = tempfile::tempdir().unwrap();
        let (sandbox, outside) = (host.path().join("box"), host.path().join("outside"));
        std::fs::create_dir_all(sandbox.join("sub")).unwrap();
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(sandbox.join("inside.txt"), "inside").unwrap();
        std::fs::write(outside.join("secret.txt"), "secret").unwrap();
        std::os::unix::fs::symlink("/etc", sandbox.join("link-etc")).unwrap();
        std::os::unix::fs::symlink("../outside", sandbox.join("link-up")).unwrap();
        std::os::unix::fs::symlink(outside.join("secret.txt"), sandbox.join("link-file")).unwrap();
        std::os::unix::fs::symlink("inside.txt", sandbox.join("link-ok")).unwrap();
        let outside_before = host_tree(&outside);

        let wat = host.path().join("probe.wat");
        std::fs::write(&wat, probe_wat(&outside)).unwrap();
        let mut c = gowasm();
        c.args(["run", "-q", "--no-stdin", "--mode", mode])
            .arg("--dir")
            .arg(format!("{}::{GUEST_DIR}", sandbox.display()))
            .arg(&wat);
        let out = run(c);
        assert_eq!(code(&out), 0, "{mode}: {}", stderr(&out));
        let printed = stdout(&out);
        let lines: Vec<&str> = printed.lines().collect();
        assert_eq!(lines.len(), CASES.len() + 1, "{mode}: {printed}");
        // The count goes where an errno would: "preopens: ok" means none.
        assert_ne!(lines[0], "preopens: ok", "{mode}: no preopen found");
        let mut wrong = Vec::new();
        for ((label, _, expect), line) in CASES.iter().zip(&lines[1..]) {
            let ok = line.ends_with(": ok");
            assert!(line.starts_with(label), "{mode}: {line}");
            let right = match expect {
                Allowed => ok,
                Refused => !ok,
                Either => true,
            };
            if !right {
                wrong.push(*line);
            }
        }
        assert!(
            wrong.is_empty(),
            "{mode}: wrong outcomes {wrong:#?}\nall:\n{printed}"
        );
        assert_eq!(
            host_tree(&outside),
            outside_before,
            "{mode}: outside changed"
        );
        assert_eq!(
            names_in(host.path()),
            ["box", "outside", "probe.wat"],
            "{mode}"
        );
        assert_eq!(
            std::fs::read_to_string(sandbox.join("inside.txt")).unwrap(),
            "inside"
        );
        let inside = host_tree(&sandbox);
        assert!(
            sandbox.join("new-dir").is_dir(),
            "{mode}: mkdir inside: {inside:#?}\n{printed}"
        );
        assert!(
            !sandbox.join("new.txt").exists(),
            "{mode}: renamed away: {inside:#?}\n{printed}"
        );
        assert!(
            sandbox.join("renamed.txt").exists(),
            "{mode}: renamed: {inside:#?}\n{printed}"
        );
        assert!(
            !sandbox.join("gone.txt").exists(),
            "{mode}: unlinked: {inside:#?}\n{printed}"
        );
    }
}

/// Without `--dir` there is nothing to open: every call fails, in every mode.
#[test]
fn without_a_preopen_nothing_opens() {
    let host = tempfile::tempdir().unwrap();
    let wat = host.path().join("probe.wat");
    std::fs::write(&wat, probe_wat(host.path())).unwrap();
    for mode in ["interp", "baseline", "aot"] {
        let mut c = gowasm();
        c.args(["run", "-q", "--no-stdin", "--mode", mode])
            .arg(&wat);
        let out = run(c);
        assert_eq!(code(&out), 0, "{mode}: {}", stderr(&out));
        let printed = stdout(&out);
        assert_eq!(
            printed.lines().count(),
            CASES.len() + 1,
            "{mode}: {printed}"
        );
        // The count goes where an errno would: zero prints as "ok".
        let (count, calls) = printed.split_once('\n').unwrap();
        assert_eq!(count, "preopens: ok", "{mode}:\n{printed}");
        assert!(!calls.contains(": ok"), "{mode}:\n{printed}");
    }
}

/// No network: WASI preview 1 has no way to open a socket, and wasix's socket calls (which the
/// compiled modes' WASI library could serve) are refused before the module runs.
#[test]
fn wasix_socket_imports_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let wat = dir.path().join("socket.wat");
    std::fs::write(
        &wat,
        r#"(module
  (import "wasix_32v1" "sock_open" (func (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")))"#,
    )
    .unwrap();
    for mode in ["interp", "baseline", "aot"] {
        let mut c = gowasm();
        c.args(["run", "--mode", mode]).arg(&wat);
        let out = run(c);
        assert_eq!(code(&out), 2, "{mode}");
        let err = stderr(&out);
        assert!(err.contains("wasix_32v1.sock_open"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}
