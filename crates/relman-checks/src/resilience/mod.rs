//! Resilience: R-1 and R-2 (SLO targets) for every service; R-3 (monthly
//! gamedays) and R-4 (disaster recovery) for the fleet.

pub mod r1_slo_margin;
pub mod r2_internal_slo;
pub mod r3_gamedays;
pub mod r4_disaster_recovery;

/// `99.95%`, without trailing zeros.
pub(crate) fn pct(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}
