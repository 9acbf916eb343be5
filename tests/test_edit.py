"""Editorial control: a script printed, edited by hand and built exactly as written,
read back with other tools (mutagen, webvtt-py, ffmpeg); `bulletin say` for readings."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
import requests
import webvtt
from mutagen.id3 import ID3

from bulletin.build.pipeline import build
from bulletin.config import load_config
from bulletin.sources import SourceSpec, read_source, sniff
from conftest import (
    AMSTERDAM,
    OFFLINE,
    PAGES,
    cli_runner,
    decode,
    ffmpeg,
    lufs,
    run,
    true_peak_dbtp,
)

AT = "2026-11-27T08:15"
EUROPA = PAGES / "europa.txt"
CHANGED = ("een half jaar", "drie maanden")  # one sentence of the first brief, changed by the editor
RATE = 44100
WARSCHAU = (
    "[3] BRIEF: Warschau: Polen verlengt de controles aan de grens…\nWarschau.\n"
    "Polen verlengt de controles aan de grens met Duitsland met een half jaar."
)


def printed_script(fmt: str) -> str:
    result = run("script", EUROPA, "--at", AT, "--engine", "espeak", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """A segment cache holding the machine's bulletin for europa.txt, as the first build left it."""
    root = tmp_path_factory.mktemp("cache")
    first = build(EUROPA, load_config(overrides=overrides(root, root / "out")), at=moment())
    assert first.speech.synthesised == len(first.script.segments) == 9  # cold: everything spoken
    return root


def moment() -> datetime:
    return datetime.fromisoformat(AT).replace(tzinfo=AMSTERDAM)


def overrides(cache_dir: Path, out: Path) -> dict[str, object]:
    return {**OFFLINE, "sounders.enabled": False, "cache.dir": str(cache_dir), "output.dir": str(out)}


def edit(segments: list, change: tuple[str, str]) -> list:
    """What an editor does: delete one brief, change one sentence, swap two briefs."""
    intro, lead, first, second, _third, fourth, fifth, sixth, outro = segments
    assert change[0] in text_of(first)
    first = replace_text(first, change)
    return [intro, lead, first, second, fifth, fourth, sixth, outro]  # third deleted, fourth and fifth swapped


def text_of(segment) -> str:
    return segment["text"] if isinstance(segment, dict) else segment.split("\n", 1)[1]


def replace_text(segment, change: tuple[str, str]):
    if isinstance(segment, dict):  # a changed text's written form no longer holds: it goes
        return {**{k: v for k, v in segment.items() if k != "written"}, "text": segment["text"].replace(*change)}
    return segment.replace(*change)


def check_built(mp3: Path, expected: list[tuple[str, str, str]], written: list[str] | None = None) -> None:
    """The MP3 and its sidecars follow ``expected`` (kind, title, text) exactly, in order; the
    transcripts ``written`` (the text as written, where the script gives it; else the spoken text)."""
    titles = [title for _, title, _ in expected]
    spoken = [text for _, _, text in expected]
    texts = written or spoken
    tags = ID3(str(mp3))
    assert str(tags["USLT::dut"]) == "\n\n".join(texts) + "\n"
    (toc,) = tags.getall("CTOC")
    chaps = {c.element_id: c for c in tags.getall("CHAP")}
    assert [str(chaps[i].sub_frames["TIT2"]) for i in toc.child_element_ids] == titles
    meta = subprocess.run(
        [ffmpeg(), "-v", "error", "-i", str(mp3), "-f", "ffmetadata", "-"], capture_output=True, text=True, check=True
    ).stdout
    assert re.findall(r"^title=(.*)$", meta.split("[CHAPTER]", 1)[1], re.MULTILINE) == titles
    # Captions wrap lines (also after a hyphen), so the characters are compared, in order.
    cues = "".join("".join(c.text.split()) for c in webvtt.read(str(mp3.with_suffix(".vtt"))))
    assert cues == "".join("".join(t.split()) for t in texts)
    sidecar = mp3.with_suffix(".txt").read_text("utf-8")
    blocks = [f"[{n}] {kind.upper()}: {title}\n{text}\n" for n, (kind, title, text) in enumerate(expected, 1)]  # spoken
    assert all(block in sidecar for block in blocks)
    assert [sidecar.index(block) for block in blocks] == sorted(sidecar.index(block) for block in blocks)


def test_edited_json_script_with_an_added_brief_is_built_as_written_from_the_cache(cache, tmp_path):
    document = json.loads(printed_script("json"))
    *segments, outro = edit(document["segments"], CHANGED)
    added = {
        "kind": "brief",
        "title": "Utrecht: nieuwe fietsbrug",
        "place": "Utrecht",
        "text": "Utrecht.\nIn Utrecht is vanochtend een nieuwe fietsbrug geopend.",
    }
    outro = {**outro, "text": "Dat was het nieuws. Tot het volgende uur."}
    document["segments"] = [*segments, added, outro]
    path = tmp_path / "s.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), "utf-8")

    result = build(path, load_config(overrides=overrides(cache, tmp_path / "out")))

    assert (
        result.audio == tmp_path / "out/2026-11-27/nieuwsbulletin-buitenland-0815/nieuwsbulletin-buitenland-0815.mp3"
    )  # the script's moment
    # Spoken anew: the changed brief, the added brief and the new outro; the other six from the cache.
    assert (result.speech.segments, result.speech.synthesised) == (9, 3)
    check_built(
        result.audio,
        [(s["kind"], s["title"], s["text"]) for s in document["segments"]],
        [s.get("written", s["text"]) for s in document["segments"]],
    )
    written = json.loads(result.outputs.script_json.read_text("utf-8"))
    assert [(s["kind"], s["place"], s["text"]) for s in written["segments"]] == [
        (s["kind"], s["place"], s["text"]) for s in document["segments"]
    ]


def test_edited_text_script_is_built_as_written_from_the_cache(cache, tmp_path):
    head, *blocks = printed_script("text").rstrip("\n").split("\n\n")
    blocks = edit(blocks, ("met een half jaar", "met een jaar"))
    path = tmp_path / "s.txt"
    path.write_text("\n\n".join([head, *blocks]) + "\n", "utf-8")
    config = tmp_path / "bulletin.toml"
    config.write_text(f'[cache]\ndir = "{cache}"\n[voice]\nengine = "espeak"\n[sounders]\nenabled = false\n', "utf-8")

    result = run("build", path, "--config", config, "-o", tmp_path / "out")

    assert result.exit_code == 0, result.stderr
    mp3 = Path(result.stdout.splitlines()[0])
    assert "8 segments (7 cached)" in result.stdout.splitlines()[1]
    headers = [re.match(r"\[\d+\] (\w+): (.*)", b.split("\n", 1)[0]).groups() for b in blocks]
    check_built(mp3, [(kind.lower(), title, text_of(b)) for (kind, title), b in zip(headers, blocks, strict=False)])


def test_script_round_trips_between_forms():
    document = json.loads(printed_script("json"))
    text = printed_script("text")
    with cli_runner().isolated_filesystem():
        Path("s.txt").write_text(text, "utf-8")
        again = run("script", "s.txt", "--engine", "espeak", "--format", "json")
        Path("s.json").write_text(printed_script("json"), "utf-8")
        as_text = run("script", "s.json", "--engine", "espeak")
    assert as_text.stdout == text
    back = json.loads(again.stdout)
    assert (back["title"], back["at"], back["section"]) == (document["title"], document["at"], "Buitenland")
    assert [(s["kind"], s["title"], s["text"]) for s in back["segments"]] == [
        (s["kind"], s["title"], s["text"]) for s in document["segments"]
    ]


# --- the written text in the script, the voice's respellings when speaking ---------------------

LONDEN = """Britse premier onder druk
LONDEN (ANP) - De Britse premier Keir Starmer heeft uitstel van executie gekregen.
Dat zei oppositieleider Kemi Badenoch tegen Sky News.
Meer uit Buitenland
DEN HAAG (ANP) - Woordvoerder J. de Vries van de politie meldt 12 aanhoudingen.
2 uur geleden
"""


@pytest.fixture
def heard(monkeypatch) -> list[str]:
    """Every text the espeak engine is asked to speak, as it reaches the voice."""
    from bulletin.tts.espeak import EspeakEngine

    texts: list[str] = []
    speak = EspeakEngine.synthesize

    def counted(self, text):
        texts.append(text)
        return speak(self, text)

    monkeypatch.setattr(EspeakEngine, "synthesize", counted)
    return texts


def test_the_script_shows_names_as_written_and_a_build_speaks_the_voices_respellings(tmp_path, heard):
    page = tmp_path / "londen.txt"
    page.write_text(LONDEN, "utf-8")
    text = run("script", page, "--at", AT, "--engine", "espeak")
    assert text.exit_code == 0, text.stderr
    for written in ("Keir Starmer", "Sky News", "J. de Vries", "12 aanhoudingen"):
        assert written in text.stdout
    assert "Kier" not in text.stdout and "Skai" not in text.stdout and "J. De Vries" not in text.stdout
    document = json.loads(run("script", page, "--at", AT, "--engine", "espeak", "--format", "json").stdout)
    lead, brief = document["segments"][1], document["segments"][2]
    assert "Keir Starmer" in lead["text"] and "Kier Starmer" in lead["spoken"] and "Skai News" in lead["spoken"]
    assert "J. de Vries" in brief["spoken"] and "twaalf aanhoudingen" in brief["spoken"]

    # Edited: the written text changes (the stale "spoken" is ignored); the build prepares it again.
    brief["text"] = brief["text"].replace("12 aanhoudingen", "15 aanhoudingen")
    brief["spoken"] = "Dit wordt niet voorgelezen."
    script = tmp_path / "s.json"
    script.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    result = build(script, load_config(overrides=overrides(tmp_path / "cache", tmp_path / "out")))

    said = " ".join(heard)
    assert "Kier Starmer" in said and "Skai News" in said and "J. de Vries" in said
    assert "vijftien aanhoudingen" in said and "Keir" not in said and "niet voorgelezen" not in said
    built = json.loads(result.outputs.script_json.read_text("utf-8"))
    assert "Keir Starmer" in built["segments"][1]["text"] and "Kier Starmer" in built["segments"][1]["spoken"]
    assert "15 aanhoudingen" in built["segments"][2]["text"]
    assert "Keir Starmer" in str(ID3(str(result.audio))["USLT::dut"])  # the transcript as written

    # The text form beside it shows the names as written too, and is read the same way.
    sidecar = result.outputs.script_json.with_suffix(".txt")
    assert "Keir Starmer" in sidecar.read_text("utf-8") and "Kier" not in sidecar.read_text("utf-8")
    heard.clear()
    build(sidecar, load_config(overrides=overrides(tmp_path / "cache-2", tmp_path / "out-2")))
    assert "Kier Starmer" in " ".join(heard) and "vijftien aanhoudingen" in " ".join(heard)


def test_a_version_1_script_is_built_as_it_was_written(cache, tmp_path, heard):
    """A JSON script from before version 2: its text is the spoken text, read as it stands."""
    document = json.loads(printed_script("json"))
    old = {**document, "version": 1}
    old["segments"] = [
        {**{k: v for k, v in s.items() if k not in ("text", "spoken")}, "text": s["spoken"]}
        | ({"written": s["text"]} if s["text"] != s["spoken"] else {})
        for s in document["segments"]
    ]
    old["segments"][2]["text"] = old["segments"][2]["text"].replace("een half jaar", "ASML")  # as it stands
    old["segments"][2].pop("written", None)
    path = tmp_path / "s.json"
    path.write_text(json.dumps(old, ensure_ascii=False), "utf-8")

    result = build(path, load_config(overrides=overrides(cache, tmp_path / "out")))

    assert (result.speech.segments, result.speech.synthesised) == (9, 1)  # the rest as the page's build spoke it
    assert heard == [old["segments"][2]["text"]]  # "ASML" reaches the voice unprepared
    built = json.loads(result.outputs.script_json.read_text("utf-8"))
    assert built["version"] == 2 and built["segments"][2]["spoken"] == old["segments"][2]["text"]


# --- mistakes: one line naming the segment, exit 1, nothing written ------------------------------


def _set(path: str, value):
    def change(document: dict) -> None:
        *parents, last = re.findall(r"\w+", path)
        target = document
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        target[int(last) if last.isdigit() else last] = value

    return change


def _drop(key: str):
    return lambda document: document["segments"][3].pop(key)


def _stories_only_anchors(document: dict) -> None:
    document["segments"] = [s for s in document["segments"] if s["kind"] in ("intro", "outro")]


@pytest.mark.parametrize(
    ("mistake", "says"),
    [
        (_set("segments.3.kind", "nieuws"), "s.json: segments[3].kind: 'nieuws' is not a kind; use one of intro, lead"),
        (_set("segments.3.text", "  \n "), "s.json: segments[3].text: empty"),
        (_set("segments.3.text", ["Een.", "Twee."]), "s.json: segments[3].text: must be text"),
        (_drop("text"), "s.json: segments[3].text: missing"),
        (_set("segments.3.tekst", "Hallo."), "s.json: segments[3].tekst: unknown key"),
        (_set("segments.3.published", "gisteren"), "s.json: segments[3].published: 'gisteren' is not an ISO-8601"),
        (_set("segments.4.kind", "intro"), "s.json: segments[4].kind: an intro opens the bulletin"),
        (_set("segments.2.kind", "outro"), "s.json: segments[2].kind: an outro closes the bulletin"),
        (_set("version", 3), "s.json: version: 3 is not one this bulletin reads (2 or 1)"),
        (_set("segments.3.written", "Hallo."), "s.json: segments[3].written: unknown key"),  # version 1's
        (_set("format", "iets-anders"), "s.json: format: 'iets-anders', expected 'bulletin-script'"),
        (_stories_only_anchors, "s.json: segments: no lead or brief"),
        # Text that gives no audio is refused before anything is synthesised.
        (_set("segments.3.text", "…"), "s.json: segments[3].text: nothing to speak"),
        (_set("segments.3.text", "\x01\x02 ?!"), "s.json: segments[3].text: nothing to speak"),
        # Unknown keys are refused at the top as in a segment; JSON's true is not version 1.
        (_set("titel", "Nieuws"), "s.json: titel: unknown key; a script has at, dropped"),
        (_set("version", True), "s.json: version: True is not one this bulletin reads (2 or 1)"),
    ],
)
def test_broken_json_script_is_one_line_naming_the_segment(tmp_path, mistake, says):
    document = json.loads(printed_script("json"))
    mistake(document)
    (tmp_path / "s.json").write_text(json.dumps(document), "utf-8")
    result = run("build", tmp_path / "s.json", "--engine", "espeak", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {tmp_path / says}") and result.stderr.count("\n") == 1, result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("mistake", "says"),
    [
        (("[3] BRIEF:", "[3] NIEUWS:"), r"s.txt: line \d+ \(\[3\] NIEUWS\) kind: 'NIEUWS' is not a kind"),
        ((WARSCHAU, "[3] BRIEF: Warschau"), r"s.txt: line \d+ \(\[3\] BRIEF\) text: empty"),
        ((WARSCHAU, "[3] BRIEF: Warschau\n…"), r"s.txt: line \d+ \(\[3\] BRIEF\) text: nothing to speak"),
        # A header without its colon is named, not read as a line of the segment before.
        (("[3] BRIEF:", "[3] BRIEF"), r"s.txt: line \d+: '\[3\] BRIEF .*' is not a segment header"),
    ],
)
def test_broken_text_script_names_the_line_and_segment(tmp_path, mistake, says):
    text = printed_script("text")
    assert mistake[0] in text
    (tmp_path / "s.txt").write_text(text.replace(*mistake), "utf-8")
    result = run("build", tmp_path / "s.txt", "--engine", "espeak", "-o", tmp_path / "out")
    assert result.exit_code == 1 and re.match(f"Error: {re.escape(str(tmp_path))}/{says}", result.stderr), result.stderr
    assert result.stderr.count("\n") == 1 and not (tmp_path / "out").exists()


def test_a_script_whose_every_header_lost_its_colon_is_still_a_script(tmp_path):
    """Not read as a news page: its title and at: lines say it is a script."""
    text = re.sub(r"^(\[\d+\] [A-Z]+):", r"\1", printed_script("text"), flags=re.MULTILINE)
    (tmp_path / "s.txt").write_text(text, "utf-8")
    result = run("build", tmp_path / "s.txt", "--engine", "espeak", "-o", tmp_path / "out")
    line = next(n for n, each in enumerate(text.splitlines(), 1) if each.startswith("[1] INTRO"))
    assert result.exit_code == 1, result.stderr
    assert (
        re.match(
            rf"Error: {re.escape(str(tmp_path))}/s.txt: line {line}: '\[1\] INTRO .*' is not a segment header",
            result.stderr,
        )
        and result.stderr.count("\n") == 1
    ), result.stderr
    assert not (tmp_path / "out").exists()


def test_a_script_without_intro_and_outro_is_read_with_a_warning(tmp_path):
    document = json.loads(printed_script("json"))
    document["segments"] = document["segments"][1:-1]
    (tmp_path / "s.json").write_text(json.dumps(document), "utf-8")
    result = run("script", tmp_path / "s.json", "--engine", "espeak")
    assert result.exit_code == 0
    assert "has no intro" in result.stderr and "has no outro" in result.stderr
    assert "[1] LEAD: Europese ministers" in result.stdout and "INTRO" not in result.stdout


def test_max_duration_drops_briefs_from_the_end_of_an_edited_script(tmp_path):
    document = json.loads(printed_script("json"))
    segments = document["segments"]
    segments[2], segments[7] = segments[7], segments[2]  # the editor moves the last brief up
    (tmp_path / "s.json").write_text(json.dumps(document), "utf-8")
    full = json.loads(run("script", tmp_path / "s.json", "--engine", "espeak", "--format", "json").stdout)
    assert full["dropped"] == []
    cut = run(
        "script",
        tmp_path / "s.json",
        "--engine",
        "espeak",
        "--format",
        "json",
        "--max-duration",
        str(full_seconds(tmp_path / "s.json") - 1),
    )
    kept = json.loads(cut.stdout)
    assert [s["title"] for s in kept["segments"]] == [s["title"] for s in segments if s is not segments[7]]
    assert [d["title"] for d in kept["dropped"]] == [segments[7]["title"]]  # the last brief, as edited
    said = run("script", tmp_path / "s.json", "--engine", "espeak", "--max-duration", "5")
    assert said.exit_code == 1 and "without its briefs the script still takes about" in said.stderr


def full_seconds(path: Path) -> float:
    first = run("script", path, "--engine", "espeak").stdout.splitlines()
    return float(next(line for line in first if line.startswith("~"))[1:].split(" ")[0])


# --- sources: sniffed by the registry; a malformed local file is bad input ---------------------


@pytest.mark.parametrize(
    ("data", "location", "kind"),
    [
        (b'{"format": "bulletin-script", "version": 1}', "s.json", "script"),
        (b'{"title": "x", "segments": []}', "s.json", "script"),
        (b"Titel\n~10 s\n\n[1] INTRO: Opening\nGoedemorgen.\n", "s.txt", "script"),
        (b'\xef\xbb\xbf{"lead": {"text": "x"}}', "b.json", "json"),
        (b"<?xml version='1.0'?><rss></rss>", "feed", "rss"),
        (b"Kop\nDEN HAAG (ANP) - Tekst.\n", "pagina.txt", "page"),
    ],
)
def test_sources_are_sniffed_by_their_readers(data, location, kind):
    assert sniff(data, location) == kind


def test_a_script_can_be_named_as_its_kind(tmp_path):
    (tmp_path / "s").write_text(printed_script("text"), "utf-8")
    script = read_source(SourceSpec("ochtend", str(tmp_path / "s"), kind="script"), moment())
    assert [s.kind.value for s in script.segments][:2] == ["intro", "lead"]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("kapot.json", b'{"lead": 3}'),
        ("kapot.xml", b"<html>geen feed</html>"),
        ("kapot.txt", b"\x00\x01\x02"),
    ],
)
def test_a_malformed_local_file_is_bad_input_whatever_its_kind(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    result = run("script", tmp_path / name)
    assert result.exit_code == 1 and result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1


# --- daily: a script as the source --------------------------------------------------------------


def daily_config(tmp_path: Path, *locations: Path) -> Path:
    lines = ['[output]\ndir = "out"', '[voice]\nengine = "espeak"', "[sounders]\nenabled = false"]
    lines += [f'[[sources]]\nname = "bron{i}"\nlocation = "{p}"' for i, p in enumerate(locations)]
    config = tmp_path / "bulletin.toml"
    config.write_text("\n\n".join(lines) + "\n", "utf-8")
    return config


def test_daily_builds_a_script_source_as_written(tmp_path):
    document = json.loads(printed_script("json"))
    document["segments"] = edit(document["segments"], CHANGED)
    (tmp_path / "s.json").write_text(json.dumps(document), "utf-8")
    config = daily_config(tmp_path, tmp_path / "s.json")
    result = run("daily", "--config", config)
    assert result.exit_code == 0, result.stderr
    built = json.loads(next((tmp_path / "out").glob("2026-11-27/*/*-0815.json")).read_text("utf-8"))
    assert [s["text"] for s in built["segments"]] == [s["text"] for s in document["segments"]]
    assert run("daily", "--config", config).stdout.startswith("nothing new")


def test_daily_refuses_a_script_among_other_sources(tmp_path):
    (tmp_path / "s.json").write_text(printed_script("json"), "utf-8")
    result = run("daily", "--config", daily_config(tmp_path, EUROPA, tmp_path / "s.json"))
    assert result.exit_code == 1 and "is a bulletin script, a whole bulletin" in result.stderr


# --- bulletin say -------------------------------------------------------------------------------


def test_say_prints_the_prepared_text_and_writes_a_mastered_mp3(tmp_path):
    result = run("say", "Het KNMI meldt 12,5 mm regen", "--voice", "espeak-nl", "-o", tmp_path / "x.mp3")
    assert result.exit_code == 0, result.stderr
    prepared = result.stdout.splitlines()[0]
    assert "twaalf komma vijf millimeter" in prepared and "12,5" not in prepared and "KNMI" not in prepared
    samples = decode(tmp_path / "x.mp3")
    assert len(samples) / RATE > 1.0
    assert lufs(samples) == pytest.approx(-16.0, abs=1.0)


def test_say_raw_speaks_the_text_as_given(tmp_path):
    result = run(
        "say", "Het KNMI meldt 12,5 mm regen", "--raw", "-o", tmp_path / "x.mp3", "--config", _espeak(tmp_path)
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Het KNMI meldt 12,5 mm regen"
    assert len(decode(tmp_path / "x.mp3")) / RATE > 1.0


def test_say_explain_names_the_rule_of_each_changed_word_and_speaks_nothing(tmp_path):
    result = run("say", "--explain", "Lodewijk XIV kwam om 14u30", "--voice", "espeak-nl", "-o", tmp_path / "x.mp3")
    assert result.exit_code == 0, result.stderr
    *changes, reading = result.stdout.splitlines()
    assert [line.split() for line in changes] == [
        ["clock", "14u30", "→", "veertien", "uur", "dertig"],
        ["regnal", "numerals", "XIV", "→", "de", "Veertiende"],
    ]
    assert reading == "Lodewijk de Veertiende kwam om veertien uur dertig"
    assert list(tmp_path.iterdir()) == []  # nothing spoken, nothing written


def test_say_explain_shows_the_voices_own_respellings(tmp_path):
    result = run("say", "--explain", "Keir Starmer tegen Sky News", "--voice", "espeak-nl")
    assert result.exit_code == 0, result.stderr
    assert "lexicon  Keir → Kier" in result.stdout and result.stdout.endswith("Kier Starmer tegen Skai News\n")
    plain = run("say", "--explain", "Dat is alles.", "--voice", "espeak-nl")
    assert plain.stdout == "  (no rule changed a word)\nDat is alles.\n"


def test_say_explain_and_raw_are_one_or_the_other():
    result = run("say", "--explain", "--raw", "Hallo", "--voice", "espeak-nl")
    assert result.exit_code == 2 and "--explain" in result.stderr


def test_script_explain_lists_each_segments_changes_by_rule():
    result = run("script", EUROPA, "--at", AT, "--engine", "espeak", "--explain")
    assert result.exit_code == 0, result.stderr
    headers = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert len(headers) == 9 and headers[0] == "[1] INTRO: Opening (espeak-nl)"
    as_json = json.loads(
        run("script", EUROPA, "--at", AT, "--engine", "espeak", "--explain", "--format", "json").stdout
    )
    assert [s["kind"] for s in as_json] == [
        "intro",
        "lead",
        "brief",
        "brief",
        "brief",
        "brief",
        "brief",
        "brief",
        "outro",
    ]
    rules = {change["rule"] for segment in as_json for change in segment["changes"]}
    assert rules and all(set(change) == {"rule", "before", "after"} for s in as_json for change in s["changes"])
    listed = {
        line.split("  ")[1].strip() for line in result.stdout.splitlines() if line.startswith("  ") and "→" in line
    }
    assert listed == rules  # the text and the JSON tell the same


def _espeak(tmp_path: Path) -> Path:
    config = tmp_path / "bulletin.toml"
    config.write_text('[voice]\nengine = "espeak"\n', "utf-8")
    return config


@pytest.mark.parametrize("text", ["...", "…", "\x01\x02", " ?! "])
def test_say_with_nothing_speakable_is_one_line_and_no_file(tmp_path, text):
    result = run("say", text, "--engine", "espeak", "-o", tmp_path / "x.mp3")
    assert result.exit_code == 1, result.stderr
    assert result.stderr.startswith("Error: nothing to say") and result.stderr.count("\n") == 1, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_say_a_short_raw_word_is_not_silence(tmp_path):
    """ "{show}" with --raw is under 0.4 s: ffmpeg's integrated reading is -70 LUFS, but the word is there."""
    result = run("say", "{show}", "--raw", "--engine", "espeak", "-o", tmp_path / "s.mp3")
    assert result.exit_code == 0, result.stderr
    assert true_peak_dbtp(decode(tmp_path / "s.mp3")) > -10.0


def test_say_to_a_format_it_cannot_write_says_so(tmp_path):
    result = run("say", "Hallo", "--voice", "espeak-nl", "-o", tmp_path / "x.ogg")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and ".ogg" in result.stderr
    assert not (tmp_path / "x.ogg").exists()


def test_say_one_short_word_as_broadcast_wav(tmp_path):
    """A word shorter than a loudness gating block (0.4 s) is still mastered, and -o x.wav writes WAV."""
    import wave

    result = run("say", "Hallo", "--voice", "espeak-nl", "-o", tmp_path / "x.wav")
    assert result.exit_code == 0, result.stderr
    with wave.open(str(tmp_path / "x.wav")) as audio:
        assert (audio.getframerate(), audio.getnchannels()) == (48000, 1)
        seconds = audio.getnframes() / audio.getframerate()
    assert 0.1 < seconds < 2.0
    assert true_peak_dbtp(decode(tmp_path / "x.wav")) <= -1.0
    # Too short to measure: nothing is learnt from it for the next bulletin (it once learnt +54 dB).
    calibration = tmp_path / "cache" / "bulletin" / "calibration.json"
    learnt = json.loads(calibration.read_text("utf-8")) if calibration.exists() else {}
    assert all(abs(v) <= 6.0 for entry in learnt.values() for v in entry.values()), learnt


def test_say_with_auto_falls_back_to_the_offline_voice_and_says_so(google, tmp_path):
    google.fail_always(requests.exceptions.ConnectionError("offline"))
    config = tmp_path / "bulletin.toml"
    config.write_text("[gtts]\nbackoff = 0.01\nrequests_per_second = 1000.0\n", "utf-8")
    result = run("say", "Het KNMI meldt 12,5 mm regen", "-o", tmp_path / "x.mp3", "--config", config)
    assert result.exit_code == 0, result.stderr
    assert "cannot reach translate.google.com" in result.stderr and "read by espeak-nl instead" in result.stderr
    assert result.stdout.splitlines()[0] == "Het kaa-en-em-ie meldt twaalf komma vijf millimeter regen"
    assert "espeak" in result.stdout.splitlines()[1] and len(decode(tmp_path / "x.mp3")) / RATE > 1.0
