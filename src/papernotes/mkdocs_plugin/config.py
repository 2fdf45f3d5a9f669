"""The plugin's options in mkdocs.yml, declared the way MkDocs validates them."""

from __future__ import annotations

import os

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from typing import Any

from papernotes.core.blog import BlogOptions
from papernotes.core.views.feeds import FEED_FORMATS
from papernotes.core.site import SiteOptions

from .cache import cache_dir, project_dir


class NewsletterConfig(Config):
    """`newsletter:` in the plugin's options: the e-mail side and link previews (see newsletter.py)."""

    email = c.Type(bool, default=False)  # an email.html next to every post page
    email_feed = c.Type(bool, default=False)  # email/feed.xml: the e-mail editions, for RSS-to-e-mail services
    subscribe_url = c.Optional(c.URL())  # where the subscribe form posts the reader's address
    subscribe_text = c.Optional(c.Type(str))  # the form's pitch
    subscribe_field = c.Type(str, default="email")  # the address's field name (Mailchimp: EMAIL)
    image = c.Optional(c.Type(str))  # the link-preview image of posts without their own `image:`
    meta = c.Type(bool, default=True)  # Open Graph, JSON-LD and citation_* tags in post pages
    cite = c.Type(bool, default=True)  # the "Cite this post" block


class PapernotesConfig(Config):
    enabled = c.Type(bool, default=True)

    # Posts: where they live and where they are published.
    posts_dir = c.Type(str, default="posts")
    post_url_format = c.Type(str, default="posts/{slug}")
    authors_file = c.Type(str, default="authors.yml")

    # Listings.
    per_page = c.Type(int, default=10)
    home_title = c.Type(str, default="Latest posts")

    # Papers and topics.
    library = c.ListOfItems(c.Type(str), default=[])
    topics_dir = c.Type(str, default="tags")
    papers_dir = c.Type(str, default="papers")
    topic_aliases = c.DictOfItems(c.Type(str), default={})
    # A post's .bib files must sit in the site's folder (the one of mkdocs.yml) unless this is true.
    bib_outside_site = c.Type(bool, default=False)

    # Feeds.
    feed_length = c.Type(int, default=20)
    feed_format = c.Choice(tuple(FEED_FORMATS), default="rss")  # rss | atom | both

    # The newsletter: e-mail editions, subscribe form, link previews.
    newsletter = c.SubConfig(NewsletterConfig)
    # Search: `theme` leaves it to the theme's search plugin; `pagefind` indexes the site with Pagefind (pagefind.py).
    search = c.Choice(("theme", "pagefind"), default="theme")

    # Rebuilds: reuse each post's Markdown conversion from .cache/papernotes/ when nothing it depends on changed.
    cache = c.Type(bool, default=True)
    # Builds on a machine with several cores: a forked helper renders pages from the other end (see helper.py).
    parallel = c.Type(bool, default=True)


def site_options(options: PapernotesConfig, config: Any, *, drafts: bool) -> SiteOptions:
    """What to read and where, from mkdocs.yml: for builds and for `papernotes check`."""
    blog = BlogOptions(
        posts_dir=options.posts_dir.strip("/"),
        post_url_format=options.post_url_format.strip("/"),
        per_page=options.per_page,
        topics_dir=options.topics_dir.strip("/"),
        papers_dir=options.papers_dir.strip("/"),
        directory_urls=config.use_directory_urls,
    )
    return SiteOptions(
        project_dir=project_dir(config),
        docs_dir=config.docs_dir, blog=blog, authors_file=options.authors_file,
        library=options.library, topic_aliases=options.topic_aliases, drafts=drafts,
        cache_dir=cache_dir(config, dict(options)), bib_outside_site=options.bib_outside_site,
        feed_files=tuple(fmt.file for fmt in FEED_FORMATS[options.feed_format]), image=options.newsletter.image,
        config_file=os.path.basename(config.config_file_path or "mkdocs.yml"),
    )
