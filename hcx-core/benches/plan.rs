//! Planning speed for synthetic fleets of 10 to 10,000 site pairs, each with a mesh of IX, NE and WO and
//! extended networks. Target: 10,000 pairs planned in under 250 ms on one core, growing linearly.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hcx_core::fleet::{
    Appliance, ApplianceKind, Fleet, MeshService, NetworkExtension, Platform, PortBinding, ServiceMesh, Site, SitePair,
    SiteRole,
};
use hcx_core::plan::{PlanOptions, plan};
use hcx_core::{Catalog, HcxVersion};

/// A fleet of `n` independent Connector/Cloud pairs, each with one mesh (IX, NE, WO) and two extended networks.
fn fleet(n: usize) -> Fleet {
    let old = HcxVersion::new(4, 10, 3);
    let cloud = HcxVersion::new(4, 11, 3);
    let mut f = Fleet::new();
    for i in 0..n {
        let (c, a, m) = (format!("dc{i}"), format!("avs{i}"), format!("sm{i}"));
        f.sites.push(Site {
            id: c.clone(),
            role: SiteRole::Connector,
            platform: Platform::OnPrem,
            version: old.clone(),
            name: None,
            url: None,
        });
        f.sites.push(Site {
            id: a.clone(),
            role: SiteRole::Cloud,
            platform: Platform::Avs,
            version: cloud.clone(),
            name: None,
            url: None,
        });
        f.pairs.push(SitePair { source: c.clone(), destination: a.clone() });
        let app = |kind, id: String| Appliance { id, kind, version: old.clone(), ha_group: None, networks: Vec::new() };
        f.meshes.push(ServiceMesh {
            id: m,
            source: c,
            destination: a,
            services: vec![MeshService::Interconnect, MeshService::NetworkExtension, MeshService::WanOptimization],
            appliances: vec![
                app(ApplianceKind::Ix, format!("ix{i}")),
                app(ApplianceKind::Ne, format!("ne{i}")),
                app(ApplianceKind::Wo, format!("wo{i}")),
            ],
        });
        for v in 0..2 {
            f.extensions.push(NetworkExtension {
                network: format!("net{i}-{v}"),
                appliance: format!("ne{i}"),
                binding: PortBinding::Static,
            });
        }
    }
    f
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::bundled();
    let options = PlanOptions::new("4.11.4".parse().expect("a release"), time::macros::date!(2026 - 11 - 28));
    let mut group = c.benchmark_group("plan");
    group.sample_size(10);
    for n in [10usize, 100, 1_000, 10_000] {
        let f = fleet(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("pairs", n), &f, |b, f| {
            b.iter_with_large_drop(|| plan(f, catalog, &options).expect("plannable"));
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
