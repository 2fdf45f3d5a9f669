"""Math renders wherever a writer may write Markdown: body, takeaways, paper notes (post and library).

Pages and feeds carry MathML, never MathML shown as text; search entries and
feed summaries read as words ("2 L h d T B"), with no markup.
"""

from __future__ import annotations

import json
import re

import feedparser
import pytest

from conftest import Build, SiteMaker

pytestmark = pytest.mark.slow

MATH = """
  - pymdownx.arithmatex:
      generic: true
"""

POST = """\
---
title: Cache arithmetic
date: 2024-06-07
papers:
  - arxiv: "2405.08944"
    title: Challenges in Deploying Long-Context Transformers
    note: Prices the cache at $2 L h d T B$ numbers.
  - lib2024
takeaways:
  - Sharing across layers shrinks $L$, pruning tokens shrinks $T$.
  - "Below the limit: $T<L$, and <b>raw</b> shows as text."
  - "A block formula: $$\\\\frac{a}{b}$$"
---

The cache holds $2 L h d T B$ numbers.
"""

LIBRARY = """\
- id: lib2024
  title: A library paper
  note: Its verdict, with $\\sqrt{x}$ in it.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Build:
    site = SiteMaker(tmp_path_factory.mktemp("math") / "src")
    site.config(MATH + "plugins:\n  - search\n  - papernotes:\n      library: [library.yaml]\n")
    site.write("library.yaml", LIBRARY)
    site.write("docs/posts/cache.md", POST)
    build = site.build("--strict")
    assert build.returncode == 0, build.output
    return build


def _raw_math_as_text(text: str) -> bool:
    return bool(re.search(r"&lt;/?m(ath|i|n|o|row|frac|sqrt)\b", text))


def test_math_renders_in_takeaways_and_notes_on_the_page(built: Build) -> None:
    page = built.page("posts/cache-arithmetic")
    assert not _raw_math_as_text(page)
    takeaways = page[page.index('class="admonition abstract takeaways"'):]
    takeaways = takeaways[: takeaways.index("</div>")]
    assert takeaways.count("<math ") == 4 and "<mi>L</mi>" in takeaways and "<mfrac>" in takeaways
    # `<` inside math is the formula's; outside it, raw HTML shown as text.
    assert "<mo>&lt;</mo>" in takeaways and "&lt;b&gt;raw&lt;/b&gt; shows as text" in takeaways
    notes = re.findall(r'<p class="paper-card__note">(.*?)</p>', page, re.DOTALL)
    assert len(notes) == 2 and all("<math " in note for note in notes)
    assert "<msqrt>" in notes[1]  # a note from the library is Markdown too


def test_feeds_carry_the_math_as_markup(built: Build) -> None:
    feed = (built.site / "feed.xml").read_text(encoding="utf-8")
    item = feedparser.parse(feed).entries[0]
    content = item.content[0].value
    # The body's and the takeaways' five formulas, and one in each paper card's note.
    assert content.count("<math") == 7 and "<mi>T</mi>" in content and "<mfrac>" in content and "<msqrt>" in content
    assert not _raw_math_as_text(content)
    assert item.summary == "The cache holds 2 L h d T B numbers."


def test_search_reads_math_as_words(built: Build) -> None:
    docs = json.loads((built.site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    text = " ".join(doc["text"] for doc in docs if doc["location"].startswith("posts/cache-arithmetic/"))
    assert "2 L h d T B" in text
    assert "shrinks L , pruning" in text or "shrinks L, pruning" in text
    assert "math" not in text and "&lt;m" not in text and "<m" not in text  # words, not MathML (a formula's own < stays)


def test_the_demo_weekly_stack_takeaway_shows_its_formula(demo_build: Build) -> None:
    page = demo_build.page("posts/the-weekly-stack-2-where-does-the-kv-cache-go")
    takeaways = re.findall(r"<li>(.*?)</li>", page[page.index('id="key-takeaways"'):], re.DOTALL)
    assert takeaways[1].startswith("Sharing across layers shrinks")
    assert "<mi>L</mi>" in takeaways[1] and "<mi>T</mi>" in takeaways[1]
    for output in (page, (demo_build.site / "feed.xml").read_text(encoding="utf-8")):
        assert not _raw_math_as_text(output)
