//! Form values: gin's `PostForm`, `DefaultPostForm`, `PostFormArray`, and the merged form
//! (body then query) that form binding decodes.
//!
//! As Go's `ParseForm`/`ParseMultipartForm`, the body is read only for POST, PUT and PATCH, from
//! an `application/x-www-form-urlencoded` body or the text fields of a multipart one.

use http::Method;

use crate::binding::BindError;
use crate::context::Context;
use crate::multipart::MultipartError;

impl Context<'_> {
    /// The body's form pairs in order; empty when the request has no form body.
    pub(crate) async fn post_form_pairs(&mut self) -> Result<Vec<(String, String)>, BindError> {
        let m = self.method();
        if !(m == Method::POST || m == Method::PUT || m == Method::PATCH) {
            return Ok(Vec::new());
        }
        if self.is_multipart() {
            return match self.multipart_form().await {
                Ok(form) => Ok(form.values.clone()),
                Err(MultipartError::Parse(e)) => Err(BindError::Multipart(e)),
                Err(e) => Err(BindError::Multipart(multer::Error::StreamReadFailed(
                    Box::new(std::io::Error::other(e.to_string())),
                ))),
            };
        }
        if self.content_type() != "application/x-www-form-urlencoded" {
            return Ok(Vec::new());
        }
        let body = self.body_bytes().await.map_err(BindError::Body)?;
        Ok(form_urlencoded::parse(body).into_owned().collect())
    }

    /// Body pairs followed by query pairs (Go's `r.Form`).
    pub(crate) async fn form_pairs(&mut self) -> Result<Vec<(String, String)>, BindError> {
        let mut pairs = self.post_form_pairs().await?;
        pairs.extend(self.request().query_pairs());
        Ok(pairs)
    }

    /// The first body value of `key`, if present (gin's `GetPostForm`); a body that cannot be
    /// read counts as none.
    pub async fn post_form(&mut self, key: &str) -> Option<String> {
        self.post_form_array(key).await.into_iter().next()
    }

    /// The first body value of `key` or `default` (gin's `DefaultPostForm`).
    pub async fn default_post_form(&mut self, key: &str, default: &str) -> String {
        self.post_form(key)
            .await
            .unwrap_or_else(|| default.to_string())
    }

    /// Every body value of `key` in order (gin's `PostFormArray`).
    pub async fn post_form_array(&mut self, key: &str) -> Vec<String> {
        match self.post_form_pairs().await {
            Ok(pairs) => pairs
                .into_iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v)
                .collect(),
            Err(e) => {
                tracing::debug!(error = %e, "form body unreadable");
                Vec::new()
            }
        }
    }
}
