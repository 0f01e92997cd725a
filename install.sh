#!/bin/sh
# Builds and installs the check-migrate binary, and installs its git hook
# (hooks/pre-commit) into a repository as both pre-commit and pre-merge-commit:
# a merge that completes without conflicts runs only the latter. With
# --pre-push, also as pre-push, which checks what a push brings (rebases
# included, which run no commit hook).
#
# In a repository whose hooks husky runs, the check is instead a marked block
# in husky's own .husky/pre-commit and .husky/pre-merge-commit (see below).
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

With husky (core.hooksPath is .husky/_, whose stubs husky writes again on
every npm install), the check is added as a marked block at the top of
.husky/pre-commit and .husky/pre-merge-commit instead (created if absent);
--uninstall takes out exactly that block.

A hook of any of these names that is already there is kept as
<name>.pre-check-migrate and runs first (with the same arguments and stdin); a
failure there stops the commit, merge or push before check-migrate runs. An
install or uninstall that was interrupted leaves a working hook in place; run
the same command again to finish it.
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
hooks=${hooks%/}

# husky 9 points core.hooksPath at <dir>/_ (<dir> is .husky unless named) and
# writes there, for every hook name, a stub that runs its dispatcher `h`, which
# runs the user's <dir>/<name> with `sh -e`; `npm install` writes them all
# again. A hook of ours in <dir>/_ would be overwritten then, and meanwhile
# would keep <dir>/<name> from running. husky 8 and older point core.hooksPath
# at <dir> itself, with `_/husky.sh` in it, and git runs <dir>/<name>. Either
# way the check goes into <dir>/<name>, as a block of its own.
husky_dir=""
case $hooks in
    */_)
        if [ -f "$hooks/h" ] || [ "$(basename -- "${hooks%/_}")" = .husky ]; then
            husky_dir=${hooks%/_}
        fi
        ;;
    *)
        if [ -f "$hooks/_/husky.sh" ]; then
            husky_dir=$hooks
        fi
        ;;
esac
# git names a relative core.hooksPath from the directory it runs in (`../.husky/_`).
if [ -n "$husky_dir" ] && [ -d "$husky_dir" ]; then
    husky_dir=$(CDPATH='' cd -- "$husky_dir" && pwd) || die "cannot enter $husky_dir"
fi

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

# Builds and installs the binary, unless --no-build.
build_binary() {
    [ "$build" -eq 1 ] || return 0
    command -v cargo >/dev/null 2>&1 ||
        die "cargo not found: install Rust from https://rustup.rs, or pass --no-build if check-migrate is already installed"
    [ -f "$src_dir/Cargo.toml" ] || die "$src_dir/Cargo.toml not found: run install.sh from a check-migrate checkout"
    say "building and installing the check-migrate binary (cargo install --locked)"
    if [ -n "$prefix" ]; then
        cargo install --path "$src_dir" --locked --root "$prefix" || die "cargo install failed"
    else
        cargo install --path "$src_dir" --locked || die "cargo install failed"
    fi
}

# The hooks cannot pass a commit or merge without the binary, so say now if it
# is not where they will look.
warn_if_no_binary() {
    if [ -n "$bin_path" ]; then
        [ -x "$bin_path" ] ||
            printf 'check-migrate install: warning: %s is not there yet; commits and merges will be stopped until it is installed\n' "$bin_path" >&2
    elif ! command -v check-migrate >/dev/null 2>&1 &&
        ! { [ -n "${CARGO_HOME:-}" ] && [ -x "$CARGO_HOME/bin/check-migrate" ]; } &&
        ! [ -x "${HOME:-}/.cargo/bin/check-migrate" ]; then
        printf 'check-migrate install: warning: check-migrate is not on PATH nor in ~/.cargo/bin; commits and merges will be stopped until it is installed\n' >&2
    fi
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

HUSKY_START='# >>> check-migrate >>>'
HUSKY_END='# <<< check-migrate <<<'
# The start line of a block in a file install.sh created, which --uninstall
# then removes whole.
HUSKY_MADE=' (install.sh made this file)'
# What install.sh writes as a file it creates; the block follows.
HUSKY_SHEBANG='#!/bin/sh'
husky_template=$src_dir/hooks/husky-block

# Sets $block_first and $block_last to the lines our block spans in $1, and
# $block_made to 1 when install.sh created the file; fails when there is none.
husky_block_at() {
    at=$(awk -v start="$HUSKY_START" -v end="$HUSKY_END" '
        !first && index($0, start) == 1 { first = NR; made = (index($0, "made this file") > 0) }
        first && $0 == end { print first, NR, made; found = 1; exit }
        END { if (!found && first) print "open" }
    ' "$1") || die "could not read $1"
    case $at in
        '') return 1 ;;
        open) die "$1 has the line '$HUSKY_START' but not the line '$HUSKY_END' after it; mend or remove that block and run install.sh again (nothing changed)" ;;
    esac
    set -- $at
    block_first=$1
    block_last=$2
    block_made=$3
}

# Writes our block for hook $1 to $2; $3 is 1 for a file install.sh creates.
render_husky_block() {
    case $1 in
        "$MERGE_HOOK") args=' --merge' what=merge ;;
        *) args='' what=commit ;;
    esac
    start=$HUSKY_START
    if [ "$3" -eq 1 ]; then start=$start$HUSKY_MADE; fi
    bin_line='check_migrate_bin=""'
    if [ -n "$bin_path" ]; then
        bin_line="check_migrate_bin=$(shell_quote "$bin_path")"
    fi
    START=$start BIN_LINE=$bin_line ARGS=$args WHAT=$what awk '
        NR == 1 { print ENVIRON["START"]; next }
        $0 == "check_migrate_bin=\"\"" { print ENVIRON["BIN_LINE"]; next }
        { gsub(/@WHAT@/, ENVIRON["WHAT"]); gsub(/@ARGS@/, ENVIRON["ARGS"]); print }
    ' "$husky_template" >"$2" || die "could not write $2"
    [ "$(tail -n 1 "$2")" = "$HUSKY_END" ] || die "the block template $husky_template does not end with the line '$HUSKY_END'"
}

# Sets $action to what adding our block to <dir>/$1 takes, or refuses.
plan_husky() {
    file=$husky_dir/$1
    if [ -d "$file" ]; then
        die "$file is a directory, not a husky hook; move it away and run install.sh again (nothing changed)"
    elif [ -L "$file" ]; then
        die "$file is a symbolic link; husky's hooks are plain files, so replace the link with the file it points to and run install.sh again (nothing changed)"
    elif is_ours "$file"; then
        # husky 8 runs <dir>/<name> itself, where an older install.sh put its
        # whole hook, with the user's kept beside it.
        action=unchain
    elif [ -e "$file" ]; then
        if husky_block_at "$file"; then action=update; else action=add; fi
    else
        action=create
    fi
}

# Puts the new text in $husky_tmp in place as <dir>/$1: one rename, so the file
# is the old one or the new one at every moment.
husky_replace() {
    mv -f -- "$husky_tmp" "$husky_dir/$1" || die "could not write $husky_dir/$1"
}

# Adds, updates or (with action remove) takes out our block in <dir>/$1.
write_husky() {
    file=$husky_dir/$1
    case $2 in
        unchain | restore)
            # The user's hook is put back first (one rename), then (unchain)
            # gets the block: in between, it runs without the check.
            removed=0
            remove_hook "$1"
            plan_husky "$1"
            if [ "$2" = unchain ] && [ "$action" != unchain ]; then
                write_husky "$1" "$action"
            fi
            return 0
            ;;
    esac
    case $2 in
        create)
            render_husky_block "$1" "$block_tmp" 1
            { printf '%s\n' "$HUSKY_SHEBANG" && cat -- "$block_tmp"; } >"$husky_tmp" ||
                die "could not write $husky_tmp"
            chmod 755 "$husky_tmp" || die "could not make $husky_tmp executable"
            husky_replace "$1"
            say "created $file with the check-migrate block (husky runs it as the $1 hook)"
            ;;
        add)
            render_husky_block "$1" "$block_tmp" 0
            # A copy first, so the new file has the old one's mode.
            cp -p -- "$file" "$husky_tmp" || die "could not copy $file"
            # After a first line that is a shebang (and ends), else at the top:
            # before the user's lines, so that one that ends the script (an
            # `exit`, an `exec`) does not skip the check.
            if [ "$(head -n 1 -- "$file" | cut -c1-2)" = '#!' ] &&
                [ "$(head -n 1 -- "$file" | wc -l)" -eq 1 ]; then
                { head -n 1 -- "$file" && cat -- "$block_tmp" && tail -n +2 -- "$file"; } >"$husky_tmp"
            else
                { cat -- "$block_tmp" && cat -- "$file"; } >"$husky_tmp"
            fi || die "could not write $husky_tmp"
            husky_replace "$1"
            say "added the check-migrate block to $file; the lines that were there run after it"
            ;;
        update | remove)
            husky_block_at "$file" || return 0
            cp -p -- "$file" "$husky_tmp" || die "could not copy $file"
            {
                head -n "$((block_first - 1))" -- "$file" &&
                    if [ "$2" = update ]; then
                        render_husky_block "$1" "$block_tmp" "$block_made" && cat -- "$block_tmp"
                    fi &&
                    tail -n "+$((block_last + 1))" -- "$file"
            } >"$husky_tmp" || die "could not write $husky_tmp"
            if [ "$2" = update ]; then
                if cmp -s -- "$husky_tmp" "$file"; then
                    rm -f -- "$husky_tmp"
                    say "the check-migrate block is already in $file; nothing changed"
                else
                    husky_replace "$1"
                    say "updated the check-migrate block in $file"
                fi
            elif [ "$block_made" -eq 1 ] && [ "$(cat -- "$husky_tmp")" = "$HUSKY_SHEBANG" ] &&
                [ "$(wc -c <"$husky_tmp")" -eq $((${#HUSKY_SHEBANG} + 1)) ]; then
                # install.sh made the file and nothing was added to it since.
                rm -f -- "$file" || die "could not remove $file"
                rm -f -- "$husky_tmp"
                say "removed $file, which install.sh had created for the check-migrate block"
            else
                husky_replace "$1"
                say "removed the check-migrate block from $file"
            fi
            ;;
    esac
}

# Takes out hooks of ours that an older install.sh put into husky's <dir>/_,
# putting husky's stubs back, and the copies of stubs husky wrote again since.
remove_old_hooks_in_husky_dir() {
    for name in pre-commit "$MERGE_HOOK" "$PUSH_HOOK"; do
        plan_removal "$name"
        case $action in
            foreign | none) ;;
            *) remove_hook "$name" ;;
        esac
    done
}

# A fresh clone of a husky repository has .husky but not yet the
# core.hooksPath husky sets when it runs; hooks put in .git/hooks now stop
# running then.
if [ -z "$husky_dir" ] && [ "$uninstall" -eq 0 ] &&
    worktree_top=$(git -C "$repo" rev-parse --show-toplevel 2>/dev/null) &&
    [ -d "$worktree_top/.husky" ]; then
    printf 'check-migrate install: warning: %s/.husky is there but husky has not set core.hooksPath yet; once it runs (npm install), git stops running the hooks in %s: run husky first (npx husky), then install.sh again\n' "$worktree_top" "$hooks" >&2
fi

if [ -n "$husky_dir" ]; then
    [ -f "$husky_template" ] || die "block template $husky_template not found: run install.sh from a check-migrate checkout"
    if [ "$push_hook" -eq 1 ] && [ "$uninstall" -eq 0 ]; then
        usage_error "--pre-push is not supported with husky yet: add \`check-migrate --since origin/main\` to $husky_dir/pre-push, or run it in CI (nothing changed)"
    fi
    plan=""
    if [ "$uninstall" -eq 1 ]; then
        for name in pre-commit "$MERGE_HOOK"; do
            plan_husky "$name"
            case $action in
                update) plan="$plan $name:remove" ;;
                unchain) plan="$plan $name:restore" ;;
            esac
        done
    else
        plan_husky pre-commit
        plan="pre-commit:$action"
        plan_husky "$MERGE_HOOK"
        if [ "$merge_hook" -eq 1 ]; then
            plan="$plan $MERGE_HOOK:$action"
        else
            case $action in
                update) plan="$plan $MERGE_HOOK:remove" ;;
                unchain) plan="$plan $MERGE_HOOK:restore" ;;
            esac
        fi
    fi
    if [ "$uninstall" -eq 0 ] && [ -n "$prefix" ]; then
        case $prefix in
            /*) ;;
            *) prefix=$(pwd)/$prefix ;;
        esac
        bin_path=$prefix/bin/check-migrate
    else
        bin_path=""
    fi
    [ "$uninstall" -eq 1 ] || build_binary
    say "husky runs the hooks of this repository (core.hooksPath is $hooks): the check goes into $husky_dir"
    husky_tmp=$husky_dir/.check-migrate-husky.$$
    block_tmp=$husky_dir/.check-migrate-block.$$
    trap 'rm -f -- "$husky_tmp" "$block_tmp"' EXIT
    trap 'exit 1' HUP INT TERM
    for stale in "$husky_dir"/.check-migrate-husky.* "$husky_dir"/.check-migrate-block.*; do
        [ -f "$stale" ] || continue
        pid=${stale##*.}
        case $pid in
            '' | *[!0-9]*) continue ;;
        esac
        kill -0 "$pid" 2>/dev/null || rm -f -- "$stale" || true
    done
    for step in $plan; do
        write_husky "${step%%:*}" "${step#*:}"
    done
    # Only once the blocks are in place, so that no commit goes unchecked.
    removed=0
    remove_old_hooks_in_husky_dir
    [ "$uninstall" -eq 1 ] || warn_if_no_binary
    exit 0
fi

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

build_binary

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

warn_if_no_binary
exit 0
