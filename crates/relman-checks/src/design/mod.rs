//! Design & Architecture: D-1 and D-2 (reviews before production), D-3
//! (open by default), D-4 (documentation), D-5 (connection budgets).

pub mod d1_prr_review;
pub mod d2_poc_review;
pub mod d3_open_source;
pub mod d4_architecture_doc;
pub mod d5_connection_budget;
pub(crate) mod reviews;
