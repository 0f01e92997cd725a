//! `--all`: every migration the index tracks, and those in the working tree it does not
//! track and git does not ignore. Files are read from the working tree by the bytes of
//! their names, which need not be UTF-8; they are named as [`display`] shows them.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::super::{Item, MigrationPattern, Origin, Pattern, Plan, Snapshot, index, is_file_mode};
use super::display::{self, on_disk, shown};
use super::{Repo, entry_stage, git, timed};
use crate::error::Error;

/// A file to read: its path as shown, and where it is on disk.
type Found = (String, PathBuf);

impl Repo {
    pub(in crate::source) fn all(
        mut self,
        pattern: &dyn Pattern,
        exhaustive: bool,
    ) -> Result<Plan, Error> {
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
        let tracked = |index: &index::Index, entry: &index::Entry| -> Found {
            let path = index.path(entry).to_string();
            (path, on_disk(&workdir, index.raw_path(entry)))
        };
        let mut paths: Vec<Found> = match &fast {
            Some(index) => {
                let tracked: Vec<Found> = index
                    .entries
                    .iter()
                    .filter(|entry| is_file_mode(entry.mode) && pattern.matches(index.path(entry)))
                    .map(|entry| tracked(index, entry))
                    .collect();
                let untracked = timed(&mut phases, "list untracked", || {
                    untracked_migrations(&workdir, index, pattern)
                });
                tracked.into_iter().chain(untracked).collect()
            }
            None => self.all_through_libgit2(&workdir, pattern, &mut phases)?,
        };
        paths.sort();
        paths.dedup_by(|a, b| a.0 == b.0);
        // Migrations `exclude` keeps from the naming rules are still part of their app's
        // graph: read for it, not checked.
        let dirs: std::collections::BTreeSet<&str> =
            paths.iter().map(|(path, _)| super::parent(path)).collect();
        let default = MigrationPattern::default();
        let excluded: Vec<Found> = fast
            .iter()
            .flat_map(|index| index.entries.iter().map(move |entry| (index, entry)))
            .filter(|(index, entry)| {
                let path = index.path(entry);
                is_file_mode(entry.mode)
                    && default.matches(path)
                    && dirs.contains(super::parent(path))
                    && !pattern.matches(path)
            })
            .map(|(index, entry)| tracked(index, entry))
            .collect();
        let on_disk = |(path, file): Found| {
            // A tracked file deleted in the working tree (or replaced by a directory) has
            // nothing to check; one replaced by a FIFO or a device is refused when read.
            let there = std::fs::metadata(&file).is_ok_and(|m| !m.is_dir());
            there.then_some(Item {
                path,
                origin: Origin::Disk(file),
                added_lines: None,
                before: Vec::new(),
            })
        };
        let graph = excluded.into_iter().filter_map(on_disk).collect();
        let items = paths.into_iter().filter_map(on_disk).collect();
        Ok(self.into_plan(items, graph, phases, Snapshot::Disk(workdir)))
    }

    /// Tracked and untracked migrations through libgit2's index and status.
    fn all_through_libgit2(
        &self,
        workdir: &Path,
        pattern: &dyn Pattern,
        phases: &mut Vec<(&'static str, Duration)>,
    ) -> Result<Vec<Found>, Error> {
        let index = timed(phases, "read index (libgit2)", || {
            self.repo.index().map_err(git("reading the index"))
        })?;
        let found = |raw: &[u8]| (shown(raw).into_owned(), on_disk(workdir, raw));
        let mut paths: Vec<Found> = index
            .iter()
            .filter(|entry| entry_stage(entry.flags) == 0 && is_file_mode(entry.mode))
            .map(|entry| found(&entry.path))
            .filter(|(path, _)| pattern.matches(path))
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
                .map(|entry| found(entry.path_bytes()))
                .filter(|(path, _)| pattern.matches(path)),
        );
        Ok(paths)
    }
}

/// Migrations in the working tree that the index does not track and git does not ignore, as
/// `git ls-files --others --exclude-standard` lists them: `.gitignore` files,
/// `.git/info/exclude` and `core.excludesFile` apply, hidden files count, and nested
/// repositories are not entered. Only names are read, no file is stat'ed against the index.
fn untracked_migrations(workdir: &Path, index: &index::Index, pattern: &dyn Pattern) -> Vec<Found> {
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
        let Ok(relative) = entry.path().strip_prefix(workdir) else {
            continue;
        };
        let mut path = display::shown_path(relative).into_owned();
        if std::path::MAIN_SEPARATOR != '/' {
            path = path.replace(std::path::MAIN_SEPARATOR, "/");
        }
        // The pattern first: it is cheaper than the look-up, which for a name that is not
        // UTF-8 goes over every such entry.
        if !pattern.matches(&path) {
            continue;
        }
        let tracked = index.find(&path).is_some()
            // A path in conflict is tracked too (and, as in libgit2's status, left out).
            || index.conflicted.contains(&path);
        if !tracked {
            found.push((path, entry.into_path()));
        }
    }
    found
}
