"""Building a papernotes site with Zensical: stage what papernotes adds, then let Zensical build.

Zensical reads mkdocs.yml but ignores every third-party plugin. So before it
runs, papernotes:

1. reads and converts the posts and renders its own pages (site_files.py);
2. stages the docs Zensical reads in `.cache/papernotes/zensical/docs`: the
   writer's files copied as they are (posts excepted), one frontmatter-only
   file per post at its papernotes URL, and the pages papernotes rendered;
   the writer's files are only read;
3. writes `.papernotes-zensical.yml` beside mkdocs.yml (Zensical wants its
   output folder under the configuration's folder): it inherits mkdocs.yml and
   adds the staging folder, papernotes' CSS and JS and its Markdown extension
   (papernotes/zensical.py), which makes each post's page from the writer's file.

A staged post carries a key of everything its page shows, so Zensical's
cache renders it again when the library, its neighbours or papernotes changed,
though its own text did not.
"""

from __future__ import annotations

import dataclasses
import json
import os
import posixpath
import re
import shutil
import signal
import subprocess
import sys
import time
from typing import Any, Sequence

import yaml

from papernotes.core.diagnostics import Diagnostics
from papernotes.core.digest import digest
from papernotes.core.site import PostSource
from papernotes.core.sources.stamps import snapshot
from papernotes.core.views.feeds import feed_link_tags
from papernotes import site_assets
from papernotes.zensical import HTML_MARKER

from . import run_engine, stop
from .site_files import SiteSettings, code_stamp_text, make_site_files

CONFIG_NAME = ".papernotes-zensical.yml"

# What the Zensical build of a papernotes site does not have, said once per build and in the guide (engines.md).
NOT_DONE = (
    "under serve, pages do not link their feeds in <head> (a build's pages do)",
    "mkdocs.yml's theme overrides (custom_dir) render with Zensical's templates, not Material's: the site looks like Zensical's theme",
    "sitemap.xml.gz (sitemap.xml is written, with the same addresses)",
    "serve shows no error page at a broken post's address: the problem is printed in the terminal",
    "papernotes' own build cache and quick serve rebuilds: Zensical uses its own cache",
    "the newsletter's parts that the MkDocs plugin adds: e-mail editions in the build (email.html, "
    "email/feed.xml), link-preview and citation metadata in <head>, the 'Cite this post' block, the subscribe form "
    "(`papernotes email POST.md` still writes an edition)",
    "MkDocs' checks of links and anchors (validation: in mkdocs.yml): a broken link is not reported, even with --strict",
)
PAGEFIND = "`search: pagefind`: Zensical's own search is used, whose whole index (search.json) a reader downloads"


def stage_dir(project_dir: str) -> str:
    return os.path.join(project_dir, ".cache", "papernotes", "zensical")


@dataclasses.dataclass
class Prepared:
    config_path: str
    diagnostics: Diagnostics
    watched: list[str]  # what serve watches: docs/, mkdocs.yml, the library files
    move: tuple[str, str] | None = None  # (built in, wanted in): an output folder Zensical cannot write to
    site_dir: str = ""  # where Zensical writes
    feed_links: dict[str | None, list[tuple[str, str, str]]] = dataclasses.field(default_factory=dict)


def prepare(mkdocs_config: Any, settings: SiteSettings, sources: Sequence[PostSource], site_dir: str | None = None) -> Prepared:
    """Stage the docs and write the Zensical configuration; nothing of the writer's is written."""
    options = settings.options
    project = options.project_dir
    stage = stage_dir(project)
    docs = os.path.join(stage, "docs")
    writer = _writer_files(mkdocs_config, options)
    diagnostics = Diagnostics()
    made = make_site_files(settings, sources, {uri for uri in writer if uri.endswith(".md")}, diagnostics)

    staged: dict[str, bytes | str] = {uri: path for uri, path in writer.items()}  # a str: copy that file
    for uri in writer:
        if uri.endswith(".md"):
            with open(writer[uri], "rb") as handle:
                own = handle.read()
            text = _post_links(own, uri, made.moved)
            if uri in made.fills:
                text = text.rstrip(b"\n") + f"\n\n{HTML_MARKER}\n{made.fills[uri]}\n".encode("utf-8")
            if text != own:
                staged[uri] = text
    staged.update(made.files)
    _sync(docs, staged)

    description = os.path.join(stage, "site.json")
    _write_if_changed(description, json.dumps({
        "options": dataclasses.asdict(options),
        "sources": [[s.src_uri, s.path] for s in sources if s.path],
        # New whenever a post's page would change: the extension then reads the site again.
        "stamp": digest(made.keys),
    }, indent=1).encode("utf-8"))

    config: dict[str, Any] = {
        "INHERIT": os.path.basename(mkdocs_config.config_file_path),
        "docs_dir": os.path.relpath(docs, project),
        "extra_css": site_assets.styles(site_assets.PAGES),
        "extra_javascript": site_assets.scripts(site_assets.PAGES),
        "markdown_extensions": [{"papernotes.zensical": {"site": description, "code": code_stamp_text()}}],
    }
    config["not_in_nav"] = _not_in_nav(mkdocs_config, options, list(made.files))
    if site_dir:
        # Relative to mkdocs.yml's folder, as MkDocs reads -d; Zensical writes only under that folder:
        # elsewhere, the site is built in the stage and moved.
        site_dir = target = os.path.normpath(os.path.join(project, site_dir))
        inside = os.path.commonpath([target, os.path.abspath(project)]) == os.path.abspath(project)
        config["site_dir"] = target if inside else os.path.join(stage, "site")
    config_path = os.path.join(project, CONFIG_NAME)
    header = b"# Written by `papernotes build --engine zensical` for this build; edit mkdocs.yml instead.\n"
    _write_if_changed(config_path, header + yaml.safe_dump(config, sort_keys=False).encode("utf-8"))
    watched = [options.docs_dir, mkdocs_config.config_file_path, *made.site.library.files]
    move = (config["site_dir"], os.path.abspath(site_dir)) if site_dir and config["site_dir"] != os.path.abspath(site_dir) else None
    built = config.get("site_dir") or os.path.join(project, mkdocs_config.site_dir)
    return Prepared(config_path, diagnostics, watched, move, os.path.abspath(built), made.feed_links)


def _not_in_nav(mkdocs_config: Any, options: Any, staged: list[str]) -> str:
    """The writer's `not_in_nav`, and the pages papernotes keeps out of the navigation under MkDocs.

    Only the topics and papers indexes are in the navigation: without this, a
    site with no `nav:` would list every post, paper and topic on every page.
    """
    spec = mkdocs_config.not_in_nav
    lines = [getattr(p, "pattern", None) for p in getattr(spec, "patterns", [])] if spec else []
    blog = options.blog
    lines += [f"/{blog.topics_dir}/*/", f"/{blog.papers_dir}/*/", "/page/"]
    prefix = blog.post_url_format.split("{", 1)[0].strip("/")
    if prefix and prefix not in (blog.topics_dir, blog.papers_dir):
        lines.append(f"/{prefix}/")
    else:  # posts at the top level: each one by its path
        lines += [f"/{path}" for path in staged if path.endswith(".md") and "/" in path and not path.startswith(
            (f"{blog.topics_dir}/", f"{blog.papers_dir}/", "page/", f"{site_assets.FOLDER}/"))]
    return "\n".join(line for line in lines if line) + "\n"


# A Markdown link's target, inline (`](path.md#x)`) or in a reference definition (`[x]: path.md`).
_MD_LINK = re.compile(rb"(\]\(\s*<?|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?)([^\s()<>#]+\.md)(?=[#)>\s])", re.M)


def _post_links(text: bytes, uri: str, moved: dict[str, str]) -> bytes:
    """The writer's links to a post's file, pointed at where the post is staged, so Zensical finds the page."""
    if b".md" not in text or not moved:
        return text
    folder = posixpath.dirname(uri)

    def fix(match: re.Match[bytes]) -> bytes:
        target = posixpath.normpath(posixpath.join(folder, match.group(2).decode("utf-8", "replace")))
        if target not in moved:
            return match.group(0)
        return match.group(1) + posixpath.relpath(moved[target], folder or ".").encode("utf-8")

    return _MD_LINK.sub(fix, text)


def _writer_files(mkdocs_config: Any, options: Any) -> dict[str, str]:
    """The writer's docs Zensical should see, by src_uri: all but posts and the sources papernotes reads."""
    from mkdocs.structure.files import get_files

    posts = options.blog.posts_dir + "/"
    kept = {}
    for file in get_files(mkdocs_config):
        uri = file.src_uri
        if file.inclusion.is_excluded() or (not file.is_documentation_page() and options.never_published(uri, file.abs_src_path)):
            continue
        if uri.startswith(posts) and file.is_documentation_page():
            continue
        kept[uri] = file.abs_src_path
    return kept


def _write_if_changed(path: str, data: bytes) -> None:
    try:
        with open(path, "rb") as handle:
            if handle.read() == data:
                return  # untouched: Zensical's cache keeps what it made from it
    except OSError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


def _sync(root: str, staged: dict[str, bytes | str]) -> None:
    """Make `root` hold exactly `staged`, touching only what changed."""
    for uri, content in staged.items():
        dest = os.path.join(root, *uri.split("/"))
        if isinstance(content, bytes):
            _write_if_changed(dest, content)
            continue
        try:
            src, old = os.stat(content), os.stat(dest)
            if (src.st_size, src.st_mtime_ns) == (old.st_size, old.st_mtime_ns):
                continue
        except OSError:
            pass
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copy2(content, dest)
    wanted = {os.path.join(root, *uri.split("/")) for uri in staged}
    for folder, dirs, files in os.walk(root, topdown=False):
        for name in files:
            path = os.path.join(folder, name)
            if path not in wanted:
                os.remove(path)
        if folder != root and not os.listdir(folder):
            os.rmdir(folder)


def zensical_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "zensical", *args]


def say_not_done(mkdocs_config: Any, search: str) -> None:
    print("papernotes: built with Zensical; what it does not do yet for a papernotes site:", file=sys.stderr)
    for item in (*NOT_DONE, *([PAGEFIND] if search == "pagefind" else []), *_not_run(mkdocs_config)):
        print(f"  - {item}", file=sys.stderr)


def _not_run(mkdocs_config: Any) -> list[str]:
    """The writer's hooks, and plugins Zensical has no part for, named: it leaves them out without a word."""
    try:  # Zensical's own list of the MkDocs plugins it does the work of
        from zensical.config import _PLUGIN_UNSUPPORTED_OPTIONS as runs
    except ImportError:
        return []
    hooks = list(mkdocs_config.get("hooks") or {})
    plugins = [
        name for name in mkdocs_config.plugins
        if name != "papernotes" and name not in hooks and name.removeprefix("material/").split("/", 1)[0] not in runs
    ]
    said = [f"the plugins {', '.join(plugins)}: Zensical does not run them"] if plugins else []
    return said + ([f"the hooks {', '.join(hooks)}: Zensical does not run them"] if hooks else [])


def build(prepared: Prepared, strict: bool) -> int:
    try:
        status = run_engine(zensical_command("build", "-f", prepared.config_path, *(["--strict"] if strict else [])))
    finally:
        _remove(prepared.config_path)
    if status == 0:
        link_feeds(prepared.site_dir, prepared.feed_links)
    if status == 0 and prepared.move is not None:
        built, wanted = prepared.move
        shutil.rmtree(wanted, ignore_errors=True)
        shutil.move(built, wanted)
    return status


def link_feeds(site: str, feeds: dict[str | None, list[tuple[str, str, str]]]) -> None:
    """Put the feeds' <link> tags into every built page's <head>, as the MkDocs plugin does while it builds."""
    if not feeds:
        return
    for folder, _, files in os.walk(site):
        for name in files:
            if not name.endswith(".html") or (folder == site and name == "404.html"):
                continue  # the 404 page is served at any depth: relative links would miss (MkDocs leaves it too)
            path = os.path.join(folder, name)
            url = os.path.relpath(path, site).replace(os.sep, "/")
            url = url.removesuffix("index.html")
            found = [link for key in (None, url) for link in feeds.get(key, [])]
            links = feed_link_tags(found, url)
            with open(path, encoding="utf-8") as handle:
                html = handle.read()
            if links in html or "</head>" not in html:
                continue  # a page Zensical did not write again keeps its links
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(html.replace("</head>", links + "</head>", 1))


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def serve(prepare_again: Any, prepared: Prepared, dev_addr: str | None, interval: float = 0.5) -> int:
    """Run `zensical serve` and stage again whenever a post, the library or mkdocs.yml changes."""
    args = ["serve", "-f", prepared.config_path, *(["-a", dev_addr] if dev_addr else [])]
    server = subprocess.Popen(zensical_command(*args))
    # Stopped by a signal, serve still stops its server and removes the configuration it wrote.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        stamps = snapshot(prepared.watched)
        while server.poll() is None:
            time.sleep(interval)
            now = snapshot(prepared.watched)
            if now != stamps:
                config_changed = now.get(prepared.watched[1]) != stamps.get(prepared.watched[1])
                stamps = now  # taken before reading: an edit made meanwhile is seen next time
                try:
                    prepared = prepare_again()
                except Exception as exc:  # a broken mkdocs.yml: say so and keep serving the last good site
                    print(f"papernotes: {exc}", file=sys.stderr)
                    continue
                if config_changed:
                    # Zensical's server keeps the configuration it started with (the site's name, the
                    # theme): a new one reads mkdocs.yml again, on the same address.
                    stop(server)
                    server = subprocess.Popen(zensical_command(*args))
        return server.returncode
    except KeyboardInterrupt:
        return 0
    finally:
        stop(server)
        _remove(prepared.config_path)
