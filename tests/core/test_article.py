"""A post's page content: one conversion, split into body, takeaways and notes."""

from __future__ import annotations

import textwrap

import markdown

import pytest

from papernotes.core.views.article import compose_source, excerpt_html, intro_end, split_html, unwrap_paragraph
from papernotes.core.diagnostics import Diagnostics
from papernotes.core.model.posts import Post, read_post


def read(text: str) -> Post:
    diagnostics = Diagnostics()
    raw = textwrap.dedent(text).lstrip("\n").encode()
    post = read_post(raw, "docs/posts/a.md", "posts/a.md", diagnostics)
    assert post is not None and not diagnostics.items, [str(d) for d in diagnostics]
    return post


def convert(source: str) -> str:
    return markdown.Markdown(extensions=["footnotes", "toc", "admonition"]).convert(source)


POST = """
---
title: Three papers
date: 2024-06-12
takeaways:
  - Sink tokens keep *attention* stable.
  - "Second: a colon and a footnote[^t]"
  - Third, plain.
papers:
  - arxiv: 2309.17453
    note: Worth **reading**.
  - id: nonote
  - arxiv: 2402.08268
    note: Long video, long context.
---

Intro paragraph with a note[^1].

<!-- more -->

## Details

!!! note
    An admonition.

More text.

[^1]: A body footnote.
[^t]: A takeaway footnote.
"""
# Lines of POST in the file (line 1 is the opening '---'):
#  5 first takeaway, 6 second, 7 third, 10 note of paper 1, 13 note of paper 3,
#  14 closing '---', 16 'Intro paragraph', 18 '<!-- more -->', 20 '## Details',
#  25 'More text.', 27 '[^1]: ...'


def composed_line(source: str, text: str) -> int:
    """The 1-based line of the composed source that holds `text`."""
    for number, line in enumerate(source.split("\n"), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in the composed source")


def test_split_gives_body_takeaways_and_notes():
    post = read(POST)
    split = split_html(convert(compose_source(post).markdown))
    assert set(split.sections) == {"takeaways", "note-0", "note-2"}
    assert split.sections["takeaways"] == (
        "<ul>\n<li>Sink tokens keep <em>attention</em> stable.</li>\n"
        '<li>Second: a colon and a footnote<sup id="fnref:t"><a class="footnote-ref" href="#fn:t">2</a></sup></li>\n'
        "<li>Third, plain.</li>\n</ul>"
    )
    assert split.sections["note-0"] == "<p>Worth <strong>reading</strong>.</p>"
    assert split.sections["note-2"] == "<p>Long video, long context.</p>"
    assert '<h2 id="details">Details</h2>' in split.body
    assert '<div class="admonition note">' in split.body
    assert "papernotes:" not in split.body
    assert "Worth" not in split.body and "Sink tokens" not in split.body


def test_takeaways_in_order_as_a_list():
    post = read(POST)
    split = split_html(convert(compose_source(post).markdown))
    items = split.sections["takeaways"].split("<li>")[1:]
    assert [item.split("</li>")[0].split("<")[0] for item in items] == ["Sink tokens keep ", "Second: a colon and a footnote", "Third, plain."]


def test_footnotes_stay_with_the_body():
    post = read(POST)
    split = split_html(convert(compose_source(post).markdown))
    assert split.body.rstrip().endswith("</div>")
    assert split.body.count('<div class="footnote">') == 1
    assert 'id="fn:1"' in split.body and 'id="fn:t"' in split.body
    for name, html in split.sections.items():
        assert "footnote" not in html or "footnote-ref" in html, name
        assert 'class="footnote"' not in html


def test_footnotes_stay_with_the_body_when_the_last_section_is_takeaways():
    post = read(
        """
        ---
        title: T
        date: 2024-06-12
        takeaways:
          - One.
          - Two.
        ---
        Body[^1].

        [^1]: Note.
        """
    )
    split = split_html(convert(compose_source(post).markdown))
    assert split.sections["takeaways"] == "<ul>\n<li>One.</li>\n<li>Two.</li>\n</ul>"
    assert '<div class="footnote">' in split.body and 'id="fn:1"' in split.body


def test_no_takeaways_no_notes():
    post = read("---\ntitle: T\ndate: 2024-06-12\n---\nJust a body[^1].\n\n[^1]: Note.\n")
    source = compose_source(post)
    assert "papernotes:" not in source.markdown
    split = split_html(convert(source.markdown))
    assert split.sections == {}
    assert split.body.startswith("<p>Just a body")
    assert 'id="fn:1"' in split.body


def test_multi_line_takeaway_stays_one_item():
    post = read(
        """
        ---
        title: T
        date: 2024-06-12
        takeaways:
          - |
            First line,
            second line.
          - Next.
        ---
        Body.
        """
    )
    split = split_html(convert(compose_source(post).markdown))
    assert " ".join(split.sections["takeaways"].split()) == "<ul> <li>First line, second line.</li> <li>Next.</li> </ul>"


# -- line map -----------------------------------------------------------------------------


def test_line_map_body_lines():
    post = read(POST)
    source = compose_source(post)
    for text, file_line in [
        ("Intro paragraph", 16), ("<!-- more -->", 18), ("## Details", 20), ("More text.", 25), ("[^1]:", 27),
    ]:
        assert source.line_map(composed_line(source.markdown, text)) == file_line, text


def test_line_map_takeaway_lines():
    post = read(POST)
    source = compose_source(post)
    for text, file_line in [("Sink tokens", 5), ("Second: a colon", 6), ("Third, plain.", 7)]:
        assert source.line_map(composed_line(source.markdown, text)) == file_line, text


def test_line_map_note_lines():
    post = read(POST)
    source = compose_source(post)
    assert source.line_map(composed_line(source.markdown, "Worth **reading**")) == 10
    assert source.line_map(composed_line(source.markdown, "Long video")) == 13


def test_line_map_with_blank_lines_after_the_frontmatter():
    post = read("---\ntitle: T\ndate: 2024-06-12\n---\n\n\nFirst words.\n")
    source = compose_source(post)
    assert source.line_map(composed_line(source.markdown, "First words.")) == 7


def test_line_map_multi_line_takeaway():
    post = read(
        """
        ---
        title: T
        date: 2024-06-12
        takeaways:
          - >-
            Folded
            text.
          - Next one.
        ---
        Body.
        """
    )
    source = compose_source(post)
    assert source.line_map(composed_line(source.markdown, "- Folded text.")) == 5
    assert source.line_map(composed_line(source.markdown, "- Next one.")) == 8


def test_line_map_every_line_lands_in_the_file():
    post = read(POST)
    source = compose_source(post)
    file_lines = len(textwrap.dedent(POST).lstrip("\n").split("\n"))
    for number in range(1, source.markdown.count("\n") + 2):
        assert 1 <= source.line_map(number) <= file_lines


# -- excerpts ------------------------------------------------------------------------------


def test_excerpt_with_more_separator():
    post = read(POST)
    split = split_html(convert(compose_source(post).markdown))
    excerpt = excerpt_html(split.body)
    assert excerpt == (
        '<p>Intro paragraph with a note<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>.</p>'
    )


def test_excerpt_without_separator_is_none():
    post = read("---\ntitle: T\ndate: 2024-06-12\n---\nOnly text.\n\nMore.\n")
    assert excerpt_html(split_html(convert(compose_source(post).markdown)).body) is None


def test_excerpt_source_and_excerpt_html_agree():
    post = read(POST)
    assert post.excerpt_source is not None
    assert convert(post.excerpt_source).startswith("<p>Intro paragraph with a note")


def test_unwrap_paragraph():
    assert unwrap_paragraph("<p>One <em>line</em>.</p>") == "One <em>line</em>."
    assert unwrap_paragraph("<p>One.</p>\n<p>Two.</p>") == "<p>One.</p>\n<p>Two.</p>"
    assert unwrap_paragraph("<ul>\n<li>x</li>\n</ul>") == "<ul>\n<li>x</li>\n</ul>"


# -- where the paper cards go: after the introduction --------------------------------


@pytest.mark.parametrize(
    ("source", "intro"),
    [
        # The writer's <!-- more --> before the first heading ends the introduction...
        ("First.\n\nSecond.\n\n<!-- more -->\n\nThird.\n\n## A\n\nText.", "<p>First.</p>\n<p>Second.</p>\n<!-- more -->"),
        # ...but not after it: then the first paragraph does.
        ("Opening words.\n\n## A\n\nText.\n\n<!-- more -->\n\nMore.", "<p>Opening words.</p>"),
        ("Only one paragraph, no marker.", "<p>Only one paragraph, no marker.</p>"),
        # A box before the text is part of the introduction; its own paragraphs are not the end of it.
        ("!!! note\n    Inside a box.\n\nAfter the box.\n\nLater.", '<div class="admonition note">\n<p class="admonition-title">Note</p>\n<p>Inside a box.</p>\n</div>\n<p>After the box.</p>'),
        # A body that opens with a heading has no introduction: the cards go first.
        ("## Straight in\n\nText.", ""),
        ("", ""),
    ],
)
def test_intro_end(source: str, intro: str) -> None:
    html = convert(source)
    assert html[: intro_end(html)] == intro


def test_intro_end_counts_lines_as_the_parser_does() -> None:
    # Form feeds, U+2028 and carriage returns are not line breaks to HTMLParser.
    html = "<p>a\u2028b\x0cc\r\nd &amp; <em>e</em><br>f</p>\n<p>next</p>"
    assert html[: intro_end(html)] == "<p>a\u2028b\x0cc\r\nd &amp; <em>e</em><br>f</p>"
