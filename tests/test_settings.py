from __future__ import annotations

import pytest

from attest.settings import LimitSettings, LlmSettings, OcrSettings, PatternSettings, Settings, get_settings


def test_nested_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTEST_LIMITS__MAX_PAGES", "3")
    monkeypatch.setenv("ATTEST_OCR__ENGINE", "paddleocr")
    s = Settings()
    assert s.limits.max_pages == 3
    assert s.ocr.engine == "paddleocr"


def test_every_field_is_described() -> None:
    for group in (Settings.model_fields, LimitSettings.model_fields, OcrSettings.model_fields,
                  PatternSettings.model_fields, LlmSettings.model_fields):
        for name, info in group.items():
            if name not in ("limits", "ocr"):
                assert info.description, name


def test_cached() -> None:
    assert get_settings() is get_settings()


def test_llm_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTEST_LLM__EXTRACTOR", "merged")
    monkeypatch.setenv("ATTEST_LLM__BASE_URL", "http://127.0.0.1:8000/v1")
    monkeypatch.setenv("ATTEST_LLM__STRUCTURED_OUTPUT", "function_calling")
    s = Settings()
    assert (s.llm.extractor, s.llm.base_url, s.llm.structured_output) == (
        "merged", "http://127.0.0.1:8000/v1", "function_calling")
    assert s.llm.allow_remote is False and s.llm.model is None  # off and local-only unless configured
