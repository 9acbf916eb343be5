"""Who may reach the studio and what they may do: another site's page, another host name, the
page without its CSRF token, a client without a password or token, hostile ids and file names,
oversized bodies, news text with markup in it, and the command line that sets it all up."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import stat
import threading
from pathlib import Path

import pytest

from bulletin.studio.app import make_app
from bulletin.studio.auth import Auth, default_path
from bulletin.studio.security import LOGIN_TRIES, MAX_BODY_BYTES
from conftest import PAGES, run, wait_until
from studio_desk import (
    HOST,
    LATE,
    PASSWORD,
    build_template,
    csrf_of,
    lead_text,
    login_csrf_of,
    open_studio,
    two_drafts,
)

EVIL = "http://evil.example"
XSS = "<script>alert(1)</script>"
SECRET = "not-for-the-studio-4242"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return two_drafts(tmp_path_factory)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A draft whose headline is markup (a scraped page may say anything)."""
    pages = tmp_path_factory.mktemp("pages")
    lines = (PAGES / "kort.txt").read_text("utf-8").splitlines()
    (pages / "kort.txt").write_text("\n".join([XSS, *lines[1:]]) + "\n", "utf-8")
    return build_template(tmp_path_factory, [(pages / "kort.txt", LATE)])


@pytest.fixture
def studio(tmp_path, template):
    return open_studio(tmp_path, template)


def protected_auth(tmp_path: Path) -> Auth:
    auth = Auth.load(tmp_path / "auth.json")
    auth.set_password(PASSWORD)
    return auth


def writes(studio) -> list[tuple[str, str, dict]]:
    """Every request that changes something, as (method, path, request arguments)."""
    ident = studio.late
    script = studio.client.get(f"/api/bulletins/{ident}")
    edited = studio.edited(ident, lead_text("Een zin van elders."))
    lexicon = studio.client.get("/api/lexicon").headers["ETag"]
    return [
        ("PUT", f"/api/bulletins/{ident}/script", {"content": edited, "headers": {"If-Match": script.headers["ETag"]}}),
        ("POST", f"/api/bulletins/{ident}/build", {}),
        ("POST", f"/api/bulletins/{ident}/approve", {}),
        ("DELETE", f"/api/bulletins/{ident}/correction", {}),
        ("PUT", "/api/lexicon", {"json": {"words": {"Gouda": "Gauda"}}, "headers": {"If-Match": lexicon}}),
        ("POST", "/api/say", {"json": {"text": "hallo"}}),
        ("POST", "/logout", {}),
    ]


def snapshot(studio) -> dict[str, bytes]:
    """Every file of the output folder and the lexicon, by path."""
    files = {p.relative_to(studio.out).as_posix(): p.read_bytes() for p in studio.out.rglob("*") if p.is_file()}
    lexicon = Path(studio.config.settings.voice.lexicon)
    return {**files, "lexicon": lexicon.read_bytes() if lexicon.exists() else b""}


# --- another site ------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", [{"Origin": EVIL}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}])
def test_a_request_from_another_site_changes_nothing(studio, header):
    before = snapshot(studio)
    for method, path, arguments in writes(studio):
        headers = {**arguments.pop("headers", {}), **header}
        refused = studio.client.request(method, path, headers=headers, **arguments)
        assert refused.status_code == 403, (method, path, refused.text)
        assert "another site" in refused.json()["detail"]
    assert snapshot(studio) == before
    assert studio.state(studio.late) == "draft"


def test_a_request_from_the_studio_itself_is_let_through(studio):
    approved = studio.client.post(f"/api/bulletins/{studio.late}/approve", headers={"Origin": "http://127.0.0.1:8642"})
    assert approved.status_code == 200 and studio.state(studio.late) == "approved"


def test_a_login_from_another_site_is_refused(tmp_path, template):
    studio = open_studio(tmp_path, template, auth=protected_auth(tmp_path))
    csrf = login_csrf_of(studio.client.get("/login").text)
    refused = studio.client.post(
        "/login", data={"password": PASSWORD, "csrf": csrf}, headers={"Origin": EVIL}, follow_redirects=False
    )
    assert refused.status_code == 403
    assert studio.client.get("/api/bulletins").status_code == 401


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("evil.example", 400),
        ("127.0.0.1.evil.example", 400),
        ("localhost.evil.example:8642", 400),
        ("evil.example:8642", 400),
        ("127.0.0.1:8642", 200),
        ("localhost:8642", 200),
        ("[::1]:8642", 200),
    ],
)
def test_only_the_studios_own_host_names_are_answered(studio, host, status):
    assert studio.client.get("/api/bulletins", headers={"Host": host}).status_code == status
    # not even a write gets as far as the desk
    answer = studio.client.post(f"/api/bulletins/{studio.late}/approve", headers={"Host": host})
    assert answer.status_code == status
    assert studio.state(studio.late) == ("approved" if status == 200 else "draft")


# --- the page's CSRF token -------------------------------------------------------------------------------


def test_the_page_writes_only_with_its_csrf_token(studio):
    page = studio.client.get("/")
    assert page.status_code == 200 and studio.client.cookies.get("bulletin_studio")
    cookie = page.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    token = csrf_of(page.text)
    ident = studio.late
    for sent in ({}, {"X-CSRF-Token": "not-the-token"}, {"X-CSRF-Token": ""}):
        refused = studio.client.post(f"/api/bulletins/{ident}/approve", headers=sent)
        assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert studio.state(ident) == "draft"
    assert studio.client.get("/api/bulletins").status_code == 200  # reading needs no token
    approved = studio.client.post(f"/api/bulletins/{ident}/approve", headers={"X-CSRF-Token": token})
    assert approved.status_code == 200 and studio.state(ident) == "approved"


def test_a_token_of_another_session_is_refused(tmp_path, template):
    studio = open_studio(tmp_path, template)
    other = open_studio(tmp_path / "other", template)
    theirs = csrf_of(other.client.get("/").text)
    csrf_of(studio.client.get("/").text)
    refused = studio.client.post(f"/api/bulletins/{studio.late}/approve", headers={"X-CSRF-Token": theirs})
    assert refused.status_code == 403 and studio.state(studio.late) == "draft"


def test_a_local_script_without_a_cookie_needs_no_token(studio):
    approved = studio.client.post(f"/api/bulletins/{studio.late}/approve")
    assert approved.status_code == 200 and studio.state(studio.late) == "approved"


# --- passwords and tokens ------------------------------------------------------------------------------


def test_with_a_password_every_request_says_who_it_is(tmp_path, template):
    auth = protected_auth(tmp_path)
    token = auth.new_token("playout")
    studio = open_studio(tmp_path, template, auth=auth)
    ident = studio.late
    for method, path in [
        ("GET", "/api/bulletins"),
        ("GET", f"/api/bulletins/{ident}"),
        ("GET", f"/files/{ident}/{studio.file(ident, '.mp3').name}"),
        ("GET", "/api/lexicon"),
        ("POST", f"/api/bulletins/{ident}/approve"),
    ]:
        refused = studio.client.request(method, path)
        assert refused.status_code == 401, (method, path)
        assert refused.headers["WWW-Authenticate"] == "Bearer"
        wrong = studio.client.request(method, path, headers={"Authorization": "Bearer not-a-token"})
        assert wrong.status_code == 401, (method, path)
    assert studio.state(ident) == "draft"
    bearer = {"Authorization": f"Bearer {token}"}
    assert studio.client.get("/api/bulletins", headers=bearer).status_code == 200
    audio = studio.client.get(f"/files/{ident}/{studio.file(ident, '.mp3').name}", headers=bearer)
    assert audio.content == studio.file(ident, ".mp3").read_bytes()
    assert studio.client.post(f"/api/bulletins/{ident}/approve", headers=bearer).status_code == 200
    assert studio.state(ident) == "approved"
    page = studio.client.get("/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login"


def test_a_password_is_asked_on_loopback_too(tmp_path, template):
    studio = open_studio(tmp_path, template, auth=protected_auth(tmp_path))
    assert studio.client.get("/api/bulletins").status_code == 401


def test_a_login_gives_a_session(tmp_path, template):
    studio = open_studio(tmp_path, template, auth=protected_auth(tmp_path))
    login = studio.client.get("/login")
    assert login.status_code == 200
    refused = studio.client.post("/login", data={"password": PASSWORD}, follow_redirects=False)
    assert refused.status_code == 422  # no CSRF field
    no_token = studio.client.post("/login", data={"password": PASSWORD, "csrf": "guess"}, follow_redirects=False)
    assert no_token.status_code == 403
    wrong = studio.client.post("/login", data={"password": "not the password", "csrf": login_csrf_of(login.text)})
    assert wrong.status_code == 401 and "klopt niet" in wrong.text
    assert studio.client.get("/api/bulletins").status_code == 401

    logged_in = studio.client.post(
        "/login", data={"password": PASSWORD, "csrf": login_csrf_of(login.text)}, follow_redirects=False
    )
    assert logged_in.status_code == 303 and logged_in.headers["location"] == "/"
    assert studio.client.get("/api/bulletins").status_code == 200
    page = studio.client.get("/")
    assert page.status_code == 200
    ident = studio.late
    assert studio.client.post(f"/api/bulletins/{ident}/approve").status_code == 403  # the page's token, still
    approved = studio.client.post(f"/api/bulletins/{ident}/approve", headers={"X-CSRF-Token": csrf_of(page.text)})
    assert approved.status_code == 200 and studio.state(ident) == "approved"

    out = studio.client.post("/logout", headers={"X-CSRF-Token": csrf_of(page.text)})
    assert out.status_code == 200
    assert studio.client.get("/api/bulletins").status_code == 401


def test_a_session_from_before_the_login_is_not_kept(tmp_path, template):
    """No session fixation: the cookie a visitor had before logging in does not become logged in."""
    studio = open_studio(tmp_path, template, auth=protected_auth(tmp_path))
    login = studio.client.get("/login")
    before = studio.client.cookies.get("bulletin_studio")
    studio.client.post("/login", data={"password": PASSWORD, "csrf": login_csrf_of(login.text)}, follow_redirects=False)
    after = studio.client.cookies.get("bulletin_studio")
    assert before and after and before != after
    stranger = open_studio(tmp_path / "stranger", template, auth=studio.auth)
    stranger.client.cookies.set("bulletin_studio", before)
    assert stranger.client.get("/api/bulletins").status_code == 401


def test_failed_logins_are_limited(tmp_path, template):
    studio = open_studio(tmp_path, template, auth=protected_auth(tmp_path))
    csrf = login_csrf_of(studio.client.get("/login").text)
    for _ in range(LOGIN_TRIES):
        assert studio.client.post("/login", data={"password": "wrong password", "csrf": csrf}).status_code == 401
    limited = studio.client.post("/login", data={"password": PASSWORD, "csrf": csrf}, follow_redirects=False)
    assert limited.status_code == 429 and "Te veel mislukte pogingen" in limited.text
    assert studio.client.get("/api/bulletins").status_code == 401


# --- bodies ------------------------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_refused(studio):
    ident = studio.late
    loaded = studio.client.get(f"/api/bulletins/{ident}")
    script = loaded.json()
    lead_text("x" * (MAX_BODY_BYTES + 1))(script)
    big = json.dumps(script).encode()
    declared = studio.client.put(
        f"/api/bulletins/{ident}/script", content=big, headers={"If-Match": loaded.headers["ETag"]}
    )
    assert declared.status_code == 413
    streamed = studio.client.put(
        f"/api/bulletins/{ident}/script",
        content=(big[i : i + 65536] for i in range(0, len(big), 65536)),
        headers={"If-Match": loaded.headers["ETag"]},
    )
    assert streamed.status_code == 413
    assert studio.client.post("/api/prepare", content=b"[" + b" " * MAX_BODY_BYTES + b"]").status_code == 413
    assert not studio.versions_dir(ident).exists()
    lexicon = studio.client.get("/api/lexicon").headers["ETag"]
    huge = {"words": {f"w{i}": "x" * 100 for i in range(MAX_BODY_BYTES // 100)}}
    assert studio.client.put("/api/lexicon", json=huge, headers={"If-Match": lexicon}).status_code == 413
    assert not Path(studio.config.settings.voice.lexicon).exists()


def test_a_streamed_body_over_the_limit_is_refused_by_the_real_server(studio):
    """Over a socket, chunked, without Content-Length: the server counts what arrives."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((HOST, 0))
    sock.listen(8)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(studio.client.app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        assert wait_until(lambda: server.started, "the studio listening")
        ident = studio.late
        etag = studio.client.get(f"/api/bulletins/{ident}").headers["ETag"]
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        chunk = b"x" * 65536
        connection.putrequest("PUT", f"/api/bulletins/{ident}/script", skip_host=True)
        connection.putheader("Host", f"{HOST}:{port}")
        connection.putheader("If-Match", etag)
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        try:
            for _ in range(MAX_BODY_BYTES // len(chunk) + 2):
                connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            connection.send(b"0\r\n\r\n")
        except OSError:
            pass  # the server may answer and close before the whole body is sent
        answer = connection.getresponse()
        assert answer.status == 413
        connection.close()
        assert not studio.versions_dir(ident).exists()
    finally:
        server.should_exit = True
        thread.join(60)
        sock.close()


# --- ids and file names ----------------------------------------------------------------------------------

ODD_IDS = [
    "..%2F..",
    "..%2F../etc",
    "2026-11-27/..%2e",
    "2026-11-27/%2e%2e",
    "%2e%2e/%2e%2e",
    "2026-11-27/.studio",
    ".studio/versions",
    "2026-11-27/NIEUWSBULLETIN-BINNENLAND-0815",
    "2026-11-27/nieuwsbulletin-binnenland-0815%00",
    "2026-11-27/nieuwsbulletin-binnenland-0815%0A",
    "2026-11-27/-x",
    "2026-11-27/" + "a" * 200,
    "2026-1-27/nieuwsbulletin-binnenland-0815",
    "%D9%A2%D9%A0%D9%A2%D9%A6-%D9%A1%D9%A1-%D9%A2%D9%A7/nieuwsbulletin-binnenland-0815",  # Arabic-Indic digits
    "2026-11-27/nieuwsbulletin-binnenland-0815%2F..",
]


@pytest.mark.parametrize("ident", ODD_IDS)
def test_an_id_that_names_no_bulletin_is_not_found(studio, ident):
    assert studio.client.get(f"/api/bulletins/{ident}").status_code == 404
    assert studio.client.get(f"/api/bulletins/{ident}/versions").status_code == 404
    assert studio.client.get(f"/files/{ident}/x.mp3").status_code == 404
    assert studio.client.post(f"/api/bulletins/{ident}/approve").status_code == 404
    assert studio.client.post(f"/api/bulletins/{ident}/build").status_code == 404
    assert studio.client.get(f"/b/{ident}").status_code == 404
    assert studio.state(studio.late) == "draft"


def symlinked(studio, tmp_path: Path, *, moved: bool = False) -> str:
    """A bulletin folder that is a symlink (in a day folder of its own) to a copy elsewhere; its id.
    A ``moved`` copy's manifest names its files where the symlink is, as if built there."""
    folder = studio.folder(studio.late)
    elsewhere = tmp_path / "elsewhere" / folder.name
    shutil.copytree(folder, elsewhere)
    if moved:
        manifest = elsewhere / f"{folder.name}.episode.json"
        manifest.write_text(manifest.read_text("utf-8").replace("2026-11-27/", "2026-11-28/"), "utf-8")
    day = studio.out / "2026-11-28"
    day.mkdir()
    (day / folder.name).symlink_to(elsewhere)
    return f"2026-11-28/{folder.name}"


@pytest.mark.parametrize("moved", [False, True])
def test_a_symlinked_bulletin_folder_is_not_found(studio, tmp_path, moved):
    ident = symlinked(studio, tmp_path, moved=moved)
    name = studio.file(studio.late, ".mp3").name
    assert studio.client.get(f"/api/bulletins/{ident}").status_code == 404
    assert studio.client.get(f"/files/{ident}/{name}").status_code == 404
    assert studio.client.post(f"/api/bulletins/{ident}/approve").status_code == 404
    assert studio.client.post(f"/api/bulletins/{ident}/build").status_code == 404
    (manifest,) = (tmp_path / "elsewhere").rglob("*.episode.json")
    assert json.loads(manifest.read_text("utf-8"))["state"] == "draft"


@pytest.mark.parametrize("moved", [False, True])
def test_the_listing_leaves_out_what_it_cannot_name(studio, tmp_path, moved):
    symlinked(studio, tmp_path, moved=moved)
    listed = studio.client.get("/api/bulletins")
    assert listed.status_code == 200
    assert sorted(b["id"] for b in listed.json()) == sorted([studio.early, studio.late])
    assert studio.client.get("/api/latest").status_code == 404


def test_a_symlinked_day_folder_is_not_found(studio, tmp_path):
    (tmp_path / "days").mkdir()
    shutil.copytree(studio.out / "2026-11-27", tmp_path / "days" / "2026-11-27")
    (studio.out / "2026-11-29").symlink_to(tmp_path / "days" / "2026-11-27")
    ident = f"2026-11-29/{studio.folder(studio.late).name}"
    assert studio.client.get(f"/api/bulletins/{ident}").status_code == 404
    assert studio.client.post(f"/api/bulletins/{ident}/approve").status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "..%2F..%2Fbulletin.toml",
        "%2e%2e",
        "secret.toml",
        "{stem}",
        "{stem}.",
        "{stem}.mp3%2F..%2F..%2F..%2Fbulletin.toml",
        "{stem}.linked",
        ".{stem}.mp3",
    ],
)
def test_a_file_name_that_names_no_file_of_the_bulletin_is_not_found(studio, name):
    ident, folder = studio.late, studio.folder(studio.late)
    for path in (studio.out / "bulletin.toml", folder / "secret.toml", folder / f".{folder.name}.mp3"):
        path.write_text(f"password = {SECRET!r}\n", "utf-8")
    (folder / f"{folder.name}.linked").symlink_to(studio.out / "bulletin.toml")
    answer = studio.client.get(f"/files/{ident}/{name.format(stem=folder.name)}")
    assert answer.status_code == 404 and SECRET.encode() not in answer.content
    assert studio.client.get(f"/files/{ident}/{folder.name}.episode.json").status_code == 200


def test_the_studios_own_files_are_not_served(studio):
    assert studio.save(studio.late, lead_text("Een zin.")).status_code == 200
    for path in (
        "/files/.studio/versions/0001.json",
        f"/files/.studio/versions/{studio.late}",
        "/static/..%2Fapp.py",
        "/static/..%2F..%2Fbulletin.toml",
    ):
        assert studio.client.get(path).status_code == 404, path


# --- news text with markup ----------------------------------------------------------------------------------


def test_markup_in_the_news_is_text_everywhere(tmp_path, hostile):
    studio = open_studio(tmp_path, hostile)
    ident = studio.late
    script = studio.client.get(f"/api/bulletins/{ident}")
    assert script.headers["content-type"] == "application/json"
    lead = next(s for s in script.json()["segments"] if s["kind"] == "lead")
    assert lead["title"] == XSS
    details = studio.client.get(f"/api/bulletins/{ident}/details")
    assert XSS in [c["title"] for c in details.json()["chapter_list"]]
    for path in ("/", f"/b/{ident}", f"/api/bulletins/{ident}/picture.svg", "/login"):
        page = studio.client.get(path)
        assert page.status_code == 200, path
        assert "<script>alert(1)" not in page.text, path
    picture = studio.client.get(f"/api/bulletins/{ident}/picture.svg").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in picture
    transcript = studio.client.get(f"/files/{ident}/{studio.folder(ident).name}.txt")
    assert transcript.headers["content-type"].startswith("text/plain")
    assert transcript.headers.get("x-content-type-options") == "nosniff"


# --- the command line --------------------------------------------------------------------------------------


def one_line(text: str) -> bool:
    return text.count("\n") == 1 and text.endswith("\n")


def test_listening_beyond_this_machine_needs_a_password_or_a_token(tmp_path):
    result = run("studio", "--host", "0.0.0.0", "-o", tmp_path / "out")
    assert result.exit_code == 1 and one_line(result.stderr)
    assert "set a password" in result.stderr
    assert result.stdout == ""


def studio_config(tmp_path: Path) -> Path:
    config = tmp_path / "bulletin.toml"
    config.write_text(f'[output]\ndir = "out"\n[studio]\nauth_file = "{tmp_path / "keys" / "auth.json"}"\n', "utf-8")
    return config


def test_a_password_set_while_the_studio_runs_is_asked_at_once(runner, tmp_path, template):
    from bulletin.cli import cli

    config = studio_config(tmp_path)
    path = tmp_path / "keys" / "auth.json"
    studio = open_studio(tmp_path / "desk", template, auth=Auth.load(path))
    assert studio.client.get("/api/bulletins").status_code == 200  # an open desk on loopback
    result = runner.invoke(
        cli, ["studio", "--config", str(config), "--set-password"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.stderr
    assert studio.client.get("/api/bulletins").status_code == 401
    assert studio.client.post(f"/api/bulletins/{studio.late}/approve").status_code == 401
    login = login_csrf_of(studio.client.get("/login").text)
    logged_in = studio.client.post("/login", data={"password": PASSWORD, "csrf": login}, follow_redirects=False)
    assert logged_in.status_code == 303
    assert studio.client.get("/api/bulletins").status_code == 200
    path.unlink()  # a studio whose auth file is gone keeps asking
    studio.client.cookies.clear()
    assert studio.client.get("/api/bulletins").status_code == 401


def test_a_new_token_authenticates_until_it_is_revoked(tmp_path, template):
    config = studio_config(tmp_path)
    made = run("studio", "--config", config, "--new-token", "playout")
    assert made.exit_code == 0, made.stderr
    token = made.stdout.strip()
    assert len(token) >= 32 and "\n" not in token and "shown only now" in made.stderr
    path = tmp_path / "keys" / "auth.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert token not in path.read_text("utf-8")  # kept as a hash only

    studio = open_studio(tmp_path / "desk", template, auth=Auth.load(path))
    bearer = {"Authorization": f"Bearer {token}"}
    assert studio.client.get("/api/bulletins", headers=bearer).status_code == 200
    assert studio.client.get("/api/bulletins").status_code == 401  # a token protects the loopback desk too

    revoked = run("studio", "--config", config, "--revoke-token", "playout")
    assert revoked.exit_code == 0, revoked.stderr
    assert studio.client.get("/api/bulletins", headers=bearer).status_code == 401  # the running studio, too
    fresh = make_app(studio.config, Auth.load(path), host=HOST)
    from fastapi.testclient import TestClient

    assert TestClient(fresh, base_url="http://127.0.0.1:8642").get("/api/bulletins", headers=bearer).status_code == 401


def test_revoking_a_token_that_is_not_there_is_one_line(tmp_path):
    config = studio_config(tmp_path)
    assert run("studio", "--config", config, "--new-token", "cms-1").exit_code == 0
    result = run("studio", "--config", config, "--revoke-token", "nosuch")
    assert result.exit_code == 1 and one_line(result.stderr)
    assert "nosuch" in result.stderr and "cms-1" in result.stderr


@pytest.mark.parametrize("name", ["", "-x", "a b", "../x", "x" * 65, "playout\n"])
def test_a_token_name_is_a_plain_name(tmp_path, name):
    result = run("studio", "--config", studio_config(tmp_path), "--new-token", name)
    assert result.exit_code != 0 and one_line(result.stderr)
    assert not (tmp_path / "keys" / "auth.json").exists() or not Auth.load(tmp_path / "keys" / "auth.json").tokens


def test_the_password_is_set_from_the_command_line(runner, tmp_path):
    from bulletin.cli import cli

    result = runner.invoke(
        cli, ["studio", "-o", str(tmp_path / "out"), "--set-password"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.stderr
    path = default_path()
    assert path.is_relative_to(Path(os.environ["XDG_CONFIG_HOME"]))
    assert str(path) in result.stdout
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert PASSWORD not in path.read_text("utf-8")
    auth = Auth.load(path)
    assert auth.check_password(PASSWORD) and not auth.check_password(PASSWORD + "!")


def test_a_short_password_is_refused(runner, tmp_path):
    from bulletin.cli import cli

    result = runner.invoke(cli, ["studio", "-o", str(tmp_path / "out"), "--set-password"], input="kort\nkort\n")
    assert result.exit_code == 1 and "at least" in result.stderr
    assert not default_path().exists() or Auth.load(default_path()).password is None


def test_a_new_password_ends_the_sessions_of_the_old_one(tmp_path, template):
    auth = protected_auth(tmp_path)
    studio = open_studio(tmp_path, template, auth=auth)
    csrf = login_csrf_of(studio.client.get("/login").text)
    studio.client.post("/login", data={"password": PASSWORD, "csrf": csrf}, follow_redirects=False)
    assert studio.client.get("/api/bulletins").status_code == 200
    Auth.load(auth.path).set_password("another long password")  # as --set-password does, elsewhere
    assert studio.client.get("/api/bulletins").status_code == 401


@pytest.mark.parametrize(
    "studio_section",
    ['allowed_hosts = ["studio.example.org"]', "https = true"],
)
def test_a_studio_set_up_for_a_proxy_needs_a_password(tmp_path, studio_section):
    config = tmp_path / "bulletin.toml"
    config.write_text(f'[output]\ndir = "out"\n[studio]\n{studio_section}\n', "utf-8")
    result = run("studio", "--config", config)
    assert result.exit_code == 1 and one_line(result.stderr)
    assert "through a proxy" in result.stderr and "--set-password" in result.stderr


@pytest.mark.parametrize(
    "headers",
    [{"X-Forwarded-For": "203.0.113.9"}, {"Forwarded": "for=203.0.113.9"}, {"X-Real-IP": "203.0.113.9"}],
)
def test_a_request_a_proxy_forwarded_is_not_from_this_machine(studio, headers):
    """An open desk on loopback is open to this machine only: a proxy in front of it (even one
    that keeps the Host 127.0.0.1) brings requests from elsewhere, which must say who they are."""
    assert studio.client.get("/api/bulletins").status_code == 200
    assert studio.client.get("/api/bulletins", headers=headers).status_code == 401
    before = snapshot(studio)
    assert studio.client.post(f"/api/bulletins/{studio.late}/approve", headers=headers).status_code == 401
    assert snapshot(studio) == before
