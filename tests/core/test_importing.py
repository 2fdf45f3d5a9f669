"""`import_notes` tells the shapes of real writing apart: running logs (with and without a table
of contents, with pasted code), dated roundups, Markdown notes and newsletter pages with a
numbered reference list. The log and roundup fixtures are written for these tests; the
newsletter is the real export in the shared data."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SHARED_DATA
from papernotes.core.diagnostics import Diagnostics
from papernotes.core.sources.library import Library
from papernotes.core.model.posts import read_post
from papernotes.core.scaffold import find_paper, post_text
from papernotes.core.importing import import_notes
from papernotes.core.importing.dates import find_date
from papernotes.core.importing.lines import Lines
from papernotes.core.importing.references import cite_markers, find_references

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
NEWSLETTER = SHARED_DATA / "imports" / "newsletter-2023-10-10.txt"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def shape(text: str) -> list[tuple[str, dt.date | None, list[str]]]:
    return [(p.title, p.date, [arxiv for arxiv, _ in p.papers]) for p in import_notes(text, "From the file name")]


# -- running logs ---------------------------------------------------------------------


def test_a_log_with_a_table_of_contents_splits_at_the_listed_titles() -> None:
    posts = import_notes(fixture("running-log.txt"), "Log")
    assert [(p.title, p.date) for p in posts] == [
        ("Sparse attention for long documents", dt.date(2024, 3, 3)),
        ("Adapters that merge back", None),
        ("A smaller tokenizer for images", None),  # no link: only the contents say it is an entry
    ]
    sparse = posts[0].body
    # The pasted Python is one fenced block: its `# comments` are neither titles nor headings.
    assert "```\n# Constants\nWINDOW = 128" in sparse and "print(attend(q, k, v).shape)\n```" in sparse
    assert "March 3, 2024" not in sparse  # it is the post's date now
    assert sparse.startswith("Paper log, spring\n\n")  # text before the first entry is kept
    assert "Contents" not in "".join(p.body for p in posts)
    assert [a for a, _ in posts[1].papers] == ["2106.09685", "2305.14314"]


def test_a_log_without_contents_splits_at_title_lines_over_notes_with_links() -> None:
    text = fixture("running-log.txt").split("Contents", 1)[0] + fixture("running-log.txt").split("images\n\n", 1)[1]
    assert shape(text) == [
        ("Sparse attention for long documents", dt.date(2024, 3, 3), ["2004.05150"]),
        ("Adapters that merge back", None, ["2106.09685", "2305.14314"]),
    ]
    # An entry without a link cannot be told from a sub-heading: it stays in the entry before it.
    assert import_notes(text, "Log")[1].body.endswith("Thirty-two tokens per image?")


def test_a_sub_heading_inside_an_entry_stays_in_it() -> None:
    posts = import_notes(fixture("running-log-plain.md"), "Log")
    assert [(p.title, [a for a, _ in p.papers]) for p in posts] == [
        ("Mixture of depths", ["2404.02258"]),
        ("Grouped-query attention", ["2305.13245"]),
    ]
    assert "\nWhy it matters\n" in posts[0].body
    assert "```python\n# Shapes\n" in posts[1].body  # the writer's fence, kept as written


def test_markdown_headings_ignore_pasted_python_comments() -> None:
    text = (
        "# Sinks\n\nKeep four tokens. https://arxiv.org/abs/2309.17453\n\n"
        "# Constants\nN_SINK = 4\nWINDOW = 1024\n\n# Run the test\nprint(N_SINK)\n\n"
        "# Adapters\n\narXiv:2106.09685 merges back.\n"
    )
    posts = import_notes(text, "Notes")
    assert [p.title for p in posts] == ["Sinks", "Adapters"]
    assert "```\n# Constants\nN_SINK = 4\nWINDOW = 1024\n\n# Run the test\nprint(N_SINK)\n```" in posts[0].body


def test_prose_is_not_taken_for_code() -> None:
    lines = Lines.of("Attention\nThe loss = 3.2 at the end of training.\n\n# Notes\nSome text.\n")
    assert not any(lines.code)


# -- roundups -------------------------------------------------------------------------


def test_a_dated_roundup_is_one_post_with_a_section_per_paper() -> None:
    [post] = import_notes(fixture("roundup.txt"), "Roundup")
    assert post.title == "The Tuesday Stack, issue 12"
    assert post.date == dt.date(2024, 2, 15)
    assert post.papers == [
        ("2309.17453", None), ("2305.14314", None),
        ("2312.00752", "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"),
    ]
    assert post.body.startswith("Three papers this week")
    assert "## Rolling caches with sink tokens\n\nhttps://arxiv.org/abs/2309.17453" in post.body
    assert "## Quantized adapters" in post.body and "## Linear-time sequence models" in post.body
    assert post.body.endswith("That is all for this week.")


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("February 15, 2024.", dt.date(2024, 2, 15)),
        ("Oct 10, 2023", dt.date(2023, 10, 10)),
        ("The week of October 10th, 2023...", dt.date(2023, 10, 10)),
        ("3 March 2024", dt.date(2024, 3, 3)),
        ("Sept. 3, 2023", dt.date(2023, 9, 3)),
        ("Posted 2024-02-15", dt.date(2024, 2, 15)),
        ("Feb 30, 2024", None),
        ("May 2024", None),
        ("Scores of 12 2024 models", None),
    ],
)
def test_dates_in_opening_lines(line: str, date: dt.date | None) -> None:
    assert find_date([line]) == date


# -- a newsletter page with a reference list ------------------------------------------


@pytest.fixture(scope="module")
def newsletter() -> str:
    if not NEWSLETTER.is_file() and not os.environ.get("CI"):  # CI always has ../shared beside the clone
        pytest.skip(f"{NEWSLETTER} is not there (a fresh clone without ../shared)")
    assert NEWSLETTER.is_file(), f"the shared newsletter export is missing: {NEWSLETTER}"
    return NEWSLETTER.read_text(encoding="utf-8")


def test_the_newsletter_reference_list_becomes_a_bibliography(newsletter: str) -> None:
    [post] = import_notes(newsletter, "Newsletter")
    assert post.title == "StreamingLLM, QA-LoRA, GPT-4V, LLaVA, Reversal Curse and More"
    assert post.date == dt.date(2023, 10, 10)
    records = post.bibliography
    assert len(records) == 11
    assert [r["id"] for r in records[:4]] == ["xiao2023efficient", "openai2023gpt4vision", "qin2023large", "xu2023qalora"]
    assert all("text" in r for r in records)
    # A quoted title is kept for the paper's page; not when the quotes cannot be told apart.
    assert records[3]["title"] == "QA-LoRA: Quantization-Aware Low-Rank Adaptation of Large Language Models"
    assert "title" not in records[4]  # "The Reversal Curse: LLMs trained on" A is B" fail ..."
    arxiv = {r["id"]: r.get("arxiv") for r in records}
    assert arxiv["xu2023qalora"] == "2309.14717" and arxiv["jin2023growlength"] == "2310.00576"
    assert arxiv["xiao2023efficient"] is None and arxiv["openai2023gpt4vision"] is None  # no id in the text
    # A title broken over two lines is one reference, and the text after the list is no reference.
    ninth = records[8]["text"]
    assert "Knowledge Storage and Extraction”, arXiv preprint arXiv:2309.14316 (2023)." in ninth
    assert "ChatGPT Plus requires" not in " ".join(r["text"] for r in records)
    assert "ChatGPT Plus requires a paid" in post.body  # ... it is kept in the body


def test_the_newsletter_markers_become_citations(newsletter: str) -> None:
    [post] = import_notes(newsletter, "Newsletter")
    body = post.body
    assert "[@allenzhu2023physics; @allenzhu2023physicsb]" in body  # was [9, 10]
    assert "## Efficient Streaming Language Models with Attention Sinks [@xiao2023efficient]" in body
    # Two papers under one heading: the markers are no words of its, which would make it too long for one.
    assert ("\n## Physics of Language Models: Part 3.1 (Knowledge Storage and Extraction) [@allenzhu2023physics]"
            " and Part 3.2 (Knowledge Manipulation) [@allenzhu2023physicsb]\n") in body
    assert "StreamingLLM [@xiao2023efficient] aims" in body
    assert "Generating code from Figma \\[link\\]" in body  # other brackets stay text
    assert "Bibliography" not in body and "[1]" not in body


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        ("see [2]", "see [@b]"),
        ("see [1, 3]", "see [@a; @c]"),
        ("see [1–3]", "see [@a; @b; @c]"),
        ("see [4]", "see [4]"),  # not in the list
        ("[3]: studies ranking", "[@c]: studies ranking"),
        ("[3]: https://e.org/x", "[3]: https://e.org/x"),  # a Markdown link definition
        ("see [link] and [x](http://e.org) and ![1](i.png) and [2](http://e.org)", "see [link] and [x](http://e.org) and ![1](i.png) and [2](http://e.org)"),
    ],
)
def test_cite_markers(text: str, cited: str) -> None:
    assert cite_markers(text, {1: "a", 2: "b", 3: "c"}) == cited


def test_references_parse_identifiers_and_need_a_heading() -> None:
    text = (
        "A post citing [1] and [2].\n\nReferences\n\n"
        "1. Doe, Jane. \"A title.\" Journal 3 (2020). https://doi.org/10.1000/xyz123\n"
        "2. Roe, R. Notes on things. 2021. https://example.org/notes. arxiv.org/abs/2309.17453v2\n"
    )
    found = find_references(Lines.of(text))
    assert found is not None
    assert found.records == [
        {"id": "doe2020title", "text": "Doe, Jane. \"A title.\" Journal 3 (2020). https://doi.org/10.1000/xyz123",
         "title": "A title", "doi": "10.1000/xyz123"},
        {"id": "roe2021", "text": "Roe, R. Notes on things. 2021. https://example.org/notes. arxiv.org/abs/2309.17453v2",
         "arxiv": "2309.17453", "url": "https://example.org/notes"},
    ]
    assert find_references(Lines.of("Text [1].\n\n[1] Not under a heading.\n")) is None


def test_copied_text_is_shown_as_written() -> None:
    """A copied page is plain text: markup-looking characters in it are text, never HTML or Markdown."""
    filler = "This sentence pads the paragraph so that it reads like prose copied from a long post page. " * 2
    paragraphs = [
        f"Hostile <img src=x onerror=alert(1)> and *stars* and under_scores [1]. {filler}",
        f"# not a heading but a hash sign at the start. {filler}",
        f"1. not a list either, and a `tick`. {filler}",
        *[filler] * 6,
    ]
    text = "A copied page\n" + "\n".join(paragraphs) + "\nReferences\n[1] Doe, J. \"Paper.\" 2020.\n"
    [post] = import_notes(text, "Page")
    html = markdown.markdown(post.body)
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "*stars*" in html and "under_scores" in html and "`tick`" in html
    assert "<h1>" not in html and "<ol>" not in html
    assert "[@doe2020paper]" in post.body


def test_text_copied_from_a_pdf_or_a_terminal_keeps_its_words_apart() -> None:
    """A form feed between pages is a space to the reader; colour codes and a bell are nothing."""
    filler = "This sentence pads the paragraph so that it reads like prose copied from a long post page. " * 2
    text = f"Copied notes\nThe end of one page\fand the start of the next. {filler}\n\x1b[1mBold\x1b[0m\x07 run. {filler}\n"
    [post] = import_notes(text, "Notes")
    assert "page and the start" in post.body and "Bold run." in post.body
    assert not any(c in post.body for c in "\f\x07\x1b")


_LINE = st.sampled_from([
    "", "Title line", "# Heading", "# comment", "x = 1", "def f(x):", "    return x", "```", "References",
    "[1] Doe, J. \"A Title.\" arXiv:2309.17453 (2023).", "[2] Roe, R. 2021. https://e.org/a_b", "see [1] and [2, 1]",
    "February 15, 2024.", "https://arxiv.org/abs/2106.09685", "Contents", "- Title line", "notes: <b>*x*</b> & `y`",
])  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(_LINE | st.text(max_size=30), max_size=25))
def test_every_import_reads_back_as_a_post(lines: list[str]) -> None:
    """Whatever the shape, each imported post is a post file that reads without a problem."""
    for post in import_notes("\n".join(lines), "From the file name"):
        papers = [find_paper(arxiv, Library([]), title) for arxiv, title in post.papers]
        source = post_text(
            post.title, post.date or dt.date(2024, 1, 1), papers=[p for p in papers if p], draft=True,
            body=post.body, bibliography=post.bibliography,
        )
        diagnostics = Diagnostics()
        read = read_post(source.encode("utf-8"), "p.md", "posts/p.md", diagnostics)
        assert read is not None and not diagnostics.errors, (diagnostics.items, source)
        assert [r.id for r in read.bibliography] == [r["id"] for r in post.bibliography]


def test_a_date_over_a_title_dates_that_entry() -> None:
    text = (
        "2024-03-03\nSink tokens\nFour of them, then a window. https://arxiv.org/abs/2309.17453\n\n"
        "March 9, 2024\nAdapters\nThey merge back. arXiv:2106.09685\n"
    )
    posts = import_notes(text, "Log")
    assert [(p.title, p.date) for p in posts] == [("Sink tokens", dt.date(2024, 3, 3)), ("Adapters", dt.date(2024, 3, 9))]
    assert "March 9" not in posts[0].body and "2024-03-03" not in posts[0].body


def test_a_roundup_may_put_its_date_above_its_title() -> None:
    text = fixture("roundup.txt").replace("The Tuesday Stack, issue 12\nFebruary 15, 2024.\n", "Feb 15, 2024\nThe Tuesday Stack, issue 12\n")
    [post] = import_notes(text, "Roundup")
    assert (post.title, post.date) == ("The Tuesday Stack, issue 12", dt.date(2024, 2, 15))
    assert post.body.startswith("Three papers this week")
