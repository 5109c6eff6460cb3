//! The EST client's reading of a server's answer body (lenient base64, certs-only PKCS#7; the
//! HTTP framing is ureq's) on arbitrary bytes: errors, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sello::enroll::est::fuzz_server_answer(data);
    let _ = sello::enroll::est::parse_certs_only(data);
    let _ = sello::enroll::est::parse_csr_attrs(data);
});
