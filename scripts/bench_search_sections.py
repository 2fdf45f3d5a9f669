"""Time `search_sections.add_entries` against Material's own indexing of the same pages.

    .venv/bin/python scripts/bench_search_sections.py              # 300 posts, a whole site
    .venv/bin/python scripts/bench_search_sections.py --posts 100 --rounds 7
    .venv/bin/python scripts/bench_search_sections.py --markdown   # the posts only, through Python-Markdown

The corpus comes from `corpus.py`. By default it is built as a papernotes site,
in this process and without papernotes' caches, and every page is kept as
Material's search plugin receives it (posts, listings, topic and paper pages);
with `--markdown` only the posts are converted, with the demo site's Markdown
extensions. Then, in several rounds, Material's `add_entry_from_context` and
`add_entries` index every page, alternating which goes first; each gets a
fresh `SearchIndex` per round. The entries of both must be equal.

The machine may be busy: compare the ratio, not the times. The helpers here
are also used by `tests/site/test_search_sections.py`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path
from typing import Any, Callable, Iterable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus as corpus_mod  # noqa: E402

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

import markdown  # noqa: E402
from material.plugins.search.plugin import SearchIndex  # noqa: E402
from mkdocs.commands.build import build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402
from mkdocs.plugins import BasePlugin, event_priority  # noqa: E402
from mkdocs.structure.toc import get_toc  # noqa: E402

from papernotes.core.views.mathml import render_math  # noqa: E402
from papernotes.mkdocs_plugin.search_sections import add_entries  # noqa: E402


def snapshot(page: Any) -> types.SimpleNamespace:
    """What Material's search index reads from a page, as it is now."""
    return types.SimpleNamespace(
        content=page.content, toc=page.toc, url=page.url, meta=dict(page.meta), title=page.title
    )


class _Capture(BasePlugin):
    """Keeps every page as the search plugin (priority 0) is about to index it."""

    def __init__(self, pages: list[types.SimpleNamespace]) -> None:
        self.pages = pages

    @event_priority(1)
    def on_page_context(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        self.pages.append(snapshot(page))
        return context


def site_pages(config_file: Path, site_dir: Path) -> list[types.SimpleNamespace]:
    """Build a site in this process and return its pages as the search plugin sees them.

    papernotes' caches are off, so nothing is reused and no helper process
    renders pages where this process cannot see them.
    """
    saved = os.environ.get("PAPERNOTES_NO_CACHE")
    os.environ["PAPERNOTES_NO_CACHE"] = "1"
    try:
        config = load_config(str(config_file), site_dir=str(site_dir))
        pages: list[types.SimpleNamespace] = []
        config.plugins["search-sections-capture"] = _Capture(pages)
        build(config)
    finally:
        if saved is None:
            del os.environ["PAPERNOTES_NO_CACHE"]
        else:
            os.environ["PAPERNOTES_NO_CACHE"] = saved
    return pages


def markdown_converter(config_file: Path = REPO / "mkdocs.yml") -> Callable[[str], tuple[str, Any]]:
    """A function turning Markdown into (HTML, table of contents) with the extensions of `config_file`.

    Math becomes MathML, as papernotes renders it on pages.
    """
    config = load_config(str(config_file))
    md = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)

    def convert(text: str) -> tuple[str, Any]:
        md.reset()
        html = render_math(md.convert(text))
        return html, get_toc(getattr(md, "toc_tokens", []))

    return convert


def markdown_page(convert: Callable[[str], tuple[str, Any]], text: str, url: str = "page/", **meta: Any) -> types.SimpleNamespace:
    html, toc = convert(text)
    return types.SimpleNamespace(content=html, toc=toc, url=url, meta=meta, title=meta.get("title", "Page"))


def corpus_markdown_pages(posts: Iterable[Any]) -> list[types.SimpleNamespace]:
    """Generated posts converted on their own, as pages (tags in their meta, as papernotes posts have)."""
    convert = markdown_converter()
    return [
        markdown_page(convert, post.body, f"posts/{post.name}/", title=post.title, tags=post.tags)
        for post in posts
    ]


def corpus_site_pages(corpus: Any, root: Path) -> list[types.SimpleNamespace]:
    """Every page of the generated posts built as a papernotes site under `root`."""
    config_file = corpus_mod.write_papernotes(corpus, root, cache=False)
    return site_pages(config_file, root / "site")


def entries(index_page: Callable[[Any, Any], Any], pages: list[Any]) -> list[list[dict]]:
    """The entries each page adds to a fresh index."""
    result = []
    for page in pages:
        index = SearchIndex()
        index_page(index, page)
        result.append(index.entries)
    return result


def _material(index: Any, page: Any) -> None:
    index.add_entry_from_context(page)


def _fast(index: Any, page: Any) -> None:
    if not add_entries(index, page):
        index.add_entry_from_context(page)  # what a caller does when add_entries declines


def _time(index_page: Callable[[Any, Any], Any], pages: list[Any]) -> float:
    index = SearchIndex()  # one index for all pages, as in a build
    start = time.perf_counter()
    for page in pages:
        index_page(index, page)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=300, help="generated posts (default 300)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds of each (default 5)")
    parser.add_argument("--markdown", action="store_true", help="convert the posts only, without building a site")
    args = parser.parse_args()

    corpus = corpus_mod.make_corpus(args.posts)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        if args.markdown:
            pages = corpus_markdown_pages(corpus.posts)
        else:
            pages = corpus_site_pages(corpus, Path(tmp) / "site-src")
    print(f"{len(pages)} pages from {args.posts} posts in {time.perf_counter() - start:.1f} s, "
          f"{sum(len(p.content or '') for p in pages) / 1e6:.1f} MB of HTML")

    excluded = sum(bool((p.meta.get("search") or {}).get("exclude")) for p in pages)
    taken = [add_entries(SearchIndex(), p) for p in pages]
    declined = len(pages) - excluded - sum(taken)
    print(f"fast path: {sum(taken)} pages; excluded from search: {excluded}; declined otherwise: {declined}")
    if entries(_material, pages) != entries(_fast, pages):
        raise SystemExit("entries differ")
    print("entries: identical")

    material, fast = [], []
    for round_ in range(args.rounds):
        order = [(material, _material), (fast, _fast)]
        for times, index_page in order if round_ % 2 == 0 else reversed(order):
            times.append(_time(index_page, pages))
    m, f = statistics.median(material), statistics.median(fast)
    print(f"Material add_entry_from_context: median {m:.3f} s  (rounds: {', '.join(f'{t:.3f}' for t in material)})")
    print(f"add_entries (with fallback):     median {f:.3f} s  (rounds: {', '.join(f'{t:.3f}' for t in fast)})")
    print(f"ratio: {m / f:.1f}x faster (per round: {', '.join(f'{a / b:.1f}' for a, b in zip(material, fast))})")


if __name__ == "__main__":
    main()
