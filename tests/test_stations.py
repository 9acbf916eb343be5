"""Many stations on many machines: stateless runs with the bucket as the only state.

Each "machine" is a folder of its own (working copy, segment cache, data) in which real
`bulletin` processes run; nothing is shared between machines but the bucket, a real S3
endpoint (moto's server, with conditional writes) on loopback, reached by the real boto3.
Speech is counted at the engine: every text espeak is asked to speak is written down by a
shim on the process's path (tests/fixtures/counting)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath

import feedparser
import pytest

from conftest import FIXTURES, PAGES, run, wait_until

BASE = "https://radio.example.org/noord/"
PREFIX = "noord/"
HOURS = ("2026-11-27T07:00", "2026-11-27T08:00", "2026-11-27T09:00")
COUNTING = FIXTURES / "counting"
EXIT_PUBLISH, EXIT_LOCKED = 6, 75
LEASE = f"{PREFIX}.bulletin/lease.json"
# One new story per hour, in a place no other story names.
NEW_BRIEFS = (
    "ASSEN (ANP) - De provincie Drenthe opent een nieuw fietspad langs het Noord-Willemskanaal.",
    "EMMEN (ANP) - Het dierenpark krijgt twee jonge olifanten uit een park in Duitsland.",
)
REGION = "us-east-1"
SHORT_LEASE = "1s"  # for a run that is killed: the next one takes over soon


class Machine:
    """One machine of a pool: its own working folder, cache and data; the bucket is all it shares."""

    def __init__(self, root: Path, bucket: str, *, lease: str = "5m", daily: str = "") -> None:
        root.mkdir()
        self.root, self.counted = root, root / "spoken.txt"
        (root / "bulletin.toml").write_text(
            f'[output]\ndir = "out"\n[voice]\nengine = "espeak"\n[sounders]\nenabled = false\n'
            f'[publish]\nbase_url = "{BASE}"\ntarget = "s3://{bucket}/{PREFIX}"\nalexa = false\n'
            f'retention = 2\ndelete_old_audio = true\nlease = "{lease}"\n'
            f'[cache]\nlocation = "s3://{bucket}/cache/"\n'
            f'[daily]\nlog_file = "runs.jsonl"\n{daily}\n'
            f'[[sources]]\nname = "noord"\nlocation = "nieuws.txt"\n',
            "utf-8",
        )

    def page(self, new: int) -> None:
        """The day's page: the national stories, and the first ``new`` local ones."""
        text = (PAGES / "kort.txt").read_text("utf-8").rstrip("\n")
        (self.root / "nieuws.txt").write_text("\n".join([text, *NEW_BRIEFS[:new]]) + "\n", "utf-8")

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "XDG_CACHE_HOME": str(self.root / "cache"),
            "XDG_DATA_HOME": str(self.root / "data"),
            "XDG_CONFIG_HOME": str(self.root / "config"),
            "PYTHONPATH": str(COUNTING),
            "BULLETIN_COUNT_SPOKEN": str(self.counted),
        }

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "bulletin", *args],
            cwd=self.root,
            env=self.env(),
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bulletin", *args], cwd=self.root, env=self.env(), text=True, capture_output=True
        )

    def daily(self, at: str, *extra: str) -> subprocess.CompletedProcess[str]:
        return self.run("daily", "--at", at, *extra)

    def spoken(self) -> list[str]:
        """What the engine was asked to speak since the last look."""
        said = self.counted.read_text("utf-8").splitlines() if self.counted.exists() else []
        self.counted.unlink(missing_ok=True)
        return said

    def last_run(self) -> dict:
        return json.loads((self.root / "runs.jsonl").read_text("utf-8").splitlines()[-1])

    def bulletins(self) -> list[str]:
        """The ids (YYYY-MM-DD/<name>) of the bulletins in the working copy."""
        out = self.root / "out"
        return sorted(p.relative_to(out).as_posix() for p in out.glob("*/*") if p.is_dir() and p.name[0] != ".")


def keys(client, bucket: str, prefix: str = PREFIX) -> set[str]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return {item["Key"] for page in pages for item in page.get("Contents", [])}


def feed_of(client, bucket: str) -> tuple[feedparser.FeedParserDict, list[str]]:
    """The bucket's feed, parsed, and every address of ours it names."""
    raw = client.get_object(Bucket=bucket, Key=f"{PREFIX}feed.xml")["Body"].read()
    return feedparser.parse(raw), sorted(set(re.findall(re.escape(BASE) + r'[^"<\s]+', raw.decode())))


def assert_feed_names_only_objects_that_exist(client, bucket: str) -> feedparser.FeedParserDict:
    feed, addresses = feed_of(client, bucket)
    held = keys(client, bucket)
    missing = [a for a in addresses if PREFIX + a[len(BASE) :] not in held]
    assert addresses and not missing, missing
    return feed


def times(feed: feedparser.FeedParserDict) -> list[str]:
    """The bulletins a feed lists, newest first, by their time of day (as their files are named)."""
    return [re.search(r"-(\d{4})/", entry.enclosures[0].href)[1] for entry in feed.entries]


def lease_age(client, bucket: str) -> float:
    """How long ago the lease was last written, on the bucket's clock (inf when there is none)."""
    try:
        answer = client.get_object(Bucket=bucket, Key=LEASE)
    except client.exceptions.NoSuchKey:
        return float("inf")
    date = parsedate_to_datetime(answer["ResponseMetadata"]["HTTPHeaders"]["date"])
    return (date - answer["LastModified"]).total_seconds()


def one_line(stderr: str) -> str:
    (line,) = stderr.strip().splitlines()
    return line


# --- the bucket is the state ------------------------------------------------------------------


def test_two_machines_take_turns_one_feed_lists_both_and_nothing_is_spoken_twice(aws, tmp_path):
    client, bucket = aws
    a, b = Machine(tmp_path / "a", bucket), Machine(tmp_path / "b", bucket)
    a.page(0)
    first = a.daily(HOURS[0])
    assert first.returncode == 0, first.stderr
    spoken_by_a = a.spoken()
    assert len(spoken_by_a) == a.last_run()["segments"]

    b.page(0)  # the same news on a machine that has never run this station: the bucket knows it
    same = b.daily(HOURS[1])
    assert same.returncode == 0 and same.stdout.startswith("nothing new since"), same.stdout + same.stderr
    assert b.spoken() == [] and b.bulletins() == []

    b.page(1)  # one new story
    second = b.daily(HOURS[1])
    assert second.returncode == 0, second.stderr
    spoken_by_b = b.spoken()
    assert set(spoken_by_b).isdisjoint(spoken_by_a)  # A's stories came from the shared cache
    assert len(spoken_by_b) == 3 and any("Assen" in text for text in spoken_by_b)  # time check, story, sign-off
    record = b.last_run()
    assert record["synthesised"] == 3 and record["shared"] == record["segments"] - 3
    assert "from the shared cache" in second.stdout
    feed = assert_feed_names_only_objects_that_exist(client, bucket)
    assert times(feed) == ["0800", "0700"]  # B's feed lists A's bulletin too
    assert b.bulletins() == [b.bulletins()[0]] and b.bulletins()[0].endswith("0800")  # B's copy: its own

    a.page(2)  # A again, from its folder that has not seen B's bulletin
    third = a.daily(HOURS[2])
    assert third.returncode == 0, third.stderr
    feed = assert_feed_names_only_objects_that_exist(client, bucket)
    assert times(feed) == ["0900", "0800"]  # retention 2, over both machines
    assert not [key for key in keys(client, bucket) if "0700" in key]  # retention applied to the bucket
    assert not [name for name in a.bulletins() if name.endswith("0700")]
    latest = client.get_object(Bucket=bucket, Key=f"{PREFIX}latest.mp3")["Body"].read()
    newest = feed.entries[0].enclosures[0].href
    assert latest == client.get_object(Bucket=bucket, Key=PREFIX + newest[len(BASE) :])["Body"].read()
    assert len(a.spoken()) == 3  # again only the time check, the new story and the sign-off


def test_publish_from_an_empty_folder_lists_the_bucket_s_bulletins(aws, tmp_path):
    client, bucket = aws
    a, b = Machine(tmp_path / "a", bucket), Machine(tmp_path / "b", bucket)
    a.page(1)
    assert a.daily(HOURS[0]).returncode == 0
    before = client.get_object(Bucket=bucket, Key=f"{PREFIX}feed.xml")["Body"].read()
    again = b.run("publish")  # nothing built on B: the feed comes from the bucket
    assert again.returncode == 0, again.stderr
    assert client.get_object(Bucket=bucket, Key=f"{PREFIX}feed.xml")["Body"].read() == before
    assert (b.root / "out" / "latest.mp3").is_file() and "1 bulletins" in again.stdout


# --- one run of a station at a time -----------------------------------------------------------

GATED = ["[daily]", 'approval = "required"\napproval_deadline = "2m"\n'][1]  # waits for an editor


def test_two_runs_of_one_station_at_once_one_publishes_and_the_other_exits_75(aws, tmp_path):
    client, bucket = aws
    machines = [Machine(tmp_path / name, bucket, daily=GATED) for name in ("a", "b")]
    for machine in machines:
        machine.page(1)
    runs = [machine.start("daily", "--at", HOURS[0]) for machine in machines]  # started at once
    try:
        # The run that took the lease builds a draft and waits for an editor; the other stops at once.
        wait_until(lambda: any(p.poll() is not None for p in runs), "one run to stop")
        (lost,) = [i for i, p in enumerate(runs) if p.poll() is not None]
        won = 1 - lost
        _, stderr = runs[lost].communicate()
        assert runs[lost].returncode == EXIT_LOCKED, stderr
        line = one_line(stderr)
        assert f"pid {runs[won].pid}" in line and "renewed" in line and "s ago" in line and "holds the lease" in line
        assert machines[lost].bulletins() == [] and machines[lost].spoken() == []
        wait_until(lambda: machines[won].bulletins() != [], "the draft", runs[won])
        (draft,) = machines[won].bulletins()
        approved = machines[won].run("approve", draft)
        assert approved.returncode == 0, approved.stderr  # approved; the waiting run publishes it
        _, stderr = runs[won].communicate(timeout=120)
        assert runs[won].returncode == 0, stderr
    finally:
        for process in runs:
            process.kill()
            process.communicate()
    feed = assert_feed_names_only_objects_that_exist(client, bucket)
    assert len(feed.entries) == 1 and LEASE not in keys(client, bucket)  # released


def _a_holds_the_lease(tmp_path: Path, bucket: str, b_news: int) -> tuple[Machine, Machine, subprocess.Popen[str]]:
    """Machine A (a short lease) running daily and waiting, lease held, for an editor; and machine B."""
    a = Machine(tmp_path / "a", bucket, lease=SHORT_LEASE, daily=GATED)
    b = Machine(tmp_path / "b", bucket)
    a.page(0)
    b.page(b_news)
    waiting = a.start("daily", "--at", HOURS[0])
    wait_until(lambda: a.bulletins() != [], "A's draft", waiting)
    return a, b, waiting


def test_a_lease_left_by_a_killed_run_is_taken_over_after_its_term(aws, tmp_path):
    client, bucket = aws
    _, b, crashed = _a_holds_the_lease(tmp_path, bucket, 0)
    crashed.send_signal(signal.SIGKILL)
    crashed.communicate()
    # Renewed three times per term while A lived; now nobody renews it.
    wait_until(lambda: lease_age(client, bucket) > float(SHORT_LEASE[:-1]), "A's lease to lapse")
    taken = b.daily(HOURS[0])
    assert taken.returncode == 0, taken.stderr
    assert (
        f"took over the lease on s3://{bucket}/{PREFIX} from" in taken.stderr and f"pid {crashed.pid}" in taken.stderr
    )
    assert LEASE not in keys(client, bucket)
    assert_feed_names_only_objects_that_exist(client, bucket)


def test_a_run_stalled_past_its_lease_stops_before_it_touches_the_bucket(aws, tmp_path):
    """A run frozen (SIGSTOP: a paused VM, a swap storm) past its lease's term is taken over; when it
    wakes, it learns the station is another run's and stops before it changes the bucket."""
    client, bucket = aws
    a, b, stalled = _a_holds_the_lease(tmp_path, bucket, 1)
    try:
        stalled.send_signal(signal.SIGSTOP)
        wait_until(lambda: lease_age(client, bucket) > float(SHORT_LEASE[:-1]), "A's lease to lapse")
        taken = b.daily(HOURS[1])
        assert taken.returncode == 0 and "took over the lease" in taken.stderr, taken.stderr
        (a.root / "desk.toml").write_text('[output]\ndir = "out"\n', "utf-8")  # an editor's desk: no bucket
        (draft,) = a.bulletins()
        assert a.run("approve", draft, "--config", "desk.toml").returncode == 0
        before = {key: client.head_object(Bucket=bucket, Key=key)["ETag"] for key in keys(client, bucket)}
        stalled.send_signal(signal.SIGCONT)
        _, stderr = stalled.communicate(timeout=120)
    finally:
        stalled.kill()
        stalled.communicate()
    assert stalled.returncode == EXIT_LOCKED, stderr
    assert "was taken over by another run" in stderr.strip().splitlines()[-1]
    after = {key: client.head_object(Bucket=bucket, Key=key)["ETag"] for key in keys(client, bucket)}
    assert after == before  # A changed nothing: B's feed, B's bulletin
    assert times(assert_feed_names_only_objects_that_exist(client, bucket)) == ["0800"]


def test_a_live_lease_stops_another_run_with_its_holder_and_age(aws, tmp_path):
    _, bucket = aws
    a = Machine(tmp_path / "a", bucket, daily=GATED)
    b = Machine(tmp_path / "b", bucket)
    a.page(0)
    b.page(0)
    holding = a.start("daily", "--at", HOURS[0])
    try:
        wait_until(lambda: a.bulletins() != [], "A's draft", holding)
        refused = b.daily(HOURS[1])
        assert refused.returncode == EXIT_LOCKED
        assert re.fullmatch(
            rf"Error: another run of this station \(\S+ pid {holding.pid}, renewed \d+ s ago\) holds the lease "
            rf"s3://{bucket}/{PREFIX}\.bulletin/lease\.json; this one stops .*",
            one_line(refused.stderr),
        )
        assert b.spoken() == [] and b.bulletins() == []
    finally:
        holding.kill()
        holding.communicate()


# --- faults -----------------------------------------------------------------------------------


@pytest.mark.parametrize("moment", ["audio", "manifest", "feed"])
def test_a_run_killed_while_publishing_leaves_a_feed_of_objects_that_exist(aws, tmp_path, moment):
    client, bucket = aws
    a = Machine(tmp_path / "a", bucket, lease=SHORT_LEASE)
    b = Machine(tmp_path / "b", bucket)
    a.page(0)
    assert a.daily(HOURS[0]).returncode == 0
    a.page(1)
    marks = {"audio": ".mp3", "manifest": ".episode.json", "feed": "feed.xml"}

    def reached() -> bool:
        if moment == "feed":
            return "0800" in client.get_object(Bucket=bucket, Key=f"{PREFIX}feed.xml")["Body"].read().decode()
        return any("0800" in key and key.endswith(marks[moment]) for key in keys(client, bucket))

    publishing = a.start("daily", "--at", HOURS[1])
    wait_until(reached, f"the {moment} of 08:00 in the bucket", publishing)
    publishing.send_signal(signal.SIGKILL)
    publishing.communicate()
    assert_feed_names_only_objects_that_exist(client, bucket)
    wait_until(lambda: lease_age(client, bucket) > float(SHORT_LEASE[:-1]), "the killed run's lease to lapse")
    b.page(2)
    after = b.daily(HOURS[2])
    assert after.returncode == 0, after.stderr
    feed = assert_feed_names_only_objects_that_exist(client, bucket)
    assert times(feed)[0] == "0900"


def test_the_bucket_unreachable_mid_run_is_exit_6_and_the_feed_is_untouched(tmp_path, monkeypatch):
    """A bucket behind a server of this test's own, stopped while a run waits for its approval."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "t"),
        ("AWS_SECRET_ACCESS_KEY", "t"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
    ):
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # fail at once rather than after retries
    client, bucket = boto3.client("s3"), "onbereikbaar"
    client.create_bucket(Bucket=bucket)
    seed = Machine(tmp_path / "seed", bucket, lease=SHORT_LEASE)
    seed.page(0)
    assert seed.daily(HOURS[0]).returncode == 0
    before = client.get_object(Bucket=bucket, Key=f"{PREFIX}feed.xml")["Body"].read()
    a = Machine(tmp_path / "a", bucket, lease=SHORT_LEASE, daily=GATED)
    a.page(1)
    waiting = a.start("daily", "--at", HOURS[1])
    try:
        wait_until(lambda: a.bulletins() != [], "A's draft", waiting)
        server.stop()  # the bucket goes away while A waits
        (a.root / "desk.toml").write_text('[output]\ndir = "out"\n', "utf-8")  # an editor's desk: no bucket
        (draft,) = a.bulletins()
        assert a.run("approve", draft, "--config", "desk.toml").returncode == 0
        _, stderr = waiting.communicate(timeout=120)
    finally:
        waiting.kill()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
    try:
        assert waiting.returncode == EXIT_PUBLISH, stderr
        line = one_line(stderr.split("\n", 1)[1])  # after the warning that the draft waits
        assert "cannot reach the S3 endpoint" in line and "unchanged" in line
        assert client.get_object(Bucket=bucket, Key=f"{PREFIX}feed.xml")["Body"].read() == before
        assert not [key for key in keys(client, bucket) if "0800" in key]
        wait_until(lambda: lease_age(client, bucket) > float(SHORT_LEASE[:-1]), "A's lease to lapse")
        seed.page(1)
        assert seed.daily(HOURS[1]).returncode == 0  # the next run publishes
        assert len(assert_feed_names_only_objects_that_exist(client, bucket).entries) == 2
    finally:
        server.stop()


def test_a_damaged_or_foreign_object_in_the_shared_cache_is_counted_and_made_again(aws, tmp_path):
    """The shared cache holds mastered parts and, behind them, speech. Two parts fail their check
    (one damaged, one holding another part's bytes) and so does every piece of speech: the two parts
    are made again from speech spoken again, and nothing else is."""
    client, bucket = aws
    a, b = Machine(tmp_path / "a", bucket), Machine(tmp_path / "b", bucket)
    a.page(1)
    assert a.daily(HOURS[0]).returncode == 0
    parts, speech = sorted(keys(client, bucket, "cache/parts/")), sorted(keys(client, bucket, "cache/segments/"))
    assert len(speech) == len(a.spoken()) and len(parts) >= len(speech)

    def flip(key: str) -> None:
        raw = bytearray(client.get_object(Bucket=bucket, Key=key)["Body"].read())
        raw[-1] ^= 0xFF
        client.put_object(Bucket=bucket, Key=key, Body=bytes(raw))

    damaged, foreign, sound = parts[:3]
    flip(damaged)
    copied = client.get_object(Bucket=bucket, Key=sound)["Body"].read()
    client.put_object(Bucket=bucket, Key=foreign, Body=copied)  # another part's bytes under its name
    for key in speech:
        flip(key)
    b.page(1)
    again = b.daily(HOURS[0], "--force")  # the same bulletin: every key is one A made
    assert again.returncode == 0, again.stderr
    assert len(b.spoken()) == 2 and b.last_run()["remade"] == 4  # two parts, and their speech
    assert "4 damaged there, made again" in again.stdout
    for key in (damaged, foreign):  # made again, in the bucket as in B's own cache
        folder, name = key.rsplit("/", 2)[-2:]
        assert (
            client.get_object(Bucket=bucket, Key=key)["Body"].read()
            == (b.root / "cache" / "bulletin" / "parts" / folder / name).read_bytes()
        )


def test_a_shared_folder_serves_as_the_shared_cache(tmp_path):
    """``[cache] location`` may be a folder many machines mount (NFS): the same tier as a bucket."""
    shared = tmp_path / "gedeeld"
    results = []
    for machine in ("a", "b"):
        (tmp_path / f"{machine}.toml").write_text(
            f'[voice]\nengine = "espeak"\n[sounders]\nenabled = false\n'
            f'[cache]\ndir = "{tmp_path / machine}-cache"\nlocation = "{shared}"\n',
            "utf-8",
        )
        results.append(run("build", PAGES / "kort.txt", "--config", tmp_path / f"{machine}.toml", "--at", HOURS[0]))
    first, second = results
    assert first.exit_code == 0 and second.exit_code == 0, first.stderr + second.stderr
    segments = int(re.search(r"(\d+) segments", second.stdout)[1])
    assert f"({segments} cached, {segments} from the shared cache)" in second.stdout
    assert "from the shared cache" not in first.stdout


# --- what the bucket's manifests may say --------------------------------------------------------


@pytest.fixture
def published(aws, tmp_path):
    """One bulletin built and published from folder ``a`` (in this process); returns (client, bucket, folder)."""
    client, bucket = aws
    folder = tmp_path / "a"
    built = run(
        "build", PAGES / "kort.txt", "--engine", "espeak", "--no-sounders", "-o", folder, "--at", HOURS[0], "-q"
    )
    assert built.exit_code == 0, built.stderr
    assert publish(folder, bucket).exit_code == 0
    return client, bucket, folder


def publish(folder: Path, bucket: str):
    return run("publish", "-o", folder, "--base-url", BASE, "--to", f"s3://{bucket}/{PREFIX}")


def test_a_manifest_in_the_bucket_that_cannot_be_used_is_left_out_and_left_alone(published, tmp_path):
    """Damaged manifests, and ones naming files elsewhere or missing, are reported and left out of the
    feed; their bulletins' objects are not deleted as old (they may be a newer version's, or fixable)."""
    client, bucket, _ = published
    (manifest,) = [key for key in keys(client, bucket) if key.endswith(".episode.json")]
    original = json.loads(client.get_object(Bucket=bucket, Key=manifest)["Body"].read())
    stem = PurePosixPath(original["audio"]).parent.name
    paths = [field for field in ("audio", "webvtt", "srt", "chapters", "cover") if original.get(field)]

    def moved(name: str, **changes: object) -> str:
        """The good bulletin as if it were bulletin ``name``, with its files there, and ``changes``."""
        where = f"2026-11-26/{name}-0600/"
        manifest = {
            **original,
            **{f: where + PurePosixPath(original[f]).name.replace(stem, f"{name}-0600") for f in paths},
        }
        for field in paths:
            if field not in changes:
                client.put_object(Bucket=bucket, Key=PREFIX + manifest[field], Body=b"x")
        return json.dumps({**manifest, **changes})

    hostile = {
        "a": moved("a", audio="/etc/hostname"),
        "b": moved("b", audio="../../../etc/hostname"),
        "c": moved("c", audio="2026-11-26/c-0600/c-0600.mp3"),  # named, but not in the bucket
        "d": '{"title": ',
        "e": moved("e", duration="lang"),
        "f": "[]",
        "g": '"tekst"',
        "h": "[" * 100_000 + "]" * 100_000,
        "i": moved("i", published="0001-01-01T00:00:00+01:00"),
        "j": moved("j", published="9999-12-31T23:59:59-12:00"),
        "k": moved("k", duration=-5),
        "l": moved("l", webvtt="2026-11-26/l-0600/ontbreekt.vtt"),  # a transcript not there
        "m": moved("m", state="uitgezonden"),  # a state of a newer bulletin, say
    }
    for name, text in hostile.items():
        client.put_object(
            Bucket=bucket, Key=f"{PREFIX}2026-11-26/{name}-0600/{name}-0600.episode.json", Body=text.encode()
        )
    client.put_object(
        Bucket=bucket,
        Key=f"{PREFIX}2026-11-26/goed-0600/goed-0600.episode.json",
        Body=moved("goed", published="2026-11-26T06:00:00+01:00").encode(),
    )
    before = keys(client, bucket)
    (tmp_path / "opruimen.toml").write_text("[publish]\ndelete_old_audio = true\n", "utf-8")
    fresh = run(
        "publish",
        "-o",
        tmp_path / "leeg",
        "--base-url",
        BASE,
        "--to",
        f"s3://{bucket}/{PREFIX}",
        "--config",
        tmp_path / "opruimen.toml",
    )
    assert fresh.exit_code == 0, fresh.stderr
    warnings = [line for line in fresh.stderr.splitlines() if ".episode.json" in line]
    assert len(warnings) == len(hostile)  # and none for the good one moved beside them
    assert all(any(f"s3://{bucket}/{PREFIX}2026-11-26/{name}-0600/" in line for line in warnings) for name in hostile)
    feed = assert_feed_names_only_objects_that_exist(client, bucket)
    assert times(feed) == ["0700", "0600"] and not (tmp_path / "leeg" / "etc").exists()
    assert before <= keys(client, bucket)  # nothing deleted


def test_of_two_versions_of_a_bulletin_the_later_revision_counts(published, tmp_path):
    """A folder that has not seen a change made elsewhere (a correction, an approval) does not undo it."""
    client, bucket, stale = published
    other = tmp_path / "b"
    shutil.copytree(stale, other)
    (manifest,) = other.glob("*/*/*.episode.json")
    changed = {**json.loads(manifest.read_text("utf-8")), "title": "Gecorrigeerd", "revised": "2099-01-01T00:00:00"}
    manifest.write_text(json.dumps(changed), "utf-8")
    assert publish(other, bucket).exit_code == 0
    assert feed_of(client, bucket)[0].entries[0].title == "Gecorrigeerd"
    again = publish(stale, bucket)  # the stale folder publishes after it
    assert again.exit_code == 0, again.stderr
    assert feed_of(client, bucket)[0].entries[0].title == "Gecorrigeerd"
    key = PREFIX + manifest.relative_to(other).as_posix()
    assert json.loads(client.get_object(Bucket=bucket, Key=key)["Body"].read())["title"] == "Gecorrigeerd"
    (mine,) = stale.glob("*/*/*.episode.json")  # the working copy now holds the version that counts
    assert json.loads(mine.read_text("utf-8"))["title"] == "Gecorrigeerd"


LEASES = {
    "a term of infinity": '{"holder": "x", "term": Infinity}',
    "a term past any float": '{"holder": "x", "term": 1e400}',
    "a term of 400 digits": '{"holder": "x", "term": 1' + "0" * 400 + "}",
    "nested deep": "[" * 2000 + "]" * 2000,
    "a holder of several lines": '{"holder": "kwaad\\nregel twee \\u001b[31mROOD", "term": 300}',
}


@pytest.mark.parametrize("lease", LEASES.values(), ids=LEASES.keys())
def test_a_damaged_lease_is_a_live_one_of_an_unknown_run_for_this_run_s_term(published, lease):
    """Never a crash, never a station blocked for ever: a lease that says nothing usable lapses
    after this run's own term, and its holder is named on one line."""
    client, bucket, folder = published
    client.put_object(Bucket=bucket, Key=LEASE, Body=lease.encode())
    refused = publish(folder, bucket)
    assert refused.exit_code == EXIT_LOCKED, refused.stderr
    line = one_line(refused.stderr)
    assert "holds the lease" in line and ("an unknown run" in line or "kwaad regel twee [31mROOD" in line)
    assert "(a run that crashed is taken over once its lease is 300 s old)" in line


def _station(tmp_path: Path, bucket: str, title: str, extra: str = "") -> Path:
    config = tmp_path / f"{title}.toml"
    config.write_text(
        f'[show]\ntitle = "{title}"\n[output]\ndir = "{title}-out"\n[voice]\nengine = "espeak"\n'
        f'[sounders]\nenabled = false\n[publish]\nbase_url = "{BASE}"\ntarget = "s3://{bucket}/{PREFIX}"\n'
        f'alexa = false\n{extra}\n[[sources]]\nname = "kort"\nlocation = "{PAGES / "kort.txt"}"\n',
        "utf-8",
    )
    return config


def test_a_damaged_state_in_the_bucket_is_no_state(aws, tmp_path):
    client, bucket = aws
    client.put_object(Bucket=bucket, Key=f"{PREFIX}.bulletin/state.json", Body=("[" * 5000 + "]" * 5000).encode())
    result = run("daily", "--config", _station(tmp_path, bucket, "Noord"), "--at", HOURS[0])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("built ")


def test_two_stations_on_one_prefix_are_told_so(aws, tmp_path):
    _, bucket = aws
    assert run("daily", "--config", _station(tmp_path, bucket, "Noord"), "--at", HOURS[0]).exit_code == 0
    other = run("daily", "--config", _station(tmp_path, bucket, "Zuid"), "--at", HOURS[0])
    assert other.exit_code == 0, other.stderr
    assert f"s3://{bucket}/{PREFIX} holds the state of another show ('Noord')" in other.stderr


def test_a_held_draft_does_not_mark_its_news_as_told(aws, tmp_path):
    _, bucket = aws
    gated = '[daily]\napproval = "required"\napproval_deadline = "1s"\non_deadline = "hold"\n'
    config = _station(tmp_path, bucket, "Noord", gated)
    held = run("daily", "--config", config, "--at", HOURS[0])
    assert held.exit_code == 0 and "held" in held.stdout, held.stdout + held.stderr
    again = run("daily", "--config", config, "--at", HOURS[1])  # the same news: made again, for an editor
    assert again.exit_code == 0 and again.stdout.startswith("built "), again.stdout


def test_a_dry_run_changes_no_manifest(aws, tmp_path):
    _, bucket = aws
    built = run("build", PAGES / "kort.txt", "--engine", "espeak", "--no-sounders", "-o", "out", "--at", HOURS[0], "-q")
    assert built.exit_code == 0, built.stderr
    (manifest,) = (tmp_path / "out").glob("*/*/*.episode.json")
    before = manifest.read_bytes()
    dry = run("publish", "-o", "out", "--base-url", BASE, "--to", f"s3://{bucket}/{PREFIX}", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert manifest.read_bytes() == before and json.loads(before)["state"] == "approved"
