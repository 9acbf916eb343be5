"""Publishing: the output folder becomes a static site with a podcast feed,
an Alexa Flash Briefing feed, a preview page and a stable ``latest`` bulletin;
``publish.s3`` copies that site to S3-compatible object storage."""

from __future__ import annotations

import json
import logging
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from bulletin.core.errors import ConfigError, InputError
from bulletin.publish.alexa import flash_briefing
from bulletin.publish.episode import APPROVED, ON_AIR, PUBLISHED, Episode, own_folder, read_episodes, with_state
from bulletin.publish.feed import Show, render_feed
from bulletin.publish.latest import fill_latest, latest_names, stale_audio_names
from bulletin.publish.s3 import S3Target, UploadReport, plan, upload_site
from bulletin.publish.site import index_html
from bulletin.storage.atomic import remove_folder, staged
from bulletin.storage.sweep import sweep

log = logging.getLogger(__name__)

FEED = "feed.xml"
ALEXA_FEED = "flash-briefing.json"
INDEX = "index.html"
CHANNEL_COVER = "cover.jpg"
OUTPUT_DEPTH = 2  # DIR/YYYY-MM-DD/<bulletin>/: where killed builds and publishes leave temporary files


@dataclass(frozen=True)
class PublishResult:
    """What publishing wrote and removed."""

    feed: Path
    episodes: list[Episode]
    alexa_items: int
    removed: list[Episode]
    site: list[Path]  # the files at the top of the folder, in the order they must reach readers
    upload: UploadReport | None = None  # what went to the bucket, when there is one


def require_base_url(base_url: str) -> None:
    """Publishing writes absolute addresses: without the folder's, it cannot start."""
    if not base_url:
        raise ConfigError(
            "publishing needs the address the output folder is served from: set [publish] "
            "base_url in bulletin.toml or pass --base-url https://..."
        )


def publish(root: Path, show: Show, cover: bytes, retention: int, alexa: bool, delete_old: bool) -> PublishResult:
    """Write ``feed.xml``, ``flash-briefing.json``, ``index.html``, the channel cover and
    ``latest.*`` for the bulletins under ``root``; each file appears whole or not at all."""
    require_base_url(show.base_url)
    if not root.is_dir():
        raise InputError(f"nothing to publish: {root} does not exist; build a bulletin first.")
    for left in sweep(root, OUTPUT_DEPTH):
        log.info("removed %s, left by an interrupted run", left)
    episodes = read_episodes(root)
    if not episodes:
        raise InputError(f"nothing to publish: no bulletins in {root}; build one first.")
    on_air = [e for e in episodes if e.state in ON_AIR]  # drafts wait for an editor's approval
    if not on_air:
        raise InputError(
            f"nothing to publish: the bulletins in {root} are drafts; approve one first "
            "(bulletin approve ID, or the studio)."
        )
    kept, gone = on_air[:retention], on_air[retention:]
    sizes = {e.audio: (root / e.audio).stat().st_size for e in kept}
    feed = render_feed(show, kept, sizes)
    briefing = flash_briefing(kept, show.base_url, show.link) if alexa else []

    newest = kept[0]
    # Renamed in this order, so that a reader of the folder (or of a bucket filled in the same
    # order) finds every file a feed names before the feed: media, latest.*, then the feeds.
    site = [
        root / CHANNEL_COVER,
        *(root / name for name in latest_names(newest)),
        *([root / ALEXA_FEED] if briefing else []),
        root / INDEX,
        root / FEED,
    ]
    with staged(site) as temps:
        temp = {path.name: t for path, t in zip(site, temps, strict=True)}
        temp[CHANNEL_COVER].write_bytes(cover)
        fill_latest([temp[name] for name in latest_names(newest)], root, newest, show.base_url, FEED)
        if briefing:
            temp[ALEXA_FEED].write_text(json.dumps(briefing, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        temp[INDEX].write_text(index_html(show.title, kept), encoding="utf-8")
        temp[FEED].write_bytes(feed)
    kept = [with_state(root, e, PUBLISHED) if e.state == APPROVED else e for e in kept]  # now they are out
    for name in stale_audio_names(newest):  # an older bulletin's format must not pass for the newest
        (root / name).unlink(missing_ok=True)
    if not briefing:
        # An Alexa feed from an earlier publish would still list bulletins this one retired.
        (root / ALEXA_FEED).unlink(missing_ok=True)
    if delete_old:
        for episode in gone:  # only now: the new feed no longer points at them
            _remove_episode(root, episode)
            log.info("removed %s (past the newest %d)", episode.audio, retention)
    return PublishResult(root / FEED, kept, len(briefing), gone if delete_old else [], site)


def upload(
    root: Path, result: PublishResult, target: S3Target, *, delete_old: bool, dry_run: bool = False
) -> UploadReport:
    """Copy what ``publish`` made to the bucket: every kept bulletin's files, then the site's
    files (the feed last); with ``delete_old``, then remove bulletins the feed no longer names."""
    files = [path for episode in result.episodes for path in episode_files(root, episode)]
    return upload_site(target, plan(root, files, result.site), delete_old=delete_old, dry_run=dry_run)


def episode_files(root: Path, episode: Episode) -> list[Path]:
    """Every file of one bulletin (they share its audio file's name up to the first dot), audio first."""
    audio = root / episode.audio
    stem = audio.name.split(".", 1)[0]
    return sorted(audio.parent.glob(f"{stem}.*"), key=lambda path: (path != audio, path.name))


def _remove_episode(root: Path, episode: Episode) -> None:
    """Every file of one bulletin in one step (its own folder), then its day's folder if empty."""
    audio = root / episode.audio
    if own_folder(episode):
        remove_folder(audio.parent)
    else:  # a bulletin from before bulletins had folders of their own
        for path in episode_files(root, episode):
            path.unlink(missing_ok=True)
    day = audio.parent.parent if own_folder(episode) else audio.parent
    with suppress(OSError):  # other bulletins of that day are still there
        day.rmdir()
