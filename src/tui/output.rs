//! The output pane's scrollback: lines of guest output in a capped buffer, so a program that
//! prints millions of lines neither exhausts memory nor slows the screen.

use std::collections::VecDeque;

use crate::engine::{Mode, Stream};
use crate::lines::LineSplitter;

/// How many lines the scrollback keeps.
pub const MAX_LINES: usize = 10_000;

/// Where a line of output came from: a run in one of gowasm's modes, or the page in the
/// browser lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lane {
    Run(Mode),
    Browser,
}

impl Lane {
    pub fn name(self) -> &'static str {
        match self {
            Lane::Run(mode) => mode.name(),
            Lane::Browser => "browser",
        }
    }
}

impl From<Mode> for Lane {
    fn from(mode: Mode) -> Lane {
        Lane::Run(mode)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputLine {
    pub job: u64,
    pub lane: Lane,
    pub stderr: bool,
    pub text: String,
}

#[derive(Debug, Default)]
pub struct OutputBuffer {
    pub lines: VecDeque<OutputLine>,
    /// Lines dropped from the front since the last clear.
    pub dropped: u64,
    partial: LineSplitter<(u64, Lane, bool)>,
}

impl OutputBuffer {
    /// Appends a chunk; complete lines become entries, the rest waits for its newline.
    pub fn push(&mut self, job: u64, lane: impl Into<Lane>, stream: Stream, bytes: &[u8]) {
        let lane = lane.into();
        let stderr = stream == Stream::Stderr;
        for text in self.partial.push((job, lane, stderr), bytes) {
            self.push_line(OutputLine {
                job,
                lane,
                stderr,
                text,
            });
        }
    }

    /// Flushes an unterminated last line of a finished run.
    pub fn finish(&mut self, job: u64, lane: impl Into<Lane>) {
        let lane = lane.into();
        for stderr in [false, true] {
            if let Some(text) = self.partial.finish(&(job, lane, stderr)) {
                self.push_line(OutputLine {
                    job,
                    lane,
                    stderr,
                    text,
                });
            }
        }
    }

    /// A line gowasm adds to a run's output: a call's result, or why it did not return.
    pub fn push_note(&mut self, job: u64, lane: impl Into<Lane>, text: String) {
        self.push_line(OutputLine {
            job,
            lane: lane.into(),
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
