"""A post as the newsletter side shows it: the e-mail edition, link previews, "Cite this post".

`Issue` is plain data made from the same conversion the web page uses
(`newsletter_parts` keeps what the page shows inside its HTML: the takeaways'
items, each card's note, the numbered references). Everything here is absolute
(`site_url` + the post's URL): mail clients, social sites and reference
managers see a post without the site around it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit
from typing import Any, Sequence

from markupsafe import Markup

from . import fragments
from .article import unwrap_paragraph
from ..citations import Reference
from .references import joined_names, reference_links, reference_parts
from ..papers import bibtex_names, format_bibtex, paper_links, verbatim
from ..model.records import Record, family_name, key_word


def newsletter_parts(body_html: str, sections: dict[str, str], paper_count: int, references: Sequence[Reference]) -> dict[str, Any]:
    """What `Issue` needs of a post's conversion, as JSON-able data (the conversion cache keeps it)."""
    return {
        "body_end": len(body_html),
        "takeaways": sections.get("takeaways", ""),
        "notes": [sections.get(f"note-{index}", "") for index in range(paper_count)],
        "references": [
            {
                "number": ref.number, "anchor": ref.anchor, "parts": reference_parts(ref.record),
                "links": reference_links(ref.record), "name": ref.record.title or ref.text,
            }
            for ref in references
        ],
    }


@dataclass
class Card:
    """A reviewed paper: what a card shows, without the abstract."""

    title: str
    url: str  # its paper page, absolute
    authors: str
    year: int | None
    venue: str | None
    links: list[tuple[str, str]]
    note_html: str  # the post's verdict, rendered Markdown, links relative to the post
    same_as: str | None  # its arXiv or DOI page (JSON-LD)


@dataclass
class Issue:
    title: str
    url: str  # absolute
    site_name: str
    site_url: str  # absolute, ends with '/'
    description: str | None
    created: dt.datetime
    updated: dt.datetime | None
    authors: list[str]
    tags: list[str]
    readtime: int | None
    body_html: str  # links relative to the post's page
    takeaways_html: str
    cards: list[Card]
    references: list[dict[str, Any]]  # as `newsletter_parts` keeps them
    image: str | None  # absolute
    language: str = "en"
    page_url: str = ""  # site-relative: the base for the HTML's relative links
    subscribe_url: str | None = None  # the site has a subscribe form

    @property
    def bibtex(self) -> str:
        return post_bibtex(self)

    @property
    def citation_line(self) -> str:
        return citation_line(self)


def absolute(site_url: str, path: str) -> str:
    """A site-relative URL or path (or an already absolute URL) under `site_url`, as a URL: a file
    named `my card.png` is `my%20card.png` (what is percent-encoded already stays as it is)."""
    url = urlsplit(path if path.startswith(("http://", "https://")) else site_url + path.lstrip("/"))
    # The host as given (a non-ASCII one is IDNA's business); a % that starts no escape is one itself.
    path, query, fragment = (quote(_LONE_PERCENT.sub("%25", part), safe=":/?#[]@!$&'()*+,;=%~") for part in url[2:])
    return urlunsplit((url.scheme, url.netloc, path, query, fragment))


_LONE_PERCENT = re.compile("%(?![0-9A-Fa-f]{2})")


def issue_of(
    entry: Any, rendered: Any, cards: Sequence[tuple[Record, str]], *, site_url: str, site_name: str,
    image: str | None = None, language: str = "en", subscribe_url: str | None = None,
) -> Issue:
    """The `Issue` of a placed post (`PostEntry`) and its `RenderedPost`; `cards` are (record, paper page URL)."""
    site_url = site_url if site_url.endswith("/") else site_url + "/"
    post, parts = entry.post, rendered.parts
    notes = parts.get("notes", [])
    return Issue(
        title=post.title,
        url=absolute(site_url, entry.url),
        site_name=site_name,
        site_url=site_url,
        description=post.meta.description,
        created=post.created,
        updated=post.updated,
        authors=[author.name for author in entry.authors],
        tags=[topic.name for topic in entry.topics],
        readtime=rendered.readtime,
        body_html=rendered.content_html[: parts.get("body_end", len(rendered.content_html))],
        takeaways_html=parts.get("takeaways", ""),
        cards=[
            Card(
                title=record.label, url=absolute(site_url, url) if url else "", authors=fragments.authors_short(list(record.authors)),
                year=record.year, venue=record.venue, links=paper_links(record),
                note_html=unwrap_paragraph(notes[index]) if index < len(notes) else "", same_as=_same_as(record),
            )
            for index, (record, url) in enumerate(cards)
        ],
        references=parts.get("references", []),
        image=absolute(site_url, image) if image else None,
        language=language,
        page_url=entry.url,
        subscribe_url=subscribe_url,
    )


def _same_as(record: Record) -> str | None:
    links = dict(paper_links(record))
    return links.get("arXiv") or links.get("DOI") or record.url


# -- "Cite this post" -----------------------------------------------------------------


def post_bibtex(issue: Issue) -> str:
    """An ``@online`` entry (biblatex; BibTeX styles read it as ``@misc``), LaTeX-encoded."""
    surname = key_word(family_name(issue.authors[0])) if issue.authors else ""
    key = (surname or "post") + str(issue.created.year) + key_word(issue.page_url.rstrip("/").rsplit("/", 1)[-1])[:24]
    fields = [
        # The site's name, when no author is named: an organization's, in braces.
        ("author", bibtex_names(issue.authors) if issue.authors else bibtex_names([issue.site_name], organization=True)),
        ("title", issue.title),
        ("date", issue.created.date().isoformat()),
        ("url", verbatim(issue.url)),  # biblatex reads it as written: LaTeX-encoding it would break the link
        ("organization", issue.site_name),
    ]
    return format_bibtex("online", key, [(name, value) for name, value in fields if value])


def citation_line(issue: Issue) -> str:
    """The post as one reference: Authors. "Title." Site, Month D, YYYY. URL"""
    authors = joined_names(list(issue.authors)) or issue.site_name
    date = fragments.longdate(issue.created)
    title = issue.title if issue.title.endswith(("?", "!", ".")) else issue.title + "."
    authors = authors if authors.endswith(".") else authors + "."  # "Doe, Jr." ends its own sentence
    return f"{authors} “{title}” {issue.site_name}, {date}. {issue.url}"


# -- link previews and reference managers ------------------------------------------------


def json_ld(issue: Issue) -> str:
    """The post as a schema.org `BlogPosting`, safe inside <script type="application/ld+json">.

    `<`, `>` and `&` are written as JSON escapes, so no title can close the
    script element or open a comment; JSON readers read them as the characters.
    """
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": issue.title,
        "url": issue.url,
        "mainEntityOfPage": issue.url,
        "datePublished": _iso(issue.created),
        "dateModified": _iso(issue.updated or issue.created),
        "author": [{"@type": "Person", "name": name} for name in issue.authors],
        "publisher": {"@type": "Organization", "name": issue.site_name, "url": issue.site_url},
        "isPartOf": {"@type": "Blog", "name": issue.site_name, "url": issue.site_url},
    }
    if issue.description:
        data["description"] = issue.description
    if issue.image:
        data["image"] = issue.image
    if issue.tags:
        data["keywords"] = issue.tags
    if issue.cards:
        data["about"] = [_work(card.title, card.same_as, card.authors) for card in issue.cards]
    if issue.references:
        data["citation"] = [_work(ref["name"], _first_link(ref), None) for ref in issue.references]
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _work(name: str, url: str | None, authors: str | None) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "ScholarlyArticle", "name": name}
    if url:
        work["url"] = url
    if authors:
        work["author"] = authors
    return work


def _first_link(reference: dict[str, Any]) -> str | None:
    return reference["links"][0][1] if reference["links"] else None


def _iso(value: dt.datetime) -> str:
    return value.isoformat() if value.tzinfo or value.time() != dt.time() else value.date().isoformat()


def post_head(issue: Issue) -> str:
    """The <meta> tags and JSON-LD a post page carries in its <head>."""
    return fragments.render("post-head.html", issue=issue, json_ld=Markup(json_ld(issue)), date=_iso(issue.created),
                            modified=_iso(issue.updated) if issue.updated else None)


def page_head(*, title: str, description: str | None, url: str, site_name: str, image: str | None) -> str:
    """Open Graph for other pages (a paper's page): a shared link shows a title card."""
    return fragments.render("page-head.html", title=title, description=description, url=url, site_name=site_name, image=image)


def cite_block(issue: Issue) -> str:
    """The "Cite this post" box at the end of a post."""
    return fragments.render("cite-post.html", issue=issue)


def subscribe_form(url: str, text: str | None, field: str = "email") -> str:
    """A plain form posting the reader's address to the writer's mail service: no script."""
    return fragments.render("subscribe.html", url=url, text=text, field=field)
