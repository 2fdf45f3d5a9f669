"""Time `papernotes check` against `mkdocs build` on the same generated site.

    .venv/bin/python scripts/time_check.py 1000

The site comes from `corpus.py` (the benchmark corpus: ~1,200-word posts with
citations, code, tables and math, a 5,000-entry BibTeX library and the shared
arXiv table). A few posts get mistakes, including citation keys inside code
that must not be reported, so both commands have something to find.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import corpus

BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(args: list[str], cwd: Path) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall and CPU seconds: CPU time stays fair on a machine busy with other work."""
    wall, cpu = time.perf_counter(), _cpu()
    proc = subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True)
    return time.perf_counter() - wall, _cpu() - cpu, proc


def main(count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="papernotes-check-") as tmp:
        root = Path(tmp) / "site"
        corpus.write_papernotes(corpus.make_corpus(count), root, cache=False)
        posts = sorted((root / "docs" / "posts").glob("*.md"))
        posts[0].write_text(posts[0].read_text(encoding="utf-8") + "\nCites [@nobody2024]; `[@incode2024]` is code.\n", encoding="utf-8")
        posts[1].write_text(posts[1].read_text(encoding="utf-8").replace("\ntags:", "\ntagz:", 1), encoding="utf-8")

        check_wall, check_cpu, check = _timed([str(BIN / "papernotes"), "check"], root)
        build_wall, build_cpu, build = _timed([str(BIN / "mkdocs"), "build", "-d", str(Path(tmp) / "out")], root)
        found = [line for line in check.stdout.splitlines() if ": warning: " in line or ": error: " in line]
        print(f"{count} posts")
        print(f"  papernotes check: {check_wall:6.1f} s ({check_cpu:.1f} s CPU), exit {check.returncode}, {len(found)} problems")
        for line in found:
            print(f"    {line}")
        print(f"  mkdocs build:     {build_wall:6.1f} s ({build_cpu:.1f} s CPU), exit {build.returncode}")
        print(f"  check takes {check_cpu / build_cpu:.0%} of the build's CPU time")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
