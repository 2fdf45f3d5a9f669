"""`papernotes build` and `papernotes serve` on each engine: MkDocs, ProperDocs or Zensical.

MkDocs and ProperDocs (a fork of MkDocs 1.6 that loads MkDocs plugins) run
the papernotes plugin as it is, each in its own process: ProperDocs makes
`import mkdocs` load its own modules, which must not happen to the process
that called it. Zensical runs no plugins: papernotes stages its pages first
(zensical.py).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import signal
import subprocess
import sys
import threading
from typing import Any, Callable, Sequence

from papernotes.core.diagnostics import Diagnostic

ENGINES = ("mkdocs", "properdocs", "zensical")
EXTRAS = {"properdocs": "properdocs", "zensical": "zensical"}


class EngineMissing(Exception):
    """The engine asked for is not installed."""


def require(engine: str) -> None:
    if importlib.util.find_spec(engine) is None:
        extra = EXTRAS.get(engine)
        hint = f"pip install 'papernotes[{extra}]'" if extra else f"pip install {engine}"
        raise EngineMissing(f"{engine} is not installed: {hint}")


def mkdocs_like(engine: str, command: str, config_file: str, flags: Sequence[str]) -> int:
    """`mkdocs build|serve` or `properdocs build|serve`, with the papernotes plugin as configured."""
    require(engine)
    return run_engine([sys.executable, "-m", engine, command, "-f", config_file, *flags])


def run_engine(command: list[str]) -> int:
    """Run the engine's command and return its exit code; stopped by a signal, papernotes stops it too."""
    child = subprocess.Popen(command)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    try:
        return child.wait()
    except KeyboardInterrupt:  # Ctrl-C reached the engine as well
        return 130
    finally:
        stop(child)


def stop(child: subprocess.Popen) -> None:
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def zensical_settings(site_config: Any, plugin: Any, drafts: bool) -> Any:
    from papernotes.mkdocs_plugin.cache import open_cache

    from .site_files import SiteSettings

    config = site_config.mkdocs
    cache = open_cache(config, dict(plugin.config))
    return SiteSettings(
        options=dataclasses.replace(site_config.options, drafts=drafts),
        site_name=config.site_name, site_url=config.site_url, site_description=config.site_description,
        language=config.theme.get("language") or "en", home_title=plugin.config.home_title,
        feed_length=plugin.config.feed_length, feed_format=plugin.config.feed_format,
        markdown_extensions=config.markdown_extensions,
        mdx_configs=config.mdx_configs, cache_context=cache.context if cache is not None else None,
    )


def zensical_build(
    read: Callable[[], tuple[Any, Any]], report: Callable[[Diagnostic], None], *, strict: bool, site_dir: str | None,
) -> int:
    """Stage and build with Zensical. `read` gives (SiteConfig, plugin) from mkdocs.yml."""
    require("zensical")
    from . import zensical

    site_config, plugin = read()
    settings = zensical_settings(site_config, plugin, drafts=False)
    no_feeds = not site_config.mkdocs.site_url
    if no_feeds:  # a warning, as the MkDocs plugin logs it: --strict fails on it there too
        print("papernotes: set site_url in mkdocs.yml so feeds can link to your posts; no feeds were written", file=sys.stderr)
    prepared = zensical.prepare(site_config.mkdocs, settings, site_config.post_sources(), site_dir)
    for diagnostic in prepared.diagnostics:
        report(diagnostic)
    problems = prepared.diagnostics.errors or (strict and (prepared.diagnostics.warnings or no_feeds))
    if problems:
        zensical._remove(prepared.config_path)
        print("papernotes: the site was not built: fix the problems above", file=sys.stderr)
        return 1
    status = zensical.build(prepared, strict)
    if status == 0:
        zensical.say_not_done(site_config.mkdocs, plugin.config.search)
    return status


def zensical_serve(read: Callable[[], tuple[Any, Any]], report: Callable[[Diagnostic], None], *, dev_addr: str | None) -> int:
    """Serve with Zensical, drafts shown; posts, the library and mkdocs.yml are staged again when they change."""
    require("zensical")
    from . import zensical

    read_last: list[Any] = []

    def prepare() -> Any:
        site_config, plugin = read_last[:] = read()
        prepared = zensical.prepare(site_config.mkdocs, zensical_settings(site_config, plugin, drafts=True), site_config.post_sources())
        for diagnostic in prepared.diagnostics:
            report(diagnostic)
        return prepared

    first = prepare()
    site_config, plugin = read_last
    zensical.say_not_done(site_config.mkdocs, plugin.config.search)
    return zensical.serve(prepare, first, dev_addr)
