//! check-migrate: stop wrong field names in Django migrations before they are committed.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! source     where migration files come from (staged index, --all, --since, paths)
//!   -> migration  tree-sitter parse -> owned field names with byte spans
//!   -> check      names x field library -> findings
//!   -> report     findings -> human, concise, json, ... printers on `impl Write`
//! ```
//!
//! `library` loads the field library (the built-in one in `data/` or BlueKing CSV files);
//! `text` turns byte offsets into lines and character columns when something is printed.

pub mod baseline;
pub mod check;
pub mod config;
pub mod error;
pub mod library;
pub mod migration;
pub mod report;
pub mod source;
pub mod text;
pub mod timings;

use std::path::PathBuf;

use check::{CheckOptions, Prefilter, RuleSettings};
use error::Error;
use library::Library;
use report::Report;
use source::MigrationPattern;
use timings::Timings;

/// What to check: the modes of the product contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// No arguments: the staged change, read from the index.
    Staged,
    /// `--all`: every migration in the repository, from the working tree.
    All,
    /// `--since REV`: what `HEAD` adds since its merge base with REV.
    Since(String),
    /// Files and directories from the working tree.
    Paths(Vec<PathBuf>),
}

impl Mode {
    /// How the mode is named in messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Mode::Staged => "checking staged files",
            Mode::All => "--all",
            Mode::Since(_) => "--since",
            Mode::Paths(_) => "checking paths",
        }
    }
}

/// The result of a run: findings, plus the files that could not be checked. A run with errors
/// still reports what it found.
#[derive(Debug, Default)]
pub struct Outcome {
    pub report: Report,
    pub errors: Vec<Error>,
    pub timings: Timings,
}

/// The built-in library (or the `replace` files, merged in order), extended with the
/// `extend` files. Rows that cannot be read make the library unusable: that is an error, never
/// a silent skip.
pub fn load_library(replace: &[PathBuf], extend: &[PathBuf]) -> Result<Library, Error> {
    let mut library = read_library(replace)?;
    for file in extend {
        library.add_file(file)?;
    }
    let fatal: Vec<String> = library
        .problems()
        .iter()
        .filter(|p| p.is_fatal())
        .map(|p| format!("{}: {p}", p.location))
        .collect();
    if !fatal.is_empty() {
        return Err(Error::LibraryUnreadable { problems: fatal });
    }
    Ok(library)
}

/// The built-in library, or the given files merged in order, with every problem recorded
/// (for `--check-library`, which lists them rather than stopping at the first).
pub fn read_library(files: &[PathBuf]) -> Result<Library, Error> {
    if files.is_empty() {
        return Ok(Library::builtin());
    }
    let mut library = Library::empty();
    for file in files {
        library.add_file(file)?;
    }
    Ok(library)
}

/// How a run checks, beyond which files and which library.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions<'a> {
    pub pattern: &'a MigrationPattern,
    pub rules: &'a RuleSettings,
    /// Walk only the files a literal search says can hold a finding (result-preserving; off
    /// only to compare the two paths).
    pub prefilter: bool,
    /// Threads for checking files from disk.
    pub jobs: usize,
}

/// Run one mode against a library. Errors that stop the whole mode (no repository, an
/// unknown revision) are returned; errors on single files are collected in the outcome.
pub fn run(mode: &Mode, library: &Library, options: RunOptions<'_>) -> Result<Outcome, Error> {
    let pattern = options.pattern;
    let mut timings = Timings {
        threads: options.jobs,
        ..Timings::default()
    };
    let open = |timings: &mut Timings| {
        timings.phase("open repository", || source::Repo::open(mode.describe()))
    };
    let plan = match mode {
        Mode::Paths(paths) => timings.phase("list files", || source::from_paths(paths, pattern)),
        Mode::Staged => source::staged(open(&mut timings)?, pattern)?,
        Mode::All => source::all(open(&mut timings)?, pattern)?,
        Mode::Since(rev) => source::since(open(&mut timings)?, rev, pattern)?,
    };
    timings.phases.extend(plan.phases.iter().copied());
    let prefilter = options.prefilter.then(|| Prefilter::new(library));
    let check_options = CheckOptions {
        rules: options.rules,
        report_unused_suppressions: *mode == Mode::All,
        prefilter: prefilter.as_ref(),
        clock: Some(&timings.files),
    };
    let start = std::time::Instant::now();
    let results = plan.map_files(options.jobs, &timings.files, |file| {
        file.and_then(|file| Ok(check::check_file(file, library, check_options)?))
    });
    timings.phases.push(("check files", start.elapsed()));
    let mut outcome = Outcome {
        timings,
        ..Outcome::default()
    };
    for result in results {
        match result {
            Ok(checked) => {
                outcome.report.files_checked += 1;
                if !checked.findings.is_empty() {
                    outcome.report.files.push(checked);
                }
            }
            Err(err) => outcome.errors.push(err),
        }
    }
    outcome.errors.extend(plan.errors);
    outcome.report.sort();
    Ok(outcome)
}
