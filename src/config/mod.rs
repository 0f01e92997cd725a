//! Config files: reading one (`.check-migrate.toml`, or `pyproject.toml` with a
//! `[tool.check-migrate]` table) into [`Settings`], with every path resolved relative to the
//! file, and finding the configs of a run ([`Project`]: the nearest config governs each
//! file). Command-line flags override them.

mod project;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use project::{Project, Scope};

use serde::Deserialize;
use toml::Spanned;

use crate::check::{AppLabels, Level, Rule, RuleSettings};
use crate::library::Convention;
use crate::report::Format;
use crate::source::MigrationPattern;
use crate::text::LineIndex;

pub const FILE_NAME: &str = ".check-migrate.toml";
const PYPROJECT: &str = "pyproject.toml";

/// The keys of a config, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FileConfig {
    library: Option<Spanned<Vec<Spanned<String>>>>,
    extend_library: Option<Spanned<Vec<Spanned<String>>>>,
    conventions: Option<Vec<Spanned<String>>>,
    check_models: Option<bool>,
    include: Option<Spanned<Vec<String>>>,
    exclude: Option<Spanned<Vec<String>>>,
    allow: Option<Vec<Spanned<String>>>,
    baseline: Option<String>,
    format: Option<Spanned<String>>,
    severity: Option<BTreeMap<Spanned<String>, Level>>,
    app_labels: Option<BTreeMap<Spanned<String>, String>>,
}

#[derive(Debug, Default, Deserialize)]
struct Pyproject {
    tool: Option<Tools>,
}

#[derive(Debug, Default, Deserialize)]
struct Tools {
    #[serde(rename = "check-migrate")]
    check_migrate: Option<FileConfig>,
}

/// A config that cannot be used: exit status 2, with the file, the key and what is expected.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}: {}", path.display(), one_line(message))]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}: no [tool.check-migrate] table", path.display())]
    NoTable { path: PathBuf },
    /// A config that is a symbolic link to nothing: never taken for an absent config.
    #[error(
        "{} is a symlink to `{}`, which does not exist; restore the file it points to or \
         remove the link",
        path.display(),
        target.display()
    )]
    DanglingSymlink { path: PathBuf, target: PathBuf },
    /// A config found earlier that turned out to govern a file being checked: its error.
    #[error("{0}")]
    Unusable(String),
}

/// The settings of a run, with every path resolved.
#[derive(Debug, Default)]
pub struct Settings {
    /// Libraries replacing the built-in one (empty: the built-in library).
    pub library: Vec<PathBuf>,
    /// Libraries added to the built-in one (or to `library`).
    pub extend_library: Vec<PathBuf>,
    /// Built-in conventions switched on, at most one of each family.
    pub conventions: Vec<&'static Convention>,
    /// Check the field declarations of model files too (`check-models = true`); model files
    /// named on the command line are checked whatever it says.
    pub check_models: bool,
    pub pattern: MigrationPattern,
    pub rules: RuleSettings,
    pub baseline: Option<PathBuf>,
    pub labels: AppLabels,
    pub format: Option<Format>,
    /// The config file these settings came from.
    pub origin: Option<PathBuf>,
}

/// The built-in convention called `name`, or what to say about a name that is none.
pub fn named_convention(name: &str) -> Result<&'static Convention, String> {
    if let Some(convention) = Convention::named(name) {
        return Ok(convention);
    }
    let family: Vec<String> = crate::library::CONVENTIONS
        .iter()
        .filter(|c| c.family == name)
        .map(|c| format!("`{}`", c.name))
        .collect();
    if family.len() > 1 {
        return Err(format!(
            "`{name}` is a family of conventions; pick one of {}",
            family.join(", ")
        ));
    }
    Err(match Convention::closest(name) {
        Some(close) => format!(
            "unknown convention `{name}`; did you mean `{}`?",
            close.name
        ),
        None => {
            let known: Vec<&str> = crate::library::CONVENTIONS.iter().map(|c| c.name).collect();
            format!(
                "unknown convention `{name}`; expected one of {}",
                known.join(", ")
            )
        }
    })
}

/// A message as one line: a value quoted in it may hold line ends (a multi-line string),
/// which are shown escaped, so every error stays the one line a user reads.
fn one_line(message: &str) -> std::borrow::Cow<'_, str> {
    if message.contains(['\n', '\r']) {
        std::borrow::Cow::Owned(message.replace('\n', "\\n").replace('\r', "\\r"))
    } else {
        std::borrow::Cow::Borrowed(message)
    }
}

/// Find the config for a run started in `start`: the first directory from `start` up to
/// `root` (or the file system root outside a repository) holding `.check-migrate.toml`, or a
/// `pyproject.toml` with a `[tool.check-migrate]` table.
pub fn discover(start: &Path, root: Option<&Path>) -> Result<Settings, ConfigError> {
    // Candidates are named relative to `start` (`..`, `../..`), so messages show short paths.
    let mut relative = PathBuf::new();
    for absolute_dir in start.ancestors() {
        let dir = relative.as_path();
        let own = dir.join(FILE_NAME);
        if present(&own)? {
            return load(&own, root);
        }
        let pyproject = dir.join(PYPROJECT);
        if present(&pyproject)? {
            let text = read(&pyproject)?;
            if let Some(config) = parse_pyproject(&pyproject, &text)? {
                return resolve(config, &pyproject, &text, root);
            }
        }
        if root.is_some_and(|root| absolute_dir == root) {
            break;
        }
        relative.push("..");
    }
    Ok(Settings::default())
}

/// Load a config file named on the command line (`.check-migrate.toml` format, or a
/// `pyproject.toml`, told apart by its name).
pub fn load(path: &Path, root: Option<&Path>) -> Result<Settings, ConfigError> {
    let text = read(path)?;
    let config = if path.file_name().is_some_and(|name| name == PYPROJECT) {
        parse_pyproject(path, &text)?.ok_or_else(|| ConfigError::NoTable {
            path: path.to_path_buf(),
        })?
    } else {
        toml::from_str::<FileConfig>(&text).map_err(|err| syntax(path, &text, &err))?
    };
    resolve(config, path, &text, root)
}

/// Whether a config file is at `path`. A symbolic link to nothing is an error: the config the
/// team meant is missing, and running without it would check by other rules.
fn present(path: &Path) -> Result<bool, ConfigError> {
    if let Some(target) = crate::dangling_target(path) {
        let path = path.to_path_buf();
        return Err(ConfigError::DanglingSymlink { path, target });
    }
    Ok(path.is_file())
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|source| match crate::dangling_target(path) {
        Some(target) => ConfigError::DanglingSymlink {
            path: path.to_path_buf(),
            target,
        },
        None => ConfigError::Read {
            path: path.to_path_buf(),
            source,
        },
    })
}

/// Whether a `pyproject.toml` holds a `[tool.check-migrate]` table; one that does not parse
/// holds one when it names it (what `init` must not overwrite).
pub fn has_table(text: &str) -> bool {
    match toml::from_str::<toml::Table>(text) {
        Ok(table) => table
            .get("tool")
            .and_then(|tool| tool.get("check-migrate"))
            .is_some(),
        Err(_) => text.contains("tool.check-migrate"),
    }
}

fn parse_pyproject(path: &Path, text: &str) -> Result<Option<FileConfig>, ConfigError> {
    let pyproject: Pyproject = toml::from_str(text).map_err(|err| syntax(path, text, &err))?;
    Ok(pyproject.tool.and_then(|tool| tool.check_migrate))
}

/// A TOML or type error, located and phrased with the key it is about.
fn syntax(path: &Path, text: &str, err: &toml::de::Error) -> ConfigError {
    let offset = err.span().map_or(0, |span| span.start);
    let lines = LineIndex::new(text.as_bytes());
    let line = lines.line(offset);
    let message = err.message().trim().replace("unknown field", "unknown key");
    let message = message.replace("expected a sequence", "expected a list");
    let line_text = text.lines().nth(line - 1).unwrap_or_default();
    let message = match line_text.split_once('=') {
        Some((key, _)) if !message.starts_with("unknown key") => {
            format!("key `{}`: {message}", key.trim())
        }
        _ => message,
    };
    ConfigError::Invalid {
        path: path.to_path_buf(),
        line,
        message,
    }
}

/// Check the values and resolve paths against the config file's directory.
fn resolve(
    config: FileConfig,
    path: &Path,
    text: &str,
    root: Option<&Path>,
) -> Result<Settings, ConfigError> {
    let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
    // Where a value is wrong, from the parser's spans: the line of this table's key, never
    // another tool's key of the same name.
    let lines = LineIndex::new(text.as_bytes());
    let invalid = |key: &str, at: std::ops::Range<usize>, message: String| ConfigError::Invalid {
        path: path.to_path_buf(),
        line: lines.line(at.start),
        message: format!("key `{key}`: {message}"),
    };
    let files = |key: &str,
                 names: Option<Spanned<Vec<Spanned<String>>>>|
     -> Result<Vec<PathBuf>, ConfigError> {
        let mut out = Vec::new();
        for name in names.map(Spanned::into_inner).unwrap_or_default() {
            let file = dir.join(name.get_ref());
            if let Some(target) = crate::dangling_target(&file) {
                return Err(invalid(
                    key,
                    name.span(),
                    format!(
                        "library file `{}` is a symlink to `{}`, which does not exist \
                         (looked for {})",
                        name.get_ref(),
                        target.display(),
                        file.display()
                    ),
                ));
            }
            if !file.is_file() {
                return Err(invalid(
                    key,
                    name.span(),
                    format!(
                        "library file `{}` does not exist (looked for {})",
                        name.get_ref(),
                        file.display()
                    ),
                ));
            }
            out.push(file);
        }
        Ok(out)
    };
    let library = files("library", config.library)?;
    let extend_library = files("extend-library", config.extend_library)?;
    let mut conventions: Vec<&'static Convention> = Vec::new();
    for name in config.conventions.unwrap_or_default() {
        let convention = named_convention(name.get_ref())
            .map_err(|message| invalid("conventions", name.span(), message))?;
        if let Some(other) = conventions
            .iter()
            .find(|c| c.family == convention.family && c.name != convention.name)
        {
            let message = format!(
                "`{}` and `{}` are two directions of one convention; keep one",
                other.name, convention.name
            );
            return Err(invalid("conventions", name.span(), message));
        }
        if !conventions.contains(&convention) {
            conventions.push(convention);
        }
    }

    let base = root
        .and_then(|root| {
            absolute(&dir)
                .strip_prefix(absolute(root))
                .ok()
                .map(Path::to_path_buf)
        })
        .map(|rel| rel.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let spans = |value: &Option<Spanned<Vec<String>>>| value.as_ref().map_or(0..0, Spanned::span);
    let (include_at, exclude_at) = (spans(&config.include), spans(&config.exclude));
    let include = config.include.map(Spanned::into_inner).unwrap_or_default();
    let exclude = config.exclude.map(Spanned::into_inner).unwrap_or_default();
    MigrationPattern::new(&include, &[], &base)
        .map_err(|err| invalid("include", include_at, err.to_string()))?;
    let pattern = MigrationPattern::new(&include, &exclude, &base)
        .map_err(|err| invalid("exclude", exclude_at, err.to_string()))?;

    let mut rules = RuleSettings::default();
    for entry in config.allow.unwrap_or_default() {
        if !valid_allow(entry.get_ref()) {
            return Err(invalid(
                "allow",
                entry.span(),
                format!("`{}` is not a field name or `Model.name`", entry.get_ref()),
            ));
        }
        rules.allow(entry.get_ref());
    }
    for (id, level) in config.severity.unwrap_or_default() {
        let Some(rule) = Rule::from_id(id.get_ref()) else {
            let known: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
            let message = match Rule::closest(id.get_ref()) {
                Some(rule) => format!("unknown rule in [severity]; did you mean `{}`?", rule.id()),
                None => format!(
                    "unknown rule in [severity]; expected one of {}",
                    known.join(", ")
                ),
            };
            return Err(invalid(id.get_ref(), id.span(), message));
        };
        rules.set_level(rule, level);
    }
    let format = match &config.format {
        None => None,
        Some(name) => match Format::from_name(name.get_ref()) {
            Some(format) => Some(format),
            None => {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                return Err(invalid(
                    "format",
                    name.span(),
                    format!(
                        "unknown format `{}`; expected one of {}",
                        name.get_ref(),
                        names.join(", ")
                    ),
                ));
            }
        },
    };
    let mut labels = AppLabels::default();
    for (key, label) in config.app_labels.unwrap_or_default() {
        let dir = key.get_ref().trim_matches('/');
        if dir.is_empty() || !valid_allow(&label) || label.contains('.') {
            return Err(invalid(
                &format!("\"{dir}\""),
                key.span(),
                format!(
                    "`{dir}` = `{label}`: expected a directory and an app label (an identifier)"
                ),
            ));
        }
        let full = if base.is_empty() {
            dir.to_string()
        } else {
            format!("{base}/{dir}")
        };
        labels.insert(&full, &label);
    }
    Ok(Settings {
        library,
        extend_library,
        conventions,
        check_models: config.check_models.unwrap_or(false),
        pattern,
        rules,
        labels,
        baseline: config.baseline.map(|name| dir.join(name)),
        format,
        origin: Some(path.to_path_buf()),
    })
}

/// `name` or `Model.name`, each a Python identifier.
fn valid_allow(entry: &str) -> bool {
    let identifier = |part: &str| {
        part.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && part.chars().all(|c| c.is_alphanumeric() || c == '_')
    };
    match entry.split_once('.') {
        Some((model, name)) => identifier(model) && identifier(name),
        None => identifier(entry),
    }
}

/// The absolute form of `path`, with `.` and `..` resolved lexically (a config found in a
/// parent directory is named `../.check-migrate.toml`); the empty path is `.`.
fn absolute(path: &Path) -> PathBuf {
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    let joined = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Settings, ConfigError> {
        let dir = tempfile::TempDir::new().expect("temporary directory");
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, text).expect("write config");
        std::fs::write(dir.path().join("names.csv"), "a,b,c\nx,y,z\n").expect("write library");
        load(&path, Some(dir.path()))
    }

    /// A value with line ends in it is quoted escaped: every error is one line (found by
    /// the fuzzer: `format = """\nonse"""`).
    #[test]
    fn errors_are_one_line_whatever_the_value() {
        let dir = tempfile::TempDir::new().expect("temporary directory");
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "format = \"\"\"\nonse\nse\"\"\"\n").expect("write");
        let err = load(&path, Some(dir.path())).expect_err("an unknown format");
        let text = err.to_string();
        assert!(!text.contains('\n'), "{text:?}");
        assert!(text.contains("unknown format `onse\\nse`"), "{text:?}");
    }

    fn error(text: &str) -> (usize, String) {
        match parse(text) {
            Err(ConfigError::Invalid { line, message, .. }) => (line, message),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn every_key_is_read() {
        let settings = parse(
            "library = [\"names.csv\"]\nextend-library = [\"names.csv\"]\ninclude = [\"**/migrations/*.py\"]\nexclude = [\"legacy/**\"]\nallow = [\"sex\", \"Order.extra\"]\nbaseline = \"base.json\"\nformat = \"concise\"\n\n[severity]\naltered-field-name = \"off\"\n",
        )
        .expect("valid config");
        assert_eq!(settings.library.len(), 1);
        assert_eq!(settings.extend_library.len(), 1);
        assert!(!settings.pattern.matches("legacy/a/migrations/0001_x.py"));
        assert!(settings.rules.is_allowed(Some("order"), "extra"));
        assert_eq!(settings.rules.severity(Rule::AlteredFieldName), None);
        assert_eq!(settings.format, Some(Format::Concise));
        assert!(settings.baseline.is_some_and(|b| b.ends_with("base.json")));
    }

    /// The line comes from the parser's span of the value in our table, not from searching
    /// the text for the key (black has an `exclude` too).
    #[test]
    fn error_lines_are_those_of_our_table() {
        let dir = tempfile::TempDir::new().expect("temporary directory");
        let path = dir.path().join(PYPROJECT);
        std::fs::write(
            &path,
            "[tool.black]\nexclude = \"x\"\n\n[tool.check-migrate]\nallow = [\"ok\"]\nexclude = [\"[\"]\n",
        )
        .expect("write config");
        match load(&path, Some(dir.path())) {
            Err(ConfigError::Invalid { line, message, .. }) => {
                assert_eq!(line, 6, "{message}");
                assert!(
                    message.starts_with("key `exclude`: invalid glob"),
                    "{message}"
                );
            }
            other => panic!("expected an error, got {other:?}"),
        }
        std::fs::write(
            &path,
            "[tool.isort]\nallow = 1\n\n[tool.check-migrate]\nallow = [\n  \"ok\",\n  \"a.b.c\",\n]\n",
        )
        .expect("write config");
        match load(&path, Some(dir.path())) {
            Err(ConfigError::Invalid { line, .. }) => assert_eq!(line, 7, "the bad entry's line"),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_config_symlink_to_nothing_is_an_error_not_an_absent_config() {
        let dir = tempfile::TempDir::new().expect("temporary directory");
        let link = dir.path().join(FILE_NAME);
        std::os::unix::fs::symlink("gone.toml", &link).expect("symlink");
        match present(&link) {
            Err(ConfigError::DanglingSymlink { target, .. }) => {
                assert_eq!(target, PathBuf::from("gone.toml"));
            }
            other => panic!("expected a dangling symlink error, got {other:?}"),
        }
        assert!(matches!(
            load(&link, Some(dir.path())),
            Err(ConfigError::DanglingSymlink { .. })
        ));
        assert!(!present(&dir.path().join(PYPROJECT)).expect("absent is no error"));
        // A symlink to a config that exists is a config.
        std::fs::write(dir.path().join("gone.toml"), "allow = [\"sex\"]\n").expect("write");
        assert!(present(&link).expect("a config"));
        let settings = load(&link, Some(dir.path())).expect("config");
        assert!(settings.rules.is_allowed(None, "sex"));
    }

    /// A glob too long to be worth compiling is a config error like the others: the file,
    /// the line and the key.
    #[test]
    fn absurd_glob_names_the_file_and_the_key() {
        let dir = tempfile::TempDir::new().expect("temporary directory");
        let path = dir.path().join(FILE_NAME);
        let glob = "*a".repeat(8000);
        std::fs::write(&path, format!("allow = []\nexclude = [\"{glob}\"]\n")).expect("write");
        let err = load(&path, Some(dir.path())).expect_err("a glob of 16,000 characters");
        let expected = format!(
            "{}:2: key `exclude`: invalid glob `{}...`: 16000 characters, more than the 1024 a \
             glob may have",
            path.display(),
            &glob[..40]
        );
        assert_eq!(err.to_string(), expected);
    }

    #[test]
    fn unknown_key_names_the_key_and_the_line() {
        let (line, message) = error("format = \"full\"\nlibraries = [\"x.csv\"]\n");
        assert_eq!(line, 2);
        assert!(
            message.starts_with("unknown key `libraries`, expected one of"),
            "{message}"
        );
    }

    #[test]
    fn wrong_type_names_the_key() {
        let (line, message) = error("\ninclude = 5\n");
        assert_eq!(line, 2);
        assert!(
            message.starts_with("key `include`: invalid type: integer `5`"),
            "{message}"
        );
    }

    #[test]
    fn bad_values_are_errors() {
        let (line, message) = error("library = [\"missing.csv\"]\n");
        assert_eq!(line, 1);
        assert!(
            message.contains("library file `missing.csv` does not exist"),
            "{message}"
        );
        let (_, message) = error("[severity]\nfield-name = \"fatal\"\n");
        assert!(message.contains("unknown variant `fatal`"), "{message}");
        let (line, message) = error("[severity]\nno-such-rule = \"off\"\n");
        assert_eq!(line, 2);
        assert!(
            message.starts_with("key `no-such-rule`: unknown rule"),
            "{message}"
        );
        let (_, message) = error("allow = [\"a.b.c\"]\n");
        assert!(message.contains("`a.b.c` is not a field name"), "{message}");
        let (_, message) = error("exclude = [\"[\"]\n");
        assert!(
            message.starts_with("key `exclude`: invalid glob"),
            "{message}"
        );
        let (_, message) = error("format = \"xml\"\n");
        assert!(message.contains("unknown format `xml`"), "{message}");
    }
}
