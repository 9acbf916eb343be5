"""A stable address for "the bulletin of now": ``latest.<audio suffix>``, ``latest.json``
and ``latest.m3u`` at the top of the output folder.

Smart speakers, home-automation systems and playlist players keep one URL;
it always plays the newest bulletin. The audio is a real copy, not a link:
static hosts and buckets do not follow symlinks. Only the newest bulletin's
format has one: a ``latest.mp3`` left beside a newer ``latest.wav`` would be an
older bulletin under the name that promises the newest, so it goes.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from bulletin.formats import FORMATS
from bulletin.publish.episode import Episode
from bulletin.publish.feed import absolute

LATEST = "latest"
LATEST_JSON = f"{LATEST}.json"
LATEST_M3U = f"{LATEST}.m3u"


def audio_name(episode: Episode) -> str:
    """``latest`` with the suffix of the episode's own audio file (``latest.mp3`` for an MP3)."""
    return LATEST + PurePosixPath(episode.audio).suffix


def stale_audio_names(episode: Episode) -> list[str]:
    """``latest.<suffix>`` of every other audio format: left from an older bulletin, to be removed."""
    return [LATEST + f.suffix for f in FORMATS if LATEST + f.suffix != audio_name(episode)]


def latest_names(episode: Episode) -> list[str]:
    """The files :func:`write_latest` fills, audio first, in the order they should appear."""
    return [audio_name(episode), LATEST_JSON, LATEST_M3U]


def latest_record(episode: Episode, base_url: str, feed: str) -> dict[str, Any]:
    """What ``latest.json`` says: the newest bulletin and where its files are."""

    def url(relative: str | None) -> str | None:
        return absolute(base_url, relative) if relative else None

    return {
        "title": episode.title,
        "published": episode.published.isoformat(),
        "duration": round(episode.duration, 1),
        "url": url(episode.audio),
        "latest_url": url(audio_name(episode)),
        "transcript": url(episode.webvtt),
        "transcript_srt": url(episode.srt),
        "chapters": url(episode.chapters),
        "image": url(episode.cover),
        "guid": episode.guid,
        "feed": url(feed),
    }


def m3u(episode: Episode, base_url: str) -> str:
    """An extended M3U playlist of the newest bulletin (its dated, never-changing URL)."""
    # One line, and no comma: after the one that ends the duration, players (VLC) read a comma as
    # "artist, title" and show half the title.
    title = " ".join(episode.title.replace(", ", " · ").replace(",", " ").split())
    return f"#EXTM3U\n#EXTINF:{round(episode.duration)},{title}\n{absolute(base_url, episode.audio)}\n"


def fill_latest(temps: Sequence[Path], root: Path, episode: Episode, base_url: str, feed: str) -> None:
    """Write the files named by :func:`latest_names` into ``temps`` (staged paths, same order)."""
    audio, record, playlist = temps
    shutil.copyfile(root / episode.audio, audio)  # byte for byte: the same file under a stable name
    record.write_text(
        json.dumps(latest_record(episode, base_url, feed), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    playlist.write_text(m3u(episode, base_url), encoding="utf-8")
