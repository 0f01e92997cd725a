#!/usr/bin/env python3
"""Turn one size's measurements from bench/run.sh into a section of BENCHMARKS.md, replacing
that size's previous section and keeping the others."""

import argparse
import json
import os
import platform
import statistics
import subprocess
from datetime import datetime, timezone

SIZES = ["tiny", "small", "large"]

# Ratio targets per size; None: no target for that size (tiny only proves the bench runs).
STAGED_TARGET = {"tiny": None, "small": 1.5, "large": 2.0}
ALL_TARGET = 4.0
VERSION_TARGET_MS = 2.0
RSS_TARGET_MB = 50.0

HEADER = """# Benchmarks

Results of `bench/run.sh`; `bench/README.md` explains what is measured, why against these
floors, and the targets. Running a size again replaces that size's section only.
"""


def begin(size):
    return "<!-- bench:%s:begin -->" % size


def end(size):
    return "<!-- bench:%s:end -->" % size


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def stats(result):
    times = sorted(result["times"])
    q = statistics.quantiles(times, n=4) if len(times) >= 2 else [times[0]] * 3
    return {
        "median": statistics.median(times),
        "q1": q[0],
        "q3": q[2],
        "min": times[0],
        "max": times[-1],
        "runs": len(times),
    }


def ms(seconds):
    value = seconds * 1000
    if value >= 100:
        return "%.0f ms" % value
    if value >= 10:
        return "%.1f ms" % value
    return "%.2f ms" % value


def verdict(value, target):
    if target is None:
        return "no target"
    return "met" if value <= target else "**missed**"


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    git = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    hyperfine = subprocess.run(["hyperfine", "--version"], capture_output=True,
                               text=True).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "kernel": "%s %s" % (platform.system(), platform.release()),
        "git": git,
        "hyperfine": hyperfine,
        "python": platform.python_version(),
    }


def rss_median_kib(path):
    with open(path, encoding="utf-8") as f:
        values = [int(line) for line in f if line.strip()]
    if len(values) != 5:
        raise SystemExit("%s: expected 5 measurements, found %d" % (path, len(values)))
    return statistics.median(values), values


def section(args):
    d, size = args.dir, args.size
    manifest = load(args.manifest)
    staged = {r["command"]: stats(r) for r in load(os.path.join(d, size + ".staged-bench.json"))["results"]}
    all_ = {r["command"]: stats(r) for r in load(os.path.join(d, size + ".all-bench.json"))["results"]}
    version = stats(load(os.path.join(d, size + ".version-bench.json"))["results"][0])
    rss_staged, rss_staged_all = rss_median_kib(os.path.join(d, size + ".rss-staged"))
    rss_all, rss_all_all = rss_median_kib(os.path.join(d, size + ".rss-all"))
    cm, gd = staged["check-migrate"], staged["git diff --cached --name-only"]
    ca, cat = all_["check-migrate --all"], all_["xargs cat"]
    staged_ratio = cm["median"] / gd["median"]
    all_ratio = ca["median"] / cat["median"]
    mb = lambda kib: kib * 1024 / 1e6
    staged_target = STAGED_TARGET[size]
    m = machine()

    def tgt(ratio):
        return "≤ %g×" % ratio if ratio is not None else "—"

    lines = [
        begin(size),
        "## %s: %s files, %s migrations" % (size, format(manifest["files"], ","),
                                          format(manifest["migrations"], ",")),
        "",
        "| measurement | check-migrate | floor | ratio | target | result |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
        "| staged (no arguments) vs `git diff --cached --name-only` | %s | %s | %.2f× | %s | %s |"
        % (ms(cm["median"]), ms(gd["median"]), staged_ratio, tgt(staged_target),
           verdict(staged_ratio, staged_target)),
        "| `--all` vs `xargs cat` of the %s migrations | %s | %s | %.2f× | %s | %s |"
        % (format(args.list_count, ","), ms(ca["median"]), ms(cat["median"]), all_ratio,
           tgt(ALL_TARGET), verdict(all_ratio, ALL_TARGET)),
        "| `--version` (start-up) | %s | | | ≤ %g ms | %s |"
        % (ms(version["median"]), VERSION_TARGET_MS,
           verdict(version["median"] * 1000, VERSION_TARGET_MS)),
        "| peak memory (max RSS), staged | %.1f MB | | | ≤ %g MB | %s |"
        % (mb(rss_staged), RSS_TARGET_MB, verdict(mb(rss_staged), RSS_TARGET_MB)),
        "| peak memory (max RSS), `--all` | %.1f MB | | | ≤ %g MB | %s |"
        % (mb(rss_all), RSS_TARGET_MB, verdict(mb(rss_all), RSS_TARGET_MB)),
        "",
        "Times are medians of wall-clock time over the runs below; ratios are check-migrate's "
        "median over the floor's median, each pair measured in the same hyperfine run. Memory "
        "is the median of five runs (MB = 10⁶ bytes).",
        "",
        "| command | runs | median | quartiles | min | max |",
        "| --- | ---: | ---: | --- | ---: | ---: |",
    ]
    for name, s in [("check-migrate (staged)", cm), ("git diff --cached --name-only", gd),
                    ("check-migrate --all", ca), ("xargs cat", cat),
                    ("check-migrate --version", version)]:
        lines.append("| %s | %d | %s | %s – %s | %s | %s |" % (
            name, s["runs"], ms(s["median"]), ms(s["q1"]), ms(s["q3"]), ms(s["min"]),
            ms(s["max"])))
    lines += [
        "",
        "Max RSS of the five runs (KiB): staged %s; `--all` %s." % (
            ", ".join(map(str, rss_staged_all)), ", ".join(map(str, rss_all_all))),
        "",
        "- Date: %s" % datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "- Machine: %s CPUs (`nproc`), %s, %s; load average %s before measuring" % (
            m["nproc"], m["cpu"], m["kernel"], args.load),
        "- Binary: `%s`, release build of commit %s; %s; %s; Python %s" % (
            args.binary_version, args.source_commit, m["git"], m["hyperfine"], m["python"]),
        "- Repository: `bench/generate.py %s`: %s tracked files (%s bytes), %s apps, "
        "%s migrations (%s bytes), %s committed migrations with a wrong name; staged: %s new "
        "migrations (%s with a wrong name) and an edit to `%s`" % (
            args.generator_args, format(manifest["files"], ","),
            format(manifest["tracked_bytes"], ","), manifest["apps"],
            format(manifest["migrations"], ","), format(manifest["migration_bytes"], ","),
            len(manifest["wrong_committed"]), len(manifest["staged"]),
            len(manifest["staged_wrong"]), manifest["edited"]),
        "- Run as `%s`, which ran:" % args.invocation,
        "",
        "```sh",
    ]
    # Paths are shown from the checkout (`$ROOT`) and the scratch directory (`$BENCH_DIR`), so
    # the table reads the same on every machine.
    def shown(command):
        command = command.replace(args.dir.rstrip("/"), "$BENCH_DIR")
        return command.replace(args.root.rstrip("/"), "$ROOT") if args.root else command

    lines += [shown(c) for c in args.command]
    lines += ["```", end(size)]
    return "\n".join(lines) + "\n"


def replace_section(text, size, new):
    b, e = begin(size), end(size)
    if b in text and e in text:
        start = text.index(b)
        stop = text.index(e) + len(e)
        if stop < len(text) and text[stop] == "\n":
            stop += 1
        return text[:start] + new + text[stop:]
    # keep the sections in size order
    for later in SIZES[SIZES.index(size) + 1:]:
        if begin(later) in text:
            at = text.index(begin(later))
            return text[:at] + new + "\n" + text[at:]
    if not text.endswith("\n\n"):
        text = text.rstrip("\n") + "\n\n"
    return text + new


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--size", choices=SIZES, required=True)
    p.add_argument("--report", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--manifest", required=True)
    p.add_argument("--binary-version", required=True)
    p.add_argument("--invocation", required=True)
    p.add_argument("--generator-args", required=True)
    p.add_argument("--list-count", type=int, required=True)
    p.add_argument("--source-commit", required=True)
    p.add_argument("--load", default="unknown", help="1, 5 and 15 minute load averages")
    p.add_argument("--command", action="append", default=[])
    p.add_argument("--root", default="")
    args = p.parse_args()
    new = section(args)
    try:
        with open(args.report, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        text = HEADER
    text = replace_section(text, args.size, new)
    tmp = args.report + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, args.report)
    print(new)


if __name__ == "__main__":
    main()
