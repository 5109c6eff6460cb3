//! Command APDU parsing for the applet (ISO/IEC 7816-3 §12.1, ISO/IEC 7816-4 §5.1): short and
//! extended length, cases 1–4. Bounds-checked; malformed input yields `6700`, never a panic.

use zeroize::Zeroizing;

use super::sw::{Sw, SW_WRONG_LENGTH};

/// One parsed command APDU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Command {
    pub cla: u8,
    pub ins: u8,
    pub p1: u8,
    pub p2: u8,
    /// The command data; zeroized on drop (it carries PINs and keys).
    pub data: Zeroizing<Vec<u8>>,
    /// Ne, the maximum response length the reader asked for; `None` when the command had no Le.
    pub ne: Option<usize>,
    /// True when the command used extended length fields.
    pub extended: bool,
}

impl Command {
    /// Parses `raw` into a command (ISO/IEC 7816-3 §12.1.3 decoding of the body).
    pub(crate) fn parse(raw: &[u8]) -> Result<Self, Sw> {
        let (header, body) = split_header(raw)?;
        let [cla, ins, p1, p2] = header;
        let mut cmd = Command {
            cla,
            ins,
            p1,
            p2,
            data: Zeroizing::new(Vec::new()),
            ne: None,
            extended: false,
        };
        match body {
            // Case 1.
            [] => {}
            // Case 2 short: Le = 00 means 256.
            [le] => cmd.ne = Some(short_ne(*le)),
            [0x00, rest @ ..] if rest.len() >= 2 => {
                cmd.extended = true;
                let (lc_or_le, after) = split2(rest)?;
                if after.is_empty() {
                    // Case 2 extended.
                    cmd.ne = Some(extended_ne(lc_or_le));
                } else {
                    let lc = usize::from(lc_or_le);
                    if lc == 0 || after.len() < lc {
                        return Err(SW_WRONG_LENGTH);
                    }
                    let (data, le) = after.split_at(lc);
                    cmd.data = Zeroizing::new(data.to_vec());
                    match le {
                        [] => {}
                        [a, b] => cmd.ne = Some(extended_ne(u16::from_be_bytes([*a, *b]))),
                        _ => return Err(SW_WRONG_LENGTH),
                    }
                }
            }
            [lc, rest @ ..] => {
                let lc = usize::from(*lc);
                if lc == 0 || rest.len() < lc {
                    return Err(SW_WRONG_LENGTH);
                }
                let (data, le) = rest.split_at(lc);
                cmd.data = Zeroizing::new(data.to_vec());
                match le {
                    [] => {}
                    [le] => cmd.ne = Some(short_ne(*le)),
                    _ => return Err(SW_WRONG_LENGTH),
                }
            }
        }
        Ok(cmd)
    }

    /// The response size the applet may return in one piece: Ne if given; otherwise 256 for short
    /// commands (T=1 readers deliver case-3 responses as if Le were `00`) and 65536 for extended.
    pub(crate) fn max_response(&self) -> usize {
        match self.ne {
            Some(ne) => ne,
            None if self.extended => 65536,
            None => 256,
        }
    }
}

fn split_header(raw: &[u8]) -> Result<([u8; 4], &[u8]), Sw> {
    match raw {
        [cla, ins, p1, p2, body @ ..] => Ok(([*cla, *ins, *p1, *p2], body)),
        _ => Err(SW_WRONG_LENGTH),
    }
}

fn split2(raw: &[u8]) -> Result<(u16, &[u8]), Sw> {
    match raw {
        [a, b, rest @ ..] => Ok((u16::from_be_bytes([*a, *b]), rest)),
        _ => Err(SW_WRONG_LENGTH),
    }
}

fn short_ne(le: u8) -> usize {
    if le == 0 {
        256
    } else {
        usize::from(le)
    }
}

fn extended_ne(le: u16) -> usize {
    if le == 0 {
        65536
    } else {
        usize::from(le)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        let c = Command::parse(&[0, 0xA4, 4, 0]).expect("case 1");
        assert!(c.data.is_empty() && c.ne.is_none());
        let c = Command::parse(&[0, 0xCB, 0x3F, 0xFF, 0]).expect("case 2");
        assert_eq!(c.ne, Some(256));
        let c = Command::parse(&[0, 0x20, 0, 0x80, 2, 1, 2]).expect("case 3");
        assert_eq!(c.data.as_slice(), &[1, 2]);
        let c = Command::parse(&[0, 0x20, 0, 0x80, 2, 1, 2, 0x10]).expect("case 4");
        assert_eq!(c.ne, Some(16));
        let c = Command::parse(&[0, 0xCB, 0x3F, 0xFF, 0, 0, 0]).expect("case 2E");
        assert_eq!(c.ne, Some(65536));
        let c = Command::parse(&[0, 0xDB, 0x3F, 0xFF, 0, 0, 2, 9, 9, 0, 0]).expect("case 4E");
        assert_eq!(
            (c.data.as_slice(), c.ne, c.extended),
            (&[9u8, 9][..], Some(65536), true)
        );
    }

    #[test]
    fn malformed() {
        for raw in [
            &[][..],
            &[0, 1, 2],
            &[0, 0x20, 0, 0x80, 3, 1],
            &[0, 0x20, 0, 0x80, 1, 1, 2, 3],
            &[0, 0x20, 0, 0x80, 0, 0, 5, 1],
            &[0, 0x20, 0, 0x80, 0, 0],
        ] {
            assert_eq!(Command::parse(raw), Err(SW_WRONG_LENGTH), "{raw:02X?}");
        }
    }
}
