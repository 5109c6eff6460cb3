//! EST client (RFC 7030).
