//! A headless Chromium for a page gowasm serves (`gowasm serve --headless`): found on PATH, run
//! with a profile of its own, stopped with gowasm.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// The names a Chromium goes by.
const NAMES: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// The first Chromium on PATH (or `$GOWASM_CHROMIUM`).
pub fn find() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("GOWASM_CHROMIUM").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    NAMES
        .iter()
        .find_map(|n| which::which(n).ok())
        .ok_or_else(|| {
            "no Chromium on PATH (chromium, google-chrome): install Debian's `chromium`, or open the URL in a browser".to_string()
        })
}

/// A headless Chromium showing a page; killed when dropped.
pub struct Headless {
    child: Child,
    profile: tempfile::TempDir,
}

impl Headless {
    /// Opens `url` in a new headless Chromium; `extra` flags go before it
    /// (`--remote-debugging-port=0`, …).
    pub fn open(url: &str, extra: &[String]) -> Result<Headless, String> {
        let chromium = find()?;
        let profile = tempfile::tempdir().map_err(|e| format!("a profile folder: {e}"))?;
        let mut c = Command::new(&chromium);
        c.arg("--headless")
            .arg("--disable-gpu")
            .arg("--no-first-run")
            .arg("--no-default-browser-check")
            .arg("--disable-extensions")
            // A container's /dev/shm is often 64 MB, too small for Chromium's renderers.
            .arg("--disable-dev-shm-usage")
            .arg("--disable-background-networking")
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(
                std::fs::File::create(profile.path().join("chromium.log"))
                    .map_or_else(|_| Stdio::null(), Stdio::from),
            );
        // Chromium will not run as root with its sandbox on; a container's root is common.
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } == 0 {
            c.arg("--no-sandbox");
        }
        c.arg(url);
        let child = c
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", chromium.display()))?;
        Ok(Headless { child, profile })
    }
}

impl Headless {
    /// Why Chromium is no longer running (its exit and its last words), if it is not.
    pub fn ended(&mut self) -> Option<String> {
        let status = self.child.try_wait().ok()??;
        let log =
            std::fs::read_to_string(self.profile.path().join("chromium.log")).unwrap_or_default();
        let last = log
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        Some(format!("Chromium ended ({status}): {last}"))
    }
}

impl Drop for Headless {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
