"""JSON Feed (1.0 and 1.1) as a source, as a radio editor feeds bulletin from a CMS: sniffed
among the other kinds, read like RSS (HTML reduced, boilerplate dropped, briefs cut), built into
a bulletin; a JSON file of no known shape refused in one line; every kind named in the help."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from bulletin.sources import SOURCES, SourceSpec, read_source, sniff
from conftest import AMSTERDAM, FIXTURES
from conftest import run as run_cli

JSONFEED = FIXTURES / "feeds" / "jsonfeed"
MAASLAND = JSONFEED / "maasland-1.1.json"  # content_html, prompts, a byline, an old, an undated, an advertorial item
KEMPEN = JSONFEED / "kempen-1.0.json"  # version 1: content_text, summary, author
NOT_A_FEED = JSONFEED / "cms-api.json"  # a CMS's own API answer
AT = "2026-11-27T08:00"
OFFLINE = ("--engine", "espeak")


def script_json(*args: str) -> tuple[dict, str]:
    """``bulletin script ARGS --format json`` as a user reads it: the document and the -v lines."""
    result = run_cli("script", *args, "--at", AT, *OFFLINE, "--format", "json", "-v")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), result.stderr


@pytest.mark.parametrize("path", [MAASLAND, KEMPEN])
def test_a_json_feed_is_sniffed_as_one_whatever_its_name(path, tmp_path):
    renamed = tmp_path / "nieuws"  # no .json: the content decides
    renamed.write_bytes(path.read_bytes())
    assert sniff(path.read_bytes(), str(path)) == "jsonfeed"
    assert sniff(renamed.read_bytes(), str(renamed)) == "jsonfeed"


def test_a_json_feed_is_asked_before_the_bulletin_json_that_takes_any_json():
    names = SOURCES.names()
    assert names.index("jsonfeed") < names.index("json")


def test_a_json_feed_1_1_with_html_builds_a_bulletin(tmp_path):
    result = run_cli("build", MAASLAND, "--at", AT, *OFFLINE, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    audio = Path(result.stdout.splitlines()[0])
    assert audio.is_file() and audio.stat().st_size > 0
    assert "omroep-maasland" in audio.name  # the feed's title names the section
    script = json.loads(audio.with_suffix(".json").read_text("utf-8"))
    stories = [s for s in script["segments"] if s["kind"] in ("lead", "brief")]
    written = "\n".join(s.get("written", s["text"]) for s in stories)  # "written" where it differs from "text"
    assert written.startswith("In Oss is vanochtend de nieuwe fietsbrug")
    assert "De brug kostte ruim 4 miljoen euro" in written  # a later paragraph of the lead's content_html
    assert [s["place"] for s in stories[1:]] == ["Uden", "Rosmalen", "Heesch"]
    for html_left in ("<p>", "<figure", "&amp;", "zonsopkomst", "Femke Bos"):
        assert html_left not in written


def test_a_json_feed_reads_html_without_its_markup_boilerplate_or_byline():
    document, _ = script_json(str(MAASLAND))
    rules = {d["text"]: d["rule"] for d in document["dropped_text"]}
    assert rules["De nieuwe fietsbrug bij zonsopkomst"] == "html-image"
    assert rules["Foto: Omroep Maasland / Femke Bos"] == "html-caption"
    assert rules["Door Jan Verhoeven"] == "byline"  # the item's author, named at the top
    assert rules["Heb jij al over de brug gefietst?"] == rules["Laat het ons weten via onze app."] == "call"
    assert rules["Blijf op de hoogte: volg Omroep Maasland ook op Instagram."] == "call"
    spoken = "\n".join(s["text"] for s in document["segments"])
    assert "Omwonenden kregen het advies ramen en deuren gesloten te houden." in spoken
    assert "Instagram" not in spoken and "gefietst" not in spoken


def test_an_item_tagged_as_an_advertorial_is_not_news():
    document, log = script_json(str(MAASLAND))
    spoken = "\n".join(s["text"] for s in document["segments"])
    assert "winterbanden" not in spoken
    (advert,) = [d for d in document["dropped_text"] if d["rule"].startswith("advert")]
    assert advert["rule"] == "advert: tag 'Advertorial'" and "winterbanden" in advert["text"]
    assert "dropped [advert: tag 'Advertorial']" in log


def test_a_json_feed_1_0_with_plain_text_and_a_summary():
    page = read_source(SourceSpec("kempen", str(KEMPEN)), datetime.fromisoformat(AT).replace(tzinfo=AMSTERDAM))
    assert page.lead.headline == "Nieuwe huisartsenpost in Veldhoven" and page.lead.place == "Veldhoven"
    assert page.lead.paragraphs == (  # content_text: one paragraph a line
        "In Veldhoven opent maandag een nieuwe huisartsenpost.",
        "De post is 's avonds en in het weekend open voor spoedzorg uit de hele Kempen.",
    )
    (bladel,) = page.briefs
    # A brief reads the item's summary, as an RSS brief reads its description.
    assert bladel.place == "Bladel" and bladel.text.startswith("De Hoogeindsestraat in Bladel is vanaf maandag")
    assert bladel.published is not None and bladel.published.isoformat() == "2026-11-27T05:50:00+01:00"
    assert bladel.url == "https://kempenactueel.example/5509"
    assert page.section == "Kempen Actueel"


def test_json_that_is_no_shape_bulletin_reads_is_refused_in_one_line_naming_the_shapes():
    result = run_cli("script", NOT_A_FEED, "--at", AT, *OFFLINE)
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert str(NOT_A_FEED) in line
    shapes = [kind.json_shape for kind in SOURCES if kind.json_shape]
    assert len(shapes) >= 3  # a JSON bulletin, a script, a JSON Feed
    assert all(shape in line for shape in shapes), line


def test_a_json_bulletin_without_its_lead_is_still_told_about_the_lead(tmp_path):
    broken = tmp_path / "regio.json"
    broken.write_text('{"section": "Regio", "briefs": [{"text": "Tekst."}]}', "utf-8")
    result = run_cli("script", broken, "--at", AT, *OFFLINE)
    assert result.exit_code == 1 and 'a JSON bulletin needs a "lead" object' in result.stderr


def test_an_item_with_a_field_of_the_wrong_type_is_left_out_with_a_warning(tmp_path):
    feed = json.loads(KEMPEN.read_text("utf-8"))
    feed["items"].insert(1, {"id": "x", "title": ["Kop"], "content_text": "Tekst."})
    feed["items"][0]["date_published"] = "vanochtend"  # not RFC 3339: read as undated
    path = tmp_path / "kempen.json"
    path.write_text(json.dumps(feed), "utf-8")
    document, log = script_json(str(path))
    assert "items[1].title must be text, got ['Kop']; that item is left out." in log
    assert "items[0].date_published 'vanochtend' is not an RFC 3339 time; the item is read as undated." in log
    places = [s["place"] for s in document["segments"] if s["kind"] in ("lead", "brief")]
    assert places == ["Veldhoven", "Bladel"]


@pytest.mark.parametrize(
    ("document", "says"),
    [
        ({"version": "https://jsonfeed.org/version/1.1", "title": "Leeg"}, '"items", a list with at least one item'),
        ({"version": "https://jsonfeed.org/version/1.1", "items": [5, "x"]}, "no item of this JSON Feed can be read"),
        ({"version": "https://jsonfeed.org/version/1", "items": [{"id": "1"}]}, "the feed's entries have no text"),
    ],
)
def test_a_json_feed_without_anything_to_read_is_one_line(tmp_path, document, says):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(document), "utf-8")
    result = run_cli("script", path, "--at", AT, *OFFLINE)
    assert result.exit_code == 1, result.stderr
    assert says in result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("command", ["build", "script"])
def test_the_help_names_every_kind_of_source(command):
    result = run_cli(command, "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for kind in SOURCES:
        assert f"({kind.name})" in text and " ".join(kind.description.split()) in text
    for named in ("saved news page", "RSS", "Atom", "JSON Feed", "JSON bulletin", "bulletin script", "URL"):
        assert named in text, named
