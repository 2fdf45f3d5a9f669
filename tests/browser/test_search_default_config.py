"""Material's header search, with the README's default `- search` config, finds a paper by its
arXiv id and by a word of its abstract, and a click lands on the paper's page."""

from __future__ import annotations

import re
from typing import Iterator

import pytest

from conftest import SiteMaker
from search_site import ABSTRACT_WORD, ARXIV, PAPER_URL, write_search_site

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips, or fails under CI, with the reason
    expect = None  # type: ignore[assignment]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory, serve_folder) -> Iterator[str]:
    site = SiteMaker(tmp_path_factory.mktemp("search-site") / "src")
    write_search_site(site)
    build = site.build("--strict")
    assert build.returncode == 0, build.output
    with serve_folder(build.site) as url:
        yield url


@pytest.mark.parametrize("query", [ARXIV, ABSTRACT_WORD])
def test_header_search_lands_on_the_paper_page(page, site_url: str, header_search, query: str) -> None:
    header_search(page, site_url, query, PAPER_URL).click()
    expect(page).to_have_url(re.compile(re.escape(site_url + PAPER_URL) + r"(\?q=.*)?$"))
    expect(page.locator("h1#paper-title")).to_have_text("Zephyrine Attention Sinks for Streaming")
