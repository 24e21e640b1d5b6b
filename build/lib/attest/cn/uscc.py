"""Unified Social Credit Code (GB 32100-2015) check character."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def check_char(first17: str) -> str:
    """The 18th character for the first 17 (raises KeyError on a symbol outside the alphabet)."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """18 symbols from the 31-symbol alphabet with the right check character."""
    if len(code) != 18 or any(c not in _VALUE for c in code):
        return False
    return check_char(code[:17]) == code[17]


def org_code_valid(code: str) -> bool:
    """Positions 9..17 carry the older organisation code with its own mod-11 check."""
    body, check = code[8:16], code[16]
    if len(body) != 8 or not body.isalnum():
        return False
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    rest = 11 - sum(v * w for v, w in zip(values, _ORG_WEIGHTS, strict=True)) % 11
    expected = "X" if rest == 10 else "0" if rest == 11 else str(rest)
    return check == expected
