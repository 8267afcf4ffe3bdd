//! The event streams of `hcx discover --events jsonl` (`hcx-discover-events/v1`, against hcx-sim) and
//! `hcx check --events jsonl` (`hcx-check-events/v1`): stdout holds only the stream, one JSON object per line;
//! the first names the schema and hcx's version, every line carries an RFC 3339 UTC timestamp with
//! milliseconds, a level and the run's id, and every line is valid against the schema `hcx schema NAME` prints.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use common::{PASSWORD, assert_exit, hcx, hcx_blocking, repo_path, s, sim_endpoints, stderr, stdout};
use hcx_cli::exit::Exit;
use serde_json::Value;

const DATE: &str = "2026-11-28";

/// The sites of the avs-pair scenario `sim_endpoints` serves.
const SITES: [&str; 2] = ["avs-westeurope", "onprem-dc1"];

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`, a digit wherever the template has `0`.
fn is_event_timestamp(t: &str) -> bool {
    let template = "0000-00-00T00:00:00.000Z";
    t.len() == template.len()
        && t.bytes().zip(template.bytes()).all(|(c, want)| if want == b'0' { c.is_ascii_digit() } else { c == want })
}

/// Every line of stdout as JSON, each checked against `hcx schema NAME` and the envelope every line has (a
/// timestamp in the streams' format, a level, one run id for the whole stream); the header first, naming
/// `tag` and this version of hcx. Returns the lines and the run id.
fn stream(o: &Output, name: &str, tag: &str) -> (Vec<Value>, String) {
    let printed = hcx(&["schema", name]);
    assert_exit(&printed, Exit::Clean);
    let schema: Value = serde_json::from_str(&stdout(&printed)).unwrap();
    assert_eq!(schema["title"], tag, "{name}: the schema's title is the stream's tag");
    let validator = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
    let out = stdout(o);
    assert!(out.ends_with('\n'), "every line ends: {out:?}\nstderr:\n{}", stderr(o));
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not one JSON object per line ({e}): {l}")))
        .collect();
    let header = &lines[0];
    assert_eq!(header["event"], "stream-started", "{header}");
    assert_eq!(header["schema"], tag, "{header}");
    assert_eq!(header["hcx_version"], env!("CARGO_PKG_VERSION"), "{header}");
    assert_eq!(header["level"], "info", "{header}");
    let run_id = header["run_id"].as_str().unwrap().to_owned();
    for line in &lines {
        let problems: Vec<String> =
            validator.iter_errors(line).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(problems.is_empty(), "{line}: {problems:?}");
        let stamp = line["timestamp"].as_str().unwrap_or_default();
        assert!(is_event_timestamp(stamp), "timestamp {stamp:?}: {line}");
        assert!(["info", "warn", "error"].contains(&line["level"].as_str().unwrap_or_default()), "{line}");
        assert_eq!(line["run_id"], run_id.as_str(), "one run id per stream: {line}");
    }
    assert_eq!(lines.iter().filter(|l| l["event"] == "stream-started").count(), 1, "one header");
    (lines, run_id)
}

/// The lines of kind `event`.
fn of_kind<'a>(lines: &'a [Value], event: &str) -> Vec<&'a Value> {
    lines.iter().filter(|l| l["event"] == event).collect()
}

/// The `site` of each line of kind `event`.
fn sites_of(lines: &[Value], event: &str) -> Vec<String> {
    let mut sites: Vec<String> = of_kind(lines, event).iter().map(|l| l["site"].as_str().unwrap().to_owned()).collect();
    sites.sort();
    sites
}

/// `hcx discover --endpoints ENDPOINTS --events jsonl --out OUT [extra]`, every site's password `PASSWORD`
/// unless `env` overrides it.
async fn discover_jsonl(endpoints: &Path, out: &Path, extra: &[&str], env: &[(&'static str, &'static str)]) -> Output {
    let mut args = vec!["discover", "--endpoints", s(endpoints), "--events", "jsonl", "--out", s(out)];
    args.extend_from_slice(extra);
    let mut env = env.to_vec();
    env.push(("HCX_PASSWORD", PASSWORD));
    hcx_blocking(&args, b"", &env).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_warning_about_one_odd_item_names_the_read_and_the_item() {
    let (sim, endpoints, dir) = sim_endpoints("event-streams-odd-item").await;
    // The first appliance onprem-dc1 lists comes with a type that is not a string.
    let odd =
        hcx_sim::FaultKind::Patch { pointer: "/items/0/applianceType".into(), value: serde_json::json!({"odd": true}) };
    sim.inject("onprem-dc1", hcx_sim::FaultRule::on(hcx_sim::Endpoint::AppliancesQuery, odd));
    let o = discover_jsonl(&endpoints, &dir.join("fleet.json"), &[], &[]).await;
    assert_exit(&o, Exit::Clean);
    let (lines, _) = stream(&o, "discover-events", "hcx-discover-events/v1");
    let odd: Vec<&Value> = of_kind(&lines, "warning")
        .into_iter()
        .filter(|l| l["endpoint"] == "POST /hybridity/api/interconnect/appliances/query")
        .collect();
    assert_eq!(odd.len(), 1, "{lines:?}");
    let w = odd[0];
    assert_eq!(w["site"], "onprem-dc1", "{w}");
    assert!(w["item"].as_str().is_some_and(|i| i.starts_with("appliance ")), "{w}");
    assert!(w["message"].as_str().is_some_and(|m| m.contains("applianceType")), "{w}");
    // A warning about the site as a whole has no read or item.
    assert!(of_kind(&lines, "warning").iter().any(|l| l["endpoint"].is_null() && l["item"].is_null()), "{lines:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discover_streams_its_events_and_writes_the_fleet_to_out() {
    let (_sim, endpoints, dir) = sim_endpoints("event-streams-discover").await;
    let fleet_file = dir.join("fleet.json");
    let o = discover_jsonl(&endpoints, &fleet_file, &[], &[]).await;
    assert_exit(&o, Exit::Clean);
    let (lines, run_id) = stream(&o, "discover-events", "hcx-discover-events/v1");
    assert!(run_id.starts_with("discover-") && run_id.len() == "discover-".len() + 8, "{run_id}");

    assert_eq!(sites_of(&lines, "site-started"), SITES, "one site-started per site");
    assert_eq!(sites_of(&lines, "site-answered"), SITES, "one site-answered per site");
    assert!(of_kind(&lines, "site-answered").iter().all(|l| l["version"].is_string() && l["level"] == "info"));
    assert!(of_kind(&lines, "site-failed").is_empty(), "{lines:?}");
    // A site's answer follows its start.
    for site in SITES {
        let at = |kind: &str| lines.iter().position(|l| l["event"] == kind && l["site"] == site).unwrap();
        assert!(at("site-started") < at("site-answered"), "{site}");
    }
    // The scenario's connector reports extensions whose port-group binding the API does not tell: its warning is
    // a line naming the site, at warn.
    let warnings = of_kind(&lines, "warning");
    assert!(warnings.iter().all(|l| l["level"] == "warn" && l["message"].is_string()), "{warnings:?}");
    assert!(
        warnings.iter().any(|l| l["site"] == "onprem-dc1"
            && l["message"].as_str().is_some_and(|m| m.contains("does not report port-group binding"))),
        "{lines:?}"
    );
    let last = lines.last().unwrap();
    assert_eq!(last["event"], "discovery-finished", "last: {last}");
    assert_eq!((last["answered"].as_u64(), last["failed"].as_u64()), (Some(2), Some(0)), "{last}");
    assert_eq!(of_kind(&lines, "discovery-finished").len(), 1);
    let kinds: BTreeSet<&str> = lines.iter().filter_map(|l| l["event"].as_str()).collect();
    let known = ["stream-started", "site-started", "site-answered", "site-failed", "warning", "discovery-finished"];
    assert!(kinds.iter().all(|k| known.contains(k)), "{kinds:?}");

    // The fleet went to --out, a valid fleet document with both sites.
    let fleet_text = std::fs::read_to_string(&fleet_file).unwrap();
    let fleet = hcx_core::fleet::Fleet::from_json(&fleet_text).unwrap();
    let mut ids: Vec<&str> = fleet.sites.iter().map(|s| s.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, SITES);
    let printed = hcx(&["schema", "fleet"]);
    let schema: Value = serde_json::from_str(&stdout(&printed)).unwrap();
    let doc: Value = serde_json::from_str(&fleet_text).unwrap();
    assert!(jsonschema::validator_for(&schema).unwrap().is_valid(&doc), "{fleet_text}");

    // Another run, another id.
    let again = discover_jsonl(&endpoints, &fleet_file, &[], &[]).await;
    assert_exit(&again, Exit::Clean);
    let (_, other) = stream(&again, "discover-events", "hcx-discover-events/v1");
    assert_ne!(other, run_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_that_fails_is_an_error_line_and_the_stream_still_ends() {
    let (_sim, endpoints, dir) = sim_endpoints("event-streams-discover-failed").await;
    let fleet_file = dir.join("fleet.json");
    let wrong = [("HCX_PASSWORD_AVS_WESTEUROPE", "wrong-secret-value")];

    // Refused without --allow-partial (exit 2, nothing written), yet the stream covers the discovery.
    let o = discover_jsonl(&endpoints, &fleet_file, &[], &wrong).await;
    assert_exit(&o, Exit::Usage);
    assert!(!fleet_file.exists(), "an incomplete inventory is not written");
    let (lines, _) = stream(&o, "discover-events", "hcx-discover-events/v1");
    let failed = of_kind(&lines, "site-failed");
    assert_eq!(failed.len(), 1, "{lines:?}");
    assert_eq!(failed[0]["site"], "avs-westeurope");
    assert_eq!(failed[0]["level"], "error");
    assert!(failed[0]["error"].as_str().is_some_and(|e| !e.is_empty()), "{}", failed[0]);
    assert!(!stdout(&o).contains("wrong-secret-value"), "the password is never written");
    assert_eq!(sites_of(&lines, "site-answered"), ["onprem-dc1"]);
    let last = lines.last().unwrap();
    assert_eq!(last["event"], "discovery-finished", "last: {last}");
    assert_eq!((last["answered"].as_u64(), last["failed"].as_u64()), (Some(1), Some(1)), "{last}");
    assert_eq!(last["level"], "info");

    // With --allow-partial the inventory is written, and the merge's warning about the failed site comes, at
    // warn and naming the site, before the end.
    let o = discover_jsonl(&endpoints, &fleet_file, &["--allow-partial"], &wrong).await;
    assert_exit(&o, Exit::Clean);
    assert!(fleet_file.exists());
    let (lines, _) = stream(&o, "discover-events", "hcx-discover-events/v1");
    let about_failed: Vec<&Value> = of_kind(&lines, "warning")
        .into_iter()
        .filter(|l| l["message"].as_str().is_some_and(|m| m.contains("avs-westeurope did not answer")))
        .collect();
    assert_eq!(about_failed.len(), 1, "{lines:?}");
    assert_eq!(about_failed[0]["site"], "avs-westeurope");
    assert_eq!(about_failed[0]["level"], "warn");
    assert_eq!(lines.last().unwrap()["event"], "discovery-finished");
}

#[test]
fn events_need_out_and_plan_has_none() {
    // The fleet document would otherwise share stdout with the stream.
    let o = hcx(&["discover", "--endpoints", "endpoints.json", "--events", "jsonl"]);
    assert_exit(&o, Exit::Usage);
    assert!(stderr(&o).contains("--out"), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    // Only `check` streams its findings; `plan` refuses the flag.
    let o = hcx(&["plan", "--date", DATE, "--events", "jsonl"]);
    assert_exit(&o, Exit::Usage);
    assert_eq!(stdout(&o), "");
}

/// `hcx check --date DATE --events jsonl [fleet]` against `hcx check --date DATE --format json [fleet]`: the
/// same findings in the same order, one line each, and `check-finished` counting them; returns the finish.
fn check_matches_its_json(fleet: &[&str], exit: Exit) -> Value {
    let with = |extra: &[&str]| {
        let mut args = vec!["check", "--date", DATE];
        args.extend_from_slice(fleet);
        args.extend_from_slice(extra);
        hcx(&args)
    };
    let o = with(&["--events", "jsonl"]);
    assert_exit(&o, exit);
    let (lines, run_id) = stream(&o, "check-events", "hcx-check-events/v1");
    assert!(run_id.starts_with("check-"), "{run_id}");
    let json = with(&["--format", "json"]);
    assert_exit(&json, exit);
    let doc: Value = serde_json::from_str(&stdout(&json)).unwrap();
    let expected = doc["findings"].as_array().unwrap();
    assert!(!expected.is_empty());

    let findings: Vec<&Value> = of_kind(&lines, "finding");
    assert_eq!(findings.len(), expected.len(), "one finding line per finding");
    assert_eq!(lines.len(), findings.len() + 2, "header, findings, finish: nothing else");
    for (line, finding) in findings.iter().zip(expected) {
        assert_eq!(&line["finding"], finding);
        let level = match (finding["severity"].as_str().unwrap(), finding["acknowledged"] == true) {
            ("blocker", false) => "error",
            ("blocker", true) | ("warning", _) => "warn",
            _ => "info",
        };
        assert_eq!(line["level"], level, "{line}");
    }
    let last = lines.last().unwrap();
    assert_eq!(last["event"], "check-finished", "last: {last}");
    let count = |severity: &str| expected.iter().filter(|f| f["severity"] == severity).count() as u64;
    assert_eq!(last["blockers"].as_u64(), Some(count("blocker")), "{last}");
    assert_eq!(last["warnings"].as_u64(), Some(count("warning")), "{last}");
    assert_eq!(last["infos"].as_u64(), Some(count("info")), "{last}");
    assert_eq!(last["exit_code"].as_u64(), Some(u64::from(exit.code())), "{last}");
    last.clone()
}

#[test]
fn check_streams_one_line_per_finding_of_the_sample() {
    let last = check_matches_its_json(&[], Exit::Clean);
    assert_eq!(last["level"], "info");
}

#[test]
fn check_streams_the_blockers_of_a_fleet_and_exits_1() {
    let fleet = repo_path("examples/fleets/multi-site.json");
    let last = check_matches_its_json(&["--fleet", s(&fleet)], Exit::Findings);
    assert!(last["blockers"].as_u64().unwrap() > 0, "{last}");
    assert_eq!(last["level"], "error");
}
