//! `check-migrate init`: which built-in conventions a project already follows, judged on the
//! names its schema has, and the config that says so.
//!
//! The census counts each name of every convention (correct or wrong, every direction) among
//! the fields of the current schema, by running the `--all` check with a library that marks
//! exactly those names wrong. A convention is followed when its correct names are used more
//! than its wrong ones; of a family's directions, the one with most correct names wins. A row
//! of a followed convention whose wrong names the project uses more than its correct one is the
//! project's own habit: those names go to `allow`, so the first commit after `init` blocks
//! nothing the team does on purpose.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::check::{Finding, Rule};
use crate::library::{CONVENTIONS, Convention, Library};

/// The fewest fields whose names show a project follows a convention: one field is a name,
/// not a convention, and a convention switched on blocks every commit that strays from it.
pub const MIN_FIELDS: usize = 3;

/// The library the census runs with: every name of every convention, marked wrong.
pub fn census_library() -> Library {
    let mut names: Vec<String> = CONVENTIONS
        .iter()
        .flat_map(|c| c.rows())
        .flat_map(|(correct, wrong)| std::iter::once(correct).chain(wrong))
        .collect();
    names.sort();
    names.dedup();
    let csv = format!(
        "correct_name,description,wrong_names\ncensus_of_names,,\"{}\"\n",
        names.join(",")
    );
    let mut library = Library::empty();
    library.add_csv("<census>", csv.as_bytes());
    library
}

/// How many fields of the schema carry each name.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Census {
    pub counts: BTreeMap<String, usize>,
}

impl Census {
    /// Count the field names among the census run's findings.
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Census {
        let mut counts = BTreeMap::new();
        for finding in findings {
            if finding.rule != Rule::FieldName {
                continue;
            }
            if let Some(name) = &finding.name {
                *counts.entry(name.clone()).or_insert(0) += 1;
            }
        }
        Census { counts }
    }

    fn count(&self, name: &str) -> usize {
        self.counts.get(name).copied().unwrap_or(0)
    }
}

/// How a project uses one row of a convention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowUse {
    pub correct: String,
    pub correct_uses: usize,
    /// The wrong names it uses, with their counts.
    pub wrong: Vec<(String, usize)>,
}

impl RowUse {
    pub fn wrong_uses(&self) -> usize {
        self.wrong.iter().map(|(_, n)| n).sum()
    }
}

/// How a project uses one convention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConventionUse {
    pub convention: &'static Convention,
    /// Rows the project uses a name of.
    pub rows: Vec<RowUse>,
    pub on: bool,
}

impl ConventionUse {
    pub fn correct_uses(&self) -> usize {
        self.rows.iter().map(|r| r.correct_uses).sum()
    }

    pub fn wrong_uses(&self) -> usize {
        self.rows.iter().map(RowUse::wrong_uses).sum()
    }

    /// Followed: its correct names are used, by a few fields at least, and more than its
    /// wrong ones.
    fn followed(&self) -> bool {
        self.correct_uses() >= MIN_FIELDS && self.correct_uses() > self.wrong_uses()
    }
}

/// What `init` chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub uses: Vec<ConventionUse>,
    /// Wrong names of a followed convention the project uses more than the correct one.
    pub allow: Vec<String>,
}

impl Choice {
    pub fn conventions(&self) -> Vec<&'static Convention> {
        self.uses
            .iter()
            .filter(|u| u.on)
            .map(|u| u.convention)
            .collect()
    }
}

/// Choose the conventions `census` shows the project follows.
pub fn choose(census: &Census) -> Choice {
    let mut uses: Vec<ConventionUse> = CONVENTIONS
        .iter()
        .map(|convention| {
            let rows = convention
                .rows()
                .into_iter()
                .map(|(correct, wrong)| RowUse {
                    correct_uses: census.count(&correct),
                    correct,
                    wrong: wrong
                        .into_iter()
                        .map(|w| (census.count(&w), w))
                        .filter(|(n, _)| *n > 0)
                        .map(|(n, w)| (w, n))
                        .collect(),
                })
                .filter(|row| row.correct_uses > 0 || !row.wrong.is_empty())
                .collect();
            ConventionUse {
                convention,
                rows,
                on: false,
            }
        })
        .collect();
    let mut families: Vec<&str> = CONVENTIONS.iter().map(|c| c.family).collect();
    families.dedup();
    for family in families {
        // Most correct names wins; the first listed on a tie.
        let best = uses
            .iter()
            .enumerate()
            .filter(|(_, u)| u.convention.family == family && u.followed())
            .fold(None::<(usize, usize)>, |best, (i, u)| match best {
                Some((_, n)) if n >= u.correct_uses() => best,
                _ => Some((i, u.correct_uses())),
            });
        if let Some((i, _)) = best {
            uses[i].on = true;
        }
    }
    let mut allow: Vec<String> = uses
        .iter()
        .filter(|u| u.on)
        .flat_map(|u| &u.rows)
        .filter(|row| row.wrong_uses() > row.correct_uses)
        .flat_map(|row| row.wrong.iter().map(|(w, _)| w.clone()))
        .collect();
    allow.sort();
    allow.dedup();
    Choice { uses, allow }
}

/// The lines `init` prints: each convention the project uses a name of, on or off, with the
/// counts per row that decided it.
pub fn explain(choice: &Choice) -> String {
    let mut out = String::new();
    for used in choice.uses.iter().filter(|u| !u.rows.is_empty()) {
        let verdict = if used.on { "on " } else { "off" };
        let _ = writeln!(
            out,
            "{verdict} {:<16} {} field(s) use its correct names, {} its wrong ones",
            used.convention.name,
            used.correct_uses(),
            used.wrong_uses()
        );
        for row in &used.rows {
            let wrong: Vec<String> = row.wrong.iter().map(|(w, n)| format!("{w} {n}")).collect();
            let wrong = if wrong.is_empty() {
                "none".to_string()
            } else {
                wrong.join(", ")
            };
            let mark = if used.on && row.wrong_uses() > row.correct_uses {
                "   (allowed: the project's own habit)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "      {:<16} {:>4}   instead: {wrong}{mark}",
                row.correct, row.correct_uses
            );
        }
    }
    if out.is_empty() {
        out.push_str("no field uses a name of a built-in convention: none is switched on\n");
    }
    out
}

/// The config `init` writes: keys at the top level of `.check-migrate.toml`, or of the
/// `[tool.check-migrate]` table when `table` is given.
pub fn config_text(
    choice: &Choice,
    labels: &BTreeMap<String, String>,
    baseline: &str,
    table: Option<&str>,
) -> String {
    let quoted = |names: &[&str]| {
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = String::new();
    // In a pyproject.toml the comments go inside the table, so that replacing it takes them.
    if let Some(table) = table {
        let _ = writeln!(out, "[{table}]");
    }
    out.push_str(
        "# Written by `check-migrate init` from the names this project's schema uses;\n\
         # `check-migrate conventions` lists what each convention holds.\n",
    );
    let on: Vec<&str> = choice.conventions().iter().map(|c| c.name).collect();
    let _ = writeln!(out, "conventions = [{}]", quoted(&on));
    if !choice.allow.is_empty() {
        let allow: Vec<&str> = choice.allow.iter().map(String::as_str).collect();
        out.push_str("# Used more than the convention's own name here: the project's habit.\n");
        let _ = writeln!(out, "allow = [{}]", quoted(&allow));
    }
    out.push_str("# Today's findings; new ones are reported.\n");
    let _ = writeln!(out, "baseline = \"{baseline}\"");
    if !labels.is_empty() {
        let header = match table {
            Some(table) => format!("{table}.app-labels"),
            None => "app-labels".to_string(),
        };
        let _ = writeln!(
            out,
            "\n# Apps whose label is not their folder's name.\n[{header}]"
        );
        for (dir, label) in labels {
            let _ = writeln!(out, "\"{dir}\" = \"{label}\"");
        }
    }
    out
}

/// The labels worth writing: apps (by directory) whose label is not their folder's name,
/// from the migrations folders whose label is known for sure.
pub fn distinct_labels(known: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    known
        .iter()
        .filter_map(|(migrations, label)| {
            let app = crate::check::app_dir(migrations);
            let folder = app.rsplit('/').next().unwrap_or(app);
            (!app.is_empty() && folder != label).then(|| (app.to_string(), label.clone()))
        })
        .collect()
}

/// `text` (a `pyproject.toml`) without its `[tool.check-migrate]` tables, when they can be cut
/// out by lines and everything else reads the same afterwards; `None` otherwise.
pub fn without_table(text: &str) -> Option<String> {
    let ours = |line: &str| {
        let header = line.trim_start();
        header.starts_with("[tool.check-migrate]") || header.starts_with("[tool.check-migrate.")
    };
    let mut kept = String::new();
    let mut inside = false;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with('[') {
            inside = ours(line);
        }
        if !inside {
            kept.push_str(line);
        }
    }
    let before: toml::Table = toml::from_str(text).ok()?;
    let after: toml::Table = toml::from_str(&kept).ok()?;
    let mut expected = before;
    if let Some(toml::Value::Table(tool)) = expected.get_mut("tool") {
        tool.remove("check-migrate");
        if tool.is_empty() {
            expected.remove("tool");
        }
    }
    (expected == after).then_some(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn census(pairs: &[(&str, usize)]) -> Census {
        Census {
            counts: pairs.iter().map(|(n, c)| (n.to_string(), *c)).collect(),
        }
    }

    fn on(choice: &Choice) -> Vec<&'static str> {
        choice.conventions().iter().map(|c| c.name).collect()
    }

    #[test]
    fn the_direction_a_project_follows_is_chosen() {
        let at = choose(&census(&[
            ("created_at", 40),
            ("updated_at", 38),
            ("create_time", 3),
        ]));
        assert_eq!(on(&at), ["timestamps-at"]);
        assert!(at.allow.is_empty());
        let time = choose(&census(&[
            ("create_time", 50),
            ("update_time", 50),
            ("updated_at", 2),
        ]));
        assert_eq!(on(&time), ["timestamps-time"]);
        let bare = choose(&census(&[
            ("created", 30),
            ("modified", 30),
            ("create_time", 1),
        ]));
        assert_eq!(on(&bare), ["timestamps-bare"]);
        let booleans = choose(&census(&[
            ("enabled", 9),
            ("is_enabled", 1),
            ("deleted", 4),
        ]));
        assert_eq!(on(&booleans), ["booleans-bare"]);
        assert_eq!(on(&choose(&census(&[]))), Vec::<&str>::new());
    }

    #[test]
    fn a_mixed_project_follows_nothing_and_a_row_of_its_own_is_allowed() {
        let mixed = choose(&census(&[("created_at", 5), ("create_time", 5)]));
        assert_eq!(on(&mixed), ["timestamps-time"], "5 to 0 in that direction");
        let thin = choose(&census(&[("is_enabled", 2)]));
        assert_eq!(
            on(&thin),
            Vec::<&str>::new(),
            "two fields are no convention"
        );
        let habit = choose(&census(&[
            ("created_at", 40),
            ("updated_at", 40),
            ("start_time", 9),
            ("started_at", 1),
        ]));
        assert_eq!(on(&habit), ["timestamps-at"]);
        assert_eq!(habit.allow, ["start_time"]);
        let text = explain(&habit);
        assert!(text.contains("on  timestamps-at"), "{text}");
        assert!(text.contains("start_time 9   (allowed"), "{text}");
    }

    #[test]
    fn the_config_reads_back() {
        let choice = choose(&census(&[
            ("created_at", 4),
            ("is_enabled", 3),
            ("enabled", 1),
        ]));
        let labels = BTreeMap::from([("apps/shop".to_string(), "store".to_string())]);
        let text = config_text(&choice, &labels, ".check-migrate-baseline.json", None);
        let table: toml::Table = toml::from_str(&text).expect("valid TOML");
        assert_eq!(
            table["conventions"].as_array().map(Vec::len),
            Some(2),
            "{text}"
        );
        assert_eq!(table["app-labels"]["apps/shop"].as_str(), Some("store"));
        let text = config_text(&choice, &labels, "b.json", Some("tool.check-migrate"));
        let table: toml::Table = toml::from_str(&text).expect("valid TOML");
        assert_eq!(
            table["tool"]["check-migrate"]["app-labels"]["apps/shop"].as_str(),
            Some("store")
        );
    }

    #[test]
    fn only_labels_unlike_their_folder_are_written() {
        let known = BTreeMap::from([
            ("blog/migrations".to_string(), "blog".to_string()),
            ("apps/shop/migrations".to_string(), "store".to_string()),
        ]);
        let labels = distinct_labels(&known);
        assert_eq!(
            labels,
            BTreeMap::from([("apps/shop".to_string(), "store".to_string())])
        );
    }

    #[test]
    fn our_table_is_cut_out_of_a_pyproject_and_nothing_else() {
        let text = "[project]\nname = \"x\"\n\n[tool.check-migrate]\nallow = [\"a\"]\n\n[tool.check-migrate.severity]\nfield-name = \"off\"\n\n[tool.ruff]\nline-length = 100\n";
        let kept = without_table(text).expect("cut");
        assert_eq!(
            kept,
            "[project]\nname = \"x\"\n\n[tool.ruff]\nline-length = 100\n"
        );
        // A multi-line string that holds a header-like line: cutting by lines would change it.
        let tricky = "[tool.check-migrate]\nallow = []\n[project]\ndescription = \"\"\"\n[tool.check-migrate]\n\"\"\"\n";
        assert_eq!(without_table(tricky), None);
    }
}
