//! Answer-to-reset parsing (ISO/IEC 7816-3 §8.2, historical bytes per ISO/IEC 7816-4 §8.1.1),
//! just enough to learn the historical bytes and the card capabilities.

/// A parsed ATR. Parsing never fails: what cannot be understood is left empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Atr {
    /// The historical bytes (T1..TK).
    pub historical: Vec<u8>,
    /// Protocols offered in TDi (0 = T=0, 1 = T=1, ...); T=0 when none is listed.
    pub protocols: Vec<u8>,
}

impl Atr {
    /// Parses `TS T0 [TAi TBi TCi TDi]... T1..TK [TCK]`.
    pub fn parse(atr: &[u8]) -> Self {
        let mut out = Self::default();
        let Some(&t0) = atr.get(1) else {
            return out;
        };
        let k = usize::from(t0 & 0x0F);
        let mut y = t0 >> 4;
        let mut pos = 2usize;
        loop {
            // TA, TB, TC present per bits 5..7 of Y; TD per bit 8.
            pos += usize::from((y & 0x1) + ((y >> 1) & 1) + ((y >> 2) & 1));
            if y & 0x8 == 0 {
                break;
            }
            let Some(&td) = atr.get(pos) else {
                return out;
            };
            out.protocols.push(td & 0x0F);
            pos += 1;
            y = td >> 4;
        }
        if let Some(h) = atr.get(pos..pos + k) {
            out.historical = h.to_vec();
        }
        out
    }

    /// The card capabilities (ISO 7816-4 §8.1.1.2.7, compact-TLV tag 7): up to three bytes.
    pub fn card_capabilities(&self) -> Option<&[u8]> {
        // Category indicator 0x80: compact-TLV objects follow; 0x00: the last three bytes are a
        // status indicator (not parsed here).
        let (first, mut rest) = self.historical.split_first()?;
        if *first != 0x80 {
            return None;
        }
        while let Some((&tl, tail)) = rest.split_first() {
            let len = usize::from(tl & 0x0F);
            let value = tail.get(..len)?;
            if tl >> 4 == 0x7 {
                return Some(value);
            }
            rest = tail.get(len..)?;
        }
        None
    }

    /// Whether the card announces extended Lc/Le (third capability byte, bit 0x40).
    pub fn supports_extended(&self) -> bool {
        self.card_capabilities()
            .and_then(|c| c.get(2))
            .is_some_and(|b| b & 0x40 != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yubikey5_atr() {
        // YubiKey 5 NFC: 3B FD 13 00 00 81 31 FE 15 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 40
        let atr = hex::decode("3BFD1300008131FE158073C021C057597562694B657940").unwrap();
        let a = Atr::parse(&atr);
        assert_eq!(a.protocols, vec![1, 1]);
        assert_eq!(a.historical.len(), 13);
        assert_eq!(a.card_capabilities(), Some(&[0xC0, 0x21, 0xC0][..]));
        assert!(a.supports_extended());
    }

    #[test]
    fn short_and_garbage_atrs_do_not_panic() {
        for atr in [
            &[][..],
            &[0x3B][..],
            &[0x3B, 0xFF][..],
            &[0x3B, 0x8F, 0x80][..],
            &[0x3B, 0x02, 0x80, 0x73][..],
        ] {
            let a = Atr::parse(atr);
            assert!(!a.supports_extended());
        }
    }

    #[test]
    fn no_extended_when_bit_clear() {
        // 3B 88 80 01 | 80 73 C0 21 80 | ... historical 8 bytes: 80 73 C0 21 80 00 00 00
        let atr = [
            0x3B, 0x88, 0x80, 0x01, 0x80, 0x73, 0xC0, 0x21, 0x80, 0, 0, 0,
        ];
        let a = Atr::parse(&atr);
        assert_eq!(a.protocols, vec![0, 1]);
        assert!(!a.supports_extended());
    }
}
