"""One run of a station at a time, across machines: a lease object in the station's bucket.

The lease is taken with a conditional write (``If-None-Match: *``: only if there is
none), renewed while the run lasts (``If-Match`` on the ETag this run wrote) and
deleted at the end (``If-Match`` again, so a run never deletes another's lease).
A run that crashes leaves its lease behind; once it has not been renewed for its
term, the next run takes it over (``If-Match`` on the ETag it read, so of two runs
taking it over, one wins). Ages are measured on the bucket's clock (the object's
Last-Modified against the answer's Date), so machines' clocks may disagree.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from bulletin.core.errors import LockedError
from bulletin.core.jsontext import loads
from bulletin.core.plaintext import printable
from bulletin.storage import bucket
from bulletin.storage.bucket import CONDITION_FAILED, MISSING_KEY, OWN_OBJECTS, S3Target, error_code, s3_errors

log = logging.getLogger(__name__)

LEASE_KEY = OWN_OBJECTS + "lease.json"
DOING = "take the station's lease in"
RENEWALS_PER_TERM = 3  # renewed three times per term: two renewals may fail before it lapses
MAX_LEASE_BYTES = 4096  # a lease is a line of JSON
MAX_HOLDER_CHARS = 120  # a holder's name, as another run's one-line message shows it
MAX_TERM_S = 86_400  # the longest [publish] lease: a term read past it is damaged
TAKE_TRIES = 3  # a lease that vanishes or changes hands between reading and taking: look again


@dataclass(frozen=True)
class Holder:
    """Who holds a lease, and for how long it has not been renewed (seconds, on the bucket's clock)."""

    name: str
    age: float
    term: float

    def __str__(self) -> str:
        return f"{self.name}, renewed {self.age:.0f} s ago"


def holder_name() -> str:
    """This run, as another run's message names it."""
    return f"{socket.gethostname()} pid {os.getpid()}"


class Lease:
    """A lease this run holds: renewed in the background until released; :meth:`check` says
    whether it still holds it (raising LockedError if another run took it over)."""

    def __init__(self, client: Any, target: S3Target, etag: str, term: float) -> None:
        self.client, self.target, self.term = client, target, term
        self.key = target.key(LEASE_KEY)
        self._etag, self._lost = etag, ""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._renewer = threading.Thread(target=self._renew_loop, name="lease", daemon=True)
        self._renewer.start()

    def _renew_loop(self) -> None:
        while not self._stop.wait(self.term / RENEWALS_PER_TERM):
            try:
                self.renew()
            except LockedError:
                return
            except Exception as exc:  # a passing network fault: the next renewal tries again
                log.debug("renewing the lease failed: %s", exc)

    def renew(self) -> None:
        """Write the lease again (resetting its age), only if it is still this run's."""
        with self._lock:
            if self._lost:
                raise LockedError(self._lost)
            try:
                answer = self.client.put_object(
                    Bucket=self.target.bucket, Key=self.key, Body=_body(self.term), IfMatch=self._etag, **HEADERS
                )
            except Exception as exc:
                if error_code(exc) in CONDITION_FAILED | MISSING_KEY:
                    self._lost = (
                        f"this run's lease on {self.target} was taken over by another run (this one was "
                        f"stalled for longer than the lease's term, {self.term:.0f} s); it stops here."
                    )
                    raise LockedError(self._lost) from None
                raise
            self._etag = answer["ETag"]

    def check(self) -> None:
        """Renew now, so that what follows starts a full term: LockedError if the lease was lost."""
        with s3_errors(self.target, "renew the station's lease in"):
            self.renew()

    def release(self, quiet: bool = False) -> None:
        """Stop renewing and delete the lease if it is still this run's (``quiet``: failing to is
        not worth a warning, as when the run failed for the bucket already)."""
        self._stop.set()
        self._renewer.join()
        with self._lock:
            if self._lost:
                return
            try:
                self.client.delete_object(Bucket=self.target.bucket, Key=self.key, IfMatch=self._etag)
            except Exception as exc:  # it lapses on its own after its term
                if error_code(exc) not in CONDITION_FAILED | MISSING_KEY:
                    (log.info if quiet else log.warning)(
                        "could not release the lease on %s (%s); it lapses in %.0f s.", self.target, exc, self.term
                    )


HEADERS = {"ContentType": "application/json", "CacheControl": "no-store"}


def _body(term: float) -> bytes:
    return json.dumps({"holder": holder_name(), "term": term}).encode()


def _read(client: Any, target: S3Target, term: float) -> tuple[Holder, str] | None:
    """The lease there is and its ETag; None when there is none."""
    try:
        answer = client.get_object(Bucket=target.bucket, Key=target.key(LEASE_KEY))
    except Exception as exc:
        if error_code(exc) in MISSING_KEY:
            return None
        raise
    raw = answer["Body"].read(MAX_LEASE_BYTES + 1)
    try:
        data = loads(raw) if len(raw) <= MAX_LEASE_BYTES else {}
        name, held_for = " ".join(printable(str(data["holder"])).split())[:MAX_HOLDER_CHARS], float(data["term"])
        if not 0 < held_for <= MAX_TERM_S:  # inf, NaN, a year: no run may hold a station for longer
            raise ValueError(f"term {held_for}")
    except (ValueError, KeyError, TypeError, OverflowError):  # damaged: it lapses after this run's own term
        name, held_for = "an unknown run", term
    date = answer["ResponseMetadata"]["HTTPHeaders"].get("date")
    now = parsedate_to_datetime(date) if date else datetime.now(answer["LastModified"].tzinfo)
    age = max(0.0, (now - answer["LastModified"]).total_seconds())
    return Holder(name, age, held_for), answer["ETag"]


def take(client: Any, target: S3Target, term: float, busy: Callable[[Holder], str]) -> Lease:
    """Take the station's lease, or raise LockedError with ``busy(holder)`` while another run holds it."""
    for _ in range(TAKE_TRIES):
        try:
            answer = client.put_object(
                Bucket=target.bucket, Key=target.key(LEASE_KEY), Body=_body(term), IfNoneMatch="*", **HEADERS
            )
            return Lease(client, target, answer["ETag"], term)
        except Exception as exc:
            if error_code(exc) not in CONDITION_FAILED:
                raise
        found = _read(client, target, term)
        if found is None:
            continue  # released between the two requests
        holder, etag = found
        if holder.age < holder.term:
            raise LockedError(busy(holder))
        try:
            answer = client.put_object(
                Bucket=target.bucket, Key=target.key(LEASE_KEY), Body=_body(term), IfMatch=etag, **HEADERS
            )
        except Exception as exc:
            if error_code(exc) not in CONDITION_FAILED | MISSING_KEY:
                raise
            continue  # another run took it over first
        log.warning(
            "took over the lease on %s from %s: not renewed for %.0f s (its term: %.0f s).",
            target,
            holder.name,
            holder.age,
            holder.term,
        )
        return Lease(client, target, answer["ETag"], term)
    raise LockedError(f"the lease on {target} keeps changing hands; another run of this station is starting.")


@contextmanager
def held(target: S3Target, term: float) -> Iterator[Lease]:
    """Hold ``target``'s lease for the block (LockedError at once if another run holds it)."""

    def busy(holder: Holder) -> str:
        return (
            f"another run of this station ({holder}) holds the lease {target}{LEASE_KEY}; this one stops "
            f"(a run that crashed is taken over once its lease is {holder.term:.0f} s old)."
        )

    client = bucket.client(target, DOING)
    with s3_errors(target, DOING, lambda: "Nothing was built or published; the bucket is unchanged."):
        lease = take(client, target, term, busy)
    try:
        yield lease
    except BaseException:
        with suppress(Exception):
            lease.release(quiet=True)
        raise
    with suppress(Exception):
        lease.release()
