"""The demo deep dive's e-mail edition in Chromium, at a desktop mail pane's width and a phone's."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Build

pytestmark = pytest.mark.browser

EDITION = "posts/do-state-space-models-actually-keep-state/email.html"


@pytest.mark.parametrize("width", [600, 375])
def test_edition_fits_the_screen_and_reads(browser, demo_build: Build, screenshots: Path, width: int) -> None:
    assert demo_build.returncode == 0, demo_build.output
    # file://, as a mail client shows it: nothing is fetched, no script runs.
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=True)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto((demo_build.site / EDITION).as_uri())
        scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client, f"horizontal scroll at {width}px: {scroll} > {client}"
        column = page.locator("table.column").bounding_box()
        assert column["width"] <= min(600, width)
        # Nothing in the column sticks out of it (long URLs, code, tables).
        wide = page.evaluate(
            "(() => { const right = document.querySelector('table.column').getBoundingClientRect().right;"
            " return [...document.querySelectorAll('table.column *')].filter(e => e.getBoundingClientRect().right > right + 1)"
            ".map(e => e.tagName + '.' + e.className).slice(0, 5); })()"
        )
        assert not wide, wide
        heading = page.locator("h1")
        assert heading.inner_text() == "Do state-space models actually keep state?"
        assert page.locator("ol.references li").count() >= 11
        assert [url for url in requests if not url.startswith("file://")] == []
        page.screenshot(path=str(screenshots / f"email-deep-dive-{width}.png"), full_page=True)
    finally:
        context.close()
