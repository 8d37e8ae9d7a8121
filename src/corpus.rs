//! Reading the input: which files are documents, what their `doc_id` is, and how one file becomes
//! a [`Document`].
//!
//! Used by `newsx extract` and by `newsx eval` (brat gold comes as text plus annotations).
//! A file that cannot be read is an error for that document only ([`ReadError`]); the caller
//! records it and goes on with the others.
#![deny(missing_docs)]

use crate::doc::Document;
use anyhow::{bail, Context};
use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Default `--max-bytes`: larger files are refused (5 MB).
pub const DEFAULT_MAX_BYTES: u64 = 5_000_000;

/// One input document: where it is and its `doc_id` per the CSV contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// The file to read.
    pub path: PathBuf,
    /// The file's path relative to the input folder it was found in, without extension, with `/`
    /// separators; for a file named on the command line, its stem.
    pub doc_id: String,
}

/// List the documents under `paths`: a file is one document (whatever its extension); a folder is
/// searched recursively for `*.txt` files, following symbolic links but entering each real
/// folder once, so a link loop ends the descent instead of looping.
///
/// The result is sorted by `doc_id`.
///
/// # Errors
/// A path that does not exist, a folder that cannot be listed, or two inputs with the same
/// `doc_id`.
pub fn collect_inputs(paths: &[PathBuf]) -> anyhow::Result<Vec<InputFile>> {
    let mut by_id: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut add = |doc_id: String, path: PathBuf| -> anyhow::Result<()> {
        if let Some(prev) = by_id.get(&doc_id) {
            bail!(
                "two inputs have the doc_id {doc_id:?}: {} and {}",
                prev.display(),
                path.display()
            );
        }
        by_id.insert(doc_id, path);
        Ok(())
    };
    for root in paths {
        let meta = std::fs::metadata(root)
            .with_context(|| format!("{}: cannot open input", root.display()))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            let mut seen = HashSet::new();
            walk(root, &mut seen, &mut found)?;
            for path in found {
                let doc_id = relative_id(root, &path);
                add(doc_id, path)?;
            }
        } else {
            let stem = root
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            add(stem, root.clone())?;
        }
    }
    Ok(by_id
        .into_iter()
        .map(|(doc_id, path)| InputFile { path, doc_id })
        .collect())
}

/// Depth-first walk collecting `*.txt` files; `seen` holds the canonical folders entered.
fn walk(dir: &Path, seen: &mut HashSet<PathBuf>, found: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let real = std::fs::canonicalize(dir)
        .with_context(|| format!("{}: cannot resolve folder", dir.display()))?;
    if !seen.insert(real) {
        return Ok(()); // a link back into a folder already walked
    }
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("{}: cannot list folder", dir.display()))?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("{}: cannot list folder", dir.display()))?;
        paths.push(entry.path());
    }
    paths.sort();
    for path in paths {
        // `metadata` follows links; a dangling link named *.txt is kept so that reading it
        // reports the error for that document.
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => walk(&path, seen, found)?,
            _ if is_txt(&path) => found.push(path),
            _ => {}
        }
    }
    Ok(())
}

fn is_txt(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("txt"))
}

/// `doc_id` of `path` found under `root`: relative path, extension dropped, `/` separators.
fn relative_id(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path).with_extension("");
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Why one document could not be read. Its `Display` names the file and, where there is one,
/// the position (byte offset and line).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be opened or read.
    #[error("{}: cannot read: {error}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause (in the message already, so not a `source`).
        error: std::io::Error,
    },
    /// The file is larger than the limit.
    #[error("{}: file is larger than the limit ({size} bytes > {max} bytes; see --max-bytes)", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes (at least `max + 1`).
        size: u64,
        /// The limit.
        max: u64,
    },
    /// The bytes are not UTF-8.
    #[error("{}: not valid UTF-8 at byte {offset} (line {line})", path.display())]
    InvalidUtf8 {
        /// The file.
        path: PathBuf,
        /// Byte offset in the file of the first invalid byte.
        offset: usize,
        /// 1-based line of that byte.
        line: usize,
    },
    /// The file holds a NUL byte (binary, or UTF-16 text).
    #[error("{}: NUL byte at byte {offset} (line {line}); binary or UTF-16 file?", path.display())]
    Nul {
        /// The file.
        path: PathBuf,
        /// Byte offset in the file of the first NUL.
        offset: usize,
        /// 1-based line of that byte.
        line: usize,
    },
}

impl ReadError {
    /// The file concerned.
    pub fn path(&self) -> &Path {
        match self {
            ReadError::Io { path, .. }
            | ReadError::TooLarge { path, .. }
            | ReadError::InvalidUtf8 { path, .. }
            | ReadError::Nul { path, .. } => path,
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Read one document: UTF-8, a leading BOM dropped, nothing else changed (CRLF stays). An empty
/// file is a valid, empty document.
///
/// # Errors
/// The file cannot be read, is larger than `max_bytes`, is not UTF-8 or holds a NUL byte.
pub fn read_document(f: &InputFile, max_bytes: u64) -> Result<Document, ReadError> {
    let bytes = read_bytes(f, max_bytes)?;
    decode_document(f, &bytes)
}

/// The bytes of one input file, at most `max_bytes` of them.
///
/// # Errors
/// The file cannot be read or is larger than `max_bytes`.
pub fn read_bytes(f: &InputFile, max_bytes: u64) -> Result<Vec<u8>, ReadError> {
    let io = |error| ReadError::Io {
        path: f.path.clone(),
        error,
    };
    let file = std::fs::File::open(&f.path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    let too_large = |size| ReadError::TooLarge {
        path: f.path.clone(),
        size,
        max: max_bytes,
    };
    if size > max_bytes {
        return Err(too_large(size));
    }
    // The file may grow between `metadata` and `read`: never read more than the limit + 1.
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The document in the bytes read from `f` (see [`read_document`] for the rules).
///
/// # Errors
/// The bytes are not UTF-8 or hold a NUL byte; the error has the byte offset and line.
pub fn decode_document(f: &InputFile, bytes: &[u8]) -> Result<Document, ReadError> {
    let text = decode(bytes).map_err(|(nul, offset)| {
        let line = 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
        let path = f.path.clone();
        if nul {
            ReadError::Nul { path, offset, line }
        } else {
            ReadError::InvalidUtf8 { path, offset, line }
        }
    })?;
    Ok(Document {
        id: f.doc_id.clone(),
        path: f.path.clone(),
        text,
    })
}

/// A content hash of file bytes (64-bit FNV-1a and the length, as hex): stable across builds
/// and platforms, so `--resume` recognises an unchanged file and redoes an edited one.
pub fn content_hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}-{:x}", bytes.len())
}

/// Decode file bytes: drop a leading BOM, require UTF-8 without NUL. The error is
/// `(is_nul, byte offset in the file)`.
pub fn decode(bytes: &[u8]) -> Result<String, (bool, usize)> {
    let skip = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    let body = &bytes[skip..];
    let text = std::str::from_utf8(body).map_err(|e| (false, skip + e.valid_up_to()))?;
    if let Some(i) = body.iter().position(|&b| b == 0) {
        return Err((true, skip + i));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_rules() {
        assert_eq!(decode(b"\xEF\xBB\xBFa\r\nb").unwrap(), "a\r\nb");
        assert_eq!(decode(b"").unwrap(), "");
        assert_eq!(decode(b"\xEF\xBB\xBFab\xFFc"), Err((false, 5)));
        assert_eq!(decode(b"ab\0c"), Err((true, 2)));
        // only the first BOM is dropped
        assert_eq!(decode(b"\xEF\xBB\xBF\xEF\xBB\xBFx").unwrap(), "\u{feff}x");
    }

    #[test]
    fn content_hash_is_fnv1a_with_length() {
        // FNV-1a 64 reference values.
        assert_eq!(content_hash(b""), "cbf29ce484222325-0");
        assert_eq!(content_hash(b"a"), "af63dc4c8601ec8c-1");
        assert_ne!(content_hash(b"ab"), content_hash(b"ba"));
    }

    #[test]
    fn ids_are_relative_without_extension() {
        let root = Path::new("/data/in");
        assert_eq!(relative_id(root, Path::new("/data/in/a/b.c.txt")), "a/b.c");
        assert_eq!(relative_id(root, Path::new("/data/in/x.txt")), "x");
    }
}
