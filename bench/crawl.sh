#!/bin/sh
# Inputs that used to make check-migrate crawl, each timed (no target, nothing asserted): a
# rewritten 40,000-line migration staged (next to `git diff --cached`), a 16,000-character
# glob in the config, thousands of findings on one line, and a FIFO named as a path.
#
#   bench/crawl.sh [BINARY]        (default: target/release/check-migrate, built if missing)
#
# Environment: CRAWL_DIR (scratch, default target/crawl), CRAWL_RUNS (hyperfine runs per
# command, default 5), CRAWL_WARMUP (warm-up runs, default 1), CRAWL_FINDINGS (findings on
# the one line, default 10000).
set -eu

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench/crawl.sh: error: %s\n' "$*" >&2; exit 1; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE GIT_PREFIX GIT_OBJECT_DIRECTORY \
    GIT_ALTERNATE_OBJECT_DIRECTORIES 2>/dev/null || true

BIN=${1:-$ROOT/target/release/check-migrate}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
if [ ! -x "$BIN" ]; then
    [ $# -eq 0 ] || die "$BIN is not an executable"
    say "building the release binary"
    (cd "$ROOT" && cargo build --release --locked) || die "cargo build failed"
fi
DIR=${CRAWL_DIR:-$ROOT/target/crawl}
RUNS=${CRAWL_RUNS:-5}
WARMUP=${CRAWL_WARMUP:-1}
FINDINGS=${CRAWL_FINDINGS:-10000}
for tool in git python3 hyperfine timeout mkfifo; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is needed but not on PATH"
done
rm -rf "$DIR"
mkdir -p "$DIR/home"

# The user's git configuration must not change what git shows or what it costs.
export HOME="$DIR/home" GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=bench \
    GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench \
    GIT_COMMITTER_EMAIL=bench@example.com

# time_it NAME COMMAND...: each command's median; -i, since findings exit 1.
time_it() {
    name=$1
    shift
    hyperfine -N -i --warmup "$WARMUP" --runs "$RUNS" --style none \
        --export-json "$DIR/$name.json" "$@" >/dev/null 2>&1 || die "hyperfine failed on $name"
    python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("  %-50s %10.1f ms" % (r["command"].replace(sys.argv[2], "check-migrate"), r["median"] * 1000))
' "$DIR/$name.json" "$BIN"
}

# gen KIND PATH [ARG]: the generated inputs.
gen() {
    python3 - "$@" <<'PY'
import sys
kind, path = sys.argv[1], sys.argv[2]
head = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n"
if kind in ("old", "new"):
    prefix, length = ("field", 32) if kind == "old" else ("column", 64)
    lines = [f'                ("{prefix}_{i}", models.CharField(max_length={length})),\n'
             for i in range(40000 - 14)]
    if kind == "new":
        lines[-1] = '                ("create_time", models.DateTimeField()),\n'
    text = (head + "\n    dependencies = []\n\n    operations = [\n"
            "        migrations.CreateModel(\n            name=\"Big\",\n            fields=[\n"
            + "".join(lines) + "            ],\n        ),\n    ]\n")
elif kind == "line":
    op = 'migrations.AddField("post", "create_time", models.IntegerField()), '
    text = head + "    operations = [" + op * int(sys.argv[3]) + "]\n"
elif kind == "glob":
    text = 'include = ["' + "*a" * 8000 + '"]\n'
open(path, "w").write(text)
PY
}

echo "binary: $BIN ($("$BIN" --version)); $(git --version); $(nproc) CPUs"

# ---- 1. a 40,000-line migration rewritten and staged ------------------------------------------
REPO=$DIR/rewrite
mkdir -p "$REPO/app/migrations"
touch "$REPO/app/migrations/__init__.py"
gen old "$REPO/app/migrations/0001_initial.py"
git -C "$REPO" init -q
git -C "$REPO" add -A
git -C "$REPO" commit -q -m initial
gen new "$REPO/app/migrations/0001_initial.py"
git -C "$REPO" add -A
echo "rewrite: $(wc -l <"$REPO/app/migrations/0001_initial.py") lines, every field line changed, staged"
(cd "$REPO" && "$BIN" --format concise --color never | sed 's/^/  /') || true
(cd "$REPO" && time_it rewrite "$BIN" 'git diff --cached')

# ---- 2. a 16,000-character glob -----------------------------------------------------------------
GLOB=$DIR/glob
mkdir -p "$GLOB/app/migrations"
printf 'from django.db import migrations\n' >"$GLOB/app/migrations/0001_initial.py"
gen glob "$GLOB/.check-migrate.toml"
echo "glob: include = [\"*a*a...\"], 16,000 characters"
(cd "$GLOB" && "$BIN" --color never app 2>&1 | cut -c1-160 | sed 's/^/  /') || true
(cd "$GLOB" && time_it glob "$BIN --color never app")

# ---- 3. thousands of findings on one line -------------------------------------------------------
LINE=$DIR/line
mkdir -p "$LINE/app/migrations"
gen line "$LINE/app/migrations/0001_initial.py" "$FINDINGS"
echo "one line: $FINDINGS findings on a line of $(wc -c <"$LINE/app/migrations/0001_initial.py") bytes"
for format in concise full; do
    bytes=$(cd "$LINE" && "$BIN" --color never --format $format app | wc -c) || true
    echo "  --format $format prints $bytes bytes"
done
(cd "$LINE" && time_it line "$BIN --color never --format concise app" \
    "$BIN --color never --format full app")

# ---- 4. a FIFO named as a path ------------------------------------------------------------------
FIFO=$DIR/fifo
mkdir -p "$FIFO/app/migrations"
mkfifo "$FIFO/app/migrations/0001_initial.py"
echo "fifo: check-migrate app/migrations/0001_initial.py (a FIFO), killed after 10 s"
status=0
out=$(cd "$FIFO" && timeout 10 "$BIN" --color never app/migrations/0001_initial.py 2>&1) || status=$?
[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/  /'
echo "  exit status $status (124: still blocked when killed)"
