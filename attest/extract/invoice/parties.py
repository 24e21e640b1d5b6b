"""Buyer and seller blocks: name, tax id, address and phone, bank and account."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from attest.cn.uscc import is_valid_uscc
from attest.data import load
from attest.data import pattern as data_pattern
from attest.extract.invoice.common import field_of, label, stop
from attest.layout.geometry import Box, Line, union
from attest.layout.normalize import squash
from attest.layout.pairing import Hit, labels, value_for
from attest.schemas.evidence import InvoiceEvidence

Party = Literal["buyer", "seller"]
_PARTIES: tuple[Party, Party] = ("buyer", "seller")
_TAX_ID = re.compile(r"[0-9A-Z]{15,20}")
_ORG_NAME = re.compile(r"[\u4e00-\u9fff()]{4,}")
# Under a name label, a person's name will do (a private buyer: 张伟, or 个人).
_LABELLED_NAME = re.compile(r"[\u4e00-\u9fff()]{2,}")


def _marker_boxes(lines: Sequence[Line]) -> dict[Party, Box]:
    """Where the printed 购买方 / 销售方 captions stand (vertical, or split into single characters)."""
    out: dict[Party, Box] = {}
    markers = load("invoice_layout")["party_markers"]
    for party in _PARTIES:
        pattern = re.compile(markers[party])
        found = [ln for ln in lines if pattern.match(squash(ln.text))]
        anchors = [ln for ln in found if data_pattern("invoice_layout", "party_keys", party).search(ln.text)]
        if not anchors:
            continue
        first = min(anchors, key=lambda ln: ln.box.y0)
        # Collect the caption's other characters (方, 信, 息) standing in the same column below it.
        column = [ln for ln in found if abs(ln.box.cx - first.box.cx) < first.box.w * 1.5
                  and ln.box.y0 >= first.box.y0 - first.box.h and ln.box.y0 - first.box.y1 < first.box.h * 6]
        out[party] = union(ln.box for ln in column)
    return out


def _party_of(line: Line, markers: dict[Party, Box]) -> Party | None:
    best: tuple[float, Party] | None = None
    for party, box in markers.items():
        margin = max(box.w, line.box.h) * 1.2
        inside = box.y0 - margin <= line.box.cy <= box.y1 + margin
        if inside and box.x0 <= line.box.x0 + line.box.h:
            gap = line.box.x0 - box.x1
            if best is None or gap < best[0]:
                best = (gap, party)
    return best[1] if best else None


def _inline_anchors(lines: Sequence[Line]) -> list[tuple[Party, Line]]:
    """Lines whose label names its party (`销售方名称:`), in reading order."""
    spec = load("invoice_layout")["party_inline"]
    found: list[tuple[Party, Line]] = []
    for ln in lines:
        text = squash(ln.text)
        for party in _PARTIES:
            if re.match(spec[party], text):
                found.append((party, ln))
    return sorted(found, key=lambda a: (a[1].box.y0, a[1].box.x0))


def _inline_party(hit: Hit, anchors: list[tuple[Party, Line]]) -> Party | None:
    """The party of the nearest label above (or at) the hit that names its party, within a few rows."""
    line = hit.label or hit.lines[0]
    above = [(p, a) for p, a in anchors if a.box.y0 <= line.box.cy and line.box.y0 - a.box.y1 < line.box.h * 4]
    # Side by side (`购买方名称:` | `销售方名称:` on one row), the label in the hit's own column wins.
    best = min(above, key=lambda pa: (abs(pa[1].box.x0 - line.box.x0) > line.box.h * 3, line.box.y0 - pa[1].box.y0),
               default=None)
    return best[0] if best else None


def _assign(hits: list[Hit], markers: dict[Party, Box],
            anchors: list[tuple[Party, Line]] | None = None) -> dict[Party, Hit]:
    """Each party's hit: by caption when both captions were read; else by a label that names its party (roll
    invoices print the seller first); else buyer first in reading order."""
    out: dict[Party, Hit] = {}
    if len(markers) < 2 and anchors:
        rest = []
        for hit in sorted(hits, key=lambda h: ((h.label or h.lines[0]).box.y0, (h.label or h.lines[0]).box.x0)):
            party = _inline_party(hit, anchors)
            if party is not None and party not in out:
                out[party] = hit
            elif party is None:
                rest.append(hit)
        for party in _PARTIES:
            if party not in out and rest:
                out[party] = rest.pop(0)
        return out
    if len(markers) == 2:
        for hit in hits:
            party = _party_of(hit.label or hit.lines[0], markers)
            if party and party not in out:
                out[party] = hit
        return out
    ordered = sorted(hits, key=lambda h: ((h.label or h.lines[0]).box.y0, (h.label or h.lines[0]).box.x0))
    if len(ordered) == 1 and len(markers) == 1:
        party = _party_of(ordered[0].label or ordered[0].lines[0], markers)
        return {party: ordered[0]} if party else {}
    for party, hit in zip(_PARTIES, ordered, strict=False):
        out[party] = hit
    return out


def _hits(lines: Sequence[Line], name: str, value: re.Pattern[str] | None = None, *,
          wrap: bool = False) -> list[Hit]:
    found = []
    for ln, m in labels(lines, label(name)):
        hit = value_for(ln, m, lines, value=value, stop=stop(), wrap=wrap)
        if hit is not None:
            found.append(hit)
    return found


def _name_above(tax_hit: Hit, lines: Sequence[Line]) -> Hit | None:
    """A company name printed without a legible label sits right above its tax id."""
    box = tax_hit.lines[0].box if tax_hit.lines[0] is not tax_hit.label else tax_hit.box
    if box is None:
        return None
    above = [ln for ln in lines if ln.box.y1 <= box.cy and box.y0 - ln.box.y1 < box.h * 2.5
             and abs(ln.box.x0 - box.x0) < box.h * 3 and _ORG_NAME.fullmatch(squash(ln.text))
             and not stop().search(ln.text)]
    if not above:
        return None
    ln = max(above, key=lambda ln: ln.box.y1)
    return Hit(squash(ln.text), [ln])


def _unlabelled_tax_ids(lines: Sequence[Line], taken: list[Hit]) -> list[Hit]:
    """Valid 18-character codes standing alone, their labels unread; seal text (red) never counts."""
    used = {ln.id for h in taken for ln in h.lines}
    out = []
    for ln in lines:
        text = squash(ln.text)
        if ln.id not in used and not ln.seal and is_valid_uscc(text):
            out.append(Hit(text, [ln], ln))
    return out


def read_parties(lines: Sequence[Line], ev: InvoiceEvidence) -> None:
    """Fill buyer_* and seller_* fields of `ev` in place."""
    markers = _marker_boxes(lines)
    anchors = _inline_anchors(lines)
    labelled = [h for h in _hits(lines, "tax_id", _TAX_ID) if _TAX_ID.search(squash(h.text))]
    if len(labelled) < 2:
        labelled += _unlabelled_tax_ids(lines, labelled)
    tax_hits = _assign(labelled, markers, anchors)
    names = [h for h in _hits(lines, "name", wrap=True) if _LABELLED_NAME.search(squash(h.text))]
    name_hits = _assign(names, markers, anchors)
    addr_hits = _assign(_hits(lines, "address_phone", wrap=True), markers, anchors)
    bank_hits = _assign(_hits(lines, "bank_account", wrap=True), markers, anchors)
    for party in _PARTIES:
        tax = tax_hits.get(party)
        if tax is not None:
            m = _TAX_ID.search(squash(tax.text))
            assert m is not None
            setattr(ev, f"{party}_tax_id", field_of(m.group(0), tax))
        name = name_hits.get(party) or (_name_above(tax, lines) if tax else None)
        if name is not None:
            setattr(ev, f"{party}_name", field_of(squash(name.text), name))
        for key, hits in (("address_phone", addr_hits), ("bank_account", bank_hits)):
            hit = hits.get(party)
            if hit is not None:
                setattr(ev, f"{party}_{key}", field_of(hit.text, hit))
