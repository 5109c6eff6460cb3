//! Card profiles: the shipped profile loads and renders the Spanish subject; broken files are
//! refused with file, line and field; a user directory overrides the embedded profile.
#![allow(clippy::unwrap_used)]

use sello::profile::{self, Identity, Profile};

const SHIPPED: &str = include_str!("../card-profiles/citizen-piv.toml");

fn broken(find: &str, replace: &str) -> sello::profile::ProfileError {
    assert!(SHIPPED.contains(find), "{find}");
    let text = SHIPPED.replacen(find, replace, 1);
    Profile::from_toml("broken.toml", &text).expect_err("must be refused")
}

fn line_of(needle: &str) -> usize {
    SHIPPED[..SHIPPED.find(needle).unwrap()]
        .matches('\n')
        .count()
        + 1
}

#[test]
fn shipped_profile_renders_the_spanish_natural_person_subject() {
    let p = Profile::from_toml("citizen-piv.toml", SHIPPED).unwrap();
    let id = Identity::new(
        "12345678Z",
        "María José",
        "García López",
        Some("mj@example.es"),
    )
    .unwrap();
    let s = p.subject.render(&id).unwrap();
    assert_eq!(
        s.display(),
        "C=ES, serialNumber=IDCES-12345678Z, GN=María José, SN=García López, \
         CN=María José García López - NIF:12345678Z"
    );
    assert_eq!(s.email.as_deref(), Some("mj@example.es"));
    let no_mail = Identity::new("X1234567L", "Ana", "Pérez", None).unwrap();
    let e = sello::i18n::with_language("en", || p.subject.render(&no_mail).unwrap_err());
    assert!(e.contains("e-mail"), "{e}");
}

#[test]
fn broken_files_name_file_line_and_field() {
    let cases = [
        ("min_length = 6", "min_length = 2", "pin.min_length"),
        ("charset = \"digits\"\nretries = 3\n\n[puk]", "charset = \"hex\"\nretries = 3\n\n[puk]", "pin.charset"),
        ("algorithm = \"RSA-2048\"\nallowed_algorithms = [\"RSA-2048\", \"P-256\"]\npin_policy = \"always\"",
         "algorithm = \"RSA-1024\"\nallowed_algorithms = [\"RSA-2048\", \"P-256\"]\npin_policy = \"always\"",
         "keys[1].algorithm"),
        ("pin_policy = \"always\"", "pin_policy = \"once\"", "keys[1].pin_policy"),
        ("slot = \"9C\"", "slot = \"9B\"", "keys[1].slot"),
        ("mode = \"derived\"", "mode = \"factory\"", "management_key.mode"),
        ("value = \"IDCES-{nif}\"", "value = \"IDCES-{dni}\"", "subject.attributes[1].value"),
        // Errors found by the TOML/serde layer: wrong type, unknown field.
        ("retries = 3\n\n[puk]", "retries = \"three\"\n\n[puk]", "pin.retries"),
        ("generate = true", "generate = true\ncolour = \"red\"", "puk"),
    ];
    for (find, replace, field) in cases {
        let e = broken(find, replace);
        assert_eq!(e.file, "broken.toml");
        assert_eq!(
            e.field.as_deref().map(|f| f.starts_with(field)),
            Some(true),
            "{find}: {e}"
        );
        let msg = e.to_string();
        assert!(msg.starts_with("broken.toml:"), "{msg}");
        assert!(msg.contains(field), "{msg}");
        assert!(e.line.is_some(), "{msg}");
    }
    // The line is the line of the bad value.
    let e = broken("min_length = 6", "min_length = 2");
    assert_eq!(e.line, Some(line_of("min_length = 6")));
    let e = broken("slot = \"9C\"", "slot = \"9B\"");
    assert_eq!(e.line, Some(line_of("slot = \"9C\"")));
    // Syntax errors too.
    let e = Profile::from_toml("x.toml", "name = \"a\"\n[pin\n").unwrap_err();
    assert_eq!(e.line, Some(2), "{e}");
}

#[test]
fn user_directory_overrides_and_reports_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let mine = SHIPPED.replace("retries = 3\n\n[puk]", "retries = 5\n\n[puk]");
    std::fs::write(dir.path().join("citizen-piv.toml"), &mine).unwrap();
    std::fs::write(
        dir.path().join("training.toml"),
        SHIPPED
            .replace("name = \"citizen-piv\"", "name = \"training\"")
            .replace("mode = \"derived\"", "mode = \"factory\"")
            .replace(
                "allow_default_management_key = false",
                "allow_default_management_key = true",
            ),
    )
    .unwrap();
    let all = profile::load_all_from(Some(dir.path())).unwrap();
    assert_eq!(all.len(), 2);
    let p = profile::find(&all, "citizen-piv").unwrap();
    assert_eq!(p.pin.retries, 5);
    assert!(p.source.ends_with("citizen-piv.toml") && !p.source.starts_with("embedded"));
    // Both apply to every PIV card: ambiguous without --profile.
    assert!(profile::for_card(&all, "PIV", &[0x3B]).is_err());

    std::fs::write(
        dir.path().join("zz-bad.toml"),
        "name = \"bad\"\n[card]\ndriver = 7\n",
    )
    .unwrap();
    let e = sello::i18n::with_language("en", || {
        profile::load_all_from(Some(dir.path()))
            .unwrap_err()
            .to_string()
    });
    assert!(e.contains("zz-bad.toml:3: field `card.driver`"), "{e}");
}

#[test]
fn nif_and_nie_validation() {
    for ok in [
        "12345678Z",
        "87654321X",
        "X1234567L",
        "Y1234567X",
        "Z1234567R",
        "x1234567l",
    ] {
        assert!(sello::profile::Nif::parse(ok).is_ok(), "{ok}");
    }
    for bad in [
        "12345678A",
        "X1234567T",
        "1234567Z",
        "W1234567L",
        "12345678",
        "ABCDEFGHZ",
    ] {
        assert!(sello::profile::Nif::parse(bad).is_err(), "{bad}");
    }
}
