//! Timeouts (skeleton).
