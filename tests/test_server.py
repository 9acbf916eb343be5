"""`bulletin serve` against hostile and careful clients, over raw sockets and http.client:
over-long paths, If-Range, a full accept queue, idle connections."""

from __future__ import annotations

import http.client
import os
import socket
import threading

import pytest

from bulletin.publish.server import make_server
from conftest import run

BODY = bytes(range(256)) * 40
IDLE_S = 0.3
CLIENT_GUARD_S = 30  # only so a broken server fails the test instead of hanging it


@pytest.fixture
def served(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "a.mp3").write_bytes(BODY)
    os.utime(root / "a.mp3", (1_700_000_000, 1_700_000_000))  # a file from earlier: its date is a strong validator
    httpd = make_server(root, "127.0.0.1", 0, idle_timeout=IDLE_S)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1], root / "a.mp3"
    httpd.shutdown()
    httpd.server_close()


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_GUARD_S)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["/" + "a" * 300, "/" + "b" * 300 + ".mp3", "/x/" * 2000])
def test_overlong_paths_get_an_answer(served, path, caplog):
    port, _ = served
    status, _, _ = get(port, path)
    assert status in (404, 414)
    assert get(port, "/a.mp3")[0] == 200  # and the server is still there
    assert "Traceback" not in caplog.text


def test_if_range_with_the_current_etag_gets_the_range(served):
    port, _ = served
    _, headers, _ = get(port, "/a.mp3")
    status, _, body = get(port, "/a.mp3", {"Range": "bytes=10-19", "If-Range": headers["ETag"]})
    assert status == 206 and body == BODY[10:20]
    status, _, body = get(port, "/a.mp3", {"Range": "bytes=10-19", "If-Range": headers["Last-Modified"]})
    assert status == 206 and body == BODY[10:20]


@pytest.mark.parametrize("validator", ['"0-0"', 'W/"weak"', "Thu, 01 Jan 1998 00:00:00 GMT", "not a date"])
def test_if_range_that_does_not_match_gets_the_whole_file(served, validator):
    port, _ = served
    status, headers, body = get(port, "/a.mp3", {"Range": "bytes=10-19", "If-Range": validator})
    assert status == 200 and body == BODY and "Content-Range" not in headers


def test_if_range_with_a_weak_etag_of_the_file_gets_the_whole_file(served):
    port, _ = served
    etag = get(port, "/a.mp3")[1]["ETag"]
    status, _, body = get(port, "/a.mp3", {"Range": "bytes=0-0", "If-Range": f"W/{etag}"})
    assert status == 200 and body == BODY


def test_more_waiting_connections_than_five_are_queued(tmp_path):
    (tmp_path / "a.mp3").write_bytes(BODY)
    httpd = make_server(tmp_path, "127.0.0.1", 0)  # not serving yet: connections wait in the queue
    try:
        waiting = []
        for _ in range(20):
            client = socket.create_connection(httpd.server_address, timeout=CLIENT_GUARD_S)
            client.sendall(b"GET /a.mp3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            waiting.append(client)
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        for client in waiting:
            answer = b""
            while chunk := client.recv(65536):
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(BODY)
            client.close()
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_idle_connections_are_closed(served):
    port, _ = served
    with socket.create_connection(("127.0.0.1", port), timeout=CLIENT_GUARD_S) as idle:
        assert idle.recv(1) == b""  # the server hung up on a client that said nothing
    with socket.create_connection(("127.0.0.1", port), timeout=CLIENT_GUARD_S) as slow:
        slow.sendall(b"GET /a.mp3 HTTP/1.1\r\n")  # and on one that stops halfway
        assert slow.recv(1) == b""


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (ConnectionResetError(104, "Connection reset by peer"), False),
        (BrokenPipeError(32, "Broken pipe"), False),
        (ConnectionAbortedError(103, "Software caused connection abort"), False),
        (ValueError("a real bug"), True),  # anything else is still reported
    ],
)
def test_a_client_that_hangs_up_is_no_traceback(tmp_path, capsys, error, shown):
    server = make_server(tmp_path, "127.0.0.1", 0)
    try:
        raise error
    except Exception:  # where socketserver calls handle_error: while the handler's exception is handled
        server.handle_error(None, ("127.0.0.1", 50000))
    finally:
        server.server_close()
    assert ("Traceback" in capsys.readouterr().err) is shown


def _busy_port(tmp_path):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    return ["serve", str(tmp_path), "--port", str(taken.getsockname()[1])], taken, f"127.0.0.1:{taken.getsockname()[1]}"


def _no_such_host(tmp_path):
    return ["serve", str(tmp_path), "--host", "999.1.1.1", "--port", "8123"], None, "999.1.1.1:8123"


@pytest.mark.parametrize("make", [_busy_port, _no_such_host])
def test_serve_where_it_cannot_listen_names_host_and_port(tmp_path, make):
    args, held, where = make(tmp_path)
    try:
        result = run(*args)
    finally:
        if held is not None:
            held.close()
    assert result.exit_code == 1, result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Error: cannot serve on {where}: "), line


VERSIONS = (b"a" * 3000, b"b" * 4500)  # two versions of latest.mp3, told apart by their bytes
CLIENTS, REQUESTS_EACH = 50, 8


def test_range_answers_are_of_one_version_while_the_file_is_replaced(served):
    """``latest.mp3`` is replaced (atomically, as publishing does) all the time: every answer's
    length, Content-Range and bytes belong to one version, never a mix."""
    port, path = served
    path.write_bytes(VERSIONS[0])  # every answer is of one of the two versions, from the first on
    stop = threading.Event()

    def replace_forever() -> None:
        turn = 0
        while not stop.is_set():
            temp = path.with_name(f".latest-{turn}")
            temp.write_bytes(VERSIONS[turn % 2])
            os.replace(temp, path)
            turn += 1

    answers: list[tuple[int, dict[str, str], bytes]] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        for request in range(REQUESTS_EACH):
            start = (index * REQUESTS_EACH + request) % 2000
            got = get(port, "/a.mp3", {"Range": f"bytes={start}-"})
            with lock:
                answers.append(got)

    replacer = threading.Thread(target=replace_forever, daemon=True)
    replacer.start()
    clients = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    try:
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join(CLIENT_GUARD_S)
    finally:
        stop.set()
        replacer.join(CLIENT_GUARD_S)
    assert len(answers) == CLIENTS * REQUESTS_EACH
    for status, headers, body in answers:
        assert status == 206
        first, rest = headers["Content-Range"].removeprefix("bytes ").split("-")
        last, total = (int(n) for n in rest.split("/"))
        version = next(v for v in VERSIONS if len(v) == total)
        assert body == version[int(first) : last + 1], (headers, body[:20])


@pytest.mark.parametrize("wanted", ["bytes=" + "9" * 5000 + "-", "bytes=0-" + "9" * 5000, "bytes=-" + "9" * 5000])
def test_a_range_of_thousands_of_digits_is_an_answer(served, wanted):
    port, _ = served
    status, headers, body = get(port, "/a.mp3", {"Range": wanted})
    if wanted.startswith("bytes=9"):
        assert status == 416 and headers["Content-Range"] == f"bytes */{len(BODY)}"
    else:  # to the end, or the last "more than all" bytes: the whole file
        assert status == 206 and body == BODY
