//! The baseline: today's findings written to a file meant to be committed, so a team can adopt
//! the check on a repository with years of migrations and only new findings are reported.
//!
//! An entry is keyed by path, model, name and rule — never by line or column, so edits around
//! a finding do not invalidate it. The same key may appear several times: each entry absorbs
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
    pub model: Option<String>,
    /// The wrong name (`null` for a syntax error).
    pub name: Option<String>,
    pub rule: String,
}

impl Entry {
    fn of(path: &str, finding: &Finding) -> Entry {
        Entry {
            path: path.to_string(),
            model: finding.model.clone(),
            name: finding.name.clone(),
            rule: finding.rule.id().to_string(),
        }
    }
}

/// What makes a name the same name of the same app wherever its file is: the migrations
/// folder, the model (without case, as Django compares it), the name and the rule. Findings
/// without a name (a syntax error) have none: they belong to their file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct AppKey {
    dir: String,
    model: Option<String>,
    name: String,
    rule: String,
}

impl AppKey {
    fn of(entry: &Entry) -> Option<AppKey> {
        Some(AppKey {
            dir: entry
                .path
                .rsplit_once('/')
                .map_or("", |(dir, _)| dir)
                .to_string(),
            model: entry.model.as_ref().map(|m| m.to_lowercase()),
            name: entry.name.clone()?,
            rule: entry.rule.clone(),
        })
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
            .map(|(file, finding)| Entry::of(&file.path, finding))
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
    /// model, name and rule anywhere in the same migrations folder: the name is the app's,
    /// wherever a squash, a regenerated migration or a renamed file puts it now.
    pub fn apply(&self, report: &mut Report) -> Vec<Entry> {
        let mut remaining: BTreeMap<&Entry, usize> = BTreeMap::new();
        for entry in &self.entries {
            *remaining.entry(entry).or_default() += 1;
        }
        let mut unmatched: Vec<(usize, usize)> = Vec::new();
        for (f, file) in report.files.iter().enumerate() {
            for (i, finding) in file.findings.iter().enumerate() {
                let key = Entry::of(&file.path, finding);
                match remaining.get_mut(&key) {
                    Some(count) if *count > 0 => *count -= 1,
                    _ => unmatched.push((f, i)),
                }
            }
        }
        let mut by_app: BTreeMap<AppKey, usize> = BTreeMap::new();
        for (entry, count) in &remaining {
            if *count > 0
                && let Some(key) = AppKey::of(entry)
            {
                *by_app.entry(key).or_default() += count;
            }
        }
        let mut keep: std::collections::HashSet<(usize, usize)> =
            unmatched.iter().copied().collect();
        for &(f, i) in &unmatched {
            let file = &report.files[f];
            let Some(key) = AppKey::of(&Entry::of(&file.path, &file.findings[i])) else {
                continue;
            };
            if let Some(count) = by_app.get_mut(&key)
                && *count > 0
            {
                *count -= 1;
                keep.remove(&(f, i));
                // The entry it took is no longer stale.
                if let Some((_, left)) = remaining
                    .iter_mut()
                    .find(|(entry, left)| **left > 0 && AppKey::of(entry).as_ref() == Some(&key))
                {
                    *left -= 1;
                }
            }
        }
        for (f, file) in report.files.iter_mut().enumerate() {
            let mut i = 0;
            file.findings.retain(|_| {
                let kept = keep.contains(&(f, i));
                i += 1;
                kept
            });
        }
        report.files.retain(|file| !file.findings.is_empty());
        remaining
            .into_iter()
            .flat_map(|(entry, count)| std::iter::repeat_n(entry.clone(), count))
            .collect()
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
