//! Test helpers: the real binary with a clean environment, and throwaway git repositories
//! built with the real `git` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

pub mod tools;

/// Variables that would make git (or our binary) look somewhere other than the test's repo.
const LEAKY_VARS: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_CEILING_DIRECTORIES",
    "GIT_PREFIX",
    "NO_COLOR",
    "CLICOLOR_FORCE",
    "FORCE_COLOR",
    "GITHUB_ACTIONS",
];

/// The fixtures folder of the test suite.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Both streams as `stdout`, in that order: git sends a hook's stdout to its own stderr,
    /// so what a user sees of a hooked git command is the two together.
    pub fn combined(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
            stderr: String::new(),
        }
    }

    /// Non-empty stdout lines.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().filter(|l| !l.is_empty()).collect()
    }
}

/// Apply the clean environment to any command: no git variables from outside, a home of its
/// own so no user config leaks in.
pub fn clean(cmd: &mut Command, home: &Path) {
    for var in LEAKY_VARS {
        cmd.env_remove(var);
    }
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("LC_ALL", "C");
}

/// The real binary, to be run in `dir`.
pub fn check_migrate(dir: &Path, home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_check-migrate"));
    cmd.current_dir(dir);
    clean(&mut cmd, home);
    cmd
}

/// Run the binary in `dir` with `args`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let home = TempDir::new().expect("temporary home");
    let output = check_migrate(dir, home.path())
        .args(args)
        .output()
        .expect("run check-migrate");
    Run::from(output)
}

/// Run a command that must not block: killed after 20 seconds, which fails the test rather
/// than hanging the suite.
pub fn run_guarded(mut cmd: Command) -> Run {
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the command");
    let started = Instant::now();
    while child.try_wait().expect("poll the command").is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} still running after 20 s: killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Run::from(child.wait_with_output().expect("collect the output"))
}

/// A FIFO at `path`, made with the `mkfifo` binary.
#[cfg(unix)]
pub fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// A throwaway git repository.
pub struct Repo {
    dir: TempDir,
    home: TempDir,
}

impl Repo {
    pub fn new() -> Repo {
        let repo = Repo {
            dir: TempDir::new().expect("temporary repository"),
            home: TempDir::new().expect("temporary home"),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.name", "Test"]);
        repo.git(&["config", "user.email", "test@example.com"]);
        repo.git(&["config", "core.autocrlf", "false"]);
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// A git command in the repository with the clean environment.
    pub fn git_cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("git");
        cmd.current_dir(self.path()).args(args);
        clean(&mut cmd, self.home());
        cmd
    }

    /// Run git; panics with git's stderr when it fails, since the test setup is then broken.
    pub fn git(&self, args: &[&str]) -> String {
        let out = self.git_cmd(args).output().expect("run git");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn write(&self, path: &str, content: impl AsRef<[u8]>) {
        let full = self.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("create directories");
        }
        std::fs::write(full, content).expect("write file");
    }

    /// Write a file whose path is raw bytes (a name that is not UTF-8, say).
    #[cfg(unix)]
    pub fn write_raw(&self, path: &[u8], content: impl AsRef<[u8]>) {
        use std::os::unix::ffi::OsStrExt;
        let full = self.path().join(std::ffi::OsStr::from_bytes(path));
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("create directories");
        }
        std::fs::write(full, content).expect("write file");
    }

    pub fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--no-verify", "-m", message]);
    }

    /// Run the binary in the repository root.
    pub fn check(&self, args: &[&str]) -> Run {
        self.check_in(".", args)
    }

    /// Run the binary in a subdirectory of the repository.
    pub fn check_in(&self, subdir: &str, args: &[&str]) -> Run {
        let output = check_migrate(&self.path().join(subdir), self.home())
            .args(args)
            .output()
            .expect("run check-migrate");
        Run::from(output)
    }
}

/// The start of a test migration of app `blog`, up to its operations list.
const MIGRATION_HEAD: &str = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = []\n\n    operations = [\n";

/// `blog/migrations/0001_initial.py` in the tests that need one app.
pub const M1: &str = "blog/migrations/0001_initial.py";
/// The app's next migration, written with [`second`].
pub const M2: &str = "blog/migrations/0002_post_times.py";

/// A first migration adding `names` to `post`, one AddField per line from line 9.
pub fn migration(names: &[&str]) -> String {
    let mut text = String::from(MIGRATION_HEAD);
    for name in names {
        text.push_str(&format!(
            "        migrations.AddField(\"post\", \"{name}\", models.DateTimeField(null=True)),\n"
        ));
    }
    text.push_str("    ]\n");
    text
}

/// The same, as the app's second migration (it depends on `0001_initial`; lines unchanged).
pub fn second(names: &[&str]) -> String {
    migration(names).replace(
        "dependencies = []",
        "dependencies = [(\"blog\", \"0001_initial\")]",
    )
}

/// A migration with these dependencies and one AddField of `field` (line 7 holds the first
/// dependency, or the list's closing bracket).
pub fn migration_after(dependencies: &[(&str, &str)], field: &str) -> String {
    let deps: String = dependencies
        .iter()
        .map(|(app, name)| format!("        (\"{app}\", \"{name}\"),\n"))
        .collect();
    format!(
        "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = [\n{deps}    ]\n\n    operations = [\n        migrations.AddField(\"post\", \"{field}\", models.IntegerField(default=0)),\n    ]\n"
    )
}

/// The concise line of a `field-name` finding in a file written by [`migration`].
pub fn finding(path: &str, line: usize, name: &str, wanted: &str) -> String {
    format!("{path}:{line}:38: error[field-name] `{name}` should be `{wanted}`")
}

/// PATH with the freshly built binary first, as after `cargo install`.
pub fn path_with_binary() -> String {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_check-migrate"));
    let dir = bin.parent().map(Path::to_path_buf).unwrap_or_default();
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

impl Repo {
    /// `install.sh --no-build --repo target`, as a user would run it with the binary on PATH.
    pub fn install_hook(&self, target: &Path) -> Run {
        self.install_hook_with(target, &[])
    }

    /// The same with more installer options.
    pub fn install_hook_with(&self, target: &Path, extra: &[&str]) -> Run {
        let run = Run::from(
            self.install_command(target, extra)
                .output()
                .expect("run install.sh"),
        );
        assert_eq!(run.code, 0, "install.sh failed: {run:?}");
        run
    }

    /// `sh install.sh --no-build --repo target EXTRA`, not yet run, for tests that expect a
    /// refusal or change its environment.
    pub fn install_command(&self, target: &Path, extra: &[&str]) -> Command {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("install.sh");
        let mut cmd = Command::new("sh");
        cmd.arg(script)
            .arg("--no-build")
            .arg("--repo")
            .arg(target)
            .args(extra)
            .current_dir(self.path());
        clean(&mut cmd, self.home());
        cmd.env("PATH", path_with_binary());
        cmd
    }

    /// A git command in `dir` with the binary on PATH, so the hooks it runs find it. git sends
    /// a hook's stdout to its own stderr, so `stdout` here holds both streams.
    pub fn git_hooked(&self, dir: &Path, args: &[&str]) -> Run {
        let out = self
            .git_cmd(args)
            .current_dir(dir)
            .env("PATH", path_with_binary())
            .output()
            .expect("run git");
        Run::combined(out)
    }
}
