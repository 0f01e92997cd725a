//! `--since REV`: what `HEAD` (or the commit `--until` names) adds since its merge base with
//! REV, with the migrations of every app at that commit for the dependencies the change names.

use std::collections::BTreeSet;

use git2::Tree;

use super::super::{Context, Item, Origin, Pattern, Plan, Snapshot, index, is_graph_module};
use super::{Repo, diff_options, display::shown, git, timed, without};
use crate::error::Error;

impl Repo {
    pub(in crate::source) fn since(
        self,
        rev: &str,
        until: Option<&str>,
        pattern: &dyn Pattern,
    ) -> Result<Plan, Error> {
        let commit_of = |rev: &str| {
            self.repo
                .revparse_single(rev)
                .and_then(|object| object.peel_to_commit())
                .map_err(|err| Error::UnknownRevision {
                    rev: rev.to_string(),
                    message: err.message().to_string(),
                })
        };
        let other = commit_of(rev)?;
        let head = match until {
            Some(until) => commit_of(until)?,
            None => self
                .repo
                .head()
                .and_then(|head| head.peel_to_commit())
                .map_err(git("reading HEAD"))?,
        };
        let tip = until.unwrap_or("HEAD");
        let base = self.repo.merge_base(other.id(), head.id()).map_err(|err| {
            match self.repo.is_shallow() {
                // A shallow clone (CI's default checkout) lacks the history that joins them;
                // that is the fix to name, not the missing ancestor.
                true => Error::ShallowClone {
                    rev: rev.to_string(),
                    tip: tip.to_string(),
                },
                false => Error::UnknownRevision {
                    rev: rev.to_string(),
                    message: format!("no common ancestor with {tip} ({})", err.message()),
                },
            }
        })?;
        let base_tree = self
            .repo
            .find_commit(base)
            .and_then(|commit| commit.tree())
            .map_err(git("reading the merge base"))?;
        let head_tree = head.tree().map_err(git(match until {
            Some(_) => "reading the --until commit",
            None => "reading HEAD",
        }))?;
        let mut diff = self
            .repo
            .diff_tree_to_tree(
                Some(&base_tree),
                Some(&head_tree),
                Some(&mut diff_options(pattern)),
            )
            .map_err(git(match until {
                Some(_) => "comparing the merge base with the --until commit",
                None => "comparing the merge base with HEAD",
            }))?;
        let mut phases = Vec::new();
        let (items, touched) = timed(&mut phases, "added lines", || {
            self.changed_files(&mut diff, pattern)
        })?;
        let graph = timed(&mut phases, "list apps", || {
            self.tree_files_in(&head_tree, &touched, pattern, &items)
        });
        // The migrations of every app at HEAD (or the --until commit), so that dependencies
        // on apps the change does not touch are looked up as in staged mode.
        let others = timed(&mut phases, "list other apps", || {
            self.tree_migrations(&head_tree, pattern)
        });
        let tree = head_tree.id();
        let earlier = vec![base_tree.id()];
        drop((diff, base_tree, head_tree, head, other));
        let mut plan = self.into_plan(items, graph, phases, Snapshot::Tree(tree));
        plan.earlier = earlier;
        plan.context = Some(Context {
            index: others,
            touched,
        });
        Ok(plan)
    }

    /// Migrations of the `dirs` in `tree`, other than those in `items`.
    fn tree_files_in(
        &self,
        tree: &Tree<'_>,
        dirs: &BTreeSet<String>,
        pattern: &dyn Pattern,
        items: &[Item],
    ) -> Vec<Item> {
        let extra = dirs
            .iter()
            .flat_map(|dir| self.migrations_of_dir(tree, dir, pattern))
            .map(|(path, id)| Item {
                path,
                origin: Origin::Blob(id),
                added_lines: Some(Vec::new()),
                before: Vec::new(),
            })
            .collect();
        without(extra, items)
    }

    /// Every migration in `tree`, as index entries.
    fn tree_migrations(&self, tree: &Tree<'_>, pattern: &dyn Pattern) -> index::Index {
        let mut found = Vec::new();
        // A tree that cannot be read (a corrupt repository) ends the listing; what was found
        // before it is kept.
        let _ = self.tree_leaves(tree, |path, entry| {
            if entry.kind() == Some(git2::ObjectType::Blob)
                && let Ok(id) = entry.id().as_bytes().try_into()
                && is_graph_module(pattern, &shown(path))
            {
                found.push((path.to_vec(), entry.filemode() as u32, id));
            }
        });
        index::Index::from_entries(found)
    }
}
