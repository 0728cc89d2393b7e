//! AOT artifacts on disk, keyed by the module's hash and the engine's identity.
//!
//! File layout: magic, engine-id hash, tag, payload length, compile time (µs), payload. The tag
//! is a BLAKE3 MAC over everything else, keyed with a secret the cache keeps in `aot/key`
//! (readable by its owner only). A file that does not match in every part is rejected (and
//! removed) before wasmer ever sees it, so a truncated, corrupt, other-engine artifact, or one
//! planted by anyone who cannot read the key, is recompiled instead of executed.
//!
//! Checking the MAC reads every byte of a 12 MB artifact, which was a tenth of an aot start-up.
//! So once a file has passed it, a *seal* beside it (`<artifact>.seal`) records, under the same
//! key, the file's identity as the kernel keeps it: device, inode, size, modification and change
//! times. A later load whose file still has that identity skips the full check. Nobody can set a
//! file's change time (not even its owner, short of resetting the clock), and any write or rename
//! moves it, so a file that was changed in place, truncated or replaced no longer matches its
//! seal and is checked in full again. A seal is only made once the file's change time is well in
//! the past, so no write can come later and still share that (coarse-grained) time.
//!
//! Writes go to a temporary file in the same folder and are renamed into place, so readers never
//! see half a file and two processes filling the cache at once both succeed. A writer killed
//! mid-write leaves only a temporary file, which a later store removes once it is stale.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

const MAGIC: &[u8; 8] = b"GWAOT002";
const HEADER_LEN: usize = 8 + 32 + 32 + 8 + 8;
const KEY_FILE: &str = "key";
const SEAL_EXTENSION: &str = "seal";
/// A file is sealed only when its change time is at least this old: past the kernel's coarse
/// clock tick (at most 10 ms), so a later write cannot carry the same change time.
const SEAL_AFTER: Duration = Duration::from_millis(50);
const PARTIAL_PREFIX: &str = ".partial-";
/// Test hook: `GOWASM_FAULT=abort-mid-store` kills the process halfway through writing an
/// artifact, so the tests can see what a crash at the worst moment leaves behind.
const FAULT_VAR: &str = "GOWASM_FAULT";
/// A temporary file this old was left by a writer that died.
const STALE_PARTIAL: Duration = Duration::from_secs(600);

/// The artifact folder, `<cache root>/aot/`.
#[derive(Debug, Clone)]
pub struct ArtifactCache {
    pub(super) dir: PathBuf,
}

/// What a lookup found.
#[derive(Debug)]
pub enum Lookup {
    /// The payload (wasmer's serialized module) and how long compiling it took when it was made.
    Hit {
        /// A view into the file's bytes, without copying them.
        payload: bytes::Bytes,
        compiled_in: Duration,
        /// The file still had the identity it was sealed with, so its MAC was not recomputed.
        sealed: bool,
        /// The file the payload was read from, open, as it was checked.
        file: std::fs::File,
        /// The file's MAC, in hex: it names this very file's contents.
        tag: String,
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
        let (bytes, identity, file) = match map_file(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Lookup::Miss,
            Err(e) => return Lookup::Rejected(format!("cannot read {}: {e}", path.display())),
        };
        // In a folder someone else controls, nothing is trusted and nothing is deleted.
        if let Err(reason) = owned_privately(&self.dir) {
            return Lookup::Rejected(reason);
        }
        let checked = check_layout(&bytes, engine_id).and_then(|()| {
            let key = self.read_key().map_err(|e| format!("no cache key ({e})"))?;
            let seal = seal_for(&key, &bytes, &identity);
            if read_seal(&path).is_some_and(|s| s == seal) {
                return check_length(&bytes).map(|compiled_in| (compiled_in, true));
            }
            let compiled_in = check_tag(&bytes, &key)?;
            if identity.settled() {
                write_seal(&self.dir, &path, &seal);
            }
            Ok((compiled_in, false))
        });
        match checked {
            Ok((compiled_in, sealed)) => Lookup::Hit {
                tag: tag_of(&bytes).to_hex().to_string(),
                payload: bytes.slice(HEADER_LEN..),
                compiled_in,
                sealed,
                file,
            },
            Err(reason) => {
                remove_with_seal(&path);
                Lookup::Rejected(format!("{}: {reason}", path.display()))
            }
        }
    }

    /// Deletes the artifact for this module and engine, if there is one.
    pub fn remove(&self, module_hash: &str, engine_id: &str) {
        remove_with_seal(&self.path_for(module_hash, engine_id));
    }

    /// Stores an artifact atomically; returns where it went.
    pub fn store(
        &self,
        module_hash: &str,
        engine_id: &str,
        payload: &[u8],
        compiled_in: Duration,
    ) -> std::io::Result<PathBuf> {
        private_dir(&self.dir)?;
        owned_privately(&self.dir).map_err(std::io::Error::other)?;
        self.remove_stale_partials();
        let key = self.key()?;
        let path = self.path_for(module_hash, engine_id);
        let mut tmp = tempfile::Builder::new()
            .prefix(PARTIAL_PREFIX)
            .tempfile_in(&self.dir)?;
        tmp.write_all(&header(engine_id, payload, compiled_in, &key))?;
        if std::env::var_os(FAULT_VAR).is_some_and(|v| v == "abort-mid-store") {
            tmp.write_all(&payload[..payload.len() / 2])?;
            tmp.flush()?;
            std::process::abort();
        }
        tmp.write_all(payload)?;
        tmp.as_file().sync_data()?;
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(path)
    }

    /// The key, if it is ours, readable by us alone and whole.
    pub(super) fn read_key(&self) -> std::io::Result<[u8; 32]> {
        let path = self.dir.join(KEY_FILE);
        let file = std::fs::File::open(&path)?;
        owned_privately_file(&file)?;
        let mut bytes = Vec::with_capacity(32);
        std::io::Read::read_to_end(&mut &file, &mut bytes)?;
        bytes
            .try_into()
            .map_err(|_| std::io::Error::other("the key file is damaged"))
    }

    /// The cache's secret, made on first use from the OS's random source. Two processes making
    /// it at once agree: the second one's rename fails and it reads the first one's key. A key
    /// that is damaged, or readable by others, is replaced (its artifacts are then recompiled).
    fn key(&self) -> std::io::Result<[u8; 32]> {
        match self.read_key() {
            Ok(key) => return Ok(key),
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                std::fs::remove_file(self.dir.join(KEY_FILE))?;
            }
            Err(_) => {}
        }
        let mut key = [0u8; 32];
        std::io::Read::read_exact(&mut std::fs::File::open("/dev/urandom")?, &mut key)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(PARTIAL_PREFIX)
            .tempfile_in(&self.dir)?;
        tmp.write_all(&key)?;
        tmp.as_file().sync_data()?;
        match tmp.persist_noclobber(self.dir.join(KEY_FILE)) {
            Ok(_) => Ok(key),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => self.read_key(),
            Err(e) => Err(e.error),
        }
    }

    /// Removes temporary files that writers killed mid-write left behind.
    fn remove_stale_partials(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        // Only partial files are stat'ed, not every artifact in the folder.
        let partials = entries
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(PARTIAL_PREFIX));
        for entry in partials {
            let stale = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > STALE_PARTIAL);
            if stale {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// Creates the folder readable by its owner only (a cache someone else can read leaks the key).
pub(super) fn private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// The artifact folder must be ours and closed to others, or someone else could plant a key
/// before we make one. A folder of ours that others may enter (as older gowasm versions made
/// it) is closed.
fn owned_privately(dir: &Path) -> Result<(), String> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let meta = match std::fs::metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    };
    // SAFETY: geteuid has no preconditions and cannot fail.
    if meta.uid() != unsafe { libc::geteuid() } {
        return Err(format!(
            "{} belongs to another user: not using it",
            dir.display()
        ));
    }
    if meta.mode() & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| format!("cannot close {} to others: {e}", dir.display()))?;
    }
    Ok(())
}

/// The key file must be ours and readable by us alone.
fn owned_privately_file(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let meta = file.metadata()?;
    // SAFETY: as above.
    if meta.uid() != unsafe { libc::geteuid() } || meta.mode() & 0o077 != 0 {
        return Err(std::io::Error::other(
            "the key file is not private to this user",
        ));
    }
    Ok(())
}

/// The file's bytes, memory-mapped (a worker process would otherwise spend most of a cache load
/// allocating and copying a 10 MB artifact), and its identity when it was opened.
fn map_file(path: &Path) -> std::io::Result<(bytes::Bytes, Identity, std::fs::File)> {
    let file = std::fs::File::open(path)?;
    let identity = Identity::of(&file.metadata()?);
    // SAFETY: artifacts are never changed in place — writers rename a new file over the old
    // name — so the mapped bytes stay as they were checked for as long as they are used.
    let map = unsafe { memmap2::Mmap::map(&file)? };
    Ok((bytes::Bytes::from_owner(map), identity, file))
}

/// The tag in a file's header (after the magic and the engine-id hash).
fn tag_of(header: &[u8]) -> blake3::Hash {
    blake3::Hash::from_bytes(header[40..72].try_into().expect("32 bytes"))
}

/// Where a payload starts in its file: code images are mapped from there.
pub const PAYLOAD_OFFSET: usize = HEADER_LEN;

/// What the kernel says a file is: it changes with every write, truncation or replacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Identity {
    pub fn of(meta: &std::fs::Metadata) -> Self {
        use std::os::unix::fs::MetadataExt;
        Identity {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
            ctime: (meta.ctime(), meta.ctime_nsec()),
        }
    }

    /// Whether the file last changed long enough ago to be sealed (see [`SEAL_AFTER`]).
    pub(super) fn settled(&self) -> bool {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let (Ok(secs), Ok(nanos)) = (u64::try_from(self.ctime.0), u32::try_from(self.ctime.1))
        else {
            return false;
        };
        now.checked_sub(Duration::new(secs, nanos))
            .is_some_and(|age| age >= SEAL_AFTER)
    }
}

/// The seal for a file with these bytes (its tag stands for them) and this identity.
fn seal_for(key: &[u8; 32], bytes: &[u8], identity: &Identity) -> blake3::Hash {
    let mut mac = blake3::Hasher::new_keyed(key);
    mac.update(b"gowasm artifact seal")
        .update(tag_of(bytes).as_bytes());
    identity_into(&mut mac, identity);
    mac.finalize()
}

/// Feeds a file identity to a hash or MAC.
pub(super) fn identity_into(h: &mut blake3::Hasher, identity: &Identity) {
    h.update(&identity.dev.to_le_bytes())
        .update(&identity.ino.to_le_bytes())
        .update(&identity.size.to_le_bytes());
    for (secs, nanos) in [identity.mtime, identity.ctime] {
        h.update(&secs.to_le_bytes()).update(&nanos.to_le_bytes());
    }
}

/// Where an artifact's seal is kept: beside it.
fn seal_path(artifact: &Path) -> std::path::PathBuf {
    artifact.with_extension(SEAL_EXTENSION)
}

/// Removes an artifact and its seal, if they are there.
fn remove_with_seal(artifact: &Path) {
    let _ = std::fs::remove_file(artifact);
    let _ = std::fs::remove_file(seal_path(artifact));
}

fn read_seal(artifact: &Path) -> Option<blake3::Hash> {
    let bytes = std::fs::read(seal_path(artifact)).ok()?;
    Some(blake3::Hash::from_bytes(bytes.try_into().ok()?))
}

/// Best effort: without a seal, the next load checks the whole file again.
fn write_seal(dir: &Path, artifact: &Path, seal: &blake3::Hash) {
    let written = tempfile::Builder::new()
        .prefix(PARTIAL_PREFIX)
        .tempfile_in(dir)
        .and_then(|mut tmp| {
            tmp.write_all(seal.as_bytes())?;
            tmp.persist(seal_path(artifact)).map_err(|e| e.error)
        });
    drop(written);
}

fn header(engine_id: &str, payload: &[u8], compiled_in: Duration, key: &[u8; 32]) -> Vec<u8> {
    let engine = blake3::hash(engine_id.as_bytes());
    let len = (payload.len() as u64).to_le_bytes();
    let micros = (compiled_in.as_micros() as u64).to_le_bytes();
    let mut h = Vec::with_capacity(HEADER_LEN);
    h.extend_from_slice(MAGIC);
    h.extend_from_slice(engine.as_bytes());
    h.extend_from_slice(tag(key, engine.as_bytes(), &len, &micros, payload).as_bytes());
    h.extend_from_slice(&len);
    h.extend_from_slice(&micros);
    h
}

/// The MAC that proves a file was written by a holder of the cache's key.
fn tag(key: &[u8; 32], engine: &[u8], len: &[u8], micros: &[u8], payload: &[u8]) -> blake3::Hash {
    let mut mac = blake3::Hasher::new_keyed(key);
    mac.update(MAGIC)
        .update(engine)
        .update(len)
        .update(micros)
        .update_rayon(payload);
    mac.finalize()
}

/// What can be told without the key: whose file this is.
fn check_layout(bytes: &[u8], engine_id: &str) -> Result<(), String> {
    if bytes.len() >= 8 && bytes[..5] == MAGIC[..5] && bytes[..8] != MAGIC[..] {
        return Err("written by another version of gowasm".into());
    }
    if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
        return Err("not a gowasm artifact".into());
    }
    if bytes[8..40] != *blake3::hash(engine_id.as_bytes()).as_bytes() {
        return Err("written by another engine build".into());
    }
    Ok(())
}

/// Checks that the payload is as long as the header says.
fn check_length(bytes: &[u8]) -> Result<Duration, String> {
    let expected = u64::from_le_bytes(bytes[72..80].try_into().expect("8 bytes"));
    let payload = bytes.len() - HEADER_LEN;
    if payload as u64 != expected {
        return Err(format!("truncated: {payload} of {expected} bytes"));
    }
    Ok(Duration::from_micros(u64::from_le_bytes(
        bytes[80..88].try_into().expect("8 bytes"),
    )))
}

/// Checks the length and tag of a file [`check_layout`] accepted, and returns the compile time
/// recorded in it.
fn check_tag(bytes: &[u8], key: &[u8; 32]) -> Result<Duration, String> {
    let compiled_in = check_length(bytes)?;
    let (len, micros) = (&bytes[72..80], &bytes[80..88]);
    // blake3::Hash compares in constant time.
    if tag_of(bytes) != tag(key, &bytes[8..40], len, micros, &bytes[HEADER_LEN..]) {
        return Err("checksum mismatch (damaged, or not written by this cache)".into());
    }
    Ok(compiled_in)
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
                ..
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

        let mut other = full.clone();
        other[8] ^= 1;
        std::fs::write(&path, &other).unwrap();
        assert!(matches!(c.load("m", "e"), Lookup::Rejected(r) if r.contains("another engine")));

        // A well-formed artifact made with another key (someone who cannot read this cache's
        // key file) is refused, though its layout is perfect.
        let (_d2, elsewhere) = cache();
        let forged = elsewhere
            .store("m", "e", &[9u8; 1000], Duration::ZERO)
            .unwrap();
        std::fs::copy(&forged, &path).unwrap();
        assert!(matches!(c.load("m", "e"), Lookup::Rejected(r) if r.contains("checksum")));
        assert!(!path.exists());
    }

    #[test]
    fn the_key_and_folder_are_private_and_partials_are_cleaned() {
        use std::os::unix::fs::PermissionsExt;
        let (_d, c) = cache();
        c.store("m", "e", b"x", Duration::ZERO).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&c.dir), 0o700);
        assert_eq!(mode(&c.dir.join(KEY_FILE)), 0o600);

        let stale = c.dir.join(format!("{PARTIAL_PREFIX}killed"));
        let fresh = c.dir.join(format!("{PARTIAL_PREFIX}writing"));
        std::fs::write(&stale, b"half").unwrap();
        std::fs::write(&fresh, b"half").unwrap();
        let old = std::time::SystemTime::now() - STALE_PARTIAL - Duration::from_secs(1);
        std::fs::File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(old)
            .unwrap();
        c.store("n", "e", b"y", Duration::ZERO).unwrap();
        assert!(!stale.exists(), "a stale partial is removed");
        assert!(fresh.exists(), "a partial being written is left alone");

        std::fs::remove_file(c.dir.join(KEY_FILE)).unwrap();
        assert!(matches!(c.load("m", "e"), Lookup::Rejected(r) if r.contains("no cache key")));

        // A damaged key, or one others may read, is replaced and the cache works again.
        for bad in ["short", "open"] {
            c.store("m", "e", b"x", Duration::ZERO).unwrap();
            let key = c.dir.join(KEY_FILE);
            if bad == "short" {
                std::fs::write(&key, b"too short").unwrap();
            } else {
                std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
            }
            assert!(matches!(c.load("m", "e"), Lookup::Rejected(_)), "{bad}");
            c.store("m", "e", b"x", Duration::ZERO).unwrap();
            assert!(matches!(c.load("m", "e"), Lookup::Hit { .. }), "{bad}");
        }

        // A folder of ours that others may enter (older gowasm made it 0755) is closed.
        std::fs::set_permissions(&c.dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        c.store("m", "e", b"x", Duration::ZERO).unwrap();
        assert_eq!(mode(&c.dir), 0o700);
    }

    #[test]
    fn threads_filling_the_cache_at_once_all_succeed() {
        let (_d, c) = cache();
        std::thread::scope(|s| {
            for i in 0..8u8 {
                let c = &c;
                s.spawn(move || {
                    c.store("m", "e", &[i; 100_000], Duration::ZERO).unwrap();
                });
            }
        });
        let Lookup::Hit { payload, .. } = c.load("m", "e") else {
            panic!("expected a hit");
        };
        assert!(
            payload.iter().all(|b| *b == payload[0]),
            "one whole writer won"
        );
        let left: Vec<_> = std::fs::read_dir(&c.dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.ends_with(SEAL_EXTENSION))
            .collect();
        assert_eq!(
            left.len(),
            2,
            "the artifact and the key, no partials: {left:?}"
        );
    }

    fn sealed(lookup: Lookup) -> bool {
        match lookup {
            Lookup::Hit { sealed, .. } => sealed,
            other => panic!("expected a hit, got {other:?}"),
        }
    }

    /// Waits until a file written now is settled enough to be sealed.
    fn settle() {
        std::thread::sleep(SEAL_AFTER + Duration::from_millis(20));
    }

    #[test]
    fn a_checked_artifact_is_sealed_and_then_loaded_without_its_mac() {
        let (_d, c) = cache();
        let path = c.store("m", "e", &[5u8; 4000], Duration::ZERO).unwrap();
        settle();
        assert!(!sealed(c.load("m", "e")), "the first load checks the MAC");
        assert!(seal_path(&path).exists());
        assert!(sealed(c.load("m", "e")), "the next one trusts the seal");
        assert!(sealed(c.load("m", "e")));

        // A seal made under another cache's key is not honoured: the file is checked in full.
        let (_d2, elsewhere) = cache();
        let theirs = elsewhere
            .store("m", "e", &[5u8; 4000], Duration::ZERO)
            .unwrap();
        settle();
        assert!(!sealed(elsewhere.load("m", "e")));
        std::fs::copy(seal_path(&theirs), seal_path(&path)).unwrap();
        assert!(!sealed(c.load("m", "e")), "a foreign seal is ignored");
        assert!(sealed(c.load("m", "e")), "and replaced by our own");
    }

    #[test]
    fn a_sealed_artifact_changed_in_place_or_replaced_is_checked_again() {
        let (_d, c) = cache();
        let path = c.store("m", "e", &[5u8; 4000], Duration::ZERO).unwrap();
        settle();
        c.load("m", "e");
        assert!(sealed(c.load("m", "e")));
        let good = std::fs::read(&path).unwrap();

        // The same length, one byte flipped, written in place: the change time moves.
        let mut flipped = good.clone();
        flipped[HEADER_LEN + 100] ^= 1;
        std::fs::write(&path, &flipped).unwrap();
        assert!(matches!(c.load("m", "e"), Lookup::Rejected(r) if r.contains("checksum")));
        assert!(!seal_path(&path).exists(), "the seal goes too");

        // A file with another key's tag renamed over a sealed one.
        std::fs::write(&path, &good).unwrap();
        settle();
        c.load("m", "e");
        assert!(sealed(c.load("m", "e")));
        let (_d2, elsewhere) = cache();
        let forged = elsewhere
            .store("m", "e", &[6u8; 4000], Duration::ZERO)
            .unwrap();
        std::fs::rename(&forged, &path).unwrap();
        assert!(matches!(c.load("m", "e"), Lookup::Rejected(r) if r.contains("checksum")));
    }
}
