"""Citations: syntax, numbering, resolution, rendering (SPEC section 3)."""

from __future__ import annotations

import re
import time

import markdown
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from papernotes.core.citations import CitationExtension, CitationSession, parse_group
from papernotes.core.views.references import reference_links, reference_text
from papernotes.core.diagnostics import Diagnostics
from papernotes.core.model.records import Record

EXTENSIONS = [
    "toc", "admonition", "attr_list", "md_in_html", "footnotes", "tables", "def_list", "abbr",
    "pymdownx.superfences", "pymdownx.highlight", "pymdownx.inlinehilite", "pymdownx.details",
    "pymdownx.tabbed", "pymdownx.arithmatex", "pymdownx.betterem", "pymdownx.caret", "pymdownx.mark",
    "pymdownx.tilde", "pymdownx.smartsymbols", "pymdownx.tasklist", "pymdownx.emoji",
]  # fmt: skip
CONFIGS = {"toc": {"permalink": True}, "pymdownx.arithmatex": {"generic": True}}

# Building a Markdown with these extensions is slow (emoji index): build once, reset per use.
EXTENSION = CitationExtension()
MD = markdown.Markdown(extensions=[*EXTENSIONS, EXTENSION], extension_configs=CONFIGS)
PLAIN_MD = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS)

XIAO = Record(
    id="xiao2023",
    title="Efficient Streaming Language Models with Attention Sinks",
    authors=["Guangxuan Xiao", "Tian, Yuandong", "Beidi Chen", "Song Han", "Mike Lewis"],
    year=2023,
    venue="ICLR",
    arxiv="2309.17453",
)
LIU = Record(id="liu2024", title="World Model on Million-Length Video", authors=["Hao Liu"], arxiv="2402.08268")
GPT4V = Record(
    id="openai2023gpt4v",
    text='OpenAI. "GPT-4V(ision) System Card." 2023.',
    url="https://openai.com/research/gpt-4v-system-card",
)
KEYS = [Record(id=name, title=f"Paper {name.upper()}", year=2020) for name in "abcdefg"]


class Library:
    def __init__(self, records):
        self.records = list(records)

    def get(self, key):
        return next((r for r in self.records if r.id == key), None)

    def by_arxiv(self, arxiv_id):
        return next((r for r in self.records if r.arxiv == arxiv_id), None)


def plain(source: str) -> str:
    PLAIN_MD.reset()
    return PLAIN_MD.convert(source)


def cite(source, bibliography=(), papers=(), library=None, line_map=lambda n: n, file="docs/posts/p.md"):
    """Convert like the adapter does; returns (result, diagnostics, html before finish)."""
    diagnostics = Diagnostics()
    MD.reset()
    EXTENSION.session = CitationSession(
        list(bibliography), list(papers), library,
        file=file, source=source, line_map=line_map, diagnostics=diagnostics,
    )  # fmt: skip
    try:
        raw = MD.convert(source)
        return EXTENSION.session.finish(raw), diagnostics, raw
    finally:
        EXTENSION.session = None


def numbers(html: str) -> list[str]:
    """Each citation group as shown to the reader, e.g. '[1, p. 4; 2]'."""
    groups = re.findall(r'<span class="citation-group">(.*?\])</span>', html, re.DOTALL)
    return [re.sub(r"<[^>]+>", "", g) for g in groups]


def order(result) -> list[str]:
    return [ref.key for ref in result.references]


# -- syntax -----------------------------------------------------------------------


def test_single_key():
    result, diagnostics, _ = cite("See [@a].", KEYS)
    assert numbers(result.html) == ["[1]"]
    assert '<a class="citation" href="#ref-a" id="cite-a-1"' in result.html
    assert order(result)[:1] == ["a"] and not diagnostics.items


def test_group_of_keys():
    result, _, _ = cite("See [@a; @b].", KEYS)
    assert numbers(result.html) == ["[1, 2]"]


def test_locator_follows_its_number():
    result, _, _ = cite("See [@a, p. 4].", KEYS)
    assert numbers(result.html) == ["[1, p. 4]"]


def test_locators_in_a_group_are_separated_by_semicolons():
    result, _, _ = cite("[@a; @b, pp. 3-5; @c]", KEYS)
    assert numbers(result.html) == ["[1; 2, pp. 3-5; 3]"]


@pytest.mark.parametrize(
    "written", ["arxiv:2309.17453", "arxiv:2309.17453v2", "arXiv:2309.17453", "arxiv:https://arxiv.org/abs/2309.17453"]
)
def test_arxiv_forms(written):
    result, diagnostics, _ = cite(f"See [@{written}].", [XIAO])
    assert numbers(result.html) == ["[1]"]
    assert 'href="#ref-xiao2023"' in result.html and not diagnostics.items


def test_arxiv_found_in_papers_and_library():
    result, diagnostics, _ = cite("[@arxiv:2402.08268] [@arxiv:2309.17453]", papers=[LIU], library=Library([XIAO]))
    assert numbers(result.html) == ["[1]", "[2]"]
    assert [ref.record.arxiv for ref in result.references] == ["2402.08268", "2309.17453"]
    assert not diagnostics.items


def test_keys_with_punctuation_inside():
    records = [Record(id=key, title=key) for key in ("a.b", "x+/-y", "ns:key/2", "snake_case_key")]
    result, diagnostics, _ = cite("[@a.b] [@x+/-y] [@ns:key/2] [@snake_case_key] *and* _more_", records)
    assert numbers(result.html) == ["[1]", "[2]", "[3]", "[4]"]
    assert 'id="cite-x+/-y-1"' in result.html and 'href="#ref-ns:key/2"' in result.html
    assert "<em>and</em>" in result.html and not diagnostics.items


def test_trailing_punctuation_is_not_key():
    assert parse_group("@a, p. 4.") == [("a", "p. 4.")]
    result, diagnostics, _ = cite("[@a.] and [@a,]", KEYS)
    assert "[@a.] and [@a,]" in result.html and not diagnostics.items


@pytest.mark.parametrize("text", ["[@a; b]", "[see @a]", "[@a; ]", "[@]", "[@a @b]", "[@a;; @b]"])
def test_not_every_item_a_citation_means_plain_text(text):
    result, diagnostics, _ = cite(text, KEYS)
    assert "citation" not in result.html and not diagnostics.items


def test_group_across_a_line_break():
    result, _, _ = cite("See [@a;\n@b].", KEYS)
    assert numbers(result.html) == ["[1, 2]"]


# -- numbering --------------------------------------------------------------------


def test_numbers_follow_first_citation_then_takeaways_then_uncited():
    source = "Body [@c] and [@a].\n\n<!-- takeaways -->\n\n- Takeaway [@b; @a]\n"
    result, _, _ = cite(source, KEYS)
    assert numbers(result.html) == ["[1]", "[2]", "[2, 3]"]
    assert order(result) == ["c", "a", "b", "d", "e", "f", "g"]
    assert [ref.number for ref in result.references] == list(range(1, 8))
    assert [ref.backlinks for ref in result.references][3:] == [[], [], [], []]


def test_numbers_follow_document_order_not_processing_order():
    # Python-Markdown processes a table's cells and an admonition's body in
    # an order of its own; numbers must follow the page.
    source = "!!! note \"T [@a]\"\n    x [@b]\n\n| h |\n|---|\n| [@c] |\n\nend [@d]\n"
    result, _, _ = cite(source, KEYS)
    assert numbers(result.html) == ["[1]", "[2]", "[3]", "[4]"]


def test_group_numbers_ascend():
    result, _, _ = cite("[@c] [@a] [@c; @a] [@e; @b]", KEYS)
    assert numbers(result.html)[2:] == ["[1, 2]", "[3, 4]"]


def test_three_consecutive_numbers_collapse():
    result, _, _ = cite("[@a] [@b] [@c] [@d] [@e] [@e; @c; @b; @d; @a] [@a; @b]", KEYS)
    groups = numbers(result.html)
    assert groups[5] == "[1–5]"
    assert groups[6] == "[1, 2]"


def test_collapsing_keeps_gaps_and_back_links_for_hidden_numbers():
    result, _, _ = cite("[@a] [@b] [@c] [@d] [@e] [@a; @b; @c; @e]", KEYS)
    assert numbers(result.html)[5] == "[1–3, 5]"
    b = result.references[1]
    assert b.backlinks == ["cite-b-1", "cite-b-2"]
    assert '<span id="cite-b-2"></span>' in result.html


def test_a_number_with_a_locator_never_collapses():
    result, _, _ = cite("[@a] [@b] [@c] [@a; @b, p. 2; @c]", KEYS)
    assert numbers(result.html)[3] == "[1; 2, p. 2; 3]"


def test_same_key_twice_in_a_group_shows_once():
    result, _, _ = cite("[@a; @a] [@a; @a, p. 3]", KEYS)
    assert numbers(result.html) == ["[1]", "[1; 1, p. 3]"]


def test_same_paper_under_two_keys_gets_one_number():
    library = Library([Record(id="xiao2023streaming", title="Library copy", arxiv="2309.17453")])
    source = "[@xiao2023] [@arxiv:2309.17453] [@xiao2023streaming] [@liu2024]"
    result, _, _ = cite(source, [XIAO, LIU], library=library)
    assert numbers(result.html) == ["[1]", "[1]", "[1]", "[2]"]
    # The post's own record wins over the library's.
    assert result.references[0].record is XIAO and len(result.references) == 2
    assert result.references[0].backlinks == ["cite-xiao2023-1", "cite-xiao2023-2", "cite-xiao2023-3"]


def test_two_papers_under_one_key_get_distinct_anchors():
    library = Library([Record(id="foo", title="Library foo", arxiv="2402.08268")])
    result, _, _ = cite("[@foo] [@arxiv:2402.08268]", [Record(id="foo", title="Post foo")], library=library)
    assert [ref.anchor for ref in result.references] == ["ref-foo", "ref-foo-2"]
    assert 'id="cite-foo-2-1"' in result.html


def test_resolution_prefers_bibliography_then_papers_then_library():
    mine = Record(id="k", title="Bibliography")
    paper = Record(id="k", title="Papers")
    lib = Library([Record(id="k", title="Library"), Record(id="only", title="Only in library")])
    result, _, _ = cite("[@k] [@only]", [mine], [paper], lib)
    assert [ref.record.title for ref in result.references] == ["Bibliography", "Only in library"]
    result, _, _ = cite("[@k]", [], [paper], lib)
    assert result.references[0].record.title == "Papers"


def test_uncited_papers_are_not_listed():
    result, _, _ = cite("No citations.", papers=[LIU])
    assert result.references == [] and result.references_html == ""
    assert result.html == plain("No citations.")


# -- immunity ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "Inline `[@a]` code.",
        "Highlighted `#!python x = [@a]` code.",
        "```\n[@a]\n```",
        "~~~python\n[@a]\n~~~",
        "    [@a]",
        "- item\n\n    ```text\n    [@a]\n    ```",
        '=== "Tab"\n\n    ```\n    [@a]\n    ```',
        'Raw <span title="[@a]">inline</span> HTML.',
        '<div title="[@a]">\n[@a]\n</div>',
        "Math $[@a]$ inline.",
        "$$\n[@a]\n$$",
        r"Escaped \[@a] bracket.",
        "Bare @a handle and me@a.com mail.",
        "A [@a](https://example.com) link.",
        "A [@a][ref] reference.\n\n[ref]: https://example.com",
        "A [@a][] collapsed reference.\n\n[@a]: https://example.com",
        "A [link [@a]](https://example.com) whose text looks cited.",
        "Plain [text] and [text][ref] and [^1].\n\n[^1]: Note.",
    ],
)
def test_no_citation_where_markdown_says_otherwise(source):
    result, diagnostics, _ = cite(source, KEYS)
    assert "citation" not in result.html
    assert result.html == plain(source)
    assert not diagnostics.items


def test_escaped_bracket_stays_literal():
    result, _, _ = cite(r"Escaped \[@a] and real [@b].", KEYS)
    assert "Escaped [@a] and real" in result.html and numbers(result.html) == ["[1]"]


def test_escaped_backslash_before_a_citation():
    result, _, _ = cite(r"A \\[@a] citation.", KEYS)
    assert "A \\" in result.html and numbers(result.html) == ["[1]"]


def test_citation_next_to_footnote_and_inside_footnote():
    result, _, _ = cite("Claim [@a][^1].\n\n[^1]: See also [@b].", KEYS)
    assert numbers(result.html) == ["[1]", "[2]"]
    assert 'class="footnote-ref"' in result.html


def test_citation_in_heading_keeps_toc_clean():
    result, _, raw = cite("## Attention sinks [@xiao2023]\n\nText.", [XIAO])
    assert '<h2 id="attention-sinks">Attention sinks <span class="citation-group">' in result.html
    assert MD.toc_tokens[0]["name"] == "Attention sinks"
    assert "papernotes-citation" not in result.html and "papernotes-citation" in raw


def test_citation_inside_emphasis_and_next_to_smart_symbols():
    result, _, _ = cite("*see [@a]* and **[@b, p. 1/2 (c)]** --> +/-", KEYS)
    assert "<em>see <span" in result.html and "<strong><span" in result.html
    assert numbers(result.html) == ["[1]", "[2, p. 1/2 (c)]"]
    assert "&rarr; &plusmn;" in result.html


def test_no_session_leaves_text_alone():
    source = "See [@a] and [@unknown]."
    MD.reset()
    assert MD.convert(source) == plain(source)


def test_foreign_placeholder_is_left_alone():
    fake = '<papernotes-citation data-group="00000000:0"></papernotes-citation>'
    result, _, _ = cite(f"<div>{fake}</div>\n\n[@a]", KEYS)
    assert fake in result.html and numbers(result.html) == ["[1]"]


# -- unknown keys -----------------------------------------------------------------


def test_unknown_key_warns_with_file_line_and_shows_broken():
    source = "Intro.\n\n`[@xiao2024]` is the syntax.\n\nSee [@xiao2024; @a, p. 2] here.\n"
    result, diagnostics, _ = cite(source, [XIAO, *KEYS], line_map=lambda n: n + 10)
    (warning,) = diagnostics.items
    assert (warning.level, warning.file, warning.line) == ("warning", "docs/posts/p.md", 15)
    assert warning.message == "unknown citation key 'xiao2024'"
    assert warning.hint == "did you mean 'xiao2023'?"
    broken = '<span class="citation citation--broken" title="Unknown citation key: xiao2024">@xiao2024?</span>'
    assert broken in result.html
    assert numbers(result.html) == ["[1, p. 2; @xiao2024?]"]


def test_unknown_key_warns_on_each_line_once():
    source = "[@nope]\n\n```\n[@nope]\n```\n\n[@nope] and [@nope]\n"
    _, diagnostics, _ = cite(source, KEYS)
    assert [d.line for d in diagnostics.items] == [1, 7]
    assert diagnostics.items[0].hint and "bibliography" in diagnostics.items[0].hint


# -- rendering --------------------------------------------------------------------


def test_hover_title_is_the_plain_reference():
    result, _, _ = cite("[@xiao2023] [@openai2023gpt4v]", [XIAO, GPT4V])
    xiao = (
        "Guangxuan Xiao, Yuandong Tian, Beidi Chen, et al., “Efficient Streaming Language Models with "
        "Attention Sinks,” ICLR, 2023. arXiv:2309.17453"
    )
    assert result.references[0].text == xiao
    assert f'title="{xiao}">1</a>' in result.html
    gpt = "OpenAI. &quot;GPT-4V(ision) System Card.&quot; 2023. https://openai.com/research/gpt-4v-system-card"
    assert f'title="{gpt}">2</a>' in result.html


@pytest.mark.parametrize(
    "record, text",
    [
        (Record(title="Solo", authors=["Ada Lovelace"], year=1843), "Ada Lovelace, “Solo,” 1843."),
        (Record(title="Duo", authors=["Lovelace, Ada", "Alan Turing"]), "Ada Lovelace and Alan Turing, “Duo.”"),
        (Record(title="Trio", authors=["A A", "B B", "C C"]), "A A, B B, and C C, “Trio.”"),
        (Record(title="Why?", authors=["A A"], venue="NeurIPS"), "A A, “Why?” NeurIPS."),
        (Record(authors=["A A", "others"], year=2020), "A A, et al., 2020."),
        (Record(arxiv="2309.17453"), "arXiv:2309.17453"),
        (Record(title="T", doi="10.1000/XY"), "“T.” doi:10.1000/xy"),
        (Record(id="k"), "k"),
    ],
)
def test_reference_text(record, text):
    assert reference_text(record) == text


def test_reference_links():
    record = Record(title="T", arxiv="2309.17453", doi="10.1000/a<b>", url="https://example.com/?a=1&b=2")
    assert reference_links(record) == [
        ("arXiv:2309.17453", "https://arxiv.org/abs/2309.17453"),
        ("doi:10.1000/a<b>", "https://doi.org/10.1000/a%3Cb%3E"),
        ("https://example.com/?a=1&b=2", "https://example.com/?a=1&b=2"),
    ]


def test_reference_list_has_items_links_and_back_links():
    source = "## Intro\n\n[@xiao2023] then [@openai2023gpt4v; @xiao2023]."
    result, _, _ = cite(source, [XIAO, GPT4V, LIU])
    html = result.references_html
    assert result.toc_title == "References" and result.toc_id == "references"
    # The heading keeps the whole list out of Material's search: no reference list as a result.
    assert html.startswith('<h2 id="references" data-search-exclude>References</h2>\n<ol class="references">')
    items = re.findall(r"<li id=\"([^\"]+)\">(.*?)</li>", html)
    assert [anchor for anchor, _ in items] == ["ref-xiao2023", "ref-openai2023gpt4v", "ref-liu2024"]
    xiao = items[0][1]
    assert '<a class="reference-link" href="https://arxiv.org/abs/2309.17453">arXiv:2309.17453</a>' in xiao
    assert xiao.count('class="citation-backref"') == 2
    for anchor in result.references[0].backlinks:
        assert f'href="#{anchor}"' in xiao and f'id="{anchor}"' in result.html
    gpt = items[1][1]
    assert "OpenAI. &#34;GPT-4V(ision) System Card.&#34; 2023." in gpt
    assert 'href="https://openai.com/research/gpt-4v-system-card"' in gpt
    assert "citation-backref" not in items[2][1]


def test_reference_heading_id_avoids_a_writers_heading():
    result, _, _ = cite("## References\n\n## References\n\n[@a]", KEYS)
    assert result.toc_id == "references_2"
    assert result.references_html.startswith('<h2 id="references_2" ')


HOSTILE = Record(
    id="x",
    title='<script>alert("t")</script> & \'q\'',
    authors=['Eve "<img src=x onerror=alert(1)>"'],
    venue="A&B <i>",
    url="https://example.com/?q=\"><script>",
)


def test_hostile_fields_are_escaped_everywhere():
    result, _, _ = cite("[@x]", [HOSTILE])
    for html in (result.html, result.references_html):
        assert "<script" not in html and "<img" not in html and "<i>" not in html
    title = re.search(r'class="citation" [^>]*title="([^"]*)"', result.html).group(1)
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; &amp; &#x27;q&#x27;" in title
    assert 'href="https://example.com/?q=&#34;&gt;&lt;script&gt;"' in result.references_html
    assert "A&amp;B &lt;i&gt;" in result.references_html


def test_hostile_free_text_is_escaped():
    record = Record(id="t", text="<b>bold</b> & \"quoted\"")
    result, _, _ = cite("[@t]", [record])
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &#34;quoted&#34;" in result.references_html
    assert 'title="&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"' in result.html


# -- properties -------------------------------------------------------------------

TOKENS = [*"ab @[];,.:-_*`~$^=+/\\<>&\"'!#|()\n\t", "[@a]", "[@b; @a, p. 2]", "[@zz]", "```\n", "    ", "<span>"]
MARKDOWNISH = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWNISH)
def test_never_crashes_and_leaves_no_placeholder(source):
    result, diagnostics, _ = cite(source, KEYS[:2])
    assert "papernotes-citation" not in result.html
    assert all(d.level == "warning" for d in diagnostics.items)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(MARKDOWNISH, st.text(max_size=80)))
def test_text_without_citations_is_unchanged(source):
    source = source.replace("[@", "[ @")
    result, diagnostics, _ = cite(source, [])
    assert result.html == plain(source)
    assert result.references_html == "" and not diagnostics.items


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(MARKDOWNISH, st.text(max_size=30)).filter(lambda t: not set(t) & set("[]@#\\`")),
    st.lists(st.sampled_from("abc"), min_size=1, max_size=3),
)
def test_text_around_a_citation_is_unchanged(prefix, keys):
    # The page equals the one where the writer typed a word in place of the citation: one that,
    # like `[@a]`, starts with punctuation, so `!!! [@a]` is no admonition in either (`!!! CITE` is).
    source = f"{prefix} [{'; '.join('@' + k for k in keys)}] tail"
    result, _, _ = cite(source, KEYS)
    assume("citation-group" in result.html)  # not when the prefix opens code or math
    shown = re.sub(r'<span class="citation-group">.*?\]</span>', "(CITE)", result.html, flags=re.DOTALL)
    # After a hard line break Python-Markdown drops the spaces before any inline element
    # (`a  \n *b*` too); a reader sees no spaces at the start of a line either way.
    assert after_breaks(shown) == after_breaks(plain(f"{prefix} (CITE) tail"))


def after_breaks(html: str) -> str:
    return re.sub(r"<br />\n[ \t]+", "<br />\n", html)


@pytest.mark.parametrize("prefix", ["a  \n", "a\t\n", "a\n", "a"])
def test_a_citation_after_a_line_break_reads_like_a_word(prefix):
    result, _, _ = cite(f"{prefix} [@a] tail", KEYS)
    shown = re.sub(r'<span class="citation-group">.*?\]</span>', "CITE", result.html, flags=re.DOTALL)
    assert after_breaks(shown) == after_breaks(plain(f"{prefix} CITE tail"))


def test_a_long_post_converts_quickly():
    source = "\n\n".join(f"Paragraph {i} cites [@{'abcdefg'[i % 7]}; @a, p. {i}] and `[@code]`." for i in range(2000))
    started = time.perf_counter()
    result, diagnostics, _ = cite(source, KEYS)
    assert time.perf_counter() - started < 10  # about 0.5 s; the point is "not quadratic"
    assert len(result.references[0].backlinks) == 2000 + 2000 // 7 + 1 and not diagnostics.items
