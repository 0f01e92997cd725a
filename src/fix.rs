//! `--fix` and `--diff`: rename a wrong name where it enters the schema, in the model
//! declaration and in the migration that introduces it when that migration is not in `HEAD`
//! yet. A migration already in `HEAD` may be applied somewhere: it is never rewritten, and the
//! `RenameField` migration to add is printed instead. Files are only written when their
//! working tree matches the index (no unstaged changes) and has not changed since it was read;
//! each is replaced atomically, and the index is never touched.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::check::{Declaration, Finding, Rule};
use crate::migration::mentions::{self, Field};
use crate::report::Report;
use crate::source::{Buffers, Repo};
use crate::text::LineIndex;

/// One replacement of a name in a file of the working tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Root-relative, `/`-separated.
    pub path: String,
    pub span: Range<usize>,
    pub old: String,
    pub new: String,
    /// The finding it fixes: a finding's edits are made together or not at all.
    pub group: usize,
}

/// What `--fix` will do.
#[derive(Debug, Default)]
pub struct FixPlan {
    pub edits: Vec<Edit>,
    /// Renames of fields a migration in `HEAD` introduced, for the `RenameField` migrations
    /// to add (one per app, see [`FixPlan::migrations`]).
    pub renames: Vec<Rename>,
    /// Findings left alone, each with why.
    pub skipped: Vec<String>,
    /// The renames made, as `old -> new` with the place of the finding.
    pub renamed: Vec<(String, String, String, usize)>,
    /// Labels of the apps whose model `Meta` names a field renamed by a `RenameField`
    /// migration: Django's `RenameField` leaves ordering, indexes and constraints as they
    /// were, so `makemigrations` has more to record after it.
    pub follow_up: std::collections::BTreeSet<(usize, String)>,
}

/// The byte offset of 1-based `line` and `column` (characters) in `source`.
pub fn offset_of(source: &[u8], line: usize, column: usize) -> Option<usize> {
    let lines = LineIndex::new(source);
    let start = lines.line_range(source, line).start;
    let text = std::str::from_utf8(source.get(start..)?).ok()?;
    let skip: usize = text
        .chars()
        .take(column.checked_sub(1)?)
        .map(char::len_utf8)
        .sum();
    Some(start + skip)
}

/// `content` with `edits` applied (all of one file). `None` when an edit's bytes are not its
/// old name, or two edits overlap: the file is not what was checked.
pub fn apply(content: &[u8], edits: &[&Edit]) -> Option<Vec<u8>> {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|e| e.span.start);
    sorted.dedup_by(|a, b| a.span == b.span && a.new == b.new);
    let mut out = Vec::with_capacity(content.len());
    let mut at = 0;
    for edit in sorted {
        if edit.span.start < at || content.get(edit.span.clone())? != edit.old.as_bytes() {
            return None;
        }
        out.extend_from_slice(&content[at..edit.span.start]);
        out.extend_from_slice(edit.new.as_bytes());
        at = edit.span.end;
    }
    out.extend_from_slice(&content[at..]);
    Some(out)
}

/// A unified diff of two versions of a file whose edits keep its lines (names replaced
/// within lines), three lines of context. Bytes, as the file has them: `git apply` takes it
/// whatever the file's encoding.
pub fn unified_diff(path: &str, before: &[u8], after: &[u8]) -> Vec<u8> {
    let old: Vec<&[u8]> = before.split_inclusive(|b| *b == b'\n').collect();
    let new: Vec<&[u8]> = after.split_inclusive(|b| *b == b'\n').collect();
    let mut out = format!("--- a/{path}\n+++ b/{path}\n").into_bytes();
    if old.len() != new.len() {
        return out;
    }
    let changed: Vec<usize> = (0..old.len()).filter(|&i| old[i] != new[i]).collect();
    let mut hunks: Vec<Range<usize>> = Vec::new();
    for &line in &changed {
        let start = line.saturating_sub(3);
        let end = (line + 4).min(old.len());
        match hunks.last_mut() {
            Some(last) if start <= last.end => last.end = end,
            _ => hunks.push(start..end),
        }
    }
    let line = |out: &mut Vec<u8>, mark: u8, text: &[u8]| {
        out.push(mark);
        out.extend_from_slice(text);
        if !text.ends_with(b"\n") {
            out.extend_from_slice(b"\n\\ No newline at end of file\n");
        }
    };
    for hunk in hunks {
        let count = hunk.len();
        let start = hunk.start + 1;
        out.extend_from_slice(format!("@@ -{start},{count} +{start},{count} @@\n").as_bytes());
        // Each run of changed lines: its old lines, then its new ones, as diff(1) prints.
        let mut i = hunk.start;
        while i < hunk.end {
            if old[i] == new[i] {
                line(&mut out, b' ', old[i]);
                i += 1;
                continue;
            }
            let run = i..(i..hunk.end)
                .find(|&j| old[j] == new[j])
                .unwrap_or(hunk.end);
            for j in run.clone() {
                line(&mut out, b'-', old[j]);
            }
            for j in run.clone() {
                line(&mut out, b'+', new[j]);
            }
            i = run.end;
        }
    }
    out
}

/// A field to rename in a migration of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    /// The app's migrations folder, root-relative.
    pub dir: String,
    pub label: String,
    pub model: String,
    pub old: String,
    pub new: String,
    pub group: usize,
}

/// The migration that renames `renames` (all of one app), after `after` (the app's leaves).
pub fn rename_migration(label: &str, after: &[String], renames: &[&Rename]) -> String {
    let operations: String = renames
        .iter()
        .map(|r| {
            format!(
                "        migrations.RenameField(\n            model_name=\"{}\",\n            \
                 old_name=\"{}\",\n            new_name=\"{}\",\n        ),\n",
                r.model.to_lowercase(),
                r.old,
                r.new
            )
        })
        .collect();
    let dependencies: String = after
        .iter()
        .map(|name| format!("        (\"{label}\", \"{name}\"),\n"))
        .collect();
    format!(
        "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n\n    \
         dependencies = [\n{dependencies}    ]\n\n    operations = [\n{operations}    ]\n"
    )
}

impl FixPlan {
    /// The `RenameField` migrations to add, one per app so the app keeps one leaf: (the file
    /// to write, root-relative, and its text).
    pub fn migrations(&self, root: &Path) -> Vec<(String, String)> {
        let mut by_dir: BTreeMap<&str, Vec<&Rename>> = BTreeMap::new();
        for rename in &self.renames {
            by_dir.entry(rename.dir.as_str()).or_default().push(rename);
        }
        by_dir
            .into_iter()
            .filter_map(|(dir, renames)| {
                let (after, number) = leaves(&root.join(dir), &renames[0].label)?;
                let name = match renames.as_slice() {
                    [one] => format!(
                        "{dir}/{number:04}_rename_{}_{}_{}.py",
                        one.old,
                        one.model.to_lowercase(),
                        one.new
                    ),
                    _ => format!("{dir}/{number:04}_rename_fields.py"),
                };
                let text = rename_migration(&renames[0].label, &after, &renames);
                Some((name, text))
            })
            .collect()
    }
}

/// The leaves of the app labelled `label` whose migrations are the folder on disk (the
/// migrations no other one of the app depends on, a squash standing in for what it replaces),
/// and the number after the folder's highest.
fn leaves(folder: &Path, label: &str) -> Option<(Vec<String>, u32)> {
    let mut headers = BTreeMap::new();
    for entry in std::fs::read_dir(folder).ok()?.flatten() {
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let Some(stem) = name.strip_suffix(".py") else {
            continue;
        };
        if !stem.as_bytes().first().is_some_and(u8::is_ascii_digit) {
            continue;
        }
        let source = std::fs::read(entry.path()).ok()?;
        let header = crate::migration::parse_header(&source).ok()?;
        headers.insert(stem.to_string(), header);
    }
    let number = headers
        .keys()
        .filter_map(|stem| {
            let digits: String = stem.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<u32>().ok()
        })
        .max()?;
    let of_app = |assignment: &Option<crate::migration::Assignment>| -> Vec<String> {
        assignment
            .iter()
            .flat_map(|a| &a.entries)
            .filter(|r| r.app == label)
            .map(|r| r.name.clone())
            .collect()
    };
    // What a squash present here replaces leaves the graph; it answers for those names.
    let mut answers: BTreeMap<String, String> = BTreeMap::new();
    for (stem, header) in &headers {
        for replaced in of_app(&header.replaces) {
            if headers.contains_key(&replaced) {
                answers.insert(replaced, stem.clone());
            }
        }
    }
    let mut depended = std::collections::BTreeSet::new();
    for (stem, header) in &headers {
        if answers.contains_key(stem) {
            continue;
        }
        for name in of_app(&header.dependencies) {
            depended.insert(answers.get(&name).cloned().unwrap_or(name));
        }
    }
    let leaves: Vec<String> = headers
        .keys()
        .filter(|stem| !answers.contains_key(*stem) && !depended.contains(*stem))
        .cloned()
        .collect();
    (!leaves.is_empty()).then_some((leaves, number + 1))
}

fn place(finding: &Finding, file: &crate::check::CheckedFile, lines: &LineIndex) -> String {
    let position = lines.position(&file.source, finding.span.start);
    format!("{}:{}:{}", file.path, position.line, position.column)
}

/// What `--fix` does about the findings of `report`, in the working tree at `root` (with
/// `buffers` standing in for the files they hold).
pub fn plan(report: &Report, repo: &Repo, root: &Path, buffers: &Buffers) -> FixPlan {
    let mut planner = Planner {
        repo,
        root,
        buffers,
        contents: BTreeMap::new(),
        uncommitted: None,
        tracked: None,
    };
    let mut plan = FixPlan::default();
    let mut added = std::collections::BTreeSet::new();
    // The (models module, class, new name) of each rename planned.
    let mut targets = std::collections::BTreeSet::new();
    // The declarations the migrations' findings rename: (models module, byte offset).
    let mut declarations = std::collections::BTreeSet::new();
    let mut group = 0;
    for file in &report.files {
        let lines = LineIndex::new(&file.source);
        for finding in &file.findings {
            group += 1;
            if !matches!(finding.rule, Rule::FieldName | Rule::DbColumn) {
                continue;
            }
            let (Some(old), [only]) = (&finding.name, finding.suggestions.as_slice()) else {
                if finding.name.is_some() {
                    let many = finding.suggestions.len();
                    plan.skipped.push(format!(
                        "{}: `{}` has {many} suggestions; pick one and rename it by hand",
                        place(finding, file, &lines),
                        finding.name.as_deref().unwrap_or_default()
                    ));
                }
                continue;
            };
            let new = &only.name;
            let at = place(finding, file, &lines);
            let edit = |path: &str, span: Range<usize>| Edit {
                path: path.to_string(),
                span,
                old: old.clone(),
                new: new.clone(),
                group,
            };
            let in_model_file = finding.operation.is_none();
            let dir = crate::apps::dir_of(&file.path).to_string();
            // The label known for sure, else Django's default: the app folder's name.
            let label = report
                .labels
                .get(&dir)
                .cloned()
                .or_else(|| crate::check::AppLabels::default().label(&dir))
                .unwrap_or_default();
            let model = finding.model.clone().unwrap_or_default();
            // Where the model declares it: renamed with the migration, or the fix is not ours.
            let declared = if in_model_file {
                Some((
                    edit(&file.path, finding.span.clone()),
                    file.path.clone(),
                    model.clone(),
                ))
            } else {
                match &finding.declaration {
                    Some(Declaration::Here {
                        path,
                        line,
                        column,
                        class,
                    }) => planner
                        .content(path)
                        .and_then(|source| offset_of(source, *line, *column))
                        .map(|start| {
                            (
                                edit(path, start..start + old.len()),
                                path.clone(),
                                class.clone(),
                            )
                        }),
                    Some(Declaration::Inherited { bases, .. }) => {
                        plan.skipped.push(format!(
                            "{at}: `{old}` may come from {} outside the repository: not renamed \
                             (`allow` accepts it)",
                            bases.join(" or ")
                        ));
                        continue;
                    }
                    None => None,
                }
            };
            let Some((declared, models_path, class)) = declared else {
                plan.skipped.push(format!(
                    "{at}: the declaration of `{old}` was not found in the app's models: \
                     rename it there by hand"
                ));
                continue;
            };
            let committed = !in_model_file && repo.in_head(&file.path);
            if committed && finding.rule == Rule::DbColumn {
                plan.skipped.push(format!(
                    "{at}: column `{old}` is in a committed migration: change db_column \
                     in the model and run makemigrations, which writes the AlterField"
                ));
                continue;
            }
            if in_model_file {
                // The declaration a migration's finding renames already: nothing more to do.
                if declarations.contains(&(models_path.clone(), finding.span.start)) {
                    continue;
                }
                // Migrated already: the migration's finding renames both, or none.
                if let Some(migration) = planner.migration_naming(&models_path, old) {
                    plan.skipped.push(format!(
                        "{at}: {migration} names `{old}` already: fix it from the migration's \
                         finding (`check-migrate --fix` on the staged change, or \
                         `check-migrate --all --fix`)"
                    ));
                    continue;
                }
            }
            // A base's field is every subclass's: renaming it is not this finding's to make.
            if finding.rule == Rule::FieldName
                && (!class.eq_ignore_ascii_case(&model) || planner.shared(&models_path, &class))
            {
                plan.skipped.push(format!(
                    "{at}: `{old}` is declared in `{class}`, which other models may share: \
                     rename it there by hand and run makemigrations"
                ));
                continue;
            }
            // Two fields (or a field and a column, a method, a reverse accessor) of one
            // name: Django refuses the model, or one silently replaces the other.
            // One field that two migrations of the change introduce (a squash beside what it
            // replaces) is renamed once, not refused as a second rename into the name.
            let again = declarations.contains(&(declared.path.clone(), declared.span.start));
            let taken = planner.taken(&models_path, &class, new).unwrap_or_default();
            if !again
                && (taken.contains(new)
                    || !targets.insert((models_path.clone(), class.clone(), new.clone())))
            {
                plan.skipped.push(format!(
                    "{at}: `{class}` has `{new}` already (a field, column, method or reverse \
                     accessor, or another rename to it): renaming `{old}` would make two"
                ));
                continue;
            }
            let mut edits = vec![declared];
            if finding.rule == Rule::FieldName {
                let field = Field {
                    label: &label,
                    model: &model,
                    name: old,
                };
                // The model's Meta and to_fields; the uncommitted migrations' later operations.
                let mut places = vec![(models_path.clone(), Scope::Models(&class))];
                for path in planner.other_models(&models_path, old) {
                    places.push((path, Scope::OtherModels));
                }
                if !in_model_file && !committed {
                    places.push((file.path.clone(), Scope::Migration(true)));
                    for path in planner.uncommitted_migrations() {
                        if path == file.path {
                            continue;
                        }
                        let own = crate::apps::dir_of(&path) == dir;
                        places.push((path, Scope::Migration(own)));
                    }
                }
                // A relation's attribute (`category_id` of `category`) is named in options and
                // lookups too: its places are renamed in the same way, name part alone.
                let attribute = format!("{old}_id");
                let mut found = planner.mentions(&places, field);
                if planner.is_relation(&models_path, &class, old)
                    && let Ok(found) = &mut found
                {
                    let field = Field {
                        name: &attribute,
                        ..field
                    };
                    match planner.mentions(&places, field) {
                        Ok(more) => {
                            found.meta |= more.meta;
                            found.constrained |= more.constrained;
                            found.elsewhere |= more.elsewhere;
                            let spans = more.spans.into_iter();
                            found
                                .spans
                                .extend(spans.map(|(p, s)| (p, s.start..s.start + old.len())));
                        }
                        Err(why) => {
                            plan.skipped.push(format!(
                                "{why} names `{attribute}` where --fix cannot rename it: rename \
                                 `{old}` ({at}) by hand"
                            ));
                            continue;
                        }
                    }
                }
                match found {
                    // Django's RenameField leaves Meta's indexes and constraints naming the
                    // old field, and sqlite's table rebuilds trip over them; its own
                    // autodetector orders those operations around the rename.
                    // That app's migrations name the old field: a RenameField of this app would
                    // have to follow them, which makemigrations works out.
                    Ok(found) if committed && found.elsewhere => {
                        plan.skipped.push(format!(
                            "{at}: a `to_field` of another app points at `{old}`, which a \
                             committed migration introduced: rename it by hand and run \
                             makemigrations"
                        ));
                        continue;
                    }
                    Ok(found) if committed && found.constrained => {
                        plan.skipped.push(format!(
                            "{at}: the indexes or constraints of `{class}` name `{old}`, which a \
                             committed migration introduced: rename it in the model by hand and \
                             run makemigrations, which orders the operations around the rename"
                        ));
                        continue;
                    }
                    Ok(found) => {
                        if committed && found.meta {
                            plan.follow_up.insert((group, label.clone()));
                        }
                        let spans = found.spans.into_iter();
                        edits.extend(spans.map(|(path, span)| edit(&path, span)));
                    }
                    Err(why) => {
                        plan.skipped.push(format!(
                            "{why} names `{old}` where --fix cannot rename it: rename `{old}` \
                             ({at}) by hand"
                        ));
                        continue;
                    }
                }
            }
            if committed {
                // It may be migrated somewhere. Rename the model; add a migration.
                if added.insert((dir.clone(), model.to_lowercase(), old.clone())) {
                    plan.renames.push(Rename {
                        dir,
                        label,
                        model,
                        old: old.clone(),
                        new: new.clone(),
                        group,
                    });
                }
            } else if !in_model_file {
                edits.push(edit(&file.path, finding.span.clone()));
            }
            if !in_model_file {
                declarations.insert((edits[0].path.clone(), edits[0].span.start));
            }
            plan.edits.extend(edits);
            plan.renamed.push((at, old.clone(), new.clone(), group));
        }
    }
    plan
}

/// What to look for in a file that may name a field.
enum Scope<'a> {
    /// The models module declaring it, in this class.
    Models(&'a str),
    /// Another models module: the `to_field`s that point at the model.
    OtherModels,
    /// A migration: of the field's own app (every later operation), or of another app
    /// (`to_field`s alone).
    Migration(bool),
}

/// What planning reads from the working tree, read once.
struct Planner<'r> {
    repo: &'r Repo,
    root: &'r Path,
    buffers: &'r Buffers,
    contents: BTreeMap<String, Option<Vec<u8>>>,
    uncommitted: Option<Vec<String>>,
    /// The index's Python files, read once.
    tracked: Option<Vec<String>>,
}

impl Planner<'_> {
    fn content(&mut self, path: &str) -> Option<&[u8]> {
        let (root, buffers) = (self.root, self.buffers);
        self.contents
            .entry(path.to_string())
            .or_insert_with(|| read(buffers, &root.join(path)))
            .as_deref()
    }

    /// The migrations of the index that are not in `HEAD`: the change --fix may rewrite.
    fn uncommitted_migrations(&mut self) -> Vec<String> {
        if self.uncommitted.is_none() {
            let repo = self.repo;
            let found = self
                .tracked()
                .into_iter()
                .filter(|path| crate::source::is_migration(path) && !repo.in_head(path))
                .collect();
            self.uncommitted = Some(found);
        }
        self.uncommitted.clone().unwrap_or_default()
    }

    /// The index's Python files.
    fn tracked(&mut self) -> Vec<String> {
        let repo = self.repo;
        self.tracked
            .get_or_insert_with(|| repo.tracked_python())
            .clone()
    }

    /// Every place of `places` that names `field`, or the first place that may name it in a
    /// way --fix cannot rename.
    fn mentions(&mut self, places: &[(String, Scope)], field: Field) -> Result<Found, String> {
        let mut found = Found::default();
        for (path, scope) in places {
            let Some(source) = self.content(path) else {
                continue;
            };
            let mentions = match scope {
                Scope::Models(class) => mentions::in_models(source, field, class),
                Scope::OtherModels => mentions::in_other_models(source, field),
                Scope::Migration(own) => mentions::in_migration(source, field, *own),
            };
            let Ok(mentions) = mentions else {
                continue;
            };
            if let Some((span, what)) = mentions.unsure.first() {
                let position = LineIndex::new(source).position(source, span.start);
                return Err(format!(
                    "{path}:{}:{}: {what}",
                    position.line, position.column
                ));
            }
            found.meta |= mentions.meta;
            found.constrained |= mentions.constrained;
            let other_app = matches!(scope, Scope::OtherModels | Scope::Migration(false));
            found.elsewhere |= other_app && !mentions.spans.is_empty();
            let spans = mentions.spans.into_iter().map(|span| (path.clone(), span));
            found.spans.extend(spans);
        }
        Ok(found)
    }

    /// The names a field or column renamed to would clash with in class `class` of the
    /// models module `path`: what the class and its bases assign or define (a base looked
    /// for in the module, else in the repository's Python files that define a class of its
    /// name), the columns of their fields, and the `related_name`s and
    /// `related_query_name`s of the repository's models (a reverse accessor may land on the
    /// class). `None` when the module cannot be read.
    fn taken(&mut self, path: &str, class: &str, new: &str) -> Option<Vec<String>> {
        self.content(path)?;
        let mut names = Vec::new();
        for other in self.python_holding(&[b"related_", new.as_bytes()], true) {
            if let Some(source) = self.content(&other) {
                names.extend(mentions::related_names(source));
            }
        }
        let mut chain = vec![(path.to_string(), class.to_string())];
        let mut seen = std::collections::BTreeSet::new();
        while let Some((module_path, name)) = chain.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            // The module at hand first; a class of that name elsewhere in the repository
            // (imported), else none (Django's or a package's).
            let mut modules = vec![module_path.clone()];
            let definition = format!("class {name}");
            modules.extend(self.python_holding(&[definition.as_bytes()], false));
            for candidate in modules {
                let Some(module) = self
                    .content(&candidate)
                    .and_then(|source| crate::migration::model_module(source).ok())
                else {
                    continue;
                };
                let Some(model) = module.classes.iter().find(|c| c.name == name) else {
                    continue;
                };
                names.extend(model.assigned.iter().map(|(name, _)| name.clone()));
                names.extend(model.methods.iter().cloned());
                for field in &model.fields {
                    let column = field.db_column.as_ref().map(|(column, _)| column);
                    names.push(column.unwrap_or(&field.name).clone());
                }
                // A base by its own name (`Stamped`; `models.Model` is no class of ours).
                for base in &model.bases {
                    let base = base.rsplit('.').next().unwrap_or(base).to_string();
                    chain.push((candidate.clone(), base));
                }
                break;
            }
        }
        Some(names)
    }

    /// Whether field `name` of class `class` of the models module `path` is a relation, whose
    /// attribute `name_id` is named too.
    fn is_relation(&mut self, path: &str, class: &str, name: &str) -> bool {
        let Some(module) = self
            .content(path)
            .and_then(|source| crate::migration::model_module(source).ok())
        else {
            return false;
        };
        module
            .classes
            .iter()
            .filter(|c| c.name == class)
            .flat_map(|c| &c.fields)
            .any(|f| {
                f.name == name
                    && (f.kind.ends_with("ForeignKey")
                        || f.kind.ends_with("OneToOneField")
                        || f.kind == "ForeignObject")
            })
    }

    /// The tracked Python files (models modules alone with `models`) whose text holds every
    /// one of `words`.
    fn python_holding(&mut self, words: &[&[u8]], models: bool) -> Vec<String> {
        let candidates: Vec<String> = self
            .tracked()
            .into_iter()
            .filter(|path| !models || crate::source::is_model_file(path))
            .collect();
        candidates
            .into_iter()
            .filter(|path| {
                self.content(path).is_some_and(|text| {
                    words
                        .iter()
                        .all(|word| text.windows(word.len()).any(|w| w == *word))
                })
            })
            .collect()
    }

    /// Whether class `class` of the models module `path` is abstract, or a base of another
    /// class of the repository's models (a proxy, a child table): its fields are other
    /// models' too.
    fn shared(&mut self, path: &str, class: &str) -> bool {
        let Some(module) = self
            .content(path)
            .and_then(|source| crate::migration::model_module(source).ok())
        else {
            return true;
        };
        if module
            .classes
            .iter()
            .any(|c| c.name == class && c.is_abstract)
        {
            return true;
        }
        let mut modules = self.python_holding(&[class.as_bytes()], true);
        modules.push(path.to_string());
        modules.into_iter().any(|other| {
            self.content(&other)
                .and_then(|source| crate::migration::model_module(source).ok())
                .is_some_and(|module| {
                    module.classes.iter().any(|c| {
                        c.bases
                            .iter()
                            .any(|base| base.rsplit('.').next() == Some(class))
                    })
                })
        })
    }

    /// A migration of the app of the models module `path` that names `name`.
    fn migration_naming(&mut self, path: &str, name: &str) -> Option<String> {
        migration_naming(self.root, self.buffers, path, name).map(|(path, _)| path)
    }

    /// The tracked models modules besides `except` whose text holds `to_field` and `name`.
    fn other_models(&mut self, except: &str, name: &str) -> Vec<String> {
        let mut found = self.python_holding(&[b"to_field", name.as_bytes()], true);
        found.retain(|path| path != except);
        found
    }
}

/// The places found to rename with a field.
#[derive(Default)]
struct Found {
    spans: Vec<(String, Range<usize>)>,
    /// Some are in the model's `Meta`; some in its indexes or constraints.
    meta: bool,
    constrained: bool,
    /// Some are in another app (its `to_field`s).
    elsewhere: bool,
}

/// The first migration of the app of the models module `path` (root-relative) that names
/// `name` as a string, in name order, and the byte offset of the name in it: where a model's
/// field entered the migrations.
pub fn migration_naming(
    root: &Path,
    buffers: &Buffers,
    path: &str,
    name: &str,
) -> Option<(String, usize)> {
    let dir = crate::apps::dir_of(path);
    // `blog/models.py` and `blog/models/post.py` are both of `blog`.
    let app = match dir.rsplit_once('/') {
        Some((app, "models")) => app,
        None if dir == "models" => "",
        _ => dir,
    };
    let folder = match app {
        "" => "migrations".to_string(),
        app => format!("{app}/migrations"),
    };
    let on_disk = root.join(&folder);
    let mut names: Vec<String> = std::fs::read_dir(&on_disk)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().into_string().ok())
        .collect();
    // Buffers of the folder not saved yet count as its files.
    let absolute = crate::source::absolute_path(&on_disk);
    names.extend(buffers.keys().filter_map(|path| {
        let name = path.strip_prefix(&absolute).ok()?;
        (name.components().count() == 1).then(|| name.to_string_lossy().into_owned())
    }));
    names.retain(|name| name.ends_with(".py"));
    names.sort();
    names.dedup();
    names.into_iter().find_map(|file| {
        let migration = format!("{folder}/{file}");
        let text = read(buffers, &root.join(&migration))?;
        let quoted = [format!("\"{name}\""), format!("'{name}'")];
        let at = quoted
            .iter()
            .filter_map(|q| text.windows(q.len()).position(|w| w == q.as_bytes()))
            .min()?;
        Some((migration, at + 1))
    })
}

/// The content of `path`: its buffer, else the file on disk.
pub fn read(buffers: &Buffers, path: &Path) -> Option<Vec<u8>> {
    match buffers.get(&crate::source::absolute_path(path)) {
        Some(content) => Some(content.clone()),
        None => std::fs::read(path).ok(),
    }
}

/// A file `--fix` changes.
#[derive(Debug)]
pub struct Change {
    /// Root-relative, as shown.
    pub path: String,
    pub on_disk: PathBuf,
    pub before: Vec<u8>,
    pub after: Vec<u8>,
}

/// The files `plan` changes, or why a file is left alone. A
/// finding whose edits cannot all be made is left out whole, so a model and its migration
/// never disagree; its renames are taken out of `plan`.
pub fn changes(
    plan: &mut FixPlan,
    repo: &Repo,
    root: &Path,
    allow_unstaged: bool,
) -> (Vec<Change>, Vec<String>) {
    let mut refused = Vec::new();
    let mut dropped = std::collections::BTreeSet::new();
    let mut contents: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let paths: std::collections::BTreeSet<String> =
        plan.edits.iter().map(|e| e.path.clone()).collect();
    for path in &paths {
        let why = if !allow_unstaged && repo.has_unstaged(path) {
            Some(
                "has changes that are not staged; stage them and run --fix again \
                 (or --allow-unstaged)",
            )
        } else {
            match std::fs::read(root.join(path)) {
                Ok(content) => {
                    let edits: Vec<&Edit> = plan.edits.iter().filter(|e| &e.path == path).collect();
                    let fits = apply(&content, &edits).is_some();
                    contents.insert(path.clone(), content);
                    (!fits).then_some(
                        "does not hold the names where they were found; run the check again",
                    )
                }
                Err(_) => Some("cannot be read"),
            }
        };
        if let Some(why) = why {
            refused.push(format!("{path}: {why}"));
            dropped.extend(
                plan.edits
                    .iter()
                    .filter(|e| &e.path == path)
                    .map(|e| e.group),
            );
        }
    }
    let kept_groups: std::collections::BTreeSet<usize> = plan
        .edits
        .iter()
        .map(|e| e.group)
        .filter(|g| !dropped.contains(g))
        .collect();
    plan.edits.retain(|e| kept_groups.contains(&e.group));
    let renamed = std::mem::take(&mut plan.renamed);
    plan.renamed = renamed
        .into_iter()
        .filter(|(_, _, _, group)| kept_groups.contains(group))
        .collect();
    plan.renames.retain(|r| !dropped.contains(&r.group));
    plan.follow_up.retain(|(group, _)| !dropped.contains(group));
    let mut changed = Vec::new();
    for (path, before) in contents {
        let edits: Vec<&Edit> = plan.edits.iter().filter(|e| e.path == path).collect();
        if edits.is_empty() {
            continue;
        }
        if let Some(after) = apply(&before, &edits) {
            changed.push(Change {
                on_disk: root.join(&path),
                path,
                before,
                after,
            });
        }
    }
    (changed, refused)
}

/// Replace `path`'s content with `after`, atomically, when it still holds `before`.
pub fn write(path: &Path, before: &[u8], after: &[u8]) -> std::io::Result<()> {
    let current = std::fs::read(path)?;
    if current != before {
        return Err(std::io::Error::other(
            "it changed while --fix ran; left alone",
        ));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.check-migrate-fix"));
    std::fs::write(&temporary, after)?;
    if let Ok(metadata) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&temporary, metadata.permissions());
    }
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

/// Lines of the repository's other Python files that name `old` (attribute access, lookups):
/// listed for the user, never rewritten.
pub fn references(repo: &Repo, root: &Path, names: &[&str], skip: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for path in repo.tracked_python() {
        if skip.contains(&path.as_str()) || crate::source::is_migration(&path) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(root.join(&path)) else {
            continue;
        };
        let models = crate::source::is_model_file(&path);
        for (number, line) in text.lines().enumerate() {
            // Code only: a comment naming it is no reference.
            let code = line.split('#').next().unwrap_or_default();
            let named = names.iter().find(|name| mentions::names_word(code, name));
            let Some(name) = named else {
                continue;
            };
            // Another model's own field of that name is declared, not referred to.
            let declared = code
                .trim_start()
                .strip_prefix(*name)
                .is_some_and(|rest| rest.trim_start().starts_with(['=', ':']));
            if models && declared && code.starts_with(char::is_whitespace) {
                continue;
            }
            out.push(format!("{path}:{}: {}", number + 1, line.trim()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(span: Range<usize>, old: &str, new: &str) -> Edit {
        Edit {
            path: "m.py".into(),
            span,
            old: old.into(),
            new: new.into(),
            group: 1,
        }
    }

    #[test]
    fn edits_apply_only_where_the_old_name_is() {
        let text = b"a = \"create_time\"\nb = 1\n";
        let one = edit(5..16, "create_time", "created_at");
        assert_eq!(
            apply(text, &[&one]).as_deref(),
            Some(&b"a = \"created_at\"\nb = 1\n"[..])
        );
        let wrong = edit(4..15, "create_time", "created_at");
        assert_eq!(apply(text, &[&wrong]), None);
        assert_eq!(
            apply(text, &[&one, &one]).map(|t| t.len()),
            Some(23),
            "deduplicated"
        );
    }

    #[test]
    fn offsets_count_characters() {
        let text = "x = 1\n    名字 = models.CharField()\n".as_bytes();
        let at = offset_of(text, 2, 5).expect("offset");
        assert_eq!(&text[at..at + 6], "名字".as_bytes());
    }

    #[test]
    fn a_unified_diff_of_renamed_lines() {
        let before = b"1\n2\n3\n4\n5\nold\n7\n8\n9\n10\n11\n12\n";
        let after = b"1\n2\n3\n4\n5\nnew\n7\n8\n9\n10\n11\n12\n";
        assert_eq!(
            String::from_utf8_lossy(&unified_diff("blog/models.py", before, after)),
            "--- a/blog/models.py\n+++ b/blog/models.py\n@@ -3,7 +3,7 @@\n 3\n 4\n 5\n-old\n+new\n 7\n 8\n 9\n"
        );
    }

    #[test]
    fn a_run_of_changed_lines_is_old_then_new() {
        let diff = unified_diff("m.py", b"a\nb\nc\n", b"A\nB\nc\n");
        assert_eq!(
            String::from_utf8_lossy(&diff),
            "--- a/m.py\n+++ b/m.py\n@@ -1,3 +1,3 @@\n-a\n-b\n+A\n+B\n c\n"
        );
    }

    #[test]
    fn renames_of_one_app_share_one_migration() {
        let dir = tempfile::TempDir::new().expect("temporary directory");
        let folder = dir.path().join("blog/migrations");
        std::fs::create_dir_all(&folder).expect("mkdir");
        let depends = |on: &str| {
            format!(
                "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    \
                 dependencies = [{on}]\n    operations = []\n"
            )
        };
        let write = |name: &str, text: String| {
            std::fs::write(folder.join(name), text).expect("write");
        };
        write("0001_initial.py", depends(""));
        write("0002_more.py", depends("(\"blog\", \"0001_initial\")"));
        // Numbered 0010 but replaced by the squash below, which 0002 stands after.
        write("0010_old.py", depends("(\"blog\", \"0001_initial\")"));
        write(
            "0001_squashed_0010_old.py",
            format!(
                "{}    replaces = [(\"blog\", \"0001_initial\"), (\"blog\", \"0010_old\")]\n",
                depends("")
            ),
        );
        let rename = |old: &str, new: &str, group| Rename {
            dir: "blog/migrations".into(),
            label: "blog".into(),
            model: "Post".into(),
            old: old.into(),
            new: new.into(),
            group,
        };
        let plan = FixPlan {
            renames: vec![
                rename("create_time", "created_at", 1),
                rename("update_time", "updated_at", 2),
            ],
            ..FixPlan::default()
        };
        let migrations = plan.migrations(dir.path());
        assert_eq!(migrations.len(), 1, "one leaf");
        let (path, text) = &migrations[0];
        assert_eq!(path, "blog/migrations/0011_rename_fields.py");
        assert!(text.contains("(\"blog\", \"0002_more\")"), "{text}");
        assert!(
            !text.contains("0010_old"),
            "the one leaf: the squash answers for 0001, which 0002 follows {text}"
        );
        assert_eq!(text.matches("migrations.RenameField(").count(), 2, "{text}");
    }
}
