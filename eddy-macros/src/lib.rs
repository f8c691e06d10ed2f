//! Procedural macros for eddy.
//!
//! `#[eddy::main]` and `#[eddy::test]` arrive with the macros issue; until then this crate is empty
//! so that the workspace layout is final from the start.
