#!/usr/bin/env bash
# Rewrites every file the book includes that a program produces, after an intended change (or a
# merge that changed what the programs print), then shows what changed. Each file's own test
# checks it afterwards; this only saves looking up the commands.
set -euo pipefail
cd "$(dirname "$0")/.."

# Transcripts under book/src/transcripts/ (each with a dated header line).
UPDATE_BOOK=1 cargo test -q -p demo --test book_outputs --test book_transcripts
UPDATE_BOOK=1 cargo test -q -p gracehttp --test book_session
UPDATE_BOOK=1 cargo test -q -p httpclient --test book_quickstart

# Example outputs kept next to their examples (no header; their tests compare the whole file).
cargo run -q -p servemux --example mux_tour > servemux/examples/mux_tour.txt
cargo run -q -p servemux --example pattern_tour > servemux/examples/pattern_tour.txt
cargo run -q -p servemux --example files_tour > servemux/examples/files_tour.txt
cargo run -q -p radix --example tree_growth -- --book > radix/examples/tree_growth.txt
cargo run -q -p radix --example middleware_chain > radix/examples/middleware_chain.txt

# Listing numbers and captions.
python3 book/caption_listings.py

git status --short book servemux/examples radix/examples
