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
