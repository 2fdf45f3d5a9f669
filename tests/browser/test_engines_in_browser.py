"""The demo as MkDocs builds it and as `papernotes build --engine zensical` builds it, in headless Chromium.

A reader hovers a citation to see its reference, follows a reference's
back-link to where it was cited and a paper card to its paper page; all of it
must work whichever engine built the site.
"""

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


@pytest.fixture(params=["mkdocs", "zensical"])
def site_url(request: pytest.FixtureRequest) -> str:
    """The demo's address as built by each engine (`demo_url` is the MkDocs build the other browser tests use)."""
    return request.getfixturevalue("demo_url" if request.param == "mkdocs" else "zensical_url")


def test_hovering_a_citation_shows_its_reference(page, site_url: str) -> None:
    page.goto(site_url + POST)
    citation = page.locator("article a.citation").first
    reference = citation.get_attribute("title") or ""
    assert "“" in reference, reference  # the plain-text reference, with the title in quotes
    tooltip = page.locator(".md-tooltip2--active, .md-tooltip--active")
    expect(tooltip).to_have_count(0)
    citation.hover()
    # Both themes turn the title into a tooltip (Material with content.tooltips).
    expect(tooltip.first).to_be_visible()
    expect(tooltip.first).to_contain_text(reference[:60])


def test_a_references_back_link_returns_to_the_citation(page, site_url: str, screenshots: Path, request: pytest.FixtureRequest) -> None:
    page.goto(site_url + POST)
    back = page.locator("ol.references > li a.citation-backref").nth(2)
    anchor = back.get_attribute("href") or ""
    assert anchor.startswith("#cite-"), anchor
    cited = page.locator(f'[id="{anchor[1:]}"]')
    back.scroll_into_view_if_needed()
    expect(cited).not_to_be_in_viewport()
    back.click()
    expect(page).to_have_url(site_url + POST + anchor)
    expect(cited).to_be_in_viewport()
    assert page.evaluate("location.hash") == anchor
    engine = request.node.callspec.params["site_url"]
    page.screenshot(path=str(screenshots / f"{engine}-post-back-link.png"))


def test_a_paper_card_leads_to_the_paper_page(page, site_url: str) -> None:
    page.goto(site_url + POST)
    card = page.locator(".paper-card a").first
    name = card.inner_text()
    card.click()
    expect(page.locator("h1#paper-title")).to_have_text(name)
    expect(page.locator("text=Posts about this paper").first).to_be_visible()
