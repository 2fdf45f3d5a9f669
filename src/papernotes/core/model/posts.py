"""Posts: a Markdown file with YAML frontmatter, read and validated.

`read_post` turns the bytes of one file into a `Post` and reports every
problem with the line the writer has to fix. It never raises on bad input and
never writes to the file: the caller decides what a broken post means.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union

from frontmatter.default_handlers import YAMLHandler
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator
from slugify import slugify

from ..diagnostics import Diagnostics, did_you_mean
from ..digest import hash_bytes
from .fieldproblems import field_hint, meta_problems
from .postrecords import frontmatter_records
from .headings import title_from_heading
from .records import Record, comma_list
from ..sources.yamlerrors import folded_items, tex_in_double_quotes
from ..sources.yamlsource import LoadedYaml, YamlSyntaxError, load_yaml, source_text

EXCERPT_SEPARATOR = "<!-- more -->"
# Only blanks may follow '---' on its line: python-frontmatter's `\s*` also eats
# the newline of a following blank line, which shifted every line number by one.
_FRONTMATTER = YAMLHandler(fm_boundary=re.compile(r"^-{3,}[^\S\n]*$", re.MULTILINE))
_SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class DateRange(BaseModel):
    """Material's date form: ``date: {created: ..., updated: ...}``.

    Material also lets a post name other dates of its own there (kept, not shown).
    """

    model_config = ConfigDict(extra="allow")
    created: dt.datetime
    updated: dt.datetime | None = None

    @model_validator(mode="after")
    def _custom_dates(self) -> "DateRange":
        for key, value in (self.model_extra or {}).items():
            # A misspelt 'updated' would lose the date: that is an error, not a date of one's own.
            if not isinstance(_to_datetime(value), dt.datetime) or did_you_mean(key, ("created", "updated")):
                raise ValueError(f"'{key}' in 'date' is not a date")
        return self


class PostFrontmatter(BaseModel):
    """What a writer may put in a post's frontmatter (SPEC section 1).

    The same model validates posts, documents them in the editor schema and
    names the keys for "did you mean" hints.
    """

    model_config = ConfigDict(extra="ignore", title="papernotes post frontmatter")

    title: str = Field(min_length=1, description="The post's title; without it, the first '# heading' of the text.")
    date: Union[dt.datetime, DateRange] = Field(
        description="Required: a date (2024-06-12), a datetime, or {created: ..., updated: ...}."
    )
    description: str | None = Field(None, description="One line for listings, feeds and link previews.")
    authors: list[str] = Field(default_factory=list, description="Author ids from docs/authors.yml.")
    tags: list[str] = Field(default_factory=list, description="Topics of the post.")
    categories: list[str] = Field(default_factory=list, description="Material blog categories; count as tags.")
    draft: bool = Field(False, description="Drafts are shown by `mkdocs serve` and left out of `mkdocs build`.")
    slug: str | None = Field(None, description="The last part of the post's URL; default from the title.")
    papers: list[Union[str, Record]] = Field(
        default_factory=list, description="Papers the post reviews: keys, or records with `arxiv:` etc."
    )
    takeaways: list[str] = Field(default_factory=list, description="Key takeaways, Markdown; may cite.")
    bibliography: list[Union[str, Record]] = Field(
        default_factory=list, description="What the body cites: records, or .bib files relative to the post."
    )
    image: str | None = Field(
        None, description="The link-preview image: an http(s) URL, or a path inside docs/ (assets/card.png)."
    )
    readtime: int | None = Field(None, ge=0, description="Reading time in minutes; default computed.")
    pin: bool = Field(False, description="Pinned posts come first in listings.")
    # Material page keys, passed through to the theme unchanged.
    hide: list[Literal["navigation", "toc", "footer", "path", "tags", "feedback"]] = Field(default_factory=list)
    search: dict[str, Any] | None = None
    template: str | None = None
    icon: str | None = None
    status: str | None = None
    subtitle: str | None = None
    comments: bool | None = None
    links: Any = Field(None, description="Material's related links: accepted, not shown by papernotes.")

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        return _to_datetime(value) if isinstance(value, (dt.date, str)) else value

    @field_validator("title", "description", "slug", "subtitle", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        # `title: 1984` is text to the writer, as it is in records.
        return _number_as_text(value)

    @field_validator("authors", "tags", "categories", mode="before")
    @classmethod
    def _string_list(cls, value: Any, info: ValidationInfo) -> Any:
        # `tags: LLM` is a one-item list to a writer; `tags: [2024]` is a topic; `tags: a, b`
        # (Jekyll's and Hugo's way, and the library's) is two.
        if isinstance(value, list):
            return [_number_as_text(v) for v in value]
        if isinstance(value, str):
            return comma_list(value) if info.field_name != "authors" else [value]
        return value

    @field_validator("tags", "categories")
    @classmethod
    def _no_empty(cls, value: list[str]) -> list[str]:
        return [v.strip() for v in value if v.strip()]

    @field_validator("image")
    @classmethod
    def _image(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value) and not re.match(r"^https?://", value, re.IGNORECASE):
            raise ValueError(f"image '{value}' must be an http(s) URL or a path inside docs/, like assets/card.png")
        return value

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str | None) -> str | None:
        if value is not None and not _SLUG_RE.match(value):
            raise ValueError(f"slug '{value}' may only hold the letters a to z, digits, '.', '_' and '-' (no accents or spaces), and start with a letter or digit")
        return value


FRONTMATTER_KEYS: tuple[str, ...] = tuple(PostFrontmatter.model_fields)


def title_slug(title: str) -> str:
    """The URL slug a post gets from its title when it sets no `slug:`."""
    return slugify(title, max_length=80, word_boundary=True) or "post"


def _number_as_text(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return source_text(value)
    return value


def _to_datetime(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return value
    return value


@dataclass
class Post:
    """One post as read from disk; rendering fills in the rest later."""

    path: str  # as shown in messages, e.g. docs/posts/2024-06-12-moa.md
    src_uri: str  # relative to docs_dir
    meta: PostFrontmatter
    body: str
    body_line: int  # line of the file where `body` starts
    frontmatter: LoadedYaml
    frontmatter_text: str = ""  # as written: an edit that leaves it alone changes only the body
    papers: list[Record] = field(default_factory=list)
    bibliography: list[Record] = field(default_factory=list)
    bib_files: list[tuple[str, int | None]] = field(default_factory=list)  # (path as written, line)
    _cited: list[str] | None = field(default=None, repr=False)

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def created(self) -> dt.datetime:
        date = self.meta.date
        return date.created if isinstance(date, DateRange) else date

    @property
    def updated(self) -> dt.datetime | None:
        date = self.meta.date
        return date.updated if isinstance(date, DateRange) else None

    @property
    def draft(self) -> bool:
        return self.meta.draft

    @property
    def slug(self) -> str:
        return self.meta.slug or title_slug(self.meta.title)

    @property
    def tag_names(self) -> list[str]:
        """Tags and Material's categories, in the order written."""
        return list(dict.fromkeys([*self.meta.tags, *self.meta.categories]))

    def replace_body(self, body: str) -> None:
        """Take the text of an edit that left the frontmatter as it was (`mkdocs serve`'s quick rebuilds)."""
        self.body = body
        self._cited = None

    def cited_keys(self) -> list[str]:
        """Every key its body and takeaways cite (a scan of the source; see `citations.cited_keys`)."""
        if self._cited is None:
            from ..citations import cited_keys

            self._cited = cited_keys(citation_source(self))
        return self._cited

    @property
    def excerpt_source(self) -> str | None:
        """The Markdown before ``<!-- more -->``, or None when there is no separator."""
        head, sep, _ = self.body.partition(EXCERPT_SEPARATOR)
        return head if sep else None

    def line_of(self, *path: Any) -> int | None:
        return self.frontmatter.line_of(path)


def citation_source(post: Post, body: str | None = None) -> str:
    """The Markdown a post's citations are found in: its body, then its takeaways."""
    return (post.body if body is None else body) + "\n".join(post.meta.takeaways)


class ParsedPosts:
    """Posts as `read_post` read them last time, by their bytes, kept in one file between builds.

    Reading thousands of posts (YAML, validation, the scan for citations) is
    most of loading a site that has not changed; a stored post is used when
    its file, its address and papernotes' code are the same. The file is
    papernotes' own (`.cache/papernotes`), trusted as the project's other
    files are; anything unreadable there means reading the posts again.
    """

    def __init__(self, folder: str | os.PathLike[str] | None) -> None:
        from ..cache import code_stamp

        self.path = Path(folder, f"posts-py{sys.version_info[0]}{sys.version_info[1]}.pickle") if folder else None
        self._stamp = repr(code_stamp()).encode()
        self._old: dict[str, bytes] = {}
        self._new: dict[str, bytes] = {}
        if self.path is not None:
            from ..cache import read_sealed

            data = read_sealed(self.path)  # checked: a damaged file is never unpickled
            try:
                stored = pickle.loads(data) if data is not None else None
                if isinstance(stored, dict):
                    self._old = stored
            except Exception:  # from other code: read the posts again
                pass

    def read(self, raw: bytes, path: str, src_uri: str, diagnostics: Diagnostics) -> Post | None:
        """`read_post`, or the post it gave last time for the same bytes."""
        key = hash_bytes(b"\0".join([self._stamp, path.encode(), src_uri.encode(), raw]))
        blob = self._old.get(key)
        if blob is not None:
            try:
                post, found = pickle.loads(blob)
            except Exception:
                blob = None
        if blob is None:
            local = Diagnostics()
            post = read_post(raw, path, src_uri, local)
            found = list(local)
            if post is not None:
                post.cited_keys()  # stored with the post
            try:
                blob = pickle.dumps((post, found), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # a value pickle cannot take: this post is simply read every time
                blob = None
        if blob is not None:
            self._new[key] = blob
        diagnostics.extend(found)
        return post

    def save(self) -> None:
        """Keep the posts read this time (only them) for the next build; a failure costs only that."""
        if self.path is not None and self._new.keys() != self._old.keys():
            from ..cache import write_sealed

            write_sealed(self.path, pickle.dumps(self._new, protocol=pickle.HIGHEST_PROTOCOL))


def read_post(raw: bytes, path: str, src_uri: str, diagnostics: Diagnostics) -> Post | None:
    """Read one post; report problems into `diagnostics`; None when it cannot be used."""
    text = decode_source(raw, path, diagnostics)
    if text is None:
        return None
    if not text.strip():
        diagnostics.error(path, 1, "the file is empty", "start it with frontmatter: ---, title: ..., date: ..., ---")
        return None
    if not _FRONTMATTER.detect(text):
        diagnostics.error(
            path, 1, "a post must start with YAML frontmatter",
            "put '---' on the first line, then 'title:' and 'date:', then '---'",
        )
        return None
    try:
        _, fm_text, body = _FRONTMATTER.FM_BOUNDARY.split(text, 2)
    except ValueError:
        diagnostics.error(path, 1, "the frontmatter is not closed", "end it with a line holding only '---'")
        return None
    # The split keeps the newline after each '---': the frontmatter text starts
    # on line 1 of the file, and the body on the line of the closing '---'.
    body_line = 1 + fm_text.count("\n")
    try:
        loaded = load_yaml(fm_text, first_line=1)
    except YamlSyntaxError as exc:
        diagnostics.error(
            path, exc.line, f"broken YAML in the frontmatter: {exc.problem}",
            exc.hint or ("indent with spaces: YAML does not allow tabs" if "\\t" in exc.problem else
                         "check indentation and quoting; quote values containing ': ' or starting with [ { @ ` *"),
        )
        return None
    data = loaded.data if loaded.data is not None else {}
    if not isinstance(data, dict):
        diagnostics.error(path, 1, "the frontmatter must be a mapping of keys, like 'title: ...'")
        return None
    for line, joined in folded_items(loaded.text, loaded.folded):
        diagnostics.warning(
            path, line, f"this '- ' line was joined to the value on line {joined}, because it is indented further than the line above",
            "write each item as '- text', every '-' in the same column, starting on the line after the key; "
            "quote the value if the '-' is part of the text",
        )
    for line, command, made in tex_in_double_quotes(loaded.text, loaded.quoted):
        diagnostics.warning(
            path, line, f"'\\{command}' in double quotes: YAML reads '\\{command[0]}' as {made}, so the text loses it",
            "quote the value with single quotes ('...'), where a backslash stays a backslash, or write two backslashes",
        )
    for key_path, first, second in loaded.duplicates:
        diagnostics.warning(
            path, second, f"'{key_path[-1]}' is written twice (lines {first} and {second}); the second wins",
            "remove one of them",
        )
    post = _validate(data, loaded, body, body_line, path, src_uri, diagnostics)
    if post is not None:
        post.frontmatter_text = fm_text
    return post


def decode_source(raw: bytes, path: str, diagnostics: Diagnostics) -> str | None:
    """A writer's file as text; None, with the line of the first byte that is not UTF-8, when it is not."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        diagnostics.error(
            path, line, f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x} cannot be decoded)",
            "save it as UTF-8 in your editor",
        )
        return None


def _validate(
    data: dict[str, Any], loaded: LoadedYaml, body: str, body_line: int,
    path: str, src_uri: str, diagnostics: Diagnostics,
) -> Post | None:
    for key in data:
        if key not in FRONTMATTER_KEYS:
            diagnostics.warning(
                path, loaded.line_of((key,)), f"unknown frontmatter key '{key}'",
                did_you_mean(str(key), FRONTMATTER_KEYS) or f"known keys: {', '.join(FRONTMATTER_KEYS[:12])}, ...",
            )
    data = {k: v for k, v in data.items() if k in FRONTMATTER_KEYS}
    body = title_from_heading(data, loaded.lines, body, body_line)
    ok = True

    papers, papers_ok = frontmatter_records(data.pop("papers", []), "papers", loaded, path, diagnostics, PostFrontmatter.model_fields, allow_files=False)
    bibliography, bib_ok = frontmatter_records(
        data.pop("bibliography", []), "bibliography", loaded, path, diagnostics, PostFrontmatter.model_fields, allow_files=True
    )
    ok = papers_ok and bib_ok

    try:
        meta = PostFrontmatter.model_validate(data)
    except ValidationError as exc:
        for problem in meta_problems(exc, data, DateRange.model_fields):
            line = 1 if problem.message.startswith("missing") else loaded.line_of(problem.path, 1)
            diagnostics.error(path, line, problem.message, field_hint(problem.path, PostFrontmatter.model_fields))
        return None
    if not ok:
        return None
    if meta.links:
        diagnostics.info(path, loaded.line_of(("links",)), "'links' (Material's related links) are not shown by papernotes",
                         "link them from the text instead")

    post = Post(path=path, src_uri=src_uri, meta=meta, body=body, body_line=body_line, frontmatter=loaded)
    post.papers = [r for r, _ in papers]
    post.bibliography = [r for r, _ in bibliography if isinstance(r, Record)]
    post.bib_files = [(r, line) for r, line in bibliography if isinstance(r, str)]
    meta.papers = list(post.papers)
    meta.bibliography = [r for r, _ in bibliography]
    _check_duplicate_keys(post, diagnostics)
    return post


def _check_duplicate_keys(post: Post, diagnostics: Diagnostics) -> None:
    seen: dict[str, int | None] = {}
    for index, record in enumerate(post.bibliography):
        key = record.key
        line = post.line_of("bibliography", _index_in_meta(post, record))
        if key in seen:
            diagnostics.error(
                post.path, line,
                f"citation key '{key}' is defined twice in this post (lines {seen[key]} and {line})",
                "give each bibliography entry its own id",
            )
        else:
            seen[key] = line


def _index_in_meta(post: Post, record: Record) -> int:
    for index, item in enumerate(post.meta.bibliography):
        if item is record:
            return index
    return 0
