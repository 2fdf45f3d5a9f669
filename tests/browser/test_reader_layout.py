"""What a reader sees first: the demo's reader pages on a phone and a desktop, light and dark.

Each page is opened at 390 px and 1400 px in both schemes; the layout facts a
reader would check are asserted, and a screenshot of the first screen (and of
the whole page) is saved under test-artifacts/screenshots/reader/ for review.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import ENV, ROOT, SHARED_DATA, SiteMaker

pytestmark = pytest.mark.browser

ROUNDUP = "posts/the-weekly-stack-1-deepseek-v2-xlstm-yoco-and-multi-token-prediction/"
DEEP_DIVE = "posts/do-state-space-models-actually-keep-state/"
PAGES = {
    "roundup": ROUNDUP,
    "deep-dive": DEEP_DIVE,
    "home": "",
    "topic": "tags/state-space-models/",
    "papers-index": "papers/",
    "paper": "papers/2405.04434/",
}
POSTS = ("roundup", "deep-dive")
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1400, "height": 900}}
TABS = {"roundup": "Home", "deep-dive": "Home", "home": "Home", "topic": "Topics", "papers-index": "Papers", "paper": "Papers"}

# Everything measured on one page, in CSS pixels of the viewport.
MEASURE = """() => {
  const box = el => { if (!el) return null; const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height}; };
  const visible = el => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const inner = document.querySelector(".md-content__inner");
  const toc = document.querySelector(".md-sidebar--secondary");
  const nav = document.querySelector(".md-sidebar--primary");
  return {
    scroll: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
    height: window.innerHeight,
    column: box(inner),
    title: box(inner.querySelector("h1")),
    firstProse: box(inner.querySelector(":scope > p:not([class])")),
    proseLine: parseFloat(getComputedStyle(inner.querySelector(":scope > p") || inner).lineHeight) || 24,
    navShown: visible(nav) && nav.getBoundingClientRect().left >= 0,
    tocShown: visible(toc),
    tocLinks: toc ? toc.querySelectorAll("a.md-nav__link").length : 0,
    activeTab: (document.querySelector(".md-tabs__item--active") || {}).innerText || null,
    tabsShown: visible(document.querySelector(".md-tabs")),
  };
}"""


@pytest.fixture(params=["light", "dark"])
def scheme(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def reader(browser: Any, viewport: str, scheme: str) -> Any:
    """A page at the viewport and in the scheme; failed requests and script errors are collected."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.failures = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.failures.append(f"script error: {error}"))
    page.on("response", lambda r: r.status >= 400 and page.failures.append(f"HTTP {r.status} {r.url}"))
    yield page
    context.close()


@pytest.fixture(scope="module")
def shots(screenshots: Path) -> Path:
    folder = screenshots / "reader"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def visit(page: Any, url: str, shots: Path, name: str) -> dict[str, Any]:
    page.goto(url)
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready")
    page.screenshot(path=str(shots / f"{name}.png"))
    page.screenshot(path=str(shots / f"{name}-full.png"), full_page=True)
    facts = page.evaluate(MEASURE)
    facts["failures"] = list(page.failures)
    return facts


def test_reader_pages(reader: Any, demo_url: str, shots: Path, viewport: str, scheme: str) -> None:
    facts = {name: visit(reader, demo_url + url, shots, f"{name}-{VIEWPORTS[viewport]['width']}-{scheme}") for name, url in PAGES.items()}
    desktop = viewport == "desktop"
    for name, seen in facts.items():
        where = f"{name} at {viewport} in {scheme}"
        assert seen["failures"] == [], f"{where}: {seen['failures']}"
        assert seen["scroll"][0] <= seen["scroll"][1], f"{where}: the page scrolls sideways ({seen['scroll']})"
        assert seen["title"] and seen["title"]["top"] >= 0 and seen["title"]["bottom"] <= seen["height"], f"{where}: no title on the first screen"
        if desktop:
            assert not seen["navShown"], f"{where}: an empty navigation sidebar takes the left of the page"
            assert not seen["tocShown"] or seen["tocLinks"] > 0, f"{where}: an empty table of contents takes the right"
            assert seen["tabsShown"] and seen["activeTab"] and seen["activeTab"].strip() == TABS[name], (
                f"{where}: the {TABS[name]} tab is not highlighted (highlighted: {seen['activeTab']!r})"
            )
    # One column: the same left edge and width on every page, the home page's included.
    home = facts["home"]["column"]
    for name, seen in facts.items():
        column = seen["column"]
        assert abs(column["left"] - home["left"]) <= 1 and abs(column["width"] - home["width"]) <= 1, (
            f"{name} at {viewport}: content column {column['left']:.0f}+{column['width']:.0f}px, home's {home['left']:.0f}+{home['width']:.0f}px"
        )
    if desktop:  # a reading measure, centred: neither a full-width sprawl nor squeezed by a sidebar
        viewport_width = VIEWPORTS[viewport]["width"]
        assert 600 <= home["width"] <= 800, home
        assert abs(home["left"] + home["width"] / 2 - viewport_width / 2) <= 2, f"the column is not centred: {home}"
    for name in POSTS:
        seen = facts[name]
        prose = seen["firstProse"]
        assert prose, f"{name}: no paragraph of prose in the body"
        assert prose["top"] + 2 * seen["proseLine"] <= seen["height"], (
            f"{name} at {viewport}: the prose starts at {prose['top']:.0f}px, below the first screen ({seen['height']}px)"
        )


def test_a_missing_page_shows_the_404_page_with_no_tab_highlighted(browser: Any, demo_build: Any, serve_folder: Any) -> None:
    """A mistyped address, served as GitHub Pages serves it (the demo's 404.html, under the site's path): no tab claims it."""
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    failures: list[str] = []
    page.on("pageerror", lambda error: failures.append(f"script error: {error}"))
    page.on("response", lambda r: r.status >= 400 and "/no-such-post/" not in r.url and failures.append(f"HTTP {r.status} {r.url}"))
    try:
        with serve_folder(demo_build.site, "/papernotes/") as url:
            response = page.goto(url + "posts/no-such-post/")
            page.wait_for_load_state("load")
            facts = page.evaluate(MEASURE)
    finally:
        context.close()
    assert response.status == 404 and failures == []
    assert facts["tabsShown"] and facts["activeTab"] is None, f"the {facts['activeTab']!r} tab is highlighted on the 404 page"


def test_every_post_shows_its_prose_on_the_first_screen(reader: Any, demo_url: str, demo_build: Any, viewport: str) -> None:
    posts = sorted(path.parent.name for path in (demo_build.site / "posts").glob("*/index.html"))
    assert len(posts) >= 8
    late = []
    for slug in posts:
        reader.goto(f"{demo_url}posts/{slug}/")
        seen = reader.evaluate(MEASURE)
        prose = seen["firstProse"]
        if not prose or prose["top"] + 2 * seen["proseLine"] > seen["height"] or seen["title"]["top"] < 0:
            late.append((slug, prose and round(prose["top"])))
    assert not late, f"posts whose first screen at {viewport} holds no prose: {late}"


@pytest.mark.parametrize("name", POSTS)
def test_paper_cards_are_compact_with_the_abstract_folded(reader: Any, demo_url: str, viewport: str, name: str) -> None:
    reader.goto(demo_url + PAGES[name])
    cards = reader.locator("section.paper-card")
    assert cards.count() >= 3
    block = reader.locator(".paper-cards")
    intro = reader.locator(".md-content__inner > p:not([class])").first
    assert block.bounding_box()["y"] > intro.bounding_box()["y"], "the papers come after the introduction"
    for index in range(cards.count()):
        card = cards.nth(index)
        for part in (".paper-card__title a", ".paper-card__meta", ".pn-paper-link"):
            assert card.locator(part).first.is_visible(), f"card {index + 1} has no visible {part}"
        abstract = card.locator("details.paper-card__abstract")
        if abstract.count():
            assert abstract.get_attribute("open") is None and not abstract.locator("p").is_visible()
        limit = 240 if viewport == "desktop" else 330  # title, meta with links, verdict, the "Abstract" toggle
        assert card.bounding_box()["height"] <= limit, f"card {index + 1} is {card.bounding_box()['height']:.0f}px tall"
    first = reader.locator("section.paper-card details.paper-card__abstract").first
    if not first.count() and not SHARED_DATA.is_dir():
        pytest.skip("the demo's abstracts come from ../shared/data, which is not beside this checkout")
    first.locator("summary").click()
    assert first.locator("p").is_visible(), "the abstract opens on a click"


def test_one_palette_and_takeaways_at_body_size(reader: Any, demo_url: str) -> None:
    reader.goto(demo_url + DEEP_DIVE)
    style = reader.evaluate("""() => {
      const css = (sel, prop) => getComputedStyle(document.querySelector(sel))[prop];
      return {link: css(".md-content__inner > p a", "color"),
              takeaways: css(".takeaways", "borderLeftColor"), cards: css(".paper-cards", "borderLeftColor"),
              takeawaysSize: css(".takeaways li", "fontSize"), bodySize: css(".md-content__inner > p", "fontSize")};
    }""")
    assert style["takeaways"] == style["cards"] == style["link"], style
    assert style["takeawaysSize"] == style["bodySize"], style


def test_listing_puts_the_title_first_and_strongest(reader: Any, demo_url: str) -> None:
    reader.goto(demo_url)
    post = reader.locator(".pn-listing__post").first
    title, meta, tags, excerpt = (post.locator(s).first for s in (".pn-listing__title", ".pn-meta", ".pn-tags", ".md-post__content p"))
    tops = [part.bounding_box()["y"] for part in (title, meta, tags, excerpt)]
    assert tops == sorted(tops), f"title, meta, topics, excerpt are not in reading order: {tops}"
    size = lambda loc: float(loc.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))  # noqa: E731
    weight = lambda loc: int(loc.evaluate("el => getComputedStyle(el).fontWeight"))  # noqa: E731
    assert size(title) > 1.2 * size(excerpt) > size(meta) and weight(title.locator("a")) >= 700


def test_papers_index_spans_the_column_and_works_on_a_phone(reader: Any, demo_url: str, viewport: str) -> None:
    reader.goto(demo_url + PAGES["papers-index"])
    column = reader.locator(".md-content__inner").bounding_box()
    table = reader.locator("table.pn-papers").bounding_box()
    inner = column["width"] - 2 * (table["x"] - column["x"])
    assert table["width"] >= inner - 2 and table["x"] + table["width"] <= column["x"] + column["width"], (table, column)
    text = reader.locator('input[data-pn-filter="text"]')
    fits = text.evaluate("""el => { const s = getComputedStyle(el); const c = document.createElement("canvas").getContext("2d");
      c.font = `${s.fontSize} ${s.fontFamily}`; return c.measureText(el.placeholder).width + parseFloat(s.paddingLeft) + parseFloat(s.paddingRight) <= el.clientWidth; }""")
    assert fits, "the filter's placeholder is cut off"
    assert text.evaluate("el => getComputedStyle(el).borderStyle") == "none", "a native input box, not styled like the theme's"
    width = VIEWPORTS[viewport]["width"]
    for control in ('input[data-pn-filter="text"]', 'select[data-pn-filter="year"]', 'select[data-pn-filter="topic"]',
                    'button[data-pn-sort="title"]', 'button[data-pn-sort="year"]'):
        box = reader.locator(control).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, f"{control} is off screen at {width}px"
    heights = reader.evaluate("() => Array.from(document.querySelectorAll('table.pn-papers tbody tr')).map(r => r.getBoundingClientRect().height)")
    assert sorted(heights)[len(heights) // 2] <= 90, f"rows are tall: median {sorted(heights)[len(heights) // 2]:.0f}px"
    reader.locator('button[data-pn-sort="year"]').click()
    reader.locator('select[data-pn-filter="topic"]').select_option("state-space-models")
    assert 0 < reader.locator("table.pn-papers tbody tr:not([hidden])").count() < len(heights)


def test_paper_page_speaks_to_readers(reader: Any, demo_url: str, viewport: str) -> None:
    for url in (PAGES["paper"], "papers/1706.03762/"):  # with an abstract, and without one in the library
        reader.goto(demo_url + url)
        body = reader.locator(".md-content__inner")
        assert "library" not in body.inner_text().lower(), f"{url}: a note meant for the writer"
        posts = reader.locator("#posts")
        assert posts.is_visible() and posts.bounding_box()["y"] < VIEWPORTS[viewport]["height"], f"{url}: the posts about it are below the fold"
        bibtex = reader.locator("details.pn-cite")
        assert bibtex.get_attribute("open") is None and not reader.locator("pre.pn-bibtex").is_visible(), "BibTeX is folded"
        abstract = reader.locator("h2.pn-abstract-heading")
        if abstract.count():
            assert abstract.bounding_box()["y"] > posts.bounding_box()["y"]
    assert reader.locator("h2.pn-abstract-heading").count() == 0, "no empty Abstract section when none is known"


@pytest.fixture(scope="module")
def served_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo under `mkdocs serve`, which shows drafts; stopped by its own process id."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-f", str(ROOT / "mkdocs.yml"), "--dev-addr", f"127.0.0.1:{port}", "--no-livereload"],
            cwd=ROOT, env=ENV, stdout=out, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}/papernotes/"  # the path of the demo's site_url
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(base, timeout=5):
                    break
            except OSError:
                assert time.monotonic() < deadline, f"mkdocs serve never answered:\n{log.read_text()}"
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def test_a_draft_is_marked_without_crowding(reader: Any, served_demo: str) -> None:
    reader.goto(served_demo)
    post = reader.locator(".pn-listing__post", has=reader.locator(".md-draft")).first
    badge = post.locator(".md-draft").bounding_box()
    assert badge, "no draft badge in the listing"
    for part in (".pn-listing__title", ".md-meta__item", ".pn-tags .md-tag"):
        for index in range(post.locator(part).count()):
            other = post.locator(part).nth(index).bounding_box()
            apart = max(other["x"] - (badge["x"] + badge["width"]), badge["x"] - (other["x"] + other["width"]),
                        other["y"] - (badge["y"] + badge["height"]), badge["y"] - (other["y"] + other["height"]))
            assert apart >= 4, f"the draft badge is {apart:.1f}px from {part} #{index + 1}"


FRESH_POST = """\
---
title: A post in a default site
date: 2024-06-01
tags: [LLM]
papers:
  - id: vaswani2017
    title: Attention Is All You Need
    authors: [Ashish Vaswani, Noam Shazeer]
    year: 2017
    note: Still the paper to start from.
    abstract: The dominant sequence transduction models are based on recurrent networks.
---

The opening paragraph [@vaswani2017].

## A section

More text.
"""


def test_a_default_site_keeps_its_navigation_and_takes_the_theme_colours(
    reader: Any, site_maker: SiteMaker, serve_folder: Any, viewport: str
) -> None:
    """Without tabs the navigation sidebar is the site's navigation: posts keep it. No palette set: the colours still apply."""
    site_maker.write("docs/posts/a.md", FRESH_POST)
    build = site_maker.build()
    assert build.returncode == 0, build.output
    with serve_folder(build.site) as url:
        reader.goto(url + "posts/a-post-in-a-default-site/")
        seen = reader.evaluate(MEASURE)
        assert seen["scroll"][0] <= seen["scroll"][1]
        prose = seen["firstProse"]
        assert prose and prose["top"] + 2 * seen["proseLine"] <= seen["height"]
        if viewport == "desktop":
            assert seen["navShown"], "the site's only navigation was hidden"
        colours = reader.evaluate("""() => [".paper-cards", ".md-content__inner > p a"].map(
          sel => getComputedStyle(document.querySelector(sel))[sel === ".paper-cards" ? "borderLeftColor" : "color"])""")
        assert colours[0] == colours[1], f"the cards' colour {colours[0]} is not the theme's link colour {colours[1]}"


CONTRAST = """el => {
  const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  let node = el, bg = null;
  while (node && !bg) { const c = getComputedStyle(node).backgroundColor; if (!/rgba\\(0, 0, 0, 0\\)|transparent/.test(c)) bg = c; node = node.parentElement; }
  const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(rgb(bg))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def test_small_print_reads_on_a_phone_and_in_the_dark(browser: Any, demo_url: str) -> None:
    """A card's parts wrap with their dots at the line's end; the BibTeX entry wraps instead of hiding its end; the paper page's buttons read in dark mode."""
    context = browser.new_context(viewport=VIEWPORTS["phone"], color_scheme="dark")
    page = context.new_page()
    try:
        page.goto(demo_url + DEEP_DIVE)
        # Parts that begin a wrapped line (the links' own line aside), and what is drawn before each.
        starts = page.evaluate("""() => [...document.querySelectorAll('.paper-card__meta')].flatMap(meta => {
          const left = meta.getBoundingClientRect().left;
          return [...meta.children].slice(1).filter(part => !part.matches('.pn-paper-links'))
            .filter(part => Math.abs(part.getClientRects()[0].left - left) < 1)
            .map(part => [part.textContent, getComputedStyle(part, '::before').content]);
        })""")
        assert starts, "no card's parts wrap at 390 px: nothing to check"
        assert all(before in ("none", "normal") for _, before in starts), f"a wrapped line starts with a dot: {starts}"
        width = page.evaluate("() => { const c = document.querySelector('.pn-cite pre code'); return [c.scrollWidth, c.clientWidth]; }")
        assert width[0] <= width[1], f"the BibTeX entry scrolls sideways: {width}"
        page.goto(demo_url + PAGES["paper"])
        for button in page.locator(".pn-paper-meta .md-button:not(.md-button--primary)").all():
            assert button.evaluate(CONTRAST) >= 4.5, button.inner_text()
            button.hover()  # the theme fills a hovered button: its text must change with it
            page.wait_for_timeout(400)  # the theme's colour transition
            assert button.evaluate(CONTRAST) >= 3, f"{button.inner_text()} under the pointer"
    finally:
        context.close()


def test_no_line_starts_with_the_comma_after_a_formula(browser: Any, demo_url: str) -> None:
    """Browsers may break between inline MathML and its punctuation; at no phone width does a line start with it."""
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    try:
        page.goto(demo_url + DEEP_DIVE)
        stray = []
        for width in range(320, 432, 4):
            page.set_viewport_size({"width": width, "height": 844})
            stray += page.evaluate("""width => [...document.querySelectorAll('span.pn-math')].flatMap(formula => {
              let next = formula.nextSibling || (formula.parentElement.matches('.pn-math-glue') ? formula.parentElement.nextSibling : null);
              if (!next || next.nodeType !== 3 || !/^[,.;:]/.test(next.data)) return [];
              const range = document.createRange(); range.setStart(next, 0); range.setEnd(next, 1);
              const mark = range.getClientRects()[0], rects = formula.getClientRects();
              return mark.top > rects[rects.length - 1].bottom - 2 ? [[width, formula.textContent, next.data.slice(0, 12)]] : [];
            })""", width)
        checked = page.evaluate("() => document.querySelectorAll('span.pn-math').length")
    finally:
        context.close()
    assert checked > 5 and not stray, stray
