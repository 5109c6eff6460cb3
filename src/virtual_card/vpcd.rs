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
                eprintln!("sello-vcard: connected to vpcd at {addr}");
                announced = false;
                match serve_connection(card, stream, ready_file) {
                    Ok(()) => eprintln!("sello-vcard: vpcd closed the connection"),
                    Err(e) => eprintln!("sello-vcard: vpcd connection lost: {e}"),
                }
                card.power_off();
            }
            Err(e) if !announced => {
                eprintln!("sello-vcard: waiting for vpcd at {addr}: {e}");
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
        let mut len = [0u8; 2];
        match stream.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
        let mut payload = vec![0u8; usize::from(u16::from_be_bytes(len))];
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
                let response = card.transmit(apdu);
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
