//! Engine tunables: a cap on linear memory that records when the guest hits it, a cap on table
//! size, and a deep stack.

use std::ptr::NonNull;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::engine::MAX_TABLE_ELEMENTS;
use wasmer::sys::vm::{
    LinearMemory, Trap, VMConfig, VMMemory, VMMemoryDefinition, VMTable, VMTableDefinition,
};
use wasmer::sys::{BaseTunables, Tunables};
use wasmer::{MemoryError, MemoryStyle, MemoryType, Pages, TableStyle, TableType};

pub struct CappedTunables {
    base: BaseTunables,
    cap: Pages,
    hit: Arc<AtomicBool>,
    vm: VMConfig,
}

impl CappedTunables {
    pub fn new(max_memory: u64, stack: usize, hit: Arc<AtomicBool>) -> Self {
        let pages = (max_memory / 65536).min(65536) as u32;
        CappedTunables {
            base: BaseTunables::new(),
            cap: Pages(pages),
            hit,
            vm: VMConfig {
                wasm_stack_size: Some(stack),
            },
        }
    }

    fn clamp(&self, t: &MemoryType) -> MemoryType {
        let mut t = *t;
        t.maximum = Some(t.maximum.map_or(self.cap, |m| m.min(self.cap)));
        t
    }

    fn clamp_table(t: &TableType) -> TableType {
        let mut t = *t;
        t.maximum = Some(
            t.maximum
                .map_or(MAX_TABLE_ELEMENTS, |m| m.min(MAX_TABLE_ELEMENTS)),
        );
        t
    }

    fn wrap(&self, inner: VMMemory) -> VMMemory {
        VMMemory(Box::new(CappedMemory {
            inner,
            cap: self.cap,
            hit: self.hit.clone(),
        }))
    }
}

#[derive(Debug)]
struct CappedMemory {
    inner: VMMemory,
    cap: Pages,
    hit: Arc<AtomicBool>,
}

impl LinearMemory for CappedMemory {
    fn ty(&self) -> MemoryType {
        self.inner.ty()
    }
    fn size(&self) -> Pages {
        self.inner.size()
    }
    fn style(&self) -> MemoryStyle {
        self.inner.style()
    }
    fn grow(&mut self, delta: Pages) -> Result<Pages, MemoryError> {
        let wanted = u64::from(self.inner.size().0) + u64::from(delta.0);
        let r = self.inner.grow(delta);
        // Only gowasm's cap counts, not a maximum the module declared itself.
        if matches!(r, Err(MemoryError::CouldNotGrow { .. })) && wanted > u64::from(self.cap.0) {
            self.hit.store(true, Ordering::Relaxed);
        }
        r
    }
    fn grow_at_least(&mut self, min_size: u64) -> Result<(), MemoryError> {
        self.inner.grow_at_least(min_size)
    }
    fn reset(&mut self) -> Result<(), MemoryError> {
        self.inner.reset()
    }
    fn vmmemory(&self) -> NonNull<VMMemoryDefinition> {
        self.inner.vmmemory()
    }
    fn try_clone(&self) -> Result<Box<dyn LinearMemory + Send + Sync>, MemoryError> {
        self.inner.try_clone().map(|m| m.0)
    }
    fn copy(&self) -> Result<Box<dyn LinearMemory + Send + Sync>, MemoryError> {
        self.inner.copy()
    }
    unsafe fn initialize_with_data(&self, start: usize, data: &[u8]) -> Result<(), Trap> {
        unsafe { self.inner.initialize_with_data(start, data) }
    }
}

/// Asks Linux for transparent huge pages over a static memory's 4 GiB: a Go program zeroes its
/// heap as it starts (`memory.fill`) and its data is copied in, which in 4 KiB pages were a
/// thousand page faults of an aot start-up. Only a hint: memory works the same without it.
fn prefer_huge_pages(memory: &VMMemory, style: &MemoryStyle) {
    if !matches!(style, MemoryStyle::Static) {
        return;
    }
    // SAFETY: the definition belongs to the memory just created and outlives this call.
    let base = unsafe { memory.vmmemory().as_ref().base };
    let len = MemoryStyle::static_bound().bytes().0;
    // SAFETY: a static memory reserves (maps) this whole range up front, so the advice only
    // changes how its pages are backed, never which addresses are valid.
    unsafe {
        libc::madvise(base.cast(), len, libc::MADV_HUGEPAGE);
    }
}

impl Tunables for CappedTunables {
    fn memory_style(&self, m: &MemoryType) -> MemoryStyle {
        self.base.memory_style(m)
    }
    fn table_style(&self, t: &TableType) -> TableStyle {
        self.base.table_style(t)
    }
    fn create_host_memory(
        &self,
        ty: &MemoryType,
        style: &MemoryStyle,
    ) -> Result<VMMemory, MemoryError> {
        Ok(self.wrap(self.base.create_host_memory(&self.clamp(ty), style)?))
    }
    unsafe fn create_vm_memory(
        &self,
        ty: &MemoryType,
        style: &MemoryStyle,
        location: NonNull<VMMemoryDefinition>,
    ) -> Result<VMMemory, MemoryError> {
        let inner = unsafe {
            self.base
                .create_vm_memory(&self.clamp(ty), style, location)?
        };
        prefer_huge_pages(&inner, style);
        Ok(self.wrap(inner))
    }
    fn create_host_table(&self, ty: &TableType, style: &TableStyle) -> Result<VMTable, String> {
        self.base.create_host_table(&Self::clamp_table(ty), style)
    }
    unsafe fn create_vm_table(
        &self,
        ty: &TableType,
        style: &TableStyle,
        location: NonNull<VMTableDefinition>,
    ) -> Result<VMTable, String> {
        unsafe {
            self.base
                .create_vm_table(&Self::clamp_table(ty), style, location)
        }
    }
    fn vmconfig(&self) -> &VMConfig {
        &self.vm
    }
}
