//! The `hcx` binary: outputs, exit codes and error reporting.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

mod common;

use common::{golden, hcx, stderr, stdout, temp_file as temp};

#[test]
fn plan_without_a_fleet_plans_the_bundled_sample() {
    let o = hcx(&["plan", "--date", "2026-11-28"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), golden("sample-plan.txt"));
    assert!(stderr(&o).contains("bundled sample fleet"));
    let md = hcx(&["plan", "--date", "2026-11-28", "--format", "markdown"]);
    assert_eq!(stdout(&md), golden("sample-plan.md"));
}

#[test]
fn plan_json_goes_to_stdout_and_parses() {
    let o = hcx(&["plan", "--date", "2026-11-28", "--format", "json", "--target", "validated"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["schema"], "hcx-plan/v2");
    assert_eq!(v["target"], "4.11.4");
    assert!(!v["steps"].as_array().unwrap().is_empty());
}

#[test]
fn blockers_exit_1_and_acknowledged_blockers_exit_0() {
    let mut fleet: serde_json::Value = serde_json::from_str(hcx_core::plan::SAMPLE_FLEET).unwrap();
    fleet["migrations"][0]["state"] = "in_progress".into();
    let f = temp("busy.json", &fleet.to_string());
    let f = f.to_str().unwrap();
    let o = hcx(&["check", "--fleet", f, "--date", "2026-11-28"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("[blocker] active-migrations: 1 transfer is in flight: migration mig-0142 (in_progress)"),
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains("1 blocker(s) found"));
    let o = hcx(&["check", "--fleet", f, "--date", "2026-11-28", "--ack", "active-migrations", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let f = v["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "active-migrations").unwrap().clone();
    assert_eq!(f["acknowledged"], true);
}

#[test]
fn bad_input_exits_2_with_every_problem() {
    let f = temp(
        "bad.json",
        r#"{"schema":"hcx-fleet/v1","sites":[{"id":"a","role":"connector","platform":"on-prem","version":"4.x"},{"id":"b","role":"cloud","platform":"avs","version":"4.11.3"}],"pairs":[{"source":"b","destination":"a"}]}"#,
    );
    let o = hcx(&["plan", "--fleet", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("2 problems"), "{err}");
    assert!(err.contains("$.sites[0].version: invalid hcx version \"4.x\""), "{err}");
    assert!(err.contains("$.pairs[0].destination: site \"a\" is an hcx connector"), "{err}");
    assert!(stdout(&o).is_empty());

    // Each on a pinned date, and each message names what was wrong: no case passes because of the date.
    for (args, needle) in [
        (vec!["plan", "--date", "2026-11-28", "--target", "4.11.9"], "4.11.9"),
        (vec!["plan", "--date", "2026-11-28", "--target", "four"], "four"),
        (vec!["plan", "--date", "2026-11-28", "--ack", "nope"], "nope"),
        (vec!["plan", "--date", "28/11/2026"], "28/11/2026"),
        (vec!["plan", "--date", "2026-11-28", "--fleet", "/nonexistent.json"], "/nonexistent.json"),
        (vec!["path", "4.12.7", "9.1.1.0"], "4.12.7"),
        (vec!["path", "four", "4.10.3"], "four"),
        (vec!["plan", "--date", "2026-11-28", "--fail-on", "sometimes"], "sometimes"),
        (vec!["plan", "--date", "2026-11-28", "--min-confidence", "certain"], "certain"),
        (vec!["explain", "no-such-rule"], "no-such-rule"),
        (vec!["frobnicate"], "frobnicate"),
    ] {
        let o = hcx(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn path_answers_through_the_stepping_stones() {
    let o = hcx(&["path", "4.3.3", "4.10.3"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.starts_with("4.3.3 -> 4.10.3: 3 hop(s)"), "{text}");
    assert!(
        text.contains("1. 4.3.3 -> 4.8.3") && text.contains("2. 4.8.3 -> 4.9.2") && text.contains("3. 4.9.2 -> 4.10.3"),
        "{text}"
    );
    let o = hcx(&["path", "4.3.3", "4.10.3", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["hops"][1]["to"], "4.9.2");
    assert_eq!(v["hops"][0]["sources"][0], "OCI-UPG");
}

#[test]
fn path_from_an_uncataloged_release_inside_a_documented_range() {
    let o = hcx(&["path", "4.6.0", "4.11.4"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("1. 4.6.0 -> 4.9.2") && text.contains("2. 4.9.2 -> 4.11.4"), "{text}");
    assert!(text.contains("[warning] uncataloged-release: 4.6.0 is not in the catalog as of"), "{text}");
    let o = hcx(&["path", "4.6.0", "4.11.4", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["uncataloged"]["range"], ">=4.4.0, <=4.8.3");
    let o = hcx(&["path", "4.12.7", "4.11.3"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("downgrade"), "{}", stderr(&o));
    let o = hcx(&["path", "4.12.7", "9.1.1.0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("source version 4.12.7 is not a release known to the catalog"), "{}", stderr(&o));
}

#[test]
fn catalog_lists_releases_with_support_and_sources() {
    let o = hcx(&["catalog", "--date", "2026-11-28"]);
    let text = stdout(&o);
    // Every date and build shows its confidence.
    let line = |v: &str| text.lines().find(|l| l.trim_start().starts_with(&format!("{v} "))).unwrap().to_owned();
    assert!(line("4.10.3").contains("<=2024-12-31 [S]") && line("4.10.3").contains("avs:24447633[C]"), "{text}");
    let l = line("4.11.5");
    assert!(l.contains("2026-05-27 [T]") && l.contains("connector:25438871[S]") && l.contains("T-VCF91"), "{l}");
    assert!(line("4.3.3").contains("unknown"), "{text}");
    let o = hcx(&["catalog", "--format", "json", "--date", "2026-01-10"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let r = v["releases"].as_array().unwrap().iter().find(|r| r["version"] == "4.11.1").unwrap();
    assert_eq!(r["support"], "disputed");
    assert_eq!(r["end_of_support"].as_array().unwrap().len(), 2);
}

#[test]
fn explain_describes_rules() {
    let o = hcx(&["explain", "ne-ephemeral-binding"]);
    let text = stdout(&o);
    assert!(text.starts_with("ne-ephemeral-binding (blocker; may raise warning)"), "{text}");
    assert!(text.contains("HCX-4.7-NE-UPG: https://docs.vmware.com/"), "{text}");
    let o = hcx(&["explain", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["schema"], "hcx-rules/v1");
    assert_eq!(v["rules"].as_array().unwrap().len(), hcx_core::plan::rules::RULES.len());
    // An unknown id is named with every known one, in hcx-core's wording.
    let o = hcx(&["explain", "no-such-rule"]);
    assert_eq!(o.status.code(), Some(2));
    let expected =
        format!("hcx: error: no rule \"no-such-rule\"; known rules: {}\n", hcx_core::plan::rules::known_ids());
    assert_eq!(stderr(&o), expected);
}

#[test]
fn a_bad_date_names_the_flag_and_the_expected_form() {
    let o = hcx(&["plan", "--date", "28/11/2026"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("hcx: error: --date: invalid date \"28/11/2026\": "), "{err}");
    assert!(err.trim_end().ends_with("(expected YYYY-MM-DD)"), "{err}");
}

#[test]
fn a_catalog_file_overrides_the_bundled_one() {
    let mut cat: serde_json::Value = serde_json::from_str(hcx_core::Catalog::bundled_json()).unwrap();
    // Drop 4.11.5 and every rule or fact that names it.
    cat["releases"].as_array_mut().unwrap().retain(|r| r["version"] != "4.11.5");
    cat["forbidden_paths"] = serde_json::json!([]);
    cat["downloads"] = serde_json::json!([]);
    cat["paths"].as_array_mut().unwrap().retain(|p| !p["from"].as_str().unwrap().contains("4.11.5"));
    let f = temp("catalog.json", &cat.to_string());
    let o = hcx(&[
        "plan",
        "--catalog",
        f.to_str().unwrap(),
        "--target",
        "latest",
        "--date",
        "2026-11-28",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["target"], "4.11.4");
    let bad = temp("bad-catalog.json", r#"{"schema":"hcx-catalog/v1"}"#);
    let o = hcx(&["plan", "--catalog", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("invalid catalog"), "{}", stderr(&o));
}

#[test]
fn catalog_export_loads_back_and_validates() {
    let o = hcx(&["catalog", "export"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let exported = stdout(&o);
    let back = hcx_core::Catalog::from_json(&exported).unwrap();
    assert_eq!(&back, hcx_core::Catalog::bundled());
    let f = temp("exported.json", "");
    let o = hcx(&["catalog", "export", "--out", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with(&format!("wrote {} (bundled, as of 2026-12-01, digest sha256:", f.display())));
    let o = hcx(&["catalog", "validate", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("a valid catalog ("), "{}", stdout(&o));
    // The listing is not a catalog, and says so.
    let o = hcx(&["catalog", "releases", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["schema"], "hcx-catalog-releases/v1");
}

#[test]
fn catalog_validate_lists_every_problem() {
    let mut doc: serde_json::Value = serde_json::from_str(hcx_core::Catalog::bundled_json()).unwrap();
    doc["releases"][1]["confidence"] = "sure".into();
    doc["extra"] = true.into();
    let f = temp("broken.json", &doc.to_string());
    let o = hcx(&["catalog", "validate", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(text.contains(": 2 problem(s)") && text.contains("  - $.extra: unknown field"), "{text}");
    assert!(text.contains("$.releases[1].confidence"), "{text}");
    let o = hcx(&["catalog", "validate", "/nonexistent/c.json"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn catalog_diff_names_each_change() {
    let a = temp("diff-a.json", hcx_core::Catalog::bundled_json());
    let o = hcx(&["catalog", "diff", a.to_str().unwrap(), a.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains(": 0 change(s)"), "{}", stdout(&o));
    let mut doc: serde_json::Value = serde_json::from_str(hcx_core::Catalog::bundled_json()).unwrap();
    doc["releases"].as_array_mut().unwrap().retain(|r| r["version"] != "4.0.1");
    doc["known_issues"][0]["advice"] = "edited".into();
    let b = temp("diff-b.json", &doc.to_string());
    let o = hcx(&["catalog", "diff", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(text.contains("2 change(s)"), "{text}");
    assert!(
        text.contains("  changed known_issues kb-96352 (advice)") && text.contains("  removed releases 4.0.1"),
        "{text}"
    );
}

#[test]
fn catalog_show_gives_every_fact_with_sources() {
    let o = hcx(&["catalog", "show", "4.11.5", "--date", "2026-12-01"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("HCX 4.11.5\n"), "{text}");
    assert!(text.contains("build connector 25438871 (OCI-OVW@2026-09-05, BCM-PORTAL@2026-08-27; secondary)"), "{text}");
    assert!(text.contains("forbidden: back-in-time-9.1.0"), "{text}");
    assert!(text.contains("Sources\n") && text.contains("  OCI-OVW@2026-09-05: "), "{text}");
    let o = hcx(&["catalog", "show", "4.6.0"]);
    assert!(stdout(&o).contains("not in the catalog as of 2026-12-01"), "{}", stdout(&o));
}

/// Serves the given responses, one connection each, on 127.0.0.1; returns the base URL.
fn serve(responses: Vec<(String, String)>) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/catalog.json", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for (status, body) in responses {
            let (mut sock, _) = listener.accept().unwrap();
            let mut buf = [0u8; 4096];
            let _ = sock.read(&mut buf);
            let head = format!("HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
            let _ = sock.write_all(head.as_bytes());
            let _ = sock.write_all(body.as_bytes());
        }
    });
    url
}

#[test]
fn catalog_url_is_validated_pinned_and_cached() {
    let cache = std::env::temp_dir().join(format!("hcx-cli-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&cache);
    let run = |args: &[&str]| common::command().args(args).env("HCX_CACHE_DIR", &cache).output().unwrap();
    let body = hcx_core::Catalog::bundled_json().to_owned();
    let url = serve(vec![("200 OK".into(), body.clone()), ("503 Service Unavailable".into(), String::new())]);
    let plan = |url: &str| run(&["plan", "--catalog-url", url, "--date", "2026-11-28", "--format", "json"]);
    let o = plan(&url);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains(&format!("hcx: catalog: {url}, as of 2026-12-01, digest sha256:")), "{}", stderr(&o));
    // The server now fails: the last good copy stands in, and the command says so.
    let o = plan(&url);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("http status 503") && stderr(&o).contains("using the last good copy cached at"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains(&format!("hcx: catalog: {url} (cached copy)")), "{}", stderr(&o));
    // A wrong pin is refused, never replaced by the cache.
    let url2 = serve(vec![("200 OK".into(), body)]);
    let o = run(&["path", "4.9.0", "4.11.4", "--catalog-url", &url2, "--catalog-sha256", &"ab".repeat(32)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("sha-256 mismatch"), "{}", stderr(&o));
    // A broken catalog is refused with its problems.
    let url3 = serve(vec![("200 OK".into(), r#"{"schema": "hcx-catalog/v1"}"#.into())]);
    let o = run(&["catalog", "--catalog-url", &url3]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("problem(s)") && stderr(&o).contains("$.releases: missing field"), "{}", stderr(&o));
    // Plain http off loopback is refused before any connection.
    let o = run(&["catalog", "--catalog-url", "http://catalog.example.com/c.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("plain http is accepted only on a loopback address"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn path_exits_1_when_no_supported_path_exists() {
    for (from, to, needle) in [
        ("4.11.3", "4.10.3", "downgrade"),
        ("4.11.5", "9.0.2", "back-in-time"),
        ("4.5.2", "4.8.2", "no documented upgrade path"),
        ("4.1.0", "4.11.4", "redeploy"),
    ] {
        let o = hcx(&["path", from, to]);
        assert_eq!(o.status.code(), Some(1), "{from} -> {to}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{from} -> {to}: {}", stderr(&o));
    }
    assert_eq!(hcx(&["path", "4.11.3", "4.11.4"]).status.code(), Some(0));
}

#[test]
fn fail_on_and_min_confidence_decide_the_exit_code() {
    // The sample plan has warnings and no blockers; its paths rest on a third-party rule.
    let base = ["plan", "--date", "2026-11-28"];
    assert_eq!(hcx(&base).status.code(), Some(0));
    let o = hcx(&[&base[..], &["--fail-on", "warning"]].concat());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("failing on warning"), "{}", stderr(&o));
    let o = hcx(&[&base[..], &["--min-confidence", "secondary", "--format", "json"]].concat());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let weak: Vec<_> = v["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "weak-evidence").collect();
    assert!(!weak.is_empty() && weak.iter().all(|f| f["severity"] == "blocker"), "{weak:#?}");
    assert_eq!(v["confidence"], "third-party");
    let o = hcx(&[&base[..], &["--min-confidence", "third-party"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn explain_and_plan_agree_on_every_severity() {
    let o = hcx(&["explain", "--format", "json"]);
    let rules: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let declared = |id: &str| -> Vec<String> {
        let r = rules["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id} not explained"));
        let mut s = vec![r["severity"].as_str().unwrap().to_owned()];
        s.extend(r["escalations"].as_array().unwrap().iter().map(|e| e.as_str().unwrap().to_owned()));
        s
    };
    let mut fleet: serde_json::Value = serde_json::from_str(hcx_core::plan::SAMPLE_FLEET).unwrap();
    fleet["sites"][0]["version"] = "4.8.1".into();
    fleet["migrations"][0]["state"] = "in_progress".into();
    let f = temp("explain-agree.json", &fleet.to_string());
    let mut seen = 0;
    for target in ["4.11.4", "9.1.1.0", "4.10.3"] {
        let o = hcx(&[
            "plan",
            "--fleet",
            f.to_str().unwrap(),
            "--target",
            target,
            "--date",
            "2026-11-28",
            "--format",
            "json",
        ]);
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        for finding in v["findings"].as_array().unwrap() {
            let id = finding["rule"].as_str().unwrap();
            let sev = finding["severity"].as_str().unwrap().to_owned();
            assert!(declared(id).contains(&sev), "{id} raised at {sev}, explain says {:?}", declared(id));
            seen += 1;
        }
    }
    assert!(seen > 10);
    assert!(stdout(&hcx(&["explain", "unknown-release"])).starts_with("unknown-release (warning; may raise blocker)"));
}

#[test]
fn plan_html_is_one_self_contained_page_with_the_fleet() {
    let o = hcx(&["plan", "--date", "2026-11-28", "--format", "html"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = stdout(&o);
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
    assert!(page.contains("connector · on-prem"), "the topology is drawn from the fleet");
    assert!(page.contains("data-network=\"web-vlan10\""));
    let check = hcx(&["check", "--date", "2026-11-28", "--format", "html"]);
    assert_eq!(check.status.code(), Some(2));
    assert!(stderr(&check).contains("use `hcx plan --format html`"), "{}", stderr(&check));
}
