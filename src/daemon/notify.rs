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
    // In the desktop user's language: the notification goes to the session bus of the user
    // sellod runs as (`systemctl --user`, whose environment carries the session's LANG), so it
    // is the daemon's own language, never that of the client whose request read the card.
    let (title, body) = super::in_daemon_language(|| {
        if days_left < 0 {
            (
                crate::tr!("notify-expired-title"),
                crate::tr!("notify-expired-body", slot = slot, serial = serial),
            )
        } else {
            (
                crate::tr!("notify-expiring-title"),
                crate::tr!(
                    "notify-expiring-body",
                    slot = slot,
                    serial = serial,
                    days = days_left
                ),
            )
        }
    });
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
            &title,
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
        Err(e) => super::log(|| crate::tr!("daemon-log-no-notification", error = e.to_string())),
    }
}
