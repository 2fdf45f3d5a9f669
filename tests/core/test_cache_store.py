"""The on-disk store of post conversions (`papernotes.core.cache`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from papernotes.core.cache import CachedConversion, ConversionCache, fingerprint, stable
from papernotes.core.diagnostics import Diagnostic


def _entry(html: str = "<p>x</p>") -> CachedConversion:
    return CachedConversion(
        {"html": html}, lookups={"guide.md": ["guide/", False]}, logs=[("mkdocs.structure.pages", 30, "a warning")],
        diagnostics=[Diagnostic("warning", "docs/posts/a.md", 3, "unknown citation key 'x'", "a hint")],
    )


def test_put_then_get_round_trips(tmp_path: Path) -> None:
    cache = ConversionCache(tmp_path / "c", "ctx")
    key = cache.key("markdown", "posts/a/")
    cache.put(key, _entry())
    again = ConversionCache(tmp_path / "c", "ctx").get(key)
    assert again == _entry()


def test_the_context_and_every_part_change_the_key(tmp_path: Path) -> None:
    a = ConversionCache(tmp_path, "ctx-a")
    b = ConversionCache(tmp_path, "ctx-b")
    assert a.key("text", "url") != b.key("text", "url")
    assert a.key("text", "url") != a.key("text!", "url") != a.key("text", "url2")


def test_fingerprints_are_the_same_in_another_process() -> None:
    value = {"emoji_index": os.path.join, "b": {3, 1, 2}, "c": ("x", 1.5, None)}
    here = fingerprint(value)
    code = "import os; from papernotes.core.cache import fingerprint; print(fingerprint({'c': ('x', 1.5, None), 'b': {2, 3, 1}, 'emoji_index': os.path.join}))"
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert here == there


def test_stable_names_functions_instead_of_their_address() -> None:
    assert stable(os.path.join) == "posixpath.join" or stable(os.path.join).endswith(".join")
    assert "0x" not in json.dumps(stable([object(), os.path.join, type]))


def test_a_stale_lookup_is_a_miss(tmp_path: Path) -> None:
    cache = ConversionCache(tmp_path)
    cache.put("k" * 64, _entry())
    assert cache.get("k" * 64, lambda path: ["guide/", False]) is not None
    assert cache.get("k" * 64, lambda path: None) is None  # the linked page is gone
    assert cache.get("k" * 64, lambda path: ["guide.html", False]) is None  # it moved


def test_accept_can_refuse_an_entry(tmp_path: Path) -> None:
    cache = ConversionCache(tmp_path)
    cache.put("a" * 64, _entry())
    assert cache.get("a" * 64, accept=lambda entry: False) is None


@pytest.mark.parametrize("content", [b"", b"{", b"[]", b'{"format": 999, "payload": {}}', b'{"format": 1}', b"\xff\xfe"])
def test_damaged_or_foreign_entries_are_misses(tmp_path: Path, content: bytes) -> None:
    cache = ConversionCache(tmp_path)
    path = tmp_path / "ab" / ("ab" + "0" * 62 + ".json")
    path.parent.mkdir()
    path.write_bytes(content)
    assert cache.get("ab" + "0" * 62) is None


def test_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    cache = ConversionCache(tmp_path)
    for i in range(5):
        cache.put(cache.key(i), _entry(str(i)))
    names = [p.name for p in tmp_path.rglob("*") if p.is_file()]
    assert len(names) == 5 and not any(name.startswith(".tmp") for name in names)


def test_prune_keeps_what_this_build_used(tmp_path: Path) -> None:
    old = ConversionCache(tmp_path)
    for i in range(4):
        old.put(old.key(i), _entry())
    new = ConversionCache(tmp_path)
    assert new.get(new.key(0)) is not None
    assert new.get(new.key("fresh")) is None  # a new post: a miss, then stored
    new.put(new.key("fresh"), _entry())
    assert new.prune(expected=2) == 3
    assert sorted(p.stem for p in tmp_path.rglob("*.json")) == sorted([new.key(0), new.key("fresh")])


def test_prune_does_nothing_after_an_incomplete_build(tmp_path: Path) -> None:
    old = ConversionCache(tmp_path)
    for i in range(3):
        old.put(old.key(i), _entry())
    new = ConversionCache(tmp_path)
    new.get(new.key(0))
    assert new.prune(expected=3) == 0  # two posts were not rendered (a --dirty build)
    assert len(list(tmp_path.rglob("*.json"))) == 3


def test_an_unwritable_cache_stops_writing_quietly(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = ConversionCache(blocker / "cache")
    cache.put(cache.key(1), _entry())  # no exception
    assert cache.get(cache.key(1)) is None
