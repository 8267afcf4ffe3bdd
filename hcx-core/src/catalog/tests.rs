use time::macros::date;

use super::*;
use crate::fleet::Platform;

#[track_caller]
fn v(s: &str) -> HcxVersion {
    s.parse().unwrap()
}

fn stones(from: &str, to: &str) -> Vec<String> {
    let p = Catalog::bundled().path(&v(from), &v(to)).unwrap();
    p.stepping_stones().iter().map(ToString::to_string).collect()
}

fn with(edit: impl FnOnce(&mut serde_json::Value)) -> Result<Catalog, CatalogError> {
    let mut doc: serde_json::Value = serde_json::from_str(Catalog::bundled_json()).unwrap();
    edit(&mut doc);
    Catalog::from_json(&doc.to_string())
}

#[track_caller]
fn inconsistent(r: Result<Catalog, CatalogError>, needle: &str) {
    match r {
        Err(CatalogError::Inconsistent { problems, .. }) => {
            assert!(problems.iter().any(|p| p.contains(needle)), "{needle:?} not in {problems:#?}")
        }
        other => panic!("expected an inconsistent catalog, got {other:?}"),
    }
}

#[test]
fn bundled_catalog_is_valid() {
    let c = Catalog::bundled();
    assert_eq!(c.data().schema, CATALOG_SCHEMA);
    assert!(c.releases().len() >= 30);
    assert!(c.releases().windows(2).all(|w| w[0].version < w[1].version));
    assert_eq!(c.as_of(), date!(2026 - 12 - 01));
}

/// Every fact-bearing object (a date, build, end of support, version floor, rule) must carry sources and a
/// confidence; checked on the raw JSON so that no field can slip past the typed model.
#[test]
fn every_entry_has_a_source_and_a_confidence() {
    fn walk(
        v: &serde_json::Value,
        path: &str,
        sources: &std::collections::BTreeMap<String, serde_json::Value>,
        n: &mut usize,
    ) {
        match v {
            serde_json::Value::Object(map) => {
                let factual =
                    ["date", "build", "end_of_support", "since", "as_of", "hours", "version", "id", "text", "feature"]
                        .iter()
                        .any(|k| map.contains_key(*k));
                if factual && path != "$" && !path.starts_with("$.sources") {
                    *n += 1;
                    let s = map.get("sources").and_then(|s| s.as_array());
                    assert!(s.is_some_and(|s| !s.is_empty()), "{path} has no sources");
                    for id in s.into_iter().flatten() {
                        let id = id.as_str().unwrap();
                        assert!(sources.contains_key(id), "{path} cites unknown source {id}");
                    }
                    let conf = map.get("confidence").and_then(|c| c.as_str());
                    assert!(
                        matches!(conf, Some("confirmed" | "secondary" | "third-party" | "inferred")),
                        "{path} has no valid confidence"
                    );
                }
                for (k, x) in map {
                    walk(x, &format!("{path}.{k}"), sources, n);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    walk(x, &format!("{path}[{i}]"), sources, n);
                }
            }
            _ => {}
        }
    }
    let doc: serde_json::Value = serde_json::from_str(Catalog::bundled_json()).unwrap();
    let sources: std::collections::BTreeMap<String, serde_json::Value> =
        serde_json::from_value(doc["sources"].clone()).unwrap();
    for (id, s) in &sources {
        assert!(s.get("url").is_some() || s.get("document").is_some(), "source {id} has neither url nor document");
    }
    let mut n = 0;
    walk(&doc, "$", &sources, &mut n);
    assert!(n > 100, "only {n} facts checked");
}

#[test]
fn unknown_dates_and_builds_stay_absent() {
    let c = Catalog::bundled();
    // No public source dates 4.3.3 or gives builds for 4.8.0.
    assert!(c.release(&v("4.3.3")).unwrap().released.is_none());
    assert!(c.release(&v("4.8.0")).unwrap().builds.is_empty());
    // A source that only shows a release existed by a day gives a bound, not a date.
    let bound = c.release(&v("4.8.0")).unwrap().released.as_ref().unwrap();
    assert_eq!((bound.date, bound.on_or_before), (None, Some(date!(2023 - 11 - 22))));
    assert_eq!(bound.shown(), "<=2023-11-22");
    let r = c.release(&v("4.9.0")).unwrap();
    assert_eq!(r.released.as_ref().unwrap().date, Some(date!(2024 - 03 - 26)));
    assert_eq!(r.builds.len(), 2);
}

#[test]
fn release_lookup_accepts_any_printed_form() {
    let c = Catalog::bundled();
    assert!(c.is_known(&v("4.10.3.0-24447633")));
    assert!(c.is_known(&v("9.1.1.0")));
    assert!(!c.is_known(&v("4.8.1")));
    assert_eq!(c.newest().unwrap().version, v("9.1.1.0"));
}

#[test]
fn support_status_on_a_date() {
    let c = Catalog::bundled();
    assert_eq!(c.support_status(&v("4.10.3"), date!(2025 - 07 - 01)).state, SupportState::Supported);
    assert_eq!(c.support_status(&v("4.10.3"), date!(2025 - 07 - 27)).state, SupportState::OutOfSupport);
    assert_eq!(c.support_status(&v("4.8.2"), date!(2026 - 01 - 01)).state, SupportState::Unknown);
    assert_eq!(c.support_status(&v("4.11.3"), date!(2026 - 11 - 28)).state, SupportState::Supported);
}

#[test]
fn conflicting_end_of_support_keeps_both_sources() {
    let c = Catalog::bundled();
    let s = c.support_status(&v("4.11.1"), date!(2026 - 01 - 15));
    assert_eq!(s.state, SupportState::Disputed);
    assert_eq!(s.facts.len(), 2);
    let sources: Vec<&str> = s.facts.iter().flat_map(|f| f.sources.iter().map(String::as_str)).collect();
    assert!(sources.contains(&"AVS-UPG@2025-10-14") && sources.contains(&"T-ZH"), "{sources:?}");
    assert_eq!(c.support_status(&v("4.11.1"), date!(2026 - 03 - 01)).state, SupportState::OutOfSupport);
}

#[test]
fn paths_use_every_stepping_stone_in_the_facts() {
    assert_eq!(stones("4.3.3", "4.10.3"), ["4.8.3", "4.9.2"]);
    assert_eq!(stones("4.3.3", "4.9.0"), ["4.4.2"]);
    assert_eq!(stones("4.2.4", "4.9.0"), ["4.4.2"]);
    assert_eq!(stones("4.5.2", "4.10.3"), ["4.9.2"]);
    assert_eq!(stones("4.8.3", "4.10.3"), ["4.9.2"]);
    assert_eq!(stones("4.5.2", "4.11.4"), ["4.9.2"]);
    assert_eq!(stones("4.2.4", "4.11.4"), ["4.8.3", "4.9.2"]);
    assert_eq!(stones("4.10.3", "4.11.4"), Vec::<String>::new());
    assert_eq!(stones("4.11.0", "9.1.1.0"), ["4.11.3"]);
    assert_eq!(stones("4.10.3", "9.1.1.0"), ["4.11.4"]);
    assert_eq!(stones("4.11.0", "9.0.0"), Vec::<String>::new());
}

#[test]
fn each_hop_names_its_rule_and_source() {
    let p = Catalog::bundled().path(&v("4.3.3"), &v("4.10.3.0-24447633")).unwrap();
    assert_eq!(p.hops.len(), 3);
    assert!(p.hops.iter().all(|h| h.rule == "to-4.10.3-via-4.8.3" && h.sources == ["OCI-UPG", "T-ZH"]));
    assert_eq!(p.hops[2].to.build(), Some("24447633"));
    // OCI states the first hop only; the 4.9.2 hop rests on the third-party guide.
    assert_eq!(p.confidence(), Some(Confidence::ThirdParty));
    let same = Catalog::bundled().path(&v("4.11.3"), &v("4.11.3.0")).unwrap();
    assert!(same.hops.is_empty());
}

#[test]
fn path_errors_are_clear() {
    let c = Catalog::bundled();
    let e = c.path(&v("4.11.3"), &v("4.10.3")).unwrap_err();
    assert!(matches!(e, PathError::Downgrade { .. }));
    assert!(e.to_string().contains("4.11.3 to 4.10.3 is a downgrade"), "{e}");
    let e = c.path(&v("4.1.0"), &v("4.11.4")).unwrap_err();
    assert!(e.to_string().contains("below 4.2.4") && e.to_string().contains("OCI-UPG"), "{e}");
    let e = c.path(&v("4.12.7"), &v("9.1.1.0")).unwrap_err();
    assert!(e.to_string().contains("source version 4.12.7 is not a release known"), "{e}");
    let e = c.path(&v("4.11.3"), &v("4.11.9")).unwrap_err();
    assert!(e.to_string().contains("target version 4.11.9"), "{e}");
    let e = c.path(&v("4.11.5"), &v("9.0.2")).unwrap_err();
    assert!(matches!(e, PathError::Forbidden(_)) && e.to_string().contains("back-in-time"), "{e}");
    let e = c.path(&v("4.5.2"), &v("4.8.2")).unwrap_err();
    assert!(matches!(e, PathError::NoDocumentedPath { .. }), "{e}");
}

/// A release the catalog does not list, inside a documented rule's source range, is planned by that rule and
/// says so; one outside every documented range stays an error.
#[test]
fn uncataloged_versions_inside_documented_ranges() {
    let c = Catalog::bundled();
    let p = c.path(&v("4.6.0"), &v("4.11.4")).unwrap();
    let stops: Vec<String> = p.hops.iter().map(|h| h.to.to_string()).collect();
    assert_eq!(stops, ["4.9.2", "4.11.4"]);
    assert_eq!(p.hops[0].from, v("4.6.0"));
    let u = p.uncataloged.as_ref().unwrap();
    assert_eq!((u.version.to_string(), u.rule.as_str()), ("4.6.0".into(), p.hops[0].rule.as_str()));
    assert_eq!(u.range, ">=4.4.0, <=4.8.3");
    let said = u.to_string();
    assert!(said.starts_with("4.6.0 is not in the catalog as of 2026-12-01; planned by rule "), "{said}");
    assert!(said.contains("which covers >=4.4.0, <=4.8.3"), "{said}");
    // A build number does not make it known; the message names the plain version.
    let p = c.path(&v("4.5.1.0-20000000"), &v("4.9.0")).unwrap();
    assert_eq!(p.uncataloged.as_ref().unwrap().rule, "to-4.9.0-from-4.4");
    // A VCF in-train patch of an uncataloged build is covered by its train's range.
    assert!(c.path(&v("9.0.1.0100"), &v("9.1.1.0")).unwrap().uncataloged.is_some());
    // Cataloged sources carry no such mark.
    assert!(c.path(&v("4.5.2"), &v("4.11.4")).unwrap().uncataloged.is_none());
    // Outside every documented range (or only inside inferred ones): still an error.
    let e = c.path(&v("4.12.7"), &v("9.1.1.0")).unwrap_err();
    assert!(matches!(e, PathError::UnknownRelease { which: "source", .. }), "{e}");
    assert!(matches!(c.path(&v("4.12.7"), &v("4.11.3")).unwrap_err(), PathError::Downgrade { .. }));
    let e = c.path(&v("9.0.7"), &v("9.0.2")).unwrap_err();
    assert!(matches!(e, PathError::Downgrade { .. }), "{e}");
    let e = c.path(&v("4.11.3"), &v("4.11.9")).unwrap_err();
    assert!(matches!(e, PathError::UnknownRelease { which: "target", .. }), "{e}");
}

#[test]
fn direct_upgrade_names_the_rule() {
    let c = Catalog::bundled();
    assert_eq!(c.direct_upgrade(&v("4.10.3"), &v("4.11.4")).unwrap().id, "to-4.11.4-from-4.9");
    assert_eq!(c.direct_upgrade(&v("4.8.2"), &v("4.9.0")).unwrap().sources, ["RN-4.9"]);
    assert!(c.direct_upgrade(&v("4.5.2"), &v("4.10.3")).is_none());
    assert!(c.direct_upgrade(&v("4.11.4"), &v("4.11.3")).is_none());
    assert!(c.direct_upgrade(&v("4.11.4"), &v("9.0.2")).is_none());
}

#[test]
fn pairing_compatibility() {
    let c = Catalog::bundled();
    let p = c.can_pair(&v("9.1.1.0"), &v("4.11.4"));
    assert_eq!(p.verdict, PairingVerdict::Incompatible);
    assert_eq!(p.rule.unwrap().id, "9x-with-4x");
    assert_eq!(c.can_pair(&v("4.11.4"), &v("9.0.0")).verdict, PairingVerdict::Incompatible);
    assert_eq!(c.can_pair(&v("4.11.3"), &v("4.11.3")).verdict, PairingVerdict::Compatible);
    let unknown = c.can_pair(&v("4.11.3"), &v("4.10.3"));
    assert_eq!(unknown.verdict, PairingVerdict::Unknown);
    assert!(unknown.rule.is_none());
}

#[test]
fn changes_between_releases() {
    let c = Catalog::bundled();
    let ch = c.changes_between(&v("4.3.3"), &v("4.10.3"));
    assert!(ch.crosses_photon);
    assert!(ch.changes.iter().any(|x| x.id == "bundle-over-5gb"));
    assert!(!ch.changes.iter().any(|x| x.id == "postgresql-db"), "4.3.0 is before 4.3.3");
    let ch = c.changes_between(&v("4.10.3"), &v("4.11.4"));
    assert!(!ch.crosses_photon);
    assert!(ch.deprecations.iter().any(|d| d.feature == "wan-optimization" && d.status == DeprecationStatus::Removed));
    assert!(ch.changes.iter().any(|x| x.id == "local-mode-only"));
    let ch = c.changes_between(&v("4.9.2"), &v("4.10.2"));
    assert!(ch.known_issues.iter().any(|k| k.id == "issue-3464419"));
}

#[test]
fn advisories_by_release_line() {
    let c = Catalog::bundled();
    let a = c.advisories_affecting(&v("4.9.1"));
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].1, Some(&v("4.9.2")));
    let a = c.advisories_affecting(&v("4.7.0"));
    assert_eq!(a[0].1, None);
    assert!(c.advisories_affecting(&v("4.10.1")).is_empty());
    assert!(c.advisories_affecting(&v("4.11.0")).is_empty());
}

#[test]
fn platform_facts() {
    let c = Catalog::bundled();
    let val = c.validated(Platform::Avs).unwrap();
    assert_eq!((val.version.to_string(), val.build.as_deref()), ("4.11.4".into(), Some("25238712")));
    assert!(c.provider_upgrades_cloud(Platform::Avs, date!(2025 - 01 - 01)).is_none());
    assert!(c.provider_upgrades_cloud(Platform::Avs, date!(2026 - 01 - 01)).is_some());
    assert!(c.provider_upgrades_cloud(Platform::OnPrem, date!(2026 - 01 - 01)).is_none());
    let avs = c.platform(Platform::Avs).unwrap();
    assert_eq!(avs.upgrade_snapshot.as_ref().unwrap().hours, 24);
    assert_eq!(avs.manual_snapshot.as_ref().unwrap().hours, 72);
    assert!(c.validated(Platform::Vmc).is_none());
}

#[test]
fn invariants_refuse_bad_catalogs() {
    inconsistent(with(|d| d["schema"] = "hcx-catalog/v0".into()), "unsupported schema");
    inconsistent(with(|d| d["paths"][2]["via"][0] = "4.4.9".into()), "goes via unknown release 4.4.9");
    inconsistent(with(|d| d["paths"][0]["target"] = "=4.6.1".into()), "leads to no known release");
    inconsistent(with(|d| d["downloads"][0]["versions"][0] = "4.11.9".into()), "names unknown release 4.11.9");
    inconsistent(
        with(|d| {
            d["paths"][1]["from"] = ">=9.0.0".into();
        }),
        "never leads forwards",
    );
    inconsistent(with(|d| d["releases"][0]["sources"][0] = "NOPE".into()), "cites unknown source \"NOPE\"");
    inconsistent(with(|d| d["releases"][2]["sources"] = serde_json::json!([])), "release 4.1.0 has no source");
    inconsistent(
        with(|d| d["releases"][2]["released"]["date"] = "2021-06-01".into()),
        "release 4.1.0 release date needs exactly one of",
    );
    inconsistent(with(|d| d["known_issues"][0]["fixed_in"] = "4.8.7".into()), "names unknown release 4.8.7");
    inconsistent(with(|d| d["paths"][1]["id"] = "to-4.4-from-pre-4.4".into()), "used twice");
}

#[test]
fn malformed_catalogs_name_the_path() {
    let e = with(|d| d["releases"][3]["released"] = serde_json::json!({"date": "soon"})).unwrap_err();
    let s = e.to_string();
    assert!(s.starts_with("invalid catalog: $.releases[3].released"), "{s}");
    let e = with(|d| d["paths"][0]["confidence"] = "sure".into()).unwrap_err();
    assert!(e.to_string().contains("unknown confidence \"sure\""), "{e}");
    let e = Catalog::load("/nonexistent/catalog.json").unwrap_err();
    assert!(e.to_string().starts_with("cannot read catalog /nonexistent/catalog.json"), "{e}");
}

#[test]
fn loads_from_a_file() {
    let dir = std::env::temp_dir().join(format!("hcx-catalog-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("c.json");
    std::fs::write(&f, Catalog::bundled().to_json_pretty()).unwrap();
    let c = Catalog::load(&f).unwrap();
    assert_eq!(c.releases().len(), Catalog::bundled().releases().len());
    std::fs::write(&f, "{").unwrap();
    let e = Catalog::load(&f).unwrap_err();
    assert!(e.to_string().contains(&f.display().to_string()), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}
