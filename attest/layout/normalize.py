"""Text normalisation shared by every extractor: width, punctuation, spacing and OCR digit confusions."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

_FULL_TO_HALF = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
_FULL_TO_HALF[0x3000] = 0x20
# Punctuation that has no full-width twin in U+FF01..FF5E but that OCR and fonts use interchangeably.
_PUNCT = str.maketrans({"：": ":", "（": "(", "）": ")", "，": ",", "；": ";", "￥": "¥", "、": "、", "—": "-"})
_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}:()])\s+(?=[{_CJK}:()])")
# Letters OCR reads in place of digits, used only where a field is known to be numeric.
_DIGIT_CONFUSIONS = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "i": "1",
                                   "|": "1", "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "g": "9"})
_MONEY = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?")


def halfwidth(text: str) -> str:
    # NFKC also folds look-alikes some PDF fonts emit (Kangxi radical ⼦ U+2F26 for 子).
    return unicodedata.normalize("NFKC", text).translate(_FULL_TO_HALF).translate(_PUNCT)


def normalize(text: str) -> str:
    """Half-width, one kind of colon and bracket, no spaces inside CJK runs (`名 称:` → `名称:`)."""
    text = halfwidth(text).strip()
    text = _SPACE_BETWEEN_CJK.sub("", text)
    return re.sub(r"\s+", " ", text)


def squash(text: str) -> str:
    """All whitespace removed: how labels and printed values are compared."""
    return re.sub(r"\s+", "", halfwidth(text))


def digits_only(text: str, *, allow_letters: bool = False) -> str:
    """A numeric identifier as printed, OCR letter confusions mapped back to digits."""
    text = squash(text)
    if not allow_letters:
        text = text.translate(_DIGIT_CONFUSIONS)
    return re.sub(r"[^0-9A-Z]" if allow_letters else r"[^0-9]", "", text)


def find_money(text: str) -> list[str]:
    """Money-looking numbers in `text` as printed without currency signs or separators (`5,608.00` → `5608.00`)."""
    text = squash(text).replace("¥", "").replace("Y", "")
    return [m.replace(",", "") for m in _MONEY.findall(text)]


def parse_decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text.replace(",", ""))
    except (InvalidOperation, ValueError):
        return None


@cache
def _to_simplified() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Text for matching names: squashed, traditional characters as simplified. OCR models read some simplified
    characters in their traditional form (黄 as 黃), and signs print names traditionally (羅曼羅蘭 for the registered
    罗曼罗兰): one person or one business either way."""
    return str(_to_simplified().convert(squash(text)))
