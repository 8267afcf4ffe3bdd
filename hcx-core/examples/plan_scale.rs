//! Plans a synthetic fleet of N pairs (default 10,000) three times and prints the time, the allocations per
//! step and the peak of live heap memory per pair: a quick scaling probe beside the criterion benchmark.
//!
//! `cargo run --release -p hcx-core --example plan_scale -- 10000 [WINDOW-MINUTES]`; with WINDOW-MINUTES every
//! site gets one maintenance window that long (30 leaves most steps unfitted). The last line is
//! `pairs=N steps=S allocations_per_step=A peak_bytes_per_pair=B millis=T`, for scripts.
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Counts allocations and live bytes, to show where planning's time and memory go.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let live = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: forwards to the system allocator unchanged; only counts calls and sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        grew(layout.size());
        // SAFETY: the caller's contract is passed on as is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on as is.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        grew(new_size);
        // SAFETY: the caller's contract is passed on as is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

use hcx_core::Catalog;
use hcx_core::plan::{PlanOptions, plan};

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(Ok(10_000), |a| a.parse())?;
    let minutes: Option<i64> = args.next().map(|a| a.parse()).transpose()?;
    let f = match minutes {
        Some(m) => synthetic::with_windows(synthetic::fleet(n), m),
        None => synthetic::fleet(n),
    };
    let catalog = Catalog::bundled();
    let options = PlanOptions::new("4.11.4".parse()?, time::macros::date!(2026 - 11 - 28));
    let mut last = String::new();
    for _ in 0..3 {
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        let base = LIVE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let t = Instant::now();
        let p = plan(&f, catalog, &options)?;
        let took = t.elapsed();
        let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
        let peak = PEAK.load(Ordering::Relaxed) - base;
        let steps = p.steps.len().max(1);
        let per_step = allocations as f64 / steps as f64;
        let per_pair = peak / n.max(1);
        println!(
            "{n} pairs: {} steps, {} findings, {} unfitted in {took:?}; {allocations} allocations ({per_step:.1} per step), peak heap {per_pair} bytes per pair",
            p.steps.len(),
            p.findings.len(),
            p.summary.unfitted,
        );
        last = format!(
            "pairs={n} steps={} allocations_per_step={per_step:.1} peak_bytes_per_pair={per_pair} millis={:.1}",
            p.steps.len(),
            took.as_secs_f64() * 1000.0
        );
    }
    println!("{last}");
    Ok(())
}
