"""`search_sections.add_entries` makes exactly Material's search entries, or declines.

Every test compares, on fresh indexes, what Material's
`SearchIndex.add_entry_from_context` appends with what `add_entries` appends:
equal entries (keys in the same order), or `add_entries` returns False and
leaves the index untouched. Pages come from the demo site and generated
corpora (built as sites, as the search plugin receives them, and converted
from Markdown alone), hand-written HTML for each of Material's parser quirks,
and Hypothesis. The realistic pages must take the fast path: a module that
always declined would pass the comparisons.
"""

from __future__ import annotations

import sys
import types
from html.parser import HTMLParser
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from material.plugins.search import plugin as material
from material.plugins.search.plugin import SearchIndex
from mkdocs.structure.toc import get_toc

from conftest import ROOT
from papernotes.mkdocs_plugin import search_sections
from papernotes.mkdocs_plugin.search_sections import add_entries

sys.path.insert(0, str(ROOT / "scripts"))
import bench_search_sections as bench  # noqa: E402
import corpus as corpus_mod  # noqa: E402

SENTINEL = {"location": "other/", "title": "Another page", "text": "Indexed before."}


def page(html: str, *, url: str = "notes/page/", toc: Any = None, title: str = "Page title", **meta: Any) -> Any:
    return types.SimpleNamespace(content=html, toc=toc if toc is not None else [], url=url, meta=meta, title=title)


def ordered(entries: list[dict]) -> list[list[tuple[str, Any]]]:
    return [list(entry.items()) for entry in entries]


def check(page: Any) -> bool:
    """Material's entries, or a decline that adds nothing; returns whether the fast path was taken."""
    expected = SearchIndex()
    try:
        expected.add_entry_from_context(page)
    except Exception:  # Material fails on this page: we must leave it to Material
        expected = None
    index = SearchIndex()
    index.entries.append(dict(SENTINEL))
    before = index.entries
    taken = add_entries(index, page)
    assert index.entries is before
    if not taken:
        assert index.entries == [SENTINEL]
        return False
    assert expected is not None, "add_entries indexed a page Material fails on"
    assert ordered(index.entries[1:]) == ordered(expected.entries)
    return True


def needs_corpus() -> None:
    if not corpus_mod.ABSTRACTS.exists():
        pytest.skip(f"the shared abstracts table is missing: {corpus_mod.ABSTRACTS}")


# -- realistic pages -------------------------------------------------------------


def excluded(page: Any) -> bool:
    return bool((page.meta.get("search") or {}).get("exclude"))


@pytest.mark.slow
def test_demo_site_pages(tmp_path: Path) -> None:
    """Every page of the demo site, as the search plugin gets it."""
    pages = bench.site_pages(ROOT / "mkdocs.yml", tmp_path / "site")
    assert len(pages) > 50
    taken = {p.url: check(p) for p in pages}
    assert not any(taken[p.url] for p in pages if excluded(p))  # Material skips them, and so does the caller
    # All take the fast path today; a writer may yet add raw HTML that it declines.
    declined = [p.url for p in pages if not excluded(p) and not taken[p.url]]
    assert len(declined) <= len(pages) // 10, declined


@pytest.mark.slow
def test_generated_site_pages(tmp_path: Path) -> None:
    """Posts, listings, topic and paper pages of a generated site, as the search plugin gets them."""
    needs_corpus()
    pages = bench.corpus_site_pages(corpus_mod.make_corpus(12), tmp_path / "site-src")
    assert len([p for p in pages if not excluded(p)]) > 60
    declined = [p.url for p in pages if not check(p) and not excluded(p)]
    assert declined == []


def test_generated_posts_from_markdown() -> None:
    needs_corpus()
    pages = bench.corpus_markdown_pages(corpus_mod.make_corpus(40).posts)
    declined = [p.url for p in pages if not check(p)]
    assert declined == []


@pytest.fixture(scope="module")
def convert() -> Any:
    return bench.markdown_converter()


MARKDOWN = {
    "headings and permalinks": "# Title\n\nIntro.\n\n## Part *one*\n\nText.\n\n### Deeper `code`\n\nMore.\n",
    "first heading below h1": "Preface text.\n\n## Second level\n\nBody.\n",
    "no heading": "Just a paragraph with AT&T, 1 < 2 and &copy; &#169; &#x27;.\n",
    "entities": "Tom &amp; Jerry &lt;b&gt; &quot;quoted&quot; &#39;single&#39; non&nbsp;breaking &mdash; &#8212;\n",
    "lists": "- one\n- two\n    1. nested\n    2. list\n\n        with a paragraph\n- three\n",
    "code": "```python\ndef f(x):\n    return x < 1 and '&'\n\n\n    # blank lines\n```\n\nInline `a <b> & c`.\n",
    "line numbers": "```python linenums=\"1\"\nimport os\nprint(os.sep)\n```\n",
    "highlighted lines": "```python hl_lines=\"2\" title=\"f.py\"\na = 1\nb = 2\n```\n",
    "table": "| a | b |\n| --- | ---: |\n| `x` | 1.5 |\n| **y** | &lt;2 |\n",
    "admonitions": "!!! note \"A note\"\n    Inside the *note*.\n\n??? tip \"Folded\"\n    Hidden text.\n\n???+ warning\n    Open.\n",
    "tabs": "=== \"One\"\n\n    First tab.\n\n=== \"Two\"\n\n    Second tab.\n",
    "footnotes": "Claim.[^1] Another.[^n]\n\n[^1]: The source.\n[^n]: More *detail*.\n",
    "math": "Inline $x_i < y^2$ and\n\n$$\n\\frac{a}{b} = \\sqrt{c}\n$$\n",
    "excluded block": (
        "## Kept\n\nVisible.\n\n<div markdown data-search-exclude>\n\n## Hidden {: data-search-exclude }\n\n"
        "Not indexed.\n\n</div>\n\nAfter.\n"
    ),
    "excluded heading": "## Shown\n\nText.\n\n## Hidden {: data-search-exclude }\n\nStill text.\n",
    "raw html": "<details><summary>More</summary>\n<p>Inside<br>line<br/>two</p>\n</details>\n\nA<kbd>Ctrl</kbd>.\n\n<hr>\n",
    "images and breaks": "Line one  \nLine two ![alt text](a.png \"title\")\n\n***\n",
    "emoji and marks": "Hi :smile: ==marked== ^^ins^^ ~~del~~ H~2~O (c) -->\n",
    "tasks and definitions": "- [x] done\n- [ ] todo\n\nTerm\n:   Definition *here*.\n\n*[HTML]: Hyper Text\n\nHTML is here.\n",
    "attributes": "## Heading {#custom-id .cls title=\"T&amp;x\" }\n\nPara.\n{: .note data-x=\"1\" }\n",
    "nested headings in html": "<section markdown>\n\n## Inside\n\nText.\n\n</section>\n\nOutside text.\n\n## Later\n\nEnd.\n",
    "comments": "Before\n\n<!-- more -->\n\nAfter <!-- inline --> text.\n",
    "blockquote": "> Quoted *text*\n>\n> - with a list\n\nAfter.\n",
    "pre whitespace": "```\n  indented\n\n\n\ttabs\tand  spaces  \n```\n",
}


@pytest.mark.parametrize("name", MARKDOWN)
def test_markdown_features(convert: Any, name: str) -> None:
    html, toc = convert(MARKDOWN[name])
    assert check(page(html, toc=toc, tags=["LLM", 3, None, True])), html


# -- hand-written HTML: Material's parser quirks -------------------------------------

QUIRKS = {
    # Element compares by tag: an excluded element's tag skips every open element with that tag ...
    "exclude by tag": "<p>a</p><div data-search-exclude><div>hidden</div>shown again<p>x</p></div><p>b</p>",
    "exclude nested same tag": "<div data-search-exclude><p>in</p><div><div>deep</div>out</div>tail</div>after",
    "exclude value forms": "<div data-search-exclude=\"\">a</div><span data-search-exclude='1'>b</span><i DATA-SEARCH-EXCLUDE>c</i>d",
    "exclude self-closed": "<div data-search-exclude/>text<div>more</div>",
    "linenodiv": '<table><tr><td><div class="linenodiv"><pre>1\n2</pre></div></td><td><pre><code>a\nb</code></pre></td></tr></table>',
    "linenodiv escaped": '<div class="linenod&#105;v">numbers</div><div class="linenodiv x">kept</div>',
    "object always skipped": "<p>a<object>x</object>b</p><object><p>c</p></object>d",
    # ... end tags only close the innermost element ...
    "stray end tags": "<p>a</em>b</div></p>c</p><ul><li>x</ul></li>",
    "end tag case and space": "<P>a</P ><Code>b</CODE\n>",
    # ... headings and sections ...
    "first h1 without preface": '<h1 id="t">Title</h1><p>x</p><h2 id="s">Sub</h2><p>y</p>',
    "preface before h1": '\n<h1 id="t">Title</h1><p>x</p>',
    "first heading h3": '<h3 id="c">C</h3><p>x</p><h1 id="t">T</h1><p>y</p>',
    "heading without id": "<h2>No id</h2><p>x</p><h2 id>valueless</h2><p>y</p><h2 id=\"\">empty</h2>z",
    "heading nested": '<p>a</p><section><h2 id="in">In</h2><p>x</p></section><p>back</p><div><div><h3 id="d">D</h3></div>out</div>',
    "heading in list": '<ul><li>a<h2 id="x">X</h2>b</li><li>c</li></ul><p>d</p>',
    "excluded heading": '<h2 id="a">A</h2><p>x</p><h2 id="b" data-search-exclude>B</h2><p>y</p><h2 id="c">C</h2>z',
    "heading markup": '<h2 id="a">A <code>x&lt;y</code> <em>e</em><sup>2</sup><a class="headerlink" href="#a" title="Permanent link">&para;</a></h2>',
    "permalink forms": '<h2 id="a">A<a class="headerlink" href="#a">#</a> tail<a class="other">o</a></h2><h2 id="b">B<A CLASS="headerlink"><span>x</span></A></h2>',
    "headerlink outside heading": '<p>a<a class="headerlink" href="#">link text</a></p>',
    "hx element": "<hx>odd</hx><p>a</p><hx>again</hx>",
    "heading ids with entities": '<h2 id="a&amp;b">A</h2>x<h2 id=\'q&quot;\'>Q</h2>y',
    # ... kept tags and empty ones ...
    "empty kept tags": "<p> </p><p></p><li>\n</li><ul>\n<li>x</li>\n</ul><code> </code><pre>\n</pre>",
    "first opening wins": "<p>x</p><p> </p><p>\n</p>",
    "kept tags in title": '<h2 id="a"><code> </code>A<sub>i</sub></h2><p>x</p>',
    "kept sub sup": "<p>H<sub>2</sub>O e<sup>x</sup><sup> </sup></p>",
    # ... text: whitespace, entities, escaping ...
    "whitespace": "<p>a\nb  c\r\n</p>\n\n<p>\t</p>   \n<div> </div> <div>&nbsp;</div>x&nbsp;y",
    "pre whitespace": "<pre>\n  a\n\n\n  b  </pre><pre><code>x\n</code>\n\n</pre> \n ",
    "entities in text": "&amp; &lt; &gt; &quot; &#39; &#x27; &nbsp; &#8212; &#x2014; &copy &copy2 &notit; &amp &AMP; &#0; &#x110000;",
    "bare ampersands": "a & b && c &; &# &#x; &#xZZ; fish&chips 1&2",
    "greater than in text": "a > b >> c",
    "escapes back": "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp;</p>",
    "text only": "plain text with & and no tags",
    "empty": "",
    "comments": "a<!-- c -->b<!---->c<!-- more --> <!-- x -->\n<!-- y -->d",
    # ... tags: case, attributes, self-closing, void ...
    "uppercase": '<DIV><P CLASS="x">Up</P></DIV><H2 ID="UP">T</H2>',
    "attribute forms": "<p class='single' title=\"dou'ble\" data-x=\"a>b\" hidden data-e=\"\">x</p><a href=\"?a=1&amp;b=2\">l</a>",
    "self-closing": '<p>a<br/>b<br />c<img src="x.png" alt="y" />d<hr/>e</p><p/>f<span/>g<svg><path d="M0 0"/></svg>',
    "void end tags": "<p>a</br>b<br></br>c</img></p>",
    "math": '<p>x <math xmlns="http://www.w3.org/1998/Math/MathML"><mrow><msub><mi>x</mi><mi>i</mi></msub><mo>&lt;</mo><mn>2</mn></mrow></math> y</p>',
    "details": '<details class="note" open="open"><summary>S</summary><p>In</p></details>',
    "footnotes": '<p>x<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup></p><div class="footnote"><hr /><ol><li id="fn:1"><p>Note.&#160;<a class="footnote-backref" href="#fnref:1" title="Jump back">&#8617;</a></p></li></ol></div>',
    "names with punctuation": '<my-el x:y="1" a.b="2" _c="3">t</my-el><x:y>u</x:y>',
}


@pytest.mark.parametrize("name", QUIRKS)
def test_quirks(name: str) -> None:
    assert check(page(QUIRKS[name]))


DECLINED = {
    "script": "<p>a</p><script>var x = '<p>';</script>",
    "style": "<style>p { color: red }</style><p>a</p>",
    "uppercase script": "<SCRIPT>x</SCRIPT>",
    "textarea": "<textarea>a <b> c</textarea>",
    "title": "<title>T</title>",
    "doctype": "<!DOCTYPE html><p>a</p>",
    "cdata": "<p>a<![CDATA[x<y]]></p>",
    "processing instruction": "<?xml version=\"1.0\"?><p>a</p>",
    "bare less-than": "<p>a < b</p>",
    "trailing less-than": "<p>a</p><",
    "less-than before digit": "<p>1<2</p>",
    "unquoted attribute": "<a href=x>l</a>",
    "spaces around equals": '<a href = "x">l</a>',
    "attributes without space": '<a href="x"title="y">l</a>',
    "odd attribute name": '<a @click="x">l</a>',
    "unclosed tag": '<p class="x">a<p',
    "unclosed quote": '<p class="x>a</p>',
    "space after <": "< p>a</p>",
    "space after </": "<p>a</ p>",
    "vertical tab in tag": "<p\vclass=\"x\">a</p>",
    "comment with double dash": "<!-- a -- b -->x",
    "short comment": "<!-->x",
    "bogus comment": "<!x>y",
    "end tag with attributes": '<p>a</p class="x">',
    # The inner </div> ends the exclusion, so Material renders </p> but never rendered <p>: it raises.
    "kept end tag without opening": "<div data-search-exclude><p><div>a</div></p></div>",
}


@pytest.mark.parametrize("name", DECLINED)
def test_declines(name: str) -> None:
    assert not check(page(DECLINED[name]))


def test_toc_locations_and_meta() -> None:
    toc = get_toc([
        {"level": 1, "id": "top", "name": "Top", "children": [
            {"level": 2, "id": "a", "name": "A", "children": [{"level": 3, "id": "deep", "name": "Deep", "children": []}]},
        ]},
    ])
    html = '<h1 id="top">Top</h1><p>x</p><h2 id="a">A</h2><p>y</p><h3 id="deep">Deep</h3><p>z</p><h2 id="notoc">N</h2>w'
    for meta in [{}, {"title": "From meta"}, {"tags": ["a", 1, 2.5, False, None, "", ["x"]]}, {"search": {"boost": 2}},
                 {"search": {"boost": 0.5}, "tags": "not a list"}, {"search": None}]:
        assert check(page(html, toc=toc, **meta))
    assert check(page("<h2 id=\"a\">A</h2>text", toc=toc, title="Given"))  # the preface takes the page title


def test_declines_what_material_skips_or_cannot_index() -> None:
    assert not check(page("<p>x</p>", search={"exclude": True}))
    assert not check(page("<p>x</p>", search=["not", "a", "dict"]))  # Material raises
    assert not check(types.SimpleNamespace(content=None, toc=[], url="x/", meta={}, title="T"))


class _Fresh:
    """Clears the cached decision of whether the fast path is available, before and after a test."""

    def __enter__(self) -> None:
        search_sections._fast_path_available.cache_clear()

    def __exit__(self, *exc: Any) -> None:
        search_sections._fast_path_available.cache_clear()


def test_declines_with_jieba(monkeypatch: pytest.MonkeyPatch) -> None:
    with _Fresh():
        monkeypatch.setattr(material, "jieba", types.SimpleNamespace())
        index = SearchIndex()
        assert not add_entries(index, page("<p>x</p>"))
        assert index.entries == []


def test_declines_when_material_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    with _Fresh():
        monkeypatch.setattr(search_sections, "_MATERIAL_DIGEST", "0" * 64)
        assert not add_entries(SearchIndex(), page("<p>x</p>"))


def test_declines_for_an_index_that_indexes_its_own_way() -> None:
    class Custom(SearchIndex):
        def add_entry_from_context(self, page: Any) -> None:
            self.entries.append({"custom": True})

    with _Fresh():
        assert not add_entries(Custom(), page("<p>x</p>"))
        assert add_entries(SearchIndex(), page("<p>x</p>"))


def test_a_failing_entry_leaves_the_index_untouched() -> None:
    class Failing(SearchIndex):
        def create_entry_for_section(self, section: Any, toc: Any, url: str, page: Any) -> None:
            if len(self.entries) >= 1:
                raise RuntimeError("second section")
            super().create_entry_for_section(section, toc, url, page)

    index = Failing()
    assert not add_entries(index, page('<p>a</p><h2 id="b">B</h2><p>b</p>'))
    assert index.entries == []


def test_the_mirrored_material_code_is_unchanged() -> None:
    assert search_sections._material_digest() == search_sections._MATERIAL_DIGEST, (
        "Material's search parser changed: check search_sections.py against it, then update _MATERIAL_DIGEST"
    )
    assert search_sections._agrees()


# -- Hypothesis ------------------------------------------------------------------------

TAGS = [
    "p", "div", "span", "a", "h1", "h2", "h3", "h6", "pre", "code", "li", "ul", "ol", "sub", "sup", "em",
    "section", "details", "summary", "math", "mi", "object", "hx", "svg", "path", "table", "td",
    "br", "img", "hr", "wbr", "input", "H2", "P", "Pre", "A", "my-el", "x:y",
]  # fmt: skip
ATTRIBUTE_NAMES = ["id", "class", "href", "data-search-exclude", "DATA-SEARCH-EXCLUDE", "ID", "Class", "title", "x:y", "_a"]
# Well-formed pieces, which the fast path must read as html.parser does ...
SAFE_VALUES = st.one_of(
    st.sampled_from(["headerlink", "linenodiv", "x", "", "a b", "head&#108;erlink", "&amp;", "q&quot;", "x>y", "a<b", "&copy"]),
    st.text(alphabet="ab &;#<>=/\n", max_size=6),
)
SAFE_SPACE = st.sampled_from([" ", " ", " ", "  ", "\n", "\t", "\r\n", "\f"])
SAFE_TEXTS = st.one_of(
    st.sampled_from([
        "word", "two words", " ", "\n", "\n\n", "  ", "\xa0", "\r", "\t", "&amp;", "&lt;", "&gt;", "&quot;", "&#39;",
        "&nbsp;", "&#8212;", "&#x2014;", "&copy", "&copy;x", "&notit;", "&", "&#", "&#x;", ">", "<!-- c -->", "<!---->",
    ]),
    st.text(alphabet="ab \n&;#>\xa0", max_size=8),
)  # fmt: skip
# ... and pieces it must decline (or read right).
RISKY_VALUES = st.text(alphabet="ab &;#<>\"'=/\n", max_size=6)
RISKY_SPACE = st.sampled_from(["\v", "\xa0", "", " "])
RISKY_TEXTS = st.sampled_from([
    "a<b", "x < y", "<", "<!-- a -- b -->", "<!-->", "<!DOCTYPE html>", "<![CDATA[x]]>", "<?pi?>",
    "<script>x='<p>'</script>", "<style>p{}</style>", "<textarea><p></textarea>",
])  # fmt: skip


@st.composite
def start_tags(draw: st.DrawFn, names: st.SearchStrategy[str] = st.sampled_from(TAGS), risky: bool = False) -> str:
    space = st.one_of(SAFE_SPACE, RISKY_SPACE) if risky else SAFE_SPACE
    out = "<" + draw(names)
    for _ in range(draw(st.integers(0, 3))):
        out += draw(space) + draw(st.sampled_from(ATTRIBUTE_NAMES))
        quote = draw(st.sampled_from(['"', "'", None] + (["", " = "] if risky else [])))
        if quote is not None:
            value = draw(st.one_of(SAFE_VALUES, RISKY_VALUES) if risky else SAFE_VALUES.filter(lambda v: quote not in v))
            out += "=" + quote + value + quote if quote != " = " else quote + f'"{value}"'
    return out + draw(st.sampled_from(["", "", " ", "\n"])) + draw(st.sampled_from([">", ">", ">", "/>", " />"]))


def end_tags(risky: bool = False) -> st.SearchStrategy[str]:
    spaces = ["", "", " ", "\n"] + (["\v", " x", "/"] if risky else [])
    return st.builds(lambda name, space: f"</{name}{space}>", st.sampled_from(TAGS), st.sampled_from(spaces))


SOUP = st.lists(st.one_of(start_tags(), end_tags(), SAFE_TEXTS), max_size=40).map("".join)
RISKY_SOUP = st.lists(
    st.one_of(start_tags(), end_tags(), SAFE_TEXTS, start_tags(risky=True), end_tags(risky=True), RISKY_TEXTS), max_size=40
).map("".join)


# Balanced HTML: elements nested in elements, with headings, exclusions, permalinks and <pre>.
ELEMENT_NAMES = st.sampled_from(["div", "section", "p", "li", "pre", "code", "h2", "h3", "h1", "span", "a", "ul", "details"])
ELEMENT_ATTRIBUTES = st.lists(
    st.sampled_from([' id="s1"', ' id="s2"', " data-search-exclude", ' class="headerlink"', ' class="linenodiv"', ' class="x"']),
    max_size=2, unique=True,
).map("".join)


def element(name: str, attributes: str, children: list[str]) -> str:
    return f"<{name}{attributes}>{''.join(children)}</{name}>"


NODES = st.recursive(
    SAFE_TEXTS | start_tags(st.sampled_from(["br", "img", "hr", "path"])),
    lambda children: st.builds(element, ELEMENT_NAMES, ELEMENT_ATTRIBUTES, st.lists(children, max_size=4)),
    max_leaves=20,
)
TREES = st.lists(NODES, max_size=6).map("".join)


class Recorder(HTMLParser):
    """The events html.parser reports (start, end and data), as Material's Parser receives them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.events.append(("start", tag, list(dict(attrs).items())))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        self.events.append(("data", data))


def our_events(html: str) -> list[tuple] | None:
    """The same events from search_sections' tokenizer, or None where it declines."""
    events: list[tuple] = []
    for tag, attrs, closed, end, other, text in search_sections._TOKEN.findall(html):
        if other or tag.lower() in search_sections._RAW_TEXT:
            return None
        if tag:
            events.append(("start", tag.lower(), list(search_sections._attributes(attrs).items())))
            if closed:
                events.append(("end", tag.lower()))
        elif end:
            events.append(("end", end.lower()))
        if text:
            events.append(("data", unescape(text)))
    return events


def html_parser_events(html: str) -> list[tuple]:
    parser = Recorder()
    parser.feed(html)
    parser.close()
    return parser.events


@settings(max_examples=300, deadline=None)
@given(SOUP)
def test_tokenizer_reads_well_formed_html_as_html_parser_does(html: str) -> None:
    assert our_events(html) == html_parser_events(html)


@settings(max_examples=300, deadline=None)
@given(RISKY_SOUP)
def test_tokenizer_declines_or_reads_as_html_parser_does(html: str) -> None:
    ours = our_events(html)
    if ours is not None:
        assert ours == html_parser_events(html)


def material_fails(page: Any) -> bool:
    try:
        SearchIndex().add_entry_from_context(page)
    except Exception:
        return True
    return False


@settings(max_examples=300, deadline=None)
@given(SOUP)
def test_random_well_formed_html(html: str) -> None:
    p = page(html)
    assert check(p) or material_fails(p)


@settings(max_examples=300, deadline=None)
@given(RISKY_SOUP)
def test_random_html(html: str) -> None:
    check(page(html))


@settings(max_examples=300, deadline=None)
@given(TREES)
def test_random_nested_html(html: str) -> None:
    p = page(html)
    assert check(p) or material_fails(p)


INLINE = st.sampled_from([
    "word", "*em*", "**strong**", "`co<de>`", "&amp;", "AT&T", "1 < 2", "a > b", "&copy;", "&#8212;", "[link](x.md \"t\")",
    "<kbd>k</kbd>", "<br>", "$x<y$", "[^1]", ":smile:", "==mark==", "H~2~O", "'quote'", "\"dq\"", "--", "\\*",
])  # fmt: skip
LINE = st.lists(INLINE, min_size=1, max_size=6).map(" ".join)
BLOCKS = st.one_of(
    st.builds(lambda level, text, attrs: f"{'#' * level} {text}{attrs}", st.integers(1, 6), LINE,
              st.sampled_from(["", "", " {: data-search-exclude }", " {#custom .c }"])),
    LINE,
    st.lists(LINE, min_size=1, max_size=3).map(lambda items: "\n".join(f"- {i}" for i in items)),
    st.lists(LINE, min_size=1, max_size=3).map(lambda items: "\n".join(f"1. {i}" for i in items)),
    st.builds(lambda code, nums: f"```python{nums}\n{code}\n```", st.text(alphabet="ab <>&\n\t ='\"", max_size=30),
              st.sampled_from(["", " linenums=\"1\""])),
    st.builds(lambda kind, text: f"{kind} note \"T\"\n    {text}", st.sampled_from(["!!!", "???", "???+"]), LINE),
    st.builds(lambda text: f"<div markdown data-search-exclude>\n\n{text}\n\n</div>", LINE),
    st.builds(lambda a, b: f"| h | i |\n| --- | --- |\n| {a} | {b} |", LINE, LINE),
    st.just("$$\n\\frac{a}{b}\n$$"),
    st.just("[^1]: A footnote."),
    st.just("<!-- more -->"),
    st.builds(lambda text: f"> {text}", LINE),
    st.builds(lambda text: f"    indented {text}", LINE),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(BLOCKS, max_size=10).map("\n\n".join))
def test_random_markdown(convert: Any, markdown_text: str) -> None:
    html, toc = convert(markdown_text)
    assert check(page(html, toc=toc, tags=["t"])), html  # Python-Markdown's HTML is all in the fast path
