//! Guest output arrives in chunks; people read lines. Splits chunks into lines per stream, keeping
//! unfinished lines until their newline (or the run's end).

use std::collections::HashMap;
use std::hash::Hash;

/// A line that never ends is still shown once it reaches this many bytes.
pub const MAX_LINE: usize = 4096;

/// Unfinished lines by key (a job, mode and stream).
#[derive(Debug)]
pub struct LineSplitter<K> {
    partial: HashMap<K, Vec<u8>>,
}

impl<K> Default for LineSplitter<K> {
    fn default() -> Self {
        LineSplitter {
            partial: HashMap::new(),
        }
    }
}

impl<K: Hash + Eq> LineSplitter<K> {
    /// Adds a chunk and returns the lines it completed, without their newlines.
    pub fn push(&mut self, key: K, bytes: &[u8]) -> Vec<String> {
        let mut lines = vec![];
        self.push_each(key, bytes, |line| lines.push(line.to_string()));
        lines
    }

    /// Adds a chunk and hands each line it completed to `each`, without its newline and without
    /// copying it where it is valid UTF-8. Linear in the chunk: each newline is found once
    /// (memchr), and only an unfinished line is kept.
    pub fn push_each(&mut self, key: K, bytes: &[u8], mut each: impl FnMut(&str)) {
        let buf = self.partial.entry(key).or_default();
        let mut rest = bytes;
        if let Some(nl) = memchr::memchr(b'\n', rest) {
            // The first line may have begun in an earlier chunk.
            buf.extend_from_slice(&rest[..nl]);
            each(&String::from_utf8_lossy(buf));
            buf.clear();
            rest = &rest[nl + 1..];
            let mut start = 0;
            for nl in memchr::memchr_iter(b'\n', rest) {
                each(&String::from_utf8_lossy(&rest[start..nl]));
                start = nl + 1;
            }
            rest = &rest[start..];
        }
        buf.extend_from_slice(rest);
        if buf.len() > MAX_LINE {
            each(&String::from_utf8_lossy(buf));
            buf.clear();
        }
    }

    /// The unterminated rest of a finished stream, if any.
    pub fn finish(&mut self, key: &K) -> Option<String> {
        self.partial
            .remove(key)
            .filter(|rest| !rest.is_empty())
            .map(|rest| String::from_utf8_lossy(&rest).into_owned())
    }

    pub fn clear(&mut self) {
        self.partial.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_become_lines() {
        let mut s = LineSplitter::default();
        assert!(s.push(1, b"hel").is_empty());
        assert_eq!(s.push(1, b"lo\nwor"), ["hello"]);
        assert_eq!(s.push(2, b"other\n"), ["other"]);
        assert_eq!(s.finish(&1).as_deref(), Some("wor"));
        assert_eq!(s.finish(&1), None);
        assert_eq!(
            s.push(3, &[b'x'; MAX_LINE + 1]).len(),
            1,
            "an endless line is cut"
        );
        assert_eq!(s.push(4, b"a\n\nb\nc"), ["a", "", "b"]);
        assert_eq!(s.push(4, b"d\n"), ["cd"]);
    }

    #[test]
    fn a_megabyte_of_short_lines_splits_in_one_pass() {
        // 1 MiB of 5-byte lines: the quadratic splitter took seconds; this one is linear, so
        // the lines come out whole however the chunks fall.
        let text: Vec<u8> = b"abcd\n"
            .repeat(1 << 18)
            .into_iter()
            .take(1 << 20)
            .collect();
        let mut s = LineSplitter::default();
        let mut n = 0;
        for chunk in text.chunks(4093) {
            n += s.push(0, chunk).iter().filter(|l| *l == "abcd").count();
        }
        assert_eq!(n, (1 << 20) / 5);
    }
}
