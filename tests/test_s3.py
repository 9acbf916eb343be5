"""Publishing to S3: the real boto3 against a real S3 endpoint (moto's server) on loopback,
configured the way a user does it (AWS_ENDPOINT_URL and keys in the environment). Every
request the client sends is recorded from boto3's own event hooks; nothing above HTTP is faked."""

from __future__ import annotations

import json
import re
import shutil
import socket
from datetime import datetime
from pathlib import Path

import boto3
import feedparser
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import EndpointConnectionError
from mutagen.mp3 import MP3

from conftest import AMSTERDAM, PAGES, run, served

BASE = "https://nieuws.example.org/bulletin/"
TIMES = ("2026-11-27T07:00", "2026-11-27T08:00")  # the second is the newest
SHORT_MAX_AGE = 300  # a correction replaces a bulletin's files under their names: a CDN must ask again soon
SITE_ORDER = ("latest.mp3", "latest.json", "latest.m3u", "flash-briefing.json", "index.html", "feed.xml")
EXIT_PUBLISH = 6
CHAPTERS = "application/json+chapters"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two short bulletins (offline voice, no sounders), not yet published; tests copy the folder."""
    out = tmp_path_factory.mktemp("built")
    mp3s = []
    for when in TIMES:
        result = run(
            "build",
            str(PAGES / "kort.txt"),
            "--engine",
            "espeak",
            "--no-sounders",
            "-o",
            str(out),
            "--at",
            when,
            "-q",
            "--base-url",
            BASE,
        )
        assert result.exit_code == 0, result.stderr
        mp3s.append(served(Path(result.stdout.strip())).relative_to(out).as_posix())  # the name fed
    return out, mp3s


@pytest.fixture
def folder(built, tmp_path):
    out, mp3s = built
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    return copy, mp3s


@pytest.fixture
def sent(monkeypatch):
    """(operation, key) of every request bulletin's boto3 clients send, in order."""
    calls: list[tuple[str, str]] = []
    original = boto3.session.Session.client

    def client(self, *args, **kwargs):
        made = original(self, *args, **kwargs)
        made.meta.events.register(
            "before-parameter-build.s3", lambda params, model, **_: calls.append((model.name, params.get("Key", "")))
        )
        return made

    monkeypatch.setattr(boto3.session.Session, "client", client)
    return calls


OWN = ".bulletin/"  # the station's lease and state: written by every run, never published


def puts(calls: list[tuple[str, str]]) -> list[str]:
    """The published files put in the bucket (not the station's own lease and state)."""
    return [key for operation, key in calls if operation == "PutObject" and OWN not in key]


def keys(client, bucket: str, prefix: str = "") -> set[str]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return {item["Key"] for page in pages for item in page.get("Contents", [])}


def body(client, bucket: str, key: str) -> bytes:
    return client.get_object(Bucket=bucket, Key=key)["Body"].read()


def publish(out: Path, bucket: str, *extra: str):
    return run("publish", "-o", str(out), "--base-url", BASE, "--to", f"s3://{bucket}/nieuws/", *extra)


def sidecar(audio: Path, suffix: str) -> Path:
    """A bulletin's other file: named by its stem, whichever version the audio's name carries."""
    return audio.with_name(audio.name.split(".", 1)[0] + suffix)


VERSION = re.compile(r"\.[0-9a-f]{8}\.")  # in a versioned audio file's name
YEAR_S = 31_536_000


def max_age(cache_control: str) -> int:
    return int(re.search(r"max-age=(\d+)", cache_control).group(1))


# --- what lands in the bucket --------------------------------------------------------------


def test_publish_puts_every_file_with_its_type_and_cache_header(folder, aws, sent):
    out, mp3s = folder
    client, bucket = aws
    result = publish(out, bucket)
    assert result.exit_code == 0, result.stderr
    local = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")}
    # An audio file's unversioned twin (x.mp3 beside x.3f2a9c1e.mp3) stays in the folder.
    local -= {VERSION.sub(".", name) for name in local if VERSION.search(name)}
    published = {key for key in keys(client, bucket) if OWN not in key}  # not the show's kept identity
    assert published == {f"nieuws/{name}" for name in local}
    for name in (*SITE_ORDER, "cover.jpg", *mp3s):
        assert body(client, bucket, f"nieuws/{name}") == (out / name).read_bytes()
    types = {
        ".mp3": "audio/mpeg",
        ".xml": "application/rss+xml",
        ".json": "application/json",
        ".vtt": "text/vtt",
        ".srt": "application/x-subrip",
        ".jpg": "image/jpeg",
        ".html": "text/html",
        ".m3u": "audio/x-mpegurl",
        ".txt": "text/plain",
    }
    for key in published:
        head = client.head_object(Bucket=bucket, Key=key)
        chapters = key.endswith(".chapters.json")  # Podcast Index's own type
        assert head["ContentType"].split(";")[0] == (CHAPTERS if chapters else types[Path(key).suffix]), key
        if VERSION.search(key):  # its bytes never change: cached for good
            assert head["CacheControl"] == f"public, max-age={YEAR_S}, immutable", key
        else:
            assert max_age(head["CacheControl"]) <= SHORT_MAX_AGE and "immutable" not in head["CacheControl"], key
    assert f"s3://{bucket}/nieuws/: upload {len(local)} " in result.stdout


def test_media_go_up_first_and_the_feed_last(folder, aws, sent):
    out, _ = folder
    _, bucket = aws
    assert publish(out, bucket).exit_code == 0
    order = [key.removeprefix("nieuws/") for key in puts(sent)]
    dated = [i for i, key in enumerate(order) if re.match(r"\d{4}-\d{2}-\d{2}/", key)]
    site = [order.index(name) for name in SITE_ORDER]
    assert max(dated) < order.index("cover.jpg") < min(site)
    assert site == sorted(site) and order[-1] == "feed.xml"


def test_publishing_again_uploads_no_audio(folder, aws, sent):
    out, _ = folder
    _, bucket = aws
    assert publish(out, bucket).exit_code == 0
    first = len(puts(sent))
    sent.clear()
    again = publish(out, bucket)
    assert again.exit_code == 0, again.stderr
    assert puts(sent) == []  # the feeds are rebuilt byte for byte, so nothing at all goes up again
    assert not [operation for operation, _ in sent if operation == "HeadObject"]  # the listing's ETags sufficed
    assert f"upload 0 (0 KiB), {first} unchanged, delete 0" in again.stdout


def test_latest_is_the_newest_bulletin_in_the_folder_and_the_bucket(folder, aws):
    out, mp3s = folder
    client, bucket = aws
    assert publish(out, bucket).exit_code == 0
    newest = (out / mp3s[1]).read_bytes()
    assert (out / "latest.mp3").read_bytes() == newest
    assert body(client, bucket, "nieuws/latest.mp3") == newest
    record = json.loads(body(client, bucket, "nieuws/latest.json"))
    assert datetime.fromisoformat(record["published"]) == datetime.fromisoformat(TIMES[1]).replace(tzinfo=AMSTERDAM)
    assert record["url"] == BASE + mp3s[1]
    assert record["duration"] == pytest.approx(MP3(out / mp3s[1]).info.length, abs=0.1)
    assert record["transcript"].endswith(".vtt") and record["chapters"].endswith(".chapters.json")
    for url in (record["transcript"], record["chapters"], record["transcript_srt"]):
        assert url.startswith(BASE) and (out / url[len(BASE) :]).is_file()
    playlist = body(client, bucket, "nieuws/latest.m3u").decode().splitlines()
    assert playlist[0] == "#EXTM3U" and playlist[1].startswith("#EXTINF:") and playlist[2] == record["url"]
    assert record["title"].replace(", ", " · ") in playlist[1] and playlist[1].count(",") == 1  # VLC splits on a comma


def test_latest_of_an_older_format_goes_from_the_folder_and_the_bucket(folder, aws):
    """After MP3 bulletins, a WAV one is the newest: latest.mp3 (an older bulletin) must not stay."""
    out, _ = folder
    client, bucket = aws
    assert publish(out, bucket).exit_code == 0
    assert "nieuws/latest.mp3" in keys(client, bucket)
    built = run(
        "build",
        str(PAGES / "kort.txt"),
        "--engine",
        "espeak",
        "--no-sounders",
        "-o",
        str(out),
        "-q",
        "--at",
        "2026-11-27T09:00",
        "--format",
        "wav",
        "--base-url",
        BASE,
    )
    assert built.exit_code == 0, built.stderr
    wav = Path(built.stdout.strip())
    result = publish(out, bucket)
    assert result.exit_code == 0, result.stderr
    assert (out / "latest.wav").read_bytes() == wav.read_bytes() and not (out / "latest.mp3").exists()
    latest = {k for k in keys(client, bucket) if k.startswith("nieuws/latest.")}
    assert latest == {"nieuws/latest.wav", "nieuws/latest.json", "nieuws/latest.m3u"}
    assert body(client, bucket, "nieuws/latest.wav") == wav.read_bytes()
    assert "delete 1" in result.stdout  # said, though old bulletins are kept (no delete_old_audio)


def test_retention_one_with_delete_old_audio_leaves_one_bulletin(folder, aws, tmp_path):
    out, mp3s = folder
    client, bucket = aws
    assert publish(out, bucket).exit_code == 0
    config = tmp_path / "bulletin.toml"
    config.write_text("[publish]\nretention = 1\ndelete_old_audio = true\n", "utf-8")
    result = publish(out, bucket, "--config", str(config))
    assert result.exit_code == 0, result.stderr
    audio = [k for k in keys(client, bucket) if k.endswith(".mp3") and not k.endswith(".alexa.mp3")]
    assert sorted(audio) == sorted(["nieuws/latest.mp3", f"nieuws/{mp3s[1]}"])
    oldest_stem = mp3s[0].split(".")[0]
    assert not [k for k in keys(client, bucket) if k.startswith(f"nieuws/{oldest_stem}")]
    feed = feedparser.parse(body(client, bucket, "nieuws/feed.xml"))
    assert [e.enclosures[0].href for e in feed.entries] == [BASE + mp3s[1]]
    assert re.search(r"delete [1-9]\d*$", result.stdout.strip())


def test_other_files_under_the_prefix_are_never_deleted(folder, aws, tmp_path):
    out, _ = folder
    client, bucket = aws
    client.put_object(Bucket=bucket, Key="nieuws/about/team.html", Body=b"<p>team</p>")
    client.put_object(Bucket=bucket, Key="andere-zender/2026-11-27/x.mp3", Body=b"not ours")
    config = tmp_path / "bulletin.toml"
    config.write_text("[publish]\nretention = 1\ndelete_old_audio = true\n", "utf-8")
    assert publish(out, bucket, "--config", str(config)).exit_code == 0
    assert {"nieuws/about/team.html", "andere-zender/2026-11-27/x.mp3"} <= keys(client, bucket)


def test_dry_run_lists_and_changes_nothing(folder, aws, sent):
    out, mp3s = folder
    client, bucket = aws
    result = publish(out, bucket, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert f"would upload s3://{bucket}/nieuws/{mp3s[1]}" in result.stdout
    assert "dry run:" in result.stdout
    assert puts(sent) == [] and keys(client, bucket) == set()


def test_build_and_daily_publish_to_the_target(aws, tmp_path, sent):
    client, bucket = aws
    config = tmp_path / "bulletin.toml"
    config.write_text(
        f'[output]\ndir = "out"\n[voice]\nengine = "espeak"\n[sounders]\nenabled = false\n'
        f'[publish]\nbase_url = "{BASE}"\ntarget = "s3://{bucket}/station-a/"\n'
        f'[[sources]]\nname = "binnenland"\nlocation = "{PAGES / "kort.txt"}"\n',
        "utf-8",
    )
    built = run("build", str(PAGES / "kort.txt"), "--config", str(config), "--at", TIMES[0], "--publish")
    assert built.exit_code == 0, built.stderr
    assert f"s3://{bucket}/station-a/: upload" in built.stdout
    daily = run("daily", "--config", str(config), "--at", TIMES[1])
    assert daily.exit_code == 0, daily.stderr
    assert f"published to s3://{bucket}/station-a/" in daily.stdout
    feed = feedparser.parse(body(client, bucket, "station-a/feed.xml"))
    assert len(feed.entries) == 2


# --- failures: one line, non-zero exit, the feed in the bucket untouched --------------------


def test_daily_with_an_unreachable_bucket_logs_the_failure_and_the_next_run_publishes(aws, tmp_path):
    client, bucket = aws
    config = tmp_path / "bulletin.toml"
    config.write_text(
        f'[output]\ndir = "out"\n[voice]\nengine = "espeak"\n[sounders]\nenabled = false\n'
        f'[publish]\nbase_url = "{BASE}"\ntarget = "s3://nog-niet-{bucket}/"\n[daily]\nlog_file = "runs.jsonl"\n'
        f'[[sources]]\nname = "binnenland"\nlocation = "{PAGES / "kort.txt"}"\n',
        "utf-8",
    )
    failed = run("daily", "--config", str(config), "--at", TIMES[0])
    one_error_line(failed, "does not exist")
    client.create_bucket(Bucket=f"nog-niet-{bucket}")
    again = run("daily", "--config", str(config), "--at", TIMES[0])
    assert again.exit_code == 0, again.stderr
    assert "built " in again.stdout and f"published to s3://nog-niet-{bucket}/" in again.stdout
    first, second = (json.loads(line) for line in (tmp_path / "runs.jsonl").read_text("utf-8").splitlines())
    assert first["status"] == "failed" and first["exit"] == EXIT_PUBLISH and "does not exist" in first["error"]
    assert second["status"] == "built" and second["uploaded"] == len(
        {key for key in keys(client, f"nog-niet-{bucket}") if not key.startswith(OWN)}
    )


def one_error_line(result, *words: str) -> str:
    assert result.exit_code == EXIT_PUBLISH, (result.stdout, result.stderr)
    (line,) = result.stderr.strip().splitlines()
    for word in words:
        assert word in line, line
    return line


def test_missing_bucket(folder, aws):
    out, _ = folder
    one_error_line(publish(out, "geen-emmer"), "'geen-emmer' does not exist", "unchanged")


def test_no_credentials(folder, aws, monkeypatch):
    out, _ = folder
    _, bucket = aws
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    one_error_line(publish(out, bucket), "no usable AWS credentials", "AWS_ACCESS_KEY_ID")


def test_unknown_profile_is_a_configuration_error(folder, aws):
    out, _ = folder
    _, bucket = aws
    result = publish(out, bucket, "--profile", "zender-b")
    assert result.exit_code == 1 and "'zender-b' not found" in result.stderr


def test_endpoint_down(folder, aws, monkeypatch):
    out, _ = folder
    _, bucket = aws
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{closed}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    one_error_line(publish(out, bucket), "cannot reach the S3 endpoint", "unchanged")


def test_a_target_that_is_not_s3_is_refused(folder, aws):
    out, _ = folder
    result = run("publish", "-o", str(out), "--base-url", BASE, "--to", "https://example.org/pod/")
    assert result.exit_code == 1 and "s3://BUCKET/PREFIX/" in result.stderr


def answer(status: int, code: str) -> AWSResponse:
    xml = f"<?xml version='1.0'?><Error><Code>{code}</Code><Message>{code}</Message></Error>".encode()
    return AWSResponse("http://s3", status, {"Content-Type": "application/xml"}, _Raw(xml))


class _Raw:
    """The raw stream an AWSResponse reads its body from."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: object):
        yield self.data


def fail_puts(monkeypatch, when, make_error):
    """Every PutObject whose key satisfies ``when`` fails at the HTTP layer with ``make_error()``."""
    original = boto3.session.Session.client

    def client(self, *args, **kwargs):
        made = original(self, *args, **kwargs)

        def before_send(request, **_):
            if when(request.url):
                outcome = make_error()
                if isinstance(outcome, Exception):
                    raise outcome
                return outcome
            return None

        made.meta.events.register("before-send.s3.PutObject", before_send)
        return made

    monkeypatch.setattr(boto3.session.Session, "client", client)


def test_access_denied_midway_leaves_the_previous_feed(folder, aws, tmp_path, monkeypatch, sent):
    out, mp3s = folder
    client, bucket = aws
    newest = out / mp3s[1]
    older = tmp_path / "older"  # the folder as it was before the newest bulletin
    shutil.copytree(out, older)
    for path in (older / mp3s[1]).parent.glob(newest.name.split(".")[0] + ".*"):
        path.unlink()
    assert publish(older, bucket).exit_code == 0
    old_feed = body(client, bucket, "nieuws/feed.xml")
    sent.clear()
    fail_puts(monkeypatch, lambda url: url.endswith(sidecar(newest, ".srt").name), lambda: answer(403, "AccessDenied"))
    one_error_line(publish(out, bucket), "access denied", "PutObject", "unchanged")
    assert body(client, bucket, "nieuws/feed.xml") == old_feed
    assert f"nieuws/{mp3s[1]}" in puts(sent)  # the media before the failure went up...
    assert "nieuws/feed.xml" not in puts(sent) and "nieuws/latest.json" not in puts(sent)  # ...nothing after


def test_throttling_is_retried_and_a_dead_connection_stops_before_the_feed(folder, aws, monkeypatch, sent):
    out, mp3s = folder
    client, bucket = aws
    seen: dict[str, int] = {}

    def once(url: str) -> bool:  # the first try of each file is throttled; the retry goes through
        seen[url] = seen.get(url, 0) + 1
        return seen[url] == 1 and url.endswith(".vtt")

    fail_puts(monkeypatch, once, lambda: answer(503, "SlowDown"))
    assert publish(out, bucket).exit_code == 0
    vtt = sidecar(Path(mp3s[1]), ".vtt").as_posix()
    assert body(client, bucket, f"nieuws/{vtt}") == (out / vtt).read_bytes()
    assert sum(n > 1 for n in seen.values()) >= 2  # both bulletins' transcripts were tried twice

    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    client.delete_object(Bucket=bucket, Key="nieuws/index.html")  # so that it goes up again
    sent.clear()
    fail_puts(
        monkeypatch,
        lambda url: url.endswith("/index.html"),
        lambda: EndpointConnectionError(endpoint_url="http://127.0.0.1"),
    )
    one_error_line(publish(out, bucket), "cannot reach", "unchanged")
    assert "nieuws/index.html" in puts(sent) and "nieuws/feed.xml" not in puts(sent)


def test_an_etag_that_is_not_the_md5_falls_back_to_our_checksum(folder, aws, sent):
    """Providers with SSE-KMS or multipart copies give ETags that are not the MD5; the md5
    metadata bulletin writes tells that the bytes are already there."""
    out, mp3s = folder
    client, bucket = aws
    assert publish(out, bucket).exit_code == 0
    key = f"nieuws/{mp3s[0]}"
    data = (out / mp3s[0]).read_bytes()
    head = client.head_object(Bucket=bucket, Key=key)
    part = client.create_multipart_upload(
        Bucket=bucket,
        Key=key,
        Metadata=head["Metadata"],
        ContentType=head["ContentType"],
        CacheControl=head["CacheControl"],
    )
    etag = client.upload_part(Bucket=bucket, Key=key, UploadId=part["UploadId"], PartNumber=1, Body=data)["ETag"]
    client.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=part["UploadId"], MultipartUpload={"Parts": [{"ETag": etag, "PartNumber": 1}]}
    )
    assert "-" in client.head_object(Bucket=bucket, Key=key)["ETag"]
    sent.clear()
    assert publish(out, bucket).exit_code == 0
    assert ("HeadObject", key) in sent and puts(sent) == []


@pytest.mark.parametrize(
    "url, bucket, prefix",
    [
        ("s3://pod/nieuws/", "pod", "nieuws/"),
        ("s3://pod/nieuws", "pod", "nieuws/"),
        ("s3://pod", "pod", ""),
        ("s3://pod/", "pod", ""),
        ("s3://my.pod-1/a/b/", "my.pod-1", "a/b/"),
    ],
)
def test_targets(url, bucket, prefix):
    from bulletin.storage.bucket import parse_target

    target = parse_target(url)
    assert (target.bucket, target.prefix, str(target)) == (bucket, prefix, f"s3://{bucket}/{prefix}")


@pytest.mark.parametrize(
    "url", ["https://pod/nieuws/", "s3://", "s3://Pod/", "s3://p/", "pod/nieuws", "s3://pod/../etc/", "s3://pod/a//b/"]
)
def test_bad_targets(url):
    from bulletin.core.errors import ConfigError
    from bulletin.storage.bucket import parse_target

    with pytest.raises(ConfigError, match="target"):
        parse_target(url)


# --- a rebuild never changes what was served as immutable (issue 24) -----------------------


def _build_into(out: Path, page: Path) -> Path:
    args = ["build", page, "--engine", "espeak", "--no-sounders", "-o", out, "--at", TIMES[1], "-q"]
    result = run(*args, "--base-url", BASE)
    assert result.exit_code == 0, result.stderr
    return Path(result.stdout.strip())


def _enclosures(client, bucket: str) -> dict[str, str]:
    feed = feedparser.parse(body(client, bucket, "nieuws/feed.xml"))
    return {entry.id: entry.enclosures[0].href.removeprefix(BASE) for entry in feed.entries}


def test_a_rebuild_of_the_same_minute_gets_a_new_key_and_the_old_object_stays_as_served(tmp_path, aws, sent):
    client, bucket = aws
    out = tmp_path / "out"
    first = served(_build_into(out, PAGES / "kort.txt")).relative_to(out).as_posix()
    assert publish(out, bucket).exit_code == 0
    served_before = body(client, bucket, f"nieuws/{first}")
    head = client.head_object(Bucket=bucket, Key=f"nieuws/{first}")
    assert head["CacheControl"] == f"public, max-age={YEAR_S}, immutable"
    (guid,) = _enclosures(client, bucket)

    edited = tmp_path / "bewerkt.txt"  # the editor fixed a word: the same minute, other audio
    edited.write_text((PAGES / "kort.txt").read_text("utf-8").replace("twee dagen", "drie dagen", 1), "utf-8")
    second = served(_build_into(out, edited)).relative_to(out).as_posix()
    assert second != first and Path(second).parent == Path(first).parent  # its folder, a new name
    sent.clear()
    assert publish(out, bucket).exit_code == 0
    assert f"nieuws/{first}" not in puts(sent)  # never written again...
    assert body(client, bucket, f"nieuws/{first}") == served_before  # ...so as served, for whoever cached it
    assert _enclosures(client, bucket) == {guid: second}  # the same episode, at its new key
    assert client.head_object(Bucket=bucket, Key=f"nieuws/{second}")["CacheControl"].endswith("immutable")

    # The next publish removes the superseded version: the feed has named the new one for a run.
    assert publish(out, bucket).exit_code == 0
    assert f"nieuws/{first}" not in keys(client, bucket) and f"nieuws/{second}" in keys(client, bucket)


def test_a_rebuild_with_the_same_audio_keeps_its_key_and_uploads_no_audio(tmp_path, aws, sent):
    _, bucket = aws
    out = tmp_path / "out"
    first = served(_build_into(out, PAGES / "kort.txt")).relative_to(out).as_posix()
    assert publish(out, bucket).exit_code == 0
    again = served(_build_into(out, PAGES / "kort.txt")).relative_to(out).as_posix()
    assert again == first  # the name follows the bytes
    sent.clear()
    assert publish(out, bucket).exit_code == 0
    assert not [key for key in puts(sent) if key.endswith(".mp3") and "latest" not in key]
