"""Every file of the built site comes from one source: no page silently replaces another.

Papernotes writes pages for posts, listings, topics and papers, and feeds,
beside the writer's own files under docs/. Two of them at one output path
means one is lost: two papers whose ids differ only in `/`, `:` or `-`
(`a/b`, `a:b`, `a-b`; the key `hep-th-9901001` beside the arXiv paper
`hep-th/9901001`), a topic named `index`, or the writer's `docs/tags/llm.md`
where the page of topic LLM goes. `check_addresses` finds every such pair
and reports it as an error naming both sources, for `mkdocs build` and
`papernotes check` alike. Paths are compared case-folded: on the file
systems of macOS and Windows, `A-b` and `a-b` are one folder.

A writer's page at `STEM/index.md` where papernotes makes the page STEM
(`docs/tags/index.md`, `docs/index.md`) is the writer's version of that page,
by design: papernotes appends its listing there, and nothing is lost.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from .blog import page_url, paginate
from .diagnostics import Diagnostics

if TYPE_CHECKING:
    from .papers import Paper
    from .site import Site, SiteOptions
    from .model.topics import Topic


@dataclass(frozen=True)
class Claim:
    """One output file, what it is, and where (file, line) the thing that makes it was written."""

    dest: str
    what: str
    file: str | None  # None: the site as a whole (home page, indexes, the site's feed)
    line: int | None = None

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else str(self.file)


def generated_stem_source(stem: str) -> str:
    """Where a page papernotes makes at `stem` sits among the docs (or where the writer's own page there is)."""
    return f"{stem}/index.md" if stem else "index.md"


def check_addresses(site: "Site", files: Iterable[Any], config: Any, options: "SiteOptions", diagnostics: Diagnostics) -> None:
    """Report every output path two sources would write.

    `files` are the writer's files as MkDocs found them under docs/ (each
    with `src_uri`, `dest_uri`, `is_documentation_page()`); `config` is
    MkDocs' configuration (`docs_dir`, `use_directory_urls`, `site_url`).
    """
    prefix = options.blog.posts_dir + "/"
    own = {f.src_uri: f.dest_uri for f in files if not (f.is_documentation_page() and f.src_uri.startswith(prefix))}
    shown_docs = os.path.relpath(config.docs_dir, options.project_dir)
    # Feeds are written only when site_url is set (they need absolute links).
    directory_urls, feeds = config.use_directory_urls, options.feed_files if config.site_url else ()
    claims = [Claim(dest, "your file", f"{shown_docs}/{src}") for src, dest in own.items()]
    claims += [
        Claim(entry.dest, f"the post {entry.post.path}", entry.post.path, entry.post.line_of("slug") or entry.post.line_of("title"))
        for entry in site.blog.entries
    ]
    for stem, claim in _generated(site, directory_urls, feeds):
        if generated_stem_source(stem) not in own:
            claims.append(claim)
    claims += _themes_and_plugins(config)
    taken: dict[str, Claim] = {}
    for claim in claims:
        first = taken.setdefault(claim.dest.casefold(), claim)
        if first is not claim:
            _clash(diagnostics, claim, first, claim.dest)
    # A page whose folder is another source's file (a post with `slug: feed.xml` beside the feed)
    # cannot be written at all: MkDocs would stop with a traceback.
    for claim in claims:
        folders = claim.dest.casefold().split("/")[:-1]
        for depth in range(1, len(folders) + 1):
            file = taken.get("/".join(folders[:depth]))
            if file is not None:
                _clash(diagnostics, claim, file, file.dest)
                break


def _clash(diagnostics: Diagnostics, claim: Claim, other: Claim, dest: str) -> None:
    # Told at the source that made the clash: a paper or topic, else the writer's file.
    here, there = (claim, other) if claim.file else (other, claim)
    diagnostics.error(
        here.file, here.line,
        f"{here.what} and {there.what}{f' at {there.where}' if there.file else ''} would both be written to {dest}",
        _hint(claim, other),
    )


SEARCH_PLUGINS = ("search", "material/search")  # Material's search plugin, by either of its names


def theme_files(config: Any) -> list[str]:
    """The files MkDocs renders from the theme besides pages (its 404 page, the site map and its .gz)."""
    names = list(getattr(config.theme, "static_templates", ()) or ())
    return names + (["sitemap.xml.gz"] if "sitemap.xml" in names else [])


def _themes_and_plugins(config: Any) -> list[Claim]:
    """What the theme and the search plugin write, besides pages."""
    claims = [Claim(name, f"the theme's {name}", None) for name in theme_files(config)]
    if any(name in SEARCH_PLUGINS for name in getattr(config, "plugins", {}) or {}):
        claims.append(Claim("search/search_index.json", "the search index", None))
    return claims


def _hint(claim: Claim, first: Claim) -> str:
    if claim.what.startswith("the page of paper") and first.what.startswith("the page of paper"):
        return "paper pages are named by arXiv id or key with '/' and ':' as '-': give one of them a different key"
    if "your file" in (claim.what, first.what):
        return "rename or move your file; papernotes never writes over it"
    return "rename one of them"


def _generated(site: "Site", directory_urls: bool, feeds: Sequence[str]) -> Iterable[tuple[str, Claim]]:
    """(stem, claim) of every page and feed papernotes adds, as the adapter adds them."""
    blog = site.blog
    options = blog.options
    home_at = (None, None)
    for page in paginate(blog.entries, "", options.per_page, directory_urls):
        yield page.stem, Claim(page.dest, f"the home page {page.number}", *home_at)
    yield options.topics_dir, Claim(page_url(options.topics_dir, directory_urls)[1], "the topics index", *home_at)
    yield options.papers_dir, Claim(page_url(options.papers_dir, directory_urls)[1], "the papers index", *home_at)
    for name in feeds:
        yield name, Claim(name, "the site's feed", *home_at)
    for topic in blog.topics.sorted():
        at = _topic_source(topic)
        for page in paginate(topic.posts, blog.topic_stem(topic), options.per_page, directory_urls):
            yield page.stem, Claim(page.dest, f"the page of topic '{topic.name}'", *at)
        for name in feeds:
            feed = blog.topic_folder(topic) + name
            yield feed, Claim(feed, f"the feed of topic '{topic.name}'", *at)
    for paper in site.papers.by_identity.values():
        stem = paper.url.removesuffix("/").removesuffix(".html")
        yield stem, Claim(page_url(stem, directory_urls)[1], f"the page of paper '{paper.record.key}'", *_paper_source(paper))


def _topic_source(topic: "Topic") -> tuple[str | None, int | None]:
    for entry in topic.posts:
        post = entry.post
        return post.path, post.line_of("tags") or post.line_of("categories")
    for paper in topic.papers:
        return _paper_source(paper)
    return None, None


def _paper_source(paper: "Paper") -> tuple[str | None, int | None]:
    """Where the paper was written: a library or .bib entry, else the first post naming it."""
    origin = paper.record.origin
    if origin is not None and origin.file != "library":
        return origin.file, origin.line
    for entry in paper.reviewed_in:
        post = entry.post
        for index, record in enumerate(post.papers):
            if record.identity == paper.identity:
                return post.path, post.line_of("papers", index)
    for entry in paper.cited_in:
        post = entry.post
        for index, item in enumerate(post.meta.bibliography):
            if getattr(item, "identity", None) == paper.identity:
                return post.path, post.line_of("bibliography", index)
        return post.path, post.body_line
    return None, None
