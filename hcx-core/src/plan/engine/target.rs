//! Target selection: an explicit release, `latest` or `validated`.

use super::*;

/// Turns the target option into a release, with the reason.
pub(super) fn resolve_target(
    fleet: &Fleet,
    catalog: &Catalog,
    options: &PlanOptions,
    topology: Topology,
) -> Result<(HcxVersion, String), PlanError> {
    match &options.target {
        TargetSpec::Version(v) => {
            let r = catalog
                .release(v)
                .ok_or_else(|| PlanError::UnknownTarget { version: v.clone(), as_of: catalog.as_of() })?;
            Ok((r.version.clone(), format!("explicit target {}", r.version)))
        }
        TargetSpec::Validated => validated_target(fleet, catalog),
        TargetSpec::Latest => latest_target(fleet, catalog, options, topology),
    }
}

/// The release the fleet's cloud platforms validate: one, or an error naming what they say.
fn validated_target(fleet: &Fleet, catalog: &Catalog) -> Result<(HcxVersion, String), PlanError> {
    let mut platforms: BTreeSet<Platform> = BTreeSet::new();
    for s in &fleet.sites {
        if s.platform != Platform::OnPrem {
            platforms.insert(s.platform);
        }
    }
    let found: Vec<(Platform, &crate::catalog::DeployedVersion)> =
        platforms.iter().filter_map(|p| catalog.validated(*p).map(|d| (*p, d))).collect();
    let distinct: BTreeSet<&HcxVersion> = found.iter().map(|(_, d)| &d.version).collect();
    match (found.first(), distinct.len()) {
        (None, _) => Err(PlanError::NoValidatedRelease {
            platforms: fleet
                .sites
                .iter()
                .map(|s| s.platform.as_str())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
                .join(", "),
        }),
        (Some((p, d)), 1) => {
            let build = d.build.as_deref().map(|b| format!(" build {b}")).unwrap_or_default();
            Ok((
                d.version.clone(),
                format!(
                    "validated: {}{build}, the newest release {p} lists for new private clouds (as of {}, sources: {})",
                    d.version,
                    d.as_of,
                    sources_of(&d.sources)
                ),
            ))
        }
        _ => Err(PlanError::ConflictingValidated {
            found: found.iter().map(|(p, d)| format!("{p}: {}", d.version)).collect::<Vec<_>>().join(", "),
        }),
    }
}

/// The newest release of the fleet's major line reachable from every manager, with no known issue for this
/// topology, offered by the providers and in support; the reason names what was skipped.
fn latest_target(
    fleet: &Fleet,
    catalog: &Catalog,
    options: &PlanOptions,
    topology: Topology,
) -> Result<(HcxVersion, String), PlanError> {
    let running: Vec<&HcxVersion> = fleet.sites.iter().map(|s| &s.version).collect();
    let major = running.iter().map(|v| v.major()).max().unwrap_or(4);
    let floor = running.iter().max().copied().cloned().unwrap_or_else(|| HcxVersion::new(0, 0, 0));
    // Each distinct release once (build included): thousands of sites run a handful of releases.
    let mut seen = HashSet::new();
    let upgradable: Vec<&HcxVersion> = running
        .iter()
        .copied()
        .filter(|v| catalog.is_known(v) && **v >= catalog.data().redeploy_below.version)
        .filter(|v| seen.insert((*v, v.build())))
        .collect();
    if upgradable.is_empty() {
        return Err(PlanError::NothingReachable);
    }
    let mut skipped = Vec::new();
    for r in catalog.releases().iter().rev() {
        let t = &r.version;
        if *t < floor {
            break;
        }
        if t.major() != major {
            continue;
        }
        if let Some(k) = catalog
            .data()
            .known_issues
            .iter()
            .find(|k| k.affects.as_ref().is_some_and(|a| t.matches(a)) && applies(k.condition, topology))
        {
            skipped.push(format!("{t}: known issue {}", k.id));
            continue;
        }
        if let Some(p) = provider_refuses(fleet, catalog, options.date, t) {
            skipped.push(format!("{t}: not offered by {p}"));
            continue;
        }
        if matches!(catalog.support_status(t, options.date).state, SupportState::OutOfSupport) {
            skipped.push(format!("{t}: out of support"));
            continue;
        }
        if upgradable.iter().all(|v| catalog.path(v, t).is_ok()) {
            let mut reason = format!(
                "latest: {t}, the newest {major}.x release reachable from every manager with no known issue for this fleet"
            );
            if !skipped.is_empty() {
                reason.push_str(&format!(" (skipped {})", skipped.join("; ")));
            }
            return Ok((t.clone(), reason));
        }
        skipped.push(format!("{t}: not reachable from every manager"));
    }
    Err(PlanError::NothingReachable)
}

/// The platform of a provider-owned cloud manager that would have to go to `t` but is not offered it.
fn provider_refuses(fleet: &Fleet, catalog: &Catalog, date: time::Date, t: &HcxVersion) -> Option<Platform> {
    fleet
        .sites
        .iter()
        .filter(|s| s.role == SiteRole::Cloud && s.version < *t)
        .filter(|s| catalog.provider_upgrades_cloud(s.platform, date).is_some())
        .find(|s| catalog.offered(s.platform).is_some_and(|o| !o.versions.contains(t)))
        .map(|s| s.platform)
}
