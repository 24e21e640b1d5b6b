"""Synthetic OFD e-invoices (`eval/render/ofd.py`): the renderers' invoices as OFD files, read back field for
field, and signed by a test signer under a test CA (SM2, `eval/render/sm2_pki.py`) — so the chain to a trust
anchor is checked with real signatures, not only the real files' unanchored ones."""

from __future__ import annotations

import io
import random
import zipfile
from datetime import date

import pytest

from attest.extract.flat import flat_fields
from attest.ingest import anchors
from attest.pipeline import Engines, process_document
from eval.realdocs import JUDGED
from eval.render.ofd import Signer, invoice_ofd
from eval.render.sm2_pki import certificate, key_from_seed
from eval.render.truth import make_truth

CA_KEY, SIGNER_KEY = key_from_seed("test-ca"), key_from_seed("test-signer")
CA = certificate("测试税务电子证书管理中心", CA_KEY, "测试税务电子证书管理中心", CA_KEY, serial=1)
SIGNER = Signer(SIGNER_KEY, certificate("测试省税务局发票监制章", SIGNER_KEY, "测试税务电子证书管理中心", CA_KEY,
                                        serial=2))


def _invoice(seed: int, signer: Signer | None = None):  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    truth = make_truth(rng, date(2026, 11, 28))
    return truth, invoice_ofd(truth, rng, signer=signer)


@pytest.mark.parametrize("seed", range(1, 7))
def test_a_synthetic_ofd_reads_back_every_header_field(seed: int, engines: Engines) -> None:
    truth, data = _invoice(seed)
    result = process_document(data, "synthetic.ofd", engines=engines)
    flat, want = flat_fields(result), truth.flat()
    wrong = {k: (flat.get(k), want.get(k)) for k in JUDGED["invoice"] if k in want and str(flat.get(k) or "")
             .replace(" ", "") != str(want.get(k) or "").replace(" ", "")}
    assert not wrong, wrong
    assert {c.code: c.severity for c in result.checks if c.code == "einvoice.data"} == {"einvoice.data": "pass"}


def test_a_signer_under_an_anchored_authority_is_trusted(monkeypatch: pytest.MonkeyPatch, engines: Engines) -> None:
    _, data = _invoice(11, SIGNER)
    before = {c.code: c.severity for c in process_document(data, "s.ofd", engines=engines).checks
              if c.code.startswith("einvoice.signature")}
    assert before == {"einvoice.signature.intact": "pass", "einvoice.signature.signer": "info"}
    monkeypatch.setattr(anchors, "trust_anchors", lambda: (CA,))  # the bank anchors the authority, not the signer
    result = process_document(data, "s.ofd", engines=engines)
    report = result.einvoice.signatures[0]  # type: ignore[union-attr]
    assert report.anchored and report.signer == "测试省税务局发票监制章" and report.seal_name == "测试发票专用章"
    assert {c.code: c.severity for c in result.checks if c.code == "einvoice.signature.signer"} == {
        "einvoice.signature.signer": "pass"}


def test_a_certificate_the_anchor_did_not_sign_is_not_anchored(monkeypatch: pytest.MonkeyPatch,
                                                               engines: Engines) -> None:
    """A forger's own CA with the anchor's name: the name matches, the signature under the anchor's key does
    not."""
    forger = key_from_seed("forger")
    fake = Signer(SIGNER_KEY, certificate("测试省税务局发票监制章", SIGNER_KEY, "测试税务电子证书管理中心", forger,
                                          serial=3))
    _, data = _invoice(12, fake)
    monkeypatch.setattr(anchors, "trust_anchors", lambda: (CA,))
    result = process_document(data, "s.ofd", engines=engines)
    assert result.einvoice.signatures[0].intact and not result.einvoice.signatures[0].anchored  # type: ignore[union-attr]


def test_a_changed_byte_in_a_synthetic_signed_ofd_fails(engines: Engines) -> None:
    _, data = _invoice(13, SIGNER)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        entries = {n: z.read(n) for n in z.namelist()}
    page = "Doc_0/Pages/Page_0/Content.xml"
    entries[page] = entries[page].replace(b"<ofd:TextCode X=\"0\"", b"<ofd:TextCode X=\"1\"", 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, body in entries.items():
            z.writestr(name, body)
    result = process_document(out.getvalue(), "s.ofd", engines=engines)
    assert {c.code: c.severity for c in result.checks}["einvoice.signature.intact"] == "fail"
