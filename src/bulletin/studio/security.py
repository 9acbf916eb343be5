"""The studio decides what goes on air, so every request is asked who sends it.

- On loopback without a password or token the desk is open to a request made on this
  machine, like a terminal: one to a loopback name that no proxy forwarded. Anything else (and
  everything, as soon as a password or token is set) needs a session (after a login with the
  password) or ``Authorization: Bearer TOKEN``.
- Every state-changing request from the page carries the session's CSRF token; a request whose
  ``Origin`` (or ``Sec-Fetch-Site``) says it comes from another site is refused outright, so a
  web page open in the editor's browser cannot edit or approve through a local studio.
- Only the studio's own host names are answered (no DNS rebinding), bodies are capped and
  failed logins are rate-limited.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import HTTPException, Request

from bulletin.studio.auth import LOOPBACK, Auth

SESSION_COOKIE = "bulletin_studio"
SESSION_MAX_AGE_S = 12 * 3600  # a working day at the desk
CSRF_HEADER = "X-CSRF-Token"
CSRF_KEY = "csrf"
USER_KEY = "user"  # the password a session logged in with (Auth.session_mark)
SESSION_KEY = "sid"  # which login it is: logging out ends it
MAX_BODY_BYTES = 2_000_000  # a script or a lexicon is a few kilobytes
LOGIN_TRIES, LOGIN_WINDOW_S = 5, 300.0  # failed logins from one address within the window
# A request that carries one of these came through a proxy: from beyond this machine, whatever its Host.
FORWARDED = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip")
BEARER = "bearer "
TOKEN_WHO = "token:"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyLimit:
    """Refuses a request body larger than ``limit`` bytes (413), declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(send, self.limit)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise HTTPException(413, f"the request body is over {self.limit} bytes")
            return message

        await self.app(scope, counted, send)


async def _too_large(send: Send, limit: int) -> None:
    body = f'{{"detail": "the request body is over {limit} bytes"}}'.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class LoginLimiter:
    """At most ``LOGIN_TRIES`` logins per address within ``LOGIN_WINDOW_S`` that did not succeed:
    a try is counted before its password is checked, so tries sent at once are counted too."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.tries: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def attempt(self, address: str) -> bool:
        """Count a try from ``address``; False (and not counted) when it has had its tries."""
        with self.lock:
            recent = self.tries.setdefault(address, deque())
            while recent and self.clock() - recent[0] > LOGIN_WINDOW_S:
                recent.popleft()
            if len(recent) >= LOGIN_TRIES:
                return False
            recent.append(self.clock())
            return True

    def succeeded(self, address: str) -> None:
        """A try from ``address`` was right: its count starts again."""
        with self.lock:
            self.tries.pop(address, None)


def _made_here(request: Request) -> bool:
    """Whether the request was made on this machine: to a loopback name, through no proxy."""
    host = request.headers.get("host", "").rsplit(":", 1)[0].strip("[]")
    return host in LOOPBACK and not any(name in request.headers for name in FORWARDED)


class Guard:
    """Who a request is, and whether it may read or change anything."""

    def __init__(self, auth: Auth, open_on_loopback: bool, https: bool) -> None:
        self.auth, self.loopback, self.https = auth, open_on_loopback, https
        self.logins = LoginLimiter()
        # The logins that have not logged out; kept here, so a copy of a cookie is worth nothing
        # after its logout (and every session ends when the studio restarts).
        self.sessions: set[str] = set()
        self.sessions_lock = threading.Lock()

    @property
    def open(self) -> bool:
        """Whether the desk is open to whoever reaches it: on loopback, with no password or token set."""
        return self.loopback and not self.auth.protected

    def who(self, request: Request) -> str | None:
        """``token:NAME``, ``session`` (logged in), ``local`` (an open desk) or None."""
        self.auth.refresh()  # a token revoked, or a password set, while the studio runs
        header = request.headers.get("authorization", "")
        if header.lower().startswith(BEARER):
            name = self.auth.token_name(header[len(BEARER) :].strip())
            return f"{TOKEN_WHO}{name}" if name else None
        mark, current = request.session.get(USER_KEY), self.auth.session_mark
        if isinstance(mark, str) and current is not None and hmac.compare_digest(mark, current) and self._live(request):
            return "session"  # logged in with the password as it is now, and not logged out
        return "local" if self.open and _made_here(request) else None

    def _live(self, request: Request) -> bool:
        with self.sessions_lock:
            return request.session.get(SESSION_KEY) in self.sessions

    def log_in(self, request: Request) -> None:
        """Start a new session for ``request`` (a new one: no fixation), logged in with the password."""
        request.session.clear()
        session = secrets.token_urlsafe(32)
        with self.sessions_lock:
            self.sessions.add(session)
        request.session.update({SESSION_KEY: session, USER_KEY: self.auth.session_mark})
        self.csrf_token(request)

    def log_out(self, request: Request) -> None:
        """End the request's session, here and in its cookie."""
        with self.sessions_lock:
            self.sessions.discard(request.session.get(SESSION_KEY))
        request.session.clear()

    def may_write(self, who: str) -> None:
        """Refuse (403) a read-only API token a change."""
        name = who.removeprefix(TOKEN_WHO)
        if who.startswith(TOKEN_WHO) and name in self.auth.read_only:
            raise HTTPException(403, f"the API token {name!r} may only read (made with --read-only)")

    def own_origin(self, request: Request) -> str:
        """Where the studio is, as a browser names it (the Host it was reached by)."""
        scheme = "https" if self.https else request.url.scheme
        return f"{scheme}://{request.headers.get('host', '')}"

    def csrf_token(self, request: Request) -> str:
        """The session's CSRF token (made when first asked for: a page carries it)."""
        token = request.session.get(CSRF_KEY)
        if not isinstance(token, str):
            token = request.session[CSRF_KEY] = secrets.token_urlsafe(32)
        return token

    def check_origin(self, request: Request) -> None:
        """Refuse (403) a request another site's page sent."""
        origin = request.headers.get("origin")
        if origin is not None and origin != self.own_origin(request):
            raise HTTPException(403, "refused: the request comes from another site")
        if request.headers.get("sec-fetch-site") == "cross-site":
            raise HTTPException(403, "refused: the request comes from another site")

    def check_csrf(self, request: Request, given: str | None) -> None:
        """Refuse (403) a state-changing request of the page without its session's CSRF token."""
        kept = request.session.get(CSRF_KEY)
        if not given or not isinstance(kept, str) or not hmac.compare_digest(given, kept):
            raise HTTPException(403, "refused: the page's CSRF token is missing or wrong; reload the page")

    def reader(self, request: Request) -> str:
        """A request that may read: anyone known (401 otherwise)."""
        who = self.who(request)
        if who is None:
            raise HTTPException(
                401, "log in, or send Authorization: Bearer TOKEN", headers={"WWW-Authenticate": "Bearer"}
            )
        return who

    def writer(self, request: Request) -> str:
        """A request that may change something: known, from this site, and (from the page) with
        its CSRF token. An API client with a token needs no CSRF token; neither does a local
        client that sends no cookie (a script on this machine)."""
        self.check_origin(request)
        who = self.reader(request)
        if who.startswith(TOKEN_WHO):
            self.may_write(who)
            return who
        if who == "session" or SESSION_COOKIE in request.cookies:
            self.check_csrf(request, request.headers.get(CSRF_HEADER))
        return who
