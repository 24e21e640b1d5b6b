"""Document classifier: invoice, contract, business licence, shop photo, or other — with its reasons."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import numpy as np
from PIL import Image

from attest.data import load
from attest.kinds import photo_kind
from attest.layout.normalize import squash
from attest.schemas.document import Classification, DocumentKind
from attest.schemas.ocr import OcrPage

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_SIGN = re.compile(r"[A-Za-z]{3,}")


def image_stats(image: Image.Image, page: OcrPage | None) -> dict[str, float]:
    """How the picture looks: white share, colourfulness, share covered by text boxes."""
    small = np.asarray(image.convert("RGB").resize((256, max(1, round(256 * image.height / image.width)))),
                       dtype=np.float32)
    r, g, b = small[..., 0], small[..., 1], small[..., 2]
    rg, yb = r - g, 0.5 * (r + g) - b
    colourfulness = float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))
    white = float((small.min(axis=2) > 200).mean())
    coverage = 0.0
    if page is not None and page.width and page.height:
        area = sum((ln.bbox[2] - ln.bbox[0]) * (ln.bbox[3] - ln.bbox[1]) for ln in page.lines)
        coverage = min(1.0, area / (page.width * page.height))
    return {"white_share": round(white, 4), "colourfulness": round(colourfulness, 2),
            "text_coverage": round(coverage, 4)}


@cache
def _column_words() -> tuple[str, ...]:
    """The column names statements print (shorter ones, 金额 or 摘要, are on every invoice too)."""
    roles = load("statements")["roles"]
    return tuple(sorted({squash(w) for words in roles.values() for w in words if len(squash(w)) >= 3}))


def _word_scores(text: str, lines: list[str], spec: dict[str, Any]) -> dict[str, tuple[float, list[str]]]:
    out = {}
    for kind, k in spec["kinds"].items():
        vocabulary = dict(k["words"])
        if k.get("column_words"):
            vocabulary.update({w: k["column_words"] for w in _column_words() if w not in vocabulary})
        found = [w for w in vocabulary if w in text]
        score = sum(vocabulary[w] for w in found)
        # The kind's own title printed as a heading (`XX增值税普通发票`): a photo of only the top band of a page
        # still shows it, with its code and number, though the rest of the page is out of frame.
        title = k.get("title")
        heading = next((ln for ln in lines if title and len(ln) <= title["max_chars"]
                        and re.search(title["pattern"], ln)), None)
        if title and heading is not None:
            found.append(f"title {heading}")
            score += title["weight"]
        out[kind] = (score / k["saturation"], found)
    return out


def _capped(scores: dict[str, tuple[float, list[str]]]) -> dict[str, tuple[float, list[str]]]:
    return {k: (min(1.0, v), why) for k, (v, why) in scores.items()}


def _photo_score(stats: dict[str, float], spec: dict[str, Any], has_sign_text: bool) -> tuple[float, list[str]]:
    rule = spec["photo"]
    signs = [
        (stats["text_coverage"] <= rule["max_text_coverage"], f"text covers {stats['text_coverage']:.0%}"),
        (stats["white_share"] <= rule["max_white_share"], f"{stats['white_share']:.0%} paper-white"),
        (stats["colourfulness"] >= rule["min_colourfulness"], f"colourfulness {stats['colourfulness']:.0f}"),
    ]
    if not signs[1][0]:
        return 0.0, []  # mostly paper: a page, whatever else it shows
    if not has_sign_text:
        return 0.0, []  # a place with nothing written on it shows no business
    return sum(ok for ok, _ in signs) / len(signs), [why for ok, why in signs if ok]


def classify(pages: list[OcrPage], images: list[Image.Image] | None = None) -> Classification:
    """The most likely kind with its confidence and reasons; `other` when nothing fits clearly."""
    spec = load("classify")
    lines = [squash(ln.text) for page in pages for ln in page.lines]
    text = "".join(lines)
    uncapped = _word_scores(text, lines, spec)
    scores = _capped(uncapped)
    stats = image_stats(images[0], pages[0] if pages else None) if images else None
    printed = any(score >= spec["kinds"][kind]["threshold"]
                  and (len(found) >= spec["page_words"] or any(w.startswith("title ") for w in found))
                  for kind, (score, found) in scores.items())
    if stats is not None and len(pages) <= 1 and not printed:
        # A sign in Chinese, or a Latin brand alone (`GOODLUCK`), shows a business.
        signed = len(_CJK.findall(text)) >= 2 or bool(_LATIN_SIGN.search(text))
        scores[photo_kind().name] = _photo_score(stats, spec, signed)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1][0])
    (best, (score, why)), runner = ranked[0], ranked[1][1][0] if len(ranked) > 1 else 0.0
    if score >= 1.0 and runner >= 1.0 and best in uncapped and ranked[1][0] in uncapped:
        # Two kinds each print their full vocabulary (an agreement about invoicing or a bank account): the one
        # that prints more of its own words is the document, by the same margin on the uncapped scores.
        ranked = sorted(ranked, key=lambda kv: -uncapped.get(kv[0], kv[1])[0])
        best, (_, why) = ranked[0]
        score, runner = 1.0, 1.0 - (uncapped[best][0] - uncapped[ranked[1][0]][0])
    threshold = spec["photo"]["threshold"] if best == photo_kind().name else spec["kinds"][best]["threshold"]
    detail = {k: round(v[0], 3) for k, v in scores.items()}
    if score >= threshold and score - runner >= spec["margin"]:
        reasons = [f"{best}: {', '.join(why)}", f"scores {detail}"]
        kind: DocumentKind = best  # type: ignore[assignment]
        return Classification(kind=kind, confidence=round(min(1.0, 0.5 + (score - runner)), 3), reasons=reasons,
                              image=stats)
    if not text:
        reason = "no text was read and the picture does not look like a shop"
    elif score < threshold:
        reason = f"no kind reaches its threshold (best {best} {score:.2f})"
    else:
        reason = f"{best} and {ranked[1][0]} are too close to call ({score:.2f} vs {runner:.2f})"
    return Classification(kind="other", confidence=round(1.0 - score / 2, 3), reasons=[reason, f"scores {detail}"],
                          image=stats)
