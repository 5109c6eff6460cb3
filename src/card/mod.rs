//! Skeleton: filled in by the foundation work.
