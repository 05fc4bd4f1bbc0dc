//! kube-rs against the server: a client certificate of the client CA, the typed API and the
//! watcher.

use futures::TryStreamExt;
use kube::{
    Api,
    api::{DeleteParams, ListParams, Patch, PatchParams, PostParams},
    config::AuthInfo,
    runtime::{WatchStreamExt, watcher},
};

use super::*;

impl Server {
    /// A kube client that authenticates as `alice` of the client CA.
    pub(super) fn kube_client(&self) -> kube::Client {
        let cert = self.dir.path().join("alice.crt");
        let key = self.dir.path().join("alice.key");
        std::fs::write(&cert, &self.alice.pem).unwrap();
        std::fs::write(&key, self.alice.key.serialize_pem()).unwrap();
        let url = format!("https://localhost:{}", self.address.port());
        let mut config = kube::Config::new(url.parse().unwrap());
        config.root_cert = Some(vec![self.serving.to_vec()]);
        config.auth_info = AuthInfo {
            client_certificate: Some(cert.display().to_string()),
            client_key: Some(key.display().to_string()),
            ..AuthInfo::default()
        };
        config.default_namespace = "ns".into();
        kube::Client::try_from(config).unwrap()
    }
}

#[tokio::test]
async fn kube_rs_creates_patches_lists_and_watches() {
    let server = start().await;
    let api = Api::<Flunder>::namespaced(server.kube_client(), "ns");
    let mut object = flunder("ns", "a");
    object.spec.reference = Some("x".into());
    let created = api.create(&PostParams::default(), &object).await.unwrap();
    assert_eq!(created.spec.reference.as_deref(), Some("x"));
    let patch = Patch::Merge(json!({"spec": {"reference": "y"}}));
    let patched = api
        .patch("a", &PatchParams::default(), &patch)
        .await
        .unwrap();
    assert_eq!(patched.spec.reference.as_deref(), Some("y"));
    let list = api.list(&ListParams::default()).await.unwrap();
    assert_eq!(list.items.len(), 1);
    assert!(api.get_opt("absent").await.unwrap().is_none());

    let mut changes = watcher(api.clone(), watcher::Config::default())
        .applied_objects()
        .boxed();
    let first = tokio::time::timeout(Duration::from_secs(10), changes.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(first.metadata.name.as_deref(), Some("a"));
    api.create(&PostParams::default(), &flunder("ns", "b"))
        .await
        .unwrap();
    let second = tokio::time::timeout(Duration::from_secs(10), changes.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(second.metadata.name.as_deref(), Some("b"));
    api.delete("b", &DeleteParams::default()).await.unwrap();
}

#[tokio::test]
async fn kube_rs_watches_with_a_streaming_list() {
    let server = start().await;
    let api = Api::<Flunder>::namespaced(server.kube_client(), "ns");
    api.create(&PostParams::default(), &flunder("ns", "a"))
        .await
        .unwrap();
    let config = watcher::Config::default().streaming_lists();
    let mut events = watcher(api.clone(), config).boxed();
    let mut initial = Vec::new();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), events.try_next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        match event {
            watcher::Event::Init => {}
            watcher::Event::InitApply(flunder) => initial.push(flunder.metadata.name.unwrap()),
            watcher::Event::InitDone => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(initial, ["a"]);
    api.create(&PostParams::default(), &flunder("ns", "b"))
        .await
        .unwrap();
    let event = tokio::time::timeout(Duration::from_secs(10), events.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let watcher::Event::Apply(flunder) = event else {
        panic!("unexpected {event:?}");
    };
    assert_eq!(flunder.metadata.name.as_deref(), Some("b"));
}
