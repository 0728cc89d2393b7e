//! Guest output kept for `--json` and for comparing runs: the first [`CAPTURE_LIMIT`] bytes of a
//! stream, and how many there were in all. A guest that writes gigabytes costs gowasm 64 MiB,
//! not gigabytes; plain `gowasm run` passes everything through.

/// Bytes kept per stream.
pub const CAPTURE_LIMIT: usize = 64 << 20;

#[derive(Debug, Default)]
pub struct Capture {
    kept: Vec<u8>,
    total: u64,
}

impl Capture {
    pub fn push(&mut self, bytes: &[u8]) {
        let room = CAPTURE_LIMIT.saturating_sub(self.kept.len());
        self.kept.extend_from_slice(&bytes[..bytes.len().min(room)]);
        self.total += bytes.len() as u64;
    }

    /// How many bytes the guest wrote, kept or not.
    pub fn total(&self) -> u64 {
        self.total
    }

    pub fn truncated(&self) -> bool {
        self.total > self.kept.len() as u64
    }

    /// What was kept, as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.kept).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_bytes_and_counts_them_all() {
        let mut c = Capture::default();
        c.push(b"hello ");
        assert!(!c.truncated());
        let big = vec![b'x'; CAPTURE_LIMIT];
        c.push(&big);
        c.push(b"more");
        assert_eq!(c.total(), 6 + CAPTURE_LIMIT as u64 + 4);
        assert!(c.truncated());
        let text = c.text();
        assert_eq!(text.len(), CAPTURE_LIMIT);
        assert!(text.starts_with("hello xxx"));
    }
}
