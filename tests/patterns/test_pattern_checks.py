"""Known-pattern checks through `assess_application` with a real embedded ChromaDB store."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from attest.patterns.seeds import Seeds
from attest.patterns.store import PatternStore
from attest.pipeline import assess_application
from attest.schemas.checks import CheckResult
from attest.score import load_policy
from eval.corpus import _reshot

from .conftest import BUYER, FRAUDSTER, VICTIM, contract_doc, invoice_doc, photo_doc, shop_bytes, sub

POLICY = load_policy()
NUMBER = "26332000000123456789"
CONTRACT = "".join([
    "购销合同合同编号:HT-2026-4736甲方(买方):〈甲〉统一社会信用代码:〈甲码〉",
    "乙方(卖方):〈乙〉统一社会信用代码:〈乙码〉",
    "经双方友好协商,根据《中华人民共和国民法典》,订立本合同。",
    "第一条标的:乙方向甲方供应{goods},规格、数量见附件。第二条合同金额:人民币(大写){words}(¥{amount})。",
    "第三条付款方式:甲方于收货验收合格后三十日内支付全部货款。第四条合同期限:自2026年{m:02d}月14日起至2027年{m:02d}月13日止。",
    "第五条违约责任:任何一方违约,应向守约方支付合同金额百分之十的违约金。",
    "第六条争议解决:双方协商不成的,提交签订地人民法院诉讼解决。",
    "第七条本合同一式两份,双方各执一份,自双方签字盖章之日起生效。签订地点:{place}"])


def codes(checks: list[CheckResult], severity: str | None = None) -> list[str]:
    return sorted(c.code for c in checks if severity is None or c.severity == severity)


def test_another_merchants_invoice_fails_for_the_non_party_and_is_info_for_its_seller(store: PatternStore) -> None:
    genuine = invoice_doc("v-inv", number=NUMBER, seller=VICTIM)
    store.remember(sub(VICTIM), [genuine])
    copied = invoice_doc("f-inv", number=NUMBER, seller=VICTIM)  # the same invoice, submitted by the fraudster
    own = invoice_doc("f-own", number="26332000000999999999", seller=FRAUDSTER, amount="90000.00")
    got = assess_application(FRAUDSTER, [copied, own], policy=POLICY, patterns=store, submission=sub(FRAUDSTER))
    dup = [c for c in got.checks if c.code == "dup.invoice.cross_merchant"]
    assert [c.severity for c in dup] == ["fail"]
    assert {r.document for r in dup[0].refs} == {"f-inv", "v-inv"} and dup[0].details["other_merchant"] == "victim"
    assert got.decision.uplift == 0 and "CHECK_FAILED" in got.decision.reason_codes
    store.remember(sub(FRAUDSTER), [copied, own])
    # The seller itself, assessed against a store that now holds the copy, is told but not failed.
    back = assess_application(VICTIM, [genuine], policy=POLICY, patterns=store, submission=sub(VICTIM))
    assert codes(back.checks, "fail") == [] and "dup.invoice.cross_merchant" in codes(back.checks, "info")


def test_both_parties_submitting_one_invoice_is_not_fraud(store: PatternStore) -> None:
    sale = invoice_doc("s", number=NUMBER, seller=VICTIM, buyer_uscc=BUYER.uscc)
    store.remember(sub(VICTIM), [sale])
    purchase = invoice_doc("p", number=NUMBER, seller=VICTIM, buyer_uscc=BUYER.uscc)
    got = assess_application(BUYER, [purchase], policy=POLICY, patterns=store, submission=sub(BUYER))
    assert [(c.code, c.severity) for c in got.checks if c.code.startswith("dup.")] == [
        ("dup.invoice.cross_merchant", "info")]


def test_resubmitting_in_a_new_application_is_info(store: PatternStore) -> None:
    first = invoice_doc("a", number=NUMBER, seller=VICTIM)
    store.remember(sub(VICTIM, "victim-1"), [first])
    got = assess_application(VICTIM, [first], policy=POLICY, patterns=store, submission=sub(VICTIM, "victim-2"))
    assert [(c.code, c.severity) for c in got.checks if c.code.startswith("dup.")] == [
        ("dup.invoice.resubmitted", "info")]
    # Its own application is never a duplicate of itself.
    again = assess_application(VICTIM, [first], policy=POLICY, patterns=store, submission=sub(VICTIM, "victim-1"))
    assert not [c for c in again.checks if c.code.startswith("dup.")]


def test_a_reshot_copy_of_another_shops_photo_fails_and_other_shops_do_not_match(store: PatternStore) -> None:
    originals = [shop_bytes(i, "瑞丰") for i in range(8)]
    for i, data in enumerate(originals):
        owner = VICTIM.model_copy(update={"id": f"shop{i}"})
        store.remember(sub(owner), [photo_doc(f"photo{i}", data, sign="瑞丰便利店")])
    rng = random.Random(5)
    for i in (0, 3, 6):
        copy = photo_doc(f"copy{i}", _reshot(originals[i], rng), sign="瑞丰便利店")
        got = assess_application(FRAUDSTER, [copy], policy=POLICY, patterns=store, submission=sub(FRAUDSTER))
        hits = [c for c in got.checks if c.code == "dup.photo.cross_merchant"]
        assert [(c.severity, c.details["other_merchant"]) for c in hits] == [("fail", f"shop{i}")]
    fresh = photo_doc("fresh", shop_bytes(99, "启航"), sign="启航便利店")
    got = assess_application(FRAUDSTER, [fresh], policy=POLICY, patterns=store, submission=sub(FRAUDSTER))
    assert "dup.photo.cross_merchant" not in codes(got.checks)


def test_the_photos_owner_by_its_signboard_is_only_told(store: PatternStore) -> None:
    data = shop_bytes(1, "启航")
    store.remember(sub(VICTIM), [photo_doc("theirs", _reshot(data, random.Random(1)), sign="启航便利店")])
    mine = photo_doc("mine", data, sign="启航便利店")  # FRAUDSTER's name carries 启航: here it is the owner
    got = assess_application(FRAUDSTER, [mine], policy=POLICY, patterns=store, submission=sub(FRAUDSTER))
    assert [(c.code, c.severity) for c in got.checks if c.code.startswith("dup.")] == [
        ("dup.photo.cross_merchant", "info")]


def test_a_signboard_naming_both_merchants_vouches_for_neither(store: PatternStore) -> None:
    # Seed 202: two firms with one trade name (嘉禾 of 昆明 and of 长沙); the copy of the other's shop photo was
    # taken for this merchant's own and only told. A sign that names both is no one's own.
    data = shop_bytes(1, "启航")
    namesake = VICTIM.model_copy(update={"name": "杭州启航贸易有限公司"})
    store.remember(sub(namesake), [photo_doc("theirs", _reshot(data, random.Random(1)), sign="启航便利店")])
    mine = photo_doc("mine", data, sign="启航便利店")
    got = assess_application(FRAUDSTER, [mine], policy=POLICY, patterns=store, submission=sub(FRAUDSTER))
    assert [(c.code, c.severity) for c in got.checks if c.code.startswith("dup.")] == [
        ("dup.photo.cross_merchant", "fail")]


def _contract(goods: str, amount: str, words: str, m: int, place: str) -> str:
    return CONTRACT.format(goods=goods, amount=amount, words=words, m=m, place=place)


def test_same_contract_text_with_other_names_fails_while_other_fillings_of_the_model_text_pass(
        store: PatternStore) -> None:
    ring = _contract("建筑钢材", "438,400.00", "肆拾叁万捌仟肆佰圆整", 3, "杭州市")
    store.remember(sub(VICTIM), [contract_doc("c1", ring, supplier=VICTIM)])
    # Genuine contracts on the same model text, filled in differently, are not reuse.
    for i, (goods, amount, words, month, place) in enumerate([
            ("办公家具", "52,000.00", "伍万贰仟圆整", 5, "南京市"),
            ("技术服务费", "12,800.00", "壹万贰仟捌佰圆整", 8, "成都市")]):
        other = VICTIM.model_copy(update={"id": f"honest{i}"})
        got = assess_application(other, [contract_doc(f"h{i}", _contract(goods, amount, words, month, place),
                                                      supplier=other)],
                                 policy=POLICY, patterns=store, submission=sub(other))
        assert codes(got.checks, "fail") == []
    # A copy read through OCR noise (a few characters wrong) is still the same text.
    noisy = ring.replace("验收", "验牧").replace("违约金", "违的金")
    got = assess_application(FRAUDSTER, [contract_doc("c2", noisy, supplier=FRAUDSTER)], policy=POLICY,
                             patterns=store, submission=sub(FRAUDSTER))
    assert codes(got.checks, "fail") == ["dup.contract.template_reuse"]


def test_known_forgeries_by_identity_and_by_text(store: PatternStore, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    ring = _contract("电解铜", "1,260,000.00", "壹佰贰拾陆万元整", 9, "宁波市")
    (seeds / "forged_templates.yaml").write_text(
        "version: test-1\ntemplates:\n"
        f"  - {{id: absconded, doc_kind: invoice, key: 'uscc:{BUYER.uscc}', rationale: on the absconded list}}\n"
        f"  - {{id: ring, doc_kind: contract, text: '{ring}', rationale: sold by a ring}}\n", encoding="utf-8")
    assert store.load_seeds(Seeds(seeds)) == {"templates": 2, "benchmarks": 0}
    inv = invoice_doc("i", number=NUMBER, seller=VICTIM, buyer_uscc=BUYER.uscc)
    con = contract_doc("c", ring, supplier=VICTIM, buyer=FRAUDSTER.uscc)
    got = assess_application(VICTIM, [inv, con], policy=POLICY, patterns=store, submission=sub(VICTIM))
    forged = sorted((c.refs[0].document, c.details["template"])
                    for c in got.checks if c.code == "pattern.known_forgery")
    assert forged == [("c", "ring"), ("i", "absconded")]
    assert got.decision.uplift == 0


def test_implausible_revenue_for_the_industry_holds_the_uplift(store: PatternStore) -> None:
    # retail_grocery tier 2: typical high 500k a month; 20M of invoices in a year is a floor of 1.67M a month.
    docs = [invoice_doc(f"b{i}", number=f"2633200000012345678{i}", seller=VICTIM, amount="5000000.00")
            for i in range(4)]
    limit = VICTIM.model_copy(update={"current_limit": Decimal(300000)})
    got = assess_application(limit, docs, policy=POLICY, patterns=store, submission=sub(VICTIM))
    assert "benchmark.revenue_implausible" in codes(got.checks, "warn")
    assert got.decision.uplift == 0 and got.decision.outcome == "review"
    assert "HELD:benchmark.revenue_implausible" in got.decision.reason_codes
    modest = [invoice_doc("ok", number=NUMBER, seller=VICTIM, amount="40000.00")]
    assert "benchmark.revenue_implausible" not in codes(
        assess_application(limit, modest, policy=POLICY, patterns=store, submission=sub(VICTIM)).checks)


def test_remember_is_idempotent(store: PatternStore) -> None:
    docs = [invoice_doc("a", number=NUMBER, seller=VICTIM), photo_doc("p", shop_bytes(3, "瑞丰"))]
    store.remember(sub(VICTIM), docs)
    before = store.stats()
    store.remember(sub(VICTIM), docs)
    assert store.stats() == before and before["attest_photo_hashes"] == 7 and before["attest_exact_keys"] == 3


def _statement_doc(document_id: str, holder: str, *, fmt: str = "csv", seed: int = 21):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from attest.pipeline import Engines, process_document
    from eval.render.flows import Trade, year_of_flows
    from eval.render.statement import render_statement

    from .conftest import DAY

    truth = year_of_flows(random.Random(seed), holder=holder, monthly=Decimal(30000), trade=Trade((300, 900), True),
                          end=DAY - timedelta(days=1), layout="platform", fmt=fmt)
    result = process_document(render_statement(truth), f"bill.{fmt}", engines=Engines(ocr=None))  # type: ignore[arg-type]
    return result.model_copy(update={"document_id": document_id})


def test_another_merchants_statement_is_found_month_by_month_whatever_its_format(store: PatternStore) -> None:
    store.remember(sub(VICTIM), [_statement_doc("v-st", VICTIM.name)])
    # The victim's statement, re-exported as XLSX and submitted unchanged: the fraudster is not its holder.
    copied = assess_application(FRAUDSTER, [_statement_doc("f-st", VICTIM.name, fmt="xlsx")], policy=POLICY,
                                patterns=store, submission=sub(FRAUDSTER))
    found = [c for c in copied.checks if c.code == "dup.statement.cross_merchant"]
    assert [c.severity for c in found] == ["warn"] and len(found[0].details["months"].split(",")) >= 12
    assert copied.decision.uplift == 0 and "HELD:dup.statement.cross_merchant" in copied.decision.reason_codes
    store.remember(sub(FRAUDSTER), [_statement_doc("f-st", VICTIM.name, fmt="xlsx")])
    # For its holder the copy elsewhere is a fact, not a fault.
    own = assess_application(VICTIM, [_statement_doc("v-st", VICTIM.name)], policy=POLICY, patterns=store,
                             submission=sub(VICTIM))
    assert [c.severity for c in own.checks if c.code == "dup.statement.cross_merchant"] == ["info"]
    assert not any(r.startswith("HELD") for r in own.decision.reason_codes)


def test_the_same_rows_under_another_holder_are_raised_on_both(store: PatternStore) -> None:
    store.remember(sub(VICTIM), [_statement_doc("v-st", VICTIM.name)])
    renamed = assess_application(FRAUDSTER, [_statement_doc("f-st", FRAUDSTER.name)], policy=POLICY, patterns=store,
                                 submission=sub(FRAUDSTER))
    assert [c.severity for c in renamed.checks if c.code == "dup.statement.cross_merchant"] == ["warn"]
    assert "identity.statement_holder" not in codes(renamed.checks, "warn")  # the forger put its own name in
    other = _statement_doc("x-st", "宁波东方机械有限公司", seed=22)  # another till entirely
    store.remember(sub(BUYER), [other])
    alone = assess_application(VICTIM, [_statement_doc("v-st2", VICTIM.name, seed=23)], policy=POLICY, patterns=store,
                               submission=sub(VICTIM, "victim-2"))
    assert "dup.statement.cross_merchant" not in codes(alone.checks)
