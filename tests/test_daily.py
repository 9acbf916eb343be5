"""Sources beyond one saved page, and `bulletin daily`, against a local HTTP server
(loopback only) serving fixture pages and feeds written for the project."""

from __future__ import annotations

import fcntl
import json
import re
import threading
from dataclasses import replace
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest

from bulletin.cli import cli
from bulletin.config import load_config
from bulletin.config.stages import fetch_settings
from bulletin.core.errors import InputError, SourceError
from bulletin.core.model import Page, Section, Story
from bulletin.sources import SourceSpec, read_source
from bulletin.sources.boilerplate import drop_boilerplate, load_boilerplate
from bulletin.sources.bulletinjson import parse_bulletin_json
from bulletin.sources.combine import combine
from bulletin.sources.fetch import USER_AGENT, Fetcher
from bulletin.sources.markup import html_paragraphs
from bulletin.sources.rss import parse_feed
from conftest import FIXTURES, PAGES, cli_runner, serve_loopback

AT = datetime(2026, 11, 27, 8, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
FEED = (FIXTURES / "feeds/buitenland.xml").read_bytes()
PAGE = (PAGES / "kort.txt").read_bytes()
SLOW_TIMEOUT_S = 0.5  # the client's timeout where a slow source is the subject
TIMEOUT_S = 30.0  # elsewhere only a guard: a loopback answer under any load comes well before


class Site:
    """A loopback web server with routes the test controls, recording every request."""

    def __init__(self) -> None:
        self.routes: dict[str, dict] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.release = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site.requests.append((self.path, dict(self.headers)))
                route = site.routes.get(self.path)
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.get("slow"):
                    site.release.wait()  # until the test is over: the client must give up first
                status = route.get("status", 200)
                etag = route.get("etag")
                if status == 200 and etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                body = route.get("body", b"") if status == 200 else b"error"
                self.send_response(status)
                self.send_header("Content-Type", route.get("type", "text/plain; charset=utf-8"))
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        self.server, self.url = serve_loopback(Handler)

    def hits(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    served = Site()
    served.routes["/buitenland.xml"] = {"body": FEED, "type": "application/rss+xml", "etag": '"feed-1"'}
    served.routes["/binnenland.txt"] = {"body": PAGE, "etag": '"page-1"'}
    yield served
    served.close()


def write_config(
    tmp_path: Path, site: Site, sources: list[tuple[str, str, str]], timeout: float = TIMEOUT_S, **extra: str
) -> Path:
    lines = [
        '[output]\ndir = "out"',
        '[voice]\nengine = "espeak"',
        "[sounders]\nenabled = false",
        '[publish]\nbase_url = "https://nieuws.example.org/bulletin/"\nalexa = false',  # one rendition
        f"[fetch]\ntimeout = {timeout}\ntries = 2\nbackoff = 0.01",
        '[daily]\nlog_file = "runs.jsonl"',
    ]
    for name, path, announce in sources:
        location = path if "://" in path else f"{site.url}{path}"
        lines.append(f'[[sources]]\nname = "{name}"\nlocation = "{location}"\nannounce = "{announce}"')
    for section, body in extra.items():
        lines.append(f"[{section}]\n{body}")
    config = tmp_path / "bulletin.toml"
    config.write_text("\n\n".join(lines) + "\n", "utf-8")
    return config


def daily(config: Path, *args: str):
    return cli_runner().invoke(cli, ["daily", "--config", str(config), "--at", "2026-11-27T08:00", *args])


TWO_SOURCES = [
    ("binnenland", "/binnenland.txt", "Het binnenland."),
    ("buitenland", "/buitenland.xml", "En dan het buitenland."),
]


# --- the morning run ------------------------------------------------------------------------


def test_daily_builds_and_publishes_both_sections(tmp_path, site):
    config = write_config(tmp_path, site, TWO_SOURCES)
    result = daily(config)
    assert result.exit_code == 0, result.stderr
    (line,) = result.stdout.splitlines()
    assert line.startswith("built ") and "sources 2/2" in line and "published" in line
    out = tmp_path / "out"
    script = json.loads(next(out.glob("*/*/*-0800.json")).read_text("utf-8"))
    texts = [s["text"] for s in script["segments"]]
    assert any(t.startswith("Het binnenland.\nUtrecht.") for t in texts)
    assert any(t.startswith("En dan het buitenland.\nBergen.") for t in texts)
    assert any(t.startswith("Lissabon.") for t in texts)
    assert not any("Groningen plant" in t and "Ottawa" in t for t in texts)  # the duplicate is read once
    feed = feedparser.parse(str(out / "feed.xml"))
    assert len(feed.entries) == 1 and not feed.bozo
    assert all(headers["User-Agent"] == USER_AGENT for _, headers in site.requests)


def test_second_run_with_nothing_new_builds_nothing(tmp_path, site):
    config = write_config(tmp_path, site, TWO_SOURCES)
    assert daily(config).exit_code == 0
    files = sorted(p.name for p in (tmp_path / "out").rglob("*"))
    again = daily(config)
    assert again.exit_code == 0
    assert again.stdout.startswith("nothing new since ") and "nothing built" in again.stdout
    assert sorted(p.name for p in (tmp_path / "out").rglob("*")) == files
    # Conditional requests: the second run sent the validators and got 304s.
    second_feed_request = site.hits("/buitenland.xml")[1]
    assert second_feed_request["If-None-Match"] == '"feed-1"'
    forced = daily(config, "--force")
    assert forced.exit_code == 0 and forced.stdout.startswith("built ")
    records = [json.loads(line) for line in (tmp_path / "runs.jsonl").read_text("utf-8").splitlines()]
    assert [r["status"] for r in records] == ["built", "unchanged", "built"]
    assert records[0]["loudness"] == pytest.approx(-16, abs=1) and records[0]["segments"] > 3


def test_changed_news_builds_again(tmp_path, site):
    config = write_config(tmp_path, site, TWO_SOURCES)
    assert daily(config).exit_code == 0
    site.routes["/binnenland.txt"] = {"body": PAGE.replace(b"3,5 km", b"4 km"), "etag": '"page-2"'}
    assert daily(config).stdout.startswith("built ")


def test_a_failing_source_is_reported_and_the_rest_is_built(tmp_path, site):
    site.routes["/buitenland.xml"] = {"status": 503}
    config = write_config(tmp_path, site, TWO_SOURCES)
    result = daily(config)
    assert result.exit_code == 0
    assert "sources 1/2 (buitenland failed)" in result.stdout
    assert "source 'buitenland' failed" in result.stderr and "HTTP 503" in result.stderr
    assert len(site.hits("/buitenland.xml")) == 2  # retried, within the configured tries
    record = json.loads((tmp_path / "runs.jsonl").read_text("utf-8"))
    assert record["sources"][1] == {"name": "buitenland", "ok": False, "error": record["sources"][1]["error"]}


def test_a_slow_source_hits_the_timeout(tmp_path, site):
    site.routes["/buitenland.xml"] = {"body": FEED, "slow": True}
    config = write_config(tmp_path, site, TWO_SOURCES, timeout=SLOW_TIMEOUT_S)
    result = daily(config)
    assert result.exit_code == 0
    assert f"no answer within {SLOW_TIMEOUT_S:g} s" in result.stderr and "sources 1/2" in result.stdout


def test_no_source_left_exits_4(tmp_path, site):
    config = write_config(tmp_path, site, [("weg", "/weg.txt", ""), ("stuk", "/stuk.xml", "")])
    site.routes["/stuk.xml"] = {"status": 500}
    result = daily(config)
    assert result.exit_code == 4
    assert result.stderr.strip().splitlines()[-1].startswith("Error: no source could be read")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.mp3"))
    record = json.loads((tmp_path / "runs.jsonl").read_text("utf-8"))
    assert record["status"] == "failed" and record["exit"] == 4


def test_a_run_while_another_holds_the_lock_exits_75(tmp_path, site):
    config = write_config(tmp_path, site, TWO_SOURCES)
    (tmp_path / "out").mkdir()
    with open(tmp_path / "out/.bulletin.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("pid 4242")
        held.flush()
        result = daily(config)
    assert result.exit_code == 75
    assert "another bulletin run (pid 4242)" in result.stderr
    assert site.requests == []  # it did not even fetch
    assert daily(config).exit_code == 0  # once released, the next run goes ahead


def test_sources_must_be_configured(tmp_path, site):
    result = daily(write_config(tmp_path, site, []))
    assert result.exit_code == 1 and "no sources configured" in result.stderr


def test_bad_source_config_names_the_line(tmp_path, site):
    config = write_config(tmp_path, site, TWO_SOURCES)
    config.write_text(config.read_text("utf-8") + '\n[[sources]]\nname = "x"\nlocaton = "y"\n', "utf-8")
    result = daily(config)
    assert result.exit_code == 1
    assert "has no location" in result.stderr and f"{config}:" in result.stderr


# --- fetching -------------------------------------------------------------------------------------


def test_size_cap(site, tmp_path):
    site.routes["/groot.txt"] = {"body": b"x" * 3000}
    fetcher = Fetcher(replace(fetch_settings(load_config()), max_bytes=1000, cache_dir=tmp_path))
    with pytest.raises(SourceError, match=re.escape("over the 0.001 MB limit")):
        fetcher.get(f"{site.url}/groot.txt")


def test_conditional_request_serves_the_kept_copy(site, tmp_path):
    fetcher = Fetcher(replace(fetch_settings(load_config()), cache_dir=tmp_path))
    first = fetcher.get(f"{site.url}/buitenland.xml")
    second = fetcher.get(f"{site.url}/buitenland.xml")
    assert (first.not_modified, second.not_modified) == (False, True)
    assert second.data == FEED
    assert site.hits("/buitenland.xml")[1]["If-None-Match"] == '"feed-1"'


def test_build_takes_a_url(site, tmp_path):
    result = cli_runner().invoke(
        cli,
        [
            "build",
            f"{site.url}/binnenland.txt",
            "--engine",
            "espeak",
            "-q",
            "--no-sounders",
            "-o",
            str(tmp_path),
            "--at",
            "2026-11-27T08:00",
        ],
    )
    assert result.exit_code == 0 and Path(result.stdout.strip()).is_file()


def test_build_with_an_unreachable_url_exits_4(tmp_path):
    result = cli_runner().invoke(
        cli, ["build", "http://127.0.0.1:9/weg.txt", "--engine", "espeak", "-o", str(tmp_path)]
    )
    assert result.exit_code == 4 and "cannot connect" in result.stderr


# --- reading feeds and JSON -------------------------------------------------------------------------


def test_rss_entries_become_a_page():
    page = drop_boilerplate(parse_feed(FEED, AT, "buitenland"), load_boilerplate(), "buitenland")
    lead = page.lead
    assert lead.headline == "Noorwegen opent grootste windpark op zee"
    assert (lead.place, lead.agencies) == ("Bergen", ("ANP", "NTB"))
    assert lead.paragraphs == (
        "Noorwegen heeft het grootste windpark op zee van Europa in gebruik genomen. "
        "De turbines drijven op de Noordzee.",
        "Het park levert stroom voor ruim 400.000 huishoudens & bedrijven.",
    )
    assert lead.published == datetime(2026, 11, 27, 7, 40, tzinfo=ZoneInfo("Europe/Amsterdam"))
    lisbon, alps, _ottawa = page.briefs
    assert lisbon.place == "Lissabon" and lisbon.headline is None
    assert lisbon.paragraphs == (
        "De parlementsverkiezingen in Portugal worden een week uitgesteld. "
        "Dat heeft de kiesraad besloten. Reden is een storing in het stemsysteem.",
    )
    assert alps.place is None and alps.paragraphs[0].startswith("In de Zwitserse Alpen")
    assert page.section == "Buitenland"


@pytest.mark.parametrize(
    ("html", "paragraphs"),
    [
        ("<p>Een &amp; twee</p><p>Drie<br>vier</p>", ["Een & twee", "Drie", "vier"]),
        ("Tekst <script>alert(1)</script>zonder script", ["Tekst zonder script"]),
        ("<div><b>Vet</b>   en\n  <i>schuin</i></div>", ["Vet en schuin"]),
    ],
)
def test_html_is_reduced_to_clean_text(html, paragraphs):
    assert html_paragraphs(html) == paragraphs


def test_not_a_feed_is_a_clear_error():
    with pytest.raises(InputError, match="no entries") as raised:
        parse_feed(b"<html><body>Geen feed</body></html>", AT, "stuk")
    assert not isinstance(raised.value, SourceError)  # bad input (exit 1), not a source that failed (exit 4)


def test_json_bulletin():
    page = read_source(SourceSpec("regio", str(FIXTURES / "bulletin.json")), AT)
    assert page.lead.headline == "Nieuwe brug over de IJssel geopend" and page.lead.place == "Zutphen"
    assert page.lead.paragraphs[1] == "De brug kostte ruim 12 miljoen euro."
    deventer, a1 = page.briefs
    assert deventer.place == "Deventer" and deventer.published.tzinfo is not None
    assert a1.place is None and page.section == "Regio"


@pytest.mark.parametrize(
    ("document", "says"),
    [
        (b"{", "not valid JSON"),
        (b'{"briefs": []}', 'needs a "lead"'),
        (b'{"lead": {"headline": "x"}}', 'lead needs "text"'),
        (b'{"lead": {"text": "x"}, "briefs": [{"text": "y", "published": "gisteren"}]}', "briefs\\[0\\].published"),
        # Every field of the wrong type is named, not a crash.
        (b'{"lead": {"headline": 5, "text": "Tekst."}}', "lead.headline must be text"),
        (b'{"lead": {"place": ["X"], "text": "Tekst."}}', "lead.place must be text"),
        (b'{"lead": {"text": "x"}, "briefs": [{"text": "y", "place": 5}]}', "briefs\\[0\\].place must be text"),
        (b'{"lead": {"text": 5}}', "lead.text must be text"),
        (b'{"lead": {"paragraphs": ["a", 5]}}', "lead.paragraphs\\[1\\] must be text"),
        (b'{"lead": {"text": "x", "agencies": [1]}}', "lead.agencies must be a list of names"),
        (b'{"lead": {"text": "x", "published": 5}}', "lead.published must be text"),
        (b'{"lead": {"text": "x"}, "section": ["Regio"]}', "section must be text"),
    ],
)
def test_json_bulletin_errors(document, says):
    with pytest.raises(InputError, match=says) as raised:
        parse_bulletin_json(document, AT, "regio")
    assert not isinstance(raised.value, SourceError)


def test_combine_announces_sections_and_drops_duplicates():
    first = Page(
        Story(("Het kabinet valt over de stikstofwet.",), headline="Kabinet valt"),
        (Section((Story(("De gemeente Groningen plant 1200 bomen in de binnenstad.",), place="Groningen"),)),),
    )
    second = Page(
        Story(("Het kabinet valt vandaag over de stikstofwet, melden bronnen.",)),
        (
            Section(
                (
                    Story(("Groningen plant 1200 bomen in de binnenstad.",)),
                    Story(("In Parijs staakt het openbaar vervoer.",), place="Parijs"),
                )
            ),
        ),
    )
    page = combine([(first, "Het binnenland.", 0), (second, "Het buitenland.", 0)])
    assert page.lead is first.lead
    assert [s.announcement for s in page.sections] == ["Het binnenland.", "Het buitenland."]
    assert [b.place for b in page.sections[1].briefs] == ["Parijs"]  # the lead and Groningen were already in
