//! gowasm patch: an artifact's code memory, once linked, kept as a file (a *code image*) and
//! mapped from it on later loads instead of copied out of the artifact.
//!
//! Loading an artifact copies every function body into fresh pages and applies every relocation:
//! for a 3 MB Go module, 8 MB of page faults and copying on each start. An image is the code
//! memory exactly as it was after linking, so a later load of the same artifact maps it privately
//! (copy-on-write) over the freshly reserved pages and only redoes the relocations whose value
//! depends on where the memory or the host's functions are: the absolute ones. Every PC-relative
//! relocation stays as it was, since the code memory holds everything they can reach (functions,
//! trampolines, custom sections, the GOT), laid out the same way.
//!
//! Requests are per thread and for the next artifact the thread loads or compiles: [`map_next`]
//! gives it an image, [`capture_next`] asks it to keep a copy of its linked code, [`take`] hands
//! that copy over. Whoever stores the image must be sure that it belongs to the artifact and has
//! not been changed: it becomes executable code. Only x86-64 takes images (its relocations all
//! overwrite their whole field); elsewhere the requests are ignored.

use std::cell::RefCell;
use std::fs::File;

#[derive(Default)]
struct Requests {
    map: Option<(File, u64)>,
    capture: bool,
    captured: Option<Vec<u8>>,
    mapped: bool,
}

thread_local! {
    static REQUESTS: RefCell<Requests> = RefCell::new(Requests::default());
}

/// The next artifact this thread loads maps its code memory from `file`, starting at `offset`
/// (a multiple of the page size), if the image there is the length that artifact's code memory
/// needs; otherwise it is loaded as usual.
pub fn map_next(file: File, offset: u64) {
    REQUESTS.with_borrow_mut(|r| r.map = Some((file, offset)));
}

/// The next artifact this thread loads or compiles keeps a copy of its linked code memory, for
/// [`take`].
pub fn capture_next() {
    REQUESTS.with_borrow_mut(|r| r.capture = true);
}

/// The copy [`capture_next`] asked for, and whether the last artifact was mapped from an image;
/// clears every request.
pub fn take() -> (Option<Vec<u8>>, bool) {
    REQUESTS.with_borrow_mut(|r| {
        let out = (r.captured.take(), r.mapped);
        *r = Requests::default();
        out
    })
}

/// For the code memory being allocated: the image to map, if one was asked for.
pub(crate) fn image_to_map() -> Option<(File, u64)> {
    if !cfg!(target_arch = "x86_64") {
        return None;
    }
    REQUESTS.with_borrow_mut(|r| r.map.take())
}

/// Records that the code memory being allocated came from an image.
pub(crate) fn set_mapped(mapped: bool) {
    REQUESTS.with_borrow_mut(|r| r.mapped = mapped);
}

/// Whether the code memory being linked came from an image: PC-relative relocations are then
/// already in place.
pub(crate) fn mapped() -> bool {
    REQUESTS.with_borrow(|r| r.mapped)
}

/// For a code memory just linked: keep a copy of it if one was asked for.
pub(crate) fn capture(bytes: &[u8]) {
    if !cfg!(target_arch = "x86_64") {
        return;
    }
    REQUESTS.with_borrow_mut(|r| {
        if std::mem::take(&mut r.capture) {
            r.captured = Some(bytes.to_vec());
        }
    });
}
