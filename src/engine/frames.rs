//! The pipe between a worker and its parent: frames of `[tag u8][len u32 LE][payload]`.
//! Tag 1 = guest stdout, 2 = guest stderr, 3 = the final `Result<RunReport, String>` as JSON,
//! 4 = compiling is done and instantiation (with any start function) begins.

use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::time::{Duration, Instant};

use super::{RunReport, Stream};

pub const TAG_STDOUT: u8 = 1;
pub const TAG_STDERR: u8 = 2;
pub const TAG_DONE: u8 = 3;
pub const TAG_RUNNING: u8 = 4;

const HEADER_LEN: usize = 5;

/// What the parent hears from a running worker.
#[derive(Debug)]
pub enum Event {
    Running,
    Output(Stream, Vec<u8>),
    Done(Box<Result<RunReport, String>>),
}

/// Writes one frame (split so each length fits its u32), without flushing.
pub fn write_frame(out: &mut impl Write, tag: u8, payload: &[u8]) -> std::io::Result<()> {
    for chunk in payload
        .chunks(u32::MAX as usize)
        .chain(payload.is_empty().then_some(&[][..]))
    {
        out.write_all(&[tag])?;
        out.write_all(&(chunk.len() as u32).to_le_bytes())?;
        out.write_all(chunk)?;
    }
    Ok(())
}

/// How long output may wait in the writer's buffer. A write after a quiet spell goes out at
/// once; writes that follow it closely are gathered and flushed together within this time, so
/// a guest printing a million lines costs a few thousand pipe writes instead of a million.
pub const FLUSH_WITHIN: Duration = Duration::from_millis(1);

/// The worker's side of the pipe: frames into a buffer that a flusher thread empties at most
/// [`FLUSH_WITHIN`] after it was filled. Dropping it flushes what is left.
pub struct FrameWriter<W: Write + Send + 'static> {
    shared: Arc<Shared<W>>,
    flusher: Option<std::thread::JoinHandle<()>>,
    /// Without frames: payloads are written as they are ([`FrameWriter::raw`]).
    raw: bool,
}

struct Shared<W: Write> {
    state: Mutex<WriterState<W>>,
    wake: Condvar,
}

struct WriterState<W: Write> {
    out: BufWriter<W>,
    /// Frames are waiting in `out`.
    dirty: bool,
    last_flush: Instant,
    /// A write or flush failed: the reader is gone.
    broken: bool,
    closed: bool,
}

impl<W: Write + Send + 'static> FrameWriter<W> {
    pub fn new(out: W) -> FrameWriter<W> {
        let shared = Arc::new(Shared {
            state: Mutex::new(WriterState {
                out: BufWriter::with_capacity(64 * 1024, out),
                dirty: false,
                last_flush: Instant::now(),
                broken: false,
                closed: false,
            }),
            wake: Condvar::new(),
        });
        let flusher = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("frame-flusher".into())
                .spawn(move || flush_when_due(&shared))
                .ok()
        };
        FrameWriter {
            shared,
            flusher,
            raw: false,
        }
    }

    /// The same gathering, for plain output: payloads are written without frame headers (the
    /// guest's stdout written straight to gowasm's).
    pub fn raw(out: W) -> FrameWriter<W> {
        let mut writer = FrameWriter::new(out);
        writer.raw = true;
        writer
    }

    /// Writes out whatever waits, now.
    pub fn flush(&self) -> std::io::Result<()> {
        self.shared.lock().flush()
    }

    /// Sends a frame soon (within [`FLUSH_WITHIN`]); `Err` once the reader is gone.
    pub fn send(&self, tag: u8, payload: &[u8]) -> std::io::Result<()> {
        self.write(tag, payload, false)
    }

    /// Flushes what waits, unless a writer holds the lock (for a panic hook, which must not
    /// wait on a lock the panicking thread may hold).
    pub fn try_flush(&self) {
        if let Ok(mut state) = self.shared.state.try_lock() {
            let _ = state.flush();
        }
    }

    /// Sends a frame, and everything before it, now.
    pub fn send_now(&self, tag: u8, payload: &[u8]) -> std::io::Result<()> {
        self.write(tag, payload, true)
    }

    fn write(&self, tag: u8, payload: &[u8], now: bool) -> std::io::Result<()> {
        let mut state = self.shared.lock();
        if state.broken {
            return Err(std::io::ErrorKind::BrokenPipe.into());
        }
        let mut result = if self.raw {
            state.out.write_all(payload)
        } else {
            write_frame(&mut state.out, tag, payload)
        };
        // Without a flusher thread, every frame goes out at once.
        let due = now || self.flusher.is_none() || state.last_flush.elapsed() >= FLUSH_WITHIN;
        if result.is_ok() && due {
            result = state.flush();
        } else if result.is_ok() && !state.dirty {
            state.dirty = true;
            self.shared.wake.notify_one();
        }
        state.broken |= result.is_err();
        result
    }
}

impl<W: Write + Send + 'static> Drop for FrameWriter<W> {
    fn drop(&mut self) {
        {
            let mut state = self.shared.lock();
            state.closed = true;
            let _ = state.flush();
        }
        self.shared.wake.notify_one();
        if let Some(flusher) = self.flusher.take() {
            let _ = flusher.join();
        }
    }
}

impl<W: Write> Shared<W> {
    fn lock(&self) -> std::sync::MutexGuard<'_, WriterState<W>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl<W: Write> WriterState<W> {
    /// Writes out what waits; a failure marks the writer broken.
    fn flush(&mut self) -> std::io::Result<()> {
        self.dirty = false;
        self.last_flush = Instant::now();
        let result = self.out.flush();
        self.broken |= result.is_err();
        result
    }
}

/// The flusher thread: sleeps until frames wait, then flushes them when they are due.
fn flush_when_due<W: Write>(shared: &Shared<W>) {
    let mut state = shared.lock();
    loop {
        while !state.dirty && !state.closed {
            state = shared.wake.wait(state).unwrap_or_else(|p| p.into_inner());
        }
        if state.closed {
            return;
        }
        let due = state.last_flush + FLUSH_WITHIN;
        drop(state);
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
        state = shared.lock();
        if state.dirty {
            let _ = state.flush();
        }
    }
}

/// Reads frames until the stream ends, is cut or holds an unknown tag, sending one event per
/// frame, except that output frames of one stream already waiting in the buffer are joined into
/// one event: a guest printing a line at a time then costs one hand-over per pipe read, not one
/// per line.
pub fn read_frames(from: impl Read, to: mpsc::SyncSender<Event>) {
    let mut from = BufReader::with_capacity(256 * 1024, from);
    while let Some((tag, mut payload)) = read_one(&mut from) {
        let event = match tag {
            TAG_RUNNING => Event::Running,
            TAG_STDOUT | TAG_STDERR => {
                while let Some(more) = next_buffered_output(&mut from, tag, payload.len()) {
                    payload.extend_from_slice(&more);
                }
                let stream = if tag == TAG_STDOUT {
                    Stream::Stdout
                } else {
                    Stream::Stderr
                };
                Event::Output(stream, payload)
            }
            TAG_DONE => Event::Done(Box::new(
                serde_json::from_slice(&payload)
                    .unwrap_or_else(|e| Err(format!("unreadable worker report: {e}"))),
            )),
            _ => return,
        };
        if to.send(event).is_err() {
            return;
        }
    }
}

/// Joined output stops at this size, so one event never holds more than a few pipe reads.
const MAX_JOINED: usize = 1024 * 1024;

fn read_one(from: &mut impl BufRead) -> Option<(u8, Vec<u8>)> {
    let mut header = [0u8; HEADER_LEN];
    from.read_exact(&mut header).ok()?;
    let len = u32::from_le_bytes(header[1..5].try_into().expect("4 bytes")) as usize;
    let mut payload = vec![0u8; len];
    from.read_exact(&mut payload).ok()?;
    Some((header[0], payload))
}

/// The next frame's payload if it is `tag` output lying whole in the buffer (no read needed)
/// and joining it to the `joined` bytes so far stays within [`MAX_JOINED`].
fn next_buffered_output(
    from: &mut BufReader<impl Read>,
    tag: u8,
    joined: usize,
) -> Option<Vec<u8>> {
    let buffered = from.buffer();
    if buffered.len() < HEADER_LEN || buffered[0] != tag {
        return None;
    }
    let len = u32::from_le_bytes(buffered[1..5].try_into().expect("4 bytes")) as usize;
    if buffered.len() < HEADER_LEN + len || joined + len > MAX_JOINED {
        return None;
    }
    let payload = buffered[HEADER_LEN..HEADER_LEN + len].to_vec();
    from.consume(HEADER_LEN + len);
    Some(payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Mode;

    fn frame(tag: u8, payload: &[u8]) -> Vec<u8> {
        let mut f = vec![];
        write_frame(&mut f, tag, payload).unwrap();
        f
    }

    fn events(wire: &[u8]) -> Vec<Event> {
        let (tx, rx) = mpsc::sync_channel(16);
        read_frames(wire, tx);
        rx.iter().collect()
    }

    #[test]
    fn frames_become_events_in_order() {
        let report = RunReport::new(Mode::Aot);
        let done = serde_json::to_vec(&Ok::<_, String>(report.clone())).unwrap();
        let mut wire = frame(TAG_RUNNING, b"");
        wire.extend(frame(TAG_STDOUT, b"hello\n"));
        wire.extend(frame(TAG_STDERR, b""));
        wire.extend(frame(TAG_DONE, &done));
        let events = events(&wire);
        assert!(matches!(events[0], Event::Running));
        assert!(matches!(&events[1], Event::Output(Stream::Stdout, b) if b == b"hello\n"));
        assert!(matches!(&events[2], Event::Output(Stream::Stderr, b) if b.is_empty()));
        assert!(matches!(&events[3], Event::Done(r) if r.as_ref() == &Ok(report)));
        assert_eq!(events.len(), 4);
    }

    #[test]
    fn waiting_output_of_one_stream_is_joined_in_order() {
        let mut wire = vec![];
        for line in ["a\n", "b\n", "c\n"] {
            wire.extend(frame(TAG_STDOUT, line.as_bytes()));
        }
        wire.extend(frame(TAG_STDERR, b"oops\n"));
        wire.extend(frame(TAG_STDOUT, b"d\n"));
        let events = events(&wire);
        assert_eq!(events.len(), 3);
        assert!(matches!(&events[0], Event::Output(Stream::Stdout, b) if b == b"a\nb\nc\n"));
        assert!(matches!(&events[1], Event::Output(Stream::Stderr, b) if b == b"oops\n"));
        assert!(matches!(&events[2], Event::Output(Stream::Stdout, b) if b == b"d\n"));
    }

    #[test]
    fn a_cut_stream_or_unknown_tag_ends_reading() {
        let mut wire = frame(TAG_STDOUT, b"abc");
        wire.truncate(wire.len() - 1);
        assert_eq!(events(&wire).len(), 0);
        assert_eq!(events(&frame(99, b"x")).len(), 0);
        // A whole frame before a cut one still arrives.
        let mut wire = frame(TAG_STDOUT, b"abc");
        wire.extend(&frame(TAG_STDOUT, b"def")[..6]);
        assert!(matches!(&events(&wire)[..], [Event::Output(Stream::Stdout, b)] if b == b"abc"));
    }

    /// A Write that records every write call it gets.
    #[derive(Clone, Default)]
    struct Recorder(Arc<Mutex<Vec<Vec<u8>>>>);

    impl Write for Recorder {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().push(b.to_vec());
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn close_writes_are_gathered_and_flushed_soon() {
        let out = Recorder::default();
        let writer = FrameWriter::new(out.clone());
        for _ in 0..1000 {
            writer.send(TAG_STDOUT, b"line\n").unwrap();
        }
        // The first frame went out at once; the rest were gathered, and leave within the bound.
        let writes = out.0.lock().unwrap().len();
        assert!(writes < 100, "{writes} writes for 1000 frames");
        std::thread::sleep(FLUSH_WITHIN * 20);
        let wire: Vec<u8> = out.0.lock().unwrap().concat();
        assert_eq!(
            wire.len(),
            1000 * (5 + 5),
            "everything was flushed without a drop"
        );
        let events = events(&wire);
        assert!(matches!(&events[..], [Event::Output(Stream::Stdout, b)] if b.len() == 5000));
    }

    #[test]
    fn send_now_and_drop_flush_everything() {
        let out = Recorder::default();
        let writer = FrameWriter::new(out.clone());
        writer.send(TAG_STDOUT, b"a").unwrap();
        writer.send(TAG_STDOUT, b"b").unwrap();
        writer.send_now(TAG_RUNNING, b"").unwrap();
        assert_eq!(out.0.lock().unwrap().concat().len(), 6 * 2 + 5);
        writer.send(TAG_STDERR, b"c").unwrap();
        drop(writer);
        assert_eq!(out.0.lock().unwrap().concat().len(), 6 * 3 + 5);
    }

    #[test]
    fn a_gone_reader_is_an_error() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
        }
        let writer = FrameWriter::new(Closed);
        assert!(writer.send_now(TAG_STDOUT, b"x").is_err());
        assert!(writer.send(TAG_STDOUT, b"y").is_err());
    }

    #[test]
    fn garbage_report_is_an_error_not_a_panic() {
        let events = events(&frame(TAG_DONE, b"{not json"));
        assert!(matches!(&events[0], Event::Done(r) if r.is_err()));
    }
}
