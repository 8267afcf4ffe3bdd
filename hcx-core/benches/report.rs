//! Rendering speed of the HTML report and the Markdown form (with its Mermaid diagrams) for synthetic fleets
//! of 10 to 1,000 site pairs. Target: a 100-pair plan renders in well under a second.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hcx_core::Catalog;
use hcx_core::plan::{PlanOptions, plan};

#[path = "support/synthetic.rs"]
mod synthetic;

fn bench(c: &mut Criterion) {
    let catalog = Catalog::bundled();
    let options = PlanOptions::new("4.11.4".parse().expect("a release"), time::macros::date!(2026 - 11 - 28));
    let mut group = c.benchmark_group("report");
    group.sample_size(10);
    for n in [10usize, 100, 1_000] {
        let fleet = synthetic::fleet(n);
        let p = plan(&fleet, catalog, &options).expect("plannable");
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("html", n), &(&p, &fleet), |b, (p, fleet)| {
            b.iter(|| p.to_html(Some(fleet)).expect("renders"));
        });
        group.bench_with_input(BenchmarkId::new("markdown", n), &p, |b, p| b.iter(|| p.to_markdown()));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
