"""Fault injection on real `bulletin` processes: SIGKILL at random points of a build and
of a publish, Ctrl-C, a full disk, hostile pages and hostile requests. After each fault
the next command must succeed and the invariants hold: the exit code, one line on
stderr, no leftovers (no hidden temporary files or folders), no mixed sets (every
visible bulletin's files belong together), a feed that parses with every enclosure
present, and a cache that was not poisoned (the next build sounds like a clean one)."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from threading import Thread

import feedparser
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from conftest import wait_until

SEED = 13
KILLS = 20
POLL_S = 0.002
AT = "2026-11-27T08:15"
BASE = "http://127.0.0.1:8000/"
SAME_LENGTH = 0.01  # relative: espeak varies by a few samples from run to run
DURATION_TOLERANCE_S = 0.1
BRIEFS = [
    "ZWOLLE (ANP) - De gemeente opent vandaag een nieuwe brug over de IJssel.",
    "DEVENTER (ANP) - Het waterschap sluit morgen de sluis voor groot onderhoud.",
    "ARNHEM (ANP) - De provincie trekt extra geld uit voor fietspaden langs de Rijn.",
    "ZUTPHEN (ANP) - Een rechter verbiedt de bouw van een nieuwe loods aan de haven.",
]


DAYS = ("maandag", "dinsdag", "woensdag")  # one in each variant of the page, in no other text


def _page(path: Path, variant: int) -> Path:
    """A short page; each variant says something else, so two builds never share all files."""
    briefs = "\n".join(BRIEFS)
    path.write_text(
        f"Dijken worden hoger\nDEN HAAG (ANP) - Het kabinet versterkt vanaf {DAYS[variant]} de dijken "
        f"langs de rivieren.\nMeer uit Binnenland\n{briefs}\n",
        encoding="utf-8",
    )
    return path


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bulletin", *args], cwd=cwd, text=True, capture_output=True)


def _start(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bulletin", *args], cwd=cwd, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _holds(condition: Callable[[], bool]) -> bool:
    """``condition()``, where a folder that moves while it is looked at (the build renaming its
    private folder into place) means "not now"."""
    try:
        return condition()
    except FileNotFoundError:
        return False


def _kill_when(process: subprocess.Popen[str], condition: Callable[[], bool], signum: int = signal.SIGKILL) -> bool:
    """Send ``signum`` once ``condition`` holds; False if the process ended first."""
    if not wait_until(lambda: _holds(condition), "the moment to kill", process, poll=POLL_S):
        process.communicate()
        return False
    process.send_signal(signum)
    process.communicate()
    return True


def _hidden(root: Path) -> list[Path]:
    """Temporary files and folders (and locks) anywhere under ``root``: hidden names, but the
    station's own files kept on purpose (the show's identity, the last run's state)."""
    from bulletin.build.daily import STATE_NAME
    from bulletin.build.publishing import IDENTITY_NAME

    kept = {root / IDENTITY_NAME, root / STATE_NAME}
    return sorted(p for p in root.rglob(".*") if p not in kept) if root.exists() else []


def _one_line(stderr: str) -> bool:
    return stderr.strip() != "" and stderr.strip().count("\n") == 0


def _bulletin_folders(out: Path) -> list[Path]:
    return sorted(p for p in out.glob("*/*") if p.is_dir() and not p.name.startswith("."))


def _check_whole(folder: Path, ours: bool = True) -> float:
    """Every file of one visible bulletin belongs to the same build (``ours``: from one
    variant of :func:`_page`); its duration."""
    stem = folder.name
    mp3 = folder / f"{stem}.mp3"
    episode = json.loads((folder / f"{stem}.episode.json").read_text("utf-8"))
    length = MP3(mp3).info.length
    assert abs(episode["duration"] - length) < DURATION_TOLERANCE_S, folder
    chapters = sorted(ID3(mp3).getall("CHAP"), key=lambda c: c.start_time)
    assert abs(chapters[-1].end_time / 1000 - length) < DURATION_TOLERANCE_S, folder
    spoken = json.loads((folder / f"{stem}.json").read_text("utf-8"))
    assert len(spoken["segments"]) == len(chapters)
    if ours:
        words = {w for w in DAYS if w in (folder / f"{stem}.txt").read_text("utf-8")}
        assert len(words) == 1, f"a mixed script in {folder}"
        word = words.pop()
        for sidecar in (f"{stem}.vtt", f"{stem}.srt"):
            assert word in (folder / sidecar).read_text("utf-8"), f"{sidecar} from another build than {stem}.txt"
    assert json.loads((folder / f"{stem}.qa.json").read_text("utf-8"))["duration"] == pytest.approx(length, abs=0.1)
    return length


def _check_feed(out: Path) -> None:
    """If there is a feed, it parses and every enclosure is there, byte for byte as announced."""
    feed_path = out / "feed.xml"
    if not feed_path.exists():
        return
    feed = feedparser.parse(feed_path.read_bytes())
    assert not feed.bozo, feed.bozo_exception
    for entry in feed.entries:
        enclosure = entry.enclosures[0]
        local = out / enclosure.href.removeprefix(BASE)
        assert local.is_file(), f"the feed names {local}, which is not there"
        assert local.stat().st_size == int(enclosure.length)
    latest = out / "latest.json"
    if latest.exists():
        record = json.loads(latest.read_text("utf-8"))
        assert (out / record["url"].removeprefix(BASE)).is_file()


@pytest.fixture
def clean_durations(tmp_path) -> dict[int, float]:
    """Each page variant built once with a fresh cache: what an unpoisoned build sounds like."""
    durations = {}
    for variant in (0, 1):
        work = tmp_path / f"clean{variant}"
        work.mkdir()
        env_page = _page(work / "page.txt", variant)
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "bulletin",
                "build",
                str(env_page),
                "--at",
                AT,
                "--engine",
                "espeak",
                "--no-sounders",
                "-o",
                "out",
                "-q",
            ],
            cwd=work,
            text=True,
            capture_output=True,
            env={**os.environ, "XDG_CACHE_HOME": str(work / "cache")},
        )
        assert done.returncode == 0, done.stderr
        durations[variant] = MP3(work / done.stdout.strip()).info.length
    return durations


@pytest.mark.slow  # fault injection: whole builds killed or failed at many points
def test_kills_during_builds_leave_old_or_new_and_nothing_else(tmp_path, clean_durations):
    rng = random.Random(SEED)
    pages = [_page(tmp_path / f"page{v}.txt", v) for v in (0, 1)]
    cache = tmp_path / "cache" / "bulletin"
    out = tmp_path / "out"
    build = ["--at", AT, "--engine", "espeak", "--no-sounders", "-o", "out"]
    day = out / "2026-11-27"

    def temp_has(suffix: str) -> Callable[[], bool]:
        return lambda: any(p.name.endswith(suffix) for t in day.glob(".*.building") for p in t.iterdir())

    killed = 0
    for round_ in range(KILLS):
        variant = round_ % 2
        # Where to kill: after some speech, after some parts, while the files are written
        # into the private folder, or as it takes the target's place.
        spoken = rng.randint(0, 5)
        triggers: list[Callable[[], bool]] = [
            lambda spoken=spoken: sum(1 for _ in cache.glob("segments/??/*.seg")) >= spoken,
            lambda: any(cache.glob("parts/??/*.part")),
            lambda: any(day.glob(".*.building")),
            temp_has(".mp3"),
            temp_has(".vtt"),
            temp_has(".episode.json"),
            lambda: any(day.glob(".*.build-lock")),
        ]
        trigger = rng.choice(triggers)
        if rng.random() < 0.3:  # sometimes all speech anew, so that kills land in synthesis too
            shutil.rmtree(cache / "segments", ignore_errors=True)
        before = {f.name: _check_whole(f) for f in _bulletin_folders(out)} if out.exists() else {}
        process = _start("build", str(pages[variant]), *build, cwd=tmp_path)
        killed += _kill_when(process, trigger)
        # A reader now: only whole bulletins, the old one or the new one.
        for folder in _bulletin_folders(out):
            _check_whole(folder)
        assert set(before) <= {f.name for f in _bulletin_folders(out)}  # never gone: replaced at most

        done = _run("build", str(pages[variant]), *build, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert not _hidden(out), _hidden(out)
        assert not _hidden(cache), _hidden(cache)
        folders = _bulletin_folders(out)
        assert [f.name for f in folders] == ["nieuwsbulletin-binnenland-0815"]
        length = _check_whole(folders[0])
        assert abs(length - clean_durations[variant]) <= SAME_LENGTH * clean_durations[variant]
    assert killed >= KILLS // 2  # most kills landed inside a build


@pytest.mark.slow  # fault injection: whole builds killed or failed at many points
def test_kills_during_publish_never_break_the_feed(tmp_path):
    rng = random.Random(SEED)
    out = tmp_path / "out"
    page = _page(tmp_path / "page.txt", 0)
    for at in ("2026-11-27T08:00", "2026-11-27T09:00", "2026-11-27T10:00"):
        assert (
            _run(
                "build", str(page), "--at", at, "--engine", "espeak", "--no-sounders", "-o", "out", cwd=tmp_path
            ).returncode
            == 0
        )
    oldest = out / "2026-11-27" / "nieuwsbulletin-binnenland-0800"
    spare = tmp_path / "spare"
    shutil.copytree(oldest, spare)
    (tmp_path / "bulletin.toml").write_text("[publish]\nretention = 2\ndelete_old_audio = true\n", "utf-8")
    publish = ["publish", "-o", "out", "--base-url", BASE]

    killed = 0
    for _ in range(KILLS):
        if not oldest.exists():  # so that every publish has a bulletin to retire
            shutil.copytree(spare, oldest)
        triggers: list[Callable[[], bool]] = [
            lambda: True,
            lambda: any(out.glob(".*.part")),
            lambda: any(out.glob(".latest.mp3.*")),
            lambda: any(out.glob(".feed.xml.*")),
            lambda: any((out / "2026-11-27").glob(".*.gone")),
            lambda: not oldest.exists(),
        ]
        process = _start(*publish, cwd=tmp_path)
        killed += _kill_when(process, rng.choice(triggers))
        _check_feed(out)
        for folder in _bulletin_folders(out):
            _check_whole(folder)

        done = _run(*publish, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert not _hidden(out), _hidden(out)
        _check_feed(out)
        feed = feedparser.parse((out / "feed.xml").read_bytes())
        assert len(feed.entries) == 2
        assert (out / "latest.mp3").read_bytes() == (
            out / feed.entries[0].enclosures[0].href.removeprefix(BASE)
        ).read_bytes()
    assert killed >= KILLS // 2


def test_ctrl_c_exits_130_and_leaves_nothing(tmp_path):
    out = tmp_path / "out"
    page = tmp_path / "page.txt"
    long = " ".join(["Het kabinet versterkt de dijken langs de grote rivieren, bovenop de afspraken."] * 40)
    page.write_text(f"Dijken\nDEN HAAG (ANP) - {long}\nMeer uit Binnenland\n{BRIEFS[0]}\n", "utf-8")
    cache = tmp_path / "cache" / "bulletin"
    process = _start("build", str(page), "--at", AT, "--engine", "espeak", "--no-sounders", "-o", "out", cwd=tmp_path)
    started = wait_until(lambda: any(cache.glob("segments/??/*.seg")), "the first cached segment", process)
    assert started, process.communicate()
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate()
    assert process.returncode == 130 and _one_line(stderr), stderr
    assert not _bulletin_folders(out) if out.exists() else True
    assert not _hidden(out) and not _hidden(cache), (_hidden(out), _hidden(cache))


def _mount_tiny(folder: Path, size: str) -> bool:
    folder.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    return mounted.returncode == 0


@pytest.mark.parametrize("audio_format", ["mp3", "wav", "m4a"])  # ffmpeg writes two of them, bulletin one
def test_a_full_disk_fails_in_one_line_and_leaves_the_old_bulletin(tmp_path, audio_format):
    tiny = tmp_path / "tiny"
    if not _mount_tiny(tiny, "3m"):
        pytest.skip("mounting a tmpfs needs root and CAP_SYS_ADMIN; the patched-write case is in test_cli")
    try:
        page = _page(tmp_path / "page.txt", 0)
        small = tmp_path / "small.txt"
        small.write_text(f"Kort\n{BRIEFS[0]}\n", "utf-8")
        out = tiny / "out"
        first = _run(
            "build", str(small), "--at", AT, "--engine", "espeak", "--no-sounders", "-o", str(out), cwd=tmp_path
        )
        assert first.returncode == 0, first.stderr
        before = {p.name: p.read_bytes() for p in _bulletin_folders(out)[0].iterdir()}
        # The longer bulletin does not fit beside the first.
        filler = tiny / "filler"
        filler.write_bytes(b"\0" * (os.statvfs(tiny).f_bavail * os.statvfs(tiny).f_frsize - 60_000))
        full = _run(
            "build",
            str(page),
            "--at",
            AT,
            "--engine",
            "espeak",
            "--no-sounders",
            "-o",
            str(out),
            "--format",
            audio_format,
            cwd=tmp_path,
        )
        assert full.returncode == 1 and _one_line(full.stderr), full.stderr
        # The bulletin is named as the user knows it: not a temporary name, not ffmpeg's own words.
        assert f"no space left on the device for {out}/" in full.stderr and ".building" not in full.stderr
        assert {p.name: p.read_bytes() for p in _bulletin_folders(out)[0].iterdir()} == before
        assert not _hidden(out), _hidden(out)
    finally:
        subprocess.run(["umount", str(tiny)], check=False)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("page.txt", "\x00\x07" * 200 + "\nZWOLLE (ANP) - Een bericht.\n"),
        ("page.txt", "Kop\n" + "A" * 3_000 + "\n"),  # longer than a piece: cut inside the word
        (
            "feed.xml",
            '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel>'
            "<item><title>&b;</title></item></channel></rss>",
        ),
        ("page.txt", "Meer uit \n" * 500),
        ("page.txt", ""),
    ],
    ids=["control-characters", "one-huge-word", "entity-expansion", "only-markers", "empty"],
)
def test_hostile_pages_get_a_result_or_one_line(tmp_path, name, text):
    page = tmp_path / name
    page.write_text(text, "utf-8")
    done = _run("build", str(page), "--at", AT, "--engine", "espeak", "--no-sounders", "-o", "out", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    if done.returncode:
        assert _one_line(done.stderr), done.stderr
    else:
        _check_whole(_bulletin_folders(tmp_path / "out")[0], ours=False)
    assert not _hidden(tmp_path / "out")


def test_hostile_requests_never_reach_temporary_or_outside_files(tmp_path):
    from bulletin.publish.server import make_server

    out = tmp_path / "out"
    page = _page(tmp_path / "page.txt", 0)
    assert (
        _run(
            "build", str(page), "--at", AT, "--engine", "espeak", "--no-sounders", "-o", "out", cwd=tmp_path
        ).returncode
        == 0
    )
    building = out / "2026-11-27" / f".nieuwsbulletin-binnenland-0900.{2**22 + 1}-x.building"
    building.mkdir()
    (building / "half.mp3").write_bytes(b"half")
    (tmp_path / "secret.txt").write_text("secret", "utf-8")
    server = make_server(out, "127.0.0.1", 0)
    Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        for path in [
            f"2026-11-27/{building.name}/half.mp3",
            "../secret.txt",
            "%2e%2e/secret.txt",
            "2026-11-27/" + "a" * 300,
            "2026-11-27/%00.mp3",
        ]:
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(base + path, timeout=10)
            assert refused.value.code in (400, 404), path
        mp3 = "2026-11-27/nieuwsbulletin-binnenland-0815/nieuwsbulletin-binnenland-0815.mp3"
        with urllib.request.urlopen(base + mp3, timeout=10) as answer:
            assert answer.read() == (out / mp3).read_bytes()
    finally:
        server.shutdown()
        server.server_close()
