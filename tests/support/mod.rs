//! What several integration tests share: running one test of the same
//! test binary as a child process, with a deadline, and making a virtual
//! environment of the build interpreter. Each test file that needs it says
//! `mod support;` (a directory, so Cargo does not build it as a test of
//! its own).

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A child process that ran to its end, or was killed at its deadline.
pub struct Child {
    /// `None`: it did not end before its deadline and was killed.
    pub status: Option<ExitStatus>,
    /// Its exit code (`None` when killed, or ended by a signal).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Child {
    /// It ended, with exit code 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// Fails the test with `what` and all that is known of the child,
    /// unless `condition` holds.
    #[track_caller]
    pub fn assert(&self, condition: bool, what: &str) {
        assert!(condition, "{what}\n{}", self.report());
    }

    /// The child's exit status, time, stdout and stderr, for a message.
    pub fn report(&self) -> String {
        let status = match self.status {
            Some(status) => status.to_string(),
            None => "killed at its deadline (hung)".to_owned(),
        };
        format!(
            "status: {status}, after {:?}\nstdout:\n{}\nstderr:\n{}",
            self.elapsed, self.stdout, self.stderr
        )
    }
}

/// This test binary, set to run its test `name` alone, with its output
/// shown (`--exact --nocapture`), whether or not it is `#[ignore]`d
/// (`--include-ignored`), one thread.
pub fn this_test(name: &str) -> Command {
    let mut command = Command::new(std::env::current_exe().expect("the test binary"));
    command.args([
        name,
        "--exact",
        "--nocapture",
        "--include-ignored",
        "--test-threads=1",
    ]);
    command
}

/// Runs `command` with its stdout and stderr read as it runs (so that a
/// full pipe never blocks it); kills it if it has not ended after
/// `deadline`.
pub fn run(command: &mut Command, deadline: Duration) -> Child {
    let started = Instant::now();
    let mut process = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the child starts");
    let stdout = drain(process.stdout.take().expect("piped"));
    let stderr = drain(process.stderr.take().expect("piped"));
    let status = loop {
        if let Some(status) = process.try_wait().expect("waitable") {
            break Some(status);
        }
        if started.elapsed() > deadline {
            let _ = process.kill();
            let _ = process.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = started.elapsed();
    Child {
        status,
        code: status.and_then(|status| status.code()),
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
        elapsed,
    }
}

/// Reads `pipe` to its end on a thread of its own.
fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// A fresh virtual environment of the build interpreter at `dir` (removed
/// first if it exists), made by `python -m venv --without-pip` with no
/// `VIRTUAL_ENV` set; its directory.
pub fn make_venv(dir: &Path) -> PathBuf {
    let python = env!("PYFN_BUILD_PYTHON_EXE");
    let _ = std::fs::remove_dir_all(dir);
    let status = Command::new(python)
        .args(["-m", "venv", "--without-pip"])
        .arg(dir)
        .env_remove("VIRTUAL_ENV")
        .status()
        .expect("python -m venv runs");
    assert!(
        status.success(),
        "{python} -m venv {} failed",
        dir.display()
    );
    dir.to_owned()
}
