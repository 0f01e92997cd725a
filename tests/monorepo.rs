//! Configuration per file, as ruff resolves it: each file is governed by the nearest config
//! above it, whatever the working directory, so the hook (run by git from the root) applies
//! `backend/pyproject.toml` to the backend's files and another config to another service's.

use crate::support::{Repo, finding, migration};

const BACKEND: &str = "backend/blog/migrations/0001_initial.py";
const SERVICE: &str = "services/x/shop/migrations/0001_initial.py";
const OTHER: &str = "tools/app/migrations/0001_initial.py";

fn monorepo() -> Repo {
    let repo = Repo::new();
    repo.write(
        "backend/pyproject.toml",
        "[project]\nname = \"backend\"\n\n[tool.check-migrate]\nallow = [\"craete_time\"]\n",
    );
    repo.write(
        "services/x/.check-migrate.toml",
        "library = [\"names.csv\"]\n",
    );
    repo.write(
        "services/x/names.csv",
        "correct_name,description,wrong_names\ntotal_amount,the total,\"amount_total\"\n",
    );
    // A pyproject.toml of another tool only is passed over.
    repo.write("tools/pyproject.toml", "[tool.ruff]\nline-length = 100\n");
    repo.commit_all("configs");
    repo.write(BACKEND, migration(&["craete_time", "udpate_time"]));
    repo.write(SERVICE, migration(&["amount_total", "craete_time"]));
    repo.write(OTHER, migration(&["craete_time"]));
    repo
}

fn expected() -> Vec<String> {
    vec![
        // backend: `craete_time` allowed, the built-in library otherwise.
        finding(BACKEND, 10, "udpate_time", "update_time"),
        // services/x: its own library only.
        finding(SERVICE, 9, "amount_total", "total_amount"),
        // tools: no config of its own; the built-in library.
        finding(OTHER, 9, "craete_time", "create_time"),
        "checked 3 migration files: 3 errors, 0 warnings".to_string(),
    ]
}

#[test]
fn hook_from_the_root_applies_each_config_to_its_own_files() {
    let repo = monorepo();
    repo.git(&["add", "-A"]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.lines(), expected(), "{run:?}");
    // Through git itself, as the hook.
    repo.install_hook(repo.path());
    let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", "migrations"]);
    assert_ne!(run.code, 0, "{run:?}");
    for line in [
        "`udpate_time` should be `update_time`",
        "`amount_total` should be `total_amount`",
    ] {
        assert!(run.stdout.contains(line), "{line}: {run:?}");
    }
    assert!(
        !run.stdout
            .contains("backend/blog/migrations/0001_initial.py:9:"),
        "{run:?}"
    );
}

#[test]
fn every_mode_and_working_directory_agrees() {
    let repo = monorepo();
    let expected = expected();
    for dir in ["", "backend", "services/x/shop"] {
        let run = repo.check_in(dir, &["--all", "--format", "concise"]);
        assert_eq!(run.lines(), expected, "--all from `{dir}`: {run:?}");
    }
    let run = repo.check_in(
        "backend",
        &["--format", "concise", "..", "--color", "never"],
    );
    assert_eq!(run.lines(), expected, "paths: {run:?}");
    repo.commit_all("migrations");
    let run = repo.check(&["--since", "HEAD~1", "--format", "concise"]);
    assert_eq!(run.lines(), expected, "--since: {run:?}");
}

#[test]
fn each_config_keeps_its_own_baseline() {
    let repo = monorepo();
    repo.write(
        "backend/pyproject.toml",
        "[tool.check-migrate]\nallow = [\"craete_time\"]\nbaseline = \"accepted.json\"\n",
    );
    // Writing the baselines puts each finding in its config's file, the rest at the root.
    let run = repo.check(&["--all", "--write-baseline"]);
    assert_eq!(run.code, 0, "{run:?}");
    let backend = std::fs::read_to_string(repo.path().join("backend/accepted.json"))
        .expect("backend baseline");
    assert!(
        backend.contains("udpate_time") && !backend.contains("amount_total"),
        "{backend}"
    );
    let root = std::fs::read_to_string(repo.path().join(".check-migrate-baseline.json"))
        .expect("root baseline");
    assert!(
        root.contains("amount_total") && !root.contains("udpate_time"),
        "{root}"
    );
    // The hook, from the root, applies the backend's baseline to the backend's files.
    repo.git(&["add", "-A"]);
    std::fs::remove_file(repo.path().join(".check-migrate-baseline.json")).expect("remove");
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(
        run.lines(),
        [
            finding(SERVICE, 9, "amount_total", "total_amount").as_str(),
            finding(OTHER, 9, "craete_time", "create_time").as_str(),
            "checked 3 migration files: 2 errors, 0 warnings",
        ],
        "{run:?}"
    );
}

#[test]
fn a_broken_config_in_a_subdirectory_stops_the_run() {
    let repo = monorepo();
    repo.write(
        "services/x/.check-migrate.toml",
        "librari = [\"names.csv\"]\n",
    );
    let run = repo.check(&["--all"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("services/x/.check-migrate.toml:1: unknown key `librari`"),
        "{run:?}"
    );
}

/// A broken config stops the run only where it governs a file being checked: an example
/// project's `pyproject.toml` in `docs/` blocks no commit elsewhere.
#[test]
fn a_broken_config_governing_nothing_checked_blocks_nothing() {
    let repo = monorepo();
    repo.write(
        "docs/example/pyproject.toml",
        "[tool.check-migrate]\nno-such-key = 1\n",
    );
    repo.commit_all("docs");
    repo.write(
        "backend/blog/migrations/0002_post_body.py",
        crate::support::second(&["body"]),
    );
    repo.git(&["add", "-A"]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
    repo.write(
        "docs/example/app/migrations/0001_initial.py",
        migration(&["body"]),
    );
    repo.git(&["add", "-A"]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 2, "now it governs a staged file: {run:?}");
    assert!(
        run.stderr
            .contains("docs/example/pyproject.toml:2: unknown key `no-such-key`"),
        "{run:?}"
    );
}

/// A config in a subdirectory that names no baseline keeps its files in the baseline of the
/// config above it, for reading and for writing.
#[test]
fn a_config_without_a_baseline_keeps_the_one_above() {
    let repo = monorepo();
    repo.write(".check-migrate.toml", "baseline = \"accepted.json\"\n");
    let run = repo.check(&["--all", "--write-baseline"]);
    assert_eq!(run.code, 0, "{run:?}");
    let written = std::fs::read_to_string(repo.path().join("accepted.json")).expect("baseline");
    for name in ["udpate_time", "amount_total", "craete_time"] {
        assert!(written.contains(name), "{name}: {written}");
    }
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.lines(),
        ["checked 3 migration files: no problems found"],
        "{run:?}"
    );
}
