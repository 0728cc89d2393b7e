//! gowasm as Go's own exec wrappers: `go test` and `go run` for `GOOS=wasip1` (or `js`) run
//! `go_wasip1_wasm_exec` (or `go_js_wasm_exec`) from PATH without being told, so gowasm started
//! under one of those names acts as `gowasm run --dir /::/ -q --`, the way Go's scripts run
//! wasmtime and node. `gowasm install-exec [DIR]` writes the links.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

/// The names Go looks for on PATH: `go_$GOOS_$GOARCH_exec`.
pub const EXEC_NAMES: [&str; 2] = ["go_wasip1_wasm_exec", "go_js_wasm_exec"];

/// Extra `gowasm run` flags for the wrappers (as `GOWASIRUNTIMEARGS` is for Go's own script),
/// split as a shell splits words: `GOWASM_EXEC_FLAGS="--mode interp --timeout 60"`.
pub const FLAGS_VARIABLE: &str = "GOWASM_EXEC_FLAGS";

/// The `gowasm run` command line that `argv` means, when gowasm was started as one of Go's exec
/// wrappers; `None` otherwise.
pub fn as_go_exec(argv: &[OsString]) -> Option<Result<Vec<OsString>, String>> {
    let name = Path::new(argv.first()?).file_name()?.to_str()?;
    if !EXEC_NAMES.contains(&name) {
        return None;
    }
    let extra = match std::env::var(FLAGS_VARIABLE) {
        Ok(flags) => match shell_words::split(&flags) {
            Ok(words) => words,
            Err(e) => return Some(Err(format!("${FLAGS_VARIABLE} {flags:?}: {e}"))),
        },
        Err(_) => vec![],
    };
    let mut args: Vec<OsString> = ["gowasm", "run", "--dir", "/::/", "-q"]
        .iter()
        .map(OsString::from)
        .collect();
    args.extend(extra.into_iter().map(OsString::from));
    args.push("--".into());
    args.extend(argv[1..].iter().cloned());
    Some(Ok(args))
}

#[derive(Debug, Args)]
pub struct InstallExecArgs {
    /// Where to write the links (default: the folder gowasm itself is in); made when missing
    pub dir: Option<PathBuf>,
}

impl InstallExecArgs {
    pub fn run(self) -> super::failure::Finished {
        for line in install(self.dir)? {
            println!("{line}");
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// Writes (or replaces) the links; never overwrites a file that is not a link.
fn install(dir: Option<PathBuf>) -> Result<Vec<String>, String> {
    let exe = std::env::current_exe()
        .and_then(std::fs::canonicalize)
        .map_err(|e| format!("where is gowasm's own binary? {e}"))?;
    let dir = match dir {
        Some(d) => d,
        None => exe
            .parent()
            .ok_or("gowasm's binary has no folder")?
            .to_path_buf(),
    };
    // A folder that is not there yet is made, as `install -d` would.
    if !dir.is_dir() {
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("{}: cannot make the folder: {e}", dir.display()))?;
    }
    // Nothing is written unless every link can be.
    let links: Vec<PathBuf> = EXEC_NAMES.iter().map(|n| dir.join(n)).collect();
    for link in &links {
        if let Ok(m) = std::fs::symlink_metadata(link)
            && !m.file_type().is_symlink()
        {
            return Err(format!(
                "{}: already there and not a link; move it away to let gowasm be Go's runner",
                link.display()
            ));
        }
    }
    let mut said = vec![];
    for link in links {
        if std::fs::symlink_metadata(&link).is_ok() {
            std::fs::remove_file(&link).map_err(|e| format!("{}: {e}", link.display()))?;
        }
        std::os::unix::fs::symlink(&exe, &link).map_err(|e| format!("{}: {e}", link.display()))?;
        said.push(format!("{} -> {}", link.display(), exe.display()));
    }
    let on_path = std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| same_dir(&d, &dir)));
    said.push(if on_path {
        "GOOS=wasip1 GOARCH=wasm go test ./... (and GOOS=js) now run under gowasm".into()
    } else {
        format!(
            "{} is not on PATH: add it, and GOOS=wasip1 GOARCH=wasm go test ./... runs under gowasm",
            dir.display()
        )
    });
    Ok(said)
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_go_s_exec_names_become_a_run() {
        let argv = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        assert!(as_go_exec(&argv(&["gowasm", "run"])).is_none());
        assert!(as_go_exec(&argv(&["/usr/bin/go_linux_amd64_exec"])).is_none());
        let args = as_go_exec(&argv(&["/x/go_wasip1_wasm_exec", "/tmp/t.test", "-test.v"]))
            .unwrap()
            .unwrap();
        let tail: Vec<&str> = args.iter().map(|a| a.to_str().unwrap()).collect();
        assert_eq!(tail[..5], ["gowasm", "run", "--dir", "/::/", "-q"]);
        assert_eq!(tail[tail.len() - 3..], ["--", "/tmp/t.test", "-test.v"]);
    }
}
