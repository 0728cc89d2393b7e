//! A [`Profile`] in pprof's format: `profile.proto` (github.com/google/pprof/proto), gzipped,
//! as Go's `runtime/pprof` writes a CPU profile: sample types `samples/count` and
//! `cpu/nanoseconds`, with every function's name, file and line filled in, so that
//! `go tool pprof` shows them without the program.

use std::collections::HashMap;
use std::io::Write;

use super::Profile;

/// The gzipped `profile.proto` of `profile`; `module` names its mapping (the module file).
pub fn encode(profile: &Profile, module: &str) -> Vec<u8> {
    let mut strings = Strings::default();
    strings.id("");
    let mut out = Vec::new();
    for (kind, unit) in [("samples", "count"), ("cpu", "nanoseconds")] {
        let value_type = value_type(&mut strings, kind, unit);
        message(&mut out, 1, &value_type);
    }
    for s in &profile.samples {
        let mut m = Vec::new();
        packed(&mut m, 1, s.stack.iter().map(|&l| u64::from(l) + 1));
        packed(&mut m, 2, [s.count, s.cpu_ns].into_iter());
        message(&mut out, 2, &m);
    }
    let mut mapping = Vec::new();
    uint(&mut mapping, 1, 1);
    uint(&mut mapping, 3, u64::MAX);
    int(&mut mapping, 5, strings.id(module));
    for has in [7, 8, 9] {
        uint(&mut mapping, has, 1);
    }
    message(&mut out, 3, &mapping);
    for (k, l) in profile.locations.iter().enumerate() {
        let mut m = Vec::new();
        uint(&mut m, 1, k as u64 + 1);
        uint(&mut m, 2, 1);
        uint(&mut m, 3, l.address);
        // Innermost first: each line but the last was inlined into the next (profile.proto).
        for (function, at) in
            std::iter::once((l.function, l.line)).chain(l.inlined_into.iter().copied())
        {
            let mut line = Vec::new();
            uint(&mut line, 1, u64::from(function) + 1);
            int(&mut line, 2, at.map_or(0, i64::from));
            message(&mut m, 4, &line);
        }
        message(&mut out, 4, &m);
    }
    for (k, f) in profile.functions.iter().enumerate() {
        let mut m = Vec::new();
        uint(&mut m, 1, k as u64 + 1);
        let name = strings.id(&f.name);
        int(&mut m, 2, name);
        int(&mut m, 3, name);
        int(&mut m, 4, strings.id(f.file.as_deref().unwrap_or("")));
        int(&mut m, 5, f.start_line.map_or(0, i64::from));
        message(&mut out, 5, &m);
    }
    let period_type = value_type(&mut strings, "cpu", "nanoseconds");
    let default_type = strings.id("cpu");
    for s in &strings.table {
        bytes_field(&mut out, 6, s.as_bytes());
    }
    int(
        &mut out,
        10,
        i64::try_from(profile.duration_ns).unwrap_or(i64::MAX),
    );
    message(&mut out, 11, &period_type);
    int(&mut out, 12, 1_000_000_000 / i64::from(profile.hz.max(1)));
    int(&mut out, 14, default_type);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&out).expect("writing to memory");
    gz.finish().expect("writing to memory")
}

/// The string table: each string once, by first use.
#[derive(Default)]
struct Strings {
    table: Vec<String>,
    ids: HashMap<String, i64>,
}

impl Strings {
    fn id(&mut self, s: &str) -> i64 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.table.len() as i64;
        self.table.push(s.to_string());
        self.ids.insert(s.to_string(), id);
        id
    }
}

fn value_type(strings: &mut Strings, kind: &str, unit: &str) -> Vec<u8> {
    let mut m = Vec::new();
    int(&mut m, 1, strings.id(kind));
    int(&mut m, 2, strings.id(unit));
    m
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A varint field; zero is the default and is left out.
fn uint(out: &mut Vec<u8>, field: u32, v: u64) {
    if v != 0 {
        varint(out, u64::from(field) << 3);
        varint(out, v);
    }
}

fn int(out: &mut Vec<u8>, field: u32, v: i64) {
    uint(out, field, v as u64);
}

fn bytes_field(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    varint(out, (u64::from(field) << 3) | 2);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn message(out: &mut Vec<u8>, field: u32, m: &[u8]) {
    bytes_field(out, field, m);
}

fn packed(out: &mut Vec<u8>, field: u32, values: impl Iterator<Item = u64>) {
    let mut m = Vec::new();
    for v in values {
        varint(&mut m, v);
    }
    bytes_field(out, field, &m);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_are_protobufs() {
        let mut out = vec![];
        varint(&mut out, 1);
        varint(&mut out, 300);
        assert_eq!(out, [1, 0xac, 0x02]);
        let mut out = vec![];
        uint(&mut out, 1, 0);
        assert!(out.is_empty(), "defaults are left out");
        int(&mut out, 2, -1);
        assert_eq!(out.len(), 1 + 10, "a negative int64 takes ten bytes");
    }
}
