"""Pandoc-style citations in posts and the numbered reference list (SPEC section 3).

`CitationExtension` is a Python-Markdown extension. Its inline processor runs
after code spans, escapes, links and inline HTML have been taken out of the
text, so Python-Markdown itself keeps citations out of code, raw HTML and
links. It replaces each citation group with an empty placeholder element:
numbers are only assigned by `CitationSession.finish`, which reads the
placeholders in the order of the final HTML (the order in which
Python-Markdown processes inline text is not document order).

A post is converted with one session; pages that are not posts have none,
and their text is left alone.
"""

from __future__ import annotations

import html as html_lib
import re
import secrets
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Sequence

from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor

from .diagnostics import Diagnostics, did_you_mean
from .views.fragments import render
from .model.records import KEY_PATTERN, LibraryLike, Record, normalize_arxiv
from .views.references import reference_links, reference_parts, reference_text

if TYPE_CHECKING:
    from .views.article import ComposedSource
    from .model.posts import Post

TOC_TITLE = "References"

# `[@...]` not followed by `(` (an inline link) or `[` (a reference link);
# `[@a][@b]` and a footnote right after, `[@a][^1]`, are still citations.
# STX/ETX mark Python-Markdown's placeholders (code spans, escapes): a group
# containing one is not a citation.
_GROUP_PATTERN = r"\[(@[^\[\]\x02\x03]*)\](?!\()(?!\[(?![@^]))"
_ITEM_RE = re.compile(rf"\s*@({KEY_PATTERN})\s*(?:,\s*(\S.*?))?\s*", re.DOTALL)
_SOURCE_GROUP_RE = re.compile(r"(?<!\\)" + _GROUP_PATTERN, re.DOTALL)
_FENCE_RE = re.compile(r"^[ \t>]*(`{3,}|~{3,})")
_CODE_SPAN_RE = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")
_PLACEHOLDER_TAG = "papernotes-citation"
_PLACEHOLDER_RE = re.compile(rf'<{_PLACEHOLDER_TAG} data-group="([0-9a-f]+):(\d+)"></{_PLACEHOLDER_TAG}>')
# Below `html` (90), so attributes of inline HTML are already stashed, and below
# `link`/`reference`, so `[@x](url)` stays a link; above the emphasis and
# emoji patterns, so `_` and `:` inside keys are never read as markup.
PRIORITY = 85

Item = tuple[str, str | None]  # (key, locator)


def parse_group(body: str) -> list[Item] | None:
    """The items of `@a, p. 4; @b`, or None when any part is not `@key[, locator]`."""
    items = []
    for part in body.split(";"):
        match = _ITEM_RE.fullmatch(part)
        if not match:
            return None
        locator = " ".join(match.group(2).split()) if match.group(2) else None
        items.append((match.group(1), locator))
    return items


# -- results ----------------------------------------------------------------------


@dataclass
class Reference:
    """One numbered entry of a post's reference list."""

    number: int
    key: str  # the anchor is ``ref-KEY``; citations are ``cite-KEY-N``
    record: Record
    text: str  # plain-text reference
    backlinks: list[str] = field(default_factory=list)  # ids of the places citing it, in order

    @property
    def anchor(self) -> str:
        return f"ref-{self.key}"


@dataclass
class CitationResult:
    html: str
    references: list[Reference]
    references_html: str
    toc_title: str = TOC_TITLE
    toc_id: str = "references"


# -- the session ------------------------------------------------------------------


def _letters(index: int) -> str:
    """a, b, ..., z, aa, ab, ...: the label of the back-link to a reference's index-th citation."""
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(ord("a") + rest) + label
    return label


def _attr(text: str) -> str:
    return html_lib.escape(text, quote=True)


def _arxiv_of(key: str) -> str | None:
    """The arXiv id a key like `arxiv:2309.17453` names, or None."""
    if key[:6].lower() != "arxiv:":
        return None
    try:
        return normalize_arxiv(key[6:])
    except ValueError:
        return None


class Resolver:
    """What a citation key names in one post: its bibliography, then its papers, then the library.

    `@arxiv:ID` finds the paper with that arXiv id in the same order. A paper
    the post describes itself (under any key) is returned as the post's record.
    """

    def __init__(self, bibliography: Sequence[Record], papers: Sequence[Record], library: LibraryLike | None) -> None:
        self.library = library
        self._keys: list[dict[str, Record]] = [{}, {}]
        self._arxiv: list[dict[str, Record]] = [{}, {}]
        self._canonical: dict[str, Record] = {}
        for table, records in enumerate((bibliography, papers)):
            for record in records:
                if record.key:
                    self._keys[table].setdefault(record.key, record)
                if record.arxiv:
                    self._arxiv[table].setdefault(record.arxiv, record)
                # The post's own record of a paper wins over the library's.
                self._canonical.setdefault(record.identity, record)

    def resolve(self, key: str) -> Record | None:
        found = None
        arxiv = _arxiv_of(key)
        if arxiv:
            found = self._arxiv[0].get(arxiv) or self._arxiv[1].get(arxiv)
            if found is None and self.library is not None:
                found = self.library.by_arxiv(arxiv)
        if found is None:
            found = self._keys[0].get(key) or self._keys[1].get(key)
            if found is None and self.library is not None:
                found = self.library.get(key)
        if found is None and arxiv:
            # An arXiv id is a reference in itself: its id and link, until the writer adds a title.
            found = Record(arxiv=arxiv)
        return None if found is None else self.canonical(found)

    def canonical(self, record: Record) -> Record:
        return self._canonical.get(record.identity, record)

    def known_keys(self) -> list[str]:
        """The post's own keys, for "did you mean" hints."""
        return [*self._keys[0], *self._keys[1]]


class CitationSession:
    """The citations of one post: collected during conversion, numbered by `finish`."""

    @classmethod
    def for_post(cls, post: Post, composed: ComposedSource, library: LibraryLike | None, diagnostics: Diagnostics) -> CitationSession:
        """The session every engine and `papernotes check` give a post's composed source."""
        return cls(
            post.bibliography, post.papers, library, file=post.path,
            source=composed.markdown, line_map=composed.line_map, diagnostics=diagnostics,
        )

    def __init__(
        self,
        bibliography: Sequence[Record],
        papers: Sequence[Record],
        library: LibraryLike | None,
        *,
        file: str,
        source: str,
        line_map: Callable[[int], int],
        diagnostics: Diagnostics,
    ) -> None:
        self.bibliography = list(bibliography)
        self.resolver = Resolver(self.bibliography, papers, library)
        self.file = file
        self.source = source
        self.line_map = line_map
        self.diagnostics = diagnostics
        # A writer's own HTML can never match another session's placeholders.
        self._token = secrets.token_hex(4)
        self._groups: list[list[Item]] = []

    def placeholder(self, items: list[Item]) -> etree.Element:
        """An empty element standing for one group until `finish` numbers it."""
        self._groups.append(items)
        return etree.Element(_PLACEHOLDER_TAG, {"data-group": f"{self._token}:{len(self._groups) - 1}"})

    def snapshot(self) -> dict:
        """The placeholders made so far, as JSON data: what a cached conversion needs to be numbered."""
        return {"token": self._token, "groups": [[[key, locator] for key, locator in group] for group in self._groups]}

    def restore(self, snapshot: dict) -> None:
        """Take over the placeholders of an earlier conversion of the same source (see `snapshot`)."""
        self._token = snapshot["token"]
        self._groups = [[(key, locator) for key, locator in group] for group in snapshot["groups"]]

    def resolve(self, key: str) -> Record | None:
        return self.resolver.resolve(key)

    def keys(self) -> list[str]:
        """Every key cited so far, once each, in the order first met."""
        return list(dict.fromkeys(key for group in self._groups for key, _ in group))

    def finish(self, html: str) -> CitationResult:
        """Number the citations in `html` in document order and build the list."""
        run = _Numbering(self)
        body = _PLACEHOLDER_RE.sub(run.replace, html)
        for record in self.bibliography:
            run.reference(self.resolver.canonical(record), record.key)
        self._warn(run.broken)
        references = list(run.by_identity.values())
        # The heading joins the page: it must not take the id of a writer's "## References".
        toc_id, suffix = "references", 0
        while f'id="{toc_id}"' in body:
            suffix += 1
            toc_id = f"references_{suffix}"
        references_html = ""
        if references:
            references_html = render(
                "references.html",
                title=TOC_TITLE,
                toc_id=toc_id,
                references=[
                    {
                        "anchor": ref.anchor,
                        "parts": reference_parts(ref.record),
                        "links": reference_links(ref.record),
                        "backlinks": [(anchor, _letters(index)) for index, anchor in enumerate(ref.backlinks)],
                    }
                    for ref in references
                ],
            )
        return CitationResult(body, references, references_html, TOC_TITLE, toc_id)

    def _warn(self, broken: list[str]) -> None:
        """One warning per line where an unknown key is cited."""
        if not broken:
            return
        counts: dict[str, int] = {}
        for key in broken:
            counts[key] = counts.get(key, 0) + 1
        lines = _cited_lines(self.source)
        known = self.resolver.known_keys()
        for key, count in counts.items():
            hint = did_you_mean(key, known) or "add it to the post's bibliography or to a library file"
            found = lines.get(key)
            if not found:
                # Blanking code only approximates Python-Markdown's code spans; a key it
                # hid was still cited, so its line is found in the unmasked source.
                found = group_lines(self.source).get(key, [])
            where = sorted(set(found[:count])) or [None]
            for line in where:
                file_line = self.line_map(line) if line is not None else None
                self.diagnostics.warning(self.file, file_line, f"unknown citation key '{key}'", hint)


class _Numbering:
    """One pass over the final HTML, numbering references as they are first met."""

    def __init__(self, session: CitationSession) -> None:
        self.session = session
        self.by_identity: dict[str, Reference] = {}
        self.anchors: set[str] = set()
        self.broken: list[str] = []

    def reference(self, record: Record, cited_as: str) -> Reference:
        ref = self.by_identity.get(record.identity)
        if ref is None:
            number = len(self.by_identity) + 1
            key = record.key or cited_as or str(number)
            if key in self.anchors:  # two papers under one key (post vs. library)
                key = f"{key}-{number}"
            self.anchors.add(key)
            ref = Reference(number, key, record, reference_text(record))
            self.by_identity[record.identity] = ref
        return ref

    def replace(self, match: re.Match[str]) -> str:
        token, index = match.group(1), int(match.group(2))
        if token != self.session._token or index >= len(self.session._groups):
            return match.group(0)
        return self.render(self.session._groups[index])

    def render(self, items: list[Item]) -> str:
        cited: list[tuple[Reference, str | None]] = []
        broken: list[Item] = []
        for key, locator in items:
            record = self.session.resolve(key)
            if record is None:
                broken.append((key, locator))
                self.broken.append(key)
            else:
                cited.append((self.reference(record, key), locator))
        shown: list[tuple[Reference, str | None]] = []
        seen: set[tuple[int, str | None]] = set()
        for ref, locator in sorted(cited, key=lambda item: item[0].number):
            if (ref.number, locator) not in seen:
                seen.add((ref.number, locator))
                shown.append((ref, locator))
        parts = []
        start = 0
        while start < len(shown):
            end = start
            while (
                end + 1 < len(shown)
                and shown[end][1] is None
                and shown[end + 1][1] is None
                and shown[end + 1][0].number == shown[end][0].number + 1
            ):
                end += 1
            if end - start >= 2:
                middle = "".join(f'<span id="{_attr(self.cite_id(ref))}"></span>' for ref, _ in shown[start + 1 : end])
                parts.append(f"{self.link(shown[start][0])}–{middle}{self.link(shown[end][0])}")
                start = end + 1
            else:
                ref, locator = shown[start]
                parts.append(self.link(ref) + (f", {html_lib.escape(locator)}" if locator else ""))
                start += 1
        for key, locator in broken:
            parts.append(
                f'<span class="citation citation--broken" title="{_attr("Unknown citation key: " + key)}">'
                f"@{html_lib.escape(key)}?</span>" + (f", {html_lib.escape(locator)}" if locator else "")
            )
        separator = "; " if any(locator for _, locator in items) else ", "
        return f'<span class="citation-group">[{separator.join(parts)}]</span>'

    def cite_id(self, ref: Reference) -> str:
        anchor = f"cite-{ref.key}-{len(ref.backlinks) + 1}"
        ref.backlinks.append(anchor)
        return anchor

    def link(self, ref: Reference) -> str:
        return (
            f'<a class="citation" href="#{_attr(ref.anchor)}" id="{_attr(self.cite_id(ref))}" '
            f'title="{_attr(ref.text)}">{ref.number}</a>'
        )


def _cited_lines(source: str) -> dict[str, list[int]]:
    """1-based lines of `source` where each key is cited, outside code.

    Python-Markdown does not track lines, so the source is searched again;
    fenced blocks and code spans are blanked first so examples of the syntax
    do not count.
    """
    source_lines = source.split("\n")
    masked: list[str] = []
    fence, opened, unclosed = None, 0, set()
    index = 0
    while index < len(source_lines):
        line = source_lines[index]
        match = _FENCE_RE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            masked.append("")
        elif match and index not in unclosed:
            fence, opened = match.group(1), index
            masked.append("")
        else:
            masked.append(_CODE_SPAN_RE.sub(lambda span: " " * len(span.group(0)), line))
        index += 1
        if index == len(source_lines) and fence is not None:
            # A fence never closed opens no code block (Python-Markdown reads on): go back to it.
            unclosed.add(opened)
            del masked[opened:]
            index, fence = opened, None
    return group_lines("\n".join(masked))


def group_lines(text: str) -> dict[str, list[int]]:
    lines: dict[str, list[int]] = {}
    line, position = 1, 0
    for match in _SOURCE_GROUP_RE.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        for key, _ in parse_group(match.group(1)) or ():
            lines.setdefault(key, []).append(line)
    return lines


# -- the Markdown extension -------------------------------------------------------


class _CitationProcessor(InlineProcessor):
    # A citation inside a link's text would nest links.
    ANCESTOR_EXCLUDES = ("a",)

    def __init__(self, extension: "CitationExtension", md: Markdown) -> None:
        super().__init__(_GROUP_PATTERN, md)
        self.extension = extension

    def handleMatch(self, m: re.Match[str], data: str):  # type: ignore[override]
        session = self.extension.session
        items = parse_group(m.group(1)) if session is not None else None
        if items is None:
            return None, None, None
        return session.placeholder(items), m.start(0), m.end(0)


class CitationExtension(Extension):
    """Turns `[@key]` groups into citations while `session` is set."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.session: CitationSession | None = None

    def extendMarkdown(self, md: Markdown) -> None:
        md.inlinePatterns.register(_CitationProcessor(self, md), "papernotes-citation", PRIORITY)

    def convert(self, md: Markdown, session: CitationSession, markdown: str) -> str:
        """`markdown` converted by `md` (which holds this extension) with `session` collecting its citations."""
        self.session = session
        try:
            return md.reset().convert(markdown)
        finally:
            self.session = None



def cited_keys(source: str) -> list[str]:
    """Every key cited in Markdown `source`, found without converting it.

    A cheap first pass, so that pages of cited papers exist before any post is
    converted. It does not know about code blocks; the lists of posts on those
    pages come from the real conversion.
    """
    keys: list[str] = []
    for match in _SOURCE_GROUP_RE.finditer(source):
        items = parse_group(match.group(1))
        if items:
            keys.extend(key for key, _ in items)
    return keys
