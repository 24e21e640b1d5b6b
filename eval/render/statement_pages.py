"""A bank statement printed on pages: a text PDF as online banking exports it (fpdf2, a CJK font embedded, the
header repeated on every page), and the same pages drawn as pictures — what a branch prints and stamps, scanned
or photographed. The columns are the bank layout's (`eval.render.statement`): date, time, currency, signed amount,
balance, memo, counterparty; the holder, the account and the period above the table."""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime

from PIL import Image, ImageDraw

from attest.cn.fonts import cjk_font
from eval.render.statement import StatementTruth, table_of

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
# Column left edges in millimetres on an A4 page, for each of the bank layout's seven columns.
_COLUMNS_MM = (12, 36, 56, 70, 98, 128, 158)
_ROWS_PER_PAGE = 38


def _split(t: StatementTruth) -> tuple[list[list[str]], list[str], list[list[str]]]:
    """The bank layout as (lines above the table, its header, its rows)."""
    if t.layout != "bank":
        raise ValueError("printed statements are drawn in the bank layout")
    rows = table_of(t)
    at = next(i for i, r in enumerate(rows) if r and r[0] == "记账日期")
    return rows[:at], rows[at], rows[at + 1:]


def _pages(body: list[list[str]]) -> list[list[list[str]]]:
    return [body[i:i + _ROWS_PER_PAGE] for i in range(0, len(body), _ROWS_PER_PAGE)] or [[]]


def statement_pdf(t: StatementTruth, *, producer: str | None = None) -> bytes:
    """A text PDF: every value is text the PDF's own layer holds; written by the bank's system unless `producer`
    names another program."""
    return _pdf(*_split(t), producer=producer)


def spliced_pdf(t: StatementTruth, other: StatementTruth) -> bytes:
    """`t`'s statement with its second page taken from another statement (its rows and their balances)."""
    above, header, body = _split(t)
    theirs = _split(other)[2]
    return _pdf(above, header, body[:_ROWS_PER_PAGE] + theirs[_ROWS_PER_PAGE:2 * _ROWS_PER_PAGE]
                + body[2 * _ROWS_PER_PAGE:])


def _pdf(above: list[list[str]], header: list[str], body: list[list[str]], *, producer: str | None = None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_producer(producer or "NetBank Statement Service 5.2")
    pdf.set_creator("NetBank Statement Service 5.2")
    pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))  # fixed: the same truth gives the same bytes
    pdf.add_font("cjk", fname=FONT)
    for n, rows in enumerate(_pages(body)):
        pdf.add_page()
        pdf.set_font("cjk", size=9)
        y = 14.0
        if n == 0:
            for line in above:
                pdf.text(12, y, " ".join(line))
                y += 7
        for x, text in zip(_COLUMNS_MM, header, strict=True):
            pdf.text(x, y, text)
        y += 6
        for row in rows:
            for x, text in zip(_COLUMNS_MM, row, strict=True):
                pdf.text(x, y, text[:14])
            y += 6.5
    return bytes(pdf.output())


def statement_images(t: StatementTruth, rng: random.Random, *, dpi: int = 160) -> list[Image.Image]:
    """The pages as a branch prints them (A4 at `dpi`), a red stamp on the last."""
    above, header, body = _split(t)
    scale = dpi / 25.4
    font = cjk_font(FONT, round(3.2 * scale))
    out = []
    pages = _pages(body)
    for n, rows in enumerate(pages):
        img = Image.new("RGB", (round(210 * scale), round(297 * scale)), (250, 249, 245))
        d = ImageDraw.Draw(img)
        y = 10.0
        if n == 0:
            for line in above:
                d.text((12 * scale, y * scale), " ".join(line), font=font, fill=(25, 25, 25))
                y += 7
        for x, text in zip(_COLUMNS_MM, header, strict=True):
            d.text((x * scale, y * scale), text, font=font, fill=(25, 25, 25))
        d.line((10 * scale, (y + 5) * scale, 200 * scale, (y + 5) * scale), fill=(80, 80, 80), width=2)
        y += 6.5
        for row in rows:
            for x, text in zip(_COLUMNS_MM, row, strict=True):
                d.text((x * scale, y * scale), text[:14], font=font, fill=(25, 25, 25))
            y += 6.5
        if n == len(pages) - 1:  # the branch's stamp beside the last rows
            cx, cy, r = 160 * scale, (y + 18) * scale, 17 * scale
            d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(210, 40, 40), width=round(0.8 * scale))
            d.text((cx - 9 * scale, cy - 2 * scale), "业务专用章", font=font, fill=(210, 40, 40))
        out.append(img)
    return out


def photographed(img: Image.Image, rng: random.Random) -> bytes:
    """A phone photo of a printed page: slightly turned, light falling off, JPEG."""
    img = img.rotate(rng.uniform(-1.5, 1.5), expand=True, fillcolor=(120, 110, 95), resample=Image.Resampling.BICUBIC)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rng.randint(80, 92))
    return buf.getvalue()


def recomputed_edit(truth: StatementTruth, rng: random.Random, *, how: str) -> bytes:
    """An amount raised and every balance after it recomputed, so the statement agrees with itself; only the PDF
    tells: saved by an editor (`how="editor"`), or updated in place after it was written (`how="update"`)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    ins = [r for r in truth.rows if r.direction == "in"]
    row = max(ins, key=lambda r: r.amount)
    row.amount = (row.amount * rng.randint(3, 9)).quantize(row.amount)
    data = statement_pdf(truth, producer="Adobe Acrobat Pro 2024" if how == "editor" else None)
    if how == "editor":
        return data
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    writer.root["/PageLayout"] = generic.NameObject("/OneColumn")
    writer.update_root()  # type: ignore[no-untyped-call]
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


def edited_after_seal(data: bytes) -> bytes:
    """A sealed statement opened in an editor and saved: the first page's content written anew in an update after
    the seal (what an editor does to change a figure), the seal left in place."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    kids = writer.root["/Pages"].raw_get("/Kids")
    first = (kids.get_object() if hasattr(kids, "get_object") else kids).raw_get(0)
    page = first.get_object()
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 9 Tf 40 780 Td (9) Tj ET"))
    writer.mark_update(first)
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


def printed_table(rows: list[list[str]]) -> bytes:
    """Any table of cells (a real export's sheet) printed as a text PDF the way a statement printer lays one out:
    each column as wide as its widest cell, the header repeated on every page. How a real export's own columns,
    blanks and long names read once printed."""
    from fpdf import FPDF

    from attest.extract.statement_rows import find_columns
    from attest.schemas.table import Sheet

    width = max(len(r) for r in rows)
    grid = [[c.strip() for c in r] + [""] * (width - len(r)) for r in rows]
    found = find_columns(Sheet(name="printed", rows=grid))  # the header row, as the reader finds it
    at = found.header_row if found is not None else 0
    chars = [min(max((len(r[j]) for r in grid[at:]), default=1), 18) for j in range(width)]
    size = min(8.0, 270 / max(sum(c + 2 for c in chars), 1) * 2.2)  # font size (pt) that fits the page's width
    lefts = [12 + sum(c + 2 for c in chars[:j]) * size * 0.36 for j in range(width)]
    pdf = FPDF(format="A4", orientation="landscape")
    pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))
    pdf.add_font("cjk", fname=FONT)
    body = grid[at + 1:]
    for n in range(0, max(len(body), 1), _ROWS_PER_PAGE - 10):
        pdf.add_page()
        pdf.set_font("cjk", size=size)
        y = 12.0
        for line in (grid[:at] if n == 0 else []):
            if any(line):
                pdf.text(12, y, " ".join(c for c in line if c))
                y += size * 0.6
        for page_row in [grid[at], *body[n:n + _ROWS_PER_PAGE - 10]]:
            for x, text in zip(lefts, page_row, strict=True):
                if text:
                    pdf.text(x, y, text[:18])
            y += size * 0.6
    return bytes(pdf.output())
