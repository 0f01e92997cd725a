//! Staged mode: `HEAD` against the index, read by our own reader and compared through the
//! cache tree, with libgit2's diff where only a similarity measure can pair a rename; and
//! during a merge, the lines new to every parent.

use std::collections::BTreeSet;
use std::ops::Range;
use std::time::Duration;

use git2::{Oid, Tree};

use super::super::{
    Context, Item, Origin, Pattern, Plan, Snapshot, compare, index, is_file_mode, is_graph_module,
};
use super::{Repo, diff_options, display::shown_owned, entry_stage, git, parent, timed, without};
use crate::error::Error;

/// The index entry flag of `git add -N`.
const INTENT_TO_ADD: u16 = 1 << 13;

/// What staged mode lists: the changed files, the rest of their apps, and the other apps.
struct Listed {
    items: Vec<Item>,
    graph: Vec<Item>,
    context: Option<Context>,
}

impl Repo {
    pub(in crate::source) fn staged(
        mut self,
        pattern: &dyn Pattern,
        exhaustive: bool,
    ) -> Result<Plan, Error> {
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
                compare::changes(&self.repo, head.as_ref(), index, pattern)
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
        // What the change is measured against: HEAD, and the other parents of a merge.
        let mut earlier: Vec<Oid> = head.as_ref().map(Tree::id).into_iter().collect();
        if !merge_heads.is_empty() {
            earlier.extend(timed(&mut phases, "merge parents", || {
                self.new_to_every_parent(&mut items, &merge_heads)
            })?);
        }
        drop(head);
        let mut plan = self.into_plan(items, graph, phases, Snapshot::Index);
        plan.context = context;
        plan.earlier = earlier;
        Ok(plan)
    }

    /// Items and touched directories from the fast comparison's changes.
    fn items_of(
        &self,
        changes: &[compare::Change],
    ) -> Result<(Vec<Item>, BTreeSet<String>), Error> {
        let mut items = Vec::new();
        let mut touched = BTreeSet::new();
        for change in changes {
            for side in [&change.old, &change.new].into_iter().flatten() {
                touched.insert(parent(&side.path).to_string());
            }
            let Some(new) = change.new.as_ref().filter(|new| is_file_mode(new.mode)) else {
                continue;
            };
            let (added_lines, before) = match &change.old {
                Some(old) => (
                    Some(self.added_lines(old.id, new.id, &new.path)?),
                    vec![old.id],
                ),
                None => (None, Vec::new()),
            };
            items.push(Item {
                path: new.path.clone(),
                origin: Origin::Blob(new.id),
                added_lines,
                before,
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
            .map(|entry| shown_owned(entry.path))
            .collect();
        items.retain(|item| !pending.contains(&item.path));
        let listed = index::Index::from_entries(
            index
                .iter()
                .filter(|entry| entry_stage(entry.flags) == 0 && !intent_to_add(entry))
                .filter_map(|entry| {
                    let id = entry.id.as_bytes().try_into().ok()?;
                    Some((entry.path, entry.mode, id))
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
    /// itself adds (a conflict resolution) is this commit's doing. Returns the parents' trees.
    fn new_to_every_parent(&self, items: &mut [Item], heads: &[Oid]) -> Result<Vec<Oid>, Error> {
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
                let Some(entry) = self.tree_entry(tree, &item.path) else {
                    continue;
                };
                // A directory or submodule at that path in the other parent: all lines new.
                if entry.kind() != Some(git2::ObjectType::Blob) {
                    continue;
                }
                let other = self.added_lines(entry.id(), new, &item.path)?;
                item.before.push(entry.id());
                item.added_lines = Some(match item.added_lines.take() {
                    None => other,
                    Some(ours) => intersect(&ours, &other),
                });
            }
        }
        Ok(trees.iter().map(Tree::id).collect())
    }
}

/// Migrations of the `dirs` in the index, other than those in `items`: the rest of each
/// touched app, as it is being committed.
pub(super) fn index_files_in(
    index: &index::Index,
    dirs: &BTreeSet<String>,
    pattern: &dyn Pattern,
    items: &[Item],
) -> Vec<Item> {
    let mut extra = Vec::new();
    for dir in dirs {
        for entry in index.under(&format!("{dir}/")) {
            let path = index.path(entry);
            if is_file_mode(entry.mode) && parent(path) == dir && is_graph_module(pattern, path) {
                let Ok(id) = Oid::from_bytes(&entry.id) else {
                    continue;
                };
                extra.push(Item {
                    path: path.to_string(),
                    origin: Origin::Blob(id),
                    added_lines: Some(Vec::new()),
                    before: Vec::new(),
                });
            }
        }
    }
    without(extra, items)
}

/// A libgit2 index in memory holding the entries of an index read by our own reader, for
/// libgit2's diff (rename detection by similarity) where libgit2 cannot read the file. Paths
/// go in as git stores them, so they meet `HEAD`'s names byte for byte.
fn in_memory(read: &index::Index) -> Result<git2::Index, git2::Error> {
    let mut out = git2::Index::new()?;
    let zero = git2::IndexTime::new(0, 0);
    for entry in &read.entries {
        let path = read.raw_path(entry);
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
            path: path.to_vec(),
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
