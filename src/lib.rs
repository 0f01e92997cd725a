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

mod apps;
pub mod baseline;
pub mod check;
pub mod config;
pub mod error;
pub mod fix;
pub mod init;
pub mod library;
pub mod migration;
mod parallel;
pub mod report;
pub mod server;
pub mod source;
pub mod text;
pub mod timings;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use apps::dir_of;
use check::{CheckOptions, GraphNode, Prefilter, Status};
use config::Project;
use error::Error;
use library::Library;
use report::Report;
use timings::{Step, Timings};

/// What to check: the modes of the product contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// No arguments: the staged change, read from the index.
    Staged,
    /// The staged result of a merge git completes on its own (`pre-merge-commit`): like
    /// `Staged`, but no line counts as added, since such a merge types none of its own.
    Merging,
    /// `--all`: every migration in the repository, from the working tree.
    All,
    /// `--since REV`: what `HEAD` (or the `until` commit) adds since its merge base with REV.
    Since { rev: String, until: Option<String> },
    /// Files and directories from the working tree.
    Paths(Vec<PathBuf>),
    /// `--hook`: run by a hook manager that names files (the pre-commit framework). The
    /// staged change when the files named are staged ones (a commit); what `HEAD` adds since
    /// `PRE_COMMIT_FROM_REF` up to `PRE_COMMIT_TO_REF` when the framework gives a range (a
    /// push);
    /// else [`Mode::Files`] of them (`pre-commit run --all-files`, `--files`).
    Hook(Vec<PathBuf>),
    /// Files in a repository, checked whole from the working tree, with the other migrations
    /// of their apps for the graph rules.
    Files(Vec<PathBuf>),
}

impl Mode {
    /// How the mode is named in messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Mode::Staged | Mode::Merging => "checking staged files",
            Mode::All => "--all",
            Mode::Since { .. } => "--since",
            Mode::Paths(_) => "checking paths",
            Mode::Hook(_) => "--hook",
            Mode::Files(_) => "checking files",
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
    /// Why apps were not judged by the graph rules (`path:line: message`), one line each.
    pub notes: Vec<String>,
    /// The files checked (clean ones included), by path.
    pub checked: Vec<String>,
    /// How many findings were left out because the schema no longer has their name (renamed,
    /// removed or deleted by a later migration); see [`RunOptions::history`].
    pub superseded: usize,
    /// The mode that ran: the one asked for, or what [`Mode::Hook`] came to.
    pub mode: Option<Mode>,
}

/// The built-in library (or the `replace` files, merged in order) with the named built-in
/// `conventions`, extended with the `extend` files. Rows that cannot be read make the library
/// unusable: that is an error, never a silent skip.
pub fn load_library(
    replace: &[PathBuf],
    extend: &[PathBuf],
    conventions: &[&'static library::Convention],
) -> Result<Library, Error> {
    let library = read_library(replace, extend, conventions)?;
    let fatal: Vec<String> = library
        .problems()
        .iter()
        .filter(|p| p.is_fatal())
        .map(|p| format!("{}: {p}", p.location))
        .collect();
    if !fatal.is_empty() {
        return Err(Error::LibraryUnreadable { problems: fatal });
    }
    // Every file lists wrong names, yet each of them is also declared correct somewhere.
    if library.checks_nothing() {
        let files: Vec<String> = library_names(replace, extend, conventions);
        return Err(Error::LibraryChecksNothing {
            files: files.join(", "),
        });
    }
    Ok(library)
}

/// The sources of a library, as messages name them.
pub fn library_names(
    replace: &[PathBuf],
    extend: &[PathBuf],
    conventions: &[&'static library::Convention],
) -> Vec<String> {
    let builtin = replace
        .is_empty()
        .then(|| library::BUILTIN_ORIGIN.to_string());
    builtin
        .into_iter()
        .chain(conventions.iter().map(|c| c.origin()))
        .chain(
            replace
                .iter()
                .chain(extend)
                .map(|f| f.display().to_string()),
        )
        .collect()
}

/// The built-in library (or the `replace` files merged in order) with the named built-in
/// `conventions`, extended with the `extend` files, with every problem recorded (for
/// `--check-library`, which lists them rather than stopping at the first).
pub fn read_library(
    replace: &[PathBuf],
    extend: &[PathBuf],
    conventions: &[&'static library::Convention],
) -> Result<Library, Error> {
    let mut library = if replace.is_empty() {
        Library::builtin_with(conventions)
    } else {
        Library::empty()
    };
    for file in replace {
        library.add_file(file)?;
    }
    if !replace.is_empty() {
        library.add_conventions(conventions);
    }
    for file in extend {
        library.add_file(file)?;
    }
    Ok(library)
}

/// Where `path` points, when it is a symbolic link to nothing: such a file is an error
/// wherever it is named (a config, a library), never taken for an absent one.
pub(crate) fn dangling_target(path: &Path) -> Option<PathBuf> {
    let link = std::fs::symlink_metadata(path).ok()?;
    match path.metadata() {
        Err(err) if link.file_type().is_symlink() && err.kind() == std::io::ErrorKind::NotFound => {
            std::fs::read_link(path).ok()
        }
        _ => None,
    }
}

/// A note as one line: `path:line: message`.
fn note_line(plan: &source::Plan, note: check::Note) -> String {
    let line = note.span.as_ref().and_then(|span| {
        let source = plan.reread(&note.path)?.ok()?;
        Some(text::LineIndex::new(&source).line(span.start))
    });
    match line {
        Some(line) => format!("{}:{line}: {}", note.path, note.message),
        None => format!("{}: {}", note.path, note.message),
    }
}

/// Put graph findings into the report, with the source of their files for printing.
fn attach(
    outcome: &mut Outcome,
    plan: &source::Plan,
    findings: Vec<(String, check::Finding)>,
    project: &Project,
) {
    for (path, mut finding) in findings {
        let Some(severity) = project.for_path(&path).rules.severity(finding.rule) else {
            continue;
        };
        finding.severity = severity;
        if let Some(file) = outcome.report.files.iter_mut().find(|f| f.path == path) {
            file.findings.push(finding);
            file.findings.sort_by_key(|f| (f.span.start, f.rule));
            continue;
        }
        match plan.reread(&path) {
            Some(Ok(source)) => outcome.report.files.push(check::CheckedFile {
                path,
                source,
                findings: vec![finding],
            }),
            Some(Err(err)) => outcome.errors.push(err),
            None => {}
        }
    }
}

/// Leave out the name findings whose name a later migration of the same app renamed, removed
/// or deleted; returns how many. The operations were read while checking (every file parsed
/// once, on every core), so an operation the tool does not read anywhere in the app is seen.
/// Apps whose state cannot be computed (a migration that cannot be read or was not checked,
/// a label in doubt) keep every finding.
fn drop_superseded(
    report: &mut Report,
    nodes: &[GraphNode],
    operations: &HashMap<String, migration::Operations>,
    labels: &check::Labels,
) -> usize {
    let mut by_dir: std::collections::BTreeMap<&str, Vec<&GraphNode>> = Default::default();
    for node in nodes {
        by_dir.entry(dir_of(&node.path)).or_default().push(node);
    }
    let mut dropped = 0;
    for (dir, nodes) in by_dir {
        let with_names = report
            .files
            .iter()
            .any(|f| dir_of(&f.path) == dir && f.findings.iter().any(|f| f.name.is_some()));
        if !with_names {
            continue;
        }
        let Some(label) = labels.get(dir).filter(|label| label.doubt.is_none()) else {
            continue;
        };
        let files: Option<Vec<check::AppMigration>> = nodes
            .iter()
            .map(|node| {
                Some(check::AppMigration {
                    path: &node.path,
                    header: &node.header,
                    operations: operations.get(&node.path)?,
                })
            })
            .collect();
        let Some(files) = files else {
            continue;
        };
        let schema = check::Schema::build(&files, &label.label);
        for file in report.files.iter_mut().filter(|f| dir_of(&f.path) == dir) {
            let before = file.findings.len();
            let path = &file.path;
            file.findings.retain(|finding| {
                !(finding.name.is_some() && schema.superseded.contains(path, &finding.span))
            });
            dropped += before - file.findings.len();
        }
    }
    report.files.retain(|file| !file.findings.is_empty());
    dropped
}

/// Path mode: leave out the name findings whose name the schema no longer has, as `--all`
/// does (unless `history`); returns how many. The labels of their apps go in the report. Each app with such a finding has its schema built from every
/// migration in its folder on disk, the files named and the others, each parsed whole (an
/// operation the tool does not read anywhere in the app is seen). A folder that cannot be
/// listed, or a migration that cannot be read, keeps the app's findings.
fn drop_superseded_on_disk(
    report: &mut Report,
    plan: &source::Plan,
    pattern: &dyn source::Pattern,
    configured: &check::AppLabels,
    history: bool,
) -> usize {
    let dirs: std::collections::BTreeSet<String> = report
        .files
        .iter()
        .filter(|file| file.findings.iter().any(|f| f.name.is_some()))
        .map(|file| dir_of(&file.path).to_string())
        .collect();
    let (mut nodes, mut operations) = (Vec::new(), HashMap::new());
    for dir in dirs {
        let Ok(files) = plan.folder_migrations(&dir, pattern) else {
            continue;
        };
        for (path, content) in files {
            let parsed = content
                .ok()
                .and_then(|content| migration::parse_operations(&content).ok());
            let Some(parsed) = parsed else {
                nodes.push(apps::unreadable(path));
                continue;
            };
            nodes.push(GraphNode {
                path: path.clone(),
                header: parsed.header,
                status: Status::Unchanged,
            });
            operations.insert(path, parsed.operations);
        }
    }
    if nodes.is_empty() {
        return 0;
    }
    let labels = apps::labels(plan, &nodes, configured, Default::default());
    report.labels = known_labels(&labels);
    if history {
        return 0;
    }
    drop_superseded(report, &nodes, &operations, &labels)
}

/// The labels known for sure, by folder.
fn known_labels(labels: &check::Labels) -> std::collections::BTreeMap<String, String> {
    labels
        .iter()
        .filter(|(_, label)| label.doubt.is_none())
        .map(|(dir, label)| (dir.to_string(), label.label.clone()))
        .collect()
}

/// In a change (staged, `--since`): keep a name finding only where the change brings the name
/// into the schema. A name renamed away by a later migration of the same change does not
/// survive it; a name the schema had before the change (in `HEAD`, in another parent of a
/// merge, at the merge base) is not the change's: a squash, a regenerated migration, a moved
/// file. The schemas are built only for the apps with a finding to judge. Where a schema is
/// not known exactly, or a file cannot be read, the finding stays.
fn keep_introduced(
    report: &mut Report,
    plan: &source::Plan,
    pattern: &dyn source::Pattern,
    labels: &check::Labels,
) {
    // An `AlterField` of a wrong name is a nudge while the field keeps that name: judged
    // only on whether the change leaves the name standing.
    let judged = |finding: &check::Finding| {
        finding.name.is_some()
            && matches!(
                finding.rule,
                check::Rule::FieldName | check::Rule::DbColumn | check::Rule::AlteredFieldName
            )
    };
    let introduced = |finding: &check::Finding| finding.rule != check::Rule::AlteredFieldName;
    let dirs: std::collections::BTreeSet<String> = report
        .files
        .iter()
        .filter(|file| file.findings.iter().any(judged))
        .map(|file| dir_of(&file.path).to_string())
        .collect();
    for dir in dirs {
        let Some(label) = labels.get(&dir).filter(|label| label.doubt.is_none()) else {
            continue;
        };
        // The names judged (and their fields, for a `db_column`) and their models.
        let (mut names, mut models, mut judged_names) = (Vec::new(), Vec::new(), Vec::new());
        let findings = report
            .files
            .iter()
            .filter(|f| dir_of(&f.path) == dir)
            .flat_map(|f| f.findings.iter().filter(|f| judged(f)));
        for finding in findings {
            judged_names.extend(finding.name.iter().cloned());
            names.extend(finding.name.iter().chain(&finding.field).cloned());
            models.extend(finding.model.iter().cloned());
        }
        let Some(words) = Words::new(&names, &models) else {
            continue;
        };
        let current = plan.migrations_in(&dir);
        let Ok(earlier) = plan.earlier_migrations_in(&dir, pattern) else {
            continue;
        };
        // The common case costs no parse: a name written once, in the change alone, is in no
        // earlier schema and renamed by nothing.
        let Ok(written) = aho_corasick::AhoCorasick::new(quoted(&judged_names)) else {
            continue;
        };
        let now: usize = current
            .iter()
            .filter_map(|(_, content)| content.as_ref().ok())
            .map(|content| written.find_iter(content).count())
            .sum();
        let before_mentions = earlier
            .iter()
            .flatten()
            .any(|(_, content)| written.is_match(content));
        // A model deleted or renamed in the change takes the name with it.
        let model_gone = current
            .iter()
            .filter_map(|(_, content)| content.as_ref().ok())
            .any(|content| words.models.is_match(content) && words.model_changes.is_match(content));
        if now <= judged_names.len() && !before_mentions && !model_gone {
            continue;
        }
        let current: Contents = current
            .iter()
            .map(|(path, content)| (path.as_str(), content.as_deref().ok()))
            .collect();
        let earlier: Vec<Contents> = earlier
            .iter()
            .map(|files| {
                let files = files.iter();
                files
                    .map(|(path, content)| (path.as_str(), Some(&content[..])))
                    .collect()
            })
            .collect();
        // The files that mention what is judged first; the whole app only when they leave a
        // finding in doubt (a field renamed in from a file that does not mention it, say),
        // or when a judged model is renamed: the files that use its new name do not
        // mention the old one.
        let renamed = current
            .iter()
            .chain(earlier.iter().flatten())
            .filter_map(|(_, content)| *content)
            .any(|content| words.models.is_match(content) && words.model_renames.is_match(content));
        let passes = match renamed {
            false => &[Some(&words), None][..],
            true => &[None][..],
        };
        let mut cache = HashMap::new();
        let mut verdicts: Option<Vec<Vec<Verdict>>> = None;
        for &words in passes {
            let Some(after) = schema_of(&current, &label.label, words, &mut cache) else {
                break;
            };
            let before: Option<Vec<check::Schema>> = earlier
                .iter()
                .map(|files| schema_of(files, &label.label, words, &mut cache))
                .collect();
            let Some(before) = before else {
                break;
            };
            let judge = |path: &str, finding: &check::Finding| {
                if !judged(finding) {
                    return Verdict::Keep;
                }
                match after.standing(path, &finding.span) {
                    check::Standing::Unknown => Verdict::Unsure,
                    check::Standing::Other => Verdict::Keep,
                    check::Standing::Superseded => Verdict::Drop,
                    _ if !introduced(finding) => Verdict::Keep,
                    standing if before.iter().any(|schema| schema.has(&standing)) => Verdict::Drop,
                    standing if before.iter().all(|schema| schema.knows(&standing)) => {
                        Verdict::Keep
                    }
                    _ => Verdict::Unsure,
                }
            };
            let judged: Vec<Vec<Verdict>> = report
                .files
                .iter()
                .map(|file| match dir_of(&file.path) == dir {
                    true => file.findings.iter().map(|f| judge(&file.path, f)).collect(),
                    false => vec![Verdict::Keep; file.findings.len()],
                })
                .collect();
            let unsure = judged.iter().flatten().any(|v| *v == Verdict::Unsure);
            verdicts = Some(judged);
            if !unsure {
                break;
            }
        }
        let Some(verdicts) = verdicts else {
            continue;
        };
        for (file, verdicts) in report.files.iter_mut().zip(verdicts) {
            let mut verdicts = verdicts.into_iter();
            file.findings
                .retain(|_| verdicts.next() != Some(Verdict::Drop));
        }
    }
    report.files.retain(|file| !file.findings.is_empty());
}

/// In a change (staged, `--since`): report the wrong names the change brings back into the
/// schema without writing them, by taking out what had superseded them (a migration that
/// renamed a field deleted, a `RemoveField` taken out of one). They are found in the apps
/// where [`source::Plan::removes_from`] says the change took something out: a name the
/// schema has after the change and had in no earlier schema is reported where it was
/// written, as if its line were added. Findings the change writes are already in `report`.
fn add_resurrected(
    report: &mut Report,
    plan: &source::Plan,
    pattern: &dyn source::Pattern,
    labels: &check::Labels,
    project: &Project,
    libraries: &[Arc<Library>],
) {
    let dirs: Vec<String> = plan
        .touched_dirs()
        .into_iter()
        .map(str::to_string)
        .collect();
    for dir in dirs {
        let Some(label) = labels.get(&dir).filter(|label| label.doubt.is_none()) else {
            continue;
        };
        if !plan.removes_from(&dir, pattern) {
            continue;
        }
        let current = plan.migrations_in(&dir);
        let Ok(earlier) = plan.earlier_migrations_in(&dir, pattern) else {
            continue;
        };
        let contents: Contents = current
            .iter()
            .map(|(path, content)| (path.as_str(), content.as_deref().ok()))
            .collect();
        let mut cache = HashMap::new();
        let Some(after) = schema_of(&contents, &label.label, None, &mut cache) else {
            continue;
        };
        let before: Option<Vec<check::Schema>> = earlier
            .iter()
            .map(|files| {
                let files: Contents = files
                    .iter()
                    .map(|(path, content)| (path.as_str(), Some(&content[..])))
                    .collect();
                schema_of(&files, &label.label, None, &mut cache)
            })
            .collect();
        let Some(before) = before else {
            continue;
        };
        // The places whose name or column no earlier schema had, by file.
        let mut back: std::collections::BTreeMap<&str, Vec<std::ops::Range<usize>>> =
            Default::default();
        for (path, span) in after.places() {
            let standing = after.standing(path, span);
            let brought = matches!(
                standing,
                check::Standing::Name { .. } | check::Standing::Column { .. }
            ) && !before.iter().any(|schema| schema.has(&standing))
                && before.iter().all(|schema| schema.knows(&standing));
            let reported = report
                .files
                .iter()
                .any(|f| f.path == *path && f.findings.iter().any(|f| f.span == *span));
            if brought && !reported {
                back.entry(path).or_default().push(span.clone());
            }
        }
        for (path, spans) in back {
            let Some((_, Ok(content))) = current.iter().find(|(p, _)| p == path) else {
                continue;
            };
            let scope = project.index_of(path);
            let options = CheckOptions {
                rules: &project.scopes()[scope].settings.rules,
                report_unused_suppressions: false,
                prefilter: None,
                clock: None,
                operations: false,
            };
            let file = source::SourceFile {
                path: path.to_string(),
                content: content.clone(),
                added_lines: None,
                before: Vec::new(),
            };
            let Ok((checked, _, _)) = check::check_file(file, &libraries[scope], options) else {
                continue;
            };
            let found: Vec<check::Finding> = checked
                .findings
                .iter()
                .filter(|f| {
                    matches!(f.rule, check::Rule::FieldName | check::Rule::DbColumn)
                        && spans.contains(&f.span)
                })
                .cloned()
                .collect();
            if found.is_empty() {
                continue;
            }
            match report.files.iter_mut().find(|f| f.path == path) {
                Some(file) => file.findings.extend(found),
                None => report.files.push(check::CheckedFile {
                    findings: found,
                    ..checked
                }),
            }
        }
    }
}

/// What the schema says of a finding in a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Keep,
    Drop,
    /// Kept, but the files read left the state in doubt: reading more may tell.
    Unsure,
}

/// Migrations by path, each with its content (`None`: it could not be read).
type Contents<'a> = Vec<(&'a str, Option<&'a [u8]>)>;

/// A parsed migration, and whether it was parsed whole (else: its header alone).
type Parsed = (bool, migration::Migration);

/// The schema of one app's migrations; `None` when one cannot be read or parsed.
///
/// With `words`, only the files that can change what is judged are parsed whole: those that
/// mention a name judged or its model (quoted, as an operation names it, so that a project's
/// own operation on the model is seen). The others give their header alone, for the order. Parses are shared
/// between the versions before and after the change, which are mostly the same files.
fn schema_of(
    files: &Contents,
    label: &str,
    words: Option<&Words>,
    cache: &mut HashMap<Vec<u8>, Parsed>,
) -> Option<check::Schema> {
    let mut parsed: Vec<(&str, migration::Migration)> = Vec::with_capacity(files.len());
    for &(path, content) in files {
        let content = content?;
        let whole = words
            .is_none_or(|words| words.names.is_match(content) || words.models.is_match(content));
        if let Some((known_whole, known)) = cache.get(content)
            && (*known_whole || !whole)
        {
            parsed.push((path, known.clone()));
            continue;
        }
        let migration = if whole {
            migration::parse(content).ok()?
        } else {
            migration::Migration {
                header: migration::parse_header(content).ok()?,
                ..migration::Migration::default()
            }
        };
        cache.insert(content.to_vec(), (whole, migration.clone()));
        parsed.push((path, migration));
    }
    let files: Vec<check::AppMigration> = parsed
        .iter()
        .map(|(path, parsed)| check::AppMigration {
            path,
            header: &parsed.header,
            operations: &parsed.operations,
        })
        .collect();
    Some(check::Schema::build(&files, label))
}

/// Each word as the string literals that spell it (`"word"`, `'word'`): a name in a
/// migration is always one, and `is_delete` must not be found inside `"is_deleted"`.
fn quoted<S: AsRef<str>>(words: impl IntoIterator<Item = S>) -> Vec<String> {
    words
        .into_iter()
        .flat_map(|word| {
            let word = word.as_ref();
            [format!("\"{word}\""), format!("'{word}'")]
        })
        .collect()
}

/// What makes a migration worth parsing whole for the names judged (see [`schema_of`]).
struct Words {
    names: aho_corasick::AhoCorasick,
    models: aho_corasick::AhoCorasick,
    /// The operations that end a model's name: `DeleteModel`, `RenameModel`.
    model_changes: aho_corasick::AhoCorasick,
    model_renames: aho_corasick::AhoCorasick,
}

impl Words {
    fn new(names: &[String], models: &[String]) -> Option<Words> {
        Some(Words {
            // Field names are compared as written, model names without case, as in Django.
            names: aho_corasick::AhoCorasick::new(quoted(names)).ok()?,
            models: aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(quoted(models))
                .ok()?,
            model_changes: aho_corasick::AhoCorasick::new(["DeleteModel", "RenameModel"]).ok()?,
            model_renames: aho_corasick::AhoCorasick::new(["RenameModel"]).ok()?,
        })
    }
}

/// What `--hook` checks (see [`Mode::Hook`]), and the plan for it.
fn hook_plan(
    paths: &[PathBuf],
    repo: source::Repo,
    pattern: &dyn source::Pattern,
    exhaustive: bool,
) -> Result<(Mode, source::Plan), Error> {
    // The framework's push stage, or `pre-commit run --from-ref A --to-ref B`.
    let var = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    if let (Some(from), Some(to)) = (var("PRE_COMMIT_FROM_REF"), var("PRE_COMMIT_TO_REF")) {
        // A range ending elsewhere (a push of a branch that is not checked out) is read at
        // its end commit.
        let until = (!repo.is_head(&to)).then_some(to);
        let plan = source::since(repo, &from, until.as_deref(), pattern)?;
        return Ok((Mode::Since { rev: from, until }, plan));
    }
    let root = source::repository_root(&repo);
    let named = source::from_paths(paths, pattern, root.as_deref());
    let staged = source::staged(repo, pattern, exhaustive)?;
    let all_staged = {
        let staged: std::collections::BTreeSet<&str> = staged.paths().collect();
        named.paths().all(|path| staged.contains(path))
    };
    if all_staged {
        return Ok((Mode::Staged, staged));
    }
    let Some(repo) = staged.into_repo() else {
        return Err(Error::NotARepository { what: "--hook" });
    };
    files_plan(paths, repo, pattern, exhaustive)
}

/// The plan of [`Mode::Files`].
fn files_plan(
    paths: &[PathBuf],
    repo: source::Repo,
    pattern: &dyn source::Pattern,
    exhaustive: bool,
) -> Result<(Mode, source::Plan), Error> {
    let root = source::repository_root(&repo);
    let named = source::from_paths(paths, pattern, root.as_deref());
    let mut given: std::collections::BTreeSet<String> = named.paths().map(str::to_string).collect();
    // A file not on disk (a buffer not saved yet) still names its app's folder.
    for err in &named.errors {
        if let (Error::MissingPath { path }, Some(root)) = (err, &root)
            && let Ok(relative) = source::absolute_path(path).strip_prefix(root)
        {
            given.insert(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    let mut plan = source::files(repo, &given, pattern, exhaustive)?;
    plan.errors.extend(named.errors);
    Ok((Mode::Files(paths.to_vec()), plan))
}

/// How a run checks, beyond which files.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions<'a> {
    /// The configs, each governing its part of the repository.
    pub project: &'a Project,
    /// The library of each of the project's scopes, in order.
    pub libraries: &'a [Arc<Library>],
    /// Take the fast paths: walk only the files a literal search says can hold a finding, and
    /// read the index and diff it against `HEAD` git's way. Both are result-preserving; off
    /// only to compare with the exhaustive paths.
    pub prefilter: bool,
    /// Threads for checking files from disk.
    pub jobs: usize,
    /// Report every name a migration ever wrote, as the text has it, rather than only those
    /// still in the schema the migrations build (`--all`).
    pub history: bool,
    /// Contents read in place of files of the working tree (see [`source::Buffers`]).
    pub buffers: &'a source::Buffers,
}

/// Run one mode. Errors that stop the whole mode (no repository, an unknown revision) are
/// returned; errors on single files are collected in the outcome. `repo` is the repository
/// around the working directory, opened once by the caller; path mode works without one.
pub fn run(
    mode: &Mode,
    options: RunOptions<'_>,
    repo: Result<source::Repo, Error>,
) -> Result<Outcome, Error> {
    let project = options.project;
    let pattern: &dyn source::Pattern = project;
    let mut timings = Timings {
        threads: options.jobs,
        ..Timings::default()
    };
    let mut resolved = mode.clone();
    // Path mode reads the working tree: model files named are shown as the migrations are.
    let mut paths_root = None;
    let mut plan = match (mode, repo) {
        (Mode::Hook(paths), Ok(repo)) => {
            let (as_mode, plan) = hook_plan(paths, repo, pattern, !options.prefilter)?;
            resolved = as_mode;
            plan
        }
        (Mode::Files(paths), Ok(repo)) => {
            let (_, plan) = files_plan(paths, repo, pattern, !options.prefilter)?;
            plan
        }
        (Mode::Paths(paths), repo) => {
            let root = repo.ok().and_then(|repo| source::repository_root(&repo));
            paths_root = root.clone();
            timings.phase("list files", || {
                source::from_paths(paths, pattern, root.as_deref())
            })
        }
        (_, Err(err)) => return Err(err.for_mode(mode.describe())),
        (Mode::Staged, Ok(repo)) => source::staged(repo, pattern, !options.prefilter)?,
        (Mode::Merging, Ok(repo)) => {
            let mut plan = source::staged(repo, pattern, !options.prefilter)?;
            plan.add_no_lines();
            plan
        }
        (Mode::All, Ok(repo)) => source::all(repo, pattern, !options.prefilter)?,
        (Mode::Since { rev, until }, Ok(repo)) => {
            source::since(repo, rev, until.as_deref(), pattern)?
        }
    };
    let mode = &resolved;
    let root = paths_root.clone().or_else(|| plan.root());
    plan.set_buffers(options.buffers, pattern, root.as_deref());
    timings.phases.extend(plan.phases.iter().copied());
    // A broken config stops the run only where it governs a file being checked.
    project.check_used(plan.paths().chain(plan.graph_paths()))?;
    // One literal search per distinct library: scopes naming the same files share it.
    let libraries = options.libraries;
    let first: Vec<usize> = (0..libraries.len())
        .map(|i| {
            (0..i)
                .find(|&j| Arc::ptr_eq(&libraries[j], &libraries[i]))
                .unwrap_or(i)
        })
        .collect();
    let prefilters: Vec<Option<Prefilter>> = (0..libraries.len())
        .map(|i| (options.prefilter && first[i] == i).then(|| Prefilter::new(&libraries[i])))
        .collect();
    let prefilter_of = |scope: usize| prefilters[first[scope]].as_ref();
    // `--all` judges the schema the migrations build: a name renamed away later is history.
    let schema = *mode == Mode::All && !options.history;
    let start = std::time::Instant::now();
    let files = &timings.files;
    let results = plan.map_files(options.jobs, files, |path, file| {
        let scope = project.index_of(path);
        let check_options = CheckOptions {
            rules: &project.scopes()[scope].settings.rules,
            report_unused_suppressions: *mode == Mode::All,
            prefilter: prefilter_of(scope),
            clock: Some(files),
            operations: schema,
        };
        let library = &libraries[scope];
        let checked = file.and_then(|file| {
            check::check_file(file, library, check_options).map_err(Error::parse(path))
        });
        (path.to_string(), checked)
    });
    timings.phases.push(("check files", start.elapsed()));
    let mut outcome = Outcome {
        timings,
        mode: Some(mode.clone()),
        ..Outcome::default()
    };
    let mut nodes = Vec::new();
    let mut operations: HashMap<String, migration::Operations> = HashMap::new();
    for (path, result) in results {
        match result {
            Ok((checked, header, ops)) => {
                if schema {
                    operations.insert(checked.path.clone(), ops);
                }
                outcome.report.files_checked += 1;
                outcome.checked.push(checked.path.clone());
                if plan.has_graph() {
                    let status = match plan.change_of(&checked.path) {
                        Some(true) => Status::New,
                        Some(false) => Status::Changed,
                        None => Status::Unchanged,
                    };
                    nodes.push(GraphNode {
                        path: checked.path.clone(),
                        header,
                        status,
                    });
                }
                if !checked.findings.is_empty() {
                    outcome.report.files.push(checked);
                }
            }
            Err(err) => {
                // A migration that cannot be read leaves its app's graph unknown.
                nodes.push(apps::unreadable(path));
                outcome.errors.push(err);
            }
        }
    }
    if matches!(mode, Mode::Paths(_) | Mode::Files(_)) {
        let start = std::time::Instant::now();
        let labels = project.labels();
        let report = &mut outcome.report;
        outcome.superseded =
            drop_superseded_on_disk(report, &plan, pattern, &labels, options.history);
        outcome.timings.phases.push(("schema", start.elapsed()));
    }
    if plan.has_graph() {
        let start = std::time::Instant::now();
        for (path, file) in plan.graph_files() {
            let node = file.and_then(|file| {
                let header = outcome
                    .timings
                    .files
                    .time(Step::Parse, || migration::parse_header(&file.content))
                    .map_err(Error::parse(&file.path))?;
                Ok(GraphNode {
                    path: file.path,
                    header,
                    status: Status::Unchanged,
                })
            });
            match node {
                Ok(node) => nodes.push(node),
                Err(err) => {
                    nodes.push(apps::unreadable(path.to_string()));
                    outcome.errors.push(err);
                }
            }
        }
        let configured = project.labels();
        let (context, found) = apps::context_nodes(&plan, pattern, &nodes, &configured);
        nodes.extend(context);
        nodes.sort_by(|a, b| a.path.cmp(&b.path));
        let labels = apps::labels(&plan, &nodes, &configured, found);
        outcome.report.labels = known_labels(&labels);
        let touched = plan.touched_dirs();
        let in_touched = |path: &str| touched.contains(dir_of(path));
        let mut graph = check::check_graph(&nodes, &labels);
        graph.findings.retain(|(path, _)| in_touched(path));
        let notes = graph.notes.into_iter().filter(|note| {
            // A note on an app's config module belongs to its migrations directory.
            in_touched(&note.path)
                || labels
                    .iter()
                    .any(|(dir, label)| touched.contains(dir) && label.doubt.as_ref() == Some(note))
        });
        outcome.notes = notes.map(|note| note_line(&plan, note)).collect();
        if schema {
            let start = std::time::Instant::now();
            outcome.superseded = drop_superseded(&mut outcome.report, &nodes, &operations, &labels);
            outcome.timings.phases.push(("schema", start.elapsed()));
        }
        if plan.is_change() && !options.history {
            let start = std::time::Instant::now();
            keep_introduced(&mut outcome.report, &plan, pattern, &labels);
            // A merge git completes brings what its branches were checked with.
            if *mode != Mode::Merging {
                let libraries = options.libraries;
                add_resurrected(
                    &mut outcome.report,
                    &plan,
                    pattern,
                    &labels,
                    project,
                    libraries,
                );
            }
            outcome.timings.phases.push(("schema", start.elapsed()));
        }
        attach(&mut outcome, &plan, graph.findings, project);
        outcome
            .timings
            .phases
            .push(("migration graph", start.elapsed()));
    }
    let start = std::time::Instant::now();
    declare(&mut outcome.report, &plan);
    outcome
        .timings
        .phases
        .push(("declarations", start.elapsed()));
    outcome.errors.extend(std::mem::take(&mut plan.errors));
    let start = std::time::Instant::now();
    check_models(&mut outcome, mode, plan.into_repo(), paths_root, &options);
    outcome
        .timings
        .phases
        .push(("model files", start.elapsed()));
    outcome.report.sort();
    Ok(outcome)
}

/// The naming rules on model files: those named on the command line (path mode), and those
/// of the same snapshot as the migrations for every config with `check-models = true`.
fn check_models(
    outcome: &mut Outcome,
    mode: &Mode,
    repo: Option<source::Repo>,
    paths_root: Option<PathBuf>,
    options: &RunOptions<'_>,
) {
    let project = options.project;
    let on = |path: &str| {
        let settings = project.for_path(path);
        settings.check_models && !settings.pattern.excludes(path)
    };
    let accept = source::ModelPattern(on);
    let exhaustive = !options.prefilter;
    let planned = match (mode, repo) {
        (Mode::Paths(paths), _) => Ok(source::model_paths(paths, paths_root.as_deref())),
        _ if !project.scopes().iter().any(|s| s.settings.check_models) => return,
        (_, None) => return,
        (Mode::Staged | Mode::Hook(_), Some(repo)) => source::staged(repo, &accept, exhaustive),
        (Mode::Merging, Some(repo)) => source::staged(repo, &accept, exhaustive).map(|mut plan| {
            plan.add_no_lines();
            plan
        }),
        (Mode::All, Some(repo)) => source::all(repo, &accept, exhaustive),
        // The files named were reported missing by the migrations' plan already.
        (Mode::Files(paths), Some(repo)) => {
            files_plan(paths, repo, &accept, exhaustive).map(|(_, mut plan)| {
                plan.errors.clear();
                plan
            })
        }
        (Mode::Since { rev, until }, Some(repo)) => {
            source::since(repo, rev, until.as_deref(), &accept)
        }
    };
    let mut plan = match planned {
        Ok(plan) => plan,
        Err(err) => return outcome.errors.push(err),
    };
    let root = paths_root.clone().or_else(|| plan.root());
    plan.set_buffers(options.buffers, &accept, root.as_deref());
    let files = &outcome.timings.files;
    let results = plan.map_files(options.jobs, files, |path, file| {
        let scope = project.index_of(path);
        let rules = &project.scopes()[scope].settings.rules;
        let library = &options.libraries[scope];
        file.and_then(|file| {
            check::check_model_file(file, library, rules).map_err(Error::parse(path))
        })
    });
    for result in results {
        match result {
            Ok(checked) => {
                outcome.report.models_checked += 1;
                if !checked.findings.is_empty() {
                    outcome.report.files.push(checked);
                }
            }
            Err(err) => outcome.errors.push(err),
        }
    }
    outcome.errors.extend(plan.errors);
}

/// The Python modules of a plan's snapshot, for following a model's bases out of its app.
struct PlanModules<'a>(&'a source::Plan);

impl check::Modules for PlanModules<'_> {
    fn read(&self, dir: &str, name: &str) -> Vec<(String, Vec<u8>)> {
        self.0
            .python_modules(dir, name)
            .into_iter()
            .filter_map(|(path, read)| Some((path, read.ok()?)))
            .collect()
    }
}

/// Where the field of each naming finding is declared in its app's models, read from the
/// mode's snapshot (the index for a commit, the working tree for paths). The models of an
/// app are read once, and only for an app with a finding.
fn declare(report: &mut report::Report, plan: &source::Plan) {
    let mut apps: HashMap<String, check::AppModels> = HashMap::new();
    let read = PlanModules(plan);
    let modules = check::ModuleCache::new(&read);
    for file in &mut report.files {
        let app = check::app_dir(dir_of(&file.path)).to_string();
        for finding in &mut file.findings {
            if !matches!(
                finding.rule,
                check::Rule::FieldName | check::Rule::AlteredFieldName | check::Rule::DbColumn
            ) {
                continue;
            }
            // A finding in a model file is at the declaration already.
            let (Some(model), Some(name), Some(_)) =
                (&finding.model, &finding.name, finding.operation)
            else {
                continue;
            };
            let (field, column) = match (finding.rule, &finding.field) {
                (check::Rule::DbColumn, Some(field)) => (field.as_str(), Some(name.as_str())),
                _ => (name.as_str(), None),
            };
            let models = apps.entry(app.clone()).or_insert_with(|| {
                let reads = plan.model_modules(&app).into_iter();
                check::AppModels::parse(reads.filter_map(|(path, read)| Some((path, read.ok()?))))
            });
            finding.declaration = models.declaration(model, field, column, &modules);
        }
    }
}

/// The library of each scope of `project`; scopes naming the same files share one. What is
/// worth saying about a library that can still be used goes to `warn`, one line each, once.
pub fn scope_libraries(
    project: &Project,
    warn: &mut dyn FnMut(String),
) -> Result<Vec<Arc<Library>>, Error> {
    type Key<'a> = (
        &'a [PathBuf],
        &'a [PathBuf],
        &'a [&'static library::Convention],
    );
    let mut loaded: Vec<(Key, Arc<Library>)> = Vec::new();
    let mut out = Vec::new();
    // A file in several libraries is named once.
    let mut noted = Vec::new();
    for scope in project.scopes() {
        let settings = &scope.settings;
        let key: Key = (
            settings.library.as_slice(),
            settings.extend_library.as_slice(),
            settings.conventions.as_slice(),
        );
        if let Some((_, library)) = loaded.iter().find(|(k, _)| *k == key) {
            out.push(library.clone());
            continue;
        }
        let library = Arc::new(load_library(key.0, key.1, key.2)?);
        for line in library_problems(&library, settings) {
            if !noted.contains(&line) {
                warn(line.clone());
                noted.push(line);
            }
        }
        loaded.push((key, library.clone()));
        out.push(library);
    }
    Ok(out)
}

/// Each config's baseline, loaded once.
pub fn load_baselines(project: &Project) -> Result<Vec<(PathBuf, baseline::Baseline)>, Error> {
    let mut baselines: Vec<(PathBuf, baseline::Baseline)> = Vec::new();
    for scope in project.scopes() {
        if let Some(path) = &scope.settings.baseline
            && !baselines.iter().any(|(known, _)| known == path)
        {
            baselines.push((path.clone(), baseline::Baseline::load(path)?));
        }
    }
    Ok(baselines)
}

/// The notes and warnings on a library that can be used, and a count of its other problems.
fn library_problems(library: &Library, settings: &config::Settings) -> Vec<String> {
    let mut lines = Vec::new();
    let mut count = 0;
    for problem in library.problems() {
        let level = match problem.kind {
            _ if problem.is_note() => "note",
            library::ProblemKind::NoWrongNames { .. } => "warning",
            _ => {
                count += 1;
                continue;
            }
        };
        lines.push(format!("{level}: {}: {problem}", problem.location));
    }
    if count > 0 {
        let which: String = settings
            .library
            .iter()
            .chain(&settings.extend_library)
            .map(|f| format!(" --library {}", f.display()))
            .collect();
        lines.push(format!(
            "warning: the field library has {count} problem(s); `check-migrate --check-library{which}` lists them"
        ));
    }
    lines
}
