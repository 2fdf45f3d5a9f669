"""`search: pagefind`: the site's search index made by Pagefind instead of Material's search plugin.

Material's search has every reader download one JSON file holding the whole
site's text before the first result (megabytes at a few thousand posts).
Pagefind splits its index into chunks and a reader fetches only those the
query needs. Once every post's and writer's page's content is known (papers'
and topics' records come from papernotes' data), papernotes hands Pagefind
one record per post, paper, topic and writer's page
(core/views/search_records.py), as small HTML documents, to the program that
`pagefind[bin]` bundles (found through the `pagefind` package's API), which
writes `pagefind/` into the site. No Node, no network.

The header search box is Material's own markup and CSS, made by
`assets/search.js` when the page loads: Material writes it only when its
search plugin is on, and building it in the browser leaves every page's HTML
(and so the page cache and the output folder) as it is without Pagefind,
but for one script tag. The script then talks to Pagefind's `pagefind.js`.

A rebuild with the same records (the same posts, papers and pages, and the
same Pagefind) keeps the index files already in the output folder. Indexing
runs alongside the build's page rendering, and under `mkdocs serve` a quick
rebuild indexes the site again in the background (see docs/benchmarks.md for
how long that takes).
"""

from __future__ import annotations

import functools
import logging
import marshal
import os
import shutil
import subprocess
import sys
import threading
import time
from html import escape
from typing import TYPE_CHECKING, Any, Callable, NamedTuple

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import InclusionLevel

from papernotes import site_assets
from papernotes.core.addresses import SEARCH_PLUGINS
from papernotes.core.cache import code_stamp, write_atomically
from papernotes.core.digest import digest, hash_text
from papernotes.core.views.search_records import SearchRecord, blog_records

from . import assets
from . import helper as helpers
from .cache import installed_version
from .pages import GeneratedPage, PostPage
from .state import PageStates

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

log = logging.getLogger("mkdocs.plugins.papernotes")

FOLDER = "pagefind"  # where the index goes in the site; search.js looks for it there
# Beside it, while a build makes the next index: Pagefind's output, and (+ SOURCE) the documents it reads.
NEW, AGAIN, SOURCE = ".papernotes-new", ".papernotes-again", "-source"
INSTALL = "pip install 'papernotes[pagefind]'"


def configure(config: "MkDocsConfig", option: str, cache_root: str | None) -> "PagefindSearch | None":
    """Check `search:` against the site's plugins; the indexer when it is `pagefind`."""
    if option != "pagefind":
        return None
    if any(name in SEARCH_PLUGINS for name in config.plugins):
        raise PluginError(
            "papernotes: `search: pagefind` replaces Material's search plugin, and both are on: "
            "remove `- search` from `plugins:` in mkdocs.yml (or drop `search: pagefind` to keep Material's search)"
        )
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise PluginError(f"papernotes: `search: pagefind` needs the pagefind package: {INSTALL}") from None
    if get_executable() is None:
        raise PluginError(f"papernotes: `search: pagefind` needs Pagefind's program, which comes with pagefind[bin]: {INSTALL}")
    assets.link(config, site_assets.SEARCH)
    return PagefindSearch(cache_root)


class Outcome(NamedTuple):
    """How an indexing ended; a forked helper sends it as a plain tuple."""

    error: str | None = None  # what went wrong
    cpu_seconds: float = 0.0  # Pagefind's
    count: int = 0  # records indexed; 0: none, or the index was kept
    note: str | None = None  # for the build's log


class _Run(NamedTuple):
    """Pagefind's program at work, and what to do with its output."""

    process: subprocess.Popen
    source: str  # the records' documents, removed once it ends
    folder: str  # where the index goes
    fresh: str  # where Pagefind writes it
    key: str  # of the records, kept with the index
    count: int  # records


class PagefindSearch:
    def __init__(self, cache_root: str | None) -> None:
        self.stamp = os.path.join(cache_root, "pagefind.marshal") if cache_root else None
        self._outcome: Callable[[], Outcome | None] | None = None  # waits for the indexing under way
        self._unconverted: set[str] | None = None  # this build's pages whose content records need, not converted yet

    def expect(self, files: "Files", *, serve: bool) -> None:
        """Note the pages a build will convert whose content the records need: posts and the writer's pages.

        papernotes' other pages (papers, topics, listings) have their records from
        its data, so indexing may start before MkDocs converts them (`ready`).
        """
        self._unconverted = {
            file.src_uri for file in files.documentation_pages(inclusion=_inclusion(serve))
            if not isinstance(file.page, GeneratedPage)
        }

    def converted(self, page: Any) -> None:
        if self._unconverted is not None:
            self._unconverted.discard(page.file.src_uri)

    def ready(self, *, at_last: bool = False) -> bool:
        """Whether a build's indexing is to start: not started yet, and every page whose content the records need is converted, or `at_last`."""
        return self._unconverted is not None and (at_last or not self._unconverted)

    def add_files(self, files: "Files", config: "MkDocsConfig") -> None:
        """The search box's script and styles, into the site."""
        assets.add(files, config, site_assets.SEARCH)

    def start(
        self, config: "MkDocsConfig", blog: Any, papers: list[Any], pages: list[tuple[str, str, str]], *,
        background: bool = False, fork: bool = False,
    ) -> None:
        """Start indexing the records of `blog`, its `papers` and the writer's `pages` into the site's `pagefind/` folder.

        `wait()` puts the new index in place. `pages` are (url, title, HTML), from `writer_pages()`.

        A build starts it once the posts and the writer's pages are converted
        (`ready`), and goes on converting and rendering pages while Pagefind's
        program indexes in its own process. Where the build may `fork` (helper.py), a forked helper
        also makes the records and writes them out, which at 2,000 posts takes
        the build's process 3 s. Under `mkdocs serve` a quick rebuild starts it
        in the `background`: the edited page shows at once, and a thread puts
        the new index in place when it is done. When the folder already holds
        the index of the same records, it is kept.
        """
        self._unconverted = None  # started: not again in this build
        self.wait()
        prepare = functools.partial(self._prepare, config, blog, papers, pages, polite=background)
        if fork:
            helper = helpers.Helper(1, lambda _: [tuple(self._finish(prepare()))])
            if helper.pid is not None:

                def received() -> Outcome | None:
                    messages = helper.wait()
                    if messages:
                        log.debug("papernotes: Pagefind ran from a forked helper")
                        return Outcome(*messages[0][0])
                    # A helper that failed sent nothing: the build indexes the site itself, into
                    # another folder than the one a Pagefind the helper left running may still write.
                    log.debug("papernotes: the helper indexing for search stopped; the build indexes the site itself")
                    return self._finish(prepare(AGAIN))

                self._outcome = received
                return
        job = prepare()
        if not background:
            self._outcome = lambda: self._finish(job)
            return
        finished: list[Outcome] = []

        def index() -> None:
            finished.append(self._finish(job))
            if finished[0].error:
                log.error(finished[0].error)  # said now: under serve, no build waits for this index to report it

        thread = threading.Thread(target=index, daemon=True)
        thread.start()

        def joined() -> Outcome | None:
            thread.join()
            return finished[0] if finished else None

        self._outcome = joined

    def wait(self) -> str | None:
        """Let the indexing under way finish and put its index in place; what went wrong, if anything."""
        outcome, self._outcome = self._outcome, None
        if outcome is None:
            return None
        ended = outcome() or Outcome("papernotes: Pagefind's indexing stopped unexpectedly")
        if ended.note:
            log.info(ended.note)
        if ended.count:
            log.debug(f"papernotes: Pagefind indexed {ended.count} records in {ended.cpu_seconds:.2f} s of CPU time")
        return ended.error

    def indexed(self, *, serve: bool) -> None:
        """Wait for the index: a failure stops a build, and is logged under serve."""
        error = self.wait()
        if error and not serve:
            raise PluginError(error)
        if error:
            log.error(error)

    def _prepare(
        self, config: "MkDocsConfig", blog: Any, papers: list[Any], pages: list[tuple[str, str, str]],
        new: str = NEW, *, polite: bool = False,
    ) -> _Run | Outcome:
        """Write the records out and start Pagefind's program on them, writing beside the index at `folder + new`.

        `polite`: at a lower priority, behind what the writer waits for.

        Nothing to run when the index in the folder is theirs already, or there are none.
        """
        records = blog_records(blog, papers, pages, directory_urls=config.use_directory_urls)
        documents = record_documents(records, config.theme.get("language") or "en")
        folder = os.path.join(config.site_dir, FOLDER)
        if new == NEW:
            # What a killed build (or a failed helper's Pagefind) left beside the index goes, even when
            # the index is kept or the build is `--dirty`: it would be deployed with the site.
            for leftover in (NEW, AGAIN):
                shutil.rmtree(folder + leftover, ignore_errors=True)
                shutil.rmtree(folder + leftover + SOURCE, ignore_errors=True)
        if not documents:
            # Pagefind makes no index of nothing (a new site, or drafts only): none is left to find old pages by.
            shutil.rmtree(folder, ignore_errors=True)
            return Outcome(note="papernotes: nothing to index for search yet: no published post, paper or page")
        # The documents are all Pagefind reads: the same documents and the same Pagefind, the same index.
        key = digest("pagefind", code_stamp(), installed_version("pagefind_bin"), documents)
        if self._keep(key, folder):
            return Outcome()
        from pagefind.service import get_executable

        # Beside the index, not in the system's temporary folder: the next build removes what a killed one left.
        source = folder + new + SOURCE
        shutil.rmtree(source, ignore_errors=True)
        os.makedirs(source)
        try:
            for name, html in documents:
                with open(os.path.join(source, name), "w", encoding="utf-8") as handle:
                    handle.write(html)
        except BaseException:
            shutil.rmtree(source, ignore_errors=True)
            raise
        fresh = folder + new
        shutil.rmtree(fresh, ignore_errors=True)
        command = [str(get_executable()), "--site", source, "--output-path", fresh, "--silent"]
        # In serve's quick rebuilds the writer waits for the edited page, not the index: Pagefind
        # yields to the server. A build waits for both, and ended sooner with Pagefind at the
        # same priority (paired runs at 2,000 posts, docs/benchmarks.md): its last, least
        # parallel part then runs beside the page rendering instead of after it.
        nice = shutil.which("nice") if polite else None
        if nice:
            command = [nice, "-n", "10", *command]
        # Ended with the build, however it ends: on Linux, and only with one thread (not under serve),
        # where running Python between fork and exec is safe.
        ended_with_build = helpers.die_with_parent if sys.platform.startswith("linux") and threading.active_count() == 1 else None
        with open(os.path.join(source, "pagefind.log"), "wb") as log_file:
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT, preexec_fn=ended_with_build,
            )
        return _Run(process, source, folder, fresh, key, len(records))

    def _finish(self, job: _Run | Outcome) -> Outcome:
        """Wait for Pagefind's program and put its index in place of the old one."""
        if isinstance(job, Outcome):
            return job
        process, source, folder, fresh, key, count = job
        old = folder + ".papernotes-old"
        try:
            if hasattr(os, "wait4"):  # with what Pagefind's run cost, for the build's log
                _, status, usage = os.wait4(process.pid, 0)
                process.returncode = os.waitstatus_to_exitcode(status)
                cpu_seconds = usage.ru_utime + usage.ru_stime
            else:
                process.wait()
                cpu_seconds = 0.0
            if process.returncode != 0 or not os.path.isfile(os.path.join(fresh, "pagefind.js")):
                with open(os.path.join(source, "pagefind.log"), encoding="utf-8", errors="replace") as handle:
                    said = " ".join(handle.read().split()[-60:])
                shutil.rmtree(fresh, ignore_errors=True)
                return Outcome(f"papernotes: Pagefind could not index the site (exit status {process.returncode}): {said}", cpu_seconds)
        finally:
            shutil.rmtree(source, ignore_errors=True)
        # The new index takes the old one's place at once; no chunk of the old one stays behind.
        shutil.rmtree(old, ignore_errors=True)
        if os.path.isdir(folder):
            os.rename(folder, old)
        os.rename(fresh, folder)
        shutil.rmtree(old, ignore_errors=True)
        if self.stamp:
            write_atomically(self.stamp, marshal.dumps([key, _listing(folder)]))
        return Outcome(cpu_seconds=cpu_seconds, count=count)

    def _keep(self, key: str, folder: str) -> bool:
        """Whether `folder` holds, untouched, the index the last build made from `key`; its files are then dated now.

        Dated now, because the output folder keeps only the files a build wrote (output.py).
        """
        if not self.stamp:
            return False
        try:
            with open(self.stamp, "rb") as handle:
                stored_key, listing = marshal.load(handle)
        except (OSError, EOFError, ValueError, TypeError):
            return False
        if stored_key != key or _listing(folder) != listing:
            return False
        now = time.time_ns()
        for path in listing:
            os.utime(os.path.join(folder, path), ns=(now, now))
        write_atomically(self.stamp, marshal.dumps([key, _listing(folder)]))
        return True


def writer_pages(files: "Files", states: PageStates, *, serve: bool) -> list[tuple[str, str, str]]:
    """The writer's own pages as (url, title, HTML) for search records: not posts or papernotes' pages, which have theirs from its data."""
    pages = []
    for file in files.documentation_pages(inclusion=_inclusion(serve)):
        page = file.page
        if page is None or isinstance(page, (PostPage, GeneratedPage)):
            continue
        if (page.meta.get("search") or {}).get("exclude") or page.content is None:
            continue
        # A writer's page at a listing's address: its own content, not the posts appended to it.
        state = states.get(page.file.src_uri)
        html = (state.own_content if state is not None else None) or page.content
        pages.append((page.url, str(page.title or ""), html))
    return pages


def _inclusion(serve: bool) -> Callable[[InclusionLevel], bool]:
    """The pages a build converts (MkDocs' own choice)."""
    return InclusionLevel.is_in_serve if serve else InclusionLevel.is_included


def record_documents(records: list[SearchRecord], language: str) -> list[tuple[str, str]]:
    """Each record as (file name, HTML): the small documents Pagefind's program indexes, from one folder.

    A result's address is the record's own, carried in the document's `href`
    meta for search.js: Pagefind would give the document's path, and laying
    the documents out at their pages' paths meant a folder per page, which
    made writing them ten times slower (7,000 folders took 5 s of system time
    on ext4; the same files in one folder, 0.3 s).

    Pagefind's Python API (`PagefindIndex.add_custom_record`) would need no
    files, but it reads one answer from Pagefind's service per tenth of a
    second, however the calls are awaited: 2,000 records took 205 s
    (docs/benchmarks.md). It also needs an event loop, which in a thread keeps
    papernotes' render helper from forking (helper.py).
    """
    # Named by address, not place in the list: a new post leaves the other documents, and so
    # the excerpt files Pagefind writes (which name them), as they were.
    return [(f"{hash_text(record.url)[:20]}.html", record_html(record, language)) for record in records]


def record_html(record: SearchRecord, language: str) -> str:
    """A record as the HTML Pagefind reads: the text to find, and meta and filters in <meta> tags."""
    tags = [("meta", "href", record.url), ("meta", "title", record.title), ("meta", "type", record.kind)]
    tags += [("meta", key, value) for key, value in record.extra.items()]
    if record.date:
        tags.append(("meta", "date", record.date))
    tags.append(("filter", "type", record.kind))
    tags += [("filter", "topic", topic) for topic in record.topics]
    if record.year:
        tags.append(("filter", "year", record.year))
    head = "".join(f'<meta data-pagefind-{kind}="{name}[content]" content="{escape(value)}">' for kind, name, value in tags)
    # The title is the text's <h1> too: Pagefind ranks a short record whose heading matches first
    # (a paper, a topic), and a document without text would be left out. search.js keeps it out of excerpts.
    return (
        f'<!DOCTYPE html><html lang="{escape(language)}"><head>{head}</head>'
        f"<body data-pagefind-body><h1>{escape(record.title)}</h1><p>{escape(record.content)}</p></body></html>"
    )


def _listing(folder: str) -> dict[str, list[int]]:
    """Every file of the index folder with its size and time, to tell an untouched folder."""
    found: dict[str, list[int]] = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            stat = os.stat(path)
            found[os.path.relpath(path, folder)] = [stat.st_size, stat.st_mtime_ns]
    return found
