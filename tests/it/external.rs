//! `create api --from crd.yaml --external`: a kind whose CRD another project installs. Its types
//! and controller are scaffolded, PROJECT records it as kubebuilder does (`external: true`, the
//! CRD's own domain), no CRD of the project's is derived for it, the CRD is kept as given for
//! the envtest suite, and refusals write nothing.

use std::path::Path;

use crate::common::{fails, ok, read, tree};
use crate::description_support;

fn fixture() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/external/certificate-crd.yaml")
        .to_string_lossy()
        .into_owned()
}

/// A new project in a temporary directory.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok(
        dir.path(),
        &[
            "init",
            "--domain",
            "example.com",
            "--project-name",
            "external-operator",
        ],
    );
    dir
}

/// The files under `config/crd/bases/` of the project, if any.
fn crd_bases(dir: &Path) -> Vec<String> {
    match std::fs::read_dir(dir.join("config/crd/bases")) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

const ENTRY: &str = "- api:
    namespaced: true
    storage: true
  controller: true
  domain: example.org
  external: true
  group: certs
  kind: Certificate
  path: external_operator::api::v1
  plural: certificates
  version: v1
";

#[test]
fn an_external_kind_has_types_and_a_controller_but_no_crd_of_the_project() {
    let dir = project();
    let d = dir.path();
    let from = fixture();
    ok(d, &["create", "api", "--from", &from, "--external"]);
    let project_file = read(d, "PROJECT");
    assert!(project_file.contains(ENTRY), "{project_file}");
    // The CRD is kept as given, outside config/default; none is derived into config/crd/bases.
    let kept = read(d, "config/crd/external/certs.example.org_certificates.yaml");
    assert_eq!(kept, std::fs::read_to_string(&from).unwrap());
    assert!(crd_bases(d).is_empty(), "{:?}", crd_bases(d));
    assert!(!d.join("config/crd/kustomization.yaml").exists());
    let default = read(d, "config/default/kustomization.yaml");
    assert!(
        !default.lines().any(|l| l.trim() == "- ../crd"),
        "{default}"
    );
    let crdgen = read(d, "src/bin/crdgen.rs");
    assert!(!crdgen.contains("Certificate"), "{crdgen}");
    // The types are of the CRD's group, and say whose CRD it is.
    let types = read(d, "src/api/v1/certificate.rs");
    assert!(
        types.contains("#[kube(group = \"certs.example.org\", version = \"v1\")]"),
        "{types}"
    );
    assert!(types.contains("is another project's"), "{types}");
    assert!(types.contains("pub secret_name: String,"), "{types}");
    // The controller's RBAC covers the external group; its finalizer is the project's.
    let role = read(d, "config/rbac/role.yaml");
    assert!(
        role.contains("- apiGroups:\n  - certs.example.org\n  resources:\n  - certificates\n"),
        "{role}"
    );
    let controller = read(d, "src/controllers/certificate.rs");
    assert!(
        controller
            .contains("pub const FINALIZER: &str = \"external-operator.example.com/finalizer\";"),
        "{controller}"
    );
    // The envtest suite installs the kept CRD before the controller's check.
    let envtest = read(d, "tests/envtest/main.rs");
    let install = envtest
        .find("install_crds(\"config/crd/external\")")
        .expect("the external CRD is installed");
    let check = envtest.find("controllers::certificate::run").unwrap();
    assert!(install < check, "{envtest}");
    // generate derives nothing new, and finds nothing stale.
    let before = tree(d);
    ok(d, &["generate"]);
    assert_eq!(tree(d), before);
    assert!(crd_bases(d).is_empty());
    ok(d, &["generate", "--check"]);
}

#[test]
fn the_group_may_be_given_in_full_or_as_its_first_label_and_one_version_is_taken() {
    for group in ["certs", "certs.example.org"] {
        let dir = project();
        let d = dir.path();
        let from = fixture();
        let out = ok(
            d,
            &[
                "create",
                "api",
                "--from",
                &from,
                "--external",
                "--group",
                group,
            ],
        );
        // The other version of the CRD is not the kind's and goes unmentioned.
        assert!(!out.contains("v1beta1"), "{out}");
        assert!(!d.join("src/api/v1beta1").exists());
        assert!(read(d, "PROJECT").contains(ENTRY));
    }
    let dir = project();
    let d = dir.path();
    ok(
        d,
        &[
            "create",
            "api",
            "--from",
            &fixture(),
            "--external",
            "--version",
            "v1beta1",
        ],
    );
    assert!(d.join("src/api/v1beta1/certificate.rs").exists());
    assert!(!d.join("src/api/v1/certificate.rs").exists());
    assert!(crd_bases(d).is_empty());
}

#[test]
fn refusals_exit_2_and_write_nothing() {
    let dir = project();
    let d = dir.path();
    let from = fixture();
    let description = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/descriptions/cronjob.yaml")
        .to_string_lossy()
        .into_owned();
    let two = d.join("two.yaml");
    let text = std::fs::read_to_string(&from).unwrap();
    let issuer = text
        .replace("Certificate", "Issuer")
        .replace("certificate", "issuer");
    std::fs::write(&two, format!("{text}---\n{issuer}")).unwrap();
    let two = two.to_string_lossy().into_owned();
    let before = tree(d);
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "create",
                "api",
                "--group",
                "certs",
                "--version",
                "v1",
                "--kind",
                "Certificate",
                "--external",
            ],
            "--external needs --from with the kind's CRD manifest",
        ),
        (
            &["create", "api", "--from", &description, "--external"],
            "is a resource description, not a CustomResourceDefinition",
        ),
        (
            &[
                "create",
                "api",
                "--from",
                &from,
                "--external",
                "--group",
                "other",
            ],
            "no CRD of the file matches the flags",
        ),
        (
            &[
                "create",
                "api",
                "--from",
                &from,
                "--external",
                "--kind",
                "Issuer",
            ],
            "no CRD of the file matches the flags",
        ),
        (
            &[
                "create",
                "api",
                "--from",
                &from,
                "--external",
                "--version",
                "v9",
            ],
            "--version v9: the CRD of",
        ),
        (
            &[
                "create",
                "api",
                "--from",
                &from,
                "--external",
                "--plural",
                "certs",
            ],
            "disagrees with --plural certs",
        ),
        (
            &[
                "create",
                "api",
                "--from",
                &from,
                "--external",
                "--resource=false",
            ],
            "--external with --resource=false",
        ),
        (
            &[
                "create",
                "api",
                "--from",
                &two,
                "--external",
                "--kind",
                "Certificate",
            ],
            "holds 2 YAML documents",
        ),
    ];
    for (args, message) in cases {
        let err = fails(d, args, 2);
        assert!(err.contains(message), "{args:?}: {err}");
        assert_eq!(tree(d), before, "{args:?} wrote something");
    }
}

#[test]
fn webhooks_target_the_external_group_and_conversion_is_refused() {
    let dir = project();
    let d = dir.path();
    ok(d, &["create", "api", "--from", &fixture(), "--external"]);
    let hook = [
        "create",
        "webhook",
        "--group",
        "certs",
        "--version",
        "v1",
        "--kind",
        "Certificate",
    ];
    let before = tree(d);
    let conversion = [&hook[..], &["--conversion", "--spoke", "v1beta1"]].concat();
    let err = fails(d, &conversion, 2);
    assert!(err.contains("Certificate is an external kind"), "{err}");
    assert_eq!(tree(d), before);
    ok(d, &[&hook[..], &["--defaulting"]].concat());
    let manifests = read(d, "config/webhook/manifests.yaml");
    assert!(
        manifests.contains("  - apiGroups:\n    - certs.example.org\n"),
        "{manifests}"
    );
    assert!(crd_bases(d).is_empty());
    ok(d, &["generate", "--check"]);
}

#[test]
fn delete_api_removes_the_external_kind_and_its_kept_crd() {
    let dir = project();
    let d = dir.path();
    let before = tree(d);
    ok(d, &["create", "api", "--from", &fixture(), "--external"]);
    ok(
        d,
        &["delete", "api", "--group", "certs", "--kind", "Certificate"],
    );
    let after = tree(d);
    // What stays is what the first kind of any project leaves: its samples' kustomization.
    let differs: Vec<&String> = before
        .keys()
        .chain(after.keys())
        .filter(|p| before.get(*p) != after.get(*p))
        .collect();
    assert_eq!(differs, ["config/samples/kustomization.yaml"]);
    assert!(!d.join("config/crd/external").exists());
}

/// The real cert-manager CRD, where `../shared/crds` holds it: its group is `cert-manager.io`,
/// recorded as group `cert-manager` of domain `io`, and it is kept byte for byte.
#[test]
fn cert_managers_certificate_is_adopted_as_external() {
    let Some(shared) = description_support::shared_crds_dir() else {
        eprintln!("skipped: no ../shared/crds");
        return;
    };
    let crd = shared.join("cert-manager-certificate.yaml");
    if !crd.exists() {
        eprintln!("skipped: no {}", crd.display());
        return;
    }
    let dir = project();
    let d = dir.path();
    ok(
        d,
        &[
            "create",
            "api",
            "--from",
            &crd.to_string_lossy(),
            "--external",
        ],
    );
    let project_file = read(d, "PROJECT");
    assert!(
        project_file.contains("  domain: io\n  external: true\n  group: cert-manager\n"),
        "{project_file}"
    );
    assert_eq!(
        read(d, "config/crd/external/cert-manager.io_certificates.yaml"),
        std::fs::read_to_string(&crd).unwrap()
    );
    assert!(crd_bases(d).is_empty());
    assert!(read(d, "config/rbac/role.yaml").contains("  - cert-manager.io\n"));
    ok(d, &["generate", "--check"]);
}
