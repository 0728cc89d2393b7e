//! Why a function is there: each function's and each package's *retained* size, what would go
//! if nothing used it any more (twiggy's `dominators`), and the shortest path from a root to a
//! function (twiggy's `paths`).
//!
//! A function's retained size is the code of the functions it dominates in the call graph, seen
//! from one root above the module's roots (Cooper, Harvey and Kennedy's iterative algorithm). A
//! package's is what stops being reachable when all its functions are taken away.

use std::collections::{HashMap, VecDeque};

use serde::Serialize;

use super::InspectError;
use super::anatomy::{Anatomy, percent};
use super::call_graph::{CallGraph, Root, call_graph};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RetainedFunction {
    pub index: u32,
    pub name: String,
    pub package: String,
    /// The function's own body.
    pub shallow: u64,
    /// Its own body and those of every function only it leads to.
    pub retained: u64,
    /// `retained` as a share of all code, 0–100.
    pub percent: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RetainedPackage {
    pub package: String,
    pub shallow: u64,
    pub retained: u64,
    pub percent: f64,
}

pub struct Retention {
    /// Biggest retained size first.
    pub functions: Vec<RetainedFunction>,
    pub packages: Vec<RetainedPackage>,
    /// See [`CallGraph::table_is_dispatch`].
    pub table_is_dispatch: bool,
    /// Shortest-path tree from the roots: each reached function's predecessor.
    parent: Vec<Option<u32>>,
    root_of: HashMap<u32, Root>,
    names: Vec<String>,
}

/// One step of a path: a function, and for the first one why it is a root.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Step {
    pub index: u32,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
}

impl Retention {
    /// The shortest chain of calls from a root to this function, the root first; empty if no
    /// root reaches it.
    pub fn path_to(&self, index: u32) -> Vec<Step> {
        let mut chain = vec![];
        let mut at = Some(index);
        while let Some(f) = at {
            if chain.len() > self.parent.len() {
                break;
            }
            chain.push(f);
            at = self.parent.get(f as usize).copied().flatten();
        }
        let Some(&first) = chain.last() else {
            return vec![];
        };
        if !self.root_of.contains_key(&first) {
            return vec![];
        }
        chain
            .iter()
            .rev()
            .map(|&f| Step {
                index: f,
                name: self.names.get(f as usize).cloned().unwrap_or_default(),
                root: self.root_of.get(&f).map(Root::label),
            })
            .collect()
    }
}

/// Retained sizes of a module's functions and packages, with the anatomy's names and sizes.
pub fn retention_of(bytes: &[u8], anatomy: &Anatomy) -> Result<Retention, InspectError> {
    let go = anatomy.pclntab_span.clone();
    let graph = call_graph(bytes, go.is_some(), go.unwrap_or(0..0))?;
    Ok(retention(graph, anatomy))
}

/// Retained sizes over a call graph, with the anatomy's names and sizes.
pub fn retention(graph: CallGraph, anatomy: &Anatomy) -> Retention {
    let n = graph.callees.len();
    let imported = graph.imported as usize;
    let size = |f: usize| {
        f.checked_sub(imported)
            .and_then(|k| anatomy.functions.get(k))
            .map_or(0, |i| i.size)
    };
    let package = |f: usize| {
        f.checked_sub(imported)
            .and_then(|k| anatomy.functions.get(k))
            .map_or("(imported)", |i| i.package.as_str())
    };
    let mut names = vec![String::new(); n];
    for (f, name) in names.iter_mut().enumerate() {
        *name = match f
            .checked_sub(imported)
            .and_then(|k| anatomy.functions.get(k))
        {
            Some(i) => i.name.clone(),
            None => format!("import {f}"),
        };
    }
    // Node n is the root above the module's roots.
    let roots: Vec<u32> = graph.roots.iter().map(|&(f, _)| f).collect();
    let (roots, callees) = (&roots, &graph.callees);
    let succ = move |v: usize| {
        let list: &[u32] = if v == n { roots } else { &callees[v] };
        list.iter().map(|&f| f as usize)
    };
    let idom = dominators(n + 1, n, &succ);
    let total: u64 = (imported..n).map(size).sum();
    let mut retained: Vec<u64> = (0..=n).map(|v| if v < n { size(v) } else { 0 }).collect();
    // Postorder: the nodes a node dominates are below it in the DFS tree, so they come first.
    for &v in idom.order.iter().rev() {
        if v != n
            && let Some(d) = idom.idom[v]
        {
            retained[d] += retained[v];
        }
    }
    let mut functions: Vec<RetainedFunction> = (imported..n)
        .map(|f| RetainedFunction {
            index: f as u32,
            name: names[f].clone(),
            package: package(f).to_string(),
            shallow: size(f),
            retained: retained[f],
            percent: percent(retained[f], total),
        })
        .collect();
    functions.sort_by(|a, b| b.retained.cmp(&a.retained).then(a.index.cmp(&b.index)));

    let packages = retained_packages((imported, n), total, &succ, &size, &package);

    let parent = shortest_paths(n, &graph);
    let root_of = graph.roots.iter().cloned().collect();
    Retention {
        functions,
        packages,
        table_is_dispatch: graph.table_is_dispatch,
        parent,
        root_of,
        names,
    }
}

/// Each package's retained size: what the module would lose without it (the functions only it
/// reaches, and its own that nothing reaches). Nodes `imported..n` are the functions, `n` the
/// root above the roots.
fn retained_packages<'a, S: IntoIterator<Item = usize>>(
    (imported, n): (usize, usize),
    total: u64,
    succ: &impl Fn(usize) -> S,
    size: &impl Fn(usize) -> u64,
    package: &impl Fn(usize) -> &'a str,
) -> Vec<RetainedPackage> {
    let reached = reach(n + 1, n, succ, |_| true);
    let mut by_package: HashMap<&str, u64> = HashMap::new();
    for f in imported..n {
        *by_package.entry(package(f)).or_default() += size(f);
    }
    let mut packages: Vec<RetainedPackage> = by_package
        .into_iter()
        .map(|(p, shallow)| {
            let still = reach(n + 1, n, succ, |v| v == n || package(v) != p);
            let gone: u64 = (imported..n)
                .filter(|&v| reached[v] && !still[v])
                .map(size)
                .sum();
            // Unreached functions of the package go with it too.
            let own_unreached: u64 = (imported..n)
                .filter(|&v| !reached[v] && package(v) == p)
                .map(size)
                .sum();
            let retained = gone + own_unreached;
            RetainedPackage {
                package: p.to_string(),
                shallow,
                retained,
                percent: percent(retained, total),
            }
        })
        .collect();
    packages.sort_by(|a, b| b.retained.cmp(&a.retained).then(a.package.cmp(&b.package)));
    packages
}

/// Which nodes `start` reaches through nodes `keep` allows.
fn reach<S: IntoIterator<Item = usize>>(
    n: usize,
    start: usize,
    succ: &impl Fn(usize) -> S,
    keep: impl Fn(usize) -> bool,
) -> Vec<bool> {
    let mut seen = vec![false; n];
    let mut stack = vec![start];
    seen[start] = true;
    while let Some(v) = stack.pop() {
        for w in succ(v) {
            if w < n && !seen[w] && keep(w) {
                seen[w] = true;
                stack.push(w);
            }
        }
    }
    seen
}

/// Breadth-first from all roots at once: each function's predecessor on a shortest path.
fn shortest_paths(n: usize, graph: &CallGraph) -> Vec<Option<u32>> {
    let mut parent = vec![None; n];
    let mut seen = vec![false; n];
    let mut queue = VecDeque::new();
    for &(f, _) in &graph.roots {
        if !seen[f as usize] {
            seen[f as usize] = true;
            queue.push_back(f);
        }
    }
    while let Some(v) = queue.pop_front() {
        for &w in &graph.callees[v as usize] {
            if !seen[w as usize] {
                seen[w as usize] = true;
                parent[w as usize] = Some(v);
                queue.push_back(w);
            }
        }
    }
    parent
}

struct Dominators {
    /// Immediate dominator of each node reached from the start (the start's is `None`).
    idom: Vec<Option<usize>>,
    /// The reached nodes in reverse postorder.
    order: Vec<usize>,
}

/// Cooper, Harvey and Kennedy, "A Simple, Fast Dominance Algorithm" (2001).
fn dominators<S: IntoIterator<Item = usize>>(
    n: usize,
    start: usize,
    succ: &impl Fn(usize) -> S,
) -> Dominators {
    // Postorder by an explicit stack (Go modules' call chains are deep).
    let mut post = Vec::with_capacity(n);
    let mut visited = vec![false; n];
    let mut stack = vec![(start, succ(start).into_iter())];
    visited[start] = true;
    while let Some((v, next)) = stack.last_mut() {
        if let Some(w) = next.next() {
            if w < n && !visited[w] {
                visited[w] = true;
                stack.push((w, succ(w).into_iter()));
            }
        } else {
            post.push(*v);
            stack.pop();
        }
    }
    let mut number = vec![usize::MAX; n];
    for (k, &v) in post.iter().enumerate() {
        number[v] = k;
    }
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &v in &post {
        for w in succ(v) {
            if w < n && number[w] != usize::MAX {
                preds[w].push(v);
            }
        }
    }
    let order: Vec<usize> = post.iter().rev().copied().collect();
    let mut idom: Vec<Option<usize>> = vec![None; n];
    idom[start] = Some(start);
    let mut changed = true;
    while changed {
        changed = false;
        for &b in order.iter().skip(1) {
            let mut new = None;
            for &p in &preds[b] {
                if idom[p].is_none() {
                    continue;
                }
                new = Some(match new {
                    None => p,
                    Some(q) => intersect(&idom, &number, p, q),
                });
            }
            if new.is_some() && idom[b] != new {
                idom[b] = new;
                changed = true;
            }
        }
    }
    idom[start] = None;
    Dominators { idom, order }
}

fn intersect(idom: &[Option<usize>], number: &[usize], mut a: usize, mut b: usize) -> usize {
    while a != b {
        while number[a] < number[b] {
            a = idom[a].unwrap_or(b);
        }
        while number[b] < number[a] {
            b = idom[b].unwrap_or(a);
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module() -> Vec<u8> {
        // a → b → c, a → d → c, d → e; so c is shared, e is d's alone. f is in the table.
        wat::parse_str(
            r#"(module
                (func $a (export "a") call $b call $d)
                (func $b call $c nop nop)
                (func $c nop nop nop nop nop nop nop nop)
                (func $d call $c call $e)
                (func $e nop nop nop nop)
                (func $f nop)
                (table 1 funcref) (elem (i32.const 0) $f))"#,
        )
        .unwrap()
    }

    #[test]
    fn a_function_retains_what_only_it_leads_to() {
        let wasm = module();
        let a = crate::anatomy::anatomy(&wasm).unwrap();
        let r = retention(call_graph(&wasm, false, 0..0).unwrap(), &a);
        let get = |name: &str| r.functions.iter().find(|f| f.name == name).unwrap().clone();
        let size = |name: &str| get(name).shallow;
        assert_eq!(get("e").retained, size("e"));
        assert_eq!(get("d").retained, size("d") + size("e"), "c is shared");
        assert_eq!(get("b").retained, size("b"));
        assert_eq!(
            get("a").retained,
            ["a", "b", "c", "d", "e"]
                .iter()
                .map(|n| size(n))
                .sum::<u64>()
        );
        assert_eq!(get("f").retained, size("f"));
        let path: Vec<String> = r
            .path_to(get("e").index)
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(path, ["a", "d", "e"]);
        assert_eq!(
            r.path_to(get("a").index)[0].root.as_deref(),
            Some("export \"a\"")
        );
    }

    #[test]
    fn dominators_of_a_diamond_and_a_loop() {
        // 0 → 1, 0 → 2, 1 → 3, 2 → 3, 3 → 1
        let edges = [vec![1, 2], vec![3], vec![3], vec![1]];
        let d = dominators(4, 0, &|v| edges[v].clone());
        assert_eq!(d.idom, vec![None, Some(0), Some(0), Some(0)]);
    }
}
