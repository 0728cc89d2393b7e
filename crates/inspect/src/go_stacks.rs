//! Go's call stacks in a running module's memory, walked as Go's own traceback walks them on
//! wasm (runtime/traceback.go): Go keeps its stack in linear memory, not on the wasm stack; a
//! frame's size at a PC is in the pclntab's `pcsp` table, and its caller's PC is the 8 bytes
//! above it. The profiler's unwinder and symbolizer.

use std::collections::HashMap;

use super::anatomy;
use super::go_pclntab::{FLAG_SPWRITE, FLAG_TOPFRAME, GoFunc, GoTable};

/// cmd/link/internal/wasm's `funcValueOffset`: `PC_F` of the first defined function.
const FUNC_VALUE_OFFSET: u64 = 0x1000;
/// Frames walked at most: deeper stacks are cut (Go's own tracebacks stop at 100).
pub const MAX_DEPTH: usize = 512;

/// A Go PC as the runtime writes it: `(PC_F << 16) | PC_B`, `PC_F` being 0x1000 plus the
/// function's index among the module's defined functions.
pub fn go_pc(defined_index: u32, pc_b: u32) -> u64 {
    ((FUNC_VALUE_OFFSET + u64::from(defined_index)) << 16) | u64::from(pc_b & 0xffff)
}

/// The defined function index and `PC_B` of a Go PC; `None` for a PC outside Go's code.
pub fn split_pc(pc: u64) -> Option<(u32, u32)> {
    let index = (pc >> 16).checked_sub(FUNC_VALUE_OFFSET)?;
    Some((u32::try_from(index).ok()?, (pc & 0xffff) as u32))
}

/// Where Go code is: block `pc_b` of defined function `index`, with Go's stack pointer at `sp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    pub index: u32,
    pub pc_b: u32,
    pub sp: u32,
}

/// A Go module's function table, read once, for walking and naming its stacks.
pub struct GoStacks {
    /// The module's initial memory from its lowest data address on: the table is in it.
    image: Vec<u8>,
    /// The address `image` starts at, and `runtime.moduledata.gofunc` (for inline trees).
    base: u64,
    gofunc: Option<u64>,
    table: GoTable,
    /// Position in `table.funcs` of each defined function, by defined index.
    by_index: Vec<Option<u32>>,
    /// Frame sizes already looked up, by Go PC.
    deltas: HashMap<u64, Option<u32>>,
}

impl GoStacks {
    /// The table of the module in `bytes`; `None` when it has no Go pclntab.
    pub fn read(bytes: &[u8]) -> Option<GoStacks> {
        let scan = anatomy::Scan::read(bytes).ok()?;
        let (base, image, table, layout) = anatomy::go_table(&scan)?;
        let gofunc = super::go_pclntab::gofunc(&image, base, base + table.offset, layout);
        let mut by_index = vec![None; scan.bodies.len()];
        for (k, f) in table.funcs.iter().enumerate() {
            if let Some(slot) = by_index.get_mut(f.defined_index as usize) {
                *slot = u32::try_from(k).ok();
            }
        }
        Some(GoStacks {
            image,
            base,
            gofunc,
            table,
            by_index,
            deltas: HashMap::new(),
        })
    }

    /// Every function in Go's table.
    pub fn functions(&self) -> impl Iterator<Item = &GoFunc> {
        self.table.funcs.iter()
    }

    /// The Go function that is defined function `index`, if Go's table has it.
    pub fn func(&self, index: u32) -> Option<&GoFunc> {
        let k = (*self.by_index.get(index as usize)?)?;
        self.table.funcs.get(k as usize)
    }

    /// The functions at `pc`, innermost first: more than one where calls were inlined there,
    /// each with its file and line: the instruction's own for the innermost frame (`leaf`),
    /// the call's for a caller, whose PC is the block after the call (Go's `pc - 1`).
    pub fn frames(&self, pc: u64, leaf: bool) -> Vec<(String, Option<(String, u32)>)> {
        let Some((index, pc_b)) = split_pc(pc) else {
            return vec![];
        };
        let Some(f) = self.func(index) else {
            return vec![];
        };
        let pc_b = if leaf { pc_b } else { pc_b.saturating_sub(1) };
        self.table
            .frames_at(&self.image, self.base, self.gofunc, f, pc_b)
            .into_iter()
            .map(|(name, at)| (name, self.table.place(&self.image, f, at)))
            .collect()
    }

    /// The Go PCs of the goroutine stack whose innermost frame is `at`, innermost first, into
    /// `out`. `read`
    /// reads 8 bytes of the running module's memory. The walk stops where Go's would (a
    /// goroutine's top frame, a frame that writes SP), at a PC or an address it cannot read,
    /// and after [`MAX_DEPTH`] frames.
    pub fn walk(&mut self, at: Point, read: impl Fn(u32) -> Option<u64>, out: &mut Vec<u64>) {
        out.clear();
        self.walk_on(go_pc(at.index, at.pc_b), at.sp, &read, out);
    }

    /// The stack of a function about to return, `at`: Go's epilogue has popped its frame and
    /// return address, so `at.sp` is its caller's SP and the caller's PC is in the 8 bytes
    /// below it. The function itself is placed at its entry.
    pub fn walk_returning(
        &mut self,
        at: Point,
        read: impl Fn(u32) -> Option<u64>,
        out: &mut Vec<u64>,
    ) {
        out.clear();
        // `at.pc_b` is the block last jumped to, not where the function returns: the sample is
        // the function's, at its entry's place (no line within it, no call inlined there).
        out.push(go_pc(at.index, 0));
        let sp = at.sp;
        if let Some(caller) = sp
            .checked_sub(8)
            .and_then(&read)
            .filter(|&pc| split_pc(pc).is_some())
        {
            self.walk_on(caller, sp, &read, out);
        }
    }

    fn walk_on(
        &mut self,
        mut pc: u64,
        mut sp: u32,
        read: &impl Fn(u32) -> Option<u64>,
        out: &mut Vec<u64>,
    ) {
        let first = out.len();
        while out.len() < MAX_DEPTH {
            out.push(pc);
            let Some((index, pc_b)) = split_pc(pc) else {
                return;
            };
            let Some(delta) = self.delta(index, pc_b, pc) else {
                return;
            };
            let Some(f) = self.func(index) else {
                return;
            };
            let innermost = out.len() == first + 1 && first == 0;
            if f.flag & FLAG_TOPFRAME != 0 || (!innermost && f.flag & FLAG_SPWRITE != 0) {
                return;
            }
            let Some(at) = sp.checked_add(delta) else {
                return;
            };
            let Some(caller) = read(at).filter(|&pc| split_pc(pc).is_some()) else {
                return;
            };
            pc = caller;
            sp = at.saturating_add(8);
        }
    }

    fn delta(&mut self, index: u32, pc_b: u32, pc: u64) -> Option<u32> {
        if let Some(&known) = self.deltas.get(&pc) {
            return known;
        }
        let delta = self
            .func(index)
            .and_then(|f| self.table.sp_delta(&self.image, f, pc_b));
        self.deltas.insert(pc, delta);
        delta
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_pcs_split_back_into_function_and_block() {
        assert_eq!(go_pc(0, 0), 0x1000 << 16);
        assert_eq!(split_pc(go_pc(1234, 56)), Some((1234, 56)));
        assert_eq!(split_pc(0x0fff_0000), None, "below Go's first function");
        assert_eq!(split_pc(0), None);
    }
}
