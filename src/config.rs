//! Settings from files, as bacon users expect: `gowasm.toml` in the project (or a folder above
//! it, up to the one with `go.mod`), then `~/.config/gowasm/config.toml`. The project's win over
//! the user's, and the command line wins over both. Every field may be left out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The project's own settings file.
pub const PROJECT_FILE: &str = "gowasm.toml";

/// What a settings file may hold.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConfigFile {
    /// The modes the workbench and `watch` run: `interp,aot`, `all`, `none`, …, or an array,
    /// `["interp", "aot"]`.
    #[serde(deserialize_with = "text_or_list")]
    pub modes: Option<String>,
    /// `go` or `tinygo` (or `go,tinygo`, or `["go", "tinygo"]`, to compare them on every save).
    #[serde(deserialize_with = "text_or_list")]
    pub toolchain: Option<String>,
    pub target: Option<String>,
    /// The guest's arguments (the workbench and `watch`; `run` when it is given none).
    pub args: Option<Vec<String>>,
    /// The guest's environment, `K=V` each.
    pub env: Option<Vec<String>>,
    /// Host folders for the guest, `HOST[::GUEST]`; a relative HOST is from the file's folder.
    pub dirs: Option<Vec<String>>,
    pub dirs_ro: Option<Vec<String>>,
    /// Milliseconds without changes that end a burst of saves.
    pub grace_ms: Option<u64>,
    /// Build the main package as a reactor (`-buildmode=c-shared`): `true`, or `false` for a
    /// command; by default, a reactor when it has `//go:wasmexport` functions.
    pub reactor: Option<bool>,
    /// Exports to call after every build, in every mode (`"add 2 3"`, each `NAME ARG…`).
    pub calls: Option<Vec<String>>,
    pub tinygo: TinyGoConfig,
    /// Key bindings of the workbench: an action's name (`rebuild`, `cycle_mode`, …, as
    /// `gowasm config` lists them) and its keys (`r`, `ctrl-r`, `f5`, `enter`, …).
    pub keys: BTreeMap<String, Vec<String>>,
}

/// A comma-separated list as TOML users write it first, an array of strings, or as a string
/// (`"interp,aot"`); kept as the string.
fn text_or_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum TextOrList {
        Text(String),
        List(Vec<String>),
    }
    Ok(Some(
        match TextOrList::deserialize(d).map_err(|_| {
            serde::de::Error::custom("expected a string (\"interp,aot\") or an array of strings")
        })? {
            TextOrList::Text(t) => t,
            TextOrList::List(l) => l.join(","),
        },
    ))
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct TinyGoConfig {
    pub opt: Option<String>,
    pub gc: Option<String>,
    pub scheduler: Option<String>,
    pub no_debug: Option<bool>,
    pub panic: Option<String>,
    /// The Go that TinyGo builds with, when the one on PATH is one TinyGo does not accept.
    pub go: Option<String>,
}

/// The settings in force: the files merged, and which file each setting came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    pub values: ConfigFile,
    /// Setting name (`modes`, `tinygo.opt`, `keys.rebuild`) → the file it came from.
    pub origin: BTreeMap<String, PathBuf>,
}

/// The user's settings file: `$GOWASM_CONFIG` if set (empty: none), else
/// `$XDG_CONFIG_HOME/gowasm/config.toml` or `~/.config/gowasm/config.toml`.
pub fn user_file() -> Option<PathBuf> {
    match std::env::var_os("GOWASM_CONFIG") {
        Some(p) if p.is_empty() => None,
        Some(p) => Some(PathBuf::from(p)),
        None => dirs::config_dir().map(|d| d.join("gowasm").join("config.toml")),
    }
}

/// The project's settings file for `input` (a project folder or a module): the nearest
/// `gowasm.toml` from its folder up to the one that holds `go.mod`.
pub fn project_file(input: &Path) -> Option<PathBuf> {
    let start = if input.is_dir() {
        input.to_path_buf()
    } else {
        input.parent()?.to_path_buf()
    };
    let start = std::fs::canonicalize(&start).unwrap_or(start);
    for dir in start.ancestors() {
        let candidate = dir.join(PROJECT_FILE);
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join("go.mod").is_file() {
            break;
        }
    }
    None
}

/// Reads one file; an error names it and says what is wrong, in a line.
pub fn read(path: &Path) -> Result<ConfigFile, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut file: ConfigFile = toml::from_str(&text).map_err(|e| {
        let first = e.message().lines().next().unwrap_or("").to_string();
        match e.span() {
            Some(span) => {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                format!("{}:{line}: {first}", path.display())
            }
            None => format!("{}: {first}", path.display()),
        }
    })?;
    // Relative host folders are the file's own.
    let base = path.parent().unwrap_or(Path::new("."));
    for list in [&mut file.dirs, &mut file.dirs_ro].into_iter().flatten() {
        for d in list.iter_mut() {
            let (host, guest) = match d.split_once("::") {
                Some((h, g)) => (h.to_string(), Some(g.to_string())),
                None => (d.clone(), None),
            };
            if Path::new(&host).is_relative() {
                let abs = base.join(&host).display().to_string();
                *d = match guest {
                    Some(g) => format!("{abs}::{g}"),
                    None => format!("{abs}::{host}"),
                };
            }
        }
    }
    Ok(file)
}

/// The settings for `input`: the user's file, then the project's over it.
pub fn load(input: &Path) -> Result<Settings, String> {
    let mut settings = Settings::default();
    for path in [user_file(), project_file(input)].into_iter().flatten() {
        if path.is_file() {
            let file = read(&path)?;
            settings.merge(file, &path);
        }
    }
    Ok(settings)
}

impl Settings {
    /// Lays `file`'s settings over these.
    fn merge(&mut self, file: ConfigFile, from: &Path) {
        let mut note = |name: &str| {
            self.origin.insert(name.to_string(), from.to_path_buf());
        };
        macro_rules! take {
            ($($field:ident).+, $name:expr) => {
                if file.$($field).+.is_some() {
                    note($name);
                    self.values.$($field).+ = file.$($field).+.clone();
                }
            };
        }
        take!(modes, "modes");
        take!(toolchain, "toolchain");
        take!(target, "target");
        take!(args, "args");
        take!(env, "env");
        take!(dirs, "dirs");
        take!(dirs_ro, "dirs_ro");
        take!(grace_ms, "grace_ms");
        take!(reactor, "reactor");
        take!(calls, "calls");
        take!(tinygo.opt, "tinygo.opt");
        take!(tinygo.gc, "tinygo.gc");
        take!(tinygo.scheduler, "tinygo.scheduler");
        take!(tinygo.no_debug, "tinygo.no_debug");
        take!(tinygo.panic, "tinygo.panic");
        take!(tinygo.go, "tinygo.go");
        for (action, keys) in file.keys {
            note(&format!("keys.{action}"));
            self.values.keys.insert(action, keys);
        }
    }

    /// Every setting as `name = value` with where it came from, for `gowasm config`.
    pub fn describe(&self) -> Vec<(String, String, String)> {
        let v = &self.values;
        let show = |x: &Option<String>| x.clone().unwrap_or_else(|| "(not set)".into());
        let list = |x: &Option<Vec<String>>| match x {
            Some(l) => format!("{l:?}"),
            None => "(not set)".into(),
        };
        let mut rows = vec![
            ("modes".to_string(), show(&v.modes)),
            ("toolchain".into(), show(&v.toolchain)),
            ("target".into(), show(&v.target)),
            ("args".into(), list(&v.args)),
            ("env".into(), list(&v.env)),
            ("dirs".into(), list(&v.dirs)),
            ("dirs_ro".into(), list(&v.dirs_ro)),
            (
                "grace_ms".into(),
                v.grace_ms.map_or("(not set)".into(), |g| g.to_string()),
            ),
            (
                "reactor".into(),
                v.reactor.map_or("(not set)".into(), |b| b.to_string()),
            ),
            ("calls".into(), list(&v.calls)),
            ("tinygo.opt".into(), show(&v.tinygo.opt)),
            ("tinygo.gc".into(), show(&v.tinygo.gc)),
            ("tinygo.scheduler".into(), show(&v.tinygo.scheduler)),
            (
                "tinygo.no_debug".into(),
                v.tinygo
                    .no_debug
                    .map_or("(not set)".into(), |b| b.to_string()),
            ),
            ("tinygo.panic".into(), show(&v.tinygo.panic)),
            ("tinygo.go".into(), show(&v.tinygo.go)),
        ];
        for (action, keys) in &v.keys {
            rows.push((format!("keys.{action}"), format!("{keys:?}")));
        }
        rows.into_iter()
            .map(|(name, value)| {
                let from = self
                    .origin
                    .get(&name)
                    .map_or("default".to_string(), |p| p.display().to_string());
                (name, value, from)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_and_toolchain_are_read_as_an_array_or_a_string() {
        let file: ConfigFile =
            toml::from_str("modes = [\"interp\", \"aot\"]\ntoolchain = [\"go\", \"tinygo\"]\n")
                .unwrap();
        assert_eq!(file.modes.as_deref(), Some("interp,aot"));
        assert_eq!(file.toolchain.as_deref(), Some("go,tinygo"));
        let file: ConfigFile = toml::from_str("modes = \"all\"\n").unwrap();
        assert_eq!(file.modes.as_deref(), Some("all"));
        let e = toml::from_str::<ConfigFile>("modes = 3\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("an array of strings"), "{e}");
    }

    #[test]
    fn the_shipped_sample_parses_and_says_everything_it_holds() {
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("gowasm.example.toml");
        let file = read(&sample).unwrap();
        assert_eq!(file.modes.as_deref(), Some("interp,aot"));
        assert_eq!(file.tinygo.opt.as_deref(), Some("z"));
        assert!(file.tinygo.go.as_ref().is_some_and(|g| g.ends_with("/go")));
        assert!(file.keys.contains_key("rebuild"), "{file:?}");
        let dirs = file.dirs.unwrap();
        assert!(
            Path::new(dirs[0].split("::").next().unwrap()).is_absolute(),
            "{dirs:?}"
        );
    }

    #[test]
    fn the_project_file_wins_over_the_user_s_and_says_where_each_came_from() {
        let user = tempfile::tempdir().unwrap();
        let user_file = user.path().join("config.toml");
        std::fs::write(
            &user_file,
            "modes = \"all\"\ngrace_ms = 80\n[tinygo]\nopt = \"2\"\n",
        )
        .unwrap();
        let project = tempfile::tempdir().unwrap();
        std::fs::write(project.path().join("go.mod"), "module m\n").unwrap();
        let ours = project.path().join(PROJECT_FILE);
        std::fs::write(&ours, "modes = \"interp\"\n[keys]\nrebuild = [\"f5\"]\n").unwrap();
        let mut s = Settings::default();
        s.merge(read(&user_file).unwrap(), &user_file);
        s.merge(read(&ours).unwrap(), &ours);
        assert_eq!(s.values.modes.as_deref(), Some("interp"));
        assert_eq!(s.values.grace_ms, Some(80));
        assert_eq!(s.origin["modes"], ours);
        assert_eq!(s.origin["tinygo.opt"], user_file);
        let rows = s.describe();
        let row = |n: &str| rows.iter().find(|r| r.0 == n).unwrap().clone();
        assert_eq!(row("target").2, "default");
        assert_eq!(row("keys.rebuild").1, "[\"f5\"]");
        // Found from a folder below the project, not above the go.mod.
        let sub = project.path().join("cmd/tool");
        std::fs::create_dir_all(&sub).unwrap();
        assert_eq!(
            project_file(&sub).map(|p| std::fs::canonicalize(p).unwrap()),
            Some(std::fs::canonicalize(&ours).unwrap())
        );
    }

    #[test]
    fn a_bad_file_is_one_line_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(PROJECT_FILE);
        std::fs::write(&path, "modes = \"interp\"\nmoods = 3\n").unwrap();
        let e = read(&path).unwrap_err();
        assert!(e.starts_with(&format!("{}:2:", path.display())), "{e}");
        assert!(e.contains("moods"), "{e}");
        assert!(!e.contains('\n'), "{e}");
    }
}
