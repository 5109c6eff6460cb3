//! The request and response the EST/OCSP/CRL routes work on, independent of the HTTP
//! implementation (hyper, in [`super::server`], reads and writes the wire: RFC 9112).

use zeroize::Zeroize;

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
    /// The client's address (per-client rate limits).
    pub client: Option<std::net::IpAddr>,
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
}
