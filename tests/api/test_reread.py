"""A reviewer has a document read again as another kind: recorded in the trail, decided anew, replay identical."""

from __future__ import annotations

import io

import httpx
from PIL import Image

from attest.audit.chain import load_jsonl, verify_chain
from attest.audit.replay import replay
from attest.review.actions import ReviewAction, Reviewer, ReviewInvalid, apply_review
from attest.store.models import Application

from .conftest import Live, wait_decided
from .test_flow import PDF, SELLER


def _wall() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (900, 700), (120, 130, 125)).save(buf, "PNG")
    return buf.getvalue()


def test_reread_as_a_chosen_kind_is_a_new_round_that_replays(live: Live) -> None:
    tenant = live.tenant()
    headers = live.key(tenant)
    with httpx.Client(base_url=live.url, timeout=60) as c:
        m = c.post("/v1/merchants", json=SELLER, headers=headers).json()
        app = c.post("/v1/applications", json={"merchant_id": m["id"]}, headers=headers).json()
        files = [("files", (PDF.name, PDF.read_bytes(), "application/pdf")), ("files", ("wall.png", _wall(),
                                                                                        "image/png"))]
        assert c.post(f"/v1/applications/{app['id']}/documents", files=files, headers=headers).status_code == 202
        c.post(f"/v1/applications/{app['id']}/submit", headers=headers)
        first = wait_decided(c, app["id"], headers)
        wall = next(d for d in first["documents"] if d["filename"] == "wall.png")
        assert wall["kind"] == "other"
        with live.db.session() as s:
            row = s.get(Application, app["id"])
            assert row is not None
            version = row.version
        reviewer = Reviewer(id="rev_li", username="li.na")
        try:  # the kind must be one a document can be read as
            apply_review(live.db, application_id=app["id"], tenant_id=tenant, reviewer=reviewer,
                         action=ReviewAction("reread", version, reason="门店外墙照片", document_id=wall["id"],
                                             read_as="passport"))
            raise AssertionError("an unknown kind was accepted")
        except ReviewInvalid:
            pass
        apply_review(live.db, application_id=app["id"], tenant_id=tenant, reviewer=reviewer,
                     action=ReviewAction("reread", version, reason="这是门店外墙照片", document_id=wall["id"],
                                         read_as="shop_photo"))
        again = wait_decided(c, app["id"], headers)
        assert next(d for d in again["documents"] if d["filename"] == "wall.png")["kind"] == "shop_photo"
        events = load_jsonl(c.get(f"/v1/applications/{app['id']}/audit", headers=headers).text)
    types = [e.type for e in events]
    assert types.count("decision.made") == 2 and "review.reread" in types
    reread = next(e for e in events if e.type == "review.reread")
    assert reread.payload["read_as"] == "shop_photo" and reread.payload["document"] == wall["id"]
    # The new reading follows the reviewer's event, and replay scores the last reading of every document.
    assert types.index("review.reread") < len(types) - 1 - types[::-1].index("document.processed")
    assert verify_chain(events).ok and replay(events).identical
