"""Licences and contracts through the LLM stage (typed dates and amounts), and the concurrency bound."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

from attest.extract.llm import llm_stage
from attest.extract.llm.client import ask
from attest.extract.llm.prompts import prompt_for, render
from attest.schemas.contract import ContractEvidence
from attest.schemas.evidence import Field
from attest.schemas.licence import LicenceEvidence
from attest.schemas.llm import LlmCall
from attest.schemas.ocr import OcrLine, OcrPage

from .conftest import client_for
from .fake_openai import FakeOpenAI, reply


def _page(*texts: str) -> OcrPage:
    lines = [OcrLine(id=f"p1-l{i}", text=t, polygon=[(0, i * 40), (600, i * 40), (600, i * 40 + 30), (0, i * 40 + 30)],
                     confidence=0.96) for i, t in enumerate(texts)]
    return OcrPage(page=1, width=800, height=1200, lines=lines, engine="test", engine_version="test")


LICENCE = _page("营业执照", "统一社会信用代码 91330100MA27XXXX0F", "名称 杭州瑞丰贸易有限公司", "类型 有限责任公司",
                "法定代表人 王建国", "成立日期 2019年04月16日", "住所 浙江省杭州市西湖区文三路90号")


def test_a_licence_read_by_the_model_gets_typed_dates_and_merges(fake: FakeOpenAI) -> None:
    rules = LicenceEvidence(name=Field[str](value="杭州瑞丰贸易有限公司", confidence=0.9, lines=["p1-l2"]))
    fake.push(reply({"unified_social_credit_code": {"value": "91330100MA27XXXX0F", "lines": ["p1-l1"]},
                     "name": {"value": "杭州瑞丰贸易有限公司", "lines": ["p1-l2"]},
                     "established_date": {"value": "2019-04-16", "lines": ["p1-l5"]},
                     "legal_representative": {"value": "李四", "lines": ["p1-l4"]}}))
    out = llm_stage("business_license", [LICENCE], [], rules, client_for(fake), mode="merged", doc="lic")
    ev = out.evidence
    assert isinstance(ev, LicenceEvidence) and out.error is None
    assert ev.established_date is not None and ev.established_date.value == date(2019, 4, 16)
    assert ev.established_date.source == "llm" and ev.name is not None and ev.name.source == "merged"
    assert ev.legal_representative is None  # 李四 is not printed on the line it cites
    assert [d.field for d in out.report.dropped] == ["legal_representative"]


def test_a_contract_read_by_the_model_alone(fake: FakeOpenAI) -> None:
    page = _page("购销合同", "甲方：杭州瑞丰贸易有限公司", "乙方：宁波恒达五金有限公司", "合同金额：¥438,400.00元",
                 "大写：肆拾叁万捌仟肆佰圆整", "签订日期：2026年3月2日")
    fake.push(reply({"party_a": {"value": "杭州瑞丰贸易有限公司", "lines": ["p1-l1"]},
                     "party_b": {"value": "宁波恒达五金有限公司", "lines": ["p1-l2"]},
                     "amount": {"value": "438400.00", "lines": ["p1-l3"]},
                     "signing_date": {"value": "2026-03-02", "lines": ["p1-l5"]}}))
    out = llm_stage("contract", [page], [], ContractEvidence(), client_for(fake), mode="llm", doc="c")
    ev = out.evidence
    assert isinstance(ev, ContractEvidence) and out.report.dropped == []
    assert ev.amount is not None and ev.amount.value == Decimal("438400.00")
    assert ev.signing_date is not None and ev.signing_date.value == date(2026, 3, 2)


def test_requests_in_flight_never_exceed_the_bound(fake: FakeOpenAI) -> None:
    fake.delay = 0.3
    fake.responder = lambda _request: reply({})
    client = client_for(fake, max_concurrency=2)
    prompt = prompt_for("business_license")
    rendered = render(prompt, lines="p1-l0\t营业执照")
    calls: list[LlmCall] = []
    threads = [threading.Thread(target=ask, args=(client, rendered, prompt.schema), kwargs={"call_log": calls})
               for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(fake.requests) == 6 and fake.most_in_flight == 2 and all(c.error_code is None for c in calls)
