//! How `hcx` talks to HCX Managers: TLS trust, timeouts and the response size cap, one set of flags shared
//! by every command that connects (`hcx discover`, `hcx plan --discover`, `hcx apply`).
//!
//! The flags mirror the Python binding's keyword arguments (`ca_bundle`, `connect_timeout`, `read_timeout`,
//! `timeout`, `danger_accept_invalid_certs`, `allow_insecure_http`) and become the same
//! [`ClientConfig`] of hcx-core ([`ConnectArgs::client_config`]). TLS is verified by default; turning it off
//! (or allowing plain http to a remote manager) takes a `--danger-…` flag.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use hcx_core::client::{ClientConfig, DEFAULT_MAX_RESPONSE_BYTES};
use hcx_core::input::InputError;

use crate::input::parse_duration;

/// Largest CA bundle read: far above any real bundle (the Mozilla roots are about 200 KiB).
const MAX_CA_BUNDLE_BYTES: u64 = 4 << 20;

/// Default of `--connect-timeout`.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Default of `--timeout`.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Connection options: TLS trust, timeouts (durations: `30s`, `500ms`, `2m`, or seconds) and the response
/// size cap.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Connection")]
pub struct ConnectArgs {
    /// PEM file of the CA certificate(s) that signed the managers' certificates (one or more
    /// `BEGIN CERTIFICATE` blocks); trusted instead of the system roots.
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Longest wait for a TCP+TLS connection to a manager.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub connect_timeout: Duration,
    /// Longest wait for the next bytes of a response (default: half of --timeout).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub read_timeout: Option<Duration>,
    /// Longest one request may take, body included.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// Largest response body read from a manager, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_RESPONSE_BYTES)]
    pub max_response_bytes: u64,
    /// Accept any TLS certificate, unverified (self-signed lab managers). Never use in production.
    #[arg(long, conflicts_with = "ca_cert")]
    pub danger_accept_invalid_certs: bool,
    /// Allow plain http, password included, to managers that are not on loopback. Never use in production.
    #[arg(long, alias = "allow-insecure-http")]
    pub danger_allow_insecure_http: bool,
}

impl Default for ConnectArgs {
    fn default() -> Self {
        Self {
            ca_cert: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: None,
            timeout: DEFAULT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            danger_accept_invalid_certs: false,
            danger_allow_insecure_http: false,
        }
    }
}

/// Why the connection options cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// The `--ca-cert` file cannot be read.
    #[error("--ca-cert {path}: {source}")]
    CaCertUnreadable {
        /// The file.
        path: String,
        /// What went wrong.
        #[source]
        source: InputError,
    },
    /// The `--ca-cert` file holds no usable PEM certificate.
    #[error("--ca-cert {path}: not a PEM certificate bundle ({reason})")]
    CaCertInvalid {
        /// The file.
        path: String,
        /// What the TLS stack said.
        reason: String,
    },
}

impl ConnectArgs {
    /// The client configuration these options describe: hcx-core's defaults (retries, session expiry) with
    /// the timeouts, trust and cap given. `hcx apply` passes it to `hcx_apply::Managers::new`, discovery to
    /// `DiscoveryOptions::new`.
    ///
    /// # Errors
    /// [`ConnectError`] when the `--ca-cert` file cannot be read or holds no certificate; checked here, so
    /// the message names the file instead of failing later, once per manager.
    pub fn client_config(&self) -> Result<ClientConfig, ConnectError> {
        // A stalled read fails before the whole request's deadline, as hcx-core's defaults have it (30 s of 60 s).
        let read = self.read_timeout.unwrap_or(self.timeout / 2);
        let cfg = ClientConfig::default()
            .with_timeouts(self.connect_timeout, read, self.timeout)
            .with_max_response_bytes(self.max_response_bytes)
            .danger_accept_invalid_certs(self.danger_accept_invalid_certs)
            .allow_insecure_http(self.danger_allow_insecure_http);
        Ok(match &self.ca_cert {
            Some(path) => cfg.with_ca_bundle_pem(ca_bundle(path)?),
            None => cfg,
        })
    }

    /// [`ConnectArgs::client_config`] with the error as text, as `hcx apply`'s run reports its errors:
    /// `Managers::new(targets, &args.connect.apply_client()?)`.
    ///
    /// # Errors
    /// As [`ConnectArgs::client_config`].
    pub fn apply_client(&self) -> Result<ClientConfig, String> {
        self.client_config().map_err(|e| e.to_string())
    }
}

/// Reads a CA bundle and checks that the TLS stack takes at least one certificate from it.
fn ca_bundle(path: &Path) -> Result<Vec<u8>, ConnectError> {
    let shown = path.display().to_string();
    let pem = match hcx_core::input::read_file_capped(path, MAX_CA_BUNDLE_BYTES) {
        Ok(text) => text.into_bytes(),
        // PEM is text: a binary file is most likely a DER certificate.
        Err(InputError::Utf8(_)) => {
            return Err(ConnectError::CaCertInvalid {
                path: shown,
                reason: "binary, not PEM text; a DER certificate converts with `openssl x509 -inform der`".to_owned(),
            });
        }
        Err(source) => return Err(ConnectError::CaCertUnreadable { path: shown, source }),
    };
    // Building a client with the bundle alone is the TLS stack's own check, the same one every manager's
    // connection goes through.
    match ClientConfig::default().with_ca_bundle_pem(pem.clone()).build_http() {
        Ok(_) => Ok(pem),
        Err(e) => Err(ConnectError::CaCertInvalid { path: shown, reason: client_reason(&e) }),
    }
}

/// A configuration error's own words, without the generic "invalid client configuration" lead.
fn client_reason(e: &hcx_core::client::ClientError) -> String {
    match e {
        hcx_core::client::ClientError::Config(reason) => reason.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> ConnectArgs {
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            connect: ConnectArgs,
        }
        let argv = std::iter::once("hcx").chain(args.iter().copied());
        <Cli as clap::Parser>::try_parse_from(argv).expect("valid flags").connect
    }

    #[test]
    fn defaults_are_hcx_cores() {
        let cfg = parse(&[]).client_config().expect("config");
        let core = ClientConfig::default();
        assert_eq!(
            (cfg.connect_timeout, cfg.read_timeout, cfg.timeout),
            (core.connect_timeout, core.read_timeout, core.timeout)
        );
        assert_eq!(cfg.max_response_bytes, core.max_response_bytes);
        assert!(!cfg.danger_accept_invalid_certs && !cfg.allow_insecure_http && cfg.ca_bundle_pem.is_none());
        assert_eq!(format!("{:?}", ConnectArgs::default()), format!("{:?}", parse(&[])));
    }

    #[test]
    fn flags_become_the_client_configuration() {
        let cfg = parse(&[
            "--connect-timeout",
            "2s",
            "--timeout",
            "20s",
            "--max-response-bytes",
            "1000",
            "--danger-accept-invalid-certs",
            "--allow-insecure-http",
        ])
        .client_config()
        .expect("config");
        assert_eq!((cfg.connect_timeout, cfg.read_timeout, cfg.timeout), (secs(2), secs(10), secs(20)));
        assert_eq!(cfg.max_response_bytes, 1000);
        assert!(cfg.danger_accept_invalid_certs && cfg.allow_insecure_http);
        let cfg = parse(&["--read-timeout", "5s"]).client_config().expect("config");
        assert_eq!(cfg.read_timeout, secs(5));
    }

    #[test]
    fn a_ca_cert_and_no_verification_exclude_each_other() {
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            connect: ConnectArgs,
        }
        let argv = ["hcx", "--ca-cert", "ca.pem", "--danger-accept-invalid-certs"];
        assert!(<Cli as clap::Parser>::try_parse_from(argv).is_err());
    }

    #[test]
    fn the_flags_fit_beside_apply_s_own() {
        use clap::{Args as _, FromArgMatches as _};
        // Apply's run arguments flatten `ConnectArgs` (`#[command(flatten)] connect`): clap's own checks refuse a
        // flag defined twice, and the flags parse into the connection options beside apply's own.
        let cmd = crate::apply_cmd::ApplyArgs::augment_args(clap::Command::new("apply"));
        cmd.clone().debug_assert();
        let m = cmd
            .try_get_matches_from(["apply", "plan.json", "--endpoints", "e.json", "--read-timeout", "3s"])
            .expect("valid flags");
        let cfg = ConnectArgs::from_arg_matches(&m).expect("connect").apply_client().expect("config");
        assert_eq!(cfg.read_timeout, secs(3));
        let missing = ConnectArgs { ca_cert: Some("/nonexistent/ca.pem".into()), ..ConnectArgs::default() };
        assert!(missing.apply_client().expect_err("missing").starts_with("--ca-cert /nonexistent/ca.pem: "));
    }

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }
}
