//! relman's domain: the manifesto's rules, the loaded fleet, the evidence
//! collected about it, findings and the report.
//!
//! Every other crate speaks these types. This crate does no I/O: it parses
//! strings (YAML, dates, durations) but never opens a file or a socket, so
//! that everything built on it stays testable on plain values.

pub mod cloud;
pub mod cost;
pub mod evidence;
pub mod finding;
pub mod fleet;
pub mod k8s;
pub mod report;
pub mod rules;
pub mod secrets;
pub mod time;
pub mod yaml;

pub use finding::{EvidenceRef, Finding, Severity, Status};
pub use rules::{Category, Manifesto, RuleDef, Scope};
