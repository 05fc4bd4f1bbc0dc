//! `edit --plugins helm`: the chart in dist/chart/, checked with the real helm (`helm lint`,
//! `helm template`) against what `kubectl kustomize config/default` deploys.
//!
//! helm comes from `KUBEFORGE_HELM` (`.ci/run` sets it to what tests/helm/build.sh builds). The
//! checks that need helm or kubectl are skipped, with the reason printed, when either is missing,
//! except under CI (`CI=true`), where a missing tool fails them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{SCENARIOS, fails, ok, read, repo, tree};

/// helm and kubectl, or `None` (with the reason printed) when the checks are skipped.
fn tools() -> Option<PathBuf> {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let missing = |why: String| {
        assert!(
            !ci,
            "{why}; under CI the chart is checked with helm and kubectl"
        );
        eprintln!("skipped: {why}");
    };
    let Some(helm) = std::env::var_os("KUBEFORGE_HELM").map(PathBuf::from) else {
        missing("KUBEFORGE_HELM is unset; `tests/helm/build.sh | tail -n 1` builds helm and prints the path to set it to".into());
        return None;
    };
    assert!(
        helm.is_file(),
        "KUBEFORGE_HELM={} is no file",
        helm.display()
    );
    if !Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success())
    {
        missing("kubectl is not installed".into());
        return None;
    }
    Some(helm)
}

/// Runs `program` in `dir`; its stdout, or a panic with its output.
fn run(dir: &Path, program: &Path, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{} runs: {e}", program.display()));
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        out.status.success(),
        "{} {args:?} in {}:\n{stdout}{stderr}",
        program.display(),
        dir.display()
    );
    format!("{stdout}{stderr}")
}

/// The objects of a multi-document YAML stream, keyed by apiVersion, kind, namespace and name.
fn objects(text: &str) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for object in kubeforge::yaml::values_from_str(Path::new("rendered.yaml"), text).unwrap() {
        let field = |pointer: &str| {
            object
                .pointer(pointer)
                .and_then(Value::as_str)
                .unwrap_or("")
        };
        let key = format!(
            "{} {} {}/{}",
            field("/apiVersion"),
            field("/kind"),
            field("/metadata/namespace"),
            field("/metadata/name")
        );
        assert!(out.insert(key.clone(), object).is_none(), "{key} twice");
    }
    out
}

/// The name and namespace config/default gives the project.
fn release(dir: &Path) -> (String, String) {
    let kustomization = read(dir, "config/default/kustomization.yaml");
    let value = |key: &str| {
        kustomization
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .unwrap()
            .trim()
            .to_string()
    };
    let prefix = value("namePrefix:");
    (
        prefix.trim_end_matches('-').to_string(),
        value("namespace:"),
    )
}

/// `helm template` of the project's chart with `args` added, as objects.
fn template(helm: &Path, dir: &Path, args: &[&str]) -> BTreeMap<String, Value> {
    let (name, namespace) = release(dir);
    let mut all = vec!["template", &name, "dist/chart", "--namespace", &namespace];
    all.extend(args);
    objects(&run(dir, helm, &all))
}

/// What `kubectl kustomize config/default` deploys, as the chart deploys it by default. The two
/// differences, each for its reason:
/// - kustomize's Namespace object is left out: Helm installs into the release's namespace
///   (`helm install --namespace N --create-namespace`), and a chart that made that Namespace too
///   could not be installed into it;
/// - the label `app.kubernetes.io/managed-by` is `Helm`, where kustomize writes `kustomize`: each
///   names the tool that manages the object.
fn kustomized(dir: &Path) -> BTreeMap<String, Value> {
    let text = run(dir, Path::new("kubectl"), &["kustomize", "config/default"]);
    let mut out = objects(&text);
    out.retain(|_, o| o["kind"] != "Namespace");
    for object in out.values_mut() {
        let label = object.pointer_mut("/metadata/labels/app.kubernetes.io~1managed-by");
        let label = label.expect("every object has the managed-by label");
        assert_eq!(label, "kustomize");
        *label = "Helm".into();
    }
    out
}

/// Copies snapshot `name` into a temporary directory.
fn snapshot(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    crate::common::write_tree(&tree(&repo().join("snapshots").join(name)), tmp.path());
    tmp
}

fn assert_same(dir: &Path, helm: &Path, what: &str) {
    let (chart, kustomize) = (template(helm, dir, &[]), kustomized(dir));
    let keys = |m: &BTreeMap<String, Value>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&chart), keys(&kustomize), "{what}: the objects differ");
    for (key, object) in &chart {
        assert_eq!(object, &kustomize[key], "{what}: {key} differs");
    }
}

/// Every snapshot project, given the chart: `helm lint` finds nothing, and the chart with its
/// default values deploys exactly what config/default does.
#[test]
fn the_chart_deploys_what_config_default_deploys() {
    let Some(helm) = tools() else { return };
    for scenario in SCENARIOS {
        let tmp = snapshot(scenario.name);
        let dir = tmp.path();
        if !dir.join("dist/chart").exists() {
            ok(dir, &["edit", "--plugins", "helm"]);
        }
        let lint = run(dir, &helm, &["lint", "dist/chart"]);
        assert!(
            lint.contains("0 chart(s) failed"),
            "{}: {lint}",
            scenario.name
        );
        for level in ["[WARNING]", "[ERROR]"] {
            assert!(!lint.contains(level), "{}: {lint}", scenario.name);
        }
        assert_same(dir, &helm, scenario.name);
    }
}

fn kinds(objects: &BTreeMap<String, Value>, kind: &str) -> Vec<Value> {
    objects
        .values()
        .filter(|o| o["kind"] == kind)
        .cloned()
        .collect()
}

/// The toggles of values.yaml change what the chart deploys.
#[test]
fn values_turn_parts_of_the_chart_on_and_off() {
    let Some(helm) = tools() else { return };
    let tmp = snapshot("chart");
    let dir = tmp.path();
    let default = template(&helm, dir, &[]);
    let count = |kind| kinds(&default, kind).len();
    assert_eq!(count("CustomResourceDefinition"), 2);
    assert_eq!(count("ServiceMonitor"), 0);
    assert_eq!(count("NetworkPolicy"), 2);
    assert_eq!(count("Certificate"), 2);

    let set = |value: &str| template(&helm, dir, &["--set", value]);
    assert!(kinds(&set("crd.enable=false"), "CustomResourceDefinition").is_empty());
    for crd in kinds(&default, "CustomResourceDefinition") {
        assert!(crd["metadata"].get("annotations").is_none(), "{crd}");
    }
    let kept = set("crd.keep=true");
    let crds = kinds(&kept, "CustomResourceDefinition");
    assert_eq!(crds.len(), 2);
    for crd in crds {
        let policy = &crd["metadata"]["annotations"]["helm.sh/resource-policy"];
        assert_eq!(policy, "keep", "{crd}");
    }

    let monitored = set("prometheus.enable=true");
    let monitors = kinds(&monitored, "ServiceMonitor");
    assert_eq!(monitors.len(), 1);
    let tls = &monitors[0]["spec"]["endpoints"][0]["tlsConfig"];
    assert_eq!(
        tls["serverName"],
        "chart-operator-controller-manager-metrics-service.chart-operator-system.svc"
    );
    assert!(kinds(&set("networkPolicy.enable=false"), "NetworkPolicy").is_empty());

    // Without cert-manager: no certificates, no CA injection, no metrics certificate.
    let plain = set("certManager.enable=false");
    assert!(kinds(&plain, "Certificate").is_empty());
    assert!(kinds(&plain, "Issuer").is_empty());
    for hooks in kinds(&plain, "MutatingWebhookConfiguration") {
        assert!(hooks["metadata"].get("annotations").is_none(), "{hooks}");
    }
    let manager = &kinds(&plain, "Deployment")[0];
    let args = manager["spec"]["template"]["spec"]["containers"][0]["args"].to_string();
    assert!(!args.contains("--metrics-cert-path"), "{args}");

    // Without webhooks: no configurations, Service or serving certificate, and no webhook port.
    let without = set("webhook.enable=false");
    for kind in [
        "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
    ] {
        assert!(kinds(&without, kind).is_empty(), "{kind}");
    }
    let names: Vec<&str> = without
        .values()
        .filter_map(|o| o["metadata"]["name"].as_str())
        .collect();
    assert!(
        !names.contains(&"chart-operator-webhook-service"),
        "{names:?}"
    );
    assert!(!names.contains(&"chart-operator-serving-cert"), "{names:?}");
    let manager = kinds(&without, "Deployment")[0].to_string();
    assert!(!manager.contains("webhook-server"), "{manager}");
}

/// `create api` after `edit --plugins helm`: the new kind's CRD and RBAC join the chart, the
/// values set by hand stay, and a template changed by hand is kept and reported.
#[test]
fn later_commands_keep_the_chart_current_and_the_users_edits() {
    let tmp = snapshot("guestbook");
    let dir = tmp.path();
    ok(dir, &["edit", "--plugins", "helm/v2-alpha"]);
    assert!(read(dir, "PROJECT").contains("  helm.kubeforge.io/v2-alpha: {}\n"));
    let values = read(dir, "dist/chart/values.yaml");
    assert!(values.contains("webhook:\n  enable: false\n"), "{values}");
    let edited = values.replace("  replicas: 1\n", "  replicas: 3\n");
    assert_ne!(edited, values);
    std::fs::write(dir.join("dist/chart/values.yaml"), &edited).unwrap();
    let account = "dist/chart/templates/rbac/service_account.yaml";
    let mine = format!("{}# mine\n", read(dir, account));
    std::fs::write(dir.join(account), &mine).unwrap();

    let out = ok(
        dir,
        &[
            "create",
            "api",
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Shelf",
        ],
    );
    assert!(
        out.contains("create    dist/chart/templates/crd/webapp.example.com_shelves.yaml"),
        "{out}"
    );
    assert!(
        out.contains("dist/chart/templates/rbac/webapp_shelf_editor_role.yaml"),
        "{out}"
    );
    assert!(read(dir, "dist/chart/templates/rbac/role.yaml").contains("- shelves\n"));
    assert_eq!(read(dir, "dist/chart/values.yaml"), edited);
    // The template changed by hand has nothing new from create api: kept without a word.
    assert_eq!(read(dir, account), mine);

    // A webhook turns the webhook defaults on, and changes the manager; the values set stay.
    let out = ok(
        dir,
        &[
            "create",
            "webhook",
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Shelf",
            "--defaulting",
        ],
    );
    let values = read(dir, "dist/chart/values.yaml");
    assert!(values.contains("replicas: 3"), "{values}");
    for toggle in ["webhook", "certManager"] {
        assert!(
            values.contains(&format!("{toggle}:\n  enable: true\n")),
            "{values}"
        );
    }
    assert!(
        out.contains("create    dist/chart/templates/webhook/manifests.yaml"),
        "{out}"
    );
    assert_eq!(read(dir, account), mine);

    // `generate` keeps the chart's derived templates in step, and says nothing when they are.
    let before = tree(dir);
    let out = ok(dir, &["generate"]);
    assert!(!out.contains("dist/chart"), "{out}");
    assert_eq!(tree(dir), before);

    if let Some(helm) = tools() {
        let rendered = template(&helm, dir, &[]);
        let manager = &kinds(&rendered, "Deployment")[0];
        assert_eq!(manager["spec"]["replicas"], 3);
        let crds: Vec<Value> = kinds(&rendered, "CustomResourceDefinition");
        assert!(
            crds.iter()
                .any(|c| c["metadata"]["name"] == "shelves.webapp.example.com")
        );
        // Apart from the replicas set by hand, the chart still deploys what config/default does.
        std::fs::write(
            dir.join("dist/chart/values.yaml"),
            values.replace("replicas: 3", "replicas: 1"),
        )
        .unwrap();
        assert_same(dir, &helm, "guestbook after create api and create webhook");
    }
}

/// A template changed by hand that the command would change is kept, and the plan says so.
#[test]
fn a_chart_template_changed_by_hand_is_kept_and_reported() {
    let tmp = snapshot("solo");
    let dir = tmp.path();
    ok(dir, &["edit", "--plugins", "helm"]);
    let role = "dist/chart/templates/rbac/role.yaml";
    let mine = format!("{}# mine\n", read(dir, role));
    std::fs::write(dir.join(role), &mine).unwrap();
    let out = ok(
        dir,
        &[
            "create",
            "api",
            "--group",
            "cache",
            "--version",
            "v1alpha1",
            "--kind",
            "Slot",
        ],
    );
    assert!(
        out.contains(&format!("keep      {role} (changed by hand")),
        "{out}"
    );
    assert_eq!(read(dir, role), mine);
}

#[test]
fn an_unknown_plugin_is_refused_and_nothing_is_written() {
    let tmp = snapshot("guestbook");
    let dir = tmp.path();
    let before = tree(dir);
    let err = fails(dir, &["edit", "--plugins", "nope"], 2);
    assert!(
        err.contains("--plugins `nope`: no such plugin for edit"),
        "{err}"
    );
    assert!(err.contains("helm, helm/v2-alpha"), "{err}");
    assert_eq!(tree(dir), before);
}
