//! Staged mode's comparison of `HEAD` with the index, done the way git does it: directories
//! whose cache-tree id still equals `HEAD`'s tree are skipped unread, so a commit touching a
//! few files reads a few trees, not all of them. The answer is the same as libgit2's
//! tree-to-index diff with exact rename detection; when a rename would need content
//! similarity, [`changes`] answers `None` and the caller asks libgit2.
//!
//! Names are compared as the bytes git stores, on both sides: a name that is not UTF-8 is
//! then the same file in `HEAD` and in the index, and both sides show it alike.

use std::collections::BTreeMap;

use git2::{ObjectType, Oid, Repository, Tree};

use super::display::shown_owned;
use super::index::{CacheTree, Entry, Index};
use super::{Pattern, is_file_mode};

/// A file on one side of the comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    pub path: String,
    pub id: Oid,
    pub mode: u32,
}

/// One difference between `HEAD` and the index, for a path matching the pattern: added
/// (`old` is `None`), deleted (`new` is `None`), modified, or renamed (paths differ).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub old: Option<Side>,
    pub new: Option<Side>,
}

/// The changes between `head` (`None`: an unborn branch) and `index`, or `None` when only a
/// similarity-based rename detection could pair them.
pub fn changes(
    repo: &Repository,
    head: Option<&Tree<'_>>,
    index: &Index,
    pattern: &dyn Pattern,
) -> Result<Option<Vec<Change>>, git2::Error> {
    let mut walk = Walk {
        repo,
        index,
        pattern,
        changes: Vec::new(),
        other_deletion: false,
    };
    let conflicted = |path: &str| index.conflicted.iter().any(|c| c == path);
    walk.dir(b"", head.map(Tree::id), index.tree.as_ref(), &index.entries)?;
    let other_deletion = walk.other_deletion;
    let mut changes = walk.changes;
    changes.retain(|change| {
        let path = change
            .new
            .as_ref()
            .or(change.old.as_ref())
            .map(|s| s.path.as_str());
        !path.is_some_and(conflicted)
    });
    Ok(pair_renames(changes, other_deletion))
}

struct Walk<'r, 'p> {
    repo: &'r Repository,
    index: &'p Index,
    pattern: &'p dyn Pattern,
    changes: Vec<Change>,
    /// A deleted file outside the pattern that libgit2's rename detection could still pair
    /// with an added migration (any file when there is no pathspec, else one the pathspec
    /// lets through).
    other_deletion: bool,
}

/// What one name in a directory of the index is.
enum Kind<'t> {
    File(Side),
    Dir(&'t [Entry]),
}

impl<'r> Walk<'r, '_> {
    /// Compare directory `prefix` (as git stores it: empty, or ending in `/`) of `head` with
    /// the index entries under it.
    fn dir(
        &mut self,
        prefix: &[u8],
        head: Option<Oid>,
        cache: Option<&CacheTree>,
        entries: &[Entry],
    ) -> Result<(), git2::Error> {
        // Trees are read only here, after this comparison: an unchanged directory costs
        // nothing.
        if let (Some(tree), Some(id)) = (head, cache.and_then(|c| c.id))
            && tree.as_bytes() == id
        {
            return Ok(());
        }
        let mut theirs: BTreeMap<Vec<u8>, Side> = BTreeMap::new();
        let mut subtrees: BTreeMap<Vec<u8>, Oid> = BTreeMap::new();
        if let Some(id) = head {
            let tree = self.repo.find_tree(id)?;
            for item in tree.iter() {
                let name = item.name_bytes();
                match item.kind() {
                    Some(ObjectType::Tree) => {
                        subtrees.insert(name.to_vec(), item.id());
                    }
                    Some(ObjectType::Blob) => {
                        theirs.insert(
                            name.to_vec(),
                            Side {
                                path: shown_owned([prefix, name].concat()),
                                id: item.id(),
                                mode: item.filemode() as u32,
                            },
                        );
                    }
                    // Submodules are not compared, as in the libgit2 diff options used.
                    _ => {}
                }
            }
        }
        let mut ours: BTreeMap<&[u8], Kind<'_>> = BTreeMap::new();
        let mut rest = entries;
        while let Some(first) = rest.first() {
            let path = self.index.raw_path(first);
            let Some(relative) = path.get(prefix.len()..) else {
                rest = &rest[1..];
                continue;
            };
            match relative.iter().position(|&b| b == b'/') {
                None => {
                    if first.mode != 0o160000 {
                        ours.insert(
                            relative,
                            Kind::File(Side {
                                path: self.index.path(first).to_string(),
                                id: Oid::from_bytes(&first.id)?,
                                mode: first.mode,
                            }),
                        );
                    }
                    rest = &rest[1..];
                }
                Some(slash) => {
                    let name = &relative[..slash];
                    // Entries under one directory are contiguous in the sorted index.
                    let inner = [prefix, name, b"/"].concat();
                    let len = rest
                        .iter()
                        .take_while(|e| self.index.raw_path(e).starts_with(&inner))
                        .count();
                    ours.insert(name, Kind::Dir(&rest[..len.max(1)]));
                    rest = &rest[len.max(1)..];
                }
            }
        }
        for (name, side) in &theirs {
            match ours.get(name.as_slice()) {
                Some(Kind::File(new)) if new.id == side.id && new.mode == side.mode => {}
                Some(Kind::File(new)) => self.push(Some(side.clone()), Some(new.clone())),
                Some(Kind::Dir(_)) | None => self.push(Some(side.clone()), None),
            }
        }
        for (name, kind) in ours {
            match kind {
                Kind::File(new) => {
                    if !theirs.contains_key(name) {
                        self.push(None, Some(new));
                    }
                }
                Kind::Dir(inner) => {
                    let subtree = subtrees.remove(name);
                    let child = cache.and_then(|c| c.child(name));
                    self.dir(&[prefix, name, b"/"].concat(), subtree, child, inner)?;
                }
            }
        }
        // Directories only `HEAD` has: everything in them is deleted.
        for (name, subtree) in subtrees {
            self.dir(&[prefix, &name, b"/"].concat(), Some(subtree), None, &[])?;
        }
        Ok(())
    }

    fn push(&mut self, old: Option<Side>, new: Option<Side>) {
        let matches = |side: &Option<Side>| {
            side.as_ref()
                .is_some_and(|side| self.pattern.matches(&side.path))
        };
        if matches(&old) || matches(&new) {
            self.changes.push(Change { old, new });
        } else if let (Some(old), None) = (&old, &new) {
            let visible = match self.pattern.pathspec() {
                None => true,
                Some(_) => super::pattern::in_default_sieve(&old.path),
            };
            self.other_deletion |= visible && is_file_mode(old.mode);
        }
    }
}

/// Pair deletions with additions of the same content, as an exact rename. `None` when an
/// added migration is left unpaired beside a deletion libgit2 could pair it with: only a
/// similarity measure could tell whether they are a rename.
fn pair_renames(changes: Vec<Change>, other_deletion: bool) -> Option<Vec<Change>> {
    let is_file = |side: &Option<Side>| side.as_ref().is_some_and(|s| is_file_mode(s.mode));
    let (mut added, mut rest): (Vec<Change>, Vec<Change>) = changes
        .into_iter()
        .partition(|c| c.old.is_none() && is_file(&c.new));
    let mut deleted: Vec<Change> = Vec::new();
    rest.retain(|c| {
        let gone = c.new.is_none() && is_file(&c.old);
        if gone {
            deleted.push(c.clone());
        }
        !gone
    });
    for change in &mut added {
        let Some(new) = &change.new else { continue };
        if let Some(at) = deleted
            .iter()
            .position(|d| d.old.as_ref().is_some_and(|old| old.id == new.id))
        {
            change.old = deleted.remove(at).old;
        }
    }
    let unpaired_added = added.iter().any(|c| c.old.is_none());
    if unpaired_added && (!deleted.is_empty() || other_deletion) {
        return None;
    }
    rest.extend(added);
    rest.extend(deleted);
    rest.sort_by(|a, b| {
        let key = |c: &Change| c.new.as_ref().or(c.old.as_ref()).map(|s| s.path.clone());
        key(a).cmp(&key(b))
    });
    Some(rest)
}
