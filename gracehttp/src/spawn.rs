//! The parent's side of the handover: start our own executable again with the listening sockets
//! at fd 3 and up, and wait for its verdict.
//!
//! A tokio process has several threads, so it must not simply `fork` and carry on in the copy: the
//! copy would hold one thread and every lock the others held at that instant. We `fork` only to
//! `exec` at once, through `std::process::Command`. Between the two, in the child, one hook runs:
//! `dup2` of each socket onto its place. `dup2` is async-signal-safe, allocates nothing, and clears
//! close-on-exec on the new descriptor, so the socket crosses `exec` in the child while every
//! descriptor of the parent stays close-on-exec.

use std::ffi::OsString;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::ExitStatus;
use std::time::Duration;

use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::unistd::{dup2, pipe2};
use tokio::io::AsyncReadExt;
use tokio::net::unix::pipe;
use tokio::time::Instant;

use crate::protocol::{
    ENV_FDS, ENV_LISTEN_FDNAMES, ENV_LISTEN_FDS, ENV_LISTEN_PID, ENV_PPID, ENV_READY_FD, FIRST_FD,
    READY_BYTE,
};

/// Our own executable and arguments, to start again.
pub(crate) struct Exe {
    path: PathBuf,
    argv0: OsString,
    args: Vec<OsString>,
}

impl Exe {
    /// Resolves our executable now, at start-up. Why not at restart: a deploy replaces the file
    /// and then sends `SIGUSR2`. By then `/proc/self/exe` names the old, deleted file (with
    /// " (deleted)" appended), while the path resolved now names the new one.
    pub(crate) fn current() -> io::Result<Exe> {
        let path = std::env::current_exe()?;
        let mut args = std::env::args_os();
        let argv0 = args.next().unwrap_or_else(|| path.clone().into_os_string());
        Ok(Exe {
            path,
            argv0,
            args: args.collect(),
        })
    }

    pub(crate) fn path(&self) -> &std::path::Path {
        &self.path
    }
}

/// A started child that has not yet said whether it is ready.
pub(crate) struct Child {
    process: tokio::process::Child,
    pid: u32,
    ready: pipe::Receiver,
    deadline: Instant,
}

/// How the wait for a child ended.
pub(crate) enum Verdict {
    /// It wrote the readiness byte: it accepts connections.
    Ready,
    /// It exited first.
    Exited,
    /// It closed the pipe without writing the byte.
    ClosedPipe,
    /// The ready timeout passed.
    TimedOut,
}

// ANCHOR: start
// ANCHOR: start_fds
/// Starts our executable with `listeners` at fd 3.. and the readiness pipe after them.
pub(crate) fn start(exe: &Exe, listeners: &[OwnedFd], timeout: Duration) -> io::Result<Child> {
    let count = listeners.len();
    let ready_target = FIRST_FD + count as RawFd;
    let (ready_r, ready_w) = pipe2(OFlag::O_CLOEXEC)?;
    let ready = pipe::Receiver::from_owned_fd(ready_r)?;

    // dup2's sources must lie above the targets 3..=3+N: a process that inherited its sockets
    // holds them exactly there, and an early dup2 would overwrite a later source. Copies made
    // here are close-on-exec and closed when this function returns.
    let mut sources = Vec::with_capacity(count + 1);
    for fd in listeners.iter().map(AsFd::as_fd).chain([ready_w.as_fd()]) {
        sources.push(dup_above(fd, ready_target + 1)?);
    }
    let raw: Vec<RawFd> = sources.iter().map(AsRawFd::as_raw_fd).collect();
    // ANCHOR_END: start_fds

    // ANCHOR: start_exec
    let mut cmd = std::process::Command::new(&exe.path);
    cmd.arg0(&exe.argv0)
        .args(&exe.args)
        // systemd's variables were addressed to us; the child gets ours instead.
        .env_remove(ENV_LISTEN_FDS)
        .env_remove(ENV_LISTEN_PID)
        .env_remove(ENV_LISTEN_FDNAMES)
        .env(ENV_FDS, count.to_string())
        .env(ENV_READY_FD, ready_target.to_string())
        .env(ENV_PPID, std::process::id().to_string());
    // SAFETY: the hook runs in the forked child before exec. It only calls dup2, which is
    // async-signal-safe, and it allocates nothing (the Vec was built before the fork).
    unsafe {
        cmd.pre_exec(move || place(&raw));
    }
    let process = tokio::process::Command::from(cmd).spawn()?;
    // Close our copies of the write end, so that end-of-file on `ready` means the child is gone.
    drop(sources);
    drop(ready_w);
    let pid = process.id().unwrap_or_default();
    Ok(Child {
        process,
        pid,
        ready,
        deadline: Instant::now() + timeout,
    })
}

/// In the child, between fork and exec: each source onto fd 3, 4, ...
fn place(sources: &[RawFd]) -> io::Result<()> {
    for (i, &source) in sources.iter().enumerate() {
        // dup2 clears close-on-exec on the new descriptor: this is the moment the socket is let
        // through exec, in the child only.
        dup2(source, FIRST_FD + i as RawFd)?;
    }
    Ok(())
}
// ANCHOR_END: start_exec
// ANCHOR_END: start

/// A close-on-exec copy of `fd` numbered `min` or above.
fn dup_above(fd: BorrowedFd<'_>, min: RawFd) -> io::Result<OwnedFd> {
    let copy = fcntl(fd.as_raw_fd(), FcntlArg::F_DUPFD_CLOEXEC(min))?;
    // SAFETY: F_DUPFD_CLOEXEC returned a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(copy) })
}

impl Child {
    pub(crate) fn pid(&self) -> u32 {
        self.pid
    }

    /// Waits until the child is ready, exits, closes the pipe, or runs out of time.
    ///
    /// Cancel-safe, so the caller can `select!` on it together with signals and call it again.
    /// After anything but [`Verdict::Ready`] the caller must [`kill_and_reap`](Self::kill_and_reap).
    // ANCHOR: verdict
    pub(crate) async fn verdict(&mut self) -> Verdict {
        let mut byte = [0u8; 1];
        tokio::select! {
            // A child that reported ready and then died at once did become ready: check first.
            biased;
            read = self.ready.read(&mut byte) => match read {
                Ok(1) if byte[0] == READY_BYTE => Verdict::Ready,
                _ => Verdict::ClosedPipe,
            },
            _ = self.process.wait() => Verdict::Exited,
            _ = tokio::time::sleep_until(self.deadline) => Verdict::TimedOut,
        }
    }
    // ANCHOR_END: verdict

    /// Gives the child `grace` to exit on its own, then kills it if it still runs, and collects
    /// its exit status so no zombie is left. Says whether it had to be killed.
    pub(crate) async fn reap(mut self, grace: Duration) -> (io::Result<ExitStatus>, bool) {
        if let Ok(status) = tokio::time::timeout(grace, self.process.wait()).await {
            return (status, false);
        }
        // Fails only if it exited in between; wait() below collects it either way.
        let _ = self.process.start_kill();
        (self.process.wait().await, true)
    }
}
