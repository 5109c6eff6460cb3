//! The small HTTP/1.1 subset the EST server speaks (RFC 9112): one request per connection, a
//! `Content-Length` body, `Connection: close`. Parsing is bounded: header block and body sizes are
//! capped and every malformed input is an error, never a panic.

use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

use zeroize::{Zeroize, Zeroizing};

/// Largest header block accepted.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Largest body accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A parsed request.
#[derive(Debug)]
pub struct Request {
    /// Method, e.g. `GET`.
    pub method: String,
    /// Path without the query string.
    pub path: String,
    /// Headers with lower-case names.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Drop for Request {
    /// Header values may hold credentials (`Authorization: Basic` carries the enrollment code).
    fn drop(&mut self) {
        for (_, value) in &mut self.headers {
            value.zeroize();
        }
    }
}

impl Request {
    /// First header with this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The peer closed or the socket failed / timed out: nothing to answer.
    Io(io::Error),
    /// The request is malformed: answer with this status and reason.
    Bad(u16, String),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

fn bad(status: u16, why: &str) -> ReadError {
    ReadError::Bad(status, why.to_string())
}

/// A reader that fails once a deadline has passed, so a client trickling bytes cannot hold a
/// connection (and its thread) longer than the deadline.
pub struct DeadlineReader<R> {
    inner: R,
    until: Instant,
}

impl<R: Read> DeadlineReader<R> {
    /// Wraps `inner` with a deadline `within` from now.
    pub fn new(inner: R, within: Duration) -> Self {
        Self {
            inner,
            until: Instant::now() + within,
        }
    }
}

impl<R: Read> Read for DeadlineReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if Instant::now() > self.until {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "request deadline passed",
            ));
        }
        self.inner.read(buf)
    }
}

impl<R: Write> Write for DeadlineReader<R> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Reads one request. A client that sent `Expect: 100-continue` (curl does for bodies over 1 KiB)
/// gets the interim `100 Continue` before the body is read (RFC 9110 §10.1.1).
pub fn read_request(stream: &mut (impl Read + Write)) -> Result<Request, ReadError> {
    // The header block may hold credentials: wipe it when done.
    let mut buf = Zeroizing::new(Vec::with_capacity(1024));
    let mut chunk = [0u8; 2048];
    let header_end = loop {
        if let Some(pos) = find(&buf, b"\r\n\r\n") {
            break pos;
        }
        if buf.len() > MAX_HEADER_BYTES {
            return Err(bad(431, "request header block larger than 16 KiB"));
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(ReadError::Io(io::ErrorKind::UnexpectedEof.into()));
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buf[..header_end])
        .map_err(|_| bad(400, "request header is not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad(400, "malformed request line"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(bad(505, "only HTTP/1.x is supported"));
    }
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(bad(400, "malformed method"));
    }
    if !target.starts_with('/') {
        return Err(bad(400, "request target must be an absolute path"));
    }
    let path = target.split('?').next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(bad(400, "malformed header line"));
        };
        if name.is_empty() || name.contains(' ') {
            return Err(bad(400, "malformed header name"));
        }
        headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
    }
    let mut request = Request {
        method: method.to_string(),
        path,
        headers,
        body: Vec::new(),
    };
    // `request` zeroizes its headers on drop; no early return may leave a copy elsewhere.
    if request.header("transfer-encoding").is_some() {
        return Err(bad(
            411,
            "chunked bodies are not accepted; send Content-Length",
        ));
    }
    let length = match request.header("content-length") {
        None => 0,
        Some(v) => v
            .parse::<usize>()
            .map_err(|_| bad(400, "Content-Length is not a number"))?,
    };
    if length > MAX_BODY_BYTES {
        return Err(bad(413, "request body larger than 64 KiB"));
    }
    let mut body = buf[header_end + 4..].to_vec();
    let expects_continue = request
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"));
    if expects_continue && body.len() < length {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        stream.flush()?;
    }
    if body.len() > length {
        return Err(bad(
            400,
            "more body bytes than Content-Length (pipelining is not supported)",
        ));
    }
    while body.len() < length {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(bad(400, "body shorter than Content-Length"));
        }
        body.extend_from_slice(&chunk[..n]);
        if body.len() > length {
            return Err(bad(400, "more body bytes than Content-Length"));
        }
    }
    request.body = body;
    Ok(request)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A response.
#[derive(Debug)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Response {
    /// A response with a body and content type.
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Self {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
        }
    }

    /// A `text/plain` response stating why.
    pub fn text(status: u16, why: &str) -> Self {
        let mut body = why.as_bytes().to_vec();
        body.push(b'\n');
        Self::new(status, "text/plain; charset=utf-8", body)
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Serialises and writes it.
    pub fn write_to(&self, out: &mut impl Write) -> io::Result<()> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\n",
            self.status,
            reason_phrase(self.status)
        );
        for (n, v) in &self.headers {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        out.write_all(head.as_bytes())?;
        out.write_all(&self.body)?;
        out.flush()
    }
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Input bytes to read, and whatever is written.
    struct Duplex<'a> {
        input: &'a [u8],
        output: Vec<u8>,
    }

    impl<'a> Duplex<'a> {
        fn new(input: &'a [u8]) -> Self {
            Self {
                input,
                output: Vec::new(),
            }
        }
    }

    impl Read for Duplex<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.input.read(buf)
        }
    }

    impl Write for Duplex<'_> {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.output.write(buf)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn answers_expect_100_continue() {
        let raw = b"POST /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok";
        let mut d = Duplex::new(&raw[..]);
        // All bytes arrive in one read here, so no interim response is needed...
        let req = read_request(&mut d).expect("parses");
        assert_eq!(req.body, b"ok");
        assert!(d.output.is_empty());
        // ...but when the body has not been sent yet, 100 Continue goes out first.
        let head = b"POST /x HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n";
        let mut d = Duplex::new(&head[..]);
        assert!(matches!(read_request(&mut d), Err(ReadError::Bad(400, _))));
        assert_eq!(d.output, b"HTTP/1.1 100 Continue\r\n\r\n");
    }

    #[test]
    fn parses_a_post_with_body() {
        let raw = b"POST /.well-known/est/auth/simpleenroll?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nMIIB";
        let req = read_request(&mut Duplex::new(raw)).expect("parses");
        assert_eq!(req.method, "POST");
        assert_eq!(req.path, "/.well-known/est/auth/simpleenroll");
        assert_eq!(req.header("host"), Some("a"));
        assert_eq!(req.body, b"MIIB");
    }

    #[test]
    fn rejects_garbage_with_a_status() {
        for (raw, status) in [
            (&b"GARBAGE\r\n\r\n"[..], 400),
            (b"GET / SPDY/3\r\n\r\n", 505),
            (b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n", 400),
            (b"POST / HTTP/1.1\r\nContent-Length: 999999\r\n\r\n", 413),
            (
                b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
                411,
            ),
            (b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc", 400),
        ] {
            match read_request(&mut Duplex::new(raw)) {
                Err(ReadError::Bad(s, _)) => assert_eq!(s, status, "{raw:?}"),
                other => panic!("{raw:?}: {other:?}"),
            }
        }
    }
}
