"""Hostile uploads against tight limits, a decompression bomb caught by the worker, and the signed webhook."""

from __future__ import annotations

import io
import json
import struct
import threading
import time
import zipfile
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest

from attest.settings import LimitSettings, ServiceSettings, Settings
from attest.store.db import database_url
from attest.worker.tasks import sign

from .conftest import Live, serve, wait_decided
from .test_flow import PDF, SELLER


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels: decoding it would take gigabytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(
        b"IEND", b"")


@pytest.fixture()
def tight(tmp_path: Path) -> Iterator[Live]:
    settings = Settings(data_dir=tmp_path / "data", limits=LimitSettings(max_bytes=400_000),
                        service=ServiceSettings(database_url=database_url(None, tmp_path / "db"), workers=1,
                                                max_files_per_request=3, max_documents_per_application=4))
    with serve(settings) as running:
        yield running


def test_hostile_uploads_get_specific_answers_and_lose_nothing(tight: Live) -> None:
    headers = tight.key(tight.tenant())
    with httpx.Client(base_url=tight.url, timeout=60) as c:
        m = c.post("/v1/merchants", json=SELLER, headers=headers).json()
        app = c.post("/v1/applications", json={"merchant_id": m["id"]}, headers=headers).json()
        url = f"/v1/applications/{app['id']}/documents"
        good = ("files", (PDF.name, PDF.read_bytes(), "application/pdf"))
        huge = ("files", ("huge.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 400_000, "image/jpeg"))
        r = c.post(url, files=[good, huge], headers=headers)
        assert r.status_code == 413 and r.json()["type"].endswith("/input-too_large")
        r = c.post(url, files=[good] * 4, headers=headers)
        assert r.status_code == 413 and r.json()["type"].endswith("/too-many-files")
        # A zip bomb dressed as an OFD e-invoice is refused at upload, with its own problem type.
        zipped = io.BytesIO()
        with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("OFD.xml", "<ofd:OFD/>")
            z.writestr("Doc_0/bomb.xml", b"\0" * (8 * 1024 * 1024))
        r = c.post(url, files=[good, ("files", ("bomb.ofd", zipped.getvalue(), "application/ofd"))], headers=headers)
        assert r.status_code == 422 and r.json()["type"].endswith("/input-archive-compression_ratio"), r.text
        bomb = ("files", ("bomb.png", _png_claiming(100_000, 100_000), "image/png"))
        assert c.post(url, files=[good, bomb], headers=headers).status_code == 202
        extra = [("files", (f"x{i}.png", _png_claiming(64 + i, 64), "image/png")) for i in range(3)]
        r = c.post(url, files=extra, headers=headers)
        assert r.status_code == 413 and r.json()["type"].endswith("/too-many-documents")
        assert c.post(f"/v1/applications/{app['id']}/submit", headers=headers).status_code == 202
        done = wait_decided(c, app["id"], headers)
        by_name = {d["filename"]: d for d in done["documents"]}
        assert set(by_name) == {PDF.name, "bomb.png"}  # refused requests stored nothing
        assert by_name[PDF.name]["status"] == "done"
        assert by_name["bomb.png"]["status"] == "refused"
        assert by_name["bomb.png"]["error"]["code"] == "input.image_too_large"


class _Receiver(BaseHTTPRequestHandler):
    got: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def log_message(self, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Receiver.got.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()


def test_a_decision_is_announced_by_a_signed_webhook(tmp_path: Path) -> None:
    receiver = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    hook = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    settings = Settings(data_dir=tmp_path / "data", service=ServiceSettings(
        database_url=database_url(None, tmp_path / "db"), workers=1, webhook_url=hook, webhook_secret="s3cret"))
    try:
        with serve(settings) as live, httpx.Client(base_url=live.url, timeout=60) as c:
            headers = live.key(live.tenant())
            m = c.post("/v1/merchants", json=SELLER, headers=headers).json()
            app = c.post("/v1/applications", json={"merchant_id": m["id"]}, headers=headers).json()
            c.post(f"/v1/applications/{app['id']}/documents", headers=headers,
                   files=[("files", (PDF.name, PDF.read_bytes(), "application/pdf"))])
            c.post(f"/v1/applications/{app['id']}/submit", headers=headers)
            done = wait_decided(c, app["id"], headers)
            deadline = time.monotonic() + 30
            while not _Receiver.got:
                assert time.monotonic() < deadline, "no webhook arrived"
                time.sleep(0.1)
    finally:
        receiver.shutdown()
    sent_headers, body = _Receiver.got[-1]
    assert sent_headers["X-Attest-Signature"] == sign("s3cret", body)
    notice = json.loads(body)
    assert notice["application_id"] == app["id"] and notice["outcome"] == done["decision"]["outcome"]
