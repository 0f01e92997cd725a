#!/bin/sh
# Builds and installs the check-migrate binary, and installs its git hook
# (hooks/pre-commit) into a repository as both pre-commit and pre-merge-commit:
# a merge that completes without conflicts runs only the latter. With
# --pre-push, also as pre-push, which checks what a push brings (rebases
# included, which run no commit hook).
#
# A hook of any of these names that is already there and is not ours is kept as
# <name>.pre-check-migrate and runs before check-migrate; --uninstall puts it
# back. Run with --help for the options.
#
# Every change to a hook name is one rename (or one hard link, which adds a
# name), so a run killed at any moment leaves a working hook under each name:
# the user's, or ours with the user's kept beside it. A rerun finishes the job
# from any such state, and --uninstall undoes it from any such state.
set -eu

MARKER='# check-migrate-hook v1'
# Any version of the marker means the hook is ours, so a newer install.sh can
# update a hook written by an older one.
MARKER_PATTERN='^# check-migrate-hook v[0-9][0-9]*$'
BACKUP_SUFFIX='.pre-check-migrate'
MERGE_HOOK='pre-merge-commit'
PUSH_HOOK='pre-push'

usage() {
    cat <<'USAGE'
Usage: ./install.sh [--repo DIR] [--prefix DIR] [--no-build] [--no-merge-hook]
                    [--pre-push] [--uninstall [--shared-ok]] [--help]

Installs the check-migrate binary with `cargo install --path . --locked` and
installs its hook into a git repository as pre-commit and pre-merge-commit.

  --repo DIR     repository to install the hooks into (default: the one the
                 current directory is in; needed when that is a check-migrate
                 checkout, which is refused without it)
  --prefix DIR   install the binary into DIR/bin (cargo install --root DIR);
                 the hooks are written to run that binary
  --no-build     do not build or install the binary (it is already installed)
  --no-merge-hook
                 install only the pre-commit hook; a pre-merge-commit hook of
                 ours that is already there is removed
  --pre-push     also install the hook as pre-push: each pushed ref is checked
                 for what it adds since the commit the remote has (every rule,
                 so a rebase that leaves two leaf migrations is stopped); once
                 installed, later runs keep it up to date
  --uninstall    remove the check-migrate hooks (pre-push included) and put
                 back the hooks that were there before; the binary is left
                 installed
  --shared-ok    with --uninstall: uninstall even though the hooks directory
                 is outside this repository (a core.hooksPath such as
                 ~/.githooks), which removes the check from every repository
                 that uses that directory; without it, such an uninstall is
                 refused and nothing changes
  --help         show this help

The hooks go into the directory git runs hooks from (core.hooksPath is
honoured; linked worktrees share their main repository's hooks). git runs
pre-merge-commit (git 2.24 and later) instead of pre-commit when a merge
completes without conflicts, so without it such a merge is not checked.

A hook of any of these names that is already there is kept as
<name>.pre-check-migrate and runs first (with the same arguments and stdin); a
failure there stops the commit, merge or push before check-migrate runs. An install or uninstall that was interrupted
leaves a working hook in place; run the same command again to finish it.
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

# A dangling symbolic link fails -e but still occupies the name.
exists() {
    [ -e "$1" ] || [ -L "$1" ]
}

# The type and permission bits of $1 as ls prints them, and for a symbolic link
# its target.
describe_file() {
    listing=$(ls -ld -- "$1") || return 1
    printf '%s' "$listing" | cut -c1-10
    if [ -L "$1" ]; then
        printf ' -> %s' "${listing#* -> }"
    fi
}

# Whether $1 and $2 are the same hook: the same bytes, type, mode and link
# target. That is what a run stopped after keeping a hook and before replacing
# it leaves, and then either name can go without losing anything.
same_hook() {
    [ ! -d "$1" ] && [ ! -d "$2" ] && cmp -s -- "$1" "$2" &&
        [ "$(describe_file "$1")" = "$(describe_file "$2")" ]
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
repo_given=0
prefix=""
build=1
uninstall=0
shared_ok=0
merge_hook=1
push_hook=0
while [ $# -gt 0 ]; do
    case $1 in
        --repo)
            if [ $# -lt 2 ] || [ -z "$2" ]; then usage_error "--repo needs a directory"; fi
            repo=$2
            repo_given=1
            shift 2
            ;;
        --repo=*)
            repo=${1#--repo=}
            [ -n "$repo" ] || usage_error "--repo needs a directory"
            repo_given=1
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
        --no-merge-hook)
            merge_hook=0
            shift
            ;;
        --pre-push)
            push_hook=1
            shift
            ;;
        --uninstall)
            uninstall=1
            shift
            ;;
        --shared-ok)
            shared_ok=1
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

if [ "$shared_ok" -eq 1 ] && [ "$uninstall" -eq 0 ]; then
    usage_error "--shared-ok goes with --uninstall"
fi

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

# Run as `./install.sh` in the check-migrate checkout itself, the repository of
# the current directory is the tool's own: the Django repository was meant.
# A checkout is known by its Cargo.toml naming the package and by the hook
# template, not by its path, so another clone or worktree of the tool counts.
if [ "$repo_given" -eq 0 ] && top=$(git -C "$repo" rev-parse --show-toplevel 2>/dev/null) &&
    [ -f "$top/hooks/pre-commit" ] && [ -f "$top/Cargo.toml" ] &&
    awk '
        /^\[/ { in_package = ($0 ~ /^\[package\][ \t]*$/) }
        in_package && /^name[ \t]*=[ \t]*"check-migrate"[ \t]*$/ { found = 1 }
        END { exit !found }
    ' "$top/Cargo.toml"; then
    usage_error "$top is the check-migrate checkout itself; name the repository to install the hooks into with --repo DIR"
fi

hooks=$(git -C "$repo" rev-parse --git-path hooks) || die "git could not tell the hooks directory of $repo"
case $hooks in
    /*) ;;
    *) hooks=$repo/$hooks ;;
esac

# Prints the directory $1 (relative to the repository) with symbolic links
# resolved; fails if it does not exist.
real_dir() {
    case $1 in
        /*) (CDPATH='' cd -- "$1" 2>/dev/null && pwd -P) ;;
        *) (CDPATH='' cd -- "$repo/$1" 2>/dev/null && pwd -P) ;;
    esac
}

# Sets $shared to 1 when the hooks directory lies outside both this
# repository's git directory and its working tree (a core.hooksPath such as
# ~/.githooks, often set globally, or .git/hooks linked elsewhere): other
# repositories may run the same hooks. Sets $shared_how to where that comes
# from.
check_shared() {
    shared=0
    shared_how=""
    real_hooks=$(real_dir "$hooks") || return 0
    common=$(git -C "$repo" rev-parse --git-common-dir) && common=$(real_dir "$common") ||
        die "git could not tell the git directory of $repo"
    top=$(git -C "$repo" rev-parse --show-toplevel) && top=$(real_dir "$top") ||
        die "git could not tell the working tree of $repo"
    case $real_hooks/ in
        "${common%/}"/* | "${top%/}"/*) return 0 ;;
    esac
    shared=1
    origin=$(git -C "$repo" config --show-origin --get core.hooksPath | cut -f1) || origin=""
    if [ -n "$origin" ]; then
        shared_how="core.hooksPath, set in ${origin#file:}"
    else
        shared_how="$hooks is a link to it"
    fi
}

# Sets $action to what uninstalling hook $1 takes. Nothing is written here.
plan_removal() {
    hook=$hooks/$1
    backup=$hook$BACKUP_SUFFIX
    if is_ours "$hook"; then
        if exists "$backup"; then action=restore; else action=delete; fi
    elif exists "$hook"; then
        if exists "$backup" && same_hook "$hook" "$backup"; then
            action=drop-copy
        else
            action=foreign
        fi
    elif exists "$backup"; then
        action=put-back
    else
        action=none
    fi
}

# Removes our hook $1 and puts back the hook it was chained to, if any. A hook
# we did not write is left alone. Each change is one rename or one removal, so
# the hook that runs is the user's or ours at every moment.
remove_hook() {
    hook=$hooks/$1
    backup=$hook$BACKUP_SUFFIX
    plan_removal "$1"
    case $action in
        restore)
            # A rename keeps the kept hook's bytes and mode as they were, and
            # replaces ours in one step.
            mv -f -- "$backup" "$hook" || die "could not move $backup back to $hook"
            say "removed the check-migrate hook $hook and put back the previous $1 hook"
            removed=1
            ;;
        delete)
            rm -f -- "$hook" || die "could not remove $hook"
            say "removed the check-migrate hook $hook"
            removed=1
            ;;
        drop-copy)
            # An install stopped after keeping the hook and before replacing
            # it: the kept copy is the same file as the hook in place.
            rm -f -- "$backup" || die "could not remove $backup"
            say "$hook was not replaced yet (an interrupted install); removed its kept copy $backup"
            ;;
        put-back)
            # Our hook is gone but the hook it kept is not (removed by hand, or
            # an older install.sh was stopped between its two renames).
            mv -- "$backup" "$hook" || die "could not move $backup back to $hook"
            say "no $1 hook in $hooks, but $backup was kept there; put it back as $hook"
            ;;
        foreign)
            say "$hook is not the check-migrate hook (no '$MARKER' line); left it unchanged"
            ;;
        none)
            say "no check-migrate $1 hook in $hooks; nothing to do"
            ;;
    esac
}

# A run killed outright (no trap runs) leaves its temporary files behind; the
# process id in a name tells whether that run is still going.
remove_stale_files() {
    for stale in "$hooks"/.check-migrate-hook.* "$hooks"/.check-migrate-kept.*; do
        [ -f "$stale" ] || continue
        pid=${stale##*.}
        case $pid in
            '' | *[!0-9]*) continue ;;
        esac
        kill -0 "$pid" 2>/dev/null || rm -f -- "$stale" || true
    done
}

if [ "$uninstall" -eq 1 ]; then
    # Both names whatever the options, since either may have been installed
    # alone. Nothing is changed in a shared directory without --shared-ok.
    check_shared
    changes=0
    for name in pre-commit "$MERGE_HOOK" "$PUSH_HOOK"; do
        plan_removal "$name"
        case $action in
            foreign | none) ;;
            *) changes=1 ;;
        esac
    done
    if [ "$shared" -eq 1 ] && [ "$changes" -eq 1 ]; then
        if [ "$shared_ok" -eq 0 ]; then
            die "the hooks directory $real_hooks is outside this repository ($shared_how), so other repositories may use it too, and uninstalling would remove the check from all of them; pass --shared-ok to do that (nothing changed)"
        fi
        say "the hooks directory $real_hooks is outside this repository ($shared_how): every repository that uses it loses the check"
    fi
    removed=0
    remove_hook pre-commit
    remove_hook "$MERGE_HOOK"
    remove_hook "$PUSH_HOOK"
    remove_stale_files
    if [ "$removed" -eq 1 ]; then
        say "the binary stays installed; cargo uninstall check-migrate removes it"
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

# Sets $action to what installing hook $1 takes, or refuses. Nothing is
# written here, so a refusal for one name leaves every name untouched.
plan_hook() {
    hook=$hooks/$1
    backup=$hook$BACKUP_SUFFIX
    if is_ours "$hook"; then
        action=update
    elif [ -L "$hook" ] && grep -q "$MARKER_PATTERN" "$hook" 2>/dev/null; then
        die "$hook is a symbolic link to a check-migrate hook; remove the link and run install.sh again (nothing changed)"
    elif exists "$hook"; then
        if [ -d "$hook" ]; then
            die "$hook is a directory, not a hook; move it away and run install.sh again (nothing changed)"
        fi
        if ! exists "$backup"; then
            action=chain
        elif same_hook "$hook" "$backup"; then
            # A run stopped after keeping the hook and before replacing it.
            action=replace
        else
            die "$backup already exists, so the current $1 hook cannot be kept under that name; move one of them away and run install.sh again (nothing changed)"
        fi
    elif exists "$backup"; then
        if [ -d "$backup" ]; then
            die "$backup is a directory, not a kept hook; move it away and run install.sh again (nothing changed)"
        fi
        # Our hook is gone but the hook it kept is not (removed by hand, or an
        # older install.sh was stopped between its two renames): it is kept as
        # it is and runs first again.
        action=rechain
    else
        action=fresh
    fi
}

# Decide everything that can refuse before building, so a refusal costs
# nothing and leaves nothing half done. Hook names hold no spaces or colons,
# so a plan is a list of name:action words.
plan_hook pre-commit
plan="pre-commit:$action"
if [ "$merge_hook" -eq 1 ]; then
    plan_hook "$MERGE_HOOK"
    plan="$plan $MERGE_HOOK:$action"
else
    plan_removal "$MERGE_HOOK"
    case $action in
        foreign | none) ;;
        *) plan="$plan $MERGE_HOOK:remove" ;;
    esac
fi
# pre-push is opt-in; one installed before is ours to keep up to date.
if [ "$push_hook" -eq 1 ] || is_ours "$hooks/$PUSH_HOOK"; then
    plan_hook "$PUSH_HOOK"
    plan="$plan $PUSH_HOOK:$action"
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
check_shared
if [ "$shared" -eq 1 ]; then
    say "the hooks directory $real_hooks is outside this repository ($shared_how): every repository that uses it runs the check"
fi
tmp=$hooks/.check-migrate-hook.$$
kept_tmp=$hooks/.check-migrate-kept.$$
trap 'rm -f -- "$tmp" "$kept_tmp"' EXIT
trap 'exit 1' HUP INT TERM
remove_stale_files

# Gives hook $1 its second name $2 before $1 is replaced, so that the user's
# hook is kept at every moment: a hard link (the same file, so the same bytes,
# mode and, for a symbolic link, target), else, where the file system has no
# hard links, a copy that is renamed into place whole.
keep_hook() {
    if ln -P -- "$1" "$2" 2>/dev/null; then
        return 0
    fi
    if exists "$2"; then
        die "$2 appeared while installing; move it away and run install.sh again"
    fi
    cp -pP -- "$1" "$kept_tmp" || die "could not copy $1 to keep it"
    mv -- "$kept_tmp" "$2" || die "could not keep $1 as $2"
}

# Writes our hook as $1 according to $2, the action planned for it.
write_hook() {
    hook=$hooks/$1
    backup=$hook$BACKUP_SUFFIX
    render_hook "$tmp" "$bin_path"
    chmod 755 "$tmp" || die "could not make $tmp executable"
    case $2 in
        update)
            if cmp -s -- "$tmp" "$hook" && [ -x "$hook" ]; then
                say "the check-migrate hook is already installed as $hook; nothing changed"
            else
                mv -f -- "$tmp" "$hook" || die "could not write $hook"
                say "updated the check-migrate hook $hook"
            fi
            ;;
        chain | replace)
            if [ "$2" = chain ]; then
                keep_hook "$hook" "$backup"
            fi
            # One rename replaces the user's hook, already kept, with ours.
            mv -f -- "$tmp" "$hook" ||
                die "could not write $hook (the previous hook is still in place, and kept as $backup)"
            say "installed the check-migrate hook $hook; the previous $1 hook is kept as $backup and runs first"
            ;;
        rechain)
            mv -f -- "$tmp" "$hook" || die "could not write $hook"
            say "installed the check-migrate hook $hook; the previous $1 hook that was already kept as $backup runs first"
            ;;
        fresh)
            mv -f -- "$tmp" "$hook" || die "could not write $hook"
            say "installed the check-migrate hook $hook"
            ;;
    esac
}

for step in $plan; do
    name=${step%%:*}
    action=${step#*:}
    if [ "$action" = remove ]; then
        # --no-merge-hook asks for no merge hook of ours, so an earlier full
        # install is undone for that name.
        remove_hook "$name"
    else
        write_hook "$name" "$action"
    fi
done

# The hooks cannot pass a commit or merge without the binary, so say now if it
# is not where they will look.
if [ -n "$bin_path" ]; then
    [ -x "$bin_path" ] ||
        printf 'check-migrate install: warning: %s is not there yet; commits and merges will be stopped until it is installed\n' "$bin_path" >&2
elif ! command -v check-migrate >/dev/null 2>&1 &&
    ! { [ -n "${CARGO_HOME:-}" ] && [ -x "$CARGO_HOME/bin/check-migrate" ]; } &&
    ! [ -x "${HOME:-}/.cargo/bin/check-migrate" ]; then
    printf 'check-migrate install: warning: check-migrate is not on PATH nor in ~/.cargo/bin; commits and merges will be stopped until it is installed\n' >&2
fi
exit 0
