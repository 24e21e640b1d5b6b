"""Logs with the request, application and job ids, and personal data masked — tax ids, names and amounts do
not reach a log unless `log.show_personal_data` says so. JSON lines for a shipper; readable lines at a
terminal (`log.format`)."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import TextIO

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


_COLOURS = {"WARNING": "33", "ERROR": "31", "CRITICAL": "31;1", "DEBUG": "2"}  # ANSI SGR codes


class TextFormatter(logging.Formatter):
    """`14:03:07 WARNING worker  could not claim a job  job=job_1`: time, level, logger without the package
    prefix, message, then the ids in context; the level in colour on a terminal."""

    def __init__(self, *, show_personal_data: bool, colour: bool = False) -> None:
        super().__init__(datefmt="%H:%M:%S")
        self.show, self.colour = show_personal_data, colour

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + self.formatException(record.exc_info)
        level = f"{record.levelname:<7}"
        if self.colour and record.levelname in _COLOURS:
            level = f"\x1b[{_COLOURS[record.levelname]}m{level}\x1b[0m"
        name = record.name.removeprefix("attest.")
        ids = "  ".join(f"{k}={v}" for k, v in context.current().items())
        text = f"{self.formatTime(record, self.datefmt)} {level} {name:<8} {message if self.show else mask(message)}"
        return f"{text}  {ids}" if ids else text


def formatter_for(settings: LogSettings, stream: TextIO) -> logging.Formatter:
    """The formatter `log.format` names; `auto` looks at whether `stream` is a terminal."""
    show = settings.show_personal_data
    terminal = bool(getattr(stream, "isatty", lambda: False)())
    if settings.format == "json" or (settings.format == "auto" and not terminal):
        return JsonFormatter(show_personal_data=show)
    return TextFormatter(show_personal_data=show, colour=terminal)


def configure_logging(settings: LogSettings, stream: TextIO | None = None) -> None:
    """Route every logger (uvicorn's and Celery's included) through one handler on `stream` (stderr) in the
    chosen format."""
    out = stream if stream is not None else sys.stderr
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter_for(settings, out))
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
