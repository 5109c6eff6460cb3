//! The activation journal.
