//! The warm type checker: one `ty server` (the language server protocol,
//! over its stdin and stdout) per rustc process, fed each checked text as
//! an in-memory document and asked for its diagnostics
//! (`textDocument/diagnostic`). A `ty check` process per function spends
//! most of its time starting and reading the standard library's stubs;
//! the server does that once.
//!
//! - It is keyed by the ty binary (path and modification time), the build
//!   interpreter and the Python version: a different one starts another.
//! - It does not go stale in a long-lived process (rust-analyzer's
//!   proc-macro server): after [`MAX_IDLE`] unused it is restarted, so a
//!   burst of expansions (a build) shares one, and a later one sees the
//!   environment as it is then. One that died is restarted.
//! - It dies with rustc: its stdin is a pipe from this process, and ty
//!   exits at end of input.
//! - Expansions that run at once take turns (one lock around it).
//!
//! What the diagnostics say, and what to do when the server cannot be
//! used, is [`crate::typecheck`]'s.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use serde_json::{Value, json};

/// A server unused this long is restarted before its next check.
pub const MAX_IDLE: Duration = Duration::from_secs(30);

/// Why the server gave no answer.
#[derive(Debug)]
pub enum Failure {
    /// No answer within the time limit (the server was stopped).
    TooSlow,
    /// It could not start, died, or answered what pyfn does not read.
    Broken(String),
}

/// What a server was started for.
#[derive(PartialEq, Eq, Clone)]
struct Key {
    ty: PathBuf,
    modified: Option<SystemTime>,
    interpreter: PathBuf,
    python_version: String,
    platform: String,
}

struct Server {
    key: Key,
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: u64,
    last_used: Instant,
    /// The workspace directory (its `ty.toml`), removed after the first
    /// check: the server reads it when it starts.
    workspace: Option<PathBuf>,
    /// Its URI: the documents are named in it.
    workspace_uri: String,
}

static SERVER: Mutex<Option<Server>> = Mutex::new(None);

/// Type-checks `text` with the warm server for `ty` and `interpreter`
/// (started, or restarted, as needed), within `timeout`: the server's
/// diagnostics, as the protocol words them.
pub fn check(
    ty: &Path,
    interpreter: &Path,
    python_version: &str,
    platform: &str,
    text: &str,
    timeout: Duration,
) -> Result<Vec<Value>, Failure> {
    let deadline = Instant::now() + timeout;
    let key = Key {
        ty: ty.to_owned(),
        modified: std::fs::metadata(ty).and_then(|m| m.modified()).ok(),
        interpreter: interpreter.to_owned(),
        python_version: python_version.to_owned(),
        platform: platform.to_owned(),
    };
    let mut slot = SERVER.lock().unwrap_or_else(PoisonError::into_inner);
    let mut reused = slot.as_mut().is_some_and(|server| {
        server.key == key
            && server.last_used.elapsed() < MAX_IDLE
            && matches!(server.child.try_wait(), Ok(None))
    });
    if !reused {
        *slot = None;
    }
    loop {
        let mut server = match slot.take() {
            Some(server) => server,
            None => Server::start(&key, deadline)?,
        };
        match server.check(text, deadline) {
            Ok(found) => {
                server.last_used = Instant::now();
                if let Some(dir) = server.workspace.take() {
                    let _ = std::fs::remove_dir_all(dir);
                }
                *slot = Some(server);
                return Ok(found);
            }
            // A reused server that broke is replaced, once.
            Err(Failure::Broken(_)) if reused => reused = false,
            Err(failure) => return Err(failure),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(dir) = self.workspace.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl Server {
    fn start(key: &Key, deadline: Instant) -> Result<Server, Failure> {
        static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let broken = |what: &str, err: &dyn std::fmt::Display| {
            Failure::Broken(format!(
                "cannot start `{} server`: {what}: {err}",
                key.ty.display()
            ))
        };
        let workspace = std::env::temp_dir().join(format!(
            "pyfn-ty-server-{}-{}",
            std::process::id(),
            STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&workspace).map_err(|err| broken("workspace", &err))?;
        // What `ty check --python … --python-version … --python-platform …`
        // says, as settings of the workspace.
        let settings = format!(
            "[environment]\npython = {}\npython-version = {}\npython-platform = {}\n",
            Value::from(key.interpreter.to_string_lossy()),
            Value::from(key.python_version.as_str()),
            Value::from(key.platform.as_str())
        );
        std::fs::write(workspace.join("ty.toml"), settings)
            .map_err(|err| broken("workspace", &err))?;
        let spawned = Command::new(&key.ty)
            .arg("server")
            .current_dir(&workspace)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(err) => {
                let _ = std::fs::remove_dir_all(&workspace);
                return Err(broken("spawn", &err));
            }
        };
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            let _ = std::fs::remove_dir_all(&workspace);
            return Err(Failure::Broken(
                "`ty server`'s pipes are missing".to_owned(),
            ));
        };
        let (sender, messages) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut stdout = BufReader::new(stdout);
            while let Some(message) = read_message(&mut stdout) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            key: key.clone(),
            child,
            stdin,
            messages,
            next_id: 0,
            last_used: Instant::now(),
            workspace: Some(workspace.clone()),
            workspace_uri: file_uri(&workspace),
        };
        let uri = server.workspace_uri.clone();
        let initialized = server.request(
            "initialize",
            json!({
                "processId": std::process::id(),
                "rootUri": uri,
                "workspaceFolders": [{"uri": uri, "name": "pyfn"}],
                "capabilities": {
                    // Columns in characters, as pyfn's positions are.
                    "general": {"positionEncodings": ["utf-32"]},
                    "textDocument": {"diagnostic": {"dynamicRegistration": false}},
                },
            }),
            deadline,
        )?;
        let encoding = initialized.pointer("/capabilities/positionEncoding");
        if encoding.and_then(Value::as_str) != Some("utf-32") {
            return Err(Failure::Broken(format!(
                "`{} server` does not count columns in characters (position encoding {encoding:?})",
                key.ty.display()
            )));
        }
        server.notify("initialized", json!({}))?;
        Ok(server)
    }

    /// Opens `text` as a document, asks for its diagnostics, closes it.
    fn check(&mut self, text: &str, deadline: Instant) -> Result<Vec<Value>, Failure> {
        let uri = format!("{}/snippet{}.py", self.workspace_uri, self.next_id);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}),
        )?;
        let answer = self.request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}}),
            deadline,
        );
        self.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        )?;
        let answer = answer?;
        let Some(items) = answer.get("items").and_then(Value::as_array) else {
            return Err(Failure::Broken(format!("unexpected diagnostics: {answer}")));
        };
        Ok(items.clone())
    }

    fn send(&mut self, message: &Value) -> Result<(), Failure> {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len())
            .and_then(|()| self.stdin.flush())
            .map_err(|err| Failure::Broken(format!("`ty server` closed its input: {err}")))
    }

    fn notify(&mut self, method: &str, params: Value) -> Result<(), Failure> {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
    }

    /// Sends a request and waits for its result, answering what the server
    /// asks meanwhile.
    fn request(
        &mut self,
        method: &str,
        params: Value,
        deadline: Instant,
    ) -> Result<Value, Failure> {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))?;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.messages.recv_timeout(left) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => return Err(Failure::TooSlow),
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(Failure::Broken("`ty server` exited".to_owned()));
                }
            };
            match (message.get("method"), message.get("id")) {
                // The server's own requests (configuration, capabilities,
                // progress): answered with nothing, pyfn's settings being
                // in the workspace's `ty.toml`.
                (Some(asked), Some(their_id)) => {
                    let result = match asked.as_str() {
                        Some("workspace/configuration") => {
                            let items = message
                                .pointer("/params/items")
                                .and_then(Value::as_array)
                                .map_or(0, Vec::len);
                            Value::Array(vec![Value::Null; items])
                        }
                        _ => Value::Null,
                    };
                    let their_id = their_id.clone();
                    self.send(&json!({"jsonrpc": "2.0", "id": their_id, "result": result}))?;
                }
                (Some(_), None) => {}
                (None, Some(answered)) if answered.as_u64() == Some(id) => {
                    if let Some(error) = message.get("error") {
                        return Err(Failure::Broken(format!("`ty server` answered {error}")));
                    }
                    return Ok(message.get("result").cloned().unwrap_or(Value::Null));
                }
                _ => {}
            }
        }
    }
}

/// One message of the protocol (`Content-Length` framing); `None` at the
/// end of the stream or on a malformed one.
fn read_message(input: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    input.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// `file:///…` for an absolute path (each byte outside the unreserved set
/// percent-encoded).
fn file_uri(path: &Path) -> String {
    let path = path.to_string_lossy().replace('\\', "/");
    let mut uri = String::from(if path.starts_with('/') {
        "file://"
    } else {
        "file:///"
    });
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/:".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn messages_are_framed() {
        let body = r#"{"jsonrpc":"2.0","id":1,"result":null}"#;
        let stream = format!(
            "Content-Length: {}\r\nContent-Type: application/vscode-jsonrpc\r\n\r\n{body}",
            body.len()
        );
        let mut input = std::io::Cursor::new(stream.into_bytes());
        assert_eq!(
            super::read_message(&mut input),
            Some(json!({"jsonrpc": "2.0", "id": 1, "result": null}))
        );
        assert_eq!(super::read_message(&mut input), None);
    }

    /// A server is reused while it lives, and replaced when it died.
    #[test]
    fn reused_then_restarted_after_death() {
        let Some(interpreter) = crate::python::build_interpreter() else {
            return;
        };
        let ty = interpreter.with_file_name("ty");
        if !ty.is_file() {
            eprintln!("skipped: ty is not installed next to the build interpreter");
            return;
        }
        let check = |text: &str| {
            super::check(
                &ty,
                &interpreter,
                env!("PYFN_MACRO_PYTHON"),
                "all",
                text,
                std::time::Duration::from_secs(60),
            )
            .expect("the server answers")
        };
        let pid = || {
            super::SERVER
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .as_ref()
                .map(|server| server.child.id())
        };
        let _serial = crate::tests::serial();
        let wrong = "def f(s: str) -> int:\n    return s.uper()\n";
        assert_eq!(check(wrong).len(), 1);
        let first = pid().expect("a server");
        assert!(check("x: int = 1\n").is_empty());
        assert_eq!(pid(), Some(first), "reused");
        if let Some(server) = super::SERVER
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_mut()
        {
            server.child.kill().expect("kill");
            server.child.wait().expect("wait");
        }
        assert_eq!(check(wrong).len(), 1);
        assert_ne!(pid(), Some(first), "restarted");
    }

    #[test]
    fn uris() {
        assert_eq!(
            super::file_uri(std::path::Path::new("/tmp/a b/é")),
            "file:///tmp/a%20b/%C3%A9"
        );
    }
}
