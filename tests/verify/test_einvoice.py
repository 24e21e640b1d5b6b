"""E-invoice files checked against themselves, on real OFD and PDF invoices and tampered copies of them: every
signed file untouched is intact, every tampering fails — a digit changed on the page, a covered file removed, a
signature moved from another file, the attached invoice data edited, the digest recomputed to hide a change,
the signature value altered, a signed byte of a PDF changed — and the data a file carries for machines must
agree with its page."""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from asn1crypto import core, x509

from attest.cn.gm import der_elements, sm3
from attest.ingest import anchors, ingest
from attest.pipeline import Engines, process_document
from attest.schemas.document import DocumentResult
from attest.settings import LimitSettings, OcrSettings

ORIGINALS = Path(__file__).resolve().parents[1] / "data" / "realdocs" / "invoices" / "originals"
SIGNED = [ORIGINALS / "inv06_zhejiang_e_normal_2020_ofd.ofd", ORIGINALS / "inv09_zhejiang_e_normal_2022_ofd.ofd"]
UNSIGNED = ORIGINALS / "inv24_digital_special_2024_wuxi_maintenance.ofd"
SIGNED_PDF = ORIGINALS / "inv16_shanghai_e_normal_catering.pdf"  # a 税控 PDF with a CMS (RSA) signature
pytestmark = pytest.mark.skipif(not all(p.exists() for p in [*SIGNED, UNSIGNED, SIGNED_PDF]),
                                reason="bundled e-invoice files missing")


def _entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _pack(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in entries.items():
            z.writestr(name, body)
    return out.getvalue()


def _edit(path: Path, change: Callable[[dict[str, bytes]], None]) -> bytes:
    entries = _entries(path)
    change(entries)
    return _pack(entries)


def _codes(result: DocumentResult) -> dict[str, str]:
    return {c.code: c.severity for c in result.checks if c.code.startswith("einvoice")}


def _read(data: bytes, engines: Engines) -> DocumentResult:
    return process_document(data, "invoice.ofd", engines=engines)


@pytest.mark.parametrize("path", SIGNED, ids=[p.stem for p in SIGNED])
def test_untouched_signed_files_are_intact_and_agree_with_their_page(path: Path, engines: Engines) -> None:
    result = _read(path.read_bytes(), engines)
    assert _codes(result) == {"einvoice.signature.intact": "pass", "einvoice.signature.signer": "info",
                              "einvoice.data": "pass"}
    report = result.einvoice.signatures[0]  # type: ignore[union-attr]
    assert report.intact and report.issuer == "税务电子证书管理中心(SM2)" and report.seal_name
    assert "not anchored" in next(c.message for c in result.checks if c.code == "einvoice.signature.signer")


def _digit_changed(entries: dict[str, bytes]) -> None:
    page = "Doc_0/Pages/Page_0/Content.xml"
    assert b">510.68<" in entries[page]
    entries[page] = entries[page].replace(b">510.68<", b">910.68<")


def _covered_file_removed(entries: dict[str, bytes]) -> None:
    del entries["Doc_0/Tags/CustomTag.xml"]


def _signature_moved(entries: dict[str, bytes]) -> None:
    other = _entries(SIGNED[1])
    for name in [n for n in entries if n.startswith("Doc_0/Signs/")]:
        del entries[name]
    entries.update({n: b for n, b in other.items() if n.startswith("Doc_0/Signs/")})


def _attachment_edited(entries: dict[str, bytes]) -> None:
    name = "Doc_0/Attachs/original_invoice.xml"
    entries[name] = entries[name].replace("兰溪市悦济舫餐厅".encode(), "兰溪市悦济舫酒楼".encode())


def _digest_recomputed(entries: dict[str, bytes]) -> None:
    """The forger changes the page and writes the new digest into Signature.xml: the signed value then no longer
    matches the description it was made over."""
    page = "Doc_0/Pages/Page_0/Content.xml"
    old = base64.b64encode(sm3(entries[page])).decode()
    _digit_changed(entries)
    new = base64.b64encode(sm3(entries[page])).decode()
    entries["Doc_0/Signs/Sign_0/Signature.xml"] = entries["Doc_0/Signs/Sign_0/Signature.xml"].replace(
        old.encode(), new.encode())


def _signed_value_altered(entries: dict[str, bytes]) -> None:
    value = bytearray(entries["Doc_0/Signs/Sign_0/SignedValue.dat"])
    value[-5] ^= 0x01  # inside the signature's s
    entries["Doc_0/Signs/Sign_0/SignedValue.dat"] = bytes(value)


TAMPERED = [_digit_changed, _covered_file_removed, _signature_moved, _attachment_edited, _digest_recomputed,
            _signed_value_altered]


@pytest.mark.parametrize("tamper", TAMPERED, ids=[t.__name__.strip("_") for t in TAMPERED])
def test_every_tampering_fails_the_signature(tamper: Callable[[dict[str, bytes]], None], engines: Engines) -> None:
    result = _read(_edit(SIGNED[0], tamper), engines)
    assert _codes(result)["einvoice.signature.intact"] == "fail", result.einvoice
    assert "einvoice.signature.signer" not in _codes(result)  # a broken file has no signer to trust


def test_data_inside_the_file_must_agree_with_the_page(engines: Engines) -> None:
    """An unsigned 数电 OFD whose CustomData was edited: the page says one amount, the file's data another."""
    def edit(entries: dict[str, bytes]) -> None:
        entries["OFD.xml"] = entries["OFD.xml"].replace(b'"\xe5\x90\x88\xe8\xae\xa1\xe9\x87\x91\xe9\xa2\x9d">17699.12',
                                                        b'"\xe5\x90\x88\xe8\xae\xa1\xe9\x87\x91\xe9\xa2\x9d">27699.12')
        tags = entries["Doc_0/Tags/CustomTag.xml"]
        entries["Doc_0/Tags/CustomTag.xml"] = tags.replace(b"<ofd:TaxExclusiveTotalAmount>", b"<ofd:Ignored>", 1)

    result = _read(_edit(UNSIGNED, edit), engines)
    assert _codes(result) == {"einvoice.data": "fail"}
    check = next(c for c in result.checks if c.code == "einvoice.data")
    assert check.details["total_amount_excl_tax"] == "file=27699.12 page=17699.12"


def test_a_signer_the_bank_anchors_is_trusted(monkeypatch: pytest.MonkeyPatch, engines: Engines) -> None:
    """Trust anchors are data a bank fills; with the signer's certificate among them the signer is trusted."""
    doc = ingest(SIGNED[0].read_bytes(), "a.ofd", limits=LimitSettings(), ocr=OcrSettings())
    digest = doc.einvoice.signatures[0].certificate_sha256  # type: ignore[union-attr]
    signed_value = core.load(_entries(SIGNED[0])["Doc_0/Signs/Sign_0/SignedValue.dat"])
    cert = x509.Certificate.load(bytes(der_elements(signed_value)[1].contents))  # the signer's, after toSign
    monkeypatch.setattr(anchors, "trust_anchors", lambda: (cert,))
    result = _read(SIGNED[0].read_bytes(), engines)
    assert _codes(result)["einvoice.signature.signer"] == "pass"
    assert result.einvoice.signatures[0].anchored and result.einvoice.signatures[0].certificate_sha256 == digest  # type: ignore[union-attr]


def test_an_untouched_signed_pdf_is_intact(engines: Engines) -> None:
    result = _read_pdf(SIGNED_PDF.read_bytes(), engines)
    assert _codes(result) == {"einvoice.signature.intact": "pass", "einvoice.signature.signer": "info"}
    report = result.einvoice.signatures[0]  # type: ignore[union-attr]
    assert report.signer == "阔客（上海）餐饮服务有限公司" and report.issuer == "NXCA"


def _pdf_signed_byte_changed(data: bytearray) -> None:
    at = data.find(b"/CreationDate")
    assert 0 < at < data.find(b"/Contents <")  # inside the first signed byte range
    data[at + 20] = ord("9") if data[at + 20] != ord("9") else ord("8")


def _pdf_signature_value_changed(data: bytearray) -> None:
    start = data.find(b"/Contents <") + len(b"/Contents <")
    end = start + len(bytes(data[start:data.find(b">", start)]).rstrip(b"0"))
    at = end - 12  # inside the signature value, the last field of the CMS signer info
    data[at] = ord("a") if data[at] != ord("a") else ord("b")


PDF_TAMPERED = [_pdf_signed_byte_changed, _pdf_signature_value_changed]


@pytest.mark.parametrize("tamper", PDF_TAMPERED, ids=[t.__name__.strip("_") for t in PDF_TAMPERED])
def test_a_tampered_signed_pdf_fails(tamper: Callable[[bytearray], None], engines: Engines) -> None:
    data = bytearray(SIGNED_PDF.read_bytes())
    tamper(data)
    assert _codes(_read_pdf(bytes(data), engines))["einvoice.signature.intact"] == "fail"


def _read_pdf(data: bytes, engines: Engines) -> DocumentResult:
    return process_document(data, "invoice.pdf", engines=engines)
