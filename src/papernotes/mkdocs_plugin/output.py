"""Keeping the last build's output folder, so that a rebuild writes only the pages that changed.

`mkdocs build` (and each full rebuild under `mkdocs serve`) deletes the whole
output folder, then creates a folder and writes a file for every page. At a
few thousand posts, papernotes' pages are thousands of folders (a page per
paper), and deleting, creating and writing them is seconds of a rebuild that
otherwise reuses everything.

So, when the site uses no plugins besides search and papernotes (whose
outputs are all known), the last output folder is moved aside before MkDocs
cleans, and moved back just before MkDocs starts writing. A page whose new
output is byte for byte the file already there is not written again. For
papernotes' own pages it is not even made: a manifest in the cache folder
records, for each file, the key of everything its output was made from (the
page cache's key, see page_cache.py) and the file's size and time; when the
key is the same and the file untouched, the file is the output. At the end,
every file that a clean build would not have written (a deleted post, a
paper no longer cited, a removed image) is deleted, and the folders left
empty with it: the folder then holds exactly what a clean build writes,
which the tests check file by file.
"""

from __future__ import annotations

import logging
import marshal
import os
import shutil
import tempfile
import time
from typing import TYPE_CHECKING, Any

from papernotes.core.addresses import SEARCH_PLUGINS, theme_files
from papernotes.core.cache import read_sealed, write_sealed

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

# Plugins whose every output papernotes knows: its own, and the search index.
KNOWN_PLUGINS = frozenset({"papernotes", *SEARCH_PLUGINS})

_SKIPPED = "Page skipped: '"  # what MkDocs logs for a page whose output is empty
_build_log = logging.getLogger("mkdocs.commands.build")


class OutputFolder:
    """The output folder across one build: set aside, put back, pages kept, stale files removed."""

    def __init__(self, config: "MkDocsConfig", manifest: str | None = None) -> None:
        self.site_dir = os.path.abspath(config.site_dir)
        self.stash = self.site_dir.rstrip(os.sep) + ".papernotes-previous"
        self.kept: set[str] = set()  # src_uri of pages left as they were
        self.restored = False
        self.started = time.time_ns()
        self._filter = _QuietSkips(self.kept)
        self.manifest = manifest  # where the keys of this folder's files are kept (None: nowhere)
        self._previous: dict[str, list] = {}  # path -> [key, size, mtime_ns], as the last build left them
        self._current: dict[str, str] = {}  # path -> key of the output this build gives it

    @staticmethod
    def applies(config: "MkDocsConfig", dirty: bool) -> bool:
        return not dirty and set(config.plugins) <= KNOWN_PLUGINS

    def set_aside(self) -> None:
        """Before MkDocs cleans the folder: move it out of the way (a rename; nothing is deleted)."""
        if os.path.isdir(self.stash):
            shutil.rmtree(self.stash, ignore_errors=True)  # left by a build that failed
        try:
            os.rename(self.site_dir, self.stash)
        except OSError:
            return  # no folder yet, or one that cannot move (a mount point): MkDocs cleans as usual
        _build_log.addFilter(self._filter)

    def put_back(self) -> None:
        """Before MkDocs writes anything: the last build's folder becomes the output folder again."""
        if not os.path.isdir(self.stash):
            return
        if os.path.exists(self.site_dir):  # something wrote there meanwhile: start clean after all
            shutil.rmtree(self.stash, ignore_errors=True)
            return
        try:
            os.rename(self.stash, self.site_dir)
        except OSError:  # MkDocs then writes a clean folder, as without papernotes
            shutil.rmtree(self.stash, ignore_errors=True)
            return
        self.restored = True
        self.started = _folder_clock(self.site_dir, self.started)
        if self.manifest:
            data = read_sealed(self.manifest)
            try:
                previous = marshal.loads(data) if data is not None else None
                self._previous = previous if isinstance(previous, dict) else {}
            except (EOFError, ValueError, TypeError):
                pass

    def unchanged(self, page: Any, key: str) -> bool:
        """Whether the page's file already holds the output made from `key` (it is then left alone)."""
        path = page.file.abs_dest_path
        self._current[path] = key
        old = self._previous.get(path)
        if not self.restored or not isinstance(old, list) or len(old) != 3 or old[0] != key:
            return False
        try:
            stat = os.stat(path)
        except OSError:
            return False
        if [stat.st_size, stat.st_mtime_ns] != old[1:]:
            return False  # changed since it was written (by hand?): made and written again
        self.kept.add(page.file.src_uri)
        return True

    def output(self, page: Any, output: str) -> str:
        """The page's output, or '' (MkDocs then writes nothing) when the file there already holds it."""
        if page.file.src_uri in self.kept:
            return ""
        if not self.restored:
            return output
        path = page.file.abs_dest_path
        data = output.encode("utf-8", errors="xmlcharrefreplace")  # as MkDocs writes it
        try:
            if os.path.getsize(path) == len(data):
                with open(path, "rb") as handle:
                    if handle.read() == data:
                        self.kept.add(page.file.src_uri)
                        return ""
        except OSError:
            pass
        return output

    def finish(self, files: "Files", config: "MkDocsConfig", inclusion: Any) -> None:
        """Delete what a clean build would not have written, and folders left empty."""
        _build_log.removeFilter(self._filter)
        self._save_manifest()
        self.kept = set()  # pages built after this (serve's quick rebuilds) are written
        if not self.restored:
            return
        expected = {os.path.normpath(file.abs_dest_path) for file in files if inclusion(file.inclusion)}
        expected.update(os.path.normpath(os.path.join(self.site_dir, name)) for name in theme_files(config))
        for folder, subfolders, names in _walk_unhidden(self.site_dir):
            for name in names:
                path = os.path.join(folder, name)
                if path in expected:
                    continue
                try:
                    # Not a page or a copied file: kept only if this build wrote it (a search index).
                    if os.stat(path).st_mtime_ns < self.started:
                        os.unlink(path)
                except OSError:
                    pass
            if folder != self.site_dir:
                try:
                    os.rmdir(folder)  # only an empty one goes
                except OSError:
                    pass
        self.restored = False

    def _save_manifest(self) -> None:
        if not self.manifest:
            return
        entries = {}
        for path, key in self._current.items():
            try:
                stat = os.stat(path)
            except OSError:
                continue
            entries[path] = [key, stat.st_size, stat.st_mtime_ns]
        write_sealed(self.manifest, marshal.dumps(entries))

    def abandon(self) -> None:
        """A failed build: the filter goes, and whatever was set aside."""
        _build_log.removeFilter(self._filter)
        if os.path.isdir(self.stash):
            shutil.rmtree(self.stash, ignore_errors=True)


def _folder_clock(folder: str, fallback: int) -> int:
    """The time now by the clock that dates files in `folder` (a network disk's may differ from this machine's)."""
    try:
        with tempfile.NamedTemporaryFile(prefix=".papernotes-clock-", dir=folder) as marker:
            return os.fstat(marker.fileno()).st_mtime_ns
    except OSError:
        return fallback


def _walk_unhidden(root: str) -> Any:
    """`os.walk(root)` bottom-up, without what MkDocs' clean leaves alone: hidden entries at the top (`.git`)."""
    for folder, subfolders, names in os.walk(root, topdown=False):
        top = os.path.relpath(folder, root).split(os.sep)[0]
        if top.startswith(".") and top != ".":
            continue
        if folder == root:
            names = [name for name in names if not name.startswith(".")]
        yield folder, subfolders, names


class _QuietSkips(logging.Filter):
    """Drops MkDocs' 'Page skipped' message for pages kept as they were (they were not skipped)."""

    def __init__(self, kept: set[str]) -> None:
        super().__init__()
        self.kept = kept

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.msg if isinstance(record.msg, str) else ""
        if not message.startswith(_SKIPPED):
            return True
        return message[len(_SKIPPED):].split("'", 1)[0] not in self.kept
