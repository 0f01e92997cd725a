#!/usr/bin/env python3
"""Packs the binary a wheel holds into a standalone archive for a release, with its SHA-256.

    python3 .ci/archive.py WHEEL TARGET OUTDIR

writes OUTDIR/check-migrate-VERSION-TARGET.tar.gz (a .zip for a Windows binary), holding
check-migrate-VERSION-TARGET/ with the binary, LICENSE and README.md, and beside it the
archive's name with .sha256 appended, in the format `sha256sum -c` reads. The binary is taken
from the wheel, so the archive ships exactly what `pip install` would. Only the standard
library is used, so it runs the same on every release runner.
"""

import hashlib
import io
import sys
import tarfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = "check-migrate"


def fail(message):
    print(f"archive.py: error: {message}", file=sys.stderr)
    sys.exit(1)


def binary_from_wheel(wheel):
    """The binary's file name and bytes: the wheel's one `*.data/scripts/` entry."""
    with zipfile.ZipFile(wheel) as archive:
        found = [
            name
            for name in archive.namelist()
            if "/" in name
            and name.split("/", 1)[0].endswith(".data")
            and name.split("/", 1)[1] in (f"scripts/{BINARY}", f"scripts/{BINARY}.exe")
        ]
        if len(found) != 1:
            fail(f"{wheel} holds {len(found)} {BINARY} binaries in its scripts, not one")
        return found[0].rsplit("/", 1)[1], archive.read(found[0])


def write_tar_gz(path, folder, files):
    with tarfile.open(path, "w:gz") as archive:
        for name, data, mode in files:
            info = tarfile.TarInfo(f"{folder}/{name}")
            info.size = len(data)
            info.mode = mode
            info.mtime = int(time.time())
            archive.addfile(info, io.BytesIO(data))


def write_zip(path, folder, files):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, mode in files:
            info = zipfile.ZipInfo(f"{folder}/{name}", time.localtime()[:6])
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)


def main(argv):
    if len(argv) != 4:
        fail("usage: archive.py WHEEL TARGET OUTDIR")
    wheel, target, outdir = Path(argv[1]), argv[2], Path(argv[3])
    if not wheel.is_file():
        fail(f"{wheel} is not a file")
    # A wheel's name is DISTRIBUTION-VERSION-...; the version is its second part.
    parts = wheel.name.split("-")
    if len(parts) < 5 or not wheel.name.endswith(".whl"):
        fail(f"{wheel.name} is not named like a wheel")
    version = parts[1]

    binary_name, binary = binary_from_wheel(wheel)
    files = [(binary_name, binary, 0o755)]
    for extra in ("LICENSE", "README.md"):
        try:
            files.append((extra, (ROOT / extra).read_bytes(), 0o644))
        except OSError as err:
            fail(f"cannot read {ROOT / extra}: {err.strerror}")

    folder = f"{BINARY}-{version}-{target}"
    outdir.mkdir(parents=True, exist_ok=True)
    if binary_name.endswith(".exe"):
        path = outdir / f"{folder}.zip"
        write_zip(path, folder, files)
    else:
        path = outdir / f"{folder}.tar.gz"
        write_tar_gz(path, folder, files)

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    checksum = path.with_name(path.name + ".sha256")
    checksum.write_text(f"{digest}  {path.name}\n", encoding="ascii")
    print(path)
    print(checksum)


if __name__ == "__main__":
    main(sys.argv)
