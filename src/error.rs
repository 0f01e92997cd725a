//! The crate's error type: the tool failing to do its job (exit status 2), as opposed to
//! findings, which are data. Every message is one line that names the cause and, where there
//! is one, what to do.

use std::path::PathBuf;

use crate::baseline::BaselineError;
use crate::config::ConfigError;
use crate::library::LibraryError;
use crate::migration::ParseError;
use crate::source::shown_path;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Library(#[from] LibraryError),

    #[error(transparent)]
    Config(#[from] ConfigError),

    #[error(transparent)]
    Baseline(#[from] BaselineError),

    /// Each problem as `file:line: message`.
    #[error("the field library cannot be used: {}", problems.join("; "))]
    LibraryUnreadable { problems: Vec<String> },

    /// Each name listed as wrong is also declared correct: the library would check nothing.
    #[error(
        "the field library ({files}) has no wrong name left, since each one it lists is also \
         declared correct, so it checks nothing; `check-migrate --check-library` lists them"
    )]
    LibraryChecksNothing { files: String },

    #[error("cannot read {}: {source}", shown_path(path))]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{}: no such file or directory", shown_path(path))]
    MissingPath { path: PathBuf },

    /// A FIFO, socket or device where a migration was to be read: opening a FIFO would wait
    /// for a writer forever, reading a device may never end.
    #[error("{}: not a regular file ({kind}); not read", shown_path(path))]
    NotAFile { path: PathBuf, kind: &'static str },

    #[error("cannot walk {}: {message}", shown_path(path))]
    Walk { path: PathBuf, message: String },

    #[error("not a git repository (or any parent up to the filesystem root); {what} needs one")]
    NotARepository { what: &'static str },

    #[error("{} is a bare repository: {what} needs a working tree", path.display())]
    BareRepository { path: PathBuf, what: &'static str },

    #[error("unknown revision `{rev}`: {message}")]
    UnknownRevision { rev: String, message: String },

    #[error(
        "`{rev}` and {tip} have no common ancestor in this shallow clone: fetch the history \
         that joins them (`git fetch --unshallow`, or `fetch-depth: 0` with actions/checkout)"
    )]
    ShallowClone { rev: String, tip: String },

    #[error("git: {context}: {message}")]
    Git {
        context: &'static str,
        message: String,
    },

    #[error("cannot write the report: {0}")]
    Output(#[source] std::io::Error),

    /// `init` would replace a file it must not replace.
    #[error("{} exists; {hint}", path.display())]
    InitWouldReplace { path: PathBuf, hint: &'static str },

    #[error(
        "{} does not exist; `--pyproject` adds a table to an existing one (without it, \
         `init` writes .check-migrate.toml)",
        path.display()
    )]
    NoPyproject { path: PathBuf },

    #[error("{} is not valid TOML ({message}); `init` adds to it only once it reads", path.display())]
    PyprojectUnreadable { path: PathBuf, message: String },

    #[error(
        "cannot add the [tool.check-migrate] table to {} without changing the rest of it; \
         the table is printed above: paste it into the file by hand",
        path.display()
    )]
    TableNotReplaceable { path: PathBuf },

    #[error(
        "found no migration files (`**/migrations/*.py`): `init` learns the project's \
         conventions from them"
    )]
    InitNoMigrations,

    #[error("--convention `{first}` and `{second}` are two directions of one convention; keep one")]
    ConventionConflict {
        first: &'static str,
        second: &'static str,
    },

    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The parser could not run on a file (never because of its content).
    #[error("cannot parse {path}: {source}")]
    Parse {
        path: String,
        #[source]
        source: ParseError,
    },
}

impl Error {
    /// A parser failure on the file at `path`.
    pub fn parse(path: &str) -> impl FnOnce(ParseError) -> Error + '_ {
        move |source| Error::Parse {
            path: path.to_string(),
            source,
        }
    }
}

impl Error {
    /// The same error, naming `what` needed the repository: the repository is opened once,
    /// before the mode that needs it is known.
    pub fn for_mode(self, what: &'static str) -> Error {
        match self {
            Error::NotARepository { .. } => Error::NotARepository { what },
            Error::BareRepository { path, .. } => Error::BareRepository { path, what },
            other => other,
        }
    }
}
