//! A bounds-checked reader over card bytes: every read returns an error instead of panicking.

use super::ApduError;

/// Reads a byte slice front to back; no method panics on any input.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf }
    }

    /// Bytes not yet read.
    pub fn rest(&self) -> &'a [u8] {
        self.buf
    }

    /// Number of bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.buf.len()
    }

    /// Whether everything was read.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Takes the next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], ApduError> {
        if n > self.buf.len() {
            return Err(ApduError::Truncated {
                needed: n,
                available: self.buf.len(),
            });
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    /// Takes one byte.
    pub fn u8(&mut self) -> Result<u8, ApduError> {
        match self.buf.split_first() {
            Some((b, tail)) => {
                self.buf = tail;
                Ok(*b)
            }
            None => Err(ApduError::Truncated {
                needed: 1,
                available: 0,
            }),
        }
    }

    /// Takes a big-endian u16.
    pub fn u16_be(&mut self) -> Result<u16, ApduError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    /// Looks at the next byte without taking it.
    pub fn peek(&self) -> Option<u8> {
        self.buf.first().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_refuses_past_end() {
        let mut r = Reader::new(&[1, 2, 3]);
        assert_eq!(r.u8().unwrap(), 1);
        assert_eq!(r.u16_be().unwrap(), 0x0203);
        assert!(r.is_empty());
        assert_eq!(
            r.take(1),
            Err(ApduError::Truncated {
                needed: 1,
                available: 0
            })
        );
    }
}
