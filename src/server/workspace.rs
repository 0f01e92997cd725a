//! The project as the server sees it: its configs, libraries and baselines, read the way the
//! command line reads them and read again when one of their files changes; and the check of
//! one document, with the open buffers standing in for their files.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use crate::baseline::Baseline;
use crate::check::{Finding, Rule};
use crate::config::{self, Project};
use crate::library::Library;
use crate::report::Report;
use crate::source::{self, Buffers, Pattern, Repo};
use crate::{Mode, RunOptions};

/// A file to edit (absolute), its content, and the edits, in order.
pub type FileEdits = (PathBuf, Vec<u8>, Vec<crate::fix::Edit>);

/// The configs of the workspace, ready to check with.
struct Loaded {
    project: Project,
    libraries: Vec<Arc<Library>>,
    baselines: Vec<(PathBuf, Baseline)>,
}

pub struct Workspace {
    /// The repository's working tree root, else the workspace folder.
    pub root: PathBuf,
    loaded: Result<Loaded, String>,
    /// What the loaded settings were read from, and when each last changed.
    stamps: Vec<(PathBuf, Option<(SystemTime, u64)>)>,
    /// Lines about the libraries worth showing once (notes, warnings).
    pub warnings: Vec<String>,
}

/// What a check of one document found.
#[derive(Debug, Default)]
pub struct Checked {
    /// The run's findings (the document's among them), baselined ones taken out.
    pub report: Report,
    /// The document's path as findings name it.
    pub shown: Option<String>,
    /// Problems of the run, one line each.
    pub errors: Vec<String>,
}

impl Checked {
    /// The document's checked file, when it has findings.
    pub fn file(&self) -> Option<&crate::check::CheckedFile> {
        let shown = self.shown.as_deref()?;
        self.report.files.iter().find(|file| file.path == shown)
    }
}

impl Workspace {
    /// The workspace at `folder`: the repository around it, if any, and its configs.
    pub fn open(folder: &Path) -> Workspace {
        let root = Repo::open("the language server")
            .ok()
            .and_then(|repo| source::repository_root(&repo))
            .unwrap_or_else(|| source::absolute_path(folder));
        // Configs name their files, and checks show their paths, from the root, as the
        // command line does when run there.
        let _ = std::env::set_current_dir(&root);
        let mut workspace = Workspace {
            root,
            loaded: Err(String::new()),
            stamps: Vec::new(),
            warnings: Vec::new(),
        };
        workspace.reload();
        workspace
    }

    /// Read the configs again.
    pub fn reload(&mut self) {
        let mut warnings = Vec::new();
        self.loaded = load(&self.root, &mut warnings).map_err(|err| err.to_string());
        self.warnings = warnings;
        self.stamps = self
            .watched()
            .into_iter()
            .map(|p| (p.clone(), stamp(&p)))
            .collect();
    }

    /// Read the configs again if a file they came from (or a config that may now shadow
    /// them) changed since they were read. Editors that do not report file changes are
    /// served by this look before each check.
    pub fn reload_if_changed(&mut self) -> bool {
        // Unusable: what it came from is not known, so it is read again each time.
        if self.loaded.is_err() {
            self.reload();
            return true;
        }
        let watched = self.watched();
        let same = watched.len() == self.stamps.len()
            && self
                .stamps
                .iter()
                .zip(&watched)
                .all(|((path, when), now)| path == now && *when == stamp(now));
        if !same {
            self.reload();
        }
        !same
    }

    /// The error that keeps the configs from being used, if any.
    pub fn config_error(&self) -> Option<&str> {
        self.loaded.as_ref().err().map(String::as_str)
    }

    /// The files the settings depend on: the root's config files, each config read, and its
    /// libraries and baseline.
    fn watched(&self) -> Vec<PathBuf> {
        let mut paths = vec![
            self.root.join(config::FILE_NAME),
            self.root.join("pyproject.toml"),
        ];
        if let Ok(loaded) = &self.loaded {
            for scope in loaded.project.scopes() {
                let settings = &scope.settings;
                paths.extend(settings.origin.iter().cloned());
                paths.extend(settings.library.iter().cloned());
                paths.extend(settings.extend_library.iter().cloned());
                paths.extend(settings.baseline.iter().cloned());
            }
        }
        paths.sort();
        paths.dedup();
        paths
    }

    /// The document at `path` (absolute), checked with `buffers` standing in for their
    /// files: what `check-migrate --hook PATH` reports for a migration (the whole file, and
    /// the migration graph of its app), what `check-migrate PATH` reports for a model file.
    pub fn check(&self, path: &Path, buffers: &Buffers) -> Checked {
        let loaded = match &self.loaded {
            Ok(loaded) => loaded,
            Err(err) => {
                return Checked {
                    errors: vec![err.clone()],
                    ..Checked::default()
                };
            }
        };
        let repo = Repo::open("the language server");
        let shown = path
            .strip_prefix(&self.root)
            .ok()
            .map(|relative| relative.to_string_lossy().replace('\\', "/"));
        let pattern: &dyn Pattern = &loaded.project;
        let migration = shown.as_deref().is_some_and(|shown| pattern.matches(shown));
        // Excluded by its config: no diagnostics, as for the hook.
        if let Some(shown) = shown.as_deref()
            && loaded.project.for_path(shown).pattern.excludes(shown)
        {
            return Checked {
                shown: Some(shown.to_string()),
                ..Checked::default()
            };
        }
        // Named from the root (the working directory), findings name it as `shown`.
        let named = shown
            .as_deref()
            .map_or_else(|| path.to_path_buf(), PathBuf::from);
        let mode = if repo.is_ok() && migration {
            Mode::Files(vec![named])
        } else {
            Mode::Paths(vec![named])
        };
        let options = RunOptions {
            project: &loaded.project,
            libraries: &loaded.libraries,
            prefilter: true,
            jobs: std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
            history: false,
            buffers,
        };
        let outcome = match crate::run(&mode, options, repo) {
            Ok(outcome) => outcome,
            Err(err) => {
                return Checked {
                    errors: vec![err.to_string()],
                    ..Checked::default()
                };
            }
        };
        let mut report = outcome.report;
        for (_, baseline) in &loaded.baselines {
            baseline.apply(&mut report);
        }
        let shown = shown.or_else(|| Some(path.to_string_lossy().replace('\\', "/")));
        Checked {
            report,
            shown,
            errors: outcome.errors.iter().map(ToString::to_string).collect(),
        }
    }

    /// The edits of the `--fix` rename of `finding` of the document, by file (absolute),
    /// when the command line would make them: a name with one suggestion, introduced by a
    /// migration not in `HEAD` (or declared in the model file itself), whose every place can
    /// be renamed. `None` otherwise, and for a name a committed migration introduced (that
    /// wants a `RenameField` migration, which `--fix` prints).
    pub fn rename(
        &self,
        checked: &Checked,
        finding: &Finding,
        buffers: &Buffers,
    ) -> Option<Vec<FileEdits>> {
        if !matches!(finding.rule, Rule::FieldName | Rule::DbColumn) {
            return None;
        }
        let file = checked.file()?;
        let repo = Repo::open("the language server").ok()?;
        let mut one = file.clone();
        one.findings = vec![finding.clone()];
        let report = Report {
            files: vec![one],
            labels: checked.report.labels.clone(),
            ..Report::default()
        };
        let plan = crate::fix::plan(&report, &repo, &self.root, buffers);
        if plan.edits.is_empty()
            || !plan.renames.is_empty()
            || !plan.follow_up.is_empty()
            || !plan.skipped.is_empty()
        {
            return None;
        }
        let mut by_file: std::collections::BTreeMap<String, Vec<crate::fix::Edit>> =
            Default::default();
        for edit in plan.edits {
            by_file.entry(edit.path.clone()).or_default().push(edit);
        }
        let mut out = Vec::new();
        for (path, mut edits) in by_file {
            let on_disk = self.root.join(&path);
            let content = crate::fix::read(buffers, &on_disk)?;
            // The file must hold the names where they were found, or nothing is offered.
            crate::fix::apply(&content, &edits.iter().collect::<Vec<_>>())?;
            edits.sort_by_key(|e| e.span.start);
            edits.dedup_by(|a, b| a.span == b.span);
            out.push((on_disk, content, edits));
        }
        Some(out)
    }
}

/// The configs of the workspace at `root`, as the command line finds them from there.
fn load(root: &Path, warnings: &mut Vec<String>) -> Result<Loaded, crate::error::Error> {
    let project = match Repo::open("the language server") {
        Ok(repo) => {
            let tracked = repo.tracked_named(&[config::FILE_NAME, "pyproject.toml"]);
            Project::discover(root, root, &tracked, |_| {})?
        }
        Err(_) => Project::single(config::discover(root, None)?),
    };
    let libraries = crate::scope_libraries(&project, &mut |line| warnings.push(line))?;
    let baselines = crate::load_baselines(&project)?;
    Ok(Loaded {
        project,
        libraries,
        baselines,
    })
}

fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}
