//! The added lines against `git diff --cached` itself, on a big rewrite, on the edits people
//! make to migrations and on seeded random edits of migration-like text, where lines repeat
//! and a diff has many equally short answers.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use git2::DiffOptions;

use super::{added, diff, every_line};

#[test]
fn insertions_and_replacements() {
    assert_eq!(added(b"a\nb\nc\n", b"a\nx\nb\nc\ny\n"), vec![2..3, 5..6]);
    assert_eq!(added(b"a\nb\n", b"a\nB\n"), vec![2..3]);
    assert!(added(b"a\nb\n", b"a\n").is_empty());
    assert!(added(b"a\n", b"a\n").is_empty());
    assert_eq!(added(b"", b"a\nb"), vec![1..3]);
}

#[test]
fn a_new_line_end_is_a_change() {
    assert_eq!(added(b"a", b"a\n"), vec![1..2]);
    assert_eq!(added(b"a\n", b"a\r\n"), vec![1..2]);
    // A NUL byte does not make the file binary (and so without lines).
    assert_eq!(added(b"a\n", b"a\n\0b\n"), vec![2..3]);
}

/// When libgit2 gives no diff (here it is told the file is binary, as it decides for one
/// over 1 GiB), every line of the new side counts.
#[test]
fn no_diff_counts_every_line() {
    let mut options = DiffOptions::new();
    options.context_lines(0).force_binary(true);
    assert_eq!(diff(b"a\nb\n", b"a\nc\n", &mut options), None);
    assert_eq!(every_line(b"a\nc\n"), vec![1..3]);
    assert_eq!(every_line(b"a\r\nc"), vec![1..3]);
    assert!(every_line(b"").is_empty());
}

#[test]
fn added_lines_cover_gits() {
    let mut cases: Vec<(String, Vec<u8>, Vec<u8>)> = Vec::new();
    let mut case = |name: &str, old: String, new: String| {
        cases.push((name.to_string(), old.into_bytes(), new.into_bytes()));
    };

    // A rewrite of a 40,000-line migration, every line changed; and one where the field
    // tuples keep their repeated `(` and `),` lines.
    let fields = |prefix: &str, length: usize, count: usize| -> String {
        (0..count)
            .map(|i| {
                format!(
                    "                (\"{prefix}_{i}\", models.CharField(max_length={length})),\n"
                )
            })
            .collect()
    };
    case(
        "rewrite",
        create_model(&fields("field", 32, 40_000)),
        create_model(&fields("column", 64, 40_000)),
    );
    let exploded = |prefix: &str, count: usize| -> String {
        (0..count)
            .map(|i| format!("                (\n                    \"{prefix}_{i}\",\n                    models.CharField(max_length=32),\n                ),\n"))
            .collect()
    };
    case(
        "rewrite-exploded",
        create_model(&exploded("field", 10_000)),
        create_model(&exploded("column", 10_000)),
    );
    let big = create_model(&fields("field", 32, 40_000));
    case(
        "big-one-line",
        big.clone(),
        big.replace("\"field_20000\"", "\"create_time\""),
    );

    // The edits people make.
    let ops: Vec<String> = (0..8)
        .map(|i| add_field("post", &format!("f{i}")))
        .collect();
    let base = migration(&ops);
    let with = |at: usize, op: String| {
        let mut ops = ops.clone();
        ops.insert(at, op);
        migration(&ops)
    };
    case(
        "append-op",
        base.clone(),
        with(8, add_field("post", "create_time")),
    );
    case(
        "insert-op",
        base.clone(),
        with(3, add_field("post", "create_time")),
    );
    case("duplicate-op", base.clone(), with(3, ops[3].clone()));
    case(
        "alter-to-add",
        base.replace("AddField", "AlterField"),
        base.replace("AlterField", "AddField"),
    );
    case(
        "rename",
        base.clone(),
        base.replace("\"f4\"", "\"create_time\""),
    );
    let mut moved = ops.clone();
    let op = moved.remove(1);
    moved.insert(6, op);
    case("move-op", base.clone(), migration(&moved));
    case("remove-op", base.clone(), migration(&ops[1..]));
    case("crlf", base.clone(), base.replacen('\n', "\r\n", 12));
    case(
        "no-final-newline",
        base.clone(),
        base.trim_end().to_string(),
    );
    case("from-empty", String::new(), base.clone());
    case("to-empty", base.clone(), String::new());
    case(
        "field-in-model",
        create_model(&exploded("field", 6)),
        create_model(&(exploded("field", 3) + &exploded("created", 1) + &exploded("x", 2))),
    );

    // Seeded random edits over lines that repeat.
    let vocabulary = [
        "        migrations.AddField(\n",
        "            model_name=\"post\",\n",
        "            name=\"a\",\n",
        "            name=\"create_time\",\n",
        "            field=models.IntegerField(),\n",
        "        ),\n",
        "\n",
        "    ]\n",
        "x\r\n",
        "x",
    ];
    let mut random = Random(7);
    for n in 0..300 {
        let len = random.below(80);
        let old: Vec<&str> = (0..len)
            .map(|_| vocabulary[random.below(vocabulary.len())])
            .collect();
        let mut new = old.clone();
        for _ in 0..=random.below(8) {
            let at = random.below(new.len() + 1);
            match random.below(3) {
                0 => {
                    for _ in 0..=random.below(4) {
                        new.insert(at, vocabulary[random.below(vocabulary.len())]);
                    }
                }
                1 if at < new.len() => {
                    new.remove(at);
                }
                _ if at < new.len() => new[at] = vocabulary[random.below(vocabulary.len())],
                _ => {}
            }
        }
        case(&format!("random-{n}"), old.concat(), new.concat());
    }

    let theirs = git_added(&cases);
    let mut missed = Vec::new();
    for ((name, old, new), theirs) in cases.iter().zip(&theirs) {
        let ours: BTreeSet<usize> = added(old, new).into_iter().flatten().collect();
        if name == "big-one-line" {
            assert_eq!(ours, BTreeSet::from([20_012]), "{name}: one line edited");
        }
        if !theirs.is_subset(&ours) {
            missed.push(format!("{name}: git adds {theirs:?}, we add {ours:?}"));
        }
    }
    assert!(
        missed.is_empty(),
        "{} of {} cases:\n{}",
        missed.len(),
        cases.len(),
        missed.join("\n")
    );
}

const HEAD: &str = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = []\n\n    operations = [\n";

fn migration(ops: &[String]) -> String {
    format!("{HEAD}{}    ]\n", ops.concat())
}

fn add_field(model: &str, name: &str) -> String {
    format!(
        "        migrations.AddField(\n            model_name=\"{model}\",\n            name=\"{name}\",\n            field=models.IntegerField(default=0),\n        ),\n"
    )
}

fn create_model(fields: &str) -> String {
    format!(
        "{HEAD}        migrations.CreateModel(\n            name=\"Big\",\n            fields=[\n{fields}            ],\n        ),\n    ]\n"
    )
}

/// A small linear congruential generator: the same cases on every run.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        if n == 0 {
            0
        } else {
            (self.0 >> 33) as usize % n
        }
    }
}

/// The lines `git diff --cached` shows as added, for each case: every old side committed
/// in one repository, every new side staged, one diff.
fn git_added(cases: &[(String, Vec<u8>, Vec<u8>)]) -> Vec<BTreeSet<usize>> {
    let dir = tempfile::TempDir::new().expect("temporary directory");
    let repo = dir.path();
    let file = |index: usize| repo.join(format!("f{index:04}.py"));
    git(repo, &["init", "-q"]);
    for (index, (_, old, _)) in cases.iter().enumerate() {
        std::fs::write(file(index), old).expect("write the old side");
    }
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "--allow-empty", "-m", "old"]);
    for (index, (_, _, new)) in cases.iter().enumerate() {
        std::fs::write(file(index), new).expect("write the new side");
    }
    git(repo, &["add", "-A"]);
    let diff = git(
        repo,
        &[
            "diff",
            "--cached",
            "-U0",
            "--no-color",
            "--no-renames",
            "--no-ext-diff",
        ],
    );
    let mut added = vec![BTreeSet::new(); cases.len()];
    let mut current = None;
    for line in diff.lines() {
        if let Some(rest) = line.strip_prefix("diff --git a/f") {
            current = rest.get(..4).and_then(|n| n.parse::<usize>().ok());
        } else if let (Some(rest), Some(index)) = (line.strip_prefix("@@ -"), current) {
            let new = rest
                .split(' ')
                .nth(1)
                .expect("the new side of a hunk header");
            let new = new.trim_start_matches('+');
            let (start, len) = match new.split_once(',') {
                Some((start, len)) => (start, len.parse().expect("a hunk length")),
                None => (new, 1),
            };
            let start: usize = start.parse().expect("a hunk start");
            added[index].extend(start..start + len);
        }
    }
    added
}

/// git in `dir` with no configuration from outside; panics with its stderr on failure.
fn git(dir: &Path, args: &[&str]) -> String {
    let mut command = Command::new("git");
    command.current_dir(dir).args(args);
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_COMMON_DIR",
    ] {
        command.env_remove(var);
    }
    let output = command
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .output()
        .expect("run git");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}
