"""Making Markdown fields from frontmatter and library files safe to show.

`takeaways` and a paper's `note` are Markdown (SPEC section 1), converted with
the post's body; a `note` may come from a library file. Like every other string
from frontmatter or a library (SPEC section 5), they must not inject markup:
`sanitize_html` re-serialises their HTML so that what Markdown produces stays
(emphasis, code, links, citations, emoji), script-capable tags are shown as
text, `on*` attributes are dropped and links keep only http(s), mailto or
relative targets.

`xml_chars` is the one place text is made fit for XML 1.0 (feeds, sitemaps):
what XML cannot carry (terminal colour codes, NUL, U+FFFE) is dropped rather
than failing the build, and a form feed or vertical tab becomes a space.
`xml_text` does that to one value (a title, a name) and also closes the bidi
controls it leaves open, so a right-to-left override stays inside it.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from .mathml import MATHML_TAGS

# What Markdown and the configured extensions emit (and harmless inline HTML).
_ALLOWED_TAGS = frozenset(
    """a abbr b blockquote br caption cite code dd del details div dl dt em figcaption figure
    h1 h2 h3 h4 h5 h6 hr i img input ins kbd label li mark ol p path pre q s samp small span
    strong sub summary sup svg table tbody td tfoot th thead time tr u ul var""".split()
) | MATHML_TAGS  # formulas as `render_math` writes them: presentation markup, no scripts or links
_URL_ATTRS = frozenset({"href", "src", "xlink:href", "action", "formaction", "poster", "background", "cite", "data"})
_DROPPED_ATTRS = frozenset({"srcset", "srcdoc", "style"})
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]")  # browsers skip tabs and newlines: java\tscript:


def safe_url(value: str) -> bool:
    """Whether a link target is http(s), mailto, or relative (no scheme)."""
    match = _SCHEME.match(_IGNORED_IN_URLS.sub("", value).lower())
    return match is None or match.group(1) in _SAFE_SCHEMES


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], close: str) -> None:
        if tag not in _ALLOWED_TAGS:
            self.out.append(html.escape(self.get_starttag_text() or f"<{tag}>", quote=False))
            return
        kept = []
        for name, value in attrs:
            if name.startswith("on") or name in _DROPPED_ATTRS:
                continue
            if name in _URL_ATTRS and value is not None and not safe_url(value):
                continue
            kept.append(f" {name}" if value is None else f' {name}="{html.escape(value, quote=True)}"')
        self.out.append(f"<{tag}{''.join(kept)}{close}>")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, " /")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>" if tag in _ALLOWED_TAGS else html.escape(f"</{tag}>", quote=False))

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data, quote=False))

    # Comments, doctypes and processing instructions carry nothing a reader sees.
    def handle_comment(self, data: str) -> None:
        pass

    def handle_decl(self, decl: str) -> None:
        pass

    def handle_pi(self, data: str) -> None:
        pass

    def unknown_decl(self, data: str) -> None:
        pass


def sanitize_html(fragment: str) -> str:
    """`fragment` with raw markup shown as text and unsafe attributes and links removed."""
    if "<" not in fragment:
        return fragment
    parser = _Sanitizer()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.out)


# A terminal's colour and cursor codes (ESC [ ... letter), dropped whole: `[32m` alone means nothing to a reader.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
# Everything XML 1.0 cannot carry (section 2.2), lone surrogates included, and the
# control characters it may but a reader sees as boxes (DEL and C1, but for NEL, a line end).
_NOT_XML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACING = re.compile("[\x0b\x0c]")  # a PDF's page break, a vertical tab: spaces between words, not nothing


def xml_text(text: str) -> str:
    """One value's text (a title, a name) without what XML cannot hold (`xml_chars`), its bidi controls closed."""
    text = xml_chars(text)
    return closed_bidi(text) if BIDI_CONTROLS.search(text) else text


def xml_chars(text: str) -> str:
    """`text` without terminal escape codes and the characters XML 1.0 cannot hold.

    YAML reads the escapes `"\\ud83d\\ude42"` (as JSON writes an emoji) as two
    halves of a pair: they are joined into the character; a lone half goes.
    """
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    if _SURROGATE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "ignore")
    return _NOT_XML.sub("", breaks_as_spaces(text))


# Bidi controls that open a run (embeddings, overrides, isolates), and those that close one.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_OPENS = {"\u202a": "\u202c", "\u202b": "\u202c", "\u202d": "\u202c", "\u202e": "\u202c", "\u2066": "\u2069", "\u2067": "\u2069", "\u2068": "\u2069"}


def closed_bidi(text: str) -> str:
    """`text` with every embedding, override or isolate it opens closed at its end.

    A right-to-left override left open in a title ran on over what a page puts
    after it: the site's name in <title>, the next link. The writer's own
    characters stay; only the closing ones are added.
    """
    open_runs: list[str] = []
    for char in BIDI_CONTROLS.findall(text):
        if char in _OPENS:
            open_runs.append(_OPENS[char])
        elif char == "\u202c" and open_runs and open_runs[-1] == "\u202c":
            open_runs.pop()
        elif char == "\u2069" and "\u2069" in open_runs:  # closes its isolate, and whatever opened inside it
            del open_runs[len(open_runs) - 1 - open_runs[::-1].index("\u2069"):]
    return text + "".join(reversed(open_runs))


def breaks_as_spaces(text: str) -> str:
    """A PDF's page break (form feed) or a vertical tab as the space between words it stands for."""
    return _SPACING.sub(" ", text) if "\x0b" in text or "\x0c" in text else text
