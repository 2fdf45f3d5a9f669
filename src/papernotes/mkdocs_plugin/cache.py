"""MkDocs' side of the conversion cache (`papernotes.core.cache`).

`convert` stands in for `Page.render` in `PostPage.render`: it serves the
conversion from the cache when the key and every recorded lookup match, and
otherwise converts and stores. What MkDocs' `Page.render` sets is what is
cached and restored: `content`, `toc`, `present_anchor_ids`,
`links_to_anchors` and the title found in the content, plus the citation
placeholders of the post's session (numbering happens after, on every build,
from fresh records) and the log messages and diagnostics the conversion
produced (replayed, so `--strict` fails the same way on a cached build).
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from typing import TYPE_CHECKING, Any, Callable

from mkdocs.structure.toc import AnchorLink, TableOfContents

from papernotes.core.cache import CachedConversion, ConversionCache
from papernotes.core.digest import code_stamp, fingerprint, hash_bytes

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page

    from papernotes.core.citations import CitationSession
    from papernotes.core.diagnostics import Diagnostics

# Writers' files a post can pull in while converting; posts using them are never cached.
_SNIPPET_MARK = "--8<--"


# Distributions whose name differs from their module's (asking importlib to map all of them is slow).
_DISTRIBUTIONS = {"pymdownx": "pymdown-extensions", "material": "mkdocs-material", "markdown": "Markdown", "pygments": "Pygments"}


@lru_cache(maxsize=None)
def installed_version(module: str) -> str | None:
    """The installed version of the package providing `module`: an upgrade may change its HTML."""
    top = module.split(".", 1)[0]
    try:
        return metadata.version(_DISTRIBUTIONS.get(top, top))
    except metadata.PackageNotFoundError:
        version = getattr(sys.modules.get(top), "__version__", None)
        return str(version) if version is not None else None


def code_version(module: str) -> str | None:
    """What identifies the code of `module`: its package's version, else (a module of the project) its source's digest."""
    version = installed_version(module)
    if version is not None:
        return version
    source = getattr(sys.modules.get(module), "__file__", None)
    try:
        with open(source, "rb") as handle:  # type: ignore[arg-type]
            return hash_bytes(handle.read())
    except (OSError, TypeError):
        return None


def _extension_module(extension: Any) -> str:
    return extension if isinstance(extension, str) else type(extension).__module__


def _code_modules(value: Any) -> set[str]:
    """The modules of the functions and classes in extension options (YAML's `!!python/name:`)."""
    if isinstance(value, dict):
        return set().union(*(_code_modules(v) for v in value.values()))
    if isinstance(value, (list, tuple)):
        return set().union(*(_code_modules(v) for v in value))
    module = getattr(value, "__module__", None) if callable(value) else None
    return {module} if isinstance(module, str) else set()


def project_dir(config: "MkDocsConfig") -> str:
    """The folder of mkdocs.yml: library paths and the cache are relative to it."""
    return os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml"))


def pack_path(root: str) -> str:
    """The folder, under the cache folder `root`, of rendered frames, fragments and search entries (marshal's format follows the Python version)."""
    return os.path.join(root, f"pages-py{sys.version_info[0]}{sys.version_info[1]}")


def cache_dir(config: "MkDocsConfig", options: dict[str, Any]) -> str | None:
    """`.cache/papernotes` next to mkdocs.yml, or None when caching is off (`cache: false`, PAPERNOTES_NO_CACHE)."""
    if not options.get("cache", True) or os.environ.get("PAPERNOTES_NO_CACHE", "") not in ("", "0"):
        return None
    return os.path.join(project_dir(config), ".cache", "papernotes")


def open_cache(config: "MkDocsConfig", options: dict[str, Any]) -> ConversionCache | None:
    """The cache of this build, or None when caching is off or a snippets file applies to every page."""
    root = cache_dir(config, options)
    if root is None:
        return None
    mdx = config["mdx_configs"] or {}
    if (mdx.get("pymdownx.snippets") or {}).get("auto_append"):
        return None
    extensions = config["markdown_extensions"]
    modules = {_extension_module(e) for e in extensions} | _code_modules(mdx) | {"markdown", "mkdocs", "pygments", "latex2mathml"}
    context = fingerprint(
        code_stamp(),
        sys.version_info[:2],
        [(m, code_version(m)) for m in sorted(modules)],
        extensions,
        mdx,
        config["use_directory_urls"],
        dict(config["validation"]),
        {name: value for name, value in options.items() if name not in ("cache", "parallel")},
    )
    return ConversionCache(os.path.join(root, "posts"), context)


# -- what a conversion reads and writes -------------------------------------------


def _describe(file: "File | None") -> Any:
    return None if file is None else [file.url, file.inclusion.is_excluded()]


class _RecordingFiles:
    """`Files` as seen by one conversion: every path looked up is remembered with its answer."""

    def __init__(self, files: "Files") -> None:
        self._files = files
        self.lookups: dict[str, Any] = {}

    def get_file_from_path(self, path: str) -> "File | None":
        file = self._files.get_file_from_path(path)
        self.lookups[path] = _describe(file)
        return file

    def __getattr__(self, name: str) -> Any:
        return getattr(self._files, name)

    def __iter__(self):
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)

    def __contains__(self, item: Any) -> bool:
        return item in self._files


def _log_levels() -> list[int]:
    """From which level on a conversion's messages reach the log now: MkDocs' own, and others'.

    An entry holds only the messages that were emitted when it was made (`mkdocs
    build -q` emits no warnings at all): it serves a build that shows no more.
    """
    return [max(logging.INFO, logging.getLogger(name).getEffectiveLevel()) for name in ("mkdocs", "")]


_PAYLOAD = {"html", "toc", "title", "anchors", "links_to_anchors", "citations", "log_levels"}


def _usable(entry: CachedConversion) -> bool:
    data = entry.payload
    if not _PAYLOAD <= data.keys() or not isinstance(data["log_levels"], list):
        return False
    if any(now < then for now, then in zip(_log_levels(), data["log_levels"])):
        return False
    # MkDocs records links to anchors except when debugging; an entry made while debugging lacks them.
    return data["links_to_anchors"] is not None or logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() <= logging.DEBUG


class _LogCapture(logging.Handler):
    """Log records emitted during one conversion (MkDocs' link warnings, extensions' messages)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not any(record is seen for seen in self.records):
            self.records.append(record)

    def __enter__(self) -> "_LogCapture":
        for logger in (logging.getLogger(), logging.getLogger("mkdocs")):
            logger.addHandler(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        for logger in (logging.getLogger(), logging.getLogger("mkdocs")):
            logger.removeHandler(self)


def toc_data(items: Any) -> list[dict[str, Any]]:
    return [
        {"title": i.title, "id": i.id, "level": i.level, "active": bool(getattr(i, "active", False)), "children": toc_data(i.children)}
        for i in items
    ]


def _toc_items(data: list[dict[str, Any]]) -> list[AnchorLink]:
    items = []
    for d in data:
        link = AnchorLink(d["title"], d["id"], d["level"])
        if d["active"]:
            link.active = True  # type: ignore[attr-defined]
        link.children = _toc_items(d["children"])
        items.append(link)
    return items


@dataclass
class Conversion:
    """The cache entry of one post's conversion (found, or just made) and where it is stored."""

    cache: ConversionCache
    key: str
    entry: CachedConversion

    def save(self) -> None:
        """Store the entry again (the page made around it changed)."""
        self.cache.put(self.key, self.entry)


def convert(
    page: "Page",
    config: "MkDocsConfig",
    files: "Files",
    cache: ConversionCache | None,
    session: "CitationSession | None",
    diagnostics: "Diagnostics",
    render: Callable[["MkDocsConfig", Any], None],
) -> Conversion | None:
    """Convert `page` with `render` (MkDocs' `Page.render`), or restore it from `cache`; None when not cached."""
    if cache is None or session is None or _SNIPPET_MARK in (page.markdown or ""):
        if cache is not None:
            cache.skip()
        render(config, files)
        return None
    file = page.file
    key = cache.key(page.markdown, file.src_uri, file.url, file.dest_uri, file.inclusion.is_excluded())
    entry = cache.get(key, lambda path: _describe(files.get_file_from_path(path)), _usable)
    if entry is not None:
        data = entry.payload
        page.content = data["html"]
        page.toc = TableOfContents(_toc_items(data["toc"]))
        page._title_from_render = data["title"]
        page.present_anchor_ids = set(data["anchors"])
        if data["links_to_anchors"] is not None and logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = {
                files.get_file_from_path(uri): links for uri, links in data["links_to_anchors"].items()
            }
        session.restore(data["citations"])
        for name, level, message in entry.logs:
            logging.getLogger(name).log(level, "%s", message)
        diagnostics.extend(entry.diagnostics)
        return Conversion(cache, key, entry)

    recording = _RecordingFiles(files)
    before = len(diagnostics)
    with _LogCapture() as capture:
        render(config, recording)
    links = getattr(page, "links_to_anchors", None)
    payload = {
        "html": page.content,
        "toc": toc_data(page.toc),
        "title": page._title_from_render,
        "anchors": sorted(page.present_anchor_ids or ()),
        "links_to_anchors": None if links is None else {f.src_uri: dict(v) for f, v in links.items()},
        "citations": session.snapshot(),
        "log_levels": _log_levels(),
    }
    entry = CachedConversion(
        payload,
        lookups=recording.lookups,
        logs=[(r.name, r.levelno, r.getMessage()) for r in capture.records],
        diagnostics=list(diagnostics.items[before:]),
    )
    cache.put(key, entry)
    return Conversion(cache, key, entry)
