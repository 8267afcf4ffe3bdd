//! Plan identity: the `hcx-plan/v2` digest over canonical JSON, the recorded inputs, and old documents.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use hcx_core::Catalog;
use hcx_core::fleet::Fleet;
use hcx_core::plan::{
    DigestError, PLAN_SCHEMA, Plan, PlanOptions, PlanReadError, SAMPLE_FLEET, TargetSpec, catalog_digest, fleet_digest,
    plan, sha256,
};
use serde_json::Value;
use time::macros::date;

const DATE: time::Date = date!(2026 - 11 - 28);

fn sample() -> (Fleet, Plan) {
    let fleet = Fleet::from_json(SAMPLE_FLEET).unwrap();
    let options = PlanOptions::new(TargetSpec::Validated, DATE).acknowledge("snapshot-window");
    let p = plan(&fleet, Catalog::bundled(), &options).unwrap();
    (fleet, p)
}

#[test]
fn the_digest_is_stable_and_verifies() {
    let (_, a) = sample();
    let (_, b) = sample();
    assert_eq!(a.schema, PLAN_SCHEMA);
    assert!(a.digest.starts_with("sha256:") && a.digest.len() == 7 + 64, "{}", a.digest);
    assert_eq!(a.digest, b.digest);
    a.verify_digest().unwrap();
    // Read back from its file form, it still verifies.
    Plan::from_json(&a.to_json()).unwrap().verify_digest().unwrap();
    // Another date is another plan.
    let fleet = Fleet::from_json(SAMPLE_FLEET).unwrap();
    let c = plan(&fleet, Catalog::bundled(), &PlanOptions::new(TargetSpec::Validated, date!(2026 - 11 - 29))).unwrap();
    assert_ne!(a.digest, c.digest);
}

#[test]
fn the_digest_is_the_sha256_of_the_canonical_json_without_the_digest() {
    let (_, p) = sample();
    let canonical = p.canonical_json().unwrap();
    assert!(!canonical.contains("\"digest\""));
    assert!(!canonical.contains('\n') && !canonical.starts_with("{ "));
    assert!(canonical.starts_with("{\"catalog_as_of\":"), "keys are sorted: {}", &canonical[..40]);
    assert_eq!(p.digest, sha256(canonical.as_bytes()));
    // The canonical form is the pretty document re-encoded with sorted keys: recomputable by anyone.
    let mut v: Value = serde_json::from_str(&p.to_json()).unwrap();
    v.as_object_mut().unwrap().remove("digest");
    assert_eq!(hcx_core::plan::canonical_json(&v, "test").unwrap(), canonical);
}

/// Every leaf of the document, as a JSON pointer.
fn leaves(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => m.iter().for_each(|(k, v)| leaves(v, format!("{at}/{k}"), out)),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, v)| leaves(v, format!("{at}/{i}"), out)),
        _ => out.push(at),
    }
}

#[test]
fn any_edit_of_a_plan_file_is_detected() {
    let (_, p) = sample();
    let doc: Value = serde_json::from_str(&p.to_json()).unwrap();
    let mut pointers = Vec::new();
    leaves(&doc, String::new(), &mut pointers);
    assert!(pointers.len() > 200, "{}", pointers.len());
    let mut checked = 0;
    for ptr in &pointers {
        let mut edited = doc.clone();
        let leaf = edited.pointer_mut(ptr).unwrap();
        *leaf = match leaf.take() {
            Value::String(s) if s.starts_with("sha256:") => {
                let last = if s.ends_with('0') { '1' } else { '0' };
                Value::String(format!("{}{last}", &s[..s.len() - 1]))
            }
            Value::String(s) => Value::String(format!("{s}x")),
            Value::Number(n) => Value::from(n.as_u64().unwrap_or(0) + 1),
            Value::Bool(b) => Value::Bool(!b),
            Value::Null => Value::from(0),
            other => other,
        };
        // Edits that break the schema (a version "4.11.4x") are refused when read; the rest fail the digest.
        if let Ok(q) = Plan::from_json(&edited.to_string()) {
            assert!(matches!(q.verify_digest(), Err(DigestError::Mismatch { .. })), "editing {ptr} went unnoticed");
            checked += 1;
        }
    }
    assert!(checked > 200, "only {checked} edits were readable");
    // Removing a step, or reordering two, is an edit too.
    let mut q = p.clone();
    q.steps.swap(0, 1);
    assert!(q.verify_digest().is_err());
    q.steps.remove(0);
    assert!(q.verify_digest().is_err());
}

#[test]
fn the_inputs_name_the_fleet_catalog_and_options() {
    let (fleet, p) = sample();
    assert_eq!(p.inputs.fleet, fleet_digest(&fleet).unwrap());
    assert_eq!(p.inputs.catalog, catalog_digest(Catalog::bundled()).unwrap());
    assert_eq!(p.inputs.catalog_as_of, Catalog::bundled().as_of());
    assert_eq!(p.inputs.options.target, "validated");
    assert_eq!(p.inputs.options.date, DATE);
    assert_eq!(p.inputs.options.acknowledge, ["snapshot-window"]);
    // The same catalog loaded from its text has the same digest; the same fleet reformatted too.
    let reloaded = Catalog::from_json(Catalog::bundled_json()).unwrap();
    assert_eq!(catalog_digest(&reloaded).unwrap(), p.inputs.catalog);
    let reformatted = Fleet::from_json(&fleet.to_json_pretty()).unwrap();
    assert_eq!(fleet_digest(&reformatted).unwrap(), p.inputs.fleet);
}

#[test]
fn an_hcx_plan_v1_document_says_how_to_re_plan() {
    let v1 = r#"{"schema": "hcx-plan/v1", "date": "2026-11-28", "steps": []}"#;
    let e = Plan::from_json(v1).unwrap_err();
    assert!(matches!(e, PlanReadError::OldSchema { .. }), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("hcx-plan/v1") && text.contains("hcx-plan/v2"), "{text}");
    assert!(text.contains("make the plan again"), "{text}");
    let e = Plan::from_json(r#"{"schema": "hcx-plan/v2", "date": 1}"#).unwrap_err();
    assert!(matches!(e, PlanReadError::Malformed { .. }), "{e:?}");
}

#[test]
fn default_policy_lives_in_core() {
    let fleet = Fleet::from_json(SAMPLE_FLEET).unwrap();
    assert_eq!(TargetSpec::default_for(&fleet, Catalog::bundled()), TargetSpec::Validated);
    let onprem = Fleet::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/fleets/legacy-4.3.json")).unwrap();
    assert_eq!(TargetSpec::default_for(&onprem, Catalog::bundled()), TargetSpec::Latest);
    // The default date is `plan::today()`, the library's one reading of the wall clock; midnight may pass
    // between the two reads.
    let before = hcx_core::plan::today();
    let o = PlanOptions::default_for(&fleet, Catalog::bundled());
    assert!([before, hcx_core::plan::today()].contains(&o.date), "{} is not today (UTC)", o.date);
    assert_eq!(o.target, TargetSpec::Validated);
}

#[test]
fn core_messages_name_options_not_command_line_flags() {
    let fleet = Fleet::from_json(SAMPLE_FLEET).unwrap();
    let e = plan(&fleet, Catalog::bundled(), &PlanOptions::new(TargetSpec::Validated, DATE).acknowledge("nope"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("known rules: ") && e.contains("snapshot-window") && !e.contains("hcx "), "{e}");
    let e =
        plan(&fleet, Catalog::bundled(), &PlanOptions::new("4.99.0".parse().unwrap(), DATE)).unwrap_err().to_string();
    assert!(!e.contains("--") && !e.contains("`hcx"), "{e}");
}
