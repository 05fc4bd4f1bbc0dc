//! HTTP/2, and the end of the server.

use hyper_util::rt::TokioExecutor;

use super::*;

#[tokio::test]
async fn serves_http2_when_enabled() {
    let server = start_on(MemoryStorage::new(), true).await;
    let mut roots = RootCertStore::empty();
    roots.add(server.serving.clone()).unwrap();
    let mut config =
        ClientConfig::builder_with_provider(kubeforge_runtime::manager::tls::provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_client_auth_cert(vec![server.proxy.der.clone()], server.proxy.private_key())
            .unwrap();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let tcp = TcpStream::connect(server.address).await.unwrap();
    let tls = TlsConnector::from(Arc::new(config))
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap();
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    let (mut sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(tls))
            .await
            .unwrap();
    tokio::spawn(connection);
    let request = hyper::Request::get(format!("https://localhost{}", "/apis"))
        .header("X-Remote-User", "alice")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let groups: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(groups["kind"], "APIGroupList");
}

#[tokio::test]
async fn stops_on_the_token_and_ends_the_watches() {
    let mut server = start().await;
    let who = As::Proxy("alice");
    let mut sender = server.connect(&who).await;
    let path = "/apis/wardle.example.com/v1alpha1/flunders?watch=true";
    let response = sender
        .send_request(Server::request(&who, Method::GET, path, "", None))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    server.shutdown.cancel();
    let task = server.task.take().unwrap();
    let result = tokio::time::timeout(Duration::from_secs(10), task).await;
    result.unwrap().unwrap().unwrap();
    // The watch ends instead of hanging.
    let body = tokio::time::timeout(Duration::from_secs(10), response.into_body().collect()).await;
    assert!(body.unwrap().is_ok());
    assert!(TcpStream::connect(server.address).await.is_err());
}
