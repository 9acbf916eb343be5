"""The station's bucket: what it holds (its bulletins' manifests are the station's
state), and copying the published folder into it.

Every state a listener can see is consistent: a bulletin's files go up before
its manifest, the manifests before ``latest.*`` and the feeds, ``feed.xml``
last, and old files are deleted only once the new feed no longer names them.
So a manifest in the bucket means its bulletin's files are all there, and a
feed made from the bucket's manifests names only objects that exist. A file
whose bytes the bucket already holds is not uploaded again.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from collections.abc import Iterable, Mapping, Sequence, Set
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from bulletin.core.errors import InputError
from bulletin.formats import FORMATS
from bulletin.publish.episode import (
    MANIFEST_SUFFIX,
    Episode,
    check_paths,
    episode_paths,
    episode_prefix,
    files_prefix,
    own_folder,
    twins,
)
from bulletin.publish.latest import LATEST
from bulletin.publish.mediatypes import cache_control, content_type, is_versioned
from bulletin.storage import bucket
from bulletin.storage.atomic import link_or_copy, staged, staged_folder
from bulletin.storage.bucket import OWN_OBJECTS, S3Target, s3_errors

log = logging.getLogger(__name__)

# The dated folders a build writes (outputs.output_stem): the only place objects are ever deleted.
DATED_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}/")
# A bulletin's manifest: YYYY-MM-DD/<stem>/<stem>.episode.json, or YYYY-MM-DD/<stem>.episode.json
# from before bulletins had folders of their own.
MANIFEST_KEY = re.compile(
    r"^\d{4}-\d{2}-\d{2}/(?:(?P<folder>[^/.][^/]*)/)?(?P<stem>[^/.][^/]*)" + re.escape(MANIFEST_SUFFIX) + "$"
)
MANIFEST_READERS = 8  # manifests read side by side: a fresh machine reads a whole retention's worth
MAX_MANIFEST_BYTES = 1 << 20  # a manifest is a few hundred bytes; anything near this is not one
MD5_METADATA = "md5"  # our own checksum, for providers whose ETag is not the MD5 (e.g. SSE-KMS)
AFTER_FEED = "The new feed is up; the old files left in the bucket are deleted by the next publish."
DOING = "publish to"
KIB = 1024
MIB = KIB * KIB


@dataclass(frozen=True)
class Upload:
    """One file to put in the bucket: its path relative to the output folder, and its headers."""

    relative: str
    path: Path
    cache_control: str

    @property
    def content_type(self) -> str:
        """From the one table of types, the same one ``bulletin serve`` answers with."""
        return content_type(self.path.name)


@dataclass
class UploadReport:
    """What a publish did in the bucket (or, in a dry run, would do)."""

    target: str
    uploaded: list[str] = field(default_factory=list)
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)
    bytes_uploaded: int = 0
    dry_run: bool = False
    from_bucket: int = 0  # bulletins in the feed that only the bucket had (made on other machines)

    def summary(self) -> str:
        """One line: what went up, what was already there, what went away."""
        would = "would " if self.dry_run else ""
        return (
            f"{'dry run: ' if self.dry_run else ''}{self.target}: {would}upload {len(self.uploaded)} "
            f"({_size_text(self.bytes_uploaded)}), {self.unchanged} unchanged, "
            f"{would}delete {len(self.deleted)}"
        )


def _size_text(size: int) -> str:
    return f"{size / MIB:.1f} MiB" if size >= MIB else f"{size / KIB:.0f} KiB"


@dataclass(frozen=True)
class RemoteEpisode:
    """A bulletin as the bucket holds it: its manifest and the size of its enclosure."""

    episode: Episode
    size: int


@dataclass
class Station:
    """A station's prefix in its bucket, as read at the start of a publish: every object, and
    the bulletins whose manifests differ from (or are missing in) the local folder."""

    target: S3Target
    client: Any
    listing: dict[str, tuple[int, str]]  # relative key -> (size, ETag without quotes)
    episodes: dict[str, RemoteEpisode]  # by audio path
    same: frozenset[str]  # manifests (relative keys) the folder holds byte for byte
    # The key prefixes of bulletins whose manifests are not used (damaged, or of a newer bulletin
    # version): left out of the feed and left alone in the bucket, never deleted as old.
    rejected: frozenset[str] = frozenset()

    def download(self, relative: str, dest: Path) -> None:
        """Copy one object of the prefix to ``dest``."""
        with s3_errors(self.target, DOING, lambda: "The bucket is unchanged."):
            self.client.download_file(self.target.bucket, self.target.key(relative), str(dest))


def read_station(target: S3Target, local_manifests: Mapping[str, bytes]) -> Station:
    """List ``target``'s prefix and read the manifests the folder does not hold as they are
    (``local_manifests``: relative key -> the folder's bytes). A manifest that cannot be used
    (damaged, or naming files outside its bulletin's folder, or whose audio is missing) is
    reported and left out: a feed names only bulletins whose files are all there."""
    client = bucket.client(target, DOING)
    with s3_errors(target, DOING, lambda: "The bucket is unchanged."):
        listing = _listing(client, target)
        wanted, same = [], set()
        for key, (_size, etag) in listing.items():
            if not MANIFEST_KEY.match(key):
                continue
            if key in local_manifests and _md5(local_manifests[key]) == etag:
                same.add(key)
            else:
                wanted.append(key)
        with ThreadPoolExecutor(MANIFEST_READERS) as pool:
            texts = list(pool.map(lambda key: _get_small(client, target, key), wanted))
    episodes, rejected = {}, set()
    for key, raw in zip(wanted, texts, strict=True):
        try:
            episode = _checked(key, raw, listing, target)
        except InputError as exc:
            log.warning("%s", exc)
            rejected.add(files_prefix(key))
            continue
        episodes[episode.audio] = RemoteEpisode(episode, listing[episode.enclosure][0])
    return Station(target, client, listing, episodes, frozenset(same), frozenset(rejected))


def _get_small(client: Any, target: S3Target, key: str) -> bytes | None:
    """An object's bytes, or None when it is larger than any manifest can be."""
    answer = client.get_object(Bucket=target.bucket, Key=target.key(key))
    if int(answer.get("ContentLength", 0)) > MAX_MANIFEST_BYTES:
        answer["Body"].close()
        return None
    return bytes(answer["Body"].read(MAX_MANIFEST_BYTES + 1))


def _checked(key: str, raw: bytes | None, listing: Mapping[str, tuple[int, str]], target: S3Target) -> Episode:
    """The episode ``key`` describes, if every file it names lies in its own folder and is there."""
    where = f"{target}{key}"
    if raw is None:
        raise InputError(f"{where} is larger than any episode manifest; it is not used.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{where} is not UTF-8, so not an episode manifest; it is not used.") from None
    episode = Episode.from_json(text, where)
    check_paths(episode, PurePosixPath(key).parent, where)
    missing = [path for path in episode_paths(episode) if path not in listing]
    if missing:
        raise InputError(f"{where} names {missing[0]}, which the bucket does not hold; it is not used.")
    return episode


def plan(root: Path, episode_files: Sequence[Path], site: Sequence[Path]) -> list[Upload]:
    """Every file in upload order: the bulletins' files, then the site's files in the order given."""
    return [Upload(p.relative_to(root).as_posix(), p, cache_control(p.name)) for p in (*episode_files, *site)]


def _md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _listing(client: Any, target: S3Target) -> dict[str, tuple[int, str]]:
    """Every object under the prefix: relative key -> (size, ETag without quotes)."""
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=target.bucket, Prefix=target.prefix):
        for item in page.get("Contents", []):
            found[item["Key"][len(target.prefix) :]] = (item["Size"], item["ETag"].strip('"'))
    return found


def _holds(station: Station, item: Upload, data: bytes) -> bool:
    """Whether the bucket already has these bytes under this key."""
    remote = station.listing.get(item.relative)
    if remote is None or remote[0] != len(data):
        return False
    digest = _md5(data)
    if remote[1] == digest:  # a single-part upload's ETag is its MD5 on S3 and most compatibles
        return True
    head = station.client.head_object(Bucket=station.target.bucket, Key=station.target.key(item.relative))
    return bool(head.get("Metadata", {}).get(MD5_METADATA) == digest)


def _put(station: Station, item: Upload, data: bytes) -> None:
    digest = hashlib.md5(data, usedforsecurity=False)
    station.client.put_object(
        Bucket=station.target.bucket,
        Key=station.target.key(item.relative),
        Body=data,
        ContentType=item.content_type,
        CacheControl=item.cache_control,
        ContentMD5=base64.b64encode(digest.digest()).decode("ascii"),
        Metadata={MD5_METADATA: digest.hexdigest()},
    )


def _stale(
    listing: Mapping[str, tuple[int, str]],
    uploads: Sequence[Upload],
    keep: Iterable[str],
    named: Set[str],
    delete_old: bool,
) -> list[str]:
    """Objects to delete: a ``latest.<suffix>`` the folder no longer has (an older bulletin's format);
    a version of a kept bulletin's audio that no manifest names any more (``named``: superseded by
    a rebuild); and, only with ``delete_old``, files in dated folders that belong to no bulletin the
    feed keeps (``keep``: the key prefixes of those bulletins). Nothing else is ever touched."""
    current = {item.relative for item in uploads}
    kept = tuple(keep)
    latest_audio = {LATEST + audio.suffix for audio in FORMATS}  # latest.mp3, latest.wav, ...
    stale = [key for key in listing if key in latest_audio and key not in current]
    dated = [key for key in listing if DATED_FOLDER.match(key) and key not in current]
    stale += [key for key in dated if key.startswith(kept) and is_versioned(key) and key not in named]
    if delete_old:
        stale += [key for key in dated if not key.startswith(kept)]
    return sorted(stale)


def upload_site(
    station: Station,
    uploads: Sequence[Upload],
    keep: Iterable[str],
    named: Set[str] = frozenset(),
    *,
    delete_old: bool,
    dry_run: bool = False,
) -> UploadReport:
    """Put ``uploads`` in the bucket in their order, skipping what is there already, then delete
    old bulletins and superseded audio (see :func:`_stale`). A failure stops at once: what comes
    later (the feed last) is not touched."""
    target = station.target
    report = UploadReport(str(target), dry_run=dry_run)
    with s3_errors(target, DOING, lambda: _state_before_feed(report)):
        for item in uploads:
            data = item.path.read_bytes()
            if _holds(station, item, data):
                report.unchanged += 1
                continue
            if not dry_run:
                _put(station, item, data)
            log.info("%s %s%s", "would upload" if dry_run else "uploaded", target, item.relative)
            report.uploaded.append(item.relative)
            report.bytes_uploaded += len(data)
    with s3_errors(target, DOING, lambda: AFTER_FEED):
        for relative in _stale(station.listing, uploads, keep, named, delete_old):
            if not dry_run:  # one at a time: DeleteObjects needs Content-MD5 some compatibles reject
                station.client.delete_object(Bucket=target.bucket, Key=target.key(relative))
            log.info("%s %s%s", "would delete" if dry_run else "deleted", target, relative)
            report.deleted.append(relative)
    return report


def fetch_bulletin(station: Station, episode: Episode, root: Path) -> None:
    """Copy every file of a bulletin the bucket holds into the output folder ``root``: its
    folder appears whole in one step (a bulletin from before folders: each file whole)."""
    prefix = episode_prefix(episode)
    keys = [key for key in station.listing if key.startswith(prefix)]
    if own_folder(episode):
        with staged_folder(root / prefix.rstrip("/")) as folder:
            for key in keys:
                station.download(key, folder / PurePosixPath(key).name)
            for versioned, twin in twins(folder, episode):  # the bucket holds only the versioned names
                if versioned.is_file():
                    link_or_copy(versioned, twin)
        return
    with staged([root / key for key in keys]) as temps:
        for key, temp in zip(keys, temps, strict=True):
            station.download(key, temp)


def _state_before_feed(report: UploadReport) -> str:
    """What a reader of the bucket sees after a failed upload: the feed is always the last one."""
    done = len(report.uploaded)
    if not done:
        return "The bucket is unchanged."
    return (
        f"The feed in the bucket is unchanged ({done} new file{'s' if done != 1 else ''} went up before "
        "the failure; the next publish completes the rest)."
    )


def read_note(target: S3Target, name: str) -> bytes | None:
    """One of the station's own objects (under ``.bulletin/``), or None when there is none."""
    client = bucket.client(target, "read the station's state from")
    with s3_errors(target, "read the station's state from", lambda: "The bucket is unchanged."):
        try:
            answer = client.get_object(Bucket=target.bucket, Key=target.key(OWN_OBJECTS + name))
        except Exception as exc:
            if bucket.error_code(exc) in bucket.MISSING_KEY:
                return None
            raise
        return bytes(answer["Body"].read(MAX_MANIFEST_BYTES))


def write_note(target: S3Target, name: str, data: bytes) -> None:
    """Write one of the station's own objects."""
    client = bucket.client(target, "write the station's state to")
    with s3_errors(target, "write the station's state to"):
        client.put_object(
            Bucket=target.bucket,
            Key=target.key(OWN_OBJECTS + name),
            Body=data,
            ContentType="application/json",
            CacheControl="no-store",
        )
