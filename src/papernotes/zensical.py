"""papernotes under Zensical: a Python-Markdown extension, since Zensical runs no third-party plugins.

`papernotes build --engine zensical` lists it under `markdown_extensions`
with the path of the site description it wrote before the build (see
engines/zensical.py). Zensical hands every render the page's path and
frontmatter through its `rendering_context` preprocessor; this extension
reads them and:

- on a post (frontmatter `papernotes: {post: SRC_URI}`), converts the
  writer's file as the MkDocs plugin does: the same composed source,
  citations, MathML, and the page assembled by the core (header, paper cards,
  takeaways, references, neighbours), with "Key takeaways" and "References"
  in the table of contents;
- on a page papernotes rendered (its HTML behind a marker line), passes that
  HTML through untouched;
- on any other page, makes MathML, as the plugin does.

Outside Zensical (no rendering context) it only makes MathML.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from typing import Any

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from papernotes.core.views.article import compose_source, finish_conversion
from papernotes.core.blog import BlogOptions, PostEntry
from papernotes.core.citations import CitationExtension, CitationSession
from papernotes.core.diagnostics import Diagnostics
from papernotes.core.views.mathml import render_math
from papernotes.core.views.render import PageRenderer, post_html
from papernotes.core.site import PostSource, Site, SiteOptions, load_site
from papernotes.core.views.urls import file_links

HTML_MARKER = "<!-- papernotes:html -->"


@dataclass
class _Loaded:
    site: Site
    renderer: PageRenderer
    post_urls: dict[str, str]  # a post's file under docs/ -> its URL
    directory_urls: bool


_lock = threading.Lock()
_loaded: dict[str, tuple[tuple[int, int], _Loaded]] = {}


def load(path: str) -> _Loaded:
    """The site described by `path`, read once per version of that file (serve rewrites it on every change)."""
    stat = os.stat(path)
    stamp = (stat.st_mtime_ns, stat.st_size)
    with _lock:
        hit = _loaded.get(path)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        options = data["options"]
        options = SiteOptions(**{**options, "blog": BlogOptions(**options["blog"])})
        sources = []
        for src_uri, file in data["sources"]:
            with open(file, "rb") as handle:
                sources.append(PostSource(src_uri, file, handle.read()))
        # `papernotes build` has reported the site's problems already.
        diagnostics = Diagnostics()
        site = load_site(sources, options, diagnostics, remember=False)
        renderer = PageRenderer(site.blog, diagnostics, CitationExtension(), site.library, site.papers)
        loaded = _Loaded(site, renderer, {src: entry.url for src, entry in site.entries.items()}, options.blog.directory_urls)
        _loaded[path] = (stamp, loaded)
        return loaded


class PapernotesExtension(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "site": ["", "the site description `papernotes build --engine zensical` writes"],
            # Unused here: a new value (papernotes' code changed) makes Zensical render every page again.
            "code": ["", "a stamp of papernotes' code"],
        }
        super().__init__(**kwargs)
        self.citations = CitationExtension()
        self.entry: PostEntry | None = None
        self.loaded: _Loaded | None = None
        self.tree_done = False  # the toc extension runs postprocessors on heading text before that
        self.written_at = ""  # the page's file as the writer has it under docs/ (a post's is read elsewhere)
        self.read_at = ""  # the file Zensical reads: it resolves relative links in the HTML from there

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        self.citations.extendMarkdown(md)
        # First of all: a post's text replaces the page's, so every other extension sees it.
        md.preprocessors.register(_StartPage(md, self), "papernotes", 1000)
        # After whitespace normalisation (30), which would strip a stash placeholder; before raw HTML blocks (20).
        md.preprocessors.register(_StashHtml(md), "papernotes-html", 25)
        md.treeprocessors.register(_TreeDone(md, self), "papernotes-tree-done", -1000)
        # Last of all, on the finished HTML, as the MkDocs plugin sees a page's content.
        md.postprocessors.register(_FinishPage(md, self), "papernotes", -100)

    def reset(self) -> None:
        self.entry = None
        self.citations.session = None
        self.tree_done = False


class _TreeDone(Treeprocessor):
    def __init__(self, md: Markdown, extension: PapernotesExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: Any) -> None:
        self.extension.tree_done = True


class _StartPage(Preprocessor):
    def __init__(self, md: Markdown, extension: PapernotesExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        ext = self.extension
        ext.reset()
        try:
            page = self.md.preprocessors["rendering_context"].page
        except KeyError:
            return lines  # not under Zensical
        meta = page.meta.get("papernotes") if isinstance(page.meta, dict) else None
        ext.written_at = ext.read_at = str(page.path).replace(os.sep, "/")
        if ext.getConfig("site"):
            ext.loaded = load(ext.getConfig("site"))
        if isinstance(meta, dict) and meta.get("post") and ext.loaded is not None:
            ext.entry = ext.loaded.site.entries.get(meta["post"])
            if ext.entry is not None:
                ext.written_at = ext.entry.post.src_uri
                return self._post(ext.entry)
        return lines

    def _post(self, entry: PostEntry) -> list[str]:
        post = entry.post
        composed = compose_source(post)
        self.extension.citations.session = CitationSession.for_post(post, composed, self.extension.loaded.site.library, Diagnostics())
        return composed.markdown.split("\n")


class _StashHtml(Preprocessor):
    """A page papernotes rendered: its HTML, behind the marker line, goes through untouched."""

    def run(self, lines: list[str]) -> list[str]:
        if HTML_MARKER not in lines:
            return lines
        at = len(lines) - 1 - lines[::-1].index(HTML_MARKER)
        html = "\n".join(lines[at + 1 :]).strip()
        # A paragraph of its own (blank lines around it), which Markdown replaces by the block.
        return [*lines[:at], "", self.md.htmlStash.store(html), "", ""]


class _FinishPage(Postprocessor):
    def __init__(self, md: Markdown, extension: PapernotesExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, text: str) -> str:
        ext = self.extension
        if not ext.tree_done:
            return text  # a heading's text, for the table of contents
        session, entry = ext.citations.session, ext.entry
        ext.reset()
        loaded = ext.loaded
        if session is None or entry is None or loaded is None:
            return render_math(text)  # the writer's other pages: MathML, as under MkDocs
        html = finish_conversion(text)
        # A post is read away from its file: its relative links are resolved from the file, as MkDocs does.
        html = file_links(html, ext.written_at, ext.read_at, loaded.post_urls, loaded.directory_urls)
        made = ext.loaded.renderer.assemble(entry, html, session)
        tokens = getattr(self.md, "toc_tokens", None)
        if isinstance(tokens, list):
            for title, anchor, level in made["toc"]:
                tokens.append({"level": level, "id": anchor, "name": title, "html": title, "data-toc-label": "", "children": []})
        return post_html(made)


def makeExtension(**kwargs: Any) -> PapernotesExtension:
    return PapernotesExtension(**kwargs)
