//! Registering Sello's PKCS#11 module with the user's browsers.
//!
//! - Chromium and Chrome on Linux read the NSS database `~/.pki/nssdb`; Firefox has one NSS
//!   database per profile (profiles listed in `profiles.ini`, also under the snap and flatpak
//!   homes). Both are `sql:` databases whose module list is the text file `pkcs11.txt`
//!   ([`pkcs11txt`]).
//! - Where p11-kit is installed, a user module file `~/.config/pkcs11/modules/sello.module` makes
//!   the module visible to p11-kit-aware applications (p11-kit `pkcs11.conf(5)`, "MODULE
//!   CONFIGURATION").
//!
//! We edit `pkcs11.txt` ourselves instead of running `modutil`: `modutil` (Debian's
//! `libnss3-tools`) is missing on most citizens' computers, the text format is NSS's own and
//! stable, and a pure edit is idempotent by construction. The tests check every edit with
//! `modutil -list`, so a tool we did not write is the judge. A missing Chromium database is
//! created with `certutil -N --empty-password` when `certutil` is installed (exactly what Chromium
//! does on first start); otherwise we write `pkcs11.txt` alone and NSS creates `cert9.db` and
//! `key4.db` around it when Chromium first opens the directory read-write.
//!
//! Pure logic (parsing `profiles.ini`, editing `pkcs11.txt`, checking a library file) is separate
//! from the small IO layer ([`Env`]) so it is unit-tested without a home directory.

pub mod pkcs11txt;

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use pkcs11txt::Change;

/// The module name Sello registers under in every NSS database.
pub const MODULE_NAME: &str = "Sello";

/// File name of the PKCS#11 module.
pub const LIBRARY_NAME: &str = "libsello.so";

/// Errors of browser registration. Messages are meant for people, in their language
/// (`crate::i18n`); paths, the OS error and `certutil`'s own output stay as they are.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BrowserError {
    /// No module given and none found at the usual places.
    #[error("{}", crate::tr!("err-browser-module-not-found", library = LIBRARY_NAME, places = .0.as_str()))]
    ModuleNotFound(String),
    /// The given module path does not exist.
    #[error("{}", crate::tr!("err-browser-module-missing", path = .0.display().to_string()))]
    ModuleMissing(PathBuf),
    /// The given file is not an ELF shared object.
    #[error("{}", crate::tr!("err-browser-not-shared-object", path = .0.display().to_string()))]
    NotSharedObject(PathBuf),
    /// Firefox is running with this profile and would overwrite our change.
    #[error("{}", crate::tr!("err-browser-firefox-running", path = .0.display().to_string()))]
    FirefoxRunning(PathBuf),
    /// A file could not be read or written.
    #[error("{}", what.text(path, source))]
    Io {
        /// What we were doing.
        what: FileAction,
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// `certutil` failed to create a database.
    #[error("{}", crate::tr!("err-browser-create-db", path = .0.display().to_string(), output = .1.as_str()))]
    CreateDb(PathBuf, String),
}

/// What [`BrowserError::Io`] was doing with its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileAction {
    /// Reading it.
    Read,
    /// Resolving its path.
    Resolve,
    /// Writing it.
    Write,
    /// Creating it (a directory).
    Create,
    /// Running it (`certutil`).
    Run,
    /// Removing it.
    Remove,
}

impl FileAction {
    /// "cannot read PATH: ERROR", in the user's language.
    fn text(self, path: &Path, source: &io::Error) -> String {
        let path = path.display().to_string();
        let error = source.to_string();
        match self {
            Self::Read => crate::tr!("err-browser-cannot-read", path = path, error = error),
            Self::Resolve => crate::tr!("err-browser-cannot-resolve", path = path, error = error),
            Self::Write => crate::tr!("err-browser-cannot-write", path = path, error = error),
            Self::Create => crate::tr!("err-browser-cannot-create", path = path, error = error),
            Self::Run => crate::tr!("err-browser-cannot-run", path = path, error = error),
            Self::Remove => crate::tr!("err-browser-cannot-remove", path = path, error = error),
        }
    }
}

fn io_err(what: FileAction, path: &Path) -> impl FnOnce(io::Error) -> BrowserError {
    let path = path.to_path_buf();
    move |source| BrowserError::Io { what, path, source }
}

/// Which browser a database belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Browser {
    /// Chromium or Google Chrome (`~/.pki/nssdb`, shared by both).
    Chromium,
    /// A Firefox profile, by its name in `profiles.ini`.
    Firefox {
        /// The profile's `Name=`.
        profile: String,
        /// How Firefox is packaged: `None` for the distribution's package, `Some("snap")`,
        /// `Some("flatpak")`.
        package: Option<&'static str>,
    },
}

impl Browser {
    /// "chromium" or "firefox".
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Chromium => "chromium",
            Self::Firefox { .. } => "firefox",
        }
    }

    /// A label for people, in their language: "Chromium/Chrome" or "Firefox profile
    /// \"default\"" ("Firefox (perfil «default»)").
    pub fn label(&self) -> String {
        match self {
            Self::Chromium => "Chromium/Chrome".to_owned(),
            Self::Firefox {
                profile,
                package: None,
            } => crate::tr!("cmd-browser-firefox-profile", profile = profile.as_str()),
            Self::Firefox {
                profile,
                package: Some(p),
            } => crate::tr!(
                "cmd-browser-firefox-package-profile",
                profile = profile.as_str(),
                package = *p
            ),
        }
    }
}

/// One NSS database of one browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NssDb {
    /// Whose it is.
    pub browser: Browser,
    /// The database directory (holding `pkcs11.txt`, `cert9.db`, `key4.db`).
    pub dir: PathBuf,
    /// Whether the NSS database exists (`pkcs11.txt` or `cert9.db` in the directory). Chromium's
    /// may not yet (install creates it); a Firefox profile never started has none (install
    /// leaves it alone: Firefox creates the database, and migrates an old one, on first start).
    pub exists: bool,
}

impl NssDb {
    fn pkcs11_txt(&self) -> PathBuf {
        self.dir.join("pkcs11.txt")
    }
}

/// A Firefox profile section of `profiles.ini`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IniProfile {
    /// `Name=`.
    pub name: String,
    /// `Path=`.
    pub path: String,
    /// `IsRelative=1` (relative to the directory of `profiles.ini`).
    pub relative: bool,
}

/// Parses the `[ProfileN]` sections of Firefox's `profiles.ini` (an INI file; `[Install…]` and
/// `[General]` sections are ignored, as are profiles without `Path=`).
pub fn parse_profiles_ini(text: &str) -> Vec<IniProfile> {
    let mut out = Vec::new();
    let mut in_profile = false;
    let (mut name, mut path, mut relative) = (None::<String>, None::<String>, true);
    let mut flush = |name: &mut Option<String>, path: &mut Option<String>, relative: bool| {
        if let Some(p) = path.take() {
            out.push(IniProfile {
                name: name.take().unwrap_or_else(|| p.clone()),
                path: p,
                relative,
            });
        }
        *name = None;
    };
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            if in_profile {
                flush(&mut name, &mut path, relative);
            }
            in_profile = line
                .strip_prefix("[Profile")
                .is_some_and(|r| r.ends_with(']'));
            relative = true;
            continue;
        }
        if !in_profile {
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            match k.trim() {
                "Name" => name = Some(v.trim().to_owned()),
                "Path" => path = Some(v.trim().to_owned()),
                "IsRelative" => relative = v.trim() != "0",
                _ => {}
            }
        }
    }
    if in_profile {
        flush(&mut name, &mut path, relative);
    }
    out
}

/// The Firefox homes (directories that may hold `profiles.ini`) under `home`, each with its
/// packaging: the distribution's, the snap's and the flatpak's.
pub fn firefox_homes(home: &Path) -> Vec<(PathBuf, Option<&'static str>)> {
    vec![
        (home.join(".mozilla/firefox"), None),
        (
            home.join("snap/firefox/common/.mozilla/firefox"),
            Some("snap"),
        ),
        (
            home.join(".var/app/org.mozilla.firefox/.mozilla/firefox"),
            Some("flatpak"),
        ),
    ]
}

/// Every NSS database of the user whose home is `home`: Chromium's (even if missing: install
/// creates it), then each Firefox profile's that exists on disk.
pub fn discover(home: &Path) -> Vec<NssDb> {
    let chromium = home.join(".pki/nssdb");
    let mut dbs = vec![NssDb {
        browser: Browser::Chromium,
        exists: has_db(&chromium),
        dir: chromium,
    }];
    for (ff, package) in firefox_homes(home) {
        let Ok(text) = fs::read_to_string(ff.join("profiles.ini")) else {
            continue;
        };
        for p in parse_profiles_ini(&text) {
            let dir = if p.relative {
                ff.join(&p.path)
            } else {
                PathBuf::from(&p.path)
            };
            if !dir.is_dir() || dbs.iter().any(|d| d.dir == dir) {
                continue;
            }
            dbs.push(NssDb {
                browser: Browser::Firefox {
                    profile: p.name,
                    package,
                },
                exists: has_db(&dir),
                dir,
            });
        }
    }
    dbs
}

/// Whether `dir` holds an NSS `sql:` database.
fn has_db(dir: &Path) -> bool {
    dir.join("pkcs11.txt").is_file() || dir.join("cert9.db").is_file()
}

/// Whether Firefox is running with the profile in `dir`: its `lock` symlink ("IP:+PID") names a
/// live process, or — when there is no usable `lock` link — `.parentlock` exists while a Firefox
/// process runs.
pub fn firefox_running(dir: &Path) -> bool {
    if let Ok(target) = fs::read_link(dir.join("lock")) {
        if let Some(pid) = lock_pid(&target.to_string_lossy()) {
            return Path::new("/proc").join(pid.to_string()).exists();
        }
    }
    dir.join(".parentlock").exists() && firefox_process_running()
}

/// The PID in a Firefox `lock` symlink target ("127.0.1.1:+4242").
pub fn lock_pid(target: &str) -> Option<u32> {
    target.rsplit_once(":+")?.1.parse().ok()
}

fn firefox_process_running() -> bool {
    let Ok(procs) = fs::read_dir("/proc") else {
        return false;
    };
    procs.flatten().any(|p| {
        fs::read_to_string(p.path().join("comm")).is_ok_and(|c| {
            let c = c.trim();
            c == "firefox" || c == "firefox-esr" || c == "firefox-bin" || c == "GeckoMain"
        })
    })
}

/// Where an installed module is looked for, in order: next to the running executable
/// (`../lib/libsello.so`, then the same directory), then the system locations.
pub fn module_candidates(exe: Option<&Path>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(dir) = exe.and_then(Path::parent) {
        if let Some(prefix) = dir.parent() {
            out.push(prefix.join("lib").join(LIBRARY_NAME));
        }
        out.push(dir.join(LIBRARY_NAME));
    }
    out.push(PathBuf::from("/usr/lib/x86_64-linux-gnu/pkcs11").join(LIBRARY_NAME));
    out.push(PathBuf::from("/usr/local/lib").join(LIBRARY_NAME));
    out
}

/// Whether `header` (the first bytes of a file) is an ELF shared object (`e_type` = `ET_DYN`,
/// System V ABI, "ELF header").
pub fn is_shared_object(header: &[u8]) -> bool {
    let Some(magic) = header.get(..4) else {
        return false;
    };
    if magic != b"\x7fELF" {
        return false;
    }
    // EI_DATA at 5: 1 little-endian, 2 big-endian; e_type is the u16 at 16.
    let (Some(&data), Some(t)) = (header.get(5), header.get(16..18)) else {
        return false;
    };
    let e_type = match data {
        1 => u16::from_le_bytes([t[0], t[1]]),
        2 => u16::from_be_bytes([t[0], t[1]]),
        _ => return false,
    };
    e_type == 3
}

/// Checks that `path` is an existing shared library and returns its absolute, canonical path
/// (what the databases should name, so a later `cd` does not break it).
pub fn check_module(path: &Path) -> Result<PathBuf, BrowserError> {
    if !path.exists() {
        return Err(BrowserError::ModuleMissing(path.to_path_buf()));
    }
    if !path.is_file() {
        return Err(BrowserError::NotSharedObject(path.to_path_buf()));
    }
    let mut header = [0u8; 18];
    let n = fs::File::open(path)
        .and_then(|mut f| io::Read::read(&mut f, &mut header))
        .map_err(io_err(FileAction::Read, path))?;
    if !is_shared_object(&header[..n]) {
        return Err(BrowserError::NotSharedObject(path.to_path_buf()));
    }
    fs::canonicalize(path).map_err(io_err(FileAction::Resolve, path))
}

/// The module to register: `given`, else the first existing candidate.
pub fn resolve_module(given: Option<&Path>) -> Result<PathBuf, BrowserError> {
    if let Some(p) = given {
        return check_module(p);
    }
    let exe = std::env::current_exe().ok();
    let candidates = module_candidates(exe.as_deref());
    match candidates.iter().find(|c| c.is_file()) {
        Some(c) => check_module(c),
        None => Err(BrowserError::ModuleNotFound(
            candidates
                .iter()
                .map(|c| c.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        )),
    }
}

/// The p11-kit module file text for `library` (p11-kit `pkcs11.conf(5)`).
pub fn p11kit_module_text(library: &Path) -> String {
    format!(
        "# Written by `sello browser install`; removed by `sello browser uninstall`.\nmodule: {}\n",
        library.display()
    )
}

/// The `module:` value of a p11-kit module file.
pub fn p11kit_module_path(text: &str) -> Option<&str> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim() == "module").then(|| v.trim())
    })
}

/// The environment registration works in: a home directory and which tools exist.
#[derive(Debug, Clone)]
pub struct Env {
    /// The user's home (`$HOME`).
    pub home: PathBuf,
    /// Whether p11-kit is installed (then a user module file is written).
    pub p11kit: bool,
    /// NSS's `certutil`, used to create a missing Chromium database.
    pub certutil: Option<PathBuf>,
}

fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

impl Env {
    /// From the process environment: `$HOME`, p11-kit when its library or tool is installed.
    pub fn from_process() -> Self {
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/"));
        let p11kit = on_path("p11-kit").is_some()
            || [
                "/usr/lib/x86_64-linux-gnu/libp11-kit.so.0",
                "/usr/lib64/libp11-kit.so.0",
                "/usr/lib/libp11-kit.so.0",
            ]
            .iter()
            .any(|p| Path::new(p).exists());
        Self {
            home,
            p11kit,
            certutil: on_path("certutil"),
        }
    }

    /// The p11-kit user module file.
    pub fn p11kit_file(&self) -> PathBuf {
        self.home.join(".config/pkcs11/modules/sello.module")
    }

    /// The NSS databases of this home.
    pub fn databases(&self) -> Vec<NssDb> {
        discover(&self.home)
    }
}

/// Where Sello is registered in one NSS database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbStatus {
    /// The database.
    pub db: NssDb,
    /// The library our entry names, if registered.
    pub library: Option<PathBuf>,
    /// Whether that library exists.
    pub library_exists: bool,
    /// Whether Firefox holds the profile open.
    pub locked: bool,
    /// Set when `pkcs11.txt` could not be read.
    pub error: Option<String>,
}

/// The p11-kit registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct P11KitStatus {
    /// Whether p11-kit is installed.
    pub present: bool,
    /// The module file.
    pub file: PathBuf,
    /// The library the file names, if the file exists.
    pub library: Option<PathBuf>,
    /// Whether that library exists.
    pub library_exists: bool,
}

/// Registration status everywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// One per database found.
    pub databases: Vec<DbStatus>,
    /// The p11-kit module file.
    pub p11kit: P11KitStatus,
}

fn read_entries(db: &NssDb) -> Result<Option<Vec<pkcs11txt::Entry>>, BrowserError> {
    let file = db.pkcs11_txt();
    match fs::read_to_string(&file) {
        Ok(t) => Ok(Some(pkcs11txt::parse(&t))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err(FileAction::Read, &file)(e)),
    }
}

/// Reads where the module is registered (never writes).
pub fn status(env: &Env) -> Status {
    let databases = env
        .databases()
        .into_iter()
        .map(|db| {
            let (library, error) = match read_entries(&db) {
                Ok(entries) => (
                    entries
                        .as_deref()
                        .and_then(|e| pkcs11txt::find(e, MODULE_NAME))
                        .map(PathBuf::from),
                    None,
                ),
                Err(e) => (None, Some(e.to_string())),
            };
            DbStatus {
                library_exists: library.as_deref().is_some_and(Path::is_file),
                locked: matches!(db.browser, Browser::Firefox { .. }) && firefox_running(&db.dir),
                library,
                error,
                db,
            }
        })
        .collect();
    let file = env.p11kit_file();
    let library = fs::read_to_string(&file)
        .ok()
        .and_then(|t| p11kit_module_path(&t).map(PathBuf::from));
    Status {
        databases,
        p11kit: P11KitStatus {
            present: env.p11kit,
            library_exists: library.as_deref().is_some_and(Path::is_file),
            library,
            file,
        },
    }
}

/// What happened to one registration target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Registered anew (`created` when the database itself was made).
    Added {
        /// Whether the database directory was created.
        created: bool,
    },
    /// A stale entry named another library (given) and now names ours.
    Updated(PathBuf),
    /// Already registered with this library.
    Unchanged,
    /// Our entry was removed.
    Removed,
    /// There was nothing to remove.
    NotRegistered,
    /// Nothing to do here, for the reason given (not an error).
    Skipped(String),
    /// Not done; the error says why.
    Failed(String),
}

/// The outcome for one database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbOutcome {
    /// The database.
    pub db: NssDb,
    /// What was done.
    pub action: Action,
}

/// The outcome of install or uninstall everywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The module registered (install) or `None` (uninstall).
    pub module: Option<PathBuf>,
    /// One per database.
    pub databases: Vec<DbOutcome>,
    /// The p11-kit module file, when p11-kit is present (or our file existed).
    pub p11kit: Option<(PathBuf, Action)>,
}

impl Outcome {
    /// Whether any target failed.
    pub fn failed(&self) -> bool {
        self.databases
            .iter()
            .map(|d| &d.action)
            .chain(self.p11kit.as_ref().map(|(_, a)| a))
            .any(|a| matches!(a, Action::Failed(_)))
    }
}

/// Writes `text` to `path` through a temporary file and a rename, keeping the old file's
/// permissions (new files are 0600: the module list is the user's own business).
fn write_atomically(path: &Path, text: &str) -> Result<(), BrowserError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o7777)
        .unwrap_or(0o600);
    let tmp = path.with_extension("txt.sello-tmp");
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.set_permissions(fs::Permissions::from_mode(mode))?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(io_err(FileAction::Write, path))
}

/// Creates a missing Chromium database directory: with `certutil -N --empty-password` when
/// available (an empty database, as Chromium makes on first start), else a `pkcs11.txt` holding
/// NSS's internal module only.
fn create_db(env: &Env, db: &NssDb) -> Result<(), BrowserError> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&db.dir)
        .map_err(io_err(FileAction::Create, &db.dir))?;
    if let Some(certutil) = &env.certutil {
        let out = std::process::Command::new(certutil)
            .arg("-N")
            .arg("--empty-password")
            .arg("-d")
            .arg(format!("sql:{}", db.dir.display()))
            .output()
            .map_err(io_err(FileAction::Run, certutil))?;
        if !out.status.success() {
            return Err(BrowserError::CreateDb(
                db.dir.clone(),
                String::from_utf8_lossy(&out.stderr).trim().to_owned(),
            ));
        }
        return Ok(());
    }
    let text = pkcs11txt::render(&[pkcs11txt::internal_entry(&db.dir.to_string_lossy())]);
    write_atomically(&db.pkcs11_txt(), &text)
}

fn install_one(env: &Env, db: &NssDb, library: &Path) -> Result<Action, BrowserError> {
    if matches!(db.browser, Browser::Firefox { .. }) && firefox_running(&db.dir) {
        return Err(BrowserError::FirefoxRunning(db.dir.clone()));
    }
    let created = match (&db.browser, db.exists) {
        (_, true) => false,
        (Browser::Chromium, false) => {
            create_db(env, db)?;
            true
        }
        (Browser::Firefox { .. }, false) => {
            return Ok(Action::Skipped(crate::tr!("cmd-browser-skip-no-database")))
        }
    };
    let mut entries = read_entries(db)?
        .unwrap_or_else(|| vec![pkcs11txt::internal_entry(&db.dir.to_string_lossy())]);
    let lib = library.to_string_lossy();
    let change = pkcs11txt::upsert(&mut entries, MODULE_NAME, &lib);
    if change != Change::Unchanged {
        write_atomically(&db.pkcs11_txt(), &pkcs11txt::render(&entries))?;
    }
    Ok(match change {
        Change::Added => Action::Added { created },
        Change::Updated(old) => Action::Updated(PathBuf::from(old)),
        Change::Unchanged => Action::Unchanged,
    })
}

fn uninstall_one(db: &NssDb) -> Result<Action, BrowserError> {
    let Some(mut entries) = read_entries(db)? else {
        return Ok(Action::NotRegistered);
    };
    if pkcs11txt::find(&entries, MODULE_NAME).is_none() {
        return Ok(Action::NotRegistered);
    }
    if matches!(db.browser, Browser::Firefox { .. }) && firefox_running(&db.dir) {
        return Err(BrowserError::FirefoxRunning(db.dir.clone()));
    }
    pkcs11txt::remove(&mut entries, MODULE_NAME);
    write_atomically(&db.pkcs11_txt(), &pkcs11txt::render(&entries))?;
    Ok(Action::Removed)
}

fn install_p11kit(env: &Env, library: &Path) -> Result<Action, BrowserError> {
    let file = env.p11kit_file();
    let text = p11kit_module_text(library);
    let old = fs::read_to_string(&file).ok();
    if old.as_deref() == Some(text.as_str()) {
        return Ok(Action::Unchanged);
    }
    if let Some(dir) = file.parent() {
        fs::create_dir_all(dir).map_err(io_err(FileAction::Create, dir))?;
    }
    fs::write(&file, text).map_err(io_err(FileAction::Write, &file))?;
    Ok(match old.as_deref().and_then(p11kit_module_path) {
        Some(old) => Action::Updated(PathBuf::from(old)),
        None => Action::Added { created: false },
    })
}

fn uninstall_p11kit(env: &Env) -> Result<Action, BrowserError> {
    let file = env.p11kit_file();
    match fs::remove_file(&file) {
        Ok(()) => Ok(Action::Removed),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Action::NotRegistered),
        Err(e) => Err(io_err(FileAction::Remove, &file)(e)),
    }
}

fn action(r: Result<Action, BrowserError>) -> Action {
    r.unwrap_or_else(|e| Action::Failed(e.to_string()))
}

/// Registers `library` (already checked with [`check_module`]) in every database found, and in
/// p11-kit when present. A failure in one place (Firefox running) does not stop the others.
pub fn install(env: &Env, library: &Path) -> Outcome {
    let databases = env
        .databases()
        .into_iter()
        .map(|db| DbOutcome {
            action: action(install_one(env, &db, library)),
            db,
        })
        .collect();
    let p11kit = env
        .p11kit
        .then(|| (env.p11kit_file(), action(install_p11kit(env, library))));
    Outcome {
        module: Some(library.to_path_buf()),
        databases,
        p11kit,
    }
}

/// Removes every registration named "Sello" and our p11-kit module file.
pub fn uninstall(env: &Env) -> Outcome {
    let databases = env
        .databases()
        .into_iter()
        .map(|db| DbOutcome {
            action: action(uninstall_one(&db)),
            db,
        })
        .collect();
    let p11kit = (env.p11kit || env.p11kit_file().exists())
        .then(|| (env.p11kit_file(), action(uninstall_p11kit(env))));
    Outcome {
        module: None,
        databases,
        p11kit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_ini() {
        let ini = "[Install4F96D1932A9F858E]\nDefault=abc.default-release\nLocked=1\n\n\
                   [Profile1]\nName=work\nIsRelative=0\nPath=/data/ff/work\n\n\
                   [Profile0]\nName=default-release\nIsRelative=1\nPath=abc.default-release\nDefault=1\n\n\
                   [General]\nStartWithLastProfile=1\nVersion=2\n";
        let p = parse_profiles_ini(ini);
        assert_eq!(
            p,
            vec![
                IniProfile {
                    name: "work".into(),
                    path: "/data/ff/work".into(),
                    relative: false
                },
                IniProfile {
                    name: "default-release".into(),
                    path: "abc.default-release".into(),
                    relative: true
                },
            ]
        );
        assert!(parse_profiles_ini("[General]\nVersion=2\n").is_empty());
    }

    #[test]
    fn lock_target() {
        assert_eq!(lock_pid("127.0.1.1:+4242"), Some(4242));
        assert_eq!(lock_pid("garbage"), None);
    }

    #[test]
    fn elf_header() {
        let mut so = vec![0x7f, b'E', b'L', b'F', 2, 1, 1, 0];
        so.extend_from_slice(&[0; 8]);
        so.extend_from_slice(&[3, 0]);
        assert!(is_shared_object(&so));
        so[16] = 2; // ET_EXEC
        assert!(!is_shared_object(&so));
        assert!(!is_shared_object(b"#!/bin/sh\n"));
        assert!(!is_shared_object(b"\x7fELF"));
    }

    #[test]
    fn candidates_next_to_the_executable() {
        let c = module_candidates(Some(Path::new("/opt/sello/bin/sello")));
        assert_eq!(c[0], Path::new("/opt/sello/lib/libsello.so"));
        assert_eq!(c[1], Path::new("/opt/sello/bin/libsello.so"));
        assert_eq!(
            c[2],
            Path::new("/usr/lib/x86_64-linux-gnu/pkcs11/libsello.so")
        );
    }

    #[test]
    fn p11kit_file_round_trip() {
        let t = p11kit_module_text(Path::new("/usr/lib/libsello.so"));
        assert_eq!(p11kit_module_path(&t), Some("/usr/lib/libsello.so"));
    }

    #[test]
    fn module_checks() {
        let en = |e: &BrowserError| crate::i18n::with_language("en", || e.to_string());
        let e = check_module(Path::new("/nonexistent/libsello.so")).unwrap_err();
        assert!(en(&e).contains("no such file"), "{e}");
        for not_so in ["/etc/hostname", "/etc"] {
            let e = check_module(Path::new(not_so)).unwrap_err();
            assert!(en(&e).contains("not a shared library"), "{e}");
        }
    }

    #[test]
    fn errors_in_the_users_language_keep_paths_as_they_are() {
        let e = check_module(Path::new("/etc/hostname")).unwrap_err();
        assert_eq!(
            crate::i18n::with_language("es", || e.to_string()),
            "/etc/hostname: no es una biblioteca compartida (.so)"
        );
        let e = BrowserError::FirefoxRunning("/home/ana/.mozilla/firefox/x.default".into());
        assert_eq!(
            crate::i18n::with_language("ca-valencia", || e.to_string()),
            "el Firefox està obert amb el perfil de /home/ana/.mozilla/firefox/x.default: \
             tanqueu el Firefox i torneu-ho a provar"
        );
    }
}
