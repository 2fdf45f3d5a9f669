"""The stylesheets and scripts papernotes adds to every page, as files of the site."""

from __future__ import annotations

from importlib import resources
from typing import Any

from mkdocs.structure.files import File, Files

# Site address -> file under papernotes/assets, in the order they are added to the site.
ASSETS = {
    "assets/papernotes/papernotes.css": "papernotes.css",
    "assets/papernotes/papernotes.js": "papernotes.js",
    "assets/papernotes/newsletter.css": "newsletter.css",  # e-mail parts on the site: cite and subscribe blocks
}


def link(config: Any) -> None:
    """Name them in the theme's extra_css and extra_javascript (once: serve configures again)."""
    for uri in ASSETS:
        if uri.endswith(".css") and uri not in config.extra_css:
            config.extra_css.append(uri)
    scripts = [str(script) for script in config.extra_javascript]
    for uri in ASSETS:
        if uri.endswith(".js") and uri not in scripts:
            config.extra_javascript.append(uri)


def add(files: Files, config: Any) -> None:
    for uri, name in ASSETS.items():
        files.append(File.generated(config, uri, content=asset(name)))


def asset(name: str) -> str:
    return resources.files("papernotes").joinpath("assets", name).read_text(encoding="utf-8")
