//! A reader of git's index file for the staged mode's one question: which paths differ from
//! `HEAD`. It reads the entries and the cache tree (the `TREE` extension) and nothing else,
//! and skips the trailing checksum as git itself does; libgit2's reader verifies the checksum,
//! validates every path and copies every entry, which costs several times git's whole
//! `git diff --cached`.
//!
//! Index versions 2, 3 and 4 are read, and every form git writes them in: a split index
//! (`link`: the entries of a shared index, with the changes since it, see `split`) and a
//! sparse index (`sdir`: directories outside the sparse cone stand as one entry holding
//! their tree, which the caller expands). Object ids are SHA-1 ones; a SHA-256 repository
//! is refused when it is opened.

use std::ops::Range;

/// One entry. Its path lives in the index's arena (see [`Index::path`]): one allocation for
/// all paths, not one each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    path: Range<usize>,
    pub mode: u32,
    pub id: [u8; 20],
    /// The merge stage (0 outside a conflict).
    stage: u16,
    /// Not part of the commit (`git add -N`), or a path that is not UTF-8: kept while
    /// reading, since a split index counts entries by position, and left out at the end.
    skip: bool,
}

/// The mode of a sparse directory entry.
pub const SPARSE_DIRECTORY: u32 = 0o040000;

/// A node of the cache tree: a directory whose tree id is known while it stays valid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheTree {
    /// `None` when the directory was touched since the tree was last written.
    pub id: Option<[u8; 20]>,
    children: Vec<(String, CacheTree)>,
}

impl CacheTree {
    /// The node of subdirectory `name`.
    pub fn child(&self, name: &str) -> Option<&CacheTree> {
        self.children
            .iter()
            .find(|(child, _)| child == name)
            .map(|(_, node)| node)
    }
}

/// What the staged mode needs of the index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Index {
    /// Stage-0 entries in index order (sorted by path, byte-wise).
    pub entries: Vec<Entry>,
    /// Every entry's path, one after the other.
    paths: String,
    /// Paths with merge conflicts (stages 1 to 3).
    pub conflicted: Vec<String>,
    pub tree: Option<CacheTree>,
    /// Whether some entries are sparse directories ([`SPARSE_DIRECTORY`]), to be expanded.
    pub sparse: bool,
}

/// An index file as written, before a split index is joined with its shared index.
struct Parsed {
    index: Index,
    /// The `link` extension: the shared index's id, and its delete and replace bitmaps.
    link: Option<super::split::Link>,
}

const HASH: usize = 20;
/// ctime, mtime, dev, ino, mode, uid, gid, size: ten 32-bit fields before the id.
const STAT: usize = 40;
const EXTENDED: u16 = 0x4000;
const INTENT_TO_ADD: u16 = 0x2000;

impl Index {
    /// The path of an entry of this index.
    pub fn path(&self, entry: &Entry) -> &str {
        self.paths.get(entry.path.clone()).unwrap_or_default()
    }

    /// The entry at `path`, found by its place in the sorted entries.
    pub fn find(&self, path: &str) -> Option<&Entry> {
        let at = self
            .entries
            .binary_search_by(|e| self.path(e).cmp(path))
            .ok()?;
        self.entries.get(at)
    }

    /// The entries whose path starts with `prefix` (a directory ending in `/`): one run of
    /// the sorted entries.
    pub fn under(&self, prefix: &str) -> &[Entry] {
        let start = self.entries.partition_point(|e| self.path(e) < prefix);
        let len = self.entries[start..]
            .iter()
            .take_while(|e| self.path(e).starts_with(prefix))
            .count();
        &self.entries[start..start + len]
    }

    /// An index holding `entries` (path, mode, id), for indexes read another way.
    pub fn from_entries(entries: impl IntoIterator<Item = (String, u32, [u8; 20])>) -> Index {
        // Byte order, as in an index file (libgit2 sorts case-insensitively where
        // `core.ignorecase` is set).
        let mut entries: Vec<_> = entries.into_iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut index = Index::default();
        for (path, mode, id) in entries {
            index.push(&path, mode, id, 0, false);
        }
        index
    }

    fn push(&mut self, path: &str, mode: u32, id: [u8; 20], stage: u16, skip: bool) {
        let from = self.paths.len();
        self.paths.push_str(path);
        self.entries.push(Entry {
            path: from..self.paths.len(),
            mode,
            id,
            stage,
            skip,
        });
    }

    /// Every entry as written, in order: (path, mode, id, stage, skip).
    pub(super) fn raw(&self) -> impl Iterator<Item = (&str, u32, [u8; 20], u16, bool)> + '_ {
        self.entries
            .iter()
            .map(|e| (self.path(e), e.mode, e.id, e.stage, e.skip))
    }

    /// An index of raw entries (as [`Index::raw`] lists them), in the order given.
    pub(super) fn from_raw<'a>(
        entries: impl IntoIterator<Item = (&'a str, u32, [u8; 20], u16, bool)>,
        tree: Option<CacheTree>,
        sparse: bool,
    ) -> Index {
        let mut index = Index {
            tree,
            sparse,
            ..Index::default()
        };
        for (path, mode, id, stage, skip) in entries {
            index.push(path, mode, id, stage, skip);
        }
        index
    }

    /// Set conflicted paths apart and drop the entries that are not committed.
    fn settle(mut self) -> Index {
        let paths = &self.paths;
        let conflicted = &mut self.conflicted;
        self.entries.retain(|entry| {
            if entry.stage != 0 {
                if !entry.skip {
                    conflicted.push(
                        paths
                            .get(entry.path.clone())
                            .unwrap_or_default()
                            .to_string(),
                    );
                }
                return false;
            }
            !entry.skip
        });
        self.conflicted.dedup();
        self
    }
}

/// Parse an index file. `shared` gives the bytes of a shared index by its id (hex), for a
/// split index. `None`: bytes this reader cannot make sense of; libgit2 then reads the index
/// (and reports what is wrong, if anything is).
pub fn read(data: &[u8], shared: impl FnOnce(&str) -> Option<Vec<u8>>) -> Option<Index> {
    let parsed = parse(data)?;
    let Some(link) = parsed.link else {
        return Some(parsed.index.settle());
    };
    let Some(base) = link.base() else {
        // A null shared index id: every entry is in this file.
        return Some(parsed.index.settle());
    };
    let base = parse(&shared(&base)?)?;
    if base.link.is_some() {
        return None;
    }
    Some(super::split::join(&base.index, &parsed.index, &link)?.settle())
}

fn parse(data: &[u8]) -> Option<Parsed> {
    let mut at = Cursor { data, pos: 0 };
    if at.take(4)? != b"DIRC" {
        return None;
    }
    let version = at.u32()?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = at.u32()? as usize;
    let mut index = Index {
        entries: Vec::with_capacity(count.min(data.len() / 62)),
        paths: String::with_capacity(data.len() / 2),
        ..Index::default()
    };
    let mut previous: Vec<u8> = Vec::new();
    for _ in 0..count {
        let start = at.pos;
        at.take(STAT - 16)?;
        let mode = at.u32()?;
        at.take(12)?;
        let id: [u8; HASH] = at.take(HASH)?.try_into().ok()?;
        let flags = at.u16()?;
        let extended = if version >= 3 && flags & EXTENDED != 0 {
            at.u16()?
        } else {
            0
        };
        let stage = (flags >> 12) & 0x3;
        let path = if version == 4 {
            // The path is the previous one with `strip` bytes removed and a suffix added.
            let strip = at.varint()?;
            let keep = previous.len().checked_sub(strip)?;
            previous.truncate(keep);
            previous.extend_from_slice(at.until_nul()?);
            std::str::from_utf8(&previous).ok()
        } else {
            let path = at.until_nul()?;
            // Entries are padded with NULs to a multiple of eight bytes (the path's own NUL
            // counts as the first).
            let used = at.pos - start;
            at.take((8 - used % 8) % 8)?;
            std::str::from_utf8(path).ok()
        };
        // A path that is not UTF-8 cannot be a migration we report on; in version 4 it still
        // took part in prefix compression above.
        let skip = path.is_none() || extended & INTENT_TO_ADD != 0;
        index.push(path.unwrap_or_default(), mode, id, stage, skip);
    }
    // Extensions, until only the trailing checksum is left.
    let mut link = None;
    while data.len().saturating_sub(at.pos) > HASH {
        let signature: [u8; 4] = at.take(4)?.try_into().ok()?;
        let size = at.u32()? as usize;
        let body = at.take(size)?;
        match &signature {
            b"TREE" => index.tree = cache_tree(body),
            b"link" => link = Some(super::split::Link::parse(body)?),
            b"sdir" => index.sparse = true,
            // Optional extensions are marked by an upper-case first letter.
            [first, ..] if !first.is_ascii_uppercase() => return None,
            _ => {}
        }
    }
    Some(Parsed { index, link })
}

/// The `TREE` extension: nodes in preorder, each `name NUL entry_count SP subtrees LF`, then
/// the tree id when `entry_count` is not negative. A malformed extension is ignored (the
/// comparison then reads every tree).
fn cache_tree(body: &[u8]) -> Option<CacheTree> {
    let mut at = Cursor { data: body, pos: 0 };
    let (_, root) = cache_node(&mut at, 0)?;
    Some(root)
}

fn cache_node(at: &mut Cursor<'_>, depth: usize) -> Option<(String, CacheTree)> {
    // Directories nest far less deep than this; it keeps a corrupt extension from recursing
    // without end.
    if depth > 4096 {
        return None;
    }
    let name = String::from_utf8(at.until_nul()?.to_vec()).ok()?;
    let line = at.until(b'\n')?;
    let line = std::str::from_utf8(line).ok()?;
    let (entries, subtrees) = line.split_once(' ')?;
    let entries: i64 = entries.parse().ok()?;
    let subtrees: usize = subtrees.parse().ok()?;
    let id = if entries >= 0 {
        Some(at.take(HASH)?.try_into().ok()?)
    } else {
        None
    };
    let mut node = CacheTree {
        id,
        children: Vec::with_capacity(subtrees.min(64)),
    };
    for _ in 0..subtrees {
        node.children.push(cache_node(at, depth + 1)?);
    }
    Some((name, node))
}

struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let bytes = self.data.get(self.pos..end)?;
        self.pos = end;
        Some(bytes)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_be_bytes(self.take(2)?.try_into().ok()?))
    }

    /// Bytes up to a NUL, which is consumed.
    fn until_nul(&mut self) -> Option<&'a [u8]> {
        self.until(0)
    }

    fn until(&mut self, byte: u8) -> Option<&'a [u8]> {
        let rest = self.data.get(self.pos..)?;
        let len = rest.iter().position(|&b| b == byte)?;
        self.pos += len + 1;
        rest.get(..len)
    }

    /// Git's offset varint (index v4): big-endian groups of seven bits, each continuation
    /// adding one before the shift.
    fn varint(&mut self) -> Option<usize> {
        let mut byte = *self.take(1)?.first()?;
        let mut value = usize::from(byte & 0x7f);
        while byte & 0x80 != 0 {
            byte = *self.take(1)?.first()?;
            value = value.checked_add(1)?.checked_shl(7)? | usize::from(byte & 0x7f);
        }
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_matches_git() {
        for (bytes, value) in [
            (&[0x00][..], 0usize),
            (&[0x7f], 127),
            (&[0x80, 0x00], 128),
            (&[0x80, 0x7f], 255),
            (&[0x81, 0x00], 256),
        ] {
            let mut at = Cursor {
                data: bytes,
                pos: 0,
            };
            assert_eq!(at.varint(), Some(value), "{bytes:?}");
        }
    }

    #[test]
    fn garbage_is_refused_not_a_panic() {
        let read = |data: &[u8]| read(data, |_| None);
        assert_eq!(read(b""), None);
        assert_eq!(read(b"DIRC"), None);
        assert_eq!(read(b"DIRC\0\0\0\x02\0\0\0\x05"), None);
        assert_eq!(read(b"DIRC\0\0\0\x09\0\0\0\0"), None);
        let mut data = b"DIRC\0\0\0\x02\0\0\0\x01".to_vec();
        data.extend([0xff; 200]);
        assert_eq!(read(&data), None);
    }

    #[test]
    fn empty_index() {
        let mut data = b"DIRC\0\0\0\x02\0\0\0\0".to_vec();
        data.extend([0; HASH]);
        assert_eq!(read(&data, |_| None), Some(Index::default()));
    }
}
