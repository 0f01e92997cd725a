//! The migration graph, from the files alone: more than one leaf in an app, a dependency on a
//! migration that does not exist, two migrations with one number, and dependency cycles.
//!
//! An app is a directory of migrations; its label is the name of the directory above, or what
//! `[app-labels]` says. As Django does on a fresh database, a squashed migration stands in for
//! the migrations it `replaces`: those leave the graph and references to them point at it.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use super::{Finding, Rule};
use crate::migration::{Assignment, Header, Reference};

/// One migration file as the graph sees it.
#[derive(Debug, Clone)]
pub struct GraphNode {
    pub path: String,
    pub header: Header,
}

/// App labels configured for directories whose `AppConfig.label` differs from their name.
#[derive(Debug, Clone, Default)]
pub struct AppLabels {
    /// Directory (of migrations, or the app above it), relative to the repository root.
    by_dir: BTreeMap<String, String>,
}

impl AppLabels {
    pub fn insert(&mut self, dir: &str, label: &str) {
        self.by_dir
            .insert(dir.trim_matches('/').to_string(), label.to_string());
    }

    /// The label of the app whose migrations are in `dir`.
    pub fn label(&self, dir: &str) -> Option<String> {
        let (app_dir, name) = match dir.rsplit_once('/') {
            Some((app_dir, _)) => (app_dir, app_dir.rsplit('/').next().unwrap_or(app_dir)),
            None => ("", ""),
        };
        self.by_dir
            .get(dir)
            .or_else(|| self.by_dir.get(app_dir))
            .cloned()
            .or_else(|| (!name.is_empty()).then(|| name.to_string()))
    }
}

type Id = usize;

struct Graph<'a> {
    nodes: &'a [GraphNode],
    /// Per node: its directory and name (the file stem).
    dir: Vec<&'a str>,
    name: Vec<&'a str>,
    label_dirs: BTreeMap<String, Vec<&'a str>>,
    dir_label: BTreeMap<&'a str, String>,
    /// (directory, name) -> the node that answers for it (itself, or its replacement).
    lookup: BTreeMap<(&'a str, &'a str), Id>,
    /// Nodes replaced by a squashed migration present in the repository.
    replaced: BTreeSet<Id>,
}

/// What a reference points at.
enum Target {
    Node(Id),
    /// An app outside the repository, or a name the graph cannot judge (`__first__`...).
    External,
    Missing,
}

/// The graph findings of `nodes`, each with the path it belongs to.
pub fn check_graph(nodes: &[GraphNode], labels: &AppLabels) -> Vec<(String, Finding)> {
    // A file without a `Migration` class is no migration (unless it is unreadable, which
    // keeps its app from being judged).
    let nodes: Vec<GraphNode> = nodes
        .iter()
        .filter(|node| node.header.class_span.is_some() || !node.header.complete)
        .cloned()
        .collect();
    let nodes = nodes.as_slice();
    let graph = Graph::new(nodes, labels);
    let mut findings = Vec::new();
    // A migration whose header could not be read makes its app's graph unknown; judging it
    // would report leaves and missing names that are only unreadable.
    let unreadable: BTreeSet<&str> = (0..nodes.len())
        .filter(|&id| !nodes[id].header.complete)
        .map(|id| graph.dir[id])
        .collect();
    let judged = |id: Id| !unreadable.contains(graph.dir[id]) && !graph.replaced.contains(&id);

    let mut children: Vec<BTreeSet<Id>> = vec![BTreeSet::new(); nodes.len()];
    for (id, node) in nodes.iter().enumerate() {
        if !judged(id) {
            continue;
        }
        for reference in entries(&node.header.dependencies) {
            match graph.resolve(id, reference) {
                Target::Node(parent) => {
                    children[parent].insert(id);
                }
                Target::Missing => findings.push(graph.missing(id, reference, "dependency")),
                Target::External => {}
            }
        }
        for reference in entries(&node.header.run_before) {
            match graph.resolve(id, reference) {
                Target::Node(child) => {
                    children[id].insert(child);
                }
                Target::Missing => findings.push(graph.missing(id, reference, "run_before")),
                Target::External => {}
            }
        }
    }
    findings.extend(graph.multiple_leaves(&children, &judged));
    findings.extend(graph.duplicate_numbers(&judged));
    findings.extend(graph.cycles(&children, &judged));
    findings
}

fn entries(assignment: &Option<Assignment>) -> &[Reference] {
    assignment.as_ref().map_or(&[], |a| a.entries.as_slice())
}

/// The directory part and the file stem of a `/`-separated path.
fn split(path: &str) -> (&str, &str) {
    let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
    (dir, file.strip_suffix(".py").unwrap_or(file))
}

impl<'a> Graph<'a> {
    fn new(nodes: &'a [GraphNode], labels: &AppLabels) -> Graph<'a> {
        let (dir, name): (Vec<&str>, Vec<&str>) = nodes.iter().map(|n| split(&n.path)).unzip();
        let mut label_dirs: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        let mut dir_label = BTreeMap::new();
        for &d in &dir {
            if dir_label.contains_key(d) {
                continue;
            }
            if let Some(label) = labels.label(d) {
                label_dirs.entry(label.clone()).or_default().push(d);
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

    fn resolve(&self, from: Id, reference: &Reference) -> Target {
        let dirs = self.dirs_for(from, &reference.app);
        if dirs.is_empty() || matches!(reference.name.as_str(), "__first__" | "__latest__") {
            return Target::External;
        }
        let Some(mut id) = dirs
            .iter()
            .find_map(|&dir| self.lookup.get(&(dir, reference.name.as_str())).copied())
        else {
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

    fn finding(
        &self,
        id: Id,
        rule: Rule,
        span: Range<usize>,
        message: String,
    ) -> (String, Finding) {
        (
            self.nodes[id].path.clone(),
            Finding::plain(rule, span, Some(message)),
        )
    }

    fn missing(&self, id: Id, reference: &Reference, what: &str) -> (String, Finding) {
        let dirs = self.dirs_for(id, &reference.app).join(", ");
        self.finding(
            id,
            Rule::MissingDependency,
            reference.span.clone(),
            format!(
                "{what} on `{}.{}`, which is not a migration in {dirs}",
                reference.app, reference.name
            ),
        )
    }

    fn multiple_leaves(
        &self,
        children: &[BTreeSet<Id>],
        judged: &impl Fn(Id) -> bool,
    ) -> Vec<(String, Finding)> {
        let mut leaves: BTreeMap<&str, Vec<Id>> = BTreeMap::new();
        for id in (0..self.nodes.len()).filter(|&id| judged(id)) {
            let dir = self.dir[id];
            if !children[id].iter().any(|&child| self.dir[child] == dir) {
                leaves.entry(dir).or_default().push(id);
            }
        }
        let mut findings = Vec::new();
        for (dir, ids) in leaves.into_iter().filter(|(_, ids)| ids.len() > 1) {
            let label = self.dir_label.get(dir).map_or(dir, String::as_str);
            for &id in &ids {
                let others: Vec<String> = ids
                    .iter()
                    .filter(|&&other| other != id)
                    .map(|&other| format!("`{}`", self.name[other]))
                    .collect();
                findings.push(self.finding(
                    id,
                    Rule::MultipleLeaves,
                    self.anchor(id),
                    format!(
                        "app `{label}` has {} leaf migrations: `{}` and {}",
                        ids.len(),
                        self.name[id],
                        others.join(", ")
                    ),
                ));
            }
        }
        findings
    }

    fn duplicate_numbers(&self, judged: &impl Fn(Id) -> bool) -> Vec<(String, Finding)> {
        let mut numbers: BTreeMap<(&str, &str), Vec<Id>> = BTreeMap::new();
        for id in (0..self.nodes.len()).filter(|&id| judged(id)) {
            let name = self.name[id];
            let digits = name.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 {
                numbers
                    .entry((self.dir[id], &name[..digits]))
                    .or_default()
                    .push(id);
            }
        }
        let mut findings = Vec::new();
        for ((dir, number), ids) in numbers.into_iter().filter(|(_, ids)| ids.len() > 1) {
            let names: Vec<String> = ids
                .iter()
                .map(|&id| format!("`{}`", self.name[id]))
                .collect();
            for &id in &ids {
                findings.push(self.finding(
                    id,
                    Rule::DuplicateNumber,
                    self.anchor(id),
                    format!(
                        "number {number} is used by {} in {dir}",
                        names.join(" and ")
                    ),
                ));
            }
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
                .map(|&id| {
                    format!(
                        "{}.{}",
                        self.dir_label.get(self.dir[id]).map_or("?", String::as_str),
                        self.name[id]
                    )
                })
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
            ));
        }
        findings
    }
}
