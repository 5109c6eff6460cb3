//! `sello activate`: the registration-point activation of a card (see
//! [`crate::enroll::activation`]), with a progress display, `--json` for the portal, and
//! `--show-journal`. Secrets (master secret, PINs, PUK, enrollment code) come from files, the
//! terminal or standard input — never from argv.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use zeroize::Zeroizing;

use super::{choose_reader, CardArgs, Ctx, Secret, SecretSource};
use crate::card::piv::{PivCard, Slot};
#[cfg(feature = "est-client")]
use crate::card::PublicKey;
use crate::enroll::activation::{
    Activation, ActivationError, ActivationReport, ActivationRequest, ActivationUi, Step,
    StepResult,
};
#[cfg(feature = "est-client")]
use crate::enroll::card_client_key::CardClientKey;
#[cfg(feature = "est-client")]
use crate::enroll::est::{EstClient, EstClientConfig, PendingNotice, TrustAnchor};
#[cfg(feature = "est-client")]
use crate::enroll::est_enroller::EstEnroller;
use crate::enroll::journal::JournalStore;
use crate::enroll::local::{pem_decode_all, LocalIssuer};
use crate::enroll::{EnrollError, Enroller, EnrollmentCode, Purpose};
use crate::pin::{Pin, Puk};
use crate::profile::{self, EnrollClientCertificate, Identity, Profile, SecretRule};
use crate::tr;
use crate::transport::{trace::Sink, Transport};
#[cfg(feature = "est-client")]
use std::sync::{Arc, Mutex};

// `sello activate` arguments (help texts: help-sello-activate-* in locales/*/help.ftl).
#[derive(Debug, Args)]
pub(crate) struct ActivateArgs {
    #[command(flatten)]
    card: CardArgs,
    #[arg(long)]
    profile: Option<String>,
    #[arg(long, required_unless_present = "show_journal")]
    nif: Option<String>,
    #[arg(long, required_unless_present = "show_journal")]
    given_name: Option<String>,
    #[arg(long, required_unless_present = "show_journal")]
    surnames: Option<String>,
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    algorithm: Option<String>,
    #[arg(long)]
    replace_existing: bool,
    #[arg(long = "slot-algorithm", value_name = "SLOT=ALG")]
    slot_algorithms: Vec<String>,
    #[arg(long, env = "SELLO_CA_CERT")]
    ca_cert: Option<PathBuf>,
    #[arg(long, env = "SELLO_LOCAL_CA", conflicts_with = "est")]
    local_ca: Option<PathBuf>,
    #[arg(long, env = "SELLO_EST_URL")]
    est: Option<String>,
    #[arg(long, env = "SELLO_EST_TRUST", requires = "est")]
    est_trust: Option<PathBuf>,
    #[arg(
        long,
        env = "SELLO_EST_PIN",
        requires = "est",
        conflicts_with = "est_trust"
    )]
    est_pin: Option<String>,
    #[arg(long, requires = "est")]
    proxy: Option<String>,
    #[arg(long, requires = "est")]
    operator_reader: Option<String>,
    #[arg(long, env = "SELLO_MGMT_SECRET_FILE")]
    mgmt_secret_file: Option<PathBuf>,
    #[arg(long)]
    mgmt_secret_stdin: bool,
    #[arg(long)]
    pin_stdin: bool,
    #[arg(long)]
    show_journal: bool,
    #[arg(long, conflicts_with_all = ["direct", "show_journal"])]
    via_daemon: bool,
    #[arg(long)]
    direct: bool,
    #[cfg(feature = "est-client")]
    #[arg(long, conflicts_with_all = ["via_daemon", "show_journal"])]
    reuse: bool,
}

impl ActivateArgs {
    fn reuse(&self) -> bool {
        #[cfg(feature = "est-client")]
        {
            self.reuse
        }
        #[cfg(not(feature = "est-client"))]
        {
            false
        }
    }
}

pub(crate) fn run(ctx: &Ctx, args: &ActivateArgs) -> anyhow::Result<()> {
    // The operator's card is read here, never by the daemon: --operator-reader means direct.
    let direct = args.direct || args.show_journal || args.reuse() || args.operator_reader.is_some();
    if args.via_daemon || !direct {
        if let Some(client) = super::watch::connect_for_activation(args.via_daemon)? {
            return via_daemon(ctx, args, client);
        }
    }
    let store = JournalStore::default_location()?;
    let reader = choose_reader(args.card.reader.as_deref())?;
    let transport = Transport::open_pcsc(&reader)
        .with_context(|| tr!("cli-cannot-connect", reader = reader.as_str()))?;
    if ctx.verbose {
        transport
            .tracer()
            .set_sink(Some(Box::new(std::io::stderr()) as Sink));
    }
    let atr = transport.atr().to_vec();
    let mut card = PivCard::open(transport)
        .with_context(|| tr!("activate-not-piv", reader = reader.as_str()))?;

    if args.show_journal {
        return show_journal(ctx, &store, &mut card);
    }

    let profiles = profile::load_all()?;
    let profile = match &args.profile {
        Some(name) => profile::find(&profiles, name)?,
        None => profile::for_card(&profiles, "PIV", &atr)?,
    };
    let identity = Identity::new(
        args.nif.as_deref().unwrap_or_default(),
        args.given_name.as_deref().unwrap_or_default(),
        args.surnames.as_deref().unwrap_or_default(),
        args.email.as_deref(),
    )?;
    let mut algorithms = HashMap::new();
    if let Some(a) = &args.algorithm {
        let alg = profile::parse_algorithm(a)
            .with_context(|| tr!("activate-unknown-algorithm-hint", algorithm = a.as_str()))?;
        for k in profile.keys.iter().filter(|k| !k.optional) {
            algorithms.insert(k.slot, alg);
        }
    }
    for sa in &args.slot_algorithms {
        let (slot, alg) = sa
            .split_once('=')
            .with_context(|| tr!("activate-slot-algorithm-syntax", given = sa.as_str()))?;
        let slot = u8::from_str_radix(slot.trim(), 16)
            .map(Slot)
            .with_context(|| tr!("activate-not-a-slot", slot = slot))?;
        let alg = profile::parse_algorithm(alg)
            .with_context(|| tr!("activate-unknown-algorithm", algorithm = alg))?;
        algorithms.insert(slot, alg);
    }

    let mut source = SecretSource::from_flag(args.pin_stdin || args.mgmt_secret_stdin);
    let secret = super::input::operator_secret(
        &profile,
        args.mgmt_secret_file.as_deref(),
        args.mgmt_secret_stdin,
        &mut source,
        || {
            tr!(
                "activate-needs-mgmt-secret",
                profile = profile.name.as_str()
            )
        },
    )?;
    let (anchors, mut enroller) = enrollment(ctx, args, &identity, &profile, &reader, &mut source)?;
    let request = ActivationRequest {
        profile,
        identity,
        algorithms,
        trust_anchors: anchors,
        // Reusing a card replaces the keys and certificates of its earlier activation: that is
        // what --reuse checked (all expired or revoked) and announced.
        replace_existing: args.replace_existing || args.reuse,
    };
    #[cfg(feature = "est-client")]
    if args.reuse {
        reuse(ctx, &mut card, &request, &store)?;
    }
    let mut ui = CliUi::new(ctx.json, source);
    let activation = Activation::begin(&mut card, &request, &secret, &store)?;
    let journal_path = activation.journal_path().to_owned();
    let serial = activation.serial().to_owned();
    match activation.run(enroller.as_mut(), &mut ui) {
        Ok(report) => {
            ui.clear();
            print_report(ctx.json, &report);
            Ok(())
        }
        Err(e) => {
            ui.clear();
            let journal = journal_path.display().to_string();
            let stopped = match resume_hint(&e) {
                Hint::Refused => tr!(
                    "activate-stopped-refused",
                    serial = serial.as_str(),
                    journal = journal
                ),
                Hint::None => tr!(
                    "activate-stopped",
                    serial = serial.as_str(),
                    journal = journal
                ),
                Hint::Resume => tr!(
                    "activate-stopped-resume",
                    serial = serial.as_str(),
                    journal = journal
                ),
            };
            Err(anyhow::Error::new(e).context(stopped))
        }
    }
}

/// `--reuse`: every certificate of the profile's slots on the card must be expired or revoked
/// (OCSP or the CRL; an unknown status refuses), then the earlier activation and renewal
/// journals are archived so the activation starts afresh: new keys replace the old ones in the
/// same slots, new certificates the old ones, and Sello's contents record is sealed again.
#[cfg(feature = "est-client")]
fn reuse(
    ctx: &Ctx,
    card: &mut PivCard,
    request: &ActivationRequest,
    store: &JournalStore,
) -> anyhow::Result<()> {
    use crate::enroll::revocation::{Checker, Status};
    let now = super::time_now();
    let serial = card
        .serial()
        .with_context(|| tr!("activate-reuse-no-serial"))?;
    // A decision that destroys keys: always a fresh answer from the CA, never a cached one.
    let checker = Checker {
        cache_dir: None,
        ..Checker::new(now)
    };
    let mut found = Vec::new();
    for k in &request.profile.keys {
        let Some(c) = card.read_certificate(k.slot)? else {
            continue;
        };
        let (_, cert) = x509_parser::parse_x509_certificate(&c.der).map_err(|_| {
            anyhow::anyhow!(tr!(
                "activate-reuse-unparsable",
                slot = format!("{:02X}", k.slot.0)
            ))
        })?;
        let na = cert.validity().not_after.timestamp();
        // The state for people, and for --json as it always was (English, language-neutral).
        let (state, state_json) = if na < now {
            let expired = || tr!("activate-reuse-expired-on", date = crate::i18n::date(na));
            (expired(), crate::i18n::with_language("en", expired))
        } else {
            match checker.status(&c.der, &request.trust_anchors) {
                st @ Status::Revoked { .. } => (
                    st.describe(),
                    crate::i18n::with_language("en", || st.describe()),
                ),
                other => bail!(tr!(
                    "activate-reuse-still-valid",
                    serial = serial.to_string(),
                    slot = format!("{:02X}", k.slot.0),
                    certificate = cert.raw_serial_as_string(),
                    date = crate::i18n::date(na),
                    status = match other {
                        Status::Good { .. } => tr!("activate-reuse-not-revoked"),
                        o => tr!("activate-reuse-revocation-status", status = o.describe()),
                    }
                )),
            }
        };
        found.push((
            format!("{:02X}", k.slot.0),
            cert.raw_serial_as_string(),
            state,
            state_json,
        ));
    }
    // The holder's PIN: kept when it works; a card whose PIN and PUK are both blocked is reset to
    // its factory state where the card allows it (YubiKey RESET), so the holder chooses a new PIN
    // and gets a new PUK; a blocked PIN with a usable PUK is unblocked by the holder first.
    let pins = card
        .pin_status()
        .with_context(|| tr!("activate-reuse-pin-status"))?;
    let reset = match (pins.pin_blocked(), pins.puk_blocked()) {
        (true, true) => {
            card.reset()
                .with_context(|| tr!("activate-reuse-reset-refused"))?;
            true
        }
        (true, false) => bail!(tr!("activate-reuse-pin-blocked")),
        _ => false,
    };
    let archived = store.archive(&serial.to_string())?;
    let renewals =
        crate::enroll::renew::RenewalStore::beside(store.dir()).path(&serial.to_string());
    let renewal_archived = if renewals.exists() {
        let to = renewals.with_extension(format!("{now}.json"));
        std::fs::rename(&renewals, &to).with_context(|| {
            tr!(
                "activate-reuse-cannot-archive",
                path = renewals.display().to_string()
            )
        })?;
        Some(to)
    } else {
        None
    };
    if ctx.json {
        println!(
            "{}",
            json!({
                "event": "reuse",
                "serial": serial.to_string(),
                "replaced": found.iter().map(|(s, n, _, st)| json!({"slot": s, "serial": n, "state": st})).collect::<Vec<_>>(),
                "journal_archived": archived,
                "renewal_journal_archived": renewal_archived,
                "pin": if reset { "reset" } else { "kept" },
            })
        );
    } else {
        println!(
            "{}",
            tr!("activate-reuse-title", serial = serial.to_string())
        );
        for (s, n, st, _) in &found {
            let line = tr!(
                "activate-reuse-replaced",
                serial = n.as_str(),
                state = st.as_str()
            );
            println!("  {s}: {line}");
        }
        if let Some(a) = &archived {
            let line = tr!(
                "activate-reuse-journal-kept",
                path = a.display().to_string()
            );
            println!("  {line}");
        }
        if let Some(a) = &renewal_archived {
            let line = tr!(
                "activate-reuse-renewal-journal-kept",
                path = a.display().to_string()
            );
            println!("  {line}");
        }
        if reset {
            println!("  {}", tr!("activate-reuse-was-reset"));
        } else {
            println!("  {}", tr!("activate-reuse-pin-kept"));
        }
    }
    Ok(())
}

/// The same activation as a sellod job: paths made absolute, secrets read here when asked.
fn via_daemon(
    ctx: &Ctx,
    args: &ActivateArgs,
    client: crate::daemon::client::Client,
) -> anyhow::Result<()> {
    if args.operator_reader.is_some() {
        bail!(tr!("activate-daemon-no-operator-card"));
    }
    use super::watch::absolute;
    if !args.slot_algorithms.is_empty() {
        bail!(tr!("activate-daemon-no-slot-algorithm"));
    }
    let path = |p: &Option<PathBuf>| p.as_deref().map(absolute).transpose();
    let spec = crate::daemon::protocol::ActivateSpec {
        profile: args.profile.clone(),
        nif: args.nif.clone().unwrap_or_default(),
        given_name: args.given_name.clone().unwrap_or_default(),
        surnames: args.surnames.clone().unwrap_or_default(),
        email: args.email.clone(),
        algorithm: args.algorithm.clone(),
        replace_existing: args.replace_existing,
        ca_cert: path(&args.ca_cert)?,
        est: args.est.clone(),
        est_trust: path(&args.est_trust)?,
        est_pin: args.est_pin.clone(),
        proxy: args.proxy.clone(),
        local_ca: path(&args.local_ca)?,
    };
    let mut job = serde_json::to_value(&spec)?;
    if let Some(o) = job.as_object_mut() {
        o.insert("kind".into(), json!("activate"));
    }
    super::watch::activate(
        ctx,
        super::watch::DaemonJob {
            client,
            reader: args.card.reader.as_deref(),
            job,
            mgmt_secret_file: args.mgmt_secret_file.as_deref(),
            mgmt_secret_stdin: args.mgmt_secret_stdin,
            source: SecretSource::from_flag(args.pin_stdin || args.mgmt_secret_stdin),
        },
    )
}

/// Trust anchors for issued certificates, and the way to the CA.
type Enrollment = (Vec<Vec<u8>>, Box<dyn Enroller>);

/// The CA certificates issued certificates must chain to, and the way to the CA: EST (the trust
/// anchors default to the server's `/cacerts`, fetched over TLS authenticated by `--est-trust` or
/// `--est-pin`, RFC 7030 §4.1.3) or a local training CA.
fn enrollment(
    ctx: &Ctx,
    args: &ActivateArgs,
    identity: &Identity,
    profile: &Profile,
    holder_reader: &str,
    source: &mut SecretSource,
) -> anyhow::Result<Enrollment> {
    let read_anchors = |path: &Path| -> anyhow::Result<Vec<Vec<u8>>> {
        let anchors = pem_decode_all(&std::fs::read_to_string(path).with_context(|| {
            tr!(
                "activate-cannot-read-ca-cert",
                path = path.display().to_string()
            )
        })?);
        if anchors.is_empty() {
            bail!(tr!(
                "activate-no-pem-certificate",
                path = path.display().to_string()
            ));
        }
        Ok(anchors)
    };
    if let Some(url) = &args.est {
        return est_enrollment(
            ctx,
            EstSetup {
                args,
                identity,
                profile,
                holder_reader,
                source,
            },
            url,
            read_anchors,
        );
    }
    match (&args.local_ca, &args.ca_cert) {
        (Some(dir), ca_cert) => {
            let anchors = read_anchors(&ca_cert.clone().unwrap_or_else(|| dir.join("ca.pem")))?;
            Ok((anchors, Box::new(LazyLocalCa::new(dir))))
        }
        (None, _) => bail!(tr!("activate-no-ca")),
    }
}

/// What the EST enrollment is built from.
struct EstSetup<'a> {
    args: &'a ActivateArgs,
    identity: &'a Identity,
    profile: &'a Profile,
    holder_reader: &'a str,
    source: &'a mut SecretSource,
}

/// The operator's own card as the TLS client key of `simpleenroll` (RFC 7030 §3.3.2): its
/// authentication key (9A) and certificate (followed by `intermediates`), the operator's PIN
/// asked once (VERIFY before each handshake signature, never retried).
#[cfg(feature = "est-client")]
fn operator_card_key(
    ctx: &Ctx,
    wanted: &str,
    holder_reader: &str,
    intermediates: Vec<Vec<u8>>,
    source: &mut SecretSource,
) -> anyhow::Result<CardClientKey> {
    let reader = choose_reader(Some(wanted))?;
    if reader == holder_reader {
        bail!(tr!(
            "activate-operator-same-reader",
            reader = reader.as_str()
        ));
    }
    let transport = Transport::open_pcsc(&reader)
        .with_context(|| tr!("activate-operator-cannot-connect", reader = reader.as_str()))?;
    if ctx.verbose {
        transport
            .tracer()
            .set_sink(Some(Box::new(std::io::stderr()) as Sink));
    }
    let mut card = PivCard::open(transport)
        .with_context(|| tr!("activate-operator-not-piv", reader = reader.as_str()))?;
    let cert = card
        .read_certificate(Slot(0x9A))
        .with_context(|| tr!("activate-operator-cannot-read-cert"))?
        .with_context(|| tr!("activate-operator-no-cert", reader = reader.as_str()))?;
    let (_, parsed) = x509_parser::parse_x509_certificate(&cert.der)
        .map_err(|_| anyhow::anyhow!(tr!("activate-operator-cert-unparsable")))?;
    let public = PublicKey::from_spki_der(parsed.public_key().raw)
        .with_context(|| tr!("activate-operator-unsupported-key"))?;
    let pin = Pin::new(&source.read(Secret::OperatorPin)?)
        .with_context(|| tr!("activate-operator-pin-invalid"))?;
    let mut chain = vec![cert.der];
    chain.extend(intermediates);
    CardClientKey::new(
        Arc::new(Mutex::new(card)),
        Slot(0x9A),
        public,
        chain,
        Some(pin),
    )
    .with_context(|| tr!("activate-operator-key-tls"))
}

#[cfg(feature = "est-client")]
fn est_enrollment(
    ctx: &Ctx,
    setup: EstSetup<'_>,
    url: &str,
    read_anchors: impl Fn(&Path) -> anyhow::Result<Vec<Vec<u8>>>,
) -> anyhow::Result<Enrollment> {
    let EstSetup {
        args,
        identity,
        profile,
        holder_reader,
        source,
    } = setup;
    let trust = match (&args.est_trust, &args.est_pin) {
        (Some(pem), _) => TrustAnchor::from_pem_file(pem)?,
        (None, Some(fp)) => TrustAnchor::from_fingerprint(fp)?,
        (None, None) => bail!(tr!("activate-est-trust-missing")),
    };
    let mut config = EstClientConfig::new(url, trust);
    if let Some(proxy) = &args.proxy {
        config.proxy = crate::enroll::est::ProxySetting::from_arg(proxy);
    }
    let mut client = EstClient::new(config)?;
    let published = || {
        client
            .cacerts(None)
            .with_context(|| tr!("activate-cannot-fetch-cacerts"))
    };
    let anchors = match &args.ca_cert {
        Some(f) => read_anchors(f)?,
        None => published()?,
    };
    match profile.enrollment.client_certificate {
        EnrollClientCertificate::None if args.operator_reader.is_some() => bail!(tr!(
            "activate-operator-reader-unused",
            profile = profile.name.as_str()
        )),
        EnrollClientCertificate::None => {}
        EnrollClientCertificate::OperatorCard => {
            let reader = args.operator_reader.as_deref().with_context(|| {
                tr!(
                    "activate-operator-reader-needed",
                    profile = profile.name.as_str()
                )
            })?;
            // The operator's card holds its own certificate only: the chain up to the CA's
            // root is completed with the intermediates the EST server publishes (§4.1.3).
            let intermediates: Vec<Vec<u8>> = published()?
                .into_iter()
                .filter(|der| {
                    x509_parser::parse_x509_certificate(der)
                        .is_ok_and(|(_, c)| c.subject().as_raw() != c.issuer().as_raw())
                })
                .collect();
            let key = operator_card_key(ctx, reader, holder_reader, intermediates, source)?;
            client = client.with_client_key(Arc::new(key))?;
        }
    }
    let json = ctx.json;
    let on_wait = Box::new(move |n: &PendingNotice| {
        if json {
            println!(
                "{}",
                json!({
                    "event": "ca-pending",
                    "attempt": n.attempt,
                    "max_attempts": n.max_attempts,
                    "wait_secs": n.wait.as_secs(),
                    "message": n.message,
                })
            );
        } else {
            let line = if n.message.is_empty() {
                tr!(
                    "activate-pending",
                    secs = n.wait.as_secs(),
                    attempt = n.attempt,
                    max = n.max_attempts
                )
            } else {
                tr!(
                    "activate-pending-message",
                    message = n.message.as_str(),
                    secs = n.wait.as_secs(),
                    attempt = n.attempt,
                    max = n.max_attempts
                )
            };
            eprintln!("{line}");
        }
    });
    let enroller = EstEnroller::new(
        client,
        identity.nif.as_str(),
        profile.enrollment.clone(),
        on_wait,
    );
    Ok((anchors, Box::new(enroller)))
}

#[cfg(not(feature = "est-client"))]
fn est_enrollment(
    _: &Ctx,
    _: EstSetup<'_>,
    _: &str,
    _: impl Fn(&Path) -> anyhow::Result<Vec<Vec<u8>>>,
) -> anyhow::Result<Enrollment> {
    bail!(tr!("activate-no-est-client"))
}

/// What the operator can do after an activation stopped.
enum Hint {
    /// The CA's certificate was refused and nothing was written.
    Refused,
    /// Nothing to say (the card or the journal needs a person).
    None,
    /// Running the same command again resumes.
    Resume,
}

fn resume_hint(e: &ActivationError) -> Hint {
    match e {
        ActivationError::Certificate { .. } => Hint::Refused,
        ActivationError::JournalMismatch { .. }
        | ActivationError::CardChanged(_)
        | ActivationError::FaultyKeyGenerator { .. } => Hint::None,
        _ => Hint::Resume,
    }
}

/// Opens the local CA at the first enrollment, so a missing CA looks like an unreachable one.
struct LazyLocalCa {
    dir: PathBuf,
    ca: Option<LocalIssuer>,
}

impl LazyLocalCa {
    fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_owned(),
            ca: None,
        }
    }
}

impl Enroller for LazyLocalCa {
    fn enroll(&mut self, purpose: Purpose, csr_der: &[u8]) -> Result<Vec<Vec<u8>>, EnrollError> {
        if self.ca.is_none() {
            self.ca = Some(
                LocalIssuer::open(&self.dir)
                    .map_err(|e| EnrollError::Unreachable(e.to_string()))?,
            );
        }
        match &mut self.ca {
            Some(ca) => ca.enroll(purpose, csr_der),
            None => Err(EnrollError::Unreachable(tr!(
                "activate-local-ca-not-opened"
            ))),
        }
    }
}

struct CliUi {
    json: bool,
    source: SecretSource,
    bar: Option<ProgressBar>,
    fancy: bool,
}

impl CliUi {
    fn new(json: bool, source: SecretSource) -> Self {
        Self {
            json,
            source,
            bar: None,
            fancy: !json && std::io::stderr().is_terminal(),
        }
    }

    fn clear(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }

    fn read(&mut self, what: Secret, new: bool) -> Result<Zeroizing<String>, ActivationError> {
        let source = &mut self.source;
        let mut f = || {
            if new {
                source.read_new(what)
            } else {
                source.read(what)
            }
        };
        let r = match &self.bar {
            Some(b) => b.suspend(f),
            None => f(),
        };
        r.map_err(|e| ActivationError::Input(format!("{e:#}")))
    }
}

impl ActivationUi for CliUi {
    fn new_pin(&mut self, rule: &SecretRule) -> Result<Zeroizing<String>, ActivationError> {
        if !self.json && self.fancy {
            let text = rule.holder_chooses_pin();
            self.bar_println(&text);
        }
        self.read(Secret::NewPin, true)
    }

    fn current_pin(&mut self) -> Result<Zeroizing<String>, ActivationError> {
        self.read(Secret::HolderPin, false)
    }

    fn new_puk(&mut self, _rule: &SecretRule) -> Result<Zeroizing<String>, ActivationError> {
        self.read(Secret::NewPuk, true)
    }

    fn show_puk(&mut self, puk: &Puk) {
        let text = String::from_utf8_lossy(&puk.padded()[..Puk::LEN]).into_owned();
        let text = Zeroizing::new(text);
        if self.json {
            // JSON Lines: this event comes before the final result, so a portal has it even if
            // a later step fails.
            println!("{}", json!({ "event": "puk", "puk": text.as_str() }));
        } else {
            // The PUK goes into the line as data, never into a message's arguments.
            let line = Zeroizing::new(format!(
                "PUK: {}   ({})",
                text.as_str(),
                tr!("activate-puk-shown-once")
            ));
            match &self.bar {
                Some(b) => b.suspend(|| println!("{}", line.as_str())),
                None => println!("{}", line.as_str()),
            }
        }
    }

    fn enrollment_code(&mut self) -> Result<EnrollmentCode, ActivationError> {
        Ok(EnrollmentCode::new(
            &self.read(Secret::EnrollmentCode, false)?,
        ))
    }

    fn step_started(&mut self, step: Step) {
        if !self.fancy {
            return;
        }
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(step.label());
        bar.enable_steady_tick(Duration::from_millis(120));
        self.bar = Some(bar);
    }

    fn step_finished(&mut self, result: &StepResult) {
        if self.json {
            return;
        }
        let mark = match result.outcome.status() {
            "done" => crate::tr!("step-done"),
            _ => crate::tr!("step-already-done"),
        };
        let line = format!(
            "[{mark}] {}: {}",
            result.step.label(),
            result.outcome.detail()
        );
        match self.bar.take() {
            Some(b) => b.finish_with_message(line),
            None => println!("{line}"),
        }
    }
}

impl CliUi {
    fn bar_println(&self, line: &str) {
        match &self.bar {
            Some(b) => b.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }
}

fn print_report(json: bool, r: &ActivationReport) {
    let certs: Vec<_> = r
        .journal
        .keys
        .iter()
        .map(|k| {
            json!({
                "slot": k.slot,
                "purpose": k.purpose,
                "algorithm": k.algorithm,
                "serial": k.certificate_info.as_ref().map(|c| c.serial.clone()),
                "subject": k.certificate_info.as_ref().map(|c| c.subject.clone()),
                "not_after": k.certificate_info.as_ref().map(|c| c.not_after),
            })
        })
        .collect();
    if json {
        let steps: Vec<_> = r
            .steps
            .iter()
            .map(|s| {
                json!({
                    "step": s.step.name(),
                    "slot": s.step.slot().map(|x| format!("{:02X}", x.0)),
                    "status": s.outcome.status(),
                    "detail": s.outcome.detail(),
                })
            })
            .collect();
        println!(
            "{}",
            json!({
                "activation": "complete",
                "serial": r.serial,
                "profile": r.profile,
                "journal": r.journal_path,
                "steps": steps,
                "certificates": certs,
            })
        );
        return;
    }
    println!(
        "{}",
        crate::tr!(
            "activate-complete",
            serial = r.serial.as_str(),
            profile = r.profile.as_str()
        )
    );
    for k in &r.journal.keys {
        if let Some(c) = &k.certificate_info {
            let line = crate::tr!(
                "activate-complete-certificate",
                serial = c.serial.as_str(),
                subject = c.subject.as_str()
            );
            let purpose = super::purpose_label(&k.purpose);
            println!("  {} {purpose} ({}): {line}", k.slot, k.algorithm);
        }
    }
    println!(
        "{}",
        crate::tr!("journal-path", path = r.journal_path.display().to_string())
    );
}

fn show_journal(ctx: &Ctx, store: &JournalStore, card: &mut PivCard) -> anyhow::Result<()> {
    let serial = card
        .serial()
        .with_context(|| tr!("activate-journal-no-serial"))?
        .to_string();
    let path = store.path(&serial);
    let Some(j) = store.load(&serial)? else {
        bail!(tr!(
            "activate-journal-none",
            serial = serial.as_str(),
            path = path.display().to_string()
        ));
    };
    if ctx.json {
        println!("{}", serde_json::to_string(&j).unwrap_or_default());
        return Ok(());
    }
    let labels = [
        tr!("activate-journal-label-file"),
        tr!("activate-journal-label-card"),
        tr!("activate-journal-label-holder"),
        tr!("activate-journal-label-state"),
    ];
    let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) + 2;
    let [file, card_label, holder, state] = labels;
    println!("{file:<width$}{}", path.display());
    println!(
        "{card_label:<width$}{}",
        tr!(
            "activate-journal-card",
            serial = j.card_serial.as_str(),
            profile = j.profile.as_str()
        )
    );
    println!(
        "{holder:<width$}{} {} ({})",
        j.identity.given_name, j.identity.surnames, j.identity.nif
    );
    println!(
        "{state:<width$}{}",
        if j.completed_at.is_some() {
            tr!("activate-journal-complete")
        } else {
            tr!("activate-journal-in-progress")
        }
    );
    for e in &j.events {
        println!("  {}  {:<22} {}", date_time(e.at), e.step, e.outcome);
    }
    Ok(())
}

fn date_time(ts: i64) -> String {
    x509_parser::time::ASN1Time::from_timestamp(ts)
        .map(|t| t.to_datetime().to_string())
        .unwrap_or_else(|_| ts.to_string())
}
