//! The migration graph, from the files alone: more than one leaf in an app, a dependency on a
//! migration that does not exist, two migrations with one number, and dependency cycles.
//!
//! An app is a directory of migrations, named by its label (see `labels`). As Django does on
//! a fresh database, a squashed migration stands in for the migrations it `replaces`: those
//! leave the graph and references to them point at it. An app is judged only when every one
//! of its migrations was read exactly; otherwise it gets a [`Note`] saying why, never a guess.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use super::labels::Labels;
use super::{Finding, Rule};
use crate::migration::{Assignment, Header, Reference, Unknown};

/// One migration file as the graph sees it.
#[derive(Debug, Clone)]
pub struct GraphNode {
    pub path: String,
    pub header: Header,
    pub status: Status,
}

/// What the change being checked does to a migration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Status {
    /// Not part of the change (or no change is being checked: `--all`).
    #[default]
    Unchanged,
    /// Modified by the change.
    Changed,
    /// Added by the change.
    New,
}

/// Why an app was not judged: said once in `--all`, never a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub path: String,
    /// Bytes in `path` the note is about, when it is about a place in the file.
    pub span: Option<Range<usize>>,
    pub message: String,
}

/// The graph's findings, each with its path, and its notes.
#[derive(Debug, Default)]
pub struct GraphReport {
    pub findings: Vec<(String, Finding)>,
    pub notes: Vec<Note>,
}

type Id = usize;

struct Graph<'a> {
    nodes: &'a [GraphNode],
    /// Per node: its directory and name (the file stem).
    dir: Vec<&'a str>,
    name: Vec<&'a str>,
    label_dirs: BTreeMap<&'a str, Vec<&'a str>>,
    dir_label: BTreeMap<&'a str, &'a str>,
    /// (directory, name) -> the node that answers for it (itself, or its replacement).
    lookup: BTreeMap<(&'a str, &'a str), Id>,
    /// Nodes replaced by a squashed migration present in the repository.
    replaced: BTreeSet<Id>,
    /// Directories not judged: a name not found there may still exist (in a file that could
    /// not be read, or a squash whose `replaces` is computed).
    unjudged: BTreeSet<&'a str>,
}

/// What a reference points at.
enum Target {
    Node(Id),
    /// An app outside the repository, or a name the graph cannot judge (`__first__`...).
    External,
    Missing,
}

/// The graph findings of `nodes`, whose directories all have a label in `labels`.
pub fn check_graph<'n>(nodes: &'n [GraphNode], labels: &'n Labels) -> GraphReport {
    let mut report = GraphReport::default();
    let dir_of = |path: &'n str| split(path).0;
    // Directories that cannot be judged, with the note that says why (none for an unreadable
    // file: its error is reported already).
    let mut unjudged: BTreeMap<&str, Option<Note>> = BTreeMap::new();
    let mut doubt = |dir: &'n str, note: Option<Note>| {
        let slot = unjudged.entry(dir).or_insert(None);
        if slot.is_none() {
            *slot = note;
        }
    };
    for (dir, label) in labels.iter() {
        if let Some(note) = &label.doubt {
            doubt(dir, Some(note.clone()));
        }
    }
    let django = |header: &Header| {
        header.class_span.is_some() && header.foreign.is_none() && header.unknown_base.is_none()
    };
    let django_dirs: BTreeSet<&str> = nodes
        .iter()
        .filter(|n| django(&n.header))
        .map(|n| dir_of(&n.path))
        .collect();
    // A class that derives from something else, in a directory of Django migrations and
    // with `dependencies` of its own, is a project's subclass of Django's: read as one.
    let subclass = |node: &'n GraphNode| {
        node.header.foreign.is_none()
            && node.header.dependencies.is_some()
            && django_dirs.contains(dir_of(&node.path))
    };
    for node in nodes {
        let dir = dir_of(&node.path);
        let header = &node.header;
        if !header.complete {
            doubt(dir, None);
        }
        let not_django = header
            .foreign
            .as_ref()
            .or(header.unknown_base.as_ref().filter(|_| !subclass(node)));
        if let Some(span) = not_django {
            // A folder of another framework's migrations is simply not an app; such a class
            // among Django migrations is worth a word.
            let note = django_dirs.contains(dir).then(|| Note {
                path: node.path.clone(),
                span: Some(span.clone()),
                message: "this `Migration` is not Django's `migrations.Migration` (and sets no `dependencies` of its own), or a dependency is not an `(app, name)` pair, so this app is not judged".to_string(),
            });
            doubt(dir, note);
            continue;
        }
        let own = labels.label(dir).unwrap_or_default();
        let unknown = unsure(&header.replaces, true, own)
            .or_else(|| unsure(&header.dependencies, false, own))
            .or_else(|| unsure(&header.run_before, false, own));
        if let Some(unknown) = unknown {
            doubt(
                dir,
                Some(Note {
                    path: node.path.clone(),
                    span: Some(unknown.span.clone()),
                    message: "this dependency cannot be read without running the code, so this app is not judged".to_string(),
                }),
            );
        }
    }
    report.notes = unjudged.values().flatten().cloned().collect();

    // A file without a `Migration` class is no migration, and a folder of another
    // framework's migrations is no app: neither is part of the graph.
    let nodes: Vec<GraphNode> = nodes
        .iter()
        .filter(|node: &&'n GraphNode| {
            let foreign = node.header.foreign.is_some()
                || (node.header.unknown_base.is_some()
                    && !django_dirs.contains(dir_of(&node.path)));
            (node.header.class_span.is_some() || !node.header.complete) && !foreign
        })
        .cloned()
        .collect();
    let nodes = nodes.as_slice();
    let graph = Graph::new(nodes, labels, unjudged.keys().copied().collect());
    let judged = |id: Id| !graph.unjudged.contains(graph.dir[id]) && !graph.replaced.contains(&id);

    let mut children: Vec<BTreeSet<Id>> = vec![BTreeSet::new(); nodes.len()];
    // Apps with a dependency on a migration of their own that is missing: their leaves follow
    // from that one mistake, which is the finding.
    let mut broken: BTreeSet<&str> = BTreeSet::new();
    for (id, node) in nodes.iter().enumerate() {
        if !judged(id) {
            continue;
        }
        for reference in entries(&node.header.dependencies) {
            match graph.resolve(id, reference) {
                Target::Node(parent) => {
                    children[parent].insert(id);
                }
                Target::Missing => {
                    if graph.dirs_for(id, &reference.app).first() == Some(&graph.dir[id]) {
                        broken.insert(graph.dir[id]);
                    }
                    report
                        .findings
                        .push(graph.missing(id, reference, "dependency"));
                }
                Target::External => {}
            }
        }
        for reference in entries(&node.header.run_before) {
            match graph.resolve(id, reference) {
                Target::Node(child) => {
                    children[id].insert(child);
                }
                Target::Missing => report
                    .findings
                    .push(graph.missing(id, reference, "run_before")),
                Target::External => {}
            }
        }
    }
    let (leaves, reported) = graph.multiple_leaves(&children, &|id| {
        judged(id) && !broken.contains(graph.dir[id])
    });
    report.findings.extend(leaves);
    report
        .findings
        .extend(graph.duplicate_numbers(&children, &judged, &reported));
    report.findings.extend(graph.cycles(&children, &judged));
    report
}

/// The first entry of `assignment` that could not be read and may name a migration of the
/// node's own app (`own`), or any such entry when `any`.
fn unsure<'h>(assignment: &'h Option<Assignment>, any: bool, own: &str) -> Option<&'h Unknown> {
    assignment.as_ref().and_then(|a| {
        a.unknown
            .iter()
            .find(|u| any || u.app.as_deref().is_none_or(|app| app == own))
    })
}

fn entries(assignment: &Option<Assignment>) -> &[Reference] {
    assignment.as_ref().map_or(&[], |a| a.entries.as_slice())
}

/// The directory part and the file stem of a `/`-separated path.
fn split(path: &str) -> (&str, &str) {
    let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
    (dir, file.strip_suffix(".py").unwrap_or(file))
}

/// The numeric prefix of a migration name (`0005` of `0005_post_likes`).
fn number(name: &str) -> &str {
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    &name[..digits]
}

impl<'a> Graph<'a> {
    fn new(nodes: &'a [GraphNode], labels: &'a Labels, unjudged: BTreeSet<&'a str>) -> Graph<'a> {
        let (dir, name): (Vec<&str>, Vec<&str>) = nodes.iter().map(|n| split(&n.path)).unzip();
        let mut label_dirs: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        let mut dir_label = BTreeMap::new();
        for &d in &dir {
            if dir_label.contains_key(d) {
                continue;
            }
            if let Some(label) = labels.label(d) {
                label_dirs.entry(label).or_default().push(d);
                dir_label.insert(d, label);
            }
        }
        let lookup = (0..nodes.len())
            .map(|id| ((dir[id], name[id]), id))
            .collect();
        let mut graph = Graph {
            nodes,
            dir,
            name,
            label_dirs,
            dir_label,
            lookup,
            replaced: BTreeSet::new(),
            unjudged,
        };
        graph.apply_replacements();
        graph
    }

    /// A squashed migration answers for every migration it replaces, on disk or not.
    fn apply_replacements(&mut self) {
        for squashed in 0..self.nodes.len() {
            for reference in entries(&self.nodes[squashed].header.replaces) {
                for dir in self.dirs_for(squashed, &reference.app) {
                    let name = reference.name.as_str();
                    if let Some(&old) = self.lookup.get(&(dir, name))
                        && old != squashed
                    {
                        self.replaced.insert(old);
                    }
                    self.lookup.insert((dir, name), squashed);
                }
            }
        }
    }

    /// The directories holding app `label`, the referring node's own first.
    fn dirs_for(&self, from: Id, label: &str) -> Vec<&'a str> {
        let own = self.dir[from];
        let mut dirs: Vec<&'a str> = self.label_dirs.get(label).cloned().unwrap_or_default();
        dirs.sort_by_key(|&d| d != own);
        dirs
    }

    fn label(&self, id: Id) -> &str {
        self.dir_label.get(self.dir[id]).copied().unwrap_or("?")
    }

    fn resolve(&self, from: Id, reference: &Reference) -> Target {
        let dirs = self.dirs_for(from, &reference.app);
        if dirs.is_empty() || matches!(reference.name.as_str(), "__first__" | "__latest__") {
            return Target::External;
        }
        let Some(mut id) = dirs
            .iter()
            .find_map(|&dir| self.lookup.get(&(dir, reference.name.as_str())).copied())
        else {
            if dirs.iter().any(|dir| self.unjudged.contains(*dir)) {
                return Target::External;
            }
            return Target::Missing;
        };
        // A squashed migration may itself be squashed again: follow to the one that stands.
        for _ in 0..self.nodes.len() {
            match self.lookup.get(&(self.dir[id], self.name[id])) {
                Some(&next) if next != id => id = next,
                _ => break,
            }
        }
        Target::Node(id)
    }

    /// Where a finding about node `id` as a whole points: its `dependencies`, else its class.
    fn anchor(&self, id: Id) -> Range<usize> {
        let header = &self.nodes[id].header;
        header
            .dependencies
            .as_ref()
            .map(|a| a.span.clone())
            .or_else(|| header.class_span.clone())
            .unwrap_or(0..0)
    }

    /// The migration of a group a finding about the group is shown at: one the change adds,
    /// else one it modifies, else the newest by name.
    fn pick(&self, ids: &[Id]) -> Id {
        let rank = |&id: &Id| {
            let status = self.nodes[id].status;
            (
                status == Status::New,
                status == Status::Changed,
                self.name[id],
            )
        };
        ids.iter().copied().max_by_key(|id| rank(id)).unwrap_or(0)
    }

    fn finding(
        &self,
        id: Id,
        rule: Rule,
        span: Range<usize>,
        message: String,
        help: Option<String>,
    ) -> (String, Finding) {
        let mut finding = Finding::plain(rule, span, Some(message));
        finding.help = help;
        (self.nodes[id].path.clone(), finding)
    }

    fn missing(&self, id: Id, reference: &Reference, what: &str) -> (String, Finding) {
        let dirs = self.dirs_for(id, &reference.app);
        let wanted = reference.name.as_str();
        // The nearest name in that app, as `git` suggests a command it knows.
        let known: BTreeSet<&str> = self
            .lookup
            .keys()
            .filter(|(dir, _)| dirs.contains(dir))
            .map(|&(_, name)| name)
            .collect();
        let nearest = known
            .iter()
            .map(|&name| (distance(wanted, name), name))
            .filter(|&(d, name)| {
                d <= (wanted.chars().count() / 3).max(2)
                    || (!number(wanted).is_empty() && number(wanted) == number(name))
            })
            .min();
        let help = nearest.map(|(_, name)| {
            format!(
                "did you mean `(\"{}\", \"{name}\")`? {}",
                reference.app,
                Rule::MissingDependency.advice()
            )
        });
        self.finding(
            id,
            Rule::MissingDependency,
            reference.span.clone(),
            format!(
                "{what} on `{}.{wanted}`, which is not a migration in {}",
                reference.app,
                dirs.join(", ")
            ),
            help,
        )
    }

    /// One finding per app with several leaves, and the leaves it names.
    fn multiple_leaves(
        &self,
        children: &[BTreeSet<Id>],
        judged: &impl Fn(Id) -> bool,
    ) -> (Vec<(String, Finding)>, BTreeSet<Id>) {
        let mut leaves: BTreeMap<&str, Vec<Id>> = BTreeMap::new();
        for id in (0..self.nodes.len()).filter(|&id| judged(id)) {
            let dir = self.dir[id];
            if !children[id].iter().any(|&child| self.dir[child] == dir) {
                leaves.entry(dir).or_default().push(id);
            }
        }
        let mut findings = Vec::new();
        let mut reported = BTreeSet::new();
        for (_, ids) in leaves.into_iter().filter(|(_, ids)| ids.len() > 1) {
            reported.extend(ids.iter().copied());
            let at = self.pick(&ids);
            let label = self.label(at);
            let files: Vec<String> = ids
                .iter()
                .map(|&id| format!("`{}.py`", self.name[id]))
                .collect();
            let listed = match files.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                _ => files.join(""),
            };
            let numbers: BTreeSet<&str> = ids.iter().map(|&id| number(self.name[id])).collect();
            let same = match numbers.iter().collect::<Vec<_>>().as_slice() {
                [only] if !only.is_empty() && ids.len() == 2 => format!(" (both numbered {only})"),
                [only] if !only.is_empty() => format!(" (all numbered {only})"),
                _ => String::new(),
            };
            let merge = format!(
                "Run `python manage.py makemigrations --merge {label}` and commit the merge migration it writes"
            );
            let new: Vec<Id> = ids
                .iter()
                .copied()
                .filter(|&id| self.nodes[id].status == Status::New)
                .collect();
            let help = match new.as_slice() {
                // The change adds one leaf beside leaves that were there: written on a branch
                // that moved since. Renumbering it onto the newest other leaf is the other way.
                [only] if ids.len() == 2 => {
                    let other = ids.iter().copied().find(|&id| id != *only).unwrap_or(*only);
                    // The number after every other migration of the app.
                    let next = (0..self.nodes.len())
                        .filter(|&id| id != *only && self.dir[id] == self.dir[*only])
                        .filter_map(|id| number(self.name[id]).parse::<u64>().ok())
                        .max()
                        .map_or(1, |n| n + 1);
                    let own = self.name[*only];
                    // `0007_extra` for an unnumbered `extra`.
                    let rest = match number(own) {
                        "" => format!("_{own}"),
                        digits => own[digits.len()..].to_string(),
                    };
                    let depend = format!(
                        "make it depend on `(\"{label}\", \"{}\")`",
                        self.name[other]
                    );
                    if number(own).parse::<u64>().ok() == Some(next) {
                        format!(
                            "{merge}, or, since `{own}.py` is new here, {depend} instead, to follow `{}`.",
                            self.name[other]
                        )
                    } else {
                        format!(
                            "{merge}, or, since `{own}.py` is new here, renumber it to follow `{}`: rename it `{next:04}{rest}.py` and {depend}.",
                            self.name[other]
                        )
                    }
                }
                _ => format!("{merge}."),
            };
            findings.push(self.finding(
                at,
                Rule::MultipleLeaves,
                self.anchor(at),
                format!(
                    "app `{label}` has {} leaf migrations{same}: {listed}",
                    ids.len()
                ),
                Some(help),
            ));
        }
        (findings, reported)
    }

    /// Two migrations of one app with one number, unless one depends on the other or a later
    /// migration joins them (what `makemigrations --merge` makes, and Django accepts), or one
    /// of them is a leaf a `multiple-leaves` finding already names.
    fn duplicate_numbers(
        &self,
        children: &[BTreeSet<Id>],
        judged: &impl Fn(Id) -> bool,
        leaves: &BTreeSet<Id>,
    ) -> Vec<(String, Finding)> {
        let mut numbers: BTreeMap<(&str, &str), Vec<Id>> = BTreeMap::new();
        for id in (0..self.nodes.len()).filter(|&id| judged(id)) {
            let digits = number(self.name[id]);
            if !digits.is_empty() {
                numbers.entry((self.dir[id], digits)).or_default().push(id);
            }
        }
        let below = |from: Id| {
            let mut seen = BTreeSet::new();
            let mut stack = vec![from];
            while let Some(id) = stack.pop() {
                for &child in &children[id] {
                    if self.dir[child] == self.dir[from] && seen.insert(child) {
                        stack.push(child);
                    }
                }
            }
            seen
        };
        let mut findings = Vec::new();
        for ((dir, digits), ids) in numbers.into_iter().filter(|(_, ids)| ids.len() > 1) {
            let descendants: Vec<BTreeSet<Id>> = ids.iter().map(|&id| below(id)).collect();
            // In one line of history (one depends on the other), or both below one later
            // migration: Django runs them in a settled order.
            let joined = (0..ids.len()).all(|a| {
                (a + 1..ids.len()).all(|b| {
                    descendants[a].contains(&ids[b])
                        || descendants[b].contains(&ids[a])
                        || !descendants[a].is_disjoint(&descendants[b])
                })
            });
            // Leaves already reported say what is wrong with these migrations.
            if joined || ids.iter().any(|id| leaves.contains(id)) {
                continue;
            }
            let names: Vec<String> = ids
                .iter()
                .map(|&id| format!("`{}`", self.name[id]))
                .collect();
            let at = self.pick(&ids);
            findings.push(self.finding(
                at,
                Rule::DuplicateNumber,
                self.anchor(at),
                format!(
                    "number {digits} is used by {} in {dir}, and no later migration joins them",
                    names.join(" and ")
                ),
                None,
            ));
        }
        findings
    }

    /// Each cycle once, at its first migration in path order.
    fn cycles(
        &self,
        children: &[BTreeSet<Id>],
        judged: &impl Fn(Id) -> bool,
    ) -> Vec<(String, Finding)> {
        // Peel off nodes without parents until only cycles and what hangs off them remain.
        let mut parents = vec![0usize; self.nodes.len()];
        for kids in children {
            for &child in kids {
                parents[child] += 1;
            }
        }
        let mut ready: Vec<Id> = (0..self.nodes.len())
            .filter(|&id| parents[id] == 0)
            .collect();
        let mut left: BTreeSet<Id> = (0..self.nodes.len()).filter(|&id| judged(id)).collect();
        while let Some(id) = ready.pop() {
            left.remove(&id);
            for &child in &children[id] {
                parents[child] -= 1;
                if parents[child] == 0 {
                    ready.push(child);
                }
            }
        }
        let mut findings = Vec::new();
        let mut reported = BTreeSet::new();
        while let Some(&start) = left.iter().find(|id| !reported.contains(*id)) {
            // Every remaining node has a remaining parent, so walking parents must repeat.
            let mut path = vec![start];
            let mut seen = BTreeMap::from([(start, 0usize)]);
            let cycle = loop {
                let current = path[path.len() - 1];
                let Some(parent) = (0..self.nodes.len())
                    .find(|&p| left.contains(&p) && children[p].contains(&current))
                else {
                    break Vec::new();
                };
                if let Some(&at) = seen.get(&parent) {
                    break path[at..].to_vec();
                }
                seen.insert(parent, path.len());
                path.push(parent);
            };
            reported.insert(start);
            if cycle.is_empty() || cycle.iter().any(|id| reported.contains(id) && *id != start) {
                continue;
            }
            reported.extend(cycle.iter().copied());
            // In walk order each migration depends on the next.
            let members = cycle;
            let first = members
                .iter()
                .copied()
                .min_by_key(|&id| &self.nodes[id].path)
                .unwrap_or(start);
            let names: Vec<String> = members
                .iter()
                .map(|&id| format!("{}.{}", self.label(id), self.name[id]))
                .collect();
            findings.push(self.finding(
                first,
                Rule::DependencyCycle,
                self.anchor(first),
                format!(
                    "dependency cycle: {} -> {} (each depends on the next)",
                    names.join(" -> "),
                    names[0]
                ),
                None,
            ));
        }
        findings
    }
}

/// Edit distance (insertions, deletions, substitutions) between two names, in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::distance;

    #[test]
    fn edit_distance() {
        assert_eq!(distance("0003_order", "0003_orders"), 1);
        assert_eq!(distance("0003_ordre", "0003_order"), 2);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("same", "same"), 0);
    }
}
