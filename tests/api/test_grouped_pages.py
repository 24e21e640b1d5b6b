"""A contract photographed page by page, uploaded over two requests under one group id, is read as one
multi-page document; a PDF in a group is refused with the reason."""

from __future__ import annotations

import io
import random
from datetime import date

import httpx
import pytest

from eval.render.contract import make_contract, render_contract

from .conftest import Live, wait_decided
from .test_flow import PDF, SELLER


def _jpeg(image) -> bytes:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "JPEG", quality=90)
    return buf.getvalue()


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_pages_of_one_contract_become_one_document(live: Live) -> None:
    rng = random.Random(8)
    truth = make_contract(rng, date(2026, 11, 1), supplier=(SELLER["name"], SELLER["uscc"]))
    pages = [_jpeg(p) for p in render_contract(truth, rng)]
    assert len(pages) >= 2
    headers = live.key(live.tenant())
    with httpx.Client(base_url=live.url, timeout=60) as c:
        m = c.post("/v1/merchants", json=SELLER, headers=headers).json()
        app = c.post("/v1/applications", json={"merchant_id": m["id"]}, headers=headers).json()
        url = f"/v1/applications/{app['id']}/documents"
        first = [("files", (f"p{i}.jpg", data, "image/jpeg")) for i, data in enumerate(pages[:1])]
        rest = [("files", (f"p{i + 1}.jpg", data, "image/jpeg")) for i, data in enumerate(pages[1:])]
        assert c.post(url, files=first, data={"group_id": "contract-1"}, headers=headers).status_code == 202
        assert c.post(url, files=rest, data={"group_id": "contract-1"}, headers=headers).status_code == 202
        assert c.post(url, files=[("files", (PDF.name, PDF.read_bytes(), "application/pdf"))],
                      data={"group_id": "bad"}, headers=headers).status_code == 202
        assert c.post(f"/v1/applications/{app['id']}/submit", headers=headers).status_code == 202
        done = wait_decided(c, app["id"], headers)
    statuses = {d["filename"]: (d["status"], d["kind"]) for d in done["documents"]}
    assert statuses["p0.jpg"] == ("done", "contract")
    assert all(statuses[f"p{i}.jpg"] == ("grouped", None) for i in range(1, len(pages)))
    bad = next(d for d in done["documents"] if d["filename"] == PDF.name)
    assert bad["status"] == "refused" and bad["error"]["code"] == "input.unsupported_media_type"
    with httpx.Client(base_url=live.url, timeout=60) as c:
        lead = c.get(f"/v1/documents/{next(d['id'] for d in done['documents'] if d['filename'] == 'p0.jpg')}",
                     headers=headers).json()
    assert lead["result"]["pages"] == len(pages)
    assert lead["result"]["contract"]["party_b"]["value"] == SELLER["name"] or \
        lead["result"]["contract"]["party_a"]["value"] == SELLER["name"]
