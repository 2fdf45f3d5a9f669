"""Papers across the site: what each post reviews and cites, resolved once.

A post's ``papers`` entries are resolved against its bibliography and the
library (post fields win for that post). Every paper reviewed or cited gets
one `Paper`, found by identity, with the posts that mention it and its topics
(its own tags plus the tags of the posts that review it).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from .blog import newest_first
from .citations import Resolver, cited_keys
from .model.posts import Post, citation_source
from .diagnostics import Diagnostics, did_you_mean
from .model.records import LibraryLike, Record, name_parts
from .model.topics import Topic, TopicIndex
from .model.venues import venue_kind

if TYPE_CHECKING:
    from .blog import PostEntry


class _NoLibrary:
    def get(self, key: str) -> Record | None:
        return None

    def by_arxiv(self, arxiv_id: str) -> Record | None:
        return None

    def by_identity(self, identity: str) -> Record | None:
        return None


@dataclass
class Paper:
    identity: str
    record: Record
    url: str = ""  # site-relative URL of the paper's page
    reviewed_in: list["PostEntry"] = field(default_factory=list)
    cited_in: list["PostEntry"] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)

    @property
    def post_count(self) -> int:
        """How many posts review or cite the paper (`len(posts)`, without sorting them)."""
        return len({id(entry) for entry in [*self.reviewed_in, *self.cited_in]})

    @property
    def posts(self) -> list["PostEntry"]:
        """Every post that reviews or cites the paper, newest first, each once."""
        seen: dict[int, "PostEntry"] = {}
        for entry in [*self.reviewed_in, *self.cited_in]:
            seen.setdefault(id(entry), entry)
        return newest_first(seen.values())


class PaperIndex:
    """Every paper of the site by identity; built in one pass over the posts."""

    def __init__(self, library: LibraryLike | None, topics: TopicIndex, papers_dir: str, directory_urls: bool = True) -> None:
        self.library = library or _NoLibrary()
        self.topics = topics
        self.papers_dir = papers_dir
        self.directory_urls = directory_urls
        self.by_identity: dict[str, Paper] = {}

    # -- resolution ---------------------------------------------------------

    def resolve_post_papers(self, entry: "PostEntry", diagnostics: Diagnostics) -> list[Record]:
        """The post's `papers` as full records: bibliography or library, then the post's own fields."""
        post = entry.post
        resolved = []
        for index, ref in enumerate(post.papers):
            base = self._find(ref, post.bibliography)
            if base is None and not (ref.title or ref.arxiv or ref.doi):
                diagnostics.warning(
                    post.path, post.line_of("papers", index), f"unknown paper '{ref.key}'",
                    did_you_mean(ref.key, [r.key for r in post.bibliography])
                    or "add it to the post's bibliography or a library file, or give its arxiv: id",
                )
            record = base.merged_with(ref) if base is not None else ref
            resolved.append(record)
            self._paper(record).reviewed_in.append(entry)
        return resolved

    def _find(self, ref: Record, bibliography: Iterable[Record]) -> Record | None:
        for record in bibliography:
            if (ref.id and record.key == ref.id) or (ref.arxiv and record.arxiv == ref.arxiv):
                return record
        if ref.arxiv:
            return self.library.by_arxiv(ref.arxiv)
        if ref.doi:
            return self.library.by_identity(f"doi:{ref.doi}")
        return self.library.get(ref.id) if ref.id else None

    def note_citations(self, entry: "PostEntry") -> None:
        """Cited papers get pages too; found by a cheap scan before conversion."""
        for record in self._cited_records(entry.post, entry.post.cited_keys()):
            paper = self._paper(record)
            if not paper.cited_in or paper.cited_in[-1] is not entry:
                paper.cited_in.append(entry)

    def cited_identities(self, post: "Post", body: str) -> set[str]:
        """The papers `post` cites if its body were `body` (its takeaways as they are)."""
        return {record.identity for record in self._cited_records(post, cited_keys(citation_source(post, body)))}

    def _cited_records(self, post: "Post", keys: list[str]) -> Iterator[Record]:
        resolver = Resolver(post.bibliography, post.papers, self.library)
        for key in dict.fromkeys(keys):
            record = resolver.resolve(key)
            if record is not None and not record.text:
                yield record

    def _paper(self, record: Record) -> Paper:
        identity = record.identity
        paper = self.by_identity.get(identity)
        if paper is None:
            canonical = self.library.by_identity(identity)
            # The library's record is the paper's own; a post fills what it lacks.
            base = canonical.merged_with(_only_missing(canonical, record)) if canonical else record.model_copy()
            base.note = None  # a note is one post's verdict, not the paper's
            paper = self.by_identity[identity] = Paper(identity, base, self._url(base))
        elif not paper.record.title and record.title:
            paper.record = paper.record.merged_with(_only_missing(paper.record, record))
            paper.record.note = None
        return paper

    def _url(self, record: Record) -> str:
        stem = f"{self.papers_dir}/{record.page_id}"
        return f"{stem}/" if self.directory_urls else f"{stem}.html"

    # -- after all posts ------------------------------------------------------

    def finalize(self) -> None:
        """Topics of each paper (its tags and its reviewers'), and each topic's papers, newest first."""
        for paper in self.sorted():
            names = list(paper.record.tags)
            for entry in paper.reviewed_in:
                names.extend(entry.post.tag_names)
            paper.topics = self.topics.topics_of(names)
            for topic in paper.topics:
                topic.papers.append(paper)

    def sorted(self) -> list[Paper]:
        """Newest papers first, then by title."""
        return sorted(self.by_identity.values(), key=lambda p: (-(p.record.year or 0), p.record.label.lower()))


def _only_missing(base: Record, extra: Record) -> Record:
    """`extra` restricted to fields that `base` lacks, for `Record.merged_with`."""
    fields = {
        name: getattr(extra, name)
        for name in extra.model_fields_set
        if getattr(extra, name) not in (None, [], "") and getattr(base, name) in (None, [], "")
    }
    if not fields:  # the usual case; pydantic's model_construct costs ~0.2 ms a call
        return _no_fields()
    return Record.model_construct(_fields_set=set(fields), **fields)


@lru_cache(maxsize=1)
def _no_fields() -> Record:
    """An override that sets nothing (shared: `Record.merged_with` only reads it)."""
    return Record.model_construct(_fields_set=set())


def paper_links(record: Record) -> list[tuple[str, str]]:
    """(label, href) for a card or paper page: arXiv, PDF, code, DOI, web page."""
    links = []
    if record.arxiv:
        links.append(("arXiv", f"https://arxiv.org/abs/{record.arxiv}"))
    pdf = record.pdf or (f"https://arxiv.org/pdf/{record.arxiv}" if record.arxiv else None)
    if pdf:
        links.append(("PDF", pdf))
    if record.code:
        links.append(("Code", record.code))
    if record.doi:
        links.append(("DOI", f"https://doi.org/{record.doi}"))
    if record.url and record.url not in {href for _, href in links}:
        links.append(("Web", record.url))
    return links


# Text that bibtexparser's LaTeX encoder returns unchanged: most titles, names and ids.
# Anything else (accents, `&`, `_`, braces, URLs, math) goes through the encoder itself.
_PLAIN_BIBTEX = re.compile(r"[A-Za-z0-9 ,.:;'()!?*@=+/|`\[\]-]*")


@lru_cache(maxsize=1)
def _latex_encoder() -> Callable[[str], str]:
    from bibtexparser.middlewares import LatexEncodingMiddleware

    # A character LaTeX has no name for (U+202E...) stays as it is; pylatexenc's warning for
    # each, printed outside MkDocs' log, tells the writer nothing they can act on.
    logging.getLogger("pylatexenc.latexencode").setLevel(logging.ERROR)
    return LatexEncodingMiddleware()._encoder.unicode_to_latex


def _latex(value: str) -> str:
    if _PLAIN_BIBTEX.fullmatch(value) and "www" not in value and "http" not in value:
        return value
    return _latex_encoder()(value)


def bibtex_entry(record: Record) -> str:
    """A paper's BibTeX entry to copy."""
    return format_bibtex(*_bibtex_fields(record))


def format_bibtex(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
    """An entry of (name, value) `fields`, LaTeX-encoded as bibtexparser's own writer does, but for those given encoded (`_AS_GIVEN`).

    Written here field by field (a paper page each, thousands per build);
    `_format_by_bibtexparser` is the reference it must equal.
    """
    try:
        lines = [f"  {name} = {{{value if name in _AS_GIVEN else _latex(value)}}}" for name, value in fields]
    except Exception:  # noqa: BLE001 - the encoder failed: let bibtexparser handle it its own way
        return _format_by_bibtexparser(kind, key, fields)
    text = f"@{kind}{{{key},\n" + "".join(line + ",\n" for line in lines[:-1]) + (lines[-1] + "\n" if lines else "") + "}"
    return text.replace("\t", "  ").strip()


# Fields BibTeX tools read as written (biblatex's verbatim fields): never LaTeX-encoded,
# so a URL stays a URL, not `\url{...}` and `\_`.
_VERBATIM = frozenset({"url", "doi", "eprint"})  # values given through `verbatim`
_AS_GIVEN = _VERBATIM | {"author"}  # names given through `bibtex_names`, encoded and braced there
# Where a venue goes, by its kind: BibTeX's entry type and field.
_VENUE_FIELD = {"conference": ("inproceedings", "booktitle"), "journal": ("article", "journal")}


def bibtex_names(names: list[str], *, organization: bool = False) -> str:
    """Names as BibTeX's `author` field splits and reads them back, LaTeX-encoded.

    A name holding the word "and" (Barnes and Noble), or an `organization`'s
    name, goes in braces: BibTeX would split the first in two, and read the
    second's last word as a family name. "First Last, Jr." is written
    "Last, Jr., First", the form BibTeX reads a suffix from.
    """
    written = []
    for name in names:
        parts, whole = name_parts(name), organization
        if parts is not None and parts[2]:
            first, last, suffix = parts
            if first:
                name = f"{last}, {suffix}, {first}"
            else:  # 'King, Jr.': one name, or BibTeX takes 'Jr.' for a first name
                whole = True
        name = _latex(name)
        written.append(f"{{{name}}}" if whole or re.search(r"\band\b", name, re.IGNORECASE) else name)
    return " and ".join(written)


def verbatim(value: str) -> str:
    """A link as a braced BibTeX value: braces and backslashes percent-encoded (they would end or escape it)."""
    return value.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def _bibtex_fields(record: Record) -> tuple[str, str, list[tuple[str, str]]]:
    venue_kind_ = venue_kind(record.venue)
    kind, venue_field = _VENUE_FIELD.get(venue_kind_, ("misc", "howpublished"))
    # A preprint's server is said by eprint and archivePrefix.
    venue = None if venue_kind_ == "preprint" and record.arxiv else record.venue
    url = record.url or (f"https://arxiv.org/abs/{record.arxiv}" if record.arxiv else None)
    fields = [
        ("title", record.title),
        ("author", bibtex_names(record.authors) if record.authors else None),
        ("year", str(record.year) if record.year else None),
        (venue_field, venue),
        ("eprint", record.arxiv),
        ("archivePrefix", "arXiv" if record.arxiv else None),
        ("doi", verbatim(record.doi) if record.doi else None),
        ("url", verbatim(url) if url else None),
    ]
    key = record.id or (f"arxiv{record.arxiv}".replace("/", "").replace(".", "_") if record.arxiv else "paper")
    return kind, key, [(name, value) for name, value in fields if value]


def _format_by_bibtexparser(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
    """The entry as bibtexparser writes it (slow: it copies and re-encodes a whole library)."""
    import bibtexparser
    from bibtexparser.library import Library as BibLibrary
    from bibtexparser.middlewares import LatexEncodingMiddleware
    from bibtexparser.model import Entry, Field

    encoded = LatexEncodingMiddleware().transform(BibLibrary([Entry(kind, key, [Field(n, v) for n, v in fields])]))
    for written, (name, value) in zip(encoded.entries[0].fields, fields):
        if name in _AS_GIVEN:
            written.value = value
    text = bibtexparser.write_string(encoded)
    return text.replace("\t", "  ").strip()
