"""Publishing the output folder as the configuration says: the feeds and site, then the bucket."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bulletin.config import Config
from bulletin.config import stages as cfg
from bulletin.core.errors import ConfigError
from bulletin.publish import PublishResult, publish, require_base_url, upload


def check_publishable(config: Config) -> None:
    """What publishing needs from the configuration (the address, a target that parses), checked
    before a build that is to be published, so that a mistake costs no build."""
    require_base_url(config.settings.publish.base_url)
    cfg.publish_target(config)


def publish_folder(config: Config, *, dry_run: bool = False) -> PublishResult:
    """Publish every bulletin in the configured output folder, then copy the folder to the
    [publish] target if one is set (``dry_run``: only report what the bucket would get)."""
    root = Path(config.settings.output.dir)
    publishing = config.settings.publish
    target = cfg.publish_target(config)
    if dry_run and target is None:
        raise ConfigError(
            "a dry run shows what would change in the bucket: set [publish] target or pass --to s3://BUCKET/PREFIX/."
        )
    result = publish(
        root,
        cfg.show(config),
        cfg.channel_cover(config),
        retention=publishing.retention,
        alexa=publishing.alexa,
        delete_old=publishing.delete_old_audio and not dry_run,
    )
    if target is None:
        return result
    return replace(result, upload=upload(root, result, target, delete_old=publishing.delete_old_audio, dry_run=dry_run))
