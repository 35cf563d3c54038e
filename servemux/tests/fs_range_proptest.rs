//! `parse_range` against a reference model: random `Range` headers built from well-formed and
//! malformed specs, compared with a model that reads each spec on its own and then applies Go's
//! two whole-header rules (any bad spec refuses the header; none overlapping is `NoOverlap`).
//! Arbitrary text must never panic.

use proptest::prelude::*;
use servemux::fs::{parse_range, ByteRange, RangeError, MAX_RANGES};

/// One `first-last` spec; `None` leaves that side empty.
#[derive(Debug, Clone)]
struct Spec {
    first: Option<u64>,
    last: Option<u64>,
    /// Spaces around the dash and the comma, which Go trims.
    pad: bool,
}

impl Spec {
    fn text(&self) -> String {
        let f = self.first.map(|v| v.to_string()).unwrap_or_default();
        let l = self.last.map(|v| v.to_string()).unwrap_or_default();
        if self.pad {
            format!(" {f} - {l} ")
        } else {
            format!("{f}-{l}")
        }
    }
}

/// What one spec means for content of `size` bytes: a range, "starts past the end", or invalid.
enum Meaning {
    Range(ByteRange),
    PastEnd,
    Invalid,
}

fn model_one(s: &Spec, size: u64) -> Meaning {
    match (s.first, s.last) {
        (None, None) => Meaning::Invalid,
        (None, Some(n)) => {
            let n = n.min(size);
            Meaning::Range(ByteRange {
                start: size - n,
                length: n,
            })
        }
        (Some(a), _) if a >= size => Meaning::PastEnd,
        (Some(a), None) => Meaning::Range(ByteRange {
            start: a,
            length: size - a,
        }),
        (Some(a), Some(b)) if a > b => Meaning::Invalid,
        (Some(a), Some(b)) => Meaning::Range(ByteRange {
            start: a,
            length: b.min(size - 1) - a + 1,
        }),
    }
}

fn model(specs: &[Spec], size: u64) -> Result<Vec<ByteRange>, RangeError> {
    if specs.len() > MAX_RANGES {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let mut past_end = false;
    // Go stops at the first invalid spec; any invalid one refuses the header, so order is moot.
    for s in specs {
        match model_one(s, size) {
            Meaning::Range(r) => out.push(r),
            Meaning::PastEnd => past_end = true,
            Meaning::Invalid => return Err(RangeError::Invalid),
        }
    }
    if past_end && out.is_empty() {
        return Err(RangeError::NoOverlap);
    }
    Ok(out)
}

fn spec() -> impl Strategy<Value = Spec> {
    let side = prop_oneof![1 => Just(None), 4 => (0u64..40).prop_map(Some)];
    (side.clone(), side, any::<bool>()).prop_map(|(first, last, pad)| Spec { first, last, pad })
}

proptest! {
    #[test]
    fn matches_the_model(specs in prop::collection::vec(spec(), 1..6), size in 0u64..30) {
        let header = format!(
            "bytes={}",
            specs.iter().map(Spec::text).collect::<Vec<_>>().join(",")
        );
        prop_assert_eq!(parse_range(&header, size), model(&specs, size), "{}", header);
    }

    #[test]
    fn never_panics(s in "\\PC{0,40}", size in 0u64..u64::MAX) {
        let _ = parse_range(&s, size);
        let _ = parse_range(&format!("bytes={s}"), size);
    }
}

#[test]
fn more_than_max_ranges_is_no_range() {
    let specs: Vec<Spec> = (0..=MAX_RANGES)
        .map(|_| Spec {
            first: Some(0),
            last: Some(0),
            pad: false,
        })
        .collect();
    let header = format!(
        "bytes={}",
        specs.iter().map(Spec::text).collect::<Vec<_>>().join(",")
    );
    assert_eq!(parse_range(&header, 10), Ok(vec![]));
    assert_eq!(model(&specs, 10), Ok(vec![]));
}
