//! The endpoints file (`hcx-endpoints/v1`): which managers to read, and where their passwords come from.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::fleet::{Platform, SiteRole};

/// Schema tag of an endpoints file.
pub const ENDPOINTS_SCHEMA: &str = "hcx-endpoints/v1";

/// One manager to discover (an entry of the endpoints file). No password: it comes from elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteEndpoint {
    /// Site id to use in the fleet.
    pub site: String,
    /// Manager base URL, e.g. `https://hcx.dc1.example`.
    pub url: String,
    /// Connector or Cloud.
    pub role: SiteRole,
    /// Platform.
    pub platform: Platform,
    /// SSO user.
    pub username: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The `hcx-endpoints/v1` file:
/// `{"schema":"hcx-endpoints/v1","endpoints":[{"site","url","role","platform","username","name"?}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointsFile {
    /// Always [`ENDPOINTS_SCHEMA`].
    pub schema: String,
    /// The managers.
    pub endpoints: Vec<SiteEndpoint>,
}

/// A bad endpoints file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointsError {
    /// Unreadable file: an I/O error, a file over the input cap (or a stream with no end, such as `/dev/zero`),
    /// or not UTF-8 text.
    #[error("cannot read endpoints file {path}: {}", reason(source))]
    Read {
        /// Path.
        path: String,
        /// Why: the same error a fleet file over the cap gives.
        #[source]
        source: crate::input::InputError,
    },
    /// JSON mismatch.
    #[error("invalid endpoints file at `{path}`: {message}")]
    Json {
        /// JSON path.
        path: String,
        /// Message.
        message: String,
    },
    /// Inconsistent content.
    #[error("invalid endpoints file: {0}")]
    Invalid(String),
}

impl EndpointsFile {
    /// Parses and checks an endpoints file.
    ///
    /// # Errors
    /// [`EndpointsError`] naming the JSON path or the duplicate site.
    pub fn from_json(text: &str) -> Result<Self, EndpointsError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let f: Self = serde_path_to_error::deserialize(de)
            .map_err(|e| EndpointsError::Json { path: e.path().to_string(), message: e.inner().to_string() })?;
        if f.schema != ENDPOINTS_SCHEMA {
            return Err(EndpointsError::Invalid(format!(
                "schema {}, expected {ENDPOINTS_SCHEMA:?}",
                crate::quote::quoted(&f.schema)
            )));
        }
        if f.endpoints.is_empty() {
            return Err(EndpointsError::Invalid("no endpoints listed: nothing to discover".to_owned()));
        }
        let mut seen = BTreeSet::new();
        for e in &f.endpoints {
            if !seen.insert(e.site.as_str()) {
                return Err(EndpointsError::Invalid(format!("site {} is listed twice", crate::quote::quoted(&e.site))));
            }
        }
        Ok(f)
    }

    /// Reads an endpoints file of at most [`DEFAULT_MAX_INPUT_BYTES`](crate::input::DEFAULT_MAX_INPUT_BYTES).
    ///
    /// # Errors
    /// [`EndpointsError`].
    pub fn load(path: impl AsRef<Path>) -> Result<Self, EndpointsError> {
        let path = path.as_ref();
        let text = crate::input::read_file_capped(path, crate::input::DEFAULT_MAX_INPUT_BYTES)
            .map_err(|source| EndpointsError::Read { path: path.display().to_string(), source })?;
        Self::from_json(&text)
    }
}

/// An input error without the "cannot read" that [`EndpointsError::Read`]'s message already says.
fn reason(e: &crate::input::InputError) -> String {
    use crate::input::InputError;
    match e {
        InputError::Io(io) => io.to_string(),
        InputError::TooLarge { .. } | InputError::Utf8(_) => e.to_string(),
    }
}

/// The environment variable holding a site's password, e.g. `HCX_PASSWORD_ONPREM_DC1` for `onprem-dc1`
/// (upper-cased, every other character than a letter or digit turned into `_`). The CLI and the Python
/// package both read it, then `HCX_PASSWORD`.
pub fn password_env_var(site: &str) -> String {
    let suffix: String =
        site.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect();
    format!("HCX_PASSWORD_{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::InputError;

    #[cfg(unix)]
    #[test]
    fn a_stream_with_no_end_is_refused_at_the_cap() {
        let e = EndpointsFile::load("/dev/zero").expect_err("never ends");
        assert!(
            matches!(&e, EndpointsError::Read { path, source: InputError::TooLarge { .. } } if path == "/dev/zero")
        );
        let text = e.to_string();
        assert!(text.starts_with("cannot read endpoints file /dev/zero: input is larger than the cap"), "{text}");
    }

    #[test]
    fn a_missing_file_says_so_once() {
        let e = EndpointsFile::load("/nonexistent/endpoints.json").expect_err("missing");
        assert!(
            matches!(&e, EndpointsError::Read { source: InputError::Io(io), .. } if io.kind() == std::io::ErrorKind::NotFound)
        );
        let text = e.to_string();
        assert!(
            text.starts_with("cannot read endpoints file /nonexistent/endpoints.json: ")
                && text.matches("cannot read").count() == 1,
            "{text}"
        );
    }
}
