//! The optional pid file, so a supervisor follows the server across restarts.
//!
//! Each process writes its own pid once it serves, before it tells its parent it is ready; by the
//! time the old process exits, the file already names the new one. The write goes to a temporary
//! file that is then renamed over the old one, so a reader never sees a half-written number.
//! On a plain shutdown the file is removed, but only if it still names us.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Writes our pid to `path`, atomically.
pub(crate) fn write(path: &Path) -> io::Result<()> {
    let pid = std::process::id();
    let tmp = temp_name(path, pid);
    fs::write(&tmp, format!("{pid}\n"))?;
    fs::rename(&tmp, path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

/// Removes `path` if it holds our pid.
pub(crate) fn remove_if_ours(path: &Path) {
    let ours = fs::read_to_string(path)
        .map(|s| s.trim() == std::process::id().to_string())
        .unwrap_or(false);
    if ours {
        let _ = fs::remove_file(path);
    }
}

fn temp_name(path: &Path, pid: u32) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{pid}.tmp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_our_pid_and_removes_only_our_own() {
        let path = std::env::temp_dir().join(format!("gracehttp-unit-{}.pid", std::process::id()));
        write(&path).unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            format!("{}\n", std::process::id())
        );
        assert!(!temp_name(&path, std::process::id()).exists());

        fs::write(&path, "1\n").unwrap();
        remove_if_ours(&path);
        assert!(path.exists(), "another process's pid stays");
        write(&path).unwrap();
        remove_if_ours(&path);
        assert!(!path.exists());
    }
}
