//! The git modes, through libgit2: staged (`HEAD` tree vs the index), `--all` (index entries
//! plus untracked files) and `--since REV` (merge base vs `HEAD`). The repository is opened
//! with the environment git gives hooks (`GIT_DIR`, `GIT_WORK_TREE`, `GIT_INDEX_FILE`,
//! `GIT_CEILING_DIRECTORIES`), so `git commit -a` is seen through its temporary index.

use std::ops::Range;
use std::time::{Duration, Instant};

use git2::{Delta, DiffFindOptions, DiffOptions, ErrorCode, FileMode, Oid, Repository, Tree};

use super::{Item, MigrationPattern, Origin, Plan};
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
        let repo = Repository::open_from_env().map_err(|err| match err.code() {
            ErrorCode::NotFound => Error::NotARepository { what },
            _ => Error::Git {
                context: "opening the repository",
                message: err.message().to_string(),
            },
        })?;
        if repo.is_bare() {
            return Err(Error::BareRepository {
                path: repo.path().to_path_buf(),
                what,
            });
        }
        Ok(Repo { repo })
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

    pub(super) fn staged(self, pattern: &MigrationPattern) -> Result<Plan, Error> {
        let mut phases = Vec::new();
        let head = timed(&mut phases, "read HEAD", || self.head_tree())?;
        let index = timed(&mut phases, "read index", || {
            self.repo.index().map_err(git("reading the index"))
        })?;
        let mut diff = timed(&mut phases, "diff HEAD..index", || {
            self.repo
                .diff_tree_to_index(
                    head.as_ref(),
                    Some(&index),
                    Some(&mut diff_options(pattern)),
                )
                .map_err(git("comparing HEAD with the index"))
        })?;
        let items = timed(&mut phases, "added lines", || {
            self.changed_files(&mut diff, pattern)
        })?;
        drop((diff, head));
        Ok(self.into_plan(items, phases))
    }

    pub(super) fn since(self, rev: &str, pattern: &MigrationPattern) -> Result<Plan, Error> {
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
        let items = timed(&mut phases, "added lines", || {
            self.changed_files(&mut diff, pattern)
        })?;
        drop((diff, base_tree, head_tree, head, other));
        Ok(self.into_plan(items, phases))
    }

    pub(super) fn all(self, pattern: &MigrationPattern) -> Result<Plan, Error> {
        let Some(workdir) = self.repo.workdir().map(|dir| dir.to_path_buf()) else {
            return Err(Error::BareRepository {
                path: self.repo.path().to_path_buf(),
                what: "--all",
            });
        };
        let mut phases = Vec::new();
        let index = timed(&mut phases, "read index", || {
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
        let statuses = timed(&mut phases, "list untracked", || {
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
        drop(statuses);
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
        drop(index);
        Ok(self.into_plan(items, phases))
    }

    fn into_plan(self, items: Vec<Item>, phases: Vec<(&'static str, Duration)>) -> Plan {
        Plan {
            repo: Some(self),
            items,
            errors: Vec::new(),
            phases,
        }
    }

    /// Migration files a diff brings content to, with the lines it adds.
    fn changed_files(
        &self,
        diff: &mut git2::Diff<'_>,
        pattern: &MigrationPattern,
    ) -> Result<Vec<Item>, Error> {
        // Rename detection keeps a moved migration from counting as all-new lines.
        diff.find_similar(Some(DiffFindOptions::new().renames(true)))
            .map_err(git("detecting renames"))?;
        let mut items = Vec::new();
        for delta in diff.deltas() {
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
        Ok(items)
    }

    /// The 1-based line ranges of `new` that are not in `old`.
    fn added_lines(&self, old: Oid, new: Oid, path: &str) -> Result<Vec<Range<usize>>, Error> {
        let read = |id| self.repo.find_blob(id).map_err(git("reading a blob"));
        let (old, new) = (read(old)?, read(new)?);
        let mut options = DiffOptions::new();
        options.context_lines(0).force_text(true);
        let patch = git2::Patch::from_blobs(
            &old,
            Some(path.as_ref()),
            &new,
            Some(path.as_ref()),
            Some(&mut options),
        )
        .map_err(git("diffing a staged file"))?;
        let mut ranges = Vec::new();
        for hunk in 0..patch.num_hunks() {
            let (hunk, _) = patch.hunk(hunk).map_err(git("diffing a staged file"))?;
            let start = hunk.new_start() as usize;
            let count = hunk.new_lines() as usize;
            if count > 0 {
                ranges.push(start..start + count);
            }
        }
        Ok(ranges)
    }
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

fn diff_options(pattern: &MigrationPattern) -> DiffOptions {
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
