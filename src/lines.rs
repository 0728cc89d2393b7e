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
        let buf = self.partial.entry(key).or_default();
        buf.extend_from_slice(bytes);
        let mut lines = vec![];
        while let Some(nl) = buf.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = buf.drain(..=nl).collect();
            lines.push(String::from_utf8_lossy(&line[..line.len() - 1]).into_owned());
        }
        if buf.len() > MAX_LINE {
            lines.push(String::from_utf8_lossy(buf).into_owned());
            buf.clear();
        }
        lines
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
    }
}
