"""Publishing the output folder as the configuration says: the feeds and site, then the bucket.

With a bucket, a run holds the station's lease (one run of a station at a time, on any
machine) and makes the feeds from the bucket's bulletins as well as the folder's."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path

from bulletin.config import Config
from bulletin.config import stages as cfg
from bulletin.core.errors import ConfigError
from bulletin.core.jsontext import loads
from bulletin.publish import PublishResult, local_manifests, publish, require_base_url, upload
from bulletin.publish.feed import Show, podcast_guid
from bulletin.publish.s3 import read_note, read_station, write_note
from bulletin.storage.atomic import write_text
from bulletin.storage.bucket import OWN_OBJECTS, S3Target
from bulletin.storage.lease import Lease, held

log = logging.getLogger(__name__)

# The show's identity, kept once made: beside the station's state in the folder, and among the
# station's own objects in the bucket (which, like the state, count first).
IDENTITY_NAME = ".bulletin-show.json"
IDENTITY_OBJECT = "show.json"
GUID_KEY = "podcast_guid"


def check_publishable(config: Config) -> None:
    """What publishing needs from the configuration (the address, a target that parses), checked
    before a build that is to be published, so that a mistake costs no build."""
    require_base_url(config.settings.publish.base_url)
    cfg.publish_target(config)


@contextmanager
def station_lease(config: Config) -> Iterator[Lease | None]:
    """Hold the station's lease in its bucket for the block (None without a bucket)."""
    target = cfg.publish_target(config)
    if target is None:
        yield None
        return
    with held(target, cfg.lease_seconds(config)) as lease:
        yield lease


def publish_folder(config: Config, *, dry_run: bool = False, lease: Lease | None = None) -> PublishResult:
    """Publish every bulletin of the station (the configured output folder's, and its bucket's),
    then copy the folder to the [publish] target if one is set (``dry_run``: only report what the
    bucket would get). With a target, the station's lease is held throughout: ``lease`` when the
    caller holds it already, else it is taken here."""
    root = Path(config.settings.output.dir)
    publishing = config.settings.publish
    target = cfg.publish_target(config)
    if dry_run and target is None:
        raise ConfigError(
            "a dry run shows what would change in the bucket: set [publish] target or pass --to s3://BUCKET/PREFIX/."
        )
    show, cover = cfg.show(config), cfg.channel_cover(config)
    if target is None:
        show = kept_identity(show, root, None, dry_run=False)
        return publish(
            root, show, cover, publishing.retention, publishing.alexa, delete_old=publishing.delete_old_audio
        )
    holding = nullcontext(lease) if lease is not None or dry_run else station_lease(config)
    with holding as ours:
        show = kept_identity(show, root, target, dry_run=dry_run)
        station = read_station(target, local_manifests(root))
        result = publish(
            root,
            show,
            cover,
            publishing.retention,
            publishing.alexa,
            delete_old=publishing.delete_old_audio and not dry_run,
            station=station,
            mark_published=not dry_run,
        )
        if ours is not None:
            ours.check()  # still this run's: else another run owns the bucket now, and this one stops
        report = upload(root, result, station, delete_old=publishing.delete_old_audio, dry_run=dry_run)
    return replace(result, upload=report)


def kept_identity(show: Show, root: Path, target: S3Target | None, *, dry_run: bool) -> Show:
    """``show`` with its podcast:guid as kept: its own ([show] guid) if set; else the one the bucket
    or the folder keeps; else one made from the feed's address, kept from now on, so that moving
    the feed to another address later does not make it another podcast."""
    if show.guid:
        return show
    in_bucket = (
        _kept_guid(read_note(target, IDENTITY_OBJECT), f"{target}{OWN_OBJECTS}{IDENTITY_OBJECT}") if target else None
    )
    kept = in_bucket or _kept_guid(_read_folder(root), root / IDENTITY_NAME)
    guid = kept or podcast_guid(show.feed_url)
    if not dry_run:
        text = json.dumps({GUID_KEY: guid}, indent=2) + "\n"
        if _read_folder(root) != text.encode():
            root.mkdir(parents=True, exist_ok=True)
            write_text(root / IDENTITY_NAME, text)
        if target is not None and in_bucket is None:
            write_note(target, IDENTITY_OBJECT, text.encode())
    if not kept:
        log.info("the show's podcast:guid is %s (from the feed's address), kept from now on", guid)
    return replace(show, guid=guid)


def _read_folder(root: Path) -> bytes | None:
    try:
        return (root / IDENTITY_NAME).read_bytes()
    except FileNotFoundError:
        return None


def _kept_guid(raw: bytes | None, where: object) -> str | None:
    """The guid a kept identity holds; a damaged one is reported and not used."""
    if raw is None:
        return None
    try:
        guid = loads(raw)[GUID_KEY]
        return str(uuid.UUID(guid))
    except (ValueError, TypeError, KeyError, AttributeError):
        log.warning("%s is damaged; the show's podcast:guid is not read from it (set [show] guid to keep it).", where)
        return None
