//! Design & Architecture: D-3 (open by default), D-4 (documentation).

pub mod d3_open_source;
pub mod d4_architecture_doc;
pub mod d5_connection_budget;
