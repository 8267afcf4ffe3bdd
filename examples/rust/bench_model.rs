//! The Rust side of `scripts/bench-python.py`: times loading a fleet file, planning, rendering and serialising
//! a plan with hcx-core, the same calls the Python bindings make, and prints the medians (nanoseconds) as JSON.
//!
//! ```text
//! cargo run --release -p hcx-examples --example bench_model -- fleet.json 7
//! ```
//!
//! `to_dict` is `serde_json::to_value`: building the plan's JSON tree in memory, as `Plan.to_dict()` builds
//! Python dicts and lists.

use std::hint::black_box;
use std::time::Instant;

use hcx_core::Catalog;
use hcx_core::fleet::Fleet;
use hcx_core::plan::{PlanOptions, TargetSpec, plan};

fn median(mut xs: Vec<u128>) -> u128 {
    xs.sort_unstable();
    xs[xs.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> u128 {
    // One untimed call first, as the Python side does: the first call after other work pays for fresh memory.
    black_box(f());
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                black_box(f());
                t.elapsed().as_nanos()
            })
            .collect(),
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: bench_model FLEET.json [RUNS]")?;
    let runs: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(7).max(1);
    let catalog = Catalog::bundled();
    let options = PlanOptions::new(TargetSpec::Latest, time::macros::date!(2026 - 11 - 28));
    let fleet = Fleet::load(&path)?;
    let p = plan(&fleet, catalog, &options)?;
    let results = [
        ("load", time(runs, || Fleet::load(&path))),
        ("plan", time(runs, || plan(&fleet, catalog, &options))),
        ("to_text", time(runs, || p.to_text())),
        ("to_markdown", time(runs, || p.to_markdown())),
        ("to_json", time(runs, || p.to_json())),
        ("to_dict", time(runs, || serde_json::to_value(&p))),
    ];
    let fields: Vec<String> = results.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
    println!("{{{}}}", fields.join(", "));
    Ok(())
}
