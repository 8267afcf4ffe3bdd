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
                let factual = [
                    "date",
                    "on_or_before",
                    "build",
                    "end_of_support",
                    "since",
                    "as_of",
                    "hours",
                    "version",
                    "id",
                    "text",
                    "feature",
                    "published",
                ]
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
    std::fs::write(&f, Catalog::bundled().export().unwrap()).unwrap();
    let c = Catalog::load(&f).unwrap();
    assert_eq!(c.releases().len(), Catalog::bundled().releases().len());
    std::fs::write(&f, "{").unwrap();
    let e = Catalog::load(&f).unwrap_err();
    assert!(e.to_string().contains(&f.display().to_string()), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every release of the public-source audit's table (catalog-audit.md, section 1) that a source names.
const AUDITED_RELEASES: &[&str] = &[
    "4.0.0",
    "4.0.1",
    "4.1.0",
    "4.2.4",
    "4.3.0",
    "4.3.1",
    "4.3.3",
    "4.4.0",
    "4.4.2",
    "4.4.3",
    "4.5.0",
    "4.5.2",
    "4.6.2",
    "4.6.3",
    "4.7.0",
    "4.8.0",
    "4.8.2",
    "4.8.3",
    "4.9.0",
    "4.9.1",
    "4.9.2",
    "4.10.0",
    "4.10.1",
    "4.10.2",
    "4.10.3",
    "4.11.0",
    "4.11.1",
    "4.11.2",
    "4.11.3",
    "4.11.4",
    "4.11.5",
    "9.0.0.0",
    "9.0.1.0",
    "9.0.2.0",
    "9.1.0.0",
    "9.1.0.0100",
    "9.1.1.0",
];

#[test]
fn every_audited_release_is_present_and_nothing_else() {
    let c = Catalog::bundled();
    let listed: Vec<String> = c.releases().iter().map(|r| r.version.to_string()).collect();
    assert_eq!(listed, AUDITED_RELEASES, "the catalog's releases differ from the audit's table");
    // 4.8.1 only follows from a CVE range; no source names it, so it stays out.
    assert!(!c.is_known(&v("4.8.1")));
}

#[test]
fn dates_and_builds_always_carry_their_evidence() {
    let c = Catalog::bundled();
    for r in c.releases() {
        if let Some(d) = &r.released {
            assert!(!d.sources.is_empty(), "{} date", r.version);
            assert!(d.date.is_some() != d.on_or_before.is_some(), "{} date is both or neither", r.version);
        }
        for b in &r.builds {
            assert!(!b.sources.is_empty() && b.build.chars().all(|ch| ch.is_ascii_digit()), "{} {b:?}", r.version);
        }
    }
    // Facts the audit fills: the 4.11.5 builds (secondary), the 9.x builds, the CVE ranges, the MON fix.
    let r = c.release(&v("4.11.5")).unwrap();
    assert_eq!(r.confidence, Confidence::Secondary);
    assert!(r.builds.iter().any(|b| b.build == "25438871" && b.kind == BuildKind::Connector));
    assert_eq!(c.release(&v("9.0.0")).unwrap().builds[0].build, "24699341");
    let a = &c.data().advisories[0];
    assert_eq!(a.affects.len(), 3);
    assert!(v("4.9.1").matches(&a.affects[1]) && !v("4.9.2").matches(&a.affects[1]));
    let mon = c.data().known_issues.iter().find(|k| k.id == "mon-restartzmq").unwrap();
    assert_eq!(
        (mon.fixed_in.as_ref(), mon.condition, mon.symptoms.len()),
        (Some(&v("4.11.4")), IssueCondition::Mon, 1)
    );
    let wo = c.reintroductions_at(&v("9.1.1.0"));
    assert!(wo.iter().any(|d| d.feature == "wan-optimization"));
    assert!(!c.deprecations_at(&v("9.1.1.0")).iter().any(|d| d.status == DeprecationStatus::Reintroduced));
    assert_eq!(c.data().downloads[0].as_of, date!(2026 - 08 - 27));
}

#[test]
fn export_round_trips_to_an_equal_catalog() {
    let c = Catalog::bundled();
    let text = c.export().unwrap();
    let back = Catalog::from_json(&text).unwrap();
    assert_eq!(&back, c);
    assert_eq!(back.digest(), c.digest());
    assert!(c.digest().starts_with("sha256:") && c.digest().len() == 71, "{}", c.digest());
    assert_eq!(c.digest(), crate::plan::catalog_digest(c).unwrap());
    assert!(Catalog::validate(&text).is_empty());
    // The digest is of the facts, not of the formatting.
    assert_eq!(Catalog::from_json(Catalog::bundled_json()).unwrap().digest(), c.digest());
}

#[test]
fn diff_names_each_change() {
    let c = Catalog::bundled();
    assert!(c.diff(c).unwrap().is_empty());
    let changed = with(|d| {
        d["as_of"] = "2027-01-01".into();
        d["releases"].as_array_mut().unwrap().retain(|r| r["version"] != "4.0.1");
        d["releases"][3]["confidence"] = "inferred".into();
        d["paths"][0]["note"] = "edited".into();
        d["known_issues"].as_array_mut().unwrap().push(serde_json::json!({
            "id": "kb-1", "title": "t", "condition": "always", "advice": "a", "sources": ["SKEW"], "confidence": "confirmed"
        }));
        d["sources"]["NEW"] = serde_json::json!({"title": "a new source"});
    })
    .unwrap();
    let shown: Vec<String> = c.diff(&changed).unwrap().iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "changed as_of as_of".to_owned(),
            "added known_issues kb-1".to_owned(),
            "changed paths to-4.4-from-pre-4.4 (note)".to_owned(),
            "removed releases 4.0.1".to_owned(),
            "changed releases 4.3.0 (confidence)".to_owned(),
            "added sources NEW".to_owned(),
        ]
    );
}

#[test]
fn validate_lists_every_problem() {
    let mut doc: serde_json::Value = serde_json::from_str(Catalog::bundled_json()).unwrap();
    doc["releases"][1]["confidence"] = "sure".into();
    doc["paths"][0]["target"] = "not a range".into();
    doc["extra"] = true.into();
    doc.as_object_mut().unwrap().remove("redeploy_below");
    let problems = Catalog::validate(&doc.to_string());
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(
        problems.iter().any(|p| p.starts_with("$.releases[1].confidence: unknown confidence \"sure\"")),
        "{problems:#?}"
    );
    assert!(problems.iter().any(|p| p.starts_with("$.paths[0].target:")), "{problems:#?}");
    assert!(problems.iter().any(|p| p == "$.extra: unknown field"), "{problems:#?}");
    assert!(problems.iter().any(|p| p == "$.redeploy_below: missing field"), "{problems:#?}");
    // Invariants are listed when the schema holds.
    let mut doc: serde_json::Value = serde_json::from_str(Catalog::bundled_json()).unwrap();
    doc["paths"][2]["via"][0] = "4.4.9".into();
    doc["known_issues"][0]["fixed_in"] = "4.8.7".into();
    assert_eq!(Catalog::validate(&doc.to_string()).len(), 2);
    assert_eq!(Catalog::validate("{"), ["$: not JSON: EOF while parsing an object at line 1 column 1"]);
    let e = Catalog::from_json_checked(&doc.to_string(), "new.json").unwrap_err();
    assert!(e.to_string().starts_with("invalid catalog new.json: 2 problem(s): "), "{e}");
}

#[test]
fn show_gathers_every_fact_about_a_release() {
    let c = Catalog::bundled();
    let f = c.facts_about(&v("4.9.2"), date!(2026 - 12 - 01));
    assert_eq!(f.release.unwrap().version, v("4.9.2"));
    assert!(f.paths_to.iter().any(|r| r.id == "to-4.9.2-from-4.4"));
    assert!(f.paths_to.iter().any(|r| r.id == "to-4.11.4-via-4.9.2"), "a stepping stone");
    assert!(f.advisories.iter().any(|a| a.id == "VMSA-2024-0021"), "it fixes the advisory");
    assert!(f.downloads.len() == 1 && f.sources.contains_key("BCM-PORTAL@2026-08-27"));
    assert!(f.sources.contains_key("OCI-UPG") && f.sources.contains_key("GCP-2024-059"));
    let f = c.facts_about(&v("4.6.0"), date!(2026 - 12 - 01));
    assert!(f.release.is_none());
    assert!(f.paths_from.iter().any(|r| r.id == "to-4.9.2-from-4.4"));
}

/// The README's provenance table: how many facts of each kind rest on each confidence.
fn provenance_table() -> String {
    fn walk(v: &serde_json::Value, path: &str, counts: &mut std::collections::BTreeMap<(usize, usize), usize>) {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(c) = map.get("confidence").and_then(|c| c.as_str()) {
                    let row = ["confirmed", "secondary", "third-party", "inferred"].iter().position(|x| *x == c);
                    let col = if path.ends_with(".released") {
                        1
                    } else if path.contains(".builds[") {
                        2
                    } else if path.starts_with("$.releases[") && !path.contains(".notes[") {
                        0
                    } else if ["$.paths[", "$.forbidden_paths[", "$.pairing["].iter().any(|p| path.starts_with(p)) {
                        3
                    } else {
                        4
                    };
                    *counts.entry((row.unwrap_or(3), col)).or_default() += 1;
                }
                for (k, x) in map {
                    walk(x, &format!("{path}.{k}"), counts);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    walk(x, &format!("{path}[{i}]"), counts);
                }
            }
            _ => {}
        }
    }
    let doc: serde_json::Value = serde_json::from_str(Catalog::bundled_json()).unwrap();
    let mut counts = std::collections::BTreeMap::new();
    walk(&doc, "$", &mut counts);
    let mut o = String::from(
        "| confidence | releases | release dates | builds | path and pairing rules | other facts | all |\n|---|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut totals = [0usize; 6];
    for (r, name) in ["confirmed", "secondary", "third-party", "inferred"].iter().enumerate() {
        let cells: Vec<usize> = (0..5).map(|c| counts.get(&(r, c)).copied().unwrap_or(0)).collect();
        let all: usize = cells.iter().sum();
        for (t, x) in totals.iter_mut().zip(cells.iter().chain([&all])) {
            *t += x;
        }
        let shown: Vec<String> = cells.iter().chain([&all]).map(ToString::to_string).collect();
        o.push_str(&format!("| {name} | {} |\n", shown.join(" | ")));
    }
    let shown: Vec<String> = totals.iter().map(ToString::to_string).collect();
    o.push_str(&format!("| **all** | {} |\n", shown.join(" | ")));
    o
}

/// The README's provenance table is generated from the bundled catalog, so it cannot go stale;
/// `UPDATE_GOLDEN=1` rewrites it.
#[test]
fn readme_provenance_table_is_current() {
    let readme = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let text = std::fs::read_to_string(&readme).unwrap();
    let (start, end) = ("<!-- provenance:start -->\n", "<!-- provenance:end -->");
    let a = text.find(start).expect("README has the provenance markers") + start.len();
    let b = text.find(end).unwrap();
    let table = provenance_table();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&readme, format!("{}{table}{}", &text[..a], &text[b..])).unwrap();
        return;
    }
    assert_eq!(&text[a..b], table, "README provenance table is stale: rerun with UPDATE_GOLDEN=1");
}

#[test]
fn an_unreadable_catalog_keeps_the_io_error_as_its_source() {
    let e = Catalog::load("/nonexistent/catalog.json").unwrap_err();
    assert!(e.to_string().starts_with("cannot read catalog /nonexistent/catalog.json: "), "{e}");
    let source = std::error::Error::source(&e).expect("the io error");
    let CatalogError::Unreadable { cause: Some(cause), .. } = &e else { panic!("{e:?}") };
    let io = cause.get().downcast_ref::<std::io::Error>().expect("an io error");
    assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
    assert_eq!(source.to_string(), io.to_string());
}
