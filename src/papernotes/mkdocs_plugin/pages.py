"""Page types papernotes adds to MkDocs: posts, listings, and error pages for serve.

Each overrides only what it must: posts read papernotes' own parse of the
file (MkDocs would swallow broken YAML) and convert once; generated pages
skip Markdown entirely because papernotes renders their HTML itself.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any, Callable

from markupsafe import Markup
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page

from papernotes.core.views.article import compose_source, finish_conversion
from papernotes.core.blog import PostEntry

from .cache import convert
from .state import PageState

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files


def theme_meta(title: str, description: str | None = None, **extra: Any) -> dict[str, Any]:
    """Page meta for the theme, escaped: Material prints meta.title and meta.description raw."""
    meta: dict[str, Any] = {"title": Markup(escape(title))}
    if description:
        meta["description"] = Markup(escape(description))
    meta.update({k: v for k, v in extra.items() if v is not None})
    return meta


def reading_hide(config: "MkDocsConfig") -> list[str]:
    """The sidebars posts and papernotes' pages hide, so that they read as one column (papernotes.css).

    With Material's navigation tabs the navigation sidebar lists only the current
    tab's pages: on pages outside the nav it would stand empty. Without tabs it is
    the site's navigation, and stays.
    """
    features = config.theme.get("features") or []
    return ["navigation"] if "navigation.tabs" in features else []


class PostPage(Page):
    """A post, converted from Markdown exactly once per build."""

    def __init__(
        self, entry: PostEntry, file: File, config: "MkDocsConfig", renderer: Any, cache: Any = None, *, state: PageState,
    ) -> None:
        super().__init__(None, file, config)
        self.entry = entry
        self.state = state  # papernotes' knowledge of this page, owned by the plugin (state.py)
        self.renderer = renderer
        self.cache = cache  # a ConversionCache, or None to always convert
        # Titles reach the nav, <title> and headers unescaped in MkDocs and Material.
        self.title = Markup(escape(entry.post.title))

    def read_source(self, config: "MkDocsConfig") -> None:
        post = self.entry.post
        self.composed = compose_source(post)
        self.markdown = self.composed.markdown
        meta = post.meta
        self.meta = theme_meta(
            post.title, meta.description, hide=list(dict.fromkeys([*reading_hide(config), *meta.hide])) or None, search=meta.search,
            template=meta.template, icon=meta.icon, status=meta.status, comments=meta.comments,
            subtitle=Markup(escape(meta.subtitle)) if meta.subtitle else None,
        )

    def render(self, config: "MkDocsConfig", files: "Files") -> None:
        self.renderer.before_render(self)
        conversion = None
        try:
            # A rebuild reuses the conversion when nothing it depends on changed (see cache.py).
            conversion = convert(self, config, files, self.cache, self.renderer.citations.session, self.renderer.diagnostics, self._convert)
        finally:
            # ...and the page made around it, when nothing else it shows changed either.
            if self.renderer.after_render(self, conversion):
                conversion.save()

    def _convert(self, config: "MkDocsConfig", files: Any) -> None:
        super().render(config, files)
        # Finished here, inside the conversion, so that the cache keeps it.
        if self.content:
            self.content = finish_conversion(self.content)


class GeneratedPage(Page):
    """A page whose HTML papernotes renders itself (listings, topics, papers, errors).

    `content` is what search indexes; `fill` adds what is appended after
    search has seen the page (listings of other pages' excerpts).
    """

    def __init__(
        self, title: str, file: File, config: "MkDocsConfig", *,
        content: Callable[["GeneratedPage"], str] | str = "",
        fill: Callable[["GeneratedPage"], str] | None = None,
        search: bool = True,
        description: str | None = None,
        feed: tuple[str, str] | None = None,
        key_of: Callable[[str], str | None] | None = None,
        state: PageState,
    ) -> None:
        super().__init__(None, file, config)
        self.state = state  # papernotes' knowledge of this page, owned by the plugin (state.py)
        self.title = Markup(escape(title))
        self._content = content
        self.fill = fill
        self._search = search
        self._description = description
        self.feed = feed  # (title, site-relative folder) of this page's own feeds, if it has any
        self._key_of = key_of  # the key a rendered fragment was made from, when known

    def read_source(self, config: "MkDocsConfig") -> None:
        self.markdown = ""
        self.meta = theme_meta(
            str(self.title.unescape()), self._description,
            search=None if self._search else {"exclude": True}, hide=[*reading_hide(config), "toc"],  # no headings of theirs to list
        )

    def render(self, config: "MkDocsConfig", files: "Files") -> None:
        self.content = self._content(self) if callable(self._content) else self._content
        key = self._key_of(self.content) if self._key_of is not None else None
        self.state.content = (self.content, key) if key else None
        self.toc = []  # type: ignore[assignment]
        self.present_anchor_ids = set()
