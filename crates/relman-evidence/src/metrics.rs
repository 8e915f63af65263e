//! Metrics: scraping a live `/metrics` endpoint or reading a captured scrape.
//!
//! A scrape asks for OpenMetrics first and the Prometheus text format second
//! (the header Prometheus itself sends), accepts gzip, follows a bounded
//! number of redirects, and gives up after the connect and total timeouts.
//! The body is read chunk by chunk and abandoned as soon as it passes the size
//! cap, so an endless or gigantic response costs at most the cap. What was
//! observed (status, content type, latency, size) is kept as evidence.

use std::time::{Duration, Instant};

use relman_core::evidence::{
    FamilyFacts, MetricsEvidence, MetricsFacts, MetricsOrigin, ParseFailure, SeriesFacts,
};
use relman_core::fleet::Service;
use relman_exposition::Format;

use crate::Limits;

/// The Accept header Prometheus sends: OpenMetrics first, then text.
pub const ACCEPT: &str =
    "application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

/// A configured HTTP client, shared by every scrape of an audit.
#[derive(Debug, Clone)]
pub struct Scraper {
    client: reqwest::Client,
    limits: Limits,
}

/// A body read within the limits.
#[derive(Debug)]
pub struct Fetched {
    pub body: Vec<u8>,
    pub origin: MetricsOrigin,
}

impl Scraper {
    pub fn new(limits: &Limits) -> Result<Scraper, String> {
        let client = reqwest::Client::builder()
            .connect_timeout(limits.connect_timeout)
            .timeout(limits.timeout)
            .redirect(reqwest::redirect::Policy::limited(limits.max_redirects))
            .user_agent(concat!("relman/", env!("CARGO_PKG_VERSION")))
            .gzip(true)
            .pool_max_idle_per_host(1)
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Scraper {
            client,
            limits: limits.clone(),
        })
    }

    /// GET `url` within the limits. On failure, what was observed so far and
    /// the reason.
    pub async fn fetch(&self, url: &str) -> Result<Fetched, (MetricsOrigin, String)> {
        let started = Instant::now();
        let mut origin = MetricsOrigin::Url {
            url: url.to_string(),
            final_url: None,
            status: None,
            content_type: None,
            latency_ms: 0,
            bytes: 0,
        };
        let response = match self
            .client
            .get(url)
            .header(reqwest::header::ACCEPT, ACCEPT)
            .send()
            .await
        {
            Ok(r) => r,
            Err(e) => {
                set_latency(&mut origin, started);
                return Err((origin, describe(&e, &self.limits)));
            }
        };
        let status = response.status();
        if let MetricsOrigin::Url {
            final_url,
            status: s,
            content_type,
            ..
        } = &mut origin
        {
            *s = Some(status.as_u16());
            *content_type = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            if response.url().as_str() != url {
                *final_url = Some(response.url().to_string());
            }
        }
        if !status.is_success() {
            set_latency(&mut origin, started);
            return Err((origin, format!("HTTP {status}")));
        }
        let mut response = response;
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() as u64 + chunk.len() as u64 > self.limits.max_body_bytes {
                        set_latency(&mut origin, started);
                        set_bytes(&mut origin, body.len() as u64 + chunk.len() as u64);
                        return Err((
                            origin,
                            format!(
                                "the body is larger than {} (the size cap); stopped reading",
                                human_bytes(self.limits.max_body_bytes)
                            ),
                        ));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    set_latency(&mut origin, started);
                    set_bytes(&mut origin, body.len() as u64);
                    return Err((origin, describe(&e, &self.limits)));
                }
            }
        }
        set_latency(&mut origin, started);
        set_bytes(&mut origin, body.len() as u64);
        Ok(Fetched { body, origin })
    }
}

fn set_latency(origin: &mut MetricsOrigin, started: Instant) {
    if let MetricsOrigin::Url { latency_ms, .. } = origin {
        *latency_ms = started.elapsed().as_millis().min(u128::from(u64::MAX)) as u64;
    }
}

fn set_bytes(origin: &mut MetricsOrigin, n: u64) {
    if let MetricsOrigin::Url { bytes, .. } = origin {
        *bytes = n;
    }
}

pub(crate) fn human_bytes(n: u64) -> String {
    if n >= 1 << 20 && n % (1 << 20) == 0 {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n % (1 << 10) == 0 {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

/// A transport error in words, without reqwest's nested repetition.
fn describe(e: &reqwest::Error, limits: &Limits) -> String {
    if e.is_timeout() {
        return format!(
            "no complete answer within {} (timed out)",
            human_duration(limits.timeout)
        );
    }
    if e.is_redirect() {
        return format!("more than {} redirects", limits.max_redirects);
    }
    if e.is_connect() {
        let mut source = std::error::Error::source(e);
        let mut last = None;
        while let Some(s) = source {
            last = Some(s.to_string());
            source = s.source();
        }
        return match last {
            Some(cause) => format!("cannot connect: {cause}"),
            None => "cannot connect".to_string(),
        };
    }
    if e.is_decode() || e.is_body() {
        return format!("the body could not be read: {e}");
    }
    e.to_string()
}

fn human_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// Decide the format from the content type, or from the body for a file.
pub fn detect_format(content_type: Option<&str>, body: &[u8]) -> Format {
    match content_type {
        Some(ct) => Format::from_content_type(ct),
        None => {
            let trimmed = body.trim_ascii_end();
            if trimmed.ends_with(b"# EOF") {
                Format::OpenMetrics
            } else {
                Format::Text
            }
        }
    }
}

/// Parse a body into the facts the checks read.
pub fn facts(origin: MetricsOrigin, body: &[u8], format: Format) -> MetricsFacts {
    let parsed = match relman_exposition::parse_bytes(body, format) {
        Ok(exp) => Ok(exp
            .families
            .iter()
            .map(|f| FamilyFacts {
                name: f.name.to_string(),
                kind: f.kind.as_str(),
                help: f.help.as_ref().map(|h| h.to_string()),
                unit: f.unit.map(str::to_string),
                line: f.line,
                series: f
                    .samples
                    .iter()
                    .map(|s| SeriesFacts {
                        name: s.name.to_string(),
                        labels: s
                            .labels
                            .iter()
                            .map(|l| (l.name.to_string(), l.value.to_string()))
                            .collect(),
                        value: s.value,
                        line: s.line,
                    })
                    .collect(),
            })
            .collect()),
        Err(e) => Err(ParseFailure {
            line: e.line,
            column: e.column,
            message: e.message.clone(),
        }),
    };
    MetricsFacts {
        origin,
        format: match format {
            Format::Text => "text",
            Format::OpenMetrics => "openmetrics",
        },
        parsed,
    }
}

/// Read a capture file within the size cap.
pub async fn read_capture(path: &std::path::Path, limits: &Limits) -> Result<Vec<u8>, String> {
    use tokio::io::AsyncReadExt;
    let work = async {
        let file = tokio::fs::File::open(path)
            .await
            .map_err(|e| io_message(&e))?;
        let mut body = Vec::new();
        file.take(limits.max_body_bytes + 1)
            .read_to_end(&mut body)
            .await
            .map_err(|e| io_message(&e))?;
        if body.len() as u64 > limits.max_body_bytes {
            return Err(format!(
                "the file is larger than {} (the size cap)",
                human_bytes(limits.max_body_bytes)
            ));
        }
        Ok(body)
    };
    tokio::time::timeout(limits.timeout, work)
        .await
        .unwrap_or_else(|_| {
            Err(format!(
                "timed out after {}",
                human_duration(limits.timeout)
            ))
        })
}

pub(crate) fn io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Collect a service's metrics evidence.
pub(crate) async fn collect(
    service: &Service,
    scraper: Option<&Scraper>,
    limits: &Limits,
) -> MetricsEvidence {
    let Some(m) = &service.metrics else {
        return MetricsEvidence::NotGiven;
    };
    if let Some(url) = &m.url {
        let Some(scraper) = scraper else {
            return MetricsEvidence::Unreadable {
                origin: MetricsOrigin::Url {
                    url: url.clone(),
                    final_url: None,
                    status: None,
                    content_type: None,
                    latency_ms: 0,
                    bytes: 0,
                },
                error: "no HTTP client could be built".into(),
            };
        };
        return match scraper.fetch(url).await {
            Ok(f) => {
                let ct = match &f.origin {
                    MetricsOrigin::Url { content_type, .. } => content_type.clone(),
                    MetricsOrigin::File { .. } => None,
                };
                let format = detect_format(ct.as_deref(), &f.body);
                MetricsEvidence::Read(facts(f.origin, &f.body, format))
            }
            Err((origin, error)) => {
                tracing::debug!(service = %service.name, url = %url, error = %error, "scrape failed");
                MetricsEvidence::Unreadable { origin, error }
            }
        };
    }
    if let Some(file) = &m.file {
        let origin = MetricsOrigin::File {
            location: file.display.clone(),
        };
        return match read_capture(&file.resolved, limits).await {
            Ok(body) => {
                let format = detect_format(None, &body);
                MetricsEvidence::Read(facts(origin, &body, format))
            }
            Err(error) => MetricsEvidence::Unreadable { origin, error },
        };
    }
    MetricsEvidence::NotGiven
}
