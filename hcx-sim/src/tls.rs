//! HTTPS for clients that only speak it (Microsoft's `hcx.py` hardcodes `https://`): a throwaway CA made at
//! start-up and a leaf certificate for `127.0.0.1` and `localhost` signed by it. Clients trust the CA's PEM
//! ([`crate::Simulator::ca_pem`], `hcx-sim --write-ca FILE`) or skip verification as real HCX clients do.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

/// What a TLS listener needs, and the CA to hand to clients.
#[derive(Clone)]
pub(crate) struct TlsMaterial {
    pub acceptor: TlsAcceptor,
    pub ca_pem: String,
}

/// A fresh CA and a loopback leaf certificate signed by it.
pub(crate) fn material() -> Result<TlsMaterial, String> {
    let err = |what: &str, e: &dyn std::fmt::Display| format!("cannot make the {what}: {e}");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(|e| err("CA", &e))?;
    ca_params.distinguished_name.push(DnType::CommonName, "hcx-sim throwaway CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().map_err(|e| err("CA key", &e))?;
    let ca = CertifiedIssuer::self_signed(ca_params, ca_key).map_err(|e| err("CA", &e))?;
    let key = KeyPair::generate().map_err(|e| err("server key", &e))?;
    let names = vec!["127.0.0.1".to_owned(), "localhost".to_owned()];
    let leaf = CertificateParams::new(names)
        .and_then(|p| p.signed_by(&key, &*ca))
        .map_err(|e| err("server certificate", &e))?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| err("TLS configuration", &e))?
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(leaf.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .map_err(|e| err("TLS configuration", &e))?;
    Ok(TlsMaterial { acceptor: TlsAcceptor::from(Arc::new(config)), ca_pem: ca.pem() })
}
