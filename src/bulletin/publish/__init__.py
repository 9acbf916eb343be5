"""Publishing: the output folder becomes a static site with a podcast feed,
an Alexa Flash Briefing feed, a preview page and a stable ``latest`` bulletin;
``publish.s3`` copies that site to S3-compatible object storage.

With a bucket, the bucket is the station's state: the feeds list the bulletins
its manifests describe as well as the folder's, so a run on any machine (with
an empty folder, even) publishes the station's whole feed, and retention
applies to the bucket's bulletins too. The folder is a working copy."""

from __future__ import annotations

import json
import logging
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from bulletin.core.errors import ConfigError, InputError
from bulletin.publish.episode import (
    APPROVED,
    MANIFEST_SUFFIX,
    ON_AIR,
    PUBLISHED,
    Episode,
    episode_paths,
    episode_prefix,
    manifest_of,
    own_folder,
    read_episodes,
    twins,
    with_state,
)
from bulletin.storage.atomic import remove_folder, staged
from bulletin.storage.sweep import sweep

if TYPE_CHECKING:  # a build imports this package for its episodes and sidecars, never the feeds or S3
    from bulletin.publish.feed import Show
    from bulletin.publish.s3 import Station, UploadReport

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
    from_bucket: frozenset[str] = field(default=frozenset())  # audio of bulletins only the bucket holds


@dataclass(frozen=True)
class Listed:
    """A bulletin the feed may list: its manifest, its enclosure's size, and whether the folder
    holds the copy that counts (else the bucket does)."""

    episode: Episode
    size: int
    local: bool


def catalogue(root: Path, station: Station | None) -> list[Listed]:
    """The station's bulletins, newest first: the folder's, and the bucket's where the folder has
    none or an older revision of one (a correction or an approval made on another machine)."""
    # One bulletin is one folder, whichever version of its audio each copy names.
    chosen = {episode_prefix(e): Listed(e, (root / e.enclosure).stat().st_size, True) for e in read_episodes(root)}
    for remote in (station.episodes if station else {}).values():
        prefix = episode_prefix(remote.episode)
        mine = chosen.get(prefix)
        if mine is None or remote.episode.revised > mine.episode.revised:
            if mine is not None:
                log.info("the bucket holds a later revision of %s than the folder; the bucket's counts", prefix)
            chosen[prefix] = Listed(remote.episode, remote.size, False)
    return sorted(chosen.values(), key=lambda listed: listed.episode.published, reverse=True)


def require_base_url(base_url: str) -> None:
    """Publishing writes absolute addresses: without the folder's, it cannot start."""
    if not base_url:
        raise ConfigError(
            "publishing needs the address the output folder is served from: set [publish] "
            "base_url in bulletin.toml or pass --base-url https://..."
        )


def publish(
    root: Path,
    show: Show,
    cover: bytes,
    retention: int,
    alexa: bool,
    delete_old: bool,
    station: Station | None = None,
    *,
    mark_published: bool = True,
) -> PublishResult:
    """Write ``feed.xml``, ``flash-briefing.json``, ``index.html``, the channel cover and
    ``latest.*`` for the bulletins under ``root`` (and, with a ``station``, in its bucket);
    each file appears whole or not at all. ``mark_published``: approved bulletins become published
    (not in a dry run, which puts nothing out)."""
    # Imported here, not with the package: a build uses the package's episodes and sidecars only.
    from bulletin.publish.alexa import flash_briefing
    from bulletin.publish.feed import render_feed
    from bulletin.publish.latest import fill_latest, latest_names, stale_audio_names
    from bulletin.publish.s3 import fetch_bulletin
    from bulletin.publish.site import index_html

    require_base_url(show.base_url)
    if station is None and not root.is_dir():
        raise InputError(f"nothing to publish: {root} does not exist; build a bulletin first.")
    root.mkdir(parents=True, exist_ok=True)  # with a bucket, a fresh machine starts from an empty folder
    for left in sweep(root, OUTPUT_DEPTH):
        log.info("removed %s, left by an interrupted run", left)
    listed = catalogue(root, station)
    where = f"{root} or {station.target}" if station else str(root)
    if not listed:
        raise InputError(f"nothing to publish: no bulletins in {where}; build one first.")
    on_air = [item for item in listed if item.episode.state in ON_AIR]  # drafts wait for an editor's approval
    if not on_air:
        raise InputError(
            f"nothing to publish: the bulletins in {where} are drafts; approve one first "
            "(bulletin approve ID, or the studio)."
        )
    kept, gone = on_air[:retention], on_air[retention:]
    if station is not None and not kept[0].local:  # latest.* are copies of the newest's files
        fetch_bulletin(station, kept[0].episode, root)
        kept[0] = replace(kept[0], local=True)
    episodes = [item.episode for item in kept]
    feed = render_feed(show, episodes, {item.episode.audio: item.size for item in kept})  # enclosure sizes
    briefing = flash_briefing(episodes, show.base_url, show.link) if alexa else []

    newest = episodes[0]
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
        temp[INDEX].write_text(index_html(show.title, episodes, icon=CHANNEL_COVER), encoding="utf-8")
        temp[FEED].write_bytes(feed)
    # Now they are out (a bulletin only the bucket holds went out when it went there).
    episodes = [
        with_state(root, i.episode, PUBLISHED)
        if mark_published and i.local and i.episode.state == APPROVED
        else i.episode
        for i in kept
    ]
    for name in stale_audio_names(newest):  # an older bulletin's format must not pass for the newest
        (root / name).unlink(missing_ok=True)
    if not briefing:
        # An Alexa feed from an earlier publish would still list bulletins this one retired.
        (root / ALEXA_FEED).unlink(missing_ok=True)
    if delete_old:
        for item in gone:  # only now: the new feed no longer points at them
            if (root / item.episode.audio).exists():  # the folder's copy, whichever version counted
                _remove_episode(root, item.episode)
            log.info("removed %s (past the newest %d)", item.episode.audio, retention)
    from_bucket = frozenset(item.episode.audio for item in kept if not item.local)
    removed = [item.episode for item in gone] if delete_old else []
    return PublishResult(root / FEED, episodes, len(briefing), removed, site, from_bucket=from_bucket)


def upload(
    root: Path, result: PublishResult, station: Station, *, delete_old: bool, dry_run: bool = False
) -> UploadReport:
    """Copy what ``publish`` made to the bucket: the files of every kept bulletin the folder holds,
    then the site's files (the feed last); with ``delete_old``, then remove the files of bulletins
    the feed no longer names."""
    from bulletin.publish.s3 import plan, upload_site  # (and boto3, through it) only when uploading

    files = [path for e in result.episodes if e.audio not in result.from_bucket for path in episode_files(root, e)]
    keep = [*(episode_prefix(e) for e in result.episodes), *station.rejected]  # never delete what was not read
    # The versions any manifest names, the bucket's as it was before this run too: a version this
    # run replaced stays until the next, for readers of the feed before it.
    named = {
        path
        for e in (*result.episodes, *read_episodes(root), *(r.episode for r in station.episodes.values()))
        for path in episode_paths(e)
    }
    named |= {key for key in station.listing if key.startswith(tuple(station.rejected))}  # left alone
    report = upload_site(station, plan(root, files, result.site), keep, named, delete_old=delete_old, dry_run=dry_run)
    report.from_bucket = len(result.from_bucket)
    return report


def local_manifests(root: Path) -> dict[str, bytes]:
    """The folder's manifests (relative path -> bytes), so that reading the bucket skips the same ones."""
    paths = [manifest_of(root, e) for e in read_episodes(root)] if root.is_dir() else []
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in paths}


def episode_files(root: Path, episode: Episode) -> list[Path]:
    """Every file of one bulletin that goes to the bucket (they share its audio file's name up to
    the first dot), audio first and the manifest last: a manifest in the bucket means the rest is
    there. An audio file's unversioned twin (``x.mp3`` beside ``x.3f2a9c1e.mp3``) stays local."""
    audio = root / episode.audio
    stem = audio.name.split(".", 1)[0]
    local = {twin.name for _, twin in twins(audio.parent, episode)}
    return sorted(
        (path for path in audio.parent.glob(f"{stem}.*") if path.name not in local),
        key=lambda path: (path != audio, path.name.endswith(MANIFEST_SUFFIX), path.name),
    )


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
