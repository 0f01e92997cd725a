//! What counts as a migration file. By default: a `.py` file whose parent directory is named
//! `migrations`, at any depth; teams can replace that with include and exclude globs. Either
//! way, files Django's migration loader skips (names starting with `_` or `~`, such as
//! `__init__.py`) never count.

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

/// What counts as a migration, for the listing of every mode: one pattern, or the patterns
/// of several configs, each governing its part of the repository.
pub trait Pattern {
    /// `path` is `/`-separated and relative to the repository root (or absolute outside one).
    fn matches(&self, path: &str) -> bool;

    /// A libgit2 pathspec that narrows git's own walk to paths that can match, when one is
    /// known; the exact decision is always [`Pattern::matches`].
    fn pathspec(&self) -> Option<&'static str>;
}

impl Pattern for MigrationPattern {
    fn matches(&self, path: &str) -> bool {
        MigrationPattern::matches(self, path)
    }

    fn pathspec(&self) -> Option<&'static str> {
        MigrationPattern::pathspec(self)
    }
}

/// The migration pattern of one config.
#[derive(Debug, Clone, Default)]
pub struct MigrationPattern {
    /// `None`: the default pattern.
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
    /// Globs are relative to this directory (`/`-separated, relative to the repository root,
    /// empty for the root itself).
    base: String,
}

/// The longest glob accepted, in characters. Compiling a glob costs time that grows with
/// its length (a 16,000-character one took seconds); no real layout needs a long one.
pub const MAX_GLOB_CHARS: usize = 1024;

/// The most wildcards and alternatives one glob may hold: each `*` or `**`, `?` and `[...]`,
/// and each branch of a `{...}`.
pub const MAX_GLOB_WILDCARDS: usize = 64;

/// A glob that could not be compiled, or that is too long or busy to be worth compiling.
#[derive(Debug, thiserror::Error)]
#[error("invalid glob `{}`: {message}", shown(glob))]
pub struct GlobError {
    pub glob: String,
    pub message: String,
}

/// A glob as an error message shows it: a long one is cut, so the message stays one line.
fn shown(glob: &str) -> String {
    const SHOWN: usize = 40;
    match glob.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}...", &glob[..cut]),
        None => glob.to_string(),
    }
}

impl MigrationPattern {
    /// A pattern from include and exclude globs (gitignore-like: `*` stays within a
    /// directory, `**` crosses them), relative to `base`. An empty include keeps the default.
    pub fn new(include: &[String], exclude: &[String], base: &str) -> Result<Self, GlobError> {
        Ok(MigrationPattern {
            include: (!include.is_empty()).then(|| globs(include)).transpose()?,
            exclude: (!exclude.is_empty()).then(|| globs(exclude)).transpose()?,
            base: base.trim_matches('/').to_string(),
        })
    }

    /// `path` is `/`-separated and relative to the repository root (or absolute outside one).
    /// Whether an `exclude` glob takes `path` out (a models module, say: `exclude` keeps
    /// any file from the naming rules).
    pub fn excludes(&self, path: &str) -> bool {
        let relative = if self.base.is_empty() {
            Some(path)
        } else {
            path.strip_prefix(self.base.as_str())
                .and_then(|rest| rest.strip_prefix('/'))
        };
        relative.is_some_and(|relative| {
            self.exclude
                .as_ref()
                .is_some_and(|set| set.is_match(relative))
        })
    }

    pub fn matches(&self, path: &str) -> bool {
        let mut parts = path.rsplit('/');
        let Some(file) = parts.next() else {
            return false;
        };
        if file.starts_with(['_', '~']) || !file.ends_with(".py") || file.len() <= 3 {
            return false;
        }
        let relative = if self.base.is_empty() {
            path
        } else {
            match path
                .strip_prefix(self.base.as_str())
                .and_then(|rest| rest.strip_prefix('/'))
            {
                Some(rest) => rest,
                None => return self.include.is_none() && default_match(path),
            }
        };
        if self
            .exclude
            .as_ref()
            .is_some_and(|set| set.is_match(relative))
        {
            return false;
        }
        match &self.include {
            Some(set) => set.is_match(relative),
            None => default_match(path),
        }
    }

    /// A libgit2 pathspec that narrows git's own walk to paths that can match, when one is
    /// known; the exact decision is always [`MigrationPattern::matches`].
    pub fn pathspec(&self) -> Option<&'static str> {
        self.include.is_none().then_some(DEFAULT_PATHSPEC)
    }
}

/// The default pattern's sieve as a libgit2 pathspec. libgit2 matches pathspecs without
/// `FNM_PATHNAME`, so `*` crosses directories: [`in_default_sieve`] is the same test.
pub const DEFAULT_PATHSPEC: &str = "*migrations/*.py";

/// Whether `path` passes [`DEFAULT_PATHSPEC`]: a cheap first test before the exact one.
pub fn in_default_sieve(path: &str) -> bool {
    path.ends_with(".py") && path.contains("migrations/")
}

/// The default pattern as the `files` regex of `.pre-commit-hooks.yaml` (the framework
/// filters the paths it passes; `__init__.py` and other `_` names are excluded there too),
/// which a test holds to the pattern.
#[cfg(test)]
const PRE_COMMIT_FILES: &str = r"(^|/)migrations/[^_~/][^/]*\.py$";

fn default_match(path: &str) -> bool {
    let mut parts = path.rsplit('/');
    parts.next();
    parts.next() == Some("migrations")
}

fn globs(patterns: &[String]) -> Result<GlobSet, GlobError> {
    let mut set = GlobSetBuilder::new();
    for pattern in patterns {
        set.add(glob(pattern)?);
    }
    set.build().map_err(|err| GlobError {
        glob: patterns.join(", "),
        message: err.to_string(),
    })
}

fn glob(pattern: &str) -> Result<Glob, GlobError> {
    let refuse = |message: String| GlobError {
        glob: pattern.to_string(),
        message,
    };
    let chars = pattern.chars().count();
    if chars > MAX_GLOB_CHARS {
        return Err(refuse(format!(
            "{chars} characters, more than the {MAX_GLOB_CHARS} a glob may have"
        )));
    }
    let wildcards = wildcards(pattern);
    if wildcards > MAX_GLOB_WILDCARDS {
        return Err(refuse(format!(
            "{wildcards} wildcards and alternatives, more than the {MAX_GLOB_WILDCARDS} a glob \
             may have; split it into several globs"
        )));
    }
    // A pattern without a slash matches at any depth, as in .gitignore.
    let anchored = pattern.trim_start_matches('/');
    let full = if pattern.contains('/') {
        anchored.to_string()
    } else {
        format!("**/{anchored}")
    };
    GlobBuilder::new(&full)
        .literal_separator(true)
        .build()
        .map_err(|err| GlobError {
            glob: pattern.to_string(),
            message: err.kind().to_string(),
        })
}

/// The wildcards and alternatives of a glob, as [`MAX_GLOB_WILDCARDS`] counts them. A
/// backslash escapes the next character; what is inside `[...]` is one wildcard.
fn wildcards(pattern: &str) -> usize {
    let mut count = 0;
    let mut chars = pattern.chars().peekable();
    let mut braces = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '*' => {
                while chars.next_if_eq(&'*').is_some() {}
                count += 1;
            }
            '?' => count += 1,
            '[' => {
                count += 1;
                // A `]` right after `[` or `[!` is part of the class.
                chars.next_if(|&c| c == '!' || c == '^');
                chars.next_if_eq(&']');
                for c in chars.by_ref() {
                    if c == ']' {
                        break;
                    }
                }
            }
            '{' => {
                braces += 1;
                count += 1;
            }
            '}' => braces = braces.saturating_sub(1),
            ',' if braces > 0 => count += 1,
            _ => {}
        }
    }
    count
}

/// Whether `path` is part of an app's migration history for the graph: a migration by the
/// pattern, or a module Django's loader reads in a `migrations` directory whatever
/// `exclude` says (excluding a migration from the naming rules does not take it out of the
/// app's history, and its dependents still name it).
pub fn is_graph_module(pattern: &dyn Pattern, path: &str) -> bool {
    pattern.matches(path) || MigrationPattern::default().matches(path)
}

/// Whether `path` is a module that declares models: `models.py`, or a module of a `models`
/// package.
pub fn is_model_file(path: &str) -> bool {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    name == "models.py" || (name.ends_with(".py") && (dir == "models" || dir.ends_with("/models")))
}

/// The model files `accept` keeps (those of the configs that check them), for a second walk
/// of the same snapshot.
pub struct ModelPattern<F: Fn(&str) -> bool>(pub F);

impl<F: Fn(&str) -> bool> Pattern for ModelPattern<F> {
    fn matches(&self, path: &str) -> bool {
        is_model_file(path) && (self.0)(path)
    }

    fn pathspec(&self) -> Option<&'static str> {
        None
    }
}

/// The default pattern, for callers that have no configuration.
pub fn is_migration(path: &str) -> bool {
    MigrationPattern::default().matches(path)
}

#[cfg(test)]
mod tests {
    #[test]
    fn model_files() {
        for yes in [
            "blog/models.py",
            "models.py",
            "blog/models/post.py",
            "models/__init__.py",
        ] {
            assert!(super::is_model_file(yes), "{yes}");
        }
        for no in [
            "blog/models.pyc",
            "blog/models/sub/x.py",
            "blog/my_models.py",
            "blog/models",
        ] {
            assert!(!super::is_model_file(no), "{no}");
        }
    }

    use super::*;

    /// The hook definition for the pre-commit framework filters paths with the default
    /// pattern, written as a regex: it must say what [`default_match`] says.
    #[test]
    fn pre_commit_hook_definition_uses_the_default_pattern() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
        let text = std::fs::read_to_string(path).expect(".pre-commit-hooks.yaml");
        assert!(
            text.contains(&format!("  files: '{PRE_COMMIT_FILES}'\n")),
            "{text}"
        );
        for path in [
            "a/migrations/0001_x.py",
            "migrations/0002.py",
            "x/migrations/__init__.py",
            "x/migrations/_draft.py",
            "x/migrations/~0001.py",
            "x/migrations/sub/0001.py",
            "x/mymigrations/0001.py",
        ] {
            let regex_says = regex_like(path);
            assert_eq!(regex_says, is_migration(path), "{path}");
        }
    }

    /// [`PRE_COMMIT_FILES`] evaluated by hand, for the paths of the test above.
    fn regex_like(path: &str) -> bool {
        let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
        let parent_ok = dir == "migrations" || dir.ends_with("/migrations");
        parent_ok && file.ends_with(".py") && !file.starts_with(['_', '~']) && file.len() > 3
    }

    fn pattern(include: &[&str], exclude: &[&str], base: &str) -> MigrationPattern {
        let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        MigrationPattern::new(&own(include), &own(exclude), base).expect("valid globs")
    }

    #[test]
    fn migrations_at_any_depth() {
        assert!(is_migration("blog/migrations/0001_initial.py"));
        assert!(is_migration(
            "src/apps/shop/migrations/0042_order_paid_at.py"
        ));
        assert!(is_migration("migrations/0001_initial.py"));
    }

    #[test]
    fn exclude_takes_any_file_out() {
        let pattern = pattern(&[], &["legacy/**"], "backend");
        assert!(pattern.excludes("backend/legacy/models.py"));
        assert!(!pattern.excludes("backend/blog/models.py"));
        assert!(
            !pattern.excludes("legacy/models.py"),
            "outside the config's folder"
        );
    }

    #[test]
    fn not_migrations() {
        assert!(!is_migration("blog/migrations/__init__.py"));
        assert!(!is_migration("blog/migrations/_helpers.py"));
        assert!(!is_migration("blog/migrations/~0001_initial.py"));
        assert!(!is_migration("blog/migrations/0001_initial.pyc"));
        assert!(!is_migration("blog/migrations/README.md"));
        assert!(!is_migration("blog/migrations/sub/0001_initial.py"));
        assert!(!is_migration("blog/my_migrations/0001_initial.py"));
        assert!(!is_migration("blog/models.py"));
        assert!(!is_migration("0001_initial.py"));
        assert!(!is_migration("blog/migrations/.py"));
    }

    #[test]
    fn include_replaces_the_default_and_exclude_removes() {
        let p = pattern(&["**/db_migrations/*.py"], &["legacy/**"], "");
        assert!(p.matches("shop/db_migrations/0001_initial.py"));
        assert!(!p.matches("shop/migrations/0001_initial.py"));
        assert!(!p.matches("shop/db_migrations/sub/0001_initial.py"));
        let p = pattern(&[], &["legacy/**"], "");
        assert!(p.matches("shop/migrations/0001_initial.py"));
        assert!(!p.matches("legacy/shop/migrations/0001_initial.py"));
        assert!(p.pathspec().is_some());
    }

    #[test]
    fn globs_are_relative_to_the_config_directory() {
        let p = pattern(&["apps/*/migrations/*.py"], &[], "backend");
        assert!(p.matches("backend/apps/shop/migrations/0001_initial.py"));
        assert!(!p.matches("apps/shop/migrations/0001_initial.py"));
        assert_eq!(p.pathspec(), None);
    }

    #[test]
    fn a_pattern_without_slash_matches_at_any_depth() {
        let p = pattern(&[], &["0001_initial.py"], "");
        assert!(!p.matches("shop/migrations/0001_initial.py"));
        assert!(p.matches("shop/migrations/0002_more.py"));
    }

    #[test]
    fn bad_glob_is_an_error() {
        let err = MigrationPattern::new(&["[".to_string()], &[], "").unwrap_err();
        assert_eq!(err.glob, "[");
    }

    #[test]
    fn wildcards_are_counted_once_each() {
        assert_eq!(wildcards("**/migrations/*.py"), 2);
        assert_eq!(wildcards("{blog,shop}/migrations/0???_*.py"), 6);
        assert_eq!(wildcards("[]a*]/[!]]/x"), 2);
        assert_eq!(wildcards("a\\*b\\{c,d\\}"), 0);
        assert_eq!(wildcards("a,b"), 0);
    }

    /// A 16,000-character glob took seconds to compile; long or busy globs are refused, and
    /// the message shows only the start of the glob.
    #[test]
    fn absurd_globs_are_refused() {
        let long = "*a".repeat(8000);
        let err = MigrationPattern::new(&[long], &[], "").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid glob `*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a...`: 16000 characters, \
             more than the 1024 a glob may have"
        );
        let busy = format!("{{{}}}/migrations/*.py", vec!["a"; 64].join(","));
        let err = MigrationPattern::new(&[], &[busy], "").unwrap_err();
        assert!(
            err.to_string().ends_with(
                "65 wildcards and alternatives, more than the 64 a glob may have; split it \
                 into several globs"
            ),
            "{err}"
        );
        let longest = format!("{}/*.py", "a".repeat(MAX_GLOB_CHARS - 5));
        assert!(MigrationPattern::new(&[longest], &[], "").is_ok());
        let busiest = format!("{{{}}}/*.py", vec!["a"; 63].join(","));
        assert!(MigrationPattern::new(&[busiest], &[], "").is_ok());
    }
}
