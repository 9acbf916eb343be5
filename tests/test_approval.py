"""A bulletin's state: drafts wait for an editor and are in no feed; an approval publishes
them; `daily` with an approval gate waits for one, then publishes or holds at the deadline."""

from __future__ import annotations

import json
import subprocess
import sys
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


def manifests(out: Path) -> list[Path]:
    """The bulletins' manifests in ``out``: not those of a build's hidden temporary folder."""
    try:
        found = list(out.glob("*/*/*.episode.json"))
    except FileNotFoundError:  # a build's temporary folder renamed while it was looked at
        return []
    return [p for p in found if not any(part.startswith(".") for part in p.relative_to(out).parts)]


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
    (path,) = manifests(out)
    assert json.loads(path.read_text("utf-8"))["state"] == ("draft" if on_deadline == "hold" else "published")
    again = run("daily", "--config", config, "--at", AT)  # the news is done: a held draft waits for an editor
    assert again.exit_code == 0 and again.stdout.startswith("nothing new")


def test_an_approval_while_daily_waits_publishes_it_at_once(tmp_path):
    config = daily_config(tmp_path, "10m", "hold")
    out = tmp_path / "out"
    # A process of its own: two click runners in one process would share sys.stdout.
    daily = subprocess.Popen(
        [sys.executable, "-m", "bulletin", "daily", "--config", str(config), "--at", AT],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_until(lambda: manifests(out), "the draft", daily), daily.communicate()
        (manifest_path,) = manifests(out)
        draft = manifest_path.parent.relative_to(out).as_posix()
        approved = run("approve", draft, "--config", config)
        assert approved.exit_code == 0, approved.stderr
        stdout, stderr = daily.communicate(timeout=120)  # a wait of 10 minutes would fail here
    finally:
        if daily.poll() is None:
            daily.kill()
    assert daily.returncode == 0, stderr
    assert "approved, published" in stdout
    assert len(feed_titles(out)) == 1


def test_a_draft_built_over_a_bulletin_on_air_waits_beside_it_as_a_correction(tmp_path):
    out = tmp_path / "out"
    on_air = build(out, "--publish", "--base-url", BASE)
    heard, feed = on_air.read_bytes(), (out / "feed.xml").read_bytes()
    page = tmp_path / "anders.txt"
    page.write_text((PAGES / "kort.txt").read_text("utf-8").replace("twee dagen", "drie dagen"), "utf-8")
    result = run("build", page, "--engine", "espeak", "--at", AT, "-o", out, "--draft")
    assert result.exit_code == 0, result.stderr
    ident = bulletin_id(on_air, out)
    assert f"{ident}: a correction of the bulletin on air" in result.stdout
    correction = Path(result.stdout.splitlines()[0])
    assert correction.is_relative_to(out / ".studio" / "corrections") and correction.read_bytes() != heard
    assert on_air.read_bytes() == heard and manifest(on_air)["state"] == "published"
    assert run("publish", "-o", out, "--base-url", BASE).exit_code == 0  # the correction is in no feed
    assert feed_titles(out) == [entry.title for entry in feedparser.parse(feed).entries]
    corrected = correction.read_bytes()

    approved = run("approve", ident, "-o", out, "--base-url", BASE)
    assert approved.exit_code == 0, approved.stderr
    assert on_air.read_bytes() == corrected
    assert "drie dagen" in on_air.with_suffix(".txt").read_text("utf-8")
    assert len(feed_titles(out)) == 1 and not correction.exists()


def test_daily_with_the_default_output_folder_waits_for_its_draft(tmp_path):
    """The output folder as the defaults name it ("output", relative to where daily runs)."""
    (tmp_path / "bulletin.toml").write_text(
        '[voice]\nengine = "espeak"\n[daily]\napproval = "required"\napproval_deadline = "1s"\non_deadline = "hold"\n'
        f'[[sources]]\nname = "kort"\nlocation = "{PAGES / "kort.txt"}"\n',
        "utf-8",
    )
    result = run("daily", "--at", AT)
    assert result.exit_code == 0, result.stderr
    assert "held: not approved by the deadline" in result.stdout
    (path,) = manifests(Path("output"))
    ident = path.parent.relative_to("output").as_posix()
    assert f"bulletin approve {ident}`)" in result.stderr
    assert run("approve", ident).exit_code == 0
    assert json.loads(path.read_text("utf-8"))["state"] == "approved"
