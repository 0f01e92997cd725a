#!/bin/sh
# Builds and installs the check-migrate binary, and installs its git
# pre-commit hook (hooks/pre-commit) into a repository.
#
# A pre-commit hook that is already there and is not ours is kept as
# pre-commit.pre-check-migrate and runs before check-migrate; --uninstall puts
# it back. Run with --help for the options.
set -eu

MARKER='# check-migrate-hook v1'
# Any version of the marker means the hook is ours, so a newer install.sh can
# update a hook written by an older one.
MARKER_PATTERN='^# check-migrate-hook v[0-9][0-9]*$'
BACKUP_NAME='pre-commit.pre-check-migrate'

usage() {
    cat <<'USAGE'
Usage: ./install.sh [--repo DIR] [--prefix DIR] [--no-build] [--uninstall] [--help]

Installs the check-migrate binary with `cargo install --path . --locked` and
installs its pre-commit hook into a git repository.

  --repo DIR     repository to install the hook into (default: the one the
                 current directory is in)
  --prefix DIR   install the binary into DIR/bin (cargo install --root DIR);
                 the hook is written to run that binary
  --no-build     do not build or install the binary (it is already installed)
  --uninstall    remove the check-migrate hook and put back the hook that was
                 there before; the binary is left installed
  --help         show this help

The hook goes into the directory git runs hooks from (core.hooksPath is
honoured; linked worktrees share their main repository's hooks). A pre-commit
hook that is already there is kept as pre-commit.pre-check-migrate and runs
first; a failure there stops the commit before check-migrate runs.
USAGE
}

say() {
    printf 'check-migrate install: %s\n' "$*"
}

die() {
    printf 'check-migrate install: error: %s\n' "$*" >&2
    exit 1
}

usage_error() {
    printf 'check-migrate install: error: %s (see --help)\n' "$*" >&2
    exit 2
}

# Prints $1 as one single-quoted shell word.
shell_quote() {
    printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

is_ours() {
    [ -f "$1" ] && [ ! -L "$1" ] && grep -q "$MARKER_PATTERN" "$1"
}

# Writes the hook template to $1 with the binary path ($2, may be empty) and
# the checkout path filled in.
render_hook() {
    bin_line="CHECK_MIGRATE_BIN=\"\""
    if [ -n "$2" ]; then
        bin_line="CHECK_MIGRATE_BIN=$(shell_quote "$2")"
    fi
    src_line="CHECK_MIGRATE_SRC=$(shell_quote "$src_dir")"
    BIN_LINE=$bin_line SRC_LINE=$src_line awk '
        $0 == "CHECK_MIGRATE_BIN=\"\"" { print ENVIRON["BIN_LINE"]; next }
        $0 == "CHECK_MIGRATE_SRC=\"\"" { print ENVIRON["SRC_LINE"]; next }
        { print }
    ' "$template" >"$1"
    grep -qxF "$MARKER" "$1" || die "the hook template $template lacks the line '$MARKER'"
}

repo=.
prefix=""
build=1
uninstall=0
while [ $# -gt 0 ]; do
    case $1 in
        --repo)
            if [ $# -lt 2 ] || [ -z "$2" ]; then usage_error "--repo needs a directory"; fi
            repo=$2
            shift 2
            ;;
        --repo=*)
            repo=${1#--repo=}
            [ -n "$repo" ] || usage_error "--repo needs a directory"
            shift
            ;;
        --prefix)
            if [ $# -lt 2 ] || [ -z "$2" ]; then usage_error "--prefix needs a directory"; fi
            prefix=$2
            shift 2
            ;;
        --prefix=*)
            prefix=${1#--prefix=}
            [ -n "$prefix" ] || usage_error "--prefix needs a directory"
            shift
            ;;
        --no-build)
            build=0
            shift
            ;;
        --uninstall)
            uninstall=1
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            usage_error "unknown argument '$1'"
            ;;
    esac
done

src_dir=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
template=$src_dir/hooks/pre-commit

# A GIT_DIR or GIT_WORK_TREE inherited from the caller (for instance when run
# from inside another hook) would make git ignore --repo.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_COMMON_DIR GIT_OBJECT_DIRECTORY \
    GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_NAMESPACE GIT_PREFIX

command -v git >/dev/null 2>&1 || die "git is not installed or not on PATH"

[ -d "$repo" ] || die "$repo is not a directory"
repo=$(CDPATH='' cd -- "$repo" && pwd) || die "cannot enter $repo"
if ! inside=$(git -C "$repo" rev-parse --is-inside-work-tree 2>/dev/null); then
    # Git also refuses real repositories (unsafe ownership, a broken config):
    # pass its reason on rather than call them "not a repository".
    reason=$(git -C "$repo" rev-parse --is-inside-work-tree 2>&1 >/dev/null | head -n 1) || true
    case $reason in
        *"not a git repository"*) die "$repo is not inside a git repository" ;;
        *) die "git cannot use the repository at $repo: ${reason#fatal: }" ;;
    esac
fi
if [ "$inside" != true ]; then
    if [ "$(git -C "$repo" rev-parse --is-bare-repository 2>/dev/null)" = true ]; then
        die "$repo is a bare repository: it has no working tree to commit from, so no pre-commit hook runs there"
    fi
    die "$repo is inside a .git directory, not a working tree: pass the working tree with --repo"
fi

hooks=$(git -C "$repo" rev-parse --git-path hooks) || die "git could not tell the hooks directory of $repo"
case $hooks in
    /*) ;;
    *) hooks=$repo/$hooks ;;
esac
hook=$hooks/pre-commit
backup=$hooks/$BACKUP_NAME

if [ "$uninstall" -eq 1 ]; then
    if is_ours "$hook"; then
        if [ -e "$backup" ] || [ -L "$backup" ]; then
            # A rename keeps the kept hook's bytes and mode as they were.
            mv -f -- "$backup" "$hook" || die "could not move $backup back to $hook"
            say "removed the check-migrate hook from $hooks and put back the previous pre-commit hook (the binary stays; cargo uninstall check-migrate removes it)"
        else
            rm -f -- "$hook" || die "could not remove $hook"
            say "removed the check-migrate hook $hook (the binary stays; cargo uninstall check-migrate removes it)"
        fi
    elif [ -e "$hook" ] || [ -L "$hook" ]; then
        say "$hook is not the check-migrate hook (no '$MARKER' line); left it unchanged"
    elif [ -e "$backup" ] || [ -L "$backup" ]; then
        say "no pre-commit hook in $hooks, but $backup is there; left it unchanged (rename it to pre-commit to use it again)"
    else
        say "the check-migrate hook is not installed in $hooks; nothing to do"
    fi
    exit 0
fi

[ -f "$template" ] || die "hook template $template not found: run install.sh from a check-migrate checkout"

if [ -n "$prefix" ]; then
    case $prefix in
        /*) ;;
        *) prefix=$(pwd)/$prefix ;;
    esac
    bin_path=$prefix/bin/check-migrate
else
    bin_path=""
fi

# Decide everything that can refuse before building, so a refusal costs
# nothing and leaves nothing half done.
if is_ours "$hook"; then
    action=update
elif [ -L "$hook" ] && grep -q "$MARKER_PATTERN" "$hook" 2>/dev/null; then
    die "$hook is a symbolic link to a check-migrate hook; remove the link and run install.sh again"
elif [ -e "$hook" ] || [ -L "$hook" ]; then
    [ -d "$hook" ] && die "$hook is a directory, not a hook; move it away and run install.sh again"
    if [ -e "$backup" ] || [ -L "$backup" ]; then
        die "$backup already exists, so the current pre-commit hook cannot be kept under that name; move one of them away and run install.sh again (nothing changed)"
    fi
    action=chain
else
    if [ -e "$backup" ] || [ -L "$backup" ]; then
        die "$backup exists but there is no pre-commit hook; rename it back to pre-commit or remove it, then run install.sh again (nothing changed)"
    fi
    action=fresh
fi

if [ "$build" -eq 1 ]; then
    command -v cargo >/dev/null 2>&1 ||
        die "cargo not found: install Rust from https://rustup.rs, or pass --no-build if check-migrate is already installed"
    [ -f "$src_dir/Cargo.toml" ] || die "$src_dir/Cargo.toml not found: run install.sh from a check-migrate checkout"
    say "building and installing the check-migrate binary (cargo install --locked)"
    if [ -n "$prefix" ]; then
        cargo install --path "$src_dir" --locked --root "$prefix" || die "cargo install failed"
    else
        cargo install --path "$src_dir" --locked || die "cargo install failed"
    fi
fi

mkdir -p -- "$hooks" || die "could not create the hooks directory $hooks"
tmp=$hooks/.pre-commit.check-migrate.$$
trap 'rm -f -- "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
render_hook "$tmp" "$bin_path"
chmod 755 "$tmp" || die "could not make $tmp executable"

case $action in
    update)
        if cmp -s -- "$tmp" "$hook" && [ -x "$hook" ]; then
            say "the check-migrate hook is already installed in $hooks; nothing changed"
        else
            mv -f -- "$tmp" "$hook" || die "could not write $hook"
            say "updated the check-migrate hook $hook"
        fi
        ;;
    chain)
        mv -- "$hook" "$backup" || die "could not rename $hook to $backup"
        if ! mv -f -- "$tmp" "$hook"; then
            mv -- "$backup" "$hook" || true
            die "could not write $hook (the previous hook is back in place)"
        fi
        say "installed the check-migrate hook $hook; the previous pre-commit hook is kept as $backup and runs first"
        ;;
    fresh)
        mv -f -- "$tmp" "$hook" || die "could not write $hook"
        say "installed the check-migrate hook $hook"
        ;;
esac

# The hook cannot pass a commit without the binary, so say now if it is not
# where the hook will look.
if [ -n "$bin_path" ]; then
    [ -x "$bin_path" ] ||
        printf 'check-migrate install: warning: %s is not there yet; commits will be stopped until it is installed\n' "$bin_path" >&2
elif ! command -v check-migrate >/dev/null 2>&1 &&
    ! { [ -n "${CARGO_HOME:-}" ] && [ -x "$CARGO_HOME/bin/check-migrate" ]; } &&
    ! [ -x "${HOME:-}/.cargo/bin/check-migrate" ]; then
    printf 'check-migrate install: warning: check-migrate is not on PATH nor in ~/.cargo/bin; commits will be stopped until it is installed\n' >&2
fi
exit 0
