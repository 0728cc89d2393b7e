//! Module memos, in the cache's `aot/memo/`: what a cached start would otherwise read a whole
//! module file for. A 5 MB Go module took a cached aot start 1.5 ms to read (into fresh pages
//! the kernel zeroes first), parse and triage, and its hash, the first half of every artifact's
//! key, took as long again. A memo keeps the hash, the headers report and the host's needs under
//! the file's identity (see [`Identity`]), so a file that still has that identity is not read at
//! all unless the run needs its bytes (a compile, or the names of a trap's frames).
//!
//! A memo is written only once the file has settled (no later write can leave it the same
//! identity), and is tied by a MAC, under the cache's key, to that identity and to the gowasm
//! program that wrote it: another build of gowasm, whose inspector may read a module otherwise,
//! makes its own.

use std::io::Write;
use std::path::Path;
use std::sync::OnceLock;

use super::LoadedModule;
use super::cache::{ArtifactCache, Identity, identity_into, private_dir};
use crate::inspect::{self, triage};

const MEMO_DIR: &str = "memo";
const HASH_LEN: usize = 64;
const MAC_LEN: usize = 32;

/// What a memo says of a module file.
#[derive(Debug, Clone, PartialEq)]
pub struct Memo {
    /// The module's hash, in hex.
    pub hash: String,
    pub report: inspect::Report,
    pub needs: triage::HostNeeds,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Headers {
    report: inspect::Report,
    needs: triage::HostNeeds,
}

impl ArtifactCache {
    /// The memo for a module file with this identity, if there is one with its MAC intact.
    pub fn memo(&self, stamp: &Identity) -> Option<Memo> {
        let program = program_identity()?;
        let key = self.read_key().ok()?;
        let text = std::fs::read(self.dir.join(MEMO_DIR).join(memo_name(stamp))).ok()?;
        let (hash, rest) = text.split_at_checked(HASH_LEN)?;
        let (mac, headers) = rest.split_at_checked(MAC_LEN)?;
        let expected = memo_mac(&key, stamp, program, hash, headers);
        if expected != *<&[u8; MAC_LEN]>::try_from(mac).ok()? {
            return None;
        }
        let Headers { report, needs } = serde_json::from_slice(headers).ok()?;
        Some(Memo {
            hash: String::from_utf8(hash.to_vec()).ok()?,
            report,
            needs,
        })
    }

    /// The module's hash: the memo's, when the module was loaded from one; else computed, and
    /// memoised with the module's headers once its file has settled.
    pub fn module_hash(&self, module: &LoadedModule) -> String {
        if let Some(hash) = &module.hash {
            return hash.clone();
        }
        let hash = crate::hash::hex_digest(module.bytes());
        if let Some(stamp) = &module.stamp
            && stamp.settled()
        {
            // Only time is lost if it is not written.
            let _ = self.write_memo(stamp, &hash, module);
        }
        hash
    }

    /// Writes a memo atomically: the module hash, the MAC, then the headers.
    fn write_memo(&self, stamp: &Identity, hash: &str, module: &LoadedModule) -> Option<()> {
        let program = program_identity()?;
        let key = self.read_key().ok()?;
        let headers = serde_json::to_vec(&Headers {
            report: module.report.clone(),
            needs: module.needs,
        })
        .ok()?;
        let dir = self.dir.join(MEMO_DIR);
        private_dir(&dir).ok()?;
        let mut tmp = tempfile::NamedTempFile::new_in(&dir).ok()?;
        tmp.write_all(hash.as_bytes()).ok()?;
        let mac = memo_mac(&key, stamp, program, hash.as_bytes(), &headers);
        tmp.write_all(mac.as_bytes()).ok()?;
        tmp.write_all(&headers).ok()?;
        tmp.persist(dir.join(memo_name(stamp))).ok()?;
        Some(())
    }
}

/// A memo's file name: a digest of the module file's identity.
fn memo_name(stamp: &Identity) -> String {
    let mut h = blake3::Hasher::new();
    identity_into(&mut h, stamp);
    h.finalize().to_hex()[..40].to_string()
}

/// The MAC that ties a memo's contents to the file identity and the program it was made for.
fn memo_mac(
    key: &[u8; 32],
    stamp: &Identity,
    program: &Identity,
    hash: &[u8],
    headers: &[u8],
) -> blake3::Hash {
    let mut mac = blake3::Hasher::new_keyed(key);
    mac.update(b"gowasm module memo 2").update(hash);
    identity_into(&mut mac, stamp);
    identity_into(&mut mac, program);
    mac.update(headers);
    mac.finalize()
}

/// The gowasm program's identity as a hex digest: what it writes may differ from another
/// build's.
pub(super) fn program_tag() -> Option<String> {
    let mut h = blake3::Hasher::new();
    super::cache::identity_into(&mut h, program_identity()?);
    Some(h.finalize().to_hex().to_string())
}

/// The identity of this gowasm's program file: memos are not shared between builds.
fn program_identity() -> Option<&'static Identity> {
    static PROGRAM: OnceLock<Option<Identity>> = OnceLock::new();
    PROGRAM
        .get_or_init(|| {
            let exe = std::env::current_exe().ok()?;
            Some(Identity::of(&std::fs::metadata(exe).ok()?))
        })
        .as_ref()
}

/// A module file that a memo describes, if this cache holds one for its identity now.
pub(super) fn memo_of_file(cache: &ArtifactCache, path: &Path) -> Option<(Memo, Identity)> {
    let stamp = Identity::of(&std::fs::metadata(path).ok()?);
    cache.memo(&stamp).map(|memo| (memo, stamp))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn module_file(dir: &Path, wat: &str) -> (std::path::PathBuf, LoadedModule) {
        let path = dir.join("m.wasm");
        let bytes = wat::parse_str(wat).unwrap();
        std::fs::write(&path, &bytes).unwrap();
        let mut module = crate::engine::load(bytes, Duration::ZERO).unwrap();
        module.stamp = Some(Identity::of(&std::fs::metadata(&path).unwrap()));
        (path, module)
    }

    /// A memo answers for the file identity it was made for, with the hash and headers of what
    /// was read, and only with its MAC intact; a module written since is read again.
    #[test]
    fn a_memo_answers_only_for_the_file_it_was_made_for() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ArtifactCache::new(dir.path());
        cache.store("m", "e", b"x", Duration::ZERO).unwrap(); // makes the key
        let wat = r#"(module (memory (export "memory") 1) (func (export "_start")))"#;
        let (path, module) = module_file(dir.path(), wat);
        let hash = crate::hash::hex_digest(module.bytes());
        assert_eq!(cache.module_hash(&module), hash);
        assert!(
            memo_of_file(&cache, &path).is_none(),
            "no memo for a file still settling"
        );

        std::thread::sleep(Duration::from_millis(80));
        assert_eq!(cache.module_hash(&module), hash);
        let (memo, _) = memo_of_file(&cache, &path).expect("a memo once settled");
        assert_eq!(memo.hash, hash);
        assert_eq!(memo.report, module.report);
        assert_eq!(memo.needs, module.needs);

        // Rewritten: a new identity, no memo.
        let (path, _) = module_file(dir.path(), r#"(module (func (export "_start")))"#);
        assert!(memo_of_file(&cache, &path).is_none());

        // A memo with a wrong MAC is not believed.
        let memo_path = std::fs::read_dir(dir.path().join("aot").join(MEMO_DIR))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let mut text = std::fs::read(&memo_path).unwrap();
        text[HASH_LEN + 3] ^= 1;
        std::fs::write(&memo_path, &text).unwrap();
        let stamp = module.stamp.unwrap();
        assert!(cache.memo(&stamp).is_none());
    }
}
