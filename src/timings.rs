//! Where a run's time goes, for `--timings`: wall-clock phases (opening the repository,
//! reading the index, diffing, rendering) and per-file work (read, parse, check) summed over
//! the threads that did it.

use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Per-file work, added to from any thread.
#[derive(Debug, Default)]
pub struct FileClock {
    read: AtomicU64,
    parse: AtomicU64,
    check: AtomicU64,
    /// Files checked, and those whose syntax tree was walked for names (the rest were ruled
    /// out by the literal search): shows which path a run took.
    files: AtomicU64,
    walked: AtomicU64,
}

/// Which per-file step a duration belongs to.
#[derive(Debug, Clone, Copy)]
pub enum Step {
    Read,
    Parse,
    Check,
}

impl FileClock {
    /// Run `work`, adding its duration to `step`.
    pub fn time<T>(&self, step: Step, work: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = work();
        let nanos = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        let counter = match step {
            Step::Read => &self.read,
            Step::Parse => &self.parse,
            Step::Check => &self.check,
        };
        counter.fetch_add(nanos, Ordering::Relaxed);
        out
    }

    /// Count one checked file, and whether its tree was walked.
    pub fn count(&self, walked: bool) {
        self.files.fetch_add(1, Ordering::Relaxed);
        if walked {
            self.walked.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn get(&self, step: Step) -> Duration {
        let counter = match step {
            Step::Read => &self.read,
            Step::Parse => &self.parse,
            Step::Check => &self.check,
        };
        Duration::from_nanos(counter.load(Ordering::Relaxed))
    }
}

/// The timings of one run.
#[derive(Debug, Default)]
pub struct Timings {
    /// Wall-clock phases, in the order they ran.
    pub phases: Vec<(&'static str, Duration)>,
    pub files: FileClock,
    /// Threads that checked files.
    pub threads: usize,
}

impl Timings {
    /// Run `work` as a wall-clock phase named `name`.
    pub fn phase<T>(&mut self, name: &'static str, work: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = work();
        self.phases.push((name, start.elapsed()));
        out
    }

    /// A table on `out`, from the first phase to `total` (the run's own wall clock).
    pub fn print(&self, out: &mut impl Write, total: Duration) -> io::Result<()> {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        writeln!(out, "timings:")?;
        for (name, duration) in &self.phases {
            writeln!(out, "  {name:<26} {:>10.3} ms", ms(*duration))?;
        }
        let threads = self.threads.max(1);
        for (name, step) in [
            ("read files", Step::Read),
            ("parse", Step::Parse),
            ("check", Step::Check),
        ] {
            writeln!(
                out,
                "  {name:<26} {:>10.3} ms  (summed over {threads} thread{})",
                ms(self.files.get(step)),
                if threads == 1 { "" } else { "s" }
            )?;
        }
        writeln!(
            out,
            "  {:<26} {:>10} of {} files",
            "syntax trees walked",
            self.files.walked.load(Ordering::Relaxed),
            self.files.files.load(Ordering::Relaxed)
        )?;
        writeln!(out, "  {:<26} {:>10.3} ms", "total", ms(total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_lists_phases_and_steps() {
        let mut timings = Timings {
            threads: 2,
            ..Timings::default()
        };
        timings.phase("open repository", || ());
        timings.files.time(Step::Parse, || ());
        let mut out = Vec::new();
        timings
            .print(&mut out, Duration::from_millis(3))
            .expect("write to memory");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.starts_with("timings:\n  open repository "), "{text}");
        assert!(text.contains("  parse "), "{text}");
        assert!(text.contains("(summed over 2 threads)"), "{text}");
        assert!(
            text.ends_with(&format!("  {:<26} {:>10.3} ms\n", "total", 3.0)),
            "{text}"
        );
    }
}
