"""Material's search entries for a page, computed without `html.parser`.

Material's search plugin indexes a page by feeding `page.content` to `Parser`,
a subclass of Python's pure-Python `html.parser.HTMLParser`, which cuts the
HTML into sections (one per heading with an id) and keeps their text and a
few tags. On a site of a few thousand posts that parsing is most of the
search plugin's time (about 20 s of CPU for 8,000 pages).

`add_entries(index, page)` appends to `index.entries` what
`index.add_entry_from_context(page)` would append, entry for entry, several
times faster: one compiled regular expression cuts the HTML into tags,
comments and text, and one loop does on them what `Parser`'s callbacks do,
keeping the open elements as plain strings instead of `Element` objects. The
entries themselves are made by the index's own `create_entry_for_section`,
so their locations, titles, tags and boosts come from Material's code.

It returns False, having appended nothing, whenever it cannot be sure of
giving the same result, and the caller then runs Material's own code:

- the page is excluded from search (Material skips it: nothing to gain),
  jieba is installed (Material then segments Chinese text), the index's
  class indexes pages its own way, or `page.content` is not a string;
- Material's parsing code is not the code this module mirrors (see
  `_MATERIAL_DIGEST`), or a sample page gives different entries (`_agrees`,
  run once per process: it catches a change in `html.parser` as well);
- the HTML has anything the tokenizer does not model exactly: a `<` that
  does not start a well-formed tag or a plain comment, `<!DOCTYPE`, CDATA,
  `<?`, unquoted or unusual attributes, a `<script>`, `<style>` or other
  element whose content `html.parser` reads as raw text in some Python
  version, or the end of a kept tag whose start `Parser` did not record
  (it would raise).

The HTML that Python-Markdown, its extensions, Pygments and papernotes'
templates write (tags with double- or single-quoted attributes, `<br />`,
comments such as `<!-- more -->`, character references) is all in the
modelled subset.

What `Parser` does, and what the loop reproduces (the quirks matter):

- `Element` compares and hashes by tag name only. So "is this element open"
  means "is an element with this tag open", and the set of skipped elements
  is really a set of tag names: an element with `data-search-exclude` (or
  `class="linenodiv"`) puts its tag in it, nothing is indexed while any
  element with that tag is open, and closing any element with that tag
  takes it out again.
- An end tag counts only if it closes the innermost open element; void tags
  (`br`, `img`, ...) are never pushed; `<x/>` is a start tag and an end tag.
- Text is unescaped per run between two tags (as `HTMLParser` does with
  `convert_charrefs=True`); outside `<pre>` a whitespace-only run becomes
  one space (none after another) and newlines become spaces; the result is
  escaped again. Text inside a permalink (`a.headerlink`) in a heading is
  left out of its title.
- A kept tag (`p`, `code`, `li`, ...) that closes with only whitespace since
  its first opening in the section is dropped, with everything after it.
"""

from __future__ import annotations

import functools
import inspect
import itertools
import re
import types
from html import escape, unescape
from typing import Any

from material.plugins.search import plugin as _material

from papernotes.core.digest import hash_text

__all__ = ["add_entries"]

# The hash (core/digest.py's `hash_text`) of the source of the Material code mirrored here (see `_material_source`),
# as of mkdocs-material 9.8.2. When Material changes it, the fast path turns off
# (and tests/site/test_search_sections.py says so) until someone has checked this
# module against the new code and updated the digest.
_MATERIAL_DIGEST = "b54461815d3410addf15ff041b418499"

_HEADINGS = frozenset(f"h{level}" for level in range(1, 7))
_VOID = frozenset(_material.void)
# Tags whose closing never takes them out of the skip set (hard-coded in Parser.handle_endtag).
_ALWAYS_SKIPPED = frozenset(["script", "style", "object"])
# Elements that html.parser reads as raw text (script, style), or may in other
# Python versions (RCDATA and the like): their content is not tokenized as HTML.
_RAW_TEXT = frozenset(
    ["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"]
)
# The tags Material keeps in the text, read from its Parser rather than copied.
_KEEP = frozenset(str(tag) for tag in _material.Parser().keep)

# An attribute name is case-insensitive. (The literal "-" first makes this search
# fast: a whole-pattern re.IGNORECASE search is slower than parsing the page.)
_SEARCH_EXCLUDE = re.compile(r"-(?i:search-exclude)")

_WS = r"[ \t\n\r\f]"  # what both html.parser and HTML call whitespace inside a tag
_NAME = r"[a-zA-Z][-.a-zA-Z0-9:_]*"  # a tag name html.parser reads the same in start and end tags
_ATTRIBUTE = r"""[a-zA-Z_:][-.a-zA-Z0-9:_]*(?:="[^"]*"|='[^']*')?"""

# The whole page is a sequence of these tokens: a piece of markup and the text
# after it (one token rather than two: fewer rounds of the loop below). Each
# kind of markup is a subset of what html.parser accepts, chosen so that it
# reads it the same way; anything else starting with "<" is caught by group 5,
# which makes us give up. The empty alternative matches only at the start of
# the page (and at its end: an empty token).
_TOKEN = re.compile(
    rf"""
    (?: <({_NAME})((?:{_WS}+{_ATTRIBUTE})*){_WS}*(/?)>          # 1: start tag, 2: attributes, 3: "/" of <x/>
      | </({_NAME}){_WS}*>                                      # 4: end tag
      | <!--(?:[^->]|-(?!-))*-->                                # a comment without "--" or ">" inside
      | (<)                                                     # 5: anything else: give up
      |                                                         # the start of the page
    )
    ([^<]*)                                                     # 6: text
    """,
    re.VERBOSE,
)
_ATTRIBUTES = re.compile(r"""([a-zA-Z_:][-.a-zA-Z0-9:_]*)(?:="([^"]*)"|='([^']*)')?""")


class _Unsupported(Exception):
    """The page has something this module does not model: Material must parse it."""


class _Section:
    """A heading and the text after it; the attributes are those `create_entry_for_section` reads."""

    __slots__ = ("tag", "depth", "id", "title", "text", "excluded")

    def __init__(self, tag: str, depth: int | float, excluded: bool = False) -> None:
        self.tag = tag  # the heading's tag, or "hx" for the text before the first one
        self.depth = depth  # how many elements were open at the heading; inf once left
        self.id: str | None = None
        self.title: list[str] = []
        self.text: list[str] = []
        self.excluded = excluded


def _attributes(text: str) -> dict[str, str | None]:
    """A tag's attributes as html.parser reports them: names lowercased, values unescaped, None without a value."""
    attrs: dict[str, str | None] = {}
    for match in _ATTRIBUTES.finditer(text):
        name, double, single = match.groups()
        value = double if double is not None else single
        attrs[name.lower()] = unescape(value) if value else value
    return attrs


def _split(html: str) -> list[_Section]:
    """The sections Material's Parser finds in `html`; raises `_Unsupported` for what is not modelled.

    One loop over the tokens, doing what Parser's handle_data, handle_starttag
    and handle_endtag do, with the parser's state in local variables (this
    loop is the whole cost of indexing, hence no method per token).
    """
    stack: list[str] = []  # tags of the open elements, innermost last (Parser.context)
    skip = set(_ALWAYS_SKIPPED)  # tags whose open elements hide their text (Parser.skip)
    headerlinks: list[int] = []  # stack depths of the open <a class="headerlink"> (permalinks)
    sections: list[_Section] = []
    section: _Section | None = None  # the section text goes to
    # Attributes matter only for a heading's id, a permalink's class, and on
    # any tag data-search-exclude or the class of Pygments' line numbers: on
    # pages that mention neither, only headings and permalinks are parsed.
    exclusions = "linenodiv" in html or _SEARCH_EXCLUDE.search(html) is not None

    for tag, attr_text, closed, end_tag, other, text in _TOKEN.findall(html):
        if tag:  # -- Parser.handle_starttag
            tag = tag.lower()
            if tag in _RAW_TEXT:
                raise _Unsupported(tag)
            if tag not in _VOID:  # void elements are never pushed (and their end tags then match nothing)
                stack.append(tag)
                excluded = False
                if attr_text and (
                    tag in _HEADINGS or exclusions or "&" in attr_text or (tag == "a" and "headerlink" in attr_text)
                ):
                    attrs = _attributes(attr_text)
                    if tag in _HEADINGS and "id" in attrs:
                        depth = len(stack)
                        if tag != "h1" and not sections:  # a first heading below h1: the preface gets its depth
                            sections.append(_Section("hx", depth))
                        heading = _Section(tag, depth, "data-search-exclude" in attrs)
                        if sections:  # the first section of a page has no anchor
                            heading.id = attrs["id"]
                        sections.append(heading)
                        section = heading
                    if tag == "a" and attrs.get("class") == "headerlink":
                        headerlinks.append(len(stack))
                    if "data-search-exclude" in attrs or attrs.get("class") == "linenodiv":
                        skip.add(tag)
                        excluded = True
                if section is None:  # the text before the first heading is a section too
                    section = _Section("hx", 0)
                    sections.append(section)
                if not excluded and tag in _KEEP and skip.isdisjoint(stack):
                    (section.title if section.tag in stack else section.text).append(f"<{tag}>")
            if closed:
                end_tag = tag  # <x/>: html.parser's handle_startendtag calls handle_endtag next
        elif other:
            raise _Unsupported(other)
        # (else a comment, or the start of the page: nothing but the end of a text run)

        # -- Parser.handle_endtag; only the innermost open element can be closed
        if end_tag and stack and stack[-1] == end_tag.lower():
            depth = len(stack)
            if section.depth > depth:
                # Leaving the element a heading was nested in: back to the last
                # section opened at this depth or above, and never to this one again.
                for earlier in reversed(sections):
                    if earlier.depth <= depth:
                        section.depth = float("inf")
                        section = earlier
                        break
            end_tag = stack.pop()
            if headerlinks and headerlinks[-1] == depth:
                headerlinks.pop()
            if end_tag in skip:
                if end_tag not in _ALWAYS_SKIPPED:
                    skip.remove(end_tag)
            elif end_tag in _KEEP and skip.isdisjoint(stack):
                _close_kept(section.title if section.tag in stack else section.text, end_tag)

        if text and skip.isdisjoint(stack):  # -- Parser.handle_data
            if "&" in text:
                text = unescape(text)
            blank = text.isspace()
            in_pre = "pre" in stack
            if not in_pre:
                text = " " if blank else text.replace("\n", " ")
            if section is None:
                section = _Section("hx", 0)
                sections.append(section)
            if not blank and ("&" in text or "<" in text or ">" in text):
                text = escape(text, quote=False)
            if section.tag in stack:  # inside the heading: its title, without the permalink
                if not headerlinks:
                    section.title.append(text)
            elif blank:
                out = section.text
                if in_pre or not out or not out[-1].isspace():  # one space between words; all of it in <pre>
                    out.append(text)
            else:
                section.text.append(text)
    return sections


def _close_kept(out: list[str], tag: str) -> None:
    """Close a kept tag: drop it, and all after it, if nothing but whitespace followed its first opening."""
    try:
        first = out.index(f"<{tag}>")  # the *first* opening in the section, as Parser does
    except ValueError:
        raise _Unsupported(f"</{tag}> without <{tag}>") from None  # Parser would raise
    for item in itertools.islice(out, first + 1, None):
        if not item.isspace():
            out.append(f"</{tag}>")
            return
    del out[first:]


def split_sections(html: str) -> list[_Section] | None:
    """The sections Material's Parser would find in `html`, or None if it has anything not modelled here."""
    try:
        return _split(html)
    except _Unsupported:
        return None


def add_entries(index: Any, page: Any) -> bool:
    """Append to `index.entries` what `index.add_entry_from_context(page)` would, and return True.

    Return False, having appended nothing, when that cannot be guaranteed: the
    caller then calls `index.add_entry_from_context(page)` itself.
    """
    search = page.meta.get("search") or {}
    if not isinstance(search, dict) or search.get("exclude"):
        return False
    content = page.content
    if not isinstance(content, str) or not _fast_path_available(type(index)):
        return False
    sections = split_sections(content)
    if sections is None:
        return False
    return _append(index, page, sections)


def _append(index: Any, page: Any, sections: list[_Section]) -> bool:
    entries = index.entries
    count = len(entries)
    try:
        for section in sections:
            if not section.excluded:
                index.create_entry_for_section(section, page.toc, page.url, page)
    except Exception:
        del entries[count:]  # let Material fail (or not) on its own
        return False
    return True


# -- when the fast path may be taken ------------------------------------------


def _material_source() -> str:
    """The source of what this module mirrors: Material's parser and the code that calls it."""
    parts = [
        inspect.getsource(_material.Element),
        inspect.getsource(_material.Section),
        inspect.getsource(_material.Parser),
        inspect.getsource(_material.SearchIndex.add_entry_from_context),
        repr(sorted(_material.void)),
    ]
    return "\n".join(parts)


def _material_digest() -> str:
    return hash_text(_material_source())


@functools.cache
def _fast_path_available(index_type: type) -> bool:
    if _material.jieba is not None:
        return False
    if getattr(index_type, "add_entry_from_context", None) is not _material.SearchIndex.add_entry_from_context:
        return False  # a subclass indexing pages its own way
    try:
        if _material_digest() != _MATERIAL_DIGEST:
            return False
    except (OSError, TypeError):  # no source to compare
        return False
    return _agrees()


# A page using every construct the tokenizer accepts, and Parser's quirks.
_SAMPLE = """\
<p>Before &amp; the <em>first</em> heading&nbsp;&copy2024 &#39;x&#x27; &lt;tag&gt;</p>
<!-- more -->
<H2 ID="one" Class='x'>One <code>a&lt;b</code><a class="headerlink" href="#one" title="Permanent link">&para;</a></h2>
<div class="highlight"><table><tr><td class="linenos"><div class="linenodiv"><pre>1
2</pre></div></td><td><pre><span></span><code><span class="k">def</span>  f():
    <span class="k">return</span> 1<br/>
</code></pre></td></tr></table></div>
<ul>
<li><p>item</p></li>
<li>  </li>
</ul>
<div data-search-exclude><div>hidden</div>shown <p></p></div>
<details open><summary>More</summary><p>Inside<br />line<img alt="x" src="a.png" /></p></details>
<section><h3 id="nested">Nested</h3><p>In the section</p></section><p>After it</p>
<math display="block"><mrow><mi>x</mi><mo>&lt;</mo><mn>2</mn></mrow></math><svg><path d="M0 0"/></svg>
<h4 id="hidden" data-search-exclude>Hidden heading</h4><p>text <sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup></p>
"""


def _agrees() -> bool:
    """Whether Material and this module make the same entries for `_SAMPLE` (with this Python's html.parser)."""
    page = types.SimpleNamespace(content=_SAMPLE, toc=[], url="sample/", meta={"tags": ["t"]}, title="Sample")
    sections = split_sections(_SAMPLE)
    if sections is None:
        return False
    theirs, ours = _material.SearchIndex(), _material.SearchIndex()
    try:
        theirs.add_entry_from_context(page)
    except Exception:
        return False
    return _append(ours, page, sections) and ours.entries == theirs.entries
