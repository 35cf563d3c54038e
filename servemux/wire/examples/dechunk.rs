//! Decodes a chunked body read from stdin: the data goes to stdout, the trailers and what followed
//! the body to stderr.
//!
//! ```text
//! printf '5\r\nhello\r\n0\r\nX-Sum: 1\r\n\r\nrest' | cargo run -q -p wire --example dechunk
//! ```

use std::io::{Read, Write};

use wire::{BodyDecoder, Framing};

fn main() {
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        eprintln!("reading stdin: {e}");
        std::process::exit(1);
    }
    let mut body = BodyDecoder::new(Framing::Chunked, 64 * 1024);
    let mut out = std::io::stdout().lock();
    let mut at = 0;
    while !body.is_done() {
        match body.decode(&input[at..], usize::MAX) {
            Ok(step) => {
                let _ = out.write_all(&input[at..][step.data]);
                at += step.consumed;
                if step.consumed == 0 {
                    eprintln!("input ended before the body did");
                    std::process::exit(1);
                }
            }
            Err(e) => {
                eprintln!("malformed at byte {at}: {e}");
                std::process::exit(1);
            }
        }
    }
    for (name, value) in body.take_trailers().iter().flatten() {
        eprintln!(
            "trailer {name}: {}",
            String::from_utf8_lossy(value.as_bytes())
        );
    }
    eprintln!("{} bytes after the body", input.len() - at);
}
