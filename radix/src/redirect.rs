//! The pieces of Go's `http.Redirect` that gin's trailing-slash and fixed-path
//! redirects go through: escape the new path like `url.URL.String()`, clean it
//! like `path.Clean` (keeping a trailing slash), append the query, and for GET
//! write the small HTML body.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

/// Bytes Go's `url.PathEscape`-for-paths (`encodePath` mode) leaves alone are
/// letters, digits, `-_.~` and `$&+,/:;=@`; everything else is escaped.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(b'!')
    .add(b'\'')
    .add(b'(')
    .add(b')')
    .add(b'*');

/// Go's `path.Clean`: resolve `.`/`..`, squeeze `//`, no trailing slash except `/`.
pub fn clean_path(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// gin's own `cleanPath` (gin 1.8.1 `path.go`): [`clean_path`], but always rooted (`""` is
/// `/`) and keeping a trailing slash the input had. `RemoveExtraSlash` and `RedirectFixedPath`
/// use it; only the `X-Forwarded-Prefix` of a trailing-slash redirect goes through `path.Clean`.
pub fn gin_clean_path(p: &str) -> String {
    if p.is_empty() {
        return "/".into();
    }
    let mut out = clean_path(&format!("/{}", p.trim_start_matches('/')));
    if p.ends_with('/') && out != "/" {
        out.push('/');
    }
    out
}

/// The `Location` Go's `http.Redirect` sends for a new request path.
pub fn location(new_path: &str, raw_query: &str) -> String {
    let escaped = utf8_percent_encode(new_path, PATH).to_string();
    let trailing = escaped.ends_with('/');
    let mut url = clean_path(&escaped);
    if trailing && !url.ends_with('/') {
        url.push('/');
    }
    if !raw_query.is_empty() {
        url.push('?');
        url.push_str(raw_query);
    }
    url
}

/// The body Go's `http.Redirect` writes for a GET.
pub fn html_body(url: &str, status: http::StatusCode) -> String {
    let escaped = url
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;");
    format!(
        "<a href=\"{escaped}\">{}</a>.\n\n",
        status.canonical_reason().unwrap_or("")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_like_go() {
        for (i, o) in [
            ("/a//b", "/a/b"),
            ("/a/../b/", "/b"),
            ("/", "/"),
            ("/..", "/"),
            ("a/./b", "a/b"),
        ] {
            assert_eq!(clean_path(i), o);
        }
        assert_eq!(location("/a b/", "x=1"), "/a%20b/?x=1");
        assert_eq!(location("/x//", ""), "/x/");
    }
}
