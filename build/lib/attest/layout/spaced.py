"""Labels printed with wide letter spacing (`名　　称`, `住　　所`) as OCR returns them, joined back together.

OCR reads such a label as separate boxes: the first character alone at the label column, the second fused
to the front of the value (`称北京…`) or alone beside it. Where two spaced labels stand on consecutive rows
the first characters are often detected as one tall box (`名类`). This module splits those tall boxes into
characters and joins each label's characters into one line that reads like an unspaced label, so the
ordinary label → value pairing applies.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from attest.layout.geometry import Box, Line, same_row

_CJK_ONLY = re.compile(r"^[\u4e00-\u9fff]+$")


def split_tall(lines: Sequence[Line]) -> list[Line]:
    """A tall box of a few Chinese characters (first characters of stacked labels) becomes one box each."""
    out = []
    for ln in lines:
        n = len(ln.text)
        if ln.vertical and 2 <= n <= 4 and _CJK_ONLY.match(ln.text):
            step = ln.box.h / n
            out += [Line(ln.id, ch, Box(ln.box.x0, ln.box.y0 + i * step, ln.box.x1, ln.box.y0 + (i + 1) * step),
                         ln.confidence, ch, ln.seal) for i, ch in enumerate(ln.text)]
        else:
            out.append(ln)
    return out


def _joined(head: Line | None, tail: Line, label: str) -> Line:
    """`tail` (which starts with the label's last character) read as if the whole label were printed in it.

    Where the tail carries the value too, the box stays the tail's, where the value's text is: a wrapped value
    continues under it, not under the label's first character far to the left."""
    rest = tail.text[1:]
    box = tail.box if rest.strip() or head is None else head.box.union(tail.box)
    return Line(tail.id, label + rest, box, min(tail.confidence, head.confidence) if head else tail.confidence,
                tail.raw, tail.seal)


def _label_column(lines: Sequence[Line], plain_labels: re.Pattern[str]) -> list[float]:
    """Left edges of the page's ordinary labels: where a label's first character stands."""
    return sorted({round(ln.box.x0) for ln in lines if plain_labels.match(ln.text)})


def join_spaced_labels(lines: Sequence[Line], labels: Sequence[str], plain_labels: re.Pattern[str]) -> list[Line]:
    """Lines with every letter-spaced label of `labels` (two characters each) rejoined.

    A label's first character is looked for on the same row to the left; when OCR missed it, the label's
    second character still counts if it stands where a label ends: a few characters right of the page's
    label column (`plain_labels` finds the unspaced labels that mark that column).
    """
    work = split_tall(lines)
    column = _label_column(work, plain_labels)
    used: set[int] = set()
    out: dict[int, Line] = {}
    for label in labels:
        first, second = label[0], label[1:]
        if any(ln.text.startswith(label) for ln in work):
            continue  # printed (or read) without the gap: nothing to join
        for i, tail in enumerate(work):
            if i in used or not tail.text.startswith(second):
                continue
            heads = [j for j, ln in enumerate(work) if j not in used and ln.text == first
                     and same_row(ln.box, tail.box) and ln.box.x1 <= tail.box.x0 + tail.box.h * 0.5
                     and tail.box.x0 - ln.box.x1 < tail.box.h * 8]
            if heads:
                j = max(heads, key=lambda k: work[k].box.x1)
                used.update((i, j))
                out[i] = _joined(work[j], tail, label)
                break
            near = [x for x in column if 0 <= tail.box.x0 - x <= tail.box.h * 4]
            if near and not any(same_row(ln.box, tail.box) and ln.box.x1 <= tail.box.x0 for ln in work):
                used.add(i)
                out[i] = _joined(None, tail, label)
                break
    return [out.get(i, ln) for i, ln in enumerate(work) if i not in used or i in out]
