"""New posts as text: from ``papernotes new``'s arguments, or from writing imported
by ``papernotes import`` (see `importing`).

Nothing here touches the disk: the command line checks what these return the
way a build would, then writes it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined

from .model.records import normalize_arxiv
from .papers import LibraryLike


@dataclass(frozen=True)
class PaperRef:
    """A paper of a new post: its ``papers:`` entry, its section heading and how to cite it."""

    entry: str | dict[str, str]  # a citation key, or {"arxiv": ..., "title": ...} for a paper the library lacks
    heading: str
    cite: str


def find_paper(value: str, library: LibraryLike, title: str | None = None) -> PaperRef | None:
    """The paper named by an arXiv id (any accepted form) or a library key; None when neither.

    A library paper is written as its key (or its arXiv id when it has no key),
    so the library stays the one place its details live. `title`, from a
    note, is kept only for papers the library lacks.
    """
    try:
        arxiv = normalize_arxiv(value)
    except ValueError:
        record = library.get(value.strip())
        return PaperRef(value.strip(), record.label, f"[@{value.strip()}]") if record else None
    record = library.by_arxiv(arxiv)
    if record is not None and record.id:
        return PaperRef(record.id, record.label, f"[@{record.id}]")
    if record is not None:
        return PaperRef({"arxiv": arxiv}, record.label, f"[@arxiv:{arxiv}]")
    entry = {"arxiv": arxiv, **({"title": title} if title else {})}
    return PaperRef(entry, title or f"arXiv:{arxiv}", f"[@arxiv:{arxiv}]")


def _yaml(value: Any) -> str:
    """`value` as inline YAML, quoted only where YAML needs it (`'2309.17453'`, `'Note: x'`)."""
    # Strip only YAML's own line ends: str.strip() would also take a leading no-break space
    # and leave `# ...`, which YAML reads as a comment.
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1 << 30).removesuffix("...\n").strip("\n")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


def _markdown_text(text: str) -> str:
    """Plain text (a paper title) that Markdown shows as written."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # Markdown and YAML, not HTML: values are quoted by the filters, not HTML-escaped.
    env = Environment(
        loader=PackageLoader("papernotes", "templates/papernotes/writer"),
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(yaml=_yaml, markdown_text=_markdown_text)
    return env


def post_text(
    title: str, date: dt.date, *, tags: Sequence[str] = (), authors: Sequence[str] = (),
    papers: Sequence[PaperRef] = (), draft: bool = False, slug: str | None = None, body: str | None = None,
    bibliography: Sequence[dict[str, str]] = (),
) -> str:
    """A post file: frontmatter, then `body`, or an outline with a section per paper."""
    return _environment().get_template("post.md").render(
        title=" ".join(title.split()), date=date.isoformat(), tags=list(tags), authors=list(authors),
        papers=papers, draft=draft, slug=slug, body=body.strip() if body is not None else None,
        bibliography=list(bibliography),
    )


# -- plain notes ------------------------------------------------------------------

_ARXIV_ID = r"\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}"
# arxiv.org/abs/ID, /pdf/ID(.pdf), /html/ID; `[2305.10601] Title` (arXiv's page
# title, as bookmarks and clippers save it); and `arXiv:2305.10601` mentions.
_PAPER_RE = re.compile(
    rf"arxiv\.org/(?:abs|pdf|html)/(?P<link>{_ARXIV_ID})"
    rf"|\[(?P<tab>\d{{4}}\.\d{{4,5}})(?:v\d+)?\][ \t]+(?P<title>[^\]\n]+)"
    rf"|\barxiv:[ \t]?(?P<mention>{_ARXIV_ID})",
    re.IGNORECASE,
)
_TITLE_END = re.compile(r"\s+(?:[-–—|:]\s+)?<?https?://|\s*$")  # a pasted URL after the title


def find_arxiv_papers(text: str) -> list[tuple[str, str | None]]:
    """arXiv papers in `text`, in order of first mention, each once, with a title where the note has one."""
    found: dict[str, str | None] = {}
    for match in _PAPER_RE.finditer(text):
        written = match.group("link") or match.group("tab") or match.group("mention")
        try:
            arxiv = normalize_arxiv(written)
        except ValueError:
            continue
        title = match.group("title")
        if title:
            title = title[: _TITLE_END.search(title).start()].strip()  # type: ignore[union-attr]
        if title or arxiv not in found:
            found[arxiv] = title or found.get(arxiv)
    return list(found.items())
