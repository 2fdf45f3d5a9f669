"""The pages papernotes adds to a site, as files an engine without plugins reads.

Zensical runs Markdown extensions but no plugins, so what the MkDocs plugin
adds while MkDocs builds is made here before the build: every post is read
and converted once (listings and feeds show its summary and content), and
the home, topic and paper pages, the feeds and papernotes' CSS and JS become
files of a staging folder (see zensical.py). Which pages exist and what they
show is the core's list (core/views/site_pages.py), the one the MkDocs plugin
builds from; feeds come from the core's feed specs, as under MkDocs.

A page papernotes renders is a Markdown file whose body is its HTML behind
`HTML_MARKER`: papernotes' extension passes that HTML through untouched. A
post is a Markdown file with only frontmatter: the extension converts the
writer's own file, found by the `papernotes` key.
"""

from __future__ import annotations

import os
import sys
from dataclasses import asdict, dataclass, field
from html import escape
from typing import Any, Iterable, Sequence

import yaml
from markdown import Markdown

from papernotes.core.views.article import ComposedSource, compose_source, finish_conversion
from papernotes.core.addresses import generated_stem_source
from papernotes.core.blog import PostEntry, page_url
from papernotes.core.model.posts import Post
from papernotes.core.cache import Pack, code_stamp
from papernotes.core.citations import CitationExtension, CitationSession
from papernotes.core.diagnostics import Diagnostic, Diagnostics
from papernotes.core.digest import digest, hash_bytes
from papernotes.core.views.feeds import FEED_FORMATS, feed_items, feed_links, feed_specs
from papernotes.core.views.render import PageRenderer, RenderedPost
from papernotes.core.views.site_pages import generated_pages
from papernotes.core.site import PostSource, Site, SiteOptions, load_site
from papernotes.core.views.urls import file_links
from papernotes import site_assets
from papernotes.zensical import HTML_MARKER

@dataclass(frozen=True)
class SiteSettings:
    """What papernotes reads from mkdocs.yml besides the site's files."""

    options: SiteOptions
    site_name: str
    site_url: str | None
    site_description: str | None
    language: str
    home_title: str
    feed_length: int
    markdown_extensions: Sequence[Any]
    mdx_configs: dict[str, Any]
    feed_format: str = "rss"  # rss | atom | both
    cache_context: str | None = None  # what every conversion depends on (see mkdocs_plugin/cache.py); None: no cache


@dataclass
class SiteFiles:
    """The staging folder's content: files by their path under docs/, and what was read."""

    site: Site
    files: dict[str, bytes] = field(default_factory=dict)
    # Pages of the writer's that papernotes adds to (home, topics): src_uri -> HTML appended.
    fills: dict[str, str] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)  # each post's key: what its page shows
    moved: dict[str, str] = field(default_factory=dict)  # a post's file under docs/ -> its staged file, at its URL
    # (title, feed URL, media type) of the feeds linked in <head>, by page URL; None: every page.
    feed_links: dict[str | None, list[tuple[str, str, str]]] = field(default_factory=dict)


def staged_post_path(entry: PostEntry) -> str:
    """Where a post's Markdown goes so that the engine publishes it at the post's papernotes URL."""
    dest = entry.dest
    return dest.removesuffix(".html") + ".md"


def make_site_files(settings: SiteSettings, sources: Iterable[PostSource], writer_pages: set[str], diagnostics: Diagnostics) -> SiteFiles:
    """Read and convert every post, and render every page papernotes adds.

    With caching on, a post whose key is unchanged is not converted again: its
    page parts and messages come from the last build (the key covers what the
    page shows, the library, papernotes' code and the Markdown set-up).
    """
    options = settings.options
    site = load_site(sources, options, diagnostics)
    pack = None
    if options.cache_dir is not None and settings.cache_context is not None:
        pack = Pack(os.path.join(options.cache_dir, "zensical", f"pages-py{sys.version_info[0]}{sys.version_info[1]}"))
        pack.load()
    citations = CitationExtension()
    renderer = PageRenderer(site.blog, diagnostics, citations, site.library, site.papers, pack, settings.cache_context or "")
    md = Markdown(extensions=[*settings.markdown_extensions, citations], extension_configs=settings.mdx_configs)
    out = SiteFiles(site)
    stamp = digest(library_stamp(site), code_stamp_text(), settings.cache_context)
    post_urls = {src_uri: entry.url for src_uri, entry in site.entries.items()}
    for entry in site.blog.entries:
        composed = compose_source(entry.post)
        key = digest(stamp, composed.markdown, renderer.assembly_key(entry))
        stored = pack.get(key) if pack is not None else None
        if stored is not None:
            entry.rendered = RenderedPost.stored(stored)
            diagnostics.extend(Diagnostic(**d) for d in stored["diagnostics"])
        else:
            before = len(diagnostics)
            html, session = convert_post(md, citations, entry.post, composed, site, diagnostics)
            html = file_links(html, entry.post.src_uri, entry.url, post_urls, options.blog.directory_urls)
            made = renderer.assemble(entry, html, session)
            if pack is not None:
                pack.put(key, {**made, "diagnostics": [asdict(d) for d in diagnostics.items[before:]]})
        out.keys.append(key)
        out.moved[entry.post.src_uri] = staged_post_path(entry)
        out.files[staged_post_path(entry)] = page_text(
            entry.post.title, entry.post.meta.description, theme=_theme_keys(entry), post=entry.post.src_uri, key=key,
        )
    add_generated(settings, out, renderer, writer_pages)
    if pack is not None:
        pack.save()
    for name in site_assets.PAGES:
        out.files[site_assets.uri(name)] = site_assets.read(name)
    return out


def convert_post(
    md: Markdown, citations: CitationExtension, post: Post, composed: ComposedSource, site: Site, diagnostics: Diagnostics,
) -> tuple[str, CitationSession]:
    """A post's one conversion (of `composed`, its source as compose_source made it), with its citation session;
    finished as under MkDocs."""
    session = CitationSession.for_post(post, composed, site.library, diagnostics)
    return finish_conversion(citations.convert(md, session, composed.markdown)), session


def _theme_keys(entry: PostEntry) -> dict[str, Any]:
    """The frontmatter keys the theme reads, as the MkDocs plugin hands them to Material."""
    meta = entry.post.meta
    keys = {"hide": meta.hide or None, "search": meta.search, "icon": meta.icon, "status": meta.status,
            "subtitle": shown_escaped(meta.subtitle) if meta.subtitle else None}
    return {key: value for key, value in keys.items() if value is not None}


def shown_escaped(text: str) -> str:
    """`text` escaped for Zensical's HTML, where it lands in text and double-quoted attributes.

    Not the apostrophe: Zensical's search shows titles as they are given, so
    `&#x27;` would be read in "QLoRA's" by every reader of the results.
    """
    return escape(text, quote=False).replace('"', "&quot;")


def page_text(
    title: str, description: str | None = None, html: str | None = None, *, search: bool = True,
    theme: dict[str, Any] | None = None, **papernotes: str,
) -> bytes:
    """A staged page: frontmatter the engine reads, and HTML papernotes rendered.

    Zensical prints a page's title and description into the HTML as they are
    (nav, <title>, header, meta tags): they are given to it escaped.
    """
    meta: dict[str, Any] = {"title": shown_escaped(title)}
    if description:
        meta["description"] = shown_escaped(description)
    meta.update(theme or {})
    if not search:
        meta["search"] = {"exclude": True}
    if papernotes:
        meta["papernotes"] = papernotes
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10**6)
    if html is not None:
        body = f"{HTML_MARKER}\n{html}\n"
    else:  # Markdown skips an empty text, and the extension would never see the page
        body = f"<!-- papernotes makes this page from {papernotes.get('post')} -->\n"
    return f"---\n{head}---\n\n{body}".encode("utf-8")


def library_stamp(site: Site) -> str:
    """What every post's page depends on in the library: the content of its files."""
    contents = []
    for path in site.library.files:
        try:
            with open(path, "rb") as handle:
                contents.append(handle.read())
        except OSError:
            contents.append(b"missing")
    return hash_bytes(b"".join(contents))


def code_stamp_text() -> str:
    return digest(code_stamp())


def add_generated(settings: SiteSettings, out: SiteFiles, renderer: PageRenderer, writer_pages: set[str]) -> None:
    """The home, topic and paper pages as the core lists them (core/views/site_pages.py), and the feeds.

    A page where the writer wrote one goes under theirs, as under MkDocs.
    """
    directory_urls = settings.options.blog.directory_urls
    if settings.site_url:  # else no feeds: `papernotes build` says so, as the plugin does
        out.feed_links[None] = feed_links(settings.feed_format, [(settings.site_name, "")])
    for spec in generated_pages(
        out.site, renderer, home_title=settings.home_title, site_name=settings.site_name, directory_urls=directory_urls,
    ):
        url, dest = page_url(spec.stem, directory_urls)
        src_uri = generated_stem_source(spec.stem)
        if src_uri in writer_pages:  # it links the site's feed only, as under MkDocs
            out.fills[src_uri] = out.fills.get(src_uri, "") + spec.under_writer_page(url, unsearched=True)
            continue
        out.files[dest.removesuffix(".html") + ".md"] = page_text(spec.title, spec.description, spec.html(url, unsearched=True), search=spec.search)
        if spec.feed is not None and settings.site_url:
            out.feed_links[url] = feed_links(settings.feed_format, [spec.feed])
    if settings.site_url:
        add_feeds(settings, out)


def add_feeds(settings: SiteSettings, out: SiteFiles) -> None:
    """The site's feed and each topic's, in every format `feed_format` asks for."""
    for spec in feed_specs(out.site.blog, settings.site_name, settings.site_description):
        items = feed_items(spec.entries, settings.feed_length)
        for fmt in FEED_FORMATS[settings.feed_format]:
            out.files[spec.folder + fmt.file] = fmt.write(
                items, **spec.options(fmt, site_url=settings.site_url, language=settings.language, limit=settings.feed_length),
            )
