from __future__ import annotations

import pytest

from attest.settings import LimitSettings, OcrSettings, PatternSettings, Settings, get_settings


def test_nested_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTEST_LIMITS__MAX_PAGES", "3")
    monkeypatch.setenv("ATTEST_OCR__ENGINE", "paddleocr")
    s = Settings()
    assert s.limits.max_pages == 3
    assert s.ocr.engine == "paddleocr"


def test_every_field_is_described() -> None:
    for group in (Settings.model_fields, LimitSettings.model_fields, OcrSettings.model_fields,
                  PatternSettings.model_fields):
        for name, info in group.items():
            if name not in ("limits", "ocr"):
                assert info.description, name


def test_cached() -> None:
    assert get_settings() is get_settings()
