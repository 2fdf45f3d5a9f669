"""Headless Chromium against the built demo site, served on 127.0.0.1 from a thread.

Without Debian's chromium or the playwright package the browser tests are
skipped on a laptop, but they FAIL when the environment variable CI is set
(`.ci/run` sets CI=true): a CI run that silently skipped them would prove nothing.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, ContextManager, Iterator, Mapping

import pytest

from conftest import ROOT, Build

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


def browser_missing(executable: Path = CHROMIUM) -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if not (executable.is_file() and os.access(executable, os.X_OK)):
        return f"{executable} is missing (apt-get install chromium)"
    return None


def under_ci(env: Mapping[str, str] = os.environ) -> bool:
    return env.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_browser(reason: str | None, env: Mapping[str, str] = os.environ) -> None:
    """Skip for `reason` on a laptop; fail under CI, where every test must really run."""
    if reason is None:
        return
    if under_ci(env):
        pytest.fail(f"browser tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def browser() -> Iterator["object"]:
    require_browser(browser_missing())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    base = "/"  # where the site is served, as its site_url's path says

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass

    def translate_path(self, path: str) -> str:
        return super().translate_path("/" + path.removeprefix(self.base)) if path.startswith(self.base) else ""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A missing page gets the site's 404.html, as GitHub Pages serves it."""
        page = Path(self.directory, "404.html")
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def _served(folder: Path, base: str = "/") -> Iterator[str]:
    """`folder` over HTTP on 127.0.0.1 at `base` from a thread (search needs fetch, which file:// refuses)."""
    handler = functools.partial(type("Handler", (_QuietHandler,), {"base": base}), directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{base}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def serve_folder() -> Callable[[Path], ContextManager[str]]:
    """Serves a built site for the length of a `with` block, giving its URL."""
    return _served


def _header_search(page: "object", site_url: str, query: str, found: str) -> "object":
    """Type `query` into Material's header search on `site_url`; the result links to `found`."""
    from playwright.sync_api import expect

    page.goto(site_url)  # type: ignore[attr-defined]
    box = page.locator("input.md-search__input")  # type: ignore[attr-defined]
    box.click()
    box.press_sequentially(query, delay=20)  # fill() does not trigger Material's search
    expect(page.locator(".md-search-result__meta")).to_contain_text("matching document")  # type: ignore[attr-defined]
    result = page.locator(f'.md-search-result__item a[href^="{site_url}{found}?"], .md-search-result__item a[href="{site_url}{found}"]').first  # type: ignore[attr-defined]
    expect(result).to_be_visible()
    return result


@pytest.fixture(scope="session")
def header_search() -> Callable[..., "object"]:
    """header_search(page, site_url, query, found): the visible search result linking to `found`."""
    return _header_search


@pytest.fixture(scope="session")
def demo_url(demo_build: Build) -> Iterator[str]:
    """The built demo, served over HTTP."""
    assert demo_build.returncode == 0, demo_build.output
    with _served(demo_build.site) as url:
        yield url


@pytest.fixture
def page(browser: "object") -> Iterator["object"]:
    """A fresh desktop-sized page in light mode; any JavaScript error on it fails the test."""
    context = browser.new_context(viewport=DESKTOP, color_scheme="light")  # type: ignore[attr-defined]
    context.set_default_timeout(15_000)
    new_page = context.new_page()
    errors: list[str] = []
    new_page.on("pageerror", lambda error: errors.append(str(error)))
    yield new_page
    context.close()
    assert not errors, errors


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
