//! How fast the shared decoder frames a body: a 1 MiB chunked body in 16 KiB chunks, and the
//! same megabyte framed by `Content-Length`, both fed in 64 KiB reads as a socket would give them.

// `criterion_group!` defines a public function it cannot document.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use wire::{BodyDecoder, Framing};

const BODY: usize = 1 << 20;

fn chunked_wire() -> Vec<u8> {
    let mut wire = Vec::new();
    for chunk in vec![0x5au8; BODY].chunks(16 * 1024) {
        wire.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        wire.extend_from_slice(chunk);
        wire.extend_from_slice(b"\r\n");
    }
    wire.extend_from_slice(b"0\r\n\r\n");
    wire
}

/// Decodes `wire` in 64 KiB pieces and returns the data byte count.
fn decode(wire: &[u8], framing: Framing) -> usize {
    let mut dec = BodyDecoder::new(framing, 1024);
    let mut data = 0;
    for piece in wire.chunks(64 * 1024) {
        let mut at = 0;
        while at < piece.len() && !dec.is_done() {
            let step = dec.decode(&piece[at..], usize::MAX).expect("valid body");
            data += black_box(&piece[at..][step.data]).len();
            at += step.consumed;
        }
    }
    assert!(dec.is_done());
    data
}

fn bench(c: &mut Criterion) {
    let chunked = chunked_wire();
    let plain = vec![0x5au8; BODY];
    let mut g = c.benchmark_group("wire-decode-1MiB");
    g.throughput(Throughput::Bytes(BODY as u64));
    g.bench_function("chunked-16KiB", |b| {
        b.iter(|| decode(&chunked, Framing::Chunked))
    });
    g.bench_function("content-length", |b| {
        b.iter(|| decode(&plain, Framing::Length(BODY as u64)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
