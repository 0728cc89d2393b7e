//! Which of Go's "PC" values (`PC_B`, the low 16 bits) a code offset in a Go function has.
//!
//! Go's wasm backend (`cmd/internal/obj/wasm`) splits a function at its resume points (after
//! every call) and opens it with a dispatch: `block` × (resume points + 1), `local.get PC_B`,
//! `br_table`, `end`. Region `r` of the body starts after the `r`-th `end` that closes a
//! dispatch block, and the `br_table` sends each `PC_B` value `k` to region `targets[k]`; so the
//! values of region `r` are the `k` with `targets[k] == r`. A call is the last instruction of
//! its region and has the region's last value: a caller's line is exact. An instruction inside
//! a region has one of the region's values.

use std::ops::RangeInclusive;

use wasmparser::{BinaryReader, FunctionBody, Operator};

/// The `PC_B` values the instruction at `offset` (in the module file) of the body at
/// `body_start..body_end` may have; `None` where the body has no dispatch (no resume points)
/// or cannot be read.
pub fn pc_b_values(
    module: &[u8],
    body_start: u64,
    body_end: u64,
    offset: u64,
) -> Option<RangeInclusive<u32>> {
    let bytes = module.get(usize::try_from(body_start).ok()?..usize::try_from(body_end).ok()?)?;
    let body = FunctionBody::new(BinaryReader::new(bytes, body_start));
    let mut ops = body.get_operators_reader().ok()?;
    let mut depth = 0u32;
    let mut targets: Option<(Vec<u32>, u32)> = None;
    // The depth of the region's top level, once the dispatch is passed.
    let mut top: Option<u32> = None;
    while !ops.eof() {
        let (op, at) = ops.read_with_offset().ok()?;
        if at >= offset {
            let (t, at_table) = targets?;
            let region = at_table.checked_sub(1)?.checked_sub(top?)?;
            let ks: Vec<u32> = (0..t.len() as u32)
                .filter(|&k| t[k as usize] == region)
                .collect();
            return Some(*ks.first()?..=*ks.last()?);
        }
        match op {
            Operator::Block { .. }
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::TryTable { .. } => depth += 1,
            Operator::End => {
                depth = depth.checked_sub(1)?;
                if targets.is_some() {
                    top = Some(top.map_or(depth, |t| t.min(depth)));
                }
            }
            Operator::BrTable { targets: table } if targets.is_none() => {
                let mut t: Vec<u32> = table.targets().collect::<Result<_, _>>().ok()?;
                t.push(table.default());
                targets = Some((t, depth));
            }
            // Go calls at the top level only, and a call means a resume point: a call before
            // any dispatch means the function has none. (gowasm's profiler calls inside an `if`
            // before the dispatch.)
            Operator::Call { .. } | Operator::CallIndirect { .. }
                if targets.is_none() && depth == 0 =>
            {
                return None;
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A function shaped as Go's backend writes one with two resume points.
    fn go_shaped() -> (Vec<u8>, u64, u64) {
        let wasm = wat::parse_str(
            r#"(module
                (func $callee)
                (func $f (param $pc_b i32)
                  loop
                    block block block
                      local.get $pc_b
                      br_table 0 0 1 1 1 2
                    end
                    nop         ;; region 0: PC_B 0, 1
                    call $callee
                    end
                    i32.const 1 ;; region 1: PC_B 2, 3, 4
                    drop
                    block nop end
                    call $callee
                    end
                    unreachable ;; region 2: PC_B 5
                  end))"#,
        )
        .unwrap();
        let mut start = 0;
        let mut end = 0;
        for p in wasmparser::Parser::new(0).parse_all(&wasm) {
            if let Ok(wasmparser::Payload::CodeSectionEntry(b)) = p {
                (start, end) = (b.range().start, b.range().end);
            }
        }
        (wasm, start, end)
    }

    /// The `k`-th function body of `wasm`: the module and the body's range.
    fn body(wasm: &[u8], k: usize) -> (Vec<u8>, u64, u64) {
        let b = wasmparser::Parser::new(0)
            .parse_all(wasm)
            .filter_map(|p| match p {
                Ok(wasmparser::Payload::CodeSectionEntry(b)) => Some(b.range()),
                _ => None,
            })
            .nth(k)
            .unwrap();
        (wasm.to_vec(), b.start, b.end)
    }

    fn offset_of(
        wasm: &[u8],
        start: u64,
        end: u64,
        nth: usize,
        pred: fn(&Operator) -> bool,
    ) -> u64 {
        let body = FunctionBody::new(BinaryReader::new(
            &wasm[start as usize..end as usize],
            start,
        ));
        let mut ops = body.get_operators_reader().unwrap();
        let mut seen = 0;
        while !ops.eof() {
            let (op, at) = ops.read_with_offset().unwrap();
            if pred(&op) {
                if seen == nth {
                    return at;
                }
                seen += 1;
            }
        }
        panic!("not found")
    }

    #[test]
    fn a_profiler_check_before_the_dispatch_changes_nothing() {
        let (plain, start, end) = go_shaped();
        let wat = r#"(module
            (global $tick (mut i32) (i32.const 0))
            (func $sample (param i32) (result i32) (i32.const 0))
            (func $f (param $pc_b i32)
              global.get $tick
              if
                i32.const 0
                call $sample
                global.set $tick
              end
              loop
                block block block
                  local.get $pc_b
                  br_table 0 0 1 1 1 2
                end
                call $sample_site
                end
                call $sample_site
              end
              unreachable
              end)
            (func $sample_site))"#;
        let wasm = wat::parse_str(wat).unwrap();
        let (checked, cs, ce) = body(&wasm, 1);
        let call =
            |w: &[u8], s, e, n| offset_of(w, s, e, n, |o| matches!(o, Operator::Call { .. }));
        // The first call is the check's; Go's calls follow.
        assert_eq!(
            pc_b_values(&checked, cs, ce, call(&checked, cs, ce, 1)),
            pc_b_values(&plain, start, end, call(&plain, start, end, 0))
        );
        assert_eq!(
            pc_b_values(&checked, cs, ce, call(&checked, cs, ce, 1)),
            Some(0..=1)
        );
    }

    #[test]
    fn regions_follow_the_dispatch_ends_and_the_table() {
        let (wasm, start, end) = go_shaped();
        let call = |n| offset_of(&wasm, start, end, n, |o| matches!(o, Operator::Call { .. }));
        assert_eq!(pc_b_values(&wasm, start, end, call(0)), Some(0..=1));
        assert_eq!(pc_b_values(&wasm, start, end, call(1)), Some(2..=4));
        let trap = offset_of(&wasm, start, end, 0, |o| matches!(o, Operator::Unreachable));
        assert_eq!(pc_b_values(&wasm, start, end, trap), Some(5..=5));
        assert_eq!(
            pc_b_values(&wasm, start, end + 100, trap),
            None,
            "out of the module"
        );
    }
}
