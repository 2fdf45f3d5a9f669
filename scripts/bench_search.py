"""`scripts/bench.py --search`: Pagefind (`search: pagefind`) against Material's search on the same site.

For each size the same generated posts are built three ways, cold, interleaved:
with Material's search plugin, with `search: pagefind`, and with no search (the
baseline both costs are taken from). Then, for each search, reported:

- the index on disk: Material's `search/search_index.json` (and gzipped), the
  whole `pagefind/` folder and the part a search can fetch (without Pagefind's
  unused UI bundles);
- what a reader downloads: Chromium opens the home page (nothing cached), types
  a query into the header box and waits for the first result, while the test
  server counts every response; "search bytes" are those of search files (the
  index, Material's search worker, papernotes' search.js and Pagefind's files),
  as sent and as a server that gzips text would send them;
- time to first result, as the reader feels it: from the first key typed into
  the search box to the first result shown, measured in the page. The reader
  moves the pointer onto the box and clicks into it right after the page
  loaded, then types the query at Playwright's pace (the whole word within tens
  of milliseconds; the first result shown may be that of a prefix, when the
  keys come more than the search box's debounce apart). Two readers: one types
  at once after the click (tens of milliseconds, Playwright's gap, no person's),
  one 0.4 s after it, the time a person takes to move a hand from the mouse to
  the keys (the keystroke-level model's homing time); Pagefind loads in that gap.
  Also reported: the time from the click (the box taking the focus) to the first result;
- the wait a person feels: a third reader types 0.4 s after the click at 0.2 s
  a key (the same model's figure for an average skilled typist), so results for
  the first letters come while typing; reported is the time from the last key
  to the first result of the whole word, and the search data that reader
  fetched (more than the others: each query answered while typing fetches its
  first excerpts);
- build cost: each search's cold build minus the build without search, and the
  CPU time of Pagefind's program (logged by papernotes; it runs alongside the
  build's rendering, and a re-index under `mkdocs serve` costs the same).

Medians of `--runs` builds and of at least three readers; ratios are within the run
(the machine may be busy).
"""

from __future__ import annotations

import functools
import gzip
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import corpus as corpus_mod

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
VARIANTS = ("material", "pagefind", "none")
READERS = 5  # readers per search and size, at least: cheap next to a build
QUERY = "attention"  # a word of many posts and papers: a query with many results, for both searches
HOMING_MS = 400  # from the mouse to the keys: the keystroke-level model's H (Card, Moran and Newell)
KEY_MS = 200  # between keys, an average skilled typist: the same model's K
SEARCH_FILE = re.compile(r"/search/search_index\.json|/workers/search\.|/pagefind/|/papernotes/search\.")
_INDEXED = re.compile(r"Pagefind indexed \d+ records in ([\d.]+) s of CPU time")


def make_variants(n: int, base: Path) -> dict[str, Path]:
    corpus = corpus_mod.make_corpus(n)
    roots = {}
    for variant in VARIANTS:
        root = base / variant
        config = corpus_mod.write_papernotes(corpus, root)
        text = config.read_text(encoding="utf-8")
        if variant != "material":
            text = text.replace("plugins:\n  - search\n", "plugins:\n")
        if variant == "pagefind":
            text = text.replace("  - papernotes:\n", "  - papernotes:\n      search: pagefind\n")
        config.write_text(text, encoding="utf-8")
        roots[variant] = root
    return roots


def cold_build(python: str, root: Path, env: dict[str, str]) -> tuple[float, float | None]:
    """(wall seconds, Pagefind's own indexing seconds if it ran) of a build with no cache."""
    shutil.rmtree(root / "site", ignore_errors=True)
    shutil.rmtree(root / ".cache", ignore_errors=True)
    started = time.perf_counter()
    proc = subprocess.run([python, "-m", "mkdocs", "build", "-v", "-f", str(root / "mkdocs.yml"), "-d", str(root / "site")],
                          cwd=root, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"build failed in {root}")
    found = _INDEXED.search(proc.stdout + proc.stderr)
    return wall, float(found.group(1)) if found else None


def disk_sizes(site: Path) -> dict[str, float]:
    material = site / "search" / "search_index.json"
    if material.exists():
        data = material.read_bytes()
        return {"index_kb": len(data) / 1e3, "index_gz_kb": len(gzip.compress(data, 6)) / 1e3}
    folder = site / "pagefind"
    files = [p for p in folder.rglob("*") if p.is_file()]
    used = [p for p in files if not re.search(r"pagefind-(component-|modular-)?ui\.|pagefind-highlight|playground", p.name)]
    return {"index_kb": sum(p.stat().st_size for p in files) / 1e3, "index_used_kb": sum(p.stat().st_size for p in used) / 1e3,
            "index_files": len(files)}


class _Counting(SimpleHTTPRequestHandler):
    sent: list[tuple[str, int, int]]  # (path, bytes, gzipped bytes)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def copyfile(self, source: Any, outputfile: Any) -> None:
        data = source.read()
        packed = data if self.path.endswith((".pf_index", ".pf_fragment", ".pf_filter", ".pf_meta", ".png", ".wasm")) \
            else gzip.compress(data, 6)  # Pagefind's chunks are gzipped already
        self.sent.append((self.path.split("?")[0], len(data), min(len(data), len(packed))))
        outputfile.write(data)


_WATCH = """
() => {
  window.pnBench = {keys: [], shown: []};
  const input = document.querySelector(".md-search__input");
  input.addEventListener("focus", () => { window.pnBench.focused = performance.now(); }, {once: true});
  input.addEventListener("keydown", () => { window.pnBench.keys.push(performance.now()); });
  // Every time results are put in: the list is filled again for each query answered.
  new MutationObserver((changes) => {
    if (changes.some((c) => [...c.addedNodes].some((n) => n.nodeType === 1 && n.matches(".md-search-result__item"))))
      window.pnBench.shown.push(performance.now());
  }).observe(document.body, {childList: true, subtree: true});
}
"""


def reader_run(browser: Any, site: Path, pause_ms: int = 0, key_ms: int = 0) -> dict[str, float]:
    """One reader: open the home page, search once, typing `pause_ms` after the click and `key_ms` between keys; the bytes sent and the times."""
    sent: list[tuple[str, int, int]] = []
    handler = functools.partial(type("Handler", (_Counting,), {"sent": sent}), directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/", wait_until="load")
        page.evaluate(_WATCH)
        box = page.locator(".md-search__input")
        box.hover()  # papernotes' search.js starts loading Pagefind; Material's index is loading since the page did
        box.click()
        if pause_ms:
            page.wait_for_timeout(pause_ms)
        box.press_sequentially(QUERY, delay=key_ms)
        page.wait_for_function("window.pnBench.shown.some((t) => t > window.pnBench.keys.at(-1))", timeout=120_000)
        times = page.evaluate("window.pnBench")
        page.wait_for_timeout(500)  # the rest of the first screen of results
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    search = [s for s in sent if SEARCH_FILE.search(s[0])]
    typed, last = times["keys"][0], times["keys"][-1]
    return {
        "first_result_ms": times["shown"][0] - typed,
        "from_click_ms": times["shown"][0] - times["focused"], "click_to_key_ms": typed - times["focused"],
        # The whole query's results, as a reader who types at a person's pace waits for them.
        "after_last_key_ms": next(t for t in times["shown"] if t > last) - last,
        "search_kb": sum(s[1] for s in search) / 1e3, "search_gz_kb": sum(s[2] for s in search) / 1e3,
        "total_kb": sum(s[1] for s in sent) / 1e3, "total_gz_kb": sum(s[2] for s in sent) / 1e3,
        "search_requests": len(search),
    }


def bench_search(sizes: list[int], runs: int, workdir: Path, python: str, env: dict[str, str]) -> dict:
    from playwright.sync_api import sync_playwright

    rows: list[dict[str, Any]] = []
    for n in sizes:
        roots = make_variants(n, workdir / f"search-{n}")
        builds: dict[str, list[float]] = {v: [] for v in VARIANTS}
        indexing: list[float] = []
        for run in range(runs):
            for variant in VARIANTS:  # interleaved: noise hits every variant alike
                wall, indexed = cold_build(python, roots[variant], env)
                builds[variant].append(wall)
                if indexed is not None:
                    indexing.append(indexed)
                print(f"  n={n} run {run + 1}/{runs} build ({variant}) {wall:7.2f} s", flush=True)
        readers: dict[str, list[dict[str, float]]] = {"material": [], "pagefind": []}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for run in range(max(runs, READERS)):
                for variant in readers:
                    readers[variant].append(reader_run(browser, roots[variant] / "site"))
                    paused = reader_run(browser, roots[variant] / "site", HOMING_MS)
                    person = reader_run(browser, roots[variant] / "site", HOMING_MS, KEY_MS)
                    readers[variant][-1].update(
                        homed_first_result_ms=paused["first_result_ms"], homed_from_click_ms=paused["from_click_ms"],
                        paced_after_last_key_ms=person["after_last_key_ms"], paced_search_gz_kb=person["search_gz_kb"],
                    )
                    print(f"  n={n} reader {run + 1}/{max(runs, READERS)} ({variant}) {readers[variant][-1]}", flush=True)
            browser.close()
        none = statistics.median(builds["none"])
        for variant in ("material", "pagefind"):
            cold = statistics.median(builds[variant])
            row = {"n": n, "search": variant, "cold_s": cold, "no_search_s": none, "cost_s": cold - none,
                   "cost_share": (cold - none) / cold, **disk_sizes(roots[variant] / "site")}
            row.update({k: statistics.median(r[k] for r in readers[variant]) for k in readers[variant][0]})
            if variant == "pagefind":
                row["indexing_s"] = statistics.median(indexing)
                row["indexing_share"] = row["indexing_s"] / cold
            rows.append(row)
        report(rows)  # so far: a long run that is stopped keeps what it measured
    return report(rows)


def report(rows: list[dict[str, Any]]) -> dict:
    lines = [
        "| posts | search | index on disk (KB) | search data for load + one query (KB sent / gzipped) | requests | first result from the first key, typed at once (ms; from the click; click to key) "
        f"| first result from the first key, typed {HOMING_MS} ms after the click (ms; from the click) "
        f"| typed at {KEY_MS} ms a key after {HOMING_MS} ms: the whole word's results after its last key (ms; search data gzipped, KB) | cold build (s) | cost vs no search (s, share) | Pagefind's CPU time (s, share of the build's wall time) |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    ratios: dict[str, float] = {}
    by = {(r["n"], r["search"]): r for r in rows}
    for r in rows:
        disk = f"{r['index_kb']:,.0f}" + (f" ({r['index_gz_kb']:,.0f} gzipped)" if "index_gz_kb" in r else f" ({r['index_used_kb']:,.0f} fetchable, {r['index_files']:,} files)")
        indexing = f"{r['indexing_s']:.2f} ({r['indexing_share']:.1%})" if "indexing_s" in r else "–"
        lines.append(
            f"| {r['n']:,} | {r['search']} | {disk} | {r['search_kb']:,.0f} / {r['search_gz_kb']:,.0f} | {r['search_requests']:.0f} | "
            f"{r['first_result_ms']:,.0f} ({r['from_click_ms']:,.0f}; {r['click_to_key_ms']:,.0f}) | {r['homed_first_result_ms']:,.0f} ({r['homed_from_click_ms']:,.0f}) | {r['paced_after_last_key_ms']:,.0f} ({r['paced_search_gz_kb']:,.0f}) | {r['cold_s']:.1f} | {r['cost_s']:+.1f} ({r['cost_share']:.1%}) | {indexing} |"
        )
        material = by.get((r["n"], "material"))
        if r["search"] == "pagefind" and material:
            ratios[f"pagefind / material search bytes gzipped @ {r['n']}"] = r["search_gz_kb"] / material["search_gz_kb"]
            ratios[f"pagefind / material first result @ {r['n']}"] = r["first_result_ms"] / material["first_result_ms"]
            ratios[f"pagefind / material first result, typed {HOMING_MS} ms after the click @ {r['n']}"] = r["homed_first_result_ms"] / material["homed_first_result_ms"]
            ratios[f"pagefind / material results after the last key, typed at {KEY_MS} ms a key @ {r['n']}"] = r["paced_after_last_key_ms"] / material["paced_after_last_key_ms"]
    table = "\n".join(lines)
    print("\n" + table + "\n")
    for name, value in ratios.items():
        print(f"  {name}: {value:.3f}")
    return {"search_table": table, "search_ratios": ratios, "search_rows": rows}
