//! The deployment settings of a card profile: how `simpleenroll` authenticates (`[enrollment]`)
//! and what each slot's certificate must carry (`[keys.certificate]`), with defaults that keep
//! the shipped behaviour and errors that name file, line and field.
#![allow(clippy::unwrap_used)]

use sello::profile::{EnrollClientCertificate, EnrollmentAuth, Profile, Purpose};

const SHIPPED: &str = include_str!("../card-profiles/citizen-piv.toml");

#[test]
fn defaults_are_the_nif_and_code_and_the_purpose_key_usages() {
    let p = Profile::from_toml("citizen-piv.toml", SHIPPED).unwrap();
    assert_eq!(p.enrollment, EnrollmentAuth::default());
    assert_eq!(p.enrollment.basic_user.as_deref(), Some("{nif}"));
    assert!(p.enrollment.code_as_password && p.enrollment.needs_code());
    let ku = |purpose| {
        p.keys
            .iter()
            .find(|k| k.purpose == purpose)
            .unwrap()
            .certificate
            .key_usage
            .clone()
    };
    assert_eq!(ku(Purpose::Authentication), ["digitalSignature"]);
    assert_eq!(ku(Purpose::Signature), ["nonRepudiation"]);
}

#[test]
fn enrollment_and_certificate_rules_are_read_and_checked() {
    let text = format!(
        "{SHIPPED}\n[enrollment]\nbasic_user = \"ra-0042\"\npassword = \"none\"\nclient_certificate = \"operator-card\"\n"
    );
    let p = Profile::from_toml("deployment.toml", &text).unwrap();
    assert_eq!(p.enrollment.basic_user.as_deref(), Some("ra-0042"));
    assert!(!p.enrollment.needs_code());
    assert_eq!(
        p.enrollment.client_certificate,
        EnrollClientCertificate::OperatorCard
    );

    let with_rule = SHIPPED.replacen(
        "pin_policy = \"always\"",
        "pin_policy = \"always\"\ncertificate = { key_usage = [\"nonRepudiation\", \"digitalSignature\"], extended_key_usage = [\"emailProtection\", \"1.3.6.1.4.1.311.10.3.12\"], policies = [\"2.16.724.1.2.2.2.3\"], max_validity_days = 1826 }",
        1,
    );
    let p = Profile::from_toml("deployment.toml", &with_rule).unwrap();
    let sign = p
        .keys
        .iter()
        .find(|k| k.purpose == Purpose::Signature)
        .unwrap();
    assert_eq!(
        sign.certificate.key_usage,
        ["nonRepudiation", "digitalSignature"]
    );
    assert_eq!(
        sign.certificate.extended_key_usage,
        ["1.3.6.1.5.5.7.3.4", "1.3.6.1.4.1.311.10.3.12"]
    );
    assert_eq!(sign.certificate.policies, ["2.16.724.1.2.2.2.3"]);
    assert_eq!(sign.certificate.max_validity_days, Some(1826));

    for (add, field) in [
        (
            "[enrollment]\nbasic_user = \"{dni}\"\n",
            "enrollment.basic_user",
        ),
        (
            "[enrollment]\nbasic_user = \"a:b\"\n",
            "enrollment.basic_user",
        ),
        ("[enrollment]\npassword = \"pin\"\n", "enrollment.password"),
        ("[enrollment]\nbasic_user = \"\"\n", "enrollment.password"),
        (
            "[enrollment]\nbasic_user = \"\"\npassword = \"none\"\n",
            "enrollment.basic_user",
        ),
        (
            "[enrollment]\nclient_certificate = \"usb-token\"\n",
            "enrollment.client_certificate",
        ),
    ] {
        let e = Profile::from_toml("bad.toml", &format!("{SHIPPED}\n{add}")).unwrap_err();
        assert_eq!(e.field.as_deref(), Some(field), "{add}: {e}");
        assert!(e.line.is_some(), "{e}");
    }
    let bad_ku = SHIPPED.replacen(
        "pin_policy = \"always\"",
        "pin_policy = \"always\"\ncertificate = { key_usage = [\"signing\"] }",
        1,
    );
    let e = Profile::from_toml("bad.toml", &bad_ku).unwrap_err();
    assert_eq!(
        e.field.as_deref(),
        Some("keys[1].certificate.key_usage"),
        "{e}"
    );
    assert!(e.to_string().contains("nonRepudiation"), "{e}");
}

#[test]
fn ca_labels_per_purpose_or_none() {
    let p = Profile::from_toml("citizen-piv.toml", SHIPPED).unwrap();
    assert_eq!(
        p.enrollment.ca_labels.label(Purpose::Signature),
        Some("sign")
    );
    let text = format!(
        "{SHIPPED}\n[enrollment]\nca_labels = {{ authentication = \"\", signature = \"qualified-sign\" }}\n"
    );
    let p = Profile::from_toml("deployment.toml", &text).unwrap();
    assert_eq!(p.enrollment.ca_labels.label(Purpose::Authentication), None);
    assert_eq!(
        p.enrollment.ca_labels.label(Purpose::Signature),
        Some("qualified-sign")
    );
    assert_eq!(
        p.enrollment.ca_labels.label(Purpose::Encryption),
        Some("enc")
    );
    let bad = format!("{SHIPPED}\n[enrollment]\nca_labels = {{ signature = \"../x\" }}\n");
    let e = Profile::from_toml("bad.toml", &bad).unwrap_err();
    assert_eq!(
        e.field.as_deref(),
        Some("enrollment.ca_labels.signature"),
        "{e}"
    );
}
