"""A small site with `search: pagefind`, for the build tests and the browser tests of Pagefind search."""

from __future__ import annotations

import json

from conftest import BASE_CONFIG, SiteMaker

PAGEFIND_CONFIG = (
    BASE_CONFIG.replace("  - search\n", "")
    .replace("  - papernotes:\n", "  - papernotes:\n      search: pagefind\n")
    # Light and dark by the reader's system setting, as a writer sets it up.
    .replace("  font: false\n", "  font: false\n  palette:\n    - media: '(prefers-color-scheme: light)'\n      scheme: default\n"
             "    - media: '(prefers-color-scheme: dark)'\n      scheme: slate\n")
)
H = """<script>alert(1)</script><img src=x onerror=alert(1)> "dq" & &amp;"""
LONG_WORD = "f00d" * 500  # one word of 2,000 letters

SINKS = """\
papers:
  - arxiv: "2309.17453"
    title: Efficient Streaming Language Models with Attention Sinks
    authors: [Guangxuan Xiao, Yuandong Tian, Beidi Chen, Song Han, Mike Lewis]
    year: 2023
    venue: ICLR 2024
    abstract: Deploying large language models in streaming applications is hampered by quokkalike cache growth.
tags: [Long Context]"""


def pagefind_site(maker: SiteMaker) -> SiteMaker:
    """Three posts (one reviewing a paper, one draft, one hostile) and a page of the writer's."""
    maker.config(text=PAGEFIND_CONFIG.format(per_page=10))
    maker.write("docs/posts/sinks.md", f"---\ntitle: Attention sinks, explained\ndate: 2024-06-12\n{SINKS}\n---\n"
                "Why the first tokens soak up attention: a marmoset of a mechanism.\n\n"
                "## How the sink forms\n\nThe first token is *over*loaded[^1] in every layer.\n\n[^1]: Measured over four models.\n")
    maker.post("draft", "Unfinished thoughts", body="A xylophonist draft word.", draft="true",
               papers='[{arxiv: "2401.99999", title: Only In A Draft, abstract: "A zeppelinic abstract."}]')
    maker.write("docs/posts/hostile.md", "---\n"
                f"title: {_q('Hostile ' + H)}\ndate: 2024-07-01\n"
                f"papers:\n  - id: hostile2024\n    title: {_q('Paper ' + H)}\n    year: 2024\n    abstract: {_q('Abstract ' + H + ' gnomonic')}\n"
                f"---\nA hostile post, gnomonic too, with a pasted hash: {LONG_WORD}.\n")
    maker.write("docs/about.md", "# About this site\n\nWritten by a capybara fancier.\n")
    return maker


def _q(text: str) -> str:
    return json.dumps(text)  # a YAML double-quoted scalar
