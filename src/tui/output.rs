//! The output pane's scrollback: lines of guest output in a capped buffer, so a program that
//! prints millions of lines neither exhausts memory nor slows the screen.

use std::collections::VecDeque;

use crate::engine::{Mode, Stream};
use crate::lines::LineSplitter;

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
    partial: LineSplitter<(u64, Mode, bool)>,
}

impl OutputBuffer {
    /// Appends a chunk; complete lines become entries, the rest waits for its newline.
    pub fn push(&mut self, job: u64, mode: Mode, stream: Stream, bytes: &[u8]) {
        let stderr = stream == Stream::Stderr;
        for text in self.partial.push((job, mode, stderr), bytes) {
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
            if let Some(text) = self.partial.finish(&(job, mode, stderr)) {
                self.push_line(OutputLine {
                    job,
                    mode,
                    stderr,
                    text,
                });
            }
        }
    }

    /// A line gowasm adds to a run's output: a call's result, or why it did not return.
    pub fn push_note(&mut self, job: u64, mode: Mode, text: String) {
        self.push_line(OutputLine {
            job,
            mode,
            stderr: false,
            text,
        });
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
    }
}
