"""The segment cache: keys, hits, damage detection, pruning."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from bulletin.core.model import Mark, Speech
from bulletin.tts.cache import SegmentCache, segment_key
from conftest import built_engine, run


@pytest.fixture
def store(tmp_path) -> SegmentCache:
    return SegmentCache(tmp_path / "segments")


def speech(n: int = 1000) -> Speech:
    return Speech((np.arange(n) % 200 - 100).astype(np.int16), 22050, (Mark(0, 0), Mark(7, 512)))


@pytest.mark.parametrize("on_disk", [True, False])
def test_round_trip_with_marks(tmp_path, on_disk):
    store = SegmentCache(tmp_path / "segments" if on_disk else None)
    assert store.get("ab" * 32) is None
    store.put("ab" * 32, speech())
    got = store.get("ab" * 32)
    assert got is not None and got.sample_rate == 22050 and got.marks == (Mark(0, 0), Mark(7, 512))
    assert np.array_equal(got.samples, speech().samples)
    assert (store.store.hits, store.store.misses) == (1, 1)
    assert (tmp_path / "segments").exists() == on_disk


def test_key_covers_engine_version_settings_and_text():
    base = built_engine("espeak", {"rate": 165})
    keys = {
        segment_key(base, "Goedemorgen."),
        segment_key(base, "Goedemiddag."),
        segment_key(built_engine("espeak", {"rate": 170}), "Goedemorgen."),
        segment_key(built_engine("espeak", {"rate": 165, "pitch": 60}), "Goedemorgen."),
        segment_key(built_engine("gtts", {}), "Goedemorgen."),
        segment_key(built_engine("gtts", {"tld": "nl"}), "Goedemorgen."),
        segment_key(built_engine("gtts", {"slow": True}), "Goedemorgen."),
    }
    assert len(keys) == 7
    assert segment_key(base, "Goedemorgen.") == segment_key(built_engine("espeak", {"rate": 165}), "Goedemorgen.")


def test_network_settings_do_not_change_the_key():
    plain = built_engine("gtts", {})
    patient = built_engine("gtts", {}, timeout=60.0, tries=9, concurrent=2)
    assert segment_key(plain, "Hallo.") == segment_key(patient, "Hallo.")


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_damaged_entries_are_detected_and_removed(store, damage):
    key = "cd" * 32
    store.put(key, speech())
    path = next(store.root.glob("cd/*.seg"))
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":
        data[-10] ^= 0xFF
    elif damage == "garbage":
        data = bytearray(b"not a segment at all" * 10)
    else:
        data = bytearray()
    path.write_bytes(bytes(data))
    assert store.get(key) is None
    assert not path.exists() and store.repaired == 1


def test_info_and_prune(store):
    for i in range(4):
        store.put(f"{i:02d}" * 32, speech(5000))
    old = next(store.root.glob("00/*.seg"))
    long_ago = time.time() - 40 * 86400
    os.utime(old, (long_ago, long_ago))
    info = store.info()
    assert info.entries == 4 and info.total_bytes > 4 * 10000
    size = old.stat().st_size
    assert store.prune(older_than_days=30) == (1, size)
    assert not old.exists() and store.info().entries == 3
    removed, _ = store.prune(max_bytes=int(info.total_bytes / 4 * 1.5))
    assert removed == 2 and store.info().entries == 1


@pytest.mark.parametrize(("config", "left"), [("", 2), ("[daily]\nkeep_cache_days = 5\n", 1)])
def test_cache_prune_defaults_to_the_configured_days(tmp_path, config, left):
    """`bulletin cache prune` without --older-than keeps what [daily] keep_cache_days keeps."""
    (tmp_path / "bulletin.toml").write_text(config, "utf-8")
    store = SegmentCache(tmp_path / "cache" / "bulletin" / "segments")  # where XDG_CACHE_HOME puts it
    for i, days in enumerate((0, 10)):
        store.put(f"{i:02d}" * 32, speech())
        path = next(store.root.glob(f"{i:02d}/*.seg"))
        then = time.time() - days * 86400
        os.utime(path, (then, then))
    result = run("cache", "prune")
    assert result.exit_code == 0, result.stderr
    assert store.info().entries == left
