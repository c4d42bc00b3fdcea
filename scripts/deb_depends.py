#!/usr/bin/env python3
"""The Depends line of the .deb: the Debian packages of the system libraries that the built folder
links to but does not carry (looked up with ldconfig and dpkg -S on the build machine), and
libc6 >= the highest GLIBC version any file needs.

    python scripts/deb_depends.py dist/zongzhi
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from elf_deps import scan


def system_library_paths() -> dict[str, str]:
    """soname -> path, from the dynamic linker's cache (this machine's architecture only)."""
    out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    arch = subprocess.run(["uname", "-m"], capture_output=True, text=True, check=True).stdout.strip()
    found: dict[str, str] = {}
    for line in out.splitlines()[1:]:
        name, _, rest = line.strip().partition(" (")
        flags, _, path = rest.partition(") => ")
        if arch == "x86_64" and "x86-64" not in flags:
            continue
        found.setdefault(name, path)
    return found


def package_of(path: str) -> str:
    """The Debian package owning a file (resolving /lib vs /usr/lib)."""
    for candidate in (path, str(Path(path).resolve())):
        proc = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if proc.returncode == 0:
            return proc.stdout.split(":")[0].strip()
    raise SystemExit(f"no Debian package owns {path}")


def depends(folder: Path) -> str:
    files = scan(folder)
    carried = {p.name for p in files}
    wanted = sorted({lib for info in files.values() for lib in info.needed if lib not in carried})
    libs = system_library_paths()
    missing = [lib for lib in wanted if lib not in libs]
    if missing:
        raise SystemExit(f"libraries neither in the folder nor on this machine: {', '.join(missing)}")
    packages = sorted({package_of(libs[lib]) for lib in wanted} - {"libc6"})
    glibc = max((info.glibc for info in files.values() if info.glibc), default=None)
    libc = f"libc6 (>= {'.'.join(map(str, glibc))})" if glibc else "libc6"
    return ", ".join([libc, *packages])


if __name__ == "__main__":
    print(depends(Path(sys.argv[1] if len(sys.argv) > 1 else "dist/zongzhi")))
