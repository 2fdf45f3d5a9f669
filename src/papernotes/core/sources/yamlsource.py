"""YAML that remembers where things were written.

Frontmatter and library files are parsed once into plain Python data plus a
map from each path (``("papers", 1, "title")``) to its line in the file, so
every later message can point at the line the writer has to fix.

Numbers keep their source text: YAML reads ``arxiv: 2305.18290`` as the float
``2305.1829``; `SourceFloat` remembers ``"2305.18290"`` so identifiers survive.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import yaml
from yaml.constructor import SafeConstructor
from yaml.error import Mark
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..views.sanitize import BIDI_CONTROLS, xml_chars, xml_text
from .yamlerrors import explain

Path = tuple[Any, ...]
_NOT_PLAIN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


class _Sourced:
    """A number that remembers how it was written (``007`` stays ``007``, ``1e3`` stays ``1e3``)."""

    source: str

    def __new__(cls, value: Any, source: str) -> Any:
        obj = super().__new__(cls, value)  # type: ignore[call-arg]
        obj.source = source
        return obj

    def __reduce__(self) -> tuple:  # posts are kept between builds with pickle
        number = type(self).__bases__[-1]  # int or float
        return (type(self), (number(self), self.source))


class SourceFloat(_Sourced, float):
    pass


class SourceInt(_Sourced, int):
    pass


def source_text(value: Any) -> str:
    """The text a scalar was written as: numbers keep their digits."""
    return getattr(value, "source", None) or str(value)


class _Loader(yaml.SafeLoader):
    pass


def _float(loader: SafeConstructor, node: ScalarNode) -> float:
    return SourceFloat(loader.construct_yaml_float(node), node.value)


def _int(loader: SafeConstructor, node: ScalarNode) -> int:
    return SourceInt(loader.construct_yaml_int(node), node.value)


def _str(loader: SafeConstructor, node: ScalarNode) -> str:
    # A terminal paste's colour codes and control characters mean nothing in a title or a tag;
    # a right-to-left override must not run on past it.
    text = loader.construct_yaml_str(node)
    return xml_text(text) if _NOT_PLAIN.search(text) or BIDI_CONTROLS.search(text) else text


def _timestamp(loader: SafeConstructor, node: ScalarNode) -> Any:
    # `date: 2024-02-30` looks like a date but is none: keep the text, so the
    # field's own check reports it with its line instead of the parser crashing.
    try:
        return loader.construct_yaml_timestamp(node)
    except (ValueError, OverflowError):
        return node.value


# libyaml's parser, when PyYAML was built with it, is several times faster: it
# parses well-formed text (a thousand posts' frontmatter); anything it rejects
# is parsed again by the pure-Python loader, whose messages papernotes reports.
_CLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        pass


for _cls in (_Loader, _CLoader):
    if _cls is not None:
        _cls.add_constructor("tag:yaml.org,2002:float", _float)
        _cls.add_constructor("tag:yaml.org,2002:int", _int)
        _cls.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
        _cls.add_constructor("tag:yaml.org,2002:str", _str)


class YamlSyntaxError(Exception):
    """Broken YAML, with the line in the file where the parser gave up."""

    def __init__(self, line: int | None, problem: str, hint: str | None = None) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem
        self.hint = hint  # how to fix it, when the usual advice on quoting and indentation does not apply


# What one file may make a build hold. An alias (`*a`) repeats the whole value
# its anchor wrote, so ten short lines of aliases of aliases stand for billions
# of values (the "billion laughs"); every later step (checks, cache keys,
# pages) would walk them all. Writers' files nest a few levels deep.
MAX_ALIAS_VALUES = 100_000
MAX_DEPTH = 100
_TOO_DEEP = f"values are nested more than {MAX_DEPTH} levels deep"
_FLATTEN = "flatten the structure: frontmatter and library records need only a few levels"


def _depth_line(text: str, line_of: Callable[[Mark], int], loader: type) -> int | None:
    """The line where `text` first nests deeper than `MAX_DEPTH`, read with an event parser (no recursion)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return line_of(event.start_mark)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        pass
    return None


@dataclass
class LoadedYaml:
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    duplicates: list[tuple[Path, int, int]] = field(default_factory=list)
    folded: list[tuple[int, int]] = field(default_factory=list)  # (first, last) lines of plain values over several lines
    quoted: list[tuple[int, int, int]] = field(default_factory=list)  # (line, start, end) in `text` of "..." values with a backslash
    text: str = ""  # what was parsed: the file's text without its control characters, which `quoted` indexes

    def line_of(self, path: Path, default: int | None = None) -> int | None:
        """The line of `path`, or of its nearest written ancestor."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), default)


def load_yaml(text: str, first_line: int = 1) -> LoadedYaml:
    """Parse `text` (which starts at `first_line` of its file) with line tracking."""
    # YAML refuses a file holding a control character, even in a comment: one pasted from a
    # terminal or a PDF goes, as from a post's body (colour codes whole, a page break as a space).
    if _NOT_PLAIN.search(text):
        text = xml_chars(text)
    # libyaml's marks count characters differently around U+0085/U+2028/U+2029: leave those to Python.
    if _CLoader is not None and not any(char in text for char in "\x85\u2028\u2029"):
        fast = _CLoader(text)
        try:
            node = fast.get_single_node()
            data = fast.construct_document(node) if node is not None else None
        except yaml.YAMLError as exc:
            # libyaml stops at 1000 levels; the pure-Python scanner would take seconds to get there.
            if "maximum nesting depth" in str(exc):
                line_of = _editor_lines(text, first_line)
                mark = getattr(exc, "problem_mark", None)
                line = _depth_line(text, line_of, _CLoader) or (line_of(mark) if mark is not None else None)
                raise YamlSyntaxError(line, _TOO_DEEP, _FLATTEN) from None
        except Exception:  # noqa: BLE001 - reported below, as the pure-Python loader words it
            pass
        else:
            return _walked(data, node, _editor_lines(text, first_line), text)
        finally:
            fast.dispose()
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        raise YamlSyntaxError(*explain(exc, text, _editor_lines(text, first_line))) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(None, str(exc)) from None
    except RecursionError:
        raise YamlSyntaxError(_depth_line(text, _editor_lines(text, first_line), _Loader), _TOO_DEEP, _FLATTEN) from None
    except Exception as exc:  # noqa: BLE001 - PyYAML's constructors raise anything on odd input
        # An explicit tag on a value it cannot hold, like `!!int abc` or `!!int ''`.
        raise YamlSyntaxError(None, f"a value cannot be read: {exc}") from None
    finally:
        loader.dispose()
    return _walked(data, node, _editor_lines(text, first_line), text)


def _editor_lines(text: str, first_line: int) -> Callable[[Mark], int]:
    """A mark's line as an editor counts it: YAML also breaks lines at U+0085, U+2028 and U+2029."""
    if not any(char in text for char in "\x85\u2028\u2029"):
        return lambda mark: mark.line + first_line
    starts = [match.end() for match in re.finditer(r"\r\n|\r|\n", text)]
    return lambda mark: bisect.bisect_right(starts, mark.index) + first_line


def _walked(data: Any, root: Node | None, line_of: Callable[[Mark], int], text: str) -> LoadedYaml:
    """`data` with the lines of everything in it; refused when nested too deep or when its aliases expand too far.

    Construction keeps an alias as the very object its anchor made, so `data`
    is no larger than the text; what would expand it (checks, cache keys,
    pages) comes later, after this count.
    """
    loaded = LoadedYaml(data, text=text)
    if root is not None:
        walk = _Walk(line_of, loaded)
        total = walk.node(root, ())
        if total - len(walk.sizes) > MAX_ALIAS_VALUES:
            # The anchor to blame: of the values used more than once, the largest.
            culprit = max(walk.reused.values(), key=lambda found: walk.sizes[id(found)] or 0)
            raise YamlSyntaxError(
                line_of(culprit.start_mark),
                f"aliases ('*name') of the value anchored on this line expand to more than {MAX_ALIAS_VALUES:,} values",
                "write the values out, or use fewer aliases of aliases",
            )
    return loaded


class _Walk:
    """One pass over the composed nodes: lines, repeated keys, and the size of each node with aliases expanded.

    An alias (`*a`) is the very node its anchor wrote, maybe an enclosing one:
    each node is walked once and its size remembered, so `&a [*a]` is caught,
    not recursed into forever, and an alias bomb is counted, never expanded.
    """

    def __init__(self, line_of: Callable[[Mark], int], out: LoadedYaml) -> None:
        self.line_of, self.out = line_of, out
        self.sizes: dict[int, int | None] = {}  # None while the node is being walked
        self.reused: dict[int, Node] = {}  # nodes met again through an alias

    def node(self, node: Node, path: Path) -> int:
        out, line_of = self.out, self.line_of
        out.lines.setdefault(path, line_of(node.start_mark))
        key = id(node)
        if key in self.sizes:
            size = self.sizes[key]
            if size is None:
                raise YamlSyntaxError(
                    line_of(node.start_mark), f"'{path[0]}' holds an alias ('*name') inside the value it names",
                    "a value cannot contain itself: write the inner value out",
                )
            self.reused[key] = node
            return size
        if len(path) >= MAX_DEPTH:
            raise YamlSyntaxError(line_of(node.start_mark), f"'{path[0]}': {_TOO_DEEP}", _FLATTEN)
        self.sizes[key] = None
        size = 1
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                name = key_node.value if isinstance(key_node, ScalarNode) else str(key_node.value)
                line = line_of(key_node.start_mark)
                child = path + (name,)
                if child in out.lines:
                    out.duplicates.append((child, out.lines[child], line))
                out.lines[child] = line
                size += 1 + self.node(value_node, child)
        elif isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                size += self.node(item, path + (index,))
        elif not node.style and node.end_mark.line > node.start_mark.line:  # plain: libyaml says "", PyYAML None
            out.folded.append((line_of(node.start_mark), line_of(node.end_mark)))
        elif node.style == '"' and node.end_mark.index > node.start_mark.index:
            out.quoted.append((line_of(node.start_mark), node.start_mark.index, node.end_mark.index))
        self.sizes[key] = size
        return size
