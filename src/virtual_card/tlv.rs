//! BER-TLV as PIV uses it (ISO/IEC 7816-4 §5.2, SP 800-73-4 Part 2, 3.1 "all data objects are BER-TLV").
//!
//! The applet's own bounds-checked reader and writer: every read returns an error status word instead
//! of indexing past the end, so no command data can make the card panic.

use super::sw::{Sw, SW_WRONG_DATA};

/// A bounds-checked cursor over BER-TLV encoded bytes.
#[derive(Debug, Clone)]
pub(crate) struct TlvReader<'a> {
    rest: &'a [u8],
}

impl<'a> TlvReader<'a> {
    /// Starts reading `data`.
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self { rest: data }
    }

    /// True when every byte has been consumed.
    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    fn take_byte(&mut self) -> Result<u8, Sw> {
        let (first, rest) = self.rest.split_first().ok_or(SW_WRONG_DATA)?;
        self.rest = rest;
        Ok(*first)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Sw> {
        if n > self.rest.len() {
            return Err(SW_WRONG_DATA);
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    /// Reads one tag (up to three bytes, ISO/IEC 7816-4 §5.2.2.1) as a big-endian number.
    fn read_tag(&mut self) -> Result<u32, Sw> {
        let first = self.take_byte()?;
        let mut tag = u32::from(first);
        if first & 0x1F == 0x1F {
            // Subsequent bytes follow while b8 is set; PIV never needs more than three tag bytes.
            for _ in 0..2 {
                let b = self.take_byte()?;
                tag = (tag << 8) | u32::from(b);
                if b & 0x80 == 0 {
                    return Ok(tag);
                }
            }
            return Err(SW_WRONG_DATA);
        }
        Ok(tag)
    }

    /// Reads a definite length (ISO/IEC 7816-4 §5.2.2.2): one byte, or `81`/`82`/`83` + 1–3 bytes.
    fn read_len(&mut self) -> Result<usize, Sw> {
        let first = self.take_byte()?;
        match first {
            0x00..=0x7F => Ok(usize::from(first)),
            0x81..=0x83 => {
                let n = usize::from(first & 0x7F);
                let bytes = self.take(n)?;
                Ok(bytes
                    .iter()
                    .fold(0usize, |acc, b| (acc << 8) | usize::from(*b)))
            }
            _ => Err(SW_WRONG_DATA),
        }
    }

    /// Reads the next TLV, returning its tag and value.
    pub(crate) fn next_tlv(&mut self) -> Result<(u32, &'a [u8]), Sw> {
        let tag = self.read_tag()?;
        let len = self.read_len()?;
        let value = self.take(len)?;
        Ok((tag, value))
    }

    /// Reads the next TLV and requires it to carry `tag`.
    pub(crate) fn expect(&mut self, tag: u32) -> Result<&'a [u8], Sw> {
        let (t, v) = self.next_tlv()?;
        if t == tag {
            Ok(v)
        } else {
            Err(SW_WRONG_DATA)
        }
    }

    /// The bytes not read yet.
    pub(crate) fn remaining(&self) -> &'a [u8] {
        self.rest
    }
}

/// Parses a flat sequence of TLVs into `(tag, value)` pairs; fails on any malformed element.
pub(crate) fn parse_all(data: &[u8]) -> Result<Vec<(u32, &[u8])>, Sw> {
    let mut reader = TlvReader::new(data);
    let mut out = Vec::new();
    while !reader.is_empty() {
        out.push(reader.next_tlv()?);
    }
    Ok(out)
}

/// Finds the first value with `tag` in a list parsed by [`parse_all`].
pub(crate) fn find<'a>(items: &[(u32, &'a [u8])], tag: u32) -> Option<&'a [u8]> {
    items.iter().find(|(t, _)| *t == tag).map(|(_, v)| *v)
}

/// Appends a BER length (definite form, shortest encoding).
pub(crate) fn push_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else if len <= 0xFF {
        out.extend_from_slice(&[0x81, len as u8]);
    } else if len <= 0xFFFF {
        out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]);
    } else {
        out.extend_from_slice(&[0x83, (len >> 16) as u8, (len >> 8) as u8, len as u8]);
    }
}

/// Appends a tag given as a big-endian number (one to three bytes).
pub(crate) fn push_tag(out: &mut Vec<u8>, tag: u32) {
    if tag > 0xFFFF {
        out.push((tag >> 16) as u8);
    }
    if tag > 0xFF {
        out.push((tag >> 8) as u8);
    }
    out.push(tag as u8);
}

/// Encodes one TLV.
pub(crate) fn tlv(tag: u32, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 6);
    push_tag(&mut out, tag);
    push_len(&mut out, value.len());
    out.extend_from_slice(value);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_lengths() {
        for len in [0usize, 1, 127, 128, 255, 256, 70000] {
            let value = vec![0xAB; len];
            let enc = tlv(0x5FC105, &value);
            let mut r = TlvReader::new(&enc);
            let (tag, v) = r.next_tlv().expect("valid");
            assert_eq!(tag, 0x5FC105);
            assert_eq!(v.len(), len);
            assert!(r.is_empty());
        }
    }

    #[test]
    fn truncated_input_is_an_error() {
        assert!(TlvReader::new(&[0x53, 0x05, 1, 2]).next_tlv().is_err());
        assert!(TlvReader::new(&[0x53, 0x82, 0x01]).next_tlv().is_err());
        assert!(TlvReader::new(&[0x5F]).next_tlv().is_err());
        assert!(TlvReader::new(&[0x5F, 0xC1, 0x85, 0x81])
            .next_tlv()
            .is_err());
        assert!(TlvReader::new(&[0x53, 0x84, 0, 0, 0, 1])
            .next_tlv()
            .is_err());
    }
}
