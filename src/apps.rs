//! The apps a graph check needs beyond the files it lists: the untouched apps the touched
//! migrations name (so their references resolve), and every app's label, read from its
//! config modules in the mode's snapshot (the index, `HEAD`, or the working tree).

use std::collections::{BTreeMap, BTreeSet};

use crate::check::{self, AppLabels, Declared, GraphNode, Labels, Status};
use crate::{migration, source};

/// Nodes for the untouched apps the touched migrations name, so that their references
/// resolve, and the labels found for apps known by their `apps.py` only. An app is found by
/// its folder's name or `[app-labels]`; a label that names no such folder is looked for in
/// every `apps.py` of the snapshot (once, and only then). A name that is a file there needs
/// no reading; only an app where a named migration has no file (it may be answered by a
/// squashed migration's `replaces`) has its headers read. These apps are never judged:
/// their own findings are not the change's doing.
pub fn context_nodes(
    plan: &source::Plan,
    pattern: &dyn source::Pattern,
    nodes: &[GraphNode],
    labels: &AppLabels,
) -> (Vec<GraphNode>, BTreeMap<String, Declared>) {
    let references: Vec<&migration::Reference> = nodes
        .iter()
        .flat_map(|node| {
            let header = &node.header;
            [&header.dependencies, &header.run_before, &header.replaces]
                .into_iter()
                .flatten()
                .flat_map(|assignment| assignment.entries.iter())
        })
        .collect();
    if references.is_empty() {
        return (Vec::new(), BTreeMap::new());
    }
    let named: BTreeSet<&str> = references.iter().map(|r| r.app.as_str()).collect();
    let wanted = |dir: &str| {
        labels
            .label(dir)
            .is_some_and(|l| named.contains(l.as_str()))
    };
    let mut paths = plan.context_paths(pattern, wanted);
    // Labels named that no folder answers to (the touched apps' own included): an app whose
    // label only its `apps.py` gives (`wagtailcore` for `wagtail/`), or an app outside the
    // repository. Only the snapshot's `apps.py` files can tell which.
    // Once per directory: paths come grouped by directory.
    let mut dirs: Vec<&str> = nodes
        .iter()
        .map(|node| dir_of(&node.path))
        .chain(paths.iter().map(|path| dir_of(path)))
        .collect();
    dirs.sort_unstable();
    dirs.dedup();
    let known: BTreeSet<String> = dirs.iter().filter_map(|dir| labels.label(dir)).collect();
    let unmatched: BTreeSet<&str> = named
        .iter()
        .copied()
        .filter(|label| !known.contains(*label))
        .collect();
    let mut found: BTreeMap<String, Declared> = BTreeMap::new();
    if !unmatched.is_empty() {
        let declaring = declared_labels(plan);
        let touched = plan.touched_dirs();
        for (label, (dir, declared)) in declaring {
            if unmatched.contains(label.as_str()) && !touched.contains(dir.as_str()) {
                found.insert(dir, declared);
            }
        }
        if !found.is_empty() {
            let more = plan.context_paths(pattern, |dir| found.contains_key(dir));
            paths.extend(more);
            paths.sort();
            paths.dedup();
        }
    }
    let label_of = |dir: &str| match found.get(dir) {
        Some(Declared::Label { label, .. }) => Some(label.clone()),
        _ => labels.label(dir),
    };
    let mut by_dir: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for path in &paths {
        by_dir.entry(dir_of(path)).or_default().push(path);
    }
    let stem = |path: &str| {
        let file = path.rsplit_once('/').map_or(path, |(_, file)| file);
        file.strip_suffix(".py").unwrap_or(file).to_string()
    };
    let mut out = Vec::new();
    for (dir, paths) in &by_dir {
        let Some(label) = label_of(dir) else {
            continue;
        };
        let names: BTreeSet<String> = paths.iter().map(|path| stem(path)).collect();
        let unresolved = references.iter().any(|r| {
            r.app == label
                && !matches!(r.name.as_str(), "__first__" | "__latest__")
                && !names.contains(&r.name)
        });
        for path in paths {
            if !unresolved {
                // Known by name only: an unread node, which keeps the app from being judged.
                out.push(unreadable(path.to_string()));
                continue;
            }
            let header = plan.read_context(path).and_then(|file| {
                migration::parse_header(&file.content).map_err(crate::error::Error::parse(path))
            });
            out.push(GraphNode {
                path: path.to_string(),
                header: header.unwrap_or_default(),
                status: Status::Unchanged,
            });
        }
    }
    (out, found)
}

/// A graph node for a migration that could not be read: its app is not judged.
pub fn unreadable(path: String) -> GraphNode {
    GraphNode {
        path,
        header: migration::Header::default(),
        status: Status::Unchanged,
    }
}

/// The folder of a root-relative, `/`-separated path (`""` at the root).
pub(crate) fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// The label of every directory among `nodes`: configured, else read from the app's config
/// modules in the mode's snapshot (or already `found` by [`context_nodes`]), with the
/// migrations as evidence.
pub fn labels(
    plan: &source::Plan,
    nodes: &[GraphNode],
    configured: &AppLabels,
    found: BTreeMap<String, Declared>,
) -> Labels {
    // An app of which nothing was read (another app, whose migrations a dependency names
    // and all are there by name) needs no label read: each name resolves as a file. Unless
    // another folder has its name: then which of them is the app named is the question.
    let mut read: BTreeMap<&str, bool> = BTreeMap::new();
    for node in nodes {
        *read.entry(dir_of(&node.path)).or_default() |= !check::unread(node);
    }
    let mut folders: BTreeMap<String, usize> = BTreeMap::new();
    for dir in read.keys() {
        if let Some(label) = configured.label(dir) {
            *folders.entry(label).or_default() += 1;
        }
    }
    let shared = |dir: &str| {
        configured
            .label(dir)
            .is_some_and(|label| folders.get(&label).is_some_and(|n| *n > 1))
    };
    let mut declared = found;
    for (dir, read) in read {
        if declared.contains_key(dir) {
            continue;
        }
        let said = if configured.configured(dir).is_some() || !(read || shared(dir)) {
            Declared::Silent
        } else {
            read_declared(plan, check::app_dir(dir))
        };
        declared.insert(dir.to_string(), said);
    }
    Labels::resolve(configured, &declared, nodes)
}

/// What an app's config modules say about its label.
fn read_declared(plan: &source::Plan, app_dir: &str) -> Declared {
    let mut modules = Vec::new();
    for (path, content) in plan.app_modules(app_dir) {
        let content = match content {
            Ok(content) => content,
            Err(err) => {
                return Declared::Ambiguous {
                    why: format!("it cannot be read: {err}"),
                    path,
                };
            }
        };
        if let Some(module) = config_module(&content) {
            modules.push((path, module));
        }
    }
    check::declared(&modules)
}

/// The configs of one module. Without `label`, a config's label is the last part of its
/// `name`, which is the app folder's name (the module Django imports): only a module that
/// mentions `label` or `default_app_config` can say more, so only those are parsed.
fn config_module(content: &[u8]) -> Option<migration::AppModule> {
    let worth = |needle: &[u8]| content.windows(needle.len()).any(|w| w == needle);
    if !worth(b"label") && !worth(b"default_app_config") {
        return None;
    }
    migration::app_configs(content).ok()
}

/// Every label an `apps.py` of the snapshot sets, with the migrations directory of its app
/// and what it declares.
fn declared_labels(plan: &source::Plan) -> BTreeMap<String, (String, Declared)> {
    let mut out = BTreeMap::new();
    for (path, content) in plan.apps_files() {
        let Ok(content) = content else {
            continue;
        };
        let Some(module) = config_module(&content) else {
            continue;
        };
        let app = dir_of(&path).to_string();
        let declared = check::declared(&[(path.clone(), module)]);
        if let Declared::Label { label, .. } = &declared {
            let dir = if app.is_empty() {
                "migrations".to_string()
            } else {
                format!("{app}/migrations")
            };
            out.insert(label.clone(), (dir, declared.clone()));
        }
    }
    out
}
