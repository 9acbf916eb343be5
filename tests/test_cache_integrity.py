"""The cache never poisons a build: entries answer only their own key (two swapped files
are found out and made again), and a cache folder that cannot be written costs caching,
never the build."""

from __future__ import annotations

import errno
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest
from mutagen.id3 import ID3

from bulletin.core.model import Mark, Speech
from bulletin.tts.cache import SegmentCache
from conftest import PAGES, run

SAME_LENGTH = 0.01  # relative
BUILD = ["build", str(PAGES / "kort.txt"), "--engine", "espeak", "--no-sounders", "--at", "2026-11-27T08:00"]


def chapter_lengths(mp3: Path) -> list[float]:
    chaps = sorted(ID3(str(mp3)).getall("CHAP"), key=lambda c: c.start_time)
    return [(c.end_time - c.start_time) / 1000 for c in chaps]


def test_swapped_entries_are_found_out(tmp_path, caplog):
    store = SegmentCache(tmp_path / "segments")
    one, two = "aa" * 32, "bb" * 32
    store.put(one, Speech(np.full(100, 1, np.int16), 22050, (Mark(0, 0),)))
    store.put(two, Speech(np.full(200, 2, np.int16), 22050, (Mark(0, 0),)))
    path_one, path_two = store.store._path(one), store.store._path(two)
    swap = path_one.read_bytes()
    path_one.write_bytes(path_two.read_bytes())
    path_two.write_bytes(swap)
    with caplog.at_level(logging.WARNING):
        assert store.get(one) is None and store.get(two) is None
    assert caplog.text.count("another entry") == 2 and store.repaired == 2
    store.put(one, Speech(np.full(100, 1, np.int16), 22050, (Mark(0, 0),)))
    assert len(store.get(one).samples) == 100


def test_a_build_never_plays_a_swapped_segment(tmp_path):
    first = run(*BUILD, "-o", str(tmp_path / "a"), "-q")
    assert first.exit_code == 0, first.stderr
    expected = chapter_lengths(Path(first.stdout.strip()))

    cache = tmp_path / "cache" / "bulletin"
    entries = sorted((cache / "segments").glob("??/*.seg"), key=lambda p: p.stat().st_size)
    shortest, longest = entries[0], entries[-1]
    swap = shortest.read_bytes()
    shortest.write_bytes(longest.read_bytes())
    longest.write_bytes(swap)
    shutil.rmtree(cache / "parts")  # so the build needs the speech itself

    second = run(*BUILD, "-o", str(tmp_path / "b"), "-q")
    assert second.exit_code == 0, second.stderr
    # espeak varies by a few milliseconds from run to run; a swapped segment is seconds off.
    assert chapter_lengths(Path(second.stdout.strip())) == pytest.approx(expected, rel=SAME_LENGTH)


def test_a_cache_folder_that_cannot_exist_costs_only_caching(tmp_path):
    (tmp_path / "blocker").write_text("a file where the cache folder should be", "utf-8")
    (tmp_path / "bulletin.toml").write_text('[cache]\ndir = "blocker/cache"\n', "utf-8")
    result = run(*BUILD, "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "blocker/cache" in warnings[0] and "without caching" in warnings[0]
    assert Path(result.stdout.splitlines()[0]).is_file()


def test_a_full_disk_under_the_cache_costs_only_caching(tmp_path, monkeypatch):
    cache = tmp_path / "cache" / "bulletin"
    real_write = Path.write_bytes

    def full_under_cache(self: Path, data: bytes) -> int:
        if cache in self.parents:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", full_under_cache)
    result = run(*BUILD, "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and str(cache) in warnings[0] and "No space left" in warnings[0]
    assert not list(cache.rglob("*.part")) and not list(cache.rglob("*.seg"))
