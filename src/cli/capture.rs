//! Guest output kept for `--json` (and for runs after the first with `--mode all`): the first
//! [`CAPTURE_LIMIT`] bytes of a stream, and how many there were in all. A guest that writes
//! gigabytes costs gowasm 64 MiB, not gigabytes; plain `gowasm run` passes everything through.

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

    /// What was kept, as text (invalid UTF-8 replaced). A character the limit cut in two is left
    /// out rather than replaced.
    pub fn text(&self) -> String {
        let kept = if self.truncated() {
            &self.kept[..whole_characters(&self.kept)]
        } else {
            &self.kept[..]
        };
        String::from_utf8_lossy(kept).into_owned()
    }
}

/// How much of `bytes` ends on a character boundary: an unfinished UTF-8 sequence at the end is
/// left out.
fn whole_characters(bytes: &[u8]) -> usize {
    let is_continuation = |b: u8| b & 0xc0 == 0x80;
    let lead = (bytes.len().saturating_sub(4)..bytes.len())
        .rev()
        .find(|&i| !is_continuation(bytes[i]));
    let Some(lead) = lead else {
        return bytes.len();
    };
    let wanted = match bytes[lead] {
        b if b >= 0xf0 => 4,
        b if b >= 0xe0 => 3,
        b if b >= 0xc0 => 2,
        _ => 1,
    };
    if bytes.len() - lead < wanted {
        lead
    } else {
        bytes.len()
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

    #[test]
    fn a_character_cut_by_the_limit_is_left_out() {
        let mut c = Capture::default();
        c.push(&vec![b'x'; CAPTURE_LIMIT - 1]);
        c.push("é and more".as_bytes());
        let text = c.text();
        assert_eq!(text.len(), CAPTURE_LIMIT - 1);
        assert!(!text.contains('\u{fffd}'));
    }
}
