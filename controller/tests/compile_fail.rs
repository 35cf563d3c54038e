//! A wrong action signature is a compile error with a message that says what to write instead,
//! not a run-time surprise (Go's router skips such methods silently, or panics on the call).
//! Each file in `tests/ui` is one mistake; its `.stderr` holds the message the compiler prints.
//!
//! Regenerate the expected messages after changing one on purpose:
//! `TRYBUILD=overwrite cargo test -p controller --test compile_fail`.

#[test]
fn wrong_action_signatures_do_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
