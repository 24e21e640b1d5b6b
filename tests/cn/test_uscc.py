from hypothesis import given
from hypothesis import strategies as st

from attest.cn.uscc import ALPHABET, check_char, is_valid_uscc, org_code_valid


def test_documented_examples() -> None:
    for code in ("91110000600037341L", "91512081MA62K0260E", "9131000063159284XQ"):
        assert is_valid_uscc(code)
    assert not is_valid_uscc("91350100M000100Y4Z")
    assert check_char("91350100M000100Y4") == "3"


def test_wrong_length_and_symbols() -> None:
    assert not is_valid_uscc("91110000600037341")
    assert not is_valid_uscc("91110000600O37341L")  # O is not in the alphabet


def test_org_code_part() -> None:
    assert org_code_valid("91110000600037341L")


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_generated_codes_validate(body: str) -> None:
    assert is_valid_uscc(body + check_char(body))


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17), st.integers(0, 16), st.sampled_from(ALPHABET))
def test_any_single_substitution_is_caught(body: str, pos: int, sym: str) -> None:
    code = body + check_char(body)
    mutated = code[:pos] + sym + code[pos + 1 :]
    assert is_valid_uscc(mutated) == (mutated == code)
