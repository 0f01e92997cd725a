//! How a path that is not UTF-8 is named. git stores a path as bytes, and a migration saved
//! under a Latin-1 name (`0002_caf\xe9.py`) is still a migration; the rest of the pipeline
//! names files with `String`s. Every byte that is not part of valid UTF-8 is shown as `\xNN`
//! (two upper-case hex digits): `blog/migrations/0002_caf\xE9.py`. That form is used for
//! matching, reporting and looking files up, in every mode, so the two sides of a comparison
//! (`HEAD`'s trees and the index, say) always name one file alike. What is read from disk is
//! read by its raw bytes ([`on_disk`]); blobs are read by their ids.
//!
//! Unlike U+FFFD replacement, the escape keeps two names that differ only in such a byte
//! apart (`caf\xE9` and `caf\xE8`). Only a UTF-8 name spelled with a literal `\x` and two hex
//! digits can look the same as one; where a lookup by the shown form meets both, the UTF-8
//! one wins.

use std::borrow::Cow;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// `raw` as shown: itself when it is UTF-8, else with each invalid byte as `\xNN`.
pub fn shown(raw: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(raw) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(escape(raw)),
    }
}

/// [`shown`] for bytes that are owned already: UTF-8 bytes are kept without a copy.
pub fn shown_owned(raw: Vec<u8>) -> String {
    match String::from_utf8(raw) {
        Ok(text) => text,
        Err(err) => escape(err.as_bytes()),
    }
}

/// A path of the file system as shown (its bytes, on Unix).
pub fn shown_path(path: &Path) -> Cow<'_, str> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        shown(path.as_os_str().as_bytes())
    }
    // Elsewhere a path is UTF-16; git for Windows stores UTF-8, and an unpaired surrogate
    // is shown as U+FFFD.
    #[cfg(not(unix))]
    {
        path.to_string_lossy()
    }
}

/// Whether `shown` may name a path that is not UTF-8: only such a form holds `\x`.
pub fn may_be_escaped(shown: &str) -> bool {
    shown.contains("\\x")
}

/// The file at the repository path `raw` (`/`-separated bytes, as git stores it) under `root`.
pub fn on_disk(root: &Path, raw: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        root.join(std::ffi::OsStr::from_bytes(raw))
    }
    // Git for Windows stores paths as UTF-8.
    #[cfg(not(unix))]
    {
        root.join(String::from_utf8_lossy(raw).as_ref())
    }
}

fn escape(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len() + 8);
    for chunk in raw.utf8_chunks() {
        out.push_str(chunk.valid());
        for byte in chunk.invalid() {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\x{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_kept_as_it_is() {
        assert!(matches!(
            shown(b"blog/0001.py"),
            Cow::Borrowed("blog/0001.py")
        ));
        assert_eq!(shown("订单/caf\u{e9}.py".as_bytes()), "订单/caf\u{e9}.py");
        assert_eq!(shown_owned(b"a/b.py".to_vec()), "a/b.py");
    }

    #[test]
    fn every_invalid_byte_is_escaped() {
        assert_eq!(shown(b"0002_caf\xe9.py"), "0002_caf\\xE9.py");
        assert_eq!(shown_owned(b"caf\xe9/x".to_vec()), "caf\\xE9/x");
        // A truncated sequence, a lone continuation byte, an overlong form: one escape per byte.
        assert_eq!(
            shown(b"\xe6\x97/\x80\xc0\xaf"),
            "\\xE6\\x97/\\x80\\xC0\\xAF"
        );
        // Valid text around them stays.
        assert_eq!(shown("é\u{1F600}\u{ff}".as_bytes()), "é\u{1F600}\u{ff}");
        assert_eq!(shown(b"\xc3\xa9\xe9"), "é\\xE9");
    }

    #[test]
    fn names_differing_in_an_invalid_byte_stay_apart() {
        assert_ne!(shown(b"caf\xe9"), shown(b"caf\xe8"));
        assert!(may_be_escaped(&shown(b"caf\xe9")));
        assert!(!may_be_escaped("caf\u{e9}"));
    }

    #[cfg(unix)]
    #[test]
    fn disk_paths_keep_their_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let path = on_disk(Path::new("/repo"), b"blog/0002_caf\xe9.py");
        assert_eq!(path.as_os_str().as_bytes(), b"/repo/blog/0002_caf\xe9.py");
        assert_eq!(shown_path(&path), "/repo/blog/0002_caf\\xE9.py");
    }
}
