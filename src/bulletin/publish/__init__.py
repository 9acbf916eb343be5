"""Publishing: the output folder becomes a static site with a podcast feed,
an Alexa Flash Briefing feed and a preview page."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from bulletin.errors import ConfigError, InputError
from bulletin.fsutil import TEMP_SUFFIX, staged
from bulletin.publish.alexa import flash_briefing
from bulletin.publish.episode import Episode, read_episodes
from bulletin.publish.feed import Show, render_feed
from bulletin.publish.site import index_html

log = logging.getLogger(__name__)

FEED = "feed.xml"
ALEXA_FEED = "flash-briefing.json"
INDEX = "index.html"
CHANNEL_COVER = "cover.jpg"
STALE_TEMP_S = 3600  # a temporary file this old is left from a crashed run


@dataclass(frozen=True)
class PublishResult:
    """What publishing wrote and removed."""

    feed: Path
    episodes: list[Episode]
    alexa_items: int
    removed: list[Episode]


def _clean_stale_temps(root: Path) -> None:
    cutoff = time.time() - STALE_TEMP_S
    for temp in [*root.glob(f".*{TEMP_SUFFIX}"), *root.glob(f"*/.*{TEMP_SUFFIX}")]:
        if temp.stat().st_mtime < cutoff:
            temp.unlink(missing_ok=True)


def publish(root: Path, show: Show, cover: bytes, retention: int, alexa: bool, delete_old: bool) -> PublishResult:
    """Write ``feed.xml``, ``flash-briefing.json``, ``index.html`` and the channel cover
    for the bulletins under ``root``; each file appears whole or not at all."""
    if not show.base_url:
        raise ConfigError("publishing needs the address the output folder is served from: set [publish] "
                          "base_url in bulletin.toml or pass --base-url https://...")
    if not root.is_dir():
        raise InputError(f"nothing to publish: {root} does not exist; build a bulletin first.")
    _clean_stale_temps(root)
    episodes = read_episodes(root)
    if not episodes:
        raise InputError(f"nothing to publish: no bulletins in {root}; build one first.")
    kept, gone = episodes[:retention], episodes[retention:]
    sizes = {e.mp3: (root / e.mp3).stat().st_size for e in kept}
    feed = render_feed(show, kept, sizes)
    briefing = flash_briefing(kept, show.base_url, show.link) if alexa else []

    targets = [root / FEED, root / INDEX, root / CHANNEL_COVER] + ([root / ALEXA_FEED] if briefing else [])
    with staged(targets) as temps:
        temps[0].write_bytes(feed)
        temps[1].write_text(index_html(show.title, kept), encoding="utf-8")
        temps[2].write_bytes(cover)
        if briefing:
            temps[3].write_text(json.dumps(briefing, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if not briefing:
        # An Alexa feed from an earlier publish would still list bulletins this one retired.
        (root / ALEXA_FEED).unlink(missing_ok=True)
    if delete_old:
        for episode in gone:  # only now: the new feed no longer points at them
            _remove_episode(root / episode.mp3)
            log.info("removed %s (past the newest %d)", episode.mp3, retention)
    return PublishResult(root / FEED, kept, len(briefing), gone if delete_old else [])


def _remove_episode(mp3: Path) -> None:
    """Every file of one bulletin (they share its name up to the first dot), then its folder if empty."""
    stem = mp3.name.split(".", 1)[0]
    for path in mp3.parent.glob(f"{stem}.*"):
        path.unlink(missing_ok=True)
    if not any(mp3.parent.iterdir()):
        mp3.parent.rmdir()
