//! install.sh killed outright (SIGKILL, so no trap runs) after each file operation it makes,
//! and the states an older install.sh left: in every state some hook is active, the user's own
//! hook still runs, a commit adding `craete_time` is blocked whenever our hook is in place, and
//! a rerun finishes the job.
#![cfg(unix)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

use crate::support::{M1, M2, Repo, Run, migration, path_with_binary, second};

const MARKER: &str = "# check-migrate-hook v1";
const HOOKS: &[&str] = &["pre-commit", "pre-merge-commit"];
/// With `--pre-push`, a third name goes through the same steps.
const HOOKS_WITH_PUSH: &[&str] = &["pre-commit", "pre-merge-commit", "pre-push"];
const KEPT: &str = ".pre-check-migrate";
/// The commands install.sh changes files with (awk writes the hook it renders).
const WRAPPED: &[&str] = &["mkdir", "mv", "ln", "cp", "chmod", "rm", "awk"];

/// The user's own hooks, with modes a copy would not keep by accident.
fn user_hook(name: &str, log: &Path) -> (String, u32) {
    let mode = if name == "pre-commit" { 0o750 } else { 0o700 };
    let text = format!("#!/bin/sh\necho 'user {name}' >>'{}'\n", log.display());
    (text, mode)
}

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Every file in a hooks directory with its text and mode (git's `*.sample` files left out).
fn snapshot(dir: &Path) -> BTreeMap<String, (String, u32)> {
    fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| !path.to_string_lossy().ends_with(".sample"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, (fs::read_to_string(&path).unwrap(), mode(&path)))
        })
        .collect()
}

fn is_ours(path: &Path) -> bool {
    fs::read_to_string(path).is_ok_and(|text| text.lines().any(|line| line == MARKER))
}

fn find_in_path(program: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| panic!("{program} must be installed to run these tests"))
}

/// A directory of stand-ins for the commands install.sh changes files with: each runs the
/// real command, counts it, and kills install.sh (its parent) right after the `STOP_AFTER`th
/// one, which leaves the files exactly as a kill at that moment would. With `hard_links`
/// false, `ln` fails as on a file system without hard links.
pub(crate) struct Killer {
    dir: TempDir,
}

impl Killer {
    pub(crate) fn new(hard_links: bool) -> Killer {
        let dir = TempDir::new().unwrap();
        let cat = find_in_path("cat");
        for name in WRAPPED {
            let run = if *name == "ln" && !hard_links {
                "echo 'ln: hard links are not supported here' >&2; false".to_string()
            } else {
                format!("'{}' \"$@\"", find_in_path(name).display())
            };
            let script = format!(
                "#!/bin/sh\n{run}\nstatus=$?\ncount=$(( $('{cat}' \"$STEP_COUNT\") + 1 ))\necho \"$count\" >\"$STEP_COUNT\"\n[ \"$count\" -ne \"$STOP_AFTER\" ] || kill -KILL \"$PPID\"\nexit \"$status\"\n",
                cat = cat.display()
            );
            let path = dir.path().join(name);
            fs::write(&path, script).unwrap();
            fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        }
        Killer { dir }
    }

    /// install.sh with `extra`, killed after its `stop`th file operation; `None` when it ran
    /// to the end first.
    pub(crate) fn install(&self, repo: &Repo, extra: &[&str], stop: usize) -> Option<Run> {
        let count = self.dir.path().join("count");
        fs::write(&count, "0").unwrap();
        let output = repo
            .install_command(repo.path(), extra)
            .env(
                "PATH",
                format!("{}:{}", self.dir.path().display(), path_with_binary()),
            )
            .env("STEP_COUNT", &count)
            .env("STOP_AFTER", stop.to_string())
            .output()
            .expect("run install.sh");
        if output.status.signal() == Some(9) {
            return None;
        }
        let run = Run::from(output);
        assert_eq!(run.code, 0, "install.sh {extra:?} failed: {run:?}");
        Some(run)
    }
}

/// A repository with one clean migration committed and the user's own hooks in place.
struct World {
    repo: Repo,
    log: PathBuf,
    /// The hook names the user has hooks under and install.sh installs.
    names: &'static [&'static str],
}

impl World {
    fn new() -> World {
        World::with(HOOKS)
    }

    fn with(names: &'static [&'static str]) -> World {
        let repo = Repo::new();
        repo.write("blog/migrations/__init__.py", "");
        repo.write(M1, migration(&["title"]));
        repo.commit_all("initial");
        let log = repo.home().join("hooks.log");
        let world = World { repo, log, names };
        for name in names {
            let (text, mode) = user_hook(name, &world.log);
            let path = world.hooks().join(name);
            fs::write(&path, text).unwrap();
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        }
        world
    }

    fn hooks(&self) -> PathBuf {
        self.repo.path().join(".git/hooks")
    }

    /// Stages a migration adding `craete_time` and commits it with the hooks live; a commit
    /// that goes through is undone, keeping the migration staged for the next attempt.
    fn commit_wrong_name(&self) -> (Run, String) {
        fs::write(&self.log, "").unwrap();
        self.repo.write(M2, second(&["craete_time"]));
        self.repo.git(&["add", M2]);
        let run = self
            .repo
            .git_hooked(self.repo.path(), &["commit", "-q", "-m", "times"]);
        if run.code == 0 {
            self.repo.git(&["reset", "-q", "--soft", "HEAD~1"]);
        }
        (run, fs::read_to_string(&self.log).unwrap_or_default())
    }

    /// (a) The user's pre-commit hook runs, and when ours is in place the commit is blocked;
    /// the user's merge hook is either still the active one or kept behind ours.
    fn assert_checked_or_user_hook_runs(&self, state: &str) {
        let (run, log) = self.commit_wrong_name();
        assert!(
            log.contains("user pre-commit"),
            "{state}: the user's pre-commit hook did not run: {run:?}\n{:?}",
            self.names()
        );
        if is_ours(&self.hooks().join("pre-commit")) {
            assert_ne!(run.code, 0, "{state}: not blocked: {run:?}");
            assert!(
                run.stdout.contains("`craete_time` should be `create_time`"),
                "{state}: {run:?}"
            );
        }
        for name in &self.names[1..] {
            let (text, wanted) = user_hook(name, &self.log);
            let hook = self.hooks().join(name);
            let active = if is_ours(&hook) {
                self.hooks().join(format!("{name}{KEPT}"))
            } else {
                hook
            };
            assert_eq!(
                fs::read_to_string(&active).ok().as_deref(),
                Some(text.as_str()),
                "{state}: the user's {name} hook is neither active nor kept: {:?}",
                self.names()
            );
            assert_eq!(mode(&active), wanted, "{state}");
        }
    }

    /// (b) Both hooks are ours, each user hook is kept byte for byte with its mode, nothing
    /// else is left behind, and a commit runs the user's hook and is blocked.
    fn assert_installed(&self, state: &str) {
        for name in self.names {
            let hook = self.hooks().join(name);
            assert!(is_ours(&hook), "{state}: {name} is not ours");
            assert_eq!(mode(&hook), 0o755, "{state}: {name}");
            let kept = self.hooks().join(format!("{name}{KEPT}"));
            let (text, mode_wanted) = user_hook(name, &self.log);
            assert_eq!(fs::read_to_string(&kept).unwrap(), text, "{state}: {name}");
            assert_eq!(mode(&kept), mode_wanted, "{state}: {name}");
        }
        let expected: BTreeSet<String> = self
            .names
            .iter()
            .flat_map(|name| [name.to_string(), format!("{name}{KEPT}")])
            .collect();
        assert_eq!(self.names(), expected, "{state}: files left behind");
        let (run, log) = self.commit_wrong_name();
        assert_eq!(log, "user pre-commit\n", "{state}: {run:?}");
        assert_ne!(run.code, 0, "{state}: {run:?}");
        assert!(
            run.stdout.contains("`craete_time` should be `create_time`"),
            "{state}: {run:?}"
        );
    }

    /// The files in the hooks directory, hidden ones included and samples not.
    fn names(&self) -> BTreeSet<String> {
        snapshot(&self.hooks()).into_keys().collect()
    }
}

/// Kills install.sh after each of its file operations in turn, until it runs to the end.
fn install_killed_at_every_step(hard_links: bool, names: &'static [&'static str], extra: &[&str]) {
    let killer = Killer::new(hard_links);
    let mut kills = 0;
    for stop in 1..100 {
        let world = World::with(names);
        match killer.install(&world.repo, extra, stop) {
            Some(_) => {
                world.assert_installed("uninterrupted");
                assert!(kills >= 6, "only {kills} steps: is the killer working?");
                return;
            }
            None => kills += 1,
        }
        let state = format!("killed after step {stop}");
        world.assert_checked_or_user_hook_runs(&state);
        world.repo.install_hook_with(world.repo.path(), extra);
        world.assert_installed(&format!("rerun after being {state}"));
    }
    panic!("install.sh never ran to the end");
}

#[test]
fn install_killed_at_any_step_leaves_a_hook_active_and_a_rerun_finishes() {
    install_killed_at_every_step(true, HOOKS, &[]);
}

#[test]
fn install_with_pre_push_killed_at_any_step_keeps_the_users_pre_push_hook() {
    install_killed_at_every_step(true, HOOKS_WITH_PUSH, &["--pre-push"]);
}

#[test]
fn install_killed_at_any_step_without_hard_links_leaves_a_hook_active() {
    install_killed_at_every_step(false, HOOKS, &[]);
}

#[test]
fn uninstall_killed_at_any_step_keeps_the_user_hook_running_and_a_rerun_finishes() {
    let killer = Killer::new(true);
    for stop in 1..100 {
        let world = World::with(HOOKS_WITH_PUSH);
        let before = snapshot(&world.hooks());
        world
            .repo
            .install_hook_with(world.repo.path(), &["--pre-push"]);
        if killer
            .install(&world.repo, &["--uninstall"], stop)
            .is_some()
        {
            assert_eq!(snapshot(&world.hooks()), before);
            assert!(
                stop > 2,
                "finished after {stop} steps: is the killer working?"
            );
            return;
        }
        let state = format!("uninstall killed after step {stop}");
        world.assert_checked_or_user_hook_runs(&state);
        world
            .repo
            .install_hook_with(world.repo.path(), &["--uninstall"]);
        assert_eq!(snapshot(&world.hooks()), before, "rerun after {state}");
    }
    panic!("install.sh --uninstall never ran to the end");
}

#[test]
fn uninstall_after_an_install_killed_at_any_step_puts_the_user_hooks_back() {
    let killer = Killer::new(true);
    for stop in 1..100 {
        let world = World::new();
        let before = snapshot(&world.hooks());
        if killer.install(&world.repo, &[], stop).is_some() {
            assert!(
                stop > 6,
                "finished after {stop} steps: is the killer working?"
            );
            return;
        }
        world
            .repo
            .install_hook_with(world.repo.path(), &["--uninstall"]);
        assert_eq!(
            snapshot(&world.hooks()),
            before,
            "uninstall after install killed after step {stop}"
        );
    }
    panic!("install.sh never ran to the end");
}

/// What an install.sh that renamed the user's hook away before writing ours left when killed
/// between the two renames: a kept hook and no hook.
fn older_installer_stopped_between_renames() -> World {
    let world = World::new();
    let hook = world.hooks().join("pre-commit");
    fs::rename(&hook, world.hooks().join(format!("pre-commit{KEPT}"))).unwrap();
    world
}

#[test]
fn rerun_after_an_older_installer_stopped_between_renames_chains_the_kept_hook() {
    let world = older_installer_stopped_between_renames();

    let run = world.repo.install_hook(world.repo.path());

    assert!(run.stdout.contains("kept"), "{run:?}");
    world.assert_installed("rerun");
}

#[test]
fn uninstall_puts_back_a_kept_hook_that_has_no_hook_in_front() {
    let world = older_installer_stopped_between_renames();
    let (text, wanted) = user_hook("pre-commit", &world.log);

    world
        .repo
        .install_hook_with(world.repo.path(), &["--uninstall"]);

    let hook = world.hooks().join("pre-commit");
    assert_eq!(fs::read_to_string(&hook).unwrap(), text);
    assert_eq!(mode(&hook), wanted);
    assert!(!world.hooks().join(format!("pre-commit{KEPT}")).exists());
    let (run, log) = world.commit_wrong_name();
    assert_eq!(log, "user pre-commit\n", "{run:?}");
}
