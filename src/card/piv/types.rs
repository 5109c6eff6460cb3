//! PIV identifiers: AID, key references, data-object tags, policies, versions.

/// The PIV application identifier, truncated form accepted by SELECT (SP 800-73-4 Part 1, 2.2).
pub const PIV_AID: [u8; 9] = [0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00];

/// A PIV key reference (SP 800-73-4 Part 1, Table 4b; YubiKey `F9` attestation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slot(pub u8);

impl Slot {
    /// `9A` PIV Authentication.
    pub const AUTHENTICATION: Slot = Slot(0x9A);
    /// `9B` Card Management (symmetric).
    pub const CARD_MANAGEMENT: Slot = Slot(0x9B);
    /// `9C` Digital Signature.
    pub const SIGNATURE: Slot = Slot(0x9C);
    /// `9D` Key Management.
    pub const KEY_MANAGEMENT: Slot = Slot(0x9D);
    /// `9E` Card Authentication.
    pub const CARD_AUTHENTICATION: Slot = Slot(0x9E);
    /// `F9` YubiKey attestation key.
    pub const ATTESTATION: Slot = Slot(0xF9);
    /// `80` PIV PIN (a reference, for metadata).
    pub const PIN: Slot = Slot(0x80);
    /// `81` PUK (a reference, for metadata).
    pub const PUK: Slot = Slot(0x81);

    /// Every asymmetric key slot: 9A, 9C, 9D, 9E, then retired 82–95.
    pub fn all_keys() -> impl Iterator<Item = Slot> {
        [0x9A, 0x9C, 0x9D, 0x9E]
            .into_iter()
            .chain(0x82..=0x95)
            .map(Slot)
    }

    /// Retired key management slot `n` (1–20 → 82–95).
    pub fn retired(n: u8) -> Option<Slot> {
        (1..=20).contains(&n).then(|| Slot(0x81 + n))
    }

    /// Whether this is an asymmetric key slot with a certificate container.
    pub fn is_key(self) -> bool {
        self.certificate_object().is_some()
    }

    /// The certificate data object of this key (SP 800-73-4 Part 1, Table 3).
    pub fn certificate_object(self) -> Option<ObjectId> {
        Some(ObjectId(match self.0 {
            0x9A => 0x5FC105,
            0x9C => 0x5FC10A,
            0x9D => 0x5FC10B,
            0x9E => 0x5FC101,
            n @ 0x82..=0x95 => 0x5FC10D + u32::from(n - 0x82),
            _ => return None,
        }))
    }

    /// A human name.
    pub fn name(self) -> &'static str {
        match self.0 {
            0x9A => "PIV Authentication",
            0x9B => "Card Management",
            0x9C => "Digital Signature",
            0x9D => "Key Management",
            0x9E => "Card Authentication",
            0xF9 => "Attestation",
            0x80 => "PIN",
            0x81 => "PUK",
            0x82..=0x95 => "Retired Key Management",
            _ => "unknown",
        }
    }
}

impl std::fmt::Display for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02X}", self.0)
    }
}

impl std::str::FromStr for Slot {
    type Err = crate::card::UnknownName;

    /// Accepts a hex key reference ("9a", "0x9C", "82") or a name ("authentication",
    /// "signature", "key-management", "card-authentication", "retired1".."retired20").
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let n = crate::card::normalize(s);
        let named = match n.as_str() {
            "authentication" | "auth" | "pivauthentication" => Some(Slot::AUTHENTICATION),
            "signature" | "sign" | "digitalsignature" => Some(Slot::SIGNATURE),
            "keymanagement" | "encryption" => Some(Slot::KEY_MANAGEMENT),
            "cardauthentication" | "cardauth" => Some(Slot::CARD_AUTHENTICATION),
            "cardmanagement" => Some(Slot::CARD_MANAGEMENT),
            "attestation" => Some(Slot::ATTESTATION),
            _ => n
                .strip_prefix("retired")
                .and_then(|k| k.parse::<u8>().ok())
                .and_then(Slot::retired),
        };
        named
            .or_else(|| {
                let hex = n.strip_prefix("0x").unwrap_or(&n);
                (hex.len() == 2)
                    .then(|| u8::from_str_radix(hex, 16).ok())
                    .flatten()
                    .map(Slot)
                    .filter(|s| s.is_key() || matches!(s.0, 0x9B | 0xF9))
            })
            .ok_or_else(|| crate::card::UnknownName {
                what: crate::card::NameKind::Slot,
                given: s.to_owned(),
                expected: "9a, 9c, 9d, 9e, 82-95, authentication, signature, key-management, \
                           card-authentication, retired1-retired20",
            })
    }
}

/// A PIV data-object tag (SP 800-73-4 Part 1, Table 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ObjectId(pub u32);

impl ObjectId {
    /// Card Capability Container.
    pub const CCC: ObjectId = ObjectId(0x5FC107);
    /// Card Holder Unique Identifier.
    pub const CHUID: ObjectId = ObjectId(0x5FC102);
    /// Discovery object (one-byte tag).
    pub const DISCOVERY: ObjectId = ObjectId(0x7E);
    /// Security object.
    pub const SECURITY: ObjectId = ObjectId(0x5FC106);
    /// Printed information.
    pub const PRINTED: ObjectId = ObjectId(0x5FC109);
    /// YubiKey tools' ADMIN DATA ("PivmanData", see [`super::mgmt::AdminData`]).
    pub const ADMIN_DATA: ObjectId = ObjectId(0x5FFF00);
    /// Key history.
    pub const KEY_HISTORY: ObjectId = ObjectId(0x5FC10C);
    /// Sello's contents record ([`super::ContentsRecord`]), in the range YubiKeys leave to
    /// applications (`5F0000`–`5FFFFF` outside the tags SP 800-73-4 and Yubico define).
    pub const SELLO_CONTENTS: ObjectId = ObjectId(0x5F5E10);

    /// The tag bytes as sent in `5C` (1 or 3 bytes).
    pub fn tag_bytes(self) -> Vec<u8> {
        let b = self.0.to_be_bytes();
        if self.0 <= 0xFF {
            vec![b[3]]
        } else {
            b[1..].to_vec()
        }
    }
}

/// PIN policy of a key (YubiKey extension, tag `AA`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PinPolicy {
    /// The slot's default.
    Default,
    /// No PIN needed.
    Never,
    /// PIN once per session.
    Once,
    /// PIN for every use.
    Always,
    /// Biometric match once (Bio series).
    MatchOnce,
    /// Biometric match every use.
    MatchAlways,
}

impl PinPolicy {
    /// Wire value.
    pub fn to_byte(self) -> u8 {
        match self {
            Self::Default => 0,
            Self::Never => 1,
            Self::Once => 2,
            Self::Always => 3,
            Self::MatchOnce => 4,
            Self::MatchAlways => 5,
        }
    }
    /// From the wire value.
    pub fn from_byte(b: u8) -> Option<Self> {
        Some(match b {
            0 => Self::Default,
            1 => Self::Never,
            2 => Self::Once,
            3 => Self::Always,
            4 => Self::MatchOnce,
            5 => Self::MatchAlways,
            _ => return None,
        })
    }
}

impl std::str::FromStr for PinPolicy {
    type Err = crate::card::UnknownName;

    /// "default", "never", "once", "always", "match-once", "match-always".
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match crate::card::normalize(s).as_str() {
            "default" => Self::Default,
            "never" => Self::Never,
            "once" => Self::Once,
            "always" => Self::Always,
            "matchonce" => Self::MatchOnce,
            "matchalways" => Self::MatchAlways,
            _ => {
                return Err(crate::card::UnknownName {
                    what: crate::card::NameKind::PinPolicy,
                    given: s.to_owned(),
                    expected: "default, never, once, always, match-once, match-always",
                })
            }
        })
    }
}

/// Touch policy of a key (YubiKey extension, tag `AB`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TouchPolicy {
    /// The slot's default.
    Default,
    /// No touch.
    Never,
    /// Touch for every use.
    Always,
    /// Touch cached for 15 s.
    Cached,
}

impl TouchPolicy {
    /// Wire value.
    pub fn to_byte(self) -> u8 {
        match self {
            Self::Default => 0,
            Self::Never => 1,
            Self::Always => 2,
            Self::Cached => 3,
        }
    }
    /// From the wire value.
    pub fn from_byte(b: u8) -> Option<Self> {
        Some(match b {
            0 => Self::Default,
            1 => Self::Never,
            2 => Self::Always,
            3 => Self::Cached,
            _ => return None,
        })
    }
}

impl std::str::FromStr for TouchPolicy {
    type Err = crate::card::UnknownName;

    /// "default", "never", "always", "cached".
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match crate::card::normalize(s).as_str() {
            "default" => Self::Default,
            "never" => Self::Never,
            "always" => Self::Always,
            "cached" => Self::Cached,
            _ => {
                return Err(crate::card::UnknownName {
                    what: crate::card::NameKind::TouchPolicy,
                    given: s.to_owned(),
                    expected: "default, never, always, cached",
                })
            }
        })
    }
}

/// Application/firmware version (YubiKey GET VERSION, `FD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// Major.
    pub major: u8,
    /// Minor.
    pub minor: u8,
    /// Patch.
    pub patch: u8,
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_and_objects() {
        assert_eq!(
            Slot::AUTHENTICATION.certificate_object(),
            Some(ObjectId(0x5FC105))
        );
        assert_eq!(Slot(0x82).certificate_object(), Some(ObjectId(0x5FC10D)));
        assert_eq!(Slot(0x95).certificate_object(), Some(ObjectId(0x5FC120)));
        assert_eq!(Slot::CARD_MANAGEMENT.certificate_object(), None);
        assert_eq!(Slot::all_keys().count(), 24);
        assert_eq!(Slot::retired(20), Some(Slot(0x95)));
        assert_eq!(Slot::retired(0), None);
        assert_eq!(ObjectId::DISCOVERY.tag_bytes(), vec![0x7E]);
        assert_eq!(ObjectId::CHUID.tag_bytes(), vec![0x5F, 0xC1, 0x02]);
        for b in 0..=5 {
            assert_eq!(PinPolicy::from_byte(b).map(|p| p.to_byte()), Some(b));
        }
        for b in 0..=3 {
            assert_eq!(TouchPolicy::from_byte(b).map(|p| p.to_byte()), Some(b));
        }
        assert_eq!("9a".parse(), Ok(Slot::AUTHENTICATION));
        assert_eq!("0x9C".parse(), Ok(Slot::SIGNATURE));
        assert_eq!("Key-Management".parse(), Ok(Slot::KEY_MANAGEMENT));
        assert_eq!("retired20".parse(), Ok(Slot(0x95)));
        assert_eq!("82".parse(), Ok(Slot(0x82)));
        assert!("96".parse::<Slot>().is_err());
        assert!("retired21".parse::<Slot>().is_err());
        assert!("zz".parse::<Slot>().is_err());
        assert_eq!("match-once".parse(), Ok(PinPolicy::MatchOnce));
        assert_eq!("Cached".parse(), Ok(TouchPolicy::Cached));
        assert!("sometimes".parse::<TouchPolicy>().is_err());
    }
}
