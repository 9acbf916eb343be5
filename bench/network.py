"""The network scenario: many stations, one bucket, one shared segment cache (issue 22, item 5).

    .venv/bin/python bench/network.py [--stations 20] [--workers CPUS] [--quick] [--out bench/results]
    .venv/bin/python bench/run.py --network [the same options]

Every station reads the same lead and national briefs and two local briefs of its own. Each
run of a station is a fresh `bulletin daily` process in a fresh folder (empty output folder,
empty local cache), as a Kubernetes pod runs it: the bucket is the only state. The bucket is
moto's S3 server on loopback, in this process, behind a counter of the requests each run
sends (told apart by the app id each run puts in boto3's User-Agent). Speech is counted at
the engine by the tests' counting shim (tests/fixtures/counting); CPU seconds are each
process's own, with the ffmpeg processes it waited for (os.wait4).

The configurations, in the order they run (a warm one uses the bucket the one before left):

    d) baseline        no shared cache: each station speaks everything itself
    a) sequential cold one worker, the shared cache empty (the bucket emptied first)
    b) sequential warm one worker, the next hour: one new local story per station
    c) concurrent cold K workers, the bucket emptied first; concurrent warm: the next hour

gTTS and Piper are not run: their figures are derived from the counted speech and the
measured CPU outside speech, with per-request and per-audio-second costs given as options.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from pages import LEAD  # noqa: E402  (bench/pages.py, beside this file)
from run import AT, bulletin_exe, compile_bytecode  # noqa: E402

COUNTING = HERE.parent / "tests" / "fixtures" / "counting"  # the shim that counts what espeak speaks
BUCKET = "network"
CACHE_LOCATION = f"s3://{BUCKET}/cache/"
BASE_URL = "https://cdn.example.org/{station}/"
REGION = "us-east-1"
NEXT_HOUR = (datetime.fromisoformat(AT) + timedelta(hours=1)).isoformat(timespec="minutes")
DEFAULT_STATIONS, QUICK_STATIONS = 20, 4
NETWORK_SIZE = 100  # the network the README asks about
SECONDS_PER_HOUR = 3600
DEFAULT_WINDOW_MIN = 5  # an hourly bulletin is made in the minutes before the hour, not over the whole hour
DEFAULT_GTTS_CALL_S = 0.6  # wall seconds per request to Google, nearly all of it waiting on the network
DEFAULT_PIPER_RTF = 0.1  # CPU seconds per second of audio, one core
APP_ID = re.compile(r"\bapp/(\S+)")  # where boto3 puts AWS_SDK_UA_APP_ID in its User-Agent
# What a request touched, from its key (or a listing's prefix) under the bucket.
STATION, CACHE, LEASE, STATE = "station", "cache", "lease", "state"
KINDS = (STATION, CACHE, LEASE, STATE)
BUILT = "built"  # a run's status in its log line when it made a bulletin
FAILED, SERVER_ERROR = "failed", "5"  # requests the server failed: a 5xx status
BYTES = "_bytes"  # the bytes a kind of request carried, both ways: cache_bytes, station_bytes...
MB = 1_000_000
CACHE_PREFIX = CACHE_LOCATION.removeprefix(f"s3://{BUCKET}/")
LEASE_SUFFIX, STATE_SUFFIX = ".bulletin/lease.json", ".bulletin/state.json"
TOWNS = (
    "Zwolle",
    "Kampen",
    "Deventer",
    "Zutphen",
    "Apeldoorn",
    "Enschede",
    "Hengelo",
    "Almelo",
    "Assen",
    "Emmen",
    "Meppel",
    "Hoogeveen",
    "Leeuwarden",
    "Sneek",
    "Heerenveen",
    "Drachten",
    "Alkmaar",
    "Hoorn",
    "Den Helder",
    "Haarlem",
    "Leiden",
    "Delft",
    "Gouda",
    "Dordrecht",
    "Breda",
    "Tilburg",
    "Eindhoven",
    "Helmond",
    "Venlo",
    "Roermond",
    "Nijmegen",
    "Arnhem",
)
# The news every station carries. Each is a story of its own by the measure of `daily`, which
# reads a story once when most of its words are another's (bench/pages.py's briefs are alike).
NATIONAL_BRIEFS = (
    "UTRECHT (ANP) - De NS zet vanaf volgend jaar honderd extra treinen in op de drukste trajecten. "
    "Reizigers moeten wel rekening houden met hogere prijzen in de spits.",
    "DEN HAAG (ANP) - De Tweede Kamer wil dat er sneller betaalbare huurwoningen worden gebouwd. "
    "Een meerderheid steunt een motie van de oppositie.",
    "AMSTERDAM (ANP) - Schiphol heeft vorige maand minder passagiers verwerkt dan verwacht. "
    "Volgens de luchthaven komt dat door de lange rijen bij de beveiliging.",
    "ROTTERDAM (ANP) - In de haven is een recordhoeveelheid cocaïne onderschept. "
    "Het gaat om ruim 8000 kilo, verstopt in een lading bananen uit Ecuador.",
    "DE BILT (ANP) - Het KNMI verwacht voor het weekend de eerste nachtvorst van het seizoen. "
    "Overdag blijft het droog met temperaturen rond de zes graden.",
    "VELDHOVEN (ANP) - Chipmachinemaker ASML wil dit jaar 2500 nieuwe medewerkers aannemen. "
    "Het bedrijf zoekt vooral technici en programmeurs.",
)
SCRIPT_FRAME = 2  # segments a bulletin has besides its stories: the intro (the time check) and the sign-off
# A station's own stories: the numbers come from the station's index, so no two stations'
# stories are alike even where a town's name comes round again.
LOCAL_BRIEFS = (
    "{place} (ANP) - De gemeente {town} trekt {euros} euro uit voor een nieuwe speeltuin in het centrum. "
    "De eerste schop gaat in het voorjaar de grond in.",
    "{place} (ANP) - De brandweer rukte vannacht met {trucks} wagens uit voor een brand in een schuur bij {town}. "
    "Niemand raakte gewond.",
)
NEW_LOCAL_BRIEF = (
    "{place} (ANP) - Bij {town} is de N{road} tot vanavond afgesloten na een ongeluk met een vrachtwagen. "
    "Het verkeer wordt omgeleid."
)


@dataclass(frozen=True)
class Station:
    """One station of the network: its town, its prefix in the bucket and its show's name."""

    index: int

    @property
    def town(self) -> str:
        return TOWNS[self.index % len(TOWNS)]

    @property
    def cycle(self) -> int:
        """How often the list of towns has come round (0 the first time)."""
        return self.index // len(TOWNS)

    @property
    def name(self) -> str:
        slug = self.town.lower().replace(" ", "-")
        return f"{slug}-{self.cycle + 1}" if self.cycle else slug

    @property
    def title(self) -> str:
        return f"Radio {self.town}" + (f" {self.cycle + 1}" if self.cycle else "")

    def briefs(self, next_hour: bool) -> list[str]:
        """The page's briefs, newest first: the national ones, then the station's own (in the
        next hour one more of its own, at the top, as news pages put the newest)."""
        values = {
            "place": self.town.upper(),
            "town": self.town,
            "euros": f"{20 + self.index}.000",
            "trucks": 2 + self.index,
            "road": 301 + self.index,
        }
        local = [text.format(**values) for text in LOCAL_BRIEFS]
        new = [NEW_LOCAL_BRIEF.format(**values)] if next_hour else []
        return [*new, *NATIONAL_BRIEFS, *local]

    def stories(self, next_hour: bool) -> int:
        """The stories on the page: the lead and the briefs."""
        return 1 + len(self.briefs(next_hour))


@dataclass(frozen=True)
class Configuration:
    """One way of running the whole network once."""

    key: str
    label: str
    shared: bool  # with the shared segment cache in the bucket
    concurrent: bool  # K workers instead of one
    next_hour: bool  # the next hour on the bucket as the configuration before left it; else an empty bucket


CONFIGURATIONS = (
    Configuration("baseline", "d) no shared cache", shared=False, concurrent=False, next_hour=False),
    Configuration("sequential-cold", "a) 1 worker, cold", shared=True, concurrent=False, next_hour=False),
    Configuration("sequential-warm", "b) 1 worker, warm", shared=True, concurrent=False, next_hour=True),
    Configuration("concurrent-cold", "c) {k} workers, cold", shared=True, concurrent=True, next_hour=False),
    Configuration("concurrent-warm", "c) {k} workers, warm", shared=True, concurrent=True, next_hour=True),
)
SEQUENTIAL = ("baseline", "sequential-cold", "sequential-warm")  # one run at a time: costs without contention
ENGINE_ORDER = ("espeak", "gtts", "piper")
MS_PER_S = 1000


@dataclass
class Run:
    """One `bulletin daily` process: what it cost and what it did."""

    station: str
    exit: int
    wall_s: float
    cpu_s: float
    spoken: list[str]  # what the engine was asked to speak, one text per call
    log: dict[str, Any]  # the run's line in [daily] log_file
    stderr: str
    requests: dict[str, int] = field(default_factory=dict)  # by kind, "total", "failed", bytes by kind
    segments_expected: int = 0  # every story on the page read, with the intro and the sign-off


# --- the pages and the pods -------------------------------------------------------------------


def write_page(path: Path, station: Station, next_hour: bool) -> None:
    """The station's page in the saved-page format (tests/fixtures/pages): headline and lead,
    the section marker, then briefs each followed by its age as a news site prints it."""
    lines = [LEAD, "Meer uit Binnenland"]
    for index, text in enumerate(station.briefs(next_hour)):
        lines.append((f"{5 + index} minuten geleden" if index else "") + text)
    lines.append("1 uur geleden")
    path.write_text("\n".join(lines) + "\n", "utf-8")


def write_config(path: Path, station: Station, shared: bool) -> None:
    """The station's bulletin.toml: espeak, the product's default sounders, the station's prefix,
    and with ``shared`` the network's segment cache in the bucket."""
    cache = f'[cache]\nlocation = "{CACHE_LOCATION}"\n' if shared else ""
    path.write_text(
        f'[show]\ntitle = "{station.title}"\n'
        f'[output]\ndir = "out"\n'
        f'[voice]\nengine = "espeak"\n'
        f'[publish]\nbase_url = "{BASE_URL.format(station=station.name)}"\n'
        f'target = "s3://{BUCKET}/{station.name}/"\nalexa = false\n'
        f"{cache}"
        f'[daily]\nlog_file = "runs.jsonl"\n'
        f'[[sources]]\nname = "nieuws"\nlocation = "nieuws.txt"\n',
        "utf-8",
    )


def pod_env(pod: Path, endpoint: str, run_id: str) -> dict[str, str]:
    """A pod's environment: the bucket's endpoint and dummy keys (and no other AWS settings of
    this machine), folders of its own for caches and data, and the counting shim."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    return {
        **env,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": BUCKET,
        "AWS_SECRET_ACCESS_KEY": BUCKET,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": str(pod / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(pod / "no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_SDK_UA_APP_ID": run_id,
        "XDG_CACHE_HOME": str(pod / "cache"),
        "XDG_DATA_HOME": str(pod / "data"),
        "XDG_CONFIG_HOME": str(pod / "config"),
        "PYTHONPATH": str(COUNTING),
        "BULLETIN_COUNT_SPOKEN": str(pod / "spoken.txt"),
    }


def run_pod(pod: Path, env: dict[str, str], at: str, station: str) -> Run:
    """One `bulletin daily` in ``pod``, waited for with os.wait4 so that its CPU seconds (and
    those of the ffmpeg processes it ran) are its own, even with other runs beside it."""
    with open(pod / "stderr.txt", "wb") as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(
            [bulletin_exe(), "daily", "--config", "bulletin.toml", "--at", at, "-q"],
            cwd=pod,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    counted, log = pod / "spoken.txt", pod / "runs.jsonl"
    return Run(
        station=station,
        exit=process.returncode,
        wall_s=round(wall, 3),
        cpu_s=round(usage.ru_utime + usage.ru_stime, 3),
        spoken=counted.read_text("utf-8").splitlines() if counted.exists() else [],
        log=json.loads(log.read_text("utf-8").splitlines()[-1]) if log.exists() else {},
        stderr=(pod / "stderr.txt").read_text("utf-8", "replace").strip(),
    )


# --- the bucket -------------------------------------------------------------------------------


def kind_of(path: str, query: str) -> str:
    """What a request to the bucket touched: a station's objects, the shared cache, a lease or a state."""
    key = path.lstrip("/").removeprefix(BUCKET).lstrip("/") or parse_qs(query).get("prefix", [""])[0]
    if key.startswith(CACHE_PREFIX):
        return CACHE
    if key.endswith(LEASE_SUFFIX):
        return LEASE
    if key.endswith(STATE_SUFFIX):
        return STATE
    return STATION


class RequestCounter:
    """WSGI middleware in front of moto: every request, by the run that sent it and what it touched,
    with the bytes it carried either way; and the ones the server failed (5xx, or an exception
    werkzeug turns into a 500), which boto3 retries."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.counts: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    def _count(self, sender: str, what: str, amount: int = 1) -> None:
        with self._lock:
            self.counts[(sender, what)] += amount

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        found = APP_ID.search(environ.get("HTTP_USER_AGENT", ""))
        sender = found[1] if found else ""
        kind = kind_of(environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""))
        self._count(sender, kind)
        sent = environ.get("HTTP_X_AMZ_DECODED_CONTENT_LENGTH") or environ.get("CONTENT_LENGTH") or 0
        self._count(sender, kind + BYTES, int(sent))

        def answer(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            if status.startswith(SERVER_ERROR):
                self._count(sender, FAILED)
            if environ.get("REQUEST_METHOD") != "HEAD":  # a HEAD's length is the object's, not sent
                length = next((value for name, value in headers if name.lower() == "content-length"), 0)
                self._count(sender, kind + BYTES, int(length))
            return start_response(status, headers, *rest)

        try:
            return self.app(environ, answer)
        except Exception:
            self._count(sender, FAILED)
            raise

    def of(self, run_id: str) -> dict[str, int]:
        """The requests one run sent, by kind, their total, how many the server failed, and the
        bytes of each kind (both ways)."""
        with self._lock:
            by_kind = {kind: self.counts[(run_id, kind)] for kind in KINDS}
            carried = {kind + BYTES: self.counts[(run_id, kind + BYTES)] for kind in KINDS}
            return {**by_kind, "total": sum(by_kind.values()), FAILED: self.counts[(run_id, FAILED)], **carried}


@contextmanager
def bucket_server() -> Iterator[tuple[str, RequestCounter]]:
    """moto's S3 server on a free loopback port, as ThreadedMotoServer starts it but with the
    counter in front; werkzeug's line (or traceback) per request is kept off the terminal: the
    counter counts what failed."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    counter = RequestCounter(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", 0, counter, threaded=True, request_handler=MotoRequestHandler)
    werkzeug_log = logging.getLogger("werkzeug")
    level = werkzeug_log.level
    werkzeug_log.setLevel(logging.CRITICAL)
    thread = threading.Thread(target=server.serve_forever, name="bucket", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", counter
    finally:
        server.shutdown()
        thread.join()
        werkzeug_log.setLevel(level)


def empty_bucket(endpoint: str) -> None:
    """The network's bucket, made if need be and emptied: a cold start for every station and the cache."""
    import boto3

    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=BUCKET, aws_secret_access_key=BUCKET
    )
    if BUCKET not in {b["Name"] for b in client.list_buckets()["Buckets"]}:
        client.create_bucket(Bucket=BUCKET)
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])


# --- the scenario -----------------------------------------------------------------------------


def run_configuration(
    work: Path, endpoint: str, counter: RequestCounter, configuration: Configuration, stations: int, workers: int
) -> dict[str, Any]:
    """Every station once, each in a fresh pod, ``workers`` at a time: the runs and the network's wall time."""
    at = NEXT_HOUR if configuration.next_hour else AT

    def one(station: Station) -> Run:
        pod = work.resolve() / configuration.key / station.name  # absolute: the run's folder is its own
        pod.mkdir(parents=True)
        write_config(pod / "bulletin.toml", station, configuration.shared)
        write_page(pod / "nieuws.txt", station, configuration.next_hour)
        run_id = f"{configuration.key}.{station.name}"
        done = run_pod(pod, pod_env(pod, endpoint, run_id), at, station.name)
        done.requests = counter.of(run_id)
        done.segments_expected = station.stories(configuration.next_hour) + SCRIPT_FRAME
        return done

    if not configuration.next_hour:
        empty_bucket(endpoint)
    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        runs = list(pool.map(one, (Station(index) for index in range(stations))))
    wall = time.perf_counter() - started
    return {
        "label": configuration.label.format(k=workers),
        "hour": at,
        "shared_cache": configuration.shared,
        "workers": workers,
        "wall_s": round(wall, 2),
        "runs": [asdict(run) for run in runs],
    }


def scenario(work: Path, stations: int, workers: int) -> dict[str, Any]:
    """Every configuration, in order, against one bucket server; the concurrent ones only when
    ``workers`` > 1 (with one worker they are the sequential ones again)."""
    results: dict[str, Any] = {}
    with bucket_server() as (endpoint, counter):
        for configuration in CONFIGURATIONS:
            if configuration.concurrent and workers <= 1:
                continue
            results[configuration.key] = run_configuration(
                work, endpoint, counter, configuration, stations, workers if configuration.concurrent else 1
            )
    return results


# --- figures ----------------------------------------------------------------------------------


def gtts_requests(texts: Iterable[str]) -> int:
    """The requests Google would get for these texts: bulletin's own cuts at its 100-character limit."""
    from bulletin.tts.chunking import pack

    return sum(len(pack(text)) for text in texts)


def summarise(configuration: dict[str, Any]) -> dict[str, Any]:
    """Per-station means (and the spread of the engine's calls) of one configuration's runs."""
    runs = configuration["runs"]
    calls = [len(run["spoken"]) for run in runs]

    def mean(values: Iterable[float]) -> float:
        return round(statistics.fmean(values), 3)

    return {
        "stations": len(runs),
        "failed": [run["station"] for run in runs if run["exit"] != 0],
        "wall_per_station_s": mean(run["wall_s"] for run in runs),
        "network_wall_per_station_s": round(configuration["wall_s"] / len(runs), 3),
        "cpu_per_station_s": mean(run["cpu_s"] for run in runs),
        "engine_calls": mean(calls),
        "engine_calls_min": min(calls),
        "engine_calls_max": max(calls),
        "engine_calls_first_station": calls[0],
        "synthesised": mean(run["log"].get("synthesised", 0) for run in runs),
        "shared": mean(run["log"].get("shared", 0) for run in runs),
        "segments": mean(run["log"].get("segments", 0) for run in runs),
        "engine_agrees_with_log": all(len(run["spoken"]) == run["log"].get("synthesised") for run in runs),
        "every_story_read": all(run["log"].get("segments") == run["segments_expected"] for run in runs),
        "spoken_chars": mean(sum(len(text) for text in run["spoken"]) for run in runs),
        "gtts_requests": mean(gtts_requests(run["spoken"]) for run in runs),
        "requests": {kind: mean(run["requests"][kind] for run in runs) for kind in runs[0]["requests"]},
    }


@dataclass(frozen=True)
class Assumptions:
    """The costs of engines not run here: stated, not measured."""

    gtts_call_s: float
    gtts_in_flight: int
    piper_rtf: float
    window_min: float


def espeak_cost(texts: list[str]) -> tuple[float, float]:
    """CPU and wall seconds espeak takes per character, speaking ``texts`` in this process through
    bulletin's engine (after one call to load it): what a run spends on speech, to be taken out
    of its CPU and wall time for the engines that were not run."""
    from bulletin.tts import create_engine

    engine = create_engine("espeak", {})
    engine.synthesize(texts[0])
    cpu, wall = time.process_time(), time.perf_counter()
    for text in texts:
        engine.synthesize(text)
    chars = sum(map(len, texts))
    return (time.process_time() - cpu) / chars, (time.perf_counter() - wall) / chars


def audio_s_per_char(results: dict[str, Any]) -> float:
    """Seconds of bulletin per character spoken, from the runs that spoke every segment themselves."""
    built = [run for c in results.values() for run in c["runs"] if run["log"].get("status") == BUILT]
    whole = [run for run in built if run["log"]["synthesised"] == run["log"]["segments"]]
    return sum(float(run["log"]["duration"]) for run in whole) / sum(sum(map(len, run["spoken"])) for run in whole)


def capacity(cpu_s: float, window_min: float) -> dict[str, float]:
    """Stations a core makes in an hour, and the cores a network of NETWORK_SIZE needs, with its
    runs spread over the hour or all made within the window before the hour."""
    return {
        "stations_per_hour_per_core": round(SECONDS_PER_HOUR / cpu_s, 1),
        "cores_spread_over_hour": round(NETWORK_SIZE * cpu_s / SECONDS_PER_HOUR, 2),
        "cores_within_window": round(NETWORK_SIZE * cpu_s / (window_min * 60), 2),
    }


def derive(results: dict[str, Any], summaries: dict[str, dict[str, Any]], assume: Assumptions) -> dict[str, Any]:
    """Capacity per engine and case: espeak's from its measured CPU; gTTS's and Piper's derived
    from the measured runs with espeak's share taken out, and the counted speech put back at the
    assumed cost of the other engine (gTTS: requests waited for; Piper: seconds of audio made)."""
    texts = dict.fromkeys(text for run in results["baseline"]["runs"] for text in run["spoken"])
    cpu_per_char, wall_per_char = espeak_cost(list(texts))
    per_char = audio_s_per_char(results)
    rows = [
        {"engine": "espeak", "case": key, "measured": True, "cpu_s": s["cpu_per_station_s"]}
        for key, s in summaries.items()
    ]
    for key in SEQUENTIAL:
        s = summaries[key]
        cpu = s["cpu_per_station_s"] - s["spoken_chars"] * cpu_per_char
        wall = s["wall_per_station_s"] - s["spoken_chars"] * wall_per_char
        waits = math.ceil(s["gtts_requests"] / assume.gtts_in_flight) * assume.gtts_call_s
        audio = s["spoken_chars"] * per_char
        rows += [
            {
                "engine": "gtts",
                "case": key,
                "measured": False,
                "requests": s["gtts_requests"],
                "cpu_s": round(cpu, 3),
                "wall_s": round(wall + waits, 2),
            },
            {
                "engine": "piper",
                "case": key,
                "measured": False,
                "audio_s": round(audio, 1),
                "cpu_s": round(cpu + audio * assume.piper_rtf, 3),
            },
        ]
    for row in rows:
        row.update(capacity(row["cpu_s"], assume.window_min))
    return {
        "assumptions": asdict(assume),
        "espeak_cpu_ms_per_char": round(cpu_per_char * MS_PER_S, 4),
        "espeak_wall_ms_per_char": round(wall_per_char * MS_PER_S, 4),
        "audio_s_per_char": round(per_char, 4),
        "rows": sorted(rows, key=lambda row: ENGINE_ORDER.index(row["engine"])),
    }


# --- the report -------------------------------------------------------------------------------


def table(results: dict[str, Any], summaries: dict[str, dict[str, Any]]) -> list[str]:
    """Per configuration: time, CPU and speech per station; then the bucket requests of a run."""
    lines = [
        "per station (means; engine calls: counted at espeak, min-max over the stations)",
        "configuration          workers  network wall  wall/station  CPU s/station  engine calls   log synthesised"
        "  from shared cache",
        "---------------------  -------  ------------  ------------  -------------  -------------  ---------------"
        "  -----------------",
    ]
    for key, s in summaries.items():
        c = results[key]
        calls = f"{s['engine_calls']:.1f} ({s['engine_calls_min']}-{s['engine_calls_max']})"
        lines.append(
            f"{c['label']:<21}  {c['workers']:>7}  {c['wall_s']:>11.1f}s  {s['wall_per_station_s']:>11.2f}s  "
            f"{s['cpu_per_station_s']:>12.2f}s  {calls:<13}  {s['synthesised']:>15.1f}  {s['shared']:>17.1f}"
        )
    lines += [
        "",
        "bucket requests per run (means; counted at the server)",
        "configuration          station's objects  shared cache  lease  state  total  server errors (retried)  "
        "MB: station  cache",
        "---------------------  -----------------  ------------  -----  -----  -----  -----------------------  "
        "-----------  -----",
    ]
    for key, s in summaries.items():
        r = s["requests"]
        lines.append(
            f"{results[key]['label']:<21}  {r[STATION]:>17.1f}  {r[CACHE]:>12.1f}  {r[LEASE]:>5.1f}  "
            f"{r[STATE]:>5.1f}  {r['total']:>5.1f}  {r[FAILED]:>23.2f}  {r[STATION + BYTES] / MB:>11.2f}  "
            f"{r[CACHE + BYTES] / MB:>5.2f}"
        )
    for key, s in summaries.items():
        notes = []
        if s["failed"]:
            notes.append(f"FAILED: {', '.join(s['failed'])}")
        if not s["engine_agrees_with_log"]:
            notes.append("the engine's count and the log's `synthesised` DISAGREE")
        if not s["every_story_read"]:
            notes.append("some runs did NOT read every story on their page (segments in the log)")
        if notes:
            lines.append(f"  {key}: {'; '.join(notes)}")
    return lines


def derived_lines(d: dict[str, Any]) -> list[str]:
    """The README's arithmetic: stations per hour per core, and cores for a network of NETWORK_SIZE."""
    a = d["assumptions"]
    lines = [
        f"capacity: CPU s per station, stations per hour per core (3600 / CPU s), cores for {NETWORK_SIZE} stations "
        f"an hour (runs spread over the hour / all within {a['window_min']:g} min before it)",
        "engine  case             CPU s/st  stations/h/core  cores: hour  window  source",
        "------  ---------------  --------  ---------------  -----------  ------  ------",
    ]
    for row in d["rows"]:
        if row["engine"] == "espeak":
            source = "measured"
        elif row["engine"] == "gtts":
            source = f"DERIVED, not measured: {row['requests']:.1f} requests, {row['wall_s']:.1f} s wall per station"
        else:
            source = f"DERIVED, not measured: {row['audio_s']:.0f} s of audio made per station"
        lines.append(
            f"{row['engine']:<6}  {row['case']:<15}  {row['cpu_s']:>7.2f}s  "
            f"{row['stations_per_hour_per_core']:>15.0f}  {row['cores_spread_over_hour']:>11.2f}  "
            f"{row['cores_within_window']:>6.2f}  {source}"
        )
    lines += [
        "",
        "gTTS and Piper were not run; their rows are derived from each run's measured CPU and wall time with "
        f"espeak's own speech taken out ({d['espeak_cpu_ms_per_char']:.3f} ms CPU per character, measured here) "
        "and the speech counted at the engine put back at an assumed cost:",
        f"  gTTS: {a['gtts_call_s']:g} s of wall time per request (the texts espeak spoke, cut by bulletin's chunker "
        f"at 100 characters), {a['gtts_in_flight']} requests in flight ([gtts] concurrent), no CPU of its own "
        "(decoding Google's MP3 answers not counted);",
        f"  Piper: {a['piper_rtf']:g} CPU s per second of audio on one core (--piper-rtf), at "
        f"{d['audio_s_per_char']:.3f} s of audio per character (espeak's pace in these bulletins).",
    ]
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=DEFAULT_STATIONS, help="stations in the network")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_STATIONS} stations")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="runs at once in (c)")
    parser.add_argument("--gtts-call-s", type=float, default=DEFAULT_GTTS_CALL_S, help="assumed wall s per request")
    parser.add_argument("--piper-rtf", type=float, default=DEFAULT_PIPER_RTF, help="assumed CPU s per audio s")
    parser.add_argument(
        "--window-min", type=float, default=DEFAULT_WINDOW_MIN, help="minutes before the hour all runs must fit in"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    from bulletin.config.loader import defaults

    assume = Assumptions(args.gtts_call_s, defaults()["gtts"]["concurrent"], args.piper_rtf, args.window_min)
    stations = QUICK_STATIONS if args.quick else args.stations
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="bulletin-network-") as temp:
        results = scenario(Path(temp), stations, args.workers)
    summaries = {key: summarise(configuration) for key, configuration in results.items()}
    derived = derive(results, summaries, assume)
    print("\n".join([*table(results, summaries), "", *derived_lines(derived)]))
    figures = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()},
        "stations": stations,
        "summaries": summaries,
        "derived": derived,
        "configurations": results,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / f"network-{datetime.now():%Y%m%d-%H%M%S}.json"
    target.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"\nfigures written to {target}")


if __name__ == "__main__":
    main()
