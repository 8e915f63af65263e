//! Resilience: R-1 and R-2 (SLO targets). are fleet rules.

pub mod r1_slo_margin;
pub mod r2_internal_slo;

/// `99.95%`, without trailing zeros.
pub(crate) fn pct(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}
