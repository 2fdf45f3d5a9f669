"""A small site with the README's default `- search` config, for the search-text tests.

Its words are made up so a search for them can only land where this site put them.
"""

from __future__ import annotations

from conftest import SiteMaker

ARXIV = "2309.17453"
PAPER_URL = f"papers/{ARXIV}/"
ABSTRACT_WORD = "quenchable"  # only in the paper's abstract
POST_URL = "posts/sinks-and-windows/"


def write_search_site(site: SiteMaker) -> None:
    site.post(
        "2024-06-02-sinks", "Sinks and windows", date="2024-06-02",
        tags="[LLM, Long Context]",
        papers="\n  - sinks2024",
        bibliography=f"""
  - id: sinks2024
    title: Zephyrine Attention Sinks for Streaming
    authors: [Oriane Vaskova, Tomas Lindqvist]
    year: 2024
    venue: ICML 2024
    arxiv: "{ARXIV}"
    abstract: A rolling cache with {ABSTRACT_WORD} sink tokens keeps perplexity flat.
  - id: bare2023
    title: Marrowleaf Decoding Without Abstracts
    authors: [Ilse Brandt]
    year: 2023
    arxiv: "2310.01234\"""",
        body="Sinks keep the cache honest [@sinks2024], and so does windowing [@sinks2024; @bare2023].\n\n"
        "Once more for the back-links [@sinks2024].\n",
    )
    site.post("2024-05-01-older", "An older note", date="2024-05-01", tags="[LLM]", body="Nothing about caches here.\n")
    site.post("2024-07-01-newer", "A newer note", date="2024-07-01", tags="[Vision]", body="Pixels, not tokens.\n")
