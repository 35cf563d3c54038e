//! Where files come from: Go's `http.FileSystem`, `http.File` and `http.Dir`.
//!
//! A [`FileSystem`] maps a slash-separated name to an open [`File`]. [`Dir`] is the one on disk:
//! it cleans the name as a rooted path *before* joining it to its root, so no sequence of `..`,
//! encoded dots or doubled slashes can name anything outside the root — `/../../etc/passwd`
//! cleans to `/etc/passwd`, which is looked up inside the root. A name holding a NUL byte cannot
//! name a file on Unix and is refused (Go's `filepath.Localize`), answered 404. A backslash is an
//! ordinary file-name byte on Unix, as it is for Go.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use crate::clean_path::path_clean;
use crate::BoxFuture;

/// Why a name could not be opened, reduced to what the client may learn (Go's `toHTTPError`).
#[derive(Debug)]
pub enum OpenError {
    /// No such file, a non-directory on the way, or a name that cannot be a path: 404.
    NotFound,
    /// Permission denied: 403.
    Forbidden,
    /// Anything else: 500, with the detail kept for the log only.
    Other(io::Error),
}

impl OpenError {
    /// The status and the message sent for it; never the underlying error's text.
    pub fn status_and_message(&self) -> (http::StatusCode, &'static str) {
        match self {
            OpenError::NotFound => (http::StatusCode::NOT_FOUND, "404 page not found"),
            OpenError::Forbidden => (http::StatusCode::FORBIDDEN, "403 Forbidden"),
            OpenError::Other(_) => (
                http::StatusCode::INTERNAL_SERVER_ERROR,
                "500 Internal Server Error",
            ),
        }
    }
}

/// One entry of a directory listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirEntry {
    /// The entry's name within its directory.
    pub name: String,
    /// A directory itself (a symbolic link to one is not, as with Go's `ReadDir`).
    pub is_dir: bool,
}

/// An open file or directory.
#[derive(Debug)]
pub struct File {
    pub(crate) file: tokio::fs::File,
    meta: std::fs::Metadata,
    path: PathBuf,
    listable: bool,
}

impl File {
    /// Whether this is a directory.
    pub fn is_dir(&self) -> bool {
        self.meta.is_dir()
    }

    /// The size in bytes.
    pub fn len(&self) -> u64 {
        self.meta.len()
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.meta.len() == 0
    }

    /// The modification time, if the platform knows it.
    pub fn modified(&self) -> Option<SystemTime> {
        self.meta.modified().ok()
    }

    /// The last element of the path it was opened by (Go's `FileInfo.Name`).
    pub fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| ".".to_owned())
    }

    /// Whether its file system shows directory listings (see [`Dir::without_listings`]).
    pub fn is_listable(&self) -> bool {
        self.listable
    }

    /// The directory's entries, unsorted. A file system that hides listings (gin's
    /// `Dir(root, false)`) returns none.
    pub async fn read_dir(&self) -> io::Result<Vec<DirEntry>> {
        if !self.listable {
            return Ok(Vec::new());
        }
        let mut rd = tokio::fs::read_dir(&self.path).await?;
        let mut out = Vec::new();
        while let Some(e) = rd.next_entry().await? {
            let is_dir = e.file_type().await.is_ok_and(|t| t.is_dir());
            out.push(DirEntry {
                name: e.file_name().to_string_lossy().into_owned(),
                is_dir,
            });
        }
        Ok(out)
    }
}

/// A collection of named files (Go's `http.FileSystem`). Names are slash-separated and rooted
/// (`/a/b.txt`), whatever the host's separator.
pub trait FileSystem: Send + Sync + 'static {
    /// Opens `name` for reading.
    fn open<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<File, OpenError>>;
}

impl<F: FileSystem + ?Sized> FileSystem for Arc<F> {
    fn open<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<File, OpenError>> {
        (**self).open(name)
    }
}

/// The files under one directory of the disk (Go's `http.Dir`).
#[derive(Debug, Clone)]
pub struct Dir {
    root: PathBuf,
    listable: bool,
}

impl Dir {
    /// The tree under `root` (an empty root is the current directory, as in Go).
    pub fn new(root: impl Into<PathBuf>) -> Dir {
        let mut root = root.into();
        if root.as_os_str().is_empty() {
            root = PathBuf::from(".");
        }
        Dir {
            root,
            listable: true,
        }
    }

    /// The same tree, but directories list no entries: gin's `Dir(root, false)` (`onlyFilesFS`),
    /// whose directories read as empty. A directory without `index.html` then answers 404 with
    /// an empty listing page, as gin serves it (gin sets 404 first, and a listing, unlike every
    /// other answer of the file server, sets no status of its own).
    pub fn without_listings(mut self) -> Dir {
        self.listable = false;
        self
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    // ANCHOR: local_path
    /// The path on disk for `name`, or `None` when no file can have that name.
    pub fn local_path(&self, name: &str) -> Option<PathBuf> {
        let cleaned = path_clean(&format!("/{name}"));
        let rel = &cleaned[1..];
        if rel.contains('\0') {
            return None;
        }
        Some(if rel.is_empty() {
            self.root.clone()
        } else {
            self.root.join(rel)
        })
    }
    // ANCHOR_END: local_path

    async fn open_path(&self, full: PathBuf) -> Result<File, OpenError> {
        let file = match tokio::fs::File::open(&full).await {
            Ok(f) => f,
            Err(e) => return Err(map_open_error(e, &full).await),
        };
        let meta = file.metadata().await.map_err(classify)?;
        Ok(File {
            file,
            meta,
            path: full,
            listable: self.listable,
        })
    }
}

impl FileSystem for Dir {
    fn open<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<File, OpenError>> {
        Box::pin(async move {
            let Some(full) = self.local_path(name) else {
                return Err(OpenError::NotFound);
            };
            self.open_path(full).await
        })
    }
}

fn classify(e: io::Error) -> OpenError {
    match e.kind() {
        io::ErrorKind::NotFound => OpenError::NotFound,
        io::ErrorKind::PermissionDenied => OpenError::Forbidden,
        _ => OpenError::Other(e),
    }
}

/// Go's `mapOpenError`: opening `file.txt/x` fails with "not a directory", which is really "no
/// such file" — found by walking the path's prefixes until one is not a directory.
async fn map_open_error(e: io::Error, full: &Path) -> OpenError {
    let e = classify(e);
    if !matches!(e, OpenError::Other(_)) {
        return e;
    }
    let mut prefix = PathBuf::new();
    for part in full.components() {
        prefix.push(part);
        match tokio::fs::metadata(&prefix).await {
            Ok(m) if !m.is_dir() => return OpenError::NotFound,
            Ok(_) => {}
            Err(_) => return e,
        }
    }
    e
}
