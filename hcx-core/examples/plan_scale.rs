//! Plans a synthetic fleet of N pairs (default 10,000) three times and prints the time, the allocations per
//! step and the peak of live heap memory per pair: a quick scaling probe beside the criterion benchmark.
//!
//! `cargo run --release -p hcx-core --example plan_scale -- 10000 [WINDOW-MINUTES]`; with WINDOW-MINUTES every
//! site gets one maintenance window that long (30 leaves most steps unfitted). The last line is
//! `pairs=N steps=S allocations_per_step=A peak_bytes_per_pair=B millis=T cpu_millis=C`, for scripts; times
//! are also given as the thread's CPU time, which a busy machine does not inflate. `--write-fleet FILE N
//! [WINDOW-MINUTES]` writes the fleet document instead (for measuring the command line).
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

/// The calling thread's CPU time in nanoseconds (Linux `schedstat`), when the system reports it.
fn cpu_nanos() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).peekable();
    let write_to = if args.peek().map(String::as_str) == Some("--write-fleet") {
        args.next();
        Some(args.next().ok_or("--write-fleet needs a file")?)
    } else {
        None
    };
    let n: usize = args.next().map_or(Ok(10_000), |a| a.parse())?;
    let minutes: Option<i64> = args.next().map(|a| a.parse()).transpose()?;
    let f = match minutes {
        Some(m) => synthetic::with_windows(synthetic::fleet(n), m),
        None => synthetic::fleet(n),
    };
    if let Some(file) = write_to {
        std::fs::write(&file, f.to_json_pretty())?;
        println!("wrote {file}: {n} pairs, {} windows", f.windows.len());
        return Ok(());
    }
    let catalog = Catalog::bundled();
    let options = PlanOptions::new("4.11.4".parse()?, time::macros::date!(2026 - 11 - 28));
    let mut last = String::new();
    for _ in 0..3 {
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        let base = LIVE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let t = Instant::now();
        let cpu = cpu_nanos();
        let p = plan(&f, catalog, &options)?;
        let took = t.elapsed();
        let cpu_ms = cpu.zip(cpu_nanos()).map_or(f64::NAN, |(a, b)| (b - a) as f64 / 1e6);
        let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
        let peak = PEAK.load(Ordering::Relaxed) - base;
        let steps = p.steps.len().max(1);
        let per_step = allocations as f64 / steps as f64;
        let per_pair = peak / n.max(1);
        println!(
            "{n} pairs: {} steps, {} findings, {} unfitted in {took:?} ({cpu_ms:.1} ms cpu); {allocations} allocations ({per_step:.1} per step), peak heap {per_pair} bytes per pair",
            p.steps.len(),
            p.findings.len(),
            p.summary.unfitted,
        );
        last = format!(
            "pairs={n} steps={} allocations_per_step={per_step:.1} peak_bytes_per_pair={per_pair} millis={:.1} cpu_millis={cpu_ms:.1}",
            p.steps.len(),
            took.as_secs_f64() * 1000.0
        );
    }
    // Where the time goes: the rules and steps alone, the digest alone.
    let cpu_since = |start: Option<u64>| start.zip(cpu_nanos()).map_or(f64::NAN, |(a, b)| (b - a) as f64 / 1e6);
    let t = cpu_nanos();
    let findings = hcx_core::plan::check(&f, catalog, &options)?;
    let rules = cpu_since(t);
    let p = plan(&f, catalog, &options)?;
    let t = cpu_nanos();
    let _ = p.compute_digest()?;
    let digest = cpu_since(t);
    let t = cpu_nanos();
    let size = serde_json::to_string(&p)?.len();
    println!(
        "phases (cpu): rules and steps {rules:.1} ms ({} findings), digest {digest:.1} ms, compact JSON {:.1} ms ({} bytes per pair)",
        findings.len(),
        cpu_since(t),
        size / n.max(1)
    );
    println!("{last}");
    Ok(())
}
