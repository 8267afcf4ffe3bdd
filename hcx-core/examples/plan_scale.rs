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

use hcx_core::fleet::{
    Appliance, ApplianceKind, Fleet, MeshService, NetworkExtension, Platform, PortBinding, ServiceMesh, Site, SitePair,
    SiteRole,
};
use hcx_core::plan::{PlanOptions, plan};
use hcx_core::{Catalog, HcxVersion};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args().nth(1).map_or(Ok(10_000), |a| a.parse())?;
    let old = HcxVersion::new(4, 10, 3);
    let mut f = Fleet::new();
    for i in 0..n {
        let (c, a) = (format!("dc{i}"), format!("avs{i}"));
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
            version: HcxVersion::new(4, 11, 3),
            name: None,
            url: None,
        });
        f.pairs.push(SitePair { source: c.clone(), destination: a.clone() });
        let app = |kind, id: String| Appliance { id, kind, version: old.clone(), ha_group: None, networks: Vec::new() };
        f.meshes.push(ServiceMesh {
            id: format!("sm{i}"),
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
