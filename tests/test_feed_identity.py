"""The show's identity survives a move: podcast:guid is made once and kept (in the folder and the
bucket, or given as [show] guid), and itunes:new-feed-url tells apps where the feed went."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from bulletin.publish.feed import podcast_guid
from conftest import PAGES, run, served

OLD = "https://oud.example.org/nieuws/"
NEW = "https://nieuw.example.org/radio/"
PODCAST = "{https://podcastindex.org/namespace/1.0}"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
AT = ("--at", "2026-11-27T08:00")


def build(out: Path) -> None:
    result = run("build", PAGES / "kort.txt", "--engine", "espeak", "--no-sounders", *AT, "-o", out, "-q")
    assert result.exit_code == 0, result.stderr


def publish(out: Path, base: str, *extra: str, config: Path | None = None):
    args = ["publish", "-o", out, "--base-url", base, *extra]
    result = run(*args, *(["--config", config] if config else []))
    assert result.exit_code == 0, result.stderr
    return result


def channel(out: Path) -> ET.Element:
    return ET.parse(out / "feed.xml").getroot().find("channel")


def test_the_guid_is_kept_when_the_feed_moves_to_another_address(tmp_path):
    out = tmp_path / "out"
    build(out)
    publish(out, OLD)
    first = channel(out).findtext(f"{PODCAST}guid")
    assert first == podcast_guid(OLD + "feed.xml")  # made from the first address, as the spec says
    publish(out, NEW)
    moved = channel(out)
    assert moved.findtext(f"{PODCAST}guid") == first  # the same podcast at its new address
    assert moved.find("{http://www.w3.org/2005/Atom}link").get("href") == NEW + "feed.xml"
    assert json.loads((out / ".bulletin-show.json").read_text("utf-8")) == {"podcast_guid": first}


def test_a_configured_guid_wins_and_new_feed_url_is_announced(tmp_path):
    out = tmp_path / "out"
    build(out)
    own = "2f0b4a3e-6c1d-5e8f-9a7b-1c2d3e4f5a6b"
    config = tmp_path / "bulletin.toml"
    config.write_text(f'[show]\nguid = "{own}"\n[publish]\nnew_feed_url = "{NEW}feed.xml"\n', "utf-8")
    publish(out, OLD, config=config)
    feed = channel(out)
    assert feed.findtext(f"{PODCAST}guid") == own
    assert feed.findtext(f"{ITUNES}new-feed-url") == NEW + "feed.xml"


def test_without_new_feed_url_the_feed_announces_no_move(tmp_path):
    out = tmp_path / "out"
    build(out)
    publish(out, OLD)
    assert channel(out).find(f"{ITUNES}new-feed-url") is None


def test_a_damaged_identity_is_reported_and_not_used(tmp_path):
    out = tmp_path / "out"
    build(out)
    (out / ".bulletin-show.json").write_text('{"podcast_guid": "geen-uuid"}', "utf-8")
    result = publish(out, OLD)
    assert "is damaged" in result.stderr
    assert channel(out).findtext(f"{PODCAST}guid") == podcast_guid(OLD + "feed.xml")


def test_a_guid_that_is_not_a_uuid_is_one_config_error(tmp_path):
    config = tmp_path / "bulletin.toml"
    config.write_text('[show]\nguid = "mijn-podcast"\n', "utf-8")
    result = run("publish", "-o", tmp_path / "out", "--base-url", OLD, "--config", config)
    assert result.exit_code != 0
    (line,) = result.stderr.strip().splitlines()
    assert "guid" in line and "UUID" in line


def test_a_fresh_machine_reads_the_guid_from_the_bucket(tmp_path, aws):
    _, bucket = aws
    first_machine, second_machine = tmp_path / "a", tmp_path / "b"
    build(first_machine)
    publish(first_machine, OLD, "--to", f"s3://{bucket}/noord/")
    guid = channel(first_machine).findtext(f"{PODCAST}guid")
    second_machine.mkdir()  # a new pod, an empty folder, and the feed at its new address
    publish(second_machine, NEW, "--to", f"s3://{bucket}/noord/")
    assert channel(second_machine).findtext(f"{PODCAST}guid") == guid
    # The newest bulletin came from the bucket (which holds only versioned audio) whole, its
    # audio under both names, as the build left it on the first machine.
    (fetched,) = second_machine.glob("*/*/*-0800.mp3")
    assert served(fetched).samefile(fetched) or served(fetched).read_bytes() == fetched.read_bytes()
