"""Pagefind's Python API against its bundled program on a folder, for the same records.

    .venv/bin/python scripts/bench_pagefind_api.py --records 200

Why papernotes runs the program (mkdocs_plugin/pagefind.py) instead of the API:
each way indexes `--records` search records like a post's, in a process of its
own (the API needs an event loop, which papernotes' forking render helper cannot
share), and the wall time is printed with the ratio to the program's:

- the API, awaiting `PagefindIndex.add_custom_record` once per record in turn;
- the API, all those calls gathered at once with `asyncio.gather`;
- the program (`pagefind_bin`) on a folder of one small HTML file per record,
  the folder's writing included.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = "attention sinks streaming cache tokens window softmax heads layers context".split()


def record(i: int) -> dict:
    text = " ".join(WORDS[(i * 7 + j) % len(WORDS)] for j in range(300))
    return {"url": f"/posts/p{i}/", "content": f"Post {i} {text}", "language": "en",
            "meta": {"title": f"Post {i}"}, "filters": {"type": ["post"], "year": [str(2000 + i % 25)]}}


async def through_api(n: int, gather: bool, out: str) -> None:
    from pagefind.index import PagefindIndex

    async with PagefindIndex(config={"output_path": out}) as index:
        calls = (index.add_custom_record(**record(i)) for i in range(n))
        if gather:
            await asyncio.gather(*calls)
        else:
            for call in calls:
                await call


def through_program(n: int, out: str) -> None:
    from html import escape

    from pagefind.service import get_executable

    site = tempfile.mkdtemp(prefix="pagefind-api-bench-")
    try:
        for i in range(n):
            r = record(i)
            folder = Path(site, r["url"].strip("/"))
            folder.mkdir(parents=True)
            filters = "".join(f'<meta data-pagefind-filter="{k}[content]" content="{escape(v[0])}">' for k, v in r["filters"].items())
            (folder / "index.html").write_text(
                f'<html lang="en"><head>{filters}</head><body data-pagefind-body><h1>{r["meta"]["title"]}</h1><p>{escape(r["content"])}</p></body></html>',
                encoding="utf-8")
        subprocess.run([str(get_executable()), "--site", site, "--output-path", out, "--silent"], check=True)
    finally:
        shutil.rmtree(site, ignore_errors=True)


def child(way: str, n: int) -> None:
    out = tempfile.mkdtemp(prefix="pagefind-api-out-")
    try:
        if way == "program":
            through_program(n, out)
        else:
            asyncio.run(through_api(n, way == "api-gathered", out))
        assert os.path.isfile(os.path.join(out, "pagefind.js")), f"{way} wrote no index"
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.records)
    times = {}
    for way in ("program", "api-sequential", "api-gathered"):
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--child", way, "--records", str(args.records)], check=True)
        times[way] = time.perf_counter() - started
        print(f"{way:15} {args.records} records: {times[way]:7.2f} s ({args.records / times[way]:,.1f} records/s)", flush=True)
    for way in ("api-sequential", "api-gathered"):
        print(f"  {way} / program: {times[way] / times['program']:.1f}")


if __name__ == "__main__":
    main()
