//! The manifests and scripts of every snapshot project: YAML parses, `kubectl kustomize` renders
//! config/default, the rendered objects pass `kubernetes-validate --strict`, and shell scripts pass
//! `bash -n` and shellcheck. Tools that are missing are reported and their checks skipped
//! (.ci/run installs them).

use std::path::Path;
use std::process::Command;

use crate::common::{SCENARIOS, repo, tree};

/// The Kubernetes version whose schemas the rendered objects are checked against.
const K8S_SCHEMA_VERSION: &str = "1.33.0";

fn have(tool: &str) -> bool {
    let found = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
        || Command::new(tool)
            .arg("version")
            .arg("--client")
            .output()
            .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("{tool} not found: its checks are skipped");
    }
    found
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

#[test]
fn snapshot_manifests_and_scripts_are_valid() {
    let (kubectl, validate, shellcheck) = (
        have("kubectl"),
        have("kubernetes-validate"),
        have("shellcheck"),
    );
    let mut problems = Vec::new();
    for s in SCENARIOS {
        let dir = repo().join("snapshots").join(s.name);
        for (path, bytes) in tree(&dir) {
            let text = String::from_utf8_lossy(&bytes);
            // The Helm chart's templates, and the scaffold base's copies of them, are Go
            // templates (tests/it/helm.rs renders them).
            let scaffolded = path.strip_prefix(".kubeforge/base/").unwrap_or(&path);
            if (path.ends_with(".yaml") || path.ends_with(".yml"))
                && !scaffolded.starts_with("dist/chart/templates/")
                && let Err(e) = kubeforge::yaml::values_from_str(Path::new(&path), &text)
            {
                problems.push(format!("{}: {e}", s.name));
            }
            if path.ends_with(".sh") {
                if let Err(e) = run(&dir, "bash", &["-n", &path]) {
                    problems.push(format!("{}/{path}: bash -n: {e}", s.name));
                }
                if shellcheck && let Err(e) = run(&dir, "shellcheck", &[&path]) {
                    problems.push(format!("{}/{path}: shellcheck:\n{e}", s.name));
                }
            }
        }
        if !kubectl {
            continue;
        }
        for overlay in ["config/default", "config/crd", "config/samples"] {
            if !dir.join(overlay).join("kustomization.yaml").exists() {
                continue;
            }
            match run(&dir, "kubectl", &["kustomize", overlay]) {
                Err(e) => problems.push(format!("{}: kubectl kustomize {overlay}:\n{e}", s.name)),
                Ok(rendered) if validate && overlay != "config/samples" => {
                    let out = tempfile::NamedTempFile::new().unwrap();
                    std::fs::write(out.path(), rendered).unwrap();
                    let file = out.path().to_str().unwrap();
                    if let Err(e) = run(
                        &dir,
                        "kubernetes-validate",
                        &["--strict", "--quiet", "-k", K8S_SCHEMA_VERSION, file],
                    ) {
                        problems.push(format!(
                            "{}: kubernetes-validate --strict on {overlay}:\n{e}",
                            s.name
                        ));
                    }
                }
                Ok(_) => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// The rendered objects of an overlay, parsed.
fn rendered(dir: &Path, overlay: &str) -> Vec<serde_json::Value> {
    let text = run(dir, "kubectl", &["kustomize", overlay]).unwrap();
    kubeforge::yaml::values_from_str(Path::new(overlay), &text).unwrap()
}

fn find<'a>(objects: &'a [serde_json::Value], kind: &str) -> Vec<&'a serde_json::Value> {
    objects.iter().filter(|o| o["kind"] == kind).collect()
}

/// In the projects with webhooks, `config/default` renders objects that agree with each other:
/// the webhook configurations and converted CRDs call the webhook Service where it is, with the
/// CA of the certificate whose DNS names are the Service's, and the manager mounts that
/// certificate's secret and serves the webhook port.
#[test]
fn webhook_objects_agree_in_config_default() {
    if !have("kubectl") {
        return;
    }
    let mut checked = 0;
    for s in SCENARIOS {
        let dir = repo().join("snapshots").join(s.name);
        if !dir.join("config/webhook/kustomization.yaml").exists() {
            continue;
        }
        checked += 1;
        let objects = rendered(&dir, "config/default");
        let services = find(&objects, "Service");
        let service = services
            .iter()
            .find(|o| {
                o["metadata"]["name"]
                    .as_str()
                    .unwrap()
                    .ends_with("-webhook-service")
            })
            .unwrap_or_else(|| panic!("{}: no webhook Service", s.name));
        let (svc, ns) = (
            &service["metadata"]["name"],
            &service["metadata"]["namespace"],
        );
        let certificate = find(&objects, "Certificate")
            .into_iter()
            .find(|c| c["spec"]["secretName"] == "webhook-server-cert")
            .unwrap_or_else(|| panic!("{}: no certificate for the webhooks", s.name));
        let cert_ref = format!(
            "{}/{}",
            certificate["metadata"]["namespace"].as_str().unwrap(),
            certificate["metadata"]["name"].as_str().unwrap()
        );
        let svc_dns = format!("{}.{}.svc", svc.as_str().unwrap(), ns.as_str().unwrap());
        assert_eq!(
            certificate["spec"]["dnsNames"],
            serde_json::json!([svc_dns, format!("{svc_dns}.cluster.local")]),
            "{}",
            s.name
        );
        let mut calls = 0;
        for kind in [
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
        ] {
            for config in find(&objects, kind) {
                assert_eq!(
                    config["metadata"]["annotations"]["cert-manager.io/inject-ca-from"], cert_ref,
                    "{}: {kind}",
                    s.name
                );
                for hook in config["webhooks"].as_array().unwrap() {
                    let to = &hook["clientConfig"]["service"];
                    assert_eq!((&to["name"], &to["namespace"]), (svc, ns), "{}", s.name);
                    assert!(to["path"].as_str().unwrap().starts_with('/'));
                    calls += 1;
                }
            }
        }
        for crd in find(&objects, "CustomResourceDefinition") {
            let conversion = &crd["spec"]["conversion"];
            if conversion["strategy"] != "Webhook" {
                assert!(crd["metadata"]["annotations"]["cert-manager.io/inject-ca-from"].is_null());
                continue;
            }
            assert_eq!(
                crd["metadata"]["annotations"]["cert-manager.io/inject-ca-from"], cert_ref,
                "{}",
                s.name
            );
            let to = &conversion["webhook"]["clientConfig"]["service"];
            assert_eq!((&to["name"], &to["namespace"]), (svc, ns), "{}", s.name);
            assert_eq!(to["path"], "/convert");
            calls += 1;
        }
        assert!(calls > 0, "{}: nothing calls the webhook Service", s.name);
        let deployment = find(&objects, "Deployment")[0];
        let pod = &deployment["spec"]["template"]["spec"];
        let volume = pod["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["secret"]["secretName"] == certificate["spec"]["secretName"])
            .unwrap_or_else(|| panic!("{}: the certificate's secret is not mounted", s.name));
        let manager = &pod["containers"][0];
        assert!(
            manager["volumeMounts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["name"] == volume["name"]
                    && m["mountPath"] == "/tmp/k8s-webhook-server/serving-certs"),
            "{}",
            s.name
        );
        assert!(
            manager["ports"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "webhook-server" && p["containerPort"] == 9443),
            "{}",
            s.name
        );
        let policies = find(&objects, "NetworkPolicy");
        assert!(
            policies
                .iter()
                .any(|p| p["spec"]["ingress"][0]["ports"][0]["port"] == "webhook-server"),
            "{}: no NetworkPolicy lets the API server in",
            s.name
        );
    }
    assert!(checked >= 1, "no snapshot project has webhooks");
}
