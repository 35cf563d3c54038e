//! A directory without `index.html`: Go's `dirList`, the listing page in Go's exact format.
//!
//! The page is a `<pre>` of links sorted by name, directories marked with a trailing slash. Each
//! link is the name escaped as a URL path (a `?` or `#` in a name must not start a query or a
//! fragment; a `:` in it gets `./` in front so it cannot read as a scheme), each text the name
//! HTML-escaped.

use http::header::{self, HeaderValue};
use http::StatusCode;

use super::file_system::File;
use crate::redirect::{escape_path, html_escape};
use crate::{reply_error, ResponseWriter};

/// The listing page for `entries` (sorted here), as Go writes it.
pub fn render(mut entries: Vec<super::file_system::DirEntry>) -> String {
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    let mut page = String::from(
        "<!doctype html>\n<meta name=\"viewport\" content=\"width=device-width\">\n<pre>\n",
    );
    for e in &entries {
        let mut name = e.name.clone();
        if e.is_dir {
            name.push('/');
        }
        page.push_str("<a href=\"");
        push_url_of_path(&name, &mut page);
        page.push_str("\">");
        page.push_str(&html_escape(&name));
        page.push_str("</a>\n");
    }
    page.push_str("</pre>\n");
    page
}

/// Go's `url.URL{Path: p}.String()` for a relative path.
fn push_url_of_path(p: &str, out: &mut String) {
    if p == "*" {
        out.push('*'); // Go's EscapedPath leaves the path "*" as it is
        return;
    }
    let first_segment = p.split('/').next().unwrap_or("");
    if first_segment.contains(':') {
        out.push_str("./");
    }
    escape_path(p, out);
}

/// Writes the listing of directory `f` (Go's `dirList`).
pub async fn dir_list(w: &mut ResponseWriter, f: &File) {
    let entries = match f.read_dir().await {
        Ok(entries) => entries,
        Err(e) => {
            tracing::error!(error = %e, "http: error reading directory");
            reply_error(
                w,
                "Error reading directory",
                StatusCode::INTERNAL_SERVER_ERROR,
            )
            .await;
            return;
        }
    };
    if !f.is_listable() {
        w.write_header(StatusCode::NOT_FOUND);
    }
    w.header_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    let page = render(entries);
    let _ = w.write(page.as_bytes()).await;
}

#[cfg(test)]
mod tests {
    use super::super::file_system::DirEntry;
    use super::*;

    fn e(name: &str, is_dir: bool) -> DirEntry {
        DirEntry {
            name: name.to_owned(),
            is_dir,
        }
    }

    #[test]
    fn go_format_sorted_escaped() {
        let page = render(vec![
            e("b c.txt", false),
            e("a:b", false),
            e("sub", true),
            e("<x>&'\"?#", false),
            e("é", false),
        ]);
        assert_eq!(
            page,
            "<!doctype html>\n<meta name=\"viewport\" content=\"width=device-width\">\n<pre>\n\
             <a href=\"%3Cx%3E&%27%22%3F%23\">&lt;x&gt;&amp;&#39;&#34;?#</a>\n\
             <a href=\"./a:b\">a:b</a>\n\
             <a href=\"b%20c.txt\">b c.txt</a>\n\
             <a href=\"sub/\">sub/</a>\n\
             <a href=\"%C3%A9\">é</a>\n\
             </pre>\n"
        );
    }
}
