//! The systemd units in `udev/systemd` are accepted by systemd itself (`systemd-analyze verify`
//! prints nothing for them), and they keep sellod's secrets out of core files and the daemon in
//! a sandbox.

use std::path::Path;
use std::process::Command;

const SELLOD: &str = env!("CARGO_BIN_EXE_sellod");

/// Copies the units of `mode` ("system" or "user") beside each other with ExecStart pointing at
/// the built sellod (verify checks that the binary exists), and verifies them.
fn verify(mode: &str) -> String {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("udev/systemd")
        .join(mode);
    let dir = tempfile::tempdir().expect("tmp");
    let runtime = tempfile::tempdir().expect("runtime dir");
    let mut units = Vec::new();
    for name in ["sellod.socket", "sellod.service"] {
        let text = std::fs::read_to_string(src.join(name)).expect("unit");
        let text = text.replace("ExecStart=/usr/bin/sellod", &format!("ExecStart={SELLOD}"));
        std::fs::write(dir.path().join(name), &text).expect("write");
        units.push(dir.path().join(name));
    }
    let mut cmd = Command::new("systemd-analyze");
    if mode == "user" {
        cmd.arg("--user").env("XDG_RUNTIME_DIR", runtime.path());
    }
    let out = cmd
        .arg("verify")
        .args(&units)
        .output()
        .expect("systemd-analyze (package systemd, scripts/install-deps)");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{mode}: {said}");
    assert!(
        said.trim().is_empty(),
        "{mode} units draw warnings:\n{said}"
    );
    std::fs::read_to_string(src.join("sellod.service")).expect("unit")
}

fn has(unit: &str, line: &str) -> bool {
    unit.lines().any(|l| l.trim() == line)
}

#[test]
fn system_unit_verifies_and_is_sandboxed_without_core_dumps() {
    let unit = verify("system");
    for line in [
        "LimitCORE=0",
        "UMask=0077",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "PrivateDevices=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "ProtectKernelTunables=yes",
        "ProtectKernelModules=yes",
        "ProtectControlGroups=yes",
        "RestrictSUIDSGID=yes",
        "MemoryDenyWriteExecute=yes",
    ] {
        assert!(has(&unit, line), "system unit lacks {line}");
    }
}

#[test]
fn user_unit_verifies_and_forbids_core_dumps() {
    let unit = verify("user");
    for line in [
        "LimitCORE=0",
        "UMask=0077",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
    ] {
        assert!(has(&unit, line), "user unit lacks {line}");
    }
}
