//! Paths that are not UTF-8 (a migration, or a directory, named in Latin-1): checked in every
//! mode, staged (both index readers, and through real commits), `--since`, `--all` and paths,
//! and shown the same way in each, every byte that is not UTF-8 as `\xNN`. A migration
//! committed under such a name never makes a later commit look as if it added it.

use crate::support::{M1, Repo, Run, finding, migration, migration_after, second};

/// A migration of `blog` named in Latin-1 (`0002_café.py`), and how it is shown.
const CAFE: &[u8] = b"blog/migrations/0002_caf\xe9.py";
const CAFE_SHOWN: &str = "blog/migrations/0002_caf\\xE9.py";
/// An app in a directory named in Latin-1 (its label, `shop`, is plain).
const SHOP: &[u8] = b"caf\xe9/shop/migrations/0001_initial.py";
const SHOP_SHOWN: &str = "caf\\xE9/shop/migrations/0001_initial.py";
/// That app's next migration, itself named in Latin-1 (`0002_détail.py`).
const DETAIL: &[u8] = b"caf\xe9/shop/migrations/0002_d\xe9tail.py";
const DETAIL_SHOWN: &str = "caf\\xE9/shop/migrations/0002_d\\xE9tail.py";

fn raw(path: &[u8]) -> &std::ffi::OsStr {
    std::os::unix::ffi::OsStrExt::from_bytes(path)
}

/// `blog`'s first migration committed, and a README.
fn repo_with_blog() -> Repo {
    let repo = Repo::new();
    repo.write("blog/migrations/__init__.py", "");
    repo.write(M1, migration(&["title"]));
    repo.write("README.md", "project\n");
    repo.commit_all("initial");
    repo
}

fn write_cafe(repo: &Repo) {
    repo.write_raw(CAFE, second(&["craete_time"]));
}

fn write_shop(repo: &Repo) {
    repo.write_raw(SHOP, migration(&["udpate_time"]));
}

fn write_detail(repo: &Repo) {
    repo.write_raw(
        DETAIL,
        migration_after(&[("shop", "0001_initial")], "craete_time"),
    );
}

fn cafe_finding() -> String {
    finding(CAFE_SHOWN, 9, "craete_time", "create_time")
}

fn shop_finding() -> String {
    finding(SHOP_SHOWN, 9, "udpate_time", "update_time")
}

fn detail_finding() -> String {
    finding(DETAIL_SHOWN, 11, "craete_time", "create_time")
}

/// The concise finding lines of a run.
fn errors(run: &Run) -> Vec<&str> {
    run.lines()
        .into_iter()
        .filter(|line| line.contains(": error[") || line.contains(": warning["))
        .collect()
}

/// Run `args` in concise format and expect exactly `expected` findings (exit 1, or 0 when
/// there are none).
fn expect(repo: &Repo, args: &[&str], expected: &[String]) {
    let mut all = vec!["--format", "concise"];
    all.extend_from_slice(args);
    let run = repo.check(&all);
    assert_eq!(
        run.code,
        i32::from(!expected.is_empty()),
        "{args:?}: {run:?}"
    );
    assert_eq!(errors(&run), expected, "{args:?}: {run:?}");
    assert!(!run.stderr.contains("error:"), "{args:?}: {run:?}");
}

#[test]
fn staged_non_utf8_paths_are_checked_by_both_index_readers() {
    let repo = repo_with_blog();
    write_cafe(&repo);
    write_shop(&repo);
    write_detail(&repo);
    repo.git(&["add", "-A"]);
    let expected = [cafe_finding(), shop_finding(), detail_finding()];
    expect(&repo, &[], &expected);
    // The libgit2 reader and tree-to-index diff.
    expect(&repo, &["--no-prefilter"], &expected);
}

#[test]
fn hook_blocks_a_wrong_name_in_a_non_utf8_path() {
    let repo = repo_with_blog();
    repo.install_hook(repo.path());
    write_cafe(&repo);
    repo.git(&["add", "-A"]);
    let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", "cafe"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(&format!("--> {CAFE_SHOWN}:9:38")),
        "{run:?}"
    );
}

/// Migrations committed long ago under non-UTF-8 names, holding wrong names: a commit that
/// touches their directories, or another file, passes; a new one is blocked. Both sides of the
/// staged comparison (`HEAD`'s trees and the index) must name such a file alike, or it would
/// look newly added on every commit.
/// `libgit2`: also compare with the libgit2 path (which cannot read a split index).
fn committed_non_utf8_paths_block_no_later_commit(setup: &[&[&str]], libgit2: bool) {
    let repo = repo_with_blog();
    write_cafe(&repo);
    write_shop(&repo);
    repo.commit_all("accepted long ago");
    for args in setup {
        repo.git(args);
    }
    repo.install_hook(repo.path());
    type Step = fn(&Repo);
    let steps: [(&str, Step); 3] = [
        ("the same directory", |r| {
            r.write(M1, migration(&["title"]) + "# a note\n");
        }),
        ("the non-UTF-8 directory", |r| {
            r.write_raw(b"caf\xe9/shop/migrations/__init__.py", "");
        }),
        ("another file", |r| {
            r.write("README.md", "project, moved on\n")
        }),
    ];
    for (what, step) in steps {
        step(&repo);
        repo.git(&["add", "-A"]);
        expect(&repo, &[], &[]);
        if libgit2 {
            expect(&repo, &["--no-prefilter"], &[]);
        }
        let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", what]);
        assert_eq!(run.code, 0, "a commit touching {what} passes: {run:?}");
    }
    write_detail(&repo);
    repo.git(&["add", "-A"]);
    expect(&repo, &[], &[detail_finding()]);
    if libgit2 {
        expect(&repo, &["--no-prefilter"], &[detail_finding()]);
    }
    let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", "detail"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(&format!("--> {DETAIL_SHOWN}:11:38")),
        "{run:?}"
    );
    // Only the new file: the old names stay accepted, and the app's graph resolves.
    assert!(!run.stdout.contains("udpate_time"), "{run:?}");
    assert!(!run.stdout.contains(CAFE_SHOWN), "{run:?}");
    assert!(!run.stdout.contains("missing-dependency"), "{run:?}");
}

#[test]
fn committed_non_utf8_paths_block_no_later_commit_index_v2() {
    committed_non_utf8_paths_block_no_later_commit(&[], true);
}

#[test]
fn committed_non_utf8_paths_block_no_later_commit_index_v4() {
    committed_non_utf8_paths_block_no_later_commit(
        &[
            &["config", "index.version", "4"],
            &["update-index", "--index-version", "4"],
        ],
        true,
    );
}

#[test]
fn committed_non_utf8_paths_block_no_later_commit_split_index() {
    committed_non_utf8_paths_block_no_later_commit(
        &[
            &["config", "core.splitIndex", "true"],
            &["update-index", "--split-index"],
        ],
        false,
    );
}

#[test]
fn index_v4_prefix_compression_across_non_utf8_paths() {
    let repo = repo_with_blog();
    write_cafe(&repo);
    write_shop(&repo);
    repo.commit_all("accepted long ago");
    repo.git(&["update-index", "--index-version", "4"]);
    write_detail(&repo);
    // Paths sharing a prefix with a non-UTF-8 one, before and after it in byte order (the
    // emoji's first byte, 0xF0, sorts after 0xE9).
    let before = "blog/migrations/0002_cafa.py";
    let after = "blog/migrations/0002_caf\u{1F600}.py";
    repo.write(before, second(&["is_delted"]));
    repo.write(after, second(&["udpate_time"]));
    repo.git(&["add", "-A"]);
    let index = std::fs::read(repo.path().join(".git/index")).expect("index");
    assert_eq!(index.get(4..8), Some(&[0, 0, 0, 4][..]), "version 4");
    let expected = [
        finding(before, 9, "is_delted", "is_deleted"),
        finding(after, 9, "udpate_time", "update_time"),
        detail_finding(),
    ];
    for args in [&[][..], &["--no-prefilter"]] {
        let mut all = vec!["--format", "concise"];
        all.extend_from_slice(args);
        let run = repo.check(&all);
        // The app now has three leaves, which is reported too.
        let names: Vec<&str> = errors(&run)
            .into_iter()
            .filter(|line| line.contains("error[field-name]"))
            .collect();
        assert_eq!(names, expected, "{args:?}: {run:?}");
    }
}

#[test]
fn since_checks_non_utf8_paths() {
    let repo = repo_with_blog();
    write_shop(&repo);
    repo.commit_all("shop, accepted long ago");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    write_cafe(&repo);
    write_detail(&repo);
    repo.commit_all("odd names");
    // `shop`'s first migration is found in `HEAD` for the dependency on it.
    expect(
        &repo,
        &["--since", "main"],
        &[cafe_finding(), detail_finding()],
    );
}

#[test]
fn all_and_paths_check_non_utf8_paths_tracked_and_untracked() {
    let repo = repo_with_blog();
    write_cafe(&repo);
    write_shop(&repo);
    repo.commit_all("tracked");
    write_detail(&repo);
    let expected = [cafe_finding(), shop_finding(), detail_finding()];
    expect(&repo, &["--all"], &expected);
    expect(&repo, &["--all", "--no-prefilter"], &expected);
    expect(&repo, &["."], &expected);
    // The same form in the machine formats.
    let run = repo.check(&["--all", "--format", "json"]);
    let findings: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let paths: Vec<&str> = findings
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(paths, [CAFE_SHOWN, SHOP_SHOWN, DETAIL_SHOWN], "{run:?}");
}

#[test]
fn merge_counts_only_lines_new_to_every_parent_of_a_non_utf8_path() {
    let repo = repo_with_blog();
    repo.write_raw(CAFE, second(&["title"]));
    repo.commit_all("cafe");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write_raw(CAFE, second(&["title", "craete_time"]));
    repo.commit_all("feature's name, checked on its branch");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("README.md", "main moves on\n");
    repo.commit_all("main work");
    repo.git(&["merge", "--no-ff", "--no-commit", "feature"]);
    expect(&repo, &[], &[]);
    // A line the merge itself adds is this commit's doing.
    repo.write_raw(CAFE, second(&["title", "craete_time", "udpate_time"]));
    repo.git(&["add", "-A"]);
    let expected = [finding(CAFE_SHOWN, 11, "udpate_time", "update_time")];
    expect(&repo, &[], &expected);
    expect(&repo, &["--no-prefilter"], &expected);
}

#[test]
fn rename_needing_similarity_keeps_non_utf8_paths_unchanged() {
    let repo = repo_with_blog();
    write_cafe(&repo);
    write_shop(&repo);
    let fields: String = (0..12)
        .map(|i| {
            format!(
                "        migrations.AddField(\"order\", \"field_{i}\", models.IntegerField()),\n"
            )
        })
        .collect();
    let old = format!(
        "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = [(\"shop\", \"0001_initial\")]\n\n    operations = [\n{fields}    ]\n"
    );
    repo.write_raw(b"caf\xe9/shop/migrations/0002_fields.py", &old);
    repo.commit_all("accepted long ago");
    // Moved and edited: only a similarity measure pairs the two, so libgit2's diff is fed
    // with the index our reader read.
    repo.write_raw(
        b"caf\xe9/shop/migrations/0002_more.py",
        old.replace("\"field_5\"", "\"udpate_time\""),
    );
    std::fs::remove_file(
        repo.path()
            .join(raw(b"caf\xe9/shop/migrations/0002_fields.py")),
    )
    .expect("remove");
    repo.git(&["add", "-A"]);
    let run = repo.check(&["--format", "concise", "--timings"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        errors(&run),
        [
            "caf\\xE9/shop/migrations/0002_more.py:14:39: error[field-name] `udpate_time` should be `update_time`"
        ],
        "only the edited line counts: {run:?}"
    );
    assert!(run.stderr.contains("diff HEAD..index (libgit2)"), "{run:?}");
}

#[test]
fn sparse_index_with_a_non_utf8_path_outside_the_cone() {
    let repo = repo_with_blog();
    repo.write("shop/migrations/0001_initial.py", migration(&["total"]));
    repo.write_raw(
        b"shop/migrations/0002_caf\xe9.py",
        migration_after(&[("shop", "0001_initial")], "craete_time"),
    );
    repo.commit_all("shop");
    repo.git(&["config", "index.sparse", "true"]);
    repo.git(&["sparse-checkout", "set", "--cone", "--sparse-index", "blog"]);
    assert!(
        !repo.path().join("shop").exists(),
        "shop is outside the cone"
    );
    repo.write(
        "blog/migrations/0002_post_shop.py",
        migration_after(
            &[("blog", "0001_initial"), ("shop", "0001_initial")],
            "views",
        ),
    );
    repo.git(&["add", "blog"]);
    expect(&repo, &[], &[]);
    repo.write(
        "blog/migrations/0002_post_shop.py",
        migration_after(&[("blog", "0001_initial")], "craete_time"),
    );
    repo.git(&["add", "blog"]);
    expect(
        &repo,
        &[],
        &[finding(
            "blog/migrations/0002_post_shop.py",
            11,
            "craete_time",
            "create_time",
        )],
    );
}
