"""Contract parties and totals in the forms real contracts print them (hand-placed lines, no OCR)."""

from __future__ import annotations

from decimal import Decimal

from attest.extract.contract_amounts import read_amounts
from attest.extract.contract_parties import read_parties, supplier_of
from attest.schemas.contract import ContractEvidence

from ..layout.test_layout import line


def _read(lines) -> ContractEvidence:
    ev = ContractEvidence()
    read_parties(lines, ev)
    supplier_of(lines, ev)
    read_amounts(lines, ev)
    return ev


def test_role_before_the_side_with_the_name_in_the_next_box() -> None:
    # A 技术服务合同 cover: 委托方（甲方）： … 天津市港航管理局
    ev = _read([line("委托方（甲方）：", 279, 1383, 704, 1450), line("天津市港航管理局", 1017, 1395, 1390, 1447),
                line("受托方（乙方）:", 277, 1574, 707, 1646),
                line("天科院环境科技发展（天津）有限公司", 830, 1590, 1627, 1641),
                line("1、技术服务费总额为：268.5万元（人民币贰佰陆拾捌万伍仟元）（含会", 395, 1754, 1696, 1808),
                line("(1）合同签订后2周内，支付人民币107万元（人民币壹佰零柒万元整)；", 403, 1844, 1600, 1894)])
    assert ev.party_a and ev.party_a.value == "天津市港航管理局"
    assert ev.party_b and ev.party_b.value == "天科院环境科技发展(天津)有限公司"
    assert ev.party_a_role and ev.party_a_role.value == "委托方"
    assert ev.supplier and ev.supplier.value == ev.party_b.value  # 委托方 buys, so 乙方 supplies
    assert ev.amount and ev.amount.value == Decimal("2685000")  # the total, not the first instalment
    assert ev.amount_cn and ev.amount_cn.value == "人民币贰佰陆拾捌万伍仟元"


def test_table_cells_preamble_and_a_total_far_from_its_words() -> None:
    ev = _read([line("甲方", 385, 740, 487, 806),
                line("四川路桥建设集团股份有限公司装备技术服务分公司", 512, 745, 1451, 801),
                line("乙方", 386, 861, 488, 926), line("比亚迪汽车工业有限公司", 515, 867, 965, 918),
                line("1、甲方向乙方采购100台纯电搅拌车和172套纯电动渣土车，合", 591, 1198, 1758, 1252),
                line("同总价为274728000.80元。", 515, 1253, 1007, 1304),
                line("大写金额：贰亿柒仟肆佰柒拾贰万捌仟元捌角", 661, 3482, 1338, 3530)])
    assert ev.party_a and ev.party_a.value == "四川路桥建设集团股份有限公司装备技术服务分公司"
    assert ev.supplier and ev.supplier.value == "比亚迪汽车工业有限公司"  # 甲方向乙方采购
    assert ev.amount and ev.amount.value == Decimal("274728000.80")
    assert ev.amount_cn and ev.amount_cn.value == "贰亿柒仟肆佰柒拾贰万捌仟元捌角"


def test_named_captions_and_a_preamble_name() -> None:
    ev = _read([line("甲方名称：国家税务总局广州市天河区税务局", 324, 585, 1128, 633),
                line("甲方地址：广东省广州市天河区天河北路600号", 323, 670, 1172, 718),
                line("广州粤华物业有限公司（以下简称乙方）协商一致，签订本", 252, 800, 1776, 848),
                line("合同金额：人民币肆拾陆万叁仟陆佰肆拾壹元壹角贰分（￥463641.12）", 326, 1370, 1575, 1421),
                line("甲方聘请乙方在甲方指定地点提供以下服务", 351, 1960, 1752, 2013)])
    assert ev.party_a and ev.party_a.value == "国家税务总局广州市天河区税务局"
    assert ev.party_b and ev.party_b.value == "广州粤华物业有限公司"
    assert ev.supplier and ev.supplier.value == "广州粤华物业有限公司"
    assert ev.amount and ev.amount.value == Decimal("463641.12")
    assert ev.amount_cn and ev.amount_cn.value == "人民币肆拾陆万叁仟陆佰肆拾壹元壹角贰分"


def test_a_signature_block_only_when_the_header_has_no_name() -> None:
    ev = _read([line("甲方（盖章）：四川路桥建设集团股份有限公", 192, 758, 1011, 815),
                line("司装备技术服务分公司", 192, 842, 603, 891),
                line("乙方：比亚迪汽车工业有限公司", 163, 1505, 727, 1547)])
    assert ev.party_a and ev.party_a.value == "四川路桥建设集团股份有限公司装备技术服务分公司"  # wrapped name
    assert ev.party_b and ev.party_b.value == "比亚迪汽车工业有限公司"


def test_clause_text_is_no_caption() -> None:
    ev = _read([line("甲方的权利和义务", 100, 100, 400, 130), line("乙方应按时交货", 100, 200, 400, 230)])
    assert ev.party_a is None and ev.party_b is None and ev.amount is None


def _stacked(*texts: str) -> list:
    """Lines of running text, one under another, as a page prints a clause wrapped over several rows."""
    return [line(t, 150, 300 + 70 * i, 1500, 340 + 70 * i) for i, t in enumerate(texts)]


def test_parties_that_are_not_companies() -> None:
    # A department, a management committee, a service centre, an association, a person with an ID number.
    for name in ("浙江省教育厅", "成都市人民政府办公室", "苏州高新技术产业开发区管理委员会", "厦门市政务服务中心",
                 "杭州市餐饮行业协会", "广州市天河区石牌街道和平社区居民委员会"):
        ev = _read(_stacked(f"甲方（委托方）：{name}", "乙方（服务方）：南京瑞丰餐饮管理有限公司"))
        assert ev.party_a and ev.party_a.value == name
    ev = _read(_stacked("甲方（买方）：欧阳秀英", "身份证号码：330106198808024598", "乙方：老王记面馆",
                        "甲方：李娜 身份证号：110101199001011234"))
    assert ev.party_a and ev.party_a.value == "欧阳秀英"
    assert ev.party_b and ev.party_b.value == "老王记面馆"
    # A caption's blank is not a person: `甲方（签字）：` with 日期 beside it names nobody.
    assert _read(_stacked("甲方：签字日期")).party_a is None


def test_the_total_is_the_sum_named_so_not_an_instalment_or_a_fee() -> None:
    # Instalments as shares of the total, printed before it; the total's figures wrapped to the next row.
    ev = _read(_stacked("第二条 付款方式：首期款为合同总价的30%，即人民币（大写）叁万元整（¥30,000.00）；余款",
                        "为合同总价的70%，即人民币（大写）柒万元整（¥70,000.00）。",
                        "第三条 本合同总价为人民币（大写）壹拾万元整（¥100,",
                        "000.00）。"))
    assert ev.amount and ev.amount.value == Decimal("100000.00")
    assert ev.amount_cn and ev.amount_cn.value == "壹拾万元整"
    # A monthly fee and the total after it, named 合计.
    ev = _read(_stacked("第二条 月服务费为人民币5,000.00元（大写：伍仟圆整），服务期12个月。",
                        "第三条 合计：人民币60,000.00元（大写：陆万圆整）。"))
    assert ev.amount and ev.amount.value == Decimal("60000.00")
    assert ev.amount_cn and ev.amount_cn.value == "陆万圆整"
    # A deposit first, a unit price, then 暂定总价.
    ev = _read(_stacked("履约保证金：乙方交纳¥5,000（大写伍仟元整）。",
                        "单价：人民币120.00元/件（大写：壹佰贰拾圆整）。",
                        "暂定总价：人民币12,000.00元（大写：壹万贰仟圆整）。"))
    assert ev.amount and ev.amount.value == Decimal("12000.00")
    assert ev.amount_cn and ev.amount_cn.value == "壹万贰仟圆整"


def test_only_instalments_give_no_total() -> None:
    # Which of them would be the total? None is: the reviewer is asked, the instalment is not taken for it.
    ev = _read(_stacked("首期款¥30,000.00（大写叁万元整）", "尾款¥70,000.00（大写柒万元整）"))
    assert ev.amount is None and ev.amount_cn is None


def test_a_numbered_figure_is_no_clause_heading() -> None:
    # `324.00）` at the start of a row continues the sum above it; it is not clause 324.
    ev = _read(_stacked("第二条 合同金额：人民币（大写）贰佰贰拾贰万玖仟叁佰贰拾肆圆整（¥2,229,", "324.00）。"))
    assert ev.amount and ev.amount.value == Decimal("2229324.00")
