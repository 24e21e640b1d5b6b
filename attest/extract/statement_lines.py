"""A statement printed on pages (a bank's PDF, or a photo or scan of a branch printout) as rows of cells, so that
the one statement reader (`extract_statement`) reads it as it reads an export. The page's lines — the PDF's text
layer or OCR, one format — are grouped into rows by where they sit; on each page the table's header row gives the
columns, and every line below it goes to the column it lies under. The rows of all pages form one sheet named
`pages`, so a transaction's provenance is its row there (the title lines, the header, then each page's rows)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from attest.extract.statement_rows import find_columns
from attest.schemas.ocr import OcrPage
from attest.schemas.table import Sheet, TableFile


@dataclass(frozen=True)
class _Cell:
    text: str
    left: float
    right: float


def _rows(page: OcrPage) -> list[list[_Cell]]:
    """The page's lines grouped into printed rows, top to bottom, each row left to right: a line joins the row
    whose middle lies within half a line height of its own."""
    boxes = [(ln.text.strip(), ln.bbox) for ln in page.lines if ln.text.strip() and not ln.overlay]
    if not boxes:
        return []
    height = statistics.median(b[3] - b[1] for _, b in boxes) or 1.0
    rows: list[tuple[float, list[tuple[str, tuple[float, float, float, float]]]]] = []
    for text, box in sorted(boxes, key=lambda tb: tb[1][1] + tb[1][3]):
        middle = (box[1] + box[3]) / 2
        if rows and abs(middle - rows[-1][0]) <= height * 0.5:
            members = rows[-1][1]
            members.append((text, box))
            rows[-1] = (rows[-1][0] + (middle - rows[-1][0]) / len(members), members)  # the running mean
        else:
            rows.append((middle, [(text, box)]))
    return [[_Cell(text, box[0], box[2]) for text, box in sorted(members, key=lambda tb: tb[1][0])]
            for _, members in rows]


def _column(cell: _Cell, header: list[_Cell]) -> int:
    """The header column a cell lies under: the one it overlaps most, else the nearest."""
    def overlap(h: _Cell) -> float:
        return min(cell.right, h.right) - max(cell.left, h.left)

    best = max(range(len(header)), key=lambda i: overlap(header[i]))
    if overlap(header[best]) > 0:
        return best
    middle = (cell.left + cell.right) / 2
    return min(range(len(header)), key=lambda i: abs((header[i].left + header[i].right) / 2 - middle))


def _gridded(rows: list[list[_Cell]], header: list[_Cell]) -> list[list[str]]:
    out = []
    for row in rows:
        cells = [""] * len(header)
        for cell in row:
            i = _column(cell, header)
            cells[i] = f"{cells[i]} {cell.text}".strip()
        out.append(cells)
    return out


def _header_at(rows: list[list[_Cell]]) -> int | None:
    found = find_columns(Sheet(name="page", rows=[[c.text for c in row] for row in rows]))
    return found.header_row if found is not None else None


def table_of_pages(pages: list[OcrPage]) -> TableFile:
    """The pages as one sheet: the lines above the first header as printed, each page's rows below its header
    (or below the first page's header, where a page does not repeat it) put under the header's columns."""
    out: list[list[str]] = []
    header: list[_Cell] | None = None
    for page in pages:
        rows = _rows(page)
        at = _header_at(rows)
        if at is not None:
            top, header = rows[:at], rows[at]
            if not out:
                out += [[c.text for c in row] for row in top]
                out.append([c.text for c in header])
            out += _gridded(rows[at + 1:], header)
        elif header is not None:
            out += _gridded(rows, header)
        else:
            out += [[c.text for c in row] for row in rows]
    return TableFile(format="pages", encoding=None, sheets=[Sheet(name="pages", rows=out)])
