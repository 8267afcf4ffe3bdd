//! What changed between two catalogs, entry by entry: what a reviewer reads before accepting a new catalog.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::{Catalog, CatalogError};

/// How an entry changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DiffKind {
    /// Only in the new catalog.
    Added,
    /// Only in the old catalog.
    Removed,
    /// In both, with different content.
    Changed,
}

impl DiffKind {
    /// `added`, `removed` or `changed`.
    pub fn as_str(self) -> &'static str {
        match self {
            DiffKind::Added => "added",
            DiffKind::Removed => "removed",
            DiffKind::Changed => "changed",
        }
    }
}

/// One entry added, removed or changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DiffEntry {
    /// The catalog section (`releases`, `paths`, `known_issues`, `sources`, ...).
    pub section: String,
    /// The entry's key in its section (a version, a rule id, a source id...).
    pub key: String,
    /// How it changed.
    pub kind: DiffKind,
    /// For a change: the fields whose values differ.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

impl std::fmt::Display for DiffEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}", self.kind.as_str(), self.section, self.key)?;
        if !self.fields.is_empty() {
            write!(f, " ({})", self.fields.join(", "))?;
        }
        Ok(())
    }
}

/// The key of an entry of a list section; entries that sources state twice (two end-of-support dates for one
/// range) are told apart by their sources.
fn entry_key(section: &str, v: &Value) -> String {
    let s = |k: &str| match v.get(k) {
        Some(Value::String(x)) => x.clone(),
        Some(Value::Null) | None => String::new(),
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "),
        Some(other) => other.to_string(),
    };
    match section {
        "releases" => s("version"),
        "lifecycle" => format!("{} per {}", s("applies_to"), s("sources")),
        "deprecations" => {
            let platform = s("platform");
            let on = if platform.is_empty() { String::new() } else { format!(" on {platform}") };
            format!("{} {} since {}{on}", s("feature"), s("status"), s("since"))
        }
        "platforms" => s("platform"),
        "downloads" => format!("{} on {}", s("portal"), s("as_of")),
        _ => s("id"),
    }
}

/// The fields of two objects whose values differ (the whole value when either is not an object).
fn changed_fields(a: &Value, b: &Value) -> Vec<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().filter(|k| x.get(*k) != y.get(*k)).cloned().collect()
        }
        _ => Vec::new(),
    }
}

fn diff_values(a: &Value, b: &Value) -> Vec<DiffEntry> {
    let empty = serde_json::Map::new();
    let (a, b) = (a.as_object().unwrap_or(&empty), b.as_object().unwrap_or(&empty));
    let mut sections: Vec<&String> = a.keys().chain(b.keys()).collect();
    sections.sort();
    sections.dedup();
    let mut out = Vec::new();
    for section in sections {
        let (x, y) = (a.get(section).unwrap_or(&Value::Null), b.get(section).unwrap_or(&Value::Null));
        if x == y {
            continue;
        }
        let keyed = |v: &Value| -> Option<BTreeMap<String, Vec<Value>>> {
            match v {
                Value::Array(items) => {
                    let mut m: BTreeMap<String, Vec<Value>> = BTreeMap::new();
                    for item in items {
                        m.entry(entry_key(section, item)).or_default().push(item.clone());
                    }
                    Some(m)
                }
                Value::Object(map) if section == "sources" => {
                    Some(map.iter().map(|(k, v)| (k.clone(), vec![v.clone()])).collect())
                }
                Value::Null => Some(BTreeMap::new()),
                _ => None,
            }
        };
        match (keyed(x), keyed(y)) {
            (Some(mx), Some(my)) => {
                let mut keys: Vec<&String> = mx.keys().chain(my.keys()).collect();
                keys.sort();
                keys.dedup();
                for key in keys {
                    let entry = |kind, fields| DiffEntry { section: section.clone(), key: key.clone(), kind, fields };
                    match (mx.get(key), my.get(key)) {
                        (Some(_), None) => out.push(entry(DiffKind::Removed, Vec::new())),
                        (None, Some(_)) => out.push(entry(DiffKind::Added, Vec::new())),
                        (Some(p), Some(q)) if p != q => {
                            let fields = match (p.as_slice(), q.as_slice()) {
                                ([p], [q]) => changed_fields(p, q),
                                _ => Vec::new(),
                            };
                            out.push(entry(DiffKind::Changed, fields));
                        }
                        _ => {}
                    }
                }
            }
            // A single fact (`as_of`, `redeploy_below`, ...).
            _ => out.push(DiffEntry {
                section: section.clone(),
                key: section.clone(),
                kind: DiffKind::Changed,
                fields: changed_fields(x, y),
            }),
        }
    }
    out
}

impl Catalog {
    /// What changed from this catalog to `newer`: releases, paths, issues, sources and every other fact added,
    /// removed or changed (with the fields that differ). Empty when the two hold the same facts.
    ///
    /// # Errors
    /// [`CatalogError::Unserializable`] if either catalog cannot be turned into JSON (never for a loaded one).
    pub fn diff(&self, newer: &Catalog) -> Result<Vec<DiffEntry>, CatalogError> {
        let value = |c: &Catalog| {
            serde_json::to_value(&c.data).map_err(|e| CatalogError::Unserializable { message: e.to_string() })
        };
        Ok(diff_values(&value(self)?, &value(newer)?))
    }
}
