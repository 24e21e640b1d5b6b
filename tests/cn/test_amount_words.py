from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attest.cn.amount_words import AmountWordsError, parse_amount_words, to_amount_words

PRINTED = {
    "伍拾圆整": "50.00", "壹仟叁佰玖拾柒圆整": "1397.00", "叁拾元零肆角玖分": "30.49", "壹拾壹圆贰角": "11.20",
    "柒佰肆拾贰圆玖角叁分": "742.93", "柒仟捌佰玖拾肆圆贰角伍分": "7894.25", "人民币壹万零伍拾圆整": "10050.00",
    "壹拾万圆整": "100000.00", "伍角整": "0.50", "叁分": "0.03",
}


@pytest.mark.parametrize(("words", "value"), PRINTED.items())
def test_printed_forms(words: str, value: str) -> None:
    assert parse_amount_words(words) == Decimal(value)


@pytest.mark.parametrize(
    ("words", "reason"),
    [
        ("伍拾圆", "missing 整"), ("两佰圆整", "non-standard"), ("伍拾圆伍分整", "整 after 分"),
        ("壹佰零零伍圆整", "零 written twice"), ("壹拾佰圆整", "out of order"), ("伍毛", "non-standard"),
        ("", "empty"), ("一百元整", "non-standard"), ("壹佰伍圆叁", "cannot read"),
    ],
)
def test_forger_slips_are_errors(words: str, reason: str) -> None:
    with pytest.raises(AmountWordsError, match=reason):
        parse_amount_words(words)


@given(st.integers(min_value=-10**11, max_value=10**12))
def test_round_trip(cents: int) -> None:
    value = Decimal(cents) / 100
    assert parse_amount_words(to_amount_words(value)) == value.quantize(Decimal("0.01"))
