//! Finding the Go or TinyGo compiler and reading its version.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Compiler {
    Go,
    #[value(name = "tinygo")]
    TinyGo,
}

impl Compiler {
    pub fn name(self) -> &'static str {
        match self {
            Compiler::Go => "go",
            Compiler::TinyGo => "tinygo",
        }
    }
}

/// A compiler found on this machine.
#[derive(Debug, Clone, Serialize)]
pub struct Toolchain {
    pub compiler: Compiler,
    pub path: PathBuf,
    /// e.g. `go1.23.5` or `0.33.0`.
    pub version: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ToolchainError {
    #[error(
        "no Go toolchain: install Go 1.21+ (https://go.dev/dl, or Debian's golang-1.23-go from bookworm-backports); looked on PATH, in /usr/local/go and /usr/lib/go-*"
    )]
    NoGo,
    #[error(
        "tinygo is not on PATH: install TinyGo (https://tinygo.org/getting-started/install/) or build with --toolchain go"
    )]
    NoTinyGo,
    #[error("{path} is {version}, which cannot build wasip1: install Go 1.21 or newer")]
    GoTooOld { path: PathBuf, version: String },
    #[error("could not read the version of {path}: {message}")]
    Version { path: PathBuf, message: String },
}

/// Finds the requested compiler, or TinyGo when on PATH and else Go.
pub fn find_toolchain(wanted: Option<Compiler>) -> Result<Toolchain, ToolchainError> {
    match wanted {
        Some(Compiler::TinyGo) => find_tinygo().ok_or(ToolchainError::NoTinyGo)?,
        Some(Compiler::Go) => find_go().ok_or(ToolchainError::NoGo)?,
        None => find_tinygo().or_else(find_go).ok_or(ToolchainError::NoGo)?,
    }
}

type Found = Result<Toolchain, ToolchainError>;

fn find_tinygo() -> Option<Found> {
    let path = which::which("tinygo").ok()?;
    Some(read_version(Compiler::TinyGo, path))
}

/// The first Go that can build wasip1: `go` on PATH, then the usual install places (Debian's
/// golang-1.xx-go is not put on PATH, and an old distribution Go may be on PATH beside it).
fn find_go() -> Option<Found> {
    let mut too_old = None;
    for path in which::which("go").into_iter().chain(go_install_places()) {
        match read_version(Compiler::Go, path).and_then(check_go_version) {
            Ok(tc) => return Some(Ok(tc)),
            Err(e) => too_old = too_old.or(Some(e)),
        }
    }
    too_old.map(Err)
}

fn go_install_places() -> Vec<PathBuf> {
    let mut candidates: Vec<PathBuf> = vec![];
    if let Some(root) = std::env::var_os("GOROOT") {
        candidates.push(Path::new(&root).join("bin/go"));
    }
    candidates.push(PathBuf::from("/usr/local/go/bin/go"));
    if let Ok(entries) = std::fs::read_dir("/usr/lib") {
        let mut debian: Vec<(Vec<u32>, PathBuf)> = entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let version = name.strip_prefix("go-")?;
                Some((version_numbers(version), e.path().join("bin/go")))
            })
            .collect();
        debian.sort();
        candidates.extend(debian.into_iter().rev().map(|(_, p)| p));
    }
    candidates.retain(|p| p.is_file());
    candidates
}

fn read_version(compiler: Compiler, path: PathBuf) -> Found {
    let out = Command::new(&path)
        .arg("version")
        .output()
        .map_err(|e| ToolchainError::Version {
            path: path.clone(),
            message: e.to_string(),
        })?;
    let text = String::from_utf8_lossy(&out.stdout);
    // `go version go1.23.5 linux/amd64`, `tinygo version 0.33.0 linux/amd64 (using go …)`
    let version = text
        .split_whitespace()
        .nth(2)
        .map(str::to_string)
        .ok_or_else(|| ToolchainError::Version {
            path: path.clone(),
            message: format!("unexpected output {:?}", text.trim()),
        })?;
    Ok(Toolchain {
        compiler,
        path,
        version,
    })
}

fn check_go_version(tc: Toolchain) -> Found {
    let numbers = version_numbers(tc.version.trim_start_matches("go"));
    // Development builds (`devel go1.24-…`) have no leading number; let them through.
    if !numbers.is_empty() && numbers < vec![1, 21] {
        return Err(ToolchainError::GoTooOld {
            path: tc.path,
            version: tc.version,
        });
    }
    Ok(tc)
}

/// `1.23.5` → `[1, 23, 5]`; stops at the first part that is not a number.
pub fn version_numbers(v: &str) -> Vec<u32> {
    v.split('.').map_while(|p| p.parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_numbers_parse_go_and_debian_forms() {
        assert_eq!(version_numbers("1.23.5"), vec![1, 23, 5]);
        assert_eq!(version_numbers("1.21"), vec![1, 21]);
        assert_eq!(version_numbers("1.22rc1"), vec![1]);
    }

    #[test]
    fn go_older_than_1_21_is_refused() {
        let tc = |v: &str| Toolchain {
            compiler: Compiler::Go,
            path: "/x/go".into(),
            version: v.into(),
        };
        assert!(matches!(
            check_go_version(tc("go1.20.14")),
            Err(ToolchainError::GoTooOld { .. })
        ));
        assert!(check_go_version(tc("go1.21.0")).is_ok());
        assert!(check_go_version(tc("go1.23.5")).is_ok());
    }
}
