"""The studio's web application: the JSON API (documented at ``/api/openapi.json``) and the
desk's pages, a client of that API, served from the package (no CDN, no build step)."""

from __future__ import annotations

import json
import tempfile
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Form, Header, HTTPException, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from bulletin import __version__
from bulletin.build.approval import Bulletin
from bulletin.build.say import say
from bulletin.casting.cast import choose_cast
from bulletin.config import Config
from bulletin.config import stages as cfg
from bulletin.core.errors import BulletinError, EngineError, LockedError, PublishError
from bulletin.core.model import SegmentKind
from bulletin.publish.episode import ON_AIR
from bulletin.studio.auth import LOOPBACK, Auth, host_names
from bulletin.studio.clips import MP3, segment_clip
from bulletin.studio.desk import Busy, Conflict, Desk, NotFound, etag
from bulletin.studio.picture import svg
from bulletin.studio.security import SESSION_COOKIE, SESSION_MAX_AGE_S, BodyLimit, Guard

PACKAGE = resources.files(__package__)
MAX_SAY_CHARS = 2000  # a line to try, not a bulletin
MAX_PREPARE_LINES = 1000  # a bulletin of [script] max_segments (250 by default) at once
JSON = "application/json"
NO_CACHE = {"Cache-Control": "no-cache"}  # a rebuild replaces a bulletin's files under the same names
FILE_HEADERS = {**NO_CACHE, "X-Content-Type-Options": "nosniff"}  # a transcript is text, never a page
# What our errors mean to an HTTP client, most specific first.
STATUS_OF = ((LockedError, 409), (EngineError, 503), (PublishError, 502), (BulletinError, 422))


class SayRequest(BaseModel):
    """A line to hear, by the voice of a segment of ``kind`` (or ``voice``): prepared with the
    voice's lexicons first, or as it is (``raw``)."""

    text: str = Field(min_length=1, max_length=MAX_SAY_CHARS)
    kind: SegmentKind = SegmentKind.BRIEF
    voice: str | None = Field(default=None, max_length=200)
    raw: bool = False


class Line(BaseModel):
    """Written text, to be read by the voice of a segment of ``kind``."""

    text: str = Field(max_length=20 * MAX_SAY_CHARS)
    kind: SegmentKind = SegmentKind.BRIEF


class PrepareRequest(BaseModel):
    """Lines to see as they will be read."""

    lines: list[Line] = Field(min_length=1, max_length=MAX_PREPARE_LINES)


def _guard(request: Request) -> Guard:
    guard: Guard = request.app.state.guard
    return guard


def _reading(request: Request) -> str:
    return _guard(request).reader(request)


def _writing(request: Request) -> str:
    return _guard(request).writer(request)


def _visiting(request: Request) -> str | None:
    return _guard(request).who(request)


# At module level: FastAPI resolves these annotations by name in this module.
Reader = Annotated[str, Depends(_reading)]
Writer = Annotated[str, Depends(_writing)]
Visitor = Annotated[str | None, Depends(_visiting)]
IfMatch = Annotated[str | None, Header()]


def _problem(status: int, message: Any) -> Response:
    """An error as JSON, ``{"detail": ...}``, in ASCII: it may quote what was sent, which may be
    no UTF-8 at all (a lone surrogate)."""
    return Response(json.dumps({"detail": message}, ensure_ascii=True), status_code=status, media_type=JSON)


def _chapter_list(desk: Desk, bulletin: Bulletin) -> list[dict[str, Any]]:
    return [{"startTime": c.start, "endTime": c.end, "title": c.title} for c in desk.chapters(bulletin)]


def _summary(desk: Desk, bulletin: Bulletin, files: str) -> dict[str, Any]:
    """What a bulletin (or a correction) is, and where its files are."""
    episode, stem = bulletin.episode, bulletin.folder.name
    qa = desk.qa(bulletin) or {}
    return {
        "id": bulletin.id,
        "title": episode.title,
        "at": episode.published.isoformat(),
        "state": episode.state,
        "duration": episode.duration,
        "loudness": qa.get("integrated"),
        "true_peak": qa.get("true_peak"),
        "profile": qa.get("profile"),
        "passed": qa.get("passed"),
        "audio": f"{files}{Path(episode.audio).name}",
        "media_type": episode.media_type,
        "chapters": f"{files}{stem}.chapters.json",
        "built_script": f"{files}{stem}.json",
    }


def _listing(desk: Desk, bulletin: Bulletin) -> dict[str, Any]:
    """A bulletin as the API lists it, with its correction waiting for approval, if any."""
    ident = bulletin.id
    pending = desk.correction(ident)
    return {
        **_summary(desk, bulletin, f"/files/{ident}/"),
        "script": f"/api/bulletins/{ident}",
        "picture": f"/api/bulletins/{ident}/picture.svg",
        "page": f"/b/{ident}",
        "edited": desk.edited(ident),
        "building": desk.is_building(ident),
        "correction": None
        if pending is None
        else {
            **_summary(desk, pending, f"/corrections/{ident}/"),
            "picture": f"/api/bulletins/{ident}/picture.svg?correction=true",
        },
    }


def make_app(config: Config, auth: Auth, *, host: str) -> FastAPI:
    """The studio for ``config``'s output folder, as reached at ``host``."""
    desk = Desk(config)
    studio = config.settings.studio
    guard = Guard(auth, host in LOOPBACK, studio.https)
    templates = Jinja2Templates(directory=str(PACKAGE / "templates"))  # autoescaped: news text shows as text
    app = FastAPI(
        title="bulletin studio",
        version=__version__,
        openapi_url="/api/openapi.json",
        docs_url=None,  # its page loads Swagger UI from a CDN; the studio serves only its own files
        redoc_url=None,
        description="The newsroom's desk: review, fix and approve bulletins before they air.",
    )
    app.state.guard = guard

    @app.exception_handler(NotFound)
    async def not_found(_request: Request, exc: NotFound) -> Response:
        return _problem(404, str(exc))

    @app.exception_handler(Busy)
    async def busy(_request: Request, exc: Busy) -> Response:
        return _problem(409, f"a build of {exc} is running; try again when it is done")

    @app.exception_handler(Conflict)
    async def conflict(_request: Request, exc: Conflict) -> Response:
        return _problem(412, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> Response:
        return _problem(422, jsonable_encoder(exc.errors()))  # FastAPI's own answer, as _problem writes it

    @app.exception_handler(OSError)
    async def cannot(_request: Request, exc: OSError) -> Response:
        # A read-only or full disk, a file taken away: one line saying which, as the command line does.
        where = f" ({exc.filename})" if exc.filename else ""
        return _problem(500, f"{exc.strerror or exc}{where}; check the output folder and the disk")

    @app.exception_handler(BulletinError)
    async def failed(_request: Request, exc: BulletinError) -> Response:
        return _problem(next(status for kind, status in STATUS_OF if isinstance(exc, kind)), str(exc))

    # --- the API ------------------------------------------------------------------------------

    @app.get("/api/bulletins", tags=["bulletins"])
    def list_bulletins(_who: Reader) -> list[dict[str, Any]]:
        """Every bulletin, newest first: id, title, time, state, length, loudness, links, and the
        correction waiting for approval, if any."""
        return [_listing(desk, b) for b in desk.bulletins()]

    @app.get("/api/latest", tags=["bulletins"])
    def latest(_who: Reader) -> dict[str, Any]:
        """The newest bulletin that may go on air (approved or published): for playout."""
        on_air = next((b for b in desk.bulletins() if b.episode.state in ON_AIR), None)
        if on_air is None:
            raise HTTPException(404, "no approved bulletin yet")
        return _listing(desk, on_air)

    @app.get("/api/bulletins/{day}/{stem}", tags=["bulletins"])
    def get_script(day: str, stem: str, _who: Reader, version: int | None = None) -> Response:
        """The bulletin's script, as `bulletin script --format json` writes it, with its ETag: the
        newest saved version (or `version`), else the one it was built from."""
        data = desk.script(f"{day}/{stem}", version)
        return Response(data, media_type=JSON, headers={"ETag": etag(data), **NO_CACHE})

    @app.put("/api/bulletins/{day}/{stem}/script", tags=["bulletins"])
    async def put_script(day: str, stem: str, request: Request, _who: Writer, if_match: IfMatch = None) -> Response:
        """Save a new version of the script, checked as `build` checks a script (422 naming
        `segments[N].text`), over the version named by `If-Match` (412 when another save came
        first, and nothing changes; 428 without it)."""
        if if_match is None:
            return _problem(428, "send If-Match: the ETag of the script you edited")
        saved = await run_in_threadpool(desk.save, f"{day}/{stem}", await request.body(), if_match)
        return Response(saved, media_type=JSON, headers={"ETag": etag(saved)})

    @app.get("/api/bulletins/{day}/{stem}/versions", tags=["bulletins"])
    def list_versions(day: str, stem: str, _who: Reader) -> list[dict[str, Any]]:
        """The saved versions of the script, oldest first (GET the script with `?version=N`)."""
        return [
            {"number": v.number, "saved": v.saved.isoformat(timespec="seconds"), "etag": v.etag}
            for v in desk.versions(f"{day}/{stem}")
        ]

    @app.get("/api/bulletins/{day}/{stem}/details", tags=["bulletins"])
    def details(day: str, stem: str, _who: Reader) -> dict[str, Any]:
        """The bulletin as the desk shows it (its correction's, when one waits): the listing,
        chapters, QA report, and the voice of each kind of segment."""
        ident = f"{day}/{stem}"
        shown = desk.shown(ident)
        cast = choose_cast(cfg.voice_choice(config)).cast
        return {
            **_listing(desk, desk.bulletin(ident)),
            "chapter_list": _chapter_list(desk, shown),
            "qa": desk.qa(shown),
            "heard": desk.heard(ident),
            "voices": {kind.value: cast.voice(kind).name for kind in SegmentKind},
        }

    @app.post("/api/bulletins/{day}/{stem}/build", tags=["bulletins"])
    def rebuild(day: str, stem: str, _who: Writer) -> dict[str, Any]:
        """Build the bulletin again from its newest script (what did not change comes from the
        cache), as a draft; one that may be on air gets a correction, which replaces it when
        approved. 409 while a build of it runs."""
        ident = f"{day}/{stem}"
        result = desk.rebuild(ident)
        return {
            **_listing(desk, desk.bulletin(ident)),
            "segments": result.speech.segments,
            "synthesised": result.speech.synthesised,
            "seconds": round(result.seconds_taken, 1),
        }

    @app.delete("/api/bulletins/{day}/{stem}/correction", tags=["bulletins"])
    def discard(day: str, stem: str, _who: Writer) -> dict[str, Any]:
        """Throw away the correction waiting for approval; what is on air stays (404 if none)."""
        ident = f"{day}/{stem}"
        if not desk.discard_correction(ident):
            raise NotFound(f"{ident} has no correction waiting")
        return _listing(desk, desk.bulletin(ident))

    @app.post("/api/bulletins/{day}/{stem}/approve", tags=["bulletins"])
    def approve(day: str, stem: str, _who: Writer, if_match: IfMatch = None) -> dict[str, Any]:
        """Approve the bulletin (or its waiting correction) for air and publish as `bulletin
        publish` does: the folder, and the configured bucket. With `If-Match` (`heard` in the
        details), only if that is still what there is to hear (412 after a rebuild meanwhile)."""
        ident = f"{day}/{stem}"
        approved = desk.approve(ident, if_match)
        return {**_listing(desk, approved.bulletin), "published": approved.published is not None}

    @app.get("/api/bulletins/{day}/{stem}/picture.svg", tags=["bulletins"], response_class=Response)
    def picture(day: str, stem: str, _who: Reader, correction: bool = False) -> Response:
        """Loudness over time, with the segments and the profile's target (of the correction)."""
        shown = desk.shown(f"{day}/{stem}", correction)
        target = (desk.qa(shown) or {}).get("target_lufs")
        drawn = svg(desk.audio(shown), desk.chapters(shown), target if isinstance(target, int | float) else None)
        return Response(drawn, media_type="image/svg+xml", headers=NO_CACHE)

    @app.get("/api/bulletins/{day}/{stem}/segments/{number}.mp3", tags=["bulletins"], response_class=Response)
    def segment_audio(day: str, stem: str, number: int, _who: Reader, correction: bool = False) -> Response:
        """Segment `number` (1 for the first chapter) of the bulletin (of its correction) as audio
        of its own: the mastered sound, cut at its chapter's times."""
        shown = desk.shown(f"{day}/{stem}", correction)
        chapters = desk.chapters(shown)
        if not 1 <= number <= len(chapters):
            raise NotFound(f"{shown.id} has segments 1 to {len(chapters)}, not {number}")
        chapter = chapters[number - 1]
        clip = segment_clip(desk.audio(shown), shown.episode.media_type, chapter.start, chapter.end)
        return Response(clip, media_type=MP3, headers=NO_CACHE)

    @app.post("/api/say", tags=["speech"], response_class=Response)
    def say_line(line: SayRequest, _who: Writer) -> Response:
        """Speak a line and return the MP3, to try a reading: by the voice of a segment of `kind`,
        read exactly as a build reads such a segment (so the rebuild takes it from the cache), or
        by `voice`; `raw` speaks it as it is. The text as spoken is in `X-Spoken-Text`
        (percent-encoded)."""
        voice = line.voice or (config.settings.voice.anchor if line.kind.is_anchor else None)
        spoken_config = config.override({"voice.newsreader": voice}) if voice else config
        text, raw = line.text, line.raw
        if not raw and line.voice is None:
            text, raw = desk.reader()(line.kind, line.text), True
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "zin.mp3"
            said = say(text, spoken_config, path, raw=raw)
            return Response(
                path.read_bytes(),
                media_type="audio/mpeg",
                headers={"X-Spoken-Text": quote(said.text), "X-Voice": said.voice},
            )

    @app.post("/api/prepare", tags=["speech"])
    def prepare(asked: PrepareRequest, _who: Reader) -> list[dict[str, str]]:
        """Each line as the voice of its segment's kind will read it (the voice's lexicons, then the
        user's): what the editor sees as "kaa-en-em-ie", and what a rebuild speaks."""
        cast = choose_cast(cfg.voice_choice(config)).cast
        reading = desk.reader()
        return [{"spoken": reading(line.kind, line.text), "voice": cast.voice(line.kind).name} for line in asked.lines]

    @app.get("/api/lexicon", tags=["lexicon"])
    def get_lexicon(_who: Reader) -> Response:
        """The user's lexicon (`[voice] lexicon`): its tables as JSON, with an ETag."""
        data = desk.lexicon()
        return Response(data, media_type=JSON, headers={"ETag": etag(data), **NO_CACHE})

    @app.put("/api/lexicon", tags=["lexicon"])
    async def put_lexicon(request: Request, _who: Writer, if_match: IfMatch = None) -> Response:
        """Save the user's lexicon (all its tables) over the version named by `If-Match` (412 when
        another save came first); checked as bulletin reads lexicons (422)."""
        if if_match is None:
            return _problem(428, "send If-Match: the ETag of the lexicon you edited")
        saved = await run_in_threadpool(desk.save_lexicon, await request.body(), if_match)
        return Response(saved, media_type=JSON, headers={"ETag": etag(saved)})

    @app.get("/api/runs", tags=["desk"])
    def failed_runs(_who: Reader) -> list[dict[str, Any]]:
        """The failed `daily` runs in `[daily] log_file`, newest first, each with its reason."""
        return desk.failed_runs()

    # --- the bulletins' own files, read only ------------------------------------------------------

    @app.api_route("/files/{day}/{stem}/{name}", methods=["GET", "HEAD"], include_in_schema=False)
    def bulletin_file(day: str, stem: str, name: str, _who: Reader) -> FileResponse:
        return FileResponse(desk.file(f"{day}/{stem}", name), headers=FILE_HEADERS)

    @app.api_route("/corrections/{day}/{stem}/{name}", methods=["GET", "HEAD"], include_in_schema=False)
    def correction_file(day: str, stem: str, name: str, _who: Reader) -> FileResponse:
        return FileResponse(desk.file(f"{day}/{stem}", name, of_correction=True), headers=FILE_HEADERS)

    # --- pages --------------------------------------------------------------------------------

    def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(
            request,
            template,
            {
                "csrf": guard.csrf_token(request),
                "logged_in": guard.who(request) == "session",
                "protected": auth.password is not None,
                "version": __version__,
                "show": config.settings.show.title,
                **context,
            },
            status_code=status,
        )

    @app.get("/", include_in_schema=False, response_model=None)
    def desk_page(request: Request, who: Visitor) -> Response:
        if who is None:
            return RedirectResponse("/login", status_code=303)
        return page(request, "desk.html")

    @app.get("/b/{day}/{stem}", include_in_schema=False, response_model=None)
    def bulletin_page(day: str, stem: str, request: Request, who: Visitor) -> Response:
        if who is None:
            return RedirectResponse("/login", status_code=303)
        try:
            ident = desk.bulletin(f"{day}/{stem}").id
        except NotFound:
            return page(request, "missing.html", status=404)
        return page(request, "bulletin.html", ident=ident)

    @app.get("/login", include_in_schema=False)
    def login_page(request: Request) -> HTMLResponse:
        return page(request, "login.html", failed=False)

    @app.post("/login", include_in_schema=False, response_model=None)
    def login(
        request: Request,
        password: Annotated[str, Form(max_length=1000)],
        csrf: Annotated[str, Form(max_length=200)],
    ) -> Response:
        guard.check_origin(request)
        guard.check_csrf(request, csrf)
        address = request.client.host if request.client else "?"  # the client's own, behind a proxy too
        if not guard.logins.attempt(address):
            return page(request, "login.html", status=429, limited=True)
        auth.refresh()  # a password set while the studio runs
        if not auth.check_password(password):
            return page(request, "login.html", status=401, failed=True)
        guard.logins.succeeded(address)
        guard.log_in(request)
        return RedirectResponse("/", status_code=303)

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, _who: Writer) -> dict[str, str]:
        guard.log_out(request)
        return {"detail": "logged out"}

    app.mount("/static", StaticFiles(directory=str(PACKAGE / "static")), name="static")

    # Only the names the studio is reached by are answered: no DNS rebinding onto a local studio.
    allowed = [f"[{name}]" if ":" in name else name for name in host_names(host, studio.allowed_hosts)]
    app.add_middleware(
        SessionMiddleware,
        secret_key=auth.secret,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE_S,
        same_site="strict",
        https_only=studio.https,
    )
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed)
    app.add_middleware(BodyLimit)
    return app
