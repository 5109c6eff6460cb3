//! `sello` speaks the user's language (Spanish, Valencian, Catalan, English) through the real
//! binary against the virtual card behind a private pcscd; the card is prepared and its PIN
//! tries spent with yubico-piv-tool, a tool we did not write.

mod rig;

use std::process::Output;

use rig::{text, Bench};
use serde_json::Value;

const SELLO: &str = env!("CARGO_BIN_EXE_sello");

/// Runs `sello` with `LANG=lang` (and no LC_ALL/LC_MESSAGES to override it), in a temp home
/// with an empty CA directory.
fn sello(b: &Bench, lang: &str, args: &[&str]) -> Output {
    let home = b.path("home");
    std::fs::create_dir_all(home.join("ca")).expect("home");
    b.rig
        .command(SELLO)
        .args(args)
        .env("LANG", lang)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("HOME", &home)
        .env("SELLO_CA_DIR", home.join("ca"))
        .env_remove("SELLO_READER")
        .env_remove("SELLO_CONFIG")
        .env_remove("XDG_CONFIG_HOME")
        .current_dir(b.dir())
        .output()
        .expect("sello runs")
}

/// As [`sello`], with `input` on standard input.
fn sello_stdin(b: &Bench, lang: &str, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let home = b.path("home");
    std::fs::create_dir_all(&home).expect("home");
    let mut child = b
        .rig
        .command(SELLO)
        .args(args)
        .env("LANG", lang)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("HOME", &home)
        .env_remove("SELLO_READER")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("sello runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("sello finishes")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", text(out)))
}

/// "2026-12-05" as Spanish writes it: "5 de diciembre de 2026".
fn spanish_date(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ];
    let parts: Vec<usize> = iso.split('-').map(|p| p.parse().expect("number")).collect();
    let [year, month, day] = parts[..] else {
        panic!("not a date: {iso}")
    };
    format!("{day} de {} de {year}", MONTHS[month - 1])
}

/// One wrong PIN, spent by yubico-piv-tool.
fn spend_pin_try(b: &Bench) {
    b.yk_fails(&["-a", "verify-pin", "-P", "999999"]);
}

#[test]
fn status_in_spanish_with_its_date_and_plurals() {
    let b = Bench::start();
    b.make_ca();
    b.yk(&[
        "-a", "generate", "-s", "9a", "-A", "ECCP256", "-o", "9a.pem",
    ]);
    // The test CA issues for 30 days: inside the expiry warning window.
    b.issue("9a.pem", "Titular de Prueba", "holder.pem");
    b.yk(&["-a", "import-certificate", "-s", "9a", "-i", "holder.pem"]);

    let out = sello(&b, "es_ES.UTF-8", &["status"]);
    let h = text(&out);
    assert!(out.status.success(), "{h}");
    assert!(h.contains("Número de serie:  10000001"), "{h}");
    assert!(h.contains("Lector:           Virtual PCD 00 00"), "{h}");
    assert!(
        h.contains("PIN:              le quedan 3 de 3 intentos — sigue siendo el de fábrica"),
        "{h}"
    );
    assert!(
        h.contains("titular: ") && h.contains("Titular de Prueba"),
        "{h}"
    );
    assert!(h.contains("AVISO: caduca dentro de"), "{h}");
    // The slot's name too (NIST's English name stays in the JSON).
    assert!(h.contains("  9A  Autenticación PIV "), "{h}");
    // No CA is trusted here: the revocation status is unknown, said in Spanish.
    assert!(h.contains("revocación: desconocido ("), "{h}");
    // An APDU log that cannot be opened is one warning in the user's language; the card is
    // read all the same.
    let out = b
        .rig
        .command(SELLO)
        .args(["status"])
        .env("LC_ALL", "ca_ES.UTF-8@valencia")
        .env("SELLO_APDU_LOG", b.path("no-such-dir/apdu.log"))
        .env("HOME", b.path("home"))
        .env_remove("SELLO_READER")
        .output()
        .expect("sello runs");
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    assert!(
        t.contains("no es pot obrir el fitxer de SELLO_APDU_LOG") && t.contains("10000001"),
        "{t}"
    );
    // The expiry date as Spanish writes it, from the ISO date the JSON gives.
    let v = json(&sello(&b, "es_ES.UTF-8", &["status", "--json"]));
    let iso = v["slots"][0]["certificate"]["not_after"]
        .as_str()
        .unwrap_or_else(|| panic!("no not_after in {v}"));
    let want = format!("caduca: {}", spanish_date(iso));
    assert!(h.contains(&want), "{want} not in:\n{h}");
    assert!(!h.contains(iso), "ISO date in Spanish output:\n{h}");
    // `sello cert show` in Valencian, with both dates as Catalan writes them.
    let h = text(&sello(&b, "ca_ES.UTF-8@valencia", &["cert", "show"]));
    assert!(
        h.contains("Ranura 9A\n  Titular: CN=Titular de Prueba"),
        "{h}"
    );
    assert!(h.contains("  Vàlid:   del "), "{h}");
    assert!(h.contains(" de 20") && !h.contains(iso), "{h}");
    assert!(h.contains("  Revocació: desconegut ("), "{h}");
    // `sello cert export`'s errors in Valencian and Spanish.
    let out = sello(
        &b,
        "ca_ES.UTF-8@valencia",
        &[
            "cert",
            "export",
            "--slot",
            "9A",
            "--out",
            "/nonexistent/9a.pem",
        ],
    );
    assert!(!out.status.success());
    let h = text(&out);
    assert!(
        h.contains("sello: no es pot escriure /nonexistent/9a.pem"),
        "{h}"
    );
    let h = text(&sello(
        &b,
        "es_ES.UTF-8",
        &["cert", "export", "--slot", "9A", "--format", "der"],
    ));
    assert!(
        h.contains("sello: DER es binario: indique --out FICHERO"),
        "{h}"
    );
    let h = text(&sello(
        &b,
        "es_ES.UTF-8",
        &["cert", "export", "--slot", "9Z"],
    ));
    assert!(
        h.contains("sello: «9Z» no es una ranura de clave (9A, 9C, 9D, 9E)"),
        "{h}"
    );
    // Input that ends too early names the missing secret in the language; no try is spent.
    let out = sello_stdin(
        &b,
        "ca_ES.UTF-8@valencia",
        &["pin", "change", "--pin-stdin"],
        "123456\n",
    );
    assert!(!out.status.success());
    let h = text(&out);
    assert!(
        h.contains("sello: l'entrada estàndard s'ha acabat abans de donar el PIN nou"),
        "{h}"
    );
    // --json stays language-neutral: English keys, ISO dates, numbers.
    assert_eq!(v["pins"]["pin"]["remaining"], 3, "{v}");
    assert_eq!(v["slots"][0]["certificate"]["expires_soon"], true, "{v}");

    // Plurals: 2 tries left, then 1, in Spanish and Valencian; --lang wins over LANG.
    spend_pin_try(&b);
    let h = text(&sello(&b, "es_ES.UTF-8", &["pin", "status"]));
    assert!(h.contains("le quedan 2 de 3 intentos"), "{h}");
    let h = text(&sello(&b, "ca_ES.UTF-8@valencia", &["pin", "status"]));
    assert!(h.contains("queden 2 de 3 intents"), "{h}");
    let h = text(&sello(
        &b,
        "es_ES.UTF-8",
        &["pin", "status", "--lang", "en"],
    ));
    assert!(h.contains("PIN:      2 of 3 tries left"), "{h}");
    // A wrong current PIN costs one try; the card's answer is said in Spanish.
    let out = sello_stdin(
        &b,
        "es_ES.UTF-8",
        &["pin", "change", "--pin-stdin"],
        "000000\n11223344\n",
    );
    let h = text(&out);
    assert!(!out.status.success(), "{h}");
    assert!(
        h.contains("sello: PIN incorrecto; le queda 1 intento"),
        "{h}"
    );
    let h = text(&sello(&b, "es_ES.UTF-8", &["pin", "status"]));
    assert!(h.contains("le queda 1 de 3 intentos"), "{h}");
    let h = text(&sello(&b, "ca_ES.UTF-8@valencia", &["pin", "status"]));
    assert!(h.contains("queda 1 de 3 intents"), "{h}");
    // Errors too.
    let out = sello(
        &b,
        "ca_ES.UTF-8@valencia",
        &["status", "--reader", "Inexistent"],
    );
    assert!(!out.status.success());
    let h = text(&out);
    assert!(
        h.contains("sello: no hi ha cap lector que es diga «Inexistent» (vegeu `sello readers`)"),
        "{h}"
    );
    // An unknown language falls back to English.
    let h = text(&sello(&b, "de_DE.UTF-8", &["pin", "status"]));
    assert!(h.contains("PIN:      1 of 3 tries left"), "{h}");
}

#[test]
fn doctor_in_valencian_and_catalan() {
    // A factory card: no certificate, so the certificate check fails with advice.
    let b = Bench::start();
    let out = sello(&b, "ca_ES.UTF-8@valencia", &["doctor"]);
    let h = text(&out);
    assert!(!out.status.success(), "{h}");
    assert!(
        h.contains("Servei de targetes intel·ligents: El servei de targetes intel·ligents (pcscd) està en marxa."),
        "{h}"
    );
    assert!(
        h.contains("Certificats de la targeta: Falta el certificat a la ranura: autenticació (9A)"),
        "{h}"
    );
    // Valencian where it differs from central Catalan ("esta", "activen", "ací")...
    assert!(h.contains("Esta targeta no s'ha activat"), "{h}");
    assert!(h.contains("perquè l'activen"), "{h}");
    assert!(h.contains("seguiu els consells d'ací dalt"), "{h}");
    assert!(
        h.contains("PIN: El PIN no està bloquejat (queden 3 de 3 intents)."),
        "{h}"
    );
    // ...central Catalan otherwise.
    let h = text(&sello(&b, "ca_ES.UTF-8", &["doctor"]));
    assert!(h.contains("Aquesta targeta no s'ha activat"), "{h}");
    assert!(h.contains("perquè l'activin"), "{h}");
    assert!(h.contains("d'aquí dalt"), "{h}");
    // The JSON keeps its stable ids and statuses whatever the language.
    let strip = |v: Value| -> Vec<(String, String)> {
        v["checks"]
            .as_array()
            .expect("checks")
            .iter()
            .map(|c| (c["id"].to_string(), c["status"].to_string()))
            .collect()
    };
    let en = strip(json(&sello(&b, "C.UTF-8", &["doctor", "--json"])));
    let va = json(&sello(&b, "ca_ES.UTF-8@valencia", &["doctor", "--json"]));
    assert_eq!(strip(va.clone()), en);
    assert!(
        en.iter()
            .any(|(id, st)| id == "\"certificate\"" && st == "\"fail\""),
        "{en:?}"
    );
    assert_eq!(
        va["checks"][0]["title"], "Servei de targetes intel·ligents",
        "{va}"
    );
}
