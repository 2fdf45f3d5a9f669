"""Reusing the theme's output and the search entries of papernotes' pages.

After the conversion cache (`cache.py`), most of a rebuild is MkDocs' page
loop: rendering Material's `main.html` around each page, parsing each page's
HTML again for the search index, and writing the file. For the pages
papernotes makes (posts, listings, topics, papers: thousands of them), the
first two are reused here when nothing they read changed:

- search entries are keyed by what Material's search plugin reads from a page
  (its content, table of contents, URL, title, tags and boost, and the search
  configuration); on a hit they are added to the index directly and the
  plugin is told to skip the page. On a miss they are made by
  `search_sections.add_entries` (Material's entries, without html.parser).
  They are stored as the JSON text of the index file, which is then put
  together from those texts (`_search_json`);
- the theme's output is keyed by everything a page template can read: the
  page itself (final content, title, meta, table of contents, URL and
  neighbours) and a signature of the whole site (configuration, navigation,
  template files, versions). It is stored as a *frame*: the output with the
  page's content cut out, so the cache holds each page's chrome only.

Rendering goes through a small wrapper template (`papernotes/page.html`) that
prints the cached output on a hit and includes the page's own template
otherwise, so a miss renders exactly what MkDocs would have; a page whose file
in the output folder already holds its output prints nothing (`KEPT`, see
output.py). Content papernotes assembled from cached parts is keyed by those
parts' keys rather than hashed (`content_digest`).

Output is never cached when a template could print something the key cannot
see: custom templates that read the build date or a file's modification
date, or template functions added by other plugins.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import zlib
from typing import TYPE_CHECKING, Any

from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemBytecodeCache

from papernotes.core.cache import Pack, read_sealed, write_sealed
from papernotes.core.digest import code_stamp, digest, fingerprint, hash_text, stable

from .cache import installed_version, toc_data
from .mkdocs_private import pause_search, write_search_index_as_material, write_search_index_with
from .page_keys import Unknown, config_data, is_plain, nav_data, template_globals, templates_data
from .search_sections import add_entries
from .state import PageState, PageStates

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.papernotes")

WRAPPER = "papernotes/page.html"
_WRAPPER_SOURCE = (
    "{%- if papernotes_has_frame(page) -%}{{ papernotes_cached(page) }}"
    "{%- else -%}{% include papernotes_template(page) %}{%- endif -%}"
)
# A page whose file in the output folder already holds its output: nothing is rendered.
KEPT = ("kept",)
# Stands for the page's content inside a stored frame; NUL never occurs in rendered HTML.
_CONTENT = "\x00papernotes:content\x00"
# Context entries MkDocs itself passes to page templates; anything else a plugin added goes into the key.
_STANDARD_CONTEXT = {"nav", "pages", "base_url", "extra_css", "extra_javascript", "mkdocs_version", "build_date_utc", "config", "page"}


def content_digest(page: "Page", state: PageState) -> str:
    """A fingerprint of the page's content: the key papernotes made it from, when it is still that very
    string (`state.content`, set by render.py and the listing fills), else a hash of it."""
    content = page.content or ""
    known = state.content
    if known is not None and known[0] is content:
        return known[1]
    return hash_text(content)


def search_index(config: "MkDocsConfig") -> tuple[Any, Any] | None:
    """Material's search plugin and its index, when it is the search in use."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if type(plugin).__module__.startswith("material.plugins.search") and isinstance(getattr(index, "entries", None), list):
            return plugin, index
    return None


class PageOutputs:
    """The theme output and search entries of papernotes' pages, for one build.

    `pack` keeps them between builds (and in memory under serve); `enabled`
    is False when the site uses something whose effect on a page no key can
    follow, and then every page renders as usual.
    """

    def __init__(self, pack: Pack, config: "MkDocsConfig", nav: "Navigation", env: Environment, states: PageStates) -> None:
        self.pack = pack
        self.states = states
        self.hits = self.misses = 0
        self.search_hits = 0
        self.seen = 0  # pages that reached `before_render`: all of them, in a complete build
        try:
            templates = templates_data(env)
            self.enabled = templates is not None
            self.signature = fingerprint(
                "page", code_stamp(), [(m, installed_version(m)) for m in ("mkdocs", "material", "jinja2", "markupsafe")],
                {k: v for k, v in config_data(config).items() if k != "site_dir"}, nav_data(nav.items), templates,
                template_globals(env),
            ) if self.enabled else ""
        except Unknown as unknown:
            log.debug(f"papernotes: pages are rendered every time: no key can follow {unknown}")
            self.enabled, self.signature = False, ""
        search = search_index(config)
        self.search_plugin, self.index = search if search else (None, None)
        # The JSON text of each page's entries, stored or just made, by its first entry (see `_search_json`).
        # The lists keep the entries alive, so an id is never another entry's.
        self._encoded: dict[int, tuple[list[dict[str, Any]], str]] = {}
        if self.index is not None and _writes_as_expected():
            write_search_index_with(self.index, self._search_json)
        self.search_signature = fingerprint(
            "search", code_stamp(), installed_version("material"), config_data(dict(self.search_plugin.config)), _has_jieba(),
        ) if search else ""
        if self.enabled:
            env.loader = ChoiceLoader([DictLoader({WRAPPER: _WRAPPER_SOURCE}), env.loader])
            env.globals["papernotes_cached"] = self.cached_output
            env.globals["papernotes_has_frame"] = lambda page: states.of(page).frame is not None
            env.globals["papernotes_template"] = lambda page: states.of(page).template

    def wrap(self, page: "Page") -> None:
        """Render `page` through the wrapper template, which falls back to the page's own."""
        state = self.states.of(page)
        state.template = page.meta.get("template") or "main.html"
        state.frame = None
        if self.enabled:
            page.meta["template"] = WRAPPER

    # -- search ----------------------------------------------------------------

    def before_search(self, page: "Page") -> None:
        """Ahead of the search plugin: add the page's stored entries, or note where its new ones will start."""
        state = self.states.of(page)
        state.search = None
        if self.index is None or not self.search_plugin.config.enabled or (page.meta.get("search") or {}).get("exclude"):
            return
        meta = page.meta
        key = digest(
            self.search_signature, page.url, str(page.title), str(meta.get("title", "")), stable(meta.get("tags")),
            stable(meta.get("search")), toc_data(page.toc), content_digest(page, state),
        )
        stored = self.pack.get(key)
        if isinstance(stored, str):
            entries = json.loads(f"[{stored}]")
            self.index.entries.extend(entries)
            self._remember(entries, stored)
            self.search_hits += 1
        else:
            start = len(self.index.entries)
            if not add_entries(self.index, page):  # the same entries as the plugin's, made faster; or let it
                state.search = (key, start, None)
                return
            self._store(key, start)
        state.search = (key, None, meta.get("search"))
        meta["search"] = {"exclude": True}  # the plugin skips the page: it is indexed already
        # What the plugin would still do is strip data-search-* attributes from the content;
        # with none there, it is paused for this page (its regex scans every byte of it).
        if "data-search-" not in (page.content or ""):
            pause_search(self.search_plugin, True)

    def after_search(self, page: "Page") -> None:
        """Store the entries the search plugin made for the page; undo the skip marker."""
        state = self.states.of(page)
        if state.search is None:
            return
        key, start, search = state.search
        pause_search(self.search_plugin, False)
        if start is None:
            if search is None:
                del page.meta["search"]
            else:
                page.meta["search"] = search
        else:
            self._store(key, start)
        state.search = None

    def _store(self, key: str, start: int) -> None:
        """Keep the entries a page just added to the index (from `start` on), as the JSON text they stand for."""
        entries = self.index.entries[start:]
        text = encode_entries(entries)
        self.pack.put(key, text)
        self._remember(entries, text)

    def _remember(self, entries: list[dict[str, Any]], text: str) -> None:
        if entries:
            self._encoded[id(entries[0])] = (entries, text)

    # -- theme output ----------------------------------------------------------

    def before_render(self, page: "Page", context: dict[str, Any], *, excluded: bool) -> None:
        """Last before the template: find the page's stored frame, or note the key to store it under."""
        state = self.states.of(page)
        state.frame = state.key = state.frame_key = None
        self.seen += 1
        if not self.enabled or page.meta.get("template") != WRAPPER:
            return
        extra = {name: value for name, value in context.items() if name not in _STANDARD_CONTEXT}
        if not is_plain(extra) or not is_plain(page.meta):
            return  # something a key cannot describe: render as usual
        key = digest(
            self.signature, page.url, page.file.src_uri, page.file.dest_uri, str(page.title), stable(page.meta),
            state.template, content_digest(page, state), toc_data(page.toc), page.canonical_url,
            page.edit_url, excluded, page.is_homepage, stable(extra),
            [[p.url, str(p.title)] if p else None for p in (page.previous_page, page.next_page)],
            [[type(a).__name__, str(a.title)] for a in page.ancestors],
        )
        frame = self.pack.get(key)
        if frame is not None:
            state.frame = frame
            state.frame_key = key
            self.hits += 1
        else:
            state.key = key
            self.misses += 1

    def _search_json(self, prev: Any = None) -> str:
        """Material's `generate_search_index`, without encoding stored pages' entries again.

        The text is the same: the index is compact JSON of its settings and
        entries, and a page's entries, while they are still the very objects
        its text was decoded from or encoded as, are that text
        (`_writes_as_expected` checks the format once per process). Serve's
        quick rebuilds write the index this way too (live.py).
        """
        index = self.index
        if prev is not None:  # `--dirty` serve merges with the previous index: Material's own way
            return write_search_index_as_material(index, prev)
        chunks, entries, at = [], index.entries, 0
        while at < len(entries):
            stored = self._encoded.get(id(entries[at]))
            run = entries[at : at + len(stored[0])] if stored is not None else []
            if stored is not None and len(run) == len(stored[0]) and all(a is b for a, b in zip(run, stored[0])):
                chunks.append(stored[1])
                at += len(stored[0])
            else:
                chunks.append(encode_entries([entries[at]]))
                at += 1
        return _index_json(index.config, chunks)

    def cached_output(self, page: "Page") -> str:
        frame = self.states.of(page).frame
        if frame is KEPT:
            return ""  # the output folder already holds this page's output (output.py)
        whole, data = frame
        text = zlib.decompress(data).decode("utf-8")
        return text if whole else text.replace(_CONTENT, page.content, 1)

    def after_render(self, page: "Page", output: str) -> None:
        """Store what the theme made of a page that missed (before other plugins change it)."""
        state = self.states.get(page.file.src_uri)
        key = state.key if state is not None else None
        if key is None:
            return
        content = page.content or ""
        whole = not content or _CONTENT in output or output.count(content) != 1
        frame = output if whole else output.replace(content, _CONTENT, 1)
        self.pack.put(key, [whole, zlib.compress(frame.encode("utf-8"), 1)])
        state.key = None


def encode_entries(entries: list[dict[str, Any]]) -> str:
    """Entries as Material's search_index.json holds them, joined by commas (stored as text: see `_search_json`)."""
    return ",".join(json.dumps(entry, separators=(",", ":"), default=str) for entry in entries)


@functools.lru_cache(maxsize=1)
def _writes_as_expected() -> bool:
    """Whether Material writes its index as `_search_json` assumes: compact JSON of {"config", "docs"}."""
    try:
        from material.plugins.search.plugin import SearchIndex

        index = SearchIndex(lang=["en"], separator="[\\s]+", pipeline=[], fields={"title": {"boost": 1}})
        index.entries = [{"location": "a/", "title": "A \u00e9 <b>", "text": "x"}, {"location": "a/#b", "title": "B", "text": ""}]
        return index.generate_search_index(None) == _index_json(index.config, [encode_entries(index.entries)])
    except Exception:  # noqa: BLE001 - anything unexpected: let Material write its index itself
        return False


def _index_json(config: dict[str, Any], chunks: list[str]) -> str:
    settings = {key: config[key] for key in ["lang", "separator", "pipeline", "fields"]}
    return '{"config":' + json.dumps(settings, separators=(",", ":"), default=str) + ',"docs":[' + ",".join(chunks) + "]}"


def _has_jieba() -> bool:
    try:
        import jieba  # noqa: F401
    except ImportError:
        return False
    return True


class TemplateBytecode(FileSystemBytecodeCache):
    """Compiled theme templates, kept in `directory` (one file per template, checked against its source).

    MkDocs makes a new template environment for every build, and `mkdocs serve`
    for every rebuild, so Material's templates would be compiled again each time.
    A folder that cannot be written only means compiling, never a failed build.
    """

    def __init__(self, directory: str) -> None:
        try:
            os.makedirs(directory, exist_ok=True)
        except OSError:
            pass
        super().__init__(directory)

    # Each file carries a checksum of its code (cache.py's `seal`): a damaged
    # one would otherwise fail every later build, or render wrong pages.
    def load_bytecode(self, bucket: Any) -> None:
        data = read_sealed(self._get_cache_filename(bucket))
        if data is not None:
            try:
                bucket.bytecode_from_string(data)
            except Exception:  # noqa: BLE001 - unreadable after all: compiled again
                bucket.reset()

    def dump_bytecode(self, bucket: Any) -> None:
        try:
            write_sealed(self._get_cache_filename(bucket), bucket.bytecode_to_string())
        except (OSError, TypeError):
            pass
