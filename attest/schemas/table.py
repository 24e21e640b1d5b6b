"""A tabular upload (a statement exported as CSV, XLS or XLSX) as read: every sheet's cells as text. A statement
printed on pages (a PDF, a photo) is put into the same form from its lines (`format: pages`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class Sheet(BaseModel):
    name: str
    rows: list[list[str]]


class TableFile(BaseModel):
    """A tabular upload as read: its format, the text encoding of a CSV, and every sheet's cells as text."""

    format: Literal["csv", "xls", "xlsx", "pages"]
    encoding: str | None = None
    sheets: list[Sheet]
