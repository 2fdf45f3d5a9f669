"""The newsletter side of a build: e-mail editions, their feed, link previews, cite and subscribe blocks.

Nothing here is part of a post's cached conversion or stored theme output:
what it adds depends on `site_url`, the site's name and the plugin's
`newsletter` options, which those caches do not key on. The e-mail files are
made from each post's `RenderedPost` after conversion (cached or not); an
edition is reused from the page store only under a key of everything it shows
(the whole `Issue`, the code, the templates, css-inline's version). The page
additions go into the theme's output in `on_post_page`, after the page cache
stored it, on every build. So `PAPERNOTES_NO_CACHE=1` gives the same files.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import posixpath
import time
from functools import lru_cache
from typing import Any

from mkdocs.structure.files import File, Files

from papernotes.core.blog import Blog, PostEntry
from papernotes.core.cache import Pack
from papernotes.core.digest import code_stamp, fingerprint, hash_text
from papernotes.core.papers import PaperIndex
from papernotes.core.views.edition import GMAIL_CLIP, clipped, email_body, email_html
from papernotes.core.views.feeds import FeedItem, newest, rss_feed
from papernotes.core.views.newsletter import Issue, absolute, cite_block, issue_of, page_head, post_head, subscribe_form
from papernotes.core.views.text import plain_text

from .cache import installed_version
from .pages import PostPage

log = logging.getLogger("mkdocs.plugins.papernotes")

EMAIL_FEED = "email/feed.xml"


def email_path(dest: str) -> str:
    """Where a post's e-mail edition goes: `posts/x/index.html` and `posts/x.html` -> `posts/x/email.html`."""
    folder = dest.removesuffix("index.html") if dest.endswith("/index.html") or dest == "index.html" else dest.removesuffix(".html") + "/"
    return folder + "email.html"


class Newsletter:
    """What the plugin's `newsletter` options add to one build of `blog`, whose papers are `papers`."""

    def __init__(self, options: Any, blog: Blog, papers: PaperIndex, feed_length: int) -> None:
        self.options = options
        self.blog, self.papers, self.feed_length = blog, papers, feed_length
        self.emails: dict[int, tuple[PostEntry, File]] = {}  # id(entry) -> (entry, its email.html)
        self.feed: File | None = None

    # -- files ------------------------------------------------------------------------

    def add_files(self, files: Files, config: Any, entries: list[PostEntry]) -> None:
        """E-mail editions are files of the site from the start, so that serve serves them; filled later."""
        if not (self.options.email or self.options.email_feed):
            return
        if not config.site_url:
            log.warning("papernotes: set site_url in mkdocs.yml so e-mail editions can link to your site; none were written")
            return
        if self.options.email:
            for entry in entries:
                file = File.generated(config, email_path(entry.dest), content=b"")
                files.append(file)
                self.emails[id(entry)] = (entry, file)
        if self.options.email_feed:
            self.feed = File.generated(config, EMAIL_FEED, content=b"")
            files.append(self.feed)

    def fill(self, config: Any, store: Pack | None, entries: list[PostEntry] | None = None) -> list[tuple[File, bytes]]:
        """Write the e-mail editions of `entries` (default: all) and the e-mail feed; the (file, content) made.

        With a `store`, an edition whose content is unchanged is reused from the last build.
        """
        start = time.perf_counter()
        made = []
        wanted = None if entries is None else {id(entry) for entry in entries}
        for key, (entry, file) in self.emails.items():
            if (wanted is None or key in wanted) and entry.rendered is not None:
                html = self.edition(self.issue(entry, config), store)
                if clipped(html):
                    log.info(f"papernotes: the e-mail edition of {entry.post.path} is {len(html.encode()) // 1024} KB: "
                             f"Gmail clips messages over {GMAIL_CLIP // 1024} KB")
                file.content_bytes = html.encode("utf-8")
                made.append((file, file.content_bytes))
        if self.feed is not None:
            self.feed.content_bytes = self._feed(config, store)
            made.append((self.feed, self.feed.content_bytes))
        if made:  # `mkdocs build -v` tells what the editions cost (docs/benchmarks.md)
            log.debug(f"papernotes: {len(made)} e-mail files made in {time.perf_counter() - start:.2f} s")
        return made

    def _feed(self, config: Any, store: Pack | None) -> bytes:
        """The newest posts with their e-mail editions as content (the column inside <body>)."""
        shown = newest([e for e in self.blog.entries if e.rendered is not None], self.feed_length, lambda e: e.post.created)
        items = []
        for entry in shown:
            issue = self.issue(entry, config)
            items.append(FeedItem(
                title=issue.title, url=entry.url, created=issue.created, updated=issue.updated,
                summary=issue.description or plain_text(entry.rendered.summary_html)[:300],
                content_html=email_body(self.edition(issue, store)), authors=issue.authors, categories=issue.tags,
            ))
        return rss_feed(items, title=f"{config.site_name} (e-mail edition)", description=config.site_description or config.site_name,
                        site_url=config.site_url, feed_url=EMAIL_FEED, language=config.theme.get("language") or "en",
                        limit=self.feed_length)

    def edition(self, issue: Issue, store: Pack | None) -> str:
        """The post's e-mail edition, reused from `store` when everything it shows is the same."""
        if store is None:
            return email_html(issue)
        key = _key(issue)
        html = store.get(key)
        if html is None:
            html = email_html(issue)
            store.put(key, html)
        return html

    # -- the post's data ---------------------------------------------------------------

    def issue(self, entry: PostEntry, config: Any) -> Issue:
        papers = self.papers
        cards = [(record, getattr(papers.by_identity.get(record.identity), "url", "")) for record in entry.post.papers]
        options = self.options
        return issue_of(
            entry, entry.rendered, cards, site_url=config.site_url, site_name=config.site_name,
            image=entry.post.meta.image or options.image, language=config.theme.get("language") or "en",
            subscribe_url=options.subscribe_url,
        )

    # -- pages --------------------------------------------------------------------------

    def add_to_page(self, output: str, page: Any, config: Any) -> str:
        """Head tags, "Cite this post" and the subscribe form, into the theme's output of a page."""
        if not config.site_url:
            return output
        options = self.options
        if isinstance(page, PostPage) and page.entry.rendered is not None:
            issue = self.issue(page.entry, config)
            if options.meta:
                output = _before(output, "</head>", post_head(issue))
            end = (cite_block(issue) if options.cite else "") + self._subscribe()
            if end:
                marker = '<nav class="pn-post-nav"' if '<nav class="pn-post-nav"' in output else "</article>"
                output = _before(output, marker, end, last=marker == "</article>")
        elif page.url == "" and options.subscribe_url:
            output = _before(output, "</article>", self._subscribe(), last=True)
        elif options.meta and self._is_paper_page(page):
            description = page.meta.get("description")
            head = page_head(
                title=str(page.title.unescape()) if hasattr(page.title, "unescape") else str(page.title),
                description=description.unescape() if hasattr(description, "unescape") else description,
                url=absolute(_slash(config.site_url), page.url), site_name=config.site_name,
                image=absolute(_slash(config.site_url), options.image) if options.image else None,
            )
            output = _before(output, "</head>", head)
        return output

    def _subscribe(self) -> str:
        options = self.options
        return subscribe_form(options.subscribe_url, options.subscribe_text, options.subscribe_field) if options.subscribe_url else ""

    def _is_paper_page(self, page: Any) -> bool:
        papers_dir = self.blog.options.papers_dir
        return bool(papers_dir) and page.url.startswith(papers_dir + "/") and posixpath.dirname(page.url.rstrip("/")) == papers_dir


@lru_cache(maxsize=1)
def _stamp() -> str:
    return fingerprint("email", code_stamp(), installed_version("css_inline"), installed_version("lxml"))


def _key(issue: Issue) -> str:
    """A digest of everything an edition shows (`dataclasses.asdict` would deep-copy it first: slow at 500 posts)."""
    text = json.dumps(issue, default=_plain, sort_keys=True, ensure_ascii=False)
    return hash_text(_stamp() + text)


def _plain(value: Any) -> Any:
    return value.__dict__ if dataclasses.is_dataclass(value) else str(value)  # datetimes as their ISO text


def _slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _before(output: str, marker: str, html: str, *, last: bool = False) -> str:
    """Insert `html` before the first (or last) `marker` of a page; a page without it is left alone."""
    index = output.rfind(marker) if last else output.find(marker)
    return output if index < 0 else output[:index] + html + output[index:]
