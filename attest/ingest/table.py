"""Statement exports as tables: CSV (UTF-8, with or without BOM, or GB 18030/GBK as Alipay writes it), XLS
(BIFF8) and XLSX, told apart by their bytes, read under limits into sheets of text cells.

Hostile files are refused, each with its own error: a workbook with macros, a zip bomb inside an XLSX (the OFD
unpacking limits), more rows or columns than any statement has, text in no encoding an export uses. Nothing in a
workbook is evaluated: cells are read as the values they store (calamine computes no formula)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time

from attest.errors import DocumentUnreadable, TableMacros, TableTooLarge, TableUndecodable
from attest.ingest.ofd.archive import unpack
from attest.schemas.table import Sheet, TableFile
from attest.settings import LimitSettings

CSV = "text/csv"
XLS = "application/vnd.ms-excel"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE_TYPES = (CSV, XLS, XLSX)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DELIMITERS = (",", "\t", ";", "|")


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def sniff_table(data: bytes) -> str | None:
    """The table type of `data` (CSV, XLS, XLSX) from its bytes, or None when it is not one."""
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        # An OFD is a zip too: a workbook names its parts in [Content_Types].xml and keeps xl/workbook.xml.
        return XLSX if b"xl/workbook.xml" in data and b"[Content_Types].xml" in data else None
    if head == _OLE:
        # An OLE file is a Word document as often as a workbook: only one with a Workbook stream is a table.
        return XLS if _utf16("Workbook") in data or _utf16("Book") in data else None
    return CSV if _looks_tabular(data) else None


def _decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was written in; GB 18030 covers GBK and GB 2312."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise TableUndecodable("the text is neither UTF-8 nor GB 18030 (GBK)")


def _delimiter(lines: list[str]) -> str | None:
    """The first delimiter, in the order exports use them, that splits several lines (quotes respected) into the
    same number of fields: a comma-separated file whose cells carry tabs inside their quotes is still commas."""
    sample = [line for line in lines if line.strip()]
    for d in _DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(sample, delimiter=d) if len(row) > 1]
        except csv.Error:
            continue
        if widths and widths.count(max(set(widths), key=widths.count)) >= 2:
            return d
    return None


def _looks_tabular(data: bytes) -> bool:
    """Lines that split alike: a CSV, even one in an encoding no export uses (refused when it is read, saying so)."""
    try:
        text, _ = _decode(data[:65536])
    except (TableUndecodable, UnicodeDecodeError):  # the cut may fall inside a character; or no export's encoding
        text = data[:65536].decode("latin-1")
    if "\x00" in text:
        return False
    return _delimiter(text.splitlines()[:200]) is not None


def _checked_size(rows: list[list[str]], limits: LimitSettings, what: str) -> list[list[str]]:
    if len(rows) > limits.table_max_rows:
        raise TableTooLarge(f"{what} holds {len(rows):,} rows; the limit is {limits.table_max_rows:,}")
    widest = max((len(r) for r in rows), default=0)
    if widest > limits.table_max_columns:
        raise TableTooLarge(f"{what} has a row of {widest} columns; the limit is {limits.table_max_columns}")
    return rows


def _read_csv(data: bytes, limits: LimitSettings) -> TableFile:
    text, encoding = _csv_text(data, limits)
    lines = text.splitlines()
    delimiter = _delimiter(lines[:400]) or ","
    try:
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        raise DocumentUnreadable(f"the CSV cannot be split into cells: {exc}") from exc
    return TableFile(format="csv", encoding=encoding, sheets=[Sheet(name="csv", rows=_checked_size(rows, limits,
                                                                                                  "the CSV"))])


def _cell(value: object) -> str:
    """A stored cell as text: numbers without float noise, dates ISO, empty as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return format(value, ".15g") if value != int(value) or abs(value) >= 1e15 else str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _macros_in_ole(data: bytes) -> bool:
    return _utf16("_VBA_PROJECT") in data or _utf16("VBA") + b"\x00\x00" in data


def check_table(data: bytes, media_type: str, limits: LimitSettings) -> None:
    """The cheap refusals, before a table is stored or read: a zip bomb or hostile entry inside an XLSX, macros in
    a workbook, a CSV in no export's encoding or over the row limit. Each raises its own `InputError`."""
    if media_type == XLSX:
        parts = unpack(data, limits, what="XLSX")  # a zip bomb or a hostile name stops here
        if any(name.lower().endswith("vbaproject.bin") for name in parts) or \
                b"macroEnabled" in parts.get("[Content_Types].xml", b""):
            raise TableMacros("the workbook carries macros (VBA)")
    elif media_type == XLS:
        if _macros_in_ole(data):
            raise TableMacros("the workbook carries macros (VBA)")
    else:
        _csv_text(data, limits)


def _csv_text(data: bytes, limits: LimitSettings) -> tuple[str, str]:
    """The CSV's text and encoding, refused before it is split into cells when it holds too many lines."""
    text, encoding = _decode(data)
    if text.count("\n") > limits.table_max_rows:
        raise TableTooLarge(f"the CSV holds over {limits.table_max_rows:,} lines")
    return text, encoding


def _read_workbook(data: bytes, media_type: str, limits: LimitSettings) -> TableFile:
    from python_calamine import CalamineWorkbook

    check_table(data, media_type, limits)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for name in book.sheet_names:
            rows = [[_cell(v) for v in row] for row in book.get_sheet_by_name(name).to_python(skip_empty_area=False)]
            sheets.append(Sheet(name=name, rows=_checked_size(rows, limits, f"sheet {name[:40]!r}")))
    except TableTooLarge:
        raise
    except Exception as exc:  # calamine raises its own error types for a broken workbook
        raise DocumentUnreadable(f"the workbook cannot be read: {type(exc).__name__}: {exc}"[:300]) from exc
    return TableFile(format="xlsx" if media_type == XLSX else "xls", sheets=sheets)


def load_table(data: bytes, media_type: str, limits: LimitSettings) -> TableFile:
    """Every sheet of a tabular upload as rows of text cells, or the specific `InputError` saying why not."""
    if media_type == CSV:
        return _read_csv(data, limits)
    return _read_workbook(data, media_type, limits)
