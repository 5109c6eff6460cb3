//! `sello profile`, `sello browser` and `sello mgmt-secret` speak Spanish and Valencian through
//! the real binary (no card needed): labels, plurals, the browsers' profile names, the files'
//! errors; `--json` stays the same whatever the language. The browser registration itself is
//! judged by NSS's `modutil`, a tool we did not write.

mod rig;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rig::{text, OPENSC_PKCS11};
use serde_json::Value;

const SELLO: &str = env!("CARGO_BIN_EXE_sello");
const SPANISH: &str = "es_ES.UTF-8";
const VALENCIAN: &str = "ca_ES.UTF-8@valencia";
const CATALAN: &str = "ca_ES.UTF-8";

/// `sello ARGS` with `LANG=lang` (no LC_ALL/LC_MESSAGES to override it) in the home `home`.
fn sello(home: &Path, lang: &str, args: &[&str]) -> Output {
    Command::new(SELLO)
        .args(args)
        .env("LANG", lang)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("HOME", home)
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("SELLO_PROFILE_DIR")
        .env_remove("SUDO_USER")
        .output()
        .expect("sello runs")
}

fn ok(out: &Output) -> String {
    let t = text(out);
    assert!(out.status.success(), "{t}");
    t
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", text(out)))
}

#[test]
fn profile_show_in_spanish_and_valencian_with_plurals() {
    let home = tempfile::tempdir().expect("home");
    // A user profile whose PIN allows a single try and whose PUK the operator enters.
    let dir = home.path().join(".config/sello/card-profiles");
    std::fs::create_dir_all(&dir).expect("profile dir");
    let embedded = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("card-profiles/citizen-piv.toml"),
    )
    .expect("citizen-piv.toml");
    let one_try = embedded
        .replacen("name = \"citizen-piv\"", "name = \"one-try\"", 1)
        .replacen(
            "charset = \"digits\"\nretries = 3",
            "charset = \"digits\"\nretries = 1",
            1,
        )
        .replacen("generate = true", "generate = false", 1);
    assert_ne!(one_try, embedded);
    std::fs::write(dir.join("one-try.toml"), one_try).expect("write profile");

    let h = ok(&sello(home.path(), SPANISH, &["profile", "list"]));
    assert!(h.contains("citizen-piv"), "{h}");
    assert!(
        h.contains(&format!(
            "Carpeta de perfiles del usuario: {}",
            dir.display()
        )),
        "{h}"
    );

    let h = ok(&sello(
        home.path(),
        SPANISH,
        &["profile", "show", "one-try"],
    ));
    assert!(h.contains("Perfil:        one-try\n"), "{h}");
    assert!(
        h.contains("Tarjeta:       controlador PIV, AID A000"),
        "{h}"
    );
    assert!(
        h.contains("Clave admin.:  derivada del secreto maestro (AES-192)\n"),
        "{h}"
    );
    assert!(h.contains("PIN:           6-8 dígitos, 1 intento\n"), "{h}");
    assert!(
        h.contains("PUK:           8-8 dígitos, 3 intentos, lo introduce el operador\n"),
        "{h}"
    );
    assert!(
        h.contains(
            "Clave 9C:      firma, RSA-2048 (admitidos: RSA-2048, P-256), PIN en cada uso\n"
        ),
        "{h}"
    );

    let h = ok(&sello(
        home.path(),
        VALENCIAN,
        &["profile", "show", "one-try"],
    ));
    assert!(h.contains("PIN:          6-8 xifres, 1 intent\n"), "{h}");
    assert!(
        h.contains("PUK:          8-8 xifres, 3 intents, l'introduïx l'operador\n"),
        "{h}"
    );
    assert!(
        h.contains("Clau 9A:      autenticació, RSA-2048 (admesos: RSA-2048, P-256), PIN una vegada per sessió\n"),
        "{h}"
    );
    // Central Catalan where Valencian differs.
    let h = ok(&sello(
        home.path(),
        CATALAN,
        &["profile", "show", "one-try"],
    ));
    assert!(h.contains("l'introdueix l'operador"), "{h}");
    // English is unchanged, and the default when asked for.
    let h = ok(&sello(home.path(), "C", &["profile", "show", "one-try"]));
    assert!(h.contains("PIN:       6-8 digits, 1 try\n"), "{h}");
    assert!(
        h.contains("PUK:       8-8 digits, 3 tries, entered by the operator\n"),
        "{h}"
    );

    // --json is the same in every language.
    let en = json(&sello(
        home.path(),
        "C",
        &["profile", "show", "one-try", "--json"],
    ));
    let va = json(&sello(
        home.path(),
        VALENCIAN,
        &["profile", "show", "one-try", "--json"],
    ));
    assert_eq!(en, va);
    assert_eq!(en["pin"]["retries"], 1, "{en}");
    // An unknown profile: the error is the profile module's, the exit status says so.
    assert!(!sello(home.path(), SPANISH, &["profile", "show", "nope"])
        .status
        .success());
}

/// A home with Firefox profiles never started (no NSS database yet; one of the snap's Firefox)
/// and no Chromium database.
fn browser_home() -> (tempfile::TempDir, PathBuf) {
    let home = tempfile::tempdir().expect("home");
    let ff = home.path().join(".mozilla/firefox");
    std::fs::create_dir_all(ff.join("n.nou")).expect("profile dir");
    std::fs::write(
        ff.join("profiles.ini"),
        "[Profile0]\nName=nou\nIsRelative=1\nPath=n.nou\n",
    )
    .expect("profiles.ini");
    // And the snap's Firefox, with a profile never started either.
    let snap = home.path().join("snap/firefox/common/.mozilla/firefox");
    std::fs::create_dir_all(snap.join("s.snap")).expect("snap profile dir");
    std::fs::write(
        snap.join("profiles.ini"),
        "[Profile0]\nName=snap\nIsRelative=1\nPath=s.snap\n",
    )
    .expect("snap profiles.ini");
    let module = home.path().join("lib/libsello.so");
    std::fs::create_dir_all(module.parent().expect("parent")).expect("lib dir");
    std::fs::copy(OPENSC_PKCS11, &module).expect("copy module");
    (home, module)
}

#[test]
fn browser_install_status_uninstall_in_spanish_and_valencian() {
    let (home, module) = browser_home();
    let m = module.to_str().expect("utf-8");
    let nssdb = home.path().join(".pki/nssdb");

    let h = ok(&sello(
        home.path(),
        SPANISH,
        &["browser", "install", "--module", m],
    ));
    assert!(h.contains(&format!("Módulo: {m}")), "{h}");
    assert!(
        h.contains("Chromium/Chrome: registrado (se ha creado una base de datos nueva)"),
        "{h}"
    );
    assert!(
        h.contains("Firefox (perfil «nou»): omitido: todavía no hay base de datos de certificados"),
        "{h}"
    );
    assert!(h.contains("Firefox snap (perfil «snap»): omitido: "), "{h}");
    assert!(
        h.contains("Reinicie los navegadores para usar la tarjeta."),
        "{h}"
    );
    // NSS itself sees the registration.
    let out = Command::new("modutil")
        .args(["-list", "-dbdir"])
        .arg(format!("sql:{}", nssdb.display()))
        .output()
        .expect("modutil runs");
    let list = text(&out);
    assert!(out.status.success(), "{list}");
    assert!(list.contains(&format!("library name: {m}")), "{list}");

    let h = ok(&sello(home.path(), VALENCIAN, &["browser", "status"]));
    assert!(
        h.contains(&format!("Chromium/Chrome: registrat: {m}")),
        "{h}"
    );
    assert!(
        h.contains("Firefox (perfil «nou»): no registrat (encara no hi ha cap base de dades de certificats)"),
        "{h}"
    );
    let h = ok(&sello(
        home.path(),
        VALENCIAN,
        &["browser", "install", "--module", m],
    ));
    assert!(h.contains("Chromium/Chrome: ja estava registrat"), "{h}");
    assert!(
        h.contains("per a utilitzar la targeta en este perfil"),
        "{h}"
    );
    let h = ok(&sello(
        home.path(),
        CATALAN,
        &["browser", "install", "--module", m],
    ));
    assert!(
        h.contains("per a fer servir la targeta en aquest perfil"),
        "{h}"
    );

    // The module file disappears: status says so, in Spanish.
    std::fs::remove_file(&module).expect("remove module");
    let h = ok(&sello(home.path(), SPANISH, &["browser", "status"]));
    assert!(
        h.contains(&format!(
            "Chromium/Chrome: registrado, pero {m} no existe: vuelva a ejecutar `sello browser install`"
        )),
        "{h}"
    );
    // Under sudo, the warning names whose browsers these are.
    let out = Command::new(SELLO)
        .args(["browser", "status"])
        .env("LANG", SPANISH)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("HOME", home.path())
        .env("SUDO_USER", "pepa")
        .output()
        .expect("sello runs");
    let h = ok(&out);
    assert!(
        h.contains(&format!(
            "sello: aviso: se está ejecutando con sudo, así que afecta a los navegadores de la cuenta cuya carpeta personal es {}, no a los de pepa. Ejecútelo sin sudo.",
            home.path().display()
        )),
        "{h}"
    );
    // --json keeps its keys and codes in every language.
    let es = json(&sello(
        home.path(),
        SPANISH,
        &["browser", "status", "--json"],
    ));
    let en = json(&sello(home.path(), "C", &["browser", "status", "--json"]));
    assert_eq!(es, en);

    let h = ok(&sello(home.path(), SPANISH, &["browser", "uninstall"]));
    assert!(h.contains("Chromium/Chrome: eliminado"), "{h}");
    assert!(
        h.contains("Firefox (perfil «nou»): no estaba registrado"),
        "{h}"
    );
    let en = json(&sello(
        home.path(),
        "C",
        &["browser", "uninstall", "--json"],
    ));
    let va = json(&sello(
        home.path(),
        VALENCIAN,
        &["browser", "uninstall", "--json"],
    ));
    assert_eq!(en, va);
    assert_eq!(en["databases"][0]["result"], "not-registered", "{en}");
}

#[test]
fn mgmt_secret_generate_in_spanish_and_valencian() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().expect("home");
    let file = home.path().join("operador.secret");
    let f = file.to_str().expect("utf-8");

    let h = ok(&sello(
        home.path(),
        SPANISH,
        &["mgmt-secret", "generate", "--out", f],
    ));
    assert!(
        h.contains(&format!(
            "Se ha escrito un secreto maestro de operador nuevo en {f} (modo 0600). Guarde una copia sin conexión"
        )),
        "{h}"
    );
    let secret = std::fs::read_to_string(&file).expect("secret file");
    assert_eq!(secret.trim_end().len(), 64, "64 hex digits");
    assert!(
        !h.contains(secret.trim_end()),
        "the secret is never printed"
    );
    let mode = std::fs::metadata(&file).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    // An existing file is never overwritten: said in Valencian, the file unchanged.
    let out = sello(
        home.path(),
        VALENCIAN,
        &["mgmt-secret", "generate", "--out", f],
    );
    assert!(!out.status.success());
    let h = text(&out);
    assert!(h.contains(&format!("sello: no es pot crear {f}")), "{h}");
    assert_eq!(std::fs::read_to_string(&file).expect("secret file"), secret);
    // --json: the stable code beside the localised message.
    let out = sello(
        home.path(),
        SPANISH,
        &["mgmt-secret", "generate", "--out", f, "--json"],
    );
    assert!(!out.status.success());
    let v = json(&out);
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(v["code"], "error", "{v}");
    assert!(
        v["error"]
            .as_str()
            .unwrap_or("")
            .starts_with(&format!("no se puede crear {f}")),
        "{v}"
    );
}
