//! The git modes, through libgit2: staged (`HEAD` tree vs the index), `--all` (index entries
//! plus untracked files) and `--since REV` (merge base vs `HEAD`). The repository is opened
//! with the environment git gives hooks (`GIT_DIR`, `GIT_WORK_TREE`, `GIT_INDEX_FILE`,
//! `GIT_CEILING_DIRECTORIES`), so `git commit -a` is seen through its temporary index.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use git2::{Delta, DiffFindOptions, DiffOptions, ErrorCode, FileMode, Oid, Repository, Tree};

use super::{Context, Item, Origin, Pattern, Plan, Snapshot, index, staged};
use crate::error::Error;

/// Only these diff statuses bring content into the commit; deletions bring none.
const KEPT: [Delta; 5] = [
    Delta::Added,
    Delta::Modified,
    Delta::Renamed,
    Delta::Copied,
    Delta::Typechange,
];

/// The index entry flag of `git add -N`.
const INTENT_TO_ADD: u16 = 1 << 13;

/// What staged mode lists: the changed files, the rest of their apps, and the other apps.
struct Listed {
    items: Vec<Item>,
    graph: Vec<Item>,
    context: Option<Context>,
}

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

    pub(super) fn staged(mut self, pattern: &dyn Pattern, exhaustive: bool) -> Result<Plan, Error> {
        let merge_heads = self.merge_heads();
        let mut phases = Vec::new();
        let fast = if exhaustive {
            None
        } else {
            timed(&mut phases, "read index", || self.take_index())
        };
        let head = timed(&mut phases, "read HEAD", || self.head_tree())?;
        let compared = match &fast {
            Some(index) => timed(&mut phases, "diff HEAD..index", || {
                staged::changes(&self.repo, head.as_ref(), index, pattern)
                    .map_err(git("comparing HEAD with the index"))
            })?,
            None => None,
        };
        let Listed {
            mut items,
            graph,
            context,
        } = match (compared, fast) {
            (Some(changes), Some(index)) => {
                let (items, touched) =
                    timed(&mut phases, "added lines", || self.items_of(&changes))?;
                let graph = timed(&mut phases, "list apps", || {
                    index_files_in(&index, &touched, pattern, &items)
                });
                let context = Some(Context { index, touched });
                Listed {
                    items,
                    graph,
                    context,
                }
            }
            (_, fast) => self.staged_through_libgit2(head.as_ref(), pattern, &mut phases, fast)?,
        };
        if !merge_heads.is_empty() {
            timed(&mut phases, "merge parents", || {
                self.new_to_every_parent(&mut items, &merge_heads)
            })?;
        }
        drop(head);
        let mut plan = self.into_plan(items, graph, phases, Snapshot::Index);
        plan.context = context;
        Ok(plan)
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
        if let Some(index) = self.index.get_or_init(|| self.read_index()) {
            return index
                .entries
                .iter()
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
        let mut entries: Vec<(String, u32, [u8; 20])> = Vec::with_capacity(index.entries.len());
        for entry in &index.entries {
            let path = index.path(entry);
            if entry.mode != index::SPARSE_DIRECTORY {
                entries.push((path.to_string(), entry.mode, entry.id));
                continue;
            }
            let tree = self.repo.find_tree(Oid::from_bytes(&entry.id).ok()?).ok()?;
            let prefix = path.trim_end_matches('/');
            let mut failed = false;
            tree.walk(git2::TreeWalkMode::PreOrder, |dir, item| {
                if item.kind() == Some(git2::ObjectType::Tree) {
                    return git2::TreeWalkResult::Ok;
                }
                let (Ok(name), Ok(id)) = (item.name(), item.id().as_bytes().try_into()) else {
                    failed = true;
                    return git2::TreeWalkResult::Abort;
                };
                entries.push((format!("{prefix}/{dir}{name}"), item.filemode() as u32, id));
                git2::TreeWalkResult::Ok
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

    /// Items and touched directories from the fast comparison's changes.
    fn items_of(&self, changes: &[staged::Change]) -> Result<(Vec<Item>, BTreeSet<String>), Error> {
        let mut items = Vec::new();
        let mut touched = BTreeSet::new();
        for change in changes {
            for side in [&change.old, &change.new].into_iter().flatten() {
                touched.insert(parent(&side.path).to_string());
            }
            let Some(new) = change
                .new
                .as_ref()
                .filter(|new| staged::is_file_mode(new.mode))
            else {
                continue;
            };
            let added_lines = match &change.old {
                Some(old) => Some(self.added_lines(old.id, new.id, &new.path)?),
                None => None,
            };
            items.push(Item {
                path: new.path.clone(),
                origin: Origin::Blob(new.id),
                added_lines,
            });
        }
        items.sort_by(|a, b| a.path.cmp(&b.path));
        Ok((items, touched))
    }

    /// The same comparison through libgit2: its index reader and tree-to-index diff with
    /// rename detection. Used when the fast reader declines, or when asked to be exhaustive.
    fn staged_through_libgit2(
        &self,
        head: Option<&Tree<'_>>,
        pattern: &dyn Pattern,
        phases: &mut Vec<(&'static str, Duration)>,
        read: Option<index::Index>,
    ) -> Result<Listed, Error> {
        let index = timed(phases, "read index (libgit2)", || match read {
            // Read already (libgit2 cannot read a split or sparse index): handed over.
            Some(read) => in_memory(&read).map_err(git("building the index for a diff")),
            // What libgit2 cannot read (a split or sparse index), our reader may.
            None => self
                .repo
                .index()
                .or_else(|err| match self.read_index() {
                    Some(read) => in_memory(&read),
                    None => Err(err),
                })
                .map_err(|err| {
                    let hint = match err.message() {
                        m if m.contains("'link'") => {
                            " (a split index: `git update-index --no-split-index` turns it off)"
                        }
                        m if m.contains("'sdir'") => {
                            " (a sparse index: `git config index.sparse false` turns it off)"
                        }
                        _ => "",
                    };
                    Error::Git {
                        context: "reading the index",
                        message: format!("{}{hint}", err.message()),
                    }
                }),
        })?;
        let mut diff = timed(phases, "diff HEAD..index (libgit2)", || {
            self.repo
                .diff_tree_to_index(head, Some(&index), Some(&mut diff_options(pattern)))
                .map_err(git("comparing HEAD with the index"))
        })?;
        let (mut items, touched) = timed(phases, "added lines", || {
            self.changed_files(&mut diff, pattern)
        })?;
        // An intent-to-add entry (`git add -N`) is not committed; libgit2's diff shows it as an
        // empty file, git's does not.
        let intent_to_add = |entry: &git2::IndexEntry| entry.flags_extended & INTENT_TO_ADD != 0;
        let pending: Vec<String> = index
            .iter()
            .filter(|entry| intent_to_add(entry))
            .filter_map(|entry| String::from_utf8(entry.path).ok())
            .collect();
        items.retain(|item| !pending.contains(&item.path));
        let listed = index::Index::from_entries(
            index
                .iter()
                .filter(|entry| entry_stage(entry.flags) == 0 && !intent_to_add(entry))
                .filter_map(|entry| {
                    let id = entry.id.as_bytes().try_into().ok()?;
                    Some((String::from_utf8(entry.path).ok()?, entry.mode, id))
                }),
        );
        let graph = index_files_in(&listed, &touched, pattern, &items);
        let context = Some(Context {
            index: listed,
            touched,
        });
        Ok(Listed {
            items,
            graph,
            context,
        })
    }

    /// The other parents of a merge in progress (`MERGE_HEAD`), if any.
    fn merge_heads(&mut self) -> Vec<Oid> {
        let mut heads = Vec::new();
        // No merge in progress is an error here (no MERGE_HEAD): then there are no heads.
        let _ = self.repo.mergehead_foreach(|id| {
            heads.push(*id);
            true
        });
        heads
    }

    /// During a merge, a line counts as added only if it is new to every parent: what the
    /// merged branch brings was checked when it was committed there, and what the merge
    /// itself adds (a conflict resolution) is this commit's doing.
    fn new_to_every_parent(&self, items: &mut [Item], heads: &[Oid]) -> Result<(), Error> {
        let trees: Vec<Tree<'_>> = heads
            .iter()
            .map(|id| self.repo.find_commit(*id).and_then(|commit| commit.tree()))
            .collect::<Result<_, _>>()
            .map_err(git("reading MERGE_HEAD"))?;
        for item in items {
            let Origin::Blob(new) = item.origin else {
                continue;
            };
            for tree in &trees {
                let Ok(entry) = tree.get_path(std::path::Path::new(&item.path)) else {
                    continue;
                };
                // A directory or submodule at that path in the other parent: all lines new.
                if entry.kind() != Some(git2::ObjectType::Blob) {
                    continue;
                }
                let other = self.added_lines(entry.id(), new, &item.path)?;
                item.added_lines = Some(match item.added_lines.take() {
                    None => other,
                    Some(ours) => intersect(&ours, &other),
                });
            }
        }
        Ok(())
    }

    pub(super) fn since(self, rev: &str, pattern: &dyn Pattern) -> Result<Plan, Error> {
        let unknown = |err: git2::Error| Error::UnknownRevision {
            rev: rev.to_string(),
            message: err.message().to_string(),
        };
        let other = self
            .repo
            .revparse_single(rev)
            .and_then(|object| object.peel_to_commit())
            .map_err(unknown)?;
        let head = self
            .repo
            .head()
            .and_then(|head| head.peel_to_commit())
            .map_err(git("reading HEAD"))?;
        let base =
            self.repo
                .merge_base(other.id(), head.id())
                .map_err(|err| Error::UnknownRevision {
                    rev: rev.to_string(),
                    message: format!("no common ancestor with HEAD ({})", err.message()),
                })?;
        let base_tree = self
            .repo
            .find_commit(base)
            .and_then(|commit| commit.tree())
            .map_err(git("reading the merge base"))?;
        let head_tree = head.tree().map_err(git("reading HEAD"))?;
        let mut diff = self
            .repo
            .diff_tree_to_tree(
                Some(&base_tree),
                Some(&head_tree),
                Some(&mut diff_options(pattern)),
            )
            .map_err(git("comparing the merge base with HEAD"))?;
        let mut phases = Vec::new();
        let (items, touched) = timed(&mut phases, "added lines", || {
            self.changed_files(&mut diff, pattern)
        })?;
        let graph = timed(&mut phases, "list apps", || {
            self.tree_files_in(&head_tree, &touched, pattern, &items)
        });
        // The migrations of every app at HEAD, so that dependencies on apps the change does
        // not touch are looked up as in staged mode.
        let others = timed(&mut phases, "list other apps", || {
            tree_migrations(&head_tree, pattern)
        });
        let tree = head_tree.id();
        drop((diff, base_tree, head_tree, head, other));
        let mut plan = self.into_plan(items, graph, phases, Snapshot::Tree(tree));
        plan.context = Some(Context {
            index: others,
            touched,
        });
        Ok(plan)
    }

    pub(super) fn all(mut self, pattern: &dyn Pattern, exhaustive: bool) -> Result<Plan, Error> {
        let Some(workdir) = self.repo.workdir().map(|dir| dir.to_path_buf()) else {
            return Err(Error::BareRepository {
                path: self.repo.path().to_path_buf(),
                what: "--all",
            });
        };
        let mut phases = Vec::new();
        let fast = if exhaustive {
            None
        } else {
            timed(&mut phases, "read index", || self.take_index())
        };
        let mut paths: Vec<String> = match &fast {
            Some(index) => {
                let tracked: Vec<String> = index
                    .entries
                    .iter()
                    .filter(|entry| is_file_mode(entry.mode) && pattern.matches(index.path(entry)))
                    .map(|entry| index.path(entry).to_string())
                    .collect();
                let untracked = timed(&mut phases, "list untracked", || {
                    untracked_migrations(&workdir, index, pattern)
                });
                tracked.into_iter().chain(untracked).collect()
            }
            None => self.all_through_libgit2(pattern, &mut phases)?,
        };
        paths.sort();
        paths.dedup();
        let items = paths
            .into_iter()
            .filter_map(|path| {
                let on_disk = workdir.join(&path);
                // A tracked file deleted in the working tree has nothing to check.
                on_disk.is_file().then_some(Item {
                    path,
                    origin: Origin::Disk(on_disk),
                    added_lines: None,
                })
            })
            .collect();
        Ok(self.into_plan(items, Vec::new(), phases, Snapshot::Disk(workdir)))
    }

    /// Tracked and untracked migrations through libgit2's index and status.
    fn all_through_libgit2(
        &self,
        pattern: &dyn Pattern,
        phases: &mut Vec<(&'static str, Duration)>,
    ) -> Result<Vec<String>, Error> {
        let index = timed(phases, "read index (libgit2)", || {
            self.repo.index().map_err(git("reading the index"))
        })?;
        let mut paths: Vec<String> = index
            .iter()
            .filter(|entry| entry_stage(entry.flags) == 0 && is_file_mode(entry.mode))
            .filter_map(|entry| String::from_utf8(entry.path).ok())
            .filter(|path| pattern.matches(path))
            .collect();
        let mut options = git2::StatusOptions::new();
        options
            .show(git2::StatusShow::Workdir)
            .include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false)
            .exclude_submodules(true);
        if let Some(pathspec) = pattern.pathspec() {
            options.pathspec(pathspec);
        }
        let statuses = timed(phases, "list untracked (libgit2)", || {
            self.repo
                .statuses(Some(&mut options))
                .map_err(git("listing untracked files"))
        })?;
        paths.extend(
            statuses
                .iter()
                .filter(|entry| entry.status().is_wt_new())
                .filter_map(|entry| entry.path().ok().map(str::to_string))
                .filter(|path| pattern.matches(path)),
        );
        Ok(paths)
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
            errors: Vec::new(),
            phases,
        }
    }

    /// The blob at `path` in `tree`, if there is a file there.
    pub(super) fn tree_blob(&self, tree: Oid, path: &str) -> Option<Oid> {
        let tree = self.repo.find_tree(tree).ok()?;
        let entry = tree.get_path(std::path::Path::new(path)).ok()?;
        is_file_mode(entry.filemode() as u32).then(|| entry.id())
    }

    /// Every file called `name` in `tree`, at any depth.
    pub(super) fn tree_files_named(&self, tree: Oid, name: &str) -> Vec<(String, Oid)> {
        let Ok(tree) = self.repo.find_tree(tree) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let _ = tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            if entry.name() == Ok(name) && is_file_mode(entry.filemode() as u32) {
                out.push((format!("{dir}{name}"), entry.id()));
            }
            git2::TreeWalkResult::Ok
        });
        out
    }

    /// The `.py` files directly in directory `dir` of `tree`.
    pub(super) fn tree_modules(&self, tree: Oid, dir: &str) -> Vec<(String, Oid)> {
        let Some(subtree) = self.repo.find_tree(tree).ok().and_then(|tree| {
            let entry = tree.get_path(std::path::Path::new(dir)).ok()?;
            self.repo.find_tree(entry.id()).ok()
        }) else {
            return Vec::new();
        };
        subtree
            .iter()
            .filter(|entry| is_file_mode(entry.filemode() as u32))
            .filter_map(|entry| {
                let name = std::str::from_utf8(entry.name_bytes()).ok()?;
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
                let path = file.path_bytes().and_then(|p| std::str::from_utf8(p).ok());
                if let Some(path) = path.filter(|path| pattern.matches(path)) {
                    touched.insert(parent(path).to_string());
                }
            }
            if !KEPT.contains(&delta.status()) {
                continue;
            }
            let new = delta.new_file();
            if !is_file_mode(u32::from(new.mode())) {
                continue;
            }
            let Some(path) = new.path_bytes().and_then(|p| std::str::from_utf8(p).ok()) else {
                continue;
            };
            if !pattern.matches(path) {
                continue;
            }
            let old = delta.old_file();
            let added_lines = if old.id().is_zero() || delta.status() == Delta::Added {
                None
            } else {
                Some(self.added_lines(old.id(), new.id(), path)?)
            };
            items.push(Item {
                path: path.to_string(),
                origin: Origin::Blob(new.id()),
                added_lines,
            });
        }
        items.sort_by(|a, b| a.path.cmp(&b.path));
        Ok((items, touched))
    }

    /// Migrations of the `dirs` in `tree`, other than those in `items`.
    fn tree_files_in(
        &self,
        tree: &Tree<'_>,
        dirs: &BTreeSet<String>,
        pattern: &dyn Pattern,
        items: &[Item],
    ) -> Vec<Item> {
        let mut extra = Vec::new();
        for dir in dirs {
            let Ok(entry) = tree.get_path(std::path::Path::new(dir)) else {
                continue;
            };
            let Ok(subtree) = entry.to_object(&self.repo).and_then(|o| o.peel_to_tree()) else {
                continue;
            };
            for entry in subtree.iter() {
                let Ok(name) = std::str::from_utf8(entry.name_bytes()) else {
                    continue;
                };
                let path = format!("{dir}/{name}");
                if is_file_mode(entry.filemode() as u32) && pattern.matches(&path) {
                    extra.push(Item {
                        path,
                        origin: Origin::Blob(entry.id()),
                        added_lines: Some(Vec::new()),
                    });
                }
            }
        }
        without(extra, items)
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

/// Every migration in `tree`, as index entries.
fn tree_migrations(tree: &Tree<'_>, pattern: &dyn Pattern) -> index::Index {
    let mut found = Vec::new();
    let _ = tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        if entry.kind() != Some(git2::ObjectType::Blob) {
            return git2::TreeWalkResult::Ok;
        }
        let (Ok(name), Ok(id)) = (entry.name(), entry.id().as_bytes().try_into()) else {
            return git2::TreeWalkResult::Ok;
        };
        let path = format!("{dir}{name}");
        if pattern.matches(&path) {
            found.push((path, entry.filemode() as u32, id));
        }
        git2::TreeWalkResult::Ok
    });
    index::Index::from_entries(found)
}

/// A libgit2 index in memory holding the entries of an index read by our own reader, for
/// libgit2's diff (rename detection by similarity) where libgit2 cannot read the file.
fn in_memory(read: &index::Index) -> Result<git2::Index, git2::Error> {
    let mut out = git2::Index::new()?;
    let zero = git2::IndexTime::new(0, 0);
    for entry in &read.entries {
        let path = read.path(entry);
        out.add(&git2::IndexEntry {
            ctime: zero,
            mtime: zero,
            dev: 0,
            ino: 0,
            mode: entry.mode,
            uid: 0,
            gid: 0,
            file_size: 0,
            id: Oid::from_bytes(&entry.id)?,
            flags: path.len().min(0xfff) as u16,
            flags_extended: 0,
            path: path.as_bytes().to_vec(),
        })?;
    }
    Ok(out)
}

/// Lines in both sets of sorted, disjoint line ranges.
fn intersect(a: &[Range<usize>], b: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        let range = x.start.max(y.start)..x.end.min(y.end);
        if !range.is_empty() {
            out.push(range);
        }
        if x.end < y.end {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Migrations in the working tree that the index does not track and git does not ignore, as
/// `git ls-files --others --exclude-standard` lists them: `.gitignore` files,
/// `.git/info/exclude` and `core.excludesFile` apply, hidden files count, and nested
/// repositories are not entered. Only names are read, no file is stat'ed against the index.
fn untracked_migrations(
    workdir: &std::path::Path,
    index: &index::Index,
    pattern: &dyn Pattern,
) -> Vec<String> {
    let root = workdir.to_path_buf();
    let walk = ignore::WalkBuilder::new(workdir)
        .hidden(false)
        .parents(false)
        .ignore(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(true)
        .require_git(false)
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            // `.git` itself, and a directory holding one (a nested repository or submodule).
            !(is_dir
                && (entry.file_name() == ".git"
                    || (entry.path() != root && entry.path().join(".git").exists())))
        })
        .build();
    let mut found = Vec::new();
    for entry in walk.flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Some(path) = entry
            .path()
            .strip_prefix(workdir)
            .ok()
            .and_then(|p| p.to_str())
            .map(|p| p.replace(std::path::MAIN_SEPARATOR, "/"))
        else {
            continue;
        };
        let tracked = index
            .entries
            .binary_search_by(|e| index.path(e).cmp(path.as_str()))
            .is_ok()
            // A path in conflict is tracked too (and, as in libgit2's status, left out).
            || index.conflicted.contains(&path);
        if pattern.matches(&path) && !tracked {
            found.push(path);
        }
    }
    found
}

/// Migrations of the `dirs` in the index, other than those in `items`: the rest of each
/// touched app, as it is being committed.
fn index_files_in(
    index: &index::Index,
    dirs: &BTreeSet<String>,
    pattern: &dyn Pattern,
    items: &[Item],
) -> Vec<Item> {
    let mut extra = Vec::new();
    for dir in dirs {
        let prefix = format!("{dir}/");
        // Entries are sorted by path, so a directory's are one run.
        let start = index
            .entries
            .partition_point(|e| index.path(e) < prefix.as_str());
        for entry in index.entries[start..]
            .iter()
            .take_while(|e| index.path(e).starts_with(&prefix))
        {
            let path = index.path(entry);
            if is_file_mode(entry.mode) && parent(path) == dir && pattern.matches(path) {
                let Ok(id) = Oid::from_bytes(&entry.id) else {
                    continue;
                };
                extra.push(Item {
                    path: path.to_string(),
                    origin: Origin::Blob(id),
                    added_lines: Some(Vec::new()),
                });
            }
        }
    }
    without(extra, items)
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

fn is_file_mode(mode: u32) -> bool {
    mode == u32::from(FileMode::Blob) || mode == u32::from(FileMode::BlobExecutable)
}

/// The merge stage of an index entry (0 outside a conflict).
fn entry_stage(flags: u16) -> u16 {
    (flags >> 12) & 0x3
}

#[cfg(test)]
mod tests {
    use super::intersect;

    // Slices of one range are what is meant here: one span of lines.
    #[allow(clippy::single_range_in_vec_init)]
    #[test]
    fn intersect_line_ranges() {
        assert_eq!(intersect(&[1..5, 8..10], &[3..9]), [3..5, 8..9]);
        assert!(intersect(&[1..3], &[3..4]).is_empty());
        assert!(intersect(&[], &[1..2]).is_empty());
        assert_eq!(intersect(&[1..10], &[2..3, 5..6]), [2..3, 5..6]);
    }
}
