//! The host's side of the instrumented module's checks ([`super::instrument`]): each call
//! decides whether a sample is due, takes it (Go's stack, walked in the guest's memory), and
//! says how many checks to let pass before the next call.
//!
//! Samples follow the clock, not the count of checks: a sample is due once per period of wall
//! time and weighs the CPU time the guest's thread used since the last one, so time in the
//! host's own functions (WASI calls) lands on the Go code that called them, and time asleep
//! weighs nothing. The countdown only keeps the calls cheap: it is tuned so that about
//! [`CALLS_PER_PERIOD`] calls come per period, and a sample is at most that late.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gowasm_inspect::frame_places::code_frames;
use gowasm_inspect::go_stacks::{GoStacks, Point};

use super::instrument::{Site, Style};
use super::instrument_wasm::SHADOW_EXPORT;
use super::{Function, Location, Profile, ProfileSettings, Sample};

/// Calls into the host per sampling period the countdown aims at.
const CALLS_PER_PERIOD: u32 = 20;
/// Bounds of the countdown.
const MIN_COUNTDOWN: i32 = 16;
const MAX_COUNTDOWN: i32 = 1 << 24;

/// A sampler shared by the engine's host function and the run that reads its profile.
pub type SharedSampler = Arc<Mutex<Sampler>>;

/// The most frames of a shadow stack a sample keeps.
const MAX_WASM_FRAMES: usize = 4096;

/// Where a module's call stack is, and how its frames are named.
enum Stacks {
    /// Go's, in linear memory: walked with the pclntab; frames are Go PCs.
    Go(GoStacks),
    /// wasm's (TinyGo's, any module's), copied to a shadow stack ([`super::instrument_wasm`]):
    /// frames are offsets in the module as built (kept here), named from its DWARF or names.
    Wasm(Vec<u8>),
}

/// Samples of one run.
pub struct Sampler {
    stacks: Stacks,
    style: Style,
    hz: u32,
    countdown: i32,
    started: Option<Instant>,
    last_call: Instant,
    next_sample: Instant,
    last_cpu: Duration,
    /// Samples by stack (Go PCs or module offsets, innermost first): count and CPU time.
    seen: HashMap<Vec<u64>, (u64, u64)>,
    scratch: Vec<u64>,
}

impl Sampler {
    /// A sampler for the module in `bytes`, as built: Go's stacks where it has Go's tables,
    /// else a shadow stack's.
    pub fn new(bytes: &[u8], settings: ProfileSettings, style: Style) -> Sampler {
        let stacks = match GoStacks::read(bytes) {
            Some(go) => Stacks::Go(go),
            None => Stacks::Wasm(bytes.to_vec()),
        };
        let now = Instant::now();
        Sampler {
            stacks,
            style,
            hz: settings.hz.max(1),
            countdown: super::instrument::FIRST_COUNTDOWN,
            started: None,
            last_call: now,
            next_sample: now,
            last_cpu: Duration::ZERO,
            seen: HashMap::new(),
            scratch: Vec::new(),
        }
    }

    /// The defined functions Go's table names, whose checks this sampler understands; `None`
    /// for a module that needs a shadow stack.
    pub fn go_functions(&self) -> Option<std::collections::HashSet<u32>> {
        match &self.stacks {
            Stacks::Go(go) => Some(go.functions().map(|f| f.defined_index).collect()),
            Stacks::Wasm(_) => None,
        }
    }

    /// Whether the module keeps a shadow stack (it has no Go tables).
    pub fn shadow_stack(&self) -> bool {
        matches!(self.stacks, Stacks::Wasm(_))
    }

    /// The memory a check's stack is read from: the module's own (`module_memory`), or the
    /// shadow stack's.
    pub fn memory<'a>(&self, module_memory: &'a str) -> &'a str {
        if self.shadow_stack() {
            SHADOW_EXPORT
        } else {
            module_memory
        }
    }

    pub fn shared(self) -> SharedSampler {
        Arc::new(Mutex::new(self))
    }

    /// The guest starts running, on this thread: the CPU time samples weigh counts from here.
    /// (Without it, from the first check.)
    pub fn begin(&mut self) {
        let now = Instant::now();
        self.started = Some(now);
        self.last_call = now;
        self.next_sample = now + self.period();
        self.last_cpu = thread_cpu_time();
    }

    /// The time between samples.
    pub fn period(&self) -> Duration {
        Duration::from_secs(1) / self.hz
    }

    /// A check that called the host (see [`Style`]), at `site`, `at` in Go's code (or, with a
    /// shadow stack, `at.pc_b` the check's offset in the module and `at.sp` its function's
    /// slot); `read` reads 8 bytes of [`Self::memory`]. Gives the tick global's next value.
    pub fn check(&mut self, site: i32, at: Point, read: impl Fn(u32) -> Option<u64>) -> i32 {
        if self.started.is_none() {
            self.begin();
        }
        let now = Instant::now();
        if self.style == Style::Flag {
            self.sample(site, at, read);
            return 0;
        }
        let since = now.saturating_duration_since(self.last_call);
        self.last_call = now;
        // The countdown that would have taken `aim`, at the rate checks came since the last call.
        let aim = (self.period() / CALLS_PER_PERIOD).as_nanos() as f64;
        let scaled = f64::from(self.countdown) * aim / (since.as_nanos() as f64).max(1.0);
        self.countdown = scaled.clamp(f64::from(MIN_COUNTDOWN), f64::from(MAX_COUNTDOWN)) as i32;
        if now >= self.next_sample {
            self.next_sample = now + self.period();
            self.sample(site, at, read);
        }
        self.countdown
    }

    /// Takes a sample: the goroutine's stack, weighing the CPU time since the last one.
    fn sample(&mut self, site: i32, at: Point, read: impl Fn(u32) -> Option<u64>) {
        let period = self.period().as_nanos();
        let cpu = thread_cpu_time();
        let weight = cpu.saturating_sub(self.last_cpu);
        self.last_cpu = cpu;
        let site = Site::from_i32(site);
        match &mut self.stacks {
            Stacks::Go(go) if site == Some(Site::Return) => {
                go.walk_returning(at, read, &mut self.scratch)
            }
            Stacks::Go(go) => go.walk(at, read, &mut self.scratch),
            Stacks::Wasm(_) => {
                // The check's own place, then each caller's slot: the call it is in.
                self.scratch.clear();
                self.scratch.push(u64::from(at.pc_b));
                let mut slot = at.sp;
                while slot >= 4 && self.scratch.len() < MAX_WASM_FRAMES {
                    slot -= 4;
                    match read(slot) {
                        Some(word) => self.scratch.push(word & 0xffff_ffff),
                        None => break,
                    }
                }
            }
        }
        // A call's entry: the time since the last check was the caller's, at the call (the
        // block before the one its return address names, Go's `pc - 1`), which is then the
        // innermost frame.
        if !self.shadow_stack()
            && site == Some(Site::Entry)
            && at.pc_b == 0
            && self.scratch.len() > 1
        {
            self.scratch.remove(0);
            self.scratch[0] = self.scratch[0].saturating_sub(1);
        }
        self.count(weight, period);
    }

    /// Counts the stack in `scratch` as sampled, weighing `weight` of CPU time.
    fn count(&mut self, weight: Duration, period: u128) {
        let entry = match self.seen.get_mut(self.scratch.as_slice()) {
            Some(e) => e,
            None => self.seen.entry(self.scratch.clone()).or_default(),
        };
        // Periods that passed without a check (a loop, without checks at jumps) count as the
        // samples they would have been.
        let periods = (weight.as_nanos() + period / 2) / period;
        entry.0 += u64::try_from(periods).unwrap_or(u64::MAX).max(1);
        entry.1 += u64::try_from(weight.as_nanos()).unwrap_or(u64::MAX);
    }

    /// The profile, with Go's names, files and lines (or DWARF's, or the name section's).
    pub fn finish(&self) -> Profile {
        let mut functions: Vec<Function> = Vec::new();
        let mut function_ids: HashMap<String, u32> = HashMap::new();
        let mut locations: Vec<Location> = Vec::new();
        let mut location_ids: HashMap<(u64, bool), u32> = HashMap::new();
        let wasm_frames = self.wasm_frames();
        let mut samples = Vec::with_capacity(self.seen.len());
        for (stack, &(count, cpu_ns)) in &self.seen {
            let mut ids = Vec::with_capacity(stack.len());
            for (depth, &pc) in stack.iter().enumerate() {
                let leaf = depth == 0;
                let id = *location_ids.entry((pc, leaf)).or_insert_with(|| {
                    let (mut frames, own) = match &self.stacks {
                        Stacks::Go(go) => {
                            let (index, _) =
                                gowasm_inspect::go_stacks::split_pc(pc).unwrap_or((0, 0));
                            let own = go.func(index).map(|f| (f.file.clone(), f.line));
                            let frames = go.frames(pc, leaf);
                            let frames = if frames.is_empty() {
                                vec![(format!("wasm-function[{index}]"), None)]
                            } else {
                                frames
                            };
                            (frames, own)
                        }
                        Stacks::Wasm(_) => match wasm_frames.get(&pc) {
                            Some(f) => f.clone(),
                            None => (vec![(format!("wasm@0x{pc:x}"), None)], None),
                        },
                    };
                    if frames.is_empty() {
                        frames.push((format!("wasm@0x{pc:x}"), None));
                    }
                    // Innermost first; the last is the function the code is in.
                    let last = frames.len() - 1;
                    let mut lines = frames.into_iter().enumerate().map(|(k, (name, place))| {
                        let function = *function_ids.entry(name.clone()).or_insert_with(|| {
                            let own = own.clone().filter(|_| k == last);
                            functions.push(Function {
                                file: match &own {
                                    Some((file, _)) => file.clone(),
                                    None => place.as_ref().map(|(file, _)| file.clone()),
                                },
                                start_line: own.and_then(|(_, line)| line),
                                name,
                            });
                            (functions.len() - 1) as u32
                        });
                        (function, place.map(|(_, line)| line))
                    });
                    let (function, line) = lines.next().expect("one frame at least");
                    locations.push(Location {
                        function,
                        line,
                        address: pc,
                        inlined_into: lines.collect(),
                    });
                    (locations.len() - 1) as u32
                });
                ids.push(id);
            }
            samples.push(Sample {
                stack: ids,
                count,
                cpu_ns,
            });
        }
        // The same profile for the same samples, whatever order the map kept them in.
        samples.sort_by(|a, b| b.cpu_ns.cmp(&a.cpu_ns).then_with(|| a.stack.cmp(&b.stack)));
        Profile {
            hz: self.hz,
            functions,
            locations,
            samples,
            duration_ns: self.started.map_or(0, |s| {
                u64::try_from(s.elapsed().as_nanos()).unwrap_or(u64::MAX)
            }),
        }
    }

    /// With a shadow stack, every offset sampled, resolved at once: its frames (name, file and
    /// line; innermost first) and its function's file.
    fn wasm_frames(&self) -> HashMap<u64, (Vec<NamedFrame>, Option<FunctionPlace>)> {
        let Stacks::Wasm(bytes) = &self.stacks else {
            return HashMap::new();
        };
        let mut offsets: Vec<u64> = self.seen.keys().flatten().copied().collect();
        offsets.sort_unstable();
        offsets.dedup();
        let frames = code_frames(bytes, &offsets);
        offsets
            .into_iter()
            .zip(frames)
            .filter_map(|(offset, frame)| {
                let frame = frame?;
                let last = frame.places.len().saturating_sub(1);
                let mut named: Vec<NamedFrame> = frame
                    .places
                    .iter()
                    .enumerate()
                    .map(|(k, p)| {
                        let name = match &p.function {
                            Some(n) if k < last && !n.is_empty() => n.clone(),
                            _ => frame.name.clone(),
                        };
                        (name, p.line.map(|l| (p.file.clone(), l)))
                    })
                    .collect();
                if named.is_empty() {
                    named.push((frame.name.clone(), None));
                }
                let file = frame.places.last().map(|p| p.file.clone());
                Some((offset, (named, Some((file, None)))))
            })
            .collect()
    }
}

/// A frame's function name and, where known, its file and line.
type NamedFrame = (String, Option<(String, u32)>);
/// A function's file and the line it starts at, where known.
type FunctionPlace = (Option<String>, Option<u32>);

/// The CPU time this thread has used (`CLOCK_THREAD_CPUTIME_ID`).
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec it is given and nothing else.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// A check's arguments (wasm's i32s) as a place in Go's code.
pub fn point(index: i32, pc_b: i32, sp: i32) -> Point {
    Point {
        index: index as u32,
        pc_b: pc_b as u32,
        sp: sp as u32,
    }
}

/// Reads 8 little-endian bytes of `memory` at `at`.
pub fn read_u64(memory: &[u8], at: u32) -> Option<u64> {
    let at = at as usize;
    let bytes = memory.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes(bytes.try_into().ok()?))
}

/// Sets a [`Style::Flag`] module's tick global once per period, from a thread of its own, until
/// dropped.
pub struct Ticker {
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Ticker {
    /// Starts ticking `flag` every `period`.
    ///
    /// # Safety
    /// `flag` points to the tick global's value (4 aligned bytes) and stays valid until the
    /// ticker is dropped; the guest's code only reads and writes it whole.
    pub unsafe fn start(flag: std::ptr::NonNull<i32>, period: Duration) -> Ticker {
        use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
        let stop = Arc::new(AtomicBool::new(false));
        let address = flag.as_ptr() as usize;
        let stopping = stop.clone();
        let thread = std::thread::Builder::new()
            .name("profile ticker".into())
            .spawn(move || {
                // SAFETY: the caller keeps the global alive until the ticker is dropped, which
                // stops and joins this thread first.
                let tick = unsafe { AtomicI32::from_ptr(address as *mut i32) };
                while !stopping.load(Ordering::Relaxed) {
                    std::thread::park_timeout(period);
                    if !stopping.load(Ordering::Relaxed) {
                        tick.store(1, Ordering::Relaxed);
                    }
                }
            })
            .ok();
        Ticker { stop, thread }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.thread().unpark();
            let _ = t.join();
        }
    }
}
