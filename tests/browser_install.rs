//! `sello browser install|status|uninstall` in a temporary home with two Firefox profiles and a
//! Chromium database. Every registration is judged by NSS's own `modutil -list` (and p11-kit's
//! `p11-kit list-modules`), tools we did not write; the last test loads the registered module
//! through NSS against the virtual card.

mod rig;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rig::{text, Bench, OPENSC_PKCS11};
use serde_json::Value;

const SELLO: &str = env!("CARGO_BIN_EXE_sello");

/// A fake user: a home with Firefox's profiles.ini naming two profiles (each an NSS database,
/// as Firefox creates them) and, optionally, an existing Chromium database.
struct Home {
    dir: tempfile::TempDir,
    /// A copy of OpenSC's module standing in for libsello.so (a copy, so p11-kit does not merge
    /// it with the system's OpenSC module).
    module: PathBuf,
}

fn certutil_create(dir: &Path) {
    fs::create_dir_all(dir).expect("mkdir");
    let out = Command::new("certutil")
        .args(["-N", "--empty-password", "-d"])
        .arg(format!("sql:{}", dir.display()))
        .output()
        .expect("certutil runs");
    assert!(out.status.success(), "{}", text(&out));
}

impl Home {
    fn new(with_chromium: bool) -> Self {
        let dir = tempfile::tempdir().expect("temp home");
        let ff = dir.path().join(".mozilla/firefox");
        certutil_create(&ff.join("abcd1234.default-release"));
        certutil_create(&dir.path().join("elsewhere/work-profile"));
        // The nearly empty "default" profile Firefox makes beside "default-release".
        fs::create_dir_all(ff.join("efgh5678.default")).expect("mkdir");
        fs::write(ff.join("efgh5678.default/times.json"), "{}").expect("times.json");
        fs::write(
            ff.join("profiles.ini"),
            format!(
                "[Install4F96D1932A9F858E]\nDefault=abcd1234.default-release\nLocked=1\n\n\
                 [Profile1]\nName=work\nIsRelative=0\nPath={}\n\n\
                 [Profile0]\nName=default-release\nIsRelative=1\nPath=abcd1234.default-release\nDefault=1\n\n\
                 [Profile2]\nName=default\nIsRelative=1\nPath=efgh5678.default\n\n\
                 [General]\nStartWithLastProfile=1\nVersion=2\n",
                dir.path().join("elsewhere/work-profile").display()
            ),
        )
        .expect("profiles.ini");
        if with_chromium {
            certutil_create(&dir.path().join(".pki/nssdb"));
        }
        let module = dir.path().join("lib/libsello.so");
        fs::create_dir_all(module.parent().expect("parent")).expect("mkdir lib");
        fs::copy(OPENSC_PKCS11, &module).expect("copy module");
        Self { dir, module }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn dbs(&self) -> Vec<PathBuf> {
        vec![
            self.path(".pki/nssdb"),
            self.path(".mozilla/firefox/abcd1234.default-release"),
            self.path("elsewhere/work-profile"),
        ]
    }

    fn sello_cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(SELLO);
        // English messages (the tests read them), whatever the machine's locale.
        c.args(args).env("HOME", self.dir.path()).env("LC_ALL", "C");
        c
    }

    fn sello(&self, args: &[&str]) -> Output {
        self.sello_cmd(args).output().expect("sello runs")
    }

    fn sello_json(&self, args: &[&str]) -> (bool, Value) {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.sello(&all);
        let v = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}):\n{}", text(&out)));
        (out.status.success(), v)
    }

    fn module_str(&self) -> &str {
        self.module.to_str().expect("utf-8 path")
    }
}

/// `modutil -list` of one database: (module name, library) pairs.
fn modutil_list(db: &Path) -> Vec<(String, String)> {
    let out = Command::new("modutil")
        .args(["-list", "-dbdir"])
        .arg(format!("sql:{}", db.display()))
        .output()
        .expect("modutil runs");
    let t = text(&out);
    assert!(out.status.success(), "modutil -list {}: {t}", db.display());
    let mut mods = Vec::new();
    for line in t.lines() {
        let l = line.trim();
        if let Some((num, name)) = l.split_once(". ") {
            if num.chars().all(|c| c.is_ascii_digit()) && !num.is_empty() {
                mods.push((name.to_owned(), String::new()));
            }
        } else if let Some(lib) = l.strip_prefix("library name: ") {
            if let Some(last) = mods.last_mut() {
                last.1 = lib.to_owned();
            }
        }
    }
    mods
}

fn sello_entries(db: &Path) -> Vec<String> {
    modutil_list(db)
        .into_iter()
        .filter(|(n, _)| n == "Sello")
        .map(|(_, l)| l)
        .collect()
}

/// `p11-kit list-modules` as an unprivileged user (p11-kit ignores user configuration for root).
fn p11kit_modules(home: &Home) -> String {
    // The unprivileged user must be able to reach the home and the module.
    for p in [home.dir.path().to_path_buf(), home.path("lib")] {
        fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let out = Command::new("setpriv")
        .args([
            "--reuid",
            "65534",
            "--regid",
            "65534",
            "--clear-groups",
            "p11-kit",
            "list-modules",
        ])
        .env("HOME", home.dir.path())
        .output()
        .expect("p11-kit runs");
    text(&out)
}

#[test]
fn install_status_twice_stale_and_uninstall() {
    let home = Home::new(true);
    // Another module already in Chromium's database must survive everything we do.
    let out = Command::new("modutil")
        .args([
            "-add",
            "OpenSC",
            "-libfile",
            OPENSC_PKCS11,
            "-force",
            "-dbdir",
        ])
        .arg(format!("sql:{}", home.path(".pki/nssdb").display()))
        .output()
        .expect("modutil add");
    assert!(out.status.success(), "{}", text(&out));

    let (ok, v) = home.sello_json(&["browser", "status"]);
    assert!(ok, "{v}");
    let dbs = v["databases"].as_array().expect("databases");
    assert_eq!(dbs.len(), 4, "{v}");
    assert!(dbs.iter().all(|d| d["registered"] == false), "{v}");
    assert_eq!(dbs[0]["browser"], "chromium");
    assert_eq!(dbs[1]["profile"], "work");
    assert_eq!(dbs[2]["profile"], "default-release");
    assert_eq!(dbs[3]["profile"], "default");
    assert_eq!(dbs[3]["exists"], false, "{v}");

    // Install: every database names our module, checked by modutil.
    let (ok, v) = home.sello_json(&["browser", "install", "--module", home.module_str()]);
    assert!(ok, "{v}");
    assert_eq!(v["module"], home.module_str());
    assert!(
        v["databases"]
            .as_array()
            .expect("dbs")
            .iter()
            .all(|d| d["result"] == "added" || d["profile"] == "default"),
        "{v}"
    );
    // The never-started profile is left for Firefox to create; that is not a failure.
    assert_eq!(v["databases"][3]["result"], "skipped", "{v}");
    assert!(!home
        .path(".mozilla/firefox/efgh5678.default/pkcs11.txt")
        .exists());
    for db in home.dbs() {
        assert_eq!(
            sello_entries(&db),
            vec![home.module_str().to_owned()],
            "{db:?}"
        );
    }
    assert!(modutil_list(&home.path(".pki/nssdb"))
        .iter()
        .any(|(n, l)| n == "OpenSC" && l == OPENSC_PKCS11));
    // p11-kit sees the user module file.
    assert_eq!(v["p11kit"]["result"], "added", "{v}");
    let file = home.path(".config/pkcs11/modules/sello.module");
    assert!(fs::read_to_string(&file)
        .expect("module file")
        .contains(&format!("module: {}", home.module_str())));
    let p11 = p11kit_modules(&home);
    assert!(
        p11.contains(&format!("sello: {}", home.module_str())),
        "{p11}"
    );

    // Status, human and JSON.
    let (ok, v) = home.sello_json(&["browser", "status"]);
    assert!(ok, "{v}");
    for d in v["databases"].as_array().expect("dbs").iter().take(3) {
        assert_eq!(d["registered"], true, "{v}");
        assert_eq!(d["library"], home.module_str(), "{v}");
        assert_eq!(d["library_exists"], true, "{v}");
    }
    assert_eq!(v["p11kit"]["registered"], true, "{v}");
    let h = text(&home.sello(&["browser", "status"]));
    assert!(h.contains("Firefox profile \"work\": registered:"), "{h}");
    assert!(h.contains("Chromium/Chrome: registered:"), "{h}");

    // Installing twice leaves one entry each.
    let (ok, v) = home.sello_json(&["browser", "install", "--module", home.module_str()]);
    assert!(ok, "{v}");
    assert!(
        v["databases"]
            .as_array()
            .expect("dbs")
            .iter()
            .all(|d| d["result"] == "unchanged" || d["profile"] == "default"),
        "{v}"
    );
    for db in home.dbs() {
        assert_eq!(sello_entries(&db).len(), 1, "{db:?}");
    }

    // A stale entry (the module moved) is updated in place.
    let moved = home.path("lib/libsello-new.so");
    fs::copy(&home.module, &moved).expect("copy");
    let moved_s = moved.to_str().expect("utf-8");
    let (ok, v) = home.sello_json(&["browser", "install", "--module", moved_s]);
    assert!(ok, "{v}");
    assert_eq!(v["databases"][0]["result"], "updated", "{v}");
    assert_eq!(v["databases"][0]["previous"], home.module_str(), "{v}");
    for db in home.dbs() {
        assert_eq!(sello_entries(&db), vec![moved_s.to_owned()], "{db:?}");
    }
    // ... and status notices when the registered file disappears.
    fs::remove_file(&moved).expect("rm");
    let (_, v) = home.sello_json(&["browser", "status"]);
    assert_eq!(v["databases"][1]["library_exists"], false, "{v}");

    // Uninstall removes every registration and only ours.
    let (ok, v) = home.sello_json(&["browser", "uninstall"]);
    assert!(ok, "{v}");
    for db in home.dbs() {
        assert!(sello_entries(&db).is_empty(), "{db:?}");
    }
    assert!(modutil_list(&home.path(".pki/nssdb"))
        .iter()
        .any(|(n, _)| n == "OpenSC"));
    assert!(!file.exists());
    let (ok, v) = home.sello_json(&["browser", "uninstall"]);
    assert!(ok, "{v}");
    assert!(
        v["databases"]
            .as_array()
            .expect("dbs")
            .iter()
            .all(|d| d["result"] == "not-registered"),
        "{v}"
    );
}

#[test]
fn missing_chromium_database_is_created() {
    let home = Home::new(false);
    let (ok, v) = home.sello_json(&["browser", "install", "--module", home.module_str()]);
    assert!(ok, "{v}");
    assert_eq!(v["databases"][0]["browser"], "chromium");
    assert_eq!(v["databases"][0]["created"], true, "{v}");
    let db = home.path(".pki/nssdb");
    assert!(db.join("cert9.db").exists() && db.join("key4.db").exists());
    let mods = modutil_list(&db);
    assert_eq!(mods[0].0, "NSS Internal PKCS #11 Module", "{mods:?}");
    assert_eq!(sello_entries(&db), vec![home.module_str().to_owned()]);
    let mode = fs::metadata(&db).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
}

#[test]
fn missing_chromium_database_without_certutil_is_completed_by_nss() {
    // Without certutil on PATH we write pkcs11.txt alone; NSS builds the database around it
    // when a browser first opens it read-write (here: `modutil -create`, as Chromium's
    // NSS_InitReadWrite would), keeping our entry.
    let home = Home::new(false);
    let out = home
        .sello_cmd(&["browser", "install", "--module", home.module_str()])
        .env("PATH", "/nonexistent")
        .output()
        .expect("sello");
    assert!(out.status.success(), "{}", text(&out));
    let db = home.path(".pki/nssdb");
    assert!(!db.join("cert9.db").exists());
    let out = Command::new("modutil")
        .args(["-create", "-force", "-dbdir"])
        .arg(format!("sql:{}", db.display()))
        .output()
        .expect("modutil");
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(sello_entries(&db), vec![home.module_str().to_owned()]);
}

#[test]
fn running_firefox_is_left_alone() {
    let home = Home::new(true);
    let profile = home.path(".mozilla/firefox/abcd1234.default-release");
    // A live process named in the profile's lock link, as a running Firefox leaves it.
    let mut firefox = Command::new("sleep").arg("60").spawn().expect("sleep");
    std::os::unix::fs::symlink(format!("127.0.1.1:+{}", firefox.id()), profile.join("lock"))
        .expect("lock link");
    fs::write(profile.join(".parentlock"), b"").expect("parentlock");

    let (ok, v) = home.sello_json(&["browser", "install", "--module", home.module_str()]);
    assert!(!ok, "{v}");
    assert_eq!(v["ok"], false);
    let d = v["databases"]
        .as_array()
        .expect("dbs")
        .iter()
        .find(|d| d["profile"] == "default-release")
        .expect("profile")
        .clone();
    assert_eq!(d["result"], "failed", "{v}");
    assert!(
        d["error"]
            .as_str()
            .unwrap_or("")
            .contains("close Firefox first"),
        "{v}"
    );
    // The others were done; the locked profile was not touched.
    assert!(sello_entries(&profile).is_empty());
    assert_eq!(sello_entries(&home.path(".pki/nssdb")).len(), 1);
    let h = text(&home.sello(&["browser", "install", "--module", home.module_str()]));
    assert!(h.contains("close Firefox first"), "{h}");
    let (_, v) = home.sello_json(&["browser", "status"]);
    assert_eq!(v["databases"][2]["locked"], true, "{v}");

    // Firefox exits (its lock link stays behind, stale): now it works.
    let _ = firefox.kill();
    let _ = firefox.wait();
    let (ok, v) = home.sello_json(&["browser", "install", "--module", home.module_str()]);
    assert!(ok, "{v}");
    assert_eq!(sello_entries(&profile).len(), 1);
}

#[test]
fn snap_and_flatpak_firefox_profiles_are_found() {
    let home = Home::new(true);
    for (base, dir) in [
        ("snap/firefox/common/.mozilla/firefox", "s1.default"),
        (
            ".var/app/org.mozilla.firefox/.mozilla/firefox",
            "f1.default",
        ),
    ] {
        certutil_create(&home.path(base).join(dir));
        fs::write(
            home.path(base).join("profiles.ini"),
            format!("[Profile0]\nName=default\nIsRelative=1\nPath={dir}\n"),
        )
        .expect("profiles.ini");
    }
    let (ok, v) = home.sello_json(&["browser", "install", "--module", home.module_str()]);
    assert!(ok, "{v}");
    let dbs = v["databases"].as_array().expect("dbs");
    let snap = dbs
        .iter()
        .find(|d| d["package"] == "snap")
        .unwrap_or_else(|| panic!("no snap profile in {v}"));
    assert_eq!(snap["result"], "added", "{v}");
    assert!(dbs.iter().any(|d| d["package"] == "flatpak"), "{v}");
    for dir in [
        "snap/firefox/common/.mozilla/firefox/s1.default",
        ".var/app/org.mozilla.firefox/.mozilla/firefox/f1.default",
    ] {
        assert_eq!(sello_entries(&home.path(dir)).len(), 1, "{dir}");
    }
    let h = text(&home.sello(&["browser", "status"]));
    assert!(
        h.contains("Firefox (snap) profile \"default\": registered"),
        "{h}"
    );
}

#[test]
fn bad_module_paths_are_refused() {
    let home = Home::new(true);
    let (ok, v) = home.sello_json(&["browser", "install", "--module", "/nonexistent/libsello.so"]);
    assert!(!ok);
    assert!(
        v["error"].as_str().unwrap_or("").contains("no such file"),
        "{v}"
    );
    let (ok, v) = home.sello_json(&["browser", "install", "--module", "/etc/hostname"]);
    assert!(!ok);
    assert!(
        v["error"]
            .as_str()
            .unwrap_or("")
            .contains("not a shared library"),
        "{v}"
    );
    for db in home.dbs() {
        assert!(sello_entries(&db).is_empty());
    }
    // Without --module: the first installed libsello.so (next to the executable, then the
    // system places), or a clear message when there is none.
    let candidates = sello::browser::module_candidates(Some(Path::new(SELLO)));
    let (ok, v) = home.sello_json(&["browser", "install"]);
    match candidates.iter().find(|c| c.is_file()) {
        Some(found) => {
            assert!(ok, "{v}");
            let found = fs::canonicalize(found).expect("canonical");
            assert_eq!(v["module"], found.to_str().expect("utf-8"), "{v}");
        }
        None => {
            assert!(!ok);
            let e = v["error"].as_str().unwrap_or("");
            assert!(e.contains("not installed"), "{v}");
            assert!(e.contains("libsello.so"), "{v}");
        }
    }
}

#[test]
fn registered_module_really_loads_in_nss_and_lists_the_card_certificate() {
    let b = Bench::start();
    b.make_ca();
    b.yk(&[
        "-a", "generate", "-s", "9a", "-A", "ECCP256", "-o", "9a.pem",
    ]);
    b.issue("9a.pem", "Browser Test Holder", "holder.pem");
    b.yk(&["-a", "import-certificate", "-s", "9a", "-i", "holder.pem"]);

    let home = Home::new(false);
    let (ok, v) = home.sello_json(&["browser", "install", "--module", home.module_str()]);
    assert!(ok, "{v}");
    // NSS loads the module our entry names and reads the card through the rig's pcscd.
    for db in [
        home.path(".pki/nssdb"),
        home.path(".mozilla/firefox/abcd1234.default-release"),
    ] {
        let out = b
            .rig
            .command("certutil")
            .args(["-h", "all", "-L", "-d"])
            .arg(format!("sql:{}", db.display()))
            .output()
            .expect("certutil");
        let t = text(&out);
        assert!(out.status.success(), "{t}");
        assert!(
            t.contains("Certificate for PIV Authentication"),
            "{db:?}: {t}"
        );
    }
}
