"""Structured logs: one JSON object per line with the request, application and job ids, and personal data
masked — tax ids, names and amounts do not reach a log unless `log.show_personal_data` says so."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

from attest.ops import context
from attest.settings import LogSettings

# A unified social credit code or taxpayer id (15–20 letters and digits with at least 6 digits in a row), an
# amount (digits with a decimal part or thousands separators, or after ¥), and runs of Chinese characters
# (names of businesses and people, addresses). Ids of rows (`app_…`, `doc_…`) are not personal and stay.
_PATTERNS = [
    (re.compile(r"(?<![A-Za-z0-9_])(?=[0-9A-Z]*\d{6})[0-9A-Z]{15,20}(?![A-Za-z0-9_])"), "[tax-id]"),
    (re.compile(r"[¥￥]\s*-?[\d,]+(?:\.\d+)?|(?<![\w.])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.])-?\d+\.\d{2}(?![\d])"),
     "[amount]"),
    (re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}"), "[text]"),
]


def mask(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class JsonFormatter(logging.Formatter):
    def __init__(self, *, show_personal_data: bool) -> None:
        super().__init__()
        self.show = show_personal_data

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + self.formatException(record.exc_info)
        line = {"ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name,
                "msg": message if self.show else mask(message), **context.current()}
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self, *, show_personal_data: bool) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")
        self.show = show_personal_data

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        ids = " ".join(f"{k}={v}" for k, v in context.current().items())
        text = f"{text} {ids}" if ids else text
        return text if self.show else mask(text)


def configure_logging(settings: LogSettings) -> None:
    """Route every logger (uvicorn's and Celery's included) through one stderr handler in the chosen format."""
    handler = logging.StreamHandler(sys.stderr)
    show = settings.show_personal_data
    formatter: logging.Formatter = (JsonFormatter(show_personal_data=show) if settings.json_format
                                    else TextFormatter(show_personal_data=show))
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "celery", "celery.app.trace"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    # Every call to the pattern store or a model would be a line: keep their clients to warnings.
    for name in ("httpx", "httpcore", "chromadb", "openai"):
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
