//! The fleet's Prometheus: its retention flags (O-10), from the HTTP API.

use relman_core::evidence::{PrometheusEvidence, PrometheusFacts};
use relman_core::fleet::Fleet;

use crate::Limits;
use crate::metrics::Scraper;

/// The API answers are small; a larger one is not Prometheus.
const MAX_API_BYTES: u64 = 4 * 1024 * 1024;

pub(crate) async fn collect(fleet: &Fleet, limits: &Limits) -> PrometheusEvidence {
    let Some(base) = fleet
        .config
        .prometheus
        .as_ref()
        .and_then(|p| p.url.as_deref())
    else {
        return PrometheusEvidence::NotGiven;
    };
    let base = base.trim_end_matches('/');
    let api_limits = Limits {
        max_body_bytes: MAX_API_BYTES,
        ..limits.clone()
    };
    let scraper = match Scraper::new(&api_limits) {
        Ok(s) => s,
        Err(error) => {
            return PrometheusEvidence::Unreadable {
                url: base.to_string(),
                error,
            };
        }
    };
    let flags_url = format!("{base}/api/v1/status/flags");
    let flags = match get_json(&scraper, &flags_url).await {
        Ok(v) => v,
        Err(error) => {
            return PrometheusEvidence::Unreadable {
                url: flags_url,
                error,
            };
        }
    };
    let flag = |name: &str| {
        flags["data"][name]
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    // Before 2.8 the flag was storage.tsdb.retention.
    let retention_time =
        flag("storage.tsdb.retention.time").or_else(|| flag("storage.tsdb.retention"));
    let retention_size = flag("storage.tsdb.retention.size").filter(|s| s != "0B");
    let version = get_json(&scraper, &format!("{base}/api/v1/status/buildinfo"))
        .await
        .ok()
        .and_then(|v| v["data"]["version"].as_str().map(str::to_string));
    PrometheusEvidence::Read(PrometheusFacts {
        url: flags_url,
        retention_time,
        retention_size,
        version,
    })
}

async fn get_json(scraper: &Scraper, url: &str) -> Result<serde_json::Value, String> {
    let fetched = scraper.fetch(url).await.map_err(|(_, e)| e)?;
    let v: serde_json::Value = serde_json::from_slice(&fetched.body)
        .map_err(|e| format!("the answer is not JSON: {e}"))?;
    if v["status"] != "success" {
        return Err(format!(
            "the API answered status {}",
            v["status"].as_str().unwrap_or("(none)")
        ));
    }
    Ok(v)
}
