use relman_core::evidence::PrometheusEvidence;
use relman_core::time::parse_duration;
use relman_core::{EvidenceRef, Severity};

use crate::{CheckMeta, Findings, FleetCheck, FleetCx};

/// O-10: raw metrics kept 7 days, 5m and 1h downsampled metrics 365 days.
pub struct MetricRetention;

static META: CheckMeta = CheckMeta {
    rule: "O-10",
    id: "metric-retention",
    severity: Severity::Medium,
    title: "Raw metrics 7 days, downsampled metrics a year",
    what: "Raw samples are kept at least 7 days: from the Thanos compactor's `--retention.resolution-raw`, else from the fleet Prometheus's `storage.tsdb.retention.time` (read live from `/api/v1/status/flags`; Prometheus prints 7d as 1w). 5-minute and 1-hour downsampled data are kept at least 365 days (`--retention.resolution-5m`, `--retention.resolution-1h`; 0d means forever). Downsampling needs raw data kept at least 40 hours for the 5m level and 5m data kept at least 10 days for the 1h level. Without downsampling configured, O-10 fails with what is missing.",
    why: "A week of raw samples covers incident investigation; a year of downsampled data shows seasonality, capacity trends and year-over-year SLO history.",
    fix: "Run the Thanos compactor with `--retention.resolution-raw=7d --retention.resolution-5m=365d --retention.resolution-1h=365d` (and keep Prometheus's local retention at least 7d).",
};

const DAY: u64 = 86_400;

/// A retention: seconds, or `None` for forever (`0d`).
fn retention(text: &str) -> Option<Option<u64>> {
    match parse_duration(text)? {
        0 => Some(None),
        s => Some(Some(s)),
    }
}

fn days(v: Option<u64>) -> String {
    match v {
        None => "forever".to_string(),
        Some(s) if s % DAY == 0 => format!("{}d", s / DAY),
        Some(s) => format!("{}h", s / 3600),
    }
}

/// `--name=value` or `--name value` in a list of arguments.
fn arg<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    let flag = format!("--{name}");
    args.iter().enumerate().find_map(|(i, a)| {
        if let Some(v) = a.strip_prefix(&format!("{flag}=")) {
            return Some(v);
        }
        (a == &flag)
            .then(|| args.get(i + 1).map(String::as_str))
            .flatten()
    })
}

impl FleetCheck for MetricRetention {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &FleetCx<'_>, out: &mut Findings) {
        let config = &cx.fleet.config;
        let args: &[String] = config
            .prometheus
            .as_ref()
            .map_or(&[], |p| p.thanos_compactor_args.as_slice());
        let args_at = config
            .origin
            .at("fleet", "prometheus.thanos_compactor_args");
        let prom = &cx.evidence.prometheus;
        if args.is_empty() && matches!(prom, PrometheusEvidence::NotGiven) {
            out.unverified("metric retention is not known: relman.yaml gives neither prometheus.url nor prometheus.thanos_compactor_args")
                .at(config.origin.at("fleet", "prometheus"))
                .fix("Set `prometheus.url` (relman reads the retention flags from the API) and `prometheus.thanos_compactor_args`.");
            return;
        }

        // Raw retention: Thanos when it sets it, else Prometheus.
        let thanos_raw = arg(args, "retention.resolution-raw");
        let raw: Option<(Option<u64>, String, EvidenceRef)> = match (thanos_raw, prom) {
            (Some(text), _) => match retention(text) {
                Some(v) => Some((
                    v,
                    format!("the Thanos compactor keeps raw data {}", days(v)),
                    args_at.clone(),
                )),
                None => {
                    out.fail(format!(
                        "--retention.resolution-raw={text} is not a duration"
                    ))
                    .at(args_at.clone());
                    None
                }
            },
            (None, PrometheusEvidence::Read(p)) => {
                let at = EvidenceRef::new("prometheus", p.url.clone());
                match p.retention_time.as_deref() {
                    // Prometheus prints 0s when only a size limit applies; the default is 15d.
                    Some("0s") | None => Some((
                        Some(15 * DAY),
                        "Prometheus keeps raw data 15d (its default)".to_string(),
                        at,
                    )),
                    Some(t) => match retention(t) {
                        Some(v) => Some((
                            v,
                            format!("Prometheus keeps raw data {t} (storage.tsdb.retention.time)"),
                            at,
                        )),
                        None => {
                            out.error(format!("Prometheus reports storage.tsdb.retention.time={t}, which is not a duration")).at(at);
                            None
                        }
                    },
                }
            }
            (None, PrometheusEvidence::Unreadable { url, error }) => {
                out.error(format!(
                    "the retention flags at {url} could not be read: {error}"
                ))
                .at(EvidenceRef::new("prometheus", url.clone()))
                .fix("Make the fleet's Prometheus API reachable from where relman runs.");
                None
            }
            (None, PrometheusEvidence::NotGiven) => {
                out.unverified("raw retention is not known: no --retention.resolution-raw and no prometheus.url")
                    .at(args_at.clone());
                None
            }
        };
        if let Some((v, how, at)) = &raw {
            if v.is_some_and(|s| s < 7 * DAY) {
                out.fail(format!("raw metrics are kept less than 7 days: {how}")).at(at.clone())
                    .fix("Keep raw samples at least 7 days (`--storage.tsdb.retention.time=7d` or `--retention.resolution-raw=7d`).");
            } else {
                out.pass(format!("raw metrics are kept at least 7 days: {how}"))
                    .at(at.clone());
            }
        }
        if let (PrometheusEvidence::Read(p), Some(_)) = (prom, thanos_raw) {
            if let Some(size) = &p.retention_size {
                out.pass(format!("Prometheus also limits local storage to {size}"))
                    .at(EvidenceRef::new("prometheus", p.url.clone()));
            }
        }

        // Downsampled resolutions: only a Thanos compactor keeps them.
        if args.is_empty() {
            out.fail("no downsampling is configured: 5m and 1h resolution metrics are not kept at all (Prometheus alone keeps raw samples only)")
                .at(config.origin.at("fleet", "prometheus"))
                .fix("Run a Thanos compactor with `--retention.resolution-5m=365d --retention.resolution-1h=365d` and list its arguments in `prometheus.thanos_compactor_args`.");
            return;
        }
        if args.iter().any(|a| a == "--downsampling.disable") {
            out.fail("the Thanos compactor runs with --downsampling.disable: no 5m or 1h data is produced")
                .at(args_at.clone());
            return;
        }
        let mut level = |flag: &str, label: &str| -> Option<Option<u64>> {
            let text = arg(args, flag).unwrap_or("0d");
            let Some(v) = retention(text) else {
                out.fail(format!("--{flag}={text} is not a duration"))
                    .at(args_at.clone());
                return None;
            };
            if v.is_some_and(|s| s < 365 * DAY) {
                out.fail(format!(
                    "{label} metrics are kept {} (--{flag}), less than 365 days",
                    days(v)
                ))
                .at(args_at.clone());
            } else {
                out.pass(format!("{label} metrics are kept {} (--{flag})", days(v)))
                    .at(args_at.clone());
            }
            Some(v)
        };
        let five = level("retention.resolution-5m", "5m resolution");
        let _hour = level("retention.resolution-1h", "1h resolution");
        if let Some((Some(raw_s), _, at)) = &raw {
            if *raw_s < 40 * 3600 {
                out.fail(format!(
                    "raw data is kept {}, but the 5m downsampling needs at least 40h of raw data",
                    days(Some(*raw_s))
                ))
                .at(at.clone());
            }
        }
        if let Some(Some(five_s)) = five {
            if five_s < 10 * DAY {
                out.fail(format!(
                    "5m data is kept {}, but the 1h downsampling needs at least 10 days of it",
                    days(Some(five_s))
                ))
                .at(args_at);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::evidence::{FleetEvidence, PrometheusFacts};
    use relman_core::fleet::PrometheusConfig;

    use super::*;
    use crate::testing::*;

    fn judge(args: &[&str], prom: PrometheusEvidence) -> Vec<relman_core::Finding> {
        let mut f = fleet();
        f.config.prometheus = Some(PrometheusConfig {
            url: None,
            thanos_compactor_args: args.iter().map(|a| a.to_string()).collect(),
        });
        crate::run_fleet(
            &MetricRetention,
            &FleetCx {
                fleet: &f,
                evidence: &FleetEvidence { prometheus: prom },
                now: now(),
            },
        )
    }

    fn prom(retention: &str) -> PrometheusEvidence {
        PrometheusEvidence::Read(PrometheusFacts {
            url: "http://127.0.0.1:9090/api/v1/status/flags".into(),
            retention_time: Some(retention.into()),
            retention_size: None,
            version: Some("2.42.0".into()),
        })
    }

    #[test]
    fn the_full_setup_passes() {
        let out = judge(
            &[
                "--retention.resolution-raw=7d",
                "--retention.resolution-5m=365d",
                "--retention.resolution-1h=365d",
            ],
            prom("1w"),
        );
        assert_eq!(statuses(&out), [Status::Pass, Status::Pass, Status::Pass]);
    }

    #[test]
    fn prometheus_alone_fails_for_downsampling() {
        let out = judge(&[], prom("1w"));
        assert_eq!(statuses(&out), [Status::Pass, Status::Fail]);
        assert_eq!(
            out[0].message,
            "raw metrics are kept at least 7 days: Prometheus keeps raw data 1w (storage.tsdb.retention.time)"
        );
        let out = judge(&[], prom("2d"));
        assert_eq!(statuses(&out), [Status::Fail, Status::Fail]);
    }

    #[test]
    fn short_levels_and_cross_checks() {
        let out = judge(
            &[
                "--retention.resolution-raw=1d",
                "--retention.resolution-5m",
                "5d",
                "--retention.resolution-1h=90d",
            ],
            PrometheusEvidence::NotGiven,
        );
        let msgs: Vec<String> = out
            .iter()
            .map(|f| format!("{}: {}", f.status, f.message))
            .collect();
        assert_eq!(
            msgs,
            [
                "fail: raw metrics are kept less than 7 days: the Thanos compactor keeps raw data 1d",
                "fail: 5m resolution metrics are kept 5d (--retention.resolution-5m), less than 365 days",
                "fail: 1h resolution metrics are kept 90d (--retention.resolution-1h), less than 365 days",
                "fail: raw data is kept 1d, but the 5m downsampling needs at least 40h of raw data",
                "fail: 5m data is kept 5d, but the 1h downsampling needs at least 10 days of it",
            ]
        );
        let out = judge(
            &["--retention.resolution-raw=7d", "--downsampling.disable"],
            PrometheusEvidence::NotGiven,
        );
        assert_eq!(statuses(&out), [Status::Pass, Status::Fail]);
        // 0d keeps forever.
        let out = judge(
            &["--retention.resolution-raw=0d"],
            PrometheusEvidence::NotGiven,
        );
        assert_eq!(statuses(&out), [Status::Pass, Status::Pass, Status::Pass]);
    }

    #[test]
    fn nothing_given_is_unverified_and_unreachable_is_an_error() {
        let mut f = fleet();
        f.config.prometheus = None;
        assert_eq!(
            statuses(&run_fleet(&MetricRetention, &f)),
            [Status::Unverified]
        );
        let out = judge(
            &["--retention.resolution-5m=365d"],
            PrometheusEvidence::Unreadable {
                url: "http://127.0.0.1:1/api/v1/status/flags".into(),
                error: "cannot connect".into(),
            },
        );
        assert_eq!(out[0].status, Status::Error);
    }
}
