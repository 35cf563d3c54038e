//! `Content-Type` from a file name's extension: Go's `mime.TypeByExtension` with its built-in table.
//!
//! Go starts from a small built-in table and, on Unix, adds the extensions of the system's MIME
//! databases (`/usr/share/mime/globs2`, `/etc/mime.types`, ...) that the table does not already
//! name. We keep only the built-in table (Go 1.27's `mime/type.go`, the same on every machine), so
//! an extension outside it is sniffed instead of looked up; that is the one place our answer may
//! differ from a Go binary on a machine with a MIME database. `mime_guess` was not used: its
//! types (`text/html` without a charset, for one) are not Go's.

/// Go's built-in extension table, sorted by extension for binary search.
const BUILTIN: &[(&str, &str)] = &[
    (".ai", "application/postscript"),
    (".apk", "application/vnd.android.package-archive"),
    (".apng", "image/apng"),
    (".avif", "image/avif"),
    (".bin", "application/octet-stream"),
    (".bmp", "image/bmp"),
    (".com", "application/octet-stream"),
    (".css", "text/css; charset=utf-8"),
    (".csv", "text/csv; charset=utf-8"),
    (".doc", "application/msword"),
    (
        ".docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (".ehtml", "text/html; charset=utf-8"),
    (".eml", "message/rfc822"),
    (".eps", "application/postscript"),
    (".exe", "application/octet-stream"),
    (".flac", "audio/flac"),
    (".gif", "image/gif"),
    (".gz", "application/gzip"),
    (".htm", "text/html; charset=utf-8"),
    (".html", "text/html; charset=utf-8"),
    (".ico", "image/vnd.microsoft.icon"),
    (".ics", "text/calendar; charset=utf-8"),
    (".jfif", "image/jpeg"),
    (".jpeg", "image/jpeg"),
    (".jpg", "image/jpeg"),
    (".js", "text/javascript; charset=utf-8"),
    (".json", "application/json"),
    (".m4a", "audio/mp4"),
    (".mjs", "text/javascript; charset=utf-8"),
    (".mp3", "audio/mpeg"),
    (".mp4", "video/mp4"),
    (".oga", "audio/ogg"),
    (".ogg", "audio/ogg"),
    (".ogv", "video/ogg"),
    (".opus", "audio/ogg"),
    (".pdf", "application/pdf"),
    (".pjp", "image/jpeg"),
    (".pjpeg", "image/jpeg"),
    (".png", "image/png"),
    (".ppt", "application/vnd.ms-powerpoint"),
    (
        ".pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    (".ps", "application/postscript"),
    (".rdf", "application/rdf+xml"),
    (".rtf", "application/rtf"),
    (".shtml", "text/html; charset=utf-8"),
    (".svg", "image/svg+xml"),
    (".text", "text/plain; charset=utf-8"),
    (".tif", "image/tiff"),
    (".tiff", "image/tiff"),
    (".txt", "text/plain; charset=utf-8"),
    (".vtt", "text/vtt; charset=utf-8"),
    (".wasm", "application/wasm"),
    (".wav", "audio/wav"),
    (".weba", "audio/webm"),
    (".webm", "video/webm"),
    (".webp", "image/webp"),
    (".xbl", "text/xml; charset=utf-8"),
    (".xbm", "image/x-xbitmap"),
    (".xht", "application/xhtml+xml"),
    (".xhtml", "application/xhtml+xml"),
    (".xls", "application/vnd.ms-excel"),
    (
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (".xml", "text/xml; charset=utf-8"),
    (".xsl", "text/xml; charset=utf-8"),
    (".zip", "application/zip"),
];

/// The type for extension `ext` (with its dot, e.g. `.html`), matched case-insensitively as Go's
/// second look-up does; `None` when the table does not know it.
pub fn type_by_extension(ext: &str) -> Option<&'static str> {
    if ext.len() > 8 {
        return None; // longer than any entry; also keeps the lower-casing below small
    }
    let lower = ext.to_ascii_lowercase();
    BUILTIN
        .binary_search_by(|(e, _)| (*e).cmp(lower.as_str()))
        .ok()
        .map(|i| BUILTIN[i].1)
}

/// Go's `filepath.Ext`: the suffix from the last `.` of the last element, or `""`.
pub fn extension(name: &str) -> &str {
    let base_start = name.rfind('/').map_or(0, |i| i + 1);
    match name[base_start..].rfind('.') {
        Some(i) => &name[base_start + i..],
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(BUILTIN.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn lookups() {
        assert_eq!(type_by_extension(".html"), Some("text/html; charset=utf-8"));
        assert_eq!(type_by_extension(".PNG"), Some("image/png"));
        assert_eq!(type_by_extension(".md"), None);
        assert_eq!(type_by_extension(""), None);
        assert_eq!(extension("a/b.tar.gz"), ".gz");
        assert_eq!(extension("a.d/file"), "");
        assert_eq!(extension(".bashrc"), ".bashrc");
        assert_eq!(extension("file."), ".");
    }
}
