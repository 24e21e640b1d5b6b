"""数电 invoices print address, phone and bank of the parties inside 备注; read them back into the fields."""

from __future__ import annotations

import re

from attest.schemas.evidence import Field, InvoiceEvidence

_SEP = r"[;,]?\s*"
_ADDR = re.compile(r"(购买?方?|销售?方?)地址:?\s*(?P<addr>[^;]+?)" + _SEP + r"电话:?\s*(?P<phone>[^;]*)")
_BANK = re.compile(r"(购买?方?|销售?方?)开户银行:?\s*(?P<bank>[^;]+?)" + _SEP + r"银行账号:?\s*(?P<acct>[^;]*)")


def _party(prefix: str) -> str:
    return "buyer" if prefix.startswith("购") else "seller"


def fill_from_remarks(ev: InvoiceEvidence) -> None:
    """Only fills fields the face left empty; provenance points at the 备注 lines."""
    remarks: Field[str] | None = ev.remarks
    if remarks is None:
        return
    for line in remarks.value.split("\n"):
        for pattern, key, parts in ((_ADDR, "address_phone", ("addr", "phone")),
                                    (_BANK, "bank_account", ("bank", "acct"))):
            for m in pattern.finditer(line):
                target = f"{_party(m.group(1))}_{key}"
                if getattr(ev, target) is None:
                    value = " ".join(m.group(p).strip(" ;") for p in parts if m.group(p).strip(" ;"))
                    setattr(ev, target, remarks.model_copy(update={
                        "value": value, "raw": m.group(0), "confidence": remarks.confidence * 0.95,
                    }))
