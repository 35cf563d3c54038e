//! `multipart/form-data`: gin's `FormFile`, `MultipartForm` and `SaveUploadedFile`.
//!
//! The body is parsed by `multer` straight from the request's stream (a
//! `tokio_util::io::ReaderStream` over `servemux::Body`), never buffered whole: text fields are
//! kept in memory, and each file part is written to a temporary file chunk by chunk as it
//! arrives. Go's `ParseMultipartForm(maxMemory)` keeps small files in memory and spills big ones;
//! here every file goes to disk, which keeps one code path and bounds memory by the chunk size.
//! The engine's [`max_multipart_field_bytes`](crate::Engine::max_multipart_field_bytes) caps each
//! part (a bigger one fails the parse); the body's own limit (`max_body_bytes`) caps the whole.
//! The parsed form is cached in the context: the stream can be read only once.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures_util::stream;
use tokio::io::AsyncWriteExt;
use tokio_util::io::ReaderStream;

use crate::context::Context;

/// One uploaded file (gin's `*multipart.FileHeader`), held in a temporary file that is removed
/// when the request ends.
#[derive(Debug)]
pub struct FileHeader {
    /// The client's file name.
    pub filename: String,
    /// The part's `Content-Type`, if sent.
    pub content_type: Option<String>,
    /// Bytes in the file.
    pub size: u64,
    temp: tempfile::TempPath,
}

impl FileHeader {
    /// Where the upload is stored until the request ends.
    pub fn temp_path(&self) -> &Path {
        &self.temp
    }
}

/// A parsed multipart form (gin's `*multipart.Form`).
#[derive(Debug, Default)]
pub struct MultipartForm {
    /// Text fields in body order.
    pub values: Vec<(String, String)>,
    /// File fields in body order.
    pub files: Vec<(String, FileHeader)>,
}

impl MultipartForm {
    /// The files of field `name`.
    pub fn files(&self, name: &str) -> impl Iterator<Item = &FileHeader> {
        let name = name.to_string();
        self.files
            .iter()
            .filter(move |(k, _)| *k == name)
            .map(|(_, f)| f)
    }
}

/// Why a multipart form could not be read.
#[derive(Debug)]
pub enum MultipartError {
    /// The request is not `multipart/form-data` with a boundary (Go's `ErrNotMultipart`).
    NotMultipart,
    /// The body is malformed, a part is too large, or the client left.
    Parse(multer::Error),
    /// A temporary file could not be written.
    Io(std::io::Error),
    /// No file under this field (Go's `http: no such file`).
    NoSuchFile,
}

impl std::fmt::Display for MultipartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MultipartError::NotMultipart => {
                f.write_str("request Content-Type isn't multipart/form-data")
            }
            MultipartError::Parse(e) => write!(f, "multipart: {e}"),
            MultipartError::Io(e) => write!(f, "multipart temp file: {e}"),
            MultipartError::NoSuchFile => f.write_str("http: no such file"),
        }
    }
}

impl std::error::Error for MultipartError {}

async fn read_parts(mut mp: multer::Multipart<'_>) -> Result<MultipartForm, MultipartError> {
    let mut form = MultipartForm::default();
    // A body cut short anywhere is an error, the whole form refused. (Go's `ReadForm` keeps the
    // parts before a cut that falls inside a part's header lines, its header reader reporting
    // that end as `io.EOF`; an upload that ended early is not a complete form here.)
    while let Some(mut field) = mp.next_field().await.map_err(MultipartError::Parse)? {
        // Go's `ReadForm`: a part without a form name is skipped, and a part whose file name is
        // missing or empty is a text value.
        let name = field.name().unwrap_or("").to_string();
        if name.is_empty() {
            continue;
        }
        match field.file_name().filter(|f| !f.is_empty()).map(base_name) {
            None => {
                let text = field.text().await.map_err(MultipartError::Parse)?;
                form.values.push((name, text));
            }
            Some(filename) => {
                let content_type = field.content_type().map(|m| m.to_string());
                let temp = tempfile::NamedTempFile::new().map_err(MultipartError::Io)?;
                let (file, temp) = temp.into_parts();
                let mut file = tokio::fs::File::from_std(file);
                let mut size = 0u64;
                while let Some(chunk) = field.chunk().await.map_err(MultipartError::Parse)? {
                    file.write_all(&chunk).await.map_err(MultipartError::Io)?;
                    size += chunk.len() as u64;
                }
                file.flush().await.map_err(MultipartError::Io)?;
                form.files.push((
                    name,
                    FileHeader {
                        filename,
                        content_type,
                        size,
                        temp,
                    },
                ));
            }
        }
    }
    Ok(form)
}

/// Go's `Part.FileName`: the last element of the client's file name (RFC 7578 section 4.2: the
/// directory part must not be used), as `filepath.Base` finds it on Unix.
fn base_name(filename: &str) -> String {
    let trimmed = filename.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".to_string();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

impl Context<'_> {
    /// Whether the request declares a multipart body.
    pub(crate) fn is_multipart(&self) -> bool {
        self.content_type() == "multipart/form-data"
    }

    /// Parse the multipart body once and keep it (gin's `c.MultipartForm()`).
    pub async fn multipart_form(&mut self) -> Result<&MultipartForm, MultipartError> {
        if self.multipart.is_none() {
            let ct = self
                .request()
                .headers()
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !self.is_multipart() {
                return Err(MultipartError::NotMultipart);
            }
            let boundary = multer::parse_boundary(ct).map_err(|_| MultipartError::NotMultipart)?;
            let limits = multer::Constraints::new().size_limit(
                multer::SizeLimit::new().per_field(self.engine().max_multipart_field_bytes),
            );
            let form = match self.body.clone() {
                // Already read whole (e.g. by body_bytes): parse what is in memory.
                Some(bytes) => {
                    let s = stream::once(async move { Ok::<Bytes, std::io::Error>(bytes) });
                    read_parts(multer::Multipart::with_constraints(s, boundary, limits)).await?
                }
                None => {
                    let s = ReaderStream::new(self.r.body_mut());
                    read_parts(multer::Multipart::with_constraints(s, boundary, limits)).await?
                }
            };
            self.multipart = Some(form);
        }
        Ok(self.multipart.get_or_insert_with(MultipartForm::default))
    }

    /// The form [`multipart_form`](Self::multipart_form) parsed, borrowed shared (so that its
    /// files can be passed to [`save_uploaded_file`](Self::save_uploaded_file)).
    pub fn parsed_multipart_form(&self) -> Option<&MultipartForm> {
        self.multipart.as_ref()
    }

    /// The first file of field `name` (gin's `c.FormFile`).
    pub async fn form_file(&mut self, name: &str) -> Result<&FileHeader, MultipartError> {
        let form = self.multipart_form().await?;
        form.files(name).next().ok_or(MultipartError::NoSuchFile)
    }

    /// Copy an upload to `dst` (gin's `c.SaveUploadedFile`), creating nothing but the file.
    pub async fn save_uploaded_file(
        &self,
        file: &FileHeader,
        dst: impl Into<PathBuf>,
    ) -> Result<(), MultipartError> {
        tokio::fs::copy(file.temp_path(), dst.into())
            .await
            .map(|_| ())
            .map_err(MultipartError::Io)
    }
}

#[cfg(test)]
mod tests {
    use super::base_name;

    #[test]
    fn file_names_lose_their_directories_as_filepath_base_does() {
        // Go 1.19 `filepath.Base` on Unix for each input.
        for (name, want) in [
            ("a.txt", "a.txt"),
            ("dir/b.txt", "b.txt"),
            ("../up.txt", "up.txt"),
            ("dir/", "dir"),
            ("/", "/"),
            ("//", "/"),
            ("..", ".."),
            ("a\\b", "a\\b"),
        ] {
            assert_eq!(base_name(name), want, "{name:?}");
        }
    }
}
