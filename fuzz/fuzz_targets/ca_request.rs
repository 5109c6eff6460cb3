//! The local CA's decoding of a client's request (OCSP request DER, HTTP Basic credentials, the
//! base64 CSR body) on arbitrary bytes: errors, never panics. HTTP/1.1 itself is parsed by
//! hyper, fuzzed upstream.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    sello::ca::server::fuzz_request(data);
});
