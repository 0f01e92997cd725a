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

use crate::check::{Declaration, Finding, Rule};
use crate::library::{CONVENTIONS, Convention, Library};

/// The fewest fields whose names show a project follows a convention: one field is a name,
/// not a convention, and a convention switched on blocks every commit that strays from it.
pub const MIN_FIELDS: usize = 3;

/// Families `init` reports but never switches on.
pub const NEVER_CHOSEN: &[&str] = &["plain-english"];

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
    /// Count the field names among the census run's findings. A field the model inherits
    /// from a base outside the app (a third-party abstract model) is left out: a team that
    /// inherits a name chose nothing.
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Census {
        let mut counts = BTreeMap::new();
        for finding in findings {
            if matches!(finding.declaration, Some(Declaration::Inherited { .. })) {
                continue;
            }
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
    // A choice of words (`sex` or `gender`) is the team's to make, not read off a schema.
    families.retain(|family| !NEVER_CHOSEN.contains(family));
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
            let quote = |text: &str| toml::Value::String(text.to_string()).to_string();
            let _ = writeln!(out, "{} = {}", quote(dir), quote(label));
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

/// `text` (a `pyproject.toml`) with `table` (our `[tool.check-migrate]` tables) in place of
/// the ones it has, appended; `None` when that cannot be done without changing anything else
/// the file says (the text is checked by reading it back).
pub fn with_table(text: &str, table: &str) -> Option<String> {
    let kept = if crate::config::has_table(text) {
        without_table(text)?
    } else {
        text.to_string()
    };
    let crlf = kept.contains("\r\n");
    let table = if crlf {
        table.replace('\n', "\r\n")
    } else {
        table.to_string()
    };
    let newline = if crlf { "\r\n" } else { "\n" };
    let mut out = kept.clone();
    if !out.is_empty() {
        if !out.ends_with('\n') {
            out.push_str(newline);
        }
        if !out.ends_with(&format!("{newline}{newline}")) {
            out.push_str(newline);
        }
    }
    out.push_str(&table);
    let mut expected: toml::Table = toml::from_str(&kept).ok()?;
    let ours: toml::Table = toml::from_str(&table).ok()?;
    let ours = ours.get("tool")?.get("check-migrate")?.clone();
    match expected
        .entry("tool")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()))
    {
        toml::Value::Table(tool) => {
            tool.insert("check-migrate".to_string(), ours);
        }
        _ => return None,
    }
    let written: toml::Table = toml::from_str(&out).ok()?;
    (written == expected).then_some(out)
}

/// `text` (a `pyproject.toml`) without its `[tool.check-migrate]` tables, when they can be cut
/// out by lines and everything else reads the same afterwards; `None` otherwise. Blank lines
/// and comments just before the next table are that table's, and stay.
pub fn without_table(text: &str) -> Option<String> {
    let ours = |line: &str| {
        let header = line.trim_start();
        header.starts_with("[tool.check-migrate]") || header.starts_with("[tool.check-migrate.")
    };
    let mut kept = String::new();
    let mut cut: Vec<&str> = Vec::new();
    let mut inside = false;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with('[') {
            let entering = ours(line);
            if inside && !entering {
                let trailing = cut
                    .iter()
                    .rev()
                    .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
                    .count();
                // From the first comment of that run: the blank lines before it were ours.
                let run = &cut[cut.len() - trailing..];
                let first = run.iter().position(|l| l.trim_start().starts_with('#'));
                for line in first.map_or(&[][..], |at| &run[at..]) {
                    kept.push_str(line);
                }
                cut.clear();
            }
            inside = entering;
        }
        if inside {
            cut.push(line);
        } else {
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
        let words = choose(&census(&[("gender", 5), ("avatar", 3), ("duration", 2)]));
        assert_eq!(
            on(&words),
            Vec::<&str>::new(),
            "a choice of words is the team's"
        );
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
        let labels = BTreeMap::from([
            ("apps/shop".to_string(), "store".to_string()),
            ("odd \"dir\\".to_string(), "odd".to_string()),
        ]);
        let text = config_text(&choice, &labels, ".check-migrate-baseline.json", None);
        let table: toml::Table = toml::from_str(&text).expect("valid TOML");
        assert_eq!(
            table["conventions"].as_array().map(Vec::len),
            Some(2),
            "{text}"
        );
        assert_eq!(table["app-labels"]["apps/shop"].as_str(), Some("store"));
        assert_eq!(table["app-labels"]["odd \"dir\\"].as_str(), Some("odd"));
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
        // The comment above the next table is that table's.
        let commented = "[tool.check-migrate]\nallow = []\n\n# Ruff: keep in sync with CI\n[tool.ruff]\nx = 1\n";
        assert_eq!(
            without_table(commented).expect("cut"),
            "# Ruff: keep in sync with CI\n[tool.ruff]\nx = 1\n"
        );
        // A multi-line string that holds a header-like line: cutting by lines would change it.
        let tricky = "[tool.check-migrate]\nallow = []\n[project]\ndescription = \"\"\"\n[tool.check-migrate]\n\"\"\"\n";
        assert_eq!(without_table(tricky), None);
    }

    #[test]
    fn our_table_goes_in_only_when_the_rest_reads_the_same() {
        let table = "[tool.check-migrate]\nconventions = []\n";
        let added = with_table("[project]\nname = \"x\"\n", table).expect("added");
        assert_eq!(
            added,
            "[project]\nname = \"x\"\n\n[tool.check-migrate]\nconventions = []\n"
        );
        let crlf = with_table("[project]\r\nname = \"x\"\r\n", table).expect("added");
        assert!(
            crlf.ends_with("\r\n[tool.check-migrate]\r\nconventions = []\r\n"),
            "{crlf:?}"
        );
        // An inline `tool` table cannot take another table: refused, not broken.
        let inline = "tool = { black = { line-length = 100 } }\n";
        assert_eq!(with_table(inline, table), None);
        // Replacing ours keeps everything else.
        let again = with_table(
            &added,
            "[tool.check-migrate]\nconventions = [\"full-words\"]\n",
        );
        assert_eq!(
            again.as_deref(),
            Some(
                "[project]\nname = \"x\"\n\n[tool.check-migrate]\nconventions = [\"full-words\"]\n"
            )
        );
    }
}
