//! Intervals (skeleton).
