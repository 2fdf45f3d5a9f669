"""How one entry of a reference list reads: authors, quoted title, venue, year, then its links.

Numeric style, as papers print it; the same parts make the HTML list
(citations.py), the hover title of a citation, feeds and e-mail editions.
"""

from __future__ import annotations

from urllib.parse import quote

from ..model.records import Record, first_authors
from ..model.venues import names_year


_TERMINAL = ("?", "!", ".")


def _names(record: Record) -> str:
    names, more = first_authors(record.authors)
    return ", ".join(names) + ", et al." if more else joined_names(names)


def joined_names(names: list[str]) -> str:
    """Names as a sentence says them: "A", "A and B", "A, B, and C"."""
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def reference_parts(record: Record) -> list[tuple[str, str, str]]:
    """The printed reference as (kind, text, punctuation after) triples.

    `kind` is ``text`` for free-text entries, else ``authors``, ``title``,
    ``venue`` or ``year``; the title carries its quotes and its comma inside
    them, as numeric styles print it.
    """
    if record.text:
        return [("text", record.text, "")]
    pieces = [
        (kind, value)
        for kind, value in (
            ("authors", _names(record)),
            ("title", record.title),
            ("venue", record.venue),
            # "ICML 2024, 2024." says the year twice: a venue naming it prints it once.
            ("year", str(record.year) if record.year and not names_year(record.venue, record.year) else None),
        )
        if value
    ]
    parts = []
    for index, (kind, value) in enumerate(pieces):
        last = index == len(pieces) - 1
        mark = "." if last else ","
        if kind == "title":
            inner = "" if value.endswith(_TERMINAL) else mark
            parts.append((kind, f"“{value}{inner}”", "" if last else " "))
        else:
            end = "" if value.endswith(".") and last else mark
            parts.append((kind, value, end + ("" if last else " ")))
    return parts


def reference_links(record: Record) -> list[tuple[str, str]]:
    """(label, href) pairs: arXiv abstract page, DOI resolver, the record's URL."""
    links = []
    if not record.text:
        if record.arxiv:
            links.append((f"arXiv:{record.arxiv}", f"https://arxiv.org/abs/{record.arxiv}"))
        if record.doi:
            links.append((f"doi:{record.doi}", "https://doi.org/" + quote(record.doi, safe="/:;()")))
    if record.url:
        links.append((record.url, record.url))
    return links


def reference_text(record: Record) -> str:
    """The reference as plain text: the hover title of a citation, and feeds."""
    head = "".join(text + tail for _, text, tail in reference_parts(record))
    labels = [label for label, _ in reference_links(record)]
    return " ".join([head, *labels]) if head else " ".join(labels) or record.label
