"""Who may use the studio: a password (kept as a salted scrypt hash), API tokens (kept as
hashes; the token itself is shown once) and the secret that signs session cookies, in one
file readable by its owner only."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import socket
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bulletin.core.errors import ConfigError
from bulletin.core.jsontext import loads
from bulletin.core.paths import APP_NAME

AUTH_FILE = "studio-auth.json"
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})  # only this machine: open without a password
WILDCARD = frozenset({"0.0.0.0", "::"})  # every address of this machine
PRIVATE = 0o600
# scrypt's parameters (RFC 7914): 2^15 iterations of 8-byte blocks, about 32 MB and 0.1 s a try.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 1 << 15, 8, 1
SCRYPT_MAX_MEM = 64 * 1024 * 1024
SALT_BYTES = KEY_BYTES = 32
TOKEN_BYTES = 32
MIN_PASSWORD_CHARS = 10


def host_names(host: str, allowed: Iterable[str]) -> list[str]:
    """The names (Host headers) the studio on ``host`` answers to: that, this machine's loopback
    names and the ``allowed`` ones (``[studio] allowed_hosts``); on every address, this
    machine's own name too."""
    names = {host, *LOOPBACK, *allowed} - WILDCARD
    if host in WILDCARD:
        names |= {socket.gethostname(), socket.getfqdn()}
    return sorted(names)


def default_path() -> Path:
    """The user's config folder (``$XDG_CONFIG_HOME/bulletin``), where the auth file lives by default."""
    import platformdirs

    return platformdirs.user_config_path(APP_NAME) / AUTH_FILE


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=SCRYPT_MAX_MEM, dklen=KEY_BYTES)


def _stamp(path: Path) -> tuple[int, int, int]:
    """What tells one version of the file from the next (each save renames a new file into place)."""
    found = path.stat()
    return found.st_ino, found.st_size, found.st_mtime_ns


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()  # tokens are random: a plain hash suffices


@dataclass
class Auth:
    """The contents of the auth file."""

    path: Path
    secret: str = ""  # signs session cookies
    password: dict[str, Any] | None = None  # {"salt", "n", "r", "p", "hash"}: scrypt
    tokens: dict[str, str] = field(default_factory=dict)  # name -> sha256 of the token
    read_only: set[str] = field(default_factory=set)  # names of the tokens that may only read (playout)
    read: tuple[int, int, int] | None = field(default=None, compare=False, repr=False)  # the file as last read

    @classmethod
    def load(cls, path: Path) -> Auth:
        """The auth file at ``path`` (made, with a new session secret, when there is none)."""
        if not path.exists():
            auth = cls(path, secrets.token_hex(KEY_BYTES))
            auth.save()
            return auth
        try:
            return cls._read(path)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(
                f"{path} is not the studio's auth file ({exc}); remove it and set the password "
                "again (bulletin studio --set-password)."
            ) from None

    @classmethod
    def _read(cls, path: Path) -> Auth:
        stamp = _stamp(path)
        data = loads(path.read_text("utf-8"))
        return cls(
            path,
            str(data["secret"]),
            data.get("password"),
            dict(data.get("tokens", {})),
            set(data.get("read_only", [])),
            stamp,
        )

    def refresh(self) -> None:
        """Read the file again if it changed since (a token revoked or a password set with the
        command line while the studio runs counts at once). A file gone or unreadable keeps what
        was read; the session secret stays, and with it the sessions."""
        try:
            if _stamp(self.path) == self.read:
                return
            now = Auth._read(self.path)
        except (OSError, ValueError, KeyError, TypeError):
            return
        self.password, self.tokens, self.read_only, self.read = now.password, now.tokens, now.read_only, now.read

    def save(self) -> None:
        """Write the file atomically, readable by its owner only from its first byte (mkstemp
        makes it so; it is renamed into place whole)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "secret": self.secret,
            "password": self.password,
            "tokens": self.tokens,
            "read_only": sorted(self.read_only),
        }
        fd, name = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".part")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(json.dumps(data, indent=2) + "\n")
            os.chmod(name, PRIVATE)
            os.replace(name, self.path)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
        self.read = _stamp(self.path)

    @property
    def protected(self) -> bool:
        """Whether the studio asks who is there: a password or an API token is set."""
        return self.password is not None or bool(self.tokens)

    def set_password(self, password: str) -> None:
        """Keep a new password (as its scrypt hash only)."""
        if len(password) < MIN_PASSWORD_CHARS:
            raise ConfigError(f"a studio password needs at least {MIN_PASSWORD_CHARS} characters.")
        salt = os.urandom(SALT_BYTES)
        digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        self.password = {"salt": salt.hex(), "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "hash": digest.hex()}
        self.save()

    @property
    def session_mark(self) -> str | None:
        """What a session logged in with the current password carries: a new password ends every
        earlier session. Derived from the password's hash with the secret, so the cookie tells
        nothing about the hash."""
        if self.password is None:
            return None
        return hmac.new(self.secret.encode(), str(self.password["hash"]).encode(), hashlib.sha256).hexdigest()

    def check_password(self, password: str) -> bool:
        """Whether ``password`` is the one set (in constant time)."""
        if self.password is None:
            return False
        kept = self.password
        digest = _scrypt(password, bytes.fromhex(kept["salt"]), int(kept["n"]), int(kept["r"]), int(kept["p"]))
        return hmac.compare_digest(digest.hex(), str(kept["hash"]))

    def new_token(self, name: str, *, read_only: bool = False) -> str:
        """A new API token called ``name`` (replacing one of that name): returned once, kept as a
        hash. A ``read_only`` one may fetch bulletins (playout) but change nothing."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        self.tokens[name] = _token_hash(token)
        if read_only:
            self.read_only.add(name)
        else:
            self.read_only.discard(name)
        self.save()
        return token

    def revoke_token(self, name: str) -> bool:
        """Forget the token called ``name``; False if there is none."""
        if self.tokens.pop(name, None) is None:
            return False
        self.read_only.discard(name)
        self.save()
        return True

    def token_name(self, token: str) -> str | None:
        """The name of the token, if it is one of ours."""
        wanted = _token_hash(token)
        return next((name for name, kept in self.tokens.items() if hmac.compare_digest(kept, wanted)), None)
