//! The configuration of a whole run, resolved per file as ruff does: each file is governed by
//! the nearest `.check-migrate.toml`, or `pyproject.toml` with a `[tool.check-migrate]`
//! table, in its directory or above it up to the repository root, whatever the working
//! directory. The config files are found among the tracked files (read from the working
//! tree) and in the directories from the working directory up to the root, so the hook, run
//! from the root, applies `backend/pyproject.toml` to the files under `backend/`.

use std::path::{Component, Path, PathBuf};

use super::{
    ConfigError, FILE_NAME, PYPROJECT, Settings, absolute, load, parse_pyproject, present, read,
};
use crate::check::AppLabels;
use crate::source::Pattern;

/// One config and the part of the repository it governs.
#[derive(Debug)]
pub struct Scope {
    /// Relative to the repository root, `/`-separated, empty for the root; `None` for the
    /// settings of files no config governs.
    pub dir: Option<String>,
    pub settings: Settings,
    /// Why the config cannot be used, when it cannot: the run stops only if it governs a
    /// file being checked (a broken example project's `pyproject.toml` in `docs/` blocks
    /// nothing).
    pub broken: Option<String>,
}

impl Scope {
    /// Whether `path` (root-relative) is in the part of the repository this config governs.
    fn contains(&self, path: &str) -> bool {
        match &self.dir {
            Some(dir) if !dir.is_empty() => path
                .strip_prefix(dir.as_str())
                .is_some_and(|rest| rest.starts_with('/')),
            _ => true,
        }
    }
}

/// Every config of a run.
#[derive(Debug)]
pub struct Project {
    /// Deepest first; the last one governs what no other does.
    scopes: Vec<Scope>,
    /// The scope of the working directory: run-wide choices (the output format) are its.
    here: usize,
}

impl Project {
    /// One set of settings for every file (`--config`, `--no-config`, outside a repository).
    pub fn single(settings: Settings) -> Project {
        Project {
            scopes: vec![Scope {
                dir: None,
                settings,
                broken: None,
            }],
            here: 0,
        }
    }

    /// Find the configs of the repository at `root`: in the directories of `tracked` config
    /// files and from `cwd` up to the root. `adjust` applies the command line to each.
    pub fn discover(
        root: &Path,
        cwd: &Path,
        tracked: &[String],
        adjust: impl Fn(&mut Settings),
    ) -> Result<Project, ConfigError> {
        let root = absolute(root);
        let cwd = absolute(cwd);
        let here = cwd
            .strip_prefix(&root)
            .ok()
            .map(slashed)
            .unwrap_or_default();
        let mut dirs: Vec<String> = tracked
            .iter()
            .map(|path| path.rsplit_once('/').map_or("", |(dir, _)| dir).to_string())
            .collect();
        let mut dir = here.as_str();
        loop {
            dirs.push(dir.to_string());
            match dir.rsplit_once('/') {
                Some((parent, _)) => dir = parent,
                None if !dir.is_empty() => dir = "",
                None => break,
            }
        }
        dirs.sort();
        dirs.dedup();
        let mut scopes = Vec::new();
        for dir in dirs {
            let absolute_dir = if dir.is_empty() {
                root.clone()
            } else {
                root.join(&dir)
            };
            // Named from the working directory, so messages show short paths.
            let shown = relative(&cwd, &absolute_dir);
            let own = shown.join(FILE_NAME);
            let pyproject = shown.join(PYPROJECT);
            let loaded = match (present(&own), present(&pyproject)) {
                (Err(err), _) => Err(err),
                (Ok(true), _) => load(&own, Some(&root)),
                (Ok(false), Err(err)) => Err(err),
                (Ok(false), Ok(false)) => continue,
                (Ok(false), Ok(true)) => {
                    let Ok(text) = read(&pyproject) else {
                        continue;
                    };
                    // Most `pyproject.toml` files are other tools' business, and one that is
                    // not valid TOML without our table is too.
                    if !text.contains("check-migrate") {
                        continue;
                    }
                    match parse_pyproject(&pyproject, &text) {
                        Ok(None) => continue,
                        Ok(Some(_)) => load(&pyproject, Some(&root)),
                        Err(err) => Err(err),
                    }
                }
            };
            let (mut settings, broken) = match loaded {
                Ok(settings) => (settings, None),
                Err(err) => (Settings::default(), Some(err.to_string())),
            };
            adjust(&mut settings);
            scopes.push(Scope {
                dir: Some(dir),
                settings,
                broken,
            });
        }
        // Deepest first: the nearest config wins.
        scopes.sort_by_key(|scope| {
            std::cmp::Reverse(scope.dir.as_deref().map_or(0, |d| {
                if d.is_empty() {
                    1
                } else {
                    2 + d.matches('/').count()
                }
            }))
        });
        let mut fallback = Settings::default();
        adjust(&mut fallback);
        scopes.push(Scope {
            dir: None,
            settings: fallback,
            broken: None,
        });
        let mut project = Project { scopes, here: 0 };
        project.here = project.index_of(&format!("{here}/"));
        // The working directory's own config must be usable: its choices are the run's.
        if let Some(why) = &project.scopes[project.here].broken {
            return Err(ConfigError::Unusable(why.clone()));
        }
        Ok(project)
    }

    /// The error of a broken config that governs one of `paths`, if any.
    pub fn check_used<'p>(
        &self,
        paths: impl IntoIterator<Item = &'p str>,
    ) -> Result<(), ConfigError> {
        if self.scopes.iter().all(|scope| scope.broken.is_none()) {
            return Ok(());
        }
        for path in paths {
            if let Some(why) = &self.scopes[self.index_of(path)].broken {
                return Err(ConfigError::Unusable(why.clone()));
            }
        }
        Ok(())
    }

    /// The scope that governs `path` (root-relative).
    pub fn index_of(&self, path: &str) -> usize {
        self.scopes
            .iter()
            .position(|scope| scope.contains(path))
            .unwrap_or(self.scopes.len() - 1)
    }

    /// The baseline of the nearest config above `path` that names one: a config in a
    /// subdirectory without `baseline` keeps its files in the one above.
    pub fn baseline_for(&self, path: &str) -> Option<&PathBuf> {
        self.scopes
            .iter()
            .filter(|scope| scope.contains(path))
            .find_map(|scope| scope.settings.baseline.as_ref())
    }

    /// The settings that govern `path`.
    pub fn for_path(&self, path: &str) -> &Settings {
        &self.scopes[self.index_of(path)].settings
    }

    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }

    /// The settings of the working directory.
    pub fn here(&self) -> &Settings {
        &self.scopes[self.here].settings
    }

    /// Every config's `[app-labels]`, each already relative to the root.
    pub fn labels(&self) -> AppLabels {
        let mut labels = AppLabels::default();
        for scope in self.scopes.iter().rev() {
            labels.extend(&scope.settings.labels);
        }
        labels
    }
}

impl Pattern for Project {
    fn matches(&self, path: &str) -> bool {
        self.for_path(path).pattern.matches(path)
    }

    /// The default patterns' sieve, when every config keeps the default `include`.
    fn pathspec(&self) -> Option<&'static str> {
        let mut sieve = None;
        for scope in &self.scopes {
            sieve = Some(scope.settings.pattern.pathspec()?);
        }
        sieve
    }
}

fn slashed(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// `to` as seen from `from` (both absolute): `..` for each step up, then down.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for part in &to[common..] {
        out.push(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(relative(&p("/r/a/b"), &p("/r")), p("../.."));
        assert_eq!(relative(&p("/r"), &p("/r/a")), p("a"));
        assert_eq!(relative(&p("/r/a"), &p("/r/b/c")), p("../b/c"));
        assert_eq!(relative(&p("/r"), &p("/r")), p(""));
    }
}
