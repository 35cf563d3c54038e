//! gin's binding: decode the request into a serde type, then check its declared rules.
//!
//! gin picks a decoder from the method and `Content-Type` (`binding.Default`), decodes, and then
//! runs go-playground/validator over the struct's `binding:"required,min=3"` tags. Here the type
//! derives `serde::Deserialize` for the decoding and `validator::Validate` for the rules
//! (`#[validate(required)]`, `#[validate(length(min = 3))]`, ...), and the same two steps run.
//!
//! `should_bind*` only report the error; `bind*` (gin's `MustBindWith`) also record it in the
//! error chain as a bind error, answer 400 with an empty body and abort, as gin does.

use serde::de::DeserializeOwned;
use servemux::BodyError;
use validator::{Validate, ValidationErrors};

use crate::context::Context;
use crate::errors::ErrorType;

/// Why a binding failed.
#[derive(Debug)]
pub enum BindError {
    /// The body could not be read (too large, malformed framing, the client left).
    Body(BodyError),
    /// The body is not the JSON the type wants.
    Json(serde_json::Error),
    /// The query or form does not decode into the type.
    Form(serde_html_form::de::Error),
    /// The body is not the XML the type wants.
    Xml(quick_xml::DeError),
    /// The body is not the YAML the type wants.
    Yaml(serde_yaml::Error),
    /// A multipart body could not be parsed.
    Multipart(multer::Error),
    /// The value decoded but breaks its declared rules.
    Validation {
        /// The Rust type's short name (gin's messages name the Go struct).
        type_name: &'static str,
        /// The failures, as the `validator` crate reports them.
        errors: ValidationErrors,
    },
}

impl BindError {
    /// The failed (field, rule) pairs, sorted by field; empty for decoding errors. As
    /// go-playground/validator stops at a field's first failed tag, only the first failure of
    /// each field (`required` if it failed) is given: this is what gin's
    /// `FieldError.Field()`/`Tag()` list.
    pub fn field_errors(&self) -> Vec<(String, String)> {
        let BindError::Validation { errors, .. } = self else {
            return Vec::new();
        };
        let mut out: Vec<(String, String)> = errors
            .field_errors()
            .into_iter()
            .filter_map(|(field, errs)| {
                // `required` is first in gin's tags and go-playground stops at the first failure;
                // the validator crate does not keep the declared order, so it is put first here.
                errs.iter()
                    .find(|e| e.code == "required")
                    .or_else(|| errs.first())
                    .map(|e| (field.to_string(), e.code.to_string()))
            })
            .collect();
        out.sort();
        out
    }
}

impl std::fmt::Display for BindError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BindError::Body(e) => write!(f, "reading the body: {e}"),
            BindError::Json(e) => write!(f, "invalid JSON body: {e}"),
            BindError::Form(e) => write!(f, "invalid form: {e}"),
            BindError::Xml(e) => write!(f, "invalid XML body: {e}"),
            BindError::Yaml(e) => write!(f, "invalid YAML body: {e}"),
            BindError::Multipart(e) => write!(f, "invalid multipart body: {e}"),
            BindError::Validation { type_name, .. } => {
                // go-playground/validator's wording, one line per failed rule.
                let lines: Vec<String> = self
                    .field_errors()
                    .iter()
                    .map(|(field, tag)| {
                        format!(
                            "Key: '{type_name}.{field}' Error:Field validation for '{field}' failed on the '{tag}' tag"
                        )
                    })
                    .collect();
                f.write_str(&lines.join("\n"))
            }
        }
    }
}

impl std::error::Error for BindError {}

/// Which decoder gin's `binding.Default(method, contentType)` picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// `application/json`.
    Json,
    /// `application/xml`, `text/xml`.
    Xml,
    /// `application/x-yaml`, parsed with serde_yaml. gin parses with go-yaml v2, which reads
    /// plain scalars by YAML 1.1: the two agree on YAML that go-yaml (or [`crate::go_yaml`])
    /// writes, where such text is quoted, and on plain strings, numbers and `true`/`false`. They
    /// differ on plain words only YAML 1.1 reads as another type: `yes`, `on`, `y` (and `no`,
    /// `off`, `n`) into a bool field, `1_000` or `017` (octal 15 to go-yaml) into an int field,
    /// where gin takes them and serde_yaml refuses them; and `~` into a string field, which gin
    /// leaves empty and serde_yaml fills with `~`. Into a string field the other words give the
    /// text in both.
    Yaml,
    /// Query plus urlencoded body (gin's `binding.Form`), also every unknown type.
    Form,
    /// Query plus the text fields of a `multipart/form-data` body.
    MultipartForm,
}

impl Binding {
    /// gin's `binding.Default`: GET always binds the form (the query); otherwise the media type.
    pub fn default_for(method: &http::Method, content_type: &str) -> Binding {
        if method == http::Method::GET {
            return Binding::Form;
        }
        match content_type {
            "application/json" => Binding::Json,
            "application/xml" | "text/xml" => Binding::Xml,
            "application/x-yaml" | "application/yaml" => Binding::Yaml,
            "multipart/form-data" => Binding::MultipartForm,
            _ => Binding::Form,
        }
    }
}

/// Decode form pairs into `T`, as gin's form mapping fills a struct (gin 1.8.1
/// `binding/form_mapping.go`):
/// - a slice field takes every value of its key and a scalar field the first; `serde_html_form`
///   refuses a repeated key for a scalar, so a failed decode is tried with the first values only;
/// - an empty value for a number or a bool is that type's zero (`setIntField` and its siblings
///   read `""` as `"0"` or `"false"`), where serde refuses to parse `""`: a decode that still
///   fails is tried without the empty values, so such a field falls back to its
///   `#[serde(default)]`, which is the same zero. (A string field with `#[serde(default)]` is
///   `""` either way.)
///
/// The first error is the one reported when every try fails.
fn decode_form<T: DeserializeOwned>(pairs: &[(String, String)]) -> Result<T, BindError> {
    let encode = |pairs: &mut dyn Iterator<Item = &(String, String)>| {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    };
    let firsts = |pairs: &mut dyn Iterator<Item = &(String, String)>| {
        let mut seen = std::collections::HashSet::new();
        encode(&mut pairs.filter(|(k, _)| seen.insert(k.as_str())))
    };
    let all = encode(&mut pairs.iter());
    let first_error = match serde_html_form::from_str(&all) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let non_empty = || pairs.iter().filter(|(_, v)| !v.is_empty());
    let retries = [
        firsts(&mut pairs.iter()),
        encode(&mut non_empty()),
        firsts(&mut non_empty()),
    ];
    let mut tried = vec![all];
    for form in retries {
        if tried.contains(&form) {
            continue;
        }
        if let Ok(v) = serde_html_form::from_str(&form) {
            return Ok(v);
        }
        tried.push(form);
    }
    Err(BindError::Form(first_error))
}

fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

fn validate<T: Validate>(v: T) -> Result<T, BindError> {
    match v.validate() {
        Ok(()) => Ok(v),
        Err(errors) => Err(BindError::Validation {
            type_name: short_type_name::<T>(),
            errors,
        }),
    }
}

impl Context<'_> {
    /// The request's media type without parameters (gin's `c.ContentType()`).
    pub fn content_type(&self) -> &str {
        self.request()
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|ct| ct.split(';').next().unwrap_or("").trim())
            .unwrap_or("")
    }

    /// Decode with the binding gin would pick and validate (gin's `ShouldBind`).
    pub async fn should_bind<T: DeserializeOwned + Validate>(&mut self) -> Result<T, BindError> {
        let b = Binding::default_for(self.method(), self.content_type());
        self.should_bind_with(b).await
    }

    /// Decode with binding `b` and validate (gin's `ShouldBindWith`).
    pub async fn should_bind_with<T: DeserializeOwned + Validate>(
        &mut self,
        b: Binding,
    ) -> Result<T, BindError> {
        let v: T = match b {
            Binding::Json => {
                let body = self.body_bytes().await.map_err(BindError::Body)?;
                serde_json::from_slice(body).map_err(BindError::Json)?
            }
            Binding::Xml => {
                let body = self.body_bytes().await.map_err(BindError::Body)?;
                let text = String::from_utf8_lossy(body);
                quick_xml::de::from_str(&text).map_err(BindError::Xml)?
            }
            Binding::Yaml => {
                let body = self.body_bytes().await.map_err(BindError::Body)?;
                serde_yaml::from_slice(body).map_err(BindError::Yaml)?
            }
            Binding::Form | Binding::MultipartForm => {
                let pairs = self.form_pairs().await?;
                decode_form(&pairs)?
            }
        };
        validate(v)
    }

    /// Decode the body as JSON and validate (gin's `ShouldBindJSON`).
    pub async fn should_bind_json<T: DeserializeOwned + Validate>(
        &mut self,
    ) -> Result<T, BindError> {
        self.should_bind_with(Binding::Json).await
    }

    /// Decode the query string alone and validate (gin's `ShouldBindQuery`).
    pub async fn should_bind_query<T: DeserializeOwned + Validate>(
        &mut self,
    ) -> Result<T, BindError> {
        let pairs = self.request().query_pairs();
        validate(decode_form(&pairs)?)
    }

    /// [`should_bind`](Self::should_bind), and on failure gin's 400 (gin's `Bind`).
    pub async fn bind<T: DeserializeOwned + Validate>(&mut self) -> Result<T, BindError> {
        let r = self.should_bind().await;
        self.fail_bind(r)
    }

    /// [`should_bind_json`](Self::should_bind_json), and on failure gin's 400 (gin's `BindJSON`).
    pub async fn bind_json<T: DeserializeOwned + Validate>(&mut self) -> Result<T, BindError> {
        let r = self.should_bind_json().await;
        self.fail_bind(r)
    }

    /// [`should_bind_query`](Self::should_bind_query), and on failure gin's 400 (gin's `BindQuery`).
    pub async fn bind_query<T: DeserializeOwned + Validate>(&mut self) -> Result<T, BindError> {
        let r = self.should_bind_query().await;
        self.fail_bind(r)
    }

    // ANCHOR: must_bind
    /// gin's `MustBindWith` failure path: `AbortWithError(400, err).SetType(ErrorTypeBind)`.
    fn fail_bind<T>(&mut self, r: Result<T, BindError>) -> Result<T, BindError> {
        if let Err(e) = &r {
            self.error_typed(e.to_string(), ErrorType::Bind);
            self.abort_with_status(400);
        }
        r
    }
    // ANCHOR_END: must_bind
}
