#!/bin/sh
# Proves the Python wheel: builds the Linux x86_64 wheel with maturin, installs it with pip
# into a fresh virtual environment, and then, with a PATH that holds only that environment's
# bin and the few commands git, install.sh and the hook use (no cargo, rustc or C compiler),
# installs the hook into a throwaway Django-style repository and makes real commits: one
# that adds a wrong field name must be stopped, a clean one must pass. Prints how long the
# build and the install took, and a closing `wheel: N passed, M failed` line; exits non-zero
# on any failure. Last, packs the wheel's binary with .ci/archive.py, as the release does.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)

say() { printf 'wheel: %s\n' "$*"; }
die() {
    printf 'wheel: error: %s\n' "$*" >&2
    exit 1
}

passed=0
failed=0
pass() {
    passed=$((passed + 1))
    say "ok: $*"
}
# One line saying what failed; then, indented, what the command printed, if given.
fail() {
    failed=$((failed + 1))
    printf 'wheel: FAILED: %s\n' "$1" >&2
    if [ $# -gt 1 ] && [ -n "$2" ]; then
        printf '%s\n' "$2" | sed 's/^/    /' >&2
    fi
}

# Seconds since the epoch with milliseconds; `date +%s` alone is too coarse for pip.
now() { python3 -c 'import time; print("%.3f" % time.time())'; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

[ "$(uname -s) $(uname -m)" = "Linux x86_64" ] ||
    die "this script builds and tests the Linux x86_64 wheel; this machine is $(uname -s) $(uname -m)"
command -v python3 >/dev/null 2>&1 || die "python3 is needed for the virtual environment"

maturin=$root/target/ci-tools/venv/bin/maturin
if [ ! -x "$maturin" ]; then
    sh .ci/tools.sh || die ".ci/tools.sh could not install maturin"
fi
[ -x "$maturin" ] || die ".ci/tools.sh ran but $maturin is not there"

work=$(mktemp -d "${TMPDIR:-/tmp}/check-migrate-wheel.XXXXXX") || die "cannot make a temporary directory"
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM

# 1. The wheel, built as a release would build it.
say "building the wheel (maturin build --release --locked)"
start=$(now)
"$maturin" build --release --locked --out "$work/dist" || die "maturin build failed"
build_time=$(since "$start")
set -- "$work"/dist/*.whl
[ $# -eq 1 ] && [ -f "$1" ] || die "expected one wheel in $work/dist, found: $*"
wheel=$1
case ${wheel##*/} in
    check_migrate-*-py3-none-manylinux*_x86_64.whl) ;;
    *) die "${wheel##*/} is not a manylinux x86_64 wheel (a binary linked to a library manylinux does not allow?)" ;;
esac
say "built ${wheel##*/} in ${build_time}s"

# 2. A fresh virtual environment, installed into from the wheel file alone.
venv=$work/venv
python3 -m venv "$venv" || die "python3 -m venv failed (on Debian: apt-get install python3-venv)"
start=$(now)
"$venv/bin/python" -m pip install --no-index --disable-pip-version-check --quiet "$wheel" ||
    die "pip could not install ${wheel##*/} into a fresh virtual environment"
install_time=$(since "$start")
say "pip installed the wheel in ${install_time}s"
[ -x "$venv/bin/check-migrate" ] || die "the wheel did not put check-migrate in $venv/bin"

# 3. A PATH with the environment's bin and links to the commands git, install.sh and
# hooks/pre-commit run, and nothing else.
tools=$work/tools
mkdir "$tools"
for name in git sh basename dirname awk sed grep cmp cut head ls cat cp ln mv rm chmod mkdir; do
    found=$(command -v "$name") || die "$name is needed and is not on PATH"
    case $found in
        /*) ln -s "$found" "$tools/$name" ;;
        *) die "$name is not a command file here ($found)" ;;
    esac
done
path=$venv/bin:$tools
for compiler in cargo rustc cc gcc clang; do
    if found=$(PATH=$path && command -v "$compiler"); then
        die "$compiler is findable on the test PATH ($found): the check would not prove the wheel needs no toolchain"
    fi
done
found=$(PATH=$path && command -v check-migrate) || die "check-migrate is not on the test PATH"
[ "$found" = "$venv/bin/check-migrate" ] || die "check-migrate on the test PATH is $found, not the wheel's"

# The hook looks in $CARGO_HOME/bin and ~/.cargo/bin after PATH: point both at nothing, so
# only the wheel's binary can answer.
home=$work/home
mkdir "$home"
unset CARGO_HOME GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_COMMON_DIR GIT_OBJECT_DIRECTORY \
    GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_CEILING_DIRECTORIES NO_COLOR CLICOLOR_FORCE GITHUB_ACTIONS
export HOME="$home" XDG_CONFIG_HOME="$home/.config" GIT_CONFIG_NOSYSTEM=1 \
    GIT_AUTHOR_NAME=check-migrate GIT_AUTHOR_EMAIL=wheel@check-migrate.invalid \
    GIT_COMMITTER_NAME=check-migrate GIT_COMMITTER_EMAIL=wheel@check-migrate.invalid
git=$tools/git
run() { env PATH="$path" "$@"; }

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
if out=$(run check-migrate --version 2>&1) && [ "$out" = "check-migrate $version" ]; then
    pass "the installed check-migrate is version $version"
else
    fail "check-migrate --version printed '$out', expected 'check-migrate $version'"
fi

# 4. A Django-style app with its first migration, committed before the hook is installed.
repo=$work/project
mkdir -p "$repo/blog/migrations"
run "$git" init -q "$repo" || die "git init failed"
: >"$repo/blog/__init__.py"
# The team's convention: moments end in `_at` (with no config only misspellings are wrong).
printf 'conventions = ["timestamps-at"]\n' >"$repo/.check-migrate.toml"
: >"$repo/blog/migrations/__init__.py"
cat >"$repo/blog/migrations/0001_initial.py" <<'EOF'
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Post",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("title", models.CharField(max_length=200)),
            ],
        ),
    ]
EOF
run "$git" -C "$repo" add -A && run "$git" -C "$repo" commit -q -m "blog: initial migration" ||
    die "the first commit failed"

run "$root/install.sh" --no-build --repo "$repo" >"$work/install.log" 2>&1 ||
    die "install.sh --no-build failed: $(tail -n 1 "$work/install.log")"
if grep -q warning "$work/install.log"; then
    die "install.sh did not find the wheel's binary: $(grep warning "$work/install.log" | head -n 1)"
fi

# Writes blog/migrations/$1.py adding field $2 to Post.
add_field() {
    cat >"$repo/blog/migrations/$1.py" <<EOF
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("blog", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="$2",
            field=models.DateTimeField(auto_now_add=True),
        ),
    ]
EOF
}

head_commit() { run "$git" -C "$repo" rev-parse HEAD; }

# 5. A commit adding `create_time` is stopped, and says what the name should be.
before=$(head_commit)
add_field 0002_post_create_time create_time
run "$git" -C "$repo" add blog/migrations/0002_post_create_time.py || die "git add failed"
if out=$(run "$git" -C "$repo" commit -m "blog: Post.create_time" 2>&1); then
    fail "the commit adding create_time passed the hook" "$out"
elif [ "$(head_commit)" != "$before" ]; then
    fail "the commit adding create_time failed, but HEAD moved"
else
    case $out in
        *create_time*created_at*) pass "the commit adding create_time is stopped, suggesting created_at" ;;
        *) fail "the commit adding create_time is stopped, but the message does not suggest created_at" "$out" ;;
    esac
fi

# 6. The same change with the right name is committed.
run "$git" -C "$repo" rm -q --cached blog/migrations/0002_post_create_time.py || die "git rm --cached failed"
rm "$repo/blog/migrations/0002_post_create_time.py"
add_field 0002_post_created_at created_at
run "$git" -C "$repo" add blog/migrations/0002_post_created_at.py || die "git add failed"
if out=$(run "$git" -C "$repo" commit -q -m "blog: Post.created_at" 2>&1); then
    if [ "$(run "$git" -C "$repo" rev-parse HEAD^)" = "$before" ]; then
        pass "the clean commit passes the hook"
    else
        fail "the clean commit succeeded, but HEAD is not on top of the previous commit"
    fi
else
    fail "the clean commit was stopped" "$out"
fi

# 7. The standalone archive a release attaches, made from this wheel as the release makes it:
# its checksum file verifies, and the binary in it runs.
archives=$work/archives
if python3 .ci/archive.py "$wheel" x86_64-unknown-linux-gnu "$archives" >"$work/archive.log" 2>&1; then
    name=check-migrate-$version-x86_64-unknown-linux-gnu
    if ! (cd "$archives" && sha256sum -c --quiet "$name.tar.gz.sha256") >>"$work/archive.log" 2>&1; then
        fail "the checksum file of $name.tar.gz does not verify" "$(cat "$work/archive.log")"
    elif ! tar -xzf "$archives/$name.tar.gz" -C "$archives"; then
        fail "tar could not unpack $name.tar.gz"
    elif out=$("$archives/$name/check-migrate" --version 2>&1) && [ "$out" = "check-migrate $version" ]; then
        pass "$name.tar.gz verifies against its checksum, and its binary runs"
    else
        fail "the binary in $name.tar.gz printed '$out', expected 'check-migrate $version'"
    fi
else
    fail ".ci/archive.py failed" "$(cat "$work/archive.log")"
fi

say "wheel build ${build_time}s, pip install ${install_time}s"
say "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
