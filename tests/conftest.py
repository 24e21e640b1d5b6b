from __future__ import annotations

import json
from datetime import date
from pathlib import Path

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


def real_invoices() -> list[tuple[Path, dict]]:
    """Bundled samples, plus the shared real set when it lies beside the checkout (as in CI)."""
    out = []
    for folder in (SAMPLES, SHARED):
        labels = folder / "labels.json"
        if labels.exists():
            for entry in json.loads(labels.read_text(encoding="utf-8")):
                out.append((folder / entry["file"], entry))
                original = entry.get("original_file", "")
                if folder == SHARED and original.endswith(".pdf"):
                    out.append((folder / original, entry))
    return out
