"""What an editor hears is what goes on air: the reading the page shows is the one the rebuild
speaks, an approval approves only what was heard, and a draft never replaces a bulletin on
air. Also the edges a hostile trial found: sidecars and versions behind symlinks, a script for
another moment, read-only tokens, logging out, giant numbers, a disk that refuses to write."""

from __future__ import annotations

import errno
import json
import socket
import threading
from pathlib import Path
from urllib.parse import unquote

import pytest

from bulletin.studio.auth import Auth, host_names
from bulletin.studio.security import LOGIN_TRIES, LoginLimiter
from studio_desk import BASE, PASSWORD, csrf_of, login_csrf_of, open_studio, two_drafts

WORDS = "Den Helder.\nHet KNMI meldt 12,5 mm regen bij de veerhaven."


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return two_drafts(tmp_path_factory)


@pytest.fixture
def studio(tmp_path, template):
    return open_studio(tmp_path, template)


def lead(script: dict) -> dict:
    return next(s for s in script["segments"] if s["kind"] == "lead")


def write_lead(words: str):
    """A change as the page makes it: the lead's words (its text as written) replaced."""

    def change(script: dict) -> None:
        lead(script)["text"] = words

    return change


def spoken(studio, words: str, kind: str = "lead") -> str:
    answer = studio.client.post("/api/prepare", json={"lines": [{"text": words, "kind": kind}]})
    assert answer.status_code == 200, answer.text
    return answer.json()[0]["spoken"]


def built_script(studio, ident: str) -> dict:
    return json.loads(studio.file(ident, ".json").read_text("utf-8"))


# --- the reading shown is the reading built -----------------------------------------------------------


def test_the_reading_the_page_shows_is_the_one_the_rebuild_speaks(studio):
    ident = studio.late
    assert studio.client.post(f"/api/bulletins/{ident}/build").status_code == 200  # this test's cache, warm
    shown = spoken(studio, WORDS)
    assert "kaa-en-em-ie" in shown.lower() and "twaalf komma vijf millimeter" in shown
    saved = studio.save(ident, write_lead(WORDS))
    assert saved.status_code == 200, saved.text
    assert lead(saved.json())["spoken"] == shown and lead(saved.json())["text"] == WORDS

    # "Beluister wijziging" speaks exactly that, so the rebuild takes it from the cache.
    heard = studio.client.post("/api/say", json={"text": WORDS, "kind": "lead"})
    assert unquote(heard.headers["X-Spoken-Text"]) == shown
    rebuilt = studio.client.post(f"/api/bulletins/{ident}/build")
    assert rebuilt.status_code == 200, rebuilt.text
    assert lead(built_script(studio, ident))["spoken"] == shown
    assert lead(built_script(studio, ident))["text"] == WORDS
    assert "Het KNMI meldt 12,5 mm regen" in studio.file(ident, ".txt").read_text("utf-8")  # as written
    assert rebuilt.json()["synthesised"] == 0  # the changed lead was heard: the rebuild has it already


def test_a_client_that_sends_a_stale_reading_gets_its_text_read(studio):
    """``spoken`` is information: the studio reads the text again, whatever a client sends in it."""
    ident = studio.late

    def change(script: dict) -> None:
        lead(script)["text"] = "Het KNMI waarschuwt."
        lead(script)["spoken"] = "Iets anders."

    saved = studio.save(ident, change)
    assert saved.status_code == 200, saved.text
    assert lead(saved.json())["text"] == "Het KNMI waarschuwt."
    assert lead(saved.json())["spoken"] == spoken(studio, "Het KNMI waarschuwt.")


def test_a_client_that_sends_a_version_1_script_gets_it_saved_as_the_current_version(studio):
    """A client of the older API: the spoken text in "text", the written one in "written". Its
    changed text is read (its stale written form dropped), and the script saved as version 2."""
    ident = studio.late
    built = studio.client.get(f"/api/bulletins/{ident}").json()

    def change(script: dict) -> None:
        script["version"] = 1
        script["segments"] = [
            {**{k: v for k, v in s.items() if k not in ("text", "spoken")}, "text": s["spoken"], "written": s["text"]}
            for s in script["segments"]
        ]
        lead(script)["text"] = "Het kaa-en-em-ie waarschuwt."  # the spoken text changed, the written form not

    saved = studio.save(ident, change)
    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == 2 and all("written" not in s for s in saved.json()["segments"])
    assert lead(saved.json())["text"] == "Het kaa-en-em-ie waarschuwt."
    assert [s["text"] for s in saved.json()["segments"] if s["kind"] != "lead"] == [
        s["text"] for s in built["segments"] if s["kind"] != "lead"
    ]  # the others as written, as they were


def test_a_word_saved_to_the_lexicon_is_read_by_the_next_rebuild(studio, tmp_path):
    ident = studio.late
    before = len(studio.client.get(f"/api/bulletins/{ident}/versions").json())
    lexicon = studio.client.get("/api/lexicon")
    saved = studio.client.put(
        "/api/lexicon", json={"words": {"Texel": "Tessel"}}, headers={"If-Match": lexicon.headers["ETag"]}
    )
    assert saved.status_code == 200, saved.text
    rebuilt = studio.client.post(f"/api/bulletins/{ident}/build")
    assert rebuilt.status_code == 200, rebuilt.text
    reading = lead(built_script(studio, ident))
    assert "Tessel" in reading["spoken"] and "Texel" not in reading["spoken"] and "Texel" in reading["text"]
    assert rebuilt.json()["synthesised"] >= 1
    assert len(studio.client.get(f"/api/bulletins/{ident}/versions").json()) == before + 1  # the new reading


def test_saving_the_same_script_again_makes_no_version(studio):
    ident = studio.late
    assert studio.save(ident, write_lead(WORDS)).status_code == 200
    again = studio.save(ident, write_lead(WORDS))
    assert again.status_code == 200
    assert len(studio.client.get(f"/api/bulletins/{ident}/versions").json()) == 1


@pytest.mark.parametrize(
    ("key", "value"),
    [("at", "2026-11-27T09:15:00+01:00"), ("section", "Buitenland")],
)
def test_a_script_for_another_moment_or_section_is_another_bulletin(studio, key, value):
    ident = studio.late
    answer = studio.save(ident, lambda script: script.update({key: value}))
    assert answer.status_code == 422 and answer.json()["detail"].startswith(f"script: {key}:")
    assert "bulletin build" in answer.json()["detail"]
    assert not studio.versions_dir(ident).exists()
    assert studio.client.post(f"/api/bulletins/{ident}/build").status_code == 200


# --- approving only what was heard ---------------------------------------------------------------------


def test_an_approval_of_what_was_not_heard_is_refused(studio):
    ident = studio.late
    heard = studio.client.get(f"/api/bulletins/{ident}/details").json()["heard"]
    assert (
        studio.save(ident, write_lead("Den Helder.\nEen gerucht dat niemand heeft gecontroleerd.")).status_code == 200
    )
    assert studio.client.post(f"/api/bulletins/{ident}/build").status_code == 200  # another editor, meanwhile
    stale = studio.client.post(f"/api/bulletins/{ident}/approve", headers={"If-Match": heard})
    assert stale.status_code == 412 and "listen to it again" in stale.json()["detail"]
    assert studio.state(ident) == "draft"
    now = studio.client.get(f"/api/bulletins/{ident}/details").json()["heard"]
    assert now != heard
    assert studio.client.post(f"/api/bulletins/{ident}/approve", headers={"If-Match": now}).status_code == 200
    assert studio.state(ident) == "approved"


def test_an_approval_while_a_rebuild_runs_waits_its_turn(studio, monkeypatch):
    """A rebuild and an approval of one bulletin never interleave: the approval is refused while
    the rebuild runs, and the draft the rebuild makes is still a draft afterwards."""
    import bulletin.studio.desk as desk_module

    started, release = threading.Event(), threading.Event()
    real = desk_module.build_script

    def held(*args, **kwargs):
        started.set()
        assert release.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(desk_module, "build_script", held)
    ident, answers = studio.late, []
    worker = threading.Thread(target=lambda: answers.append(studio.client.post(f"/api/bulletins/{ident}/build")))
    worker.start()
    try:
        assert started.wait(60)
        refused = studio.client.post(f"/api/bulletins/{ident}/approve")
        assert refused.status_code == 409
    finally:
        release.set()
        worker.join(120)
    assert answers[0].status_code == 200 and studio.state(ident) == "draft"


def test_approved_but_not_published_says_so(tmp_path, template, monkeypatch):
    for name, value in {
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "y",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_MAX_ATTEMPTS": "1",
    }.items():
        monkeypatch.setenv(name, value)  # a bucket whose endpoint does not answer
    studio = open_studio(tmp_path, template, settings={"publish.base_url": BASE, "publish.target": "s3://nieuws/"})
    answer = studio.client.post(f"/api/bulletins/{studio.late}/approve")
    assert answer.status_code == 502 and "\n" not in answer.json()["detail"]
    assert studio.state(studio.late) != "draft"  # approved here; the page reloads and says it was not published


# --- what the studio reads and writes -------------------------------------------------------------------


def test_sidecars_and_versions_behind_symlinks_are_not_read(studio, tmp_path):
    ident = studio.late
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"integrated": -99.0, "chapters": [{"title": "GEHEIM"}]}), "utf-8")
    qa = studio.file(ident, ".qa.json")
    qa.unlink()
    qa.symlink_to(secret)
    listing = studio.client.get("/api/bulletins")
    assert listing.status_code == 200
    assert {b["id"]: b["loudness"] for b in listing.json()}[ident] is None
    assert "GEHEIM" not in studio.client.get(f"/api/bulletins/{ident}/details").text

    versions = studio.versions_dir(ident)
    versions.mkdir(parents=True)
    (versions / "0001.json").symlink_to(secret)
    assert studio.client.get(f"/api/bulletins/{ident}/versions").json() == []
    assert studio.client.get(f"/api/bulletins/{ident}?version=1").status_code == 404
    assert studio.client.get(f"/api/bulletins/{ident}").content == studio.file(ident, ".json").read_bytes()


def test_a_sidecar_that_is_no_json_is_left_out(studio):
    ident = studio.late
    studio.file(ident, ".qa.json").write_text("{ half", "utf-8")
    studio.file(ident, ".chapters.json").write_text("[]", "utf-8")
    assert studio.client.get("/api/bulletins").status_code == 200
    details = studio.client.get(f"/api/bulletins/{ident}/details").json()
    assert details["qa"] is None and details["chapter_list"] == []


def test_a_disk_that_refuses_to_write_is_one_line(studio, monkeypatch):
    import bulletin.studio.desk as desk_module

    def refused(path, text):
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(desk_module, "write_text", refused)
    answer = studio.save(studio.late, write_lead(WORDS))
    assert answer.status_code == 500
    detail = answer.json()["detail"]
    assert detail.startswith("Read-only file system (") and "\n" not in detail


@pytest.mark.parametrize("text", ["9" * 2000, "1" * 5000, "Rekening 12345678901234567890."])
def test_a_giant_number_is_read_digit_by_digit(studio, text):
    answer = studio.client.post("/api/prepare", json={"lines": [{"text": text}]})
    assert answer.status_code == 200
    assert answer.json()[0]["spoken"].count(" ") >= 15


def test_a_script_nested_past_reason_is_refused(studio):
    ident = studio.late
    etag = studio.client.get(f"/api/bulletins/{ident}").headers["ETag"]
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    answer = studio.client.put(f"/api/bulletins/{ident}/script", content=deep, headers={"If-Match": etag})
    assert answer.status_code == 422


def test_a_bulletins_files_answer_head_requests(studio):
    ident = studio.late
    mp3 = studio.file(ident, ".mp3")
    answer = studio.client.head(f"/files/{ident}/{mp3.name}")
    assert answer.status_code == 200 and int(answer.headers["content-length"]) == mp3.stat().st_size


# --- who may do what --------------------------------------------------------------------------------------


def test_a_read_only_token_fetches_but_changes_nothing(tmp_path, template):
    auth = Auth.load(tmp_path / "auth.json")
    token = auth.new_token("playout", read_only=True)
    studio = open_studio(tmp_path, template, auth=auth)
    bearer = {"Authorization": f"Bearer {token}"}
    approve = studio.client.post(f"/api/bulletins/{studio.late}/approve")
    assert approve.status_code == 401
    assert studio.client.get("/api/bulletins", headers=bearer).status_code == 200
    refused = studio.client.post(f"/api/bulletins/{studio.late}/approve", headers=bearer)
    assert refused.status_code == 403 and "may only read" in refused.json()["detail"]
    assert studio.state(studio.late) == "draft"
    writer = auth.new_token("redactie")
    assert studio.client.post(f"/api/bulletins/{studio.late}/approve", headers={"Authorization": f"Bearer {writer}"})


def test_logging_out_ends_the_session_for_every_copy_of_its_cookie(tmp_path, template):
    auth = Auth.load(tmp_path / "auth.json")
    auth.set_password(PASSWORD)
    studio = open_studio(tmp_path, template, auth=auth)
    csrf = login_csrf_of(studio.client.get("/login").text)
    studio.client.post("/login", data={"password": PASSWORD, "csrf": csrf}, follow_redirects=False)
    cookie = studio.client.cookies.get("bulletin_studio")
    page = studio.client.get("/")
    assert studio.client.post("/logout", headers={"X-CSRF-Token": csrf_of(page.text)}).status_code == 200
    studio.client.cookies.set("bulletin_studio", cookie)  # a copy kept from before the logout
    assert studio.client.get("/api/bulletins").status_code == 401


def test_logins_sent_at_once_are_counted_before_they_are_checked():
    limiter = LoginLimiter()
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(limiter.attempt("203.0.113.9"))) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == LOGIN_TRIES
    limiter.succeeded("203.0.113.9")
    assert limiter.attempt("203.0.113.9")


def test_a_studio_on_every_address_answers_to_this_machines_name():
    names = host_names("0.0.0.0", ["studio.lan"])
    assert {socket.gethostname(), "studio.lan", "127.0.0.1", "localhost"} <= set(names)
    assert "0.0.0.0" not in names
    assert host_names("127.0.0.1", []) == sorted({"127.0.0.1", "::1", "localhost"})


def test_the_openapi_document_is_served_and_no_page_from_a_cdn(studio):
    assert studio.client.get("/api/openapi.json").status_code == 200
    assert studio.client.get("/api/docs").status_code == 404
    for path in ("/", f"/b/{studio.late}"):
        assert "http" not in "".join(line for line in studio.client.get(path).text.splitlines() if "src=" in line)


def test_draft_audio_is_not_served_by_bulletin_serve(studio):
    """`bulletin serve` (like a web server on the folder) is what listeners reach: no draft there."""
    import urllib.error
    import urllib.request

    from bulletin.publish.server import make_server

    server = make_server(studio.out, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        ident = studio.late
        mp3 = studio.file(ident, ".mp3").relative_to(studio.out).as_posix()
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + mp3)
        assert refused.value.code == 404
        assert studio.client.post(f"/api/bulletins/{ident}/approve").status_code == 200
        with urllib.request.urlopen(base + mp3) as answer:
            assert answer.read() == Path(studio.out / mp3).read_bytes()
    finally:
        server.shutdown()
        server.server_close()
