"""The stylesheets and scripts papernotes adds to a site, on every engine: one list, read from papernotes/assets/."""

from __future__ import annotations

from importlib import resources
from typing import Iterable

FOLDER = "assets/papernotes"  # where they go in the site

PAGES = ("papernotes.css", "papernotes.js")  # every page's: cards, listings, references
NEWSLETTER = ("newsletter.css",)  # "Cite this post" and the subscribe form, which MkDocs' adapter adds
SEARCH = ("search.js", "search.css")  # the header search box on Pagefind (`search: pagefind`)


def uri(name: str) -> str:
    """Its address in the site."""
    return f"{FOLDER}/{name}"


def styles(names: Iterable[str]) -> list[str]:
    return [uri(name) for name in names if name.endswith(".css")]


def scripts(names: Iterable[str]) -> list[str]:
    return [uri(name) for name in names if name.endswith(".js")]


def read(name: str) -> bytes:
    return resources.files("papernotes").joinpath("assets", name).read_bytes()
