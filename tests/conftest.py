from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from attest.ocr import create_ocr_engine
from attest.pipeline import Engines, ProcessOptions
from attest.settings import LimitSettings, OcrSettings

SAMPLES = Path(__file__).parent / "data" / "samples"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "realdocs" / "invoices"


@pytest.fixture(scope="session")
def engines() -> Engines:
    """One real OCR engine for the whole run, as a process would hold it."""
    return Engines(ocr=create_ocr_engine(OcrSettings()))


@pytest.fixture()
def options() -> ProcessOptions:
    return ProcessOptions(limits=LimitSettings(), ocr=OcrSettings(), today=date(2026, 11, 28))


def merged_pdf(paths: list[Path]) -> bytes:
    """One PDF of every page of `paths`, in order: invoices downloaded in a batch, as merchants upload them."""
    import io

    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    for path in paths:
        out.import_pages(pdfium.PdfDocument(path))
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def real_invoices() -> list[tuple[Path, dict]]:
    """Bundled samples, plus the shared set's PDF originals when it lies beside the checkout (as in CI).

    The shared set's pictures are read once, by the real-document gate (tests/realdocs), which holds them to the
    same per-file bars; OFD originals wait for OFD ingestion (the gate counts them as misses)."""
    out = []
    for folder in (SAMPLES, SHARED):
        labels = folder / "labels.json"
        if labels.exists():
            for entry in json.loads(labels.read_text(encoding="utf-8")):
                if folder == SAMPLES:
                    out.append((folder / entry["file"], entry))
                original = entry.get("original_file", "")
                if folder == SHARED and original.endswith(".pdf"):
                    out.append((folder / original, entry))
    return out


def _loopback(address: Any) -> bool:
    if not isinstance(address, tuple):
        return True  # a Unix socket path
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


BLOCKED: list[str] = []


@pytest.fixture(scope="session", autouse=True)
def no_network_beyond_loopback() -> Iterator[None]:
    """No test reaches beyond 127.0.0.1: a connection elsewhere raises, and the run fails at the end.

    Covers this process (the LLM client, the Chroma client, database drivers); subprocesses the tests start
    (`chroma run`, the `attest` CLI) are only ever pointed at loopback addresses.
    """
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def guard(address: Any) -> None:
        if not _loopback(address):
            BLOCKED.append(str(address))
            raise OSError(f"test run: connection to {address} refused (tests stay on 127.0.0.1)")

    def connect(self: socket.socket, address: Any) -> None:
        guard(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        guard(address)
        return real_connect_ex(self, address)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.socket.connect, socket.socket.connect_ex = real_connect, real_connect_ex  # type: ignore[method-assign]
    assert not BLOCKED, f"tests tried to connect beyond loopback: {BLOCKED}"
