"""Take screenshots of a built site with Debian's Chromium (for the README and for reviews).

Usage: python scripts/screenshots.py SITE_DIR OUT_DIR [URL_PATH ...]
Serves SITE_DIR on 127.0.0.1 at a free port, captures each path at desktop width.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def main() -> None:
    site, out, *paths = sys.argv[1:]
    paths = paths or [""]
    Path(out).mkdir(parents=True, exist_ok=True)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for path in paths:
                page.goto(base + path)
                name = (path.strip("/").replace("/", "_") or "home") + ".png"
                page.screenshot(path=str(Path(out) / name), full_page=False)
                print(Path(out) / name)
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
