//! TLS for the webhook server and the secure metrics server: the certificate comes from a
//! directory holding `tls.crt` and `tls.key` (a mounted Secret), read again every
//! [`RELOAD_INTERVAL`] and presented to new connections as soon as it changes, or is
//! self-signed for `localhost` at start. rustls with the ring provider; ALPN offers `http/1.1`
//! only, unless HTTP/2 is enabled.
//!
//! # Example
//!
//! ```
//! use kubeforge_runtime::manager::http::{self, Reply, Routes};
//! use kubeforge_runtime::manager::tls::{CertSource, TlsOptions};
//! use tokio_util::sync::CancellationToken;
//!
//! # #[tokio::main]
//! # async fn main() -> anyhow::Result<()> {
//! // In a cluster: `CertSource::Dir("/tmp/k8s-webhook-server/serving-certs".into())`.
//! let options = TlsOptions { cert: CertSource::SelfSigned, http2: false };
//! let shutdown = CancellationToken::new(); // stops the reloads of a `Dir`
//! let acceptor = options.acceptor(&shutdown)?;
//!
//! let listener = http::bind("127.0.0.1:0".parse()?, "example").await?;
//! let routes = Routes(|_: &str| Reply::not_found());
//! tokio::spawn(http::serve(listener, Some(acceptor), routes));
//! # Ok(())
//! # }
//! ```

use std::{
    fmt,
    path::{Path, PathBuf},
    sync::{Arc, RwLock},
    time::Duration,
};

use anyhow::Context as _;
use rustls::{
    ServerConfig,
    crypto::CryptoProvider,
    pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject},
    server::{ClientHello, ResolvesServerCert},
    sign::CertifiedKey,
};
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;

/// The certificate file in a certificate directory: the chain, leaf first, in PEM.
pub const CERT_FILE: &str = "tls.crt";
/// The private key file in a certificate directory, in PEM.
pub const KEY_FILE: &str = "tls.key";

/// How often a certificate directory is read again. A mounted Secret changes by swapping a
/// `..data` symlink, which file notifications miss: reading the files is what always works.
pub const RELOAD_INTERVAL: Duration = Duration::from_secs(5);

/// Where a TLS server gets its certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertSource {
    /// `tls.crt` and `tls.key` in this directory, read again when they change.
    Dir(PathBuf),
    /// A certificate for `localhost`, made at start and signed by its own key.
    SelfSigned,
}

/// How a TLS server runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsOptions {
    /// Where the certificate comes from.
    pub cert: CertSource,
    /// Offer HTTP/2 (ALPN `h2`) besides HTTP/1.1. Off by default: HTTP/2 has had denial of
    /// service flaws (Rapid Reset, CVE-2023-44487) that HTTP/1.1 avoids.
    pub http2: bool,
}

impl TlsOptions {
    /// Loads the certificate and, for a directory, reloads it every [`RELOAD_INTERVAL`] until
    /// `shutdown` is cancelled. Fails when the certificate cannot be read.
    pub fn acceptor(&self, shutdown: &CancellationToken) -> anyhow::Result<TlsAcceptor> {
        let resolver = match &self.cert {
            CertSource::Dir(dir) => {
                let files = CertFiles::new(dir);
                let resolver = Arc::new(CertResolver::load(files)?);
                tokio::spawn(resolver.clone().watch(RELOAD_INTERVAL, shutdown.clone()));
                resolver
            }
            CertSource::SelfSigned => Arc::new(CertResolver::fixed(self_signed(&["localhost"])?)),
        };
        Ok(TlsAcceptor::from(server_config(resolver, self.http2)?))
    }
}

/// The crypto provider of every TLS server: ring.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The configuration of a TLS server that presents the certificate of `resolver`.
pub fn server_config(
    resolver: Arc<dyn ResolvesServerCert>,
    http2: bool,
) -> anyhow::Result<Arc<ServerConfig>> {
    let mut config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .context("cannot configure TLS")?
        .with_no_client_auth()
        .with_cert_resolver(resolver);
    config.alpn_protocols = if http2 {
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    } else {
        vec![b"http/1.1".to_vec()]
    };
    Ok(Arc::new(config))
}

/// A certificate for `names`, signed by its own, new key.
pub fn self_signed(names: &[&str]) -> anyhow::Result<Arc<CertifiedKey>> {
    let names: Vec<String> = names.iter().map(|name| name.to_string()).collect();
    let generated =
        rcgen::generate_simple_self_signed(names).context("cannot make a certificate")?;
    let key = PrivateKeyDer::Pkcs8(generated.signing_key.serialize_der().into());
    certified_key(vec![generated.cert.der().clone()], key)
}

/// The certificate chain `certs` with its private `key`, ready to sign handshakes.
fn certified_key(
    certs: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> anyhow::Result<Arc<CertifiedKey>> {
    let signing_key = provider()
        .key_provider
        .load_private_key(key)
        .context("unsupported private key")?;
    let certified = CertifiedKey::new(certs, signing_key);
    certified
        .keys_match()
        .context("the private key does not match the certificate")?;
    Ok(Arc::new(certified))
}

/// The two files of a certificate directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertFiles {
    cert: PathBuf,
    key: PathBuf,
}

impl CertFiles {
    /// `tls.crt` and `tls.key` in `dir`.
    pub fn new(dir: &Path) -> CertFiles {
        CertFiles {
            cert: dir.join(CERT_FILE),
            key: dir.join(KEY_FILE),
        }
    }

    /// The contents of both files.
    fn read(&self) -> anyhow::Result<Contents> {
        let read = |path: &Path| {
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
        };
        Ok(Contents {
            cert: read(&self.cert)?,
            key: read(&self.key)?,
        })
    }
}

/// What a certificate directory held when it was last read.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Contents {
    cert: Vec<u8>,
    key: Vec<u8>,
}

impl Contents {
    fn parse(&self, files: &CertFiles) -> anyhow::Result<Arc<CertifiedKey>> {
        let certs = CertificateDer::pem_slice_iter(&self.cert)
            .collect::<Result<Vec<_>, _>>()
            .with_context(|| format!("{} is not a PEM certificate", files.cert.display()))?;
        anyhow::ensure!(
            !certs.is_empty(),
            "{} holds no certificate",
            files.cert.display()
        );
        let key = PrivateKeyDer::from_pem_slice(&self.key)
            .with_context(|| format!("{} is not a PEM private key", files.key.display()))?;
        certified_key(certs, key)
    }
}

/// Presents the current certificate to every client, and swaps it when its files change.
pub struct CertResolver {
    files: Option<CertFiles>,
    current: RwLock<(Option<Contents>, Arc<CertifiedKey>)>,
}

impl fmt::Debug for CertResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertResolver")
            .field("files", &self.files)
            .finish_non_exhaustive()
    }
}

impl CertResolver {
    /// Presents the certificate of `files`; fails when they cannot be read.
    pub fn load(files: CertFiles) -> anyhow::Result<CertResolver> {
        let contents = files.read()?;
        let key = contents.parse(&files)?;
        Ok(CertResolver {
            files: Some(files),
            current: RwLock::new((Some(contents), key)),
        })
    }

    /// Always presents `key`.
    pub fn fixed(key: Arc<CertifiedKey>) -> CertResolver {
        CertResolver {
            files: None,
            current: RwLock::new((None, key)),
        }
    }

    /// The certificate presented now.
    pub fn current(&self) -> Arc<CertifiedKey> {
        self.current.read().expect("certificate lock").1.clone()
    }

    /// Reads the files again and, when they changed and hold a valid certificate, presents it
    /// from now on. Returns whether the certificate changed; on error, the previous one stays.
    pub fn reload(&self) -> anyhow::Result<bool> {
        let Some(files) = &self.files else {
            return Ok(false);
        };
        let contents = files.read()?;
        if self.current.read().expect("certificate lock").0.as_ref() == Some(&contents) {
            return Ok(false);
        }
        let key = contents.parse(files)?;
        *self.current.write().expect("certificate lock") = (Some(contents), key);
        Ok(true)
    }

    /// The certificate file, for the logs.
    fn describe(&self) -> String {
        match &self.files {
            Some(files) => files.cert.display().to_string(),
            None => "self-signed".into(),
        }
    }

    /// Calls [`CertResolver::reload`] every `interval` until `shutdown` is cancelled.
    pub async fn watch(self: Arc<Self>, interval: Duration, shutdown: CancellationToken) {
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(interval) => {}
            }
            match self.reload() {
                Ok(true) => tracing::info!(cert = %self.describe(), "loaded the new certificate"),
                Ok(false) => {}
                // Typically the files are being replaced: try again at the next interval.
                Err(error) => {
                    let error = format!("{error:#}");
                    tracing::warn!(cert = %self.describe(), error, "cannot reload the certificate")
                }
            }
        }
    }
}

impl ResolvesServerCert for CertResolver {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current())
    }
}

#[cfg(test)]
mod tests {
    use std::{net::SocketAddr, sync::Arc};

    use http_body_util::{BodyExt, Empty};
    use hyper::{StatusCode, body::Bytes};
    use hyper_util::rt::{TokioExecutor, TokioIo};
    use rustls::{ClientConfig, RootCertStore, pki_types::ServerName};
    use tokio::net::{TcpListener, TcpStream};
    use tokio_rustls::{TlsConnector, client::TlsStream};

    use super::*;
    use crate::manager::http::{self, Reply, Routes};

    /// Writes a new self-signed certificate for `name` into `dir`; returns its DER form.
    fn write_cert(dir: &Path, name: &str) -> CertificateDer<'static> {
        let generated = rcgen::generate_simple_self_signed(vec![name.to_string()]).unwrap();
        std::fs::write(dir.join(CERT_FILE), generated.cert.pem()).unwrap();
        std::fs::write(dir.join(KEY_FILE), generated.signing_key.serialize_pem()).unwrap();
        generated.cert.der().clone()
    }

    #[test]
    fn reloads_the_certificate_when_the_files_change() {
        let dir = tempfile::tempdir().unwrap();
        let first = write_cert(dir.path(), "first.example.com");
        let resolver = CertResolver::load(CertFiles::new(dir.path())).unwrap();
        assert_eq!(resolver.current().cert[0], first);
        assert!(!resolver.reload().unwrap(), "nothing changed yet");

        let second = write_cert(dir.path(), "second.example.com");
        assert!(resolver.reload().unwrap());
        assert_eq!(resolver.current().cert[0], second);
    }

    #[test]
    fn keeps_the_certificate_while_the_files_are_broken() {
        let dir = tempfile::tempdir().unwrap();
        let first = write_cert(dir.path(), "first.example.com");
        let resolver = CertResolver::load(CertFiles::new(dir.path())).unwrap();

        std::fs::write(dir.path().join(KEY_FILE), "not a key").unwrap();
        assert!(resolver.reload().is_err());
        assert_eq!(resolver.current().cert[0], first);
    }

    #[test]
    fn refuses_a_missing_directory() {
        let dir = tempfile::tempdir().unwrap();
        let error = CertResolver::load(CertFiles::new(&dir.path().join("absent"))).unwrap_err();
        assert!(error.to_string().contains("tls.crt"), "{error}");
    }

    #[test]
    fn offers_http2_only_when_enabled() {
        let resolver = Arc::new(CertResolver::fixed(self_signed(&["localhost"]).unwrap()));
        let config = server_config(resolver.clone(), false).unwrap();
        assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
        let config = server_config(resolver, true).unwrap();
        assert_eq!(config.alpn_protocols[0], b"h2".to_vec());
    }

    /// Serves the path of each request over TLS on loopback, with a certificate read from
    /// files; returns the address and the certificate.
    async fn start(
        dir: &Path,
        http2: bool,
        shutdown: &CancellationToken,
    ) -> (SocketAddr, CertificateDer<'static>) {
        let cert = write_cert(dir, "localhost");
        let options = TlsOptions {
            cert: CertSource::Dir(dir.to_owned()),
            http2,
        };
        let acceptor = options.acceptor(shutdown).unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let routes = Routes(|path: &str| Reply::text(StatusCode::OK, format!("{path}\n")));
        tokio::spawn(http::serve(listener, Some(acceptor), routes));
        (address, cert)
    }

    /// A TLS connection to `address` that trusts `cert` only and offers HTTP/2 and HTTP/1.1.
    async fn connect(address: SocketAddr, cert: CertificateDer<'static>) -> TlsStream<TcpStream> {
        let mut roots = RootCertStore::empty();
        roots.add(cert).unwrap();
        let mut client = ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        client.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let tcp = TcpStream::connect(address).await.unwrap();
        let name = ServerName::try_from("localhost").unwrap();
        TlsConnector::from(Arc::new(client))
            .connect(name, tcp)
            .await
            .unwrap()
    }

    fn get(path: &str) -> hyper::Request<Empty<Bytes>> {
        hyper::Request::get(format!("https://localhost{path}"))
            .header("host", "localhost")
            .body(Empty::new())
            .unwrap()
    }

    /// A real handshake over loopback: HTTP/1.1 only, although the client offers HTTP/2.
    #[tokio::test]
    async fn serves_https_with_the_certificate_of_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let shutdown = CancellationToken::new();
        let (address, cert) = start(dir.path(), false, &shutdown).await;
        let tls = connect(address, cert).await;
        assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"http/1.1"[..]));

        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .unwrap();
        tokio::spawn(connection);
        let response = sender.send_request(get("/hello")).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(body, "/hello\n");
        shutdown.cancel();
    }

    #[tokio::test]
    async fn serves_http2_when_enabled() {
        let dir = tempfile::tempdir().unwrap();
        let shutdown = CancellationToken::new();
        let (address, cert) = start(dir.path(), true, &shutdown).await;
        let tls = connect(address, cert).await;
        assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));

        let (mut sender, connection) =
            hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(tls))
                .await
                .unwrap();
        tokio::spawn(connection);
        let response = sender.send_request(get("/over-h2")).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(body, "/over-h2\n");
        shutdown.cancel();
    }
}
