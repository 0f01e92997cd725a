//! Path mode: files named on the command line and migrations found under named directories,
//! read from the working tree. Directories are walked the way ripgrep walks them: `.gitignore`,
//! `.ignore` and hidden files are respected, so a virtualenv's Django migrations are not
//! checked.

use std::path::{Component, Path, PathBuf};

use super::{Item, Origin, Pattern, Plan};
use crate::error::Error;

/// The model files named among `paths` (files, not directories), for a model check.
pub fn models(paths: &[PathBuf], root: Option<&Path>) -> Plan {
    let files: Vec<PathBuf> = paths.iter().filter(|p| p.is_file()).cloned().collect();
    plan(&files, &super::ModelPattern(|_: &str| true), root)
}

pub fn plan(paths: &[PathBuf], pattern: &dyn Pattern, root: Option<&Path>) -> Plan {
    let mut plan = Plan {
        repo: None,
        items: Vec::new(),
        graph: None,
        context: None,
        snapshot: super::Snapshot::None,
        change: false,
        earlier: Vec::new(),
        errors: Vec::new(),
        phases: Vec::new(),
        buffers: super::Buffers::new(),
    };
    for path in paths {
        if path.is_dir() {
            walk(path, root, pattern, &mut plan);
        } else if path.exists() {
            // A file named explicitly that is not a migration is skipped: the pre-commit
            // framework and shells pass whatever matched their own filters. A model file
            // named explicitly is checked (see `models`).
            add(path, root, pattern, &mut plan);
        } else {
            plan.errors.push(Error::MissingPath { path: path.clone() });
        }
    }
    plan.items.sort_by(|a, b| a.path.cmp(&b.path));
    plan.items.dedup_by(|a, b| a.path == b.path);
    plan
}

fn walk(dir: &Path, root: Option<&Path>, pattern: &dyn Pattern, plan: &mut Plan) {
    for entry in ignore::WalkBuilder::new(dir).build() {
        match entry {
            Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                add(entry.path(), root, pattern, plan);
            }
            Ok(_) => {}
            Err(err) => plan.errors.push(Error::Walk {
                path: dir.to_path_buf(),
                message: err.to_string(),
            }),
        }
    }
}

pub(super) fn add(path: &Path, root: Option<&Path>, pattern: &dyn Pattern, plan: &mut Plan) {
    let absolute = absolute(path);
    let in_repo = root.and_then(|root| relative_to(&absolute, root));
    let matched = match &in_repo {
        Some(relative) => pattern.matches(relative),
        None => pattern.matches(&slashed(&absolute)),
    };
    if !matched {
        return;
    }
    let shown = in_repo.unwrap_or_else(|| slashed(&lexical_normal(path)));
    plan.items.push(Item {
        path: shown,
        origin: Origin::Disk(path.to_path_buf()),
        added_lines: None,
        before: Vec::new(),
    });
}

/// `path` relative to `root`, `/`-separated, if it is inside. Symlinks (a `/tmp` that is a
/// link, say) are resolved only when the plain comparison fails.
fn relative_to(path: &Path, root: &Path) -> Option<String> {
    if let Ok(rest) = path.strip_prefix(root) {
        return Some(slashed(rest));
    }
    let (path, root) = (path.canonicalize().ok()?, root.canonicalize().ok()?);
    path.strip_prefix(root).ok().map(slashed)
}

pub(super) fn absolute(path: &Path) -> PathBuf {
    let joined = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    lexical_normal(&joined)
}

/// Drop `.` and resolve `..` without touching the file system (a symlinked directory keeps
/// the name the user gave it).
fn lexical_normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` as shown (see [`super::display`]), `/`-separated.
fn slashed(path: &Path) -> String {
    let text = super::display::shown_path(path);
    if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_normal_resolves_dots() {
        assert_eq!(
            lexical_normal(Path::new("./a/b/../c/./d.py")),
            PathBuf::from("a/c/d.py")
        );
        assert_eq!(lexical_normal(Path::new("../x")), PathBuf::from("../x"));
    }
}
