//! NSS (Firefox's and Chromium's crypto library) loads `libsello.so` from a fresh database and
//! lists the card's certificates under the token's label.

mod rig;
#[path = "pkcs11_support/mod.rs"]
mod support;

use rig::Bench;
use support::{module, provision};

#[test]
fn modutil_registers_and_certutil_lists_the_card() {
    let b = Bench::start();
    provision(&b, false);
    let db = b.path("nssdb");
    std::fs::create_dir(&db).expect("db dir");
    let dbarg = format!("sql:{}", db.display());
    b.ok("certutil", &["-N", "-d", &dbarg, "--empty-password"]);
    let m = module();
    let add = b.ok(
        "modutil",
        &["-dbdir", &dbarg, "-add", "sello", "-libfile", &m, "-force"],
    );
    assert!(add.contains("Module \"sello\" added to database."), "{add}");
    // modutil -list exits non-zero for the rig's second, empty reader ("Unable to get
    // information about token"), as it does for any module with an empty slot: read the text.
    let list = rig::text(&b.run("modutil", &["-dbdir", &dbarg, "-list", "sello", "-force"]));
    assert!(
        list.contains("Alice Holder"),
        "token label in the module list: {list}"
    );
    let certs = b.ok("certutil", &["-d", &dbarg, "-h", "all", "-L"]);
    assert!(
        certs.contains("Alice Holder:Certificate for PIV Authentication"),
        "{certs}"
    );
    assert!(
        certs.contains("Alice Holder:Certificate for Digital Signature"),
        "{certs}"
    );
}
