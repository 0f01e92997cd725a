//! App labels, as Django would name each directory of migrations: `[app-labels]` in the
//! config first, then the app's `AppConfig` (`label`, else the last part of `name`), then
//! the migrations' own evidence (a folder whose migrations name their siblings as
//! `("x", "0003_...")` is app `x`), then the folder's name. Where these disagree or stay
//! ambiguous, the app keeps a label for look-ups but is not judged, with a note saying why.

use std::collections::{BTreeMap, BTreeSet};

use super::graph::{GraphNode, Note};
use crate::migration::AppModule;

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

    /// Add every label of `other`, which wins where both name a directory.
    pub fn extend(&mut self, other: &AppLabels) {
        for (dir, label) in &other.by_dir {
            self.by_dir.insert(dir.clone(), label.clone());
        }
    }

    /// The configured label of the app whose migrations are in `dir`.
    pub fn configured(&self, dir: &str) -> Option<&str> {
        self.by_dir
            .get(dir)
            .or_else(|| self.by_dir.get(app_dir(dir)))
            .map(String::as_str)
    }

    /// The configured label, else the folder's name: what is known without reading files.
    pub fn label(&self, dir: &str) -> Option<String> {
        self.configured(dir)
            .map(str::to_string)
            .or_else(|| folder_label(dir))
    }
}

/// The app directory a migrations directory belongs to (`blog/migrations` -> `blog`).
pub fn app_dir(dir: &str) -> &str {
    dir.rsplit_once('/').map_or("", |(app, _)| app)
}

/// The label Django gives an app by default: the last part of its module path.
fn folder_label(dir: &str) -> Option<String> {
    let app = app_dir(dir);
    let name = app.rsplit('/').next().unwrap_or(app);
    (!name.is_empty()).then(|| name.to_string())
}

/// What an app's config modules declare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Declared {
    /// No `AppConfig` that sets a label or a name.
    Silent,
    /// The one config that counts, and the file it is in.
    Label { label: String, path: String },
    /// Several configs and no way to choose, or a computed label: why, and where.
    Ambiguous { why: String, path: String },
}

/// Choose the config that counts among an app's modules (`(path, module)` pairs), as Django
/// does where it can be told statically: the class `default_app_config` names; else the only
/// one; else the one with `default = True`; else the only one that sets `label`; else, if
/// all agree, their label.
pub fn declared(modules: &[(String, AppModule)]) -> Declared {
    let named: Vec<&str> = modules
        .iter()
        .filter_map(|(_, m)| m.default_app_config.as_deref())
        .map(|path| path.rsplit('.').next().unwrap_or(path))
        .collect();
    let candidates: Vec<(&str, &crate::migration::AppConfigClass)> = modules
        .iter()
        .flat_map(|(path, m)| m.configs.iter().map(move |c| (path.as_str(), c)))
        .filter(|(_, c)| c.label().is_some())
        .collect();
    let Some(&(first_path, _)) = candidates.first() else {
        return Declared::Silent;
    };
    let chosen: Vec<_> = {
        let by_name: Vec<_> = candidates
            .iter()
            .filter(|(_, c)| named.contains(&c.class.as_str()))
            .collect();
        let enabled: Vec<_> = candidates
            .iter()
            .filter(|(_, c)| c.default != Some(false))
            .collect();
        let defaults: Vec<_> = candidates
            .iter()
            .filter(|(_, c)| c.default == Some(true))
            .collect();
        let labelled: Vec<_> = candidates
            .iter()
            .filter(|(_, c)| !matches!(c.label, crate::migration::Attribute::Unset))
            .collect();
        [by_name, enabled, defaults, labelled]
            .into_iter()
            .find(|set| set.len() == 1)
            .unwrap_or_else(|| candidates.iter().collect())
    };
    let labels: BTreeSet<Option<String>> = chosen.iter().filter_map(|(_, c)| c.label()).collect();
    let path = chosen
        .first()
        .map_or(first_path, |(path, _)| path)
        .to_string();
    match labels.into_iter().collect::<Vec<_>>().as_slice() {
        [Some(label)] => Declared::Label {
            label: label.clone(),
            path,
        },
        [None] => Declared::Ambiguous {
            why: format!(
                "the label of `{}` is computed",
                chosen.first().map_or("", |(_, c)| c.class.as_str())
            ),
            path,
        },
        _ => {
            let classes: Vec<String> = chosen
                .iter()
                .map(|(_, c)| format!("`{}`", c.class))
                .collect();
            Declared::Ambiguous {
                why: format!(
                    "{} AppConfig classes ({}) and none is marked `default = True`",
                    classes.len(),
                    classes.join(", ")
                ),
                path,
            }
        }
    }
}

/// The labels of Django's own apps, which a project's migrations name with their first
/// migrations (`("contenttypes", "0001_initial")`) and which are never evidence of the
/// label of the app doing so.
const DJANGO_LABELS: [&str; 15] = [
    "admin",
    "admindocs",
    "auth",
    "contenttypes",
    "flatpages",
    "gis",
    "humanize",
    "messages",
    "postgres",
    "redirects",
    "sessions",
    "sitemaps",
    "sites",
    "staticfiles",
    "syndication",
];

/// One directory's label, and why its graph is not judged, if it is not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppLabel {
    pub label: String,
    pub doubt: Option<Note>,
}

/// The label of every directory of migrations in a run.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    by_dir: BTreeMap<String, AppLabel>,
}

impl Labels {
    pub fn get(&self, dir: &str) -> Option<&AppLabel> {
        self.by_dir.get(dir)
    }

    pub fn label(&self, dir: &str) -> Option<&str> {
        self.by_dir.get(dir).map(|l| l.label.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &AppLabel)> {
        self.by_dir.iter().map(|(dir, label)| (dir.as_str(), label))
    }

    /// Settle the label of every directory in `declared` (the directories of the run, each
    /// with what its config modules say), using the migrations among `nodes` as evidence.
    pub fn resolve(
        configured: &AppLabels,
        declared: &BTreeMap<String, Declared>,
        nodes: &[GraphNode],
    ) -> Labels {
        // Labels known without evidence: configured, declared, or the folder's name.
        let first: BTreeMap<&str, Option<String>> = declared
            .iter()
            .map(|(dir, declared)| {
                let label = match (configured.configured(dir), declared) {
                    (Some(label), _) => Some(label.to_string()),
                    (None, Declared::Label { label, .. }) => Some(label.clone()),
                    (None, _) => folder_label(dir),
                };
                (dir.as_str(), label)
            })
            .collect();
        let evidence = evidence(nodes);
        // How many directories hold each label, and the first migration of each directory.
        let mut holders: BTreeMap<&str, usize> = BTreeMap::new();
        for label in first.values().flatten() {
            *holders.entry(label.as_str()).or_default() += 1;
        }
        let mut first_paths: BTreeMap<&str, &str> = BTreeMap::new();
        for node in nodes.iter().filter(|node| !unread(node)) {
            first_paths
                .entry(split_dir(&node.path))
                .or_insert(node.path.as_str());
        }
        let mut by_dir = BTreeMap::new();
        for (dir, declared) in declared {
            let default = first.get(dir.as_str()).cloned().flatten();
            // A label another directory of the run has is that app's: a dependency on its
            // migration of the same name (`("core", "0001_initial")`) is no evidence.
            // The directory's own label stays evidence even where another directory (a fork
            // of the app in a test project) has it too; Django's own apps never name this
            // one.
            let taken = |label: &str| {
                default.as_deref() != Some(label)
                    && (holders.get(label).copied().unwrap_or(0) > 0
                        || DJANGO_LABELS.contains(&label))
            };
            let own_evidence: Option<BTreeMap<&str, usize>> = evidence.get(dir.as_str()).map(|s| {
                s.iter()
                    .filter(|(label, _)| !taken(label))
                    .map(|(label, n)| (label.as_str(), *n))
                    .collect()
            });
            let seen = own_evidence.as_ref();
            let named_as = |label: &str| seen.is_none_or(|s| s.is_empty() || s.contains_key(label));
            // The label the migrations give their own app, when it is one and no other
            // directory of the run has it.
            let witness = seen.and_then(|seen| {
                let most = seen.values().max()?;
                let top: Vec<&str> = seen
                    .iter()
                    .filter(|(_, n)| *n == most)
                    .map(|(l, _)| *l)
                    .collect();
                match top.as_slice() {
                    [only] => Some(only.to_string()),
                    _ => None,
                }
            });
            let first_node = first_paths
                .get(dir.as_str())
                .map_or_else(|| dir.clone(), |path| path.to_string());
            let names = seen
                .map(|s| {
                    s.keys()
                        .map(|l| format!("`{l}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            // `migrations/` at the repository root has no folder to name it.
            let Some(default) = default else {
                let label = match witness {
                    Some(label) => AppLabel { label, doubt: None },
                    None => AppLabel {
                        label: String::new(),
                        doubt: Some(Note {
                            path: first_node,
                            span: None,
                            message: format!(
                                "{dir} has no app folder above it to name it, and its migrations do not say its label; the app is not judged (set `[app-labels]`)"
                            ),
                        }),
                    },
                };
                by_dir.insert(dir.clone(), label);
                continue;
            };
            let label = if configured.configured(dir).is_some() {
                AppLabel {
                    label: default,
                    doubt: None,
                }
            } else {
                match declared {
                    Declared::Label { label, path } if !named_as(label) => AppLabel {
                        label: label.clone(),
                        doubt: Some(Note {
                            path: path.clone(),
                            span: None,
                            message: format!(
                                "sets the label `{label}`, but the migrations in {dir} name their own app {names}; the app is not judged (set `[app-labels]` to say which is right)"
                            ),
                        }),
                    },
                    Declared::Label { .. } => AppLabel {
                        label: default,
                        doubt: None,
                    },
                    Declared::Silent if named_as(&default) => AppLabel {
                        label: default,
                        doubt: None,
                    },
                    Declared::Silent | Declared::Ambiguous { .. } => match (witness, declared) {
                        (Some(label), _) => AppLabel { label, doubt: None },
                        (None, Declared::Ambiguous { why, path }) => AppLabel {
                            label: default,
                            doubt: Some(Note {
                                path: path.clone(),
                                span: None,
                                message: format!(
                                    "the app's label is ambiguous ({why}), and its migrations do not settle it; the app is not judged (set `[app-labels]`)"
                                ),
                            }),
                        },
                        (None, _) => AppLabel {
                            label: default,
                            doubt: Some(Note {
                                path: first_node,
                                span: None,
                                message: format!(
                                    "the migrations in {dir} name their own app {names}, and no AppConfig says which is right; the app is not judged (set `[app-labels]`)"
                                ),
                            }),
                        },
                    },
                }
            };
            by_dir.insert(dir.clone(), label);
        }
        Labels { by_dir }
    }
}

/// A migration of which only the name is known: nothing of it was read.
pub fn unread(node: &GraphNode) -> bool {
    !node.header.complete && node.header.class_span.is_none()
}

fn split_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Per directory: how often its migrations name each label together with the name of another
/// migration in the same directory (the way `makemigrations` writes a dependency on the
/// previous migration of the app).
fn evidence(nodes: &[GraphNode]) -> BTreeMap<&str, BTreeMap<String, usize>> {
    // Migrations known by name only (of another app, none of whose headers were needed) are
    // the whole of their directory, and say nothing.
    let nodes: Vec<&GraphNode> = nodes.iter().filter(|node| !unread(node)).collect();
    let mut stems: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for node in &nodes {
        let (dir, file) = node.path.rsplit_once('/').unwrap_or(("", &node.path));
        stems
            .entry(dir)
            .or_default()
            .insert(file.strip_suffix(".py").unwrap_or(file));
    }
    let mut out: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
    for node in nodes {
        let (dir, file) = node.path.rsplit_once('/').unwrap_or(("", &node.path));
        let own = file.strip_suffix(".py").unwrap_or(file);
        let siblings = &stems[dir];
        let header = &node.header;
        for reference in [&header.dependencies, &header.run_before, &header.replaces]
            .into_iter()
            .flatten()
            .flat_map(|a| a.entries.iter())
        {
            let name = reference.name.as_str();
            if name != own && siblings.contains(name) {
                *out.entry(dir)
                    .or_default()
                    .entry(reference.app.clone())
                    .or_default() += 1;
            }
        }
        out.entry(dir).or_default();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migration::{AppConfigClass, Assignment, Attribute, Header, Reference};

    fn config(class: &str, label: Option<&str>, name: &str, default: Option<bool>) -> AppModule {
        AppModule {
            configs: vec![AppConfigClass {
                class: class.to_string(),
                label: label.map_or(Attribute::Unset, |l| Attribute::Literal(l.to_string())),
                name: Attribute::Literal(name.to_string()),
                default,
                span: 0..0,
            }],
            default_app_config: None,
        }
    }

    fn node(path: &str, deps: &[(&str, &str)]) -> GraphNode {
        GraphNode {
            path: path.to_string(),
            header: Header {
                class_span: Some(0..0),
                complete: true,
                dependencies: Some(Assignment {
                    span: 0..0,
                    entries: deps
                        .iter()
                        .map(|(app, name)| Reference {
                            app: app.to_string(),
                            name: name.to_string(),
                            span: 0..0,
                        })
                        .collect(),
                    unknown: Vec::new(),
                }),
                ..Header::default()
            },
            status: Default::default(),
        }
    }

    #[test]
    fn several_configs_choose_the_default_then_the_labelled_one() {
        let mut two = config("A", None, "shop", None);
        two.configs
            .extend(config("B", Some("shop_b"), "shop", Some(true)).configs);
        let declared_label = |modules: &[(String, AppModule)]| match declared(modules) {
            Declared::Label { label, .. } => Some(label),
            _ => None,
        };
        assert_eq!(
            declared_label(&[("shop/apps.py".into(), two.clone())]),
            Some("shop_b".into())
        );
        two.configs[1].default = None;
        assert_eq!(
            declared_label(&[("shop/apps.py".into(), two.clone())]),
            Some("shop_b".into()),
            "the only one that sets a label"
        );
        two.configs[0].label = Attribute::Literal("shop_a".into());
        assert!(matches!(
            declared(&[("shop/apps.py".into(), two)]),
            Declared::Ambiguous { .. }
        ));
    }

    #[test]
    fn migrations_settle_a_silent_app() {
        let nodes = [
            node("orders/migrations/0001_initial.py", &[("auth", "0012_x")]),
            node(
                "orders/migrations/0002_b.py",
                &[("shop_orders", "0001_initial")],
            ),
        ];
        let declared = BTreeMap::from([("orders/migrations".to_string(), Declared::Silent)]);
        let labels = Labels::resolve(&AppLabels::default(), &declared, &nodes);
        let label = labels.get("orders/migrations").expect("a label");
        assert_eq!(label.label, "shop_orders");
        assert_eq!(label.doubt, None);
    }

    #[test]
    fn a_declared_label_the_migrations_contradict_is_a_doubt() {
        let nodes = [
            node("orders/migrations/0001_initial.py", &[]),
            node("orders/migrations/0002_b.py", &[("shop", "0001_initial")]),
        ];
        let declared = BTreeMap::from([(
            "orders/migrations".to_string(),
            Declared::Label {
                label: "orders_app".into(),
                path: "orders/apps.py".into(),
            },
        )]);
        let labels = Labels::resolve(&AppLabels::default(), &declared, &nodes);
        let label = labels.get("orders/migrations").expect("a label");
        assert!(label.doubt.is_some(), "{label:?}");
        let mut configured = AppLabels::default();
        configured.insert("orders", "shop");
        let labels = Labels::resolve(&configured, &declared, &nodes);
        assert_eq!(
            labels
                .get("orders/migrations")
                .map(|l| (&*l.label, l.doubt.is_none())),
            Some(("shop", true)),
            "the config wins"
        );
    }
}
