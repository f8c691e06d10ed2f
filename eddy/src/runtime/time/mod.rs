//! The time driver (skeleton).

/// The current instant of the current runtime's clock.
pub(crate) fn clock_now() -> std::time::Instant {
    std::time::Instant::now()
}
