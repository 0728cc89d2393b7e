//! gowasm patch: linear memory as an anonymous mapping on Linux.
//!
//! `Vec::resize` wrote zeros over every byte a `memory.grow` added, so every new page was faulted
//! in and cleared twice, though a guest (Go's runtime grows its heap in large steps) may never
//! touch most of them. Here the kernel's zero pages stand in until the guest writes, and a grow
//! is `mremap`, which moves page tables instead of copying. The bytes past a `ByteBuffer`'s length
//! are never written, so they stay zero for the next grow.

use crate::memory::MemoryError;
use core::ptr;

fn page_size() -> usize {
    // Safety: `sysconf` has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(size).unwrap_or(4096).max(1)
}

fn round_up(size: usize) -> Option<usize> {
    let page = page_size();
    size.checked_add(page - 1).map(|n| n / page * page)
}

/// A zeroed mapping of at least `size` bytes: its pointer and length. `size` 0 maps nothing.
pub fn map(size: usize) -> Result<(*mut u8, usize), MemoryError> {
    let capacity = round_up(size).ok_or(MemoryError::OutOfSystemMemory)?;
    if capacity == 0 {
        return Ok((ptr::NonNull::<u8>::dangling().as_ptr(), 0));
    }
    // Safety: a fresh private anonymous mapping; no existing memory is affected.
    let addr = unsafe {
        libc::mmap(
            ptr::null_mut(),
            capacity,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if addr == libc::MAP_FAILED {
        return Err(MemoryError::OutOfSystemMemory);
    }
    Ok((addr.cast(), capacity))
}

/// Grows the mapping at `ptr` of `capacity` bytes to hold at least `new_size`, doubling so that
/// a guest growing page by page is not remapped each time; the exact size if that is refused.
/// The contents move with it; the added bytes are zero.
pub fn grow(
    ptr: *mut u8,
    capacity: usize,
    new_size: usize,
) -> Result<(*mut u8, usize), MemoryError> {
    if capacity == 0 {
        return map(new_size);
    }
    let exact = round_up(new_size).ok_or(MemoryError::OutOfSystemMemory)?;
    let doubled = exact.max(capacity.saturating_mul(2));
    for new_capacity in [doubled, exact] {
        // Safety: `ptr`/`capacity` is a mapping of ours; MREMAP_MAYMOVE lets the kernel move it,
        // and the caller replaces its pointer with the one returned.
        let addr = unsafe {
            libc::mremap(ptr.cast(), capacity, new_capacity, libc::MREMAP_MAYMOVE)
        };
        if addr != libc::MAP_FAILED {
            return Ok((addr.cast(), new_capacity));
        }
    }
    Err(MemoryError::OutOfSystemMemory)
}

/// Unmaps what [`map`] or [`grow`] returned.
///
/// # Safety
///
/// `ptr`/`capacity` must be a mapping they returned, not used afterwards.
pub unsafe fn unmap(ptr: *mut u8, capacity: usize) {
    if capacity != 0 {
        // Safety: guaranteed by the caller.
        unsafe { libc::munmap(ptr.cast(), capacity) };
    }
}
