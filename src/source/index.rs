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
//!
//! A path that is not UTF-8 is kept: it is named as [`super::display`] shows it, and its
//! bytes are kept beside, since entries are sorted by the bytes and looked up by them.

use std::ops::Range;

/// One entry. Its path lives in the index's arena (see [`Index::path`]): one allocation for
/// all paths, not one each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The path as shown (see [`super::display`]).
    path: Range<usize>,
    /// The path's bytes when they are not UTF-8 (and `path` is their escaped form).
    raw: Option<Box<[u8]>>,
    pub mode: u32,
    pub id: [u8; 20],
    /// The merge stage (0 outside a conflict).
    stage: u16,
    /// Not part of the commit (`git add -N`): kept while reading, since a split index
    /// counts entries by position, and left out at the end.
    skip: bool,
}

impl Entry {
    /// Whether the path is UTF-8 (shown as it is stored).
    pub fn is_utf8(&self) -> bool {
        self.raw.is_none()
    }
}

/// An entry as written, for joining a split index: (path as git stores it, mode, id, stage,
/// skip).
pub(super) type RawEntry<'a> = (&'a [u8], u32, [u8; 20], u16, bool);

/// The mode of a sparse directory entry.
pub const SPARSE_DIRECTORY: u32 = 0o040000;

/// A node of the cache tree: a directory whose tree id is known while it stays valid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheTree {
    /// `None` when the directory was touched since the tree was last written.
    pub id: Option<[u8; 20]>,
    /// Subdirectories by name, as bytes (a name need not be UTF-8).
    children: Vec<(Vec<u8>, CacheTree)>,
}

impl CacheTree {
    /// The node of subdirectory `name`.
    pub fn child(&self, name: &[u8]) -> Option<&CacheTree> {
        self.children
            .iter()
            .find(|(child, _)| child == name)
            .map(|(_, node)| node)
    }
}

/// What the staged mode needs of the index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Index {
    /// Stage-0 entries in index order (sorted by the paths' bytes).
    pub entries: Vec<Entry>,
    /// Every entry's path as shown, one after the other.
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
    /// The path of an entry of this index, as shown (see [`super::display`]).
    pub fn path(&self, entry: &Entry) -> &str {
        self.paths.get(entry.path.clone()).unwrap_or_default()
    }

    /// The path of an entry as git stores it.
    pub fn raw_path<'a>(&'a self, entry: &'a Entry) -> &'a [u8] {
        match &entry.raw {
            Some(raw) => raw,
            None => self.path(entry).as_bytes(),
        }
    }

    /// The entry at `path` (as shown), found by its place in the sorted entries. The bytes of
    /// a UTF-8 path are the path itself; one that is not UTF-8 is shown escaped, and looked
    /// for among such entries.
    pub fn find(&self, path: &str) -> Option<&Entry> {
        let found = self
            .entries
            .binary_search_by(|e| self.raw_path(e).cmp(path.as_bytes()))
            .ok()
            .and_then(|at| self.entries.get(at));
        if found.is_some() || !super::display::may_be_escaped(path) {
            return found;
        }
        self.entries
            .iter()
            .find(|e| !e.is_utf8() && self.path(e) == path)
    }

    /// The entries whose path (as shown) starts with `prefix`, a directory ending in `/`:
    /// one run of the sorted entries.
    pub fn under(&self, prefix: &str) -> &[Entry] {
        let run = self.run(prefix.as_bytes());
        if !run.is_empty() || !super::display::may_be_escaped(prefix) {
            return run;
        }
        // A directory that is not UTF-8: its bytes are those of the first entry shown under
        // it, up to as many `/` as the prefix has.
        let Some(entry) = self
            .entries
            .iter()
            .find(|e| !e.is_utf8() && self.path(e).starts_with(prefix))
        else {
            return &[];
        };
        let raw = self.raw_path(entry);
        // Escapes hold no `/`, so the prefix's last `/` is the entry's n-th.
        let Some(last) = prefix.matches('/').count().checked_sub(1) else {
            return &[];
        };
        let Some((end, _)) = raw
            .iter()
            .enumerate()
            .filter(|(_, byte)| **byte == b'/')
            .nth(last)
        else {
            return &[];
        };
        self.run(&raw[..=end])
    }

    /// The entries whose bytes start with `prefix`.
    fn run(&self, prefix: &[u8]) -> &[Entry] {
        let start = self.entries.partition_point(|e| self.raw_path(e) < prefix);
        let len = self.entries[start..]
            .iter()
            .take_while(|e| self.raw_path(e).starts_with(prefix))
            .count();
        &self.entries[start..start + len]
    }

    /// An index holding `entries` (path as git stores it, mode, id), for indexes read
    /// another way.
    pub fn from_entries(entries: impl IntoIterator<Item = (Vec<u8>, u32, [u8; 20])>) -> Index {
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

    /// Add an entry whose path is `raw`, as git stores it.
    fn push(&mut self, raw: &[u8], mode: u32, id: [u8; 20], stage: u16, skip: bool) {
        let from = self.paths.len();
        let raw = match std::str::from_utf8(raw) {
            Ok(path) => {
                self.paths.push_str(path);
                None
            }
            Err(_) => {
                self.paths.push_str(&super::display::shown(raw));
                Some(raw.into())
            }
        };
        self.entries.push(Entry {
            path: from..self.paths.len(),
            raw,
            mode,
            id,
            stage,
            skip,
        });
    }

    /// Every entry as written, in order.
    pub(super) fn raw(&self) -> impl Iterator<Item = RawEntry<'_>> + '_ {
        self.entries
            .iter()
            .map(|e| (self.raw_path(e), e.mode, e.id, e.stage, e.skip))
    }

    /// An index of raw entries (as [`Index::raw`] lists them), in the order given.
    pub(super) fn from_raw<'a>(
        entries: impl IntoIterator<Item = RawEntry<'a>>,
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
            &previous[..]
        } else {
            let path = at.until_nul()?;
            // Entries are padded with NULs to a multiple of eight bytes (the path's own NUL
            // counts as the first).
            let used = at.pos - start;
            at.take((8 - used % 8) % 8)?;
            path
        };
        let skip = extended & INTENT_TO_ADD != 0;
        index.push(path, mode, id, stage, skip);
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

fn cache_node(at: &mut Cursor<'_>, depth: usize) -> Option<(Vec<u8>, CacheTree)> {
    // Directories nest far less deep than this; it keeps a corrupt extension from recursing
    // without end.
    if depth > 4096 {
        return None;
    }
    let name = at.until_nul()?.to_vec();
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
    fn paths_that_are_not_utf8_keep_their_order_and_are_found() {
        let id = [0; 20];
        let raw: [&[u8]; 7] = [
            b"a/migrations/0001.py",
            b"a/migrations/0002_caf\xe9.py",
            b"a/migrations/0003.py",
            b"caf\xe9/migrations/0001.py",
            b"caf\xe9/migrations/0002_\xff.py",
            b"caf\xe9z/0001.py",
            "caf\u{e9}/0001.py".as_bytes(),
        ];
        // Given out of order: sorted by bytes, as git sorts them.
        let index = Index::from_entries(raw.iter().rev().map(|path| (path.to_vec(), 0o100644, id)));
        let stored: Vec<&[u8]> = index.entries.iter().map(|e| index.raw_path(e)).collect();
        let mut sorted = raw.to_vec();
        sorted.sort();
        assert_eq!(stored, sorted);
        for path in raw {
            let shown = super::super::display::shown(path);
            let entry = index.find(&shown).expect("found");
            assert_eq!(index.raw_path(entry), path, "{shown}");
            assert_eq!(entry.is_utf8(), std::str::from_utf8(path).is_ok());
        }
        assert!(index.find("caf\\xE9/migrations/0003.py").is_none());
        assert!(index.find("a/migrations/0002_caf.py").is_none());
        let under = |prefix: &str| -> Vec<&str> {
            index.under(prefix).iter().map(|e| index.path(e)).collect()
        };
        assert_eq!(
            under("a/migrations/"),
            [
                "a/migrations/0001.py",
                "a/migrations/0002_caf\\xE9.py",
                "a/migrations/0003.py"
            ]
        );
        assert_eq!(
            under("caf\\xE9/migrations/"),
            [
                "caf\\xE9/migrations/0001.py",
                "caf\\xE9/migrations/0002_\\xFF.py"
            ]
        );
        assert_eq!(under("caf\\xE9z/"), ["caf\\xE9z/0001.py"]);
        assert_eq!(under("caf\u{e9}/"), ["caf\u{e9}/0001.py"]);
        assert!(under("caf\\xE8/").is_empty());
    }

    #[test]
    fn version_4_paths_that_are_not_utf8_share_prefixes() {
        // Three entries, each the previous one with `strip` bytes removed and a suffix.
        let mut data = b"DIRC\0\0\0\x04\0\0\0\x03".to_vec();
        for (strip, suffix) in [(0u8, &b"a/caf\xe9.py"[..]), (4, b"\xff.py"), (7, b"z.py")] {
            data.extend([0; STAT - 16]);
            data.extend(0o100644u32.to_be_bytes());
            data.extend([0; 12]);
            data.extend([7; HASH]);
            data.extend(0u16.to_be_bytes());
            data.push(strip);
            data.extend(suffix);
            data.push(0);
        }
        data.extend([0; HASH]);
        let index = read(&data, |_| None).expect("read");
        let paths: Vec<&str> = index.entries.iter().map(|e| index.path(e)).collect();
        assert_eq!(paths, ["a/caf\\xE9.py", "a/caf\\xFF.py", "a/z.py"]);
    }

    #[test]
    fn empty_index() {
        let mut data = b"DIRC\0\0\0\x02\0\0\0\0".to_vec();
        data.extend([0; HASH]);
        assert_eq!(read(&data, |_| None), Some(Index::default()));
    }
}
