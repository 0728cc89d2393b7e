//! AOT artifacts on disk, keyed by the module's hash and the engine's identity.
//!
//! File layout: magic, engine-id hash, payload checksum, payload length, compile time (µs), payload. A file that does
//! not match in every part is rejected (and removed) before wasmer ever sees it, so a truncated,
//! corrupt, planted or other-engine artifact is recompiled instead of executed. Writes go to a
//! temporary file in the same folder and are renamed into place, so readers never see half a file
//! and two processes filling the cache at once both succeed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

const MAGIC: &[u8; 8] = b"GWAOT001";
const HEADER_LEN: usize = 8 + 32 + 32 + 8 + 8;

/// The artifact folder, `<cache root>/aot/`.
#[derive(Debug, Clone)]
pub struct ArtifactCache {
    dir: PathBuf,
}

/// What a lookup found.
#[derive(Debug)]
pub enum Lookup {
    /// The payload (wasmer's serialized module) and how long compiling it took when it was made.
    Hit {
        /// A view into the file's bytes, without copying them.
        payload: bytes::Bytes,
        compiled_in: Duration,
    },
    Miss,
    /// There was a file, but not one gowasm can trust; it has been removed.
    Rejected(String),
}

impl ArtifactCache {
    pub fn new(root: &Path) -> Self {
        ArtifactCache {
            dir: root.join("aot"),
        }
    }

    /// Where the artifact for this module and engine lives.
    pub fn path_for(&self, module_hash: &str, engine_id: &str) -> PathBuf {
        let key = crate::hash::hex_digest(format!("{module_hash}/{engine_id}").as_bytes());
        self.dir.join(format!("{}.gwaot", &key[..40]))
    }

    pub fn load(&self, module_hash: &str, engine_id: &str) -> Lookup {
        let path = self.path_for(module_hash, engine_id);
        let bytes = match map_file(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Lookup::Miss,
            Err(e) => return Lookup::Rejected(format!("cannot read {}: {e}", path.display())),
        };
        match unwrap_artifact(&bytes, engine_id) {
            Ok(compiled_in) => Lookup::Hit {
                payload: bytes.slice(HEADER_LEN..),
                compiled_in,
            },
            Err(reason) => {
                let _ = std::fs::remove_file(&path);
                Lookup::Rejected(format!("{}: {reason}", path.display()))
            }
        }
    }

    /// Deletes the artifact for this module and engine, if there is one.
    pub fn remove(&self, module_hash: &str, engine_id: &str) {
        let _ = std::fs::remove_file(self.path_for(module_hash, engine_id));
    }

    /// Stores an artifact atomically; returns where it went.
    pub fn store(
        &self,
        module_hash: &str,
        engine_id: &str,
        payload: &[u8],
        compiled_in: Duration,
    ) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(&self.dir)?;
        let path = self.path_for(module_hash, engine_id);
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
        tmp.write_all(&header(engine_id, payload, compiled_in))?;
        tmp.write_all(payload)?;
        tmp.as_file().sync_data()?;
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(path)
    }
}

/// The file's bytes, memory-mapped: a worker process would otherwise spend most of a cache
/// load allocating and copying a 10 MB artifact.
fn map_file(path: &Path) -> std::io::Result<bytes::Bytes> {
    let file = std::fs::File::open(path)?;
    // SAFETY: artifacts are never changed in place — writers rename a new file over the old
    // name — so the mapped bytes stay as they were checked for as long as they are used.
    let map = unsafe { memmap2::Mmap::map(&file)? };
    Ok(bytes::Bytes::from_owner(map))
}

fn header(engine_id: &str, payload: &[u8], compiled_in: Duration) -> Vec<u8> {
    let mut h = Vec::with_capacity(HEADER_LEN);
    h.extend_from_slice(MAGIC);
    h.extend_from_slice(blake3::hash(engine_id.as_bytes()).as_bytes());
    h.extend_from_slice(blake3::hash(payload).as_bytes());
    h.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    h.extend_from_slice(&(compiled_in.as_micros() as u64).to_le_bytes());
    h
}

/// Checks an artifact file and returns the compile time recorded in it.
fn unwrap_artifact(bytes: &[u8], engine_id: &str) -> Result<Duration, String> {
    if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
        return Err("not a gowasm artifact".into());
    }
    if bytes[8..40] != *blake3::hash(engine_id.as_bytes()).as_bytes() {
        return Err("written by another engine build".into());
    }
    let len = u64::from_le_bytes(bytes[72..80].try_into().expect("8 bytes"));
    let payload = &bytes[HEADER_LEN..];
    if payload.len() as u64 != len {
        return Err(format!("truncated: {} of {len} bytes", payload.len()));
    }
    if bytes[40..72] != *blake3::hash(payload).as_bytes() {
        return Err("checksum mismatch".into());
    }
    let micros = u64::from_le_bytes(bytes[80..88].try_into().expect("8 bytes"));
    Ok(Duration::from_micros(micros))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache() -> (tempfile::TempDir, ArtifactCache) {
        let dir = tempfile::tempdir().unwrap();
        let c = ArtifactCache::new(dir.path());
        (dir, c)
    }

    #[test]
    fn stores_and_loads_the_same_payload() {
        let (_d, c) = cache();
        assert!(matches!(c.load("m", "e"), Lookup::Miss));
        c.store("m", "e", b"artifact bytes", Duration::from_millis(1500))
            .unwrap();
        match c.load("m", "e") {
            Lookup::Hit {
                payload,
                compiled_in,
            } => {
                assert_eq!(&payload[..], b"artifact bytes");
                assert_eq!(compiled_in, Duration::from_millis(1500));
            }
            other => panic!("expected a hit, got {other:?}"),
        }
        assert!(matches!(c.load("m", "other engine"), Lookup::Miss));
    }

    #[test]
    fn rejects_and_removes_truncated_corrupt_or_planted_files() {
        let (_d, c) = cache();
        let path = c.store("m", "e", &[7u8; 1000], Duration::ZERO).unwrap();
        let full = std::fs::read(&path).unwrap();

        std::fs::write(&path, &full[..full.len() - 10]).unwrap();
        assert!(matches!(c.load("m", "e"), Lookup::Rejected(r) if r.contains("truncated")));
        assert!(!path.exists(), "a rejected artifact is removed");

        let mut flipped = full.clone();
        flipped[HEADER_LEN + 500] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        assert!(matches!(c.load("m", "e"), Lookup::Rejected(r) if r.contains("checksum")));

        std::fs::write(&path, b"\x7fELF planted").unwrap();
        assert!(matches!(c.load("m", "e"), Lookup::Rejected(r) if r.contains("not a gowasm")));

        let mut other = full;
        other[8] ^= 1;
        std::fs::write(&path, &other).unwrap();
        assert!(matches!(c.load("m", "e"), Lookup::Rejected(r) if r.contains("another engine")));
    }
}
