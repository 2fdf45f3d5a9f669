"""The demo site in headless Chromium: what a reader does with a mouse, a keyboard and a phone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips, or fails under CI, with the reason
    expect = None  # type: ignore[assignment]

pytestmark = pytest.mark.browser

POST = "posts/do-state-space-models-actually-keep-state/"
PAPER = "papers/2405.04434/"
TOPIC = "tags/state-space-models/"
PAPERS = "papers/"


# -- search ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("theorist", POST),  # a word of a post's body, not of its title
        ("2405.04434", PAPER),  # a paper by its arXiv id
        ("Tokenization", "tags/tokenization/"),  # a topic by name
    ],
)
def test_search_finds(page, demo_url: str, header_search, query: str, found: str) -> None:
    header_search(page, demo_url, query, found)


# -- navigation -------------------------------------------------------------------------


def test_a_topic_chip_leads_to_the_topic_page_and_on_to_a_paper(page, demo_url: str) -> None:
    page.goto(demo_url + POST)
    page.locator(".pn-post-header a.md-tag", has_text="State Space Models").click()
    expect(page).to_have_url(demo_url + TOPIC)
    expect(page.locator("article h1")).to_have_text("State Space Models")
    expect(page.locator(".pn-listing").get_by_role("link", name="Do state-space models actually keep state?", exact=True)).to_have_count(1)
    paper = page.locator("ul.pn-topic-papers a").first
    name = paper.inner_text()
    paper.click()
    expect(page).to_have_url(re.compile(re.escape(demo_url) + r"papers/[^/]+/$"))
    expect(page.locator("h1#paper-title")).to_have_text(name)


def test_light_and_dark_toggle(page, demo_url: str) -> None:
    page.goto(demo_url)
    body = page.locator("body")
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    toggle = page.locator('form[data-md-component="palette"] label:visible')
    toggle.click()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    page.reload()  # the choice is remembered
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    toggle.click()
    expect(body).to_have_attribute("data-md-color-scheme", "default")


# -- the papers index -------------------------------------------------------------------

ROWS = """() => Array.from(document.querySelectorAll("table.pn-papers tbody tr"))
  .filter(row => !row.hidden)
  .map(row => ({title: row.dataset.title, year: Number(row.dataset.year) || 0,
                topics: row.dataset.topics, text: row.dataset.text}))"""
IN_ORDER = "titles => titles.every((t, i) => i === 0 || titles[i - 1].localeCompare(t) <= 0)"


def test_papers_index_sorts_by_title_and_year(page, demo_url: str) -> None:
    page.goto(demo_url + PAPERS)
    total = len(page.evaluate(ROWS))
    assert total >= 10

    title = page.locator('button[data-pn-sort="title"]')
    title.click()
    first = [row["title"] for row in page.evaluate(ROWS)]
    direction = title.get_attribute("aria-sort")
    ascending = first if direction == "ascending" else first[::-1]
    assert direction in ("ascending", "descending") and page.evaluate(IN_ORDER, ascending)
    assert ascending != first or direction == "ascending"
    title.click()
    assert [row["title"] for row in page.evaluate(ROWS)] == first[::-1]
    assert title.get_attribute("aria-sort") != direction

    year = page.locator('button[data-pn-sort="year"]')
    year.click()
    years = [row["year"] for row in page.evaluate(ROWS)]
    expected = sorted(years, reverse=year.get_attribute("aria-sort") == "descending")
    assert years == expected and len(set(years)) > 2
    year.click()
    assert [row["year"] for row in page.evaluate(ROWS)] == expected[::-1]
    assert len(page.evaluate(ROWS)) == total


def test_papers_index_filters_by_text_year_and_topic(page, demo_url: str) -> None:
    page.goto(demo_url + PAPERS)
    total = len(page.evaluate(ROWS))
    shown = page.locator("[data-pn-shown]")
    expect(shown).to_have_text(f"{total} papers")

    text = page.locator('input[data-pn-filter="text"]')
    text.press_sequentially("mamba", delay=20)
    rows = page.evaluate(ROWS)
    assert 0 < len(rows) < total and all("mamba" in row["text"] for row in rows)
    expect(shown).to_have_text(re.compile(rf"^{len(rows)} papers?$"))
    text.fill("")
    text.dispatch_event("input")
    assert len(page.evaluate(ROWS)) == total

    year_select = page.locator('select[data-pn-filter="year"]')
    year = year_select.locator("option").nth(1).get_attribute("value") or year_select.locator("option").nth(1).inner_text()
    year_select.select_option(year)
    rows = page.evaluate(ROWS)
    assert 0 < len(rows) < total and all(str(row["year"]) == year for row in rows)
    year_select.select_option("")

    topic_select = page.locator('select[data-pn-filter="topic"]')
    topic_select.select_option("state-space-models")
    rows = page.evaluate(ROWS)
    assert 0 < len(rows) < total and all("|state-space-models|" in row["topics"] for row in rows)
    # Filters combine: a topic and a word no paper of it has shows nothing.
    text.press_sequentially("zzzz-no-such-paper", delay=5)
    assert page.evaluate(ROWS) == []
    expect(shown).to_have_text("0 papers")


# -- phones and screenshots ---------------------------------------------------------------

PAGES = {"home": "", "post": POST, "paper": PAPER, "topic": TOPIC, "papers-index": PAPERS}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_no_horizontal_scrolling_on_a_phone(phone, demo_url: str, screenshots: Path, name: str) -> None:
    phone.goto(demo_url + PAGES[name])
    phone.wait_for_load_state("load")
    widths = phone.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"{name}: the page is {widths[0]}px wide on a {widths[1]}px screen"
    phone.screenshot(path=str(screenshots / f"phone-{name}.png"), full_page=True)


@pytest.mark.parametrize("name", ["home", "post", "paper", "topic"])
def test_screenshot(page, demo_url: str, screenshots: Path, name: str) -> None:
    page.goto(demo_url + PAGES[name])
    page.wait_for_load_state("load")
    path = screenshots / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
