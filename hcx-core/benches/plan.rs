//! Planning speed for synthetic fleets of 10 to 10,000 site pairs, each with a mesh of IX, NE and WO and
//! extended networks, without maintenance windows, with a roomy window per site and with 30-minute windows in
//! which most steps do not fit, and with weekly windows in two zones (roomy and tight). Target: 10,000 pairs planned in under 50 ms on one core, growing linearly.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hcx_core::Catalog;
use hcx_core::plan::{PlanOptions, plan};

#[path = "support/synthetic.rs"]
mod synthetic;

fn bench(c: &mut Criterion) {
    let catalog = Catalog::bundled();
    let options = PlanOptions::new("4.11.4".parse().expect("a release"), time::macros::date!(2026 - 11 - 28));
    // Without windows, with windows that fit every step, with windows most steps do not fit.
    let cases = [
        ("plan", None),
        ("plan-windows", Some((24 * 60, false))),
        ("plan-tight-windows", Some((30, false))),
        ("plan-weekly-windows", Some((24 * 60, true))),
        ("plan-tight-weekly-windows", Some((30, true))),
    ];
    for (name, windows) in cases {
        let mut group = c.benchmark_group(name);
        group.sample_size(10);
        for n in [10usize, 100, 1_000, 10_000] {
            let f = match windows {
                None => synthetic::fleet(n),
                Some((m, false)) => synthetic::with_windows(synthetic::fleet(n), m),
                Some((m, true)) => synthetic::with_weekly_windows(synthetic::fleet(n), m),
            };
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::new("pairs", n), &f, |b, f| {
                b.iter_with_large_drop(|| plan(f, catalog, &options).expect("plannable"));
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
