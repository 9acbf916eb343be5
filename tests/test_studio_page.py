"""The studio's page in a real browser: Playwright drives Debian's Chromium (no browser
download) through an editor's flow against a real `bulletin studio` process, and the
results are read back from the output folder with other tools (feedparser, json)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

from conftest import PAGES, run

AT = "2026-11-27T08:15"
BASE = "http://127.0.0.1:9/nieuws/"  # where the feed says the files are; never fetched
SCREENSHOT = Path(__file__).parents[1] / "docs" / "studio.png"  # the README shows it
# The run refreshes that picture only when asked (a test run leaves the checkout as it found it).
UPDATE_SCREENSHOT = "BULLETIN_UPDATE_SCREENSHOT"
VIEWPORT = {"width": 1200, "height": 1500}
NEW_LEAD = "De veerboot tussen Den Helder en Texel vaart weer. De storing aan de laadklep is verholpen."
STARTED_S = 60.0  # the studio prints its address once it listens


@pytest.fixture
def show(tmp_path) -> Path:
    """A show's configuration: offline voice, an output folder, a base URL and the user's lexicon."""
    config = tmp_path / "bulletin.toml"
    config.write_text(
        '[voice]\nengine = "espeak"\nlexicon = "lexicon.toml"\n'
        f'[output]\ndir = "out"\n[publish]\nbase_url = "{BASE}"\n',
        encoding="utf-8",
    )
    return config


def build_draft(config: Path, page: Path = PAGES / "kort.txt") -> Path:
    result = run("build", page, "--config", config, "--at", AT, "--draft", "-q")
    assert result.exit_code == 0, result.stderr
    return Path(result.stdout.strip())


@pytest.fixture
def studio(show) -> Iterator[str]:
    """A real `bulletin studio` on a free loopback port; its address."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bulletin", "studio", "--config", str(show), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()  # "studio for out/ on http://127.0.0.1:PORT/ (Ctrl-C to stop)"
        assert " on http://" in line, process.stderr.read() if process.poll() is not None else line
        yield line.split(" on ", 1)[1].split()[0]
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=STARTED_S)
        except subprocess.TimeoutExpired:
            process.kill()
            raise


def open_page(browser, url: str):
    """A new tab that fails the test on any script error or dialog (an injected alert())."""
    page = browser.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    page.errors = errors
    page.goto(url)
    return page


def segment(page, index: int):
    return page.locator(f'#segmenten li[data-index="{index}"]')


def titles(page) -> list[str]:
    return page.locator("#segmenten li .title").evaluate_all("inputs => inputs.map(i => i.value)")


def wait_for_bulletin(page) -> None:
    """The bulletin page has loaded: its segments shown with how they will be read."""
    page.wait_for_selector("#segmenten li .spoken:not(:empty)")
    page.wait_for_function("document.querySelector('#speler').duration > 0")


def outcome(page, timeout_ms: float = 120_000) -> str:
    """What the page says once the work it started is done: the notice's text."""
    page.wait_for_selector("#melding:not([hidden]):not(.busy)", timeout=timeout_ms)
    return page.locator("#melding").inner_text()


def duration(page, selector: str) -> float:
    page.wait_for_function(
        f"(() => {{ const a = document.querySelector({selector!r}); return a && a.duration > 0; }})()"
    )
    return page.eval_on_selector(selector, "audio => audio.duration")


def test_an_editor_fixes_and_approves_a_draft(show, studio, browser, tmp_path):
    audio = build_draft(show)
    out = tmp_path / "out"
    assert not (out / "feed.xml").exists() or not feedparser.parse((out / "feed.xml").read_bytes()).entries

    page = open_page(browser, studio)
    page.wait_for_selector("#wacht li a")
    assert page.locator("#wacht li").count() == 1
    page.click("#wacht li a")
    wait_for_bulletin(page)
    assert page.locator("#status").inner_text() == "Concept"

    # Every segment shows how it will be read; an unchanged one plays its own stretch of the bulletin.
    spoken = page.locator("#segmenten li .spoken").all_inner_texts()
    assert "twaalfhonderd bomen" in " ".join(spoken)  # written "1200 bomen"
    chapters = json.loads(audio.with_name(audio.name.replace(".mp3", ".chapters.json")).read_text("utf-8"))
    lead_chapter = chapters["chapters"][1]
    assert duration(page, "#speler") == pytest.approx(chapters["chapters"][-1]["endTime"], abs=0.1)
    assert duration(page, '#segmenten li[data-index="1"] .clip') == pytest.approx(
        lead_chapter["endTime"] - lead_chapter["startTime"], abs=0.1
    )

    # Change a sentence of the lead and hear it alone, before any rebuild.
    lead = segment(page, 1)
    lead.locator(".text").fill(NEW_LEAD)
    assert lead.locator(".changed").is_visible()
    page.wait_for_function(
        "document.querySelector('#segmenten li[data-index=\"1\"] .spoken').textContent.includes('verholpen')"
    )
    lead.locator(".try").click()
    assert duration(page, '#segmenten li[data-index="1"] .trial') > 1.0

    # Move the first brief down.
    before = titles(page)
    segment(page, 2).locator(".down").click()
    after = titles(page)
    assert after[2:4] == [before[3], before[2]]

    # Rebuild: saved as a version, built as the draft it still is.
    page.click("#bouwen")
    assert outcome(page).startswith("Opnieuw gebouwd"), outcome(page)
    wait_for_bulletin(page)
    built = json.loads(audio.with_suffix(".json").read_text("utf-8"))
    assert built["segments"][1]["text"] == NEW_LEAD
    assert [s["title"] for s in built["segments"]][2:4] == after[2:4]
    assert not segment(page, 1).locator(".changed").is_visible()  # its own stretch of the new audio again
    assert page.locator("#versies li").count() == 1
    assert not (out / "feed.xml").exists() or not feedparser.parse((out / "feed.xml").read_bytes()).entries

    page.evaluate("window.scrollTo(0, 0); document.querySelector('#melding').hidden = true")  # no timings in it
    picture = SCREENSHOT if os.environ.get(UPDATE_SCREENSHOT) else tmp_path / SCREENSHOT.name
    shot = picture.with_name(f".{os.getpid()}-{picture.name}")  # whole or not at all
    page.screenshot(path=str(shot))
    os.replace(shot, picture)
    assert picture.read_bytes().startswith(b"\x89PNG")

    # Approve: published, and the feed lists it.
    page.click("#goedkeuren")
    assert outcome(page).startswith("Goedgekeurd en gepubliceerd"), outcome(page)
    assert page.locator("#status").inner_text() == "Gepubliceerd"
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert [entry.title for entry in feed.entries] == [built["title"]]
    assert (out / "latest.mp3").read_bytes() == audio.read_bytes()
    assert page.errors == []


def test_the_second_editor_gets_a_conflict_and_keeps_her_text(show, studio, browser):
    build_draft(show)
    first, second = (browser.new_context().new_page() for _ in range(2))
    for page in (first, second):
        page.goto(studio)
        page.click("#wacht li a")
        wait_for_bulletin(page)
    segment(first, 1).locator(".text").fill("De eerste redacteur schrijft dit.")
    segment(second, 1).locator(".text").fill("De tweede redacteur schrijft iets anders.")
    first.click("#opslaan")
    assert outcome(first) == "Opgeslagen."
    second.click("#opslaan")
    assert "Iemand anders heeft dit script intussen opgeslagen" in outcome(second)
    assert second.locator("#melding.conflict").is_visible()
    colours = second.eval_on_selector(
        "#melding", "box => [getComputedStyle(box).color, getComputedStyle(box).backgroundColor]"
    )
    assert colours[0] != colours[1]  # the message can be read
    assert segment(second, 1).locator(".text").input_value() == "De tweede redacteur schrijft iets anders."
    second.reload()
    wait_for_bulletin(second)
    assert segment(second, 1).locator(".text").input_value() == "De eerste redacteur schrijft dit."


def test_a_headline_with_markup_shows_as_text(show, studio, browser, tmp_path):
    page_file = tmp_path / "xss.txt"
    headline = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    page_file.write_text(
        f"{headline}\nDEN HAAG (ANP) - Het kabinet versterkt de dijken langs de rivieren.\n"
        "Meer uit Binnenland\nZWOLLE (ANP) - De gemeente opent een nieuwe brug over de IJssel.\n",
        encoding="utf-8",
    )
    build_draft(show, page_file)
    page = open_page(browser, studio)
    page.wait_for_selector("#alle li a")
    page.click("#alle li a")
    wait_for_bulletin(page)
    assert segment(page, 1).locator(".title").input_value() == headline
    assert headline in page.locator("#hoofdstukken").inner_text()
    assert page.locator("img[src=x]").count() == 0
    assert page.errors == []


def test_a_word_saved_to_the_lexicon_is_read_that_way(show, studio, browser, tmp_path):
    build_draft(show)
    page = open_page(browser, studio)
    page.click("#wacht li a")
    wait_for_bulletin(page)
    lead = segment(page, 1)
    text = lead.locator(".text")
    start = text.input_value().index("Texel")
    text.evaluate(f"area => {{ area.focus(); area.setSelectionRange({start}, {start + 5}); }}")
    text.dispatch_event("select")
    assert page.locator("#woord").input_value() == "Texel"
    page.fill("#lezing", "Tessel")
    page.click("#beluister-woord")
    assert duration(page, "#woord-speler") > 0.2
    page.click("#bewaar-woord")
    page.wait_for_function(
        "document.querySelector('#segmenten li[data-index=\"1\"] .spoken').textContent.includes('Tessel')"
    )
    import tomllib

    assert tomllib.loads((tmp_path / "lexicon.toml").read_text("utf-8"))["words"] == {"Texel": "Tessel"}

    # The rebuild reads it that way too: what the page said it would speak is what is built.
    page.click("#bouwen")
    assert outcome(page).startswith("Opnieuw gebouwd"), outcome(page)
    (built,) = (tmp_path / "out").rglob("*-0815.json")
    lead = json.loads(built.read_text("utf-8"))["segments"][1]
    assert "Tessel" in lead["spoken"] and "Texel" not in lead["spoken"] and "Texel" in lead["text"]  # as written
    assert page.locator("#versies li").count() == 1  # the new reading is a version of its own
    assert page.errors == []
