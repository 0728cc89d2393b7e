//! A module made ready to be profiled: rewritten with the profiler's checks
//! ([`crate::profile::instrument`]), the rewrite kept in the artifact cache beside the
//! module's artifacts (a Go module's takes ~70 ms to make), and the sampler its checks call.
//! A Go module's checks walk Go's stack; any other's (TinyGo's) keep a shadow stack.

use std::time::Instant;

use super::cache::{ArtifactCache, Lookup};
use super::{EngineError, LoadedModule, Mode, ModuleBytes, RunConfig};
use crate::profile::ProfileSettings;
use crate::profile::instrument::{Style, instrument};
use crate::profile::instrument_wasm::{OffsetMap, instrument_wasm};
use crate::profile::sampler::{Sampler, SharedSampler};

/// Bumped whenever the rewrite changes, so that cached rewrites are not reused.
const REWRITE_REVISION: u32 = 2;

/// The checks a profile in `mode` puts in the module.
fn checks(settings: ProfileSettings, mode: Mode) -> (Style, bool) {
    // wasmer's globals can be set by a thread of the host's; wasmi's cannot.
    let style = match mode {
        Mode::Interp => Style::Countdown,
        _ => Style::Flag,
    };
    // A countdown does not call the host at every check, so a sample may come some checks after
    // its time: only with checks at jumps too is that still in the function that ran.
    (style, settings.lines || style == Style::Countdown)
}

/// A trap's frames in a module that kept a shadow stack name places in the rewrite, whose
/// DWARF was left out: puts them back in `original`, the module as built, and places them
/// there. (A Go module's rewrite keeps its code's offsets' meaning: not for it.)
pub(super) fn place_trap(
    original: &LoadedModule,
    settings: ProfileSettings,
    mode: Mode,
    trap: &mut super::report::Trap,
) {
    let (style, jumps) = checks(settings, mode);
    let Ok(map) = OffsetMap::of(original.bytes(), style, jumps) else {
        return;
    };
    for frame in &mut trap.frames {
        frame.func_index = map.function(frame.func_index);
        frame.offset = frame
            .offset
            .and_then(|o| map.offset(o as u64))
            .map(|o| o as usize);
    }
    trap.place_frames(original.bytes());
}

/// `module` rewritten to be profiled in `mode`, and the sampler its checks call.
pub(super) fn profiled(
    module: &LoadedModule,
    settings: ProfileSettings,
    mode: Mode,
    config: &RunConfig,
) -> Result<(LoadedModule, SharedSampler), EngineError> {
    let cannot = |e: String| EngineError::Setup(format!("cannot profile this module: {e}"));
    let (style, jumps) = checks(settings, mode);
    let sampler = Sampler::new(module.bytes(), settings, style);
    let go_functions = sampler.go_functions();
    let cache = config.cache_dir.as_deref().map(ArtifactCache::new);
    let kept = cache.as_ref().and_then(|c| {
        let id = format!(
            "gowasm-profile-rewrite-{REWRITE_REVISION}|{style:?}|jumps={jumps}|go={}|{}",
            go_functions.is_some(),
            super::memo::program_tag()?
        );
        Some((c, c.module_hash(module), id))
    });
    let cached = kept
        .as_ref()
        .and_then(|(c, hash, id)| match c.load(hash, id) {
            Lookup::Hit { payload, .. } => Some(payload),
            Lookup::Miss | Lookup::Rejected(_) => None,
        });
    let bytes = match cached {
        Some(bytes) => bytes,
        None => {
            let started = Instant::now();
            let bytes = match &go_functions {
                Some(go) => instrument(module.bytes(), go, style, jumps),
                None => instrument_wasm(module.bytes(), style, jumps),
            }
            .map_err(cannot)?;
            if let Some((c, hash, id)) = &kept {
                // Only time is lost if it is not kept.
                let _ = c.store(hash, id, &bytes, started.elapsed());
            }
            bytes.into()
        }
    };
    let module = LoadedModule {
        bytes: ModuleBytes::Read(bytes),
        report: module.report.clone(),
        needs: module.needs,
        load_time: module.load_time,
        stamp: None,
        hash: None,
    };
    Ok((module, sampler.shared()))
}
