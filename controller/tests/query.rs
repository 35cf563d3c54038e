//! Typed query parameters (goinbox/gohttp's `query`), over real HTTP and against a reference
//! model of Go's `QuerySet.Parse`.

mod common;

use controller::query::{is_positive, not_empty, Param, QuerySet};
use controller::{boxed, ActionContext, ActionResult, BaseContext, Controller, Router};
use proptest::prelude::*;
use servemux::{Request, ResponseWriter};

struct ListController;

impl Controller for ListController {
    type Context<'a> = BaseContext<'a>;
    fn new_action_context<'a>(&self, r: &'a Request, w: &'a mut ResponseWriter) -> BaseContext<'a> {
        BaseContext::new(r, w)
    }
}

#[controller::actions]
impl ListController {
    // ANCHOR: action
    fn users_action(ctx: &mut BaseContext) -> ActionResult {
        ctx.append("buffered before the parse\n");
        let (mut page, mut name, mut limit, mut active) = (1_i64, String::new(), 20_u32, false);
        let seen = QuerySet::new()
            .var(
                &mut page,
                Param::new("page", 101, "invalid page").check(is_positive),
            )
            .var(
                &mut name,
                Param::new("name", 102, "invalid name")
                    .required()
                    .check(not_empty),
            )
            .var(
                &mut limit,
                Param::new("limit", 103, "invalid limit").check(|l| *l <= 100),
            )
            .var(&mut active, Param::new("active", 104, "invalid active"))
            .parse(ctx.request())?; // a bad query leaves the action here: 400 and the error
        let mut given: Vec<&str> = seen.names().collect();
        given.sort_unstable();
        ctx.set(format!(
            "page={page} name={name} limit={limit} active={active} given={given:?}\n"
        ));
        Ok(())
    }
    // ANCHOR_END: action
}

async fn start() -> common::Running {
    let mut router = Router::new();
    router.register_routes([boxed(ListController)]).unwrap();
    common::serve(router).await
}

#[tokio::test]
async fn parameters_parse_into_their_types() {
    let srv = start().await;
    let cases = [
        (
            "/list/users?name=bob",
            "page=1 name=bob limit=20 active=false given=[\"name\"]\n",
        ),
        (
            "/list/users?name=bob&page=3&limit=100&active=true",
            "page=3 name=bob limit=100 active=true given=[\"active\", \"limit\", \"name\", \"page\"]\n",
        ),
        // Trimmed, first value wins, `+` sign accepted, undeclared names ignored.
        (
            "/list/users?name=%20bob%20&name=alice&page=%2B7&other=x",
            "page=7 name=bob limit=20 active=false given=[\"name\", \"page\"]\n",
        ),
        // An empty number is 0 (Go's rule), and 0 passes `limit`'s check.
        (
            "/list/users?name=bob&limit=&active=1",
            "page=1 name=bob limit=0 active=true given=[\"active\", \"limit\", \"name\"]\n",
        ),
    ];
    for (path, body) in cases {
        let a = srv.get(path).await;
        assert_eq!((a.status, a.text().as_str()), (200, body), "{path}");
    }
    srv.stop().await;
}

// ANCHOR: errors
#[tokio::test]
async fn bad_parameters_answer_with_their_errno_and_message() {
    let srv = start().await;
    let cases = [
        ("/list/users", "errno: 102, msg: invalid name\n"), // required, absent
        ("/list/users?name=", "errno: 102, msg: invalid name\n"), // present, fails its check
        (
            "/list/users?name=bob&page=abc",
            "errno: 101, msg: invalid page\n",
        ), // not a number
        (
            "/list/users?name=bob&page=-1",
            "errno: 101, msg: invalid page\n",
        ), // fails its check
        (
            "/list/users?name=bob&page=",
            "errno: 101, msg: invalid page\n",
        ), // 0 is not positive
        (
            "/list/users?name=bob&page=99999999999999999999",
            "errno: 101, msg: invalid page\n",
        ),
        (
            "/list/users?name=bob&limit=-1",
            "errno: 103, msg: invalid limit\n",
        ), // u32
        (
            "/list/users?name=bob&limit=101",
            "errno: 103, msg: invalid limit\n",
        ),
        (
            "/list/users?name=bob&active=yes",
            "errno: 104, msg: invalid active\n",
        ),
        // Two bad parameters: the first declared one is reported.
        ("/list/users?page=0", "errno: 101, msg: invalid page\n"),
    ];
    for (path, body) in cases {
        let a = srv.get(path).await;
        // The error replaces what the action had buffered.
        assert_eq!((a.status, a.text().as_str()), (400, body), "{path}");
    }
    srv.stop().await;
}
// ANCHOR_END: errors

// ---------------------------------------------------------------------------------------------
// The model: Go's `Parse` over three declarations, written out directly.

/// `page`: i64, optional, > 0, errno 1. `name`: string, required, non-empty, errno 2.
/// `n`: i32, optional, no check, errno 3.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Filled {
    page: i64,
    name: String,
    n: i32,
    given: Vec<&'static str>,
}

/// Go's `strconv.Atoi`/`ParseInt(s, 10, bits)`: an optional sign, at least one decimal digit,
/// nothing else, in range.
fn go_parse_int(s: &str, min: i128, max: i128) -> Option<i128> {
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut v: i128 = 0;
    for b in digits.bytes() {
        v = v.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        if v > max + 1 {
            return None;
        }
    }
    let v = if negative { -v } else { v };
    (min..=max).contains(&v).then_some(v)
}

fn model(pairs: &[(String, String)]) -> Result<Filled, i64> {
    let first = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
    };
    let mut out = Filled {
        page: 1,
        name: String::new(),
        n: 7,
        given: Vec::new(),
    };
    if let Some(v) = first("page") {
        out.given.push("page");
        let page = if v.is_empty() {
            0
        } else {
            go_parse_int(&v, i64::MIN.into(), i64::MAX.into()).ok_or(1)? as i64
        };
        if page <= 0 {
            return Err(1);
        }
        out.page = page;
    }
    match first("name") {
        None => return Err(2),
        Some(v) => {
            out.given.push("name");
            if v.is_empty() {
                return Err(2);
            }
            out.name = v;
        }
    }
    if let Some(v) = first("n") {
        out.given.push("n");
        out.n = if v.is_empty() {
            0
        } else {
            go_parse_int(&v, i32::MIN.into(), i32::MAX.into()).ok_or(3)? as i32
        };
    }
    Ok(out)
}

fn ours(pairs: &[(String, String)]) -> Result<Filled, i64> {
    let (mut page, mut name, mut n) = (1_i64, String::new(), 7_i32);
    let seen = QuerySet::new()
        .var(&mut page, Param::new("page", 1, "page").check(is_positive))
        .var(
            &mut name,
            Param::new("name", 2, "name").required().check(not_empty),
        )
        .var(&mut n, Param::new("n", 3, "n"))
        .parse_pairs(pairs)
        .map_err(|e| e.errno())?;
    let given = ["page", "name", "n"]
        .into_iter()
        .filter(|k| seen.exists(k))
        .collect();
    Ok(Filled {
        page,
        name,
        n,
        given,
    })
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(" ".to_owned()),
        Just("bob".to_owned()),
        Just("0".to_owned()),
        Just("+0".to_owned()),
        Just("-".to_owned()),
        Just("2147483647".to_owned()),
        Just("2147483648".to_owned()),
        Just("-9223372036854775808".to_owned()),
        Just("9223372036854775808".to_owned()),
        Just("1_000".to_owned()),
        Just("0x10".to_owned()),
        any::<i64>().prop_map(|v| v.to_string()),
        (-5_i32..50).prop_map(|v| format!(" {v}\t")),
        "[ -+0-9a]{0,6}",
    ]
}

fn pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    let key = prop_oneof![Just("page"), Just("name"), Just("n"), Just("other")];
    prop::collection::vec((key.prop_map(str::to_owned), value()), 0..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_matches_the_model_of_go(pairs in pairs()) {
        prop_assert_eq!(ours(&pairs), model(&pairs));
    }
}
