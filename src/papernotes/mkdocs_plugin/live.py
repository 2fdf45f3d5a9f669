"""Showing an edited post under `mkdocs serve` without rebuilding the whole site.

On every change `mkdocs serve` runs a complete build: at a few thousand posts
that is many seconds between saving a post and seeing it. While writing, most
saves change only the text of one post. Such a save changes only the pages
that show that text: the post's own page, the listings that show its summary
or reading time when those changed, its feeds and the search index. So
papernotes keeps the last complete build (`LiveSite`) and, when every changed
file is the body of a post it placed, rebuilds just those pages with MkDocs'
own page steps and plugin events, in place.

Anything else runs the usual full build: a file added, removed or renamed; a
change to frontmatter (titles, dates, tags and records show on other pages), to
mkdocs.yml, the library, authors, templates or any file besides post bodies; a
body whose citations now reach other papers (their pages list the post); new
problems in the post (the full build reports them and shows the error page);
plugins besides search and papernotes, whose state papernotes cannot vouch
for; and any failure on the way. The result is what a full build would write;
the tests compare the two.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Protocol

from mkdocs.structure.files import InclusionLevel
from mkdocs.utils import write_file

from papernotes.core.diagnostics import Diagnostics
from papernotes.core.model.posts import read_post
from papernotes.core.sources.stamps import Stamp, snapshot

from .cache import project_dir
from .mkdocs_private import build_page, populate_page, served_paths
from .output import KNOWN_PLUGINS

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.files import File
    from mkdocs.structure.nav import Navigation

    from papernotes.core.blog import PostEntry
    from papernotes.core.papers import PaperIndex

    from .incremental import Incremental

log = logging.getLogger("mkdocs.plugins.papernotes")


class LiveHost(Protocol):
    """What a quick rebuild needs of the plugin: the last build's state, and a few of its steps."""

    live: "LiveSite | None"  # the last complete build; None forces a full one
    server: Any  # `mkdocs serve`'s server
    incremental: "Incremental"  # the caches of the last build (incremental.py)
    papers: "PaperIndex"
    pagefind: Any  # with `search: pagefind`, its index (pagefind.py)

    def index_search(self, config: "MkDocsConfig", *, background: bool = False) -> None: ...

    def entry_for(self, src_uri: str) -> "PostEntry | None": ...

    def listing_pages(self, entry: "PostEntry") -> list[Any]: ...

    def refill_feeds(self, config: "MkDocsConfig", entries: list["PostEntry"]) -> list[tuple["File", bytes]]: ...

    def report(self) -> None: ...


@dataclass
class LiveSite:
    """What the last complete serve build left: MkDocs' objects, and the stamps of every input it read."""

    config: "MkDocsConfig"
    files: "Files"
    nav: "Navigation"
    env: Any
    roots: list[str]
    stamps: dict[str, Stamp | None]
    posts: dict[str, str] = field(default_factory=dict)  # absolute path of a placed post -> its src_uri
    search: Any = None  # Material's search plugin, whose index holds every page's entries

    def __post_init__(self) -> None:
        self.doc_files = self.files.documentation_pages(inclusion=InclusionLevel.is_in_serve)


def watched_roots(config: "MkDocsConfig", options: Any, server: Any) -> list[str]:
    """Where a serve build reads from: docs, the library and authors files, watched paths, mkdocs.yml, overrides."""
    library = [os.path.join(project_dir(config), name.removesuffix("?")) for name in options.library]
    extra = [*library, os.path.join(config.docs_dir, options.authors_file), *served_paths(server)]  # --watch-theme: the theme's folders
    roots = [config.docs_dir, *extra, *(str(item) for item in config.watch)]
    if config.config_file_path:
        roots.append(config.config_file_path)
    custom_dir = config.theme.custom_dir
    if custom_dir:
        roots.append(custom_dir)
    return list(dict.fromkeys(os.path.abspath(root) for root in roots))


class LiveUpdater:
    """Wraps serve's builder: a rebuild of just the pages an edit changes, else the full build."""

    def __init__(self, plugin: LiveHost, full_build: Callable[[], None]) -> None:
        self.plugin = plugin
        self.full_build = full_build

    def __call__(self) -> None:
        started = time.monotonic()
        try:
            rebuilt = update(self.plugin, self.plugin.live) if self.plugin.live is not None else None
        except Exception as exc:  # noqa: BLE001 - whatever went wrong, the full build makes the site right
            log.debug(f"papernotes: quick rebuild failed ({exc!r}); rebuilding everything", exc_info=True)
            rebuilt = None
        if rebuilt is None:
            # Nothing may hold the last build now: it would stay in memory through the next one.
            self.plugin.live = None
            self.full_build()
            return
        log.info(f"papernotes: rebuilt {', '.join(rebuilt)} in {time.monotonic() - started:.2f} s (the rest of the site is unchanged)")


def update(plugin: LiveHost, site: LiveSite) -> list[str] | None:
    """Rebuild the pages an edit of post bodies changes; None when a full build is needed.

    Nothing is changed before every check has passed, except pages being rebuilt.
    """
    if not set(site.config.plugins) <= KNOWN_PLUGINS:  # their part in a partial rebuild is unknown
        return None
    if not set(map(os.path.abspath, served_paths(plugin.server))) <= set(site.roots):
        return None  # a path watched since the last build (the first, before serve watched anything)
    stamps = snapshot(site.roots)
    changed = [path for path in stamps.keys() | site.stamps.keys() if stamps.get(path) != site.stamps.get(path)]
    if not changed or any(path not in site.posts for path in changed):
        return None  # nothing papernotes can see (a template? a watched file?), or more than post bodies
    edits = []
    for path in changed:
        edit = _read_edit(plugin, site.posts[path], path)
        if edit is None:
            return None
        edits.append(edit)

    config, files, doc_files = site.config, site.files, site.doc_files
    search = site.search if site.search is not None and site.search.config.enabled else None
    listings_before = {id(entry): _listed(entry) for entry, _ in edits}
    pages = []
    for entry, body in edits:
        entry.post.replace_body(body)
        pages.append(files.get_file_from_path(entry.post.src_uri).page)
    for page in pages:
        _populate(plugin, page, config, files)
    rebuild = list(pages)
    taken = {id(page) for page in pages}  # by identity: comparing pages compares their files
    for entry, _ in edits:
        if _listed(entry) != listings_before[id(entry)]:
            for page in plugin.listing_pages(entry):
                if id(page) not in taken:
                    taken.add(id(page))
                    rebuild.append(page)
    for page in rebuild[len(pages):]:
        _populate(plugin, page, config, files)
    for page in rebuild:
        _rebuild_page(page, config, search, site)
    anchors = config.validation.links.anchors
    for file in doc_files:
        if file.page.links_to_anchors:
            file.page.validate_anchor_links(files=files, log_level=anchors)

    entries = [entry for entry, _ in edits]
    for file, content in plugin.refill_feeds(config, entries):
        write_file(content, file.abs_dest_path)
    if search is not None:
        # With the page cache, the index is put together from each page's JSON text; only the
        # rebuilt pages' entries are encoded again (page_cache.py's `_search_json`).
        search.on_post_build(config=config)
    if plugin.pagefind is not None:
        plugin.index_search(config, files, background=True)  # in the background: the page shows now, search finds the edit a moment later
    plugin.report()
    site.stamps = stamps
    return [page.url or "/" for page in rebuild]


def _read_edit(plugin: LiveHost, src_uri: str, path: str) -> tuple[Any, str] | None:
    """(the post's entry, its new body) when only its body changed and the change stays on its own pages."""
    entry = plugin.entry_for(src_uri)
    if entry is None:
        return None
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError:
        return None
    diagnostics = Diagnostics()
    post = read_post(raw, entry.post.path, src_uri, diagnostics)
    if post is None or len(diagnostics) or post.frontmatter_text != entry.post.frontmatter_text:
        return None
    if post.title != entry.post.title:  # a post titled by its '# heading' changes its title in the body
        return None
    if plugin.papers.cited_identities(entry.post, post.body) != plugin.papers.cited_identities(entry.post, entry.post.body):
        return None  # the papers' pages list the posts citing them
    return entry, post.body


def _listed(entry: Any) -> tuple[str, int] | None:
    """What listings show of a post beyond its frontmatter."""
    rendered = entry.rendered
    return None if rendered is None else (rendered.summary_html, rendered.readtime)


def _populate(plugin: LiveHost, page: Any, config: Any, files: Any) -> None:
    """Read and convert a page again, as MkDocs' first page loop does; the page cache wraps what it wrapped before."""
    populate_page(page, config, files)
    plugin.incremental.rewrap(page)


def _rebuild_page(page: Any, config: Any, search: Any, site: LiveSite) -> None:
    """Build one page again, its search entries taking the place of its old ones."""
    build = lambda: build_page(page, config, site.doc_files, site.nav, site.env, excluded=page.file.inclusion.is_excluded())  # noqa: E731
    if search is None:
        build()
        return
    entries = search.search_index.entries
    url, anchor = page.url, page.url + "#"
    own = [i for i, entry in enumerate(entries) if entry["location"] == url or entry["location"].startswith(anchor)]
    if own and own != list(range(own[0], own[-1] + 1)):
        raise ValueError(f"the search entries of {url!r} are not together")  # not as a full build makes them
    at = own[0] if own else len(entries)
    del entries[at : at + len(own)]
    before = len(entries)
    build()
    added = entries[before:]
    del entries[before:]
    entries[at:at] = added
