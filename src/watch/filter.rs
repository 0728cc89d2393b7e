//! Which changed paths matter to a Go build: `*.go`, `go.mod`, `go.sum`, `go.work` and the files
//! `//go:embed` names — minus `.git`, the build output, editor swap files and `.gitignore`d paths.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// Decides whether a path change should trigger a rebuild.
#[derive(Debug)]
pub struct PathFilter {
    root: PathBuf,
    /// One matcher per `.gitignore`, each relative to its own folder.
    gitignores: Vec<(PathBuf, Gitignore)>,
    ignored_dirs: Vec<PathBuf>,
    /// `//go:embed` patterns, by the package folder they are relative to.
    embeds: BTreeMap<PathBuf, GlobSet>,
    /// When set, only this file counts (a watched `.wasm` module).
    only: Option<PathBuf>,
    /// How many times the inputs were read (a burst of changes must cost one).
    reloads: usize,
}

impl PathFilter {
    /// Reads `.gitignore` and the `//go:embed` lines under `root`.
    pub fn new(root: &Path, ignored_dirs: &[PathBuf], only: Option<PathBuf>) -> Self {
        let mut f = PathFilter {
            root: root.to_path_buf(),
            gitignores: vec![],
            ignored_dirs: ignored_dirs.to_vec(),
            embeds: BTreeMap::new(),
            only,
            reloads: 0,
        };
        if f.only.is_none() {
            f.reload();
        }
        f
    }

    /// Re-reads `.gitignore` files and embed patterns (after a `.go` or `.gitignore` change).
    pub fn reload(&mut self) {
        if self.only.is_some() {
            return;
        }
        self.reloads += 1;
        let mut gitignores = vec![];
        let mut patterns: BTreeMap<PathBuf, Vec<Glob>> = BTreeMap::new();
        for entry in ignore::WalkBuilder::new(&self.root)
            .hidden(false)
            .filter_entry(|e| e.file_name() != ".git")
            .build()
            .flatten()
        {
            let path = entry.path();
            let Some(dir) = path.parent() else { continue };
            if entry.file_name() == ".gitignore" {
                let mut builder = GitignoreBuilder::new(dir);
                if builder.add(path).is_none()
                    && let Ok(gi) = builder.build()
                {
                    gitignores.push((dir.to_path_buf(), gi));
                }
            } else if path.extension().is_some_and(|e| e == "go") {
                // Every file of a package adds to the package folder's patterns.
                patterns
                    .entry(dir.to_path_buf())
                    .or_default()
                    .extend(embed_globs(path));
            }
        }
        self.gitignores = gitignores;
        self.embeds = patterns
            .into_iter()
            .filter(|(_, globs)| !globs.is_empty())
            .filter_map(|(dir, globs)| {
                let mut set = GlobSetBuilder::new();
                for g in globs {
                    set.add(g);
                }
                set.build().ok().map(|set| (dir, set))
            })
            .collect();
    }

    /// True when a change to `path` should trigger a rebuild.
    pub fn is_relevant(&self, path: &Path) -> bool {
        if let Some(only) = &self.only {
            return path == only;
        }
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return false;
        };
        if rel.components().any(|c| c.as_os_str() == ".git")
            || self.ignored_dirs.iter().any(|d| path.starts_with(d))
        {
            return false;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        if is_editor_temp(&name) {
            return false;
        }
        let is_dir = path.is_dir();
        let ignored = self.gitignores.iter().any(|(dir, gi)| {
            path.starts_with(dir) && gi.matched_path_or_any_parents(path, is_dir).is_ignore()
        });
        if ignored {
            return false;
        }
        if name.ends_with(".go") || matches!(&*name, "go.mod" | "go.sum" | "go.work" | ".gitignore")
        {
            return true;
        }
        self.embeds.iter().any(|(dir, set)| {
            path.strip_prefix(dir).is_ok_and(|r| {
                r.ancestors()
                    .any(|a| !a.as_os_str().is_empty() && set.is_match(a))
            })
        })
    }

    /// How many times [`PathFilter::reload`] has read the tree.
    pub fn reloads(&self) -> usize {
        self.reloads
    }

    /// True for changes that should make the filter re-read its inputs.
    pub fn needs_reload(path: &Path) -> bool {
        path.extension().is_some_and(|e| e == "go")
            || path.file_name().is_some_and(|n| n == ".gitignore")
    }
}

/// Swap, backup and lock files editors write next to the real one (vim's `4913` probe included).
pub fn is_editor_temp(name: &str) -> bool {
    name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with('~')
        || name == "4913"
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
}

/// The patterns of a Go file's `//go:embed` lines, as globs relative to its folder.
fn embed_globs(go_file: &Path) -> Vec<Glob> {
    let Ok(text) = std::fs::read_to_string(go_file) else {
        return vec![];
    };
    text.lines()
        .filter_map(|line| line.trim_start().strip_prefix("//go:embed"))
        .flat_map(embed_patterns)
        .filter_map(|p| Glob::new(p.trim_start_matches("all:")).ok())
        .collect()
}

/// Splits a `//go:embed` argument list: space-separated, with "double" or `back` quotes.
fn embed_patterns(args: &str) -> Vec<String> {
    let mut out = vec![];
    let mut chars = args.trim().chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' || c == '`' {
            chars.next();
            out.push(chars.by_ref().take_while(|&x| x != c).collect());
        } else {
            let mut word = String::new();
            while let Some(&x) = chars.peek() {
                if x.is_whitespace() {
                    break;
                }
                word.push(x);
                chars.next();
            }
            out.push(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        let p = d.path();
        std::fs::write(p.join("go.mod"), "module x\n").unwrap();
        std::fs::write(
            p.join("main.go"),
            "package main\n\nimport _ \"embed\"\n\n//go:embed static/*.html \"notes.txt\"\nvar s string\n",
        )
        .unwrap();
        std::fs::create_dir_all(p.join("static")).unwrap();
        std::fs::create_dir_all(p.join(".git")).unwrap();
        std::fs::create_dir_all(p.join("out")).unwrap();
        std::fs::write(p.join(".gitignore"), "generated/\n*.tmp.go\n").unwrap();
        d
    }

    #[test]
    fn go_sources_and_modules_matter() {
        let d = project();
        let f = PathFilter::new(d.path(), &[d.path().join("out")], None);
        for rel in ["main.go", "go.mod", "go.sum", "pkg/util.go", ".gitignore"] {
            assert!(f.is_relevant(&d.path().join(rel)), "{rel}");
        }
    }

    #[test]
    fn noise_does_not() {
        let d = project();
        let f = PathFilter::new(d.path(), &[d.path().join("out")], None);
        for rel in [
            ".git/index",
            "out/main.wasm",
            ".main.go.swp",
            "main.go~",
            "4913",
            ".#main.go",
            "README.md",
            "generated/code.go",
            "x.tmp.go",
            "static/style.css",
        ] {
            assert!(!f.is_relevant(&d.path().join(rel)), "{rel}");
        }
        assert!(!f.is_relevant(Path::new("/elsewhere/main.go")));
    }

    #[test]
    fn embedded_files_matter() {
        let d = project();
        std::fs::write(
            d.path().join("more.go"),
            "package main\n\n//go:embed schema.json\nvar schema []byte\n",
        )
        .unwrap();
        let f = PathFilter::new(d.path(), &[], None);
        assert!(f.is_relevant(&d.path().join("static/index.html")));
        assert!(f.is_relevant(&d.path().join("notes.txt")));
        assert!(
            f.is_relevant(&d.path().join("schema.json")),
            "a second file's patterns count too"
        );
    }

    #[test]
    fn a_nested_gitignore_applies_to_its_own_folder() {
        let d = project();
        std::fs::create_dir_all(d.path().join("sub")).unwrap();
        std::fs::write(d.path().join("sub/.gitignore"), "/gen.go\n").unwrap();
        let f = PathFilter::new(d.path(), &[], None);
        assert!(!f.is_relevant(&d.path().join("sub/gen.go")));
        assert!(
            f.is_relevant(&d.path().join("gen.go")),
            "anchored to sub/, not the root"
        );
    }

    #[test]
    fn embed_arguments_are_split_like_go_does() {
        assert_eq!(
            embed_patterns(r#" a.txt "b c.txt" `d*` all:e"#),
            ["a.txt", "b c.txt", "d*", "all:e"]
        );
    }
}
