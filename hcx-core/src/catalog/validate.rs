//! Every problem of a catalog document at once: schema errors per entry, then the invariants.
//!
//! Parsing stops at the first schema error; a reviewer checking a new catalog wants them all, so each section
//! (and each entry of a list) is checked on its own.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{
    Advisory, CatalogData, Change, Deprecation, DownloadOffer, KnownIssue, Lifecycle, Note, PairingRule, PathRule,
    PlatformProfile, Release, Source, VersionFact,
};

/// What a top-level key must hold, and whether it may be absent.
struct Field {
    key: &'static str,
    required: bool,
    check: fn(&str, &Value, &mut Vec<String>),
}

fn one<T: DeserializeOwned>(path: &str, v: &Value, out: &mut Vec<String>) {
    if let Err(e) = serde_path_to_error::deserialize::<_, T>(v) {
        let inner = e.path().to_string();
        let inner = inner.trim_end_matches('?').trim_end_matches('.');
        let at = if inner.is_empty() { path.to_owned() } else { format!("{path}.{inner}") };
        out.push(format!("{at}: {}", e.inner()));
    }
}

fn each<T: DeserializeOwned>(path: &str, v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                one::<T>(&format!("{path}[{i}]"), x, out);
            }
        }
        other => one::<Vec<T>>(path, other, out),
    }
}

fn each_value<T: DeserializeOwned>(path: &str, v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                one::<T>(&format!("{path}.{k}"), x, out);
            }
        }
        other => one::<std::collections::BTreeMap<String, T>>(path, other, out),
    }
}

const FIELDS: &[Field] = &[
    Field { key: "schema", required: true, check: one::<String> },
    Field { key: "as_of", required: true, check: one::<time::Date> },
    Field { key: "sources", required: true, check: each_value::<Source> },
    Field { key: "releases", required: true, check: each::<Release> },
    Field { key: "lifecycle", required: false, check: each::<Lifecycle> },
    Field { key: "lifecycle_policy", required: true, check: one::<Note> },
    Field { key: "redeploy_below", required: true, check: one::<VersionFact> },
    Field { key: "paths", required: true, check: each::<PathRule> },
    Field { key: "forbidden_paths", required: false, check: each::<PathRule> },
    Field { key: "pairing", required: false, check: each::<PairingRule> },
    Field { key: "pairing_unknown_note", required: true, check: one::<Note> },
    Field { key: "changes", required: false, check: each::<Change> },
    Field { key: "deprecations", required: false, check: each::<Deprecation> },
    Field { key: "known_issues", required: false, check: each::<KnownIssue> },
    Field { key: "advisories", required: false, check: each::<Advisory> },
    Field { key: "platforms", required: false, check: each::<PlatformProfile> },
    Field { key: "downloads", required: false, check: each::<DownloadOffer> },
];

/// Every schema problem of a document, each with its JSON path; empty when it parses.
pub(super) fn schema_problems(text: &str) -> Result<CatalogData, Vec<String>> {
    let doc: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return Err(vec![format!("$: not JSON: {e}")]),
    };
    let Value::Object(map) = &doc else {
        return Err(vec!["$: expected a JSON object".to_owned()]);
    };
    let mut out = Vec::new();
    for key in map.keys() {
        if !FIELDS.iter().any(|f| f.key == key) {
            out.push(format!("$.{key}: unknown field"));
        }
    }
    for f in FIELDS {
        match map.get(f.key) {
            Some(v) => (f.check)(&format!("$.{}", f.key), v, &mut out),
            None if f.required => out.push(format!("$.{}: missing field", f.key)),
            None => {}
        }
    }
    if !out.is_empty() {
        return Err(out);
    }
    // Every section parsed alone; the whole should too, but never report success without it.
    serde_json::from_value(doc).map_err(|e| vec![format!("$: {e}")])
}
