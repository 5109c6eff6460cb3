//! Renewal before expiry (`sello renew`): EST `simplereenroll` (RFC 7030 §4.2.2) authenticated
//! by TLS with the current on-card authentication key, a new key generated on the card.

/// certificatePolicies OID a Sello CA puts in every certificate it issued by remote renewal
/// (`simplereenroll`), under the ISO/ITU-T example arc like the CA's other test OIDs. A client
/// seeing it refuses to renew remotely again: the holder must visit a registration point.
pub const REMOTE_RENEWAL_POLICY_OID: &str = "2.999.7030.2.1";
