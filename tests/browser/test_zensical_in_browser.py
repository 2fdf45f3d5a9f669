"""The demo built with `papernotes build --engine zensical`, in headless Chromium: citations work as under MkDocs."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, ContextManager, Iterator

import pytest

from engine_builds import EngineBuild, demo_on  # noqa: F401 - demo_on is a fixture

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips, or fails under CI, with the reason
    expect = None  # type: ignore[assignment]

pytestmark = pytest.mark.browser

POST = "posts/do-state-space-models-actually-keep-state/"


@pytest.fixture(scope="module")
def zensical_url(demo_on: dict[str, EngineBuild], serve_folder: Callable[[Path], ContextManager[str]]) -> Iterator[str]:  # noqa: F811
    build = demo_on["zensical"]
    assert build.returncode == 0, build.output
    with serve_folder(build.site) as url:
        yield url


def test_hovering_a_citation_shows_its_reference(page, zensical_url: str) -> None:
    page.goto(zensical_url + POST)
    citation = page.locator("article a.citation").first
    reference = citation.get_attribute("title") or ""
    assert "“" in reference, reference  # the plain-text reference, with the title in quotes
    citation.hover()
    # Zensical's theme turns the title into a tooltip, as Material does with content.tooltips.
    tooltip = page.locator(".md-tooltip2--active, .md-tooltip--active")
    expect(tooltip.first).to_be_visible()
    expect(tooltip.first).to_contain_text(reference[:60])


def test_a_references_back_link_returns_to_the_citation(page, zensical_url: str, screenshots: Path) -> None:
    page.goto(zensical_url + POST)
    back = page.locator("ol.references > li a.citation-backref").nth(2)
    anchor = back.get_attribute("href") or ""
    assert anchor.startswith("#cite-"), anchor
    cited = page.locator(f'[id="{anchor[1:]}"]')
    back.scroll_into_view_if_needed()
    expect(cited).not_to_be_in_viewport()
    back.click()
    expect(page).to_have_url(zensical_url + POST + anchor)
    expect(cited).to_be_in_viewport()
    page.screenshot(path=str(screenshots / "zensical-post-desktop.png"))


def test_a_paper_card_leads_to_the_paper_page(page, zensical_url: str) -> None:
    page.goto(zensical_url + POST)
    card = page.locator(".paper-card a").first
    card.click()
    expect(page.locator("h1#paper-title")).to_be_visible()
    expect(page.locator("text=Posts about this paper").first).to_be_visible()
