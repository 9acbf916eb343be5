"""Starting the studio: who may reach it is settled before it listens."""

from __future__ import annotations

import errno
import logging
import re
import socket
from collections.abc import Callable
from pathlib import Path

from bulletin.build.outputs import corrections_root
from bulletin.config import Config
from bulletin.config.schema import StudioSection
from bulletin.core.errors import ConfigError
from bulletin.publish import OUTPUT_DEPTH
from bulletin.storage.sweep import sweep
from bulletin.studio.auth import LOOPBACK, WILDCARD, Auth, default_path, host_names
from bulletin.studio.desk import STUDIO_DEPTH, Desk

log = logging.getLogger(__name__)
BACKLOG = 64
TOKEN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")  # "playout", "cms-1": said in messages, kept in a file


def auth_path(config: Config) -> Path:
    """Where the password's hash, the API tokens and the session secret are kept."""
    configured = config.settings.studio.auth_file
    return Path(configured) if configured else default_path()


def set_password(config: Config, password: str) -> Path:
    """Keep ``password`` (as a salted scrypt hash) for the studio; the auth file's path."""
    auth = Auth.load(auth_path(config))
    auth.set_password(password)
    return auth.path


def new_token(config: Config, name: str, *, read_only: bool = False) -> str:
    """A new API token called ``name`` (replacing one of that name); shown once, kept as a hash.
    A ``read_only`` one may fetch bulletins (playout) and change nothing."""
    if not TOKEN_NAME.fullmatch(name):
        raise ConfigError(f"{name!r} is no token name; use letters, digits, '-', '_' or '.', such as playout.")
    return Auth.load(auth_path(config)).new_token(name, read_only=read_only)


def revoke_token(config: Config, name: str) -> None:
    """Forget the API token called ``name``: requests with it are refused from now on."""
    auth = Auth.load(auth_path(config))
    if not auth.revoke_token(name):
        known = ", ".join(sorted(auth.tokens)) or "none"
        raise ConfigError(f"no API token called {name!r} (there are: {known}).")


def check_exposure(studio: StudioSection, auth: Auth) -> None:
    """Refuse to listen beyond this machine, or behind a proxy, while nobody would be asked who
    they are."""
    if auth.protected:
        return
    if studio.host not in LOOPBACK:
        raise ConfigError(
            f"the studio on {studio.host} would let anyone who reaches this machine edit and approve bulletins; "
            "set a password first (bulletin studio --set-password) or an API token (--new-token NAME)."
        )
    public = sorted(set(studio.allowed_hosts) - LOOPBACK)
    if public or studio.https:
        named = f"as {', '.join(public)}" if public else "over HTTPS"
        raise ConfigError(
            f"[studio] says the studio is reached {named}, through a proxy, but it has no password: anyone "
            "reaching the proxy could approve bulletins; set one (bulletin studio --set-password)."
        )


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        hint = "is another studio running? Try another --port" if exc.errno == errno.EADDRINUSE else "check --host"
        raise ConfigError(f"cannot listen on {host}:{port} ({exc.strerror}); {hint}.") from None
    sock.listen(BACKLOG)
    return sock


def serve(config: Config, ready: Callable[[str], None]) -> None:
    """Serve the studio for ``config`` (``[studio]`` host and port) until Ctrl-C or SIGTERM;
    ``ready`` is told its address once it listens."""
    try:
        import uvicorn

        from bulletin.studio.app import make_app
    except ImportError as exc:
        raise ConfigError(
            f"bulletin studio needs its web stack ({exc.name} is missing): pip install 'bulletin[studio]'."
        ) from None

    studio = config.settings.studio
    auth = Auth.load(auth_path(config))
    check_exposure(studio, auth)
    desk = Desk(config)
    # What a killed studio left: a save's temporary file, a build's or a correction's folder, locks.
    leftovers = sweep(desk.root, OUTPUT_DEPTH) + sweep(corrections_root(desk.root), OUTPUT_DEPTH)
    leftovers += sweep(desk.studio, STUDIO_DEPTH)
    if config.settings.voice.lexicon:  # a save of the lexicon killed midway
        leftovers += sweep(Path(config.settings.voice.lexicon).parent, 0)
    for left in leftovers:
        log.info("removed %s, left by an interrupted studio", left)
    if studio.host not in LOOPBACK and not studio.https:
        log.warning(
            "the studio on %s speaks plain HTTP: put it behind a TLS proxy and set [studio] https = true.", studio.host
        )
    app = make_app(config, auth, host=studio.host)
    if studio.host in WILDCARD:
        log.warning(
            "the studio answers only to the names in [studio] allowed_hosts (now: %s); add the name or address "
            "the other computers use for this one.",
            ", ".join(host_names(studio.host, studio.allowed_hosts)),
        )
    sock = _listen(studio.host, studio.port)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", server_header=False, access_log=False))
    ready(f"http://{shown}:{port}/")
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
