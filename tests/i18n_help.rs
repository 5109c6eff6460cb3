//! The help (`--help`, `help COMMAND`) and the usage errors of the real binaries speak the
//! language of `LANG`/`--lang`: Spanish, Valencian, Catalan, English; usage errors keep exit
//! status 2 and clap's suggestions; `--json` output does not change. No card needed.

use std::process::Output;

use serde_json::Value;

/// Runs `bin` with `LANG=lang` only (no LC_ALL/LC_MESSAGES to override it) and a temp home.
fn run(bin: &str, lang: &str, args: &[&str]) -> Output {
    let home = tempfile::tempdir().expect("home");
    std::process::Command::new(bin)
        .args(args)
        .env("LANG", lang)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("HOME", home.path())
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("SELLO_READER")
        .output()
        .expect("runs")
}

const SELLO: &str = env!("CARGO_BIN_EXE_sello");
const SELLOD: &str = env!("CARGO_BIN_EXE_sellod");

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn has_all(text: &str, needles: &[&str]) {
    for n in needles {
        assert!(text.contains(n), "{n:?} not in:\n{text}");
    }
}

fn has_none(text: &str, needles: &[&str]) {
    for n in needles {
        assert!(!text.contains(n), "{n:?} in:\n{text}");
    }
}

#[test]
fn sello_help_in_spanish() {
    let out = run(SELLO, "es_ES.UTF-8", &["--help"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let help = stdout(&out);
    has_all(
        &help,
        &[
            "Uso: sello [OPTIONS] <COMMAND>",
            "\nÓrdenes:\n",
            "\nOpciones:\n",
            "Lista los lectores de tarjetas e indica si cada uno tiene tarjeta",
            "Muestra este mensaje o la ayuda de las órdenes indicadas",
            "Salida JSON, para programas",
            "Muestra la versión",
            // The exit statuses, codes unchanged.
            "Código de salida:",
            "  2  error de uso: línea de órdenes incorrecta",
            "  5  PIN o PUK bloqueado",
        ],
    );
    has_none(
        &help,
        &[
            "Usage:",
            "Commands:",
            "Options:",
            "Print help",
            "Exit status",
        ],
    );

    let out = run(SELLO, "es_ES.UTF-8", &["activate", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    has_all(
        &stdout(&out),
        &[
            "Activa una tarjeta para su titular",
            "Uso: sello activate [OPTIONS]",
            "--nif <NIF>",
            "NIF o NIE del titular",
            "[variable de entorno: SELLO_READER]",
            "Muestra la ayuda",
        ],
    );
}

#[test]
fn pin_help_in_valencian_and_lang_wins_over_the_environment() {
    let out = run(SELLO, "ca_ES.UTF-8@valencia", &["pin", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let va = stdout(&out);
    has_all(
        &va,
        &[
            "Canvia, desbloqueja o consulta el PIN",
            "Ús: sello pin [OPTIONS] <COMMAND>",
            "\nOrdres:\n",
            "Mostra este missatge",
            "l'eixida d'errors",
        ],
    );
    has_none(&va, &["aquest", "sortida"]);

    // --lang ca (central Catalan), wherever it stands, against a Spanish environment.
    for args in [
        &["--lang", "ca", "--help"][..],
        &["pin", "--lang=ca", "--help"],
    ] {
        let out = run(SELLO, "es_ES.UTF-8", args);
        let ca = stdout(&out);
        has_all(
            &ca,
            &["Ús: sello", "Mostra aquest missatge", "\nOpcions:\n"],
        );
        has_none(&ca, &["Uso:", "Opciones:"]);
    }
    let ca = stdout(&run(SELLO, "es_ES.UTF-8", &["--lang", "ca", "--help"]));
    has_all(
        &ca,
        &[
            "Codi de sortida:",
            "  4  PIN o PUK incorrecte (queden intents)",
        ],
    );

    // `help COMMAND` too.
    let out = run(SELLO, "ca_ES.UTF-8@valencia", &["help", "pin", "change"]);
    has_all(
        &stdout(&out),
        &[
            "Canvia el PIN (demana el PIN actual",
            "Ús: sello pin change",
        ],
    );
}

#[test]
fn usage_errors_in_spanish_with_status_2_and_suggestions() {
    let out = run(SELLO, "es_ES.UTF-8", &["statsu"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    has_all(
        &stderr(&out),
        &[
            "error: no existe la orden «statsu»",
            "consejo: existe una orden parecida: 'status'",
            "Uso: sello [OPTIONS] <COMMAND>",
            "Para más información, pruebe «--help».",
        ],
    );
    // Two suggestions: the plural.
    let out = run(SELLO, "es_ES.UTF-8", &["re"]);
    assert_eq!(out.status.code(), Some(2));
    has_all(
        &stderr(&out),
        &["existen órdenes parecidas: 'readers', 'renew'"],
    );
    let out = run(SELLO, "es_ES.UTF-8", &["activate", "--bogus"]);
    assert_eq!(out.status.code(), Some(2));
    has_all(
        &stderr(&out),
        &[
            "error: no se esperaba el argumento «--bogus»",
            "Uso: sello activate [OPTIONS]",
        ],
    );
    // A value outside the daemon's range: our words, the range as clap's parser says it.
    let out = run(SELLOD, "es_ES.UTF-8", &["--idle-timeout", "0"]);
    assert_eq!(out.status.code(), Some(2));
    has_all(
        &stderr(&out),
        &["error: el valor «0» no es válido para «--idle-timeout <IDLE_TIMEOUT>»"],
    );
    // English stays clap's own.
    let out = run(SELLO, "C", &["statsu"]);
    assert_eq!(out.status.code(), Some(2));
    has_all(
        &stderr(&out),
        &[
            "error: unrecognized subcommand 'statsu'",
            "tip: a similar subcommand exists: 'status'",
            "Usage: sello [OPTIONS] <COMMAND>",
            "For more information, try '--help'.",
        ],
    );
}

#[test]
fn other_binaries_speak_the_language_too() {
    let out = run(SELLOD, "es_ES.UTF-8", &["--help"]);
    assert_eq!(out.status.code(), Some(0));
    has_all(
        &stdout(&out),
        &[
            "Servicio de Sello: vigila los lectores",
            "Uso: sellod [OPTIONS]",
            "[valor predeterminado: 300]",
        ],
    );
    #[cfg(feature = "ca")]
    {
        let out = run(
            env!("CARGO_BIN_EXE_sello-ca"),
            "ca_ES.UTF-8@valencia",
            &["init", "--help"],
        );
        assert_eq!(out.status.code(), Some(0));
        has_all(
            &stdout(&out),
            &[
                "Ús: sello-ca init [OPTIONS] --dir <DIR>",
                "Valors possibles:",
                "- ecdsa-p384: ECDSA P-384, signatures ecdsa-with-SHA384",
                "[valor per defecte: ecdsa-p384]",
            ],
        );
        let out = run(
            env!("CARGO_BIN_EXE_sello-ca"),
            "es_ES.UTF-8",
            &["enroll-code", "--dir", "x"],
        );
        assert_eq!(out.status.code(), Some(2));
        has_all(
            &stderr(&out),
            &["faltan estos argumentos obligatorios:\n  --nif <NIF>"],
        );
    }
    #[cfg(feature = "virtual-card")]
    {
        let out = run(
            env!("CARGO_BIN_EXE_sello-vcard"),
            "es_ES.UTF-8",
            &["--help"],
        );
        has_all(
            &stdout(&out),
            &["Una tarjeta PIV virtual", "sin cifrar (en hex, en JSON)"],
        );
    }
}

#[test]
fn json_output_does_not_change_with_the_language() {
    let json = |lang: &str, args: &[&str]| -> Value {
        let out = run(SELLO, lang, args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).expect("JSON")
    };
    fn keys(v: &Value, path: &str, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    out.push(format!("{path}/{k}"));
                    keys(v, &format!("{path}/{k}"), out);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| keys(v, &format!("{path}[]"), out)),
            _ => {}
        }
    }
    let (mut en, mut es) = (Vec::new(), Vec::new());
    keys(&json("C", &["--json", "profile", "list"]), "", &mut en);
    keys(
        &json("C", &["--json", "--lang", "es", "profile", "list"]),
        "",
        &mut es,
    );
    assert!(en.contains(&"/profiles[]/name".to_owned()), "{en:?}");
    assert_eq!(en, es);
}

#[test]
fn an_unreadable_lang_is_a_usage_error_told_in_the_environment_s_language() {
    let out = run(SELLO, "es_ES.UTF-8", &["--lang", "xx!", "readers"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    has_all(&stderr(&out), &["«xx!» no es una etiqueta de idioma"]);
    let out = run(SELLO, "C.UTF-8", &["--lang=xx!", "readers"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    has_all(&stderr(&out), &["\"xx!\" is not a language tag"]);
}
