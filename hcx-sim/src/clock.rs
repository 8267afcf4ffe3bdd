//! The simulator's clock.
//!
//! Token expiry, task progression, job progression and the manager-upgrade rehearsal all read time from a
//! [`SimClock`], never from the wall clock directly, so tests can drive them deterministically.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Simulated epoch at which every clock starts: 2026-01-01T00:00:00Z in milliseconds.
///
/// Used for the `time` fields of hybridity envelopes and task timestamps.
pub const SIM_EPOCH_MS: u64 = 1_767_225_600_000;

/// A shareable clock. Cloning gives another handle on the same clock.
///
/// Two modes:
/// * [`SimClock::manual`]: time stands still until [`SimClock::advance`] is called (or, with
///   [`SimClock::set_auto_advance`], moves a fixed step on every request the simulator handles). For tests.
/// * [`SimClock::real`]: follows the wall clock, multiplied by a time scale (e.g. `60.0` makes a 15-minute
///   token idle expiry pass in 15 seconds). For the `hcx-sim` binary. `advance` still adds on top.
#[derive(Clone, Debug)]
pub struct SimClock {
    inner: Arc<ClockInner>,
}

#[derive(Debug)]
struct ClockInner {
    /// Offset added on top of the base, in ms.
    offset_ms: AtomicU64,
    /// Step added on every handled request, in ms (manual tests that poll).
    auto_advance_ms: AtomicU64,
    /// `None` for a manual clock.
    real: Option<(Instant, f64)>,
}

impl SimClock {
    /// A clock that only moves when told to.
    pub fn manual() -> Self {
        Self::with_real(None)
    }

    /// A clock that follows the wall clock, `scale` times faster (values <= 0 are treated as 1).
    pub fn real(scale: f64) -> Self {
        let scale = if scale.is_finite() && scale > 0.0 { scale } else { 1.0 };
        Self::with_real(Some((Instant::now(), scale)))
    }

    fn with_real(real: Option<(Instant, f64)>) -> Self {
        Self { inner: Arc::new(ClockInner { offset_ms: AtomicU64::new(0), auto_advance_ms: AtomicU64::new(0), real }) }
    }

    /// Milliseconds since [`SIM_EPOCH_MS`].
    pub fn elapsed_ms(&self) -> u64 {
        let real = match self.inner.real {
            Some((start, scale)) => {
                let ms = start.elapsed().as_secs_f64() * 1000.0 * scale;
                // Saturating float-to-int conversion is what we want here.
                ms as u64
            }
            None => 0,
        };
        real.saturating_add(self.inner.offset_ms.load(Ordering::SeqCst))
    }

    /// Current simulated time as epoch milliseconds.
    pub fn now_epoch_ms(&self) -> u64 {
        SIM_EPOCH_MS.saturating_add(self.elapsed_ms())
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        self.inner.offset_ms.fetch_add(ms, Ordering::SeqCst);
    }

    /// Makes every request the simulator handles move the clock forward by `step` first
    /// (`Duration::ZERO` turns it off). Lets a test poll a task to completion without sleeping.
    pub fn set_auto_advance(&self, step: Duration) {
        let ms = u64::try_from(step.as_millis()).unwrap_or(u64::MAX);
        self.inner.auto_advance_ms.store(ms, Ordering::SeqCst);
    }

    /// Called by the server on every request.
    pub(crate) fn on_request(&self) {
        let step = self.inner.auto_advance_ms.load(Ordering::SeqCst);
        if step > 0 {
            self.inner.offset_ms.fetch_add(step, Ordering::SeqCst);
        }
    }
}

impl Default for SimClock {
    fn default() -> Self {
        Self::manual()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let c = SimClock::manual();
        assert_eq!(c.elapsed_ms(), 0);
        c.advance(Duration::from_secs(2));
        assert_eq!(c.elapsed_ms(), 2000);
        c.set_auto_advance(Duration::from_millis(5));
        c.on_request();
        assert_eq!(c.elapsed_ms(), 2005);
        assert_eq!(c.now_epoch_ms(), SIM_EPOCH_MS + 2005);
    }
}
