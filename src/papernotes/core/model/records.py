"""Paper and reference records, and what makes two of them the same paper.

A record is what a writer puts in a post's ``bibliography`` or ``papers``, or
what a library file holds. It is validated by pydantic; identifiers are
normalised on the way in so that ``arXiv:2309.17453v2``, the abs URL and the
bare id are one paper (SPEC section 1, "A paper or reference record").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Protocol

from slugify import slugify
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from ..views.sanitize import xml_text
from ..sources.yamlsource import source_text

# Letters and digits at both ends, `_-:.+/` allowed inside (SPEC section 1).
KEY_PATTERN = r"[A-Za-z0-9](?:[A-Za-z0-9_\-:.+/]*[A-Za-z0-9])?"
KEY_RE = re.compile(KEY_PATTERN)

# YYMM.NNNNN; ids from 2015 on have five digits after the dot, older ones four
# (checked in normalize_arxiv), so a number that lost a trailing zero is refused.
_NEW_ARXIV = r"\d\d(?:0[1-9]|1[0-2])\.\d{4,5}"
_OLD_ARXIV = r"[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}"
_ARXIV_RE = re.compile(
    r"^(?:(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/|arxiv:\s*)?"
    rf"(?P<id>{_NEW_ARXIV}|{_OLD_ARXIV})(?:v\d+)?(?:\.pdf)?/?$",
    re.IGNORECASE,
)
_UNSAFE_IN_PATH = re.compile(r"[^A-Za-z0-9._+-]")
_DOI_RE = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)?(?P<doi>10\.\d{4,9}/\S+)$", re.IGNORECASE)


def normalize_arxiv(value: Any) -> str:
    """The canonical arXiv id (no prefix, no version) of any accepted form.

    Raises ValueError for anything that is not an arXiv id.
    """
    text = source_text(value).strip()
    match = _ARXIV_RE.match(text)
    if not match:
        raise ValueError(
            f"'{text}' is not an arXiv id (write it like 2309.17453, arXiv:2309.17453v2, "
            "an arxiv.org abs/pdf URL, or hep-th/9901001)"
        )
    ident = match.group("id")
    if "/" not in ident and len(ident) != (10 if ident[:4] >= "1501" else 9):
        raise ValueError(
            f"'{text}' is not an arXiv id: ids from 2015 on have five digits after the dot "
            "(2309.17453), older ones four (1412.6980)"
        )
    # Old-style archive names are lowercase; the subject class stays as written.
    if "/" in ident:
        archive, number = ident.split("/")
        head, dot, subject = archive.partition(".")
        ident = f"{head.lower()}{dot}{subject.upper()}/{number}"
    return ident


def normalize_doi(value: Any) -> str:
    """A DOI without resolver prefix, lowercased (DOIs are case-insensitive)."""
    text = source_text(value).strip()
    match = _DOI_RE.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a DOI (write it like 10.1000/xyz123 or https://doi.org/10.1000/xyz123)")
    return match.group("doi").lower()


def check_link(value: Any) -> str:
    """Only http(s) links reach a page: `javascript:` and friends are refused."""
    text = str(value).strip()
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", text, re.IGNORECASE):
        raise ValueError(f"'{text}' is not an http(s) link; only http:// and https:// links are accepted")
    return text


def split_authors(value: Any) -> list[str]:
    """Authors as a list; a single BibTeX-style string is split on ' and '."""
    if value is None:
        return []
    if isinstance(value, str):
        parts = re.split(r"\s+and\s+", value.strip()) if value.strip() else []
    elif isinstance(value, (list, tuple)):
        parts = value
    else:
        raise ValueError("authors must be a list of names, like [Ada Lovelace, 'Turing, Alan']")
    names = []
    for part in parts:
        if not isinstance(part, str):
            raise ValueError(f"author {part!r} is not a name; write each author as a string")
        if part.strip():
            names.append(" ".join(part.split()))
    return names


def comma_list(text: str) -> list[str]:
    """`a, b` as two items, the way Jekyll, Hugo and CSV files write tags; blanks around and empty items go."""
    return [part.strip() for part in text.split(",") if part.strip()]


# A generational suffix after a comma: 'King, Jr.' is a name and its suffix, not 'Last, First'.
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"})


def name_parts(name: str) -> tuple[str, str, str] | None:
    """(first, last, suffix) of a name written with commas: 'Last, First', 'Last, Jr, First' (BibTeX's forms) or 'First Last, Jr.'.

    None for a name without a comma, which reads and cites as it is written.
    """
    parts = [part.strip() for part in name.split(",")]
    if len(parts) == 2 and parts[1].lower() in SUFFIXES:
        first, _, last = parts[0].rpartition(" ")
        return first, last, parts[1]
    if len(parts) == 2:
        return parts[1], parts[0], ""
    if len(parts) == 3 and parts[2].lower() in SUFFIXES and parts[1].lower() not in SUFFIXES:
        return parts[1], parts[0], parts[2]  # 'Smith, John, Jr.', as Chicago writes it
    if len(parts) == 3:
        return parts[2], parts[0], parts[1]
    return None


def family_name(name: str) -> str:
    """The family name BibTeX would read (a citation key's word): 'King' of 'Martin Luther King, Jr.'."""
    parts = name_parts(name)
    return parts[1] if parts is not None else (name.split() or [""])[-1]


def display_name(name: str) -> str:
    """A name as text reads it: 'Last, First' as 'First Last', 'Last, Jr, First' as 'First Last, Jr'; 'others' (BibTeX) stays."""
    parts = name_parts(name)
    if parts is None:
        return name
    first, last, suffix = parts
    return " ".join(part for part in (first, last) if part) + (f", {suffix}" if suffix else "")


def key_word(text: str) -> str:
    """Letters and digits in lower-case ASCII, for a citation key classic BibTeX reads (Strauß: strauss; 李: li)."""
    return slugify(text, separator="")


@dataclass(frozen=True)
class Origin:
    """Where a record was written: shown in duplicate-key messages."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


class Record(BaseModel):
    """One paper or reference, as written by the writer (SPEC section 1)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_assignment=False)

    id: str | None = Field(None, description="Citation key: letters, digits and _-:.+/ inside.")
    title: str | None = Field(None, description="Title, plain text.")
    authors: list[str] = Field(default_factory=list, description="'First Last' or 'Last, First' strings.")
    year: int | None = Field(None, description="Year of publication.")
    venue: str | None = Field(None, description="Journal, conference or 'arXiv preprint'.")
    arxiv: str | None = Field(None, description="arXiv id, 'arXiv:' form, or an arxiv.org abs/pdf URL.")
    doi: str | None = Field(None, description="DOI, bare or as a doi.org URL.")
    url: str | None = Field(None, description="http(s) link to the paper or reference.")
    pdf: str | None = Field(None, description="http(s) link to a PDF.")
    code: str | None = Field(None, description="http(s) link to the code.")
    abstract: str | None = Field(None, description="The paper's abstract, plain text.")
    tags: list[str] = Field(default_factory=list, description="Topics of the paper.")
    note: str | None = Field(None, description="The post's one-line verdict on the paper (Markdown).")
    text: str | None = Field(None, description="A complete free-text reference, shown as written.")

    _origin: Origin | None = PrivateAttr(default=None)

    @field_validator("id", mode="before")
    @classmethod
    def _key(cls, value: Any) -> Any:
        if value is None:
            return None
        text = source_text(value).strip()
        if not KEY_RE.fullmatch(text):
            raise ValueError(
                f"'{text}' is not a valid citation key: use letters and digits, with _-:.+/ allowed inside"
            )
        return text

    @field_validator("title", "venue", "abstract", "note", "text", mode="before")
    @classmethod
    def _plain(cls, value: Any) -> Any:
        # Titles like 1984 or True are still text to the writer.
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return source_text(value)
        # A .bib, JSON or CSV value pasted from a terminal or a PDF: its control characters go.
        return xml_text(value) if isinstance(value, str) else value

    @field_validator("authors", mode="before")
    @classmethod
    def _authors(cls, value: Any) -> list[str]:
        return [xml_text(name) if isinstance(name, str) else name for name in split_authors(value)]

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, value: Any) -> Any:
        return comma_list(value) if isinstance(value, str) else value

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, value: Any) -> Any:
        if isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value):
            return int(value)
        return value

    @field_validator("arxiv", mode="before")
    @classmethod
    def _arxiv(cls, value: Any) -> Any:
        return None if value in (None, "") else normalize_arxiv(value)

    @field_validator("doi", mode="before")
    @classmethod
    def _doi(cls, value: Any) -> Any:
        return None if value in (None, "") else normalize_doi(value)

    @field_validator("url", "pdf", "code", mode="before")
    @classmethod
    def _link(cls, value: Any) -> Any:
        return None if value in (None, "") else check_link(value)

    # -- identity -----------------------------------------------------------

    @property
    def origin(self) -> Origin | None:
        return self._origin

    def at(self, origin: Origin) -> "Record":
        """Remember where this record was written (returns self for chaining)."""
        self._origin = origin
        return self

    @property
    def identity(self) -> str:
        """What makes two records the same paper: arXiv id, else DOI, else key."""
        if self.arxiv:
            return f"arxiv:{self.arxiv}"
        if self.doi:
            return f"doi:{self.doi}"
        return f"key:{self.id}"

    @property
    def key(self) -> str:
        """The citation key, or the arXiv form when the writer gave no key."""
        if self.id:
            return self.id
        if self.arxiv:
            return f"arxiv:{self.arxiv}"
        if self.doi:
            return f"doi:{self.doi}"
        return ""

    @property
    def page_id(self) -> str:
        """The ``papers/ID/`` part of this paper's page: arXiv id, else the key."""
        ident = self.arxiv or self.id or (self.doi or "")
        # A DOI may hold anything (`?`, `#`, `%`, `<`): a folder name that is also a working link.
        return _UNSAFE_IN_PATH.sub("-", ident)

    @property
    def label(self) -> str:
        """A title to show, even for a record that has none."""
        if self.title:
            return self.title
        if self.text:
            return self.text
        if self.arxiv:
            return f"arXiv:{self.arxiv}"
        if self.doi:
            return f"doi:{self.doi}"
        return self.id or "Untitled"

    def merged_with(self, override: "Record") -> "Record":
        """This record with every field the override set explicitly taking its place.

        Both were validated when made, and validating a valid value gives it
        back unchanged, so the merge is not validated again (thousands of
        merges per build); every field counts as set, as after validation.
        """
        data = self.model_dump()
        data.update({name: _copied(getattr(override, name)) for name in override.model_fields_set})
        merged = Record.model_construct(_fields_set=set(data), **data)
        merged._origin = override._origin or self._origin
        return merged


def _copied(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


@dataclass(frozen=True)
class FieldProblem:
    """One validation problem, located by its path inside the record."""

    path: tuple[Any, ...]
    message: str

    @property
    def field(self) -> str:
        """The dotted path of the field (``authors.1``), or "" for the record itself."""
        return ".".join(str(part) for part in self.path)

    @property
    def detail(self) -> str:
        """The message without the field name some messages start with."""
        prefix = f"'{self.field}': "
        return self.message[len(prefix) :] if self.message.startswith(prefix) else self.message


def record_problems(exc: ValidationError) -> list[FieldProblem]:
    """pydantic's errors as short sentences a writer understands."""
    problems = []
    for err in exc.errors():
        path = tuple(err.get("loc", ()))
        kind = err.get("type", "")
        name = ".".join(str(p) for p in path) or "record"
        if kind == "extra_forbidden":
            message = f"unknown field '{path[-1]}'"
        elif kind == "missing":
            message = f"missing required field '{name}'"
        elif kind == "value_error":
            message = str(err.get("ctx", {}).get("error", err.get("msg")))
        else:
            message = f"'{name}': {err.get('msg', 'invalid value')}"
        problems.append(FieldProblem(path, message))
    return problems


RECORD_FIELDS: tuple[str, ...] = tuple(Record.model_fields)


def parse_record(data: Any) -> tuple[Record | None, list[FieldProblem]]:
    """Validate one mapping as a Record; never raises on bad input."""
    if not isinstance(data, dict):
        return None, [FieldProblem((), "a record must be a mapping of fields (id, title, authors, ...)")]
    try:
        return Record.model_validate(data), []
    except ValidationError as exc:
        return None, record_problems(exc)


def first_authors(names: Iterable[str], limit: int = 3) -> tuple[list[str], bool]:
    """Up to `limit` display names, and whether 'et al.' should follow."""
    names = [n for n in names]
    shown = [display_name(n) for n in names if n.lower() != "others"]
    more = len(shown) > limit or any(n.lower() == "others" for n in names)
    return shown[:limit], more


class LibraryLike(Protocol):
    """What citations, papers and `papernotes new` need of the site's library (`library.Library`)."""

    def get(self, key: str) -> Record | None: ...

    def by_arxiv(self, arxiv_id: str) -> Record | None: ...

    def by_identity(self, identity: str) -> Record | None: ...
