//! Where migration files come from: the staged index, the whole repository (`--all`), the
//! commits since a revision (`--since`), or paths on the command line.
//!
//! Each mode first lists what to check (a [`Plan`]); contents are read one file at a time by
//! [`Plan::read`], so a run over thousands of migrations holds one file in memory at a time.
//! git2 types stay inside this module.

mod compare;
mod display;
mod git;
mod index;
mod lines;
mod paths;
mod pattern;
mod split;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use display::shown_path;
pub use git::Repo;
pub use pattern::{
    GlobError, MigrationPattern, ModelPattern, Pattern, is_graph_module, is_migration,
    is_model_file,
};

use crate::error::Error;
use crate::timings::{FileClock, Step};

/// What staged mode (and `--since`) keeps to look up other apps: the index it read (or
/// the migrations of `HEAD`), and the touched directories.
struct Context {
    index: index::Index,
    touched: std::collections::BTreeSet<String>,
}

/// Where a mode's project files (an app's `apps.py`) come from: the snapshot its
/// migrations are read from.
enum Snapshot {
    /// Path mode: the apps around the files named, on disk.
    None,
    /// The index of staged mode (kept in the plan's context).
    Index,
    /// A commit's tree (`--since`: `HEAD`).
    Tree(git2::Oid),
    /// The working tree (`--all`).
    Disk(PathBuf),
}

/// One file's content, ready to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Relative to the repository root, `/`-separated (as given, outside a repository); a
    /// byte that is not UTF-8 is shown as `\xNN` (see `display`).
    pub path: String,
    pub content: Vec<u8>,
    /// 1-based line ranges (end exclusive) the change adds; `None` when every line counts.
    pub added_lines: Option<Vec<Range<usize>>>,
    /// The file as it was before the change, once per parent that had it (`HEAD`, and the
    /// other heads of a merge); empty when every line counts or nothing is new. A name on an
    /// unchanged line is still new when no earlier version holds it live in the same
    /// operation: an edit elsewhere (a `"""` taken out, `AlterField` made `AddField`) can
    /// bring it.
    pub before: Vec<Vec<u8>>,
}

impl SourceFile {
    /// Whether a finding on this 1-based line belongs to the change being checked.
    pub fn touches(&self, line: usize) -> bool {
        match &self.added_lines {
            None => true,
            Some(ranges) => ranges.iter().any(|r| r.contains(&line)),
        }
    }
}

/// Files with their content, by path.
pub type Files = Vec<(String, Vec<u8>)>;

/// Files by path, each with its content or why it could not be read.
pub type Reads = Vec<(String, Result<Vec<u8>, Error>)>;

/// What a mode decided to check, before any content is read.
pub struct Plan {
    repo: Option<Repo>,
    items: Vec<Item>,
    /// The other migrations of the apps the checked files belong to, for the graph checks;
    /// `None` when the mode has no graph checks (paths), empty when `items` are all of them.
    graph: Option<Vec<Item>>,
    /// The index, to find the migrations of apps the change does not touch, which its
    /// dependencies may name (staged mode); looked at only for the apps that are named.
    context: Option<Context>,
    /// Where the project's other files are read from.
    snapshot: Snapshot,
    /// Whether the mode checks a change (staged, `--since`), so files are new or changed.
    change: bool,
    /// The trees the change is measured against: `HEAD`'s (and the other parents' of a
    /// merge) in staged mode, the merge base's with `--since`.
    earlier: Vec<git2::Oid>,
    /// Problems met while listing (a missing path, say): reported, and the run goes on.
    pub errors: Vec<Error>,
    /// Wall-clock phases of listing (reading the index, diffing...), for `--timings`.
    pub phases: Vec<(&'static str, Duration)>,
    /// Contents that stand in for files of the working tree (an editor's unsaved buffers,
    /// `--stdin-filename`).
    buffers: Buffers,
}

/// Contents that stand in for files on disk, by absolute path: whatever reads such a file
/// from the working tree reads this instead.
pub type Buffers = std::collections::BTreeMap<PathBuf, Vec<u8>>;

struct Item {
    path: String,
    origin: Origin,
    added_lines: Option<Vec<Range<usize>>>,
    /// Blobs of the file before the change (see [`SourceFile::before`]).
    before: Vec<git2::Oid>,
}

enum Origin {
    Disk(PathBuf),
    Blob(git2::Oid),
}

impl Plan {
    /// How many files will be checked.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Read `buffers` in place of the files of the working tree they stand for. A buffer
    /// of a file not on disk (yet) that path mode named is checked too, if `pattern` takes it.
    pub fn set_buffers(&mut self, buffers: &Buffers, pattern: &dyn Pattern, root: Option<&Path>) {
        if buffers.is_empty() {
            return;
        }
        self.buffers = buffers.clone();
        let mut unsaved = Vec::new();
        self.errors.retain(|err| match err {
            Error::MissingPath { path } if buffers.contains_key(&paths::absolute(path)) => {
                unsaved.push(path.clone());
                false
            }
            _ => true,
        });
        for path in unsaved {
            paths::add(&path, root, pattern, self);
        }
        self.items.sort_by(|a, b| a.path.cmp(&b.path));
        // The other unsaved migrations of the apps whose graph is checked.
        let (Some(root), Some(_)) = (root, &self.graph) else {
            return;
        };
        let known: std::collections::BTreeSet<String> = self
            .items
            .iter()
            .chain(self.graph.iter().flatten())
            .map(|item| item.path.clone())
            .collect();
        let touched: std::collections::BTreeSet<String> = self
            .touched_dirs()
            .into_iter()
            .map(str::to_string)
            .collect();
        for path in buffers.keys() {
            let Ok(relative) = path.strip_prefix(root) else {
                continue;
            };
            let shown = relative.to_string_lossy().replace('\\', "/");
            let dir = crate::apps::dir_of(&shown).to_string();
            if path.exists() || known.contains(&shown) || !touched.contains(&dir) {
                continue;
            }
            if is_graph_module(pattern, &shown)
                && let Some(graph) = &mut self.graph
            {
                graph.push(Item {
                    path: shown,
                    origin: Origin::Disk(path.clone()),
                    added_lines: None,
                    before: Vec::new(),
                });
            }
        }
    }

    /// The working tree root of the plan's repository, if it has one.
    pub fn root(&self) -> Option<PathBuf> {
        self.repo.as_ref().and_then(repository_root)
    }

    /// Paths in the order they will be read.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.items.iter().map(|item| item.path.as_str())
    }

    /// Paths of the other migrations of the touched apps (see `graph`).
    pub fn graph_paths(&self) -> impl Iterator<Item = &str> {
        self.graph.iter().flatten().map(|item| item.path.as_str())
    }

    /// Count no line as added: findings tied to lines are not this change's doing.
    pub fn add_no_lines(&mut self) {
        for item in &mut self.items {
            item.added_lines = Some(Vec::new());
            item.before.clear();
        }
    }

    /// Whether this mode checks the migration graph of the apps it touches.
    pub fn has_graph(&self) -> bool {
        self.graph.is_some()
    }

    /// The other migrations of the touched apps (see `graph`), read one at a time.
    pub fn graph_files(&self) -> impl Iterator<Item = (&str, Result<SourceFile, Error>)> + '_ {
        self.graph.iter().flatten().map(|item| {
            (
                item.path.as_str(),
                read(self.repo.as_ref(), &self.buffers, item),
            )
        })
    }

    /// Paths of the migrations of untouched apps in the directories `wanted` accepts (asked
    /// once per directory), without reading them.
    pub fn context_paths(
        &self,
        pattern: &dyn Pattern,
        wanted: impl Fn(&str) -> bool,
    ) -> Vec<String> {
        let Some(context) = &self.context else {
            return Vec::new();
        };
        let index = &context.index;
        let mut out = Vec::new();
        let mut last: Option<(&str, bool)> = None;
        for entry in &index.entries {
            let path = index.path(entry);
            // The default pattern needs `migrations/` in the path: a cheap first sieve over
            // every entry of a large index.
            if pattern.pathspec().is_some() && !pattern::in_default_sieve(path) {
                continue;
            }
            let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
            let accepted = match last {
                Some((seen, accepted)) if seen == dir => accepted,
                _ => {
                    let accepted = !context.touched.contains(dir) && wanted(dir);
                    last = Some((dir, accepted));
                    accepted
                }
            };
            if accepted && is_file_mode(entry.mode) && is_graph_module(pattern, path) {
                out.push(path.to_string());
            }
        }
        out
    }

    /// Read a migration of an untouched app, found by [`Plan::context_paths`].
    pub fn read_context(&self, path: &str) -> Result<SourceFile, Error> {
        let found = self
            .context
            .as_ref()
            .and_then(|context| git2::Oid::from_bytes(&context.index.find(path)?.id).ok());
        let Some(id) = found else {
            return Err(Error::Git {
                context: "reading a migration of another app",
                message: format!("{path} is not in the index"),
            });
        };
        let item = Item {
            path: path.to_string(),
            origin: Origin::Blob(id),
            added_lines: Some(Vec::new()),
            before: Vec::new(),
        };
        read(self.repo.as_ref(), &self.buffers, &item)
    }

    /// Whether the change being checked adds the file at `path` (`Some(true)`), modifies it
    /// (`Some(false)`), or does not touch it (`None`; always in `--all`).
    pub fn change_of(&self, path: &str) -> Option<bool> {
        if !self.change {
            return None;
        }
        let item = self.items.iter().find(|item| item.path == path)?;
        Some(item.added_lines.is_none())
    }

    /// The modules of the app in `app_dir` (root-relative; empty for the root) that may hold
    /// its `AppConfig`: `apps.py`, the modules of an `apps` package, and `__init__.py`, as
    /// the mode's snapshot has them (the index, `HEAD`, or the working tree).
    pub fn app_modules(&self, app_dir: &str) -> Reads {
        self.app_files(app_dir, &["apps.py", "__init__.py"], "apps")
    }

    /// The modules of the app in `app_dir` that may declare its models: `models.py` and the
    /// modules of a `models` package, as the mode's snapshot has them.
    pub fn model_modules(&self, app_dir: &str) -> Reads {
        self.app_files(app_dir, &["models.py"], "models")
    }

    /// The Python module `name` of the folder `dir`: `dir/name.py`, and the modules of a
    /// `dir/name` package, as the mode's snapshot has them.
    pub fn python_modules(&self, dir: &str, name: &str) -> Reads {
        let file = format!("{name}.py");
        self.app_files(dir, &[file.as_str()], name)
    }

    /// The `files` of the app in `app_dir` and the modules directly in its `package`.
    fn app_files(&self, app_dir: &str, files: &[&str], package_name: &str) -> Reads {
        let join = |name: &str| match app_dir {
            "" => name.to_string(),
            dir => format!("{dir}/{name}"),
        };
        let package = join(package_name);
        let mut found: Vec<(String, Origin)> = Vec::new();
        match &self.snapshot {
            Snapshot::Index => {
                let Some(context) = &self.context else {
                    return Vec::new();
                };
                let index = &context.index;
                let blob = |path: &str| {
                    let entry = index.find(path)?;
                    is_file_mode(entry.mode)
                        .then(|| git2::Oid::from_bytes(&entry.id).ok())
                        .flatten()
                };
                for path in files.iter().map(|name| join(name)) {
                    if let Some(id) = blob(&path) {
                        found.push((path, Origin::Blob(id)));
                    }
                }
                let prefix = format!("{package}/");
                for entry in index.under(&prefix) {
                    let path = index.path(entry);
                    let direct = !path[prefix.len()..].contains('/');
                    if direct
                        && path.ends_with(".py")
                        && is_file_mode(entry.mode)
                        && let Ok(id) = git2::Oid::from_bytes(&entry.id)
                    {
                        found.push((path.to_string(), Origin::Blob(id)));
                    }
                }
            }
            Snapshot::Tree(tree) => {
                if let Some(repo) = &self.repo {
                    for path in files.iter().map(|name| join(name)) {
                        if let Some(id) = repo.tree_blob(*tree, &path) {
                            found.push((path, Origin::Blob(id)));
                        }
                    }
                    for (path, id) in repo.tree_modules(*tree, &package) {
                        found.push((path, Origin::Blob(id)));
                    }
                }
            }
            Snapshot::Disk(root) => {
                let app = root.join(app_dir);
                disk_app_modules(&app, files, package_name, &join, &mut found);
            }
            // Path mode: the app around the folder of the files named.
            Snapshot::None => {
                let dir = join("migrations");
                // Absolute first: a file named from inside its folder has `` for a parent.
                let folder = self.disk_folder(&dir).map(|folder| match folder {
                    f if f.as_os_str().is_empty() => paths::absolute(Path::new(".")),
                    f => paths::absolute(f),
                });
                let app = folder
                    .as_deref()
                    .and_then(Path::parent)
                    .map(Path::to_path_buf)
                    .or_else(|| self.disk_root().map(|root| root.join(app_dir)));
                if let Some(app) = app {
                    disk_app_modules(&app, files, package_name, &join, &mut found);
                }
            }
        }
        found
            .into_iter()
            .map(|(path, origin)| {
                let item = Item {
                    path: path.clone(),
                    origin,
                    added_lines: None,
                    before: Vec::new(),
                };
                let content =
                    read(self.repo.as_ref(), &self.buffers, &item).map(|file| file.content);
                (path, content)
            })
            .collect()
    }

    /// Every `apps.py` of the mode's snapshot (the index, or `HEAD`), read; none in `--all`
    /// and path mode, which know every app they check.
    pub fn apps_files(&self) -> Reads {
        let named = |path: &str| path == "apps.py" || path.ends_with("/apps.py");
        let found: Vec<(String, git2::Oid)> = match (&self.snapshot, &self.context, &self.repo) {
            (Snapshot::Index, Some(context), _) => {
                let index = &context.index;
                index
                    .entries
                    .iter()
                    .filter(|entry| named(index.path(entry)) && is_file_mode(entry.mode))
                    .filter_map(|entry| {
                        let id = git2::Oid::from_bytes(&entry.id).ok()?;
                        Some((index.path(entry).to_string(), id))
                    })
                    .collect()
            }
            (Snapshot::Tree(tree), _, Some(repo)) => repo.tree_files_named(*tree, "apps.py"),
            _ => Vec::new(),
        };
        found
            .into_iter()
            .map(|(path, id)| {
                let item = Item {
                    path: path.clone(),
                    origin: Origin::Blob(id),
                    added_lines: None,
                    before: Vec::new(),
                };
                let content =
                    read(self.repo.as_ref(), &self.buffers, &item).map(|file| file.content);
                (path, content)
            })
            .collect()
    }

    /// The directories the mode's checked and graph files are in: the touched apps.
    pub fn touched_dirs(&self) -> std::collections::BTreeSet<&str> {
        self.items
            .iter()
            .chain(self.graph.iter().flatten())
            .map(|item| item.path.rsplit_once('/').map_or("", |(dir, _)| dir))
            .collect()
    }

    /// Whether the mode checks a change (staged, `--since`) rather than a snapshot.
    pub fn is_change(&self) -> bool {
        self.change
    }

    /// The migrations of `dir` (a migrations folder) in the snapshot being checked: the
    /// planned files there, with their content.
    pub fn migrations_in(&self, dir: &str) -> Reads {
        self.items
            .iter()
            .chain(self.graph.iter().flatten())
            .filter(|item| item.path.rsplit_once('/').map_or("", |(d, _)| d) == dir)
            .map(|item| {
                let content =
                    read(self.repo.as_ref(), &self.buffers, item).map(|file| file.content);
                (item.path.clone(), content)
            })
            .collect()
    }

    /// The migrations of `dir` in each tree the change is measured against (see
    /// `earlier`), one list per tree; empty when the mode checks no change.
    pub fn earlier_migrations_in(
        &self,
        dir: &str,
        pattern: &dyn Pattern,
    ) -> Result<Vec<Files>, Error> {
        let Some(repo) = &self.repo else {
            return Ok(Vec::new());
        };
        self.earlier
            .iter()
            .map(|tree| repo.tree_migrations_in(*tree, dir, pattern))
            .collect()
    }

    /// Whether the change takes something out of the migrations of `dir` that may have
    /// superseded a name: a migration there in an earlier tree (`HEAD`, another parent) is
    /// gone, or a changed one holds fewer operations that rename, remove or delete than it
    /// did. Such a change can bring back a name without writing it.
    pub fn removes_from(&self, dir: &str, pattern: &dyn Pattern) -> bool {
        let Some(repo) = &self.repo else {
            return false;
        };
        let in_dir = |item: &&Item| crate::apps::dir_of(&item.path) == dir;
        let now: std::collections::BTreeSet<&str> = self
            .items
            .iter()
            .chain(self.graph.iter().flatten())
            .filter(in_dir)
            .map(|item| item.path.as_str())
            .collect();
        let gone = self.earlier.iter().any(|tree| {
            repo.tree_migration_paths(*tree, dir, pattern)
                .iter()
                .any(|path| !now.contains(path.as_str()))
        });
        if gone {
            return true;
        }
        const SUPERSEDING: [&[u8]; 6] = [
            b"RenameField",
            b"RemoveField",
            b"DeleteModel",
            b"RenameModel",
            b"AlterField",
            b"SeparateDatabaseAndState",
        ];
        let count = |content: &[u8]| {
            SUPERSEDING
                .iter()
                .map(|word| content.windows(word.len()).filter(|w| w == word).count())
                .sum::<usize>()
        };
        self.items.iter().filter(in_dir).any(|item| {
            let Ok(file) = read(Some(repo), &self.buffers, item) else {
                return true;
            };
            let now = count(&file.content);
            file.before.iter().any(|before| count(before) > now)
        })
    }

    /// The repository the plan reads from, for another plan.
    pub fn into_repo(self) -> Option<Repo> {
        self.repo
    }

    /// The folder on disk that holds the planned files of `dir`, when they come from disk.
    /// Path mode: the folder the shown paths are relative to, from a planned file whose
    /// path on disk ends with its shown path.
    fn disk_root(&self) -> Option<PathBuf> {
        self.items.iter().find_map(|item| match &item.origin {
            Origin::Disk(path) => {
                let absolute = paths::absolute(path);
                let shown = Path::new(&item.path);
                let mut root = absolute.clone();
                for _ in shown.components() {
                    root.pop();
                }
                (root.join(shown) == absolute).then_some(root)
            }
            Origin::Blob(_) => None,
        })
    }

    fn disk_folder(&self, dir: &str) -> Option<&Path> {
        let item = self
            .items
            .iter()
            .find(|item| crate::apps::dir_of(&item.path) == dir)?;
        match &item.origin {
            Origin::Disk(path) => path.parent(),
            Origin::Blob(_) => None,
        }
    }

    /// Path mode: every migration in the folder on disk that holds the planned files of `dir`
    /// (the files named and the others), which together build the app's schema. An error
    /// when the folder cannot be listed or holds a name that cannot be shown as it is: then
    /// the schema is not known.
    pub fn folder_migrations(&self, dir: &str, pattern: &dyn Pattern) -> Result<Reads, Error> {
        let Some(folder) = self.disk_folder(dir) else {
            return Ok(Vec::new());
        };
        let folder = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        };
        let unlisted = |message: String| Error::Walk {
            path: folder.to_path_buf(),
            message,
        };
        let mut out = Vec::new();
        for entry in std::fs::read_dir(folder).map_err(|err| unlisted(err.to_string()))? {
            let entry = entry.map_err(|err| unlisted(err.to_string()))?;
            if !entry.file_type().is_ok_and(|t| t.is_file()) {
                continue;
            }
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                return Err(unlisted("a file name is not UTF-8".to_string()));
            };
            let path = match dir {
                "" => name.to_string(),
                dir => format!("{dir}/{name}"),
            };
            if is_graph_module(pattern, &path) {
                out.push((path, read_disk(&self.buffers, &entry.path())));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// The content of a planned file, read again (for printing a graph finding on a file
    /// whose source was not kept).
    pub fn reread(&self, path: &str) -> Option<Result<Vec<u8>, Error>> {
        let item = self
            .items
            .iter()
            .chain(self.graph.iter().flatten())
            .find(|item| item.path == path)?;
        Some(read(self.repo.as_ref(), &self.buffers, item).map(|file| file.content))
    }

    /// Apply `check` to every file, in plan order. Files from disk are spread over up to
    /// `jobs` threads; blobs are read through the one repository handle, which cannot be
    /// shared between threads (and staged changes are small).
    pub fn map_files<R: Send>(
        &self,
        jobs: usize,
        clock: &FileClock,
        check: impl Fn(&str, Result<SourceFile, Error>) -> R + Sync,
    ) -> Vec<R> {
        let from_disk = self
            .items
            .iter()
            .all(|item| matches!(item.origin, Origin::Disk(_)));
        if !from_disk {
            return self
                .items
                .iter()
                .map(|item| {
                    let file =
                        clock.time(Step::Read, || read(self.repo.as_ref(), &self.buffers, item));
                    check(&item.path, file)
                })
                .collect();
        }
        let items = &self.items;
        let buffers = &self.buffers;
        crate::parallel::map_ordered(items.len(), jobs, |index| {
            let item = &items[index];
            let file = clock.time(Step::Read, || read(None, buffers, item));
            check(&item.path, file)
        })
    }
}

/// The modules of the app at `app` on disk that may hold its `AppConfig` (see
/// [`Plan::app_modules`]), named by `join`.
fn disk_app_modules(
    app: &Path,
    files: &[&str],
    package: &str,
    join: &dyn Fn(&str) -> String,
    found: &mut Vec<(String, Origin)>,
) {
    for name in files {
        let on_disk = app.join(name);
        if on_disk.is_file() {
            found.push((join(name), Origin::Disk(on_disk)));
        }
    }
    if let Ok(entries) = std::fs::read_dir(app.join(package)) {
        let mut modules: Vec<String> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| name.ends_with(".py"))
            .collect();
        modules.sort();
        for name in modules {
            let on_disk = app.join(package).join(&name);
            found.push((join(&format!("{package}/{name}")), Origin::Disk(on_disk)));
        }
    }
}

/// A regular file, executable or not (not a symlink, a submodule or a directory).
fn is_file_mode(mode: u32) -> bool {
    mode == 0o100644 || mode == 0o100755
}

fn read(repo: Option<&Repo>, buffers: &Buffers, item: &Item) -> Result<SourceFile, Error> {
    let content = match (&item.origin, repo) {
        (Origin::Disk(path), _) => read_disk(buffers, path)?,
        (Origin::Blob(id), Some(repo)) => repo.blob(*id, &item.path)?,
        // Plans with blobs are only built with their repository.
        (Origin::Blob(_), None) => {
            return Err(Error::Git {
                context: "reading a staged file",
                message: format!("no repository to read {} from", item.path),
            });
        }
    };
    let before = match repo {
        Some(repo) => item
            .before
            .iter()
            .map(|id| repo.blob(*id, &item.path))
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    Ok(SourceFile {
        path: item.path.clone(),
        content,
        added_lines: item.added_lines.clone(),
        before,
    })
}

/// The content of the file at `path` of the working tree: its buffer, if it has one.
fn read_disk(buffers: &Buffers, path: &Path) -> Result<Vec<u8>, Error> {
    if !buffers.is_empty()
        && let Some(content) = buffers.get(&paths::absolute(path))
    {
        return Ok(content.clone());
    }
    read_regular(path)
}

/// The content of the regular file at `path` (a symlink to one included). Anything else is
/// refused before it is opened, since opening a FIFO blocks until something writes to it;
/// the open file is asked again, in case the path was replaced in between.
fn read_regular(path: &Path) -> Result<Vec<u8>, Error> {
    use std::io::Read;

    let failed = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let regular = |metadata: std::fs::Metadata| {
        let kind = metadata.file_type();
        if kind.is_file() {
            Ok(metadata.len())
        } else {
            Err(Error::NotAFile {
                path: path.to_path_buf(),
                kind: kind_name(kind),
            })
        }
    };
    regular(std::fs::metadata(path).map_err(failed)?)?;
    let mut file = std::fs::File::open(path).map_err(failed)?;
    let len = regular(file.metadata().map_err(failed)?)?;
    let mut content = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.read_to_end(&mut content).map_err(failed)?;
    Ok(content)
}

/// What a file that is not a regular file is, for the message that refuses it.
fn kind_name(kind: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else {
        "neither a file nor a directory"
    }
}

/// `check-migrate PATH...`: files and directories from the working tree.
/// `root` is the repository's working tree, when the paths are in one.
pub fn from_paths(paths: &[PathBuf], pattern: &dyn Pattern, root: Option<&Path>) -> Plan {
    paths::plan(paths, pattern, root)
}

/// The model files named among `paths`, read from the working tree.
pub fn model_paths(paths: &[PathBuf], root: Option<&Path>) -> Plan {
    paths::models(paths, root)
}

/// `check-migrate`: migration files staged in the index.
/// `exhaustive` reads the index through libgit2 and diffs every tree, for comparing with the
/// fast path.
pub fn staged(repo: Repo, pattern: &dyn Pattern, exhaustive: bool) -> Result<Plan, Error> {
    repo.staged(pattern, exhaustive)
}

/// `check-migrate --all`: every tracked migration and untracked ones git does not ignore.
pub fn all(repo: Repo, pattern: &dyn Pattern, exhaustive: bool) -> Result<Plan, Error> {
    repo.all(pattern, exhaustive)
}

/// Files a hook manager named (`--hook`), checked whole from the working tree as `--all`
/// checks them, with the other migrations of their folders read for the graph: `given` are
/// shown paths, relative to the root.
pub fn files(
    repo: Repo,
    given: &std::collections::BTreeSet<String>,
    pattern: &dyn Pattern,
    exhaustive: bool,
) -> Result<Plan, Error> {
    let mut plan = repo.all(pattern, exhaustive)?;
    let dir = |item: &Item| crate::apps::dir_of(&item.path).to_string();
    let (items, rest): (Vec<Item>, Vec<Item>) = std::mem::take(&mut plan.items)
        .into_iter()
        .partition(|item| given.contains(&item.path));
    // The folders of the files named, found or not (a buffer not saved yet has its app).
    let dirs: std::collections::BTreeSet<String> = given
        .iter()
        .map(|path| crate::apps::dir_of(path).to_string())
        .collect();
    let mut graph = plan.graph.take().unwrap_or_default();
    graph.extend(rest);
    graph.retain(|item| dirs.contains(&dir(item)));
    graph.sort_by(|a, b| a.path.cmp(&b.path));
    plan.items = items;
    plan.graph = Some(graph);
    Ok(plan)
}

/// `check-migrate --since REV [--until TIP]`: migrations changed between the merge base of
/// REV and `HEAD` (or TIP).
pub fn since(
    repo: Repo,
    rev: &str,
    until: Option<&str>,
    pattern: &dyn Pattern,
) -> Result<Plan, Error> {
    repo.since(rev, until, pattern)
}

/// `path` made absolute against the working directory, `.` and `..` resolved lexically: the
/// key of its [`Buffers`] entry.
pub fn absolute_path(path: &Path) -> PathBuf {
    paths::absolute(path)
}

/// The working tree root of `repo`, absolute: paths are shown relative to it in every mode,
/// and config files are looked for up to it.
pub fn repository_root(repo: &Repo) -> Option<PathBuf> {
    repo.workdir().map(|dir| paths::absolute(&dir))
}
