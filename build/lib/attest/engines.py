"""Engines built from settings, once per process, by whichever shell runs (CLI, service, evaluation)."""

from __future__ import annotations

from attest.errors import EngineUnavailable
from attest.extract.llm import LlmClient, build_client
from attest.pipeline import Engines
from attest.settings import LlmSettings, OcrSettings, Settings


def llm_for(settings: LlmSettings) -> LlmClient | None:
    """The model client the configured extractor needs: None for `rules`; an error if `llm`/`merged` has none."""
    if settings.extractor == "rules":
        return None
    client = build_client(settings)  # raises for a remote endpoint without the opt-in
    if client is None:
        raise EngineUnavailable(f"ATTEST_LLM__EXTRACTOR={settings.extractor} needs ATTEST_LLM__BASE_URL and "
                                "ATTEST_LLM__MODEL (see README, 'LLM extractors')")
    return client


def build_engines(settings: Settings, *, ocr: OcrSettings | None = None) -> Engines:
    """OCR (with `ocr` overriding the settings' group) and, when the extractor needs one, the model client."""
    from attest.ocr import create_ocr_engine  # loads the ONNX models: only when a shell really builds engines

    return Engines(ocr=create_ocr_engine(ocr or settings.ocr), llm=llm_for(settings.llm))
