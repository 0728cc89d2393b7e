//! Which of the project's files a request may have: only those inside the project (no `..`, no
//! link that leads out), no hidden ones (`.git`, `.env`), and a folder only through its
//! `index.html` (no listings).

use std::path::{Component, Path, PathBuf};

/// What a request path names under the project's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    File(PathBuf),
    /// Outside the project, or hidden: refused.
    Refused,
    Missing,
}

/// The file `path` (a request's, `/`-separated) names under `root`.
pub fn find(root: &Path, path: &str) -> Found {
    let mut relative = PathBuf::new();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        if part == ".." || part.starts_with('.') || part.contains('\\') || part.contains('\0') {
            return Found::Refused;
        }
        relative.push(part);
    }
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return Found::Refused;
    }
    let Ok(root) = root.canonicalize() else {
        return Found::Missing;
    };
    let mut candidate = root.join(&relative);
    if candidate.is_dir() {
        candidate.push("index.html");
    }
    let Ok(real) = candidate.canonicalize() else {
        return Found::Missing;
    };
    if !real.starts_with(&root) {
        return Found::Refused;
    }
    if real.is_file() {
        Found::File(real)
    } else {
        Found::Missing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_inside_the_project_and_not_hidden() {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join("project");
        std::fs::create_dir_all(root.join("assets")).unwrap();
        std::fs::create_dir_all(root.join("empty")).unwrap();
        std::fs::write(root.join("index.html"), "<p>hi</p>").unwrap();
        std::fs::write(root.join("assets/app.css"), "p{}").unwrap();
        std::fs::write(root.join(".env"), "SECRET=1").unwrap();
        std::fs::write(outer.path().join("secret.txt"), "no").unwrap();
        std::os::unix::fs::symlink(outer.path().join("secret.txt"), root.join("link.txt")).unwrap();
        let real = |p: &str| Found::File(root.join(p).canonicalize().unwrap());
        assert_eq!(find(&root, "/"), real("index.html"));
        assert_eq!(find(&root, "/assets/app.css"), real("assets/app.css"));
        assert_eq!(find(&root, "/../secret.txt"), Found::Refused);
        assert_eq!(find(&root, "/assets/../../secret.txt"), Found::Refused);
        assert_eq!(find(&root, "/link.txt"), Found::Refused);
        assert_eq!(find(&root, "/.env"), Found::Refused);
        assert_eq!(find(&root, "/empty"), Found::Missing, "no listing");
        assert_eq!(find(&root, "/nothing.js"), Found::Missing);
    }
}
