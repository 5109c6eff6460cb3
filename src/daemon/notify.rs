//! Desktop notifications (freedesktop Notifications over the session bus), sent with `gdbus`
//! when a session bus is present. `gdbus` ships with GLib on every desktop that has a
//! notification server; a D-Bus crate (zbus) would add ~40 crates to the daemon for one call a
//! month. Without a session bus (system daemon, headless) the event alone is the notice.

use std::process::{Command, Stdio};

/// Tells the desktop user a certificate expires soon.
pub fn expiry(serial: &str, slot: &str, days_left: i64) {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        return;
    }
    let body = if days_left < 0 {
        format!("The certificate in slot {slot} of card {serial} has expired. Take the card to a registration point.")
    } else {
        format!(
            "The certificate in slot {slot} of card {serial} expires in {days_left} days. Renew it from home: insert the card and run `sello renew` (your PIN is all it needs)."
        )
    };
    let spawned = Command::new("gdbus")
        .args([
            "call",
            "--session",
            "--dest",
            "org.freedesktop.Notifications",
            "--object-path",
            "/org/freedesktop/Notifications",
            "--method",
            "org.freedesktop.Notifications.Notify",
            "Sello",
            "0",
            "security-high",
            "Certificate expiring",
            &body,
            "[]",
            "{}",
            "-1",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match spawned {
        // Reap it in the background; a missing notification server just fails quietly.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => eprintln!("sellod: no desktop notification (gdbus: {e})"),
    }
}
