"""Approving a bulletin for air: finding it by its id, setting its state, and publishing it.

A bulletin's id is its place in the output folder, ``YYYY-MM-DD/<stem>`` (its own folder):
stable, readable, and checked here so that no id can name anything else.

A bulletin that may already be on air is corrected beside it, never in place: the correction
is built in the hidden ``.studio/corrections/`` (laid out as the output folder is, so its
files name themselves as the bulletin's do) and takes the bulletin's place in one step when
it is approved, under the same guid. Until then listeners hear what was approved.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bulletin.build.outputs import corrections_root
from bulletin.build.publishing import publish_folder
from bulletin.config import Config
from bulletin.core.errors import InputError, LockedError
from bulletin.publish import PublishResult
from bulletin.publish.episode import APPROVED, DRAFT, MANIFEST_SUFFIX, ON_AIR, Episode, with_state
from bulletin.storage.atomic import replace_folder
from bulletin.storage.locks import name_lock

log = logging.getLogger(__name__)

DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
STEM = re.compile(r"[a-z0-9][a-z0-9-]{0,120}")  # what build/outputs.slug makes, with its -HHMM
ID_SEPARATOR = "/"
POLL_S = 1.0  # how often a run waiting for an approval looks again


@dataclass(frozen=True)
class Bulletin:
    """One bulletin in the output folder: its id, folder and manifest."""

    id: str
    folder: Path
    episode: Episode

    @property
    def manifest(self) -> Path:
        """Its episode manifest."""
        return self.folder / f"{self.folder.name}{MANIFEST_SUFFIX}"


def bulletin_id(root: Path, audio: Path | str) -> str:
    """The id of the bulletin whose audio file is ``audio`` (under ``root``, or relative to it):
    ``YYYY-MM-DD/<stem>``, its folder."""
    return (root / audio).parent.relative_to(root).as_posix()


def find(root: Path, bulletin: str) -> Bulletin:
    """The bulletin with id ``bulletin`` under ``root``; InputError for an id that names no
    bulletin, or anything but a bulletin's own folder (``..``, a symlink, an odd name)."""
    day, _, stem = bulletin.partition(ID_SEPARATOR)
    missing = InputError(f"no bulletin {bulletin!r} in {root}; `bulletin studio` and its API list them.")
    if not DAY.fullmatch(day) or not STEM.fullmatch(stem):
        raise missing
    folder = root / day / stem
    manifest = folder / f"{stem}{MANIFEST_SUFFIX}"
    if any(p.is_symlink() for p in (root / day, folder, manifest)) or not manifest.is_file():
        raise missing
    try:
        inside = manifest.resolve().is_relative_to(root.resolve())
    except OSError:
        inside = False
    if not inside:
        raise missing
    return Bulletin(bulletin, folder, Episode.from_json(manifest.read_text("utf-8"), manifest))


def correction(root: Path, bulletin: str) -> Bulletin | None:
    """The correction of the bulletin waiting for approval, if there is one."""
    try:
        return find(corrections_root(root), bulletin)
    except InputError:
        return None


@dataclass(frozen=True)
class Approved:
    """What approving did: the bulletin, and the publish that put it out (None without a base URL)."""

    bulletin: Bulletin
    published: PublishResult | None


def mark_approved(root: Path, bulletin: str) -> Bulletin:
    """Approve the bulletin in the folder: its waiting correction takes its place (approved), or
    a draft becomes approved. Under the bulletin's lock, which a build takes too, so a build
    never decides on a state this changes meanwhile."""
    found = find(root, bulletin)
    with name_lock(found.folder, f"a build of {bulletin} is running; approve it when it is done."):
        pending = correction(root, bulletin)
        if pending is not None:
            with name_lock(pending.folder, f"a correction of {bulletin} is being built; approve it when it is done."):
                with_state(corrections_root(root), pending.episode, APPROVED)  # so it is on air once in place
                replace_folder(pending.folder, found.folder)
            log.warning("%s: the correction replaced the bulletin (the same guid in the feeds).", bulletin)
            return find(root, bulletin)
        if found.episode.state == DRAFT:
            return Bulletin(found.id, found.folder, with_state(root, found.episode, APPROVED))
        return found


def approve(config: Config, bulletin: str) -> Approved:
    """Approve the bulletin for air and publish the folder, as ``bulletin publish`` does (when the
    configuration says where it is served; otherwise it goes out with the next publish)."""
    root = Path(config.settings.output.dir)
    found = mark_approved(root, bulletin)
    if not config.settings.publish.base_url:
        log.warning(
            "%s is approved; set [publish] base_url to publish it (it goes out with the next publish).", bulletin
        )
        return Approved(found, None)
    try:
        result = publish_folder(config)
    except LockedError as exc:  # e.g. the daily run that waits for this very approval
        log.warning(
            "%s is approved but not published now: %s It goes out with the station's next publish from "
            "this folder (a daily run waiting for this approval publishes it at once).",
            bulletin,
            str(exc).rsplit(";", 1)[0] + ".",
        )
        return Approved(find(root, bulletin), None)
    return Approved(find(root, bulletin), result)


def approved(root: Path, bulletin: str) -> bool:
    """Whether the bulletin may go on air as it is: approved or published, no correction waiting."""
    return find(root, bulletin).episode.state in ON_AIR and correction(root, bulletin) is None


def wait_for_approval(
    root: Path,
    bulletin: str,
    seconds: float,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """Wait up to ``seconds`` for the bulletin to be approved (in the studio, through the API or
    with ``bulletin approve``): True once it is, False at the deadline."""
    deadline = clock() + seconds
    while True:
        if approved(root, bulletin):
            return True
        left = deadline - clock()
        if left <= 0:
            return False
        sleep(min(POLL_S, left))
