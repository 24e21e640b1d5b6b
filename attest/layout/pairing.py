"""Label → value pairing: same line, the next box on the row, or the line below."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from attest.layout.geometry import Box, Line, h_overlap, same_row, union


@dataclass
class Hit:
    """A value found for a label: its text and the lines it was read from."""

    text: str
    lines: list[Line] = field(default_factory=list)
    label: Line | None = None

    @property
    def box(self) -> Box | None:
        return union(ln.box for ln in self.lines) if self.lines else None

    @property
    def confidence(self) -> float:
        return min((ln.confidence for ln in self.lines), default=0.0)


def _clean(text: str) -> str:
    return text.strip(" :;,")


def cut_at(text: str, stop: re.Pattern[str] | None) -> str:
    """The part of `text` before another label starts (OCR often merges neighbouring fields)."""
    if stop is None:
        return text
    m = stop.search(text)
    return text[: m.start()] if m else text


def labels(lines: Sequence[Line], label: re.Pattern[str]) -> list[tuple[Line, re.Match[str]]]:
    out = []
    for ln in lines:
        m = label.search(ln.text)
        if m:
            out.append((ln, m))
    return out


def _continued(hit: Hit, rest: Sequence[Line], stop: re.Pattern[str] | None) -> Hit:
    """A value printed with wide gaps (`…5楼A1、` `A2 0521…`) arrives as several boxes: join them."""
    for ln in rest:
        last = hit.lines[-1].box
        if ln.box.x0 - last.x1 > last.h * 2.5 or (stop is not None and stop.search(ln.text)):
            break
        hit.text = f"{hit.text} {_clean(ln.text)}"
        hit.lines.append(ln)
    return hit


def _wrapped(hit: Hit, lines: Sequence[Line], stop: re.Pattern[str] | None) -> Hit:
    """A long value wrapped inside its box continues on the next line, starting under the label or value."""
    label = hit.label or hit.lines[0]
    # Where the value's own text starts inside the label's line (`住所广东省…`): wrapped lines are indented
    # to it, not to the label.
    chars = max(len(label.text), 1)
    inline = label.box.x0 + max(chars - len(hit.text), 0) * label.box.w / chars
    while True:
        last = hit.lines[-1].box
        starts = (label.box.x0, last.x0 if hit.lines[-1] is not label else inline)
        below = [
            ln for ln in lines
            if ln not in hit.lines and -0.3 * last.h <= ln.box.y0 - last.y1 < last.h * 0.6 and ln.box.y0 > last.cy
            and min(abs(ln.box.x0 - x) for x in starts) < last.h * 1.5 and ln.box.w < last.w * 1.2
        ]
        if len(below) != 1 or (stop is not None and stop.search(below[0].text)) or below[0].vertical:
            return hit
        # Its label stands in the value's label column: that column starts up to a few characters left of the
        # label found, which may be only the end of a letter-spaced one (`名    称：` read as `名` and `称：`).
        if stop is not None and any(stop.match(ln.text) and same_row(ln.box, below[0].box)
                                    and label.box.x0 - 6 * label.box.h <= ln.box.x0 and ln.box.x1 <= below[0].box.x0
                                    for ln in lines):
            return hit  # the next row's own value, beside its label: not a continuation
        hit.text += _clean(below[0].text)
        hit.lines.append(below[0])


def value_for(
    label_line: Line,
    match: re.Match[str],
    lines: Sequence[Line],
    *,
    value: re.Pattern[str] | None = None,
    stop: re.Pattern[str] | None = None,
    below: bool = False,
    wrap: bool = False,
) -> Hit | None:
    """The value printed after a label: on its own line, else to its right on the row, else below it.

    With `wrap`, a value that runs on to the next line inside its box is joined.
    """
    hit = _value_for(label_line, match, lines, value=value, stop=stop, below=below)
    return _wrapped(hit, lines, stop) if hit is not None and wrap else hit


def _value_for(
    label_line: Line,
    match: re.Match[str],
    lines: Sequence[Line],
    *,
    value: re.Pattern[str] | None,
    stop: re.Pattern[str] | None,
    below: bool,
) -> Hit | None:
    rest = _clean(cut_at(label_line.text[match.end() :], stop))
    if rest and (value is None or value.search(rest)):
        return Hit(rest, [label_line], label_line)
    lb = label_line.box
    right = sorted(
        (
            ln for ln in lines
            if ln is not label_line and same_row(lb, ln.box) and ln.box.x0 >= lb.x1 - lb.h * 0.5
        ),
        key=lambda ln: ln.box.x0,
    )
    reach_from = lb.x1
    for i, ln in enumerate(right):
        if (stop is not None and stop.match(ln.text)) or ln.box.x0 - reach_from > lb.h * 12:
            break
        text = _clean(cut_at(ln.text, stop))
        if text and (value is None or value.search(text)):
            return _continued(Hit(text, [ln], label_line), right[i + 1 :], stop)
        if len(text) > 1:  # a lone mark (⊗ read as `X`) between label and value is passed over
            break
        reach_from = ln.box.x1  # and the value may stand as far from the mark as from a label
    if below:
        under = sorted(
            (
                ln for ln in lines
                if ln.box.y0 >= lb.cy and ln.box.y0 - lb.y1 < lb.h * 1.5 and h_overlap(lb, ln.box) > 0
                and ln is not label_line
            ),
            key=lambda ln: ln.box.y0,
        )
        for ln in under[:1]:
            text = _clean(cut_at(ln.text, stop))
            if text and (value is None or value.search(text)) and not (stop and stop.match(ln.text)):
                return Hit(text, [ln], label_line)
    return None


def find_value(
    lines: Sequence[Line],
    label: re.Pattern[str],
    *,
    value: re.Pattern[str] | None = None,
    stop: re.Pattern[str] | None = None,
    below: bool = False,
    wrap: bool = False,
) -> Hit | None:
    """The first label in reading order that has a value."""
    for ln, m in labels(lines, label):
        hit = value_for(ln, m, lines, value=value, stop=stop, below=below, wrap=wrap)
        if hit is not None:
            return hit
    return None
