"""Letter-spaced licence labels (名　　称) as OCR returns them on real 副本 scans, joined back and paired."""

from __future__ import annotations

import re

from attest.layout.pairing import find_value
from attest.layout.spaced import join_spaced_labels, split_tall

from .test_layout import line

LABELS = ["名称", "类型", "住所"]
COLUMN = re.compile("^(?:法定代表人|注册资本|成立日期|营业期限|经营范围)")
STOP = re.compile("^名称|^类型|^住所|法定代表人|注册资本|成立日期|经营范围")


def _value(lines, label: str, *, wrap: bool = False) -> str | None:
    joined = join_spaced_labels(lines, LABELS, COLUMN)
    hit = find_value(joined, re.compile(f"^{label}:?"), stop=STOP, wrap=wrap)
    return hit.text if hit else None


def test_first_characters_fused_into_one_tall_box() -> None:
    # lic01: 名 and 类 detected as one tall box `名类`; 称 and 型 fused to the front of their values.
    lines = [line("名类", 107, 360, 129, 407), line("称北京尚医联合文化传播有限公司", 175, 361, 405, 383),
             line("型 有限责任公司(法人独资)", 173, 383, 362, 406), line("法定代表人 赵红", 108, 430, 237, 450)]
    assert [ln.text for ln in split_tall(lines)][:2] == ["名", "类"]
    assert _value(lines, "名称") == "北京尚医联合文化传播有限公司"
    assert _value(lines, "类型") == "有限责任公司(法人独资)"


def test_every_character_its_own_box_and_the_value_beside() -> None:
    # lic02: 名 / 称 value, 类 / 型 / value, 住 / 所 / value, each a separate box.
    lines = [line("名", 89, 300, 107, 323), line("称 河南绿探能源科技有限公司", 149, 301, 335, 320),
             line("类", 89, 322, 107, 344), line("型", 151, 324, 169, 341),
             line("有限责任公司（自然人独资）", 176, 322, 341, 340),
             line("住", 89, 345, 107, 365), line("所", 151, 346, 170, 365),
             line("新郑市龙湖镇李垌村富田兴龙湾1号楼620号", 177, 345, 422, 363),
             line("法定代表人", 88, 368, 170, 388), line("何红波", 176, 369, 220, 386)]
    assert _value(lines, "类型") == "有限责任公司(自然人独资)"
    # The next row's value beside its own label is not a wrapped continuation of the address.
    assert _value(lines, "住所", wrap=True) == "新郑市龙湖镇李垌村富田兴龙湾1号楼620号"


def test_a_lost_first_character_still_counts_at_the_label_column() -> None:
    # lic03: OCR missed 名 entirely; 称 stands where labels end, right of the column of 成立日期 and the rest.
    lines = [line("称中国人民财产保险股份有限公司南平市分公司", 188, 558, 702, 590),
             line("成立日期", 127, 733, 226, 764), line("1998年03月20日", 243, 735, 406, 762)]
    assert _value(lines, "名称") == "中国人民财产保险股份有限公司南平市分公司"


def test_a_wrapped_value_continues_under_its_own_text() -> None:
    # lic04: 住所 in the right column, its value wrapped; the left column's labels are not in the way.
    lines = [line("住", 883, 720, 923, 759), line("所广东省东莞市虎门镇龙眼十路75号", 1014, 718, 1507, 758),
             line("经营范围", 145, 722, 316, 761), line("六栋105房", 1062, 754, 1200, 791)]
    assert _value(lines, "住所", wrap=True) == "广东省东莞市虎门镇龙眼十路75号六栋105房"


def test_ordinary_text_starting_with_a_label_character_is_left_alone() -> None:
    lines = [line("所有货物须经验收", 300, 100, 600, 130), line("经营范围", 100, 300, 200, 330)]
    joined = join_spaced_labels(lines, LABELS, COLUMN)
    assert [ln.text for ln in joined] == ["所有货物须经验收", "经营范围"]
