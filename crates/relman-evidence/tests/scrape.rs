//! The scraper against small loopback servers that misbehave on purpose:
//! silence, endless bodies, redirect loops, gzip, errors.

use std::time::{Duration, Instant};

use relman_core::evidence::MetricsOrigin;
use relman_evidence::Limits;
use relman_evidence::metrics::{ACCEPT, Scraper};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serve each connection with `respond(request_head) -> bytes to write`,
/// then keep writing `tail` forever when given.
async fn serve<F>(respond: F, tail: Option<Vec<u8>>) -> String
where
    F: Fn(&str) -> Option<Vec<u8>> + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let respond = std::sync::Arc::new(respond);
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let respond = respond.clone();
            let tail = tail.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let n = sock.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).to_string();
                match respond(&head) {
                    Some(bytes) => {
                        let _ = sock.write_all(&bytes).await;
                        if let Some(t) = tail {
                            // An endless body, bounded by the test's own lifetime.
                            for _ in 0..100_000 {
                                if sock.write_all(&t).await.is_err() {
                                    return;
                                }
                            }
                        }
                    }
                    None => {
                        // Accept, then say nothing.
                        tokio::time::sleep(Duration::from_secs(30)).await;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

fn ok(body: &str, content_type: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn limits() -> Limits {
    Limits {
        timeout: Duration::from_millis(800),
        connect_timeout: Duration::from_millis(500),
        max_body_bytes: 64 * 1024,
        max_redirects: 3,
        ..Limits::default()
    }
}

#[tokio::test]
async fn records_status_type_size_and_sends_the_accept_header() {
    let base = serve(
        |head| {
            let accept_ok = head
                .to_ascii_lowercase()
                .contains(&format!("accept: {}", ACCEPT.to_ascii_lowercase()));
            Some(ok(
                if accept_ok {
                    "up 1\n"
                } else {
                    "wrong accept\n"
                },
                "text/plain; version=0.0.4",
            ))
        },
        None,
    )
    .await;
    let f = Scraper::new(&limits())
        .expect("client")
        .fetch(&format!("{base}/metrics"))
        .await
        .expect("fetched");
    assert_eq!(f.body, b"up 1\n");
    match f.origin {
        MetricsOrigin::Url {
            status,
            content_type,
            bytes,
            ..
        } => {
            assert_eq!(status, Some(200));
            assert_eq!(content_type.as_deref(), Some("text/plain; version=0.0.4"));
            assert_eq!(bytes, 5);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_silent_endpoint_times_out() {
    let base = serve(|_| None, None).await;
    let started = Instant::now();
    let err = Scraper::new(&limits())
        .expect("client")
        .fetch(&format!("{base}/metrics"))
        .await
        .expect_err("times out");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(err.1, "no complete answer within 800ms (timed out)");
}

#[tokio::test]
async fn an_endless_body_stops_at_the_cap() {
    let head = b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n".to_vec();
    let base = serve(move |_| Some(head.clone()), Some(vec![b'#'; 4096])).await;
    let err = Scraper::new(&limits())
        .expect("client")
        .fetch(&format!("{base}/metrics"))
        .await
        .expect_err("too large");
    assert_eq!(
        err.1,
        "the body is larger than 64 KiB (the size cap); stopped reading"
    );
}

#[tokio::test]
async fn a_redirect_loop_is_bounded() {
    let base = serve(
        |_| Some(b"HTTP/1.1 302 Found\r\nlocation: /again\r\ncontent-length: 0\r\n\r\n".to_vec()),
        None,
    )
    .await;
    let err = Scraper::new(&limits())
        .expect("client")
        .fetch(&format!("{base}/metrics"))
        .await
        .expect_err("loops");
    assert_eq!(err.1, "more than 3 redirects");
}

#[tokio::test]
async fn http_errors_and_refused_connections_are_named() {
    let base = serve(
        |_| Some(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n".to_vec()),
        None,
    )
    .await;
    let scraper = Scraper::new(&limits()).expect("client");
    let err = scraper
        .fetch(&format!("{base}/metrics"))
        .await
        .expect_err("503");
    assert_eq!(err.1, "HTTP 503 Service Unavailable");
    // A port nobody listens on.
    let free = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = free.local_addr().expect("addr").port();
    drop(free);
    let err = scraper
        .fetch(&format!("http://127.0.0.1:{port}/metrics"))
        .await
        .expect_err("refused");
    assert!(err.1.starts_with("cannot connect"), "{}", err.1);
    assert!(err.1.contains("refused"), "{}", err.1);
}

#[tokio::test]
async fn gzip_bodies_are_decoded_and_capped_after_decoding() {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&vec![b'a'; 1024 * 1024]).expect("gzip");
    let bomb = gz.finish().expect("gzip");
    let mut small = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    small.write_all(b"up 1\n").expect("gzip");
    let small = small.finish().expect("gzip");
    let base = serve(
        move |head| {
            let body = if head.contains("/bomb") { bomb.clone() } else { small.clone() };
            let mut r = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-encoding: gzip\r\ncontent-length: {}\r\n\r\n",
                body.len()
            )
            .into_bytes();
            r.extend_from_slice(&body);
            Some(r)
        },
        None,
    )
    .await;
    let scraper = Scraper::new(&limits()).expect("client");
    let f = scraper
        .fetch(&format!("{base}/metrics"))
        .await
        .expect("gzip");
    assert_eq!(f.body, b"up 1\n");
    let err = scraper
        .fetch(&format!("{base}/bomb"))
        .await
        .expect_err("bomb");
    assert!(err.1.contains("size cap"), "{}", err.1);
}

#[tokio::test]
async fn a_truncated_body_is_an_error_not_a_short_exposition() {
    let base = serve(
        |_| {
            Some(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 1000\r\nconnection: close\r\n\r\nup 1\n"
                    .to_vec(),
            )
        },
        None,
    )
    .await;
    let err = Scraper::new(&limits())
        .expect("client")
        .fetch(&format!("{base}/metrics"))
        .await
        .expect_err("truncated");
    assert!(err.1.starts_with("the body could not be read"), "{}", err.1);
}
