"""A bulletin's state: drafts wait for an editor and are in no feed; an approval publishes
them; `daily` with an approval gate waits for one, then publishes or holds at the deadline."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import feedparser
import pytest

from conftest import PAGES, run, wait_until

AT = "2026-11-27T08:15"
BASE = "https://example.org/nieuws/"


def build(out: Path, *extra: str, page: str = "kort.txt", at: str = AT) -> Path:
    result = run("build", PAGES / page, "--engine", "espeak", "--at", at, "-o", out, "-q", *extra)
    assert result.exit_code == 0, result.stderr
    return Path(result.stdout.strip())


def bulletin_id(audio: Path, out: Path) -> str:
    return audio.parent.relative_to(out).as_posix()


def manifest(audio: Path) -> dict:
    return json.loads(audio.with_name(audio.name.split(".")[0] + ".episode.json").read_text("utf-8"))


def feed_titles(out: Path) -> list[str]:
    return [entry.title for entry in feedparser.parse((out / "feed.xml").read_bytes()).entries]


def test_a_draft_is_in_no_feed_until_it_is_approved(tmp_path):
    out = tmp_path / "out"
    earlier = build(out, at="2026-11-27T07:15")
    draft = build(out, "--draft")
    assert (manifest(earlier)["state"], manifest(draft)["state"]) == ("approved", "draft")
    published = run("publish", "-o", out, "--base-url", BASE)
    assert published.exit_code == 0, published.stderr
    assert len(feed_titles(out)) == 1 and "07:15" in feed_titles(out)[0]
    assert manifest(earlier)["state"] == "published"
    assert (out / "latest.mp3").read_bytes() == earlier.read_bytes()

    approved = run("approve", bulletin_id(draft, out), "-o", out, "--base-url", BASE)
    assert approved.exit_code == 0, approved.stderr
    assert approved.stdout.startswith(f"{bulletin_id(draft, out)}: published")
    assert manifest(draft)["state"] == "published"
    assert len(feed_titles(out)) == 2 and "08:15" in feed_titles(out)[0]
    assert (out / "latest.mp3").read_bytes() == draft.read_bytes()


def test_only_drafts_is_nothing_to_publish(tmp_path):
    out = tmp_path / "out"
    build(out, "--draft")
    result = run("publish", "-o", out, "--base-url", BASE)
    assert result.exit_code == 1 and "are drafts; approve one first" in result.stderr
    assert not (out / "feed.xml").exists()


@pytest.mark.parametrize("odd", ["2026-11-27/../2026-11-27", "../etc/passwd", "2026-11-27", "nope", "2026-11-27/x/y"])
def test_an_id_that_names_no_bulletin_is_one_line(tmp_path, odd):
    out = tmp_path / "out"
    build(out, "--draft")
    result = run("approve", odd, "-o", out)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "no bulletin" in result.stderr


def test_a_symlinked_bulletin_folder_is_not_approved(tmp_path):
    out = tmp_path / "out"
    draft = build(out, "--draft")
    (out / "2026-11-28").mkdir()
    (out / "2026-11-28" / draft.parent.name).symlink_to(draft.parent)
    result = run("approve", f"2026-11-28/{draft.parent.name}", "-o", out)
    assert result.exit_code == 1 and "no bulletin" in result.stderr
    assert manifest(draft)["state"] == "draft"


def daily_config(tmp_path: Path, deadline: str, on_deadline: str) -> Path:
    config = tmp_path / "bulletin.toml"
    config.write_text(
        f'[publish]\nbase_url = "{BASE}"\n[voice]\nengine = "espeak"\n[output]\ndir = "out"\n'
        f'[daily]\napproval = "required"\napproval_deadline = "{deadline}"\non_deadline = "{on_deadline}"\n'
        'log_file = "runs.jsonl"\n'
        f'[[sources]]\nname = "kort"\nlocation = "{PAGES / "kort.txt"}"\n',
        "utf-8",
    )
    return config


@pytest.mark.parametrize(
    ("on_deadline", "listed", "says"),
    [
        ("hold", 0, "held: not approved by the deadline, not published"),
        ("publish", 1, "not approved by the deadline, published"),
    ],
)
def test_an_unapproved_draft_at_the_deadline_is_held_or_published(tmp_path, on_deadline, listed, says):
    config = daily_config(tmp_path, "1s", on_deadline)
    result = run("daily", "--config", config, "--at", AT)
    assert result.exit_code == 0, result.stderr
    assert says in result.stdout and "waits for approval" in result.stderr
    out = tmp_path / "out"
    assert len(feed_titles(out)) == listed if (out / "feed.xml").exists() else listed == 0
    record = json.loads((tmp_path / "runs.jsonl").read_text("utf-8"))
    assert record["approval"] == ("held" if on_deadline == "hold" else "deadline")
    (path,) = out.rglob("*.episode.json")
    assert json.loads(path.read_text("utf-8"))["state"] == ("draft" if on_deadline == "hold" else "published")
    again = run("daily", "--config", config, "--at", AT)  # the news is done: a held draft waits for an editor
    assert again.exit_code == 0 and again.stdout.startswith("nothing new")


def test_an_approval_while_daily_waits_publishes_it_at_once(tmp_path):
    config = daily_config(tmp_path, "10m", "hold")
    out = tmp_path / "out"
    results = []
    runner = threading.Thread(target=lambda: results.append(run("daily", "--config", config, "--at", AT)))
    started = time.monotonic()
    runner.start()
    assert wait_until(lambda: any(out.rglob("*.episode.json")), "the draft")
    (manifest_path,) = out.rglob("*.episode.json")
    draft = manifest_path.parent.relative_to(out).as_posix()
    approved = run("approve", draft, "--config", config)
    assert approved.exit_code == 0, approved.stderr
    runner.join(timeout=120)
    (result,) = results
    assert result.exit_code == 0, result.stderr
    assert "approved, published" in result.stdout and time.monotonic() - started < 120
    assert len(feed_titles(out)) == 1
