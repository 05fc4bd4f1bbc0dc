//! Kubernetes' own kinds that a project can reconcile without owning them
//! (`create api --group apps --version v1 --kind Deployment --resource=false`).
//! A test checks every row against k8s-openapi.

use super::group::{ApiGroup, CORE};

/// One built-in kind: where it lives and how the API server names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Builtin {
    /// The API group; `""` is the core group.
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
    pub namespaced: bool,
    /// The k8s-openapi type.
    pub rust_type: &'static str,
}

macro_rules! builtins {
    ($( $group:literal $version:literal $kind:ident $plural:literal $ns:literal $m1:ident::$m2:ident; )*) => {
        pub const BUILTINS: &[Builtin] = &[$(Builtin {
            group: $group,
            version: $version,
            kind: stringify!($kind),
            plural: $plural,
            namespaced: $ns,
            rust_type: concat!("k8s_openapi::api::", stringify!($m1), "::", stringify!($m2), "::", stringify!($kind)),
        }),*];

        #[cfg(test)]
        mod checked_against_k8s_openapi {
            #[test]
            fn every_row_matches_the_type() {
                use k8s_openapi::{Resource, ResourceScope};
                fn scope_is_namespaced<S: ResourceScope + 'static>() -> bool {
                    std::any::TypeId::of::<S>() == std::any::TypeId::of::<k8s_openapi::NamespaceResourceScope>()
                }
                $({
                    type T = k8s_openapi::api::$m1::$m2::$kind;
                    let row = super::find($group, $version, stringify!($kind)).unwrap();
                    assert_eq!(<T as Resource>::GROUP, row.group);
                    assert_eq!(<T as Resource>::VERSION, row.version);
                    assert_eq!(<T as Resource>::URL_PATH_SEGMENT, row.plural);
                    assert_eq!(scope_is_namespaced::<<T as Resource>::Scope>(), row.namespaced, "{}", row.kind);
                })*
            }
        }
    };
}

builtins! {
    "" "v1" ConfigMap "configmaps" true core::v1;
    "" "v1" Endpoints "endpoints" true core::v1;
    "" "v1" Event "events" true core::v1;
    "" "v1" Namespace "namespaces" false core::v1;
    "" "v1" Node "nodes" false core::v1;
    "" "v1" PersistentVolume "persistentvolumes" false core::v1;
    "" "v1" PersistentVolumeClaim "persistentvolumeclaims" true core::v1;
    "" "v1" Pod "pods" true core::v1;
    "" "v1" Secret "secrets" true core::v1;
    "" "v1" Service "services" true core::v1;
    "" "v1" ServiceAccount "serviceaccounts" true core::v1;
    "apps" "v1" DaemonSet "daemonsets" true apps::v1;
    "apps" "v1" Deployment "deployments" true apps::v1;
    "apps" "v1" ReplicaSet "replicasets" true apps::v1;
    "apps" "v1" StatefulSet "statefulsets" true apps::v1;
    "autoscaling" "v2" HorizontalPodAutoscaler "horizontalpodautoscalers" true autoscaling::v2;
    "batch" "v1" CronJob "cronjobs" true batch::v1;
    "batch" "v1" Job "jobs" true batch::v1;
    "coordination.k8s.io" "v1" Lease "leases" true coordination::v1;
    "networking.k8s.io" "v1" Ingress "ingresses" true networking::v1;
    "networking.k8s.io" "v1" IngressClass "ingressclasses" false networking::v1;
    "networking.k8s.io" "v1" NetworkPolicy "networkpolicies" true networking::v1;
    "policy" "v1" PodDisruptionBudget "poddisruptionbudgets" true policy::v1;
    "rbac.authorization.k8s.io" "v1" ClusterRole "clusterroles" false rbac::v1;
    "rbac.authorization.k8s.io" "v1" ClusterRoleBinding "clusterrolebindings" false rbac::v1;
    "rbac.authorization.k8s.io" "v1" Role "roles" true rbac::v1;
    "rbac.authorization.k8s.io" "v1" RoleBinding "rolebindings" true rbac::v1;
    "storage.k8s.io" "v1" StorageClass "storageclasses" false storage::v1;
}

/// The built-in kind `group/version/kind`; the core group may be written `core` or left empty.
pub fn find(group: &str, version: &str, kind: &str) -> Option<&'static Builtin> {
    of_group(group).find(|b| b.version == version && b.kind == kind)
}

/// The built-in kinds of a group; the core group may be written `core` or left empty.
pub fn of_group(group: &str) -> impl Iterator<Item = &'static Builtin> {
    let group = ApiGroup::from_written(group);
    BUILTINS.iter().filter(move |b| b.group == group.api())
}

/// Whether a group belongs to Kubernetes itself (a project cannot define kinds in it).
pub fn is_builtin_group(group: &str) -> bool {
    group == CORE || BUILTINS.iter().any(|b| b.group == group)
}
