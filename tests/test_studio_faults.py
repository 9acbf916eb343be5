"""A studio killed in the middle of saves: every saved version is whole (the old script or the
new one, never a mix), and the next studio removes what the killed one left half-written."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import PAGES, run, wait_until

AT = "2026-11-27T08:15"
SEED = 21
KILLS = 8
TEMPORARY = (".part", ".building", ".build-lock")  # what a writer leaves behind when it is killed


def start(config: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bulletin", "studio", "--config", str(config), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    assert " on http://" in line, process.stderr.read()
    return process, line.split(" on ", 1)[1].split()[0]


def request(url: str, method: str = "GET", body: bytes | None = None, etag: str | None = None):
    sent = urllib.request.Request(url, data=body, method=method, headers={"If-Match": etag} if etag else {})
    with urllib.request.urlopen(sent, timeout=30) as answer:
        return answer.read(), answer.headers.get("ETag")


def saver(base: str, ident: str, acknowledged: list[str], stop: threading.Event) -> None:
    """Save new versions one after another until the studio dies, noting each text it confirmed."""
    try:
        data, etag = request(f"{base}api/bulletins/{ident}")
        number = 0
        while not stop.is_set():
            number += 1
            script = json.loads(data)
            script["segments"][1]["text"] = f"Versie {number} van het hoofdbericht. " * 40
            data, etag = request(f"{base}api/bulletins/{ident}/script", "PUT", json.dumps(script).encode(), etag)
            acknowledged.append(json.loads(data)["segments"][1]["text"])
    except (urllib.error.URLError, ConnectionError, OSError):
        return  # the studio was killed


@pytest.mark.slow
def test_a_studio_killed_while_saving_keeps_every_version_whole(tmp_path):
    config = tmp_path / "bulletin.toml"
    config.write_text('[voice]\nengine = "espeak"\n[output]\ndir = "out"\n', "utf-8")
    built = run("build", PAGES / "kort.txt", "--config", config, "--at", AT, "--draft", "-q")
    assert built.exit_code == 0, built.stderr
    audio = Path(built.stdout.strip())
    ident = audio.parent.relative_to(tmp_path / "out").as_posix()
    versions = tmp_path / "out" / ".studio" / "versions" / ident
    chance = random.Random(SEED)
    for _ in range(KILLS):
        process, base = start(config)
        acknowledged: list[str] = []
        stop = threading.Event()
        worker = threading.Thread(target=saver, args=(base, ident, acknowledged, stop))
        worker.start()
        saves = chance.randint(1, 5)
        wait_until(lambda: len(acknowledged) >= saves, "a few saves", process)  # noqa: B023
        process.send_signal(signal.SIGKILL)
        process.wait()
        stop.set()
        worker.join(timeout=60)
        files = sorted(versions.glob("*.json"))
        for path in files:  # every version whole: a script that reads back
            json.loads(path.read_text("utf-8"))
        newest = json.loads(files[-1].read_text("utf-8"))["segments"][1]["text"]
        # The newest on disk is the last the studio confirmed, or the one it was writing when killed.
        assert newest == acknowledged[-1] or newest.startswith(f"Versie {len(acknowledged) + 1} ")

        process, base = start(config)  # the next studio sweeps what the killed one left
        try:
            leftovers = [p for p in (tmp_path / "out" / ".studio").rglob("*") if p.name.endswith(TEMPORARY)]
            assert leftovers == []
            data, _ = request(f"{base}api/bulletins/{ident}")
            assert data == files[-1].read_bytes()
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)
