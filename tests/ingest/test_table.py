"""Statement exports read as tables: every real export format of `../shared/realdocs/flows/` (Alipay's GBK CSV,
WeChat Pay's CSV and XLSX, banks' CSV and XLS) told apart by its bytes and read into cells; hostile tables each
refused with their own error."""

from __future__ import annotations

import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from attest.errors import ArchiveRatio, DocumentUnreadable, TableMacros, TableTooLarge, TableUndecodable
from attest.ingest.table import CSV, XLS, XLSX, load_table, sniff_table
from attest.settings import LimitSettings

FLOWS = Path(__file__).resolve().parents[3] / "shared" / "realdocs" / "flows"
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
LIMITS = LimitSettings()
pytestmark = pytest.mark.skipif(not (FLOWS / "labels.json").exists(), reason="shared/realdocs/flows not beside")


def _numbers(cell: str) -> set[Decimal]:
    return {abs(Decimal(n)) for n in re.findall(r"-?\d+(?:\.\d+)?", cell.replace(",", ""))}


def _labels() -> list[dict]:
    return json.loads((FLOWS / "labels.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("entry", _labels() if (FLOWS / "labels.json").exists() else [], ids=lambda e: e["file"])
def test_every_real_export_is_sniffed_and_read(entry: dict) -> None:
    data = (FLOWS / entry["file"]).read_bytes()
    media_type = sniff_table(data)
    assert media_type == {"csv": CSV, "xls": XLS, "xlsx": XLSX}[entry["format"]]
    table = load_table(data, media_type, LIMITS)
    cells = {c for sheet in table.sheets for row in sheet.rows for c in row}
    # The first labelled row's amount is among the cells (as text or as a number), whatever the encoding.
    amount = Decimal(entry["first_rows"][0]["amount"])
    assert any(amount in _numbers(c) for c in cells), amount
    if entry["file"] == "alipay_records.csv":
        assert table.encoding == "gb18030" and any("支付宝" in c for c in cells)


def test_other_files_are_not_tables() -> None:
    ofd = next(SAMPLES.parent.glob("realdocs/invoices/originals/*.ofd")).read_bytes()
    assert sniff_table(ofd) is None  # a zip, but no workbook in it
    assert sniff_table(b"not a photo") is None and sniff_table(b"one line, with a comma\n") is None
    word = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + bytes(600)
    assert sniff_table(word) is None
    assert sniff_table((SAMPLES / next(p.name for p in SAMPLES.glob("*.jpg"))).read_bytes()) is None


def _xlsx_with(extra: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(FLOWS / "wechat_records.xlsx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            z.writestr(info.filename, source.read(info.filename))
        for name, body in extra.items():
            z.writestr(name, body)
    return out.getvalue()


def test_hostile_tables_are_refused_each_with_its_own_error() -> None:
    with pytest.raises(TableMacros):
        load_table(_xlsx_with({"xl/vbaProject.bin": b"\x00" * 512}), XLSX, LIMITS)
    with pytest.raises(ArchiveRatio):  # a zip bomb inside a workbook: the OFD unpacking limits apply
        load_table(_xlsx_with({"xl/worksheets/sheet9.xml": b"<a/>" * 4_000_000}), XLSX, LIMITS)
    ole_macro = (FLOWS / "ccb_debit.xls").read_bytes() + "_VBA_PROJECT".encode("utf-16-le")
    with pytest.raises(TableMacros):
        load_table(ole_macro, XLS, LIMITS)
    many = ("时间,金额\n" + "2025-01-01,1.00\n" * 300).encode()
    with pytest.raises(TableTooLarge, match="over 100 lines"):
        load_table(many, CSV, LimitSettings(table_max_rows=100))
    wide = (",".join(["x"] * 150) + "\n") * 3
    with pytest.raises(TableTooLarge, match="150 columns"):
        load_table(wide.encode(), CSV, LIMITS)
    with pytest.raises(TableUndecodable):
        load_table(b"a,b\n\xff\xfe\xff,c\n", CSV, LIMITS)
    with pytest.raises(DocumentUnreadable):
        load_table(b"PK\x03\x04" + b"\x00" * 200, XLSX, LIMITS)
