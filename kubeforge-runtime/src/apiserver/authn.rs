//! Delegated authentication: who a request comes from.
//!
//! As Kubernetes' extension API servers do, the configuration comes from the ConfigMap
//! `kube-system/extension-apiserver-authentication`, in this order:
//!
//! 1. A TLS client certificate that chains to the request-header CA and whose common name is
//!    allowed is the front proxy (kube-apiserver's aggregator): the user is in its headers
//!    (`X-Remote-User`, `X-Remote-Group`, `X-Remote-Extra-<key>`). Those headers from anyone
//!    else are ignored.
//! 2. A TLS client certificate that chains to the client CA: the user is its common name, the
//!    groups its organizations.
//! 3. A bearer token, checked with a TokenReview.
//! 4. Otherwise the request is anonymous, and refused with 401.

use std::collections::BTreeMap;

use anyhow::Context as _;
use hyper::HeaderMap;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::{Api, Client};
use rustls::pki_types::{CertificateDer, pem::PemObject};

/// The namespace of the authentication ConfigMap.
pub const CONFIG_MAP_NAMESPACE: &str = "kube-system";
/// The name of the authentication ConfigMap.
pub const CONFIG_MAP_NAME: &str = "extension-apiserver-authentication";

/// Who a request comes from, as a SubjectAccessReview names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct UserInfo {
    /// The user name.
    pub name: String,
    /// The user's uid, when known.
    pub uid: Option<String>,
    /// The groups of the user.
    pub groups: Vec<String>,
    /// Anything else the authenticator knows, by lowercased key.
    pub extra: BTreeMap<String, Vec<String>>,
}

/// How to authenticate requests: the contents of the ConfigMap
/// `kube-system/extension-apiserver-authentication`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthenticationConfig {
    /// The CA of the front proxy's client certificates (`requestheader-client-ca-file`).
    pub requestheader_client_ca: Vec<CertificateDer<'static>>,
    /// The common names allowed for the front proxy; empty: any that the CA signed
    /// (`requestheader-allowed-names`).
    pub requestheader_allowed_names: Vec<String>,
    /// The headers of the user name, the first present wins
    /// (`requestheader-username-headers`).
    pub requestheader_username_headers: Vec<String>,
    /// The headers of the groups, every value of each (`requestheader-group-headers`).
    pub requestheader_group_headers: Vec<String>,
    /// The prefixes of the headers of the extra (`requestheader-extra-headers-prefix`).
    pub requestheader_extra_headers_prefix: Vec<String>,
    /// The CA of the users' client certificates (`client-ca-file`).
    pub client_ca: Vec<CertificateDer<'static>>,
}

fn certificates(pem: Option<&String>, key: &str) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let Some(pem) = pem else {
        return Ok(Vec::new());
    };
    CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("{key} does not hold PEM certificates"))
}

fn strings(value: Option<&String>, key: &str) -> anyhow::Result<Vec<String>> {
    let Some(value) = value.filter(|value| !value.trim().is_empty()) else {
        return Ok(Vec::new());
    };
    serde_json::from_str(value).with_context(|| format!("{key} is not a JSON array of strings"))
}

impl AuthenticationConfig {
    /// Reads the data of the ConfigMap `extension-apiserver-authentication`.
    pub fn from_config_map(config_map: &ConfigMap) -> anyhow::Result<AuthenticationConfig> {
        let empty = BTreeMap::new();
        let data = config_map.data.as_ref().unwrap_or(&empty);
        let field = |key: &str| data.get(key);
        Ok(AuthenticationConfig {
            requestheader_client_ca: certificates(
                field("requestheader-client-ca-file"),
                "requestheader-client-ca-file",
            )?,
            requestheader_allowed_names: strings(
                field("requestheader-allowed-names"),
                "requestheader-allowed-names",
            )?,
            requestheader_username_headers: strings(
                field("requestheader-username-headers"),
                "requestheader-username-headers",
            )?,
            requestheader_group_headers: strings(
                field("requestheader-group-headers"),
                "requestheader-group-headers",
            )?,
            requestheader_extra_headers_prefix: strings(
                field("requestheader-extra-headers-prefix"),
                "requestheader-extra-headers-prefix",
            )?,
            client_ca: certificates(field("client-ca-file"), "client-ca-file")?,
        })
    }

    /// Reads the ConfigMap `kube-system/extension-apiserver-authentication` with `client`.
    pub async fn load(client: Client) -> anyhow::Result<AuthenticationConfig> {
        let config_map = Api::<ConfigMap>::namespaced(client, CONFIG_MAP_NAMESPACE)
            .get(CONFIG_MAP_NAME)
            .await
            .with_context(|| format!("cannot read {CONFIG_MAP_NAMESPACE}/{CONFIG_MAP_NAME}"))?;
        AuthenticationConfig::from_config_map(&config_map)
    }

    /// The usual front proxy headers, with `ca` as the request-header CA and any name allowed.
    pub fn front_proxy(ca: Vec<CertificateDer<'static>>) -> AuthenticationConfig {
        AuthenticationConfig {
            requestheader_client_ca: ca,
            requestheader_username_headers: vec!["X-Remote-User".into()],
            requestheader_group_headers: vec!["X-Remote-Group".into()],
            requestheader_extra_headers_prefix: vec!["X-Remote-Extra-".into()],
            ..AuthenticationConfig::default()
        }
    }

    /// The user that the front proxy names in `headers`, if any.
    pub fn user_from_headers(&self, headers: &HeaderMap) -> Option<UserInfo> {
        let value = |value: &hyper::header::HeaderValue| value.to_str().ok().map(str::to_string);
        let name = self
            .requestheader_username_headers
            .iter()
            .filter_map(|header| headers.get(header.as_str()).and_then(value))
            .find(|name| !name.is_empty())?;
        let groups = self
            .requestheader_group_headers
            .iter()
            .flat_map(|header| headers.get_all(header.as_str()).iter().filter_map(value))
            .collect();
        let mut extra: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (header, header_value) in headers {
            let header = header.as_str();
            let key = self
                .requestheader_extra_headers_prefix
                .iter()
                .find_map(|prefix| {
                    let prefix = prefix.to_ascii_lowercase();
                    header
                        .strip_prefix(prefix.as_str())
                        .filter(|key| !key.is_empty())
                });
            let (Some(key), Some(header_value)) = (key, value(header_value)) else {
                continue;
            };
            let key = percent_encoding::percent_decode_str(key)
                .decode_utf8_lossy()
                .to_lowercase();
            extra.entry(key).or_default().push(header_value);
        }
        Some(UserInfo {
            name,
            uid: None,
            groups,
            extra,
        })
    }
}

/// The user of a client certificate: its common name, and its organizations as groups.
pub(crate) fn user_from_certificate(certificate: &CertificateDer<'_>) -> Option<UserInfo> {
    let (_, parsed) = x509_parser::parse_x509_certificate(certificate.as_ref()).ok()?;
    let subject = parsed.subject();
    let name = subject
        .iter_common_name()
        .next()?
        .as_str()
        .ok()?
        .to_string();
    let groups = subject
        .iter_organization()
        .filter_map(|organization| organization.as_str().ok().map(str::to_string))
        .collect();
    Some(UserInfo {
        name,
        groups,
        ..UserInfo::default()
    })
}

/// The token of an `Authorization: Bearer <token>` header.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let header = headers.get(hyper::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = header.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_front_proxy_headers() {
        let config = AuthenticationConfig::front_proxy(Vec::new());
        let mut headers = HeaderMap::new();
        headers.insert("x-remote-user", "alice".parse().unwrap());
        headers.append("x-remote-group", "devs".parse().unwrap());
        headers.append("x-remote-group", "system:authenticated".parse().unwrap());
        headers.insert("x-remote-extra-scopes%2Fa", "one".parse().unwrap());
        let user = config.user_from_headers(&headers).unwrap();
        assert_eq!(user.name, "alice");
        assert_eq!(user.groups, ["devs", "system:authenticated"]);
        assert_eq!(user.extra["scopes/a"], ["one"]);

        assert_eq!(config.user_from_headers(&HeaderMap::new()), None);
    }

    #[test]
    fn reads_the_config_map() {
        let data = [
            ("requestheader-allowed-names", r#"["front-proxy-client"]"#),
            ("requestheader-username-headers", r#"["X-Remote-User"]"#),
            ("requestheader-group-headers", r#"["X-Remote-Group"]"#),
            (
                "requestheader-extra-headers-prefix",
                r#"["X-Remote-Extra-"]"#,
            ),
        ];
        let config_map = ConfigMap {
            data: Some(
                data.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            ..ConfigMap::default()
        };
        let config = AuthenticationConfig::from_config_map(&config_map).unwrap();
        assert_eq!(config.requestheader_allowed_names, ["front-proxy-client"]);
        assert_eq!(config.requestheader_username_headers, ["X-Remote-User"]);
        assert!(config.client_ca.is_empty());
    }
}
