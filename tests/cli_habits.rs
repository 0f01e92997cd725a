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
        migration(&["craete_time", "udpate_time", "create_time2"]),
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
            "    1  field-name       craete_time -> create_time",
            "    1  field-name       udpate_time -> update_time",
            "    1  multiple-leaves",
        ],
        "{run:?}"
    );
    let run = repo.check(&["--all", "--statistics", "--format", "json"]);
    let parsed: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON statistics");
    assert_eq!(parsed[0]["rule"], "field-name", "{run:?}");
    assert_eq!(parsed[0]["suggestion"], "create_time", "{run:?}");
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

#[test]
fn rules_explain_themselves() {
    let dir = tempfile::tempdir().expect("a directory");
    let run = crate::support::run_in(dir.path(), &["rule", "multiple-leaves"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.starts_with("multiple-leaves (default: error)\n"),
        "{run:?}"
    );
    assert!(run.stdout.contains("makemigrations --merge"), "{run:?}");
    let explained = crate::support::run_in(dir.path(), &["--explain", "multiple-leaves"]);
    assert_eq!(explained.stdout, run.stdout);
    let all = crate::support::run_in(dir.path(), &["rule", "--all"]);
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md"),
    )
    .expect("docs/rules.md");
    assert_eq!(all.stdout, docs);
    let run = crate::support::run_in(dir.path(), &["rule", "multiple-leafs"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("did you mean `multiple-leaves`?"),
        "{run:?}"
    );
    let help = crate::support::run_in(dir.path(), &["--help"]);
    assert!(
        help.stdout
            .contains("  dependency-cycle     Migrations depend on each other in a cycle."),
        "{help:?}"
    );
}

#[test]
fn shell_completions_and_the_manual() {
    let dir = tempfile::tempdir().expect("a directory");
    for (shell, mark) in [
        ("bash", "complete -F _check__migrate"),
        ("zsh", "#compdef check-migrate"),
        ("fish", "complete -c check-migrate"),
    ] {
        let run = crate::support::run_in(dir.path(), &["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {run:?}");
        assert!(run.stdout.contains(mark), "{shell}: {run:?}");
        assert!(run.stdout.contains("select"), "{shell}: {run:?}");
    }
    // Sourced in bash, the script registers the completion and completes a flag.
    let script = dir.path().join("check-migrate.bash");
    let bash = crate::support::run_in(dir.path(), &["completions", "bash"]);
    std::fs::write(&script, bash.stdout).expect("write the script");
    let sourced = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {}; complete -p check-migrate; COMP_WORDS=(check-migrate --sele); COMP_CWORD=1; _check__migrate check-migrate --sele check-migrate; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        ))
        .output()
        .expect("bash is needed to source the completion script");
    let out = String::from_utf8_lossy(&sourced.stdout);
    assert!(
        sourced.status.success(),
        "{out} {}",
        String::from_utf8_lossy(&sourced.stderr)
    );
    assert!(out.contains("-F _check__migrate check-migrate"), "{out}");
    assert!(out.lines().any(|line| line == "--select"), "{out}");
    // The manual renders with man(1).
    let page = dir.path().join("check-migrate.1");
    let man = crate::support::run_in(dir.path(), &["man"]);
    assert_eq!(man.code, 0, "{man:?}");
    std::fs::write(&page, &man.stdout).expect("write the page");
    let rendered = std::process::Command::new("man")
        .arg("-l")
        .arg(&page)
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("MANWIDTH", "80")
        .output()
        .expect("man(1) is needed to render the manual page (Debian: apt-get install man-db)");
    let text = String::from_utf8_lossy(&rendered.stdout);
    assert!(rendered.status.success(), "{text}");
    assert!(
        text.contains("NAME") && text.contains("check-migrate"),
        "{text}"
    );
    assert!(text.contains("--statistics"), "{text}");
}

#[test]
fn syntax_errors_say_why() {
    let repo = repo();
    let head = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = []\n\n    operations = [\n";
    let cases = [
        (
            "<<<<<<< HEAD\n        migrations.AddField(\"post\", \"title\", models.TextField()),\n=======\n        migrations.AddField(\"post\", \"body\", models.TextField()),\n>>>>>>> feature\n    ]\n",
            "8:1: error[syntax-error] the file does not parse as Python: a merge-conflict marker `<<<<<<<` is left in the file",
        ),
        (
            "        migrations.AddField(\"post\", \"title\", models.TextField()\n    ]\n",
            "9:5: error[syntax-error] the file does not parse as Python: closing parenthesis ']' does not match opening parenthesis '(' on line 8",
        ),
        (
            "        migrations.AddField(\"post\", \"title, models.TextField()),\n    ]\n",
            "8:37: error[syntax-error] the file does not parse as Python: unterminated string literal (detected at line 8)",
        ),
    ];
    for (operations, want) in cases {
        repo.write(
            "blog/migrations/0003_broken.py",
            format!("{head}{operations}"),
        );
        let run = repo.check(&["--format", "concise", "blog/migrations/0003_broken.py"]);
        assert_eq!(run.code, 1, "{run:?}");
        assert!(
            run.stdout
                .contains(&format!("blog/migrations/0003_broken.py:{want}")),
            "{want}\n{run:?}"
        );
    }
}

/// Run the binary in `repo` with `stdin` piped in.
fn check_with_stdin(repo: &Repo, args: &[&str], stdin: &str) -> crate::support::Run {
    use std::io::Write;
    let mut child = crate::support::check_migrate(repo.path(), repo.home())
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run check-migrate");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    crate::support::Run::from(child.wait_with_output().expect("wait"))
}

#[test]
fn stdin_filename_checks_a_buffer_as_that_file() {
    let repo = Repo::new();
    repo.write("blog/__init__.py", "");
    repo.write("blog/migrations/__init__.py", "");
    repo.write(M1, migration(&["created"]));
    repo.commit_all("blog");
    let args = ["--stdin-filename", M1, "--format", "concise"];
    // The buffer, not the file: a wrong name typed but not saved is found, at its place.
    let run = check_with_stdin(&repo, &args, &migration(&["craete_time"]));
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.starts_with(&format!(
            "{M1}:9:38: error[field-name] `craete_time` should be `create_time`"
        )),
        "{run:?}"
    );
    assert!(std::fs::read_to_string(repo.path().join(M1)).is_ok_and(|t| t.contains("created")));
    // And the right name is clean, whatever the file on disk says.
    let clean = check_with_stdin(&repo, &args, &migration(&["created"]));
    assert_eq!(clean.code, 0, "{clean:?}");
    // A file that does not exist yet (a new buffer) is checked as the path says.
    let new = "blog/migrations/0002_new.py";
    let run = check_with_stdin(
        &repo,
        &["--stdin-filename", new, "--format", "concise"],
        &migration_after(&[("blog", "0001_initial")], "udpate_time"),
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.starts_with(&format!("{new}:")), "{run:?}");
    // With paths it makes no sense: refused by the argument parser.
    let both = check_with_stdin(&repo, &["--stdin-filename", M1, M1], "");
    assert_eq!(both.code, 2, "{both:?}");
}
