//! A minimal DER writer (X.690) for the few structures rcgen does not build for us: the certs-only
//! CMS SignedData of EST responses (RFC 7030 §4.1.3, RFC 5652 §5), CsrAttrs (RFC 7030 §4.5.2),
//! certificatePolicies (RFC 5280 §4.2.1.4) and qcStatements (RFC 3739 §3.2.6, ETSI EN 319 412-5).

/// Tag-length-value with a definite length.
pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let significant = &bytes[skip..];
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
    out.extend_from_slice(content);
    out
}

/// SEQUENCE of already-encoded elements.
pub(crate) fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// SET of already-encoded elements (callers pass them in DER order).
pub(crate) fn set(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x31, &parts.concat())
}

/// Small non-negative INTEGER.
pub(crate) fn small_int(value: u8) -> Vec<u8> {
    if value & 0x80 != 0 {
        tlv(0x02, &[0, value])
    } else {
        tlv(0x02, &[value])
    }
}

/// OBJECT IDENTIFIER from its arcs. Returns `None` for an invalid OID (fewer than two arcs, first
/// arc > 2, or second arc >= 40 under arcs 0 and 1).
pub(crate) fn oid(arcs: &[u64]) -> Option<Vec<u8>> {
    let (&first, rest) = arcs.split_first()?;
    let (&second, rest) = rest.split_first()?;
    if first > 2 || (first < 2 && second >= 40) {
        return None;
    }
    let mut body = Vec::new();
    push_base128(&mut body, first.checked_mul(40)?.checked_add(second)?);
    for &arc in rest {
        push_base128(&mut body, arc);
    }
    Some(tlv(0x06, &body))
}

fn push_base128(out: &mut Vec<u8>, mut value: u64) {
    let mut tmp = [0u8; 10];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            break;
        }
    }
    let last = tmp.len() - 1;
    for (j, b) in tmp.iter().enumerate().skip(i) {
        out.push(if j == last { *b } else { *b | 0x80 });
    }
}

/// Parses a dotted OID ("2.5.29.32") into arcs, checking that it encodes.
pub(crate) fn parse_dotted_oid(text: &str) -> Option<Vec<u64>> {
    let arcs = text
        .split('.')
        .map(|a| a.parse::<u64>().ok())
        .collect::<Option<Vec<_>>>()?;
    oid(&arcs)?;
    Some(arcs)
}

/// The certs-only degenerate CMS SignedData that EST uses for `/cacerts`, `/simpleenroll` and
/// `/simplereenroll` responses (RFC 7030 §4.1.3, RFC 5652 §5.1: version 1, no digest algorithms,
/// encapContentInfo of type id-data without content, certificates, no signerInfos).
pub(crate) fn certs_only_signed_data(certs: &[Vec<u8>]) -> Vec<u8> {
    // id-signedData 1.2.840.113549.1.7.2 and id-data 1.2.840.113549.1.7.1
    const ID_SIGNED_DATA: &[u8] = &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
    ];
    const ID_DATA: &[u8] = &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
    ];
    let version = small_int(1);
    let digest_algorithms = set(&[]);
    let encap = seq(&[ID_DATA]);
    let certificates = tlv(0xa0, &certs.concat());
    let signer_infos = set(&[]);
    let signed_data = seq(&[
        &version,
        &digest_algorithms,
        &encap,
        &certificates,
        &signer_infos,
    ]);
    seq(&[ID_SIGNED_DATA, &tlv(0xa0, &signed_data)])
}

/// One TLV read from untrusted input with every length checked (X.690 §8.1, single-byte tags,
/// definite lengths up to 4 octets).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    /// The tag octet.
    pub tag: u8,
    /// The content octets.
    pub content: &'a [u8],
    /// Tag, length and content.
    pub whole: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// Reads one TLV from the front of `input`; returns it and what follows.
    pub(crate) fn read(input: &'a [u8]) -> Result<(Tlv<'a>, &'a [u8]), &'static str> {
        let (&tag, rest) = input.split_first().ok_or("truncated TLV")?;
        if tag & 0x1f == 0x1f {
            return Err("multi-octet tags are not supported");
        }
        let (&first, rest) = rest.split_first().ok_or("truncated TLV")?;
        let (len, rest) = if first < 0x80 {
            (usize::from(first), rest)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 {
                return Err("unsupported length");
            }
            let bytes = rest.get(..n).ok_or("truncated TLV")?;
            let len = bytes
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            (len, rest.get(n..).ok_or("truncated TLV")?)
        };
        let content = rest.get(..len).ok_or("TLV longer than its input")?;
        let header = input.len() - rest.len();
        let whole = input
            .get(..header + len)
            .ok_or("TLV longer than its input")?;
        let after = rest.get(len..).ok_or("TLV longer than its input")?;
        Ok((
            Tlv {
                tag,
                content,
                whole,
            },
            after,
        ))
    }

    /// Exactly one TLV with this tag, filling `input`.
    pub(crate) fn one(input: &'a [u8], tag: u8) -> Result<Tlv<'a>, &'static str> {
        let (tlv, rest) = Self::read(input)?;
        if tlv.tag != tag || !rest.is_empty() {
            return Err("unexpected tag or trailing bytes");
        }
        Ok(tlv)
    }

    /// The TLVs inside a constructed one.
    pub(crate) fn children(&self) -> Children<'a> {
        Children(self.content)
    }
}

/// The remaining TLVs inside a constructed TLV.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Children<'a>(&'a [u8]);

impl<'a> Children<'a> {
    /// Nothing left.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The next TLV, which must have this tag.
    pub(crate) fn next_tag(&mut self, tag: u8) -> Result<Tlv<'a>, &'static str> {
        let (tlv, rest) = Tlv::read(self.0)?;
        if tlv.tag != tag {
            return Err("unexpected tag");
        }
        self.0 = rest;
        Ok(tlv)
    }

    /// Skips the next TLV if it has this tag (an absent OPTIONAL element is fine).
    pub(crate) fn skip_tag(&mut self, tag: u8) -> Result<(), &'static str> {
        if self.0.first() == Some(&tag) {
            self.next_tag(tag)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oid_encoding_matches_known_values() {
        // 1.2.840.113549.1.7.2
        assert_eq!(
            oid(&[1, 2, 840, 113549, 1, 7, 2]).expect("valid"),
            vec![0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]
        );
        // 2.999.1
        assert_eq!(
            oid(&[2, 999, 1]).expect("valid"),
            vec![0x06, 0x03, 0x88, 0x37, 0x01]
        );
        assert!(oid(&[3, 1]).is_none());
        assert!(oid(&[1]).is_none());
        assert!(parse_dotted_oid("1.2.x").is_none());
    }

    #[test]
    fn long_lengths() {
        let content = vec![0u8; 300];
        let enc = tlv(0x04, &content);
        assert_eq!(&enc[..4], &[0x04, 0x82, 0x01, 0x2c]);
    }
}
