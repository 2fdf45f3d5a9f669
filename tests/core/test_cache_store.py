"""The on-disk store of post conversions (`papernotes.core.cache`)."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

from papernotes.core.cache import FORMAT, CachedConversion, ConversionCache, Pack, fingerprint, stable
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


@pytest.mark.parametrize("content", [
    b"", b"{", b"[]", b'{"format": 999, "payload": {}}', b"\xff\xfe",
    marshal.dumps({"format": 999, "payload": {}}), marshal.dumps({"format": FORMAT}), marshal.dumps([1, 2]),
    marshal.dumps({"format": FORMAT, "payload": {}, "lookups": 3, "logs": [], "diagnostics": []}),
])
def test_damaged_or_foreign_entries_are_misses(tmp_path: Path, content: bytes) -> None:
    cache = ConversionCache(tmp_path)
    path = tmp_path / "ab" / ("ab" + "0" * 62 + ".marshal")
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
    assert sorted(p.stem for p in tmp_path.rglob("*.marshal")) == sorted([new.key(0), new.key("fresh")])


def test_prune_does_nothing_after_an_incomplete_build(tmp_path: Path) -> None:
    old = ConversionCache(tmp_path)
    for i in range(3):
        old.put(old.key(i), _entry())
    new = ConversionCache(tmp_path)
    new.get(new.key(0))
    assert new.prune(expected=3) == 0  # two posts were not rendered (a --dirty build)
    assert len(list(tmp_path.rglob("*.marshal"))) == 3


def test_an_unwritable_cache_stops_writing_quietly(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = ConversionCache(blocker / "cache")
    cache.put(cache.key(1), _entry())  # no exception
    assert cache.get(cache.key(1)) is None


# -- Pack: many small values in one file -------------------------------------------


def test_a_pack_keeps_what_the_last_build_used(tmp_path: Path) -> None:
    pack = Pack(tmp_path / "pages.marshal")
    pack.load()
    pack.put("a", [True, b"frame"])
    pack.put("b", [{"location": "x/", "title": "T", "text": "t"}])
    pack.save()

    again = Pack(tmp_path / "pages.marshal")
    again.load()
    assert again.get("a") == [True, b"frame"]
    assert again.get("missing") is None
    again.save()  # "b" was not asked for: it goes
    third = Pack(tmp_path / "pages.marshal")
    third.load()
    assert third.get("a") == [True, b"frame"] and third.get("b") is None


def test_a_build_that_skipped_pages_keeps_every_entry(tmp_path: Path) -> None:
    pack = Pack(tmp_path / "p")
    pack.put("a", "1")
    pack.put("b", "2")
    pack.save()
    pack.get("a")
    pack.save(prune=False)
    fresh = Pack(tmp_path / "p")
    fresh.load()
    assert fresh.get("a") == "1" and fresh.get("b") == "2"


@pytest.mark.parametrize("damage", [b"", b"\x00\x01garbage", b"[1, 2, 3]", marshal.dumps({"format": 0, "a": "old"})])
def test_a_damaged_shard_is_an_empty_one(tmp_path: Path, damage: bytes) -> None:
    pack = Pack(tmp_path / "p")
    pack.put("ab12", "kept")
    pack.put("a", "1")
    pack.save()
    shards = sorted((tmp_path / "p").glob("*.marshal"))
    assert [s.name for s in shards] == ["__.marshal", "ab.marshal"]
    shards[0].write_bytes(damage)
    again = Pack(tmp_path / "p")
    again.load()
    assert again.get("a") is None and again.get("ab12") == "kept"
    again.put("a", "1")
    again.save()
    third = Pack(tmp_path / "p")
    third.load()
    assert third.get("a") == "1" and third.get("ab12") == "kept"


def test_only_shards_that_changed_are_written_again(tmp_path: Path) -> None:
    pack = Pack(tmp_path / "p")
    for key in ("aa01", "aa02", "bb01", "cc01"):
        pack.put(key, key)
    pack.save()
    times = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "p").glob("*.marshal")}
    again = Pack(tmp_path / "p")
    again.load()
    for key in ("aa01", "aa02", "bb01"):  # cc01 is not used this time: its shard goes
        again.get(key)
    again.put("bb01", "new")
    again.save()
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "p").glob("*.marshal")}
    assert after["aa.marshal"] == times["aa.marshal"] and "cc.marshal" not in after
    third = Pack(tmp_path / "p")
    third.load()
    assert [third.get(k) for k in ("aa01", "aa02", "bb01", "cc01")] == ["aa01", "aa02", "new", None]


def test_the_single_file_of_an_older_version_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "p").write_bytes(marshal.dumps({"format": FORMAT, "ab": "old"}))
    pack = Pack(tmp_path / "p")
    pack.load()
    assert pack.get("ab") is None
    pack.put("ab", "new")
    pack.save()
    again = Pack(tmp_path / "p")
    again.load()
    assert again.get("ab") == "new"


def test_entries_from_elsewhere_count_only_when_asked_for(tmp_path: Path) -> None:
    pack = Pack(tmp_path / "p")
    pack.put("mine", "1")
    assert pack.take_fresh() == [["mine", "1"]] and pack.take_fresh() == []
    pack.receive([["theirs", "2"], ["unused", "3"]])
    assert pack.get("theirs") == "2"
    pack.save()
    again = Pack(tmp_path / "p")
    again.load()
    assert again.get("mine") == "1" and again.get("theirs") == "2"
    assert again.get("unused") is None  # received but never asked for: pruned


def test_an_unwritable_pack_does_not_fail_the_build(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    pack = Pack(tmp_path / "file" / "p")
    pack.put("a", "1")
    pack.save()  # no exception
    assert pack.get("a") == "1"


def test_a_rebuild_that_changed_nothing_leaves_the_pack_file_alone(tmp_path: Path) -> None:
    pack = Pack(tmp_path / "p")
    pack.put("a", "1")
    pack.save()
    before = (tmp_path / "p").stat().st_mtime_ns
    os.utime(tmp_path / "p", ns=(before - 10**9, before - 10**9))
    again = Pack(tmp_path / "p")
    again.load()
    assert again.get("a") == "1"
    again.save()
    assert (tmp_path / "p").stat().st_mtime_ns == before - 10**9  # not written
    again.put("b", "2")
    again.save()
    assert (tmp_path / "p").stat().st_mtime_ns != before - 10**9
