//! Observability: logs (O-1..O-5) and metrics (O-6..O-10).

pub mod metrics;
pub mod o10_metric_retention;
pub mod o5_log_retention;
pub mod o6_metrics_exported;
pub mod o7_metrics_port;
pub mod o8_build_info;
pub mod o9_availability_latency;
