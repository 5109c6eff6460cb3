//! The card side of the vpcd protocol (vsmartcard's `libifdvpcd`): the card connects to the
//! driver's TCP port; every message is a 2-byte big-endian length and a payload. A 1-byte payload is
//! a control (`00` power off, `01` power on, `02` reset, `04` get ATR, answered with the ATR); any
//! other payload is a command APDU, answered with the response APDU in the same framing.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::Path;
use std::thread;
use std::time::Duration;

use super::VirtualCard;

/// Set this environment variable to log each command header and status word to stderr (never
/// command or response data, so no PIN or key material).
pub const TRACE_ENV: &str = "SELLO_VCARD_TRACE";

const CTRL_OFF: u8 = 0;
const CTRL_ON: u8 = 1;
const CTRL_RESET: u8 = 2;
const CTRL_ATR: u8 = 4;

/// Connects to vpcd at `addr` and serves `card` forever, reconnecting (every 200 ms) whenever the
/// connection cannot be made or drops (pcscd starting or restarting). When `ready_file` is given it
/// is created once pcscd first asks for the ATR (the card is then visible in the reader).
pub fn serve_forever(
    card: &mut VirtualCard,
    addr: &str,
    ready_file: Option<&Path>,
) -> io::Result<()> {
    let mut announced = false;
    loop {
        match connect(addr) {
            Ok(stream) => {
                eprintln!(
                    "sello-vcard: {}",
                    crate::tr!("vcard-vpcd-connected", address = addr)
                );
                announced = false;
                match serve_connection(card, stream, ready_file) {
                    Ok(()) => eprintln!("sello-vcard: {}", crate::tr!("vcard-vpcd-closed")),
                    Err(e) => eprintln!(
                        "sello-vcard: {}",
                        crate::tr!("vcard-vpcd-lost", error = e.to_string())
                    ),
                }
                card.power_off();
            }
            Err(e) if !announced => {
                eprintln!(
                    "sello-vcard: {}",
                    crate::tr!("vcard-vpcd-waiting", address = addr, error = e.to_string())
                );
                announced = true;
            }
            Err(_) => {}
        }
        thread::sleep(Duration::from_millis(200));
    }
}

fn connect(addr: &str) -> io::Result<TcpStream> {
    let addrs: Vec<SocketAddr> = addr.to_socket_addrs()?.collect();
    let stream = TcpStream::connect(addrs.as_slice())?;
    // One framed message per write and no Nagle: avoids the ~40 ms delayed-ACK stall per APDU.
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Serves one vpcd connection until it closes (`Ok`) or fails.
pub fn serve_connection(
    card: &mut VirtualCard,
    mut stream: TcpStream,
    ready_file: Option<&Path>,
) -> io::Result<()> {
    let mut ready = ready_file;
    let trace = std::env::var_os(TRACE_ENV).is_some();
    loop {
        quick_ack(&stream);
        let mut len = [0u8; 2];
        match stream.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
        let mut payload = zeroize::Zeroizing::new(vec![0u8; usize::from(u16::from_be_bytes(len))]);
        quick_ack(&stream);
        stream.read_exact(&mut payload)?;
        let reply = match payload.as_slice() {
            [CTRL_OFF] => {
                card.power_off();
                None
            }
            [CTRL_ON] => {
                card.power_on();
                None
            }
            [CTRL_RESET] => {
                card.reset();
                None
            }
            [CTRL_ATR] => Some(card.atr()),
            [_] | [] => None,
            apdu => {
                // Defence in depth: the applet is written not to panic; if a dependency does, the
                // card answers 6F00 (no precise diagnosis) instead of vanishing from the reader.
                let response =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| card.transmit(apdu)))
                        .unwrap_or_else(|_| {
                            eprintln!("sello-vcard: {}", crate::tr!("vcard-internal-error"));
                            vec![0x6F, 0x00]
                        });
                if trace {
                    log_exchange(apdu, &response);
                }
                Some(response)
            }
        };
        if let Some(reply) = reply {
            send(&mut stream, &reply)?;
        }
        if payload.as_slice() == [CTRL_ATR] {
            if let Some(path) = ready.take() {
                std::fs::write(path, b"ready\n")?;
            }
        }
    }
}

/// Acknowledges incoming segments at once. vpcd writes the length and the payload of each message
/// separately with Nagle's algorithm on, so the payload waits for our ACK of the length; a delayed
/// ACK (~40 ms) would stall every APDU. Linux clears QUICKACK by itself, hence before every read.
fn quick_ack(stream: &TcpStream) {
    // Best effort: only latency depends on it.
    let _ = socket2::SockRef::from(stream).set_tcp_quickack(true);
}

fn send(stream: &mut TcpStream, payload: &[u8]) -> io::Result<()> {
    let len = u16::try_from(payload.len()).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "response longer than 65535 bytes",
        )
    })?;
    let mut frame = Vec::with_capacity(payload.len() + 2);
    frame.extend_from_slice(&len.to_be_bytes());
    frame.extend_from_slice(payload);
    stream.write_all(&frame)?;
    stream.flush()
}

fn log_exchange(apdu: &[u8], response: &[u8]) {
    let header: Vec<String> = apdu.iter().take(4).map(|b| format!("{b:02X}")).collect();
    let sw: Vec<String> = response
        .iter()
        .rev()
        .take(2)
        .rev()
        .map(|b| format!("{b:02X}"))
        .collect();
    eprintln!(
        "sello-vcard: {} ({} bytes) -> {} ({} bytes)",
        header.join(" "),
        apdu.len(),
        sw.join(""),
        response.len()
    );
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;

    use super::*;

    fn frame(payload: &[u8]) -> Vec<u8> {
        let mut out = (payload.len() as u16).to_be_bytes().to_vec();
        out.extend_from_slice(payload);
        out
    }

    fn read_frame(stream: &mut TcpStream) -> Vec<u8> {
        let mut len = [0u8; 2];
        stream.read_exact(&mut len).expect("length");
        let mut payload = vec![0u8; usize::from(u16::from_be_bytes(len))];
        stream.read_exact(&mut payload).expect("payload");
        payload
    }

    /// Plays vpcd (the listening side) against `serve_connection`.
    #[test]
    fn speaks_the_vpcd_protocol() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        let dir = tempfile::tempdir().expect("dir");
        let ready = dir.path().join("ready");
        let ready2 = ready.clone();
        let server = std::thread::spawn(move || {
            let mut card = VirtualCard::factory(7);
            let stream = connect(&addr).expect("connect");
            serve_connection(&mut card, stream, Some(&ready2)).expect("serve");
        });
        let (mut vpcd, _) = listener.accept().expect("accept");
        vpcd.write_all(&frame(&[CTRL_ON])).expect("power on");
        assert!(!ready.exists());
        vpcd.write_all(&frame(&[CTRL_ATR])).expect("atr");
        assert_eq!(read_frame(&mut vpcd), super::super::DEFAULT_ATR.to_vec());
        // Two commands in one write still get two answers.
        let mut both = frame(&[0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0, 0x00, 0x00, 0x03, 0x08]);
        both.extend(frame(&[0x00, 0xF8, 0x00, 0x00, 0x00]));
        vpcd.write_all(&both).expect("apdus");
        let select = read_frame(&mut vpcd);
        assert_eq!(select.get(select.len() - 2..), Some(&[0x90, 0x00][..]));
        assert_eq!(read_frame(&mut vpcd), vec![0, 0, 0, 7, 0x90, 0x00]);
        assert!(ready.exists(), "ready file written after the ATR");
        vpcd.write_all(&frame(&[CTRL_RESET])).expect("reset");
        vpcd.write_all(&frame(&[CTRL_OFF])).expect("off");
        drop(vpcd);
        server
            .join()
            .expect("card side ends cleanly when vpcd closes");
    }

    /// pcscd restarting: the card reconnects and answers again.
    #[test]
    fn reconnects_after_the_connection_drops() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        // Detached: serve_forever never returns; the thread ends with the test process.
        std::thread::spawn(move || {
            let mut card = VirtualCard::factory(8);
            let _ = serve_forever(&mut card, &addr, None);
        });
        for _ in 0..2 {
            let (mut vpcd, _) = listener.accept().expect("accept");
            vpcd.write_all(&frame(&[CTRL_ATR])).expect("atr");
            assert_eq!(read_frame(&mut vpcd), super::super::DEFAULT_ATR.to_vec());
            vpcd.write_all(&frame(&[0x00, 0xF8, 0x00, 0x00, 0x00]))
                .expect("serial");
            assert_eq!(read_frame(&mut vpcd), vec![0, 0, 0, 8, 0x90, 0x00]);
        }
    }
}
