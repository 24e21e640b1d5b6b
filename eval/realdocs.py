"""Real documents, every kind: read each labelled file with `process_document` and score it field by field.

`python -m eval.realdocs [--kind licences] [--cache DIR] [--show-misses] [--originals]` prints, per kind,
classification accuracy and the share of labelled fields read exactly, then each file's misses (`--originals`:
the OFD and PDF files invoice pictures were rendered from). The same scoring backs the
real-document gate in `tests/realdocs/`. `--cache` keeps each page's OCR answer on disk (keyed by the page's
pixels), so changing an extractor re-runs in seconds; a change to what the OCR sees re-reads that page.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from PIL import Image

from attest.kinds import kinds
from attest.layout.normalize import squash
from attest.schemas.ocr import OcrPage

SHARED = Path(__file__).resolve().parents[2] / "shared" / "realdocs"
# Every kind's folder, labels and judged fields are its row in the kind registry (`attest/data/kinds.yaml`).
KIND_OF_FOLDER = {row.eval.folder: row.name for row in kinds().values()}
FOLDERS = tuple(KIND_OF_FOLDER)
# Which labelled fields each kind is judged on (the bars); other labelled keys are context.
JUDGED = {row.name: row.eval.judged for row in kinds().values()}
# Flat names of the extractor where the labels call a field otherwise.
FLAT_NAME = {row.name: row.eval.label_names for row in kinds().values() if row.eval.label_names}
_UNSEEN = ("REDACTED", "OCCLUDED", "ILLEGIBLE")
_PARENS = str.maketrans("（）：，", "():,")


class CachingOcr:
    """An OCR engine that remembers each answer by the exact pixels it was asked about (eval only)."""

    def __init__(self, engine: Any, folder: Path) -> None:
        self.engine, self.folder = engine, folder
        self.name, self.version = engine.name, engine.version
        folder.mkdir(parents=True, exist_ok=True)

    def _key(self, image: Image.Image, *extra: object) -> Path:
        digest = hashlib.sha256(image.tobytes() + repr((image.size, image.mode, *extra)).encode()).hexdigest()
        return self.folder / f"{digest[:32]}.pkl"

    def read(self, image: Image.Image, page: int = 1, *, orient: bool = True) -> OcrPage:
        path = self._key(image, page, orient)
        if path.exists():  # our own cache, written just below
            return pickle.loads(path.read_bytes())  # type: ignore[no-any-return]
        result: OcrPage = self.engine.read(image, page, orient=orient)
        path.write_bytes(pickle.dumps(result))
        return result

    def read_line(self, image: Image.Image) -> tuple[str, float]:
        path = self._key(image, "line")
        if path.exists():
            return pickle.loads(path.read_bytes())  # type: ignore[no-any-return]
        result = self.engine.read_line(image)
        path.write_bytes(pickle.dumps(result))
        return result  # type: ignore[no-any-return]


_AMOUNT = re.compile(r"^-?\d+(?:\.\d+)?$")


_MONEY_FIELDS = {"amount", "total_amount_excl_tax", "total_tax", "total_amount_incl_tax"}


def _norm(key: str, value: Any) -> Any:
    if value is None:
        return None
    text = squash(str(value)).translate(_PARENS).replace(" ", "")
    return Decimal(text) if key in _MONEY_FIELDS and _AMOUNT.match(text) else text


def judged_fields(kind: str, labelled: dict[str, Any]) -> list[str]:
    """The fields of one label that count: judged for the kind, and not marked unreadable by the labeller."""
    return [k for k in JUDGED[kind] if k in labelled and not any(u in str(labelled[k]) for u in _UNSEEN)]


def field_hits(kind: str, got: dict[str, Any], labelled: dict[str, Any]) -> dict[str, bool]:
    """Per judged field: is the value read the labelled one (width, spaces and parenthesis form ignored)?"""
    names = FLAT_NAME.get(kind, {})
    out = {}
    for key in judged_fields(kind, labelled):
        want = labelled[key]
        have = got.get(names.get(key, key))
        if kind == "contract" and key == "supplier" and want in ("party_a", "party_b"):
            want = labelled.get(want)
        out[key] = _norm(key, have) == _norm(key, want)
    return out


@dataclass
class FileScore:
    file: str
    kind: str
    got_kind: str
    hits: dict[str, bool] = field(default_factory=dict)
    got: dict[str, Any] = field(default_factory=dict)
    want: dict[str, Any] = field(default_factory=dict)
    quality: list[str] = field(default_factory=list)
    fails: list[str] = field(default_factory=list)
    confidence: dict[str, float] = field(default_factory=dict)  # by judged (label) name, for the values read

    def sure_hits(self, sure_at: float) -> list[bool]:
        """Right or not, each judged value read at `sure_at` or above."""
        return [ok for key, ok in self.hits.items() if self.confidence.get(key, -1.0) >= sure_at]


def entries(folder: str, root: Path = SHARED) -> list[dict[str, Any]]:
    labels = root / folder / "labels.json"
    return json.loads(labels.read_text(encoding="utf-8")) if labels.exists() else []


def original_of(root: Path, folder: str, entry: dict[str, Any]) -> Path | None:
    """The e-invoice file (OFD or PDF) a labelled picture was rendered from, when the set holds it."""
    stem = Path(entry["file"]).stem
    for suffix in (".ofd", ".pdf"):
        path = root / folder / "originals" / f"{stem}{suffix}"
        if path.exists():
            return path
    return None


def score_file(path: Path, entry: dict[str, Any], kind: str, engines: Any, today: date) -> FileScore:
    """Process one file as the service would and score it against its label."""
    return score_bytes(path.read_bytes(), path.name, entry, kind, engines, today)


def score_bytes(data: bytes, name: str, entry: dict[str, Any], kind: str, engines: Any, today: date) -> FileScore:
    """`score_file` for a file's bytes (one converted in memory, say)."""
    from attest.errors import InputError
    from attest.extract.flat import flat_confidences, flat_fields
    from attest.pipeline import ProcessOptions, process_document

    try:
        result = process_document(data, name, engines=engines, options=ProcessOptions(today=today))
    except InputError as exc:  # counted as read wrong: a refused real document is a miss, not a skip
        return FileScore(file=name, kind=kind, got_kind=f"refused:{exc.code}",
                         hits=dict.fromkeys(judged_fields(kind, entry["fields"]), False), want=entry["fields"])
    flat = flat_fields(result)
    if kind == "invoice" and flat.get("check_code"):
        flat["check_code"] = flat["check_code"].replace(" ", "")
    hits = field_hits(kind, flat, entry["fields"])
    names, confidence = FLAT_NAME.get(kind, {}), flat_confidences(result)
    return FileScore(file=name, kind=kind, got_kind=result.classification.kind,
                     hits=hits, got=flat, want=entry["fields"],
                     quality=[c.code for c in result.checks if c.code.startswith("quality.")],
                     fails=[c.code for c in result.checks if c.severity == "fail"],
                     confidence={k: confidence[names.get(k, k)] for k in hits if names.get(k, k) in confidence})


def summarise(scores: list[FileScore]) -> dict[str, dict[str, float]]:
    """Per kind: classification accuracy and the share of judged fields read exactly."""
    out: dict[str, dict[str, float]] = {}
    for kind in sorted({s.kind for s in scores}):
        mine = [s for s in scores if s.kind == kind]
        hits = [h for s in mine for h in s.hits.values()]
        out[kind] = {"files": len(mine), "classified": sum(s.got_kind == kind for s in mine) / len(mine),
                     "fields": len(hits), "field_accuracy": sum(hits) / len(hits) if hits else 1.0}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kind", choices=FOLDERS, action="append")
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--only", default=None, help="a regular expression over file names")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--originals", action="store_true",
                        help="read the OFD and PDF files the invoice pictures were rendered from, instead")
    args = parser.parse_args()
    from attest.ocr import create_ocr_engine
    from attest.pipeline import Engines
    from attest.settings import OcrSettings

    ocr: Any = create_ocr_engine(OcrSettings())
    if args.cache:
        ocr = CachingOcr(ocr, args.cache)
    engines = Engines(ocr=ocr)
    scores = []
    for folder in args.kind or FOLDERS:
        kind = KIND_OF_FOLDER[folder]
        for entry in entries(folder):
            if args.only and not re.search(args.only, entry["file"]):
                continue
            path = original_of(SHARED, folder, entry) if args.originals else SHARED / folder / entry["file"]
            if path is None:
                continue
            s = score_file(path, entry, kind, engines, date(2026, 11, 28))
            scores.append(s)
            wrong = [k for k, v in s.hits.items() if not v]
            print(f"{s.file:<60} {s.got_kind:<17} {sum(s.hits.values())}/{len(s.hits)}"
                  f"{'  quality: ' + ','.join(s.quality) if s.quality else ''}"
                  f"{'  FAIL: ' + ','.join(s.fails) if s.fails else ''}")
            if args.show_misses:
                names = FLAT_NAME.get(kind, {})
                for k in wrong:
                    print(f"    {k}: got {s.got.get(names.get(k, k))!r}  want {s.want.get(k)!r}")
    for kind, row in summarise(scores).items():
        print(f"{kind:<17} files {row['files']:>3}  classified {row['classified']:.2f}  "
              f"fields {row['field_accuracy']:.3f} of {row['fields']}")


if __name__ == "__main__":
    main()
