//! BER-TLV (ISO/IEC 7816-4 §5.2, X.690 §8.1) as PIV uses it: tags of one to three bytes, definite
//! lengths of up to three length bytes. Parsing borrows from the input and never panics.

use super::{ApduError, Reader, TlvFault};

/// One TLV element borrowed from its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The tag, its bytes big-endian in a `u32` (`0x5FC105`, `0x7F49`, `0x53`).
    pub tag: u32,
    /// The value bytes.
    pub value: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// Reads one TLV from `r`.
    pub fn read(r: &mut Reader<'a>) -> Result<Self, ApduError> {
        let tag = read_tag(r)?;
        let len = read_len(r)?;
        let value = r.take(len)?;
        Ok(Self { tag, value })
    }

    /// The elements inside this one's value (for constructed tags such as `7C`, `7F49`, `AC`).
    pub fn children(&self) -> Iter<'a> {
        iter(self.value)
    }
}

/// Iterator over consecutive TLVs; yields one error and then stops on malformed input.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    reader: Reader<'a>,
    failed: bool,
}

impl<'a> Iterator for Iter<'a> {
    type Item = Result<Tlv<'a>, ApduError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.reader.is_empty() {
            return None;
        }
        // ISO 7816-4 §5.2: 00 and FF bytes between TLVs are padding.
        while matches!(self.reader.peek(), Some(0x00 | 0xFF)) {
            let _ = self.reader.u8();
        }
        if self.reader.is_empty() {
            return None;
        }
        let r = Tlv::read(&mut self.reader);
        self.failed = r.is_err();
        Some(r)
    }
}

/// Iterates over the TLVs in `data`.
pub fn iter(data: &[u8]) -> Iter<'_> {
    Iter {
        reader: Reader::new(data),
        failed: false,
    }
}

/// Finds the first element with `tag` at the top level of `data`.
pub fn find(data: &[u8], tag: u32) -> Result<Option<&[u8]>, ApduError> {
    for tlv in iter(data) {
        let tlv = tlv?;
        if tlv.tag == tag {
            return Ok(Some(tlv.value));
        }
    }
    Ok(None)
}

/// Like [`find`], but a missing tag is an error.
pub fn require(data: &[u8], tag: u32) -> Result<&[u8], ApduError> {
    find(data, tag)?.ok_or(ApduError::MissingTag(tag))
}

/// Parses `data` that must be exactly one TLV with `tag` (no trailing bytes) and returns its value.
pub fn expect_single(data: &[u8], tag: u32) -> Result<&[u8], ApduError> {
    let mut r = Reader::new(data);
    let tlv = Tlv::read(&mut r)?;
    if tlv.tag != tag {
        return Err(ApduError::MissingTag(tag));
    }
    Ok(tlv.value)
}

fn read_tag(r: &mut Reader<'_>) -> Result<u32, ApduError> {
    let first = r.u8()?;
    let mut tag = u32::from(first);
    if first & 0x1F != 0x1F {
        return Ok(tag);
    }
    // Subsequent bytes: bit 8 set means another byte follows (X.690 §8.1.2.4). At most 3 bytes.
    for i in 0..2 {
        let b = r.u8()?;
        tag = (tag << 8) | u32::from(b);
        if b & 0x80 == 0 {
            return Ok(tag);
        }
        if i == 1 {
            break;
        }
    }
    Err(ApduError::BadTlv(TlvFault::LongTag))
}

fn read_len(r: &mut Reader<'_>) -> Result<usize, ApduError> {
    let first = r.u8()?;
    match first {
        0..=0x7F => Ok(first as usize),
        0x81 => Ok(r.u8()? as usize),
        0x82 => Ok(r.u16_be()? as usize),
        0x83 => {
            let b = r.take(3)?;
            Ok((b[0] as usize) << 16 | (b[1] as usize) << 8 | b[2] as usize)
        }
        0x80 => Err(ApduError::BadTlv(TlvFault::IndefiniteLength)),
        _ => Err(ApduError::BadTlv(TlvFault::LongLength)),
    }
}

/// Appends the encoding of `tag` (its significant bytes).
pub fn push_tag(out: &mut Vec<u8>, tag: u32) {
    let bytes = tag.to_be_bytes();
    let skip = bytes.iter().take(3).take_while(|b| **b == 0).count();
    out.extend_from_slice(&bytes[skip..]);
}

/// Appends a BER definite length (short form up to 127, then 81/82/83).
pub fn push_len(out: &mut Vec<u8>, len: usize) {
    match len {
        0..=0x7F => out.push(len as u8),
        0x80..=0xFF => out.extend_from_slice(&[0x81, len as u8]),
        0x100..=0xFFFF => out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]),
        _ => out.extend_from_slice(&[0x83, (len >> 16) as u8, (len >> 8) as u8, len as u8]),
    }
}

/// Encodes one TLV.
pub fn encode(tag: u32, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 8);
    push_tag(&mut out, tag);
    push_len(&mut out, value.len());
    out.extend_from_slice(value);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_byte_tags_and_lengths() {
        let value = vec![0xAB; 300];
        let enc = encode(0x5FC105, &value);
        assert_eq!(&enc[..6], &[0x5F, 0xC1, 0x05, 0x82, 0x01, 0x2C]);
        let t = Tlv::read(&mut Reader::new(&enc)).unwrap();
        assert_eq!(t.tag, 0x5FC105);
        assert_eq!(t.value, &value[..]);
        assert_eq!(encode(0x7F49, &[1])[..3], [0x7F, 0x49, 0x01]);
        assert_eq!(encode(0x53, &[0; 200])[..3], [0x53, 0x81, 200]);
    }

    #[test]
    fn nested_find() {
        let inner = [encode(0x82, &[]), encode(0x81, &[1, 2, 3])].concat();
        let outer = encode(0x7C, &inner);
        let v = expect_single(&outer, 0x7C).unwrap();
        assert_eq!(require(v, 0x81).unwrap(), &[1, 2, 3]);
        assert_eq!(require(v, 0x85), Err(ApduError::MissingTag(0x85)));
    }

    #[test]
    fn malformed_is_error_not_panic() {
        for bad in [
            &[0x53, 0x05, 1][..],
            &[0x5F][..],
            &[0x5F, 0xC1][..],
            &[0x5F, 0xC1, 0x85, 0x85][..],
            &[0x53, 0x80][..],
            &[0x53, 0x84, 0, 0, 0, 1][..],
            &[0x53, 0x82, 0xFF][..],
        ] {
            assert!(iter(bad).any(|t| t.is_err()), "{bad:02X?}");
        }
    }

    #[test]
    fn agrees_with_iso7816_tlv_crate() {
        // An independent BER-TLV implementation must read our encoding the same way.
        let inner = [encode(0x80, &[0x11]), encode(0x06, &[0x2B, 0x06])].concat();
        let enc = encode(0xAC, &inner);
        let theirs = iso7816_tlv::ber::Tlv::from_bytes(&enc).unwrap();
        assert_eq!(theirs.to_vec(), enc);
        let long = encode(0x5FC10A, &[7u8; 1000]);
        let theirs = iso7816_tlv::ber::Tlv::from_bytes(&long).unwrap();
        assert_eq!(theirs.to_vec(), long);
    }
}
