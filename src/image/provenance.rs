//! Where an image came from, for its `org.opencontainers.image.*` annotations: a creation time
//! that does not change from build to build, and the git source and revision.

use std::path::Path;
use std::process::Command;

/// When and from what the image was made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// Unix seconds: `SOURCE_DATE_EPOCH`, else the git commit's time, else 0.
    pub created: u64,
    /// The git remote `origin`, when there is one.
    pub source: Option<String>,
    /// The git commit (`HEAD`), when the project is in a git repository.
    pub revision: Option<String>,
}

impl Provenance {
    /// Reads the provenance of a project folder (or a module's folder); `source_date_epoch`
    /// is `$SOURCE_DATE_EPOCH`, which wins over the commit time as reproducible builds expect.
    pub fn of(dir: &Path, source_date_epoch: Option<&str>) -> Provenance {
        let git = |args: &[&str]| -> Option<String> {
            let out = Command::new("git")
                .arg("-C")
                .arg(dir)
                .args(args)
                .output()
                .ok()?;
            let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
            (out.status.success() && !text.is_empty()).then_some(text)
        };
        let head = git(&["rev-parse", "HEAD"]);
        let commit_time = head
            .as_ref()
            .and_then(|_| git(&["log", "-1", "--format=%ct"]))
            .and_then(|t| t.parse().ok());
        // Uncommitted changes in the project's folder: the module is not HEAD's.
        let dirty = head.is_some() && git(&["status", "--porcelain", "--", "."]).is_some();
        let revision = head.map(|h| if dirty { format!("{h}-dirty") } else { h });
        Provenance {
            created: source_date_epoch
                .and_then(|s| s.trim().parse().ok())
                .or(commit_time)
                .unwrap_or(0),
            source: revision
                .as_ref()
                .and_then(|_| git(&["remote", "get-url", "origin"]))
                .map(|url| public_url(&url)),
            revision,
        }
    }
}

/// A remote's URL as it may be published: without credentials (`https://user:token@host/…`),
/// and scp-style `git@host:team/repo.git` as `https://host/team/repo.git`, so the same commit
/// gives the same image whichever way it was cloned.
pub fn public_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let scheme = if scheme == "ssh" || scheme == "git+ssh" {
            "https"
        } else {
            scheme
        };
        let host = if scheme == "https" {
            host.split(':').next().unwrap_or(host)
        } else {
            host
        };
        return format!("{scheme}://{host}/{path}");
    }
    match url.split_once(':') {
        Some((user_host, path)) if !user_host.contains('/') && !path.starts_with("//") => {
            let host = user_host.rsplit_once('@').map_or(user_host, |(_, h)| h);
            format!("https://{host}/{}", path.trim_start_matches('/'))
        }
        _ => url.to_string(),
    }
}

/// Unix seconds as an RFC 3339 UTC time, e.g. `2026-11-26T14:03:00Z`.
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (year, month, day) = crate::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_706_580), "2026-11-26T15:23:00Z");
    }

    #[test]
    fn remote_urls_lose_credentials_and_ssh_becomes_https() {
        assert_eq!(
            public_url("https://user:TOKEN@example.com/team/repo.git"),
            "https://example.com/team/repo.git"
        );
        assert_eq!(
            public_url("git@example.com:team/repo.git"),
            "https://example.com/team/repo.git"
        );
        assert_eq!(
            public_url("ssh://git@example.com:22/team/repo.git"),
            "https://example.com/team/repo.git"
        );
        assert_eq!(public_url("/srv/git/repo"), "/srv/git/repo");
    }

    #[test]
    fn source_date_epoch_wins_and_no_git_means_no_revision() {
        let dir = tempfile::tempdir().unwrap();
        let p = Provenance::of(dir.path(), Some("1234"));
        assert_eq!(p.created, 1234);
        assert_eq!(p.revision, None);
        assert_eq!(Provenance::of(dir.path(), None).created, 0);
    }
}
