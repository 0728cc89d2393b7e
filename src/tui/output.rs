//! The output pane's scrollback: lines of guest output in a capped buffer, so a program that
//! prints millions of lines neither exhausts memory nor slows the screen.

use std::collections::{HashMap, VecDeque};

use crate::engine::{Mode, Stream};

/// How many lines the scrollback keeps.
pub const MAX_LINES: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputLine {
    pub job: u64,
    pub mode: Mode,
    pub stderr: bool,
    pub text: String,
}

#[derive(Debug, Default)]
pub struct OutputBuffer {
    pub lines: VecDeque<OutputLine>,
    /// Lines dropped from the front since the last clear.
    pub dropped: u64,
    partial: HashMap<(u64, Mode, bool), Vec<u8>>,
}

impl OutputBuffer {
    /// Appends a chunk; complete lines become entries, the rest waits for its newline.
    pub fn push(&mut self, job: u64, mode: Mode, stream: Stream, bytes: &[u8]) {
        let stderr = stream == Stream::Stderr;
        let buf = self.partial.entry((job, mode, stderr)).or_default();
        buf.extend_from_slice(bytes);
        let mut complete = vec![];
        while let Some(nl) = buf.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = buf.drain(..=nl).collect();
            complete.push(String::from_utf8_lossy(&line[..line.len() - 1]).into_owned());
        }
        // A line that never ends must still be shown, and bounded.
        if buf.len() > 4096 {
            complete.push(String::from_utf8_lossy(buf).into_owned());
            buf.clear();
        }
        for text in complete {
            self.push_line(OutputLine {
                job,
                mode,
                stderr,
                text,
            });
        }
    }

    /// Flushes an unterminated last line of a finished run.
    pub fn finish(&mut self, job: u64, mode: Mode) {
        for stderr in [false, true] {
            if let Some(rest) = self
                .partial
                .remove(&(job, mode, stderr))
                .filter(|r| !r.is_empty())
            {
                self.push_line(OutputLine {
                    job,
                    mode,
                    stderr,
                    text: String::from_utf8_lossy(&rest).into_owned(),
                });
            }
        }
    }

    fn push_line(&mut self, line: OutputLine) {
        if self.lines.len() == MAX_LINES {
            self.lines.pop_front();
            self.dropped += 1;
        }
        self.lines.push_back(line);
    }

    pub fn clear(&mut self) {
        self.lines.clear();
        self.partial.clear();
        self.dropped = 0;
    }

    /// Drops what older jobs printed, keeping the newest job's lines.
    pub fn keep_only(&mut self, job: u64) {
        self.lines.retain(|l| l.job == job);
        self.partial.retain(|(j, _, _), _| *j == job);
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_become_lines_and_the_buffer_is_capped() {
        let mut b = OutputBuffer::default();
        b.push(1, Mode::Interp, Stream::Stdout, b"hel");
        b.push(1, Mode::Interp, Stream::Stdout, b"lo\nwor");
        assert_eq!(b.len(), 1);
        b.finish(1, Mode::Interp);
        assert_eq!(b.lines[1].text, "wor");
        for i in 0..(MAX_LINES + 5) {
            b.push(2, Mode::Aot, Stream::Stderr, format!("{i}\n").as_bytes());
        }
        assert_eq!(b.len(), MAX_LINES);
        assert_eq!(b.lines.back().unwrap().text, (MAX_LINES + 4).to_string());
        assert!(b.lines.back().unwrap().stderr);
        b.keep_only(2);
        assert!(b.lines.iter().all(|l| l.job == 2));
    }
}
