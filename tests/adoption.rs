//! Team adoption: the config file and its errors, suppression comments, and the baseline.

use crate::support::{M1, M2, Repo, finding, migration, second};

const CONCISE: [&str; 2] = ["--format", "concise"];

fn concise(repo: &Repo, args: &[&str]) -> crate::support::Run {
    let mut all = CONCISE.to_vec();
    all.extend_from_slice(args);
    repo.check(&all)
}

#[test]
fn config_library_replaces_and_extend_library_adds() {
    let repo = Repo::new();
    repo.write(M1, migration(&["craete_time", "desciption", "pub_stamp"]));
    repo.write(
        "docs/field_library.csv",
        "correct_name,description,wrong_names\ncreate_time,creation time,craete_time\n",
    );
    repo.write(
        "docs/ours.csv",
        "correct_name,description,wrong_names\npublished_at,publication time,pub_stamp\n",
    );
    repo.write(
        ".check-migrate.toml",
        "library = [\"docs/field_library.csv\"]\nextend-library = [\"docs/ours.csv\"]\n",
    );
    let run = concise(&repo, &["--all"]);
    assert_eq!(
        run.lines(),
        [
            finding(M1, 9, "craete_time", "create_time").as_str(),
            finding(M1, 11, "pub_stamp", "published_at").as_str(),
            "checked 1 migration file: 2 errors, 0 warnings",
        ],
        "desciption is only in the built-in library, which `library` replaced"
    );
    // Only extending: the built-in library plus ours.
    repo.write(
        ".check-migrate.toml",
        "extend-library = [\"docs/ours.csv\"]\n",
    );
    let run = concise(&repo, &["--all"]);
    assert_eq!(run.lines().len(), 4, "{run:?}");
    // --library overrides `library`; extend-library still adds.
    repo.write(
        ".check-migrate.toml",
        "library = [\"docs/ours.csv\"]\nextend-library = [\"docs/ours.csv\"]\n",
    );
    let run = concise(&repo, &["--all", "--library", "docs/field_library.csv"]);
    assert_eq!(run.lines().len(), 3, "{run:?}");
}

#[test]
fn pyproject_table_is_found_from_a_subdirectory() {
    let repo = Repo::new();
    repo.write(M1, migration(&["craete_time", "addres"]));
    repo.write(
        "pyproject.toml",
        "[project]\nname = \"blog\"\n\n[tool.ruff]\nline-length = 100\n\n[tool.check-migrate]\nallow = [\"addres\"]\n",
    );
    let run = repo.check_in("blog", &["--format", "concise", "migrations"]);
    assert_eq!(
        run.lines(),
        [
            finding(M1, 9, "craete_time", "create_time").as_str(),
            "checked 1 migration file: 1 error, 0 warnings",
        ]
    );
    // A pyproject.toml without the table is passed over; a nearer .check-migrate.toml wins.
    repo.write("blog/pyproject.toml", "[project]\nname = \"inner\"\n");
    repo.write("blog/.check-migrate.toml", "allow = [\"craete_time\"]\n");
    let run = repo.check_in("blog", &["--format", "concise", "migrations"]);
    assert_eq!(run.lines().len(), 2, "only `addres` now: {run:?}");
    assert!(
        run.lines()[0].contains("`addres` should be `address`"),
        "{run:?}"
    );
    let run = repo.check_in(
        "blog",
        &["--format", "concise", "--no-config", "migrations"],
    );
    assert_eq!(run.lines().len(), 3, "{run:?}");
}

#[test]
fn include_exclude_allow_and_severity_keys() {
    let repo = Repo::new();
    repo.write(M1, migration(&["craete_time"]));
    repo.write(
        "legacy/blog/migrations/0001_initial.py",
        migration(&["craete_time"]),
    );
    repo.write(
        "shop/db_migrations/0001_initial.py",
        migration(&["udpate_time", "descripton"]),
    );
    repo.write(
        ".check-migrate.toml",
        "include = [\"**/migrations/*.py\", \"**/db_migrations/*.py\"]\nexclude = [\"legacy/**\"]\nallow = [\"Post.craete_time\"]\n\n[severity]\nfield-name = \"warning\"\n",
    );
    let run = concise(&repo, &["--all"]);
    assert_eq!(run.code, 0, "warnings only: {run:?}");
    assert_eq!(
        run.lines(),
        [
            "shop/db_migrations/0001_initial.py:9:38: warning[field-name] `udpate_time` should be `update_time`",
            "shop/db_migrations/0001_initial.py:10:38: warning[field-name] `descripton` should be `description`",
            "checked 2 migration files: 0 errors, 2 warnings",
        ]
    );
    repo.write(".check-migrate.toml", "[severity]\nfield-name = \"off\"\n");
    let run = concise(&repo, &["--all"]);
    assert_eq!(
        run.lines(),
        ["checked 2 migration files: no problems found"]
    );
}

#[test]
fn format_key_and_flag_override() {
    let repo = Repo::new();
    repo.write(M1, migration(&["craete_time"]));
    repo.write(".check-migrate.toml", "format = \"concise\"\n");
    let run = repo.check(&["--all"]);
    assert_eq!(run.lines()[0], finding(M1, 9, "craete_time", "create_time"));
    let run = repo.check(&["--all", "--format", "full", "--color", "never"]);
    assert!(
        run.stdout.starts_with("error[field-name]: `craete_time`"),
        "{run:?}"
    );
}

/// Each bad config stops the run with exit 2 and names the file, the line and the key.
#[test]
fn bad_configs_are_precise_errors() {
    let cases: &[(&str, &str)] = &[
        (
            "format = \"full\"\nlibraries = [\"x.csv\"]\n",
            "error: .check-migrate.toml:2: unknown key `libraries`, expected one of",
        ),
        (
            "include = \"**/migrations/*.py\"\n",
            "error: .check-migrate.toml:1: key `include`: invalid type: string \"**/migrations/*.py\", expected a list",
        ),
        (
            "\n\nlibrary = [\"docs/missing.csv\"]\n",
            "error: .check-migrate.toml:3: key `library`: library file `docs/missing.csv` does not exist",
        ),
        (
            "[severity]\nfield-name = \"fatal\"\n",
            "error: .check-migrate.toml:2: key `field-name`: unknown variant `fatal`, expected one of `error`, `warning`, `off`",
        ),
        (
            "[severity]\nfield_name = \"off\"\n",
            "error: .check-migrate.toml:2: key `field_name`: unknown rule in [severity]; did you mean `field-name`?",
        ),
        (
            "[severity]\nstrictness = \"off\"\n",
            "error: .check-migrate.toml:2: key `strictness`: unknown rule in [severity]; expected one of field-name,",
        ),
        (
            "allow = [\"blog.Post.title\"]\n",
            "error: .check-migrate.toml:1: key `allow`: `blog.Post.title` is not a field name or `Model.name`",
        ),
        (
            "format = \"xml\"\n",
            "error: .check-migrate.toml:1: key `format`: unknown format `xml`; expected one of full, concise, json, github, sarif",
        ),
        (
            "library = [\n",
            "error: .check-migrate.toml:1: key `library`: unclosed array, expected `]`",
        ),
    ];
    for (config, expected) in cases {
        let repo = Repo::new();
        repo.write(M1, migration(&["title"]));
        repo.write(".check-migrate.toml", config);
        let run = repo.check(&["--all"]);
        assert_eq!(run.code, 2, "{config}: {run:?}");
        assert!(
            run.stderr.starts_with(expected),
            "{config}:\n{}",
            run.stderr
        );
        assert_eq!(run.stdout, "", "nothing is checked with a bad config");
    }
}

#[test]
fn named_config_errors() {
    let repo = Repo::new();
    repo.write(M1, migration(&["craete_time"]));
    let run = repo.check(&["--all", "--config", "nope.toml"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .starts_with("error: cannot read config nope.toml:"),
        "{run:?}"
    );
    repo.write("pyproject.toml", "[project]\nname = \"x\"\n");
    let run = repo.check(&["--all", "--config", "pyproject.toml"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: pyproject.toml: no [tool.check-migrate] table\n"
    );
    repo.write("ci.toml", "allow = [\"craete_time\"]\n");
    let run = repo.check(&["--all", "--config", "ci.toml"]);
    assert_eq!(run.code, 0, "{run:?}");
}

const MULTI_LINE: &str = "from django.db import migrations, models


class Migration(migrations.Migration):

    operations = [
        migrations.AddField(FIRST
            model_name=\"post\",
            name=\"craete_time\",MIDDLE
            field=models.DateTimeField(null=True),
        ),LAST
        migrations.CreateModel(MODEL
            name=\"Order\",
            fields=[
                (\"id\", models.AutoField(primary_key=True)),
                (ENTRY
                    \"udpate_time\",
                    models.DateTimeField(),
                ),
                (\"is_delted\", models.BooleanField()),
            ],
        ),
    ]
";

fn suppressed(marker: &str, comment: &str) -> crate::support::Run {
    let repo = Repo::new();
    let text = ["FIRST", "MIDDLE", "LAST", "MODEL", "ENTRY"]
        .iter()
        .fold(MULTI_LINE.to_string(), |text, m| {
            text.replace(m, if *m == marker { comment } else { "" })
        });
    repo.write(M1, text);
    concise(&repo, &[M1])
}

fn reported(run: &crate::support::Run) -> Vec<String> {
    run.lines()
        .iter()
        .filter(|l| l.starts_with(M1) && l.contains("[field-name]"))
        .filter_map(|l| l.split('`').nth(1).map(str::to_string))
        .collect()
}

#[test]
fn suppression_on_first_middle_and_last_line_of_an_operation() {
    let none = suppressed("", "");
    assert_eq!(reported(&none), ["craete_time", "udpate_time", "is_delted"]);
    for marker in ["FIRST", "MIDDLE", "LAST"] {
        let run = suppressed(marker, "  # check-migrate: ignore");
        assert_eq!(
            reported(&run),
            ["udpate_time", "is_delted"],
            "{marker}: {run:?}"
        );
    }
}

#[test]
fn suppression_in_create_model_covers_one_entry_or_the_whole_model() {
    let run = suppressed("ENTRY", "  # check-migrate: ignore[field-name]");
    assert_eq!(reported(&run), ["craete_time", "is_delted"], "{run:?}");
    let run = suppressed("MODEL", "  # check-migrate: ignore");
    assert_eq!(reported(&run), ["craete_time"], "{run:?}");
}

#[test]
fn suppression_of_another_rule_does_not_apply() {
    let run = suppressed(
        "MIDDLE",
        "  # check-migrate: ignore[db-column, altered-field-name]",
    );
    assert_eq!(
        reported(&run),
        ["craete_time", "udpate_time", "is_delted"],
        "{run:?}"
    );
}

#[test]
fn suppression_naming_an_unknown_rule_is_a_warning() {
    let run = suppressed("MIDDLE", "  # check-migrate: ignore[field-name, fieldname]");
    assert_eq!(reported(&run), ["udpate_time", "is_delted"], "{run:?}");
    assert!(
        run.stdout.contains(&format!(
            "{M1}:9:34: warning[invalid-suppression] suppression comment: unknown rule `fieldname` (did you mean `field-name`?)"
        )),
        "{run:?}"
    );
    let run = suppressed("MIDDLE", "  # check-migrate: ignroe");
    assert!(
        run.stdout.contains(
            "warning[invalid-suppression] suppression comment: unknown directive `ignroe`"
        ),
        "{run:?}"
    );
}

#[test]
fn unused_suppression_is_reported_with_all_only() {
    let repo = Repo::new();
    repo.write(
        M1,
        migration(&["title", "craete_time"]).replace(
            "\"title\", models.DateTimeField(null=True)),",
            "\"title\", models.DateTimeField(null=True)),  # check-migrate: ignore",
        ),
    );
    let run = concise(&repo, &["--all"]);
    assert!(
        run.stdout.contains(&format!(
            "{M1}:9:81: warning[unused-suppression] suppression comment suppresses nothing"
        )),
        "{run:?}"
    );
    let run = concise(&repo, &[M1]);
    assert!(!run.stdout.contains("unused-suppression"), "{run:?}");
}

#[test]
fn baseline_round_trip() {
    let repo = Repo::new();
    repo.write(M1, migration(&["craete_time", "title", "udpate_time"]));
    repo.commit_all("old migrations");
    let run = repo.check(&["--all", "--write-baseline"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.starts_with("wrote 2 finding(s) to the baseline"),
        "{run:?}"
    );
    let text = std::fs::read_to_string(repo.path().join(".check-migrate-baseline.json"))
        .expect("baseline written at the root");
    assert_eq!(
        text,
        format!(
            "{{\n  \"version\": 1,\n  \"findings\": [\n    {{\n      \"path\": \"{M1}\",\n      \"app\": \"blog\",\n      \"model\": \"post\",\n      \"name\": \"craete_time\",\n      \"rule\": \"field-name\"\n    }},\n    {{\n      \"path\": \"{M1}\",\n      \"app\": \"blog\",\n      \"model\": \"post\",\n      \"name\": \"udpate_time\",\n      \"rule\": \"field-name\"\n    }}\n  ]\n}}\n"
        )
    );
    repo.write(
        ".check-migrate.toml",
        "baseline = \".check-migrate-baseline.json\"\n",
    );
    let run = concise(&repo, &["--all"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.lines(), ["checked 1 migration file: no problems found"]);

    // One new wrong field: exactly one finding.
    repo.write(
        M1,
        migration(&["craete_time", "title", "udpate_time", "is_delted"]),
    );
    let run = concise(&repo, &["--all"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.lines(),
        [
            "blog/migrations/0001_initial.py:12:38: error[field-name] `is_delted` should be `is_deleted`",
            "checked 1 migration file: 1 error, 0 warnings",
        ]
    );

    // A baselined finding moved ten lines down still matches.
    let mut names = vec!["title"; 10];
    names.extend(["craete_time", "udpate_time"]);
    repo.write(M1, migration(&names));
    let run = concise(&repo, &["--all"]);
    assert_eq!(run.code, 0, "{run:?}");

    // An entry that no longer matches is listed with --all so the file can be pruned.
    repo.write(M1, migration(&["craete_time"]));
    let run = concise(&repo, &["--all"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .contains("note: 1 baseline entry no longer match anything")
            && run
                .stderr
                .contains(&format!("  {M1} post.udpate_time [field-name]")),
        "{run:?}"
    );
}

#[test]
fn baseline_flag_and_bad_baselines() {
    let repo = Repo::new();
    repo.write(M1, migration(&["craete_time"]));
    let run = repo.check(&["--all", "--write-baseline", "base.json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(repo.check(&["--all", "--baseline", "base.json"]).code, 0);
    let run = repo.check(&["--all", "--baseline", "missing.json"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .starts_with("error: cannot read baseline missing.json:"),
        "{run:?}"
    );
    repo.write("bad.json", "{\"version\": 1}");
    let run = repo.check(&["--all", "--baseline", "bad.json"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.starts_with(
            "error: baseline bad.json is not a check-migrate baseline: missing field `findings`"
        ),
        "{run:?}"
    );
}

#[test]
fn globs_are_relative_to_a_config_in_a_subdirectory() {
    let repo = Repo::new();
    repo.write(
        "backend/apps/shop/migrations/0001_initial.py",
        migration(&["craete_time"]),
    );
    repo.write(
        "backend/apps/shop/old/0001_initial.py",
        migration(&["craete_time"]),
    );
    repo.write(
        "backend/.check-migrate.toml",
        "exclude = [\"apps/shop/migrations/*.py\"]\ninclude = [\"apps/*/old/*.py\"]\n",
    );
    let run = repo.check_in("backend", &["--format", "concise", "--all"]);
    assert_eq!(
        run.lines(),
        [
            finding(
                "backend/apps/shop/old/0001_initial.py",
                9,
                "craete_time",
                "create_time"
            )
            .as_str(),
            "checked 1 migration file: 1 error, 0 warnings",
        ],
        "{run:?}"
    );
}

#[test]
fn config_in_a_parent_directory_keeps_its_globs() {
    let repo = Repo::new();
    repo.write(
        "backend/apps/shop/db/0001_initial.py",
        migration(&["craete_time"]),
    );
    repo.write(
        ".check-migrate.toml",
        "include = [\"backend/apps/*/db/*.py\"]\n",
    );
    let run = repo.check_in("backend", &["--all", "--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("backend/apps/shop/db/0001_initial.py:9:38"),
        "{run:?}"
    );
}

/// `--write-baseline FILE` naming a file that is not a baseline (an uncommitted migration)
/// refuses and leaves it whole; `--force` replaces it.
#[test]
fn write_baseline_refuses_to_overwrite_other_files() {
    let repo = Repo::new();
    repo.write(M1, migration(&["craete_time"]));
    repo.commit_all("initial");
    let draft = second(&["title"]);
    repo.write(M2, &draft);
    let run = repo.check(&["--all", "--write-baseline", M2]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.starts_with(&format!(
            "error: refusing to overwrite {M2}: it is not a check-migrate baseline"
        )) && run.stderr.contains("pass --force to replace it"),
        "{run:?}"
    );
    let kept = std::fs::read_to_string(repo.path().join(M2)).expect("draft kept");
    assert_eq!(kept, draft);
    let run = repo.check(&["--all", "--write-baseline", "base.json", "--force"]);
    assert_eq!(run.code, 0, "a new file needs no force either: {run:?}");
    repo.write("notes.txt", "keep me\n");
    let run = repo.check(&["--all", "--write-baseline", "notes.txt", "--force"]);
    assert_eq!(run.code, 0, "{run:?}");
    let text = std::fs::read_to_string(repo.path().join("notes.txt")).expect("written");
    assert!(text.starts_with("{\n  \"version\": 1"), "{text}");
    // Written through a temporary file beside it, which is gone.
    let leftovers: Vec<_> = std::fs::read_dir(repo.path())
        .expect("root")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A baseline holds every finding of its files; the staged change and `--since` see only
/// the lines they add, so writing one from them is refused and the committed one is kept.
#[test]
fn write_baseline_needs_whole_files() {
    let repo = Repo::new();
    repo.write(M1, migration(&["craete_time", "udpate_time"]));
    repo.commit_all("initial");
    assert_eq!(repo.check(&["--all", "--write-baseline"]).code, 0);
    repo.commit_all("baseline");
    let path = repo.path().join(".check-migrate-baseline.json");
    let before = std::fs::read_to_string(&path).expect("baseline");
    repo.write(M2, second(&["is_delted"]));
    repo.git(&["add", M2]);
    for args in [
        vec!["--write-baseline"],
        vec!["--since", "HEAD", "--write-baseline"],
    ] {
        let run = repo.check(&args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(
            run.stderr
                .starts_with("error: --write-baseline needs --all or paths"),
            "{args:?}: {run:?}"
        );
        assert_eq!(std::fs::read_to_string(&path).expect("kept"), before);
    }
}

/// With paths, the baseline's entries for the files checked are replaced and the others
/// kept: `check-migrate --write-baseline blog/migrations/0002.py` accepts that file's
/// findings without forgetting the rest.
#[test]
fn write_baseline_for_paths_keeps_other_files_entries() {
    let repo = Repo::new();
    repo.write(M1, migration(&["craete_time", "udpate_time"]));
    repo.commit_all("initial");
    assert_eq!(repo.check(&["--all", "--write-baseline"]).code, 0);
    repo.write(M2, second(&["is_delted"]));
    let run = repo.check(&[M2, "--write-baseline"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.starts_with("wrote 1 finding(s) to the baseline"),
        "{run:?}"
    );
    repo.write(
        ".check-migrate.toml",
        "baseline = \".check-migrate-baseline.json\"\n",
    );
    let run = concise(&repo, &["--all"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stderr.contains("no longer match"), "{run:?}");
}
