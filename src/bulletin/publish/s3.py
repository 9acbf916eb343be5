"""Copy the published folder to S3-compatible object storage (Amazon S3, Cloudflare R2,
Backblaze B2, MinIO, DigitalOcean Spaces, Scaleway) with boto3.

Credentials, region and endpoint come only from the standard AWS chain
(environment, ``~/.aws/config`` profile, ``AWS_ENDPOINT_URL``), never from
bulletin's own files. Every state a listener can see is consistent: the
media go up first, then ``latest.*`` and the feeds, ``feed.xml`` last, and
old files are deleted only once the new feed no longer names them. A file
whose bytes the bucket already holds is not uploaded again.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bulletin.core.errors import ConfigError, PublishError
from bulletin.formats import FORMATS
from bulletin.publish.latest import LATEST
from bulletin.publish.mediatypes import content_type

log = logging.getLogger(__name__)

SCHEME = "s3://"
# A bucket name as S3 allows it (3-63 lowercase letters, digits, dots and hyphens).
BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
# The dated folders a build writes (outputs.output_stem): the only place objects are ever deleted.
DATED_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}/")
# Every object: a CDN shows a new bulletin within 5 minutes, and a correction too. Nothing is
# immutable: a correction (or a rebuild in the same minute) replaces a bulletin's files under
# the same names, and listeners must not hear the old one for days.
MAX_AGE_S = 300
CACHE = f"public, max-age={MAX_AGE_S}"
MD5_METADATA = "md5"  # our own checksum, for providers whose ETag is not the MD5 (e.g. SSE-KMS)
AFTER_FEED = "The new feed is up; the old files left in the bucket are deleted by the next publish."
CONNECT_TIMEOUT_S = 10
READ_TIMEOUT_S = 60
KIB = 1024
MIB = KIB * KIB
# S3 error codes, by what the user has to do about them.
MISSING_BUCKET = {"NoSuchBucket"}
DENIED = {"AccessDenied", "AllAccessDisabled", "403", "Forbidden"}
BAD_CREDENTIALS = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "InvalidToken",
    "ExpiredToken",
    "TokenRefreshRequired",
}


@dataclass(frozen=True)
class S3Target:
    """A bucket and a key prefix (``""`` or ending in ``/``), and the AWS profile to use."""

    bucket: str
    prefix: str
    profile: str | None = None

    def key(self, relative: str) -> str:
        """The object key of a file in the output folder."""
        return self.prefix + relative

    def __str__(self) -> str:
        return f"{SCHEME}{self.bucket}/{self.prefix}"


def parse_target(url: str, profile: str | None = None) -> S3Target:
    """``s3://BUCKET/PREFIX/`` as a target; anything else is a configuration error."""
    if not url.startswith(SCHEME):
        raise ConfigError(f"[publish] target must look like s3://BUCKET/PREFIX/, got {url!r}.")
    bucket, _, prefix = url[len(SCHEME) :].partition("/")
    if not BUCKET.match(bucket):
        raise ConfigError(
            f"{bucket!r} in [publish] target {url!r} is not a bucket name (3-63 characters: "
            "lowercase letters, digits, dots and hyphens)."
        )
    prefix = prefix.strip("/")
    return S3Target(bucket, f"{prefix}/" if prefix else "", profile or None)


@dataclass(frozen=True)
class Upload:
    """One file to put in the bucket: its path relative to the output folder, and its headers."""

    relative: str
    path: Path
    cache_control: str

    @property
    def content_type(self) -> str:
        """From the one table of types, the same one ``bulletin serve`` answers with."""
        return content_type(self.path.suffix)


@dataclass
class UploadReport:
    """What a publish did in the bucket (or, in a dry run, would do)."""

    target: str
    uploaded: list[str] = field(default_factory=list)
    unchanged: int = 0
    deleted: list[str] = field(default_factory=list)
    bytes_uploaded: int = 0
    dry_run: bool = False

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


def plan(root: Path, episode_files: Sequence[Path], site: Sequence[Path]) -> list[Upload]:
    """Every file in upload order: the bulletins' files, then the site's files in the order given."""
    return [Upload(p.relative_to(root).as_posix(), p, CACHE) for p in (*episode_files, *site)]


def _md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _client(target: S3Target) -> Any:
    try:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import ProfileNotFound
    except ImportError:
        raise ConfigError("publishing to s3:// needs boto3: pip install 'bulletin[s3]'.") from None
    try:
        session = boto3.Session(profile_name=target.profile)
    except ProfileNotFound:
        raise ConfigError(
            f"AWS profile {target.profile!r} not found in ~/.aws/config or ~/.aws/credentials; "
            "fix [publish] aws_profile or --profile."
        ) from None
    # Standard retry mode: bounded tries with backoff on throttling and 5xx (AWS_MAX_ATTEMPTS sets how many).
    return session.client(
        "s3",
        config=Config(retries={"mode": "standard"}, connect_timeout=CONNECT_TIMEOUT_S, read_timeout=READ_TIMEOUT_S),
    )


def _listing(client: Any, target: S3Target) -> dict[str, tuple[int, str]]:
    """Every object under the prefix: relative key -> (size, ETag without quotes)."""
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=target.bucket, Prefix=target.prefix):
        for item in page.get("Contents", []):
            found[item["Key"][len(target.prefix) :]] = (item["Size"], item["ETag"].strip('"'))
    return found


def _holds(client: Any, target: S3Target, item: Upload, data: bytes, remote: tuple[int, str] | None) -> bool:
    """Whether the bucket already has these bytes under this key."""
    if remote is None or remote[0] != len(data):
        return False
    digest = _md5(data)
    if remote[1] == digest:  # a single-part upload's ETag is its MD5 on S3 and most compatibles
        return True
    head = client.head_object(Bucket=target.bucket, Key=target.key(item.relative))
    return bool(head.get("Metadata", {}).get(MD5_METADATA) == digest)


def _put(client: Any, target: S3Target, item: Upload, data: bytes) -> None:
    digest = hashlib.md5(data, usedforsecurity=False)
    client.put_object(
        Bucket=target.bucket,
        Key=target.key(item.relative),
        Body=data,
        ContentType=item.content_type,
        CacheControl=item.cache_control,
        ContentMD5=base64.b64encode(digest.digest()).decode("ascii"),
        Metadata={MD5_METADATA: digest.hexdigest()},
    )


def _stale(listing: dict[str, tuple[int, str]], uploads: Sequence[Upload], delete_old: bool) -> list[str]:
    """Objects to delete: a ``latest.<suffix>`` the folder no longer has (an older bulletin's format),
    bulletins past retention (only with ``delete_old``) and nothing else.

    Only those names and keys in dated folders are candidates, so other files under the prefix stay.
    """
    current = {item.relative for item in uploads}
    latest_audio = {LATEST + audio.suffix for audio in FORMATS}  # latest.mp3, latest.wav, ...
    stale_latest = [key for key in listing if key in latest_audio and key not in current]
    if not delete_old:
        return sorted(stale_latest)
    return sorted([*stale_latest, *(key for key in listing if DATED_FOLDER.match(key) and key not in current)])


def upload_site(
    target: S3Target, uploads: Sequence[Upload], *, delete_old: bool, dry_run: bool = False
) -> UploadReport:
    """Put ``uploads`` in the bucket in their order, skipping what is there already, then delete
    old bulletins. A failure stops at once: what comes later (the feed last) is not touched."""
    report = UploadReport(str(target), dry_run=dry_run)
    client = _client(target)
    with _s3_errors(target, lambda: _state_before_feed(report)):
        listing = _listing(client, target)
        for item in uploads:
            data = item.path.read_bytes()
            if _holds(client, target, item, data, listing.get(item.relative)):
                report.unchanged += 1
                continue
            if not dry_run:
                _put(client, target, item, data)
            log.info("%s %s%s", "would upload" if dry_run else "uploaded", target, item.relative)
            report.uploaded.append(item.relative)
            report.bytes_uploaded += len(data)
    with _s3_errors(target, lambda: AFTER_FEED):
        for relative in _stale(listing, uploads, delete_old):
            if not dry_run:  # one at a time: DeleteObjects needs Content-MD5 some compatibles reject
                client.delete_object(Bucket=target.bucket, Key=target.key(relative))
            log.info("%s %s%s", "would delete" if dry_run else "deleted", target, relative)
            report.deleted.append(relative)
    return report


@contextmanager
def _s3_errors(target: S3Target, state: Callable[[], str]) -> Iterator[None]:
    """Turn boto3's exceptions into one line that names the cause and says what state the bucket is in."""
    from botocore import exceptions as aws

    try:
        yield
    except (aws.NoCredentialsError, aws.PartialCredentialsError, aws.CredentialRetrievalError) as exc:
        cause = (
            f"no usable AWS credentials ({exc}): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
            "or name a profile with [publish] aws_profile or --profile"
        )
        raise PublishError(f"cannot publish to {target}: {cause}. {state()}") from None
    except (aws.ConnectionError, aws.HTTPClientError) as exc:
        cause = f"cannot reach the S3 endpoint ({exc}); check AWS_ENDPOINT_URL and the network"
        raise PublishError(f"cannot publish to {target}: {cause}. {state()}") from None
    except aws.ClientError as exc:
        raise PublishError(f"cannot publish to {target}: {_client_cause(exc, target)}. {state()}") from None
    except aws.BotoCoreError as exc:
        raise PublishError(f"cannot publish to {target}: {exc}. {state()}") from None


def _client_cause(exc: Any, target: S3Target) -> str:
    error = exc.response.get("Error", {})
    code = str(error.get("Code", ""))
    operation = exc.operation_name
    if code in MISSING_BUCKET:
        return f"bucket {target.bucket!r} does not exist there; create it or fix [publish] target"
    if code in DENIED:
        return (
            f"access denied ({operation}); the credentials need s3:ListBucket, s3:GetObject, "
            "s3:PutObject and s3:DeleteObject on it"
        )
    if code in BAD_CREDENTIALS:
        return f"the endpoint refused the credentials ({code}); check the key id, secret and profile"
    return f"{operation} failed: {code} {error.get('Message', '')}".rstrip()


def _state_before_feed(report: UploadReport) -> str:
    """What a reader of the bucket sees after a failed upload: the feed is always the last one."""
    done = len(report.uploaded)
    if not done:
        return "The bucket is unchanged."
    return (
        f"The feed in the bucket is unchanged ({done} new file{'s' if done != 1 else ''} went up before "
        "the failure; the next publish completes the rest)."
    )
