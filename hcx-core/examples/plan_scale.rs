//! Plans a synthetic fleet of N pairs (default 10,000) once and prints the time: a quick scaling probe
//! beside the criterion benchmark (`cargo run --release -p hcx-core --example plan_scale -- 10000`).
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Counts allocations, to show where planning's time goes (the allocator dominates large fleets).
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on as is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is passed on as is.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
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
    let n: usize = std::env::args().nth(1).map_or(Ok(10_000), |a| a.parse())?;
    let f = synthetic::fleet(n);
    let options = PlanOptions::new("4.11.4".parse()?, time::macros::date!(2026 - 11 - 28));
    for _ in 0..3 {
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        let t = Instant::now();
        let p = plan(&f, Catalog::bundled(), &options)?;
        let took = t.elapsed();
        let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
        println!(
            "{n} pairs: {} steps, {} findings in {took:?}, {allocations} allocations",
            p.steps.len(),
            p.findings.len()
        );
    }
    Ok(())
}
