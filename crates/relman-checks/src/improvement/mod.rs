//! Continuous Improvement (C-1..C-4): how teams work, read from the
//! records of the fleet directory.

pub mod c3_separation_of_duties;
