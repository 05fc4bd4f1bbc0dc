//! `kubeforge create api --from FILE` on CRD manifests: the real ones of `/work/shared/crds`
//! when that directory exists, and a synthetic CRD of about 600 KB shaped like the largest
//! operator CRDs (deep objects, long descriptions, enums, patterns, int-or-string, list maps,
//! CEL rules), built here so that the bench stands alone.
//!
//! Each run adopts the CRD into a fresh copy of a project made by `kubeforge init`; the table
//! gives the median, minimum and maximum wall time, the median CPU time (user and system, steadier
//! than the wall time on a busy machine), the peak RSS, and the median wall time of `--dry-run`
//! (which writes nothing). A CRD that the default flags refuse (a status whose
//! `conditions` the scaffolded controller cannot report) is adopted with `--controller=false`,
//! marked `*`.
//!
//! Run with `cargo bench --bench create_from`; `-- --quick` makes fewer runs, any other
//! argument keeps the inputs whose name contains it, and `-- --write-synthetic PATH` only writes
//! the synthetic CRD. `KUBEFORGE_BENCH_BIN=PATH` times another kubeforge binary (to compare two
//! builds).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const KUBEFORGE: &str = env!("CARGO_BIN_EXE_kubeforge");

fn kubeforge() -> String {
    std::env::var("KUBEFORGE_BENCH_BIN").unwrap_or_else(|_| KUBEFORGE.to_string())
}

const REAL_CRDS: &str = "/work/shared/crds";

/// What one run of kubeforge took.
struct Sample {
    wall: Duration,
    /// User and system CPU time (a steadier figure than the wall time on a busy machine).
    cpu: Duration,
    /// Peak RSS, KiB.
    rss: u64,
}

fn timeval(t: libc::timeval) -> Duration {
    Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
}

/// Runs kubeforge to completion: what it took, or `None` when it failed. The child is reaped by
/// `wait4`, which also reports its resource usage.
#[allow(clippy::zombie_processes)]
fn run(dir: &Path, args: &[&str]) -> Option<Sample> {
    let program = kubeforge();
    let start = Instant::now();
    let child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child and fills a zeroed rusage.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = start.elapsed();
    assert_eq!(waited, pid, "wait4");
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    ok.then(|| Sample {
        wall: elapsed,
        cpu: timeval(usage.ru_utime) + timeval(usage.ru_stime),
        rss: usage.ru_maxrss as u64, // KiB on Linux
    })
}

/// Runs kubeforge and shows its output when it fails.
fn must(dir: &Path, args: &[&str]) {
    let out = Command::new(kubeforge())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("spawn");
    assert!(
        out.status.success(),
        "kubeforge {args:?} failed in {}:\n{}{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The domain a CRD's group belongs to: the group without its first label.
fn domain_of(text: &str) -> String {
    let doc: serde_json::Value = serde_saphyr::from_str(text).expect("a CRD manifest");
    let group = doc["spec"]["group"].as_str().expect("spec.group");
    group.split_once('.').expect("a dotted group").1.to_string()
}

// ---------------------------------------------------------------------------------------------
// A small YAML writer, in the layout controller-gen gives CRDs (sorted keys, block sequences at
// the indentation of their key, `|-` for multi-line strings).

enum Y {
    Str(String),
    Int(i64),
    Bool(bool),
    Seq(Vec<Y>),
    Map(BTreeMap<String, Y>),
}

fn plain(s: &str) -> bool {
    const WORDS: &[&str] = &["true", "false", "null", "yes", "no", "on", "off", "y", "n"];
    s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || " ._/-".contains(c))
        && !s.ends_with(' ')
        && !WORDS.contains(&s.to_ascii_lowercase().as_str())
}

fn scalar(y: &Y) -> Option<String> {
    Some(match y {
        Y::Str(s) if plain(s) => s.clone(),
        Y::Str(s) => format!("'{}'", s.replace('\'', "''")),
        Y::Int(i) => i.to_string(),
        Y::Bool(b) => b.to_string(),
        Y::Seq(v) if v.is_empty() => "[]".into(),
        Y::Map(m) if m.is_empty() => "{}".into(),
        _ => return None,
    })
}

fn write_map(out: &mut String, indent: usize, map: &BTreeMap<String, Y>) {
    let pad = " ".repeat(indent);
    for (key, value) in map {
        match value {
            Y::Str(s) if s.contains('\n') => {
                writeln!(out, "{pad}{key}: |-").unwrap();
                for line in s.lines() {
                    if line.is_empty() {
                        out.push('\n');
                    } else {
                        writeln!(out, "{pad}  {line}").unwrap();
                    }
                }
            }
            Y::Seq(items) if !items.is_empty() => {
                writeln!(out, "{pad}{key}:").unwrap();
                for item in items {
                    match (scalar(item), item) {
                        (Some(s), _) => writeln!(out, "{pad}- {s}").unwrap(),
                        (None, Y::Map(m)) => {
                            let mut inner = String::new();
                            write_map(&mut inner, indent + 2, m);
                            out.push_str(&pad);
                            out.push_str("- ");
                            out.push_str(&inner[indent + 2..]);
                        }
                        (None, _) => unreachable!("sequences of sequences"),
                    }
                }
            }
            Y::Map(m) if !m.is_empty() => {
                writeln!(out, "{pad}{key}:").unwrap();
                write_map(out, indent + 2, m);
            }
            _ => writeln!(out, "{pad}{key}: {}", scalar(value).unwrap()).unwrap(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Schema nodes.

fn s(v: &str) -> Y {
    Y::Str(v.to_string())
}

fn map(entries: Vec<(&str, Y)>) -> Y {
    Y::Map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

fn strings(v: &[&str]) -> Y {
    Y::Seq(v.iter().map(|x| s(x)).collect())
}

const SENTENCES: &[&str] = &[
    "When not specified, the operator applies the default value documented in the upstream project.",
    "Changing this field triggers a rolling update of every replica that the resource manages.",
    "The value is validated by the API server and by the operator before it is used.",
    "Cannot be updated once the resource has been created; delete and recreate it instead.",
    "More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes",
    "It requires the target to expose a compatible endpoint, otherwise the value is ignored.",
    "This field is alpha-level and is only honored by servers that enable the feature gate.",
    "Deprecated: this field will be removed in a future release, use the replacement field instead.",
    "If both this field and its alternative are set, this field takes precedence over the other.",
    "The referenced object must live in the same namespace as the resource that refers to it.",
];

/// A description of a few lines, like those controller-gen copies from Go comments.
struct Docs {
    counter: usize,
}

impl Docs {
    fn of(&mut self, name: &str, what: &str) -> String {
        self.counter += 1;
        let mut text = format!(
            "{name} defines the {what} of the component.\nIt is used by the operator to configure the generated\nworkload."
        );
        for i in 0..(self.counter % 3) + 1 {
            text.push('\n');
            if i % 2 == 1 {
                text.push('\n');
            }
            text.push_str(SENTENCES[(self.counter * 7 + i * 3) % SENTENCES.len()]);
        }
        text
    }
}

struct Gen {
    docs: Docs,
}

const DURATION: &str =
    "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$";
const QUANTITY: &str = "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";
const LABEL_NAME: &str = "^[a-zA-Z_][a-zA-Z0-9_]*$";
const URL: &str = "^(http|https)://.+$";

impl Gen {
    fn leaf(&mut self, name: &str, ty: &str, extra: Vec<(&str, Y)>) -> Y {
        let mut entries = vec![
            ("description", Y::Str(self.docs.of(name, "setting"))),
            ("type", s(ty)),
        ];
        entries.extend(extra);
        map(entries)
    }

    fn string(&mut self, name: &str) -> Y {
        self.leaf(name, "string", vec![])
    }

    fn pattern(&mut self, name: &str, pattern: &str) -> Y {
        self.leaf(name, "string", vec![("pattern", s(pattern))])
    }

    fn enumeration(&mut self, name: &str, values: &[&str], default: Option<&str>) -> Y {
        let mut extra = vec![("enum", strings(values))];
        if let Some(d) = default {
            extra.push(("default", s(d)));
        }
        self.leaf(name, "string", extra)
    }

    fn boolean(&mut self, name: &str) -> Y {
        self.leaf(name, "boolean", vec![])
    }

    fn int32(&mut self, name: &str, minimum: Option<i64>) -> Y {
        let mut extra = vec![("format", s("int32"))];
        if let Some(m) = minimum {
            extra.push(("minimum", Y::Int(m)));
        }
        self.leaf(name, "integer", extra)
    }

    fn int64(&mut self, name: &str) -> Y {
        self.leaf(name, "integer", vec![("format", s("int64"))])
    }

    fn int_or_string(&mut self, name: &str) -> Y {
        map(vec![
            (
                "anyOf",
                Y::Seq(vec![
                    map(vec![("type", s("integer"))]),
                    map(vec![("type", s("string"))]),
                ]),
            ),
            ("description", Y::Str(self.docs.of(name, "port or name"))),
            ("x-kubernetes-int-or-string", Y::Bool(true)),
        ])
    }

    fn quantity_map(&mut self, name: &str) -> Y {
        map(vec![
            (
                "additionalProperties",
                map(vec![
                    (
                        "anyOf",
                        Y::Seq(vec![
                            map(vec![("type", s("integer"))]),
                            map(vec![("type", s("string"))]),
                        ]),
                    ),
                    ("pattern", s(QUANTITY)),
                    ("x-kubernetes-int-or-string", Y::Bool(true)),
                ]),
            ),
            (
                "description",
                Y::Str(self.docs.of(name, "amount of resources")),
            ),
            ("type", s("object")),
        ])
    }

    fn string_map(&mut self, name: &str) -> Y {
        map(vec![
            ("additionalProperties", map(vec![("type", s("string"))])),
            ("description", Y::Str(self.docs.of(name, "labels"))),
            ("type", s("object")),
        ])
    }

    fn string_list(&mut self, name: &str, list_type: Option<&str>) -> Y {
        let mut entries = vec![
            ("description", Y::Str(self.docs.of(name, "list of values"))),
            ("items", map(vec![("type", s("string"))])),
            ("type", s("array")),
        ];
        if let Some(t) = list_type {
            entries.push(("x-kubernetes-list-type", s(t)));
        }
        map(entries)
    }

    fn object(&mut self, name: &str, props: Vec<(&str, Y)>, required: &[&str]) -> Y {
        let mut entries = vec![
            ("description", Y::Str(self.docs.of(name, "settings"))),
            ("properties", map(props)),
            ("type", s("object")),
        ];
        if !required.is_empty() {
            entries.push(("required", strings(required)));
        }
        map(entries)
    }

    fn with(mut node: Y, extra: Vec<(&str, Y)>) -> Y {
        if let Y::Map(m) = &mut node {
            for (k, v) in extra {
                m.insert(k.to_string(), v);
            }
        }
        node
    }

    fn list_of(&mut self, name: &str, item: Y, keys: Option<&[&str]>) -> Y {
        let item = match item {
            Y::Map(mut m) => {
                m.remove("description");
                Y::Map(m)
            }
            other => other,
        };
        let mut entries = vec![
            ("description", Y::Str(self.docs.of(name, "list"))),
            ("items", item),
            ("type", s("array")),
        ];
        match keys {
            Some(keys) => {
                entries.push(("x-kubernetes-list-map-keys", strings(keys)));
                entries.push(("x-kubernetes-list-type", s("map")));
            }
            None => entries.push(("x-kubernetes-list-type", s("atomic"))),
        }
        map(entries)
    }

    fn key_selector(&mut self, name: &str) -> Y {
        let props = vec![
            ("key", self.string("key")),
            (
                "name",
                Self::with(self.string("name"), vec![("default", s(""))]),
            ),
            ("optional", self.boolean("optional")),
        ];
        Self::with(
            self.object(name, props, &["key"]),
            vec![("x-kubernetes-map-type", s("atomic"))],
        )
    }

    fn label_selector(&mut self, name: &str) -> Y {
        let requirement = vec![
            ("key", self.string("key")),
            ("operator", self.string("operator")),
            ("values", self.string_list("values", Some("atomic"))),
        ];
        let requirement = self.object("matchExpressions", requirement, &["key", "operator"]);
        let props = vec![
            (
                "matchExpressions",
                self.list_of("matchExpressions", requirement, None),
            ),
            ("matchLabels", self.string_map("matchLabels")),
        ];
        Self::with(
            self.object(name, props, &[]),
            vec![("x-kubernetes-map-type", s("atomic"))],
        )
    }

    fn secret_or_config_map(&mut self, name: &str) -> Y {
        let props = vec![
            ("configMap", self.key_selector("configMap")),
            ("secret", self.key_selector("secret")),
        ];
        self.object(name, props, &[])
    }

    fn tls_config(&mut self, name: &str) -> Y {
        let versions = &["TLS10", "TLS11", "TLS12", "TLS13"];
        let props = vec![
            ("ca", self.secret_or_config_map("ca")),
            ("cert", self.secret_or_config_map("cert")),
            ("insecureSkipVerify", self.boolean("insecureSkipVerify")),
            ("keySecret", self.key_selector("keySecret")),
            ("maxVersion", self.enumeration("maxVersion", versions, None)),
            ("minVersion", self.enumeration("minVersion", versions, None)),
            ("serverName", self.string("serverName")),
        ];
        self.object(name, props, &[])
    }

    fn relabelings(&mut self, name: &str) -> Y {
        let actions = &[
            "replace",
            "Replace",
            "keep",
            "Keep",
            "drop",
            "Drop",
            "hashmod",
            "HashMod",
            "labelmap",
            "LabelMap",
            "labeldrop",
            "LabelDrop",
            "labelkeep",
            "LabelKeep",
        ];
        let label = self.pattern("sourceLabel", LABEL_NAME);
        let props = vec![
            (
                "action",
                self.enumeration("action", actions, Some("replace")),
            ),
            ("modulus", self.int64("modulus")),
            ("regex", self.string("regex")),
            ("replacement", self.string("replacement")),
            ("separator", self.string("separator")),
            ("sourceLabels", self.list_of("sourceLabels", label, None)),
            ("targetLabel", self.string("targetLabel")),
        ];
        let item = self.object(name, props, &[]);
        self.list_of(name, item, None)
    }

    fn oauth2(&mut self, name: &str) -> Y {
        let headers = map(vec![
            (
                "description",
                Y::Str(self.docs.of("proxyConnectHeader", "headers")),
            ),
            (
                "additionalProperties",
                map(vec![
                    ("items", {
                        let mut sel = self.key_selector("header");
                        if let Y::Map(m) = &mut sel {
                            m.remove("description");
                        }
                        sel
                    }),
                    ("type", s("array")),
                ]),
            ),
            ("type", s("object")),
            ("x-kubernetes-map-type", s("atomic")),
        ]);
        let props = vec![
            ("clientId", self.secret_or_config_map("clientId")),
            ("clientSecret", self.key_selector("clientSecret")),
            ("endpointParams", self.string_map("endpointParams")),
            ("noProxy", self.string("noProxy")),
            ("proxyConnectHeader", headers),
            ("proxyFromEnvironment", self.boolean("proxyFromEnvironment")),
            ("proxyUrl", self.pattern("proxyUrl", URL)),
            ("scopes", self.string_list("scopes", None)),
            ("tlsConfig", self.tls_config("tlsConfig")),
            (
                "tokenUrl",
                Self::with(
                    self.pattern("tokenUrl", URL),
                    vec![("minLength", Y::Int(1))],
                ),
            ),
        ];
        self.object(name, props, &["clientId", "clientSecret", "tokenUrl"])
    }

    fn auth(&mut self, props: &mut Vec<(&'static str, Y)>) {
        let basic = vec![
            ("password", self.key_selector("password")),
            ("username", self.key_selector("username")),
        ];
        props.push(("basicAuth", self.object("basicAuth", basic, &[])));
        let authorization = vec![
            ("credentials", self.key_selector("credentials")),
            ("type", self.string("type")),
        ];
        props.push((
            "authorization",
            self.object("authorization", authorization, &[]),
        ));
        props.push(("oauth2", self.oauth2("oauth2")));
        props.push(("tlsConfig", self.tls_config("tlsConfig")));
    }

    fn probe(&mut self, name: &str) -> Y {
        let exec = vec![("command", self.string_list("command", Some("atomic")))];
        let grpc = vec![
            ("port", self.int32("port", None)),
            (
                "service",
                Self::with(self.string("service"), vec![("default", s(""))]),
            ),
        ];
        let header = vec![
            ("name", self.string("name")),
            ("value", self.string("value")),
        ];
        let header = self.object("httpHeader", header, &["name", "value"]);
        let http = vec![
            ("host", self.string("host")),
            ("httpHeaders", self.list_of("httpHeaders", header, None)),
            ("path", self.string("path")),
            ("port", self.int_or_string("port")),
            (
                "scheme",
                self.enumeration("scheme", &["HTTP", "HTTPS"], None),
            ),
        ];
        let tcp = vec![
            ("host", self.string("host")),
            ("port", self.int_or_string("port")),
        ];
        let props = vec![
            ("exec", self.object("exec", exec, &[])),
            ("failureThreshold", self.int32("failureThreshold", Some(1))),
            ("grpc", self.object("grpc", grpc, &["port"])),
            ("httpGet", self.object("httpGet", http, &["port"])),
            (
                "initialDelaySeconds",
                self.int32("initialDelaySeconds", Some(0)),
            ),
            ("periodSeconds", self.int32("periodSeconds", Some(1))),
            ("successThreshold", self.int32("successThreshold", Some(1))),
            ("tcpSocket", self.object("tcpSocket", tcp, &["port"])),
            (
                "terminationGracePeriodSeconds",
                self.int64("terminationGracePeriodSeconds"),
            ),
            ("timeoutSeconds", self.int32("timeoutSeconds", Some(1))),
        ];
        self.object(name, props, &[])
    }

    fn container(&mut self, name: &str) -> Y {
        let field_ref = vec![
            ("apiVersion", self.string("apiVersion")),
            ("fieldPath", self.string("fieldPath")),
        ];
        let value_from = vec![
            ("configMapKeyRef", self.key_selector("configMapKeyRef")),
            (
                "fieldRef",
                Self::with(
                    self.object("fieldRef", field_ref, &["fieldPath"]),
                    vec![("x-kubernetes-map-type", s("atomic"))],
                ),
            ),
            ("secretKeyRef", self.key_selector("secretKeyRef")),
        ];
        let env = vec![
            ("name", self.string("name")),
            ("value", self.string("value")),
            ("valueFrom", self.object("valueFrom", value_from, &[])),
        ];
        let env = self.object("env", env, &["name"]);
        let port = vec![
            ("containerPort", self.int32("containerPort", Some(1))),
            ("hostIP", self.string("hostIP")),
            ("hostPort", self.int32("hostPort", None)),
            ("name", self.string("name")),
            (
                "protocol",
                self.enumeration("protocol", &["TCP", "UDP", "SCTP"], Some("TCP")),
            ),
        ];
        let port = self.object("port", port, &["containerPort"]);
        let claim = vec![
            ("name", self.string("name")),
            ("request", self.string("request")),
        ];
        let claim = self.object("claim", claim, &["name"]);
        let resources = vec![
            ("claims", self.list_of("claims", claim, Some(&["name"]))),
            ("limits", self.quantity_map("limits")),
            ("requests", self.quantity_map("requests")),
        ];
        let capabilities = vec![
            ("add", self.string_list("add", Some("atomic"))),
            ("drop", self.string_list("drop", Some("atomic"))),
        ];
        let seccomp = vec![
            ("localhostProfile", self.string("localhostProfile")),
            (
                "type",
                self.enumeration("type", &["RuntimeDefault", "Unconfined", "Localhost"], None),
            ),
        ];
        let security = vec![
            (
                "allowPrivilegeEscalation",
                self.boolean("allowPrivilegeEscalation"),
            ),
            (
                "capabilities",
                self.object("capabilities", capabilities, &[]),
            ),
            ("privileged", self.boolean("privileged")),
            (
                "readOnlyRootFilesystem",
                self.boolean("readOnlyRootFilesystem"),
            ),
            ("runAsGroup", self.int64("runAsGroup")),
            ("runAsNonRoot", self.boolean("runAsNonRoot")),
            ("runAsUser", self.int64("runAsUser")),
            (
                "seccompProfile",
                self.object("seccompProfile", seccomp, &["type"]),
            ),
        ];
        let mount = vec![
            ("mountPath", self.string("mountPath")),
            ("mountPropagation", self.string("mountPropagation")),
            ("name", self.string("name")),
            ("readOnly", self.boolean("readOnly")),
            ("subPath", self.string("subPath")),
            ("subPathExpr", self.string("subPathExpr")),
        ];
        let mount = self.object("volumeMount", mount, &["mountPath", "name"]);
        let props = vec![
            ("args", self.string_list("args", Some("atomic"))),
            ("command", self.string_list("command", Some("atomic"))),
            ("env", self.list_of("env", env, Some(&["name"]))),
            ("image", self.string("image")),
            (
                "imagePullPolicy",
                self.enumeration(
                    "imagePullPolicy",
                    &["Always", "Never", "IfNotPresent"],
                    None,
                ),
            ),
            ("livenessProbe", self.probe("livenessProbe")),
            ("name", self.string("name")),
            (
                "ports",
                self.list_of("ports", port, Some(&["containerPort", "protocol"])),
            ),
            ("readinessProbe", self.probe("readinessProbe")),
            ("resources", self.object("resources", resources, &[])),
            (
                "securityContext",
                self.object("securityContext", security, &[]),
            ),
            ("startupProbe", self.probe("startupProbe")),
            ("stdin", self.boolean("stdin")),
            (
                "terminationMessagePath",
                self.string("terminationMessagePath"),
            ),
            ("tty", self.boolean("tty")),
            (
                "volumeMounts",
                self.list_of("volumeMounts", mount, Some(&["mountPath"])),
            ),
            ("workingDir", self.string("workingDir")),
        ];
        let item = self.object(name, props, &["name"]);
        self.list_of(name, item, Some(&["name"]))
    }

    fn affinity(&mut self) -> Y {
        let term = |g: &mut Gen, name: &str| {
            let requirement = vec![
                ("key", g.string("key")),
                (
                    "operator",
                    g.enumeration(
                        "operator",
                        &["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"],
                        None,
                    ),
                ),
                ("values", g.string_list("values", Some("atomic"))),
            ];
            let requirement = g.object("requirement", requirement, &["key", "operator"]);
            let fields = g.list_of("matchFields", requirement, None);
            let requirement = vec![
                ("key", g.string("key")),
                ("operator", g.string("operator")),
                ("values", g.string_list("values", Some("atomic"))),
            ];
            let requirement = g.object("requirement", requirement, &["key", "operator"]);
            let props = vec![
                (
                    "matchExpressions",
                    g.list_of("matchExpressions", requirement, None),
                ),
                ("matchFields", fields),
            ];
            Self::with(
                g.object(name, props, &[]),
                vec![("x-kubernetes-map-type", s("atomic"))],
            )
        };
        let preference = term(self, "preference");
        let preferred = vec![
            ("preference", preference),
            ("weight", self.int32("weight", Some(1))),
        ];
        let preferred = self.object("preferred", preferred, &["preference", "weight"]);
        let node_term = term(self, "nodeSelectorTerm");
        let required = vec![(
            "nodeSelectorTerms",
            self.list_of("nodeSelectorTerms", node_term, None),
        )];
        let node = vec![
            (
                "preferredDuringSchedulingIgnoredDuringExecution",
                self.list_of(
                    "preferredDuringSchedulingIgnoredDuringExecution",
                    preferred,
                    None,
                ),
            ),
            (
                "requiredDuringSchedulingIgnoredDuringExecution",
                Self::with(
                    self.object(
                        "requiredDuringSchedulingIgnoredDuringExecution",
                        required,
                        &["nodeSelectorTerms"],
                    ),
                    vec![("x-kubernetes-map-type", s("atomic"))],
                ),
            ),
        ];
        let pod = |g: &mut Gen, name: &str| {
            let pod_term = |g: &mut Gen, name: &str| {
                let props = vec![
                    ("labelSelector", g.label_selector("labelSelector")),
                    (
                        "matchLabelKeys",
                        g.string_list("matchLabelKeys", Some("atomic")),
                    ),
                    (
                        "mismatchLabelKeys",
                        g.string_list("mismatchLabelKeys", Some("atomic")),
                    ),
                    ("namespaceSelector", g.label_selector("namespaceSelector")),
                    ("namespaces", g.string_list("namespaces", Some("atomic"))),
                    ("topologyKey", g.string("topologyKey")),
                ];
                g.object(name, props, &["topologyKey"])
            };
            let weighted = vec![
                ("podAffinityTerm", pod_term(g, "podAffinityTerm")),
                ("weight", g.int32("weight", Some(1))),
            ];
            let weighted = g.object("weighted", weighted, &["podAffinityTerm", "weight"]);
            let required = pod_term(g, "required");
            let props = vec![
                (
                    "preferredDuringSchedulingIgnoredDuringExecution",
                    g.list_of(
                        "preferredDuringSchedulingIgnoredDuringExecution",
                        weighted,
                        None,
                    ),
                ),
                (
                    "requiredDuringSchedulingIgnoredDuringExecution",
                    g.list_of(
                        "requiredDuringSchedulingIgnoredDuringExecution",
                        required,
                        None,
                    ),
                ),
            ];
            g.object(name, props, &[])
        };
        let props = vec![
            ("nodeAffinity", self.object("nodeAffinity", node, &[])),
            ("podAffinity", pod(self, "podAffinity")),
            ("podAntiAffinity", pod(self, "podAntiAffinity")),
        ];
        self.object("affinity", props, &[])
    }

    fn remote_write(&mut self, name: &str) -> Y {
        let queue = vec![
            (
                "batchSendDeadline",
                self.pattern("batchSendDeadline", DURATION),
            ),
            ("capacity", self.int32("capacity", Some(0))),
            ("maxBackoff", self.pattern("maxBackoff", DURATION)),
            ("maxSamplesPerSend", self.int32("maxSamplesPerSend", None)),
            ("maxShards", self.int32("maxShards", Some(1))),
            ("minBackoff", self.pattern("minBackoff", DURATION)),
            ("minShards", self.int32("minShards", Some(1))),
            ("retryOnRateLimit", self.boolean("retryOnRateLimit")),
            ("sampleAgeLimit", self.pattern("sampleAgeLimit", DURATION)),
        ];
        let queue = Self::with(
            self.object("queueConfig", queue, &[]),
            vec![(
                "x-kubernetes-validations",
                Y::Seq(vec![map(vec![
                    (
                        "message",
                        s("minShards must be less than or equal to maxShards"),
                    ),
                    (
                        "rule",
                        s(
                            "!has(self.minShards) || !has(self.maxShards) || self.minShards <= self.maxShards",
                        ),
                    ),
                ])]),
            )],
        );
        let mut props = vec![
            ("enableHTTP2", self.boolean("enableHTTP2")),
            ("headers", self.string_map("headers")),
            ("name", self.string("name")),
            ("queueConfig", queue),
            ("remoteTimeout", self.pattern("remoteTimeout", DURATION)),
            ("sendExemplars", self.boolean("sendExemplars")),
            (
                "url",
                Self::with(self.pattern("url", URL), vec![("minLength", Y::Int(1))]),
            ),
            (
                "writeRelabelConfigs",
                self.relabelings("writeRelabelConfigs"),
            ),
        ];
        self.auth(&mut props);
        let item = Self::with(
            self.object(name, props, &["url"]),
            vec![(
                "x-kubernetes-validations",
                Y::Seq(vec![map(vec![
                    (
                        "message",
                        s("at most one of basicAuth, oauth2 and authorization may be set"),
                    ),
                    (
                        "rule",
                        s(
                            "(has(self.basicAuth) ? 1 : 0) + (has(self.oauth2) ? 1 : 0) + (has(self.authorization) ? 1 : 0) <= 1",
                        ),
                    ),
                ])]),
            )],
        );
        self.list_of(name, item, None)
    }

    fn endpoint(&mut self, name: &str) -> Y {
        let mut props = vec![
            ("bearerTokenFile", self.string("bearerTokenFile")),
            ("enableHttp2", self.boolean("enableHttp2")),
            ("followRedirects", self.boolean("followRedirects")),
            ("honorLabels", self.boolean("honorLabels")),
            ("honorTimestamps", self.boolean("honorTimestamps")),
            ("interval", self.pattern("interval", DURATION)),
            ("metricRelabelings", self.relabelings("metricRelabelings")),
            ("params", {
                let mut m = self.string_map("params");
                if let Y::Map(m) = &mut m {
                    m.insert(
                        "additionalProperties".into(),
                        map(vec![
                            ("items", map(vec![("type", s("string"))])),
                            ("type", s("array")),
                        ]),
                    );
                }
                m
            }),
            ("path", self.string("path")),
            ("port", self.string("port")),
            ("relabelings", self.relabelings("relabelings")),
            (
                "scheme",
                self.enumeration("scheme", &["http", "https", "HTTP", "HTTPS"], None),
            ),
            ("scrapeTimeout", self.pattern("scrapeTimeout", DURATION)),
            ("targetPort", self.int_or_string("targetPort")),
        ];
        self.auth(&mut props);
        let item = self.object(name, props, &[]);
        self.list_of(name, item, None)
    }

    fn toleration(&mut self) -> Y {
        let props = vec![
            (
                "effect",
                self.enumeration(
                    "effect",
                    &["NoSchedule", "PreferNoSchedule", "NoExecute"],
                    None,
                ),
            ),
            ("key", self.string("key")),
            (
                "operator",
                self.enumeration("operator", &["Exists", "Equal"], None),
            ),
            ("tolerationSeconds", self.int64("tolerationSeconds")),
            ("value", self.string("value")),
        ];
        let item = self.object("toleration", props, &[]);
        self.list_of("tolerations", item, None)
    }

    fn topology_spread(&mut self) -> Y {
        let props = vec![
            ("labelSelector", self.label_selector("labelSelector")),
            (
                "matchLabelKeys",
                self.string_list("matchLabelKeys", Some("atomic")),
            ),
            ("maxSkew", self.int32("maxSkew", Some(1))),
            ("minDomains", self.int32("minDomains", Some(1))),
            (
                "nodeAffinityPolicy",
                self.enumeration("nodeAffinityPolicy", &["Honor", "Ignore"], None),
            ),
            ("topologyKey", self.string("topologyKey")),
            (
                "whenUnsatisfiable",
                self.enumeration(
                    "whenUnsatisfiable",
                    &["DoNotSchedule", "ScheduleAnyway"],
                    None,
                ),
            ),
        ];
        let item = self.object(
            "topologySpreadConstraint",
            props,
            &["maxSkew", "topologyKey", "whenUnsatisfiable"],
        );
        self.list_of(
            "topologySpreadConstraints",
            item,
            Some(&["topologyKey", "whenUnsatisfiable"]),
        )
    }

    fn spec(&mut self) -> Y {
        let alertmanager = {
            let mut props = vec![
                (
                    "apiVersion",
                    self.enumeration("apiVersion", &["v1", "V1", "v2", "V2"], None),
                ),
                ("name", self.string("name")),
                ("namespace", self.string("namespace")),
                ("pathPrefix", self.string("pathPrefix")),
                ("port", self.int_or_string("port")),
                ("scheme", self.string("scheme")),
                ("timeout", self.pattern("timeout", DURATION)),
                ("relabelings", self.relabelings("relabelings")),
            ];
            self.auth(&mut props);
            let item = self.object("alertmanager", props, &["name", "port"]);
            self.list_of("alertmanagers", item, None)
        };
        let alerting = vec![("alertmanagers", alertmanager)];
        let storage_props = vec![
            ("disableMountSubPath", self.boolean("disableMountSubPath")),
            ("emptyDir", {
                let props = vec![
                    ("medium", self.string("medium")),
                    ("sizeLimit", self.int_or_string("sizeLimit")),
                ];
                self.object("emptyDir", props, &[])
            }),
            ("selector", self.label_selector("selector")),
            ("storageClassName", self.string("storageClassName")),
            ("resources", {
                let props = vec![
                    ("limits", self.quantity_map("limits")),
                    ("requests", self.quantity_map("requests")),
                ];
                self.object("resources", props, &[])
            }),
        ];
        let mut props = vec![
            ("additionalArgs", {
                let arg = vec![
                    ("name", self.string("name")),
                    ("value", self.string("value")),
                ];
                let arg = Self::with(
                    self.object("argument", arg, &["name"]),
                    vec![(
                        "x-kubernetes-validations",
                        Y::Seq(vec![map(vec![
                            (
                                "message",
                                s("the name of an argument must not start with a dash"),
                            ),
                            ("rule", s("!self.name.startsWith('-')")),
                        ])]),
                    )],
                );
                self.list_of("additionalArgs", arg, None)
            }),
            (
                "additionalScrapeConfigs",
                self.key_selector("additionalScrapeConfigs"),
            ),
            ("affinity", self.affinity()),
            (
                "alerting",
                self.object("alerting", alerting, &["alertmanagers"]),
            ),
            ("containers", self.container("containers")),
            ("enableAdminAPI", self.boolean("enableAdminAPI")),
            (
                "enableFeatures",
                self.string_list("enableFeatures", Some("set")),
            ),
            (
                "evaluationInterval",
                Self::with(
                    self.pattern("evaluationInterval", DURATION),
                    vec![("default", s("30s"))],
                ),
            ),
            ("externalLabels", self.string_map("externalLabels")),
            ("externalUrl", self.string("externalUrl")),
            ("image", self.string("image")),
            ("initContainers", self.container("initContainers")),
            ("listenLocal", self.boolean("listenLocal")),
            (
                "logFormat",
                self.enumeration("logFormat", &["", "logfmt", "json"], None),
            ),
            (
                "logLevel",
                self.enumeration("logLevel", &["", "debug", "info", "warn", "error"], None),
            ),
            (
                "maximumStartupDurationSeconds",
                self.int32("maximumStartupDurationSeconds", Some(60)),
            ),
            ("nodeSelector", self.string_map("nodeSelector")),
            ("paused", self.boolean("paused")),
            (
                "podMonitorSelector",
                self.label_selector("podMonitorSelector"),
            ),
            ("priorityClassName", self.string("priorityClassName")),
            ("remoteWrite", self.remote_write("remoteWrite")),
            ("replicas", self.int32("replicas", Some(0))),
            ("resources", {
                let props = vec![
                    ("limits", self.quantity_map("limits")),
                    ("requests", self.quantity_map("requests")),
                ];
                self.object("resources", props, &[])
            }),
            ("retention", self.pattern("retention", DURATION)),
            (
                "retentionSize",
                self.pattern(
                    "retentionSize",
                    "(^0|([0-9]*[.])?[0-9]+((K|M|G|T|E|P)i?)?B)$",
                ),
            ),
            ("routePrefix", self.string("routePrefix")),
            ("ruleSelector", self.label_selector("ruleSelector")),
            (
                "scrapeInterval",
                Self::with(
                    self.pattern("scrapeInterval", DURATION),
                    vec![("default", s("30s"))],
                ),
            ),
            ("serviceAccountName", self.string("serviceAccountName")),
            (
                "serviceMonitorSelector",
                self.label_selector("serviceMonitorSelector"),
            ),
            ("shards", self.int32("shards", Some(1))),
            ("storage", self.object("storage", storage_props, &[])),
            ("tolerations", self.toleration()),
            ("topologySpreadConstraints", self.topology_spread()),
            ("version", self.string("version")),
            ("web", {
                let props = vec![
                    ("maxConnections", self.int32("maxConnections", Some(0))),
                    ("pageTitle", self.string("pageTitle")),
                    ("tlsConfig", self.tls_config("tlsConfig")),
                ];
                self.object("web", props, &[])
            }),
        ];
        // Scrape classes: the bulk of the schema, as the endpoints of a monitor each.
        for name in ["scrapeClasses", "scrapeTargets"] {
            let endpoint = self.endpoint(name);
            props.push((name, endpoint));
        }
        let spec = self.object("spec", props, &[]);
        Self::with(
            spec,
            vec![(
                "x-kubernetes-validations",
                Y::Seq(vec![map(vec![
                    ("message", s("shards must not exceed replicas times ten")),
                    (
                        "rule",
                        s(
                            "!has(self.shards) || !has(self.replicas) || self.shards <= self.replicas * 10 || self.replicas == 0",
                        ),
                    ),
                ])]),
            )],
        )
    }

    fn status(&mut self) -> Y {
        let condition = vec![
            (
                "lastTransitionTime",
                self.leaf(
                    "lastTransitionTime",
                    "string",
                    vec![("format", s("date-time"))],
                ),
            ),
            ("message", self.string("message")),
            ("observedGeneration", self.int64("observedGeneration")),
            ("reason", self.string("reason")),
            (
                "status",
                self.enumeration("status", &["True", "False", "Unknown"], None),
            ),
            (
                "type",
                Self::with(self.string("type"), vec![("minLength", Y::Int(1))]),
            ),
        ];
        let condition = self.object(
            "condition",
            condition,
            &["lastTransitionTime", "status", "type"],
        );
        let props = vec![
            ("availableReplicas", self.int32("availableReplicas", None)),
            (
                "conditions",
                self.list_of("conditions", condition, Some(&["type"])),
            ),
            ("paused", self.boolean("paused")),
            ("replicas", self.int32("replicas", None)),
            ("selector", self.string("selector")),
            ("shards", self.int32("shards", None)),
            ("updatedReplicas", self.int32("updatedReplicas", None)),
        ];
        self.object("status", props, &[])
    }
}

/// A CRD shaped like prometheus-operator's `Prometheus`, of about 600 KB.
fn synthetic_crd() -> String {
    let mut g = Gen {
        docs: Docs { counter: 0 },
    };
    let root = map(vec![
        (
            "description",
            s(
                "Prometheus defines a Prometheus deployment.\nThe operator creates a StatefulSet for it.",
            ),
        ),
        (
            "properties",
            map(vec![
                ("apiVersion", g.string("apiVersion")),
                ("kind", g.string("kind")),
                ("metadata", map(vec![("type", s("object"))])),
                ("spec", g.spec()),
                ("status", g.status()),
            ]),
        ),
        ("required", strings(&["spec"])),
        ("type", s("object")),
    ]);
    let column = |name: &str, ty: &str, path: &str| {
        map(vec![
            ("jsonPath", s(path)),
            ("name", s(name)),
            ("type", s(ty)),
        ])
    };
    let version = map(vec![
        (
            "additionalPrinterColumns",
            Y::Seq(vec![
                column("Version", "string", ".spec.version"),
                column("Desired", "integer", ".spec.replicas"),
                column("Ready", "integer", ".status.availableReplicas"),
                column("Age", "date", ".metadata.creationTimestamp"),
            ]),
        ),
        ("name", s("v1")),
        ("schema", map(vec![("openAPIV3Schema", root)])),
        ("served", Y::Bool(true)),
        ("storage", Y::Bool(true)),
        (
            "subresources",
            map(vec![
                (
                    "scale",
                    map(vec![
                        ("labelSelectorPath", s(".status.selector")),
                        ("specReplicasPath", s(".spec.shards")),
                        ("statusReplicasPath", s(".status.shards")),
                    ]),
                ),
                ("status", Y::Map(BTreeMap::new())),
            ]),
        ),
    ]);
    let crd = map(vec![
        ("apiVersion", s("apiextensions.k8s.io/v1")),
        ("kind", s("CustomResourceDefinition")),
        (
            "metadata",
            map(vec![
                (
                    "annotations",
                    map(vec![(
                        "controller-gen.kubebuilder.io/version",
                        s("v0.16.5"),
                    )]),
                ),
                ("name", s("prometheuses.monitoring.bench.io")),
            ]),
        ),
        (
            "spec",
            map(vec![
                ("group", s("monitoring.bench.io")),
                (
                    "names",
                    map(vec![
                        ("categories", strings(&["prometheus-operator"])),
                        ("kind", s("Prometheus")),
                        ("listKind", s("PrometheusList")),
                        ("plural", s("prometheuses")),
                        ("shortNames", strings(&["prom"])),
                        ("singular", s("prometheus")),
                    ]),
                ),
                ("scope", s("Namespaced")),
                ("versions", Y::Seq(vec![version])),
            ]),
        ),
    ]);
    let Y::Map(top) = crd else { unreachable!() };
    let mut out = String::from("---\n");
    write_map(&mut out, 0, &top);
    out
}

// ---------------------------------------------------------------------------------------------

struct Input {
    name: String,
    path: PathBuf,
    bytes: usize,
}

fn inputs(tmp: &Path) -> Vec<Input> {
    let mut all = Vec::new();
    if let Ok(dir) = std::fs::read_dir(REAL_CRDS) {
        let mut files: Vec<PathBuf> = dir
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        files.sort();
        for path in files {
            let bytes = std::fs::metadata(&path).unwrap().len() as usize;
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            all.push(Input { name, path, bytes });
        }
    }
    let text = synthetic_crd();
    let path = tmp.join("synthetic-prometheus.yaml");
    std::fs::write(&path, &text).unwrap();
    all.push(Input {
        name: "synthetic-prometheus".into(),
        path,
        bytes: text.len(),
    });
    all
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--write-synthetic") {
        let path = args.get(i + 1).expect("--write-synthetic PATH");
        std::fs::write(path, synthetic_crd()).unwrap();
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let runs = if quick { 3 } else { 11 };
    let tmp = tempfile::tempdir().unwrap();
    println!(
        "| input | size KB | median ms | min ms | max ms | CPU median ms | peak RSS MiB | --dry-run median ms |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for input in inputs(tmp.path()) {
        if !filters.is_empty() && !filters.iter().any(|f| input.name.contains(f.as_str())) {
            continue;
        }
        let text = std::fs::read_to_string(&input.path).unwrap();
        let domain = domain_of(&text);
        let pristine = tmp.path().join(format!("{}-project", input.name));
        std::fs::create_dir_all(&pristine).unwrap();
        must(
            &pristine,
            &["init", "--domain", &domain, "--license", "none"],
        );
        let from = input.path.to_str().unwrap();
        let mut args = vec!["create", "api", "--from", from];
        let probe = tmp.path().join(format!("{}-probe", input.name));
        copy_dir(&pristine, &probe);
        let mut mark = "";
        if run(&probe, &args).is_none() {
            args.push("--controller=false");
            mark = " *";
            let again = tmp.path().join(format!("{}-probe2", input.name));
            copy_dir(&pristine, &again);
            must(&again, &args);
        }
        let mut times = Vec::new();
        let mut cpu = Vec::new();
        let mut peak = 0;
        for i in 0..runs {
            let dir = tmp.path().join(format!("{}-run{i}", input.name));
            copy_dir(&pristine, &dir);
            let sample = run(&dir, &args).expect("create api --from");
            times.push(sample.wall);
            cpu.push(sample.cpu);
            peak = peak.max(sample.rss);
            std::fs::remove_dir_all(&dir).unwrap();
        }
        let mut dry = Vec::new();
        let mut dry_args = args.clone();
        dry_args.push("--dry-run");
        for _ in 0..runs {
            let sample = run(&pristine, &dry_args).expect("create api --from --dry-run");
            dry.push(sample.wall);
        }
        let (min, max) = (*times.iter().min().unwrap(), *times.iter().max().unwrap());
        println!(
            "| {}{mark} | {:.1} | {} | {} | {} | {} | {:.1} | {} |",
            input.name,
            input.bytes as f64 / 1024.0,
            ms(median(times)),
            ms(min),
            ms(max),
            ms(median(cpu)),
            peak as f64 / 1024.0,
            ms(median(dry)),
        );
    }
}
