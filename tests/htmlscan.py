"""Reading built pages the way a browser would, with the standard library's HTMLParser.

Used by the escaping and link-check suites: one pass per page collects every
element with its attributes, the text a reader sees, inline scripts, and the
ids (and names) a `#fragment` may point at.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

URL_ATTRS = ("href", "src", "action", "formaction", "poster", "data", "xlink:href")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    line: int


@dataclass
class Scan:
    elements: list[Element] = field(default_factory=list)
    scripts: list[tuple[dict[str, str | None], str]] = field(default_factory=list)  # (attrs, inline text)
    text: str = ""  # what a reader sees: data outside <script>/<style>, entities decoded
    anchors: set[str] = field(default_factory=set)  # ids and names

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag and all(e.attrs.get(k) == v for k, v in attrs.items())]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = Scan()
        self._text: list[str] = []
        self._script: tuple[dict[str, str | None], list[str]] | None = None
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.scan.elements.append(Element(tag, found, self.getpos()[0]))
        for name in ("id", "name"):
            if found.get(name):
                self.scan.anchors.add(found[name] or "")
        if tag == "script":
            self._script = (found, [])
        elif tag == "style":
            self._style = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scan.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None
        elif tag == "style":
            self._style = False

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script[1].append(data)
        elif not self._style:
            self._text.append(data)


def scan(html: str) -> Scan:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    parser.scan.text = "".join(parser._text)
    return parser.scan


def scan_file(path: Path) -> Scan:
    return scan(path.read_text(encoding="utf-8"))


def url_scheme(value: str) -> str | None:
    """The scheme of a URL as a browser reads it (tabs, newlines and leading blanks are ignored)."""
    match = _SCHEME.match(re.sub(r"[\x00-\x20\x7f]", "", value).lower())
    return match.group(1) if match else None


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def dangerous(found: Scan) -> list[str]:
    """What a writer's string must never become: a script element of its own, an on* handler, a script URL.

    The theme's own scripts are files or inline configuration; an injected one carries the payload `alert(`.
    """
    problems = []
    for attrs, text in found.scripts:
        src = attrs.get("src") or ""
        if attrs.get("type") == "application/ld+json" and not src:
            # Data, not code: a writer's string in it is a JSON string, safe while no '<' can close the element.
            if "<" in text or not _is_json(text):
                problems.append(f"<script type=application/ld+json>{text[:80]}</script>")
            continue
        if "alert(" in text or "alert(" in src or url_scheme(src) not in (None, "http", "https"):
            problems.append(f"<script src={src!r}>{text[:80]}</script>")
    for element in found.elements:
        for name, value in element.attrs.items():
            if name.startswith("on"):
                problems.append(f"<{element.tag} {name}={value!r}> (line {element.line})")
            elif name in (*URL_ATTRS, "srcdoc") and value and url_scheme(value) not in (None, "http", "https", "mailto"):
                problems.append(f"<{element.tag} {name}={value!r}> (line {element.line})")
    return problems
