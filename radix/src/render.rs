//! gin's renders beyond `String`/`JSON`: `XML`, `YAML`, `IndentedJSON`, `PureJSON`,
//! `SecureJSON` and `JSONP`, each with gin 1.8.1's content type and bytes.
//!
//! Every render sets its `Content-Type` only when the handler has not set one (gin's
//! `writeContentType`), then the status, then the body. A value that cannot be encoded is a
//! render error: it goes into the error chain and the answer becomes a 500, as in gin.

use serde::Serialize;

use crate::context::Context;
use crate::go_json;

/// gin's `jsonContentType`.
pub const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";
/// gin's `jsonpContentType`.
pub const JSONP_CONTENT_TYPE: &str = "application/javascript; charset=utf-8";
/// gin's `xmlContentType`.
pub const XML_CONTENT_TYPE: &str = "application/xml; charset=utf-8";
/// gin's `yamlContentType`.
pub const YAML_CONTENT_TYPE: &str = "application/x-yaml; charset=utf-8";
/// gin's default `SecureJSON` prefix (`engine.SecureJsonPrefix`).
pub const SECURE_JSON_PREFIX: &str = "while(1);";

/// Go's `template.JSEscapeString`, which gin applies to a JSONP callback name.
pub fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 || c.is_control() => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

impl Context<'_> {
    async fn render_bytes<E: std::fmt::Display>(
        &mut self,
        code: u16,
        content_type: &str,
        body: Result<Vec<u8>, E>,
    ) {
        match body {
            Ok(body) => self.data(code, content_type, &body).await,
            Err(e) => self.render_failed(e),
        }
    }

    /// `value` as XML (gin's `c.XML`, Go's `xml.Encoder`): a struct is an element named after
    /// the type, each field a child element.
    pub async fn xml<T: Serialize>(&mut self, code: u16, value: &T) {
        let body = crate::go_xml::marshal(value);
        self.render_bytes(code, XML_CONTENT_TYPE, body).await;
    }

    /// `value` as YAML, laid out as go-yaml v2 writes the corresponding Go value (gin's
    /// `c.YAML`): a struct keeps its field order, a map's keys are sorted go-yaml's way, strings
    /// YAML 1.1 would read as another type are quoted.
    pub async fn yaml<T: Serialize + ?Sized>(&mut self, code: u16, value: &T) {
        let body = crate::go_yaml::marshal(value);
        self.render_bytes(code, YAML_CONTENT_TYPE, body).await;
    }

    /// `value` as JSON indented by four spaces (gin's `c.IndentedJSON`).
    pub async fn indented_json<T: Serialize + ?Sized>(&mut self, code: u16, value: &T) {
        let body = go_json::marshal_indent(value);
        self.render_bytes(code, JSON_CONTENT_TYPE, body).await;
    }

    /// `value` as JSON without HTML escaping, newline-terminated (gin's `c.PureJSON`).
    pub async fn pure_json<T: Serialize + ?Sized>(&mut self, code: u16, value: &T) {
        let body = go_json::encode_unescaped(value);
        self.render_bytes(code, JSON_CONTENT_TYPE, body).await;
    }

    /// `value` as JSON, prefixed with `while(1);` when it is an array, so that a `<script>` tag
    /// of another site cannot read it (gin's `c.SecureJSON`).
    pub async fn secure_json<T: Serialize + ?Sized>(&mut self, code: u16, value: &T) {
        let body = go_json::marshal(value).map(|json| {
            if json.starts_with(b"[") && json.ends_with(b"]") {
                let mut out = self.engine().secure_json_prefix.clone().into_bytes();
                out.extend_from_slice(&json);
                out
            } else {
                json
            }
        });
        self.render_bytes(code, JSON_CONTENT_TYPE, body).await;
    }

    /// `value` as JSON wrapped in the `callback` query parameter's function call, or plain
    /// JSON when there is none (gin's `c.JSONP`).
    pub async fn jsonp<T: Serialize + ?Sized>(&mut self, code: u16, value: &T) {
        let callback = self.default_query("callback", "");
        if callback.is_empty() {
            // gin 1.8.1 then renders plain JSON with JSON's content type.
            return self.json(code, value).await;
        }
        let body = go_json::marshal(value).map(|json| {
            let mut out = js_escape(&callback).into_bytes();
            out.push(b'(');
            out.extend_from_slice(&json);
            out.extend_from_slice(b");");
            out
        });
        self.render_bytes(code, JSONP_CONTENT_TYPE, body).await;
    }
}
