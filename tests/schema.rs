//! `--all` judges the schema the migrations build, not their text: a name a later migration
//! renamed, removed or deleted is history, reported only with `--history`.

use crate::support::Repo;

const HEAD: &str =
    "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n";

/// A migration of app `blog` with these dependencies (names of `blog` migrations) and
/// operations (each a line of Python, indented by the caller's text as written).
fn blog(dependencies: &[&str], operations: &str) -> String {
    let deps: Vec<String> = dependencies
        .iter()
        .map(|name| format!("(\"blog\", \"{name}\")"))
        .collect();
    format!(
        "{HEAD}    dependencies = [{}]\n\n    operations = [\n{operations}    ]\n",
        deps.join(", ")
    )
}

const CREATE: &str = "        migrations.CreateModel(\n            name=\"Post\",\n            fields=[\n                (\"id\", models.AutoField(primary_key=True)),\n                (\"craete_time\", models.DateTimeField()),\n                (\"udpate_time\", models.DateTimeField()),\n                (\"is_delted\", models.BooleanField(default=False)),\n            ],\n        ),\n";

const M1: &str = "blog/migrations/0001_initial.py";

fn repo_with(files: &[(&str, String)]) -> Repo {
    let repo = Repo::new();
    repo.write("blog/__init__.py", "");
    repo.write("blog/migrations/__init__.py", "");
    for (path, text) in files {
        repo.write(path, text);
    }
    repo.commit_all("migrations");
    repo
}

fn concise(repo: &Repo, extra: &[&str]) -> crate::support::Run {
    let mut args = vec!["--all", "--format", "concise", "--color", "never"];
    args.extend_from_slice(extra);
    repo.check(&args)
}

/// The findings' `path:line:col: rule name` parts, in order.
fn findings(run: &crate::support::Run) -> Vec<String> {
    run.lines()
        .iter()
        .filter(|line| line.contains("error[") || line.contains("warning["))
        .map(|line| line.split(" `").next().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn names_renamed_or_removed_later_are_history() {
    let repo = repo_with(&[
        (M1, blog(&[], CREATE)),
        (
            "blog/migrations/0002_fix.py",
            blog(
                &["0001_initial"],
                "        migrations.RenameField(\"post\", \"craete_time\", \"create_time\"),\n        migrations.RemoveField(model_name=\"post\", name=\"is_delted\"),\n",
            ),
        ),
    ]);
    let run = concise(&repo, &[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        findings(&run),
        [format!("{M1}:13:19: error[field-name]")],
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("note: 2 finding(s) on names that later migrations renamed, removed or deleted are not reported"),
        "{run:?}"
    );
    let run = concise(&repo, &["--history"]);
    assert_eq!(
        findings(&run),
        [
            format!("{M1}:12:19: error[field-name]"),
            format!("{M1}:13:19: error[field-name]"),
            format!("{M1}:14:19: error[field-name]"),
        ],
        "{run:?}"
    );
    assert!(!run.stderr.contains("not reported"), "{run:?}");
}

#[test]
fn proper_fix_goes_green() {
    let repo = repo_with(&[
        (
            M1,
            blog(
                &[],
                "        migrations.CreateModel(\"Post\", [(\"id\", models.AutoField(primary_key=True)), (\"craete_time\", models.DateTimeField())]),\n",
            ),
        ),
        (
            "blog/migrations/0007_rename.py",
            blog(
                &["0001_initial"],
                "        migrations.RenameField(\n            model_name=\"post\",\n            old_name=\"craete_time\",\n            new_name=\"create_time\",\n        ),\n",
            ),
        ),
    ]);
    let run = concise(&repo, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    let run = concise(&repo, &["--history"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(findings(&run), [format!("{M1}:8:87: error[field-name]")]);
}

/// A rename *to* a wrong name puts it in the schema where the rename is.
#[test]
fn rename_to_a_wrong_name_is_reported_at_the_rename() {
    let repo = repo_with(&[
        (
            M1,
            blog(
                &[],
                "        migrations.CreateModel(\"Post\", [(\"create_time\", models.DateTimeField())]),\n",
            ),
        ),
        (
            "blog/migrations/0002_rename.py",
            blog(
                &["0001_initial"],
                "        migrations.RenameField(\"post\", \"create_time\", \"craete_time\"),\n",
            ),
        ),
    ]);
    let run = concise(&repo, &[]);
    assert_eq!(
        findings(&run),
        ["blog/migrations/0002_rename.py:8:56: error[field-name]"],
        "{run:?}"
    );
}

/// A deleted model takes its fields with it; one re-created with a wrong name has it again,
/// where it is re-created. Model names compare without case.
#[test]
fn deleted_and_recreated_models() {
    let repo = repo_with(&[
        (M1, blog(&[], CREATE)),
        (
            "blog/migrations/0002_delete.py",
            blog(
                &["0001_initial"],
                "        migrations.DeleteModel(name=\"post\"),\n",
            ),
        ),
        (
            "blog/migrations/0003_again.py",
            blog(
                &["0002_delete"],
                "        migrations.CreateModel(\"POST\", [(\"udpate_time\", models.DateTimeField())]),\n",
            ),
        ),
    ]);
    let run = concise(&repo, &[]);
    assert_eq!(
        findings(&run),
        ["blog/migrations/0003_again.py:8:43: error[field-name]"],
        "{run:?}"
    );
}

/// Fields follow their model through `RenameModel`; a later rename on the new model name
/// supersedes the name written under the old one.
#[test]
fn fields_follow_a_renamed_model() {
    let repo = repo_with(&[
        (M1, blog(&[], CREATE)),
        (
            "blog/migrations/0002_article.py",
            blog(
                &["0001_initial"],
                "        migrations.RenameModel(\"Post\", \"Article\"),\n        migrations.RenameField(\"article\", \"craete_time\", \"create_time\"),\n        migrations.RenameField(\"article\", \"udpate_time\", \"update_time\"),\n        migrations.RenameField(\"article\", \"is_delted\", \"is_deleted\"),\n",
            ),
        ),
    ]);
    let run = concise(&repo, &[]);
    assert_eq!(run.code, 0, "{run:?}");
}

/// A `db_column` an `AlterField` takes away is no longer the column; one it sets is.
#[test]
fn db_column_follows_alter_field() {
    let repo = repo_with(&[
        (
            M1,
            blog(
                &[],
                "        migrations.CreateModel(\"Post\", [(\"title\", models.CharField(db_column=\"craete_time\"))]),\n        migrations.CreateModel(\"Tag\", [(\"title\", models.CharField())]),\n",
            ),
        ),
        (
            "blog/migrations/0002_columns.py",
            blog(
                &["0001_initial"],
                "        migrations.AlterField(\"post\", \"title\", models.CharField()),\n        migrations.AlterField(\"tag\", \"title\", models.CharField(db_column=\"udpate_time\")),\n",
            ),
        ),
    ]);
    let run = concise(&repo, &[]);
    assert_eq!(
        findings(&run),
        ["blog/migrations/0002_columns.py:9:75: error[db-column] column"],
        "{run:?}"
    );
    let run = concise(&repo, &["--history"]);
    assert_eq!(findings(&run).len(), 2, "{run:?}");
}

/// A squashed migration stands for those it replaces: a name is reported once, in the squash.
#[test]
fn squash_stands_for_what_it_replaces() {
    let squash = blog(&[], CREATE).replace(
        "    dependencies = []",
        "    replaces = [(\"blog\", \"0001_initial\"), (\"blog\", \"0002_more\")]\n\n    dependencies = []",
    );
    let repo = repo_with(&[
        (M1, blog(&[], CREATE)),
        (
            "blog/migrations/0002_more.py",
            blog(
                &["0001_initial"],
                "        migrations.AddField(\"post\", \"title\", models.TextField()),\n",
            ),
        ),
        ("blog/migrations/0001_squashed_0002_more.py", squash),
        (
            "blog/migrations/0003_next.py",
            blog(
                &["0002_more"],
                "        migrations.RemoveField(\"post\", \"is_delted\"),\n",
            ),
        ),
    ]);
    let run = concise(&repo, &[]);
    assert_eq!(
        findings(&run),
        [
            "blog/migrations/0001_squashed_0002_more.py:14:19: error[field-name]",
            "blog/migrations/0001_squashed_0002_more.py:15:19: error[field-name]",
        ],
        "{run:?}"
    );
}

/// Where the state is not known exactly the text is judged, as with `--history`: a project's
/// own operation on the model, a model name that is not a literal.
#[test]
fn unknown_operations_keep_the_text_rule() {
    let fix = "        migrations.RenameField(\"post\", \"craete_time\", \"create_time\"),\n";
    for (what, extra) in [
        (
            "own operation",
            "        MoveColumns(model_name=\"post\"),\n",
        ),
        (
            "computed model",
            "        migrations.RemoveField(MODEL, \"title\"),\n",
        ),
        ("splat", "        *EXTRA,\n"),
    ] {
        let repo = repo_with(&[
            (M1, blog(&[], CREATE)),
            (
                "blog/migrations/0002_fix.py",
                blog(&["0001_initial"], &format!("{fix}{extra}")),
            ),
        ]);
        let run = concise(&repo, &[]);
        assert_eq!(findings(&run).len(), 3, "{what}: {run:?}");
    }
}

/// The state-based report equals the text-based one wherever no name is renamed, removed or
/// re-created later: on every fixture project.
#[test]
fn same_as_history_where_nothing_is_renamed() {
    let fixtures = crate::support::fixtures();
    for entry in std::fs::read_dir(&fixtures).expect("fixtures").flatten() {
        let dir = entry.path();
        if !dir.is_dir() {
            continue;
        }
        let state = crate::support::run_in(&dir, &["--all", "--no-config", "--format", "json"]);
        let text = crate::support::run_in(
            &dir,
            &["--all", "--no-config", "--format", "json", "--history"],
        );
        let renames = [
            "RenameField",
            "RemoveField",
            "DeleteModel",
            "RenameModel",
            "replaces",
        ];
        let mut later = false;
        for file in walk(&dir) {
            let content = std::fs::read_to_string(&file).unwrap_or_default();
            later |= renames.iter().any(|word| content.contains(word));
        }
        if !later {
            assert_eq!(state.stdout, text.stdout, "{}", dir.display());
        }
        assert!(state.stdout.len() <= text.stdout.len(), "{}", dir.display());
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "py") {
                found.push(path);
            }
        }
    }
    found
}

/// A baseline written before a squash accepts the same names after it, in `--all` and in the
/// commit that adds the squash: entries match by app folder, model, name and rule.
#[test]
fn baseline_survives_a_squash() {
    let repo = repo_with(&[
        (M1, blog(&[], CREATE)),
        (
            "blog/migrations/0002_more.py",
            blog(
                &["0001_initial"],
                "        migrations.AddField(\"post\", \"title\", models.TextField()),\n",
            ),
        ),
    ]);
    repo.write(".check-migrate.toml", "baseline = \"baseline.json\"\n");
    let run = repo.check(&["--all", "--write-baseline"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("wrote 3 finding(s)"), "{run:?}");
    repo.commit_all("baseline");
    let squash = blog(
        &[],
        &format!("{CREATE}        migrations.AddField(\"post\", \"title\", models.TextField()),\n"),
    )
    .replace(
        "    dependencies = []",
        "    replaces = [(\"blog\", \"0001_initial\"), (\"blog\", \"0002_more\")]\n\n    dependencies = []",
    );
    repo.write("blog/migrations/0001_squashed_0002_more.py", &squash);
    repo.git(&["add", "."]);
    let run = concise(&repo, &[]);
    assert_eq!(run.code, 0, "--all after the squash: {run:?}");
    assert!(!run.stderr.contains("no longer match"), "{run:?}");
    repo.install_hook(repo.path());
    let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", "squash"]);
    assert_eq!(run.code, 0, "committing the squash: {run:?}");
    // The squashed migrations go, as they do once every database has run the squash.
    repo.git(&["rm", "-q", M1, "blog/migrations/0002_more.py"]);
    let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", "drop the old ones"]);
    assert_eq!(run.code, 0, "{run:?}");
    let run = concise(&repo, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stderr.contains("no longer match"), "{run:?}");
    // A new wrong name is still caught, also one the baseline accepts on another model.
    repo.write(
        "blog/migrations/0003_next.py",
        blog(&["0001_squashed_0002_more"], "        migrations.AddField(\"post\", \"is_top\", models.BooleanField()),\n        migrations.AddField(\"tag\", \"craete_time\", models.DateTimeField()),\n"),
    );
    repo.git(&["add", "."]);
    let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", "next"]);
    assert_ne!(run.code, 0, "{run:?}");
}

/// A repository whose `0001` holds names accepted long ago, with the hook installed after.
fn hooked_with_history() -> Repo {
    let repo = repo_with(&[(M1, blog(&[], CREATE))]);
    repo.install_hook(repo.path());
    repo
}

fn commit(repo: &Repo, message: &str) -> crate::support::Run {
    repo.git(&["add", "-A"]);
    repo.git_hooked(repo.path(), &["commit", "-q", "-m", message])
}

/// Squashing an app brings no name into its schema, though every line of the squash is new.
#[test]
fn commit_of_a_squash_passes() {
    let repo = hooked_with_history();
    repo.write(
        "blog/migrations/0002_title.py",
        blog(
            &["0001_initial"],
            "        migrations.AddField(\"post\", \"title\", models.TextField()),\n",
        ),
    );
    assert_eq!(commit(&repo, "title").code, 0);
    let squash = blog(
        &[],
        &format!("{CREATE}        migrations.AddField(\"post\", \"title\", models.TextField()),\n"),
    )
    .replace(
        "    dependencies = []",
        "    replaces = [(\"blog\", \"0001_initial\"), (\"blog\", \"0002_title\")]\n\n    dependencies = []",
    );
    repo.write("blog/migrations/0001_squashed_0002_title.py", &squash);
    let run = commit(&repo, "squash");
    assert_eq!(run.code, 0, "{run:?}");
    // And once the old files go, the squash alone still has them: nothing new.
    repo.git(&["rm", "-q", M1, "blog/migrations/0002_title.py"]);
    let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", "drop"]);
    assert_eq!(run.code, 0, "{run:?}");
    // `--since` judges the same way: the squash and the removal bring nothing.
    let run = repo.check(&["--since", "HEAD~2", "--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
}

/// A field added with a wrong name and renamed by the next migration of the same commit
/// leaves the right name in the schema.
#[test]
fn commit_adding_then_renaming_passes() {
    let repo = hooked_with_history();
    repo.write(
        "blog/migrations/0002_stamp.py",
        blog(
            &["0001_initial"],
            "        migrations.AddField(\"post\", \"updata_time\", models.DateTimeField()),\n",
        ),
    );
    repo.write(
        "blog/migrations/0003_rename.py",
        blog(
            &["0002_stamp"],
            "        migrations.RenameField(\"post\", \"updata_time\", \"update_time\"),\n",
        ),
    );
    let run = commit(&repo, "stamp");
    assert_eq!(run.code, 0, "{run:?}");
    // Without the rename the same name blocks.
    repo.write(
        "blog/migrations/0004_again.py",
        blog(
            &["0003_rename"],
            "        migrations.AddField(\"post\", \"updata_time\", models.DateTimeField()),\n",
        ),
    );
    let run = commit(&repo, "again");
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("0004_again.py:8:"), "{run:?}");
}

/// What brings a wrong name into the schema is blocked where it does: a rename to it, an
/// `AlterField` that sets it as the column, a model deleted and created again with it.
#[test]
fn commits_bringing_a_name_into_the_schema_are_blocked() {
    let cases = [
        (
            "rename",
            "        migrations.RenameField(\"post\", \"title\", \"updata_time\"),\n",
            "0002_x.py:8:",
        ),
        (
            "db_column",
            "        migrations.AlterField(\"post\", \"title\", models.TextField(db_column=\"updata_time\")),\n",
            "0002_x.py:8:",
        ),
        (
            "re-created",
            "        migrations.DeleteModel(\"Post\"),\n        migrations.CreateModel(\"Post\", [(\"updata_time\", models.DateTimeField())]),\n",
            "0002_x.py:9:",
        ),
    ];
    for (what, ops, place) in cases {
        let repo = repo_with(&[(
            M1,
            blog(
                &[],
                "        migrations.CreateModel(\"Post\", [(\"title\", models.TextField())]),\n",
            ),
        )]);
        repo.install_hook(repo.path());
        repo.write("blog/migrations/0002_x.py", blog(&["0001_initial"], ops));
        let run = commit(&repo, what);
        assert_ne!(run.code, 0, "{what}: {run:?}");
        assert!(run.stdout.contains(place), "{what}: {run:?}");
        assert!(
            run.stdout.contains("`updata_time` should be `update_time`"),
            "{what}: {run:?}"
        );
    }
}

/// A model deleted and re-created with a name its old self had: the name comes back into
/// the schema with the new model, so the commit that re-creates it is blocked.
#[test]
fn commit_recreating_a_deleted_model_with_an_old_name_is_blocked() {
    let repo = repo_with(&[
        (M1, blog(&[], CREATE)),
        (
            "blog/migrations/0002_delete.py",
            blog(
                &["0001_initial"],
                "        migrations.DeleteModel(\"Post\"),\n",
            ),
        ),
    ]);
    repo.install_hook(repo.path());
    repo.write(
        "blog/migrations/0003_again.py",
        blog(&["0002_delete"], "        migrations.CreateModel(\"Post\", [(\"craete_time\", models.DateTimeField())]),\n"),
    );
    let run = commit(&repo, "again");
    assert_ne!(run.code, 0, "{run:?}");
}

/// A merge resolved by renumbering the other branch's migration: the file is new to both
/// parents, but the other parent's schema had its name, so the merge brings nothing.
#[test]
fn merge_whose_other_parent_had_the_name_passes() {
    let repo = repo_with(&[(
        M1,
        blog(
            &[],
            "        migrations.CreateModel(\"Post\", [(\"title\", models.TextField())]),\n",
        ),
    )]);
    repo.write("NOTES", "base\n");
    repo.commit_all("notes");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(
        "blog/migrations/0002_stamp.py",
        blog(
            &["0001_initial"],
            "        migrations.AddField(\"post\", \"updata_time\", models.DateTimeField()),\n",
        ),
    );
    repo.write("NOTES", "feature\n");
    repo.commit_all("accepted on the branch");
    repo.git(&["checkout", "-q", "main"]);
    repo.write(
        "blog/migrations/0002_body.py",
        blog(
            &["0001_initial"],
            "        migrations.AddField(\"post\", \"body\", models.TextField()),\n",
        ),
    );
    repo.write("NOTES", "main\n");
    repo.commit_all("body");
    repo.install_hook(repo.path());
    let merge = repo
        .git_cmd(&["merge", "-q", "feature"])
        .output()
        .expect("git merge");
    assert!(!merge.status.success(), "the merge should stop on NOTES");
    repo.write("NOTES", "both\n");
    repo.git(&["rm", "-q", "--cached", "blog/migrations/0002_stamp.py"]);
    std::fs::remove_file(repo.path().join("blog/migrations/0002_stamp.py")).expect("rm");
    repo.write(
        "blog/migrations/0003_stamp.py",
        blog(
            &["0002_body"],
            "        migrations.AddField(\"post\", \"updata_time\", models.DateTimeField()),\n",
        ),
    );
    let run = commit(&repo, "merge");
    assert_eq!(run.code, 0, "{run:?}");
}

/// Names that leave the schema within the change bring nothing: a field added and its model
/// deleted, a model created and deleted; and a column the field already had by its name,
/// made explicit with `db_column`, is no new column. (Found against Django's own
/// `makemigrations` output.)
#[test]
fn commits_leaving_the_schema_as_it_was_pass() {
    let post = "        migrations.CreateModel(\"Post\", [(\"title\", models.TextField())]),\n";
    // (file name, the migration it follows, its operations)
    type Migrations = Vec<(&'static str, &'static str, &'static str)>;
    let cases: [(&str, Migrations, Migrations); 3] = [
        (
            "added, then its model deleted",
            vec![],
            vec![
                (
                    "0002_add.py",
                    "0001_initial",
                    "        migrations.AddField(\"post\", \"craete_time\", models.DateTimeField(null=True)),\n",
                ),
                (
                    "0003_delete.py",
                    "0002_add",
                    "        migrations.DeleteModel(name=\"Post\"),\n",
                ),
            ],
        ),
        (
            "created, then deleted",
            vec![],
            vec![
                (
                    "0002_note.py",
                    "0001_initial",
                    "        migrations.CreateModel(\n            name=\"Note\",\n            fields=[(\"craete_time\", models.DateTimeField(null=True))],\n        ),\n",
                ),
                (
                    "0003_del_note.py",
                    "0002_note",
                    "        migrations.DeleteModel(name=\"Note\"),\n",
                ),
            ],
        ),
        (
            "default column made explicit, then renamed",
            vec![(
                "0002_add.py",
                "0001_initial",
                "        migrations.AddField(\"post\", \"craete_time\", models.DateTimeField(null=True)),\n",
            )],
            vec![(
                "0003_keep_column.py",
                "0002_add",
                "        migrations.AlterField(\"post\", \"craete_time\", models.DateTimeField(db_column=\"craete_time\")),\n        migrations.RenameField(\"post\", \"craete_time\", \"create_time\"),\n",
            )],
        ),
    ];
    for (what, committed, staged) in cases {
        let mut files = vec![(M1.to_string(), blog(&[], post))];
        for (name, after, ops) in committed {
            files.push((format!("blog/migrations/{name}"), blog(&[after], ops)));
        }
        let files: Vec<(&str, String)> =
            files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
        let repo = repo_with(&files);
        repo.install_hook(repo.path());
        for (name, after, ops) in staged {
            repo.write(&format!("blog/migrations/{name}"), blog(&[after], ops));
        }
        let run = commit(&repo, what);
        assert_eq!(run.code, 0, "{what}: {run:?}");
    }
}

/// Path mode judges the schema too: the files named are read with the other migrations in
/// their folder, so a name renamed by a file not named is history there as well.
#[test]
fn path_mode_judges_the_schema_of_the_folder() {
    let repo = repo_with(&[
        (M1, blog(&[], CREATE)),
        (
            "blog/migrations/0002_fix.py",
            blog(
                &["0001_initial"],
                "        migrations.RenameField(\"post\", \"craete_time\", \"create_time\"),\n",
            ),
        ),
    ]);
    let paths = |extra: &[&str]| {
        let mut args = vec!["--format", "concise", "--color", "never"];
        args.extend_from_slice(extra);
        repo.check(&args)
    };
    let run = paths(&[M1]);
    assert_eq!(
        findings(&run),
        [
            format!("{M1}:13:19: error[field-name]"),
            format!("{M1}:14:19: error[field-name]"),
        ],
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("note: 1 finding(s) on names that later migrations renamed"),
        "{run:?}"
    );
    assert_eq!(findings(&paths(&["blog/migrations"])).len(), 2);
    // From inside the app, by a path relative to it, and by an absolute path.
    let run = repo.check_in(
        "blog",
        &["--format", "concise", "migrations/0001_initial.py"],
    );
    assert_eq!(findings(&run).len(), 2, "{run:?}");
    let absolute = repo.path().join(M1);
    let run = paths(&[absolute.to_str().expect("temporary paths are UTF-8")]);
    assert_eq!(findings(&run).len(), 2, "{run:?}");
    let run = paths(&["--history", M1]);
    assert_eq!(findings(&run).len(), 3, "{run:?}");
}

/// Outside a repository, the app's label comes from its `apps.py`, as in the other modes.
#[test]
fn path_mode_reads_the_label_outside_a_repository() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("a folder");
        std::fs::write(path, text).expect("a file");
    };
    write("blog/__init__.py", "");
    write(
        "blog/apps.py",
        "from django.apps import AppConfig\n\n\nclass BlogConfig(AppConfig):\n    name = \"blog\"\n    label = \"weblog\"\n",
    );
    write("blog/migrations/__init__.py", "");
    write(M1, &blog(&[], CREATE));
    let rename = blog(
        &["0001_initial"],
        "        migrations.RenameField(\"post\", \"craete_time\", \"create_time\"),\n",
    );
    write(
        "blog/migrations/0002_fix.py",
        &rename.replace("(\"blog\",", "(\"weblog\","),
    );
    let run = crate::support::run_in(dir.path(), &["--format", "concise", M1]);
    assert_eq!(findings(&run).len(), 2, "{run:?}");
    // A project operation anywhere in the app leaves the state unknown: the text is judged.
    write(
        "blog/migrations/0003_custom.py",
        &blog(&["0002_fix"], "        RenameColumns(\"post\"),\n")
            .replace("(\"blog\",", "(\"weblog\","),
    );
    let run = crate::support::run_in(dir.path(), &["--format", "concise", M1]);
    assert_eq!(findings(&run).len(), 3, "{run:?}");
}

/// `altered-field-name` nudges while the field keeps its wrong name: an `AlterField` whose
/// field the same commit renames leaves nothing to nudge about.
#[test]
fn altering_a_field_renamed_in_the_same_commit_is_no_nudge() {
    let repo = hooked_with_history();
    let alter = "        migrations.AlterField(\"post\", \"craete_time\", models.DateTimeField(null=True)),\n";
    repo.write(
        "blog/migrations/0002_alter.py",
        blog(&["0001_initial"], alter),
    );
    repo.write(
        "blog/migrations/0003_rename.py",
        blog(
            &["0002_alter"],
            "        migrations.RenameField(\"post\", \"craete_time\", \"create_time\"),\n",
        ),
    );
    repo.git(&["add", "-A"]);
    let run = repo.check(&["--format", "concise", "--color", "never"]);
    assert_eq!((run.code, findings(&run).len()), (0, 0), "{run:?}");
    // Without the rename, the nudge stays.
    repo.git(&["rm", "-q", "--cached", "blog/migrations/0003_rename.py"]);
    let run = repo.check(&["--format", "concise", "--color", "never"]);
    assert_eq!(
        findings(&run),
        ["blog/migrations/0002_alter.py:8:40: warning[altered-field-name]"],
        "{run:?}"
    );
    assert_eq!(run.code, 0, "{run:?}");
}

/// Baseline entries carry the app's label: an app moved to another folder keeps its
/// baseline, in `--all` and in the commit that moves it. Entries written without a label
/// still match by file and by folder.
#[test]
fn baseline_follows_an_app_to_another_folder() {
    let repo = repo_with(&[(M1, blog(&[], CREATE))]);
    repo.write(
        "blog/apps.py",
        "from django.apps import AppConfig\n\n\nclass BlogConfig(AppConfig):\n    name = \"blog\"\n",
    );
    repo.write(".check-migrate.toml", "baseline = \"baseline.json\"\n");
    let run = repo.check(&["--all", "--write-baseline"]);
    assert!(run.stderr.contains("wrote 3 finding(s)"), "{run:?}");
    let written = std::fs::read_to_string(repo.path().join("baseline.json")).expect("written");
    assert_eq!(written.matches("\"app\": \"blog\"").count(), 3, "{written}");
    repo.commit_all("baseline");
    repo.install_hook(repo.path());
    repo.git(&["mv", "blog", "apps"]);
    repo.write("apps/__init__.py", "");
    repo.write(
        "apps/apps.py",
        "from django.apps import AppConfig\n\n\nclass BlogConfig(AppConfig):\n    name = \"apps\"\n    label = \"blog\"\n",
    );
    repo.git(&["add", "-A"]);
    let run = concise(&repo, &[]);
    assert_eq!(run.code, 0, "--all after the move: {run:?}");
    assert!(!run.stderr.contains("no longer match"), "{run:?}");
    let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", "move the app"]);
    assert_eq!(run.code, 0, "committing the move: {run:?}");
    // A baseline of an older version, without labels: its file, or its folder, still match.
    let old = |path: &str| {
        format!(
            "{{\"version\": 1, \"findings\": [{}]}}\n",
            ["craete_time", "udpate_time", "is_delted"]
                .map(|name| format!(
                    "{{\"path\": \"{path}\", \"model\": \"Post\", \"name\": \"{name}\", \"rule\": \"field-name\"}}"
                ))
                .join(", ")
        )
    };
    repo.write("baseline.json", old("apps/migrations/0001_initial.py"));
    assert_eq!(concise(&repo, &[]).code, 0);
    repo.write("baseline.json", old("apps/migrations/0001_squashed.py"));
    let run = concise(&repo, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stderr.contains("no longer match"), "{run:?}");
    // Without a label, another folder is another app.
    repo.write("baseline.json", old("blog/migrations/0001_initial.py"));
    let run = concise(&repo, &[]);
    assert_eq!(findings(&run).len(), 3, "{run:?}");
}

/// A change that takes out what renamed or removed a wrong name brings the name back into
/// the schema without writing it: it is reported where it was written.
#[test]
fn commits_bringing_a_name_back_are_blocked() {
    let repo = hooked_with_history();
    let fix = "blog/migrations/0002_fix.py";
    repo.write(
        fix,
        blog(
            &["0001_initial"],
            "        migrations.RenameField(\"post\", \"craete_time\", \"create_time\"),\n        migrations.RemoveField(\"post\", \"is_delted\"),\n",
        ),
    );
    assert_eq!(commit(&repo, "fix").code, 0);
    // The RemoveField taken out: `is_delted` is in the schema again.
    repo.write(
        fix,
        blog(
            &["0001_initial"],
            "        migrations.RenameField(\"post\", \"craete_time\", \"create_time\"),\n",
        ),
    );
    let run = commit(&repo, "keep is_delted");
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("`is_delted` should be `is_deleted`"),
        "{run:?}"
    );
    assert!(run.stdout.contains(&format!("{M1}:14:19")), "{run:?}");
    assert!(!run.stdout.contains("craete_time"), "{run:?}");
    // The whole migration deleted: both names are back.
    repo.git(&["rm", "-q", "--cached", fix]);
    std::fs::remove_file(repo.path().join(fix)).expect("delete the migration");
    let run = repo.check(&["--format", "concise", "--color", "never"]);
    assert_eq!(
        findings(&run),
        [
            format!("{M1}:12:19: error[field-name]"),
            format!("{M1}:14:19: error[field-name]"),
        ],
        "{run:?}"
    );
    // Committed anyway, `--since` sees the same.
    repo.git(&["commit", "-q", "--no-verify", "-m", "drop the fix"]);
    let run = repo.check(&[
        "--since", "HEAD~1", "--format", "concise", "--color", "never",
    ]);
    assert_eq!(findings(&run).len(), 2, "{run:?}");
    // `--history` judges the text: nothing is written.
    let run = repo.check(&["--since", "HEAD~1", "--history", "--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
}

/// A project's own operation on the model, in a migration that does not name the field,
/// leaves the state unknown in a commit as in `--all`: the text is judged.
#[test]
fn commit_with_an_own_operation_on_the_model_keeps_the_text_rule() {
    let repo = repo_with(&[(
        M1,
        blog(
            &[],
            "        migrations.CreateModel(\"Post\", [(\"id\", models.AutoField(primary_key=True))]),\n",
        ),
    )]);
    repo.write(
        "blog/migrations/0002_add.py",
        blog(
            &["0001_initial"],
            "        migrations.AddField(\"post\", \"craete_time\", models.DateTimeField(null=True)),\n",
        ),
    );
    repo.write(
        "blog/migrations/0003_own.py",
        blog(&["0002_add"], "        MoveColumns(model_name=\"post\"),\n"),
    );
    repo.write(
        "blog/migrations/0004_fix.py",
        blog(
            &["0003_own"],
            "        migrations.RenameField(\"post\", \"craete_time\", \"create_time\"),\n",
        ),
    );
    repo.git(&["add", "-A"]);
    let staged = repo.check(&["--format", "concise", "--color", "never"]);
    assert_eq!(
        findings(&staged),
        ["blog/migrations/0002_add.py:8:38: error[field-name]"],
        "{staged:?}"
    );
    assert_eq!(findings(&concise(&repo, &[])), findings(&staged));
}
