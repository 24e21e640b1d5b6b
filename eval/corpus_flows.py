"""The documents of the flows-only population (`attest eval generate --population flows`): micro-merchants whose
evidence is a year of operating flows — a payment-platform bill or a bank statement, as CSV or XLSX — beside their
licence and a shop photo. Some also trade with businesses: their sales invoices are paid into the bank account
they upload, which is what corroboration pairs. The fraudulent fake their flows in one of the ways of
`eval.render.flows`.

Each statement's entry carries `fields` (its flat fields, as `attest check -f flat` prints them); each invoice
carries `paid`: the inflow that paid it (day, payer, amount), the truth corroboration is measured against.
"""

from __future__ import annotations

import io
import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from eval.render import flows as forge_flows
from eval.render.flows import Trade, add_payments, year_of_flows
from eval.render.licence import make_licence, render_licence
from eval.render.statement import render_statement
from eval.render.truth import PEOPLE, make_truth

# fraud kind → the check that should catch it: one of the statement's own, or the application's flows checks
EXPECTED: dict[str, tuple[str, str | None]] = {
    "changed_holder": ("identity.statement_holder", "holder_name"),
    "reused_statement": ("identity.statement_holder", "holder_name"),
    "round_trip": ("flows.round_trip", None), "wash": ("flows.wash", None),
    "pass_through": ("flows.pass_through", None), "last_month_spike": ("flows.last_month_spike", None),
}


def _edited(layout: str) -> tuple[str, str | None]:
    """An edit shows in what the export prints about itself: its running balance, or its summary."""
    return ("statement.balance_chain", "rows") if layout == "bank" else ("statement.summary", "printed")


def _forge(kind: str, truth: Any, rng: random.Random, monthly: Decimal, operator: str) -> tuple[str, str | None]:
    if kind == "edited_amount":
        forge_flows.edit_amount(truth, rng)
        return _edited(truth.layout)
    if kind == "inserted_rows":
        forge_flows.insert_rows(truth, rng, monthly)
        return _edited(truth.layout)
    if kind == "changed_holder":
        forge_flows.change_holder(truth, rng, keep=(operator,))
    else:
        {"round_trip": forge_flows.round_trip, "wash": forge_flows.wash, "pass_through": forge_flows.pass_through,
         "last_month_spike": forge_flows.spike}[kind](truth, rng, monthly)
    return EXPECTED[kind]


def _operator(m: Any, seed: int) -> str:
    """Who runs the business, as its licence names them; its own stream, so that anyone can know it."""
    return random.Random(f"{seed}:{m.id}:operator").choice(PEOPLE)


def _holder(m: Any, seed: int) -> str:
    """Whose account the takings arrive in: the operator's own (most sole traders) or the business's."""
    return _operator(m, seed) if random.Random(f"{seed}:{m.id}:holder").random() < 0.6 else m.name


def _statement_of(m: Any, holder: str, spec: dict[str, Any], seed: int, *, with_invoices: bool) -> Any:
    """The merchant's genuine statement; its own stream, so that another merchant can submit it unchanged."""
    rng = random.Random(f"{seed}:{m.id}:flows")
    low, high = spec["tickets"][m.industry]
    crowd = m.industry in spec["crowd_industries"] and not with_invoices
    layout = "platform" if crowd else "bank"
    return year_of_flows(rng, holder=holder, monthly=m.monthly_revenue, trade=Trade((low, high), crowd),
                         end=spec["application_day"] - timedelta(days=1), layout=layout,
                         fmt=rng.choice(("csv", "xlsx")), loan=rng.random() < spec["loan_share"])


def flows_documents(m: Any, rng: random.Random, spec: dict[str, Any], seed: int, others: list[Any],
                    save: Any, entry: Any, shop_photo: Any) -> list[dict[str, Any]]:
    """Licence, shop photo, invoices for some, and the statement (forged for the fraudulent)."""
    lic = make_licence(rng, spec["application_day"], name=m.name, code=m.uscc)
    lic.legal_representative = _operator(m, seed)
    buf = io.BytesIO()
    render_licence(lic, rng).save(buf, "PNG")
    docs = [entry(save(m, 0, buf.getvalue(), "png"), "business_license", None, lic.flat(), None)]
    data, fields = shop_photo(m, seed)
    docs.append(entry(save(m, 1, data, "jpg"), "shop_photo", None, fields, None))
    with_invoices = rng.random() < spec["invoice_share"]
    truth = _statement_of(m, _holder(m, seed), spec, seed, with_invoices=with_invoices)
    if with_invoices:
        payments = []
        for _ in range(rng.randint(*spec["sales_invoices"])):
            issued = spec["application_day"] - timedelta(days=rng.randint(30, 300))
            total = (m.monthly_revenue * Decimal(str(round(rng.uniform(0.05, 0.3), 3)))).quantize(Decimal("0.01"))
            t = make_truth(rng, spec["application_day"], seller=(m.name, m.uscc), issued=issued, total=total)
            img, _ = spec["render_invoice"](t, random.Random(f"{t.number}:{t.seller[1]}:{t.total_incl}"))
            out = io.BytesIO()
            img.save(out, "PNG")
            paid = (issued + timedelta(days=rng.randint(0, 60)), t.buyer[0], t.total_incl)
            payments.append(paid)
            paid_in_period = paid[0] < spec["application_day"]
            # A decoy: the same buyer paying another sum, which must not be taken for this invoice.
            payments.append((issued + timedelta(days=rng.randint(0, 60)), t.buyer[0],
                             (t.total_incl * Decimal("0.37")).quantize(Decimal("0.01"))))
            docs.append(entry(save(m, len(docs), out.getvalue(), "png"), "invoice", "sale", t.flat(), None))
            if paid_in_period:  # paid after the statement's end: nothing can corroborate it yet
                docs[-1]["paid"] = {"day": paid[0].isoformat(), "payer": paid[1], "amount": format(paid[2], "f")}
        add_payments(truth, rng, payments)
    expected = None
    if m.fraud == "reused_statement" and others:
        victim = rng.choice(others)
        # The victim's own statement as it uploaded it (an invoice merchant's payments aside).
        truth = _statement_of(victim, _holder(victim, seed), spec, seed, with_invoices=False)
        expected = EXPECTED["reused_statement"]
    elif m.fraud is not None:
        expected = _forge(m.fraud, truth, rng, m.monthly_revenue, lic.legal_representative)
    ext = truth.fmt
    docs.append(entry(save(m, len(docs), render_statement(truth), ext), "statement", None, truth.flat(), expected))
    docs[-1]["format"] = f"{truth.layout}-{ext}"
    return docs
