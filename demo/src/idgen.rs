//! Trace ids as goinbox/gohttp's `idgen` makes them, for the client's log line.
//!
//! goinbox's client logs a trace id in every line (`-` until `SetTraceId` gives one), and its
//! `idgen.TraceIdGenerator` makes such ids from an address and the clock, so that the lines of
//! one request can be found across the services it crossed (go-jar/gohttp `idgen/trace.go`,
//! `GenerateId`). An id is the concatenation of
//!
//! | part | Go | example for `127.0.0.1`, port `8010` |
//! | --- | --- | --- |
//! | each IPv4 octet as two hex digits | `%02x` | `7f000001` |
//! | the port, zero-padded to 5 | `%05s` | `08010` |
//! | Unix time in milliseconds | `UnixNano()/1e6` | `1607869863123` |
//! | a counter, zero-padded to its width, wrapping at 10^width | `%04d` | `0000` |
//!
//! Go's version also prints every intermediate id on stdout (left-over debugging); that is not
//! ported.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Makes trace ids; one generator is shared by all requests, which share its counter.
#[derive(Debug)]
pub struct TraceIdGenerator {
    width: u32,
    counter: AtomicU64,
}

/// The address part of an id was not an IPv4 address in numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadAddress(pub String);

impl fmt::Display for BadAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a numeric IPv4 address: {:?}", self.0)
    }
}

impl std::error::Error for BadAddress {}

impl Default for TraceIdGenerator {
    /// Go's `DefaultTraceIdGenerator`: a 4-digit counter.
    fn default() -> Self {
        TraceIdGenerator::new(4)
    }
}

impl TraceIdGenerator {
    /// A generator whose counter has `width` digits (at most 18, so that it fits a `u64`).
    pub fn new(width: u32) -> Self {
        TraceIdGenerator {
            width: width.min(18),
            counter: AtomicU64::new(0),
        }
    }

    /// A new id for `ip` (dotted numbers) and `port`, at the current time.
    pub fn generate(&self, ip: &str, port: &str) -> Result<String, BadAddress> {
        let millis = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        self.generate_at(ip, port, millis)
    }

    /// [`generate`](Self::generate) at a given Unix time in milliseconds.
    pub fn generate_at(&self, ip: &str, port: &str, millis: u128) -> Result<String, BadAddress> {
        let mut id = String::new();
        for octet in ip.split('.') {
            let v: i64 = octet.parse().map_err(|_| BadAddress(ip.to_owned()))?;
            id.push_str(&go_hex02(v));
        }
        id.push_str(&format!("{port:0>5}"));
        id.push_str(&millis.to_string());
        let modulus = 10_u64.pow(self.width);
        let n = self
            .counter
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |c| {
                Some((c + 1) % modulus)
            })
            .unwrap_or(0);
        id.push_str(&format!("{n:0width$}", width = self.width as usize));
        Ok(id)
    }
}

/// Go's `%02x` of an `int`: the sign, then hex digits, zero-padded so that both fill 2 places.
fn go_hex02(v: i64) -> String {
    let digits = format!("{:x}", v.unsigned_abs());
    if v < 0 {
        format!("-{digits}")
    } else {
        format!("{digits:0>2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_parts_in_go_order() {
        let g = TraceIdGenerator::default();
        let id = g
            .generate_at("127.0.0.1", "8010", 1_607_869_863_123)
            .unwrap();
        assert_eq!(id, "7f000001080101607869863123".to_owned() + "0000");
        let id = g.generate_at("10.1.255.16", "80", 5).unwrap();
        assert_eq!(id, "0a01ff10000805".to_owned() + "0001");
    }

    #[test]
    fn counter_wraps_at_its_width() {
        let g = TraceIdGenerator::new(1);
        let tails: String = (0..12)
            .map(|_| g.generate_at("1.2.3.4", "1", 0).unwrap().pop().unwrap())
            .collect();
        assert_eq!(tails, "012345678901");
    }

    #[test]
    fn go_formats_for_odd_octets() {
        assert_eq!(go_hex02(0), "00");
        assert_eq!(go_hex02(256), "100");
        assert_eq!(go_hex02(-1), "-1");
    }

    #[test]
    fn a_name_is_not_an_address() {
        let g = TraceIdGenerator::default();
        assert_eq!(
            g.generate_at("localhost", "80", 0),
            Err(BadAddress("localhost".into()))
        );
        assert!(g.generate_at("1..2", "80", 0).is_err());
    }
}
