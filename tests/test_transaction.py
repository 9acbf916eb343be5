"""A build is one transaction: all files of a bulletin appear (or are replaced) in one
step, a failure at any step leaves the old bulletin or the new one whole, what a killed
run leaves is swept by the next run, and two builds of one bulletin never race."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mutagen.mp3 import MP3

from bulletin.storage import atomic as fsutil
from bulletin.storage import sweep as sweeping
from bulletin.storage.locks import name_lock
from bulletin.storage.sweep import sweep
from test_cli import AT, ESPEAK, run

STEM = "nieuwsbulletin-binnenland-0815"
FIRST = "ZWOLLE (ANP) - De gemeente opent vandaag een nieuwe brug over de IJssel."
SECOND = "DEVENTER (ANP) - Het waterschap sluit morgen de sluis voor onderhoud aan de deuren."
DURATION_TOLERANCE_S = 0.1
MAX_STEPS = 40  # more file-system steps than putting one bulletin in place takes


def _page(path: Path, brief: str) -> Path:
    path.write_text(
        f"Dijken worden hoger\nDEN HAAG (ANP) - Het kabinet versterkt de dijken.\nMeer uit Binnenland\n{brief}\n",
        encoding="utf-8",
    )
    return path


def _build(page: Path, out: Path, *extra: str):
    return run("build", str(page), *AT, *ESPEAK, "--no-sounders", "-o", str(out), *extra)


def _which(folder: Path) -> str:
    """Which build's files ``folder`` holds ("first" or "second"); fails on a mix."""
    texts = {p.name: p.read_text("utf-8") for p in folder.iterdir() if p.suffix in (".txt", ".vtt", ".srt")}
    texts["json"] = (folder / f"{STEM}.json").read_text("utf-8")
    owners = {
        name: ("first" if "Zwolle" in text else "second" if "Deventer" in text else "?") for name, text in texts.items()
    }
    assert len(set(owners.values())) == 1, f"a mixed set: {owners}"
    episode = json.loads((folder / f"{STEM}.episode.json").read_text("utf-8"))
    assert abs(episode["duration"] - MP3(folder / f"{STEM}.mp3").info.length) < DURATION_TOLERANCE_S
    chapters = json.loads((folder / f"{STEM}.chapters.json").read_text("utf-8"))["chapters"]
    assert chapters[-1]["startTime"] < episode["duration"]
    return next(iter(owners.values()))


def _visible(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if not any(part.startswith(".") for part in p.relative_to(out).parts)]


def _hidden(out: Path) -> list[Path]:
    return [p for p in out.rglob(".*")]


@pytest.mark.slow  # fault injection: whole builds killed or failed at many points
@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "fallback"])
def test_a_failure_at_any_step_of_a_rebuild_leaves_old_or_new_whole(tmp_path, monkeypatch, exchange):
    out = tmp_path / "out"
    first, second = _page(tmp_path / "a.txt", FIRST), _page(tmp_path / "b.txt", SECOND)
    folder = out / "2026-11-27" / STEM
    if not exchange:
        monkeypatch.setattr(fsutil, "_exchange", lambda _a, _b: False)
    seen = set()
    for fail_at in range(MAX_STEPS):
        shutil.rmtree(out, ignore_errors=True)
        assert _build(first, out).exit_code == 0
        steps = 0
        real = {name: getattr(os, name) for name in ("rename", "replace", "unlink", "rmdir")}

        def failing(name, fail_at=fail_at, real=real):
            def step(*args, **kwargs):
                nonlocal steps
                steps += 1
                if steps > fail_at:
                    raise OSError(5, "Input/output error (injected)")
                return real[name](*args, **kwargs)

            return step

        with monkeypatch.context() as faults:
            for name in real:
                faults.setattr(os, name, failing(name))
            result = _build(second, out)
        if folder.exists() or result.exit_code == 0:  # (absent only if the fallback's undo failed too)
            seen.add(_which(folder))
        if result.exit_code == 0:
            assert _which(folder) == "second"
            break
        assert result.exit_code in (1, 70), result.stderr
        # A later run (as from a process that is gone) sweeps what the failed one left.
        monkeypatch.setattr(sweeping, "_alive", lambda _pid: False)
        sweep(out, 2)
        monkeypatch.undo()
        if not exchange:
            monkeypatch.setattr(fsutil, "_exchange", lambda _a, _b: False)
        assert not _hidden(out), _hidden(out)
        seen.add(_which(folder))
    else:
        pytest.fail(f"the rebuild never got through {MAX_STEPS} steps")
    assert seen == {"first", "second"} or seen == {"second"}


def test_a_rebuild_replaces_the_earlier_bulletin_and_says_so_in_one_line(tmp_path):
    out = tmp_path / "out"
    assert _build(_page(tmp_path / "a.txt", FIRST), out).exit_code == 0
    result = _build(_page(tmp_path / "b.txt", SECOND), out)
    assert result.exit_code == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if "replaced" in line]
    assert len(notes) == 1 and STEM in notes[0]
    assert _which(out / "2026-11-27" / STEM) == "second"
    assert [p.name for p in (out / "2026-11-27").iterdir()] == [STEM]  # no old folder, no lock left


def test_a_second_build_of_the_same_bulletin_stops_before_synthesis(tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    page = _page(tmp_path / "a.txt", FIRST)
    with name_lock(out / "2026-11-27" / STEM, "busy"):  # as a running build holds it
        result = _build(page, out)
    assert result.exit_code == 75
    assert result.stderr.strip().count("\n") == 0 and "another build of" in result.stderr
    assert not list(cache.rglob("*.seg"))  # nothing was synthesised
    assert not out.exists() or not _visible(out)


def test_two_builds_of_one_bulletin_at_once_never_silently_replace_each_other(tmp_path):
    out = tmp_path / "out"
    page = _page(tmp_path / "a.txt", FIRST)
    command = [sys.executable, "-m", "bulletin", "build", str(page), *AT, *ESPEAK, "--no-sounders", "-o", str(out)]
    runs = [subprocess.Popen(command, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    results = [(p.wait(), p.communicate()) for p in runs]
    codes = sorted(code for code, _ in results)
    for code, (_, stderr) in results:
        if code == 0:  # the later of two that did not overlap says it replaced the first
            continue
        assert code == 75 and "another build of" in stderr and stderr.strip().count("\n") == 0
    if codes == [0, 0]:
        assert sum("replaced" in stderr for _, (_, stderr) in results) == 1
    assert _which(out / "2026-11-27" / STEM) == "first" and not _hidden(out)


def test_leftovers_of_killed_runs_are_swept_and_live_ones_kept(tmp_path):
    out = tmp_path / "out"
    day = out / "2026-11-27"
    day.mkdir(parents=True)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(gone.stdout)
    stale_file = day / f".{STEM}.mp3.{dead}-abc123.part"
    stale_folder = day / f".{STEM}.{dead}-abc123.building"
    stale_folder.mkdir()
    (stale_folder / f"{STEM}.mp3").write_bytes(b"half")
    stale_root = out / f".feed.xml.{dead}-xyz.part"
    stale_lock = day / f".{STEM}-other.build-lock"
    for path in (stale_file, stale_root, stale_lock):
        path.write_bytes(b"")
    live = day / f".other.mp3.{os.getpid()}-live.part"  # this process is alive: a build in progress
    live.write_bytes(b"")
    assert _build(_page(tmp_path / "a.txt", FIRST), out).exit_code == 0
    assert not stale_file.exists() and not stale_folder.exists() and not stale_root.exists()
    assert not stale_lock.exists() and live.exists()


def test_a_folder_moved_aside_for_a_replacement_that_never_came_is_put_back(tmp_path):
    out = tmp_path / "out"
    assert _build(_page(tmp_path / "a.txt", FIRST), out).exit_code == 0
    folder = out / "2026-11-27" / STEM
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    folder.rename(folder.with_name(f".{STEM}.{int(gone.stdout)}-abc123.old"))  # killed between two renames
    sweep(out, 2)
    assert _which(folder) == "first" and not _hidden(out)
