//! install.sh in a repository whose hooks husky runs (the real husky 9, run as `npx husky`
//! runs it): the check goes into the user's `.husky/pre-commit` and `.husky/pre-merge-commit`
//! as a block of its own, which husky's regenerated stubs keep running, and `--uninstall`
//! takes out exactly that block.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::install_interrupted::Killer;
use crate::support::tools::tool;
use crate::support::{
    M1, M2, Repo, Run, clean, migration, migration_after, path_with_binary, second,
};

const START: &str = "# >>> check-migrate >>>";
const END: &str = "# <<< check-migrate <<<";

/// A repository with one clean migration and a package.json, husky run in it (as `npm
/// install` runs `husky` through the `prepare` script), and the user's own
/// `.husky/pre-commit`, which appends a line to a log outside the repository.
struct Husky {
    repo: Repo,
    log: PathBuf,
}

impl Husky {
    fn new() -> Husky {
        Husky::with_pre_commit(|log| format!("echo 'user pre-commit' >>'{}'\n", log.display()))
    }

    fn with_pre_commit(text: impl Fn(&Path) -> String) -> Husky {
        let repo = Repo::new();
        repo.write("blog/migrations/__init__.py", "");
        repo.write(M1, migration(&["title"]));
        repo.write(
            "package.json",
            "{\n  \"name\": \"site\",\n  \"private\": true,\n  \"scripts\": { \"prepare\": \"husky\" }\n}\n",
        );
        let log = repo.home().join("user-hook.log");
        let husky = Husky { repo, log };
        husky.run_husky(&[]);
        husky.repo.write(".husky/pre-commit", text(&husky.log));
        husky.repo.commit_all("initial");
        husky
    }

    fn dir(&self) -> PathBuf {
        self.repo.path().join(".husky")
    }

    /// `husky ARGS` in the repository root, as `npx husky` runs it.
    fn run_husky(&self, args: &[&str]) {
        let mut cmd = Command::new(tool("husky"));
        cmd.args(args).current_dir(self.repo.path());
        clean(&mut cmd, self.repo.home());
        cmd.env("PATH", path_with_binary());
        let run = Run::combined(cmd.output().expect("run husky"));
        assert_eq!(run.code, 0, "husky: {run:?}");
    }

    fn install(&self, extra: &[&str]) -> Run {
        self.repo.install_hook_with(self.repo.path(), extra)
    }

    /// Stages a migration adding `name` and commits it with the hooks live; returns the run
    /// and what the user's hook logged.
    fn commit(&self, name: &str) -> (Run, String) {
        fs::write(&self.log, "").unwrap();
        self.repo.write(M2, second(&[name]));
        self.repo.git(&["add", M2]);
        let run = self
            .repo
            .git_hooked(self.repo.path(), &["commit", "-q", "-m", name]);
        (run, fs::read_to_string(&self.log).unwrap())
    }

    fn assert_blocked(&self) {
        let head = self.repo.git(&["rev-parse", "HEAD"]);
        let (run, _) = self.commit("craete_time");
        assert_ne!(run.code, 0, "{run:?}");
        assert!(
            run.stdout.contains("`craete_time` should be `create_time`"),
            "{run:?}"
        );
        assert_eq!(self.repo.git(&["rev-parse", "HEAD"]), head);
    }
}

/// Every file under `dir` with its bytes and mode.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, u32)> {
    let mut files = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o7777;
                files.insert(path.clone(), (fs::read(&path).unwrap(), mode));
            }
        }
    }
    files
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[test]
fn husky_commit_adding_a_wrong_name_is_blocked() {
    let husky = Husky::new();
    let run = husky.install(&[]);
    assert!(run.stdout.contains("husky"), "{run:?}");

    husky.assert_blocked();
}

#[test]
fn husky_clean_commit_passes_and_the_users_own_line_still_runs() {
    let husky = Husky::new();
    husky.install(&[]);

    let (run, log) = husky.commit("create_time");

    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(log, "user pre-commit\n", "{run:?}");
    // husky's own files are husky's: nothing of ours went into .husky/_.
    let stub = fs::read_to_string(husky.dir().join("_/pre-commit")).unwrap();
    assert!(stub.contains("/h\""), "{stub}");
    assert!(!husky.dir().join("_/pre-commit.pre-check-migrate").exists());
}

#[test]
fn husky_block_is_added_before_the_users_lines_and_marked() {
    let husky = Husky::with_pre_commit(|log| {
        format!(
            "#!/usr/bin/env sh\necho 'user pre-commit' >>'{}'\nexit 0\n",
            log.display()
        )
    });
    let before = fs::read_to_string(husky.dir().join("pre-commit")).unwrap();
    husky.install(&[]);

    let text = fs::read_to_string(husky.dir().join("pre-commit")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "#!/usr/bin/env sh");
    assert_eq!(lines[1], START);
    let end = lines
        .iter()
        .position(|l| *l == END)
        .expect("the block ends");
    assert_eq!(
        lines[end + 1..].join("\n") + "\n",
        before.lines().skip(1).collect::<Vec<_>>().join("\n") + "\n"
    );
    // The user's `exit 0` comes after the check, so it does not skip it.
    husky.assert_blocked();
}

#[test]
fn husky_regenerated_still_blocks_and_a_rerun_changes_nothing() {
    let husky = Husky::new();
    husky.install(&[]);

    // `npm install` runs husky again, which writes every stub in .husky/_ anew.
    husky.run_husky(&[]);
    husky.assert_blocked();

    let before = snapshot(&husky.dir());
    let run = husky.install(&[]);
    assert_eq!(snapshot(&husky.dir()), before, "{run:?}");
    assert!(run.stdout.contains("already in"), "{run:?}");
    husky.assert_blocked();
    let (run, log) = husky.commit("create_time");
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(log, "user pre-commit\n");
}

#[test]
fn husky_install_twice_is_idempotent() {
    let husky = Husky::new();
    husky.install(&[]);
    let once = snapshot(&husky.dir());

    husky.install(&[]);

    assert_eq!(snapshot(&husky.dir()), once);
    let text = fs::read_to_string(husky.dir().join("pre-commit")).unwrap();
    assert_eq!(text.matches(START).count(), 1, "{text}");
}

#[test]
fn husky_uninstall_restores_the_users_file_byte_for_byte() {
    // No final newline, a shebang, and a mode of its own.
    let husky = Husky::with_pre_commit(|log| {
        format!(
            "#!/usr/bin/env sh\r\necho 'user pre-commit' >>'{}'",
            log.display()
        )
    });
    let file = husky.dir().join("pre-commit");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
    let before = snapshot(&husky.dir());
    husky.install(&[]);
    assert!(husky.dir().join("pre-merge-commit").is_file());
    assert_ne!(snapshot(&husky.dir()), before);

    let run = husky.install(&["--uninstall"]);

    assert_eq!(snapshot(&husky.dir()), before, "{run:?}");
    assert_eq!(mode(&file), 0o640);
    let (run, log) = husky.commit("craete_time");
    assert_eq!(run.code, 0, "no check after uninstall: {run:?}");
    assert_eq!(log, "user pre-commit\n");
}

#[test]
fn husky_uninstall_keeps_lines_added_after_install() {
    let husky = Husky::new();
    husky.install(&[]);
    let merge = husky.dir().join("pre-merge-commit");
    let mut text = fs::read_to_string(&merge).unwrap();
    text.push_str("echo 'added later'\n");
    fs::write(&merge, &text).unwrap();

    husky.install(&["--uninstall"]);

    assert_eq!(
        fs::read_to_string(&merge).unwrap(),
        "#!/bin/sh\necho 'added later'\n"
    );
}

#[test]
fn husky_clean_merge_leaving_two_leaves_is_blocked() {
    let husky = Husky::new();
    husky.install(&[]);
    let repo = &husky.repo;
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(
        "blog/migrations/0002_post_shares.py",
        migration_after(&[("blog", "0001_initial")], "shares"),
    );
    repo.commit_all("feature: shares");
    repo.git(&["checkout", "-q", "main"]);
    repo.write(
        "blog/migrations/0002_post_likes.py",
        migration_after(&[("blog", "0001_initial")], "likes"),
    );
    repo.commit_all("main: likes");
    let head = repo.git(&["rev-parse", "HEAD"]);

    let run = repo.git_hooked(repo.path(), &["merge", "--no-edit", "feature"]);

    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("error[multiple-leaves]"), "{run:?}");
    assert_eq!(repo.git(&["rev-parse", "HEAD"]), head);
}

#[test]
fn husky_no_merge_hook_leaves_out_the_merge_block_and_takes_one_out() {
    let husky = Husky::new();
    husky.install(&[]);
    assert!(husky.dir().join("pre-merge-commit").is_file());

    husky.install(&["--no-merge-hook"]);

    assert!(!husky.dir().join("pre-merge-commit").exists());
    husky.assert_blocked();
}

#[test]
fn husky_hook_an_older_install_put_into_the_stub_directory_is_taken_out() {
    let husky = Husky::new();
    // What install.sh did before it knew husky: husky's stub kept beside, ours in its place.
    let stubs = husky.dir().join("_");
    let stub = fs::read(stubs.join("pre-commit")).unwrap();
    fs::rename(
        stubs.join("pre-commit"),
        stubs.join("pre-commit.pre-check-migrate"),
    )
    .unwrap();
    let ours = Path::new(env!("CARGO_MANIFEST_DIR")).join("hooks/pre-commit");
    fs::copy(ours, stubs.join("pre-commit")).unwrap();

    husky.install(&[]);

    assert_eq!(fs::read(stubs.join("pre-commit")).unwrap(), stub);
    assert!(!stubs.join("pre-commit.pre-check-migrate").exists());
    husky.assert_blocked();
    let (run, log) = husky.commit("create_time");
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(log, "user pre-commit\n");
}

#[test]
fn husky_in_a_directory_of_its_own_is_found_by_its_dispatcher() {
    let repo = Repo::new();
    repo.write("blog/migrations/__init__.py", "");
    repo.write(M1, migration(&["title"]));
    let mut cmd = Command::new(tool("husky"));
    cmd.arg("config/husky").current_dir(repo.path());
    clean(&mut cmd, repo.home());
    cmd.env("PATH", path_with_binary());
    assert!(cmd.status().unwrap().success());
    repo.commit_all("initial");

    repo.install_hook(repo.path());

    let text = fs::read_to_string(repo.path().join("config/husky/pre-commit")).unwrap();
    assert!(text.contains(START), "{text}");
    repo.write(M2, second(&["craete_time"]));
    repo.git(&["add", M2]);
    let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", "times"]);
    assert_ne!(run.code, 0, "{run:?}");
}

#[test]
fn husky_pre_push_is_refused_and_nothing_changes() {
    let husky = Husky::new();
    let before = snapshot(&husky.dir());

    let run = Run::from(
        husky
            .repo
            .install_command(husky.repo.path(), &["--pre-push"])
            .output()
            .unwrap(),
    );

    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--pre-push"), "{run:?}");
    assert_eq!(snapshot(&husky.dir()), before);
}

/// Every file under `.husky` (husky's stubs, the user's hooks, any temporary file left).
fn husky_files(husky: &Husky) -> BTreeMap<PathBuf, (Vec<u8>, u32)> {
    snapshot(&husky.dir())
}

#[test]
fn husky_install_killed_at_any_step_keeps_the_users_lines_and_a_rerun_finishes() {
    let killer = Killer::new(true);
    let reference = Husky::new();
    reference.install(&[]);
    // The reference's files, as this repository should have them (its own log path).
    let expected = |husky: &Husky| -> BTreeMap<PathBuf, (String, u32)> {
        husky_files(&reference)
            .into_iter()
            .map(|(path, (bytes, mode))| {
                let path = path
                    .strip_prefix(reference.repo.path())
                    .unwrap()
                    .to_path_buf();
                let text = String::from_utf8(bytes).unwrap().replace(
                    &reference.log.display().to_string(),
                    &husky.log.display().to_string(),
                );
                (path, (text, mode))
            })
            .collect()
    };
    let actual = |husky: &Husky| -> BTreeMap<PathBuf, (String, u32)> {
        husky_files(husky)
            .into_iter()
            .map(|(path, (bytes, mode))| {
                let path = path.strip_prefix(husky.repo.path()).unwrap().to_path_buf();
                (path, (String::from_utf8(bytes).unwrap(), mode))
            })
            .collect()
    };
    for stop in 1..100 {
        let husky = Husky::new();
        let original = fs::read_to_string(husky.dir().join("pre-commit")).unwrap();
        if killer.install(&husky.repo, &[], stop).is_some() {
            assert_eq!(actual(&husky), expected(&husky), "uninterrupted");
            assert!(
                stop > 3,
                "finished after {stop} steps: is the killer working?"
            );
            return;
        }
        // The user's file is whole: as it was, or with the whole block in front.
        let now = fs::read_to_string(husky.dir().join("pre-commit")).unwrap();
        assert!(
            now == original
                || (now.starts_with(START) && now.ends_with(&format!("{END}\n{original}"))),
            "killed after step {stop}: {now}"
        );
        let (run, log) = husky.commit("create_time");
        assert_eq!(run.code, 0, "killed after step {stop}: {run:?}");
        assert_eq!(log, "user pre-commit\n", "killed after step {stop}");
        husky.repo.git(&["reset", "-q", "--soft", "HEAD~1"]);

        husky.install(&[]);
        assert_eq!(
            actual(&husky),
            expected(&husky),
            "rerun after being killed after step {stop}"
        );
        husky.assert_blocked();
    }
    panic!("install.sh never ran to the end");
}

#[test]
fn husky_not_run_yet_in_a_fresh_clone_is_warned_about() {
    let husky = Husky::new();
    // A fresh clone has the tracked .husky, not the core.hooksPath husky sets when it runs.
    husky.repo.git(&["config", "--unset", "core.hooksPath"]);

    let run = husky.install(&[]);

    assert!(
        run.stderr.contains("husky has not set core.hooksPath yet"),
        "{run:?}"
    );
    assert!(run.stderr.contains("npx husky"), "{run:?}");
}

/// husky 8's layout, which husky 9 no longer writes: `core.hooksPath` is `.husky` itself, with
/// `_/husky.sh` in it, and git runs the user's executable `.husky/pre-commit`.
fn husky8_repo() -> (Repo, PathBuf, String) {
    let repo = Repo::new();
    repo.write("blog/migrations/__init__.py", "");
    repo.write(M1, migration(&["title"]));
    repo.write(".husky/_/husky.sh", "#!/usr/bin/env sh\n# husky 8\n");
    let log = repo.home().join("user-hook.log");
    let text = format!(
        "#!/usr/bin/env sh\n. \"$(dirname -- \"$0\")/_/husky.sh\"\n\necho 'user pre-commit' >>'{}'\n",
        log.display()
    );
    repo.write(".husky/pre-commit", &text);
    let hook = repo.path().join(".husky/pre-commit");
    fs::set_permissions(&hook, fs::Permissions::from_mode(0o755)).unwrap();
    repo.git(&["config", "core.hooksPath", ".husky"]);
    repo.commit_all("initial");
    (repo, log, text)
}

fn commit_in(repo: &Repo, log: &Path, name: &str) -> (Run, String) {
    fs::write(log, "").unwrap();
    repo.write(M2, second(&[name]));
    repo.git(&["add", M2]);
    let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", name]);
    (run, fs::read_to_string(log).unwrap())
}

#[test]
fn husky8_gets_the_block_in_its_own_hook_and_uninstall_restores_it() {
    let (repo, log, text) = husky8_repo();

    repo.install_hook(repo.path());

    let now = fs::read_to_string(repo.path().join(".husky/pre-commit")).unwrap();
    assert!(
        now.starts_with(&format!("#!/usr/bin/env sh\n{START}")),
        "{now}"
    );
    let (run, _) = commit_in(&repo, &log, "craete_time");
    assert_ne!(run.code, 0, "{run:?}");
    let (run, logged) = commit_in(&repo, &log, "create_time");
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(logged, "user pre-commit\n");
    // Git runs the created merge hook itself, so it is executable.
    assert_eq!(mode(&repo.path().join(".husky/pre-merge-commit")), 0o755);

    repo.install_hook_with(repo.path(), &["--uninstall"]);
    assert_eq!(
        fs::read_to_string(repo.path().join(".husky/pre-commit")).unwrap(),
        text
    );
    assert!(!repo.path().join(".husky/pre-merge-commit").exists());
}

#[test]
fn husky8_hook_an_older_install_replaced_gets_the_block_instead() {
    let (repo, log, text) = husky8_repo();
    // What install.sh did before it knew husky: the user's hook kept beside, ours in its place.
    let hook = repo.path().join(".husky/pre-commit");
    let kept = repo.path().join(".husky/pre-commit.pre-check-migrate");
    fs::rename(&hook, &kept).unwrap();
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("hooks/pre-commit"),
        &hook,
    )
    .unwrap();

    repo.install_hook(repo.path());

    assert!(!kept.exists());
    let now = fs::read_to_string(&hook).unwrap();
    assert!(now.contains(START), "{now}");
    assert!(
        now.ends_with(&text[text.find('\n').unwrap() + 1..]),
        "{now}"
    );
    let (run, _) = commit_in(&repo, &log, "craete_time");
    assert_ne!(run.code, 0, "{run:?}");
    let (run, logged) = commit_in(&repo, &log, "create_time");
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(logged, "user pre-commit\n");
}

#[test]
fn husky_uninstall_killed_at_any_step_leaves_the_users_file_whole_and_a_rerun_finishes() {
    let killer = Killer::new(true);
    for stop in 1..100 {
        let husky = Husky::new();
        let before = snapshot(&husky.dir());
        let original = fs::read_to_string(husky.dir().join("pre-commit")).unwrap();
        husky.install(&[]);
        if killer
            .install(&husky.repo, &["--uninstall"], stop)
            .is_some()
        {
            assert_eq!(snapshot(&husky.dir()), before, "uninterrupted");
            assert!(
                stop > 2,
                "finished after {stop} steps: is the killer working?"
            );
            return;
        }
        let now = fs::read_to_string(husky.dir().join("pre-commit")).unwrap();
        assert!(
            now == original
                || (now.starts_with(START) && now.ends_with(&format!("{END}\n{original}"))),
            "uninstall killed after step {stop}: {now}"
        );
        let (run, log) = husky.commit("create_time");
        assert_eq!(run.code, 0, "uninstall killed after step {stop}: {run:?}");
        assert_eq!(
            log, "user pre-commit\n",
            "uninstall killed after step {stop}"
        );
        husky.repo.git(&["reset", "-q", "--soft", "HEAD~1"]);

        husky.install(&["--uninstall"]);
        assert_eq!(
            snapshot(&husky.dir()),
            before,
            "rerun after uninstall killed after step {stop}"
        );
    }
    panic!("install.sh --uninstall never ran to the end");
}

#[test]
fn husky_install_from_a_subdirectory_finds_the_husky_directory() {
    let husky = Husky::new();

    let run = husky.repo.install_hook(&husky.repo.path().join("blog"));

    let text = fs::read_to_string(husky.dir().join("pre-commit")).unwrap();
    assert!(text.starts_with(START), "{run:?}");
    assert!(!husky.repo.path().join("blog/.husky").exists());
    husky.assert_blocked();
}
