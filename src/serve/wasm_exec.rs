//! The `wasm_exec.js` that goes with a module: the one of the toolchain and release that built
//! it (Go's `lib/wasm`, or `misc/wasm` up to Go 1.23; TinyGo's `targets`). The two ABIs differ,
//! and so do Go's releases: a page with another's is the most common breakage there is.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::build::{Compiler, Toolchain};

/// The `wasm_exec.js` of `toolchain`, from its root (`go env GOROOT`, `tinygo env TINYGOROOT`).
pub fn find(toolchain: &Toolchain) -> Result<PathBuf, String> {
    let variable = match toolchain.compiler {
        Compiler::Go => "GOROOT",
        Compiler::TinyGo => "TINYGOROOT",
    };
    let out = Command::new(&toolchain.path)
        .args(["env", variable])
        .env("GOTOOLCHAIN", "local")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", toolchain.path.display()))?;
    let root = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !out.status.success() || root.is_empty() {
        return Err(format!(
            "{} env {variable} said nothing: {}",
            toolchain.path.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    in_root(toolchain.compiler, Path::new(&root)).ok_or_else(|| {
        format!(
            "no wasm_exec.js in {root} ({} {}): is the toolchain whole?",
            toolchain.compiler.name(),
            toolchain.version
        )
    })
}

/// Where a toolchain rooted at `root` keeps it.
fn in_root(compiler: Compiler, root: &Path) -> Option<PathBuf> {
    let places: &[&str] = match compiler {
        Compiler::Go => &["lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"],
        Compiler::TinyGo => &["targets/wasm_exec.js"],
    };
    places.iter().map(|p| root.join(p)).find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_s_moved_from_misc_to_lib_and_either_is_found() {
        let root = tempfile::tempdir().unwrap();
        assert_eq!(in_root(Compiler::Go, root.path()), None);
        std::fs::create_dir_all(root.path().join("misc/wasm")).unwrap();
        std::fs::write(root.path().join("misc/wasm/wasm_exec.js"), "old").unwrap();
        assert!(
            in_root(Compiler::Go, root.path())
                .unwrap()
                .ends_with("misc/wasm/wasm_exec.js")
        );
        std::fs::create_dir_all(root.path().join("lib/wasm")).unwrap();
        std::fs::write(root.path().join("lib/wasm/wasm_exec.js"), "new").unwrap();
        assert!(
            in_root(Compiler::Go, root.path())
                .unwrap()
                .ends_with("lib/wasm/wasm_exec.js")
        );
        assert_eq!(in_root(Compiler::TinyGo, root.path()), None);
    }
}
