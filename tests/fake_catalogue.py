"""A loopback HTTP server laid out like Piper's voice repository: voices.json at
the root with size_bytes and md5_digest per file, files under
{family}/{code}/{dataset}/{quality}/. It honours byte ranges (for resumed
downloads) and records what it served."""

from __future__ import annotations

import hashlib
import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from conftest import serve_loopback


class Catalogue:
    """Files by URL path; start() serves them on 127.0.0.1."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.requests: list[tuple[str, str | None]] = []  # (path, Range header)
        self.served = 0  # body bytes sent

    def add_voice(self, model: Path, *, tamper: str | None = None) -> str:
        """Publish the voice whose model is ``model``; ``tamper`` (a suffix) alters that file after listing it."""
        name = model.stem
        code, dataset, quality = name.split("-")
        folder = f"{code.split('_')[0]}/{code}/{dataset}/{quality}"
        entry = {}
        for path in (model, model.with_name(model.name + ".json")):
            data = path.read_bytes()
            key = f"{folder}/{path.name}"
            entry[key] = {"size_bytes": len(data), "md5_digest": hashlib.md5(data).hexdigest()}
            if tamper and path.name.endswith(tamper):
                data = data[:-8] + bytes(8)  # same size, other bytes
            self.files[key] = data
        index = json.loads(self.files.get("voices.json", b"{}"))
        index[name] = {
            "key": name,
            "name": dataset,
            "quality": quality,
            "language": {"code": code, "family": code.split("_")[0]},
            "files": entry,
        }
        self.files["voices.json"] = json.dumps(index).encode()
        return name

    def start(self) -> str:
        catalogue = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.lstrip("/")
                wanted = self.headers.get("Range")
                catalogue.requests.append((path, wanted))
                data = catalogue.files.get(path)
                if data is None:
                    self.send_error(404)
                    return
                start = int(wanted.split("=")[1].split("-")[0]) if wanted else 0
                body = data[start:]
                self.send_response(206 if wanted else 200)
                if wanted:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                catalogue.served += len(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server, url = serve_loopback(Handler)
        return url

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
