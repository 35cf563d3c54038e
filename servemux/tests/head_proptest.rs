//! Property tests of the request-head parser: no input makes it panic, and a request built from
//! valid parts parses back to those parts.

use proptest::prelude::*;
use servemux::http::Method;
use servemux::{parse_head, Config};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_head(&bytes, &Config::default());
    }

    #[test]
    fn request_like_bytes_never_panic(
        line in "[A-Z]{1,7} [ -~]{0,40} HTTP/[0-9]\\.[0-9]",
        headers in proptest::collection::vec("[!-~&&[^:]]{1,12}:[ -~\t]{0,20}", 0..8),
        tail in proptest::collection::vec(any::<u8>(), 0..32),
    ) {
        let mut req = format!("{line}\r\n").into_bytes();
        for h in &headers {
            req.extend_from_slice(h.as_bytes());
            req.extend_from_slice(b"\r\n");
        }
        req.extend_from_slice(b"\r\n");
        req.extend_from_slice(&tail);
        let _ = parse_head(&req, &Config::default());
    }

    #[test]
    fn valid_request_round_trips(
        method in prop_oneof![Just("GET"), Just("POST"), Just("PUT"), Just("DELETE"), Just("PATCH"), Just("REPORT")],
        segments in proptest::collection::vec("[a-zA-Z0-9._~-]{1,8}", 0..5),
        query in proptest::option::of("[a-z0-9=&]{0,12}"),
        headers in proptest::collection::vec(("x-[a-z]{1,8}", "[!-~]([ -~]{0,16}[!-~])?"), 0..6),
        body_len in 0u64..1000,
    ) {
        let mut target = format!("/{}", segments.join("/"));
        if let Some(q) = &query {
            target.push('?');
            target.push_str(q);
        }
        let mut wire = format!("{method} {target} HTTP/1.1\r\nHost: example.com\r\n");
        for (name, value) in &headers {
            wire.push_str(&format!("{name}: {value}\r\n"));
        }
        wire.push_str(&format!("Content-Length: {body_len}\r\n\r\n"));
        let extra = "tail bytes stay unread";
        let bytes = format!("{wire}{extra}");

        let (head, len) = parse_head(bytes.as_bytes(), &Config::default()).unwrap().unwrap();
        prop_assert_eq!(len, wire.len());
        prop_assert_eq!(head.method, Method::from_bytes(method.as_bytes()).unwrap());
        prop_assert_eq!(&head.target, &target);
        for (name, value) in &headers {
            let got: Vec<_> = head.headers.get_all(name.as_str()).iter().map(|v| v.to_str().unwrap().to_owned()).collect();
            prop_assert!(got.contains(value));
        }
        prop_assert!(head.keep_alive);
        let want = if body_len == 0 {
            servemux::BodyFraming::Empty
        } else {
            servemux::BodyFraming::Length(body_len)
        };
        prop_assert_eq!(head.framing, want);
    }
}
