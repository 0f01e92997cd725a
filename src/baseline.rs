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
    pub fn apply(&self, report: &mut Report) -> Vec<Entry> {
        let mut remaining: BTreeMap<&Entry, usize> = BTreeMap::new();
        for entry in &self.entries {
            *remaining.entry(entry).or_default() += 1;
        }
        for file in &mut report.files {
            let path = file.path.clone();
            file.findings.retain(|finding| {
                let key = Entry::of(&path, finding);
                match remaining.get_mut(&key) {
                    Some(count) if *count > 0 => {
                        *count -= 1;
                        false
                    }
                    _ => true,
                }
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
