//! The contract between a parent and the child it starts: which descriptors sit where, and which
//! environment variables say so.
//!
//! Both sides of the restart read this module: `spawn` (the parent) lays the descriptors out,
//! `inherit` (the child) picks them up. The layout follows systemd's socket activation, so a
//! reader who knows one knows the other:
//!
//! ```text
//!   fd 0, 1, 2            stdin, stdout, stderr, inherited as for any child
//!   fd 3 .. 3+N-1         the N listening sockets, in the parent's order
//!   fd 3+N                the write end of the readiness pipe
//!
//!   GRACEHTTP_FDS=N           how many listening sockets start at fd 3
//!   GRACEHTTP_READY_FD=3+N    where to write the one readiness byte
//!   GRACEHTTP_PPID=P          the parent's pid; the child believes the marker only if getppid() == P
//! ```
//!
//! Why a parent pid and not systemd's `LISTEN_PID`: environment variables are inherited by every
//! descendant, so a marker must say whom it is meant for. systemd names the child (`LISTEN_PID`),
//! but our parent learns the child's pid only after `fork`, and setting a variable between `fork`
//! and `exec` (`setenv`) is not async-signal-safe in a multithreaded process. The parent's own pid
//! is known beforehand, and a grandchild that inherits a stale marker sees a different parent.

use std::os::fd::RawFd;

/// The first inherited descriptor (systemd's `SD_LISTEN_FDS_START`).
pub(crate) const FIRST_FD: RawFd = 3;

/// How many listening sockets the parent handed over.
pub(crate) const ENV_FDS: &str = "GRACEHTTP_FDS";

/// The descriptor of the readiness pipe's write end.
pub(crate) const ENV_READY_FD: &str = "GRACEHTTP_READY_FD";

/// The pid of the parent that set the two variables above.
pub(crate) const ENV_PPID: &str = "GRACEHTTP_PPID";

/// systemd socket activation: the count of sockets from fd 3, and the pid they are meant for.
pub(crate) const ENV_LISTEN_FDS: &str = "LISTEN_FDS";
pub(crate) const ENV_LISTEN_PID: &str = "LISTEN_PID";
pub(crate) const ENV_LISTEN_FDNAMES: &str = "LISTEN_FDNAMES";

/// The byte the child writes once it accepts connections. Anything else (or end of file, when the
/// child dies) means "not ready".
pub(crate) const READY_BYTE: u8 = b'R';

/// A sanity bound on the count in `GRACEHTTP_FDS` / `LISTEN_FDS`, so a garbled variable cannot
/// make us adopt thousands of descriptors.
pub(crate) const MAX_FDS: usize = 256;
