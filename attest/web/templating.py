"""Jinja2 templates with the page's words in Chinese or English (`messages.yaml`), and a few filters."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from attest.kinds import kinds

HERE = Path(__file__).parent


@cache
def messages() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = yaml.safe_load((HERE / "messages.yaml").read_text(encoding="utf-8"))
    return data


def _kind_label(key: str) -> dict[str, str] | None:
    """`kind.<name>`: the kind's own label in the registry (`attest/data/kinds.yaml`)."""
    row = kinds().get(key.removeprefix("kind.")) if key.startswith("kind.") else None
    return {"zh": row.label[0], "en": row.label[1]} if row is not None else None


def translate(lang: str, key: str, **values: Any) -> str:
    entry = messages().get(key) or _kind_label(key)
    text = entry.get(lang, entry["zh"]) if entry else key
    return text.format(**values) if values else text


def money(value: Decimal | str | float | None) -> str:
    if value is None:
        return "—"
    return f"{Decimal(str(value)):,.2f}"


def when(value: datetime | str | None) -> str:
    if value is None:
        return "—"
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    return at.strftime("%Y-%m-%d %H:%M UTC")


templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.filters["money"] = money
templates.env.filters["when"] = when
# The kinds a reviewer may have a document re-read as: the registry the pipeline reads by.
templates.env.globals["evidence_kinds"] = tuple(kinds())


def render(request: Request, name: str, lang: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    def t(key: str, **values: Any) -> str:
        return translate(lang, key, **values)

    return templates.TemplateResponse(request, name, {"t": t, "lang": lang, **context}, status_code=status_code)
