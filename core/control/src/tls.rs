//! TLS for HTTPS control sockets and their clients (CTL-027, CTL-120), with rustls on the `ring`
//! provider. rustls speaks only TLS 1.2 and 1.3, which is exactly the required floor.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use ruru_config::TlsConfig;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, RootCertStore, ServerConfig};
use tokio_rustls::{TlsAcceptor, TlsConnector};

use crate::OpenError;

/// The crypto provider, named explicitly so that no process-wide default is needed.
fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The server side of a socket's TLS settings; files are read now, so a reconfiguration picks
/// up renewed certificates (CTL-120).
pub(crate) fn acceptor(cfg: &TlsConfig) -> Result<TlsAcceptor, OpenError> {
    let certs = certificates(&cfg.cert_file)?;
    let key = private_key(&cfg.key_file)?;
    let roots = roots(&cfg.trust_anchor)?;
    let builder = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| OpenError::Tls(e.to_string()))?;
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider());
    // Without `cert-required` a client certificate is optional, but checked if shown.
    let verifier = if cfg.cert_required {
        verifier
    } else {
        verifier.allow_unauthenticated()
    };
    let verifier = verifier
        .build()
        .map_err(|e| OpenError::Tls(e.to_string()))?;
    let builder = builder.with_client_cert_verifier(verifier);
    let config = builder
        .with_single_cert(certs, key)
        .map_err(|e| OpenError::Tls(format!("certificate and key do not fit: {e}")))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// The client side: trust `ca` (a file or a directory of CA files), present `identity`
/// (certificate, key) when given.
pub(crate) fn connector(
    ca: &Path,
    identity: Option<(&Path, &Path)>,
) -> Result<TlsConnector, OpenError> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| OpenError::Tls(e.to_string()))?
        .with_root_certificates(roots(ca)?);
    let config = match identity {
        Some((cert, key)) => builder
            .with_client_auth_cert(certificates(cert)?, private_key(key)?)
            .map_err(|e| OpenError::Tls(format!("certificate and key do not fit: {e}")))?,
        None => builder.with_no_client_auth(),
    };
    Ok(TlsConnector::from(Arc::new(config)))
}

fn bad(path: &Path, reason: impl Into<String>) -> OpenError {
    OpenError::BadFile {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// The PEM certificate chain in `path`.
fn certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, OpenError> {
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| bad(path, e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(path, e.to_string()))?;
    if certs.is_empty() {
        return Err(bad(path, "no PEM certificate"));
    }
    Ok(certs)
}

/// The (unencrypted) PEM private key in `path`.
fn private_key(path: &Path) -> Result<PrivateKeyDer<'static>, OpenError> {
    PrivateKeyDer::from_pem_file(path).map_err(|e| bad(path, e.to_string()))
}

/// Trust anchors from a CA file, or from every certificate file of a (hashed) directory.
fn roots(path: &Path) -> Result<RootCertStore, OpenError> {
    let mut store = RootCertStore::empty();
    if path.is_dir() {
        let entries = fs::read_dir(path).map_err(|e| bad(path, e.to_string()))?;
        for entry in entries.flatten() {
            // Other files (CRLs, keys, notes) may sit beside the certificates.
            if let Ok(certs) = certificates(&entry.path()) {
                store.add_parsable_certificates(certs);
            }
        }
    } else {
        store.add_parsable_certificates(certificates(path)?);
    }
    if store.is_empty() {
        return Err(bad(path, "no usable CA certificate"));
    }
    Ok(store)
}
