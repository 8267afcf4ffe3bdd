//! Plans a synthetic fleet of N pairs (default 10,000) once and prints the time: a quick scaling probe
//! beside the criterion benchmark (`cargo run --release -p hcx-core --example plan_scale -- 10000`).
use std::time::Instant;

use hcx_core::fleet::{
    Appliance, ApplianceKind, Fleet, MeshService, NetworkExtension, Platform, PortBinding, ServiceMesh, Site,
    SitePair, SiteRole,
};
use hcx_core::plan::{PlanOptions, plan};
use hcx_core::{Catalog, HcxVersion};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args().nth(1).map_or(Ok(10_000), |a| a.parse())?;
    let old = HcxVersion::new(4, 10, 3);
    let mut f = Fleet::new();
    for i in 0..n {
        let (c, a) = (format!("dc{i}"), format!("avs{i}"));
        f.sites.push(Site { id: c.clone(), role: SiteRole::Connector, platform: Platform::OnPrem, version: old.clone(), name: None, url: None });
        f.sites.push(Site { id: a.clone(), role: SiteRole::Cloud, platform: Platform::Avs, version: HcxVersion::new(4, 11, 3), name: None, url: None });
        f.pairs.push(SitePair { source: c.clone(), destination: a.clone() });
        let app = |kind, id: String| Appliance { id, kind, version: old.clone(), ha_group: None, networks: Vec::new() };
        f.meshes.push(ServiceMesh {
            id: format!("sm{i}"),
            source: c,
            destination: a,
            services: vec![MeshService::Interconnect, MeshService::NetworkExtension, MeshService::WanOptimization],
            appliances: vec![app(ApplianceKind::Ix, format!("ix{i}")), app(ApplianceKind::Ne, format!("ne{i}")), app(ApplianceKind::Wo, format!("wo{i}"))],
        });
        for v in 0..2 {
            f.extensions.push(NetworkExtension { network: format!("net{i}-{v}"), appliance: format!("ne{i}"), binding: PortBinding::Static });
        }
    }
    let options = PlanOptions::new("4.11.4".parse()?, time::macros::date!(2026 - 11 - 28));
    for _ in 0..3 {
        let t = Instant::now();
        let p = plan(&f, Catalog::bundled(), &options)?;
        println!("{n} pairs: {} steps, {} findings in {:?}", p.steps.len(), p.findings.len(), t.elapsed());
    }
    Ok(())
}
