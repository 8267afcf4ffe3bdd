//! Planning valid fleets: the input bytes drive a generator of fleets (sites with catalog or unknown versions,
//! pairs, meshes with every appliance kind, extensions, transfers, windows); every valid one is planned for
//! each target, rendered as text, Markdown and JSON, and the JSON must read back to the same bytes. Planning
//! may refuse a fleet (a typed error); it must never panic.
#![no_main]

use hcx_core::fleet::{
    Appliance, ApplianceKind, Fleet, MaintenanceWindow, MeshService, Migration, NetworkExtension, Platform,
    PortBinding, ServiceMesh, Site, SitePair, SiteRole, TransferState, Weekday, WeeklyWindow,
};
use hcx_core::plan::{Plan, PlanOptions, TargetSpec, plan};
use hcx_core::{Catalog, HcxVersion};
use libfuzzer_sys::fuzz_target;

/// Reads the input a byte at a time; zeros once it runs out.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { usize::from(self.u8()) % n }
    }

    fn pick<'b, T>(&mut self, items: &'b [T]) -> &'b T {
        &items[self.below(items.len())]
    }
}

fn version(b: &mut Bytes<'_>, catalog: &Catalog) -> HcxVersion {
    let releases = catalog.releases();
    if b.below(8) == 0 {
        // Now and then a release the catalog does not know.
        HcxVersion::new(4, b.below(14) as u32, b.below(6) as u32)
    } else {
        releases[b.below(releases.len())].version.clone()
    }
}

fn fleet(b: &mut Bytes<'_>, catalog: &Catalog) -> Fleet {
    let mut f = Fleet::new();
    let n = 1 + b.below(6);
    for i in 0..n {
        let role = if b.u8() % 2 == 0 { SiteRole::Connector } else { SiteRole::Cloud };
        let platform = *b.pick(Platform::ALL);
        f.sites.push(Site { id: format!("s{i}"), role, platform, version: version(b, catalog), name: None, url: None });
    }
    for _ in 0..b.below(n * 2) {
        let (s, d) = (b.below(n), b.below(n));
        let pair = SitePair { source: format!("s{s}"), destination: format!("s{d}") };
        if s != d && f.sites[d].role == SiteRole::Cloud && !f.pairs.contains(&pair) {
            f.pairs.push(pair);
        }
    }
    let mut ne = Vec::new();
    for (m, p) in f.pairs.clone().iter().enumerate() {
        if b.below(3) == 0 {
            continue;
        }
        let services: Vec<MeshService> = MeshService::ALL.iter().copied().filter(|_| b.u8() % 2 == 0).collect();
        let mut appliances = Vec::new();
        for a in 0..b.below(5) {
            let kind = *b.pick(ApplianceKind::ALL);
            let id = format!("m{m}-a{a}");
            let ha_group = (kind == ApplianceKind::Ne && b.u8() % 3 == 0).then(|| format!("ha{}", b.below(2)));
            if kind == ApplianceKind::Ne {
                ne.push(id.clone());
            }
            appliances.push(Appliance { id, kind, version: version(b, catalog), ha_group, networks: Vec::new() });
        }
        f.meshes.push(ServiceMesh {
            id: format!("m{m}"),
            source: p.source.clone(),
            destination: p.destination.clone(),
            services,
            appliances,
            ha_groups_unknown: false,
        });
    }
    for (i, appliance) in ne.iter().enumerate() {
        for k in 0..b.below(3) {
            let binding = *b.pick(PortBinding::ALL);
            f.extensions.push(NetworkExtension {
                network: format!("net{i}-{k}"),
                appliance: appliance.clone(),
                binding,
            });
        }
    }
    for i in 0..b.below(3) {
        let state = *b.pick(TransferState::ALL);
        f.migrations.push(Migration { id: format!("mig{i}"), state, site: Some(format!("s{}", b.below(n))) });
    }
    for _ in 0..b.below(3) {
        // Windows over the years of real plans, a few hours each (the far future is the planner's own test).
        let start = time::OffsetDateTime::UNIX_EPOCH
            + time::Duration::days(19_000 + b.below(3000) as i64)
            + time::Duration::minutes(15 * b.below(96) as i64);
        let end = start + time::Duration::minutes(15 * (1 + b.below(64)) as i64);
        let site = (b.u8() % 2 == 0).then(|| format!("s{}", b.below(n)));
        f.windows.push(MaintenanceWindow::once(site, start, end));
    }
    for _ in 0..b.below(2) {
        // Weekly windows in zones with and without daylight saving, any day, any length up to a day.
        let days = vec![[Weekday::Mon, Weekday::Wed, Weekday::Sat, Weekday::Sun][b.below(4)]];
        let tz = ["UTC", "Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe"][b.below(4)].to_owned();
        let start = format!("{:02}:{:02}", b.below(24), 15 * b.below(4));
        let duration = format!("{}m", 15 * (1 + b.below(96)));
        let site = (b.u8() % 2 == 0).then(|| format!("s{}", b.below(n)));
        f.windows.push(MaintenanceWindow::weekly(site, WeeklyWindow { days, start, duration, tz }));
    }
    f
}

fuzz_target!(|data: &[u8]| {
    let catalog = Catalog::bundled();
    let mut b = Bytes(data);
    let fleet = fleet(&mut b, catalog);
    if fleet.validate().is_err() {
        return;
    }
    let date =
        time::Date::from_ordinal_date(2024 + b.below(4) as i32, 1 + b.below(365) as u16).expect("a day of the year");
    let explicit = TargetSpec::Version(version(&mut b, catalog));
    for target in [TargetSpec::Latest, TargetSpec::Validated, explicit] {
        let mut options = PlanOptions::new(target, date).ne_in_service(b.u8() % 2 == 0);
        if b.u8() % 4 == 0 {
            options = options.acknowledge("active-migrations");
        }
        let Ok(p) = plan(&fleet, catalog, &options) else { continue };
        let _ = p.to_text();
        let _ = p.to_markdown();
        let json = p.to_json();
        let back = Plan::from_json(&json).expect("a plan reads back");
        assert_eq!(back.to_json(), json, "the JSON round trip changes the plan");
    }
});
