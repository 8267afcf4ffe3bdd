//! The published JSON Schema of `hcx-plan/v2` (`hcx-core/schema/hcx-plan-v2.schema.json`) accepts every real
//! plan, rejects broken ones, and lists the same names as the Rust enums.
//!
//! The schema is hand-kept; this test holds a small validator for the keywords it uses, so that a field
//! added to the plan without the schema (or the other way round) fails here.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::path::Path;

use hcx_core::Catalog;
use hcx_core::fleet::{Fleet, MeshService};
use hcx_core::plan::{
    Check, NeUpgradeMode, Owner, Phase, PlanOptions, SAMPLE_FLEET, Severity, SnapshotMethod, StepKind, TargetSpec, plan,
};
use serde_json::Value;
use time::macros::date;

fn schema() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/hcx-plan-v2.schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The patterns the schema uses, checked by hand (no regex engine in the dependencies).
fn matches_pattern(pattern: &str, s: &str) -> bool {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    match pattern {
        "^sha256:[0-9a-f]{64}$" => s
            .strip_prefix("sha256:")
            .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))),
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" => {
            let p: Vec<&str> = s.split('-').collect();
            p.len() == 3 && p[0].len() == 4 && p[1].len() == 2 && p[2].len() == 2 && p.iter().all(|x| digits(x))
        }
        "^[0-9]+(\\.[0-9]+){2,4}(-[0-9A-Za-z.]+)?$" => {
            let (numbers, build) = s.split_once('-').map_or((s, None), |(a, b)| (a, Some(b)));
            let parts: Vec<&str> = numbers.split('.').collect();
            (3..=5).contains(&parts.len())
                && parts.iter().all(|x| digits(x))
                && build.is_none_or(|b| !b.is_empty() && b.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'.'))
        }
        other => panic!("the validator does not know the pattern {other:?}: add it here"),
    }
}

/// Problems of `v` against `s`, with their JSON paths.
fn validate(root: &Value, s: &Value, v: &Value, at: &str, out: &mut Vec<String>) {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").unwrap();
        return validate(root, &root["$defs"][name], v, at, out);
    }
    if let Some(c) = s.get("const") {
        if v != c {
            out.push(format!("{at}: expected {c}, found {v}"));
        }
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array) {
        if !e.contains(v) {
            out.push(format!("{at}: {v} is not one of {e:?}"));
        }
    }
    if let Some(options) = s.get("oneOf").and_then(Value::as_array) {
        let fits: Vec<usize> = (0..options.len())
            .filter(|&i| {
                let mut p = Vec::new();
                validate(root, &options[i], v, at, &mut p);
                p.is_empty()
            })
            .collect();
        if fits.len() != 1 {
            out.push(format!("{at}: matches {} of the oneOf alternatives, not exactly one", fits.len()));
        }
    }
    let ty = s.get("type").and_then(Value::as_str);
    let type_ok = match ty {
        None => true,
        Some("object") => v.is_object(),
        Some("array") => v.is_array(),
        Some("string") => v.is_string(),
        Some("integer") => v.is_u64() || v.is_i64(),
        Some("boolean") => v.is_boolean(),
        Some("null") => v.is_null(),
        Some(other) => panic!("the validator does not know the type {other:?}"),
    };
    if !type_ok {
        out.push(format!("{at}: expected {}, found {v}", ty.unwrap_or("?")));
        return;
    }
    if let (Some(min), Some(n)) = (s.get("minimum").and_then(Value::as_i64), v.as_i64()) {
        if n < min {
            out.push(format!("{at}: {n} is below {min}"));
        }
    }
    if let Some(text) = v.as_str() {
        if let Some(p) = s.get("pattern").and_then(Value::as_str) {
            if !matches_pattern(p, text) {
                out.push(format!("{at}: {text:?} does not match {p}"));
            }
        }
        if s.get("minLength").and_then(Value::as_u64).is_some_and(|m| (text.chars().count() as u64) < m) {
            out.push(format!("{at}: {text:?} is too short"));
        }
    }
    if let Some(items) = s.get("items") {
        for (i, x) in v.as_array().into_iter().flatten().enumerate() {
            validate(root, items, x, &format!("{at}[{i}]"), out);
        }
    }
    if let Some(map) = v.as_object() {
        let props = s.get("properties").and_then(Value::as_object);
        for r in s.get("required").and_then(Value::as_array).into_iter().flatten() {
            let r = r.as_str().unwrap();
            if !map.contains_key(r) {
                out.push(format!("{at}: missing required {r}"));
            }
        }
        for (k, x) in map {
            let here = format!("{at}.{k}");
            match (props.and_then(|p| p.get(k)), s.get("additionalProperties")) {
                (Some(ps), _) => validate(root, ps, x, &here, out),
                (None, Some(Value::Bool(false))) => out.push(format!("{here}: not in the schema")),
                (None, Some(extra)) if extra.is_object() => validate(root, extra, x, &here, out),
                _ => {}
            }
        }
    }
}

fn problems(doc: &Value) -> Vec<String> {
    let root = schema();
    let mut out = Vec::new();
    validate(&root, &root, doc, "$", &mut out);
    out
}

fn fleets() -> Vec<Fleet> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/fleets");
    let mut f = vec![Fleet::from_json(SAMPLE_FLEET).unwrap()];
    for name in ["multi-site.json", "legacy-4.3.json"] {
        f.push(Fleet::load(dir.join(name)).unwrap());
    }
    f
}

#[test]
fn every_real_plan_matches_the_published_schema() {
    let mut kinds = std::collections::BTreeSet::new();
    for fleet in fleets() {
        for target in ["latest", "4.10.3", "4.11.4"] {
            let options = PlanOptions::new(target.parse::<TargetSpec>().unwrap(), date!(2026 - 11 - 28));
            let Ok(p) = plan(&fleet, Catalog::bundled(), &options) else { continue };
            let doc: Value = serde_json::from_str(&p.to_json()).unwrap();
            let found = problems(&doc);
            assert!(found.is_empty(), "target {target}: {found:#?}");
            kinds.extend(p.steps.iter().map(|s| s.action.as_ref().unwrap().op.type_name()));
            assert!(doc.get("schedule").is_some() || fleet.windows.is_empty());
        }
    }
    // The plans checked use every action type but the fallback.
    for t in ["precheck", "snapshot", "upgrade-manager", "remove-service", "wait-convergence", "upgrade-appliances"] {
        assert!(kinds.contains(t), "no plan used {t}: {kinds:?}");
    }
    assert!(kinds.contains("redeploy-appliance") && kinds.contains("verify") && kinds.contains("manual"));
}

#[test]
fn the_schema_rejects_broken_plans() {
    let p = plan(
        &Fleet::from_json(SAMPLE_FLEET).unwrap(),
        Catalog::bundled(),
        &PlanOptions::new(TargetSpec::Validated, date!(2026 - 11 - 28)),
    )
    .unwrap();
    let good: Value = serde_json::from_str(&p.to_json()).unwrap();
    let broken = |edit: &dyn Fn(&mut Value)| {
        let mut d = good.clone();
        edit(&mut d);
        problems(&d)
    };
    assert!(!broken(&|d| d["steps"][0]["colour"] = "red".into()).is_empty());
    assert!(
        !broken(&|d| {
            d["steps"][0].as_object_mut().unwrap().remove("action");
        })
        .is_empty()
    );
    assert!(!broken(&|d| d["steps"][5]["action"]["type"] = "reboot".into()).is_empty());
    assert!(!broken(&|d| d["digest"] = "sha256:xyz".into()).is_empty());
    assert!(!broken(&|d| d["schema"] = "hcx-plan/v1".into()).is_empty());
    assert!(!broken(&|d| d["steps"][5]["action"]["after"]["managers"]["dc1"] = "soon".into()).is_empty());
}

fn schema_enum(name: &str) -> Vec<String> {
    schema()["$defs"][name]["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
}

fn names<T: std::fmt::Display>(all: &[T]) -> Vec<String> {
    all.iter().map(ToString::to_string).collect()
}

#[test]
fn the_schema_lists_the_rust_names() {
    assert_eq!(schema_enum("severity"), names(Severity::ALL));
    assert_eq!(schema_enum("owner"), names(Owner::ALL));
    assert_eq!(schema_enum("phase"), names(Phase::ALL));
    assert_eq!(schema_enum("step_kind"), names(StepKind::ALL));
    assert_eq!(schema_enum("ne_upgrade_mode"), names(NeUpgradeMode::ALL));
    assert_eq!(schema_enum("mesh_service"), names(MeshService::ALL));
    assert_eq!(schema_enum("check"), names(Check::ALL));
    assert_eq!(schema_enum("snapshot_method"), names(SnapshotMethod::ALL));
    assert_eq!(schema()["properties"]["schema"]["const"], hcx_core::plan::PLAN_SCHEMA);
}
