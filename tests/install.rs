//! install.sh and hooks/pre-commit (installed as pre-commit and pre-merge-commit) against real
//! git repositories in temp dirs, with a fake `check-migrate` on PATH so the hooks can be
//! tested without the real binary.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

const MARKER: &str = "# check-migrate-hook v1";
const BACKUP: &str = "pre-commit.pre-check-migrate";
const MERGE_HOOK: &str = "pre-merge-commit";
const MERGE_BACKUP: &str = "pre-merge-commit.pre-check-migrate";

/// Records each run (with its argument count) in the log the test reads, and exits with the
/// status the test asks for.
const FAKE_BINARY: &str = r#"#!/bin/sh
echo "check-migrate $#" >>"$HOOK_LOG"
echo "fake check-migrate ran" >&2
exit "${FAKE_CHECK_MIGRATE_EXIT:-0}"
"#;

/// A hook as a user might have written it before installing check-migrate.
const PREVIOUS_HOOK_PASSING: &str = "#!/bin/sh\necho \"previous $#\" >>\"$HOOK_LOG\"\nexit 0\n";
const PREVIOUS_HOOK_FAILING: &str =
    "#!/bin/sh\necho \"previous $#\" >>\"$HOOK_LOG\"\necho 'previous hook says no' >&2\nexit 1\n";
const PREVIOUS_MERGE_HOOK_PASSING: &str =
    "#!/bin/sh\necho \"previous merge $#\" >>\"$HOOK_LOG\"\nexit 0\n";
const PREVIOUS_MERGE_HOOK_FAILING: &str = "#!/bin/sh\necho \"previous merge $#\" >>\"$HOOK_LOG\"\necho 'previous merge hook says no' >&2\nexit 1\n";

fn source_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn describe(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        text(&output.stdout),
        text(&output.stderr)
    )
}

fn find_in_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

fn write_executable(path: &Path, content: &str, mode: u32) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Every file and directory under `dir` with its bytes and mode, to show that an operation
/// left a directory exactly as it found it.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Option<Vec<u8>>, u32)> {
    let mut entries = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(dir).unwrap().to_path_buf();
            if path.is_dir() {
                entries.insert(relative, (None, mode(&path)));
                pending.push(path);
            } else {
                entries.insert(relative, (Some(fs::read(&path).unwrap()), mode(&path)));
            }
        }
    }
    entries
}

/// One temporary world per test: a HOME with no config, a fake binary, a log file that the fake
/// binary and the test hooks append to, and room for repositories.
struct Sandbox {
    dir: TempDir,
    git: PathBuf,
}

impl Sandbox {
    fn new() -> Self {
        let dir = TempDir::new().unwrap();
        let git = find_in_path("git").expect("git must be installed to run these tests");
        let sandbox = Sandbox { dir, git };
        fs::create_dir_all(sandbox.home()).unwrap();
        write_executable(
            &sandbox.fake_bin_dir().join("check-migrate"),
            FAKE_BINARY,
            0o755,
        );
        sandbox
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn home(&self) -> PathBuf {
        self.path("home")
    }

    fn fake_bin_dir(&self) -> PathBuf {
        self.path("fake-bin")
    }

    fn log_path(&self) -> PathBuf {
        self.path("hook.log")
    }

    fn log(&self) -> String {
        fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    /// The caller's PATH with the programs in `hidden` taken out: a directory holding one of
    /// them is replaced by a copy made of symlinks to everything else in it, so the tools
    /// beside a real check-migrate or cargo stay reachable.
    fn path_hiding(&self, hidden: &[&str]) -> Vec<PathBuf> {
        let original = std::env::var_os("PATH").unwrap_or_default();
        std::env::split_paths(&original)
            .enumerate()
            .map(|(index, dir)| {
                if hidden.iter().all(|name| !dir.join(name).exists()) {
                    return dir;
                }
                let mirror = self.path(&format!("path-{}-{index}", hidden.join("-")));
                if !mirror.exists() {
                    fs::create_dir_all(&mirror).unwrap();
                    for entry in fs::read_dir(&dir).unwrap() {
                        let name = entry.unwrap().file_name();
                        if !hidden.iter().any(|hidden| name == *hidden) {
                            std::os::unix::fs::symlink(dir.join(&name), mirror.join(&name))
                                .unwrap();
                        }
                    }
                }
                mirror
            })
            .collect()
    }

    fn path_with_fake_binary(&self) -> OsString {
        let mut dirs = vec![self.fake_bin_dir()];
        dirs.extend(self.path_hiding(&["check-migrate"]));
        std::env::join_paths(dirs).unwrap()
    }

    fn path_without_binary(&self) -> OsString {
        std::env::join_paths(self.path_hiding(&["check-migrate"])).unwrap()
    }

    fn path_without_cargo(&self) -> OsString {
        std::env::join_paths(self.path_hiding(&["check-migrate", "cargo"])).unwrap()
    }

    /// A command with nothing inherited from the caller's environment but what is set here,
    /// so that the caller's git config, GIT_DIR or CARGO_HOME cannot change the outcome.
    fn command(&self, program: impl AsRef<std::ffi::OsStr>, cwd: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(cwd)
            .env_clear()
            .env("PATH", self.path_with_fake_binary())
            .env("HOME", self.home())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CEILING_DIRECTORIES", self.dir.path())
            .env("HOOK_LOG", self.log_path())
            .env("LC_ALL", "C");
        cmd
    }

    fn git_command(&self, cwd: &Path, args: &[&str]) -> Command {
        let mut cmd = self.command(&self.git, cwd);
        cmd.args(args);
        cmd
    }

    fn git(&self, cwd: &Path, args: &[&str]) -> String {
        let output = self.git_command(cwd, args).output().unwrap();
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            describe(&output)
        );
        text(&output.stdout)
    }

    fn init_repo(&self, name: &str) -> PathBuf {
        let repo = self.path(name);
        fs::create_dir_all(&repo).unwrap();
        self.git(&repo, &["init", "-q"]);
        self.git(&repo, &["config", "user.name", "Test"]);
        self.git(&repo, &["config", "user.email", "test@example.com"]);
        repo
    }

    fn install_command(&self, cwd: &Path, args: &[&str]) -> Command {
        let mut cmd = self.command("sh", cwd);
        cmd.arg(source_root().join("install.sh")).args(args);
        cmd
    }

    /// `sh install.sh --no-build ARGS` run from the sandbox.
    fn install(&self, args: &[&str]) -> Output {
        let mut full = vec!["--no-build"];
        full.extend_from_slice(args);
        self.install_command(self.dir.path(), &full)
            .output()
            .unwrap()
    }

    fn install_ok(&self, args: &[&str]) -> Output {
        let output = self.install(args);
        assert!(
            output.status.success(),
            "install.sh {args:?} failed: {}",
            describe(&output)
        );
        output
    }

    /// Stages a new migration in `repo` and runs `git commit` there, hooks and all.
    fn commit_command(&self, repo: &Path, name: &str) -> Command {
        let file = repo.join("app/migrations").join(format!("{name}.py"));
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(&file, "operations = []\n").unwrap();
        self.git(repo, &["add", "--", file.to_str().unwrap()]);
        self.git_command(repo, &["commit", "-q", "-m", name])
    }

    fn commit(&self, repo: &Path, name: &str) -> Output {
        self.commit_command(repo, name).output().unwrap()
    }

    /// A repository whose current branch and `feature` each added a file since their common
    /// commit, so that merging `feature` needs a merge commit and has no conflicts. Built
    /// before any hook is installed.
    fn diverged_repo(&self, name: &str) -> PathBuf {
        let repo = self.init_repo(name);
        fs::write(repo.join("README"), "root\n").unwrap();
        self.git(&repo, &["add", "README"]);
        self.git(&repo, &["commit", "-q", "-m", "root"]);
        self.git(&repo, &["checkout", "-q", "-b", "feature"]);
        fs::write(repo.join("feature.txt"), "feature\n").unwrap();
        self.git(&repo, &["add", "feature.txt"]);
        self.git(&repo, &["commit", "-q", "-m", "feature"]);
        self.git(&repo, &["checkout", "-q", "-"]);
        fs::write(repo.join("main.txt"), "main\n").unwrap();
        self.git(&repo, &["add", "main.txt"]);
        self.git(&repo, &["commit", "-q", "-m", "main"]);
        repo
    }

    /// `git merge --no-ff --no-edit feature`: no conflicts, so git runs pre-merge-commit and
    /// not pre-commit.
    fn merge_command(&self, repo: &Path) -> Command {
        self.git_command(repo, &["merge", "-q", "--no-ff", "--no-edit", "feature"])
    }

    fn merge(&self, repo: &Path) -> Output {
        self.merge_command(repo).output().unwrap()
    }

    fn head(&self, repo: &Path) -> String {
        self.git(repo, &["rev-parse", "HEAD"]).trim().to_string()
    }

    fn commit_count(&self, repo: &Path) -> usize {
        let output = self
            .git_command(repo, &["rev-list", "--count", "HEAD"])
            .output()
            .unwrap();
        if output.status.success() {
            text(&output.stdout).trim().parse().unwrap()
        } else {
            0
        }
    }
}

fn hooks_dir(repo: &Path) -> PathBuf {
    repo.join(".git/hooks")
}

fn assert_is_our_hook(hook: &Path) {
    let content = fs::read_to_string(hook).unwrap();
    assert!(
        content.lines().any(|line| line == MARKER),
        "{} lacks the marker:\n{content}",
        hook.display()
    );
    assert_eq!(mode(hook), 0o755, "{} mode", hook.display());
}

/// Our hook under both names in `dir`, the same file for each.
fn assert_both_hooks_are_ours(dir: &Path) {
    let pre_commit = dir.join("pre-commit");
    let merge = dir.join(MERGE_HOOK);
    assert_is_our_hook(&pre_commit);
    assert_is_our_hook(&merge);
    assert_eq!(fs::read(&pre_commit).unwrap(), fs::read(&merge).unwrap());
}

#[test]
fn fresh_install_writes_executable_hook_with_marker() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    let output = sandbox.install_ok(&["--repo", repo.to_str().unwrap()]);

    assert_both_hooks_are_ours(&hooks_dir(&repo));
    assert!(!hooks_dir(&repo).join(BACKUP).exists());
    assert!(!hooks_dir(&repo).join(MERGE_BACKUP).exists());
    assert!(
        text(&output.stdout).contains("installed"),
        "{}",
        describe(&output)
    );
}

#[test]
fn second_install_changes_nothing_and_says_already_installed() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    write_executable(
        &hooks_dir(&repo).join("pre-commit"),
        PREVIOUS_HOOK_PASSING,
        0o755,
    );
    write_executable(
        &hooks_dir(&repo).join(MERGE_HOOK),
        PREVIOUS_MERGE_HOOK_PASSING,
        0o755,
    );
    sandbox.install_ok(&["--repo", repo.to_str().unwrap()]);
    let after_first = snapshot(&hooks_dir(&repo));

    let output = sandbox.install_ok(&["--repo", repo.to_str().unwrap()]);
    assert_eq!(snapshot(&hooks_dir(&repo)), after_first);
    assert!(
        text(&output.stdout).contains("already installed"),
        "{}",
        describe(&output)
    );
}

#[test]
fn install_from_inside_the_repository_needs_no_repo_flag() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    let subdir = repo.join("app/migrations");
    fs::create_dir_all(&subdir).unwrap();
    let output = sandbox
        .install_command(&subdir, &["--no-build"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", describe(&output));
    assert_both_hooks_are_ours(&hooks_dir(&repo));
}

#[test]
fn older_copy_of_our_hook_is_updated_in_place() {
    let sandbox = Sandbox::new();
    let reference = sandbox.init_repo("reference");
    sandbox.install_ok(&["--repo", reference.to_str().unwrap()]);
    let current = fs::read(hooks_dir(&reference).join("pre-commit")).unwrap();

    let repo = sandbox.init_repo("repo");
    let hook = hooks_dir(&repo).join("pre-commit");
    write_executable(
        &hook,
        &format!("#!/bin/sh\n{MARKER}\nexec check-migrate\n"),
        0o755,
    );
    let output = sandbox.install_ok(&["--repo", repo.to_str().unwrap()]);

    assert_eq!(fs::read(&hook).unwrap(), current);
    assert!(
        !hooks_dir(&repo).join(BACKUP).exists(),
        "our own old hook must not be kept as a previous hook"
    );
    // A repository set up before the merge hook existed gets it on the next run.
    assert_eq!(
        fs::read(hooks_dir(&repo).join(MERGE_HOOK)).unwrap(),
        current
    );
    assert!(!hooks_dir(&repo).join(MERGE_BACKUP).exists());
    assert!(
        text(&output.stdout).contains("updated"),
        "{}",
        describe(&output)
    );
}

#[test]
fn existing_hook_is_kept_and_runs_before_ours() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    write_executable(
        &hooks_dir(&repo).join("pre-commit"),
        PREVIOUS_HOOK_PASSING,
        0o755,
    );
    let output = sandbox.install_ok(&["--repo", repo.to_str().unwrap()]);
    assert!(
        text(&output.stdout).contains(BACKUP),
        "{}",
        describe(&output)
    );
    assert_eq!(
        fs::read_to_string(hooks_dir(&repo).join(BACKUP)).unwrap(),
        PREVIOUS_HOOK_PASSING
    );

    let commit = sandbox.commit(&repo, "0001_initial");
    assert!(commit.status.success(), "{}", describe(&commit));
    assert_eq!(sandbox.log(), "previous 0\ncheck-migrate 0\n");
}

#[test]
fn failing_existing_hook_blocks_commit_before_ours() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    write_executable(
        &hooks_dir(&repo).join("pre-commit"),
        PREVIOUS_HOOK_FAILING,
        0o755,
    );
    sandbox.install_ok(&["--repo", repo.to_str().unwrap()]);

    let commit = sandbox.commit(&repo, "0001_initial");
    assert!(!commit.status.success(), "{}", describe(&commit));
    assert!(text(&commit.stderr).contains("previous hook says no"));
    assert_eq!(sandbox.log(), "previous 0\n", "check-migrate must not run");
    assert_eq!(sandbox.commit_count(&repo), 0);
}

#[test]
fn uninstall_restores_previous_hook_byte_for_byte_with_mode() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    // An unusual mode, so that a restore by copying rather than renaming would show.
    write_executable(
        &hooks_dir(&repo).join("pre-commit"),
        PREVIOUS_HOOK_PASSING,
        0o750,
    );
    let before = snapshot(&hooks_dir(&repo));

    sandbox.install_ok(&["--repo", repo.to_str().unwrap()]);
    assert_ne!(snapshot(&hooks_dir(&repo)), before);
    let output = sandbox.install_ok(&["--repo", repo.to_str().unwrap(), "--uninstall"]);

    assert_eq!(snapshot(&hooks_dir(&repo)), before);
    assert!(
        text(&output.stdout).contains("removed"),
        "{}",
        describe(&output)
    );
}

#[test]
fn uninstall_without_previous_hook_removes_ours() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    let before = snapshot(&hooks_dir(&repo));

    sandbox.install_ok(&["--repo", repo.to_str().unwrap()]);
    sandbox.install_ok(&["--repo", repo.to_str().unwrap(), "--uninstall"]);

    assert_eq!(snapshot(&hooks_dir(&repo)), before);
    assert!(!hooks_dir(&repo).join("pre-commit").exists());
    assert!(!hooks_dir(&repo).join(MERGE_HOOK).exists());
}

#[test]
fn uninstall_leaves_a_hook_that_is_not_ours() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    write_executable(
        &hooks_dir(&repo).join("pre-commit"),
        PREVIOUS_HOOK_PASSING,
        0o755,
    );
    let before = snapshot(&hooks_dir(&repo));

    let output = sandbox.install_ok(&["--repo", repo.to_str().unwrap(), "--uninstall"]);

    assert_eq!(snapshot(&hooks_dir(&repo)), before);
    assert!(
        text(&output.stdout).contains("not the check-migrate hook"),
        "{}",
        describe(&output)
    );
}

#[test]
fn relative_core_hooks_path_gets_the_hook() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    sandbox.git(&repo, &["config", "core.hooksPath", "githooks"]);
    // From a subdirectory, git reports the hooks path relative to it, not to the top.
    let subdir = repo.join("app");
    fs::create_dir_all(&subdir).unwrap();

    sandbox.install_ok(&["--repo", subdir.to_str().unwrap()]);

    assert_both_hooks_are_ours(&repo.join("githooks"));
    assert!(!hooks_dir(&repo).join("pre-commit").exists());
    assert!(!hooks_dir(&repo).join(MERGE_HOOK).exists());
    let commit = sandbox.commit(&repo, "0001_initial");
    assert!(commit.status.success(), "{}", describe(&commit));
    assert_eq!(sandbox.log(), "check-migrate 0\n");
}

#[test]
fn absolute_core_hooks_path_gets_the_hook() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    let shared_hooks = sandbox.path("shared-hooks");
    sandbox.git(
        &repo,
        &["config", "core.hooksPath", shared_hooks.to_str().unwrap()],
    );

    sandbox.install_ok(&["--repo", repo.to_str().unwrap()]);

    assert_both_hooks_are_ours(&shared_hooks);
    assert!(!hooks_dir(&repo).join("pre-commit").exists());
    assert!(!hooks_dir(&repo).join(MERGE_HOOK).exists());
    let commit = sandbox.commit(&repo, "0001_initial");
    assert!(commit.status.success(), "{}", describe(&commit));
    assert_eq!(sandbox.log(), "check-migrate 0\n");
}

#[test]
fn linked_worktree_installs_into_common_hooks_dir() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    sandbox.git(&repo, &["commit", "-q", "--allow-empty", "-m", "root"]);
    let worktree = sandbox.path("worktree");
    sandbox.git(
        &repo,
        &[
            "worktree",
            "add",
            "-q",
            "-b",
            "feature",
            worktree.to_str().unwrap(),
        ],
    );

    sandbox.install_ok(&["--repo", worktree.to_str().unwrap()]);

    assert_both_hooks_are_ours(&hooks_dir(&repo));
    let commit = sandbox.commit(&worktree, "0001_initial");
    assert!(commit.status.success(), "{}", describe(&commit));
    assert_eq!(sandbox.log(), "check-migrate 0\n");
}

#[test]
fn failing_binary_blocks_commit() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    sandbox.install_ok(&["--repo", repo.to_str().unwrap()]);

    let commit = sandbox
        .commit_command(&repo, "0001_initial")
        .env("FAKE_CHECK_MIGRATE_EXIT", "1")
        .output()
        .unwrap();

    assert!(!commit.status.success(), "{}", describe(&commit));
    assert!(text(&commit.stderr).contains("fake check-migrate ran"));
    assert_eq!(sandbox.commit_count(&repo), 0);
}

#[test]
fn passing_binary_lets_commit_through() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    sandbox.install_ok(&["--repo", repo.to_str().unwrap()]);

    let commit = sandbox
        .commit_command(&repo, "0001_initial")
        .env("FAKE_CHECK_MIGRATE_EXIT", "0")
        .output()
        .unwrap();

    assert!(commit.status.success(), "{}", describe(&commit));
    assert_eq!(sandbox.log(), "check-migrate 0\n");
    assert_eq!(sandbox.commit_count(&repo), 1);
}

#[test]
fn missing_binary_blocks_commit_with_install_message() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    sandbox.install_ok(&["--repo", repo.to_str().unwrap()]);

    let commit = sandbox
        .commit_command(&repo, "0001_initial")
        .env("PATH", sandbox.path_without_binary())
        .output()
        .unwrap();

    assert!(!commit.status.success(), "{}", describe(&commit));
    let stderr = text(&commit.stderr);
    assert!(stderr.contains("not installed"), "{stderr}");
    assert!(stderr.contains("cargo install --path"), "{stderr}");
    assert!(stderr.contains("install.sh"), "{stderr}");
    assert!(stderr.contains("--no-verify"), "{stderr}");
    assert_eq!(sandbox.log(), "");
    assert_eq!(sandbox.commit_count(&repo), 0);
}

#[test]
fn binary_in_home_cargo_bin_is_found_without_path() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    sandbox.install_ok(&["--repo", repo.to_str().unwrap()]);
    write_executable(
        &sandbox.home().join(".cargo/bin/check-migrate"),
        FAKE_BINARY,
        0o755,
    );

    let commit = sandbox
        .commit_command(&repo, "0001_initial")
        .env("PATH", sandbox.path_without_binary())
        .output()
        .unwrap();

    assert!(commit.status.success(), "{}", describe(&commit));
    assert_eq!(sandbox.log(), "check-migrate 0\n");
}

#[test]
fn prefix_hook_carries_absolute_binary_path_and_uses_it() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    let prefix = sandbox.path("prefix");
    let binary = prefix.join("bin/check-migrate");
    write_executable(
        &binary,
        "#!/bin/sh\necho \"prefixed check-migrate $#\" >>\"$HOOK_LOG\"\nexit 0\n",
        0o755,
    );

    sandbox.install_ok(&[
        "--repo",
        repo.to_str().unwrap(),
        "--prefix",
        prefix.to_str().unwrap(),
    ]);

    assert_both_hooks_are_ours(&hooks_dir(&repo));
    let content = fs::read_to_string(hooks_dir(&repo).join("pre-commit")).unwrap();
    assert!(
        content.contains(&format!("CHECK_MIGRATE_BIN='{}'", binary.display())),
        "{content}"
    );
    // The fake binary on PATH would log a different line, so this shows the path was used.
    let commit = sandbox.commit(&repo, "0001_initial");
    assert!(commit.status.success(), "{}", describe(&commit));
    assert_eq!(sandbox.log(), "prefixed check-migrate 0\n");
}

#[test]
fn not_a_repository_is_refused_and_nothing_written() {
    let sandbox = Sandbox::new();
    let plain = sandbox.path("plain");
    fs::create_dir_all(&plain).unwrap();

    let output = sandbox.install(&["--repo", plain.to_str().unwrap()]);

    assert!(!output.status.success(), "{}", describe(&output));
    assert!(
        text(&output.stderr).contains("not inside a git repository"),
        "{}",
        describe(&output)
    );
    assert!(snapshot(&plain).is_empty());
}

#[test]
fn bare_repository_is_refused_and_nothing_written() {
    let sandbox = Sandbox::new();
    let bare = sandbox.path("bare.git");
    fs::create_dir_all(&bare).unwrap();
    sandbox.git(&bare, &["init", "-q", "--bare"]);
    let before = snapshot(&bare);

    let output = sandbox.install(&["--repo", bare.to_str().unwrap()]);

    assert!(!output.status.success(), "{}", describe(&output));
    assert!(
        text(&output.stderr).contains("bare repository"),
        "{}",
        describe(&output)
    );
    assert_eq!(snapshot(&bare), before);
}

#[test]
fn taken_backup_name_is_refused_and_nothing_changed() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    write_executable(
        &hooks_dir(&repo).join("pre-commit"),
        PREVIOUS_HOOK_PASSING,
        0o755,
    );
    write_executable(
        &hooks_dir(&repo).join(BACKUP),
        "#!/bin/sh\necho something else\n",
        0o755,
    );
    let before = snapshot(&hooks_dir(&repo));

    let output = sandbox.install(&["--repo", repo.to_str().unwrap()]);

    assert!(!output.status.success(), "{}", describe(&output));
    assert!(
        text(&output.stderr).contains("already exists"),
        "{}",
        describe(&output)
    );
    assert_eq!(snapshot(&hooks_dir(&repo)), before);
}

#[test]
fn missing_cargo_is_explained_and_nothing_written() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    let before = snapshot(&hooks_dir(&repo));

    let output = sandbox
        .install_command(sandbox.dir.path(), &["--repo", repo.to_str().unwrap()])
        .env("PATH", sandbox.path_without_cargo())
        .output()
        .unwrap();

    assert!(!output.status.success(), "{}", describe(&output));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("rustup.rs"), "{stderr}");
    assert!(stderr.contains("--no-build"), "{stderr}");
    assert_eq!(snapshot(&hooks_dir(&repo)), before);
}

/// The merge hook runs the binary with one argument, `--merge` (MERGE_HEAD is not written
/// yet when git runs it).
#[test]
fn clean_merge_runs_the_merge_hook() {
    let sandbox = Sandbox::new();
    let repo = sandbox.diverged_repo("repo");
    sandbox.install_ok(&["--repo", repo.to_str().unwrap()]);
    let before = sandbox.head(&repo);

    let merge = sandbox.merge(&repo);

    assert!(merge.status.success(), "{}", describe(&merge));
    assert_eq!(sandbox.log(), "check-migrate 1\n");
    assert_eq!(sandbox.git(&repo, &["rev-parse", "HEAD^1"]).trim(), before);
}

#[test]
fn failing_binary_blocks_merge() {
    let sandbox = Sandbox::new();
    let repo = sandbox.diverged_repo("repo");
    sandbox.install_ok(&["--repo", repo.to_str().unwrap()]);
    let before = sandbox.head(&repo);

    let merge = sandbox
        .merge_command(&repo)
        .env("FAKE_CHECK_MIGRATE_EXIT", "1")
        .output()
        .unwrap();

    assert!(!merge.status.success(), "{}", describe(&merge));
    assert!(text(&merge.stderr).contains("fake check-migrate ran"));
    assert_eq!(sandbox.head(&repo), before);
}

#[test]
fn missing_binary_blocks_merge_with_merge_advice() {
    let sandbox = Sandbox::new();
    let repo = sandbox.diverged_repo("repo");
    sandbox.install_ok(&["--repo", repo.to_str().unwrap()]);
    let before = sandbox.head(&repo);

    let merge = sandbox
        .merge_command(&repo)
        .env("PATH", sandbox.path_without_binary())
        .output()
        .unwrap();

    assert!(!merge.status.success(), "{}", describe(&merge));
    let stderr = text(&merge.stderr);
    assert!(stderr.contains("the merge is stopped"), "{stderr}");
    assert!(stderr.contains("git merge --no-verify"), "{stderr}");
    assert_eq!(sandbox.head(&repo), before);
}

#[test]
fn existing_merge_hook_is_kept_runs_first_and_is_restored_byte_for_byte() {
    let sandbox = Sandbox::new();
    let repo = sandbox.diverged_repo("repo");
    // Unusual modes, so that a restore by copying rather than renaming would show.
    write_executable(
        &hooks_dir(&repo).join("pre-commit"),
        PREVIOUS_HOOK_PASSING,
        0o700,
    );
    write_executable(
        &hooks_dir(&repo).join(MERGE_HOOK),
        PREVIOUS_MERGE_HOOK_PASSING,
        0o750,
    );
    let before = snapshot(&hooks_dir(&repo));

    let output = sandbox.install_ok(&["--repo", repo.to_str().unwrap()]);
    assert!(
        text(&output.stdout).contains(MERGE_BACKUP),
        "{}",
        describe(&output)
    );
    assert_both_hooks_are_ours(&hooks_dir(&repo));
    assert_eq!(
        fs::read_to_string(hooks_dir(&repo).join(MERGE_BACKUP)).unwrap(),
        PREVIOUS_MERGE_HOOK_PASSING
    );
    assert_eq!(
        fs::read_to_string(hooks_dir(&repo).join(BACKUP)).unwrap(),
        PREVIOUS_HOOK_PASSING
    );

    // Each name runs its own kept hook: the kept pre-commit hook stays out of merges.
    let merge = sandbox.merge(&repo);
    assert!(merge.status.success(), "{}", describe(&merge));
    assert_eq!(sandbox.log(), "previous merge 0\ncheck-migrate 1\n");

    sandbox.install_ok(&["--repo", repo.to_str().unwrap(), "--uninstall"]);
    assert_eq!(snapshot(&hooks_dir(&repo)), before);
}

#[test]
fn failing_existing_merge_hook_blocks_merge_before_ours() {
    let sandbox = Sandbox::new();
    let repo = sandbox.diverged_repo("repo");
    write_executable(
        &hooks_dir(&repo).join(MERGE_HOOK),
        PREVIOUS_MERGE_HOOK_FAILING,
        0o755,
    );
    sandbox.install_ok(&["--repo", repo.to_str().unwrap()]);
    let before = sandbox.head(&repo);

    let merge = sandbox.merge(&repo);

    assert!(!merge.status.success(), "{}", describe(&merge));
    assert!(text(&merge.stderr).contains("previous merge hook says no"));
    assert_eq!(
        sandbox.log(),
        "previous merge 0\n",
        "check-migrate must not run"
    );
    assert_eq!(sandbox.head(&repo), before);
}

#[test]
fn kept_pre_commit_hook_does_not_run_on_merges() {
    let sandbox = Sandbox::new();
    let repo = sandbox.diverged_repo("repo");
    write_executable(
        &hooks_dir(&repo).join("pre-commit"),
        PREVIOUS_HOOK_FAILING,
        0o755,
    );
    sandbox.install_ok(&["--repo", repo.to_str().unwrap()]);

    let merge = sandbox.merge(&repo);

    assert!(merge.status.success(), "{}", describe(&merge));
    assert_eq!(sandbox.log(), "check-migrate 1\n");
}

#[test]
fn older_copy_of_our_merge_hook_is_updated_in_place() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    let old = format!("#!/bin/sh\n{MARKER}\nexec check-migrate\n");
    write_executable(&hooks_dir(&repo).join("pre-commit"), &old, 0o755);
    write_executable(&hooks_dir(&repo).join(MERGE_HOOK), &old, 0o755);

    let output = sandbox.install_ok(&["--repo", repo.to_str().unwrap()]);

    assert_both_hooks_are_ours(&hooks_dir(&repo));
    assert_ne!(
        fs::read_to_string(hooks_dir(&repo).join(MERGE_HOOK)).unwrap(),
        old
    );
    assert!(!hooks_dir(&repo).join(BACKUP).exists());
    assert!(!hooks_dir(&repo).join(MERGE_BACKUP).exists());
    assert_eq!(
        text(&output.stdout).matches("updated").count(),
        2,
        "{}",
        describe(&output)
    );
}

/// Runs install.sh on a hooks directory that must make it refuse, and checks that it
/// refused with `reason` and left every file as it was.
fn assert_refused_and_unchanged(sandbox: &Sandbox, repo: &Path, reason: &str) {
    let before = snapshot(&hooks_dir(repo));
    let output = sandbox.install(&["--repo", repo.to_str().unwrap()]);
    assert!(!output.status.success(), "{}", describe(&output));
    assert!(
        text(&output.stderr).contains(reason),
        "{}",
        describe(&output)
    );
    assert!(
        text(&output.stderr).contains("nothing changed"),
        "{}",
        describe(&output)
    );
    assert_eq!(snapshot(&hooks_dir(repo)), before);
}

#[test]
fn taken_merge_backup_name_is_refused_and_pre_commit_not_written_either() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    write_executable(
        &hooks_dir(&repo).join(MERGE_HOOK),
        PREVIOUS_MERGE_HOOK_PASSING,
        0o755,
    );
    write_executable(
        &hooks_dir(&repo).join(MERGE_BACKUP),
        "#!/bin/sh\necho something else\n",
        0o755,
    );

    assert_refused_and_unchanged(&sandbox, &repo, "already exists");
    assert!(!hooks_dir(&repo).join("pre-commit").exists());
}

#[test]
fn taken_pre_commit_backup_name_leaves_the_merge_hook_alone() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    write_executable(
        &hooks_dir(&repo).join("pre-commit"),
        PREVIOUS_HOOK_PASSING,
        0o755,
    );
    write_executable(
        &hooks_dir(&repo).join(BACKUP),
        "#!/bin/sh\necho something else\n",
        0o755,
    );
    write_executable(
        &hooks_dir(&repo).join(MERGE_HOOK),
        PREVIOUS_MERGE_HOOK_PASSING,
        0o755,
    );

    assert_refused_and_unchanged(&sandbox, &repo, "already exists");
    assert!(!hooks_dir(&repo).join(MERGE_BACKUP).exists());
}

/// What an older install.sh left when stopped between its two renames: the kept hook and no
/// hook. A rerun keeps it where it is and puts ours in front, as the finished install would.
#[test]
fn merge_backup_without_merge_hook_is_chained_again() {
    let sandbox = Sandbox::new();
    let repo = sandbox.diverged_repo("repo");
    write_executable(
        &hooks_dir(&repo).join(MERGE_BACKUP),
        PREVIOUS_MERGE_HOOK_PASSING,
        0o750,
    );

    let output = sandbox.install_ok(&["--repo", repo.to_str().unwrap()]);

    assert!(
        text(&output.stdout).contains("already kept"),
        "{}",
        describe(&output)
    );
    assert_both_hooks_are_ours(&hooks_dir(&repo));
    let kept = hooks_dir(&repo).join(MERGE_BACKUP);
    assert_eq!(
        fs::read_to_string(&kept).unwrap(),
        PREVIOUS_MERGE_HOOK_PASSING
    );
    assert_eq!(mode(&kept), 0o750);
    let merge = sandbox.merge(&repo);
    assert!(merge.status.success(), "{}", describe(&merge));
    assert_eq!(sandbox.log(), "previous merge 0\ncheck-migrate 1\n");
}

#[test]
fn merge_hook_linked_to_our_pre_commit_is_refused() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    sandbox.install_ok(&["--repo", repo.to_str().unwrap(), "--no-merge-hook"]);
    std::os::unix::fs::symlink("pre-commit", hooks_dir(&repo).join(MERGE_HOOK)).unwrap();

    assert_refused_and_unchanged(&sandbox, &repo, "symbolic link");
}

#[test]
fn no_merge_hook_installs_only_pre_commit() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    // Not ours and not touched, so a taken backup name for it is no reason to refuse.
    write_executable(
        &hooks_dir(&repo).join(MERGE_HOOK),
        PREVIOUS_MERGE_HOOK_PASSING,
        0o750,
    );
    write_executable(
        &hooks_dir(&repo).join(MERGE_BACKUP),
        "#!/bin/sh\necho something else\n",
        0o700,
    );
    let before = snapshot(&hooks_dir(&repo));

    sandbox.install_ok(&["--repo", repo.to_str().unwrap(), "--no-merge-hook"]);
    assert_is_our_hook(&hooks_dir(&repo).join("pre-commit"));
    let mut expected = before.clone();
    expected.insert(
        PathBuf::from("pre-commit"),
        (
            Some(fs::read(hooks_dir(&repo).join("pre-commit")).unwrap()),
            0o755,
        ),
    );
    assert_eq!(snapshot(&hooks_dir(&repo)), expected);

    let output = sandbox.install_ok(&["--repo", repo.to_str().unwrap(), "--no-merge-hook"]);
    assert_eq!(snapshot(&hooks_dir(&repo)), expected);
    assert!(
        text(&output.stdout).contains("already installed"),
        "{}",
        describe(&output)
    );

    // Uninstall takes out what is ours and nothing else.
    sandbox.install_ok(&["--repo", repo.to_str().unwrap(), "--uninstall"]);
    assert_eq!(snapshot(&hooks_dir(&repo)), before);
}

#[test]
fn no_merge_hook_after_a_full_install_takes_the_merge_hook_out() {
    let sandbox = Sandbox::new();
    let repo = sandbox.diverged_repo("repo");
    write_executable(
        &hooks_dir(&repo).join(MERGE_HOOK),
        PREVIOUS_MERGE_HOOK_PASSING,
        0o750,
    );
    let merge_hook_before = fs::read(hooks_dir(&repo).join(MERGE_HOOK)).unwrap();
    sandbox.install_ok(&["--repo", repo.to_str().unwrap()]);
    assert_both_hooks_are_ours(&hooks_dir(&repo));

    let output = sandbox.install_ok(&["--repo", repo.to_str().unwrap(), "--no-merge-hook"]);

    assert!(
        text(&output.stdout).contains("removed"),
        "{}",
        describe(&output)
    );
    assert_is_our_hook(&hooks_dir(&repo).join("pre-commit"));
    let merge_hook = hooks_dir(&repo).join(MERGE_HOOK);
    assert_eq!(fs::read(&merge_hook).unwrap(), merge_hook_before);
    assert_eq!(mode(&merge_hook), 0o750);
    assert!(!hooks_dir(&repo).join(MERGE_BACKUP).exists());
    let merge = sandbox.merge(&repo);
    assert!(merge.status.success(), "{}", describe(&merge));
    assert_eq!(sandbox.log(), "previous merge 0\n");
}

#[test]
fn uninstall_leaves_a_merge_hook_that_is_not_ours() {
    let sandbox = Sandbox::new();
    let repo = sandbox.init_repo("repo");
    sandbox.install_ok(&["--repo", repo.to_str().unwrap(), "--no-merge-hook"]);
    write_executable(
        &hooks_dir(&repo).join(MERGE_HOOK),
        PREVIOUS_MERGE_HOOK_PASSING,
        0o755,
    );

    let output = sandbox.install_ok(&["--repo", repo.to_str().unwrap(), "--uninstall"]);

    assert!(!hooks_dir(&repo).join("pre-commit").exists());
    assert_eq!(
        fs::read_to_string(hooks_dir(&repo).join(MERGE_HOOK)).unwrap(),
        PREVIOUS_MERGE_HOOK_PASSING
    );
    assert!(
        text(&output.stdout).contains("not the check-migrate hook"),
        "{}",
        describe(&output)
    );
}
