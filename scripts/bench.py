"""Benchmark papernotes against Material's blog plugin and Hugo on generated corpora.

    .venv/bin/python scripts/bench.py                       # 100 and 500 posts, 3 runs each
    .venv/bin/python scripts/bench.py --sizes 2000 --runs 3 --out results.json
    .venv/bin/python scripts/bench.py --search --sizes 500,2000   # Pagefind against Material's search

For each size the same generated posts (see `scripts/corpus.py`) are built by:

- papernotes, cold (no `.cache/papernotes/`), warm (a rebuild with nothing changed), and warm
  after the text of one post changed;
- papernotes under a real `mkdocs serve`: the time from saving a post to the server returning
  the edited page, for an edit of its text and for an edit of its frontmatter;
- with `--newsletter`, papernotes cold and warm again with e-mail editions on (an
  `email.html` per post and `email/feed.xml`), to report what they add;
- papernotes on Zensical (`papernotes build --engine zensical`), cold and warm (unless `--skip-zensical`);
- Material's blog + tags plugins (unless `--skip-material`; at 2,000 posts it takes minutes);
- Hugo, when `hugo` is on PATH;
- with `--baseline REV` (a git revision), papernotes' builds again with the code of REV, in the
  same interleaved runs: the ratios "… / … [REV]" say whether a change made papernotes slower.

Runs of the different tools are interleaved, so that a noisy machine slows all of
them alike; the ratios of one run are what to compare, not absolute times.
Reported per tool: median wall time, peak resident memory of the build process,
output size, search index size; then ratios papernotes/Hugo and papernotes/Material,
and papernotes' time at the largest size over the one before (size ratio 4 and time
ratio about 4 means linear).
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus as corpus_mod  # noqa: E402

PYTHON = sys.executable
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}
SRC = Path(__file__).resolve().parents[1] / "src"
BASELINE_ENV: dict[str, str] = {}  # with `--baseline`: imports the baseline's papernotes


def baseline_env(workdir: Path, rev: str) -> dict[str, str]:
    """An environment whose Python imports papernotes as it was at git revision `rev`."""
    target = workdir / "baseline"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev, "src/papernotes"], cwd=SRC.parent, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return {**ENV, "PYTHONPATH": os.pathsep.join(filter(None, [str(target / "src"), os.environ.get("PYTHONPATH")]))}


def snapshot_code(workdir: Path) -> None:
    """Build with a copy of papernotes taken now: edits made during a long run do not mix versions."""
    target = workdir / "code"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(SRC / "papernotes", target / "papernotes", ignore=shutil.ignore_patterns("__pycache__"))
    ENV["PYTHONPATH"] = os.pathsep.join(filter(None, [str(target), os.environ.get("PYTHONPATH")]))


@dataclass
class Measure:
    tool: str
    n: int
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system seconds: less sensitive to a busy machine
    peak_mb: float = 0.0
    output_mb: float = 0.0
    index_mb: float = 0.0
    pages: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")


def run_child(cmd: list[str], cwd: Path, env: dict[str, str] = ENV) -> tuple[float, float, float]:
    """(wall seconds, peak RSS in MB, CPU seconds) of one child process, which must succeed."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.stderr.write(output.decode(errors="replace")[-4000:])
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime  # Linux reports KiB


def tree_size(path: Path) -> tuple[float, int]:
    total, pages = 0, 0
    for root, _, names in os.walk(path):
        for name in names:
            total += os.path.getsize(os.path.join(root, name))
            pages += name.endswith(".html")
    return total / 1e6, pages


def mkdocs_cmd(project: Path) -> list[str]:
    return [PYTHON, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(project / "site")]


class Tool:
    name = ""
    env = ENV  # the baseline's twin of a tool has its own (`--baseline`)

    def __init__(self, root: Path) -> None:
        self.root = root

    def prepare(self) -> None: ...

    def run(self) -> tuple[float, float, float]: ...

    def output(self) -> tuple[Path, Path]: ...


class MkDocsBuild(Tool):
    """A clean `mkdocs build` of the tool's folder: papernotes' or Material's blog config."""

    def prepare(self) -> None:
        shutil.rmtree(self.root / "site", ignore_errors=True)
        shutil.rmtree(self.root / ".cache", ignore_errors=True)

    def run(self) -> tuple[float, float]:
        return run_child(mkdocs_cmd(self.root), self.root, self.env)

    def output(self) -> tuple[Path, Path]:
        return self.root / "site", self.root / "site" / "search" / "search_index.json"


class Papernotes(MkDocsBuild):
    name = "papernotes (cold)"


class PapernotesWarm(Papernotes):
    name = "papernotes (warm)"

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.primed = False

    def prepare(self) -> None:
        if not self.primed:  # one cold build fills the cache; every timed run is a rebuild
            super().prepare()
            run_child(mkdocs_cmd(self.root), self.root, self.env)
            self.primed = True


class PapernotesEdited(PapernotesWarm):
    """A rebuild after the text of one post changed: what `mkdocs build` costs a writer between edits."""

    name = "papernotes (warm, one post edited)"

    def prepare(self) -> None:
        super().prepare()
        posts = sorted((self.root / "docs" / "posts").glob("*.md"))
        post = posts[len(posts) // 3]
        post.write_text(post.read_text(encoding="utf-8").rstrip("\n") + f"\n\nAn edit made at {time.time_ns()}.\n", encoding="utf-8")


class PapernotesEmail(Papernotes):
    name = "papernotes (cold, e-mail editions)"


class PapernotesEmailWarm(PapernotesWarm):
    name = "papernotes (warm, e-mail editions)"


class PapernotesServe(Tool):
    """A real `mkdocs serve`: the time from saving a post to the server returning the edited page.

    Each run starts the server, waits for its first build, then saves one post
    `EDITS` times, each time polling the post's address until the edit shows;
    the run's figure is the median of those waits. `edit` says what is changed:
    a sentence added to the body (papernotes rebuilds the post's own pages), or
    the description in the frontmatter (it shows on listings: a full rebuild).
    The waits include MkDocs' own delays: its file watcher polls every 0.5 s.
    """

    EDITS = 5

    def __init__(self, root: Path, edit: str) -> None:
        super().__init__(root)
        self.edit = edit
        self.name = f"papernotes (serve: {edit} edit shown)"

    def run(self) -> tuple[float, float, float]:
        from papernotes.core.model.posts import title_slug

        posts = sorted((self.root / "docs" / "posts").glob("*.md"))
        post = posts[len(posts) // 2]
        original = post.read_text(encoding="utf-8")
        title = next(line for line in original.splitlines() if line.startswith("title: "))[7:].strip().strip("'\"")
        port = free_port()
        url = f"http://127.0.0.1:{port}/bench/posts/{title_slug(title)}/"
        log = open(self.root / "serve.log", "wb")
        proc = subprocess.Popen(
            [PYTHON, "-m", "mkdocs", "serve", "-f", str(self.root / "mkdocs.yml"), "--dev-addr", f"127.0.0.1:{port}"],
            cwd=self.root, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        waits = []
        try:
            wait_for(proc, url, lambda page: title_slug(title) in page, timeout=1800)
            for number in range(self.EDITS):
                marker = f"Saved edit {number} {time.time_ns()}"
                if self.edit == "body":
                    text = original.rstrip("\n") + f"\n\n{marker}.\n"
                else:
                    text = original.replace("description: ", f"description: {marker} ", 1)
                post.write_text(text, encoding="utf-8")
                saved = time.perf_counter()
                wait_for(proc, url, lambda page: marker in page, timeout=600)
                waits.append(time.perf_counter() - saved)
                time.sleep(1)  # let the watcher settle before the next save
            peak = peak_rss_mb(proc.pid)
        finally:
            post.write_text(original, encoding="utf-8")
            proc.terminate()
            proc.wait(timeout=30)
            log.close()
        return statistics.median(waits), peak, float("nan")

    def output(self) -> tuple[Path, Path]:
        raise NotImplementedError("serve writes to a temporary folder")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(proc: subprocess.Popen, url: str, shows, timeout: float) -> None:
    """Poll `url` every 10 ms until its page `shows` what is wanted (the server answers once a rebuild is done)."""
    import urllib.error
    import urllib.request

    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"mkdocs serve exited ({proc.returncode}); see its serve.log")
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                if shows(response.read().decode("utf-8", "replace")):
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.01)
    raise SystemExit(f"{url} did not show the edit within {timeout:.0f} s")


def peak_rss_mb(pid: int) -> float:
    """The most memory the process has held (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Zensical(Tool):
    """`papernotes build --engine zensical`: papernotes makes its pages, then Zensical builds (cold: no caches)."""

    name = "papernotes on Zensical (cold)"

    def prepare(self) -> None:
        shutil.rmtree(self.root / "site", ignore_errors=True)
        shutil.rmtree(self.root / ".cache", ignore_errors=True)  # papernotes' staging folder and Zensical's cache

    def run(self) -> tuple[float, float, float]:
        return run_child(zensical_cmd(self.root), self.root)

    def output(self) -> tuple[Path, Path]:
        return self.root / "site", self.root / "site" / "search.json"


class ZensicalWarm(Zensical):
    name = "papernotes on Zensical (warm)"

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.primed = False

    def prepare(self) -> None:
        if not self.primed:
            super().prepare()
            run_child(zensical_cmd(self.root), self.root)
            self.primed = True


def zensical_cmd(project: Path) -> list[str]:
    return [PYTHON, "-m", "papernotes.cli", "build", "--engine", "zensical", "-f", str(project / "mkdocs.yml"), "-d", str(project / "site")]


class MaterialBlog(MkDocsBuild):
    name = "Material blog"


class Hugo(Tool):
    name = "Hugo"

    def prepare(self) -> None:
        shutil.rmtree(self.root / "public", ignore_errors=True)
        shutil.rmtree(self.root / "resources", ignore_errors=True)

    def run(self) -> tuple[float, float]:
        return run_child(["hugo", "--quiet", "-d", "public", "-s", str(self.root)], self.root)

    def output(self) -> tuple[Path, Path]:
        return self.root / "public", self.root / "public" / "index.json"


def bench_size(n: int, args: argparse.Namespace, workdir: Path) -> list[Measure]:
    base = workdir / f"n{n}"
    shutil.rmtree(base, ignore_errors=True)
    corpus = corpus_mod.make_corpus(n)
    corpus_mod.write_papernotes(corpus, base / "papernotes")
    tools: list[Tool] = [Papernotes(base / "papernotes")]
    if not args.no_warm:
        shutil.copytree(base / "papernotes", base / "papernotes-warm")
        tools.append(PapernotesWarm(base / "papernotes-warm"))
        shutil.copytree(base / "papernotes", base / "papernotes-edited")
        tools.append(PapernotesEdited(base / "papernotes-edited"))
    if args.newsletter:
        corpus_mod.write_papernotes(corpus, base / "papernotes-email", newsletter=True)
        shutil.copytree(base / "papernotes-email", base / "papernotes-email-warm")
        tools += [PapernotesEmail(base / "papernotes-email"), PapernotesEmailWarm(base / "papernotes-email-warm")]
    if args.serve:
        shutil.copytree(base / "papernotes", base / "papernotes-serve")
        tools += [PapernotesServe(base / "papernotes-serve", "body"), PapernotesServe(base / "papernotes-serve", "frontmatter")]
    if args.baseline:
        tools += baseline_twins([t for t in tools if t.name.startswith("papernotes")], args.baseline, base)
    if not args.skip_zensical:
        shutil.copytree(base / "papernotes", base / "zensical")
        tools.append(Zensical(base / "zensical"))
        if not args.no_warm:
            shutil.copytree(base / "papernotes", base / "zensical-warm")
            tools.append(ZensicalWarm(base / "zensical-warm"))
    if not args.skip_material:
        corpus_mod.write_material_blog(corpus, base / "material")
        tools.append(MaterialBlog(base / "material"))
    if shutil.which("hugo") and not args.skip_hugo:
        corpus_mod.write_hugo(corpus, base / "hugo")
        tools.append(Hugo(base / "hugo"))
    measures = {tool.name: Measure(tool.name, n) for tool in tools}
    for run in range(args.runs):
        for tool in tools:  # interleaved: noise hits every tool alike
            tool.prepare()
            wall, peak, cpu = tool.run()
            m = measures[tool.name]
            m.times.append(wall)
            m.cpu.append(cpu)
            m.peak_mb = max(m.peak_mb, peak)
            print(f"  n={n} run {run + 1}/{args.runs} {tool.name:<24} {wall:8.2f} s wall {cpu:8.2f} s CPU {peak:7.0f} MB", flush=True)
    for tool in tools:
        if isinstance(tool, PapernotesServe):
            continue
        site, index = tool.output()
        m = measures[tool.name]
        m.output_mb, m.pages = tree_size(site)
        m.index_mb = index.stat().st_size / 1e6 if index.exists() else 0.0
    return list(measures.values())


def baseline_twins(tools: list[Tool], rev: str, base: Path) -> list[Tool]:
    """Each papernotes tool again, in its own copy of the site, building with the code of `rev`."""
    twins = []
    for tool in tools:
        root = tool.root.with_name(tool.root.name + "-baseline")
        if not root.exists():
            shutil.copytree(base / "papernotes", root)
        twin = copy.copy(tool)
        twin.root, twin.env, twin.name = root, BASELINE_ENV, f"{tool.name} [{rev}]"
        twins.append(twin)
    return twins


def report(results: list[Measure]) -> dict:
    lines = [
        "| posts | tool | median wall (s) | median CPU (s) | peak MB | output MB | HTML pages | search index MB | wall ×Hugo | wall ×Material |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    by = {(m.n, m.tool): m for m in results}
    ratios: dict[str, float] = {}
    for m in results:
        hugo = by.get((m.n, "Hugo"))
        material = by.get((m.n, "Material blog"))
        # A serve wait is a latency with its own target (1 s), not a build to set against another tool's.
        build = "serve" not in m.tool
        vs_hugo = m.median / hugo.median if hugo and m.tool != "Hugo" and build else None
        vs_material = m.median / material.median if material and m.tool.startswith("papernotes") and build else None
        if vs_hugo:
            ratios[f"{m.tool} / Hugo @ {m.n} (wall)"] = vs_hugo
            ratios[f"{m.tool} / Hugo @ {m.n} (CPU)"] = m.median_cpu / hugo.median_cpu
        if vs_material:
            ratios[f"{m.tool} / Material blog @ {m.n} (wall)"] = vs_material
        before = next((b for (n, tool), b in by.items() if n == m.n and tool.startswith(f"{m.tool} [")), None)
        if before is not None:  # `--baseline`: this code's time over the baseline's, in the same runs
            ratios[f"{m.tool} / {before.tool} @ {m.n} (wall)"] = m.median / before.median
            if not math.isnan(m.median_cpu):
                ratios[f"{m.tool} / {before.tool} @ {m.n} (CPU)"] = m.median_cpu / before.median_cpu
        on_mkdocs = by.get((m.n, m.tool.replace(" on Zensical", "")))
        if m.tool.startswith("papernotes on Zensical") and on_mkdocs:
            ratios[f"{m.tool} / {on_mkdocs.tool} @ {m.n} (wall)"] = m.median / on_mkdocs.median
            ratios[f"{m.tool} / {on_mkdocs.tool} @ {m.n} (CPU)"] = m.median_cpu / on_mkdocs.median_cpu
        lines.append(
            f"| {m.n} | {m.tool} | {m.median:.2f} | {'–' if math.isnan(m.median_cpu) else f'{m.median_cpu:.2f}'} | {m.peak_mb:.0f} | "
            + (f"{m.output_mb:.1f} | {m.pages} | {m.index_mb:.1f}" if m.pages else "– | – | –")
            + f" | {f'{vs_hugo:.1f}' if vs_hugo else '–'} | {f'{vs_material:.2f}' if vs_material else '–'} |"
        )
    for n in sorted({m.n for m in results}):
        for plain, email in (("papernotes (cold)", PapernotesEmail.name), ("papernotes (warm)", PapernotesEmailWarm.name)):
            a, b = by.get((n, plain)), by.get((n, email))
            if a and b:
                ratios[f"{email} / {plain} @ {n} (wall)"] = b.median / a.median
                ratios[f"{email} / {plain} @ {n} (CPU)"] = b.median_cpu / a.median_cpu
    sizes = sorted({m.n for m in results})
    for tool in ("papernotes (cold)", "papernotes (warm)", "papernotes (warm, one post edited)",
                 "papernotes on Zensical (cold)", "papernotes on Zensical (warm)", "Hugo"):
        for small, large in zip(sizes, sizes[1:]):
            a, b = by.get((small, tool)), by.get((large, tool))
            if a and b:
                ratios[f"{tool} time {large} / {small} (sizes ×{large / small:g})"] = b.median / a.median
                ratios[f"{tool} CPU {large} / {small}"] = b.median_cpu / a.median_cpu
                if a.output_mb and b.output_mb:
                    ratios[f"{tool} output {large} / {small}"] = b.output_mb / a.output_mb
                    ratios[f"{tool} search index {large} / {small}"] = b.index_mb / a.index_mb
    print("\n" + "\n".join(lines) + "\n")
    for name, value in ratios.items():
        print(f"  {name}: {value:.2f}")
    return {"table": "\n".join(lines), "ratios": ratios}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    hugo = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split(" ")[0:2] if shutil.which("hugo") else []
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}" + (
        f", Hugo {' '.join(hugo)[5:]}" if hugo else ""
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,500", help="comma-separated post counts (2000 is opt-in: Material takes minutes)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per tool and size; the median is reported")
    parser.add_argument("--skip-material", action="store_true", help="do not build with Material's blog plugin")
    parser.add_argument("--skip-zensical", action="store_true", help="do not build with `papernotes build --engine zensical`")
    parser.add_argument("--skip-hugo", action="store_true", help="do not build with Hugo even when it is installed")
    parser.add_argument("--no-warm", action="store_true", help="skip papernotes' warm (cached) rebuild")
    parser.add_argument("--newsletter", action="store_true", help="also build papernotes with e-mail editions on, for their cost")
    parser.add_argument("--serve", action="store_true", help="also time `mkdocs serve` from saving a post to showing it")
    parser.add_argument("--workdir", type=Path, help="where corpora are generated (default: a temporary folder, removed after)")
    parser.add_argument("--search", action="store_true", help="compare `search: pagefind` with Material's search instead (scripts/bench_search.py)")
    parser.add_argument("--out", type=Path, help="write results as JSON here")
    parser.add_argument("--baseline", metavar="REV", help="also build papernotes with the code of this git revision, interleaved")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="papernotes-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}\nworkdir: {workdir}", flush=True)
    snapshot_code(workdir)
    if args.baseline:
        BASELINE_ENV.update(baseline_env(workdir, args.baseline))
    results: list[Measure] = []
    if args.search:
        from bench_search import bench_search

        try:
            summary = bench_search(sizes, args.runs, workdir, PYTHON, ENV)
        finally:
            if args.workdir is None:
                shutil.rmtree(workdir, ignore_errors=True)
        if args.out:
            args.out.write_text(json.dumps({"machine": machine(), "command": " ".join(sys.argv), **summary}, indent=2))
        return
    try:
        for n in sizes:
            results += bench_size(n, args, workdir)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    summary = report(results)
    if args.out:
        args.out.write_text(json.dumps(
            {"machine": machine(), "command": " ".join(sys.argv), "results": [{**asdict(m), "median": m.median, "median_cpu": m.median_cpu} for m in results], **summary},
            indent=2,
        ))


if __name__ == "__main__":
    main()
