"""A rebuild from the cache does only what it must: the drawn cover is kept by
what it shows, and a rebuild whose parts and measurement are all stored loads
neither numpy nor Pillow's drawing code (checked in a fresh process)."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from PIL import Image

from bulletin.build.caches import COVERS
from bulletin.cli import cli
from bulletin.formats import FORMATS
from bulletin.media import cover
from bulletin.media.cover import Covers, make_cover
from conftest import PAGES, modules_after

SHOW, DATE, LABEL = "Dorpsnieuws", "vrijdag 27 november 2026 · 08:15", "BINNENLAND"


def test_a_cover_is_drawn_once_and_then_read_back(tmp_path, monkeypatch):
    covers = Covers(tmp_path / "covers")
    first = covers.get(SHOW, DATE, LABEL)
    assert first == make_cover(SHOW, DATE, LABEL)
    assert Image.open(io.BytesIO(first)).size == (1400, 1400)

    def no_drawing(*args: object) -> bytes:
        raise AssertionError("the cover was drawn again")

    monkeypatch.setattr(cover, "make_cover", no_drawing)
    assert Covers(tmp_path / "covers").get(SHOW, DATE, LABEL) == first  # a new run, the same folder


def test_another_date_title_or_label_draws_another_cover(tmp_path):
    covers = Covers(tmp_path / "covers")
    drawn = {
        covers.get(SHOW, DATE, LABEL),
        covers.get(SHOW, "zaterdag 28 november 2026 · 08:15", LABEL),
        covers.get("Stadsnieuws", DATE, LABEL),
        covers.get(SHOW, DATE, "BUITENLAND"),
    }
    assert len(drawn) == 4
    assert len(list((tmp_path / "covers").glob("??/*.cover"))) == 4


def test_a_damaged_cover_entry_is_drawn_again(tmp_path):
    covers = Covers(tmp_path / "covers")
    good = covers.get(SHOW, DATE, LABEL)
    [entry] = (tmp_path / "covers").glob("??/*.cover")
    entry.write_bytes(entry.read_bytes()[:-100])
    assert Covers(tmp_path / "covers").get(SHOW, DATE, LABEL) == good


def test_covers_are_listed_and_pruned_with_the_cache(tmp_path):
    runner = CliRunner()
    assert (
        runner.invoke(
            cli, ["build", str(PAGES / "kort.txt"), "--engine", "espeak", "--at", "2026-11-27T08:00", "-q"]
        ).exit_code
        == 0
    )
    info = runner.invoke(cli, ["cache", "info"]).output
    assert f"{COVERS}: 1 entries" in info
    pruned = runner.invoke(cli, ["cache", "prune", "--all"]).output
    assert f"{COVERS}: removed 1 entries" in pruned


@pytest.mark.parametrize("fmt", FORMATS.names())
def test_a_warm_rebuild_loads_no_numpy_and_no_drawing_code(tmp_path, fmt):
    build = [str(PAGES / "kort.txt"), "--engine", "espeak", "--at", "2026-11-27T08:00", "--format", fmt]

    heavy = {"numpy", "PIL.Image", "PIL.ImageDraw"}
    cold, loaded = modules_after(tmp_path, "build", *build, "-v")
    assert cold.returncode == 0, cold.stderr
    assert "numpy" in loaded  # the first build synthesises and masters: numpy is needed
    warm, loaded = modules_after(tmp_path, "build", *build, "-v")
    assert warm.returncode == 0, warm.stderr
    assert "measured before" in warm.stderr
    assert sorted(heavy & loaded) == []


def test_the_transcript_clock_is_numpys_interpolation_without_numpy():
    """The cue clock is plain Python now; it must place every character where np.interp did:
    marks out of order, several at one offset, outside the speech or past the text's end."""
    import random

    import numpy as np

    from bulletin.build.timeline import _clock
    from bulletin.core.model import Mark

    def numpy_clock(marks: list[Mark], length: int, start: int, end: int) -> list[float]:
        chars, samples = [0, *(m.char for m in marks), length], [start, *(m.sample for m in marks), end]
        order = np.argsort(chars, kind="stable")
        ys = np.maximum.accumulate(np.clip(np.asarray(samples, dtype=np.float64)[order], start, end))
        return np.interp(np.arange(length + 1), np.asarray(chars, dtype=np.float64)[order], ys).tolist()

    rng = random.Random(12)
    for _ in range(500):
        length, start = rng.randint(0, 300), rng.randint(0, 10**6)
        end = start + rng.randint(0, 10**6)
        marks = [
            Mark(rng.choice([rng.randint(0, length + 5), rng.randint(0, 3)]), rng.randint(start - 1000, end + 1000))
            for _ in range(rng.randint(0, 25))
        ]
        assert _clock(marks, length, start, end) == numpy_clock(marks, length, start, end)
