"""What serve compares to see an edit: every watched file's modification time and size.

Both engines' serve loops use it: the MkDocs plugin's quick rebuilds (mkdocs_plugin/live.py)
and the Zensical staging loop (engines/zensical.py).
"""

from __future__ import annotations

import os

Stamp = tuple[int, int]  # (mtime in ns, size) of a file


def snapshot(roots: list[str]) -> dict[str, Stamp | None]:
    """Every file under `roots` (files or folders) with its stamp; a missing root maps to None."""
    stamps: dict[str, Stamp | None] = {}

    def walk(folder: str) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            try:
                if entry.is_dir():
                    walk(entry.path)
                else:
                    stat = entry.stat()
                    stamps[entry.path] = (stat.st_mtime_ns, stat.st_size)
            except OSError:
                stamps[entry.path] = None

    for root in roots:
        if os.path.isdir(root):
            walk(root)
        else:
            try:
                stat = os.stat(root)
                stamps[root] = (stat.st_mtime_ns, stat.st_size)
            except OSError:
                stamps[root] = None
    return stamps
