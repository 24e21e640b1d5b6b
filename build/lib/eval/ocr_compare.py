"""OCR engines side by side on the same pages: rapidocr (PP-OCRv6) vs Tesseract 5 `chi_sim` (Debian).

Character error rate is measured against the strings the renderer drew, each with its box: the OCR text
inside a drawn box (lines or words whose centre falls in it, left to right) is compared with what was drawn.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image
from rapidfuzz.distance import Levenshtein

from attest.layout.normalize import squash

Word = tuple[str, tuple[float, float, float, float]]


def rapidocr_words(image: Image.Image) -> list[Word]:
    from attest.ocr import create_ocr_engine
    from attest.settings import OcrSettings

    global _RAPID
    if _RAPID is None:
        _RAPID = create_ocr_engine(OcrSettings())
    page = _RAPID.read(image)
    return [(ln.text, ln.bbox) for ln in page.lines]


_RAPID: Any = None


def tesseract_words(image: Image.Image) -> list[Word]:
    """Words with boxes from `tesseract … tsv` (Debian's tesseract-ocr + tesseract-ocr-chi-sim)."""
    if shutil.which("tesseract") is None:
        raise RuntimeError("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)")
    buf = io.BytesIO()
    image.save(buf, "PNG")
    out = subprocess.run(["tesseract", "stdin", "stdout", "-l", "chi_sim", "--psm", "3", "tsv"],
                         input=buf.getvalue(), capture_output=True, check=True, timeout=300)
    words = []
    for row in csv.DictReader(io.StringIO(out.stdout.decode("utf-8")), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if text and row.get("level") == "5":
            x, y, w, h = (float(row[k]) for k in ("left", "top", "width", "height"))
            words.append((text, (x, y, x + w, y + h)))
    return words


def _text_in(box: tuple[float, float, float, float], words: list[Word]) -> str:
    x0, y0, x1, y1 = box
    pad = (y1 - y0) * 0.5
    inside = [(b[0], t) for t, b in words
              if x0 - pad <= (b[0] + b[2]) / 2 <= x1 + pad and y0 - pad <= (b[1] + b[3]) / 2 <= y1 + pad]
    return "".join(t for _, t in sorted(inside))


def cer(drawn: list[dict[str, Any]], words: list[Word]) -> tuple[int, int]:
    """(edit distance, characters) summed over the drawn strings of one page, whitespace ignored."""
    dist = chars = 0
    for item in drawn:
        truth = squash(item["text"])
        dist += Levenshtein.distance(truth, squash(_text_in(tuple(item["box"]), words)))
        chars += len(truth)
    return dist, chars


ENGINES: dict[str, Callable[[Image.Image], list[Word]]] = {"rapidocr PP-OCRv6": rapidocr_words,
                                                           "tesseract 5 chi_sim": tesseract_words}


def compare_engines(manifest: Path, out: Path, pages: int = 20) -> dict[str, Any]:
    """Run each engine on the first `pages` PNG pages of a synthetic corpus; write `ocr_compare.json`."""
    corpus = json.loads(manifest.read_text(encoding="utf-8"))
    docs = [d for m in corpus["merchants"] for d in m["documents"]
            if d["file"].endswith(".png") and "text_truth" in d][:pages]  # pages whose drawn text is known
    rows = []
    for name, engine in ENGINES.items():
        dist = chars = 0
        seconds = 0.0
        for doc in docs:
            image = Image.open(manifest.parent / doc["file"]).convert("RGB")
            started = time.perf_counter()
            words = engine(image)
            seconds += time.perf_counter() - started
            d, c = cer(doc["text_truth"], words)
            dist, chars = dist + d, chars + c
        rows.append({"engine": name, "pages": len(docs), "cer": round(dist / max(chars, 1), 4),
                     "seconds_per_page": round(seconds / max(len(docs), 1), 3)})
    method = " ".join((__doc__ or "").split("\n\n")[1].split())
    result = {"method": method, "engines": rows}
    out.mkdir(parents=True, exist_ok=True)
    (out / "ocr_compare.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return result
