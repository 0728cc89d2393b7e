//! A flame graph laid out in character cells: the call tree of a profile's samples, outermost
//! calls in the first row, each function as wide as its share of the CPU time under its
//! caller. The workbench draws the rows; this only lays them out.

use std::collections::BTreeMap;

use super::Profile;

/// One function's box in a row.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// First column, and how many columns.
    pub start: usize,
    pub width: usize,
    pub name: String,
    /// The share of all CPU time spent here and in what it calls, in percent.
    pub total_pct: f64,
}

/// A call tree node: time here and below, children by name.
#[derive(Default)]
struct Node {
    ns: u64,
    children: BTreeMap<String, Node>,
}

/// The rows of `profile`'s flame graph in `width` columns, at most `depth` rows deep. Boxes
/// narrower than a column are left out; so are rows under them.
pub fn layout(profile: &Profile, width: usize, depth: usize) -> Vec<Vec<Cell>> {
    let mut root = Node::default();
    for s in &profile.samples {
        root.ns += s.cpu_ns;
        let mut node = &mut root;
        let outermost_first = s.stack.iter().rev().flat_map(|&l| {
            let functions: Vec<u32> = profile.locations[l as usize].functions().collect();
            functions.into_iter().rev()
        });
        for f in outermost_first {
            let name = &profile.functions[f as usize].name;
            node = node.children.entry(name.clone()).or_default();
            node.ns += s.cpu_ns;
        }
    }
    let mut rows = vec![vec![]; depth];
    if root.ns > 0 {
        place(&root, 0, width, root.ns, 0, &mut rows);
    }
    while rows.last().is_some_and(Vec::is_empty) {
        rows.pop();
    }
    rows
}

/// Lays out `node`'s children in `start..start + width`, biggest first, in row `row`.
fn place(node: &Node, start: usize, width: usize, all: u64, row: usize, rows: &mut [Vec<Cell>]) {
    if row >= rows.len() {
        return;
    }
    let mut children: Vec<(&String, &Node)> = node.children.iter().collect();
    children.sort_by(|a, b| b.1.ns.cmp(&a.1.ns).then_with(|| a.0.cmp(b.0)));
    let mut at = start;
    for (name, child) in children {
        let w = (child.ns as f64 / node.ns as f64 * width as f64).floor() as usize;
        if w == 0 {
            continue;
        }
        rows[row].push(Cell {
            start: at,
            width: w,
            name: name.clone(),
            total_pct: super::share(child.ns, all),
        });
        place(child, at, w, all, row + 1, rows);
        at += w;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::profile_of;

    #[test]
    fn callers_hold_their_callees_in_proportion() {
        let p = profile_of(&[
            (&["fib", "main", "runtime.main"], 60),
            (&["print", "main", "runtime.main"], 30),
            (&["runtime.main"], 10),
        ]);
        let rows = layout(&p, 100, 10);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].len(), 1);
        assert_eq!(
            (rows[0][0].name.as_str(), rows[0][0].width),
            ("runtime.main", 100)
        );
        assert_eq!((rows[1][0].name.as_str(), rows[1][0].width), ("main", 90));
        let fib = &rows[2][0];
        assert_eq!((fib.name.as_str(), fib.start, fib.width), ("fib", 0, 60));
        let print = &rows[2][1];
        assert_eq!((print.start, print.width), (60, 30));
        assert!((fib.total_pct - 60.0).abs() < 1e-9);
        // Too narrow to show: left out, with what is under it.
        let narrow = layout(&p, 5, 10);
        assert!(narrow[2].iter().all(|c| c.name != "print" || c.width > 0));
        assert!(layout(&p, 100, 2).len() == 2, "cut at the depth asked for");
    }
}
