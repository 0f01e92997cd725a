//! The baseline: today's findings written to a file meant to be committed, so a team can adopt
//! the check on a repository with years of migrations and only new findings are reported.
//!
//! An entry is keyed by path, app label, model, name and rule — never by line or column, so
//! edits around a finding do not invalidate it, and a squash or a moved file keeps it valid. The same key may appear several times: each entry absorbs
//! one finding.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::check::Finding;
use crate::report::Report;

const VERSION: u32 = 1;

/// The default file name, at the repository root.
pub const DEFAULT_FILE: &str = ".check-migrate-baseline.json";

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    /// The app label of the file's migrations folder, when it was known for sure (entries
    /// written before labels were recorded have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    pub model: Option<String>,
    /// The wrong name (`null` for a syntax error).
    pub name: Option<String>,
    pub rule: String,
}

impl Entry {
    fn of(path: &str, finding: &Finding, labels: &BTreeMap<String, String>) -> Entry {
        Entry {
            path: path.to_string(),
            app: labels.get(dir_of(path)).cloned(),
            model: finding.model.clone(),
            name: finding.name.clone(),
            rule: finding.rule.id().to_string(),
        }
    }
}

/// The folder of a `/`-separated path.
fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// What an entry and a finding are matched by, from the closest to the loosest: the same
/// file; the same app by label, wherever its folder is now; the same migrations folder (for
/// entries without a label). The model compares without case, as Django compares it, where
/// the file is not the same. Findings without a name (a syntax error) belong to their file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    File {
        path: String,
        model: Option<String>,
        name: Option<String>,
        rule: String,
    },
    App {
        label: String,
        model: Option<String>,
        name: String,
        rule: String,
    },
    Folder {
        dir: String,
        model: Option<String>,
        name: String,
        rule: String,
    },
}

/// The matching stages, in order.
#[derive(Debug, Clone, Copy)]
enum Stage {
    File,
    App,
    Folder,
}

impl Key {
    /// The key of a finding or entry of file `path` in app `app`, at `stage`.
    fn at(
        stage: Stage,
        path: &str,
        app: Option<&str>,
        model: Option<&str>,
        name: Option<&str>,
        rule: &str,
    ) -> Option<Key> {
        let model_key = || model.map(str::to_lowercase);
        Some(match stage {
            Stage::File => Key::File {
                path: path.to_string(),
                model: model.map(str::to_string),
                name: name.map(str::to_string),
                rule: rule.to_string(),
            },
            Stage::App => Key::App {
                label: app?.to_string(),
                model: model_key(),
                name: name?.to_string(),
                rule: rule.to_string(),
            },
            Stage::Folder => Key::Folder {
                dir: dir_of(path).to_string(),
                model: model_key(),
                name: name?.to_string(),
                rule: rule.to_string(),
            },
        })
    }

    fn of_entry(stage: Stage, entry: &Entry) -> Option<Key> {
        let (model, name) = (entry.model.as_deref(), entry.name.as_deref());
        Key::at(
            stage,
            &entry.path,
            entry.app.as_deref(),
            model,
            name,
            &entry.rule,
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read baseline {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("baseline {} is not a check-migrate baseline: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error(
        "refusing to overwrite {}: it is not a check-migrate baseline ({why}); name another file, or pass --force to replace it",
        path.display()
    )]
    NotABaseline { path: PathBuf, why: String },
    #[error(
        "--write-baseline needs --all or paths: a baseline written from {mode} would hold only the findings on the lines it adds"
    )]
    PartialRun { mode: &'static str },
    #[error("cannot write baseline {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A loaded baseline.
#[derive(Debug, Default)]
pub struct Baseline {
    entries: Vec<Entry>,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let file: File = serde_json::from_str(&text).map_err(|err| BaselineError::Invalid {
            path: path.to_path_buf(),
            message: err.to_string(),
        })?;
        if file.version != VERSION {
            return Err(BaselineError::Invalid {
                path: path.to_path_buf(),
                message: format!(
                    "version {} is not supported (expected {VERSION})",
                    file.version
                ),
            });
        }
        Ok(Baseline {
            entries: file.findings,
        })
    }

    /// Write to `path` the findings of the files `keep` accepts (by path), in a stable order,
    /// plus the entries the file already holds that `retain` accepts; returns how many
    /// findings came from the report. A file that is there and is not a baseline is not
    /// overwritten unless `force`. The text goes to a temporary file beside `path` that is
    /// then renamed over it, so an interrupted write leaves the old file whole.
    pub fn write_where(
        path: &Path,
        report: &Report,
        keep: impl Fn(&str) -> bool,
        retain: impl Fn(&Entry) -> bool,
        force: bool,
    ) -> Result<usize, BaselineError> {
        let existing = match Baseline::load(path) {
            Ok(old) => old.entries,
            Err(BaselineError::Read { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound
                    && std::fs::symlink_metadata(path).is_err() =>
            {
                Vec::new()
            }
            Err(_) if force => Vec::new(),
            Err(err) => {
                return Err(BaselineError::NotABaseline {
                    path: path.to_path_buf(),
                    why: err.to_string(),
                });
            }
        };
        let mut findings: Vec<Entry> = report
            .findings()
            .filter(|(file, _)| keep(&file.path))
            .map(|(file, finding)| Entry::of(&file.path, finding, &report.labels))
            .collect();
        let count = findings.len();
        findings.extend(existing.into_iter().filter(|entry| retain(entry)));
        findings.sort();
        let file = File {
            version: VERSION,
            findings,
        };
        let mut text =
            serde_json::to_string_pretty(&file).map_err(|err| BaselineError::Invalid {
                path: path.to_path_buf(),
                message: err.to_string(),
            })?;
        text.push('\n');
        replace_file(path, text.as_bytes()).map_err(|source| BaselineError::Write {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(count)
    }

    /// List entries that matched nothing, so the file can be pruned.
    pub fn print_stale(out: &mut impl std::io::Write, stale: &[Entry]) -> std::io::Result<()> {
        writeln!(
            out,
            "note: {} baseline entr{} no longer match anything; prune with `check-migrate --all --write-baseline`:",
            stale.len(),
            if stale.len() == 1 { "y" } else { "ies" }
        )?;
        for entry in stale {
            let model = entry
                .model
                .as_deref()
                .map(|m| format!("{m}."))
                .unwrap_or_default();
            let name = entry.name.as_deref().unwrap_or("<no name>");
            writeln!(out, "  {} {model}{name} [{}]", entry.path, entry.rule)?;
        }
        Ok(())
    }

    /// Drop the findings the baseline accepts from `report`; returns the entries that
    /// matched nothing (stale, to be pruned).
    ///
    /// An entry accepts a finding of its own file first; failing that, a finding of the same
    /// model, name and rule anywhere in the same app (by its label), then anywhere in the same
    /// migrations folder: the name is the app's, wherever a squash, a regenerated migration,
    /// a renamed file or a moved app puts it now. Each entry accepts one finding.
    pub fn apply(&self, report: &mut Report) -> Vec<Entry> {
        let mut free = vec![true; self.entries.len()];
        let mut accepted: std::collections::HashSet<(usize, usize)> = Default::default();
        for stage in [Stage::File, Stage::App, Stage::Folder] {
            let mut pool: std::collections::HashMap<Key, Vec<usize>> = Default::default();
            for (index, entry) in self.entries.iter().enumerate().rev() {
                if free[index]
                    && let Some(key) = Key::of_entry(stage, entry)
                {
                    pool.entry(key).or_default().push(index);
                }
            }
            if pool.is_empty() {
                continue;
            }
            for (f, file) in report.files.iter().enumerate() {
                let app = report.labels.get(dir_of(&file.path)).map(String::as_str);
                for (i, finding) in file.findings.iter().enumerate() {
                    if accepted.contains(&(f, i)) {
                        continue;
                    }
                    let key = Key::at(
                        stage,
                        &file.path,
                        app,
                        finding.model.as_deref(),
                        finding.name.as_deref(),
                        finding.rule.id(),
                    );
                    if let Some(index) = key.and_then(|key| pool.get_mut(&key)?.pop()) {
                        free[index] = false;
                        accepted.insert((f, i));
                    }
                }
            }
        }
        for (f, file) in report.files.iter_mut().enumerate() {
            let mut i = 0;
            file.findings.retain(|_| {
                let kept = !accepted.contains(&(f, i));
                i += 1;
                kept
            });
        }
        report.files.retain(|file| !file.findings.is_empty());
        let mut stale: Vec<Entry> = self
            .entries
            .iter()
            .zip(free)
            .filter(|(_, free)| *free)
            .map(|(entry, _)| entry.clone())
            .collect();
        stale.sort();
        stale
    }
}

/// Write `bytes` to a temporary file in `path`'s directory and rename it over `path`: readers
/// see the old file or the new one, never a part.
fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let name = path.file_name().map_or_else(
        || std::ffi::OsString::from("baseline"),
        std::ffi::OsStr::to_os_string,
    );
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(&name);
    temp_name.push(format!(".{}.tmp", std::process::id()));
    let temp = path.with_file_name(temp_name);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&temp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}
