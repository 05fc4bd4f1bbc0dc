//! The manager's Deployment and the ServiceMonitor of every snapshot project: the manager runs
//! as the user of its image, and once the project has cert-manager (with its first webhook),
//! the metrics server gets its certificate from it and Prometheus checks the server against its
//! CA instead of skipping the check. The rendering needs `kubectl kustomize`; without kubectl
//! those checks are skipped.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::common::{SCENARIOS, read, repo, tree};

/// The documents of a YAML file of a snapshot project.
fn documents(dir: &Path, path: &str) -> Vec<Value> {
    kubeforge::yaml::values_from_str(Path::new(path), &read(dir, path)).unwrap()
}

#[test]
fn the_manager_runs_as_the_user_of_its_image() {
    for s in SCENARIOS {
        let dir = repo().join("snapshots").join(s.name);
        let dockerfile = read(&dir, "Dockerfile");
        let user = dockerfile
            .lines()
            .find_map(|l| l.strip_prefix("USER "))
            .and_then(|u| u.split(':').next())
            .unwrap_or_else(|| panic!("{}: the Dockerfile names no USER", s.name));
        let uid: u64 = user.parse().unwrap();
        let manifests = documents(&dir, "config/manager/manager.yaml");
        let deployment = manifests
            .iter()
            .find(|d| d["kind"] == "Deployment")
            .unwrap();
        let pod = &deployment["spec"]["template"]["spec"]["securityContext"];
        assert_eq!(pod["runAsUser"], uid, "{}: {pod}", s.name);
        assert_eq!(pod["runAsNonRoot"], true, "{}: {pod}", s.name);
    }
}

/// `config/default` of a copy of a snapshot project with the ServiceMonitor enabled, rendered;
/// `None` without kubectl.
fn rendered_with_prometheus(name: &str) -> Option<Vec<Value>> {
    let copy = tempfile::tempdir().unwrap();
    for (path, bytes) in tree(&repo().join("snapshots").join(name)) {
        let dest = copy.path().join(path);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(dest, bytes).unwrap();
    }
    let kustomization = copy.path().join("config/default/kustomization.yaml");
    let text = std::fs::read_to_string(&kustomization).unwrap();
    assert!(text.contains("\n#- ../prometheus\n"), "{name}: {text}");
    std::fs::write(
        &kustomization,
        text.replace("\n#- ../prometheus\n", "\n- ../prometheus\n"),
    )
    .unwrap();
    let out = Command::new("kubectl")
        .args(["kustomize", "config/default"])
        .current_dir(copy.path())
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    Some(kubeforge::yaml::values_from_str(Path::new("config/default"), &text).unwrap())
}

fn one<'a>(objects: &'a [Value], kind: &str, name_ends: &str) -> &'a Value {
    objects
        .iter()
        .find(|o| {
            o["kind"] == kind
                && o["metadata"]["name"]
                    .as_str()
                    .is_some_and(|n| n.ends_with(name_ends))
        })
        .unwrap_or_else(|| panic!("no {kind} named *{name_ends}"))
}

#[test]
fn prometheus_checks_the_metrics_certificate_that_cert_manager_issues() {
    let mut checked = 0;
    for s in SCENARIOS {
        let Some(objects) = rendered_with_prometheus(s.name) else {
            eprintln!("kubectl not found: the ServiceMonitor checks are skipped");
            return;
        };
        let monitor = one(
            &objects,
            "ServiceMonitor",
            "-controller-manager-metrics-monitor",
        );
        let tls = &monitor["spec"]["endpoints"][0]["tlsConfig"];
        let pod = &one(&objects, "Deployment", "-controller-manager")["spec"]["template"]["spec"];
        let manager = &pod["containers"][0];
        let cert_dir = manager["args"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|a| a.as_str()?.strip_prefix("--metrics-cert-path="));
        let with_cert_manager = repo()
            .join("snapshots")
            .join(s.name)
            .join("config/certmanager")
            .exists();
        if !with_cert_manager {
            // A self-signed certificate, made by the manager at start: nothing to check it with.
            assert_eq!(tls["insecureSkipVerify"], true, "{}: {tls}", s.name);
            assert_eq!(cert_dir, None, "{}", s.name);
            continue;
        }
        checked += 1;
        assert!(tls.get("insecureSkipVerify").is_none(), "{}: {tls}", s.name);
        let service = one(&objects, "Service", "-controller-manager-metrics-service");
        let server = format!(
            "{}.{}.svc",
            service["metadata"]["name"].as_str().unwrap(),
            service["metadata"]["namespace"].as_str().unwrap()
        );
        assert_eq!(tls["serverName"], server.as_str(), "{}", s.name);
        let certificate = objects
            .iter()
            .find(|o| {
                o["kind"] == "Certificate"
                    && o["spec"]["dnsNames"]
                        .as_array()
                        .is_some_and(|names| names.iter().any(|n| n == server.as_str()))
            })
            .unwrap_or_else(|| panic!("{}: no certificate for {server}", s.name));
        let secret = &certificate["spec"]["secretName"];
        assert_eq!(tls["ca"]["secret"]["name"], *secret, "{}: {tls}", s.name);
        assert_eq!(tls["ca"]["secret"]["key"], "ca.crt", "{}: {tls}", s.name);
        // The manager serves that certificate: its secret is mounted where --metrics-cert-path
        // points.
        let cert_dir = cert_dir.unwrap_or_else(|| panic!("{}: no --metrics-cert-path", s.name));
        let volume = pod["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["secret"]["secretName"] == *secret)
            .unwrap_or_else(|| panic!("{}: the metrics secret is not mounted", s.name));
        assert!(
            manager["volumeMounts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["name"] == volume["name"] && m["mountPath"] == cert_dir),
            "{}: {manager}",
            s.name
        );
    }
    assert!(checked >= 1, "no snapshot project has cert-manager");
}
