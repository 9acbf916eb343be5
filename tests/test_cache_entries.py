"""A cache entry is a regular file, or it is a damaged entry: whatever else holds its name (a link
to a device, a FIFO, a folder, a file far larger than any entry) is reported, removed and made
again, never read, never waited on, and never costs the rest of the cache."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import PAGES, run

AT = "2026-11-27T08:00"  # fixed: a build at another minute speaks another time check
GIANT_BYTES = 300 * 1024 * 1024  # sparse: larger than any entry, costs no disk


def _link_to_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")  # read to the end, it never ends


def _link_to_nowhere(path: Path) -> None:
    path.symlink_to(path.with_name("nergens"))


def _fifo(path: Path) -> None:
    os.mkfifo(path)  # read, it waits for a writer forever


def _folder(path: Path) -> None:
    path.mkdir()
    (path / "binnenin").write_bytes(b"x")


def _giant(path: Path) -> None:
    with open(path, "wb") as giant:
        giant.truncate(GIANT_BYTES)


BAD = {
    "a link to /dev/zero": _link_to_zero,
    "a link to nothing": _link_to_nowhere,
    "a FIFO": _fifo,
    "a folder": _folder,
    "a 300 MB file": _giant,
}


@pytest.mark.parametrize("store", ["segments", "parts"])  # speech, and mastered parts
@pytest.mark.parametrize("make_bad", BAD.values(), ids=BAD.keys())
def test_a_bad_entry_is_made_again_and_the_rest_of_the_cache_still_serves(tmp_path, make_bad, store):
    cache = tmp_path / "cache" / "bulletin"  # $XDG_CACHE_HOME/bulletin (conftest)
    first = run("build", PAGES / "kort.txt", "--engine", "espeak", "--no-sounders", "--at", AT, "-o", "a")
    assert first.exit_code == 0, first.stderr
    segments = int(re.search(r"(\d+) segments", first.stdout)[1])
    if store == "segments":  # without parts, every segment's speech is read
        for part in (cache / "parts").glob("??/*"):
            part.unlink()
    victim = sorted((cache / store).glob("??/*"))[0]
    victim.unlink()
    make_bad(victim)
    again = run("build", PAGES / "kort.txt", "--engine", "espeak", "--no-sounders", "--at", AT, "-o", "b")
    assert again.exit_code == 0, again.stderr
    spoken = 1 if store == "segments" else 0  # a bad part is made again from its cached speech
    assert f"{segments} segments ({segments - spoken} cached)" in again.stdout  # the rest of the cache served
    (warning,) = again.stderr.strip().splitlines()
    assert f"cache entry {victim.name} is " in warning and "not a file; it will be made again" in warning
    assert victim.is_file() and not victim.is_symlink() and victim.stat().st_size < GIANT_BYTES  # made again
