//! Code images of cached artifacts: an artifact's code memory as it is once linked, stored in the
//! artifact cache beside it and mapped from there on later loads instead of copied out of the
//! artifact (the patched wasmer-compiler's `code_image`, patched/README.md). On gobench's 4.7 MB
//! module this is 8 MB of copying and page faults less on every cached start.
//!
//! An image is executable code, so it goes through the cache as an artifact does: under a key
//! derived from the artifact's, with its MAC or seal checked before wasmer maps it from the very
//! file that was checked. Its payload starts with padding up to a page boundary, so that the
//! image itself can be mapped. An image is made on the first load of a cached artifact, not
//! when it is compiled: it is then the same artifact's code, laid out by the same loader.

use super::super::cache::{ArtifactCache, Lookup, PAYLOAD_OFFSET};
use wasmer_compiler::code_image;

/// Mapped images start on this boundary in their files (x86-64's page size; other systems do
/// not take images).
const PAGE: usize = 4096;

fn image_id(engine_id: &str, artifact_tag: &str) -> String {
    format!("{engine_id}|code-image|{artifact_tag}")
}

/// Before a cached artifact (the one whose tag is `artifact_tag`) is loaded on this thread:
/// hands wasmer its image if the cache has one it trusts, or else asks wasmer for a copy of the
/// linked code.
pub(super) fn prepare(
    cache: &ArtifactCache,
    module_hash: &str,
    engine_id: &str,
    artifact_tag: &str,
) {
    clear();
    match cache.load(module_hash, &image_id(engine_id, artifact_tag)) {
        Lookup::Hit { file, .. } => code_image::map_next(file, PAGE as u64),
        Lookup::Miss | Lookup::Rejected(_) => code_image::capture_next(),
    }
}

/// After the load: stores the copy, if one was made, for the artifact whose tag is
/// `artifact_tag`, and says whether the code was mapped from an image. A failure to store only
/// costs the next start its speed, so it is a warning.
pub(super) fn finish(
    cache: &ArtifactCache,
    module_hash: &str,
    engine_id: &str,
    artifact_tag: &str,
    warnings: &mut Vec<String>,
) -> bool {
    let (captured, mapped) = code_image::take();
    let Some(image) = captured else {
        return mapped;
    };
    let mut payload = vec![0u8; PAGE - PAYLOAD_OFFSET % PAGE];
    payload.extend_from_slice(&image);
    let id = image_id(engine_id, artifact_tag);
    if let Err(e) = cache.store(module_hash, &id, &payload, std::time::Duration::ZERO) {
        warnings.push(format!("could not cache the code image: {e}"));
    }
    mapped
}

/// Drops any request left on this thread (by a load that panicked half-way), so that it cannot
/// reach an unrelated compile or load.
pub(super) fn clear() {
    let _ = code_image::take();
}
