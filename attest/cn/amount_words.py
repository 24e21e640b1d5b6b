"""Amounts in words (大写金额): a strict parser and the standard writer.

Strict on purpose: a forger's slips (两, 一, 毛, a missing 整, doubled 零) are signals, so they are errors
here rather than things a lenient converter would quietly accept.
"""

from __future__ import annotations

from decimal import Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_DIGIT = {c: i for i, c in enumerate(DIGITS)}
_UNIT = {"拾": 10, "佰": 100, "仟": 1000}
_YUAN = ("元", "圆")
_WHOLE = ("整", "正")
_NONSTANDARD = {"两": "两", "一": "一", "二": "二", "三": "三", "十": "十", "百": "百", "千": "千", "毛": "毛",
                "块": "块"}


class AmountWordsError(ValueError):
    """The text is not a well-formed amount in words; `reason` says what is wrong."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _section(text: str, *, leading: bool) -> int:
    """0..9999 from e.g. `叁仟零伍拾`; units must fall and every unit needs a digit (except a leading 拾)."""
    total, digit, last_unit, zero = 0, None, 10_000, False
    for i, ch in enumerate(text):
        if ch in _DIGIT:
            value = _DIGIT[ch]
            if value == 0:
                if zero:
                    raise AmountWordsError("零 written twice in a row")
                zero = True
                continue
            if digit is not None:
                raise AmountWordsError(f"two digits without a unit near '{ch}'")
            digit, zero = value, False
        elif ch in _UNIT:
            unit = _UNIT[ch]
            if unit >= last_unit:
                raise AmountWordsError(f"unit {ch} out of order")
            if digit is None:
                if not (ch == "拾" and i == 0 and leading):
                    raise AmountWordsError(f"unit {ch} without a digit")
                digit = 1
            total += digit * unit
            digit, last_unit, zero = None, unit, False
        else:
            raise AmountWordsError(f"unexpected character '{ch}'")
    if digit is not None:
        total += digit
    return total


def _integer(text: str) -> int:
    total, leading = 0, True
    for big, scale in (("亿", 100_000_000), ("万", 10_000)):
        if big in text:
            head, text = text.split(big, 1)
            if not head:
                raise AmountWordsError(f"{big} without a number")
            total += _section(head, leading=leading) * scale
            leading = False
            text = text.removeprefix("零") if text.startswith("零") and len(text) > 1 else text
    return total + (_section(text, leading=leading) if text else 0)


def parse_amount_words(text: str, *, require_whole: bool = True) -> Decimal:
    """`叁拾元零肆角玖分` → Decimal('30.49'); raises `AmountWordsError` with the reason otherwise.

    Invoices always close a whole amount with 整 (its absence is a forger's slip); contracts, typed by people,
    often do not (`人民币贰佰陆拾捌万伍仟元`): `require_whole=False` accepts that."""
    text = "".join(text.split()).removeprefix("人民币")
    for ch in text:
        if ch in _NONSTANDARD:
            raise AmountWordsError(f"non-standard character '{ch}' in an amount in words")
    # A red-letter (negative) invoice prints `(负数)壹佰圆整`, or `负壹佰圆整`.
    for mark in ("(负数)", "（负数）", "负数", "负"):
        if text.startswith(mark):
            negative, text = True, text.removeprefix(mark)
            break
    else:
        negative = False
    if not text:
        raise AmountWordsError("empty")
    yuan = next((y for y in _YUAN if y in text), None)
    integer_part, frac = (text.split(yuan, 1) if yuan else ("", text))
    integer = _integer(integer_part) if integer_part else 0
    if yuan and not integer_part:
        raise AmountWordsError("元 without a number")
    jiao = fen = 0
    rest = frac
    if rest.startswith("零"):
        rest = rest[1:]
    if rest in _WHOLE:
        if not yuan:
            raise AmountWordsError("整 must follow 元 or 角")
        rest = ""
    elif rest == "" and yuan and require_whole:
        raise AmountWordsError("missing 整 after 元")
    if rest:
        if len(rest) >= 2 and rest[1] == "角":
            if rest[0] not in _DIGIT or rest[0] == "零":
                raise AmountWordsError("bad 角 digit")
            jiao, rest = _DIGIT[rest[0]], rest[2:]
            if rest in _WHOLE:
                rest = ""
        if rest:
            if len(rest) == 2 and rest[1] == "分" and rest[0] in _DIGIT and rest[0] != "零":
                fen, rest = _DIGIT[rest[0]], ""
            elif rest.endswith(_WHOLE) and rest[:-1].endswith("分"):
                raise AmountWordsError("整 after 分")
            else:
                raise AmountWordsError(f"cannot read '{rest}' after the yuan part")
    value = Decimal(integer) + Decimal(jiao) / 10 + Decimal(fen) / 100
    value = value.quantize(Decimal("0.01"))
    return -value if negative else value


def _section_words(n: int, *, pad: bool) -> str:
    """Words for 0..9999; `pad` writes a leading 零 when a higher section came before and this is < 1000."""
    out, zero = "", pad and n < 1000
    for unit, name in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
        d = n // unit % 10
        if d == 0:
            zero = zero or bool(out)
            continue
        if zero and (out or pad):
            out += "零"
        zero = False
        out += DIGITS[d] + name
    return out


def to_amount_words(value: Decimal) -> str:
    """The standard 大写 form: `Decimal('1005.30')` → `壹仟零伍圆叁角整`."""
    negative = value < 0
    cents = int((abs(value) * 100).quantize(Decimal(1)))
    integer, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    words = ""
    sections = [(integer // 100_000_000, "亿"), (integer // 10_000 % 10_000, "万"), (integer % 10_000, "")]
    started = False
    for n, name in sections:
        if n == 0:
            continue
        words += _section_words(n, pad=started) + name
        started = True
    if integer:
        words += "圆"
    if jiao == 0 and fen == 0:
        words = (words or "零圆") + "整"
    else:
        if jiao:
            words += DIGITS[jiao] + "角"
        elif integer:
            words += "零"
        words += DIGITS[fen] + "分" if fen else "整"
    return ("负" if negative else "") + words
