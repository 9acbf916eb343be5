"""Publishing the output folder as the configuration says: the feeds and site, then the bucket.

With a bucket, a run holds the station's lease (one run of a station at a time, on any
machine) and makes the feeds from the bucket's bulletins as well as the folder's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path

from bulletin.config import Config
from bulletin.config import stages as cfg
from bulletin.core.errors import ConfigError
from bulletin.publish import PublishResult, local_manifests, publish, require_base_url, upload
from bulletin.publish.s3 import read_station
from bulletin.storage.lease import Lease, held


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
        return publish(
            root, show, cover, publishing.retention, publishing.alexa, delete_old=publishing.delete_old_audio
        )
    holding = nullcontext(lease) if lease is not None or dry_run else station_lease(config)
    with holding as ours:
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
