//! A blocking client of the local API, for the CLI (`sello watch`, `sello activate
//! --via-daemon`) and the tests.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;

use serde_json::{json, Value};

use crate::tr;

/// Errors of the client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// Cannot reach the daemon.
    #[error("{}", tr!("daemon-client-cannot-reach", path = .path.as_str(), error = .source.to_string()))]
    Connect {
        /// Socket path.
        path: String,
        /// Error.
        #[source]
        source: std::io::Error,
    },
    /// The connection broke.
    #[error("{}", tr!("daemon-client-connection-lost", error = .0.to_string()))]
    Io(#[from] std::io::Error),
    /// The daemon closed the connection.
    #[error("{}", tr!("daemon-client-closed"))]
    Closed,
    /// Not JSON from the daemon.
    #[error("{}", tr!("daemon-client-not-json", error = .0.as_str()))]
    Protocol(String),
    /// The daemon answered with an error object (its message in the language the client
    /// asked for, its code stable).
    #[error("{message} ({code})")]
    Api {
        /// `error.code`.
        code: String,
        /// `error.message`.
        message: String,
    },
}

fn api_error(v: &Value) -> ClientError {
    ClientError::Api {
        code: v["error"]["code"].as_str().unwrap_or("unknown").to_owned(),
        message: v["error"]["message"].as_str().unwrap_or("").to_owned(),
    }
}

/// A connection to sellod.
#[derive(Debug)]
pub struct Client {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
    next_id: u64,
    events: VecDeque<Value>,
    /// Sent as `lang` with every request: the daemon's texts come back in it.
    lang: String,
}

impl Client {
    /// Connects to the socket at `path`. Requests carry this program's language
    /// ([`crate::i18n::current`]: `--lang`, `LC_ALL`, `LC_MESSAGES`, `LANG`), so the daemon
    /// answers, and runs the jobs this client starts, in it.
    pub fn connect(path: &Path) -> Result<Self, ClientError> {
        let s = UnixStream::connect(path).map_err(|source| ClientError::Connect {
            path: path.display().to_string(),
            source,
        })?;
        let writer = s.try_clone()?;
        Ok(Self {
            reader: BufReader::new(s),
            writer,
            next_id: 1,
            events: VecDeque::new(),
            lang: crate::i18n::current().to_owned(),
        })
    }

    /// Asks the daemon for its texts in `tag` (a BCP 47 tag or POSIX locale name) from now on,
    /// instead of this program's language.
    pub fn set_language(&mut self, tag: &str) {
        tag.clone_into(&mut self.lang);
    }

    /// Limits how long a read waits (`None`: forever); a timeout gives [`ClientError::Io`].
    pub fn set_timeout(&self, t: Option<std::time::Duration>) -> Result<(), ClientError> {
        self.writer.set_read_timeout(t)?;
        Ok(())
    }

    /// Reads one message from the daemon.
    fn read(&mut self) -> Result<Value, ClientError> {
        let mut l = String::new();
        if self.reader.read_line(&mut l)? == 0 {
            return Err(ClientError::Closed);
        }
        serde_json::from_str(&l).map_err(|e| ClientError::Protocol(e.to_string()))
    }

    /// Sends a request (an object with `op`); returns `result`, or the error as
    /// [`ClientError::Api`]. Events that arrive meanwhile are kept for [`Client::next_event`].
    pub fn call(&mut self, mut request: Value) -> Result<Value, ClientError> {
        let id = self.next_id;
        self.next_id += 1;
        if let Some(o) = request.as_object_mut() {
            o.insert("id".into(), json!(id));
            o.entry("lang").or_insert_with(|| json!(self.lang));
        }
        if let Err(e) = writeln!(self.writer, "{request}") {
            // The daemon may have refused the connection (`forbidden`) and closed it before our
            // request arrived: its refusal is still waiting to be read, and says more than EPIPE.
            return match self.read() {
                Ok(v) if v["ok"] == json!(false) => Err(api_error(&v)),
                _ => Err(ClientError::Io(e)),
            };
        }
        loop {
            let v = self.read()?;
            if v.get("event").is_some() {
                self.events.push_back(v);
                continue;
            }
            // A connection-level refusal (`forbidden`) carries no id: it answers everything.
            if v["id"] != json!(id) && !(v["id"].is_null() && v["ok"] == json!(false)) {
                continue;
            }
            if v["ok"] == json!(true) {
                return Ok(v["result"].clone());
            }
            return Err(api_error(&v));
        }
    }

    /// The next event (blocking).
    pub fn next_event(&mut self) -> Result<Value, ClientError> {
        if let Some(e) = self.events.pop_front() {
            return Ok(e);
        }
        loop {
            let v = self.read()?;
            if v.get("event").is_some() {
                return Ok(v);
            }
        }
    }

    /// Sends a raw line (tests of malformed input) and reads the next non-event message.
    pub fn raw(&mut self, bytes: &[u8]) -> Result<Value, ClientError> {
        self.writer.write_all(bytes)?;
        loop {
            let v = self.read()?;
            if v.get("event").is_none() {
                return Ok(v);
            }
            self.events.push_back(v);
        }
    }
}
