"""BibTeX library files: entries become Records, LaTeX becomes plain text.

bibtexparser 2 splits the file into blocks (entries, ``@string`` definitions,
broken blocks), each with its line. Values are resolved here rather than by its
default middlewares: those leave concatenations like ``"Proc. " # icml``
unexpanded, and LaTeX-decoding every field would mangle URLs (``%`` starts a
LaTeX comment). Only the text fields a reader sees are decoded.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache
from typing import Any

import bibtexparser
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ParsingFailedBlock,
    String,
)
from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexwalker import get_default_latex_context_db

from ..diagnostics import Diagnostics
from ..model.records import Origin, Record, parse_record


class _QuietSplitter(logging.Filter):
    """Drop the splitter's own warnings about broken blocks: parse_bibtex reports
    each one with file, line and a fix, and MkDocs would print them a second time."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR


logging.getLogger("bibtexparser.splitter").addFilter(_QuietSplitter())

# -- LaTeX to text ------------------------------------------------------------

# pylatexenc costs ~0.2 ms for a title and over 1 ms for an abstract, seconds for
# a big library; most values only carry protective braces, accents, dashes, text
# styles and math, which are decoded here. Other macros go to pylatexenc.
_NEEDS_DECODING = re.compile(r"[\\{}$~]|--|``|''")
_LETTER_MACROS = {
    "ss": "ß", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
    "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ",
}  # fmt: skip
_ACCENTS = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306", "H": "\u030b", "r": "\u030a",
    "k": "\u0328", "d": "\u0323", "b": "\u0331",
}  # fmt: skip
_LETTER_NAMES = "ss|aa|AA|ae|AE|oe|OE|o|O|l|L|i|j"
_STYLES = "emph|textit|textbf|texttt|textsc|textrm|textsf|textsl|textup|textnormal|mbox|text"
_BASE = r"\\[ij](?![A-Za-z])|[A-Za-z]"
_FAST = re.compile(
    rf"""\\(?P<escaped>[&%_$#{{}}])
    |\\(?P<acc>["'`^~=.])\s*(?:\{{\s*(?P<b1>{_BASE})\s*\}}|(?P<c1>{_BASE})(?:(?<=\\[ij])\s*)?)
    |\\(?P<lacc>[cvuHrkdb])(?:\s*\{{\s*(?P<b2>{_BASE})\s*\}}|\s+(?P<c2>[A-Za-z]))
    |\\(?P<letter>{_LETTER_NAMES})(?![A-Za-z])\s*(?:\{{\}})?
    |\\(?P<style>{_STYLES})\s*(?=\{{)
    |(?P<dash>---?)|(?P<open>``)|(?P<close>'')|(?P<tilde>~)|(?P<brace>[{{}}])""",
    re.VERBOSE,
)
_OTHER_MACRO = re.compile(
    rf"""\\(?![&%_$#{{}}"'`^~=.]|(?:[cvuHrkdb]|{_LETTER_NAMES}|{_STYLES})(?![A-Za-z]))"""
)
# Math stays as written, as pylatexenc's verbatim math mode keeps it.
_MATH = re.compile(r"(?<!\\)(\$\$?)(?:.+?)(?<!\\)\1", re.DOTALL)
_BARE_PERCENT = re.compile(r"(?<!\\)%")
_SIMPLE = {"open": "“", "close": "”", "tilde": " ", "brace": "", "style": ""}


def _fast_replacement(match: re.Match[str]) -> str:
    kind = match.lastgroup or ""
    if kind == "escaped":
        return match.group("escaped")
    if kind in ("b1", "c1", "b2", "c2"):
        base = match.group(kind).lstrip("\\")
        accent = _ACCENTS[match.group("acc") or match.group("lacc")]
        return unicodedata.normalize("NFC", base + accent)
    if kind == "letter":
        return _LETTER_MACROS[match.group("letter")]
    if kind == "dash":
        return "—" if len(match.group()) == 3 else "–"
    return _SIMPLE[kind]


def _fast_text(value: str) -> str | None:
    """Decoded text outside math, or None when a macro needs pylatexenc."""
    if _OTHER_MACRO.search(value):
        return None
    text = _FAST.sub(_fast_replacement, value)
    return None if "\\" in text or "$" in text else text


@lru_cache(maxsize=1)
def _pylatexenc() -> tuple[LatexNodes2Text, Any]:
    # Built once: a decoder (and its macro tables) per value is what makes naive decoding slow.
    return LatexNodes2Text(math_mode="verbatim", keep_braced_groups=False), get_default_latex_context_db()


def _slow_text(value: str) -> str:
    decoder, context = _pylatexenc()
    # A bare % is a percent sign to the writer, not the start of a LaTeX comment.
    return decoder.latex_to_text(_BARE_PERCENT.sub(r"\\%", value), latex_context=context)


@lru_cache(maxsize=16384)
def latex_to_text(value: str) -> str:
    """Plain text of a BibTeX value: accents decoded, protective braces gone, spaces collapsed.

    Cached because names and venues repeat across a library.
    """
    if _NEEDS_DECODING.search(value):
        parts, pos = [], 0
        for math in _MATH.finditer(value):
            parts += [_fast_text(value[pos : math.start()]), math.group()]
            pos = math.end()
        parts.append(_fast_text(value[pos:]))
        value = _slow_text(value) if None in parts else "".join(parts)  # type: ignore[arg-type]
    return " ".join(value.split())


# -- values -------------------------------------------------------------------

_MONTHS = {
    name[:3].lower(): name
    for name in ("January February March April May June July August September "
                 "October November December").split()
}  # fmt: skip
_VALUE_MARKS = re.compile(r'(?<!\\)[{}"#]')


def _pieces(raw: str) -> list[str]:
    """The parts of a value joined by top-level ``#`` (one part for most values)."""
    depth, quoted, start, parts = 0, False, 0, []
    for match in _VALUE_MARKS.finditer(raw):
        char = match.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(raw[start : match.start()])
            start = match.end()
    parts.append(raw[start:])
    return [part.strip() for part in parts]


def _resolve(raw: str, macros: dict[str, str]) -> tuple[str, list[str]]:
    """A raw value with enclosing removed and ``@string`` macros expanded, plus undefined names."""
    out, undefined = [], []
    for part in _pieces(raw):
        if len(part) >= 2 and (part[0], part[-1]) in (("{", "}"), ('"', '"')):
            out.append(part[1:-1])
        elif part.isdigit():
            out.append(part)
        elif part.lower() in macros:
            out.append(macros[part.lower()])
        elif part.lower() in _MONTHS:
            out.append(_MONTHS[part.lower()])
        else:
            undefined.append(part)
            out.append(part)
    return "".join(out), undefined


def _split_names(value: str) -> list[str]:
    """Names split on `` and `` outside braces, so ``{Barnes and Noble}`` stays one name."""
    names, depth, start = [], 0, 0
    for match in re.finditer(r"[{}]|\s+and\s+", value, re.IGNORECASE):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            names.append(value[start : match.start()])
            start = match.end()
    names.append(value[start:])
    return [latex_to_text(name) for name in names if name.strip()]


def _link(value: str) -> str:
    """A URL or DOI as written in BibTeX: ``\\url{...}`` unwrapped, ``\\_`` unescaped."""
    value = value.strip()
    match = re.fullmatch(r"\\(?:url|href)\s*\{([^{}]*)\}.*", value, re.DOTALL)
    if match:
        value = match.group(1)
    return re.sub(r"\\([_%&#~$])", r"\1", value).strip()


_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/", re.IGNORECASE)
_ARXIV_IN_TEXT = re.compile(r"\barxiv:\s*(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)

# Where a venue comes from, in order of preference (unlisted fields are ignored).
_VENUE_FIELDS = ("journal", "journaltitle", "booktitle", "howpublished", "institution", "school", "publisher")


class _Fields:
    """One entry's fields by lowercased name, resolved on demand."""

    def __init__(self, entry: Entry, macros: dict[str, str], file: str, diagnostics: Diagnostics):
        self.by_name = {field.key.lower(): field for field in entry.fields}
        self.macros = macros
        self.file = file
        self.diagnostics = diagnostics
        self.key = entry.key
        self.resolved: dict[str, str | None] = {}  # so an undefined macro is reported once

    def line(self, name: str) -> int | None:
        field = self.by_name.get(name)
        return field.start_line + 1 if field is not None and field.start_line is not None else None

    def get(self, name: str) -> str | None:
        if name in self.resolved:
            return self.resolved[name]
        field = self.by_name.get(name)
        if field is None:
            return None
        text, undefined = _resolve(field.value, self.macros)
        for macro in undefined:
            self.diagnostics.warning(
                self.file,
                self.line(name),
                f"entry '{self.key}': '{macro}' in field '{field.key}' is not a defined @string",
                f'define it with @string{{{macro} = "..."}} or put the value in braces: {{{macro}}}',
            )
        self.resolved[name] = text.strip() or None
        return self.resolved[name]


def _arxiv_of(fields: _Fields) -> tuple[str | None, str | None]:
    """The arXiv id an entry gives, and the field it came from."""
    for name in ("arxiv", "arxivid"):
        if fields.get(name):
            return fields.get(name), name
    eprint = fields.get("eprint")
    if eprint:
        kind = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
        if kind == "arxiv" or eprint.lower().startswith("arxiv:") or _ARXIV_URL.search(eprint):
            return eprint, "eprint"
    for name in ("url", "pdf"):
        value = fields.get(name)
        if value and _ARXIV_URL.search(value):
            return _link(value), name
    doi = fields.get("doi")
    match = _ARXIV_DOI.match(_link(doi)) if doi else None
    if match:
        return match.group(1), "doi"
    # Google Scholar writes arXiv preprints as journal = {arXiv preprint arXiv:2310.01889}.
    for name in ("journal", "note", "howpublished"):
        match = _ARXIV_IN_TEXT.search(fields.get(name) or "")
        if match:
            return match.group(1), name
    return None, None


def _entry_data(entry: Entry, fields: _Fields) -> tuple[dict[str, Any], dict[str, str]]:
    """The Record fields of one entry, and the BibTeX field each came from."""
    data: dict[str, Any] = {"id": entry.key}
    sources: dict[str, str] = {}

    def put(name: str, value: Any, source: str) -> None:
        if value not in (None, "", []):
            data[name] = value
            sources[name] = source

    title = fields.get("title")
    put("title", title and latex_to_text(title), "title")
    author = fields.get("author")
    put("authors", author and _split_names(author), "author")
    year = fields.get("year")
    if year:
        put("year", year, "year")
    else:
        # biblatex: date = {2023-05-29}
        put("year", (fields.get("date") or "")[:4], "date")
    for name in _VENUE_FIELDS:
        value = fields.get(name)
        if not value:
            continue
        if name == "howpublished" and re.search(r"https?://", value):
            put("url", _link(value), name)
            continue
        put("venue", latex_to_text(value), name)
        break
    arxiv, source = _arxiv_of(fields)
    put("arxiv", arxiv, source or "eprint")
    for name in ("doi", "url", "pdf", "code"):
        value = fields.get(name)
        put(name, value and _link(value), name)
    abstract = fields.get("abstract")
    put("abstract", abstract and latex_to_text(abstract), "abstract")
    keywords = fields.get("keywords")
    if keywords:
        tags = [tag for tag in (t.strip() for t in re.split(r"[,;]", latex_to_text(keywords))) if tag]
        put("tags", tags, "keywords")
    return data, sources


_BLOCK_KEY = re.compile(r"@\s*(\w+)\s*[{(]\s*([^,\s{}()]*)")


def _report_failed(block: ParsingFailedBlock, file: str, diagnostics: Diagnostics) -> None:
    line = block.start_line + 1 if block.start_line is not None else None
    match = _BLOCK_KEY.match(block.raw or "")
    kind, key = (match.group(1).lower(), match.group(2)) if match else ("entry", "")
    what = f"@{kind} '{key}'" if key else f"@{kind} block"
    if isinstance(block, DuplicateFieldKeyBlock):
        names = ", ".join(sorted(block.duplicate_keys))
        diagnostics.error(file, line, f"{what} gives the field {names} twice", "keep one of them; the entry is left out until then")
        return
    reason = (getattr(block.error, "abort_reason", None) or str(block.error) or "syntax error").strip()
    diagnostics.error(
        file,
        line,
        f"broken BibTeX in {what}: {reason}",
        "every field is written name = {value}, fields are separated by commas and braces must "
        "balance; the entry is left out until it is fixed",
    )


def parse_bibtex(text: str, file: str, diagnostics: Diagnostics) -> list[Record]:
    """The entries of a ``.bib`` file as Records; broken entries are reported and skipped.

    Duplicate keys are returned as they are: the Library reports them with both places.
    """
    parsed = bibtexparser.parse_string(text, parse_stack=[])
    macros: dict[str, str] = {}
    records: list[Record] = []
    for block in parsed.blocks:
        if isinstance(block, DuplicateBlockKeyBlock):
            # The duplicate itself is fine BibTeX: a redefined @string wins from here on
            # (as in BibTeX), a repeated entry key is the Library's to report.
            block = block.ignore_error_block
        if isinstance(block, String):
            macros[block.key.lower()] = _resolve(block.value, macros)[0]
        elif isinstance(block, Entry):
            record = _entry_record(block, macros, file, diagnostics)
            if record is not None:
                records.append(record)
        elif isinstance(block, ParsingFailedBlock):
            _report_failed(block, file, diagnostics)
    return records


def _entry_record(entry: Entry, macros: dict[str, str], file: str, diagnostics: Diagnostics) -> Record | None:
    line = entry.start_line + 1 if entry.start_line is not None else None
    fields = _Fields(entry, macros, file, diagnostics)
    data, sources = _entry_data(entry, fields)
    record, problems = parse_record(data)
    for problem in problems:
        name = str(problem.path[0]) if problem.path else ""
        source = sources.get(name)
        diagnostics.error(
            file,
            (fields.line(source) if source else None) or line,
            f"@{entry.entry_type} '{entry.key}', {f'field {source!r}' if source else 'key'}: {problem.detail}",
            "fix it or remove the field; the entry is left out of the library until then",
        )
    return record.at(Origin(file, line)) if record is not None else None
