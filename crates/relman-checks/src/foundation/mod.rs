//! Foundation: F-1 (no silent bypass), F-2 (OKR targets), F-3 (reviews).

pub mod f1_waivers;
pub mod f2_okrs;
pub mod f3_manifesto_review;
