"""No broken links in the demo site: every internal target exists, every #fragment is an id on its page.

MkDocs' own `validation:` (set to warn in mkdocs.yml, so --strict fails on it)
checks the links a writer wrote in Markdown. It never sees what papernotes and
the theme generate (cards, listings, references, topic and paper pages, feeds),
so a stdlib crawler reads the built site: each HTML file's href and src
attributes, the links in the feeds and the sitemap, resolved like a browser
resolves them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from conftest import ROOT, Build
from htmlscan import Scan, scan, scan_file

pytestmark = pytest.mark.slow

SITE_URL = re.search(r"^site_url:\s*(\S+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.MULTILINE).group(1)


class Crawler:
    """Checks links of a built site whose pages are published under `site_url`."""

    def __init__(self, site: Path, site_url: str) -> None:
        self.site = site
        self.site_url = site_url if site_url.endswith("/") else site_url + "/"
        self._scans: dict[Path, Scan] = {}
        self.checked = 0
        self.broken: list[str] = []

    def scan(self, path: Path) -> Scan:
        if path not in self._scans:
            self._scans[path] = scan_file(path)
        return self._scans[path]

    def target(self, url: str) -> tuple[Path, str] | None:
        """The file and fragment an absolute URL names inside the site, or None when it is elsewhere."""
        if not url.startswith(self.site_url):
            return None
        parts = urlsplit(url[len(self.site_url) :])
        path = self.site / unquote(parts.path)
        if parts.path in ("", ".") or parts.path.endswith("/") or path.is_dir():
            path = path / "index.html"
        return path, unquote(parts.fragment)

    def check(self, where: str, base: str, link: str) -> None:
        found = self.target(urljoin(base, link.strip()))
        if found is None:
            return  # another site, mailto:, the theme's javascript:void(0)
        self.checked += 1
        path, fragment = found
        if not path.is_file():
            self.broken.append(f"{where}: {link} -> missing {path.relative_to(self.site)}")
        elif fragment and path.suffix == ".html" and fragment not in self.scan(path).anchors:
            self.broken.append(f"{where}: {link} -> no id '{fragment}' in {path.relative_to(self.site)}")

    def check_html(self, where: str, base: str, found: Scan) -> None:
        for element in found.elements:
            for attr in ("href", "src"):
                value = element.attrs.get(attr)
                if value is not None:
                    self.check(f"{where}:{element.line} <{element.tag} {attr}>", base, value)

    def crawl(self) -> list[str]:
        for path in sorted(self.site.rglob("*.html")):
            rel = path.relative_to(self.site).as_posix()
            self.check_html(rel, self.site_url + rel, self.scan(path))
        for feed in sorted(self.site.rglob("feed.xml")):
            rel = feed.relative_to(self.site).as_posix()
            for item in ET.parse(feed).getroot().iter("item"):
                link = item.findtext("link") or ""
                self.check(f"{rel} <link>", self.site_url + rel, link)
                content = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or ""
                self.check_html(f"{rel} item {link}", link, scan(content))
        sitemap = self.site / "sitemap.xml"
        if sitemap.exists():
            for loc in ET.parse(sitemap).getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
                self.check("sitemap.xml", self.site_url, loc.text or "")
        return self.broken


def test_every_internal_link_of_the_demo_resolves(demo_build: Build) -> None:
    assert demo_build.returncode == 0, demo_build.output  # --strict: MkDocs' own link validation passed
    crawler = Crawler(demo_build.site, SITE_URL)
    broken = crawler.crawl()
    assert not broken, "\n".join(broken)
    assert crawler.checked > 1000  # the crawler really followed the site's links


def test_the_crawler_finds_a_missing_page_and_a_missing_anchor(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<p id="top"><a href="a/">ok</a> <a href="a/#here">ok</a> <a href="#top">ok</a> <a href="https://else.org/x">ok</a>'
        '<a href="b/">missing page</a> <a href="a/#gone">missing anchor</a> <img src="/site/nope.png"></p>'
    )
    (tmp_path / "a" / "index.html").write_text('<h2 id="here">Here</h2> <a href="../#top">ok</a> <a href="../c.html">gone</a>')
    broken = Crawler(tmp_path, "https://example.org/site/").crawl()
    assert len(broken) == 4, broken
    assert any("b/ -> missing b/index.html" in b for b in broken)
    assert any("no id 'gone' in a/index.html" in b for b in broken)
    assert any("/site/nope.png -> missing nope.png" in b for b in broken)
    assert any("../c.html -> missing c.html" in b for b in broken)
