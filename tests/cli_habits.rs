//! The command-line habits of ruff users: `--select`/`--ignore`, `--exit-zero`, `--quiet`,
//! `--statistics`, `FORCE_COLOR`, and a run that says nothing it need not.

use crate::support::{M1, Repo, migration, migration_after};

/// `blog` with a wrong name in `0001` and two leaves (`0002_a`, `0002_b`), committed.
fn repo() -> Repo {
    let repo = Repo::new();
    repo.write("blog/__init__.py", "");
    repo.write("blog/migrations/__init__.py", "");
    repo.write(
        M1,
        migration(&["create_time", "update_time", "create_time2"]),
    );
    repo.write(
        "blog/migrations/0002_a.py",
        migration_after(&[("blog", "0001_initial")], "create_time3"),
    );
    repo.write(
        "blog/migrations/0002_b.py",
        migration_after(&[("blog", "0001_initial")], "title"),
    );
    repo.commit_all("blog");
    repo
}

fn rules(run: &crate::support::Run) -> Vec<String> {
    run.lines()
        .iter()
        .filter_map(|line| Some(line.split_once('[')?.1.split_once(']')?.0.to_string()))
        .collect()
}

#[test]
fn select_and_ignore_pick_rules() {
    let repo = repo();
    let all = repo.check(&["--all", "--format", "concise"]);
    assert!(
        rules(&all).contains(&"multiple-leaves".to_string()),
        "{all:?}"
    );
    let run = repo.check(&["--all", "--format", "concise", "--select", "field-name"]);
    assert_eq!(rules(&run), ["field-name", "field-name"], "{run:?}");
    let run = repo.check(&["--all", "--format", "concise", "--ignore", "field-name"]);
    assert_eq!(rules(&run), ["multiple-leaves"], "{run:?}");
    let run = repo.check(&[
        "--all",
        "--format",
        "concise",
        "--select",
        "field-name,multiple-leaves",
        "--ignore",
        "field-name",
    ]);
    assert_eq!(rules(&run), ["multiple-leaves"], "{run:?}");
    // A rule the config switched off comes back when selected.
    repo.write(
        ".check-migrate.toml",
        "[severity]\nmultiple-leaves = \"off\"\n",
    );
    let run = repo.check(&["--all", "--format", "concise"]);
    assert!(
        !rules(&run).contains(&"multiple-leaves".to_string()),
        "{run:?}"
    );
    let run = repo.check(&[
        "--all",
        "--format",
        "concise",
        "--select",
        "multiple-leaves",
    ]);
    assert_eq!(rules(&run), ["multiple-leaves"], "{run:?}");
    // A typo is answered with the rule it is closest to.
    let run = repo.check(&["--all", "--select", "field-nmae"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("unknown rule `field-nmae`; did you mean `field-name`?"),
        "{run:?}"
    );
    let run = repo.check(&["--all", "--ignore", "everything"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("the rules are field-name, "), "{run:?}");
}

#[test]
fn exit_zero_quiet_and_statistics() {
    let repo = repo();
    let run = repo.check(&["--all", "--format", "concise", "--exit-zero"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("error[field-name]"), "{run:?}");
    // A run that cannot check is still 2.
    let run = repo.check(&["--exit-zero", "no/such/file.py"]);
    assert_eq!(run.code, 2, "{run:?}");
    // Quiet: the findings, no summary.
    let run = repo.check(&["--all", "--format", "concise", "-q"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.lines().len(), 3, "{run:?}");
    assert!(!run.stdout.contains("checked "), "{run:?}");
    // Statistics: counts per rule and wrong name, most first, instead of the findings.
    let run = repo.check(&["--all", "--statistics"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.lines(),
        [
            "    1  field-name       create_time -> created_at",
            "    1  field-name       update_time -> updated_at",
            "    1  multiple-leaves",
        ],
        "{run:?}"
    );
    let run = repo.check(&["--all", "--statistics", "--format", "json"]);
    let parsed: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON statistics");
    assert_eq!(parsed[0]["rule"], "field-name", "{run:?}");
    assert_eq!(parsed[0]["suggestion"], "created_at", "{run:?}");
    assert_eq!(parsed[0]["count"], 1, "{run:?}");
    assert_eq!(parsed[2]["name"], serde_json::Value::Null, "{run:?}");
}

#[test]
fn force_color_and_no_color() {
    let repo = repo();
    let run_with = |var: &str| {
        let mut cmd = crate::support::check_migrate(repo.path(), repo.home());
        cmd.args(["--all", "--format", "concise"]).env(var, "1");
        crate::support::Run::from(cmd.output().expect("run check-migrate"))
    };
    assert!(run_with("FORCE_COLOR").stdout.contains("\u{1b}["));
    assert!(!run_with("NO_COLOR").stdout.contains("\u{1b}["));
    let mut cmd = crate::support::check_migrate(repo.path(), repo.home());
    cmd.args(["--all", "--format", "concise"])
        .env("FORCE_COLOR", "1")
        .env("NO_COLOR", "1");
    let run = crate::support::Run::from(cmd.output().expect("run check-migrate"));
    assert!(!run.stdout.contains("\u{1b}["), "NO_COLOR wins: {run:?}");
}

#[test]
fn a_missing_path_is_not_also_no_problems() {
    let repo = repo();
    let run = repo.check(&["blog/migrations/0009_missing.py"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "", "{run:?}");
    assert!(run.stderr.contains("0009_missing.py"), "{run:?}");
}
