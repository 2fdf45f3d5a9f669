"""New posts as text, and notes split into posts-to-be (the core of `papernotes new` and `import`)."""

from __future__ import annotations

import datetime as dt

from hypothesis import example, given, settings
from hypothesis import strategies as st

from papernotes.core.diagnostics import Diagnostics
from papernotes.core.sources.library import Library
from papernotes.core.model.posts import read_post
from papernotes.core.model.records import Record
from papernotes.core.importing import import_notes
from papernotes.core.scaffold import find_arxiv_papers, find_paper, post_text
from papernotes.core.views.sanitize import closed_bidi

LIBRARY = Library([
    Record(id="xiao2023streaming", title="Efficient Streaming Language Models with Attention Sinks", arxiv="2309.17453"),
    Record(arxiv="2406.09415", abstract="No key, no title."),
    Record(id="hu2021lora", title="LoRA"),
])  # fmt: skip


def test_find_paper() -> None:
    assert find_paper("arXiv:2309.17453v2", LIBRARY).entry == "xiao2023streaming"
    assert find_paper("hu2021lora", LIBRARY).cite == "[@hu2021lora]"
    keyless = find_paper("https://arxiv.org/pdf/2406.09415", LIBRARY, title="From a note")
    assert keyless.entry == {"arxiv": "2406.09415"}  # the library holds it: its details stay there
    unknown = find_paper("2402.08268", LIBRARY, title="World Model")
    assert (unknown.entry, unknown.heading, unknown.cite) == (
        {"arxiv": "2402.08268", "title": "World Model"}, "World Model", "[@arxiv:2402.08268]",
    )
    assert find_paper("nokey", LIBRARY) is None


def test_find_arxiv_papers_in_order_each_once() -> None:
    text = (
        "see arxiv.org/pdf/2402.08268v3.pdf and https://arxiv.org/abs/2309.17453\n"
        "[2402.08268] World Model on Million-Length Video - https://arxiv.org/abs/2402.08268\n"
        "old: https://arxiv.org/abs/hep-th/9901001, and ARXIV:2305.14314; not 2305.1829 nor arxiv.org/abs/2305.1829\n"
    )
    assert find_arxiv_papers(text) == [
        ("2402.08268", "World Model on Million-Length Video"),
        ("2309.17453", None),
        ("hep-th/9901001", None),
        ("2305.14314", None),
    ]


def test_markdown_notes_split_at_top_level_headings() -> None:
    text = "intro\n\n# [2309.17453] Sinks\n\nbody\n\n```\n# code\n```\n\n# Empty\n\n# Last #\nx\n"
    notes = import_notes(text, "File name")
    assert [(n.title, n.body, n.papers) for n in notes] == [
        ("Sinks", "intro\n\nbody\n\n```\n# code\n```", [("2309.17453", "Sinks")]),
        ("Last", "x", []),
    ]
    assert [(n.title, n.body) for n in import_notes("just text\r\nhere", "File name")] == [("File name", "just text\nhere")]
    assert import_notes("\n\n", "Nothing") == []


text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(lambda s: s.strip())


@settings(max_examples=150, deadline=None)
@given(title=text, tags=st.lists(text, max_size=3), body=st.none() | text)
@example(title="\u202aembedded \u2067isolated", tags=["\u202etag"], body=None)  # bidi runs left open
def test_any_title_and_tags_survive_the_round_trip(title: str, tags: list[str], body: str | None) -> None:
    """What `new` and `import` write reads back as written, but for a bidi run left open, which is closed as read."""
    papers = [find_paper("2309.17453", LIBRARY), find_paper("2402.08268", LIBRARY, title=title)]
    source = post_text(title, dt.date(2024, 7, 1), tags=tags, papers=papers, draft=True, body=body)
    assert title in source  # the file holds the title as given
    diagnostics = Diagnostics()
    post = read_post(source.encode("utf-8"), "p.md", "posts/p.md", diagnostics)
    assert post is not None and not diagnostics.items, diagnostics.items
    assert post.title == closed_bidi(" ".join(title.split()))
    assert post.meta.tags == [closed_bidi(t.strip()) for t in tags]
    assert [p.key for p in post.papers] == ["xiao2023streaming", "arxiv:2402.08268"]
    assert post.papers[1].title == closed_bidi(title.strip())
    assert post.draft
