//! Time errors (skeleton; filled in by the time-facade work).
