//! The clock the executor measures its deadlines on (the wait for a manual step, the wait for tunnels) and
//! stamps its events with.
//!
//! The system clock by default; a test passes the simulator's clock instead, so a 30-minute deadline passes in
//! simulated time without any sleep, and the events' timestamps are known in advance.

use std::sync::Arc;
use std::time::{Duration, Instant};

use time::OffsetDateTime;

/// A monotonic clock (time elapsed since some fixed origin) and the wall-clock time events are stamped with.
#[derive(Clone)]
pub struct Clock {
    elapsed: Arc<dyn Fn() -> Duration + Send + Sync>,
    wall: Wall,
}

/// Where [`Clock::now`] comes from.
#[derive(Clone, Copy)]
enum Wall {
    /// The system's wall clock, read each time: an operator compares the stamps with other logs.
    System,
    /// `origin` plus the clock's elapsed time: a clock driven by a test gives predictable stamps.
    Origin(OffsetDateTime),
}

impl Clock {
    /// The system's monotonic clock; events are stamped with the system's wall clock.
    pub fn system() -> Self {
        let origin = Instant::now();
        Self { elapsed: Arc::new(move || origin.elapsed()), wall: Wall::System }
    }

    /// A clock read from a function (for example a simulator's clock); it must never go backwards. Its wall
    /// time is the Unix epoch plus the elapsed time, unless [`Clock::starting_at`] gives another origin.
    pub fn from_fn(f: impl Fn() -> Duration + Send + Sync + 'static) -> Self {
        Self { elapsed: Arc::new(f), wall: Wall::Origin(OffsetDateTime::UNIX_EPOCH) }
    }

    /// The same clock, whose wall time is `origin` plus the elapsed time (instead of the system's wall clock or
    /// the Unix epoch).
    #[must_use]
    pub fn starting_at(self, origin: OffsetDateTime) -> Self {
        Self { wall: Wall::Origin(origin), ..self }
    }

    /// Time since the clock's origin.
    pub fn elapsed(&self) -> Duration {
        (self.elapsed)()
    }

    /// The wall-clock time, in UTC.
    pub fn now(&self) -> OffsetDateTime {
        match self.wall {
            Wall::System => OffsetDateTime::now_utc(),
            Wall::Origin(origin) => origin.saturating_add(self.elapsed().try_into().unwrap_or(time::Duration::MAX)),
        }
    }

    /// A deadline `after` from now.
    pub(crate) fn deadline(&self, after: Duration) -> Deadline<'_> {
        Deadline { clock: self, at: self.elapsed().saturating_add(after) }
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Clock").field(&self.elapsed()).finish()
    }
}

/// `t` as an event's timestamp: RFC 3339 in UTC with milliseconds (`2026-12-07T22:04:51.123Z`).
///
/// hcx-core's [`event_timestamp`](hcx_core::date::event_timestamp): `hcx discover` and `hcx check` stamp their
/// streams with it too, so every stream of hcx writes the same format.
pub fn format_timestamp(t: OffsetDateTime) -> String {
    hcx_core::date::event_timestamp(t)
}

/// A point in time on a [`Clock`].
pub(crate) struct Deadline<'a> {
    clock: &'a Clock,
    at: Duration,
}

impl Deadline<'_> {
    /// Whether the deadline has passed.
    pub(crate) fn passed(&self) -> bool {
        self.clock.elapsed() >= self.at
    }
}

/// Reads a duration as an operator writes it: a number and a unit (`ms`, `s`, `m`, `h`), repeated
/// (`1h30m`, `90s`, `500ms`), or `0`.
///
/// # Errors
/// A message naming what was wrong (a number without a unit, an unknown unit, an empty text).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    if t == "0" {
        return Ok(Duration::ZERO);
    }
    let bad = |why: &str| format!("invalid duration `{text}`: {why} (write e.g. 30m, 1h30m, 90s, 500ms or 0)");
    let mut total = Duration::ZERO;
    let mut rest = t;
    if rest.is_empty() {
        return Err(bad("empty"));
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        if digits == 0 {
            return Err(bad("a unit without a number"));
        }
        let n: u64 = rest[..digits].parse().map_err(|_| bad("number too large"))?;
        rest = &rest[digits..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let part = match &rest[..unit_len] {
            "ms" => Duration::from_millis(n),
            "s" => Duration::from_secs(n),
            "m" => Duration::from_secs(n.saturating_mul(60)),
            "h" => Duration::from_secs(n.saturating_mul(3600)),
            "" => return Err(bad("a number without a unit")),
            u => return Err(bad(&format!("unknown unit `{u}`"))),
        };
        total = total.saturating_add(part);
        rest = &rest[unit_len..];
    }
    Ok(total)
}

/// A duration as an operator writes it: `30m`, `1h30m`, `90s`, `0s`.
pub fn format_duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs == 0 {
        return if d.is_zero() { "0s".to_owned() } else { format!("{}ms", d.as_millis()) };
    }
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut out = String::new();
    for (n, unit) in [(h, "h"), (m, "m"), (s, "s")] {
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn a_deadline_passes_on_the_given_clock_only() {
        let now = Arc::new(AtomicU64::new(0));
        let n = now.clone();
        let clock = Clock::from_fn(move || Duration::from_secs(n.load(Ordering::SeqCst)));
        let d = clock.deadline(Duration::from_secs(60));
        assert!(!d.passed());
        now.store(59, Ordering::SeqCst);
        assert!(!d.passed());
        now.store(60, Ordering::SeqCst);
        assert!(d.passed());
    }

    #[test]
    fn a_test_clock_stamps_its_origin_plus_the_elapsed_time() {
        let now = Arc::new(AtomicU64::new(0));
        let n = now.clone();
        let clock = Clock::from_fn(move || Duration::from_millis(n.load(Ordering::SeqCst)));
        assert_eq!(format_timestamp(clock.now()), "1970-01-01T00:00:00.000Z");
        let origin = time::macros::datetime!(2026-12-07 22:04:50 UTC);
        let clock = clock.starting_at(origin);
        now.store(1_123, Ordering::SeqCst);
        assert_eq!(format_timestamp(clock.now()), "2026-12-07T22:04:51.123Z");
        // Another offset is written in UTC; sub-millisecond digits are cut, not rounded.
        let t = time::macros::datetime!(2026-12-08 00:04:51.123999 +02:00);
        assert_eq!(format_timestamp(t), "2026-12-07T22:04:51.123Z");
    }

    #[test]
    fn durations_read_as_written() {
        assert_eq!(format_duration(Duration::from_secs(1800)), "30m");
        assert_eq!(format_duration(Duration::from_secs(5400)), "1h30m");
        assert_eq!(format_duration(Duration::from_secs(61)), "1m1s");
        assert_eq!(format_duration(Duration::ZERO), "0s");
        assert_eq!(format_duration(Duration::from_millis(20)), "20ms");
        for (text, secs) in [("30m", 1800), ("1h30m", 5400), ("90s", 90), ("0", 0), ("2h", 7200)] {
            assert_eq!(parse_duration(text), Ok(Duration::from_secs(secs)), "{text}");
        }
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        for bad in ["", "30", "m", "5d", "1h-2m"] {
            let e = parse_duration(bad).expect_err(bad);
            assert!(e.contains("invalid duration"), "{e}");
        }
    }
}
