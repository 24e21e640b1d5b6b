"""What contracts nobody here wrote print, drawn at random for the synthetic corpus.

- Parties that are not companies: government departments (…厅, …局, …办公室, …管理委员会), public institutions
  and service centres (…中心), committees, associations and chambers, and natural persons (with an ID number).
- Titles of agreements (协议书, 合作协议, 框架协议), whose body says 本协议.
- Amount clauses that print other sums beside the total, each with its own 大写: instalments (some as a share of
  the total, `合同总价的30%，即…`), a monthly fee, a deposit, a unit price; the total named in several ways, and
  printed before or after the other sums.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from attest.cn.amount_words import to_amount_words
from eval.render.truth import CITIES, PROVINCES, uscc

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红"
AGENCIES = ["教育局", "市场监督管理局", "财政局", "交通运输局", "卫生健康委员会", "人民政府办公室", "住房和城乡建设局",
            "农业农村局", "文化广电旅游局", "机关事务管理局"]
DEPARTMENTS = ["教育厅", "交通运输厅", "财政厅", "人力资源和社会保障厅", "农业农村厅", "人民政府办公厅"]
ZONES = ["高新技术产业开发区", "经济技术开发区", "国家级新区", "临空经济区", "综合保税区"]
CENTRES = ["政务服务中心", "疾病预防控制中心", "公共资源交易中心", "不动产登记中心", "社会福利中心", "青少年活动中心",
           "就业服务中心"]
SOCIETIES = ["餐饮行业协会", "个体劳动者协会", "烹饪协会", "物流与采购协会", "工商业联合会", "总商会", "残疾人联合会"]
DISTRICTS = ["西湖", "鼓楼", "天河", "武侯", "高新", "滨江", "姑苏", "市南", "望城", "思明"]


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def id_number(rng: random.Random) -> str:
    """A resident ID number's form: region, birth date, sequence, check character (ISO 7064 MOD 11-2)."""
    body = (rng.choice(list(PROVINCES)) + f"{rng.randrange(100, 10000):04d}"
            + f"{rng.randint(1960, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randrange(1000):03d}")
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def organisation(rng: random.Random) -> str:
    """A party that is not a company: a department, an institution, a committee or an association."""
    city = rng.choice(CITIES)
    province = rng.choice(sorted(set(PROVINCES.values())))
    return rng.choice([
        f"{city}市{rng.choice(AGENCIES)}",
        f"{city}市{rng.choice(DISTRICTS)}区{rng.choice(AGENCIES)}",
        f"{province}省{rng.choice(DEPARTMENTS)}",
        f"{city}{rng.choice(ZONES)}管理委员会",
        f"{city}市{rng.choice(CENTRES)}",
        f"{city}市{rng.choice(DISTRICTS)}区{rng.choice(CENTRES)}",
        f"{city}市{rng.choice(SOCIETIES)}",
        f"{city}市{rng.choice(DISTRICTS)}区{rng.choice(DISTRICTS)}街道{rng.choice(['幸福', '和平', '新华'])}"
        "社区居民委员会",
    ])


@dataclass
class Party:
    name: str
    code: str | None     # a USCC; None for a person
    id_no: str | None    # a person's ID number


def buyer(rng: random.Random, company_name: str, company_code: str) -> Party:
    """Who commissions or buys: a company (most), an organisation, or a natural person."""
    roll = rng.random()
    if roll < 0.25:
        return Party(organisation(rng), uscc(rng), None)
    if roll < 0.4:
        return Party(person(rng), None, id_number(rng))
    return Party(company_name, company_code, None)


AGREEMENTS = ["协议书", "合作协议", "框架协议", "采购协议", "服务协议", "合作协议书"]
TOTAL_NAMES = ["合同总价", "合同总金额", "总计", "合计", "暂定总价", "合同金额", "总价款"]


def _money(value: Decimal) -> str:
    return f"人民币{value:,.2f}元（大写：{to_amount_words(value)}）"


def _money_sign(value: Decimal) -> str:
    return f"人民币（大写）{to_amount_words(value)}（¥{value:,.2f}）"


def amount_clauses(rng: random.Random, total: Decimal, doc: str, payment: str) -> tuple[list[str], Decimal]:
    """The clauses that print money, in the order they are printed, and the total they name (one of
    `TOTAL_NAMES`). `payment`: `lump` (only the total), `instalments`, `monthly`, `deposit` or `unit_price`."""
    name = rng.choice(TOTAL_NAMES)
    money = rng.choice([_money, _money_sign])

    def total_clause(value: Decimal) -> str:
        return f"{name}：{money(value)}。" if name in ("总计", "合计") else f"本{doc}{name}为{money(value)}。"

    if payment == "instalments":
        shares = rng.choice([(30, 60, 10), (50, 50), (40, 55, 5), (20, 70, 10)])
        parts = [(total * s / 100).quantize(Decimal("0.01")) for s in shares[:-1]]
        parts.append(total - sum(parts))
        words = ["首期款", "第二期款", "尾款"] if len(parts) == 3 else ["预付款", "余款"]
        named = rng.random() < 0.5  # `合同总价的30%，即…`: the total's own name stands before an instalment
        said = [f"{w}为{name}的{s}%，即{money(p)}" if named else f"{w}{money(p)}"
                for w, s, p in zip(words, shares, parts, strict=True)]
        pay = "付款方式：" + "；".join(said) + "。"
        return ([pay, total_clause(total)] if rng.random() < 0.5 else [total_clause(total), pay]), total
    if payment == "monthly":
        months = rng.choice((6, 12, 24, 36))
        fee = (total / months).quantize(Decimal("0.01"))
        return [f"月服务费为{money(fee)}，服务期{months}个月。", total_clause(fee * months)], fee * months
    if payment == "deposit":
        deposit = (total * Decimal(rng.choice((5, 10, 20))) / 100).quantize(Decimal("1"))
        return [f"履约保证金：乙方于签订后五日内向甲方交纳{money(deposit)}。", total_clause(total)], total
    if payment == "unit_price":
        qty = rng.choice((10, 20, 50, 100, 200))
        price = (total / qty).quantize(Decimal("0.01"))
        return [f"单价：{money(price)}/件，数量{qty}件。", total_clause(price * qty)], price * qty
    return [total_clause(total)], total


def payment_kind(rng: random.Random) -> str:
    return rng.choice(["lump", "lump", "instalments", "instalments", "monthly", "deposit", "unit_price"])
