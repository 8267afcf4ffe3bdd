//! The synthetic fleet the planning benchmark and the scale probe both plan.

// Each benchmark and example uses part of it.
#![allow(dead_code)]

use hcx_core::HcxVersion;
use hcx_core::fleet::{
    Appliance, ApplianceKind, Fleet, MaintenanceWindow, MeshService, NetworkExtension, Platform, PortBinding,
    ServiceMesh, Site, SitePair, SiteRole,
};

/// `n` independent Connector (4.10.3) / AVS Cloud Manager (4.11.3) pairs, each with one mesh of IX, NE and WO
/// and two extended networks.
pub fn fleet(n: usize) -> Fleet {
    let old = HcxVersion::new(4, 10, 3);
    let cloud = HcxVersion::new(4, 11, 3);
    let mut f = Fleet::new();
    for i in 0..n {
        let (c, a) = (format!("dc{i}"), format!("avs{i}"));
        let site = |id: &str, role, platform, version: &HcxVersion| Site {
            id: id.to_owned(),
            role,
            platform,
            version: version.clone(),
            name: None,
            url: None,
        };
        f.sites.push(site(&c, SiteRole::Connector, Platform::OnPrem, &old));
        f.sites.push(site(&a, SiteRole::Cloud, Platform::Avs, &cloud));
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
            ha_groups_unknown: false,
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

/// The fleet with one maintenance window of `minutes` per site (Connectors at 22:00, clouds an hour later) and
/// two windows for every site a week apart: `24 * 60` fits every step, `30` leaves most steps unfitted.
pub fn with_windows(mut f: Fleet, minutes: i64) -> Fleet {
    use time::{Duration, macros::datetime};
    let first = datetime!(2026-12-05 22:00 UTC);
    let ids: Vec<(usize, String)> = f.sites.iter().enumerate().map(|(i, s)| (i, s.id.clone())).collect();
    for (i, id) in ids {
        let start = first + Duration::hours((i % 2) as i64);
        f.windows.push(MaintenanceWindow::once(Some(id), start, start + Duration::minutes(minutes)));
    }
    for week in [1, 2] {
        let start = first + Duration::weeks(week);
        f.windows.push(MaintenanceWindow::once(None, start, start + Duration::hours(2)));
    }
    f
}

/// The fleet with weekly windows only: Saturdays 20:00 in Amsterdam for every Connector, Sundays 02:00 in New York
/// for every cloud (the night of a clock change included), each `minutes` long.
pub fn with_weekly_windows(mut f: Fleet, minutes: i64) -> Fleet {
    use hcx_core::fleet::{Weekday, WeeklyWindow};
    let weekly = |day, start: &str, tz: &str| WeeklyWindow {
        days: vec![day],
        start: start.to_owned(),
        duration: format!("{minutes}m"),
        tz: tz.to_owned(),
    };
    let ids: Vec<(usize, String)> = f.sites.iter().enumerate().map(|(i, s)| (i, s.id.clone())).collect();
    for (i, id) in ids {
        let w = if i % 2 == 0 {
            weekly(Weekday::Sat, "20:00", "Europe/Amsterdam")
        } else {
            weekly(Weekday::Sun, "02:00", "America/New_York")
        };
        f.windows.push(MaintenanceWindow::weekly(Some(id), w));
    }
    f
}
