#!/bin/sh
# Benchmark check-migrate against the floors described in bench/README.md and write the
# results into BENCHMARKS.md.
#
#   bench/run.sh [tiny|small|large ...]      (default: small large)
#
# Environment: BENCH_DIR (scratch, default target/bench), BENCH_RUNS (timed runs per command,
# default by size), BENCH_REPORT (default BENCHMARKS.md), BENCH_SEED (default 42).
set -eu

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench/run.sh: error: %s\n' "$*" >&2; exit 1; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

INVOCATION="bench/run.sh${*:+ $*}"
SIZES=${*:-small large}
for size in $SIZES; do
    case $size in
        tiny|small|large) ;;
        *) die "unknown size '$size' (expected tiny, small or large)" ;;
    esac
done

# Run from a git hook, these would point every git command below at the wrong repository.
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE GIT_PREFIX GIT_OBJECT_DIRECTORY \
    GIT_ALTERNATE_OBJECT_DIRECTORIES 2>/dev/null || true

BENCH_DIR=${BENCH_DIR:-target/bench}
case $BENCH_DIR in /*) ;; *) BENCH_DIR=$ROOT/$BENCH_DIR ;; esac
REPORT=${BENCH_REPORT:-BENCHMARKS.md}
case $REPORT in /*) ;; *) REPORT=$ROOT/$REPORT ;; esac
SEED=${BENCH_SEED:-42}
case $SEED in ''|*[!0-9]*) die "BENCH_SEED must be a number, not '$SEED'" ;; esac
if [ -n "${BENCH_RUNS:-}" ]; then
    case $BENCH_RUNS in ''|*[!0-9]*|0|1) die "BENCH_RUNS must be a number of at least 2" ;; esac
fi

for tool in cargo git python3 xargs cat; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is needed but not on PATH"
done

# ---- tools -----------------------------------------------------------------------------------

apt_install() {
    if [ "$(id -u)" = 0 ]; then
        sudo=
    elif command -v sudo >/dev/null 2>&1; then
        sudo=sudo
    else
        die "$* missing and not root: install them (Debian: apt-get install $*)"
    fi
    say "installing $* with apt-get (missing on this machine)"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 \
        || die "apt-get update failed"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2 \
        || die "apt-get install $* failed"
}

missing=
command -v hyperfine >/dev/null 2>&1 || missing="$missing hyperfine"
[ -x /usr/bin/time ] || missing="$missing time"
# shellcheck disable=SC2086
[ -z "$missing" ] || apt_install $missing
command -v hyperfine >/dev/null 2>&1 || die "hyperfine is still not on PATH"
[ -x /usr/bin/time ] || die "/usr/bin/time is still missing"
# -N (no shell between hyperfine and the command) arrived in hyperfine 1.13.
hyperfine -N --runs 2 --style none true >/dev/null 2>&1 \
    || die "this hyperfine lacks -N/--shell=none; version 1.13 or later is needed"

# ---- the binary ------------------------------------------------------------------------------

say "building the release binary"
cargo build --release --locked >&2 || die "cargo build --release --locked failed"
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/check-migrate
case $BIN in /*) ;; *) BIN=$ROOT/$BIN ;; esac
[ -x "$BIN" ] || die "no binary at $BIN after the build"
case $BIN in *"'"*|*'"'*|*' '*) die "the binary's path must not contain quotes or spaces: $BIN" ;; esac
case $BENCH_DIR in *"'"*|*'"'*|*' '*) die "BENCH_DIR must not contain quotes or spaces" ;; esac
VERSION=$("$BIN" --version) || die "$BIN --version failed"
# the version number alone does not say which code was measured
SOURCE=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ "$SOURCE" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no -- src Cargo.toml Cargo.lock 2>/dev/null)" ]; then
    SOURCE="$SOURCE (with uncommitted changes to the sources)"
fi

mkdir -p "$BENCH_DIR"
GENERATOR_HASH=$(python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' bench/generate.py)

# ---- one size --------------------------------------------------------------------------------

median_rss() {
    # median of five runs of /usr/bin/time's maximum resident set size, in KiB
    out=$1; shift
    : >"$out"
    for _ in 1 2 3 4 5; do
        status=0
        /usr/bin/time -f '%M' -o "$BENCH_DIR/time.out" "$@" >/dev/null 2>&1 || status=$?
        # time prints "Command exited with non-zero status N" before the number then
        [ "$status" -le 1 ] || die "'$*' exited with $status while measuring memory"
        tail -n 1 "$BENCH_DIR/time.out" >>"$out"
    done
}

bench_size() {
    size=$1
    repo=$BENCH_DIR/$size
    manifest=$BENCH_DIR/$size.json
    stamp=$BENCH_DIR/$size.stamp
    gen_args="--size $size --seed $SEED"
    want="generator $GENERATOR_HASH; $(python3 --version 2>&1); args $gen_args"
    case $size in
        tiny) runs=20 ;;
        small) runs=40 ;;
        large) runs=30 ;;
    esac
    runs=${BENCH_RUNS:-$runs}
    version_runs=200

    # A stamp is written only after a complete generation, with the state git reports, so a
    # half-written or since-touched repository is made again.
    reuse=no
    if [ -f "$stamp" ] && [ -d "$repo/.git" ] && [ -f "$manifest" ]; then
        if [ "$(sed -n 1p "$stamp")" = "$want" ] \
            && [ "$(sed -n '2,$p' "$stamp")" = "$(git -C "$repo" status --porcelain 2>/dev/null)" ]; then
            reuse=yes
        fi
    fi
    if [ $reuse = yes ]; then
        say "$size: reusing $repo (generator and arguments unchanged)"
    else
        say "$size: generating $repo"
        rm -f "$stamp"
        # shellcheck disable=SC2086
        python3 bench/generate.py "$repo" $gen_args --force --manifest "$manifest" >&2 \
            || die "generating the $size repository failed"
        { echo "$want"; git -C "$repo" status --porcelain; } >"$stamp.tmp"
        mv "$stamp.tmp" "$stamp"
    fi

    list=$BENCH_DIR/$size.migrations
    git -C "$repo" ls-files -z | python3 -c '
import sys
def is_migration(p):
    parts = p.split(b"/")
    return (len(parts) >= 2 and parts[-2] == b"migrations" and parts[-1].endswith(b".py")
            and parts[-1] != b"__init__.py" and len(parts[-1]) > 3)
paths = [p for p in sys.stdin.buffer.read().split(b"\0") if p and is_migration(p)]
sys.stdout.buffer.write(b"".join(p + b"\0" for p in paths))
' >"$list" || die "listing the migrations of $repo failed"
    count=$(tr -cd '\0' <"$list" | wc -c | tr -d ' ')
    [ "$count" -gt 0 ] || die "no migrations found in $repo"

    # hyperfine -i hides exit codes, so check them once here: 1 means findings, anything
    # else would make the timings meaningless.
    cd "$repo"
    status=0; "$BIN" --color never --format concise >"$BENCH_DIR/$size.staged.out" 2>&1 || status=$?
    [ "$status" = 1 ] || die "$size: staged mode exited $status, expected 1 (see $BENCH_DIR/$size.staged.out)"
    status=0; "$BIN" --all --color never --format concise >"$BENCH_DIR/$size.all.out" 2>&1 || status=$?
    [ "$status" = 1 ] || die "$size: --all exited $status, expected 1 (see $BENCH_DIR/$size.all.out)"
    grep -q "checked $count migration files" "$BENCH_DIR/$size.all.out" \
        || say "warning: $size: --all did not report checking the $count migrations git lists"
    cd "$ROOT"
    # The files reported should be exactly those the generator planted a wrong name in; a
    # difference means the generator or the field library changed, and the numbers may not
    # compare with earlier runs.
    python3 - "$manifest" "$BENCH_DIR/$size.staged.out" "$BENCH_DIR/$size.all.out" <<'PY' >&2 \
        || say "warning: $size: the findings differ from what the generator planted (above)"
import json, re, sys
manifest = json.load(open(sys.argv[1], encoding="utf-8"))
def reported(path):
    found = set()
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = re.match(r"(.+?):\d+:\d+: error\[", line)
            if m:
                found.add(m.group(1))
    return found
ok = True
for mode, path, want in [
    ("staged", sys.argv[2], set(manifest["staged_wrong"])),
    ("--all", sys.argv[3], set(manifest["wrong_committed"]) | set(manifest["staged_wrong"])),
]:
    got = reported(path)
    if got != want:
        ok = False
        print("%s: %d files with errors, %d planted; not reported: %s; unexpected: %s" % (
            mode, len(got), len(want), sorted(want - got)[:5], sorted(got - want)[:5]))
sys.exit(0 if ok else 1)
PY

    # The commands are kept as strings so the report quotes exactly what ran; the paths in
    # them were checked above to hold no spaces or quotes.
    cat_cmd="xargs -0 -s 1048576 -a $list cat"
    hf="hyperfine -N --warmup 3 --style basic"
    staged_cmd="$hf -i --runs $runs --export-json $BENCH_DIR/$size.staged-bench.json -n check-migrate '$BIN' -n 'git diff --cached --name-only' 'git diff --cached --name-only'"
    all_cmd="$hf -i --runs $runs --export-json $BENCH_DIR/$size.all-bench.json -n 'check-migrate --all' '$BIN --all' -n 'xargs cat' '$cat_cmd'"
    version_cmd="$hf --runs $version_runs --export-json $BENCH_DIR/$size.version-bench.json -n 'check-migrate --version' '$BIN --version'"

    # a shared machine's other work shows up as wall time; the report says how busy it was
    load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
    say "$size: staged mode vs git diff --cached ($runs runs each)"
    (cd "$repo" && eval "$staged_cmd" >&2) || die "$size: hyperfine (staged) failed"
    say "$size: --all vs cat of the $count migrations ($runs runs each)"
    (cd "$repo" && eval "$all_cmd" >&2) || die "$size: hyperfine (--all) failed"
    say "$size: --version ($version_runs runs)"
    (cd "$repo" && eval "$version_cmd" >&2) || die "$size: hyperfine (--version) failed"
    say "$size: peak memory (5 runs each)"
    (cd "$repo" && median_rss "$BENCH_DIR/$size.rss-staged" "$BIN" \
        && median_rss "$BENCH_DIR/$size.rss-all" "$BIN" --all) \
        || die "$size: measuring memory failed"

    python3 bench/report.py \
        --size "$size" --report "$REPORT" --dir "$BENCH_DIR" --manifest "$manifest" \
        --binary-version "$VERSION" --invocation "$INVOCATION" \
        --generator-args "$gen_args" --list-count "$count" --source-commit "$SOURCE" \
        --load "$load" --root "$ROOT" \
        --command "cd $repo" \
        --command "$staged_cmd" \
        --command "$all_cmd" \
        --command "$version_cmd" \
        --command "/usr/bin/time -f %M $BIN; /usr/bin/time -f %M $BIN --all   # 5 times each" \
        || die "$size: writing the report failed"
}

for size in $SIZES; do
    bench_size "$size"
done
say "results written to $REPORT"
