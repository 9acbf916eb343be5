"""S3-compatible object storage (Amazon S3, Cloudflare R2, Backblaze B2, MinIO,
DigitalOcean Spaces, Scaleway) through boto3: where a bucket is, a client for
it, and boto3's failures as one line that names the cause.

Credentials, region and endpoint come only from the standard AWS chain
(environment, ``~/.aws/config`` profile, ``AWS_ENDPOINT_URL``), never from
bulletin's own files. Publishing, the station's lease and the shared segment
cache all reach their bucket through this module.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from bulletin.core.errors import ConfigError, PublishError

SCHEME = "s3://"
# A bucket name as S3 allows it (3-63 lowercase letters, digits, dots and hyphens).
BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL"
OWN_OBJECTS = ".bulletin/"  # a station's own objects under its prefix (its lease, its daily state): never published
CONNECT_TIMEOUT_S = 10
READ_TIMEOUT_S = 60
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
MISSING_KEY = {"NoSuchKey", "404", "NotFound"}
# A conditional write that lost: the key exists (If-None-Match), or changed (If-Match); a
# concurrent conditional write may be answered 409 instead (retry).
CONDITION_FAILED = {"PreconditionFailed", "412", "ConditionalRequestConflict", "409"}


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


def is_s3(location: str) -> bool:
    """Whether ``location`` names a bucket rather than a folder."""
    return location.startswith(SCHEME)


def parse_target(url: str, profile: str | None = None, setting: str = "[publish] target") -> S3Target:
    """``s3://BUCKET/PREFIX/`` as a target; anything else is a configuration error naming ``setting``."""
    if not is_s3(url):
        raise ConfigError(f"{setting} must look like s3://BUCKET/PREFIX/, got {url!r}.")
    bucket, _, prefix = url[len(SCHEME) :].partition("/")
    if not BUCKET.match(bucket):
        raise ConfigError(
            f"{bucket!r} in {setting} {url!r} is not a bucket name (3-63 characters: "
            "lowercase letters, digits, dots and hyphens)."
        )
    prefix = prefix.strip("/")
    if any(part in (".", "..") or not part for part in prefix.split("/")) and prefix:
        # keys such as "../etc/feed.xml" are stored, but no URL reaches them: the feed would be lost
        raise ConfigError(f"the prefix in {setting} {url!r} has an empty, '.' or '..' part; name the folder plainly.")
    return S3Target(bucket, f"{prefix}/" if prefix else "", profile or None)


def client(target: S3Target, doing: str = "publish to") -> Any:
    """A boto3 S3 client for ``target``'s profile, with bounded retries and timeouts."""
    try:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import ProfileNotFound
    except ImportError:
        raise ConfigError("s3:// locations need boto3: pip install 'bulletin[s3]'.") from None
    try:
        session = boto3.Session(profile_name=target.profile)
    except ProfileNotFound:
        raise ConfigError(
            f"AWS profile {target.profile!r} not found in ~/.aws/config or ~/.aws/credentials; "
            "fix [publish] aws_profile or --profile."
        ) from None
    try:
        # Standard retry mode: bounded tries with backoff on throttling and 5xx (AWS_MAX_ATTEMPTS sets how many).
        return session.client(
            "s3",
            config=Config(retries={"mode": "standard"}, connect_timeout=CONNECT_TIMEOUT_S, read_timeout=READ_TIMEOUT_S),
        )
    except ValueError as exc:  # botocore's "Invalid endpoint": a mistyped AWS_ENDPOINT_URL
        endpoint = os.environ.get(ENDPOINT_VARIABLE, "")
        raise PublishError(
            f"cannot {doing} {target}: {ENDPOINT_VARIABLE}={endpoint!r} is not a URL ({exc}); "
            "set it to the endpoint's address, e.g. https://ACCOUNT.r2.cloudflarestorage.com."
        ) from None


def error_code(exc: BaseException) -> str:
    """The S3 error code of a boto3 ``ClientError`` (``""`` for anything else)."""
    response = getattr(exc, "response", None)
    return str(response.get("Error", {}).get("Code", "")) if isinstance(response, dict) else ""


@contextmanager
def s3_errors(target: S3Target, doing: str, state: Callable[[], str] = lambda: "") -> Iterator[None]:
    """Turn boto3's exceptions into one PublishError line: what failed (``cannot {doing} {target}``),
    the probable cause and what to do, then ``state()``: what a reader of the bucket now sees."""
    from botocore import exceptions as aws

    def fail(cause: str) -> PublishError:
        return PublishError(f"cannot {doing} {target}: {cause}. {state()}".rstrip())

    try:
        yield
    except (aws.NoCredentialsError, aws.PartialCredentialsError, aws.CredentialRetrievalError) as exc:
        raise fail(
            f"no usable AWS credentials ({exc}): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
            "or name a profile with [publish] aws_profile or --profile"
        ) from None
    except (aws.ConnectionError, aws.HTTPClientError) as exc:
        raise fail(f"cannot reach the S3 endpoint ({exc}); check {ENDPOINT_VARIABLE} and the network") from None
    except aws.ClientError as exc:
        raise fail(_client_cause(exc, target)) from None
    except aws.BotoCoreError as exc:
        raise fail(str(exc)) from None


def _client_cause(exc: Any, target: S3Target) -> str:
    error = exc.response.get("Error", {})
    code = str(error.get("Code", ""))
    operation = exc.operation_name
    if code in MISSING_BUCKET:
        return f"bucket {target.bucket!r} does not exist there; create it or fix the s3:// location"
    if code in DENIED:
        return (
            f"access denied ({operation}); the credentials need s3:ListBucket, s3:GetObject, "
            "s3:PutObject and s3:DeleteObject on it"
        )
    if code in BAD_CREDENTIALS:
        return f"the endpoint refused the credentials ({code}); check the key id, secret and profile"
    return f"{operation} failed: {code} {error.get('Message', '')}".rstrip()
