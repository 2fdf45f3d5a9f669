"""Reading one post: every mistake is reported with the file, the line to fix and a hint.

Line numbers are those of the test input as a writer sees it in an editor:
line 1 is the opening '---'.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papernotes.core.diagnostics import Diagnostic, Diagnostics
from papernotes.core.model.posts import FRONTMATTER_KEYS, Post, read_post

PATH = "docs/posts/2024-06-12-moa.md"
SRC_URI = "posts/2024-06-12-moa.md"


def read(text: str | bytes) -> tuple[Post | None, Diagnostics]:
    raw = text if isinstance(text, bytes) else textwrap.dedent(text).lstrip("\n").encode("utf-8")
    diagnostics = Diagnostics()
    return read_post(raw, PATH, SRC_URI, diagnostics), diagnostics


def only(diagnostics: Diagnostics, level: str = "error") -> Diagnostic:
    """The single diagnostic of a test input; it must name the file and give a hint."""
    assert len(diagnostics) == 1, [str(d) for d in diagnostics]
    found = diagnostics.items[0]
    assert found.level == level, str(found)
    assert found.file == PATH
    assert found.hint, f"no hint on how to fix: {found}"
    assert str(found).startswith(f"{PATH}:{found.line}: " if found.line else f"{PATH}: ")
    return found


VALID = """\
---
title: "StreamingLLM, QA-LoRA and the Reversal Curse"
date: 2023-10-10
description: One line for listings.
authors: [cwolfe]
tags: [LLM, Long Context, Quantization]
categories: [Research]
draft: false
slug: streaming-and-lora
readtime: 7
pin: true
papers:
  - xiao2023streaming
  - arxiv: 2402.08268
    title: World Model on Million-Length Video and Language with RingAttention
    code: https://github.com/LargeWorldModel/LWM
    note: The **long** one.
takeaways:
  - StreamingLLM [@xiao2023streaming] keeps a few sink tokens plus a rolling window.
bibliography:
  - id: xiao2023streaming
    title: Efficient Streaming Language Models with Attention Sinks
    authors: [Guangxuan Xiao, Yuandong Tian, Beidi Chen, Song Han, Mike Lewis]
    year: 2023
    arxiv: 2309.17453
  - id: openai2023gpt4v
    text: OpenAI. "GPT-4V(ision) System Card." 2023.
    url: https://openai.com/research/gpt-4v-system-card
  - refs/extra.bib
---

Intro with a citation [@xiao2023streaming].

<!-- more -->

The rest.
"""


# -- a valid post -------------------------------------------------------------


def test_valid_post_has_no_diagnostics_at_all():
    post, diagnostics = read(VALID)
    assert [str(d) for d in diagnostics] == []
    assert post is not None
    assert post.title == "StreamingLLM, QA-LoRA and the Reversal Curse"
    assert post.created == dt.datetime(2023, 10, 10)
    assert post.updated is None
    assert post.meta.description == "One line for listings."
    assert post.meta.authors == ["cwolfe"]
    assert post.meta.readtime == 7 and post.meta.pin is True and post.draft is False
    assert post.slug == "streaming-and-lora"
    assert post.path == PATH and post.src_uri == SRC_URI


def test_valid_post_papers_bibliography_and_takeaways():
    post, _ = read(VALID)
    assert [p.key for p in post.papers] == ["xiao2023streaming", "arxiv:2402.08268"]
    assert post.papers[1].code == "https://github.com/LargeWorldModel/LWM"
    assert post.papers[1].note == "The **long** one."
    assert [r.id for r in post.bibliography] == ["xiao2023streaming", "openai2023gpt4v"]
    assert post.bibliography[0].arxiv == "2309.17453"
    assert post.bibliography[1].text == 'OpenAI. "GPT-4V(ision) System Card." 2023.'
    assert post.bib_files == [("refs/extra.bib", 29)]
    assert post.meta.takeaways == [
        "StreamingLLM [@xiao2023streaming] keeps a few sink tokens plus a rolling window."
    ]


def test_lines_of_frontmatter_keys_are_lines_of_the_file():
    post, _ = read(VALID)
    assert post.line_of("title") == 2
    assert post.line_of("papers", 1) == 14
    assert post.line_of("papers", 1, "code") == 16
    assert post.line_of("bibliography", 2) == 29
    assert post.line_of("takeaways", 0) == 19


def test_body_and_its_first_line():
    post, _ = read(VALID)
    # The body starts on the line of the closing '---' (line 30), after it.
    assert post.body_line == 30
    lines = post.body.split("\n")
    assert lines[0] == ""  # rest of line 30
    assert lines[2] == "Intro with a citation [@xiao2023streaming]."  # line 32
    assert post.body_line + 2 == 32


@pytest.mark.parametrize("blank_lines", [0, 1, 3])
def test_body_line_counts_blank_lines_after_the_frontmatter(blank_lines):
    text = "---\ntitle: T\ndate: 2024-01-02\n---\n" + "\n" * blank_lines + "Text\n"
    post, diagnostics = read(text.encode())
    assert not diagnostics.items
    index = post.body.split("\n").index("Text")
    assert post.body_line + index == 5 + blank_lines


def test_blank_line_at_the_start_of_the_frontmatter_keeps_lines():
    _, diagnostics = read(
        """
        ---

        title: T
        date: someday
        ---
        """
    )
    assert only(diagnostics).line == 4


def test_crlf_line_endings():
    post, diagnostics = read(b"---\r\ntitle: T\r\ndate: 2024-01-02\r\ndraft: maybe\r\n---\r\nBody\r\n")
    assert post is None
    assert only(diagnostics).line == 4


def test_utf8_bom_is_accepted():
    post, diagnostics = read("\ufeff---\ntitle: T\ndate: 2024-01-02\n---\nBody\n".encode())
    assert post is not None and not diagnostics.items


# -- the file as a whole ----------------------------------------------------


def test_not_utf8_names_the_line_of_the_bad_byte():
    raw = b"---\ntitle: T\ndate: 2024-01-02\n---\n\nCaf\xe9 and more\n"
    post, diagnostics = read(raw)
    assert post is None
    found = only(diagnostics)
    assert found.line == 6
    assert "UTF-8" in found.message and "0xe9" in found.message
    assert "UTF-8" in found.hint


def test_not_utf8_in_the_frontmatter():
    _, diagnostics = read(b"---\ntitle: Caf\xe9\ndate: 2024-01-02\n---\n")
    assert only(diagnostics).line == 2


@pytest.mark.parametrize("text", [b"", b"\n\n", b"   \n"])
def test_empty_file(text):
    post, diagnostics = read(text)
    assert post is None
    found = only(diagnostics)
    assert found.line == 1 and "empty" in found.message
    assert "---" in found.hint


def test_no_frontmatter():
    post, diagnostics = read("# Just Markdown\n\nNo frontmatter here.\n")
    assert post is None
    found = only(diagnostics)
    assert found.line == 1 and "frontmatter" in found.message
    assert "'---'" in found.hint


def test_unclosed_frontmatter():
    post, diagnostics = read("---\ntitle: T\ndate: 2024-01-02\n\nBody without a closing line.\n")
    assert post is None
    found = only(diagnostics)
    assert "not closed" in found.message and found.line == 1
    assert "'---'" in found.hint


def test_frontmatter_that_is_a_list():
    post, diagnostics = read("---\n- title: T\n- date: 2024-01-02\n---\n")
    assert post is None
    found = diagnostics.items[0]
    assert len(diagnostics) == 1 and found.level == "error" and found.file == PATH
    assert "mapping" in found.message and "title:" in found.message
    assert found.line == 1


def test_empty_frontmatter_reports_both_required_fields():
    post, diagnostics = read("---\n---\nBody\n")
    assert post is None
    messages = sorted(d.message for d in diagnostics)
    assert messages == ["missing required field 'date'", "missing required field 'title'"]
    assert all(d.line == 1 and d.hint for d in diagnostics)


# -- broken YAML --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param(
            """
            ---
            title: T
            date: 2024-01-02
            tags: [LLM, Long Context
            ---
            """,
            4, id="unclosed-bracket-at-end",
        ),
        pytest.param(
            """
            ---
            title: T
            tags: [LLM, Long Context
            date: 2024-01-02
            ---
            """,
            3, id="unclosed-bracket-before-a-key",
        ),
        pytest.param(
            """
            ---
            title: T
            date: 2024-01-02
            description: {a: b
            ---
            """,
            4, id="unclosed-brace",
        ),
        pytest.param(
            """
            ---
            title: "T
            date: 2024-01-02
            ---
            """,
            2, id="unclosed-quote",
        ),
        pytest.param(
            """
            ---
            title: T
              date: 2024-01-02
            ---
            """,
            3, id="indented-key",
        ),
        pytest.param(
            """
            ---
            title: T
            date: 2024-01-02
            tags:
              - LLM
             - Long Context
            ---
            """,
            6, id="list-item-less-indented",
        ),
        pytest.param(
            "---\ntitle: T\ndate: 2024-01-02\ntags:\n\t- LLM\n---\n",
            5, id="tab",
        ),
        pytest.param(
            """
            ---
            title: T
            date: 2024-01-02
            description: Note: this breaks
            ---
            """,
            4, id="colon-space-in-value",
        ),
        pytest.param(
            """
            ---
            title: Reversal Curse: A trained on "A is B" fails to learn "B is A"
            date: 2024-01-02
            ---
            """,
            2, id="colon-space-in-title",
        ),
    ],
)
def test_broken_yaml_names_the_line_to_fix(text, line):
    post, diagnostics = read(text)
    assert post is None
    found = only(diagnostics)
    assert found.message.startswith("broken YAML in the frontmatter")
    assert found.line == line, str(found)


def test_tab_hint_says_spaces():
    _, diagnostics = read(b"---\ntitle: T\ndate: 2024-01-02\ntags:\n\t- LLM\n---\n")
    assert "tab" in only(diagnostics).hint.lower()


def test_colon_hint_says_quote():
    _, diagnostics = read("---\ntitle: T\ndate: 2024-01-02\ndescription: Note: this\n---\n")
    assert "quote" in only(diagnostics).hint


def test_impossible_date_is_a_date_error_on_its_line():
    # YAML's date pattern matches; the calendar does not.
    post, diagnostics = read("---\ntitle: T\ndate: 2024-02-30\n---\n")
    assert post is None
    found = only(diagnostics)
    assert found.line == 3 and "'date' is not a date" in found.message and "2024-02-30" in found.message


@pytest.mark.parametrize("value", ["2024-13-45", "2024-02-30"])
def test_impossible_dates_elsewhere_are_text(value):
    post, diagnostics = read(f"---\ntitle: T\ndate: 2024-01-02\ndescription: {value}\n---\n")
    assert not diagnostics.items, [str(d) for d in diagnostics]
    assert post.meta.description == value


def test_explicit_tag_that_cannot_hold_the_value():
    post, diagnostics = read("---\ntitle: T\ndate: 2024-01-02\nreadtime: !!int soon\n---\n")
    assert post is None
    assert diagnostics.has_errors and all(d.file == PATH for d in diagnostics)


def test_recursive_alias_is_reported_not_crashed():
    post, diagnostics = read("---\ntitle: T\ndate: 2024-01-02\ntags: &a [*a]\n---\n")
    assert post is None
    found = only(diagnostics)
    assert found.line == 4 and "'tags'" in found.message and "alias" in found.message


def test_alias_bomb_is_reported_quickly():
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 8):
        levels.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]")
    text = "---\ntitle: T\ndate: 2024-01-02\n" + "\n".join(levels) + "\ntags: *a7\n---\n"
    post, diagnostics = read(text.encode())
    assert post is None
    # Refused by the loader at the anchor whose aliases explode, before anything walks the values.
    (error,) = diagnostics.errors
    assert error.line == 11 and "anchored on this line" in error.message and "100,000 values" in error.message
    assert len(str(error)) < 500


# -- required fields ------------------------------------------------------------


def test_missing_title():
    post, diagnostics = read("---\ndate: 2024-01-02\n---\nBody\n")
    assert post is None
    found = only(diagnostics)
    assert found.message == "missing required field 'title'"
    assert found.line == 1
    assert "title:" in found.hint


def test_missing_date():
    post, diagnostics = read("---\ntitle: T\n---\nBody\n")
    assert post is None
    found = only(diagnostics)
    assert found.message == "missing required field 'date'"
    assert "2024-06-12" in found.hint


@pytest.mark.parametrize("title", ["''", '""', "   ''"])
def test_empty_title(title):
    post, diagnostics = read(f"---\ndate: 2024-01-02\ntitle: {title}\n---\n")
    assert post is None
    found = only(diagnostics)
    assert found.line == 3 and "title" in found.message


def test_null_title():
    post, diagnostics = read("---\ntitle:\ndate: 2024-01-02\n---\n")
    assert post is None
    assert only(diagnostics).line == 2


# -- wrong types ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "field", "got"),
    [
        ("draft: maybe", "draft", "'maybe'"),
        ("readtime: soon", "readtime", "'soon'"),
        ("readtime: -3", "readtime", "-3"),
        ("pin: sometimes", "pin", "'sometimes'"),
        ("tags: 5", "tags", "5"),
        ("description: [a, b]", "description", "['a', 'b']"),
        ("categories: {a: b}", "categories", "{'a': 'b'}"),
        ("takeaways: one", "takeaways", "'one'"),
        ("hide: [sidebar]", "hide", "'sidebar'"),
    ],
)
def test_wrong_type_names_field_value_and_line(line, field, got):
    post, diagnostics = read(f"---\ntitle: T\ndate: 2024-01-02\n{line}\n---\n")
    assert post is None
    found = only(diagnostics)
    assert found.line == 4
    assert found.message.startswith(field)
    assert got in found.message


def test_authors_as_a_mapping():
    post, diagnostics = read(
        """
        ---
        title: T
        date: 2024-01-02
        authors:
          ada: Ada Lovelace
        ---
        """
    )
    assert post is None
    found = only(diagnostics)
    assert found.line == 4 and found.message.startswith("authors")
    assert "authors.yml" in found.hint


def test_wrong_item_type_in_a_list_names_the_item_line():
    post, diagnostics = read(
        """
        ---
        title: T
        date: 2024-01-02
        tags:
          - LLM
          - [nested]
        ---
        """
    )
    assert post is None
    found = only(diagnostics)
    assert found.line == 6 and found.message.startswith("tags[2]")


def test_numbers_are_text_where_text_is_expected():
    post, diagnostics = read("---\ntitle: 1984\ndate: 2024-01-02\ntags: [LLM, 2024, 3.10]\nslug: 2024\n---\n")
    assert not diagnostics.items, [str(d) for d in diagnostics]
    assert post.title == "1984"
    assert post.tag_names == ["LLM", "2024", "3.10"]
    assert post.slug == "2024"


def test_a_single_string_is_a_one_item_list():
    post, diagnostics = read("---\ntitle: T\ndate: 2024-01-02\ntags: LLM\nauthors: ada\n---\n")
    assert not diagnostics.items
    assert post.tag_names == ["LLM"] and post.meta.authors == ["ada"]


def test_bad_slug():
    post, diagnostics = read("---\ntitle: T\ndate: 2024-01-02\nslug: my post/here\n---\n")
    assert post is None
    found = only(diagnostics)
    assert found.line == 4 and "slug" in found.message


def test_every_field_error_in_one_post_is_reported_with_its_line():
    post, diagnostics = read(
        """
        ---
        title: T
        date: 2024-01-02
        draft: maybe
        readtime: soon
        pin: often
        ---
        """
    )
    assert post is None
    assert sorted((d.line, d.message.split(":")[0]) for d in diagnostics) == [
        (4, "draft"), (5, "readtime"), (6, "pin"),
    ]
    assert all(d.hint and d.file == PATH for d in diagnostics)


# -- dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "created", "updated"),
    [
        ("2024-06-12", dt.datetime(2024, 6, 12), None),
        ("2024-06-12 09:30", dt.datetime(2024, 6, 12, 9, 30), None),
        ("2024-06-12T09:30:15", dt.datetime(2024, 6, 12, 9, 30, 15), None),
        ("'2024-06-12'", dt.datetime(2024, 6, 12), None),
        ("'2024-06-12T09:30:00'", dt.datetime(2024, 6, 12, 9, 30), None),
        ("{created: 2024-06-12}", dt.datetime(2024, 6, 12), None),
        ("{created: 2024-06-12, updated: 2024-06-20}", dt.datetime(2024, 6, 12), dt.datetime(2024, 6, 20)),
        ("{created: 2024-06-12 08:00, updated: '2024-06-20'}", dt.datetime(2024, 6, 12, 8), dt.datetime(2024, 6, 20)),
    ],
)
def test_date_forms(value, created, updated):
    post, diagnostics = read(f"---\ntitle: T\ndate: {value}\n---\n")
    assert not diagnostics.items, [str(d) for d in diagnostics]
    assert post.created == created
    assert post.updated == updated


def test_date_with_timezone():
    post, diagnostics = read("---\ntitle: T\ndate: 2024-06-12T09:30:00+02:00\n---\n")
    assert not diagnostics.items
    assert post.created.utcoffset() == dt.timedelta(hours=2)


def test_date_as_a_block_mapping():
    post, diagnostics = read(
        """
        ---
        title: T
        date:
          created: 2024-06-12
          updated: 2024-06-20
        ---
        """
    )
    assert not diagnostics.items
    assert (post.created, post.updated) == (dt.datetime(2024, 6, 12), dt.datetime(2024, 6, 20))


@pytest.mark.parametrize("value", ["yesterday", "12/06/2024", "2024-06-12 25:00", "[2024-06-12]", "{updated: 2024-06-12}"])
def test_bad_date(value):
    post, diagnostics = read(f"---\ntitle: T\ndate: {value}\n---\n")
    assert post is None
    found = only(diagnostics)
    assert found.line == 3
    assert "'date' is not a date" in found.message
    assert "{created: 2024-06-12, updated: 2024-06-20}" in found.hint


def test_date_mapping_with_a_bad_created_and_an_unknown_key():
    post, diagnostics = read(
        """
        ---
        title: T
        date:
          created: x
          extra: y
        ---
        """
    )
    assert post is None
    found = only(diagnostics)
    assert "'extra'" in found.message and "created" in found.message
    assert found.line == 5


def test_date_mapping_with_a_misspelt_key_says_did_you_mean():
    post, diagnostics = read("---\ntitle: T\ndate: {created: 2024-06-12, updatd: 2024-06-20}\n---\n")
    assert post is None
    found = only(diagnostics)
    assert "did you mean 'updated'?" in found.message
    assert found.line == 3


# -- unknown and duplicate keys -----------------------------------------------------


def test_unknown_key_is_a_warning_with_did_you_mean():
    post, diagnostics = read("---\ntitle: T\ndate: 2024-01-02\ntgas: [LLM]\n---\n")
    assert post is not None  # a warning: the post is still usable
    found = only(diagnostics, "warning")
    assert found.line == 4
    assert "unknown frontmatter key 'tgas'" in found.message
    assert found.hint == "did you mean 'tags'?"
    assert post.tag_names == []


def test_unknown_key_without_a_close_match_lists_known_keys():
    post, diagnostics = read("---\ntitle: T\ndate: 2024-01-02\nzzzzzz: 1\n---\n")
    found = only(diagnostics, "warning")
    assert "title" in found.hint and "tags" in found.hint


@pytest.mark.parametrize(("typo", "meant"), [("auhtors", "authors"), ("biblography", "bibliography"), ("takeaway", "takeaways"), ("Title", "title")])
def test_did_you_mean_for_common_typos(typo, meant):
    _, diagnostics = read(f"---\ntitle: T\ndate: 2024-01-02\n{typo}: x\n---\n")
    assert only(diagnostics, "warning").hint == f"did you mean '{meant}'?"


def test_duplicate_key_is_a_warning_naming_both_lines():
    post, diagnostics = read(
        """
        ---
        title: First
        date: 2024-01-02
        title: Second
        ---
        """
    )
    found = only(diagnostics, "warning")
    assert found.line == 4
    assert "'title'" in found.message and "2" in found.message and "4" in found.message
    assert post.title == "Second"


# -- takeaways ------------------------------------------------------------------------


def test_takeaway_read_as_a_mapping_has_a_clear_message():
    post, diagnostics = read(
        """
        ---
        title: T
        date: 2024-01-02
        takeaways:
          - Fine one.
          - Lesson: sink tokens matter.
        ---
        """
    )
    assert post is None
    found = only(diagnostics)
    assert found.line == 6
    assert "takeaways[2]" in found.message
    assert "': '" in found.message and "double quotes" in found.message


def test_quoted_takeaway_with_colon_is_fine():
    post, diagnostics = read('---\ntitle: T\ndate: 2024-01-02\ntakeaways:\n  - "Lesson: sink tokens matter."\n---\n')
    assert not diagnostics.items
    assert post.meta.takeaways == ["Lesson: sink tokens matter."]


# -- papers -----------------------------------------------------------------------------


def test_paper_forms():
    post, diagnostics = read(
        """
        ---
        title: T
        date: 2024-01-02
        papers:
          - xiao2023streaming
          - 2309.17453
          - 2305.18290
          - arXiv:2402.08268v2
          - arxiv: 2310.01889
            title: Ring Attention
          - doi: 10.1000/XYZ123
        ---
        """
    )
    assert not diagnostics.items, [str(d) for d in diagnostics]
    assert [(p.id, p.arxiv, p.doi) for p in post.papers] == [
        ("xiao2023streaming", None, None),
        (None, "2309.17453", None),
        (None, "2305.18290", None),  # unquoted: YAML would have read 2305.1829
        (None, "2402.08268", None),
        (None, "2310.01889", None),
        (None, None, "10.1000/xyz123"),
    ]
    assert post.papers[4].title == "Ring Attention"


def test_bad_arxiv_id_in_papers():
    post, diagnostics = read(
        """
        ---
        title: T
        date: 2024-01-02
        papers:
          - arxiv: 2309.17453
          - arxiv: 1234
        ---
        """
    )
    assert post is None
    found = only(diagnostics)
    assert found.line == 6
    assert found.message.startswith("papers[2]") and "'1234' is not an arXiv id" in found.message


def test_arxiv_number_that_lost_its_last_digit_is_refused():
    # `arxiv: 2309.1745` is four digits after the dot: not a post-2015 id.
    _, diagnostics = read("---\ntitle: T\ndate: 2024-01-02\npapers:\n  - arxiv: 2309.1745\n---\n")
    assert only(diagnostics).line == 5


def test_javascript_url_is_refused_on_its_line():
    post, diagnostics = read(
        """
        ---
        title: T
        date: 2024-01-02
        papers:
          - id: evil
            title: Click me
            url: "javascript:alert(1)"
        ---
        """
    )
    assert post is None
    found = only(diagnostics)
    assert found.line == 7
    assert "javascript:alert(1)" in found.message and "http" in found.message


def test_paper_with_no_id_arxiv_or_doi():
    post, diagnostics = read(
        """
        ---
        title: T
        date: 2024-01-02
        papers:
          - arxiv: 2309.17453
          - title: A paper nobody can cite
            year: 2024
        ---
        """
    )
    assert post is None
    found = only(diagnostics)
    assert found.line == 6
    assert "papers[2]" in found.message and "no id, arxiv or doi" in found.message
    assert "arxiv:" in found.hint


@pytest.mark.parametrize("item", ["true", "null", "[a, b]"])
def test_paper_item_of_the_wrong_kind(item):
    post, diagnostics = read(f"---\ntitle: T\ndate: 2024-01-02\npapers:\n  - {item}\n---\n")
    assert post is None
    assert only(diagnostics).line == 5


def test_unknown_field_in_a_paper():
    post, diagnostics = read(
        """
        ---
        title: T
        date: 2024-01-02
        papers:
          - arxiv: 2309.17453
            titel: Typo
        ---
        """
    )
    assert post is None
    found = only(diagnostics)
    assert found.line == 6 and "titel" in found.message


def test_papers_not_a_list():
    post, diagnostics = read("---\ntitle: T\ndate: 2024-01-02\npapers: xiao2023\n---\n")
    assert post is None
    found = only(diagnostics)
    assert found.line == 4 and "'papers' must be a list" in found.message


def test_problems_in_papers_and_fields_are_all_reported():
    _, diagnostics = read(
        """
        ---
        title: T
        date: 2024-01-02
        draft: maybe
        papers:
          - arxiv: nope
        bibliography:
          - id: k
            url: ftp://example.org/x
        ---
        """
    )
    assert sorted(d.line for d in diagnostics) == [4, 6, 9]


# -- bibliography -----------------------------------------------------------------------


def test_bib_paths_are_kept_with_their_line():
    post, diagnostics = read(
        """
        ---
        title: T
        date: 2024-01-02
        bibliography:
          - id: a
            title: A
          - refs/extra.bib
          - ../shared/MORE.BIB
        ---
        """
    )
    assert not diagnostics.items
    assert post.bib_files == [("refs/extra.bib", 7), ("../shared/MORE.BIB", 8)]
    assert [r.id for r in post.bibliography] == ["a"]


def test_duplicate_id_in_one_post_names_both_lines():
    post, diagnostics = read(
        """
        ---
        title: T
        date: 2024-01-02
        bibliography:
          - id: xiao2023
            title: One
          - refs/extra.bib
          - id: other
          - id: xiao2023
            title: Two
        ---
        """
    )
    found = only(diagnostics)
    assert found.line == 9
    assert "'xiao2023'" in found.message
    assert "lines 5 and 9" in found.message


def test_duplicate_arxiv_entries_without_ids_are_duplicate_keys():
    _, diagnostics = read(
        "---\ntitle: T\ndate: 2024-01-02\nbibliography:\n  - arxiv: 2309.17453\n  - arxiv: arXiv:2309.17453v2\n---\n"
    )
    found = only(diagnostics)
    assert "lines 5 and 6" in found.message


def test_bad_bibliography_entry():
    post, diagnostics = read(
        """
        ---
        title: T
        date: 2024-01-02
        bibliography:
          - id: "bad key!"
        ---
        """
    )
    assert post is None
    found = only(diagnostics)
    assert found.line == 5 and found.message.startswith("bibliography[1]")


# -- derived values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("StreamingLLM, QA-LoRA and the Reversal Curse", "streamingllm-qa-lora-and-the-reversal-curse"),
        ("Über Attention: Why It Works", "uber-attention-why-it-works"),
        ("???", "post"),
    ],
)
def test_slug_from_title(title, slug):
    post, diagnostics = read(f'---\ntitle: "{title}"\ndate: 2024-01-02\n---\n')
    assert not diagnostics.items
    assert post.slug == slug


def test_long_title_slug_is_cut_at_a_word():
    title = " ".join(["attention"] * 20)
    post, _ = read(f"---\ntitle: {title}\ndate: 2024-01-02\n---\n")
    assert len(post.slug) <= 80
    assert post.slug.endswith("attention")


def test_slug_override():
    post, _ = read("---\ntitle: A Long Title\ndate: 2024-01-02\nslug: short\n---\n")
    assert post.slug == "short"


def test_excerpt_source():
    post, _ = read("---\ntitle: T\ndate: 2024-01-02\n---\nFirst.\n\n<!-- more -->\n\nRest.\n")
    assert post.excerpt_source.strip() == "First."
    post, _ = read("---\ntitle: T\ndate: 2024-01-02\n---\nNo separator.\n")
    assert post.excerpt_source is None


def test_tag_names_merge_categories_in_order_without_repeats():
    post, _ = read("---\ntitle: T\ndate: 2024-01-02\ntags: [LLM, ' ', Quantization]\ncategories: [Research, LLM]\n---\n")
    assert post.tag_names == ["LLM", "Quantization", "Research"]


def test_draft():
    post, _ = read("---\ntitle: T\ndate: 2024-01-02\ndraft: true\n---\n")
    assert post.draft is True


def test_frontmatter_keys_cover_material():
    for key in ("date", "authors", "categories", "draft", "slug", "readtime", "pin"):
        assert key in FRONTMATTER_KEYS


def test_material_page_keys_are_not_unknown():
    post, diagnostics = read(
        "---\ntitle: T\ndate: 2024-01-02\nhide: [toc]\nsearch: {boost: 2}\ntemplate: x.html\nicon: x\nstatus: new\nsubtitle: S\ncomments: true\n---\n"
    )
    assert not diagnostics.items, [str(d) for d in diagnostics]
    assert post.meta.hide == ["toc"]


# -- never raises ------------------------------------------------------------------------


def _check_diagnostics(raw: bytes, diagnostics: Diagnostics) -> None:
    last_line = raw.count(b"\n") + 1
    for found in diagnostics:
        assert found.file == PATH
        assert found.level in ("error", "warning")
        assert found.message
        assert found.line is None or 1 <= found.line <= last_line + 1, (found, last_line)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_read_post_never_raises_on_bytes(raw):
    diagnostics = Diagnostics()
    read_post(raw, PATH, SRC_URI, diagnostics)
    _check_diagnostics(raw, diagnostics)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_read_post_never_raises_after_a_frontmatter_line(text):
    raw = ("---\n" + text).encode("utf-8", "surrogatepass")
    diagnostics = Diagnostics()
    post = read_post(raw, PATH, SRC_URI, diagnostics)
    _check_diagnostics(raw, diagnostics)
    if post is None:
        assert diagnostics.has_errors


_YAML_PIECES = st.sampled_from(
    [
        "title: T\n", "date: 2024-01-02\n", "date: {created: ", "tags: [", "papers:\n", "bibliography:\n",
        "takeaways:\n", "  - ", "- ", ": ", "[", "]", "{", "}", ",", "'", '"', "\t", "  ", "\n", "&a ", "*a",
        "2309.17453", "arxiv: ", "id: ", "x", "---\n", "!!int ", "? ", "#", "|\n", "2024-02-30", "\xe9",
    ]
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_YAML_PIECES, max_size=40).map("".join))
def test_read_post_never_raises_on_yamlish_frontmatter(text):
    raw = ("---\n" + text + "\n---\nBody\n").encode("utf-8")
    diagnostics = Diagnostics()
    post = read_post(raw, PATH, SRC_URI, diagnostics)
    _check_diagnostics(raw, diagnostics)
    if post is None:
        assert diagnostics.has_errors


# -- posts kept between builds (ParsedPosts) ------------------------------------------

KEPT = b"---\ntitle: Kept\ndate: 2024-06-12\nsurprise: 1\n---\nBody citing [@a; @b].\n"


def _read_with(folder, raw: bytes, monkeypatch, *, calls: list) -> tuple[Post | None, Diagnostics]:
    """One build's reading of one post, counting in `calls` the times it is really read."""
    import papernotes.core.model.posts as posts

    real = getattr(posts.read_post, "real", posts.read_post)
    counting = lambda *args: calls.append(1) or real(*args)  # noqa: E731
    counting.real = real
    monkeypatch.setattr(posts, "read_post", counting)
    diagnostics = Diagnostics()
    store = posts.ParsedPosts(folder)
    post = store.read(raw, PATH, SRC_URI, diagnostics)
    store.save()
    return post, diagnostics


def test_a_post_read_before_is_not_read_again_and_says_the_same(tmp_path, monkeypatch) -> None:
    calls: list = []
    first, said = _read_with(tmp_path, KEPT, monkeypatch, calls=calls)
    again, said_again = _read_with(tmp_path, KEPT, monkeypatch, calls=calls)
    assert len(calls) == 1
    assert again.meta == first.meta and again.body == first.body and again.line_of("title") == first.line_of("title")
    assert again.cited_keys() == ["a", "b"]
    assert list(said_again) == list(said) and "unknown frontmatter key 'surprise'" in str(list(said_again)[0])


def test_an_edited_post_is_read_again(tmp_path, monkeypatch) -> None:
    calls: list = []
    _read_with(tmp_path, KEPT, monkeypatch, calls=calls)
    post, _ = _read_with(tmp_path, KEPT.replace(b"[@a; @b]", b"[@c]"), monkeypatch, calls=calls)
    assert len(calls) == 2 and post.cited_keys() == ["c"]


def test_a_damaged_store_means_reading_again(tmp_path, monkeypatch) -> None:
    calls: list = []
    _read_with(tmp_path, KEPT, monkeypatch, calls=calls)
    for path in tmp_path.iterdir():
        path.write_bytes(path.read_bytes()[:40])
    post, _ = _read_with(tmp_path, KEPT, monkeypatch, calls=calls)
    assert len(calls) == 2 and post.title == "Kept"


def test_without_a_folder_nothing_is_kept(tmp_path, monkeypatch) -> None:
    calls: list = []
    _read_with(None, KEPT, monkeypatch, calls=calls)
    _read_with(None, KEPT, monkeypatch, calls=calls)
    assert len(calls) == 2
