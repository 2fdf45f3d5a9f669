"""Property tests over whole frontmatter structures, citations in context, and the library.

test_posts.py fuzzes bytes and YAML-ish token soup, test_citations.py fuzzes
Markdown with a fixed bibliography. Here hypothesis builds *valid* YAML with
`recursive` strategies: nested dicts, lists and scalars under the keys a writer
uses, with values of every type in every place. Whatever the shape:

- reading never raises, and every message names the file and a line of it;
- a post that is refused has an error; a post that is read converts, with its
  takeaways, notes and citations, without a crash, a leftover placeholder or a
  message pointing outside the file;
- a YAML library file of any shape loads, or says where it is wrong.
"""

from __future__ import annotations

import datetime as dt
import os
import re

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from htmlscan import dangerous, scan
from papernotes.core.views.article import compose_source, split_html
from papernotes.core.citations import CitationExtension, CitationSession
from papernotes.core.diagnostics import Diagnostics
from papernotes.core.sources.library import Library, parse_yaml_library
from papernotes.core.model.posts import FRONTMATTER_KEYS, Post, read_post
from papernotes.core.model.records import RECORD_FIELDS, Record
from papernotes.core.views.sanitize import sanitize_html

PATH = "docs/posts/fuzz.md"
# PAPERNOTES_FUZZ_EXAMPLES=5000 for a longer hunt.
SETTINGS = settings(max_examples=int(os.environ.get("PAPERNOTES_FUZZ_EXAMPLES", 250)), deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- strategies ----------------------------------------------------------------------

KEYS = ["a", "b", "xiao2023", "arxiv:2309.17453"]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.datetimes(),
    st.text(max_size=30),
    st.sampled_from(
        [
            "", " ", "2309.17453", "arXiv:2309.17453v2", "2305.18290", "hep-th/9901001", "10.1000/xyz123",
            "https://arxiv.org/abs/2309.17453", "https://example.com", "javascript:alert(1)", "file:///etc/passwd",
            "refs/extra.bib", "x.bib", "2024-02-30", "2024-06-12", "[@a]", "[@b, p. 4; @nope]", "@a", "<script>",
            "a: b", "*a", "&a", "~", "null", "yes", "no", "1e3", "0x1F", ".inf", "tags", "title",
        ]
    ),
    st.sampled_from(KEYS),
)
NAMES = st.one_of(st.sampled_from([*FRONTMATTER_KEYS, *RECORD_FIELDS, "created", "updated", "tagz"]), st.text(max_size=8))
# Nested lists and mappings of anything, as YAML can write them.
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(NAMES, children, max_size=4)),
    max_leaves=20,
)
RECORDS = st.dictionaries(st.sampled_from(RECORD_FIELDS), st.one_of(SCALARS, VALUES), max_size=6)
ENTRIES = st.lists(st.one_of(RECORDS, SCALARS, VALUES), max_size=4)
# Known keys with values of any shape, plus the odd unknown key.
FRONTMATTER = st.fixed_dictionaries(
    {},
    optional={
        "title": st.one_of(st.text(min_size=1, max_size=20), SCALARS, VALUES),
        "date": st.one_of(st.dates(), st.datetimes(), SCALARS, st.fixed_dictionaries({"created": SCALARS}, optional={"updated": SCALARS})),
        "description": VALUES,
        "authors": VALUES,
        "tags": VALUES,
        "categories": VALUES,
        "draft": VALUES,
        "slug": VALUES,
        "papers": st.one_of(ENTRIES, VALUES),
        "bibliography": st.one_of(ENTRIES, VALUES),
        "takeaways": st.one_of(st.lists(st.one_of(st.text(max_size=40), st.sampled_from(["See [@a].", "[@b; @a, p. 2]", "x [@nope]"])), max_size=3), VALUES),
        "readtime": VALUES,
        "pin": VALUES,
        "hide": VALUES,
        "search": VALUES,
        "tagz": VALUES,
    },
)
# Markdown that cites, for takeaways and notes.
CITING = st.lists(st.sampled_from(["x ", "[@a]", "[@b; @a, p. 2]", "[@nope]", "[@arxiv:2309.17453]", "`[@a]`", "*", "\n", ": "]), max_size=8).map("".join)
GOOD_RECORD = st.fixed_dictionaries(
    {"id": st.sampled_from(["a", "b", "c", "k.1"])},
    optional={
        "title": st.text(max_size=20),
        "authors": st.lists(st.text(max_size=12), max_size=3),
        "year": st.integers(1900, 2030),
        "arxiv": st.sampled_from(["2309.17453", "arXiv:2402.08268v2", "hep-th/9901001"]),
        "url": st.sampled_from(["https://example.com/a", "http://example.org/?q=1&b=2"]),
        "note": st.one_of(st.text(max_size=30), CITING),
        "text": st.text(min_size=1, max_size=30),
        "tags": st.lists(st.text(max_size=10), max_size=2),
    },
)
# Frontmatter that mostly reads: required fields right, the rest well typed or, now and then, of any shape.
READABLE = st.fixed_dictionaries(
    {"title": st.just("Fuzzed"), "date": st.just(dt.date(2024, 6, 1))},
    optional={
        "tags": st.one_of(st.lists(st.text(max_size=10), max_size=3), VALUES),
        "takeaways": st.lists(st.one_of(CITING, st.text(max_size=30)), max_size=3),
        "papers": st.lists(st.one_of(GOOD_RECORD, st.sampled_from(KEYS)), max_size=3),
        "bibliography": st.lists(st.one_of(GOOD_RECORD, st.just("refs/x.bib")), max_size=4),
        "description": st.one_of(st.text(max_size=20), SCALARS),
        "draft": st.booleans(),
    },
)
BODY_TOKENS = [*"ab @[];,.:-_*`~$\n", "[@a]", "[@b; @a, p. 2]", "[@nope]", "[@arxiv:2309.17453]", "```\n", "    ", "<!-- more -->", "\\[@a]"]
BODY = st.lists(st.sampled_from(BODY_TOKENS), max_size=30).map("".join)


def dump(data: object, flow: bool | None) -> str:
    return yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, sort_keys=False)


def check_lines(raw: str, diagnostics: Diagnostics, file: str = PATH) -> None:
    """Every message names the file and a line that exists in it."""
    last = raw.count("\n") + 1
    for found in diagnostics:
        assert found.file == file, str(found)
        assert found.line is not None and 1 <= found.line <= last, (str(found), last)
        assert found.message and found.level in ("error", "warning")


# -- frontmatter -----------------------------------------------------------------------


@SETTINGS
@given(FRONTMATTER, st.sampled_from([None, False, True]), BODY)
def test_any_frontmatter_structure_is_read_or_refused_with_lines(data, flow, body):
    raw = "---\n" + dump(data, flow) + "---\n" + body + "\n"
    diagnostics = Diagnostics()
    post = read_post(raw.encode("utf-8"), PATH, "posts/fuzz.md", diagnostics)
    check_lines(raw, diagnostics)
    if post is None:
        assert diagnostics.has_errors
    else:
        assert isinstance(post.title, str) and post.title
        assert isinstance(post.created, dt.datetime)
        assert all(isinstance(tag, str) and tag for tag in post.tag_names)
        assert all(isinstance(record, Record) for record in [*post.papers, *post.bibliography])


# A Markdown instance like the demo's, with the citation extension (built once: it is slow to build).
EXTENSION = CitationExtension()
MD = markdown.Markdown(
    extensions=["toc", "footnotes", "attr_list", "md_in_html", "admonition", "pymdownx.superfences", EXTENSION],
    extension_configs={"toc": {"permalink": True}},
)
LIBRARY = Library([Record(id="b", title="Library paper", arxiv="2309.17453")])


def convert(post: Post) -> tuple[str, Diagnostics]:
    """Convert a post as the adapter does: composed source, one session, numbering, split, sanitize."""
    diagnostics = Diagnostics()
    composed = compose_source(post)
    MD.reset()
    EXTENSION.session = CitationSession(
        post.bibliography, post.papers, LIBRARY, file=post.path,
        source=composed.markdown, line_map=composed.line_map, diagnostics=diagnostics,
    )  # fmt: skip
    try:
        result = EXTENSION.session.finish(MD.convert(composed.markdown))
    finally:
        EXTENSION.session = None
    parts = split_html(result.html)
    sections = {name: sanitize_html(html) for name, html in parts.sections.items()}
    return parts.body + "".join(sections.values()) + result.references_html, diagnostics


@SETTINGS
@given(READABLE, st.sampled_from([None, False]), BODY)
@example({"title": "Fuzzed", "date": dt.date(2024, 6, 1)}, None, "```\n[@a]")  # a fence never closed is no code
@example({"title": "Fuzzed", "date": dt.date(2024, 6, 1)}, None, "```\n`[@a]`")  # '``' + '`' read as a code span before [@a]
def test_a_readable_post_converts_with_citations_in_body_takeaways_and_notes(data, flow, body):
    raw = "---\n" + dump(data, flow) + "---\n" + body + "\n"
    read = Diagnostics()
    post = read_post(raw.encode("utf-8"), PATH, "posts/fuzz.md", read)
    if post is None:
        assert read.has_errors
        return
    html, diagnostics = convert(post)
    assert "papernotes-citation" not in html and "papernotes:" not in html
    # Citation warnings point at the line of the body, takeaway or note that cites.
    check_lines(raw, diagnostics)
    assert all(d.level == "warning" and "citation key" in d.message for d in diagnostics)


@SETTINGS
@given(st.lists(st.one_of(RECORDS, VALUES), max_size=6), st.sampled_from([None, False, True]))
@example(["\x85", {"id": "\x85"}, None], None)  # YAML breaks lines at U+0085, editors do not
def test_any_yaml_library_structure_loads_or_says_where(data, flow):
    text = dump(data, flow)
    diagnostics = Diagnostics()
    records = parse_yaml_library(text, "library/fuzz.yaml", diagnostics)
    check_lines(text, diagnostics, "library/fuzz.yaml")
    library = Library(records, diagnostics)  # merging never raises either
    assert len(library) <= len(records)


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029"])
def test_unusual_line_breaks_in_values_do_not_shift_lines(char):
    """A title pasted from a PDF may hold U+2028: YAML counts a line there, an editor does not."""
    raw = f'---\ntitle: "Two{char}lines"\ndate: 2024-06-01\ntagz: x\n---\nBody\n'
    diagnostics = Diagnostics()
    read_post(raw.encode("utf-8"), PATH, "posts/fuzz.md", diagnostics)
    assert [(d.line, d.message) for d in diagnostics] == [(4, "unknown frontmatter key 'tagz'")]


# -- what Markdown fields may hold ---------------------------------------------------------

HTML_TOKENS = st.sampled_from(
    [
        "<script>", "</script>", "alert(1)", "<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">',
        "<a href='java\tscript:x'>", '<a href="&#106;avascript:x">', "</a>", "<svg onload=alert(1)>", "<p>", "</p>",
        "<!--", "-->", "<![CDATA[", "]]>", "<style>", "<iframe srcdoc='<script>alert(1)</script>'>", "<div",
        " title=", '"', "'", ">", "<", "&", "&amp;", "&lt;", "text", " ", "\n", '<span class="citation">1</span>',
    ]
)


@SETTINGS
@given(st.lists(st.one_of(HTML_TOKENS, st.text(max_size=5)), max_size=25).map("".join))
def test_sanitized_html_never_runs_anything_and_is_stable(fragment):
    clean = sanitize_html(fragment)
    found = scan(clean)
    assert not dangerous(found)
    assert not [e for e in found.elements if e.tag in ("script", "style", "iframe")]
    assert sanitize_html(clean) == clean


@given(st.text(max_size=60).filter(lambda t: not set(t) & set("<>&")))
def test_text_without_markup_passes_unchanged(text):
    assert sanitize_html(text) == text


def test_markdown_output_keeps_its_markup():
    kept = (
        '<p>A <em>b</em> <strong>c</strong> <code>&lt;x&gt;</code> <a href="https://example.com" title="t">d</a> '
        '<span class="citation-group">[<a class="citation" href="#ref-a" id="cite-a-1" title="A &amp; B">1</a>]</span></p>'
    )
    assert sanitize_html(kept) == kept
    assert sanitize_html('<a href="javascript:alert(1)">x</a>') == "<a>x</a>"
    assert sanitize_html("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert re.fullmatch(r'<img src="x">', sanitize_html("<img src=x onerror=alert(1)>"))

