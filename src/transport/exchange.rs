//! The exchange rules every card driver relies on, handled once (ISO/IEC 7816-4 §5.1–§5.3):
//!
//! - `61xx`: the card has more data; GET RESPONSE (`00 C0 00 00 xx`) until it has none.
//! - `6Cxx`: wrong Le; the command is resent once with Le = xx.
//! - Command data above 255 bytes: extended length when the card takes it, otherwise command
//!   chaining (CLA bit `0x10` on every block but the last, blocks of 255 bytes, §5.1.1.1).
//! - Le "all available" (0): in extended form when the card takes it, so a long answer (a
//!   certificate) comes in one response instead of 256-byte GET RESPONSE rounds.
//!
//! Every loop is bounded: a card that announces more data forever gets an error, not a hang.

use super::{ProtocolFault, RawTransaction, Tracer, TransportError};
use crate::apdu::{Command, Response, StatusWord, SHORT_MAX_DATA};

/// Exchange rules for one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeConfig {
    /// Send data above 255 bytes (or Le above 256) in extended-length form instead of chaining.
    pub extended_length: bool,
    /// Most GET RESPONSE rounds for one command.
    pub max_get_response: usize,
    /// Most response bytes collected for one command.
    pub max_response_len: usize,
}

impl Default for ExchangeConfig {
    fn default() -> Self {
        Self {
            extended_length: false,
            max_get_response: 512,
            max_response_len: 1 << 20,
        }
    }
}

/// An open transaction, speaking whole commands and responses. Dropping it ends the transaction.
pub struct Channel<'a> {
    raw: Box<dyn RawTransaction + 'a>,
    tracer: &'a Tracer,
    config: &'a ExchangeConfig,
}

impl<'a> Channel<'a> {
    pub(crate) fn new(
        raw: Box<dyn RawTransaction + 'a>,
        tracer: &'a Tracer,
        config: &'a ExchangeConfig,
    ) -> Self {
        Self {
            raw,
            tracer,
            config,
        }
    }

    /// Whether the card was reset by someone else since this connection's previous transaction.
    pub fn card_was_reset(&self) -> bool {
        self.raw.card_was_reset()
    }

    /// Sends a command and returns the complete response (all GET RESPONSE data collected).
    /// The status word is returned as the card gave it; interpreting it is the driver's job.
    pub fn transmit(&mut self, cmd: &Command) -> Result<Response, TransportError> {
        let secret = cmd.is_secret();
        let extended = cmd.needs_extended() || cmd.le == Some(0);
        let first = if extended && self.config.extended_length {
            self.send(&cmd.to_bytes(true)?, secret)?
        } else if cmd.data_bytes().len() > SHORT_MAX_DATA {
            match self.send_chained(cmd)? {
                Ok(last) => last,
                Err(early) => return Ok(early),
            }
        } else {
            self.send(&cmd.to_bytes(false)?, secret)?
        };
        let first = match first.status() {
            // Only short commands are resent (a 6Cxx to a chained or extended command would
            // be a card bug; it is returned as is).
            StatusWord::WrongLe(le) if cmd.data_bytes().len() <= SHORT_MAX_DATA => {
                // 6Cxx: resend once with the Le the card asked for; a second 6Cxx is returned.
                let again = cmd.clone().le(le);
                self.send(&again.to_bytes(false)?, secret)?
            }
            _ => first,
        };
        self.collect(first, cmd.cla & !0x10, secret)
    }

    /// Sends a short command and returns only the card's first answer: a `61xx` is not followed
    /// with GET RESPONSE. A cheap look at the start of a long object (the card drops the rest
    /// when the next command comes, ISO/IEC 7816-4 §5.3.4).
    pub fn transmit_first(&mut self, cmd: &Command) -> Result<Response, TransportError> {
        self.send(&cmd.to_bytes(false)?, cmd.is_secret())
    }

    /// Command chaining: all blocks but the last with CLA | 0x10 and no Le. Returns
    /// `Err(response)` when the card refuses an intermediate block.
    fn send_chained(
        &mut self,
        cmd: &Command,
    ) -> Result<Result<Response, Response>, TransportError> {
        let data = cmd.data_bytes();
        let blocks: Vec<&[u8]> = data.chunks(SHORT_MAX_DATA).collect();
        let last_index = blocks.len().saturating_sub(1);
        for (i, block) in blocks.iter().enumerate() {
            let mut part = Command::new(cmd.ins).p1(cmd.p1).p2(cmd.p2);
            part = if cmd.is_secret() {
                part.secret_data(zeroize::Zeroizing::new(block.to_vec()))
            } else {
                part.data(block.to_vec())
            };
            if i < last_index {
                part = part.cla(cmd.cla | 0x10);
                let r = self.send(&part.to_bytes(false)?, cmd.is_secret())?;
                if !r.is_success() {
                    return Ok(Err(r));
                }
            } else {
                part = part.cla(cmd.cla);
                if let Some(le) = cmd.le {
                    part = part.le(le);
                }
                return Ok(Ok(self.send(&part.to_bytes(false)?, cmd.is_secret())?));
            }
        }
        // Unreachable for data above 255 bytes; kept total for safety.
        Err(TransportError::Protocol(ProtocolFault::EmptyChain))
    }

    /// Follows `61xx` with GET RESPONSE until the card is done.
    fn collect(
        &mut self,
        first: Response,
        cla: u8,
        secret: bool,
    ) -> Result<Response, TransportError> {
        let mut status = first.status();
        let mut data = first.into_data();
        let mut rounds = 0usize;
        while let StatusWord::BytesRemaining(n) = status {
            rounds += 1;
            if rounds > self.config.max_get_response {
                return Err(TransportError::Protocol(ProtocolFault::EndlessMoreData));
            }
            let get = Command::new(0xC0).cla(cla).le(n);
            let r = self.send(&get.to_bytes(false)?, secret)?;
            status = r.status();
            data.extend_from_slice(r.data());
            if data.len() > self.config.max_response_len {
                return Err(TransportError::Protocol(ProtocolFault::ResponseTooLong));
            }
        }
        Ok(Response::new(data, status))
    }

    /// Sends one APDU: counted, traced, transmitted, parsed.
    fn send(&mut self, bytes: &[u8], secret: bool) -> Result<Response, TransportError> {
        self.tracer.command(bytes, secret);
        let out = self.raw.transmit_raw(bytes)?;
        self.tracer.response(&out, secret);
        Ok(Response::from_bytes(&out)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    /// A scripted card: checks each expected command and answers from the script.
    struct Script {
        steps: VecDeque<(Vec<u8>, Vec<u8>)>,
        sent: Vec<Vec<u8>>,
    }

    impl RawTransaction for Script {
        fn transmit_raw(&mut self, cmd: &[u8]) -> Result<Vec<u8>, TransportError> {
            self.sent.push(cmd.to_vec());
            match self.steps.pop_front() {
                Some((expect, answer)) => {
                    if !expect.is_empty() {
                        assert_eq!(hex::encode_upper(cmd), hex::encode_upper(&expect));
                    }
                    Ok(answer)
                }
                None => Err(TransportError::CardRemoved),
            }
        }
        fn card_was_reset(&self) -> bool {
            false
        }
    }

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s.replace(' ', "")).unwrap()
    }

    fn run(
        steps: Vec<(&str, &str)>,
        config: ExchangeConfig,
        cmd: Command,
    ) -> (Result<Response, TransportError>, u64) {
        let script = Script {
            steps: steps.into_iter().map(|(a, b)| (h(a), h(b))).collect(),
            sent: vec![],
        };
        let tracer = Tracer::default();
        let mut ch = Channel::new(Box::new(script), &tracer, &config);
        let r = ch.transmit(&cmd);
        (r, tracer.count())
    }

    #[test]
    fn get_response_loop() {
        let (r, n) = run(
            vec![
                ("00CB3FFF 03 5C017E 00", "0102 6103"),
                ("00C00000 03", "030405 6102"),
                ("00C00000 02", "0607 9000"),
            ],
            ExchangeConfig::default(),
            Command::new(0xCB)
                .p1(0x3F)
                .p2(0xFF)
                .data(vec![0x5C, 1, 0x7E])
                .le(0),
        );
        let r = r.unwrap();
        assert_eq!(r.data(), &[1, 2, 3, 4, 5, 6, 7]);
        assert!(r.is_success());
        assert_eq!(n, 3);
    }

    #[test]
    fn wrong_le_resend() {
        let (r, n) = run(
            vec![("00FD0000 00", "6C03"), ("00FD0000 03", "050703 9000")],
            ExchangeConfig::default(),
            Command::new(0xFD).le(0),
        );
        assert_eq!(r.unwrap().data(), &[5, 7, 3]);
        assert_eq!(n, 2);
    }

    #[test]
    fn endless_61xx_is_an_error() {
        let mut steps = vec![("", "6100")];
        for _ in 0..600 {
            steps.push(("", "AA6101"));
        }
        let cfg = ExchangeConfig {
            max_get_response: 10,
            ..Default::default()
        };
        let (r, n) = run(steps, cfg, Command::new(0xCB).le(0));
        assert!(matches!(r, Err(TransportError::Protocol(_))));
        assert_eq!(n, 11);
    }

    #[test]
    fn chaining_splits_at_255() {
        let data: Vec<u8> = (0..600u32).map(|i| i as u8).collect();
        let block1 = format!("10DB3FFF FF {}", hex::encode_upper(&data[..255]));
        let block2 = format!("10DB3FFF FF {}", hex::encode_upper(&data[255..510]));
        let block3 = format!("00DB3FFF 5A {}", hex::encode_upper(&data[510..]));
        let (r, n) = run(
            vec![(&block1, "9000"), (&block2, "9000"), (&block3, "9000")],
            ExchangeConfig::default(),
            Command::new(0xDB).p1(0x3F).p2(0xFF).data(data.clone()),
        );
        assert!(r.unwrap().is_success());
        assert_eq!(n, 3);
    }

    #[test]
    fn chaining_stops_on_refusal() {
        let data = vec![0u8; 300];
        let (r, n) = run(
            vec![("", "6884")],
            ExchangeConfig::default(),
            Command::new(0xDB).data(data),
        );
        assert_eq!(r.unwrap().status(), StatusWord::ChainingNotSupported);
        assert_eq!(n, 1);
    }

    #[test]
    fn extended_when_configured() {
        let data = vec![0x11u8; 300];
        let expect = format!("00DB3FFF 00012C {}", hex::encode_upper(&data));
        let cfg = ExchangeConfig {
            extended_length: true,
            ..Default::default()
        };
        let (r, n) = run(
            vec![(&expect, "9000")],
            cfg,
            Command::new(0xDB).p1(0x3F).p2(0xFF).data(data),
        );
        assert!(r.unwrap().is_success());
        assert_eq!(n, 1);
    }

    #[test]
    fn extended_le_for_all_available_when_configured() {
        let cmd = || {
            Command::new(0xCB)
                .p1(0x3F)
                .p2(0xFF)
                .data(vec![0x5C, 1, 0x7E])
                .le(0)
        };
        let cfg = ExchangeConfig {
            extended_length: true,
            ..Default::default()
        };
        let long = "AB".repeat(700);
        let (r, n) = run(
            vec![("00CB3FFF 000003 5C017E 0000", &format!("{long} 9000"))],
            cfg,
            cmd(),
        );
        assert_eq!(r.unwrap().data().len(), 700);
        assert_eq!(n, 1);
        // Without extended length: short Le 00.
        let (r, n) = run(
            vec![("00CB3FFF 03 5C017E 00", "0102 9000")],
            ExchangeConfig::default(),
            cmd(),
        );
        assert!(r.unwrap().is_success());
        assert_eq!(n, 1);
    }

    #[test]
    fn malformed_response() {
        let (r, _) = run(
            vec![("", "90")],
            ExchangeConfig::default(),
            Command::new(0xFD),
        );
        assert!(matches!(r, Err(TransportError::Malformed(_))));
    }
}
