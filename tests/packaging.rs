//! The Python package (pyproject.toml, built by maturin) against the crate (Cargo.toml): one
//! name, licence, description and set of URLs, the version read from Cargo.toml only, and an
//! sdist that holds what the build needs and nothing of target/.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use tempfile::TempDir;
use toml::{Table, Value};

use crate::support::tools::tool;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_toml(name: &str) -> Table {
    let path = root().join(name);
    let text = fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    toml::from_str(&text).unwrap_or_else(|err| panic!("{name} is not valid TOML: {err}"))
}

/// The table at `key` of `table`, or a panic naming the file and key.
fn table<'a>(table: &'a Table, file: &str, key: &str) -> &'a Table {
    table
        .get(key)
        .and_then(Value::as_table)
        .unwrap_or_else(|| panic!("{file} has no [{key}] table"))
}

/// The string at `key` of `table`, or a panic naming the file and key.
fn string<'a>(table: &'a Table, file: &str, key: &str) -> &'a str {
    table
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{file} has no string `{key}`"))
}

fn strings(table: &Table, file: &str, key: &str) -> Vec<String> {
    table
        .get(key)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("{file} has no list `{key}`"))
        .iter()
        .map(|v| {
            v.as_str()
                .unwrap_or_else(|| panic!("{file}: `{key}` holds a value that is not a string"))
                .to_owned()
        })
        .collect()
}

struct Manifests {
    cargo: Table,
    project: Table,
    pyproject: Table,
}

fn manifests() -> Manifests {
    let cargo = table(&read_toml("Cargo.toml"), "Cargo.toml", "package").clone();
    let pyproject = read_toml("pyproject.toml");
    let project = table(&pyproject, "pyproject.toml", "project").clone();
    Manifests {
        cargo,
        project,
        pyproject,
    }
}

#[test]
fn pyproject_agrees_with_cargo_toml() {
    let m = manifests();
    for key in ["name", "description", "license", "readme"] {
        assert_eq!(
            string(&m.project, "pyproject.toml", key),
            string(&m.cargo, "Cargo.toml", key),
            "`{key}` differs between pyproject.toml [project] and Cargo.toml [package]"
        );
    }
    assert_eq!(
        strings(&m.project, "pyproject.toml", "keywords"),
        strings(&m.cargo, "Cargo.toml", "keywords"),
        "`keywords` differ between pyproject.toml and Cargo.toml"
    );

    let urls = table(&m.project, "pyproject.toml", "urls");
    let repository = string(&m.cargo, "Cargo.toml", "repository");
    assert_eq!(
        string(urls, "pyproject.toml [project.urls]", "Homepage"),
        string(&m.cargo, "Cargo.toml", "homepage"),
        "the homepage differs between pyproject.toml and Cargo.toml"
    );
    assert_eq!(
        string(urls, "pyproject.toml [project.urls]", "Repository"),
        repository,
        "the repository differs between pyproject.toml and Cargo.toml"
    );
    for (label, url) in urls {
        let url = url.as_str().unwrap_or_default();
        assert!(
            url == repository || url.starts_with(&format!("{repository}/")),
            "pyproject.toml [project.urls] {label} = {url:?} is not under the repository {repository}"
        );
    }
}

#[test]
fn version_has_one_source() {
    let m = manifests();
    assert!(
        !m.project.contains_key("version"),
        "pyproject.toml sets a version: it is read from Cargo.toml (dynamic = [\"version\"])"
    );
    assert!(
        strings(&m.project, "pyproject.toml", "dynamic").contains(&"version".to_owned()),
        "pyproject.toml [project] must list \"version\" in `dynamic` so maturin reads it from Cargo.toml"
    );
    let maturin = table(
        table(&m.pyproject, "pyproject.toml", "tool"),
        "pyproject.toml",
        "maturin",
    );
    assert_eq!(
        string(maturin, "pyproject.toml [tool.maturin]", "bindings"),
        "bin"
    );
}

#[test]
fn license_file_matches_the_declared_license() {
    let m = manifests();
    assert_eq!(string(&m.cargo, "Cargo.toml", "license"), "MIT");
    assert_eq!(
        strings(&m.project, "pyproject.toml", "license-files"),
        ["LICENSE"]
    );
    let text = fs::read_to_string(root().join("LICENSE")).expect("LICENSE is missing");
    assert!(
        text.starts_with("MIT License\n"),
        "LICENSE is not the MIT licence"
    );
    assert!(
        text.contains("The check-migrate developers"),
        "LICENSE does not name the copyright holder"
    );
}

/// The pre-commit framework clones the `repo:` the README shows; it must be the real one.
#[test]
fn readme_names_the_repository() {
    let m = manifests();
    let repository = string(&m.cargo, "Cargo.toml", "repository");
    let readme = fs::read_to_string(root().join("README.md")).expect("README.md is missing");
    assert!(
        readme.contains(&format!("repo: {repository}\n")),
        "README's pre-commit section does not use `repo: {repository}`"
    );
    assert!(
        !readme.contains("example.com/your-fork"),
        "README still has the placeholder URL"
    );
}

fn metadata_field<'a>(pkg_info: &'a str, field: &str) -> Vec<&'a str> {
    let prefix = format!("{field}: ");
    pkg_info
        .lines()
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.strip_prefix(&prefix))
        .collect()
}

/// What maturin itself makes of the two files: the metadata it writes, and the files it puts
/// in the sdist.
#[test]
fn sdist_metadata_and_contents() {
    let m = manifests();
    let out = TempDir::new().unwrap();
    let built = Command::new(tool("maturin"))
        .args(["sdist", "--out"])
        .arg(out.path())
        .current_dir(root())
        .output()
        .expect("cannot run maturin");
    assert!(
        built.status.success(),
        "maturin sdist failed:\n{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let name = string(&m.cargo, "Cargo.toml", "name");
    let version = string(&m.cargo, "Cargo.toml", "version");
    let stem = format!("{}-{version}", name.replace('-', "_"));
    let archive = out.path().join(format!("{stem}.tar.gz"));
    assert!(
        archive.is_file(),
        "maturin sdist did not write {}",
        archive.display()
    );
    let unpacked = Command::new("tar")
        .arg("xzf")
        .arg(&archive)
        .current_dir(out.path())
        .status()
        .expect("cannot run tar");
    assert!(
        unpacked.success(),
        "tar could not unpack {}",
        archive.display()
    );
    let top = out.path().join(&stem);

    let pkg_info = fs::read_to_string(top.join("PKG-INFO")).expect("the sdist has no PKG-INFO");
    assert_eq!(metadata_field(&pkg_info, "Name"), [name]);
    assert_eq!(metadata_field(&pkg_info, "Version"), [version]);
    assert_eq!(
        metadata_field(&pkg_info, "Summary"),
        [string(&m.cargo, "Cargo.toml", "description")]
    );
    assert_eq!(metadata_field(&pkg_info, "License-Expression"), ["MIT"]);
    let repository = string(&m.cargo, "Cargo.toml", "repository");
    assert!(
        metadata_field(&pkg_info, "Project-URL")
            .contains(&format!("Repository, {repository}").as_str()),
        "PKG-INFO lacks the repository URL:\n{pkg_info}"
    );

    // What the build reads: the built-in library is compiled in with include_str!.
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "pyproject.toml",
        "LICENSE",
        "README.md",
        "src/main.rs",
        "data/misspellings.csv",
        "data/conventions/timestamps-at.csv",
    ] {
        assert!(top.join(needed).is_file(), "the sdist lacks {needed}");
    }
    for left_out in ["target", "bench", ".ci", ".git"] {
        assert!(!top.join(left_out).exists(), "the sdist holds {left_out}");
    }
}
