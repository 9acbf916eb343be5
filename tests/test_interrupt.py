"""Ctrl-C and SIGTERM during a real `bulletin build` subprocess: it stops promptly with
130 or 143, leaves no ffmpeg behind, caches nothing from the interrupted segment, and
the next build is whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from conftest import AMSTERDAM, wait_until

AT = "2026-11-27T08:15"
POLL_S = 0.02
SAME_LENGTH = 0.01  # relative
# About 200 s of speech: espeak needs a second or more for it even on an idle machine, so
# the signal, sent 20 ms after the intro is cached, lands while the lead is spoken.
LEAD_PARAGRAPHS = 2
SENTENCE = (
    "Het kabinet trekt de komende vijf jaar extra geld uit voor de versterking van dijken "
    "langs de grote rivieren, bovenop de bestaande afspraken met de waterschappen."
)


def _page(path: Path) -> Path:
    """A page whose lead takes espeak seconds to speak, so a signal lands mid-synthesis."""
    lead = "\n".join(" ".join([SENTENCE] * 10) for _ in range(LEAD_PARAGRAPHS))
    briefs = "\n".join(
        f"{city} (ANP) - De gemeente opent vandaag een nieuwe brug over de rivier."
        for city in ("ZWOLLE", "DEVENTER", "ARNHEM")
    )
    path.write_text(
        f"Kabinet versterkt dijken\nDEN HAAG (ANP) - {lead}\nMeer uit Binnenland\n{briefs}\n", encoding="utf-8"
    )
    return path


def _bulletin(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bulletin", *args], env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _wait_for(condition, process: subprocess.Popen[str]) -> None:
    reached = wait_until(condition, "the moment to interrupt", process, poll=POLL_S)
    assert reached, f"build ended before the condition: {process.communicate()}"


def _processes_with(marker: str) -> list[int]:
    """Processes still alive that inherited our marker in their environment."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if f"BULLETIN_TEST_RUN={marker}".encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue  # gone, or not ours
    return found


@pytest.mark.slow  # fault injection: whole builds killed or failed at many points
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_during_synthesis_stops_cleanly(tmp_path, signum, code):
    from bulletin.build.pipeline import make_script
    from bulletin.casting.cast import choose_cast
    from bulletin.config import load_config
    from bulletin.config import stages as cfg
    from bulletin.tts import create_engine
    from bulletin.tts.cache import SegmentCache, segment_key

    page = _page(tmp_path / "page.txt")
    Path("bulletin.toml").write_text('[voice]\nengine = "espeak"\n', encoding="utf-8")
    marker = uuid.uuid4().hex
    env = {**os.environ, "BULLETIN_TEST_RUN": marker}
    segments = tmp_path / "cache" / "bulletin" / "segments"
    build = ["build", str(page), "--at", AT, "--no-sounders", "-o", "out"]

    process = _bulletin(*build, env=env)
    # The intro is spoken first; once it is cached the long lead is being synthesised.
    _wait_for(lambda: any(segments.glob("??/*.seg")), process)
    process.send_signal(signum)
    _, stderr = process.communicate()

    assert process.returncode == code, stderr
    assert stderr.strip().count("\n") == 0 and "interrupted" in stderr.lower(), stderr
    assert _processes_with(marker) == []
    assert not list(Path("out").rglob("*.mp3")) and not list(Path("out").rglob(".*.part"))

    # Every cache entry that exists is whole (espeak varies by a few samples from run to
    # run, a lost chunk is thousands); the interrupted lead has none.
    config = load_config(None, {"voice.engine": "espeak"})
    script = make_script(str(page), config, at=datetime.fromisoformat(AT).replace(tzinfo=AMSTERDAM))
    voice = choose_cast(cfg.voice_choice(config)).cast.newsreader
    engine = create_engine(voice.engine, voice.options, cfg.engine_section(config, voice.engine))
    cache = SegmentCache(segments)
    lead_text = next(s.text for s in script.segments if s.kind == "lead")
    assert cache.get(segment_key(engine, lead_text)) is None
    for segment in script.segments:
        cached = cache.get(segment_key(engine, segment.text))
        if cached is not None:
            fresh = engine.synthesize(segment.text)
            assert abs(len(cached.samples) - len(fresh.samples)) <= SAME_LENGTH * len(fresh.samples)

    process = _bulletin(*build, env=env)
    stdout, stderr = process.communicate()
    assert process.returncode == 0, stderr
    mp3 = Path(stdout.splitlines()[0])
    chapters = sorted(ID3(mp3).getall("CHAP"), key=lambda c: c.start_time)
    lead = engine.synthesize(lead_text)
    assert (chapters[1].end_time - chapters[1].start_time) / 1000 >= lead.seconds * 0.9
