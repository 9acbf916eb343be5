"""bulletin's benchmark: speed and memory, whole processes, against a naive pipeline.

    .venv/bin/python bench/run.py [--quick] [--out bench/results]
    .venv/bin/python bench/run.py --network [--quick] [bench/network.py's options]: many stations, one bucket

It writes its own news pages, runs `bulletin build` as a user would (a fresh
process each time, caches in a folder of its own), and prints a table; the
figures also go to a JSON file. Nothing here touches the network: the Google
path is measured against a fake endpoint with a fixed delay per request.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))  # the fake Google endpoint the tests use

from pages import write_page  # noqa: E402  (bench/pages.py, beside this file)

AT = "2026-11-27T08:00"
SIZES = (10, 20, 40, 80)
GTTS_DELAY_S = 0.2
TARGETS = {
    "cold_realtime": 60.0,
    "warm_realtime": 150.0,
    "incremental_vs_warm": 1.3,
    "per_brief_80_vs_10": 1.3,
    "rss_80_mb": 250.0,
    "gtts_speedup": 3.0,
    "naive_speedup": 2.0,
}
# Against the floor (espeak-ng piped into one MP3 encode of the same text), per second of audio.
FLOOR_TARGETS = {"cold_vs_floor": 1.3, "warm_vs_floor": 0.25, "naive_vs_cold": 3.0}
FLOOR_REPEATS = 3  # each figure is the median of this many side-by-side runs
MS_PER_S = 1000


def compile_bytecode() -> None:
    """Compile bulletin's modules once, as installing a package does: the builds measured are a
    user's, not a first run that compiles every module (nor a shell with PYTHONDONTWRITEBYTECODE)."""
    import compileall

    import bulletin

    compileall.compile_dir(str(Path(bulletin.__file__).parent), quiet=1)


def bulletin_exe() -> str:
    found = shutil.which("bulletin", path=str(Path(sys.executable).parent))
    if not found:
        sys.exit("bulletin is not installed in this environment; run the README's setup first.")
    return found


def children_cpu() -> float:
    """CPU seconds (user and system) of every child process waited for so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run ``command`` in a fresh process: wall seconds, CPU seconds (its own and its children's,
    ffmpeg's included) and what it printed; the bench stops if it fails."""
    cpu, started = children_cpu(), time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - started, children_cpu() - cpu
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return wall, cpu, done.stdout


def build_cpu(
    page: Path,
    out: Path,
    cache: Path,
    voice: tuple[str, ...] = ("--engine", "espeak"),
    env_extra: dict[str, str] | None = None,
) -> tuple[float, float, float]:
    """One `bulletin build` in a fresh process, as a user runs it: wall seconds, audio seconds and
    CPU seconds (the build's and its ffmpeg's)."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), **(env_extra or {})}
    command = [bulletin_exe(), "build", str(page), *voice, "-o", str(out), "--at", AT, "-q"]
    wall, cpu, printed = timed(command, env)
    from mutagen.mp3 import MP3

    return wall, float(MP3(printed.strip()).info.length), cpu


def build(
    page: Path,
    out: Path,
    cache: Path,
    voice: tuple[str, ...] = ("--engine", "espeak"),
    env_extra: dict[str, str] | None = None,
) -> tuple[float, float]:
    """One `bulletin build` in a fresh process, as a user runs it: wall seconds and audio seconds."""
    wall, audio, _ = build_cpu(page, out, cache, voice, env_extra)
    return wall, audio


def rss_of_fresh_process(
    page: Path,
    out: Path,
    cache: Path,
    voice: tuple[str, ...] = ("--engine", "espeak"),
    env_extra: dict[str, str] | None = None,
) -> float:
    """Peak RSS (MB) of one cold build: the largest of its processes (bulletin or an ffmpeg it ran),
    measured by a child that runs only that build, since getrusage counts per waiting parent."""
    probe = (
        "import resource, subprocess, sys;"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), **(env_extra or {})}
    command = [
        sys.executable,
        "-c",
        probe,
        bulletin_exe(),
        "build",
        str(page),
        *voice,
        "-o",
        str(out),
        "--at",
        AT,
        "-q",
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return int(done.stdout.strip()) / 1024


MEMORY_CHARS = (10_000, 50_000, 200_000)  # one long story: 12 minutes, an hour, four hours of speech
MEMORY_FORMATS = ("mp3", "wav")
MEMORY_TARGET_MB = 300.0
LONG_SENTENCE = "De gemeenteraad besluit vandaag over de nieuwe brug over het kanaal bij de haven. "


def memory_rows(work: Path) -> list[dict[str, float | str]]:
    """Peak RSS of cold builds of one ever longer story, in MP3 and in Broadcast WAV (24-bit,
    48 kHz): memory must not grow with a bulletin's length."""
    config = work / "long.toml"
    config.write_text("[script]\nmax_minutes = 1440\n", "utf-8")  # four hours is no runaway here
    rows: list[dict[str, float | str]] = []
    for chars in MEMORY_CHARS:
        page = work / f"long-{chars}.txt"
        story = LONG_SENTENCE * (chars // len(LONG_SENTENCE))
        page.write_text(f"Een lang verhaal\nAMSTERDAM (ANP) - {story}\n", "utf-8")
        for audio_format in MEMORY_FORMATS:
            voice = ("--engine", "espeak", "--no-sounders", "--format", audio_format, "--config", str(config))
            name = f"{chars}-{audio_format}"
            rss = rss_of_fresh_process(page, work / f"out-mem-{name}", work / f"cache-mem-{name}", voice)
            rows.append({"chars": chars, "format": audio_format, "rss_mb": round(rss, 1)})
            print(f"{chars:>7} chars  {audio_format}  peak RSS {rss:6.0f} MB", flush=True)
    return rows


def builds(work: Path, briefs: int) -> dict[str, float]:
    """Cold, warm and incremental builds of a page with ``briefs`` briefs."""
    page = write_page(work / f"page-{briefs}.txt", briefs)
    cache, out = work / f"cache-{briefs}", work / f"out-{briefs}"
    cold, audio = build(page, out, cache)
    warm, _ = build(page, out, cache)
    changed = write_page(work / f"page-{briefs}-changed.txt", briefs, changed_brief=briefs // 2)
    incremental, _ = build(changed, out, cache)
    rss = rss_of_fresh_process(page, work / f"out-rss-{briefs}", work / f"cache-rss-{briefs}")
    return {
        "briefs": briefs,
        "audio_s": round(audio, 1),
        "cold_s": round(cold, 3),
        "warm_s": round(warm, 3),
        "incremental_s": round(incremental, 3),
        "rss_mb": round(rss, 1),
        "cold_realtime": round(audio / cold, 1),
        "warm_realtime": round(audio / warm, 1),
        "incremental_realtime": round(audio / incremental, 1),
    }


NAIVE = r"""
import ctypes, json, subprocess, sys, wave, re
from pathlib import Path
import espeakng_loader, imageio_ffmpeg
work, texts = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text("utf-8"))
ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
lib = ctypes.CDLL(espeakng_loader.get_library_path())
rate = lib.espeak_Initialize(2, 0, espeakng_loader.get_data_path().encode(), 0)
chunks = []
CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
def collect(wav, n, events):
    if n > 0:
        chunks.append(ctypes.string_at(wav, n * 2))
    return 0
callback = CB(collect)
lib.espeak_SetSynthCallback(callback)
lib.espeak_SetVoiceByName(b"nl")
lib.espeak_SetParameter(1, 165, 0)
names = []
for i, text in enumerate(texts):
    chunks.clear()
    data = text.encode()
    lib.espeak_Synth(data, len(data) + 1, 0, 1, 0, 1, None, None)
    name = work / f"seg{i:03d}.wav"
    with wave.open(str(name), "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate); w.writeframes(b"".join(chunks))
    names.append(name)
(work / "list.txt").write_text("".join(f"file '{n}'\n" for n in names))
run = lambda args: subprocess.run([ffmpeg, "-v", "info", "-nostdin", "-y", *args], capture_output=True, text=True, check=True)
run(["-f", "concat", "-safe", "0", "-i", str(work / "list.txt"), str(work / "all.wav")])
first = run(["-i", str(work / "all.wav"), "-af", "loudnorm=I=-16:TP=-1.5:LRA=11:print_format=json", "-f", "null", "-"])
m = json.loads(re.search(r"\{[^{}]*\}", first.stderr[first.stderr.rfind("[Parsed_loudnorm"):]).group(0))
second = (f"loudnorm=I=-16:TP=-1.5:LRA=11:measured_I={m['input_i']}:measured_TP={m['input_tp']}:"
          f"measured_LRA={m['input_lra']}:measured_thresh={m['input_thresh']}:offset={m['target_offset']}:linear=true")
run(["-i", str(work / "all.wav"), "-af", second, "-ar", "44100", "-ac", "1", "-b:a", "96k", str(work / "naive.mp3")])
"""


def naive(work: Path, page: Path, name: str = "naive") -> float:
    """The naive pipeline on the same page: espeak-ng per segment, ffmpeg concat, two-pass loudnorm, MP3."""
    texts = segment_texts(work, page)
    folder = work / name
    folder.mkdir()
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", NAIVE, str(folder), str(texts)], check=True)
    return time.perf_counter() - started


FLOOR = r"""
import ctypes, json, subprocess, sys
from pathlib import Path
import espeakng_loader, imageio_ffmpeg
out, texts = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text("utf-8"))
lib = ctypes.CDLL(espeakng_loader.get_library_path())
rate = lib.espeak_Initialize(2, 0, espeakng_loader.get_data_path().encode(), 0)
encoder = subprocess.Popen([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "s16le", "-ar", str(rate), "-ac", "1",
                            "-i", "pipe:0", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "96k", "-y", str(out)],
                           stdin=subprocess.PIPE)
written = 0
CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
def collect(wav, n, events):
    global written
    if n > 0:
        encoder.stdin.write(ctypes.string_at(wav, n * 2))
        written += n
    return 0
callback = CB(collect)
lib.espeak_SetSynthCallback(callback)
lib.espeak_SetVoiceByName(b"nl")
lib.espeak_SetParameter(1, 165, 0)
for text in texts:
    data = text.encode()
    lib.espeak_Synth(data, len(data) + 1, 0, 1, 0, 1, None, None)
encoder.stdin.close()
if encoder.wait() != 0:
    sys.exit("the floor's encoder failed")
print(written / rate)
"""


def segment_texts(work: Path, page: Path) -> Path:
    """The spoken text of every segment of ``page``, as bulletin's script has it, in a JSON file."""
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "script-cache")}
    script = subprocess.run(
        [bulletin_exe(), "script", str(page), "--engine", "espeak", "--at", AT, "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    texts = work / f"{page.stem}-texts.json"
    texts.write_text(json.dumps([s["text"] for s in json.loads(script)["segments"]]), "utf-8")
    return texts


def floor(work: Path, texts: Path) -> tuple[float, float]:
    """The floor, in a fresh process: espeak-ng synthesis of the same text piped into one MP3 encode.
    Wall seconds and seconds of audio."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", FLOOR, str(work / "floor.mp3"), str(texts)], capture_output=True, text=True, check=True
    )
    return time.perf_counter() - started, float(done.stdout.strip())


def against_floor(work: Path, page: Path, repeats: int = FLOOR_REPEATS) -> dict[str, float]:
    """Cold, warm and naive builds of ``page`` next to the floor, interleaved so that each
    sees the same load; each figure the median of ``repeats`` runs, in seconds per second of audio."""
    import statistics

    from bulletin.core.machine import usable_cores

    texts = segment_texts(work, page)
    runs: dict[str, list[float]] = {"floor": [], "cold": [], "warm": [], "naive": []}
    busy: dict[str, list[float]] = {"floor": [], "cold": []}  # CPU seconds per wall second
    audio = floor_audio = 0.0
    load_before = os.getloadavg()
    for repeat in range(repeats):
        cpu = children_cpu()
        wall, floor_audio = floor(work, texts)
        runs["floor"].append(wall / floor_audio)
        busy["floor"].append((children_cpu() - cpu) / wall)
        cache, out = work / f"floor-cache-{repeat}", work / f"floor-out-{repeat}"
        cold, audio, cold_cpu = build_cpu(page, out, cache)
        runs["cold"].append(cold / audio)
        busy["cold"].append(cold_cpu / cold)
        runs["warm"].append(build(page, out, cache)[0] / audio)
        runs["naive"].append(naive(work, page, f"floor-naive-{repeat}") / audio)
    per_audio_s = {name: statistics.median(values) for name, values in runs.items()}
    return {
        "floor_audio_s": round(floor_audio, 1),
        "bulletin_audio_s": round(audio, 1),
        **{f"{name}_s_per_audio_s": round(value, 5) for name, value in per_audio_s.items()},
        "cold_vs_floor": round(per_audio_s["cold"] / per_audio_s["floor"], 2),
        "warm_vs_floor": round(per_audio_s["warm"] / per_audio_s["floor"], 2),
        "naive_vs_cold": round(per_audio_s["naive"] / per_audio_s["cold"], 2),
        **{f"{name}_cpu_per_wall": round(statistics.median(values), 2) for name, values in busy.items()},
        "cores": usable_cores(),
        "load_average": [round(x, 2) for x in (*load_before, *os.getloadavg())],
        "repeats": repeats,
    }


def floor_checks(f: dict[str, float]) -> dict[str, bool]:
    """The floor targets: met or not."""
    return {
        "cold_vs_floor": f["cold_vs_floor"] <= FLOOR_TARGETS["cold_vs_floor"],
        "warm_vs_floor": f["warm_vs_floor"] <= FLOOR_TARGETS["warm_vs_floor"],
        "naive_vs_cold": f["naive_vs_cold"] >= FLOOR_TARGETS["naive_vs_cold"],
    }


def floor_lines(f: dict[str, float]) -> list[str]:
    """The floor comparison, for the printed table."""
    ms = {name: f[f"{name}_s_per_audio_s"] * MS_PER_S for name in ("floor", "cold", "warm", "naive")}
    return [
        (
            f"against the floor (espeak-ng piped into one MP3 encode of the same text; seconds of wall time per "
            f"second of audio, median of {f['repeats']} side-by-side runs):"
        ),
        (
            f"  floor {ms['floor']:.1f} ms/s · cold {ms['cold']:.1f} ms/s · warm {ms['warm']:.1f} ms/s · "
            f"naive {ms['naive']:.1f} ms/s"
        ),
        f"  cold / floor = {f['cold_vs_floor']:.2f} (target <= {FLOOR_TARGETS['cold_vs_floor']})",
        f"  warm / floor = {f['warm_vs_floor']:.2f} (target <= {FLOOR_TARGETS['warm_vs_floor']})",
        f"  naive / cold = {f['naive_vs_cold']:.2f} (target >= {FLOOR_TARGETS['naive_vs_cold']})",
        (
            f"  CPU utilisation ((user + sys) / wall, {f['cores']} cores): cold build {f['cold_cpu_per_wall']:.2f}, "
            f"floor {f['floor_cpu_per_wall']:.2f}"
        ),
        "  load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}, after: {:.2f} {:.2f} {:.2f}".format(
            *f["load_average"]
        ),
    ]


SAY_TEXT = "Het kabinet wil dat gemeenten vanaf 2027 meer woningen bouwen."
IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)$")
US_PER_MS = 1000
TOP_IMPORTS = 8  # the largest top-level imports printed


def startup(work: Path, page: Path, repeats: int = FLOOR_REPEATS) -> dict[str, object]:
    """What a process pays before and around its audio: the time a cold build spends importing
    (``-X importtime``: the sum of every module's own time, and the largest imports at the top
    level), and the time from starting `bulletin say` to its audio file (cold, median)."""
    import statistics

    env = {**os.environ, "XDG_CACHE_HOME": str(work / "imports-cache")}
    command = [sys.executable, "-X", "importtime", bulletin_exe(), "build", str(page), "--engine", "espeak"]
    done = subprocess.run(
        [*command, "-o", str(work / "imports-out"), "--at", AT, "-q"], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"the import-time build failed:\n{done.stderr}")
    own = top = 0
    largest: list[tuple[int, str]] = []
    for line in done.stderr.splitlines():
        if (found := IMPORT_LINE.match(line)) is None:
            continue
        own += int(found.group(1))
        if not found.group(3):  # imported at the top level: by bulletin's own code, or lazily
            top += int(found.group(2))
            largest.append((int(found.group(2)), found.group(4)))
    say_s = []
    for repeat in range(repeats):
        env = {**os.environ, "XDG_CACHE_HOME": str(work / f"say-cache-{repeat}")}
        target = work / f"say-{repeat}.mp3"
        say_s.append(timed([bulletin_exe(), "say", SAY_TEXT, "--engine", "espeak", "-o", str(target), "-q"], env)[0])
    return {
        "cold_build_import_s": round(own / US_PER_MS / MS_PER_S, 3),
        "largest_imports_ms": {name: round(us / US_PER_MS) for us, name in sorted(largest, reverse=True)[:TOP_IMPORTS]},
        "say_to_audio_s": round(statistics.median(say_s), 3),
        "say_text": SAY_TEXT,
    }


def startup_lines(f: dict) -> list[str]:
    """The start-up figures, for the printed table."""
    largest = ", ".join(f"{name} {ms} ms" for name, ms in f["largest_imports_ms"].items())
    return [
        f"imports of a cold build (-X importtime, every module's own time): {f['cold_build_import_s'] * MS_PER_S:.0f} ms",
        f"  largest at the top level: {largest}",
        f"time to first audio, `bulletin say` of one sentence (cold, its file written): {f['say_to_audio_s']:.2f} s",
    ]


def gtts(work: Path, page: Path) -> dict[str, float]:
    """The Google path with the HTTP layer faked at GTTS_DELAY_S per request: ours against sequential."""
    import responses

    from fake_google import FakeGoogle

    os.environ["XDG_CACHE_HOME"] = str(work / "gtts-cache")
    from bulletin.build.pipeline import build as build_bulletin
    from bulletin.config import load_config

    results: dict[str, float] = {}
    for label, options in (("ours", {}), ("sequential", {"gtts.concurrent": 1, "gtts.requests_per_second": 1000.0})):
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            fake = FakeGoogle(mock, latency=GTTS_DELAY_S)
            config = load_config(
                overrides={
                    "output.dir": str(work / f"gtts-{label}"),
                    "voice.engine": "gtts",
                    "cache.enabled": False,
                    **options,
                }
            )
            started = time.perf_counter()
            build_bulletin(page, config, at=datetime.fromisoformat(AT))
            results[f"{label}_s"] = round(time.perf_counter() - started, 3)
            results["requests"] = len(fake.texts)
            results["longest_request_chars"] = max(len(t) for t in fake.texts)
            results["most_in_flight"] = max(results.get("most_in_flight", 0), fake.most_in_flight)
    results["sum_of_delays_s"] = round(results["requests"] * GTTS_DELAY_S, 1)
    results["speedup"] = round(results["sequential_s"] / results["ours_s"], 2)
    return results


def _piper_voice(work: Path) -> tuple[str, dict[str, str], bool]:
    """An installed Piper voice (profile name, environment, is it a test model?): the user's
    first if there is one, else the tests' tiny generated model installed in a folder of our own."""
    from bulletin.tts.piper_store import add, installed

    mine = installed()
    if mine:
        return mine[0].profile, {}, False
    from tiny_piper import make_voice

    data = work / "piper-data"
    model = make_voice(work / "piper-model", "nl_NL-test-low")
    previous = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(data)
    try:
        voice = add(model)
    finally:
        os.environ.pop("XDG_DATA_HOME") if previous is None else os.environ.update(XDG_DATA_HOME=previous)
    return voice.profile, {"XDG_DATA_HOME": str(data)}, True


def _edge_in_process(work: Path, page: Path) -> dict[str, float]:
    """The edge engine against the tests' loopback service (real edge-tts client), in this process."""
    import edge_tts.communicate

    from bulletin.build.pipeline import build as build_bulletin
    from bulletin.config import load_config
    from fake_edge import FakeEdge

    fake = FakeEdge()
    port = fake.start()
    edge_tts.communicate.WSS_URL = f"ws://127.0.0.1:{port}/edge/v1?TrustedClientToken=bench"
    os.environ["XDG_CACHE_HOME"] = str(work / "edge-cache")
    times, audio = [], 0.0
    try:
        for _ in ("cold", "warm"):
            config = load_config(overrides={"output.dir": str(work / "edge-out"), "voice.engine": "edge"})
            started = time.perf_counter()
            result = build_bulletin(page, config, at=datetime.fromisoformat(AT))
            times.append(time.perf_counter() - started)
            audio = result.qa.duration
    finally:
        fake.stop()
    return {
        "engine": "edge",
        "note": "loopback stand-in for Microsoft's service, in-process (no RSS)",
        "audio_s": round(audio, 1),
        "cold_s": round(times[0], 3),
        "warm_s": round(times[1], 3),
        "cold_realtime": round(audio / times[0], 1),
        "warm_realtime": round(audio / times[1], 1),
        "rss_mb": None,
    }


def engine_rows(work: Path, page: Path) -> list[dict[str, object]]:
    """Cold and warm realtime factors and peak memory per engine present on this machine."""
    from bulletin.config import load_config
    from bulletin.config.stages import engine_section
    from bulletin.tts import create_engine

    rows: list[dict[str, object]] = []
    candidates: list[tuple[str, tuple[str, ...], dict[str, str], str]] = [("espeak", ("--engine", "espeak"), {}, "")]
    try:
        create_engine("piper", {"model": "-"}, engine_section(load_config(), "piper")).check()
    except Exception as exc:
        if "not found" in str(exc):
            profile, env, test_model = _piper_voice(work)
            candidates.append(
                (
                    "piper",
                    ("--engine", "piper", "--voice", profile),
                    env,
                    "a generated test model, not a real voice: the figure is for a test model"
                    if test_model
                    else profile,
                )
            )
    for engine, voice, env, note in candidates:
        cache, out = work / f"cache-{engine}", work / f"out-{engine}"
        cold, audio = build(page, out, cache, voice, env)
        warm, _ = build(page, out, cache, voice, env)
        rss = rss_of_fresh_process(page, work / f"out-rss-{engine}", work / f"cache-rss-{engine}", voice, env)
        rows.append(
            {
                "engine": engine,
                "note": note,
                "audio_s": round(audio, 1),
                "cold_s": round(cold, 3),
                "warm_s": round(warm, 3),
                "cold_realtime": round(audio / cold, 1),
                "warm_realtime": round(audio / warm, 1),
                "rss_mb": round(rss, 1),
            }
        )
    try:
        import edge_tts  # noqa: F401

        rows.append(_edge_in_process(work, page))
    except ImportError:
        pass
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the 10-brief size and no Google path")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument(
        "--network", action="store_true", help="the many-stations scenario instead (bench/network.py --help)"
    )
    parser.add_argument(
        "--memory", action="store_true", help="only peak RSS of long bulletins (10k, 50k, 200k characters; MP3, WAV)"
    )
    args, network_args = parser.parse_known_args()
    if args.memory:
        with tempfile.TemporaryDirectory(prefix="bulletin-bench-") as temp:
            rows = memory_rows(Path(temp))
        worst = max(float(r["rss_mb"]) for r in rows)
        print(f"worst peak RSS {worst:.0f} MB (target: under {MEMORY_TARGET_MB:.0f} MB at every length)")
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / f"memory-{datetime.now():%Y%m%d-%H%M%S}.json").write_text(json.dumps(rows, indent=2) + "\n")
        return
    if args.network:
        from network import main as network

        network([*network_args, *(["--quick"] if args.quick else []), "--out", str(args.out)])
        return
    if network_args:
        parser.error(f"unrecognized arguments: {' '.join(network_args)}")
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="bulletin-bench-") as temp:
        work = Path(temp)
        rows = [builds(work, n) for n in (SIZES[:1] if args.quick else SIZES)]
        main_row = rows[0]
        naive_s = naive(work, work / "page-10.txt")
        floor_figures = against_floor(work, work / "page-10.txt")
        started = startup(work, work / "page-10.txt")
        google = {} if args.quick else gtts(work, work / "page-10.txt")
        engines = engine_rows(work, work / "page-10.txt")
    per_brief = {r["briefs"]: r["cold_s"] / r["briefs"] for r in rows}
    figures = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()},
        "sizes": rows,
        "naive_s": round(naive_s, 3),
        "naive_speedup": round(naive_s / main_row["cold_s"], 2),
        "incremental_vs_warm": round(main_row["incremental_s"] / main_row["warm_s"], 2),
        "per_brief_80_vs_10": round(per_brief[80] / per_brief[10], 2) if 80 in per_brief else None,
        "marginal_s_per_brief": {
            f"{a}-{b}": round(
                (
                    next(r["cold_s"] for r in rows if r["briefs"] == b)
                    - next(r["cold_s"] for r in rows if r["briefs"] == a)
                )
                / (b - a),
                4,
            )
            for a, b in itertools.pairwise([r["briefs"] for r in rows])
        },
        "gtts": google,
        "engines": engines,
        "floor": floor_figures,
        "startup": started,
    }
    checks = {
        "cold_realtime": main_row["cold_realtime"] >= TARGETS["cold_realtime"],
        "warm_realtime": main_row["warm_realtime"] >= TARGETS["warm_realtime"],
        "incremental_vs_warm": figures["incremental_vs_warm"] <= TARGETS["incremental_vs_warm"],
        "naive_speedup": figures["naive_speedup"] >= TARGETS["naive_speedup"],
    }
    if figures["per_brief_80_vs_10"] is not None:
        checks["per_brief_80_vs_10"] = figures["per_brief_80_vs_10"] <= TARGETS["per_brief_80_vs_10"]
        checks["rss_80_mb"] = rows[-1]["rss_mb"] < TARGETS["rss_80_mb"]
    if google:
        checks["gtts_speedup"] = google["speedup"] >= TARGETS["gtts_speedup"]
    checks.update(floor_checks(floor_figures))
    figures["targets"] = {**TARGETS, **FLOOR_TARGETS}
    figures["met"] = checks
    print(table(figures))
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / f"bench-{datetime.now():%Y%m%d-%H%M%S}.json"
    target.write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    print(f"\nfigures written to {target}")


def table(f: dict) -> str:
    lines = [
        "briefs  audio    cold     warm     incremental  cold x   warm x   incr x   peak RSS",
        "------  -------  -------  -------  -----------  -------  -------  -------  --------",
    ]
    for r in f["sizes"]:
        lines.append(
            f"{r['briefs']:>6}  {r['audio_s']:>6.1f}s  {r['cold_s']:>6.2f}s  {r['warm_s']:>6.2f}s  "
            f"{r['incremental_s']:>10.2f}s  {r['cold_realtime']:>6.0f}x  {r['warm_realtime']:>6.0f}x  "
            f"{r['incremental_realtime']:>6.0f}x  {r['rss_mb']:>6.0f} MB"
        )
    lines.append("")
    lines.append(
        f"naive pipeline (espeak-ng per segment, ffmpeg concat, two-pass loudnorm, MP3): "
        f"{f['naive_s']:.2f} s; bulletin's cold build is {f['naive_speedup']:.1f}x faster"
    )
    lines.append(f"incremental rebuild (one brief changed) / warm rebuild: {f['incremental_vs_warm']:.2f}")
    if f["per_brief_80_vs_10"] is not None:
        lines.append(
            f"cold time per brief, 80 briefs / 10 briefs: {f['per_brief_80_vs_10']:.2f}; "
            f"marginal seconds per brief: {f['marginal_s_per_brief']}"
        )
    if f["gtts"]:
        g = f["gtts"]
        lines.append(
            f"gTTS, faked at {GTTS_DELAY_S * 1000:.0f} ms a request: {g['requests']} requests "
            f"(longest {g['longest_request_chars']} chars), ours {g['ours_s']:.2f} s vs sequential "
            f"{g['sequential_s']:.2f} s ({g['speedup']:.1f}x; sum of delays {g['sum_of_delays_s']} s, "
            f"at most {g['most_in_flight']} in flight)"
        )
    lines += ["", *floor_lines(f["floor"]), "", *startup_lines(f["startup"])]
    if f.get("engines"):
        lines += [
            "",
            "engine  audio    cold     warm     cold x   warm x   peak RSS  note",
            "------  -------  -------  -------  -------  -------  --------  ----",
        ]
        for r in f["engines"]:
            rss = f"{r['rss_mb']:>6.0f} MB" if r["rss_mb"] is not None else "     n/a"
            lines.append(
                f"{r['engine']:<6}  {r['audio_s']:>6.1f}s  {r['cold_s']:>6.2f}s  {r['warm_s']:>6.2f}s  "
                f"{r['cold_realtime']:>6.0f}x  {r['warm_realtime']:>6.0f}x  {rss}  {r['note']}"
            )
    lines.append("")
    lines.append("targets: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in f["met"].items()))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
