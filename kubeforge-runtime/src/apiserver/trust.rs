//! Client certificates: requested but optional in the TLS handshake, verified against the
//! request-header CA and the client CA of the current [`AuthenticationConfig`], which can be
//! swapped while the server runs (new connections use the new CAs).

use std::sync::{Arc, RwLock};

use rustls::{
    DigitallySignedStruct, DistinguishedName, Error, RootCertStore, SignatureScheme,
    client::danger::HandshakeSignatureValid,
    crypto::{verify_tls12_signature, verify_tls13_signature},
    pki_types::{CertificateDer, UnixTime},
    server::{
        WebPkiClientVerifier,
        danger::{ClientCertVerified, ClientCertVerifier},
    },
};

use super::authn::{AuthenticationConfig, UserInfo, user_from_certificate};
use crate::manager::tls::provider;

/// Who the client certificate of a connection says the client is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Peer {
    /// No certificate, or one that no CA verifies.
    Unknown,
    /// The front proxy: its requests name their user in headers.
    FrontProxy,
    /// A user with a certificate of the client CA.
    User(UserInfo),
}

/// The verifier of the certificates of one CA, if it has any.
fn verifier(ca: &[CertificateDer<'static>]) -> anyhow::Result<Option<Arc<dyn ClientCertVerifier>>> {
    if ca.is_empty() {
        return Ok(None);
    }
    let mut roots = RootCertStore::empty();
    let (added, _) = roots.add_parsable_certificates(ca.iter().cloned());
    anyhow::ensure!(added > 0, "no usable CA certificate");
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
        .allow_unauthenticated()
        .build()?;
    Ok(Some(verifier))
}

/// An [`AuthenticationConfig`] with the verifiers of its CAs.
pub(crate) struct Trust {
    /// The configuration.
    pub config: AuthenticationConfig,
    requestheader: Option<Arc<dyn ClientCertVerifier>>,
    client: Option<Arc<dyn ClientCertVerifier>>,
    either: Option<Arc<dyn ClientCertVerifier>>,
}

impl Trust {
    pub fn new(config: AuthenticationConfig) -> anyhow::Result<Trust> {
        let mut both = config.requestheader_client_ca.clone();
        both.extend(config.client_ca.iter().cloned());
        Ok(Trust {
            requestheader: verifier(&config.requestheader_client_ca)?,
            client: verifier(&config.client_ca)?,
            either: verifier(&both)?,
            config,
        })
    }

    /// Who the certificates that a client presented (leaf first) say it is.
    pub fn peer(&self, certificates: &[CertificateDer<'_>]) -> Peer {
        let Some((leaf, intermediates)) = certificates.split_first() else {
            return Peer::Unknown;
        };
        let now = UnixTime::now();
        let verifies = |verifier: &Option<Arc<dyn ClientCertVerifier>>| {
            verifier.as_ref().is_some_and(|verifier| {
                verifier
                    .verify_client_cert(leaf, intermediates, now)
                    .is_ok()
            })
        };
        if verifies(&self.requestheader) {
            let allowed = &self.config.requestheader_allowed_names;
            let name = user_from_certificate(leaf).map(|user| user.name);
            if allowed.is_empty() || name.is_some_and(|name| allowed.contains(&name)) {
                return Peer::FrontProxy;
            }
        }
        if verifies(&self.client)
            && let Some(user) = user_from_certificate(leaf)
        {
            return Peer::User(user);
        }
        Peer::Unknown
    }
}

/// The current [`Trust`], swapped when the configuration changes.
#[derive(Clone)]
pub(crate) struct SharedTrust(Arc<RwLock<Arc<Trust>>>);

impl SharedTrust {
    pub fn new(trust: Trust) -> SharedTrust {
        SharedTrust(Arc::new(RwLock::new(Arc::new(trust))))
    }

    pub fn current(&self) -> Arc<Trust> {
        self.0
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    pub fn replace(&self, trust: Trust) {
        *self
            .0
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(trust);
    }
}

impl std::fmt::Debug for SharedTrust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedTrust")
    }
}

/// Asks for a client certificate of either CA, and accepts clients without one: the requests
/// decide later what the certificate is worth.
impl ClientCertVerifier for SharedTrust {
    fn offer_client_auth(&self) -> bool {
        self.current().either.is_some()
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        // The CAs can change: no hints, and clients send the certificate they have.
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, Error> {
        match &self.current().either {
            Some(verifier) => verifier.verify_client_cert(end_entity, intermediates, now),
            None => Err(Error::General("no client certificate is trusted".into())),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &provider().signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &provider().signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };

    use super::*;

    /// A CA, and a client certificate of `name` in `groups` that it signs.
    fn ca_and_client(
        name: &str,
        groups: &[&str],
    ) -> (CertificateDer<'static>, CertificateDer<'static>) {
        let ca_key = KeyPair::generate().unwrap();
        let mut ca = CertificateParams::new(Vec::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca, ca_key);
        let mut client = CertificateParams::new(Vec::new()).unwrap();
        client.distinguished_name.push(DnType::CommonName, name);
        for group in groups {
            client
                .distinguished_name
                .push(DnType::OrganizationName, *group);
        }
        client.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let cert = client
            .signed_by(&KeyPair::generate().unwrap(), &issuer)
            .unwrap();
        (ca_cert.der().clone(), cert.der().clone())
    }

    #[test]
    fn tells_the_front_proxy_from_users_and_strangers() {
        let (proxy_ca, proxy) = ca_and_client("front-proxy-client", &[]);
        let (_, other_name) = ca_and_client("other", &[]);
        let (client_ca, alice) = ca_and_client("alice", &["devs"]);
        let mut config = AuthenticationConfig::front_proxy(vec![proxy_ca]);
        config.requestheader_allowed_names = vec!["front-proxy-client".into()];
        config.client_ca = vec![client_ca];
        let trust = Trust::new(config.clone()).unwrap();

        assert_eq!(trust.peer(std::slice::from_ref(&proxy)), Peer::FrontProxy);
        let Peer::User(user) = trust.peer(std::slice::from_ref(&alice)) else {
            panic!("alice is a user");
        };
        assert_eq!(
            (user.name.as_str(), user.groups.clone()),
            ("alice", vec!["devs".into()])
        );
        assert_eq!(trust.peer(&[other_name]), Peer::Unknown);
        assert_eq!(trust.peer(&[]), Peer::Unknown);
        assert_eq!(
            trust.peer(&[CertificateDer::from(vec![1, 2, 3])]),
            Peer::Unknown
        );
    }

    #[test]
    fn uses_the_new_cas_once_replaced() {
        let (first_ca, first) = ca_and_client("front-proxy-client", &[]);
        let (second_ca, second) = ca_and_client("front-proxy-client", &[]);
        let shared = SharedTrust::new(
            Trust::new(AuthenticationConfig::front_proxy(vec![first_ca])).unwrap(),
        );
        let now = UnixTime::now();
        assert!(shared.verify_client_cert(&first, &[], now).is_ok());
        assert!(shared.verify_client_cert(&second, &[], now).is_err());

        shared.replace(Trust::new(AuthenticationConfig::front_proxy(vec![second_ca])).unwrap());
        assert!(shared.verify_client_cert(&second, &[], now).is_ok());
        assert!(shared.verify_client_cert(&first, &[], now).is_err());
        assert_eq!(shared.current().peer(&[second]), Peer::FrontProxy);
        assert_eq!(shared.current().peer(&[first]), Peer::Unknown);

        let none = SharedTrust::new(Trust::new(AuthenticationConfig::default()).unwrap());
        assert!(!none.offer_client_auth());
    }
}
