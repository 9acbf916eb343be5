"""Nothing is left out silently. Every story or sentence a bulletin does not read is in the
script's ``dropped_text`` with its reason and in ``-v``: a brief's length (``cut: brief length``),
``--max-duration`` (``cut: duration``), an item older than ``max_age`` (``too old``), a story read
already (``same story``), a source's ``max_items``; ``daily`` says in its line how many were too
old or merged. Briefs that read alike but are different news are all read."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from bulletin.core.model import Page, Section, Story
from bulletin.sources.combine import combine
from conftest import FIXTURES, PAGES
from conftest import run as run_cli

BENCH = Path(__file__).resolve().parent.parent / "bench"
MAASLAND = FIXTURES / "feeds" / "jsonfeed" / "maasland-1.1.json"
AT = "2026-11-27T08:00"
OFFLINE = ("--engine", "espeak")


def script_json(*args: object) -> tuple[dict, list[str]]:
    """``bulletin script ARGS --format json -v`` as a user reads it: the document and the -v lines."""
    result = run_cli("script", *args, "--at", AT, *OFFLINE, "--format", "json", "-v")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), result.stderr.splitlines()


def logged(lines: list[str], item: dict) -> bool:
    """Whether ``-v`` reported this dropped_text item."""
    return any(f"dropped [{item['rule']}]" in line and repr(item["text"]) in line for line in lines)


def spoken(document: dict) -> str:
    return "\n".join(s.get("written", s["text"]) for s in document["segments"])


# --- the length cuts ----------------------------------------------------------------------------


def test_what_a_briefs_length_leaves_out_is_listed_with_its_reason():
    document, lines = script_json(MAASLAND)
    cut = [d for d in document["dropped_text"] if d["rule"] == "cut: brief length"]
    assert [d["text"] for d in cut] == [
        "De bouw kost ruim 18 miljoen euro.",
        "Een deel van dat geld komt van de provincie.",
    ]
    assert {d["story"] for d in cut} == {"Heesch: De gemeenteraad van Bernheze heeft ingestemd met"}
    assert all(logged(lines, d) for d in cut)
    text = spoken(document)
    assert "Het nieuwe zwembad moet in 2029 open." in text and "18 miljoen" not in text  # three sentences read


def test_what_max_duration_leaves_out_is_listed_with_its_text_and_reason():
    document, lines = script_json(PAGES / "europa.txt", "--max-duration", "45")
    cut = [d for d in document["dropped_text"] if d["rule"] == "cut: duration"]
    assert len(cut) == len(document["dropped"]) == 4
    for left, item in zip(document["dropped"], cut, strict=True):
        assert item["story"].startswith(left["title"].rstrip("…")) and item["text"] not in spoken(document)
        assert logged(lines, item)


def test_lead_paragraphs_max_duration_leaves_out_are_listed_too():
    document, lines = script_json(PAGES / "europa.txt", "--max-duration", "24")  # every brief and more
    paragraphs = [d for d in document["dropped"] if d["kind"] == "paragraph"]
    cut = [d for d in document["dropped_text"] if d["rule"] == "cut: duration"]
    assert paragraphs and len(cut) == len(document["dropped"])
    assert "Het eerste contract moet voor de zomer worden getekend." in [d["text"] for d in cut]
    assert all(logged(lines, d) for d in cut)


def test_what_max_duration_leaves_out_of_a_script_is_listed_too(tmp_path):
    full, _ = script_json(PAGES / "europa.txt")
    (tmp_path / "s.json").write_text(json.dumps(full), "utf-8")
    document, lines = script_json(tmp_path / "s.json", "--max-duration", "45")
    cut = [d for d in document["dropped_text"] if d["rule"] == "cut: duration"]
    assert cut and len(cut) == len(document["dropped"])
    assert all(d["source"] == str(tmp_path / "s.json") and logged(lines, d) for d in cut)
    left = {d["title"] for d in document["dropped"]}
    assert {d["story"] for d in cut} == left


# --- old items ---------------------------------------------------------------------------------


def test_an_item_older_than_max_age_is_not_read_and_is_reported():
    document, lines = script_json(MAASLAND)
    assert "najaarskermis" not in spoken(document)
    (old,) = [d for d in document["dropped_text"] if d["rule"].startswith("too old")]
    assert old["rule"] == "too old: max_age 36h" and "najaarskermis" in old["text"]
    assert logged(lines, old)
    # The undated item is kept, and counted.
    assert "Zorginstellingen in Rosmalen zoeken samen honderd nieuwe medewerkers." in spoken(document)
    assert any("1 item has no time; kept" in line for line in lines)


def _config(tmp_path: Path, sources: str, extra: str = "") -> Path:
    config = tmp_path / "bulletin.toml"
    config.write_text(
        f'[output]\ndir = "out"\n[voice]\nengine = "espeak"\n[sounders]\nenabled = false\n{extra}\n{sources}', "utf-8"
    )
    return config


@pytest.mark.parametrize(
    ("setting", "kermis_read"),
    [
        ('max_age = "10d"\n', True),  # the source's own
        ('max_age = "0h"\n', True),  # no limit
        ('max_age = "2h"\n', False),
    ],
)
def test_a_sources_max_age_is_its_own(tmp_path, setting, kermis_read):
    config = _config(tmp_path, f'[[sources]]\nname = "maasland"\nlocation = "{MAASLAND}"\n{setting}')
    document, _ = script_json(MAASLAND, "--config", config)
    assert ("najaarskermis" in spoken(document)) is kermis_read
    if setting == 'max_age = "2h"\n':  # 05:45 and 06:50 are more than two hours before 08:00
        assert "Uitslaande brand" not in spoken(document) and "Rosmalen" in spoken(document)
        rules = {d["rule"] for d in document["dropped_text"]}
        assert "too old: max_age 2h" in rules


def test_news_max_age_is_the_default_for_every_source(tmp_path):
    config = _config(tmp_path, "", '[news]\nmax_age = "20d"\n')
    document, _ = script_json(MAASLAND, "--config", config)
    assert "najaarskermis" in spoken(document)


def test_a_lead_too_old_gives_its_place_to_the_next_story(tmp_path):
    feed = json.loads(MAASLAND.read_text("utf-8"))
    feed["items"][0]["date_published"] = "2026-11-20T07:12:00+01:00"
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed), "utf-8")
    document, _ = script_json(path)
    lead = next(s for s in document["segments"] if s["kind"] == "lead")
    assert lead["place"] == "Uden" and "fietsbrug" not in spoken(document)


def test_a_source_with_only_old_items_says_so_in_one_line(tmp_path):
    feed = json.loads(MAASLAND.read_text("utf-8"))
    feed["items"] = [feed["items"][2]]  # the kermis, nine days old
    path = tmp_path / "oud.json"
    path.write_text(json.dumps(feed), "utf-8")
    result = run_cli("script", path, "--at", AT, *OFFLINE)
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert "every item is older than max_age 36h (the newest is from 2026-11-18 09:00)" in line


# --- daily: its line, merges ---------------------------------------------------------------------


def daily(config: Path, *args: str):
    return run_cli("daily", "--config", config, "--at", AT, *args)


def test_daily_says_how_many_items_were_too_old(tmp_path):
    config = _config(
        tmp_path,
        f'[[sources]]\nname = "maasland"\nlocation = "{MAASLAND}"\n',
        '[daily]\nlog_file = "runs.jsonl"\n',
    )
    result = daily(config)
    assert result.exit_code == 0, result.stderr
    (line,) = result.stdout.splitlines()
    assert line.startswith("built ") and "sources 1/1 · 1 too old ·" in line and "merged" not in line
    (record,) = [json.loads(r) for r in (tmp_path / "runs.jsonl").read_text("utf-8").splitlines()]
    assert record["too_old"] == 1 and record["merged"] == 0
    again = daily(config)  # nothing new: the line still says it
    assert again.stdout.startswith("nothing new") and "· 1 too old" in again.stdout


def test_daily_reads_every_brief_of_a_page_whose_briefs_read_alike(tmp_path, monkeypatch):
    """The bench's page: ten briefs from one template, each another place and number. All ten are read."""
    monkeypatch.syspath_prepend(str(BENCH))
    page = importlib.import_module("pages").write_page(tmp_path / "bench.txt", 10)
    config = _config(tmp_path, f'[[sources]]\nname = "bench"\nlocation = "{page}"\n')
    result = daily(config, "-v")
    assert result.exit_code == 0, result.stderr
    assert "merged" not in result.stdout and "same story" not in result.stderr
    script = json.loads(next((tmp_path / "out").glob("*/*/*-0800.json")).read_text("utf-8"))
    assert sum(s["kind"] == "brief" for s in script["segments"]) == 10


def test_daily_reads_a_story_two_sources_carry_once_and_says_so(tmp_path):
    first = tmp_path / "regio.json"
    first.write_text(
        json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": "Regio",
                "items": [
                    {"id": "1", "title": "Brug dicht", "content_text": "ZWOLLE - De IJsselbrug bij Zwolle is dicht."},
                    {"id": "2", "content_text": "KAMPEN - De gemeente Kampen plant 1200 bomen in de binnenstad."},
                ],
            }
        ),
        "utf-8",
    )
    second = tmp_path / "provincie.json"
    second.write_text(
        json.dumps(
            {
                "version": "https://jsonfeed.org/version/1",
                "title": "Provincie",
                "items": [
                    {"id": "a", "content_text": "DEVENTER - In Deventer is de boekenmarkt verplaatst."},
                    {
                        "id": "b",
                        "content_text": "KAMPEN - Kampen plant 1200 bomen in de binnenstad, meldt de gemeente.",
                    },
                    {"id": "c", "content_text": "KAMPEN - Kampen plant 1300 bomen langs de IJssel, meldt de gemeente."},
                ],
            }
        ),
        "utf-8",
    )
    sources = "".join(f'[[sources]]\nname = "{p.stem}"\nlocation = "{p}"\n' for p in (first, second))
    result = daily(_config(tmp_path, sources), "-v")
    assert result.exit_code == 0, result.stderr
    assert "sources 2/2 · 1 merged ·" in result.stdout
    script = json.loads(next((tmp_path / "out").glob("*/*/*-0800.json")).read_text("utf-8"))
    (merged,) = [d for d in script["dropped_text"] if d["rule"].startswith("same story")]
    assert merged["source"] == "provincie" and "1200 bomen" in merged["text"]
    assert merged["rule"] == "same story: regio › Kampen: De gemeente Kampen plant 1200 bomen in"
    assert "dropped [same story: regio › Kampen" in result.stderr
    spoken = "\n".join(s["spoken"] for s in script["segments"])  # the reading, beside the text as written
    assert "dertienhonderd bomen" in spoken  # another number: other news


def _story(text: str, place: str | None = None, source: str = "", url: str | None = None) -> Story:
    return Story((text,), place=place, source=source, url=url)


@pytest.mark.parametrize(
    ("ours", "theirs", "same"),
    [
        # Other places or other numbers: other news, however alike the words.
        (
            _story("De brandweer blust een brand in een schuur aan de Dorpsstraat.", "Zwolle"),
            _story("De brandweer blust een brand in een schuur aan de Kerkstraat.", "Kampen"),
            False,
        ),
        (
            _story("Het waterschap meldt dat 12 dijken te zwak zijn."),
            _story("Het waterschap meldt dat 13 dijken te zwak zijn."),
            False,
        ),
        # The same words with a dateline typed wrong, or more detail: the same story.
        (
            _story("De brandweer blust een brand in een schuur.", "Zwolle"),
            _story("De brandweer blust een brand in een schuur.", "Ottawa"),
            True,
        ),
        (
            _story("Het waterschap meldt dat 12 dijken te zwak zijn."),
            _story("Het waterschap meldt dat 12 van de 40 dijken te zwak zijn."),
            True,
        ),
        # One link: one story, however differently told.
        (
            _story("Brug dicht.", url="https://x.example/1"),
            _story("Verkeer omgeleid.", url="https://x.example/1"),
            True,
        ),
    ],
)
def test_two_sources_share_a_story_only_when_it_is_the_same_news(ours, theirs, same):
    lead = _story("Het kabinet presenteert de begroting.")
    page = combine(
        [
            (Page(lead, (Section((ours,)),)), None, 0),
            (Page(_story("Ander nieuws uit de provincie vandaag."), (Section((theirs,)),)), None, 0),
        ]
    )
    assert (theirs in page.briefs) is not same
    assert any(d.rule.startswith("same story") for d in page.dropped_text) is same


def test_within_one_source_only_an_exact_repeat_is_left_out():
    brief = _story("De gemeente maakt bekend dat de kosten stijgen.", "Zwolle", "regio")
    alike = _story("De gemeente laat weten dat de kosten stijgen.", "Zwolle", "regio")
    page = combine([(Page(_story("Lead."), (Section((brief, alike, brief)),)), None, 0)])
    assert page.briefs == (brief, alike)
    (repeat,) = page.dropped_text
    assert repeat.rule == "same story: regio › Zwolle: De gemeente maakt bekend dat de kosten"


def test_a_sources_max_items_cut_is_listed():
    briefs = tuple(_story(f"Bericht nummer {n} over iets heel anders.", f"Plaats{n}", "regio") for n in range(4))
    page = combine([(Page(_story("Lead."), (Section(briefs),)), None, 2)])
    assert page.briefs == briefs[:2]
    assert [(d.rule, d.text) for d in page.dropped_text] == [("cut: max_items 2", b.text) for b in briefs[2:]]


def test_a_page_labelled_gisteren_is_news_all_evening_and_eergisteren_is_not(tmp_path):
    """A day label says which day, not when: yesterday's brief is as old as yesterday's end."""
    page = tmp_path / "pagina.txt"
    page.write_text(
        "Gemeenteraad Zwolle stemt in met nieuw zwembad\n"
        "ZWOLLE (ANP) - De gemeenteraad van Zwolle heeft ingestemd met de bouw van een nieuw zwembad.\n"
        "Meer uit Regio\n"  # each brief's label follows it, as the site lays them out
        "DEVENTER (ANP) - In Deventer is de nieuwe stadsbibliotheek geopend.\n"
        "gisterenKAMPEN (ANP) - De IJsselbrug bij Kampen gaat twee weken dicht voor onderhoud.\n"
        "eergisteren\n",
        "utf-8",
    )
    result = run_cli("script", page, "--at", "2026-11-27T20:00", *OFFLINE, "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert "stadsbibliotheek" in spoken(document)  # yesterday ended 20 hours ago: within 36h
    assert "IJsselbrug" not in spoken(document)  # the day before ended 44 hours ago
    assert [d["rule"] for d in document["dropped_text"] if "IJsselbrug" in d["text"]] == ["too old: max_age 36h"]
