//! The local CA's HTTP request reader on arbitrary bytes from a client: errors, never panics.
#![no_main]

use std::io::{Cursor, Read, Write};

use libfuzzer_sys::fuzz_target;

struct Conn<'a> {
    input: Cursor<&'a [u8]>,
}

impl Read for Conn<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.input.read(buf)
    }
}

impl Write for Conn<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let mut conn = Conn {
        input: Cursor::new(data),
    };
    let _ = sello::ca::http::read_request(&mut conn);
});
