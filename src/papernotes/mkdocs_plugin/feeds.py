"""The site's feeds as MkDocs files: added with the other files, filled once every post is converted.

What a feed holds and how it is written is the core's (`papernotes.core.views.feeds`);
this module only makes the files and the `<link>` tags in each page's head.
"""

from __future__ import annotations

import logging
from typing import Any

from mkdocs.structure.files import File, Files

from papernotes.core.blog import Blog, PostEntry
from papernotes.core.cache import Pack
from papernotes.core.digest import code_stamp, fingerprint, hash_text
from papernotes.core.views.feeds import FEED_FORMATS, FeedFormat, FeedSpec, feed_items, feed_link_tags, feed_links, feed_specs

from .cache import installed_version

log = logging.getLogger("mkdocs.plugins.papernotes")


class SiteFeeds:
    """The feed files of one build: each spec in each of the formats `feed_format` asks for."""

    def __init__(self, feed_format: str, feed_length: int) -> None:
        self.feed_format, self.feed_length = feed_format, feed_length
        self.files: list[tuple[File, FeedSpec, FeedFormat]] = []

    # Feeds are files of the site from the start, so links to them validate and
    # serve knows them; their content is filled in once every post is converted.
    def add(self, files: Files, config: Any, blog: Blog) -> None:
        if not config.site_url:
            log.warning("papernotes: set site_url in mkdocs.yml so feeds can link to your posts; no feeds were written")
            return
        for spec in feed_specs(blog, config.site_name, config.site_description):
            for fmt in FEED_FORMATS[self.feed_format]:
                if spec.folder + fmt.file in files.src_uris:  # the writer's own file: kept, and reported (addresses.py)
                    continue
                file = File.generated(config, spec.folder + fmt.file, content=b"")
                files.append(file)
                self.files.append((file, spec, fmt))

    def fill(self, config: Any, store: Pack | None, feeds: list[tuple[File, FeedSpec, FeedFormat]] | None = None) -> None:
        """Write each feed's content; with a `store`, a feed whose items and options are unchanged is reused."""
        language = config.theme.get("language") or "en"
        made: dict[int, tuple[list, list | None]] = {}  # id(spec) -> its items, and what of them a key needs: once for RSS and Atom
        for file, spec, fmt in self.files if feeds is None else feeds:
            if id(spec) not in made:
                items = feed_items(spec.entries, self.feed_length)
                made[id(spec)] = items, [
                    [i.title, i.url, i.created.isoformat(), i.updated and i.updated.isoformat(), i.summary,
                     i.authors, i.categories, hash_text(i.content_html)]
                    for i in items
                ] if store is not None else None
            items, keyed = made[id(spec)]
            options = spec.options(fmt, site_url=config.site_url, language=language, limit=self.feed_length)
            # A feed is a function of its newest items and options: a rebuild reuses it when they are unchanged.
            key = fingerprint("feed", fmt.name, code_stamp(), installed_version("feedgen"), options, keyed) if keyed else None
            stored = store.get(key) if key else None
            if stored is None:
                stored = fmt.write(items, **options)
                if key:
                    store.put(key, stored)
            file.content_bytes = stored

    def refill(self, config: Any, store: Pack | None, entries: list[PostEntry]) -> list[tuple[File, bytes]]:
        """Fill again the feeds carrying any of `entries`; the (file, content) of those that changed."""
        wanted = {id(entry) for entry in entries}
        feeds = [feed for feed in self.files if any(id(e) in wanted for e in feed[1].entries)]
        before = [feed[0].content_bytes for feed in feeds]
        self.fill(config, store, feeds)
        return [(feed[0], feed[0].content_bytes) for feed, old in zip(feeds, before) if feed[0].content_bytes != old]

    def links(self, page: Any, config: Any) -> list[tuple[str, str, str]]:
        """(title, site-relative URL, media type) of the feeds a page links to: the site's, and its topic's."""
        if not self.files:
            return []
        return feed_links(self.feed_format, [(config.site_name, ""), *([page.feed] if getattr(page, "feed", None) else [])])

    # Feed links go into every page's <head>, so readers' feed finders see them.
    def add_links(self, output: str, page: Any, config: Any) -> str:
        feeds = self.links(page, config)
        if not feeds:
            return output
        return output.replace("</head>", feed_link_tags(feeds, page.url) + "</head>", 1)
