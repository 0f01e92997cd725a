//! The repository, through libgit2, and what every git mode shares: opening it with the
//! environment git gives hooks (`GIT_DIR`, `GIT_WORK_TREE`, `GIT_INDEX_FILE`,
//! `GIT_CEILING_DIRECTORIES`, so `git commit -a` is seen through its temporary index),
//! reading the index and blobs, diffing, and building the plan. One file per mode:
//! `staged` (`HEAD` vs the index, and merges), `since` (merge base vs `HEAD`), `all` (index
//! entries plus untracked files).
//!
//! Paths leave here as [`display`] shows them; names that are not UTF-8 are read from git as
//! bytes, and looked up again by their shown form ([`Repo::tree_entry`]).

mod all;
mod since;
mod staged;

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use git2::{Delta, DiffFindOptions, DiffOptions, ErrorCode, Oid, Repository, Tree};

use super::display::{self, shown};
use super::{Item, Origin, Pattern, Plan, Snapshot, index, is_file_mode};
use crate::error::Error;

/// Only these diff statuses bring content into the commit; deletions bring none.
const KEPT: [Delta; 5] = [
    Delta::Added,
    Delta::Modified,
    Delta::Renamed,
    Delta::Copied,
    Delta::Typechange,
];

/// An open, non-bare repository.
pub struct Repo {
    repo: Repository,
    /// The index as our reader read it, once per run (config discovery lists the tracked
    /// config files from it before the mode reads it).
    index: std::cell::OnceCell<Option<index::Index>>,
}

fn git(context: &'static str) -> impl FnOnce(git2::Error) -> Error {
    move |err| Error::Git {
        context,
        message: err.message().to_string(),
    }
}

impl Repo {
    /// Open the repository around the current directory, as git would for a hook. `what`
    /// names the mode in the error when there is none.
    pub fn open(what: &'static str) -> Result<Repo, Error> {
        // libgit2 re-hashes every object it reads by default; git does not, and the hook only
        // reads objects git itself wrote. Skipping it is most of the cost of reading trees.
        git2::opts::strict_hash_verification(false);
        let repo = Repository::open_from_env().map_err(|err| match err.code() {
            ErrorCode::NotFound => Error::NotARepository { what },
            _ => {
                let hint = if err.message().contains("sha256") {
                    " (a SHA-256 repository, which libgit2 cannot read yet; check-migrate works in SHA-1 repositories)"
                } else {
                    ""
                };
                Error::Git {
                    context: "opening the repository",
                    message: format!("{}{hint}", err.message()),
                }
            }
        })?;
        // `GIT_WORK_TREE` (or `git --work-tree`, which git passes to hooks as it) gives a
        // repository its working tree, a bare one included, as git does; libgit2's
        // `open_from_env` reads `GIT_DIR` but not this.
        if let Some(tree) = std::env::var_os("GIT_WORK_TREE").filter(|tree| !tree.is_empty()) {
            let tree = super::paths::absolute(Path::new(&tree));
            repo.set_workdir(&tree, false).map_err(|err| Error::Git {
                context: "using GIT_WORK_TREE",
                message: format!("{}: {}", tree.display(), err.message()),
            })?;
        }
        if repo.is_bare() {
            return Err(Error::BareRepository {
                path: repo.path().to_path_buf(),
                what,
            });
        }
        Ok(Repo {
            repo,
            index: std::cell::OnceCell::new(),
        })
    }

    /// The working tree, as libgit2 names it.
    pub fn workdir(&self) -> Option<PathBuf> {
        self.repo.workdir().map(|dir| dir.to_path_buf())
    }

    pub(super) fn blob(&self, id: Oid, path: &str) -> Result<Vec<u8>, Error> {
        let blob = self.repo.find_blob(id).map_err(|err| Error::Git {
            context: "reading a blob",
            message: format!("{path}: {}", err.message()),
        })?;
        Ok(blob.content().to_vec())
    }

    fn head_tree(&self) -> Result<Option<Tree<'_>>, Error> {
        match self.repo.head() {
            Ok(head) => {
                let tree = head.peel_to_tree().map_err(git("reading HEAD"))?;
                Ok(Some(tree))
            }
            // A repository before its first commit: everything staged is new.
            Err(err) if matches!(err.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => {
                Ok(None)
            }
            Err(err) => Err(git("reading HEAD")(err)),
        }
    }

    /// The tracked files whose name is one of `names`, from the index.
    pub fn tracked_named(&self, names: &[&str]) -> Vec<String> {
        // A suffix test first: this runs over every entry of a large index.
        let named = |path: &str| {
            names.iter().any(|name| {
                // The last byte first: most paths are ruled out by it.
                path.as_bytes().last() == name.as_bytes().last()
                    && path
                        .strip_suffix(name)
                        .is_some_and(|rest| rest.is_empty() || rest.ends_with('/'))
            })
        };
        // A config file in a directory whose name is not UTF-8 is not read: its shown path
        // names no file on disk.
        if let Some(index) = self.index.get_or_init(|| self.read_index()) {
            return index
                .entries
                .iter()
                .filter(|entry| entry.is_utf8())
                .map(|entry| index.path(entry))
                .filter(|path| named(path))
                .map(str::to_string)
                .collect();
        }
        let Ok(index) = self.repo.index() else {
            return Vec::new();
        };
        index
            .iter()
            .filter_map(|entry| String::from_utf8(entry.path).ok())
            .filter(|path| named(path))
            .collect()
    }

    /// The index our reader reads, taken from what config discovery read if it did.
    fn take_index(&mut self) -> Option<index::Index> {
        match self.index.take() {
            Some(read) => read,
            None => self.read_index(),
        }
    }

    /// The index as the staged mode reads it, from the file git names (`GIT_INDEX_FILE`, as
    /// during `git commit -a`, or the repository's own). `None` when this reader does not
    /// handle it; libgit2 then does the work.
    fn read_index(&self) -> Option<index::Index> {
        let path = std::env::var_os("GIT_INDEX_FILE")
            .map(PathBuf::from)
            .unwrap_or_else(|| self.repo.path().join("index"));
        // A split index's shared part is `sharedindex.<id>` in the git directory.
        let shared =
            |id: &str| std::fs::read(self.repo.path().join(format!("sharedindex.{id}"))).ok();
        let index = match std::fs::File::open(&path) {
            // Mapped, not read: the pages git just wrote are used where they are, as git does.
            // SAFETY: the map is read only while this function runs; git replaces the index
            // by renaming a new file over it, which leaves the mapped file unchanged.
            Ok(file) => match unsafe { memmap2::Mmap::map(&file) } {
                Ok(data) => index::read(&data, shared),
                Err(_) => std::fs::read(&path)
                    .ok()
                    .and_then(|data| index::read(&data, shared)),
            },
            // No index yet (a new repository): nothing is staged.
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Some(index::Index::default()),
            Err(_) => None,
        }?;
        if index.sparse {
            return self.expand_sparse(index);
        }
        Some(index)
    }

    /// A sparse index with each sparse directory entry replaced by the files of its tree, as
    /// git expands it for a command that needs every path.
    fn expand_sparse(&self, index: index::Index) -> Option<index::Index> {
        let mut entries: Vec<(Vec<u8>, u32, [u8; 20])> = Vec::with_capacity(index.entries.len());
        for entry in &index.entries {
            let path = index.raw_path(entry);
            if entry.mode != index::SPARSE_DIRECTORY {
                entries.push((path.to_vec(), entry.mode, entry.id));
                continue;
            }
            let tree = self.repo.find_tree(Oid::from_bytes(&entry.id).ok()?).ok()?;
            let mut prefix = path.to_vec();
            if prefix.last() != Some(&b'/') {
                prefix.push(b'/');
            }
            let mut failed = false;
            self.tree_leaves(&tree, |relative, item| {
                match item.id().as_bytes().try_into() {
                    Ok(id) => {
                        entries.push(([&prefix, relative].concat(), item.filemode() as u32, id))
                    }
                    Err(_) => failed = true,
                }
            })
            .ok()?;
            if failed {
                return None;
            }
        }
        let mut expanded = index::Index::from_entries(entries);
        expanded.conflicted = index.conflicted;
        expanded.tree = index.tree;
        Some(expanded)
    }

    /// Whether `HEAD`'s tree has a file at `path` (a repository with no commit has none).
    pub fn in_head(&self, path: &str) -> bool {
        let Ok(tree) = self.repo.head().and_then(|head| head.peel_to_tree()) else {
            return false;
        };
        self.tree_entry(&tree, path).is_some()
    }

    /// Whether the working tree's `path` differs from the index (or is not tracked and not
    /// ignored): what `--fix` must not write over.
    pub fn has_unstaged(&self, path: &str) -> bool {
        match self.repo.status_file(Path::new(path)) {
            Ok(status) => status.intersects(
                git2::Status::WT_MODIFIED
                    | git2::Status::WT_DELETED
                    | git2::Status::WT_TYPECHANGE
                    | git2::Status::WT_RENAMED
                    | git2::Status::WT_NEW,
            ),
            Err(_) => true,
        }
    }

    /// Every tracked path ending in `.py`.
    pub fn tracked_python(&self) -> Vec<String> {
        let Ok(index) = self.repo.index() else {
            return Vec::new();
        };
        index
            .iter()
            .filter_map(|entry| String::from_utf8(entry.path).ok())
            .filter(|path| path.ends_with(".py"))
            .collect()
    }

    /// Whether `rev` names the commit `HEAD` is at.
    pub fn is_head(&self, rev: &str) -> bool {
        let commit = |object: git2::Object| object.peel_to_commit().map(|c| c.id());
        let named = self.repo.revparse_single(rev).and_then(commit);
        let head = self
            .repo
            .head()
            .and_then(|head| head.peel_to_commit())
            .map(|c| c.id());
        matches!((named, head), (Ok(a), Ok(b)) if a == b)
    }

    fn into_plan(
        self,
        items: Vec<Item>,
        graph: Vec<Item>,
        phases: Vec<(&'static str, Duration)>,
        snapshot: Snapshot,
    ) -> Plan {
        let change = !matches!(snapshot, Snapshot::Disk(_));
        Plan {
            repo: Some(self),
            items,
            graph: Some(graph),
            context: None,
            snapshot,
            change,
            earlier: Vec::new(),
            errors: Vec::new(),
            phases,
            buffers: super::Buffers::new(),
        }
    }

    /// The migrations directly in `dir` of `tree`, with their content.
    pub(super) fn tree_migrations_in(
        &self,
        tree: Oid,
        dir: &str,
        pattern: &dyn Pattern,
    ) -> Result<Vec<(String, Vec<u8>)>, Error> {
        let tree = self.repo.find_tree(tree).map_err(git("reading a tree"))?;
        self.migrations_of_dir(&tree, dir, pattern)
            .into_iter()
            .map(|(path, id)| {
                let content = self.blob(id, &path)?;
                Ok((path, content))
            })
            .collect()
    }

    /// The migrations directly in `dir` (a `migrations` folder, never the root) of `tree`,
    /// with their blobs; none when `tree` has no such directory.
    pub(super) fn migrations_of_dir(
        &self,
        tree: &Tree<'_>,
        dir: &str,
        pattern: &dyn Pattern,
    ) -> Vec<(String, Oid)> {
        let Some(entry) = self.tree_entry(tree, dir) else {
            return Vec::new();
        };
        let Ok(subtree) = entry.to_object(&self.repo).and_then(|o| o.peel_to_tree()) else {
            return Vec::new();
        };
        subtree
            .iter()
            .filter(|entry| is_file_mode(entry.filemode() as u32))
            .map(|entry| {
                (
                    format!("{dir}/{}", display::shown(entry.name_bytes())),
                    entry.id(),
                )
            })
            .filter(|(path, _)| super::pattern::is_graph_module(pattern, path))
            .collect()
    }

    /// The paths of the migrations directly in `dir` of `tree` (none if it cannot be read).
    pub(super) fn tree_migration_paths(
        &self,
        tree: Oid,
        dir: &str,
        pattern: &dyn Pattern,
    ) -> Vec<String> {
        let Ok(tree) = self.repo.find_tree(tree) else {
            return Vec::new();
        };
        self.migrations_of_dir(&tree, dir, pattern)
            .into_iter()
            .map(|(path, _)| path)
            .collect()
    }

    /// The blob at `path` in `tree`, if there is a file there.
    pub(super) fn tree_blob(&self, tree: Oid, path: &str) -> Option<Oid> {
        let tree = self.repo.find_tree(tree).ok()?;
        let entry = self.tree_entry(&tree, path)?;
        is_file_mode(entry.filemode() as u32).then(|| entry.id())
    }

    /// The entry at `path` (as [`display`] shows it) in `tree`.
    fn tree_entry(&self, tree: &Tree<'_>, path: &str) -> Option<git2::TreeEntry<'static>> {
        if let Ok(entry) = tree.get_path(Path::new(path)) {
            return Some(entry);
        }
        if !display::may_be_escaped(path) {
            return None;
        }
        // A name that is not UTF-8: each component is looked for as it is shown.
        let mut parts = path.split('/');
        let mut part = parts.next()?;
        let mut current = tree.clone();
        loop {
            let entry = current
                .iter()
                .find(|entry| shown(entry.name_bytes()) == part)?
                .to_owned();
            match parts.next() {
                None => return Some(entry),
                Some(next) => {
                    current = self.repo.find_tree(entry.id()).ok()?;
                    part = next;
                }
            }
        }
    }

    /// Every entry under `tree` that is not a tree (files, symlinks, submodules), in
    /// preorder, with its path below `tree` as git stores it. git2's own walk stops at a
    /// directory whose name is not UTF-8; this one does not.
    fn tree_leaves(
        &self,
        tree: &Tree<'_>,
        mut each: impl FnMut(&[u8], &git2::TreeEntry<'_>),
    ) -> Result<(), git2::Error> {
        let mut stack: Vec<(Vec<u8>, Tree<'_>, usize)> = vec![(Vec::new(), tree.clone(), 0)];
        while let Some((prefix, tree, at)) = stack.last_mut() {
            let Some(entry) = tree.get(*at) else {
                stack.pop();
                continue;
            };
            *at += 1;
            let mut path = [prefix.as_slice(), entry.name_bytes()].concat();
            if entry.kind() != Some(git2::ObjectType::Tree) {
                each(&path, &entry);
                continue;
            }
            let subtree = entry.id();
            // The entry borrows the stack's tree.
            drop(entry);
            path.push(b'/');
            stack.push((path, self.repo.find_tree(subtree)?, 0));
        }
        Ok(())
    }

    /// Every file called `name` in `tree`, at any depth.
    pub(super) fn tree_files_named(&self, tree: Oid, name: &str) -> Vec<(String, Oid)> {
        let Ok(tree) = self.repo.find_tree(tree) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let _ = self.tree_leaves(&tree, |path, entry| {
            if entry.name_bytes() == name.as_bytes() && is_file_mode(entry.filemode() as u32) {
                out.push((shown(path).into_owned(), entry.id()));
            }
        });
        out
    }

    /// The `.py` files directly in directory `dir` of `tree`.
    pub(super) fn tree_modules(&self, tree: Oid, dir: &str) -> Vec<(String, Oid)> {
        let Some(subtree) = self.repo.find_tree(tree).ok().and_then(|tree| {
            let entry = self.tree_entry(&tree, dir)?;
            self.repo.find_tree(entry.id()).ok()
        }) else {
            return Vec::new();
        };
        subtree
            .iter()
            .filter(|entry| is_file_mode(entry.filemode() as u32))
            .filter_map(|entry| {
                let name = shown(entry.name_bytes());
                name.ends_with(".py")
                    .then(|| (format!("{dir}/{name}"), entry.id()))
            })
            .collect()
    }

    /// Migration files a diff brings content to, with the lines it adds.
    fn changed_files(
        &self,
        diff: &mut git2::Diff<'_>,
        pattern: &dyn Pattern,
    ) -> Result<(Vec<Item>, BTreeSet<String>), Error> {
        // Rename detection keeps a moved migration from counting as all-new lines.
        diff.find_similar(Some(DiffFindOptions::new().renames(true)))
            .map_err(git("detecting renames"))?;
        let mut items = Vec::new();
        // Directories of every migration the change touches, deletions included: the apps
        // whose migration graph the change may alter.
        let mut touched = BTreeSet::new();
        for delta in diff.deltas() {
            for file in [delta.old_file(), delta.new_file()] {
                let path = file.path_bytes().map(shown);
                if let Some(path) = path.filter(|path| pattern.matches(path)) {
                    touched.insert(parent(&path).to_string());
                }
            }
            if !KEPT.contains(&delta.status()) {
                continue;
            }
            let new = delta.new_file();
            if !is_file_mode(u32::from(new.mode())) {
                continue;
            }
            let Some(path) = new.path_bytes().map(shown) else {
                continue;
            };
            if !pattern.matches(&path) {
                continue;
            }
            let old = delta.old_file();
            // A file that was not a migration before (a draft renamed into `migrations/`, a
            // folder moved out of an excluded path) is new as a whole: none of its lines was
            // ever checked.
            let was_migration = old
                .path_bytes()
                .is_some_and(|old_path| pattern.matches(&shown(old_path)));
            let (added_lines, before) =
                if old.id().is_zero() || delta.status() == Delta::Added || !was_migration {
                    (None, Vec::new())
                } else {
                    (
                        Some(self.added_lines(old.id(), new.id(), &path)?),
                        vec![old.id()],
                    )
                };
            items.push(Item {
                path: path.to_string(),
                origin: Origin::Blob(new.id()),
                added_lines,
                before,
            });
        }
        items.sort_by(|a, b| a.path.cmp(&b.path));
        Ok((items, touched))
    }

    /// The 1-based line ranges of `new` that are not in `old`.
    fn added_lines(&self, old: Oid, new: Oid, path: &str) -> Result<Vec<Range<usize>>, Error> {
        let read = |id| {
            self.repo.find_blob(id).map_err(|err| Error::Git {
                context: "reading a blob",
                message: format!("{path}: {}", err.message()),
            })
        };
        let (old, new) = (read(old)?, read(new)?);
        Ok(super::lines::added(old.content(), new.content()))
    }
}

/// The directory part of a `/`-separated path.
fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// `extra` without the paths already in `items`.
fn without(extra: Vec<Item>, items: &[Item]) -> Vec<Item> {
    extra
        .into_iter()
        .filter(|item| !items.iter().any(|known| known.path == item.path))
        .collect()
}

/// Run `work`, recording its wall-clock time as `name`.
fn timed<T>(
    phases: &mut Vec<(&'static str, Duration)>,
    name: &'static str,
    work: impl FnOnce() -> T,
) -> T {
    let start = Instant::now();
    let out = work();
    phases.push((name, start.elapsed()));
    out
}

fn diff_options(pattern: &dyn Pattern) -> DiffOptions {
    let mut options = DiffOptions::new();
    if let Some(pathspec) = pattern.pathspec() {
        options.pathspec(pathspec);
    }
    options
        .ignore_submodules(true)
        .include_typechange(true)
        .context_lines(0);
    options
}

/// The merge stage of an index entry (0 outside a conflict).
fn entry_stage(flags: u16) -> u16 {
    (flags >> 12) & 0x3
}
