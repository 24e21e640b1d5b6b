"""Contract parties as merchants' contracts print them: captions with roles, names beside or after them.

Captions seen on real contracts: `甲方：X`, `甲方（买方）：X`, `委托方（甲方）：` with X in the next box,
`甲方名称：X`, a table cell `甲方` with X in the cell to its right, and in the preamble `X（以下简称甲方）`.
Signature blocks (`甲方（盖章）：`) come last: their names are often cut by the seal or wrapped.
A party is a company, a shop, a department, an institution, a committee or an association (what its name ends
with is data: `contract_layout.yaml organisation`), or a natural person named under the caption.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from attest.data import load, pattern
from attest.extract.invoice.common import field_of
from attest.layout.geometry import Line, same_row
from attest.layout.normalize import squash
from attest.schemas.contract import ContractEvidence
from attest.schemas.evidence import Field


def _re(key: str) -> re.Pattern[str]:
    return pattern("contract_layout", key)


def _clean_name(text: str) -> str:
    name = squash(text).strip(":;,。.")
    name = _re("name_lead").sub("", name)
    return _re("name_tail").sub("", name)


def _looks_like_name(text: str) -> bool:
    return bool(_re("organisation").search(text)) and len(text) >= 4


def _looks_like_person(text: str) -> bool:
    """A natural person's name under a party's caption (`甲方：张伟`), not a blank's label (`甲方：签字`)."""
    return bool(_re("person").match(text)) and not _re("not_person").search(text)


def _value_right(caption: Line, lines: Sequence[Line]) -> Line | None:
    right = [ln for ln in lines if ln is not caption and same_row(caption.box, ln.box)
             and ln.box.x0 >= caption.box.x1 - caption.box.h * 0.5 and ln.box.x0 - caption.box.x1 < caption.box.h * 20]
    return min(right, key=lambda ln: ln.box.x0, default=None)


def _wrapped_name(name: str, line: Line, lines: Sequence[Line], i: int) -> tuple[str, list[Line]]:
    """A long name cut at the line's end continues at the start of the next line (`…有限公` / `司装备…分公司`)."""
    used = [line]
    if _re("organisation_end").search(name):
        return name, used
    for nxt in lines[i + 1: i + 3]:
        text = squash(nxt.text)
        if (0 < nxt.box.y0 - line.box.y1 < line.box.h * 1.2 and abs(nxt.box.x0 - line.box.x0) < line.box.h * 2
                and (m := _re("organisation_end").search(text)) and m.end() <= 16):
            return name + text[: m.end()], [*used, nxt]
    return name, used


def _captions(lines: Sequence[Line]) -> list[tuple[str, str | None, Field[str], bool]]:
    """(side, printed role, name, from a signature block) for every caption whose name can be read."""
    caption = _re("caption")
    out = []
    for ln in lines:
        text = squash(ln.text)
        m = caption.match(text)
        if not m:
            continue
        side = m.group("side") or m.group("side_b")
        role = m.group("role_before") or m.group("role_after")
        signed = bool(m.group("signed"))
        name, used = m.group("name") or "", [ln]
        if not name:
            nxt = _value_right(ln, lines)
            if nxt is None:
                continue
            name, used = squash(nxt.text), [nxt]
        name = _clean_name(name)
        if _looks_like_person(name):
            more = used[-1:]
        else:
            name, more = _wrapped_name(name, used[-1], lines, lines.index(used[-1]))
            if not _looks_like_name(name):
                continue
        out.append((side, role, field_of(name, lines=[*used[:-1], *more], raw=ln.text), signed))
    return out


def party_names(lines: Sequence[Line]) -> set[str]:
    """The names a page prints under its party captions (a contract's head, or its signature block)."""
    return {name.value for _side, _role, name, _signed in _captions(lines)}


def _preamble(lines: Sequence[Line]) -> list[tuple[str, Field[str]]]:
    out = []
    for ln in lines:
        for m in _re("called").finditer(squash(ln.text)):
            name = _clean_name(m.group("name"))
            if _looks_like_name(name):
                out.append((m.group("side"), field_of(name, lines=[ln], raw=m.group(0))))
    return out


def read_parties(lines: Sequence[Line], ev: ContractEvidence) -> None:
    """Both parties with their printed roles: header captions first, then the preamble, then signatures."""
    found: dict[str, Field[str]] = {}
    roles: dict[str, Field[str]] = {}
    captions = _captions(lines)
    for side, role, name, _signed in sorted(captions, key=lambda c: c[3]):  # signature blocks last
        if side not in found:
            found[side] = name
        if role and side not in roles:
            roles[side] = name.model_copy(update={"value": role})
    for side, name in _preamble(lines):
        found.setdefault(side, name)
    for side, key in (("甲方", "a"), ("乙方", "b")):
        if side in found:
            setattr(ev, f"party_{key}", found[side])
        if side in roles:
            setattr(ev, f"party_{key}_role", roles[side])
    _tax_ids(lines, ev)


def _tax_ids(lines: Sequence[Line], ev: ContractEvidence) -> None:
    """A party's code follows its name in the header, or stands in its column of the signature block."""
    tax = pattern("contract_layout", "labels", "tax_id")
    caption = _re("caption")
    for i, ln in enumerate(lines):
        m = caption.match(squash(ln.text))
        if not m:
            continue
        key = "a" if (m.group("side") or m.group("side_b")) == "甲方" else "b"
        if getattr(ev, f"party_{key}_tax_id") is not None:
            continue
        below = [nxt for nxt in lines[i + 1:] if 0 <= nxt.box.y0 - ln.box.y1 < ln.box.h * 12
                 and abs(nxt.box.x0 - ln.box.x0) < ln.box.h * 3]
        for nxt in below:
            t = tax.search(squash(nxt.text))
            if t and (code := re.search(r"[0-9A-Z]{18}", squash(nxt.text)[t.end():])):
                setattr(ev, f"party_{key}_tax_id", field_of(code.group(0), lines=[nxt]))
                break
            if caption.match(squash(nxt.text)):
                break


def supplier_of(lines: Sequence[Line], ev: ContractEvidence) -> None:
    """Who supplies: the printed role says so, else the subject clause (`甲方向乙方采购…`)."""
    roles = load("contract_layout")["roles"]
    for side in ("a", "b"):
        role: Field[str] | None = getattr(ev, f"party_{side}_role")
        name: Field[str] | None = getattr(ev, f"party_{side}")
        other: Field[str] | None = getattr(ev, f"party_{'b' if side == 'a' else 'a'}")
        if role and name and role.value in roles["supplies"]:
            ev.supplier = name.model_copy(update={"lines": role.lines + name.lines})
            return
        if role and other and role.value in roles["buys"]:
            ev.supplier = other.model_copy(update={"confidence": other.confidence * 0.95})
            return
    for ln in lines:
        text = squash(ln.text)
        if m := _re("subject_supplies").search(text):
            chosen = ev.party_a if m.group("side") == "甲方" else ev.party_b
        elif m := _re("subject_buys").search(text):
            chosen = ev.party_b if m.group("side") == "甲方" else ev.party_a
        else:
            continue
        if chosen:
            ev.supplier = chosen.model_copy(update={"lines": [*chosen.lines, ln.id]})
        return
