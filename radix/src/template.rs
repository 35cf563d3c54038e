//! HTML templates: gin's `engine.LoadHTMLGlob(pattern)` and `c.HTML(code, name, data)`.
//!
//! gin parses Go `html/template` files; here the engine is `minijinja` (Jinja2 syntax, kept by
//! the author of Jinja2, no unsafe code, auto-escaping for `.html` files). Like Go's `ParseGlob`,
//! every file the pattern matches becomes a template named by its base name.

use std::sync::Arc;

use serde::Serialize;

use crate::context::Context;
use crate::engine::Engine;

/// Why the templates could not be loaded.
#[derive(Debug)]
pub enum TemplateError {
    /// The glob pattern is malformed.
    Pattern(glob::PatternError),
    /// The pattern matched no file (Go's `ParseGlob` fails the same way).
    NoMatch(String),
    /// A file could not be read.
    Io(std::path::PathBuf, std::io::Error),
    /// A file is not a valid template.
    Syntax(minijinja::Error),
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TemplateError::Pattern(e) => write!(f, "bad template pattern: {e}"),
            TemplateError::NoMatch(p) => write!(f, "pattern matches no files: {p:?}"),
            TemplateError::Io(p, e) => write!(f, "reading template {}: {e}", p.display()),
            TemplateError::Syntax(e) => write!(f, "template syntax: {e}"),
        }
    }
}

impl std::error::Error for TemplateError {}

impl Engine {
    /// Load every file matching `pattern` as a template named by its file name.
    pub fn load_html_glob(&mut self, pattern: &str) -> Result<(), TemplateError> {
        let mut env = minijinja::Environment::new();
        // Go's templates keep a file's final newline; Jinja's default drops it.
        env.set_keep_trailing_newline(true);
        env.set_formatter(go_html_formatter);
        let mut any = false;
        for entry in glob::glob(pattern).map_err(TemplateError::Pattern)? {
            let Ok(path) = entry else { continue };
            if !path.is_file() {
                continue;
            }
            let source =
                std::fs::read_to_string(&path).map_err(|e| TemplateError::Io(path.clone(), e))?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            env.add_template_owned(name, source)
                .map_err(TemplateError::Syntax)?;
            any = true;
        }
        if !any {
            return Err(TemplateError::NoMatch(pattern.to_string()));
        }
        self.templates = Some(Arc::new(env));
        Ok(())
    }
}

impl Context<'_> {
    /// Render template `name` with `data` as HTML (gin's `c.HTML`). A missing template or a
    /// render error is a render error: 500.
    pub async fn html<T: Serialize>(&mut self, code: u16, name: &str, data: &T) {
        let rendered = match &self.engine().templates {
            None => Err("no templates loaded (call load_html_glob)".to_string()),
            Some(env) => env
                .get_template(name)
                .and_then(|t| t.render(data))
                .map_err(|e| e.to_string()),
        };
        match rendered {
            Ok(body) => {
                self.data(code, "text/html; charset=utf-8", body.as_bytes())
                    .await
            }
            Err(e) => self.render_failed(e),
        }
    }
}

// ANCHOR: go_escape
/// Writes a value as Go's `html/template` does in text: HTML-escaped by Go's table (`&#34;` and
/// `&#39;` for the quotes, `&#43;` for `+`, U+FFFD for NUL; Go 1.19 `html/template/html.go`,
/// `htmlReplacementTable`) where minijinja's own escaping writes `&quot;`, `&#x27;` and `&#x2f;`,
/// and booleans as Go prints them (`true`, not Python's `True`). Go escapes by context (URLs,
/// scripts and styles each have their own rules); this keeps to the text and quoted-attribute
/// rule, the one a template's `{{.}}` between tags gets.
fn go_html_formatter(
    out: &mut minijinja::Output,
    state: &minijinja::State,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    use minijinja::value::ValueKind;
    if state.auto_escape() != minijinja::AutoEscape::Html || value.is_safe() {
        return minijinja::escape_formatter(out, state, value);
    }
    match value.kind() {
        ValueKind::Bool => out.write_str(if value.is_true() { "true" } else { "false" })?,
        ValueKind::Undefined | ValueKind::None | ValueKind::Number => {
            return minijinja::escape_formatter(out, state, value)
        }
        _ => match value.as_str() {
            Some(s) => out.write_str(&go_html_escape(s))?,
            None => out.write_str(&go_html_escape(&value.to_string()))?,
        },
    }
    Ok(())
}

// ANCHOR_END: go_escape

/// Go's `htmlEscaper` for text: `"`, `&`, `'`, `+`, `<`, `>` and NUL.
pub(crate) fn go_html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{FFFD}'),
            '"' => out.push_str("&#34;"),
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&#39;"),
            '+' => out.push_str("&#43;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_by_go_table() {
        let mut env = minijinja::Environment::new();
        env.set_formatter(go_html_formatter);
        env.add_template(
            "t.html",
            "<p title=\"{{ s }}\">{{ s }} {{ b }} {{ n }} {{ raw|safe }}</p>",
        )
        .unwrap();
        let got = env
            .get_template("t.html")
            .unwrap()
            .render(minijinja::context! {
                s => "a\"b'c+d<e>&f/g\0", b => true, n => 7, raw => "<i>"
            })
            .unwrap();
        // Go 1.19 html/template with {{.s}} {{.b}} {{.n}} and a template.HTML for raw.
        assert_eq!(
            got,
            "<p title=\"a&#34;b&#39;c&#43;d&lt;e&gt;&amp;f/g\u{FFFD}\">\
             a&#34;b&#39;c&#43;d&lt;e&gt;&amp;f/g\u{FFFD} true 7 <i></p>"
        );
    }
}
