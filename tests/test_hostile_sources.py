"""Sources that misbehave, served for real on 127.0.0.1: bodies cut short, redirect loops,
servers that trickle, lowercase validators, oversized local files, and pages big enough
to show whether parsing is linear."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import replace
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from bulletin.build.pipeline import make_script
from bulletin.config import load_config
from bulletin.config.stages import fetch_settings
from bulletin.core.errors import InputError, SourceError
from bulletin.sources.encoding import read_bytes
from bulletin.sources.fetch import Fetcher
from bulletin.text.scriptfile import to_json, to_text
from conftest import AMSTERDAM, FIXTURES, OFFLINE, PAGES, serve_loopback
from conftest import run as run_cli

PAGE = (PAGES / "kort.txt").read_bytes()
TRICKLE_EVERY_S = 0.5  # one byte per half second, as a hostile server would
TRICKLE_BYTES = 30
DEADLINE_S = 1.0
SLOW_SOURCES = 3
SLOW_WAIT_S = 10.0  # far past how long the three take to arrive together


class Hostile:
    """A loopback server whose routes misbehave on purpose."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.stop = threading.Event()
        self.slow = threading.Barrier(SLOW_SOURCES, timeout=SLOW_WAIT_S)
        hostile = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                hostile.requests.append((self.path, dict(self.headers)))
                getattr(self, "route_" + self.path.strip("/").replace("-", "_"))()

            def route_page(self) -> None:
                self._send(200, PAGE)

            def route_truncated(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", str(len(PAGE) * 2))
                self.end_headers()
                self.wfile.write(PAGE)  # and then the connection ends
                self.close_connection = True

            def route_loop(self) -> None:
                self.send_response(302)
                self.send_header("Location", "/loop")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def route_trickle(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", str(TRICKLE_BYTES))
                self.end_headers()
                for _ in range(TRICKLE_BYTES):
                    try:
                        self.wfile.write(b"x")
                        self.wfile.flush()
                    except OSError:
                        return  # the client gave up, as it should
                    if hostile.stop.wait(TRICKLE_EVERY_S):
                        return

            def route_drip_headers(self) -> None:
                """A status line, then one header at a time, forever: no socket timeout ever fires."""
                self.send_response(200)
                self.flush_headers()
                for number in range(TRICKLE_BYTES):
                    try:
                        self.wfile.write(f"X-Drip-{number}: x\r\n".encode())
                        self.wfile.flush()
                    except OSError:
                        return
                    if hostile.stop.wait(TRICKLE_EVERY_S):
                        return

            def route_slow_a(self) -> None:
                self._slow()

            route_slow_b = route_slow_c = route_slow_a

            def _slow(self) -> None:
                """Answers once the three slow sources are all being fetched: fetched one after
                another, the barrier breaks (and the page is never sent)."""
                try:
                    hostile.slow.wait()
                except threading.BrokenBarrierError:
                    self.send_error(503)
                    return
                self._send(200, PAGE)

            def route_lower_etag(self) -> None:
                if self.headers.get("If-None-Match") == '"v1"':
                    self.send_response(304)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self._send(200, PAGE, {"etag": '"v1"', "last-modified": "Fri, 27 Nov 2026 07:00:00 GMT"})

            def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

        self.server, self.url = serve_loopback(Handler)

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hostile():
    served = Hostile()
    yield served
    served.close()


def fetcher(tmp_path, **settings) -> Fetcher:
    defaults = fetch_settings(load_config())
    return Fetcher(
        replace(defaults, **{"timeout": 5.0, "tries": 2, "backoff": 0.01, "cache_dir": tmp_path / "http", **settings})
    )


@pytest.mark.parametrize("route", ["/truncated", "/loop"])
def test_broken_answers_are_source_errors_naming_the_url(tmp_path, hostile, route):
    with pytest.raises(SourceError) as caught:
        fetcher(tmp_path).get(hostile.url + route)
    assert hostile.url + route in str(caught.value) and "\n" not in str(caught.value)


def test_a_trickling_server_is_cut_off_at_the_deadline(tmp_path, hostile):
    with pytest.raises(SourceError) as caught:
        fetcher(tmp_path, deadline=DEADLINE_S).get(hostile.url + "/trickle")
    assert hostile.url + "/trickle" in str(caught.value) and "deadline" in str(caught.value)
    assert len([p for p, _ in hostile.requests if p == "/trickle"]) == 1  # not tried again


def test_a_server_dripping_its_headers_is_cut_off_at_the_deadline(tmp_path, hostile):
    with pytest.raises(SourceError) as caught:
        fetcher(tmp_path, deadline=DEADLINE_S).get(hostile.url + "/drip-headers")
    assert hostile.url + "/drip-headers" in str(caught.value) and "deadline" in str(caught.value)


def test_daily_fetches_its_sources_side_by_side(tmp_path, hostile):
    """Three sources that each answer only once all three are being fetched: read one after another,
    none would answer; side by side, all three do (so slow sources cost one deadline, not three)."""
    (tmp_path / "bulletin.toml").write_text(
        '[output]\ndir = "out"\n[voice]\nengine = "espeak"\n[sounders]\nenabled = false\n'
        "[fetch]\ntries = 1\n"
        + "".join(f'[[sources]]\nname = "{n}"\nlocation = "{hostile.url}/slow-{n}"\n' for n in "abc"),
        "utf-8",
    )
    result = run_cli("daily", "--at", "2026-11-27T08:00")
    assert result.exit_code == 0, result.stderr
    assert "sources 3/3" in result.stdout


def test_lowercase_validators_are_sent_back(tmp_path, hostile):
    client = fetcher(tmp_path)
    first = client.get(hostile.url + "/lower-etag")
    second = client.get(hostile.url + "/lower-etag")
    assert first.data == PAGE and not first.not_modified
    assert second.data == PAGE and second.not_modified
    headers = hostile.requests[-1][1]
    assert headers["If-None-Match"] == '"v1"'
    assert headers["If-Modified-Since"] == "Fri, 27 Nov 2026 07:00:00 GMT"


def test_daily_reports_the_broken_source_and_builds_from_the_rest(tmp_path, hostile):
    config = tmp_path / "bulletin.toml"
    config.write_text(
        "\n".join(
            [
                '[output]\ndir = "out"',
                '[voice]\nengine = "espeak"',
                "[sounders]\nenabled = false",
                '[publish]\nbase_url = "https://nieuws.example.org/bulletin/"',
                "[fetch]\ntimeout = 2.0\ntries = 1\ndeadline = 1.0",
                '[daily]\nlog_file = "runs.jsonl"',
                *(
                    f'[[sources]]\nname = "{name}"\nlocation = "{hostile.url}/{name}"'
                    for name in ("page", "truncated", "loop", "trickle")
                ),
            ]
        )
        + "\n",
        "utf-8",
    )
    result = run_cli("daily", "--config", config, "--at", "2026-11-27T08:00")
    assert result.exit_code == 0, result.stderr
    (line,) = (tmp_path / "runs.jsonl").read_text("utf-8").splitlines()
    run = json.loads(line)
    assert run["status"] == "built"
    failed = {s["name"]: s["error"] for s in run["sources"] if not s["ok"]}
    assert set(failed) == {"truncated", "loop", "trickle"}
    for name, error in failed.items():
        assert f"{hostile.url}/{name}" in error


def test_local_files_over_the_cap_are_refused_in_one_line(tmp_path):
    big = tmp_path / "groot.txt"
    big.write_bytes(PAGE * 40)
    with pytest.raises(InputError) as caught:
        read_bytes(big, max_bytes=len(PAGE) * 10)
    assert str(big) in str(caught.value) and "max_mb" in str(caught.value) and "\n" not in str(caught.value)
    assert read_bytes(big, max_bytes=len(PAGE) * 40) == PAGE * 40

    (tmp_path / "bulletin.toml").write_text("[input]\nmax_mb = 0.001\n", "utf-8")
    result = run_cli("script", big, "--config", tmp_path / "bulletin.toml")
    assert result.exit_code == 1 and "max_mb" in result.stderr


RUN = 2_000_000  # spaces in one line; a quadratic parser never gets through this


def test_long_runs_of_whitespace_parse_in_one_pass():
    from bulletin.sources.page import parse_page

    text = (
        "Kop van het verhaal\nDEN HAAG (ANP) - Het verhaal zelf." + " " * RUN + "Einde.\n"
        "Meer uit Binnenland" + " " * RUN + "en Buitenland\n"
        "2 uur" + " " * RUN + "geledenZWOLLE (ANP) - Een bericht." + "\t" * RUN + "Nog een zin.\n"
    )
    page = parse_page(text, datetime(2026, 11, 27, 8, 15, tzinfo=AMSTERDAM))
    (section,) = page.sections
    assert section.name.startswith("Binnenland") and section.name.endswith("en Buitenland")
    assert [b.place for b in section.briefs] == ["Zwolle"]
    assert page.lead.paragraphs[0].endswith("Einde.")


def test_stray_control_characters_are_dropped_from_page_text():
    from bulletin.sources.encoding import decode

    story = "Een verhaal dat lang genoeg is om als nieuwsbericht door te gaan. " * 3
    text = decode(
        f"Kop\x07\r\nDEN HAAG (ANP) - Tekst\x1b[0m met\tbel\x7f \u202eenil\u202c. {story}\r\n".encode(), "pagina"
    )
    assert text == f"Kop\nDEN HAAG (ANP) - Tekst[0m met bel enil. {story}\n"


CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


@pytest.mark.parametrize(
    "name, text",
    [
        (
            "bulletin.json",
            (FIXTURES / "bulletin.json")
            .read_text("utf-8")
            .replace("geopend", "ge\\u0007opend")
            .replace("verplaatst", "ver\\u001bplaatst\\t"),
        ),
        (
            "buitenland.xml",
            (FIXTURES / "feeds" / "buitenland.xml")
            .read_text("utf-8")
            .replace("windpark", "wind&#7;park")
            .replace("uitgesteld", "uit&#x1b;gesteld"),
        ),
    ],
)
def test_control_characters_from_json_and_feeds_reach_no_script(tmp_path, at, name, text):
    """JSON escapes and feed entities decode to control characters after the page decoder ran:
    neither the .txt script nor the text sent to the voice may carry them."""
    source = tmp_path / name
    source.write_text(text, "utf-8")
    script = make_script(source, load_config(overrides=OFFLINE), at=at)
    written = to_text(script)
    assert CONTROLS.search(written) is None
    assert [s.text for s in script.segments if CONTROLS.search(s.text)] == []
    assert ("geopend" in written) if name.endswith(".json") else ("windpark" in written)


@pytest.mark.parametrize("kind", ["script", "bulletin"])
def test_a_lone_surrogate_escape_in_json_is_no_character(tmp_path, at, kind):
    """JSON may escape half a surrogate pair ("\\udc80"): valid JSON, but no character, and no
    UTF-8 file can hold it. It goes like a control character; the rest of the text is read."""
    if kind == "script":
        document = json.loads(to_json(make_script(PAGES / "kort.txt", load_config(overrides=OFFLINE), at=at)))
        document["segments"][1] = {**document["segments"][1], "text": "Hallo \udc80wereld."}
        document["segments"][1].pop("written", None)
    else:
        document = json.loads((FIXTURES / "bulletin.json").read_text("utf-8"))
        document["lead"]["paragraphs"][0] = "In Zutphen \udc80is de brug geopend."
    source = tmp_path / f"{kind}.json"
    source.write_text(json.dumps(document), "utf-8")  # ensure_ascii: the escape as written
    assert "\\udc80" in source.read_text("utf-8")
    result = run_cli("build", source, "--engine", "espeak", "--at", "2026-11-27T08:15", "-o", tmp_path / "out", "-q")
    assert result.exit_code == 0, result.stderr
    written = Path(result.stdout.strip()).with_suffix(".txt").read_text("utf-8")
    assert ("Hallo wereld." if kind == "script" else "In Zutphen is de brug geopend.") in written


@pytest.mark.parametrize("address", ["http://[::1", "http://", "http:///pagina"])
def test_an_address_that_cannot_be_fetched_is_one_line_about_the_address(address):
    """Not a network failure ("try again later"): the address itself is wrong, so exit 1."""
    result = run_cli("script", address, "--at", "2026-11-27T08:00", "--engine", "espeak")
    assert result.exit_code == 1, (result.exit_code, result.stderr)
    (line,) = result.stderr.strip().splitlines()
    assert "check it" in line and "try again" not in line
