"""OFD e-invoice files: read from the file's own text, no OCR, every page drawn; and hostile zips, each refused
with its own error, memory bounded, the process alive."""

from __future__ import annotations

import io
import resource
import zipfile
from pathlib import Path

import pytest

from attest import errors
from attest.ingest import ingest
from attest.ingest.ofd import check_container
from attest.settings import LimitSettings, OcrSettings

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "realdocs" / "invoices" / "originals"
OFDS = sorted(BUNDLED.glob("*.ofd"))
INV24 = BUNDLED / "inv24_digital_special_2024_wuxi_maintenance.ofd"

_PAGE = """<?xml version="1.0" encoding="UTF-8"?>
<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Area><ofd:PhysicalBox>0 0 {w} {h}</ofd:PhysicalBox></ofd:Area>
<ofd:Content><ofd:Layer ID="2">
<ofd:TextObject ID="3" Boundary="10 10 100 8" Font="1" Size="5">
<ofd:TextCode X="0" Y="5" DeltaX="{dx}">{text}</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>"""
_DOC = """<?xml version="1.0" encoding="UTF-8"?>
<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 140
</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/>
</ofd:Pages></ofd:Document>"""
_ROOT = """<?xml version="1.0" encoding="UTF-8"?>
<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" DocType="OFD" Version="1.0"><ofd:DocBody>
<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"""


def _zip(entries: list[tuple[str, bytes]], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for name, body in entries:
            z.writestr(name, body)
    return out.getvalue()


def _ofd(*, text: str = "电子发票（普通发票）发票号码：24322000000489101796", w: str = "210", h: str = "140",
         dx: str = "g 40 5", root: str = _ROOT, extra: tuple[tuple[str, bytes], ...] = ()) -> bytes:
    return _zip([("OFD.xml", root.encode()), ("Doc_0/Document.xml", _DOC.encode()),
                 ("Doc_0/Pages/Page_0/Content.xml", _PAGE.format(w=w, h=h, dx=dx, text=text).encode()), *extra])


def _read(data: bytes, limits: LimitSettings | None = None):  # type: ignore[no-untyped-def]
    return ingest(data, "upload.ofd", limits=limits or LimitSettings(), ocr=OcrSettings())


def test_a_minimal_ofd_is_read_from_its_text_without_ocr() -> None:
    doc = _read(_ofd())
    assert doc.media_type == "application/ofd" and len(doc.pages) == 1
    layer = doc.pages[0].text_layer
    assert layer is not None and layer.engine == "ofd-text"
    assert [ln.text for ln in layer.lines] == ["电子发票（普通发票）发票号码：24322000000489101796"]
    assert doc.pages[0].image.size == (2000, 1333)  # 210 × 140 mm at the PDF render width
    left, top, _right, bottom = layer.lines[0].bbox
    assert left >= 10 * 2000 / 210 - 1 and top < 15 * 2000 / 210 < bottom  # where the file puts it, in pixels
    assert doc.pages[0].image.convert("L").getextrema()[0] < 100  # the text is drawn, not only read


@pytest.mark.skipif(not OFDS, reason="the bundled OFD originals are missing")
@pytest.mark.parametrize("path", OFDS, ids=[p.stem for p in OFDS])
def test_real_ofd_invoices_become_pages_with_their_text(path: Path) -> None:
    doc = _read(path.read_bytes())
    first = doc.pages[0]
    assert first.text_layer is not None and first.text_layer.engine == "ofd-text"
    text = "".join(ln.text for ln in first.text_layer.lines)
    assert "发票" in text and any(ch.isdigit() for ch in text)
    assert first.image.convert("L").getextrema()[0] < 100


@pytest.mark.skipif(not INV24.exists(), reason="the bundled OFD originals are missing")
def test_a_templated_ofd_merges_its_template_and_its_qr_code_is_drawn() -> None:
    from attest.extract.invoice.qr import decode_qr

    doc = _read(INV24.read_bytes())
    lines = [ln.text for ln in doc.pages[0].text_layer.lines]  # type: ignore[union-attr]
    assert "电子发票（增值税专用发票）" in lines  # from Tpls/Tpl_0, under the page's own values
    assert "发票号码：24322000000489101796" in lines  # caption and value side by side, one line as OCR reads it
    qr = decode_qr(doc.pages[0].image)
    assert qr is not None and "24322000000489101796" in qr


def _encrypted() -> bytes:
    """An entry flagged encrypted (zipfile cannot write one: the flag is set in both headers by hand)."""
    data = bytearray(_zip([("OFD.xml", _ROOT.encode())]))
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    data[local + 6] |= 0x1
    data[central + 8] |= 0x1
    return bytes(data)


def _duplicate() -> bytes:
    out = io.BytesIO()
    with pytest.warns(UserWarning), zipfile.ZipFile(out, "w") as z:
        z.writestr("OFD.xml", _ROOT)
        z.writestr("OFD.xml", _ROOT)
    return out.getvalue()


_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
           '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
           '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocRoot>&d;</ofd:DocRoot>'
           '</ofd:DocBody></ofd:OFD>')

HOSTILE = [
    ("too many entries", lambda: _zip([("OFD.xml", _ROOT.encode())] + [(f"f{i}", b"x") for i in range(600)]),
     errors.ArchiveTooManyEntries),
    ("a zip bomb", lambda: _zip([("OFD.xml", _ROOT.encode()), ("Doc_0/bomb.xml", b"\0" * (12 * 1024 * 1024))]),
     errors.ArchiveRatio),
    ("an entry past its size", lambda: _zip([("OFD.xml", _ROOT.encode()), ("big.bin", b"x" * (17 * 1024 * 1024))],
                                            method=zipfile.ZIP_STORED), errors.ArchiveTooLarge),
    ("a path that climbs out", lambda: _zip([("OFD.xml", _ROOT.encode()), ("../../etc/cron.d/x", b"x")]),
     errors.ArchivePath),
    ("an absolute path", lambda: _zip([("OFD.xml", _ROOT.encode()), ("/etc/passwd", b"x")]), errors.ArchivePath),
    ("a backslash path", lambda: _zip([("OFD.xml", _ROOT.encode()), ("..\\..\\x", b"x")]), errors.ArchivePath),
    ("a duplicate name", _duplicate, errors.ArchiveDuplicate),
    ("an encrypted entry", _encrypted, errors.ArchiveEncrypted),
    ("a zip that is no OFD", lambda: _zip([("word/document.xml", b"<w/>"), ("[Content_Types].xml", b"<T/>")]),
     errors.UnsupportedMediaType),
    ("a truncated zip", lambda: _ofd()[:200], errors.DocumentUnreadable),
    ("entities in the XML", lambda: _ofd(root=_LAUGHS), errors.DocumentUnreadable),
    ("a document it does not hold", lambda: _ofd(root=_ROOT.replace("Doc_0/Document.xml", "Doc_9/Document.xml")),
     errors.DocumentUnreadable),
    ("a sliver page five metres tall", lambda: _ofd(w="1", h="4999"), errors.ImageTooLarge),
    ("a page of no size", lambda: _ofd(w="0", h="140"), errors.DocumentUnreadable),
]


@pytest.mark.parametrize(("name", "make", "error"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_ofd_is_refused_with_its_own_error(name: str, make, error: type[Exception]) -> None:  # type: ignore[no-untyped-def]
    data = make()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(error):
        _read(data)
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024 < 200, name  # MiB: bounded


@pytest.mark.parametrize(("name", "make", "error"), HOSTILE[:9], ids=[h[0] for h in HOSTILE[:9]])
def test_the_upload_check_refuses_what_ingest_refuses(name: str, make, error: type[Exception]) -> None:  # type: ignore[no-untyped-def]
    """The container rules run at upload, before anything is stored (the page rules wait for the worker)."""
    with pytest.raises(error):
        check_container(make(), LimitSettings())


def test_a_run_length_in_deltax_cannot_blow_up() -> None:
    doc = _read(_ofd(dx="g 1000000000 1"))
    assert doc.pages[0].text_layer is not None  # read as usual: the run is capped, not expanded


def test_junk_inside_an_ofd_page_is_skipped_not_fatal() -> None:
    page = _PAGE.replace('<ofd:TextObject ID="3"', '<ofd:PathObject ID="9" Boundary="a b c d"><ofd:AbbreviatedData>'
                         'M 0 0 L x y B 1 2 3 Q</ofd:AbbreviatedData></ofd:PathObject><ofd:ImageObject ID="8" '
                         'ResourceID="404" Boundary="0 0 1 1"/><ofd:TextObject ID="3"')
    data = _zip([("OFD.xml", _ROOT.encode()), ("Doc_0/Document.xml", _DOC.encode()),
                 ("Doc_0/Pages/Page_0/Content.xml",
                  page.format(w="210", h="140", dx="g 40 5", text="电子发票（普通发票）发票号码：2432200").encode())])
    doc = _read(data)
    assert doc.pages[0].text_layer is not None and "发票号码" in doc.pages[0].text_layer.lines[0].text
