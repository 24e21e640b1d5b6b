"""What every command that reads documents builds once per run: the engines and the reading options."""

from __future__ import annotations

from attest.pipeline import Engines, ProcessOptions
from attest.settings import get_settings


def engines() -> Engines:
    """The configured engines (OCR, and a model when one is set), built once for the run."""
    from attest.engines import build_engines  # loads the OCR models: only commands that read pay for it

    return build_engines(get_settings())


def process_options() -> ProcessOptions:
    """The reading options the settings give (limits, OCR, extractor)."""
    s = get_settings()
    return ProcessOptions(limits=s.limits, ocr=s.ocr, extractor=s.llm.extractor)
