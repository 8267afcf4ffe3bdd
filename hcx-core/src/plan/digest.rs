//! Plan identity: SHA-256 digests over canonical JSON.
//!
//! Canonical JSON is the document with object keys sorted (by their UTF-8 bytes), no insignificant
//! whitespace and strings escaped as `serde_json` escapes them (`"`, `\` and control characters only); a
//! plan's digest covers every field but `digest` itself. Anyone can recompute it, for example in Python:
//! `hashlib.sha256(json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode())`
//! over the document without its `digest` key.

use std::fmt::Write as _;

use serde::Serialize;
use sha2::{Digest as _, Sha256};

use super::Plan;
use super::canon::Canon;
use crate::catalog::Catalog;
use crate::fleet::Fleet;

/// The prefix of every digest string: the algorithm.
pub const DIGEST_PREFIX: &str = "sha256:";

/// A digest that cannot be computed, or a plan whose digest does not match its content.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DigestError {
    /// The value could not be turned into JSON.
    #[error("cannot serialise {what} for its digest: {message}")]
    Serialise {
        /// What was being digested.
        what: &'static str,
        /// The serialiser's message.
        message: String,
    },
    /// The plan's content does not match the digest it records: it was edited after it was made.
    #[error(
        "the plan's digest does not match its content (recorded {recorded}, computed {computed}): it was edited after it was made"
    )]
    Mismatch {
        /// The digest in the document.
        recorded: String,
        /// The digest of its content.
        computed: String,
    },
}

/// The canonical JSON of a value: sorted keys, no whitespace.
///
/// # Errors
/// [`DigestError::Serialise`] when the value cannot be represented as JSON.
pub fn canonical_json<T: Serialize>(value: &T, what: &'static str) -> Result<String, DigestError> {
    let mut out = Vec::new();
    let mut sink = |b: &[u8]| out.extend_from_slice(b);
    let mut c = Canon::new(&mut sink);
    value.serialize(&mut c).map_err(|e| serialise(what, &e))?;
    c.finish();
    String::from_utf8(out).map_err(|e| serialise(what, &e))
}

fn serialise(what: &'static str, e: &dyn std::error::Error) -> DigestError {
    DigestError::Serialise { what, message: e.to_string() }
}

/// `sha256:` and the hex digest of what `write` feeds the canonical writer.
fn hash_canonical(
    what: &'static str,
    write: impl FnOnce(&mut Canon<'_>) -> Result<(), super::canon::CanonError>,
) -> Result<String, DigestError> {
    let mut hasher = Sha256::new();
    let mut sink = |b: &[u8]| hasher.update(b);
    let mut c = Canon::new(&mut sink);
    write(&mut c).map_err(|e| serialise(what, &e))?;
    c.finish();
    Ok(hex(&hasher.finalize()))
}

/// `sha256:` and the lowercase hex SHA-256 of some bytes.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(hash: &[u8]) -> String {
    let mut s = String::with_capacity(DIGEST_PREFIX.len() + 64);
    s.push_str(DIGEST_PREFIX);
    for b in hash {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The digest of a value's canonical JSON.
///
/// # Errors
/// [`DigestError::Serialise`].
pub fn digest_of<T: Serialize>(value: &T, what: &'static str) -> Result<String, DigestError> {
    hash_canonical(what, |c| value.serialize(c))
}

/// The digest of a fleet document.
///
/// # Errors
/// [`DigestError::Serialise`].
pub fn fleet_digest(fleet: &Fleet) -> Result<String, DigestError> {
    digest_of(fleet, "the fleet")
}

/// The digest of a catalog's data (the same catalog gives the same digest, however it was loaded).
///
/// # Errors
/// [`DigestError::Serialise`].
pub fn catalog_digest(catalog: &Catalog) -> Result<String, DigestError> {
    // Computed when the catalog was loaded, with this same definition.
    Ok(catalog.digest().to_owned())
}

impl Plan {
    /// The canonical JSON the digest covers: the plan without its `digest` field.
    ///
    /// # Errors
    /// [`DigestError::Serialise`].
    pub fn canonical_json(&self) -> Result<String, DigestError> {
        let mut out = Vec::new();
        let mut sink = |b: &[u8]| out.extend_from_slice(b);
        let mut c = Canon::new(&mut sink);
        self.write_canonical(&mut c).map_err(|e| serialise("the plan", &e))?;
        c.finish();
        String::from_utf8(out).map_err(|e| serialise("the plan", &e))
    }

    /// The digest of the plan's content (what [`Plan::digest`](Plan) should record).
    ///
    /// # Errors
    /// [`DigestError::Serialise`].
    pub fn compute_digest(&self) -> Result<String, DigestError> {
        hash_canonical("the plan", |c| self.write_canonical(c))
    }

    /// The plan's members but `digest`, in key order, written one by one: the steps and findings stream
    /// through the writer instead of waiting in one buffer for the plan's keys to be sorted.
    fn write_canonical(&self, c: &mut Canon<'_>) -> Result<(), super::canon::CanonError> {
        // Every field is named: a new one fails to compile here until it is placed in key order.
        let Plan {
            schema,
            digest: _,
            inputs,
            date,
            catalog_as_of,
            target,
            target_reason,
            summary,
            findings,
            steps,
            schedule,
            confidence,
        } = self;
        c.raw(b"{");
        c.member("catalog_as_of", catalog_as_of)?;
        if let Some(x) = confidence {
            c.raw(b",");
            c.member("confidence", x)?;
        }
        c.raw(b",");
        c.member("date", date)?;
        c.raw(b",");
        c.member("findings", findings)?;
        c.raw(b",");
        c.member("inputs", inputs)?;
        if let Some(x) = schedule {
            c.raw(b",");
            c.member("schedule", x)?;
        }
        c.raw(b",");
        c.member("schema", schema)?;
        c.raw(b",");
        c.member("steps", steps)?;
        c.raw(b",");
        c.member("summary", summary)?;
        c.raw(b",");
        c.member("target", target)?;
        c.raw(b",");
        c.member("target_reason", target_reason)?;
        c.raw(b"}");
        Ok(())
    }

    /// Checks that the recorded digest matches the content: a plan edited by hand after it was made fails.
    ///
    /// # Errors
    /// [`DigestError::Mismatch`], or [`DigestError::Serialise`].
    pub fn verify_digest(&self) -> Result<(), DigestError> {
        let computed = self.compute_digest()?;
        if computed == self.digest {
            Ok(())
        } else {
            Err(DigestError::Mismatch { recorded: self.digest.clone(), computed })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::canon::tests::by_value;
    use crate::plan::{PlanOptions, TargetSpec, plan};

    fn sample_plan(windows: bool) -> Plan {
        let mut fleet = Fleet::from_json(crate::plan::SAMPLE_FLEET).unwrap();
        if windows {
            fleet.windows.push(crate::fleet::MaintenanceWindow::once(
                None,
                time::macros::datetime!(2026-12-05 22:00 UTC),
                time::macros::datetime!(2026-12-06 02:00 UTC),
            ));
        }
        let options = PlanOptions::new(TargetSpec::Validated, time::macros::date!(2026 - 11 - 28));
        plan(&fleet, Catalog::bundled(), &options).unwrap()
    }

    #[test]
    fn streaming_canonical_json_matches_the_sorted_value() {
        for windows in [false, true] {
            let p = sample_plan(windows);
            let mut v = serde_json::to_value(&p).unwrap();
            v.as_object_mut().unwrap().remove("digest");
            assert_eq!(p.canonical_json().unwrap(), by_value(&v));
            assert_eq!(p.compute_digest().unwrap(), sha256(by_value(&v).as_bytes()));
            assert_eq!(canonical_json(&p.steps, "steps").unwrap(), by_value(&p.steps));
        }
        let catalog = Catalog::bundled();
        assert_eq!(canonical_json(catalog.data(), "the catalog").unwrap(), by_value(catalog.data()));
        let fleet = Fleet::from_json(crate::plan::SAMPLE_FLEET).unwrap();
        assert_eq!(fleet_digest(&fleet).unwrap(), sha256(by_value(&fleet).as_bytes()));
    }

    #[test]
    fn streamed_json_is_the_json_text() {
        let p = sample_plan(true);
        let mut out = Vec::new();
        p.write_json(&mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), p.to_json());
    }

    #[test]
    fn odd_values_are_written_as_a_sorted_value_writes_them() {
        let mut map = std::collections::HashMap::new();
        map.insert(2u32, vec![Some(1.5f64), None, Some(f64::NAN)]);
        map.insert(10u32, vec![]);
        let doc = (map, "tab\tquote\"é\u{1}", 'x', [true, false], ("a", -3i64));
        assert_eq!(canonical_json(&doc, "doc").unwrap(), by_value(&doc));
        #[derive(Serialize)]
        enum E {
            Unit,
            New(u8),
            Tuple(u8, u8),
            Named { z: u8, a: u8 },
        }
        let all = vec![E::Unit, E::New(1), E::Tuple(1, 2), E::Named { z: 1, a: 2 }];
        assert_eq!(canonical_json(&all, "enums").unwrap(), by_value(&all));
    }

    #[test]
    fn a_map_key_that_is_not_text_is_an_error() {
        let mut map = std::collections::BTreeMap::new();
        map.insert(vec![1u8], 1u8);
        assert!(matches!(canonical_json(&map, "map"), Err(DigestError::Serialise { what: "map", .. })));
    }
}
