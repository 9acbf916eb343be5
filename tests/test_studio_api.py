"""The studio's HTTP API, in-process: listing and reading bulletins, saving scripts over the
version the editor loaded, rebuilding, approving and correcting what is on air, hearing a line,
the user's lexicon and the failed runs. What a client sees is read back from disk with other
tools (json, tomllib, feedparser, ffmpeg, pyloudnorm)."""

from __future__ import annotations

import json
import threading
import tomllib
from pathlib import Path
from urllib.parse import unquote

import pytest

from conftest import decode, lufs
from studio_desk import BASE, lead_text, open_studio, two_drafts

API_PATHS = {
    "/api/bulletins",
    "/api/latest",
    "/api/bulletins/{day}/{stem}",
    "/api/bulletins/{day}/{stem}/script",
    "/api/bulletins/{day}/{stem}/versions",
    "/api/bulletins/{day}/{stem}/details",
    "/api/bulletins/{day}/{stem}/build",
    "/api/bulletins/{day}/{stem}/correction",
    "/api/bulletins/{day}/{stem}/approve",
    "/api/bulletins/{day}/{stem}/picture.svg",
    "/api/say",
    "/api/prepare",
    "/api/lexicon",
    "/api/runs",
}
NEW_SENTENCE = "De rederij biedt reizigers die vastzaten een gratis overtocht aan."


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return two_drafts(tmp_path_factory)


@pytest.fixture
def studio(tmp_path, template):
    return open_studio(tmp_path, template)


@pytest.fixture
def on_air(tmp_path, template):
    """A studio that publishes (a base URL), with the newest bulletin approved and published."""
    studio = open_studio(tmp_path, template, settings={"publish.base_url": BASE})
    approved = studio.client.post(f"/api/bulletins/{studio.late}/approve")
    assert approved.status_code == 200, approved.text
    assert studio.state(studio.late) == "published"
    return studio


def mpeg(data: bytes) -> bool:
    """Whether ``data`` starts as an MP3 does: an ID3 tag or an MPEG audio frame's sync."""
    return data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


# --- reading ------------------------------------------------------------------------------------


def test_the_listing_says_what_each_bulletin_is_newest_first(studio):
    listed = studio.client.get("/api/bulletins")
    assert listed.status_code == 200
    assert [b["id"] for b in listed.json()] == [studio.late, studio.early]
    item = listed.json()[0]
    episode = studio.manifest(studio.late)
    qa = json.loads(studio.file(studio.late, ".qa.json").read_text("utf-8"))
    assert item["title"] == episode["title"] and "08:15" in item["title"]
    assert item["at"] == "2026-11-27T08:15:00+01:00"
    assert item["state"] == "draft" and item["correction"] is None and item["edited"] is False
    assert item["duration"] == pytest.approx(episode["duration"]) and item["duration"] > 10
    mp3 = studio.file(studio.late, ".mp3")
    assert item["loudness"] == qa["integrated"]
    assert item["loudness"] == pytest.approx(lufs(decode(mp3)), abs=0.5)  # measured by pyloudnorm, not by us


def test_the_listing_links_the_audio_and_the_script(studio):
    (item, _) = studio.client.get("/api/bulletins").json()
    audio = studio.client.get(item["audio"])
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/mpeg"
    assert audio.content == studio.file(studio.late, ".mp3").read_bytes() and mpeg(audio.content)
    chapters = studio.client.get(item["chapters"])
    assert chapters.json() == json.loads(studio.file(studio.late, ".chapters.json").read_text("utf-8"))
    script = studio.client.get(item["script"])
    assert script.status_code == 200 and script.headers["content-type"] == "application/json"
    assert script.content == studio.file(studio.late, ".json").read_bytes()
    assert script.headers["ETag"].startswith('"') and len(script.headers["ETag"]) > 10


def test_the_etag_names_the_script_as_it_is(studio):
    first, again = (studio.client.get(f"/api/bulletins/{studio.late}") for _ in range(2))
    other = studio.client.get(f"/api/bulletins/{studio.early}")
    assert first.headers["ETag"] == again.headers["ETag"] != other.headers["ETag"]


def test_a_bulletins_script_shows_its_text_as_written_beside_its_reading(studio):
    segments = studio.client.get(f"/api/bulletins/{studio.late}").json()["segments"]
    groningen = next(s for s in segments if s["place"] == "Groningen")
    assert "1200 bomen" in groningen["text"] and "twaalfhonderd bomen" in groningen["spoken"]
    utrecht = next(s for s in segments if s["place"] == "Utrecht")
    assert "3,5 km" in utrecht["text"] and "drie komma vijf kilometer" in utrecht["spoken"]


def test_openapi_documents_the_api(studio):
    schema = studio.client.get("/api/openapi.json")
    assert schema.status_code == 200
    assert set(schema.json()["paths"]) >= API_PATHS
    assert not any(path.startswith(("/files", "/corrections", "/login", "/b/")) for path in schema.json()["paths"])


# --- saving scripts --------------------------------------------------------------------------------


def test_a_save_over_the_loaded_version_is_the_new_script(studio):
    ident = studio.late
    loaded = studio.client.get(f"/api/bulletins/{ident}")
    script = loaded.json()
    lead_text(NEW_SENTENCE)(script)
    saved = studio.client.put(
        f"/api/bulletins/{ident}/script", content=json.dumps(script), headers={"If-Match": loaded.headers["ETag"]}
    )
    assert saved.status_code == 200, saved.text
    assert saved.headers["ETag"] != loaded.headers["ETag"]
    reread = studio.client.get(f"/api/bulletins/{ident}")
    assert reread.headers["ETag"] == saved.headers["ETag"] and reread.json() == saved.json()
    lead = next(s for s in reread.json()["segments"] if s["kind"] == "lead")
    assert lead["text"].endswith(NEW_SENTENCE)
    assert "written" not in lead and "spoken" in lead  # the text as written, and how it is read
    (version,) = studio.client.get(f"/api/bulletins/{ident}/versions").json()
    assert version["number"] == 1 and version["etag"] == saved.headers["ETag"]
    on_disk = json.loads((studio.versions_dir(ident) / "0001.json").read_text("utf-8"))
    assert on_disk == reread.json()
    assert studio.client.get("/api/bulletins").json()[0]["edited"] is True

    again = studio.save(ident, lead_text("Nog een zin."))
    assert again.status_code == 200
    assert [v["number"] for v in studio.client.get(f"/api/bulletins/{ident}/versions").json()] == [1, 2]
    first = studio.client.get(f"/api/bulletins/{ident}", params={"version": 1})
    assert first.status_code == 200 and first.json() == on_disk and first.headers["ETag"] == saved.headers["ETag"]
    assert studio.client.get(f"/api/bulletins/{ident}", params={"version": 3}).status_code == 404


def test_a_stale_save_is_refused_and_changes_nothing(studio):
    ident = studio.late
    stale = studio.client.get(f"/api/bulletins/{ident}").headers["ETag"]
    assert studio.save(ident, lead_text(NEW_SENTENCE)).status_code == 200
    newest = studio.versions_dir(ident) / "0001.json"
    kept = newest.read_bytes()
    refused = studio.client.put(
        f"/api/bulletins/{ident}/script",
        content=studio.edited(ident, lead_text("Andere zin.")),
        headers={"If-Match": stale},
    )
    assert refused.status_code == 412 and "reload" in refused.json()["detail"]
    assert newest.read_bytes() == kept
    assert sorted(p.name for p in studio.versions_dir(ident).glob("*.json")) == ["0001.json"]


def test_a_save_without_if_match_is_refused(studio):
    ident = studio.late
    refused = studio.client.put(f"/api/bulletins/{ident}/script", content=studio.edited(ident, lead_text("Zin.")))
    assert refused.status_code == 428 and "If-Match" in refused.json()["detail"]
    assert not studio.versions_dir(ident).exists()


def emptied(index: int):
    def change(script):
        script["segments"][index]["text"] = "  "

    return change


def typed(index: int):
    def change(script):
        script["segments"][index]["text"] = 42

    return change


@pytest.mark.parametrize(
    ("change", "named"),
    [(emptied(1), "segments[1]"), (emptied(2), "segments[2]"), (typed(3), "segments[3]")],
)
def test_an_invalid_script_is_refused_naming_the_segment(studio, change, named):
    ident = studio.late
    loaded = studio.client.get(f"/api/bulletins/{ident}")
    refused = studio.client.put(
        f"/api/bulletins/{ident}/script",
        content=studio.edited(ident, change),
        headers={"If-Match": loaded.headers["ETag"]},
    )
    assert refused.status_code == 422
    assert named in refused.json()["detail"]
    assert not studio.versions_dir(ident).exists()
    assert studio.client.get(f"/api/bulletins/{ident}").content == loaded.content


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"Goedemorgen.\n",
        b"[1, 2]",
        b"{",
        b'{"segments": "none"}',
        b"{\xff\xfe}",
        "{\udcff}".encode("utf-8", "surrogatepass"),
    ],
)
def test_what_is_no_script_is_refused(studio, body):
    ident = studio.late
    etag = studio.client.get(f"/api/bulletins/{ident}").headers["ETag"]
    refused = studio.client.put(f"/api/bulletins/{ident}/script", content=body, headers={"If-Match": etag})
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"]
    assert not studio.versions_dir(ident).exists()


def test_two_editors_never_overwrite_each_other(studio):
    ident = studio.late
    first, second = (studio.client.get(f"/api/bulletins/{ident}") for _ in range(2))
    scripts = []
    for loaded, sentence in ((first, "Eerste redacteur."), (second, "Tweede redacteur.")):
        script = loaded.json()
        lead_text(sentence)(script)
        scripts.append(json.dumps(script))
    won = studio.client.put(
        f"/api/bulletins/{ident}/script", content=scripts[0], headers={"If-Match": first.headers["ETag"]}
    )
    lost = studio.client.put(
        f"/api/bulletins/{ident}/script", content=scripts[1], headers={"If-Match": second.headers["ETag"]}
    )
    assert (won.status_code, lost.status_code) == (200, 412)
    text = studio.client.get(f"/api/bulletins/{ident}").text
    assert "Eerste redacteur." in text and "Tweede redacteur." not in text


# --- building -------------------------------------------------------------------------------------------


def test_a_rebuild_of_a_draft_replaces_it_in_place(studio):
    ident = studio.late
    mp3 = studio.file(ident, ".mp3")
    before, chapters_before = mp3.read_bytes(), studio.file(ident, ".chapters.json").read_text("utf-8")
    assert studio.save(ident, lead_text(NEW_SENTENCE)).status_code == 200
    built = studio.client.post(f"/api/bulletins/{ident}/build")
    assert built.status_code == 200, built.text
    assert built.json()["state"] == "draft" and built.json()["correction"] is None
    assert studio.state(ident) == "draft"
    assert mp3.read_bytes() != before and mpeg(mp3.read_bytes())
    chapters = json.loads(studio.file(ident, ".chapters.json").read_text("utf-8"))["chapters"]
    old = json.loads(chapters_before)["chapters"]
    assert len(chapters) == len(old) and chapters[1]["endTime"] > old[1]["endTime"]  # the lead got longer
    assert NEW_SENTENCE in json.dumps(json.loads(studio.file(ident, ".json").read_text("utf-8")), ensure_ascii=False)
    assert studio.client.get(f"/files/{ident}/{mp3.name}").content == mp3.read_bytes()
    assert not any((studio.out / ".studio").rglob("*.mp3"))  # a draft has no correction


def test_a_second_build_while_one_runs_is_refused(studio, monkeypatch):
    import bulletin.studio.desk as desk_module

    started, release = threading.Event(), threading.Event()
    real = desk_module.build_script

    def held(*args, **kwargs):
        started.set()
        assert release.wait(60), "the test never let the build go on"
        return real(*args, **kwargs)

    monkeypatch.setattr(desk_module, "build_script", held)
    ident = studio.late
    answers = []
    first = threading.Thread(target=lambda: answers.append(studio.client.post(f"/api/bulletins/{ident}/build")))
    first.start()
    try:
        assert started.wait(60), "the first build did not start"
        second = studio.client.post(f"/api/bulletins/{ident}/build")
        assert second.status_code == 409 and "running" in second.json()["detail"]
        assert studio.client.post(f"/api/bulletins/{ident}/approve").status_code == 409
        listed = {b["id"]: b["building"] for b in studio.client.get("/api/bulletins").json()}
        assert listed == {ident: True, studio.early: False}
        other = studio.client.get(f"/api/bulletins/{studio.early}")  # the desk still answers
        assert other.status_code == 200
    finally:
        release.set()
        first.join(120)
    (answer,) = answers
    assert answer.status_code == 200, answer.text
    assert studio.state(ident) == "draft"
    assert studio.client.post(f"/api/bulletins/{ident}/approve").status_code == 200
    assert studio.state(ident) == "approved"


# --- approving ------------------------------------------------------------------------------------------


def test_approving_a_draft_without_a_base_url_approves_it(studio):
    approved = studio.client.post(f"/api/bulletins/{studio.late}/approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "approved" and approved.json()["published"] is False
    assert studio.state(studio.late) == "approved" and studio.state(studio.early) == "draft"
    assert not (studio.out / "feed.xml").exists()


def test_approving_with_a_base_url_publishes_and_a_draft_stays_out_of_the_feed(tmp_path, template):
    from studio_desk import feed

    studio = open_studio(tmp_path, template, settings={"publish.base_url": BASE})
    approved = studio.client.post(f"/api/bulletins/{studio.early}/approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["published"] is True and approved.json()["state"] == "published"
    assert studio.state(studio.early) == "published" and studio.state(studio.late) == "draft"
    entries = feed(studio.out).entries
    assert [e.title for e in entries] == [studio.manifest(studio.early)["title"]]  # not the draft
    assert (studio.out / "latest.mp3").read_bytes() == studio.file(studio.early, ".mp3").read_bytes()

    assert studio.client.post(f"/api/bulletins/{studio.late}/approve").status_code == 200
    entries = feed(studio.out).entries
    assert [e.title for e in entries] == [studio.manifest(i)["title"] for i in (studio.late, studio.early)]
    assert (studio.out / "latest.mp3").read_bytes() == studio.file(studio.late, ".mp3").read_bytes()


def test_latest_is_the_newest_bulletin_that_may_go_on_air(studio):
    assert studio.client.get("/api/latest").status_code == 404
    assert studio.client.post(f"/api/bulletins/{studio.early}/approve").status_code == 200
    latest = studio.client.get("/api/latest")
    assert latest.status_code == 200 and latest.json()["id"] == studio.early
    assert studio.client.get(latest.json()["audio"]).content == studio.file(studio.early, ".mp3").read_bytes()
    assert studio.client.post(f"/api/bulletins/{studio.late}/approve").status_code == 200
    assert studio.client.get("/api/latest").json()["id"] == studio.late


# --- corrections ----------------------------------------------------------------------------------------


def correct(studio, ident: str) -> dict:
    """Save a changed script of the bulletin and build it: its listing, with the correction."""
    assert studio.save(ident, lead_text(NEW_SENTENCE)).status_code == 200
    built = studio.client.post(f"/api/bulletins/{ident}/build")
    assert built.status_code == 200, built.text
    return built.json()


def no_leftover(studio) -> bool:
    """Whether the corrections' folder holds nothing but (empty) day folders: no file, no temporary folder."""
    corrections = studio.out / ".studio" / "corrections"
    return {p.relative_to(corrections).as_posix() for p in corrections.rglob("*")} <= {"2026-11-27"}


def test_a_correction_of_a_bulletin_on_air_waits_beside_it(on_air):
    from studio_desk import feed

    studio, ident = on_air, on_air.late
    mp3, on_air_bytes = studio.file(ident, ".mp3"), studio.file(ident, ".mp3").read_bytes()
    feed_bytes, manifest = (studio.out / "feed.xml").read_bytes(), studio.manifest(ident)
    listing = correct(studio, ident)

    assert mp3.read_bytes() == on_air_bytes and studio.manifest(ident) == manifest
    assert (studio.out / "feed.xml").read_bytes() == feed_bytes
    assert (studio.out / "latest.mp3").read_bytes() == on_air_bytes
    assert listing["state"] == "published"
    pending = listing["correction"]
    assert pending is not None and pending["state"] == "draft" and pending["id"] == ident
    assert pending["audio"].startswith(f"/corrections/{ident}/")
    heard = studio.client.get(pending["audio"])
    assert heard.status_code == 200 and mpeg(heard.content) and heard.content != on_air_bytes
    assert studio.client.get(f"/api/bulletins/{ident}/details").json()["chapter_list"]
    assert studio.client.get("/api/bulletins").json()[0]["correction"]["audio"] == pending["audio"]
    assert len(feed(studio.out).entries) == 1


def test_approving_a_correction_puts_it_on_air_under_the_same_guid(on_air):
    from studio_desk import feed

    studio, ident = on_air, on_air.late
    guid = feed(studio.out).entries[0].id
    pending = correct(studio, ident)["correction"]
    corrected = studio.client.get(pending["audio"]).content

    approved = studio.client.post(f"/api/bulletins/{ident}/approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["correction"] is None and approved.json()["state"] == "published"
    mp3 = studio.file(ident, ".mp3")
    assert mp3.read_bytes() == corrected
    assert (studio.out / "latest.mp3").read_bytes() == corrected
    entries = feed(studio.out).entries
    assert [e.id for e in entries] == [guid]
    assert int(entries[0].enclosures[0].length) == mp3.stat().st_size
    assert no_leftover(studio)
    assert NEW_SENTENCE in studio.file(ident, ".txt").read_text("utf-8")


def test_a_correction_can_be_thrown_away(on_air):
    studio, ident = on_air, on_air.late
    on_air_bytes = studio.file(ident, ".mp3").read_bytes()
    assert studio.client.delete(f"/api/bulletins/{ident}/correction").status_code == 404
    pending = correct(studio, ident)["correction"]
    discarded = studio.client.delete(f"/api/bulletins/{ident}/correction")
    assert discarded.status_code == 200 and discarded.json()["correction"] is None
    assert studio.client.get(pending["audio"]).status_code == 404
    assert studio.file(ident, ".mp3").read_bytes() == on_air_bytes and studio.state(ident) == "published"
    assert no_leftover(studio)
    assert studio.client.delete(f"/api/bulletins/{ident}/correction").status_code == 404
    assert studio.client.get(f"/api/bulletins/{ident}/versions").json()  # the saved script stays


# --- hearing and preparing lines --------------------------------------------------------------------------


def prepared(studio, text: str, kind: str = "brief") -> dict:
    answer = studio.client.post("/api/prepare", json={"lines": [{"text": text, "kind": kind}]})
    assert answer.status_code == 200, answer.text
    (line,) = answer.json()
    return line


def test_prepare_shows_how_a_line_is_read(studio):
    spoken = studio.client.post(
        "/api/prepare",
        json={
            "lines": [
                {"text": "Het KNMI waarschuwt.", "kind": "brief"},
                {"text": "Om 12.00 uur.\n\n50+", "kind": "lead"},
            ]
        },
    )
    assert spoken.status_code == 200
    knmi, clock = spoken.json()
    assert "kaa-en-em-ie" in knmi["spoken"].lower() and "KNMI" not in knmi["spoken"]
    assert knmi["voice"] == "espeak-nl"
    assert "twaalf uur" in clock["spoken"] and clock["spoken"].count("\n") == 1
    assert not any(ch.isdigit() for ch in clock["spoken"])


@pytest.mark.parametrize(
    "body",
    [{"lines": []}, {"lines": [{"text": "x", "kind": "nosuch"}]}, {"text": "x"}, {"lines": [{"text": "x" * 50_000}]}],
)
def test_prepare_refuses_what_is_no_list_of_lines(studio, body):
    assert studio.client.post("/api/prepare", json=body).status_code == 422


def test_say_speaks_the_prepared_line(studio):
    line = prepared(studio, "Het KNMI waarschuwt voor gladheid.")
    said = studio.client.post("/api/say", json={"text": "Het KNMI waarschuwt voor gladheid."})
    assert said.status_code == 200, said.text
    assert said.headers["content-type"] == "audio/mpeg" and mpeg(said.content)
    assert unquote(said.headers["X-Spoken-Text"]) == line["spoken"]
    assert "kaa-en-em-ie" in unquote(said.headers["X-Spoken-Text"]).lower()
    assert said.headers["X-Voice"] == line["voice"]
    path = Path("zin.mp3")
    path.write_bytes(said.content)
    assert len(decode(path)) > 44100 * 0.5  # over half a second of speech, as ffmpeg decodes it


def test_say_raw_speaks_the_text_as_written(studio):
    said = studio.client.post("/api/say", json={"text": "KNMI", "raw": True})
    assert said.status_code == 200 and mpeg(said.content)
    assert unquote(said.headers["X-Spoken-Text"]) == "KNMI"


@pytest.mark.parametrize("body", [{"text": ""}, {"text": "x" * 2001}, {"text": "hallo", "kind": "nosuch"}, {}])
def test_say_refuses_what_is_no_line(studio, body):
    assert studio.client.post("/api/say", json=body).status_code == 422


def test_say_with_a_voice_there_is_none_of(studio):
    said = studio.client.post("/api/say", json={"text": "hallo", "voice": "nosuch"})
    assert said.status_code == 422 and "nosuch" in said.json()["detail"]


def test_say_of_nothing_speakable_is_one_line(studio):
    said = studio.client.post("/api/say", json={"text": "…  —"})
    assert said.status_code == 422 and "nothing to say" in said.json()["detail"]


# --- the user's lexicon -------------------------------------------------------------------------------


def test_a_saved_lexicon_is_read_by_every_line_after(studio, tmp_path):
    assert "Gouda" in prepared(studio, "Kaas uit Gouda.")["spoken"]
    loaded = studio.client.get("/api/lexicon")
    assert loaded.status_code == 200 and loaded.json() == {}
    saved = studio.client.put(
        "/api/lexicon", json={"words": {"Gouda": "Gauda"}}, headers={"If-Match": loaded.headers["ETag"]}
    )
    assert saved.status_code == 200, saved.text
    assert saved.json() == {"words": {"Gouda": "Gauda"}} and saved.headers["ETag"] != loaded.headers["ETag"]
    with (tmp_path / "lexicon.toml").open("rb") as file:
        assert tomllib.load(file) == {"words": {"Gouda": "Gauda"}}
    assert "Gauda" in prepared(studio, "Kaas uit Gouda.")["spoken"]
    assert "Gauda" in unquote(studio.client.post("/api/say", json={"text": "Gouda"}).headers["X-Spoken-Text"])
    reread = studio.client.get("/api/lexicon")
    assert reread.json() == saved.json() and reread.headers["ETag"] == saved.headers["ETag"]


def test_a_lexicon_with_acronyms_to_spell(studio, tmp_path):
    assert "Benelux" in prepared(studio, "De BENELUX vergadert.")["spoken"]
    etag = studio.client.get("/api/lexicon").headers["ETag"]
    tables = {"spell": {"acronyms": ["BENELUX"]}, "words": {"ASML": "Asml"}}
    saved = studio.client.put("/api/lexicon", json=tables, headers={"If-Match": etag})
    assert saved.status_code == 200, saved.text
    with (tmp_path / "lexicon.toml").open("rb") as file:
        assert tomllib.load(file) == tables
    assert "Benelux" not in prepared(studio, "De BENELUX vergadert.")["spoken"]
    assert "Asml" in prepared(studio, "ASML groeit.")["spoken"]


def test_a_stale_lexicon_save_is_refused(studio, tmp_path):
    stale = studio.client.get("/api/lexicon").headers["ETag"]
    assert (
        studio.client.put("/api/lexicon", json={"words": {"Gouda": "Gauda"}}, headers={"If-Match": stale}).status_code
        == 200
    )
    kept = (tmp_path / "lexicon.toml").read_bytes()
    refused = studio.client.put("/api/lexicon", json={"words": {"Gouda": "Goeda"}}, headers={"If-Match": stale})
    assert refused.status_code == 412
    assert (tmp_path / "lexicon.toml").read_bytes() == kept
    without = studio.client.put("/api/lexicon", json={"words": {"Gouda": "Goeda"}})
    assert without.status_code == 428 and (tmp_path / "lexicon.toml").read_bytes() == kept


@pytest.mark.parametrize(
    "body",
    [
        b'{"nosuch": {"a": "b"}}',
        b'{"words": {"Gouda": 1}}',
        b'{"words": ["Gouda", "Gauda"]}',
        b'{"words": {" ": "leeg"}}',
        b'{"spell": {"acronyms": "KNMI"}}',
        b'{"spell": ["KNMI"]}',
        b'[["words", "Gouda"]]',
        b'"words"',
        b"words = 1",
        b"",
    ],
)
def test_a_lexicon_that_is_no_lexicon_is_refused(studio, tmp_path, body):
    path = tmp_path / "lexicon.toml"
    path.write_text('[words]\n"Gouda" = "Gauda"\n', "utf-8")
    etag = studio.client.get("/api/lexicon").headers["ETag"]
    refused = studio.client.put("/api/lexicon", content=body, headers={"If-Match": etag})
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"].startswith("lexicon")
    assert path.read_text("utf-8") == '[words]\n"Gouda" = "Gauda"\n'
    assert "Gauda" in prepared(studio, "Kaas uit Gouda.")["spoken"]


# --- the failed runs ---------------------------------------------------------------------------------


def test_the_failed_runs_are_listed_newest_first(tmp_path, template):
    log = tmp_path / "runs.jsonl"
    records = [
        {"time": "2026-11-27T06:00:00+01:00", "status": "failed", "error": "cannot reach nos.nl", "exit": 4},
        {"time": "2026-11-27T07:00:00+01:00", "status": "built", "bulletin": "x"},
        "not json at all",
        {"time": "2026-11-27T08:00:00+01:00", "status": "failed", "error": "the page has no lead", "exit": 2},
    ]
    log.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), "utf-8")
    studio = open_studio(tmp_path, template, settings={"daily.log_file": str(log)})
    runs = studio.client.get("/api/runs")
    assert runs.status_code == 200
    assert runs.json() == [
        {"time": "2026-11-27T08:00:00+01:00", "error": "the page has no lead", "exit": 2},
        {"time": "2026-11-27T06:00:00+01:00", "error": "cannot reach nos.nl", "exit": 4},
    ]


def test_no_log_file_is_no_failed_runs(studio):
    runs = studio.client.get("/api/runs")
    assert runs.status_code == 200 and runs.json() == []


def test_the_picture_is_an_svg_of_the_bulletin(studio):
    picture = studio.client.get(f"/api/bulletins/{studio.late}/picture.svg")
    assert picture.status_code == 200 and picture.headers["content-type"].startswith("image/svg+xml")
    chapters = json.loads(studio.file(studio.late, ".chapters.json").read_text("utf-8"))["chapters"]
    assert picture.text.startswith("<svg") and picture.text.count('class="segment"') == len(chapters)
    assert (
        studio.client.get(f"/api/bulletins/{studio.late}/picture.svg", params={"correction": True}).status_code == 404
    )


# --- text that is no text --------------------------------------------------------------------------------

LONE = b"\\udc80"  # JSON's escape of a lone surrogate: valid JSON, no character, no UTF-8


def test_a_script_with_a_lone_surrogate_is_refused(studio):
    ident = studio.late
    loaded = studio.client.get(f"/api/bulletins/{ident}")
    body = loaded.content.replace(b"Den Helder en", b"Den Helder " + LONE + b" en", 1)
    assert body != loaded.content
    refused = studio.client.put(
        f"/api/bulletins/{ident}/script", content=body, headers={"If-Match": loaded.headers["ETag"]}
    )
    assert refused.status_code == 422 and "surrogate" in refused.json()["detail"]
    assert not studio.versions_dir(ident).exists()


def test_a_lexicon_with_a_lone_surrogate_is_refused(studio, tmp_path):
    etag = studio.client.get("/api/lexicon").headers["ETag"]
    body = b'{"words": {"Gouda": "Gau' + LONE + b'da"}}'
    refused = studio.client.put("/api/lexicon", content=body, headers={"If-Match": etag})
    assert refused.status_code == 422 and "surrogate" in refused.json()["detail"]
    assert not (tmp_path / "lexicon.toml").exists()


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/say", b'{"text": "hallo ' + LONE + b'"}'),
        ("/api/say", b'{"text": "hallo", "voice": "' + LONE + b'"}'),
        ("/api/prepare", b'{"lines": [{"text": "hallo ' + LONE + b'"}]}'),
        ("/api/prepare", b'{"lines": "' + LONE + b'"}'),
    ],
)
def test_a_line_with_a_lone_surrogate_is_refused(studio, path, body):
    refused = studio.client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert refused.status_code == 422
    assert refused.json()["detail"]
