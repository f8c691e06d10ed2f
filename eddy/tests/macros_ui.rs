//! Compile-time behaviour of `#[eddy::main]` and `#[eddy::test]`: programs that must build, and
//! mistakes that must fail with the error in `tests/ui/fail/*.stderr`.
//!
//! After a change to the messages, regenerate the snapshots with
//! `TRYBUILD=overwrite cargo test -p eddy --test macros_ui` and read every diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.pass("tests/ui/local/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
