//! A tiny non-cryptographic hasher (the "Fx" hash of rustc and Firefox) for the mux's map.
//!
//! Why not std's SipHash: SipHash guards a map whose *keys* an attacker chooses against collision
//! flooding. The mux's keys are the patterns the program registers; requests only *look up*, and a
//! look-up cannot lengthen a bucket chain. So the keyed hash buys nothing here and costs most of
//! an exact-match look-up; Fx hashes a short path in a few multiply-rotates.

use std::hash::{BuildHasherDefault, Hasher};

/// The multiplier of rustc's `FxHasher`.
const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// Fx hasher state: one word, folded with each 8-byte chunk of input.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

/// `BuildHasher` for `HashMap<_, _, FxBuildHasher>`.
pub(crate) type FxBuildHasher = BuildHasherDefault<FxHasher>;
