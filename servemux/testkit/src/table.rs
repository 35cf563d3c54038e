//! The route-table examples' shared `main`: `servemux`'s `mux_table` and `pattern_table` and
//! radix's `gin_table`, the programs the Go differentials and other tools drive (their interface
//! is in the design notes: `NAME FILE ADDR`, a bad table exits 2, `listening on http://ADDR` once
//! bound).
//!
//! Only the router differs between them: each example builds its router from the table's text
//! and says how to serve it; reading the arguments and the file, binding and the exit codes are
//! here, once. The examples may use this because the test kit is a dev-dependency of their crates.

use std::future::Future;
use std::io;
use std::process::ExitCode;

use tokio::net::TcpListener;

/// The entries of a table file, in file order: each non-empty line, whitespace trimmed, that
/// does not start with `#`.
pub fn entries(table: &str) -> impl Iterator<Item = &str> {
    table
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

/// Runs a route-table example named `name` on the process's arguments `FILE ADDR`.
///
/// `build` makes the router from the file's text; its error is printed to stderr as it is given
/// (the caller chooses the wording Go's twin is compared with) and exits 2, as do a wrong
/// argument count and an unreadable file. Then ADDR is bound, `listening on http://ADDR` printed
/// to stdout (the real port when ADDR ends in `:0`) and `serve` runs until it returns: a listen or
/// serve error exits 1.
pub async fn main<R, Fut>(
    name: &str,
    build: impl FnOnce(&str) -> Result<R, String>,
    serve: impl FnOnce(R, TcpListener) -> Fut,
) -> ExitCode
where
    Fut: Future<Output = io::Result<()>>,
{
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, addr] = args.as_slice() else {
        eprintln!("usage: {name} FILE ADDR");
        return ExitCode::from(2);
    };
    let table = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{name}: {file}: {e}");
            return ExitCode::from(2);
        }
    };
    let router = match build(&table) {
        Ok(r) => r,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind(addr.as_str()).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{name}: listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(a) => println!("listening on http://{a}"),
        Err(e) => {
            eprintln!("{name}: {e}");
            return ExitCode::FAILURE;
        }
    }
    match serve(router, listener).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{name}: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_skip_blank_lines_and_comments() {
        let table = "# a comment\n\n/\n  /images/  \r\n/#/\n\t\n";
        assert_eq!(entries(table).collect::<Vec<_>>(), ["/", "/images/", "/#/"]);
    }
}
