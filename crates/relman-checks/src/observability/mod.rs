//! Observability: logs (O-1..O-5) and metrics (O-6..O-10).

pub mod logs;
pub mod metrics;
pub mod o10_metric_retention;
pub mod o1_log_messages;
pub mod o2_log_service;
pub mod o3_log_levels;
pub mod o4_log_format;
pub mod o5_log_retention;
pub mod o6_metrics_exported;
pub mod o7_metrics_port;
pub mod o8_build_info;
pub mod o9_availability_latency;
