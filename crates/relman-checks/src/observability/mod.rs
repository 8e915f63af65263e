//! Observability: logs (O-1..O-5) and metrics (O-6..O-10).

pub mod o5_log_retention;
