//! The built-in library: misspellings, on by default, and named conventions, each on only when
//! a config or the command line names it.
//!
//! A misspelling (`desciption`) is wrong under every convention, so it is reported with no
//! config. A convention row (`create_time` → `created_at`) is right for one team and wrong for
//! the next, so it waits to be chosen. Conventions of one family (`timestamps-at`,
//! `timestamps-time`, `timestamps-bare`) are directions of one choice: at most one is on.

use super::records::{self, Item};
use super::{Library, Location};

/// The misspellings and garbles, reported by default.
pub const MISSPELLINGS_CSV: &str = include_str!("../../data/misspellings.csv");
/// The name under which problems of the built-in misspellings are reported.
pub const BUILTIN_ORIGIN: &str = "<built-in>";

/// A named set of built-in rows a team switches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Convention {
    /// What a config names it by: `timestamps-at`.
    pub name: &'static str,
    /// Conventions of one family are alternatives: `timestamps`.
    pub family: &'static str,
    /// One line: what the convention holds to.
    pub summary: &'static str,
    /// The rows, in the library's CSV format.
    pub csv: &'static str,
}

macro_rules! convention {
    ($name:literal, $family:literal, $summary:literal) => {
        Convention {
            name: $name,
            family: $family,
            summary: $summary,
            csv: include_str!(concat!("../../data/conventions/", $name, ".csv")),
        }
    };
}

/// Every built-in convention, families together.
pub const CONVENTIONS: &[Convention] = &[
    convention!(
        "timestamps-at",
        "timestamps",
        "moments end in `_at`: `created_at`, `updated_at`, `started_at`"
    ),
    convention!(
        "timestamps-time",
        "timestamps",
        "moments are a verb and `_time`: `create_time`, `update_time`, `start_time`"
    ),
    convention!(
        "timestamps-bare",
        "timestamps",
        "creation and update times are `created` and `modified`"
    ),
    convention!(
        "actors-by",
        "actors",
        "who did it ends in `_by`: `created_by`, `updated_by`"
    ),
    convention!(
        "actors-er",
        "actors",
        "who did it is a noun: `creator`, `updater`"
    ),
    convention!(
        "booleans-is",
        "booleans",
        "flags start with `is_`: `is_enabled`, `is_deleted`"
    ),
    convention!(
        "booleans-bare",
        "booleans",
        "flags are an adjective alone: `enabled`, `deleted`"
    ),
    convention!(
        "full-words",
        "full-words",
        "words spelled out, compounds as English writes them: `description`, `username`"
    ),
    convention!(
        "plain-english",
        "plain-english",
        "the common English word: `gender`, `avatar`, `duration`"
    ),
];

impl Convention {
    /// The convention called `name`.
    pub fn named(name: &str) -> Option<&'static Convention> {
        CONVENTIONS.iter().find(|c| c.name == name)
    }

    /// The convention whose name is closest to `name`, when close enough to be a typo of it.
    pub fn closest(name: &str) -> Option<&'static Convention> {
        let (distance, convention) = CONVENTIONS
            .iter()
            .map(|c| (crate::text::edit_distance(name, c.name), c))
            .min_by_key(|(distance, _)| *distance)?;
        (distance <= (convention.name.len() / 3).max(1)).then_some(convention)
    }

    /// The name problems of its rows are reported under: `<built-in timestamps-at>`.
    pub fn origin(&self) -> String {
        format!("<built-in {}>", self.name)
    }

    /// Its rows: each correct name with the names it replaces.
    pub fn rows(&self) -> Vec<(String, Vec<String>)> {
        records::read(self.csv.as_bytes())
            .into_iter()
            .skip(1)
            .filter_map(|item| match item {
                Item::Record { cells, .. } if cells.len() == 3 => {
                    let wrong = cells[2].split(',').map(str::to_owned).collect();
                    Some((cells[0].clone(), wrong))
                }
                _ => None,
            })
            .collect()
    }

    /// The other directions of its family.
    pub fn alternatives(&self) -> impl Iterator<Item = &'static Convention> + '_ {
        CONVENTIONS
            .iter()
            .filter(move |c| c.family == self.family && c.name != self.name)
    }
}

/// What `check-migrate conventions` prints: each convention, its family and its rows.
pub fn listing() -> String {
    let mut out = String::from(
        "With no config, the built-in library reports misspellings only. Switch a convention \
         on by name:\n\
         \x20 conventions = [\"timestamps-at\", \"booleans-is\"]   (in .check-migrate.toml)\n\
         \x20 --convention timestamps-at                       (on the command line)\n\
         Conventions of one family are directions of one choice: at most one is on. \
         `check-migrate init` picks the ones a project follows.\n",
    );
    for convention in CONVENTIONS {
        out.push_str(&format!(
            "\n{} ({}): {}\n",
            convention.name, convention.family, convention.summary
        ));
        for (correct, wrong) in convention.rows() {
            out.push_str(&format!("  {correct:<16} <- {}\n", wrong.join(", ")));
        }
    }
    out
}

/// Two conventions that cannot both be on: the second is another direction of the first.
pub fn conflict(conventions: &[&'static Convention]) -> Option<(&'static str, &'static str)> {
    conventions.iter().enumerate().find_map(|(i, a)| {
        conventions[i + 1..]
            .iter()
            .find(|b| b.family == a.family && b.name != a.name)
            .map(|b| (a.name, b.name))
    })
}

impl Library {
    /// The built-in misspellings, with no convention.
    pub fn builtin() -> Library {
        Library::builtin_with(&[])
    }

    /// The built-in misspellings and `conventions` (of distinct families). A misspelling of a
    /// name a convention marks wrong suggests what the convention wants: with `timestamps-at`
    /// on, `craete_time` suggests `created_at`, not `create_time`.
    pub fn builtin_with(conventions: &[&Convention]) -> Library {
        let mut library = Library::empty();
        for convention in conventions {
            library.load(&convention.origin(), convention.csv.as_bytes());
        }
        library.merge(BUILTIN_ORIGIN, MISSPELLINGS_CSV.as_bytes());
        library.rebuild();
        library
    }

    /// Add `conventions` to a library the user's files replaced the built-in one with, merged
    /// into what those files say.
    pub fn add_conventions(&mut self, conventions: &[&Convention]) {
        for convention in conventions {
            self.merge(&convention.origin(), convention.csv.as_bytes());
        }
        self.rebuild();
    }

    /// Built-in rows merged into what earlier sources say: each wrong name listed under its
    /// correct name, or under what an earlier source suggests for that name when it marks it
    /// wrong. A correct name declared earlier is not declared again.
    fn merge(&mut self, origin: &str, bytes: &[u8]) {
        for item in records::read(bytes).into_iter().skip(1) {
            let Item::Record { line, cells } = item else {
                // The built-in text is held to its canonical form by tests.
                continue;
            };
            let [correct, description, wrong] = cells.as_slice() else {
                continue;
            };
            let at = Location {
                file: origin.to_owned(),
                line,
            };
            let redirected = match self.listings.get(correct.as_str()) {
                Some(listings) if !self.correct.contains_key(correct.as_str()) => {
                    listings.first().map(|l| l.correct.clone())
                }
                _ => None,
            };
            let target = match redirected {
                Some(target) => target,
                None => {
                    if !self.correct.contains_key(correct.as_str()) {
                        self.declare(correct, description, &at);
                    }
                    correct.clone()
                }
            };
            for name in wrong.split(',').filter(|n| !n.is_empty()) {
                self.list(name, &target, &at);
            }
        }
    }
}
