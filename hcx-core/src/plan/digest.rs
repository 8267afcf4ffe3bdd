//! Plan identity: SHA-256 digests over canonical JSON.
//!
//! Canonical JSON is the document with object keys sorted (by their UTF-8 bytes), no insignificant
//! whitespace and strings escaped as `serde_json` escapes them (`"`, `\` and control characters only); a
//! plan's digest covers every field but `digest` itself. Anyone can recompute it, for example in Python:
//! `hashlib.sha256(json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode())`
//! over the document without its `digest` key.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use super::Plan;
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
    let v = serde_json::to_value(value).map_err(|e| DigestError::Serialise { what, message: e.to_string() })?;
    Ok(canonical_value(&v))
}

fn canonical_value(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            // Sorted here, not by the map type: a `preserve_order` build of serde_json keeps insertion order.
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_canonical(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        Value::String(s) => write_string(s, out),
        // Null, booleans and numbers print the same everywhere.
        other => out.push_str(&other.to_string()),
    }
}

fn write_string(s: &str, out: &mut String) {
    // serde_json's escaping of a plain string cannot fail; its output is the canonical form.
    out.push_str(&Value::String(s.to_owned()).to_string());
}

/// `sha256:` and the lowercase hex SHA-256 of some bytes.
pub fn sha256(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
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
    canonical_json(value, what).map(|c| sha256(c.as_bytes()))
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
    digest_of(catalog.data(), "the catalog")
}

impl Plan {
    /// The canonical JSON the digest covers: the plan without its `digest` field.
    ///
    /// # Errors
    /// [`DigestError::Serialise`].
    pub fn canonical_json(&self) -> Result<String, DigestError> {
        let mut v = serde_json::to_value(self)
            .map_err(|e| DigestError::Serialise { what: "the plan", message: e.to_string() })?;
        if let Value::Object(map) = &mut v {
            map.remove("digest");
        }
        Ok(canonical_value(&v))
    }

    /// The digest of the plan's content (what [`Plan::digest`](Plan) should record).
    ///
    /// # Errors
    /// [`DigestError::Serialise`].
    pub fn compute_digest(&self) -> Result<String, DigestError> {
        self.canonical_json().map(|c| sha256(c.as_bytes()))
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
