"""The real-document gate: every real file of every kind read as the service reads it, held to a floor per kind.

Reads ../shared/realdocs when it lies beside the checkout (as in CI), and always the real files committed under
tests/data/realdocs, so a fresh clone without ../shared still runs a gate.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from attest.extract.flat import sure_at
from eval.realdocs import FOLDERS, KIND_OF_FOLDER, SHARED, FileScore, entries, original_of, score_file, summarise

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "realdocs"
FLOORS = yaml.safe_load((Path(__file__).parent / "floors.yaml").read_text(encoding="utf-8"))
ROOTS = {"shared": SHARED, "bundled": BUNDLED}
SETS = [name for name, root in ROOTS.items() if root.is_dir()]
SETS += [f"{name}-originals" for name in list(SETS)]  # the OFD and PDF files the invoice pictures came from


def _score_set(root: Path, engines: Any) -> list[FileScore]:
    out = []
    for folder in FOLDERS:
        for entry in entries(folder, root):
            out.append(score_file(root / folder / entry["file"], entry, KIND_OF_FOLDER[folder], engines,
                                  date(2026, 11, 28)))
    return out


@pytest.fixture(scope="module")
def scored(engines: Any) -> dict[str, list[FileScore]]:
    """Each set read once for all the tests below (the bundled files the shared set holds are not read twice)."""
    out: dict[str, list[FileScore]] = {}
    if "shared" in SETS:
        out["shared"] = _score_set(SHARED, engines)
    if "bundled" in SETS:
        out["bundled"] = _bundled(engines, {s.file: s for s in out.get("shared", [])})
    done = {s.file: s for scores in out.values() for s in scores}
    for name in [n for n in SETS if not n.endswith("-originals")]:
        out[f"{name}-originals"] = _originals(ROOTS[name], engines, done)
    return out


def _originals(root: Path, engines: Any, done: dict[str, FileScore]) -> list[FileScore]:
    """Each invoice's e-invoice file (OFD or PDF), scored against the label of the picture rendered from it."""
    out = []
    for entry in entries("invoices", root):
        path = original_of(root, "invoices", entry)
        if path is not None:
            out.append(done.get(path.name) or score_file(path, entry, "invoice", engines, date(2026, 11, 28)))
            done[path.name] = out[-1]
    return out


def _bundled(engines: Any, done: dict[str, FileScore]) -> list[FileScore]:
    out = []
    for folder in FOLDERS:
        for entry in entries(folder, BUNDLED):
            out.append(done.get(entry["file"]) or score_file(BUNDLED / folder / entry["file"], entry,
                                                             KIND_OF_FOLDER[folder], engines, date(2026, 11, 28)))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("which", SETS)
def test_every_kind_holds_its_floor(which: str, scored: dict[str, list[FileScore]]) -> None:
    summary = summarise(scored[which])
    assert set(summary) >= set(FLOORS[which]), f"kinds missing from the {which} set: {summary}"
    for kind, floor in FLOORS[which].items():
        row = summary[kind]
        misses = {s.file: [k for k, ok in s.hits.items() if not ok] for s in scored[which]
                  if s.kind == kind and not all(s.hits.values())}
        assert row["classified"] >= floor["classified"], (kind, row, misses)
        assert row["field_accuracy"] >= floor["fields"], (kind, row, misses)


@pytest.mark.slow
@pytest.mark.parametrize("which", SETS)
def test_genuine_real_documents_raise_no_fail_and_are_read(which: str, scored: dict[str, list[FileScore]]) -> None:
    """Real documents are genuine: no `fail`, and none that was read is reported unreadable. The statement
    exports are real formats with hand-edited content (their README): their checks are held to their labels'
    own verdicts instead (tests/extract/test_statement.py)."""
    for s in scored[which]:
        if s.got_kind.startswith("refused"):
            continue
        if s.kind != "statement":
            assert s.fails == [], (s.file, s.fails)
        assert "quality.unreadable" not in s.quality, s.file


@pytest.mark.slow
@pytest.mark.parametrize("which", SETS)
def test_real_invoice_pictures_read_in_full(which: str, scored: dict[str, list[FileScore]]) -> None:
    """Every field of every real invoice picture, items included, at the per-file bar of test_real_invoices."""
    from ..extract.test_real_invoices import HARD, every_field_accuracy

    for s in scored[which]:
        if s.kind == "invoice" and not s.got_kind.startswith("refused"):
            accuracy, misses = every_field_accuracy(s.got, s.want)
            assert accuracy >= HARD.get(s.file, 0.9), (s.file, misses)


@pytest.mark.slow
@pytest.mark.parametrize("which", SETS)
def test_fields_marked_sure_are_right(which: str, scored: dict[str, list[FileScore]]) -> None:
    """The confidence means something: a judged value read at `sure_at` or above is right ≥ 99 % of the time."""
    sure = [ok for s in scored[which] for ok in s.sure_hits(sure_at())]
    wrong = {s.file: [k for k, ok in s.hits.items() if not ok and s.confidence.get(k, -1) >= sure_at()]
             for s in scored[which]}
    assert sure and sum(sure) / len(sure) >= 0.99, {f: w for f, w in wrong.items() if w}
