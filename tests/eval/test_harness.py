"""The evaluation harness end to end: generate → run (parallel, resumable) → metrics → report → compare."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eval.corpus import generate_corpus
from eval.metrics import field_scores, roc
from eval.report import compare, write_report
from eval.run import run_corpus
from eval.same_readings import comparable, same_readings

from ..conftest import SAMPLES

ATTEST = [sys.executable, "-c", "from attest.cli import main; main()"]


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_same_corpus_bytes(tmp_path: Path) -> None:
    generate_corpus(6, 11, tmp_path / "a")
    generate_corpus(6, 11, tmp_path / "b")
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    generate_corpus(6, 12, tmp_path / "c")
    assert _tree(tmp_path / "a") != _tree(tmp_path / "c")


def test_manifest_carries_the_hidden_truth(tmp_path: Path) -> None:
    manifest = generate_corpus(40, 3, tmp_path)
    merchants = manifest["merchants"]
    assert {"industry", "city_tier", "monthly_revenue", "fraud"} <= set(merchants[0])
    reused = [m for m in merchants if m["fraud"] == "reused_invoice"]
    numbers = [d["fields"]["invoice_number"] for m in merchants for d in m["documents"] if d["doc_type"] == "invoice"]
    for m in reused:  # the reused invoice is byte for byte someone else's
        assert numbers.count(m["documents"][0]["fields"]["invoice_number"]) >= 2
    # Every ring text bought here was bought before by an earlier applicant, whom the store remembers.
    rings = {d["ring_template"] for m in merchants for d in m["documents"] if "ring_template" in d}
    history = manifest.get("history", [])
    assert rings and {h["documents"][0]["ring_template"] for h in history} == rings
    assert all(h["application_date"] < merchants[0]["application_date"] for h in history)
    kinds = {d["doc_type"] for m in merchants for d in m["documents"]}
    assert kinds == {"invoice", "business_license", "shop_photo", "contract"}
    for m in merchants:
        for d in (d for d in m["documents"] if d["doc_type"] == "invoice"):
            sale = d["role"] == "sale" and m["fraud"] not in ("mismatched_identity", "reused_invoice")
            assert not sale or d["fields"]["seller_tax_id"] == m["uscc"] or m["fraud"] == "fake_tax_id"


def test_field_scores_punish_invented_values() -> None:
    scores = field_scores([({"remarks": "凭空", "drawer": "王芳"}, {"remarks": None, "drawer": "王芳"})])
    assert scores["remarks"]["precision"] == 0.0
    assert scores["drawer"]["f1"] == 1.0


def test_roc() -> None:
    result = roc([3.0, 2.0, 0.0, 0.0], [True, True, False, False])
    assert result["auc"] == 1.0 and result["recall_at_1pct_fpr"] == 1.0
    assert roc([1.0, 0.0], [False, True])["auc"] == 0.0


@pytest.mark.slow
def test_run_report_resume_and_compare(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    generate_corpus(3, 5, corpus)
    run = tmp_path / "run"
    record = run_corpus(corpus / "manifest.json", run, workers=2, progress=False)
    corpus_docs = [*record["corpus"]["merchants"], *record["corpus"].get("history", [])]
    docs = sum(len(m["documents"]) for m in corpus_docs)  # earlier applicants' documents are read too
    assert record["processed_now"] == docs
    report = write_report(run)
    html = report.read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "Fields" in html and "Latency" in html
    metrics = json.loads((run / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["classification"]["accuracy"] == 1.0
    assert metrics["field_macro_f1"] > 0.9
    assert metrics["uplift"]["available"] is True
    assert metrics["uplift"]["replay_identical"] == 1.0  # every decision re-scores identically from its trail
    assert len(list((run / "trails").glob("*.jsonl"))) == 3
    # Resume: nothing left to do; a lost result is redone, alone. The folder `generate` wrote names the corpus too.
    assert run_corpus(corpus, run, workers=1, progress=False)["processed_now"] == 0
    next((run / "docs").rglob("*.json")).unlink()
    assert run_corpus(corpus / "manifest.json", run, workers=1, progress=False)["processed_now"] == 1
    write_report(run)
    rows = compare(run, run)
    assert rows and all(delta == 0 for *_, delta in rows)
    # The same code reads a sample again exactly as the run did, timings and read moments aside.
    compared, differ = same_readings(run, 5, tmp_path / "reread")
    assert compared >= 2 and differ == []
    summary = json.loads(next((run / "docs").rglob("*.json")).read_text(encoding="utf-8"))
    assert comparable({**summary, "wall_s": 9.9}) == comparable(summary)
    assert comparable({**summary, "fields": {**summary["fields"], "x": "1"}}) != comparable(summary)
    # A second full run of the same seed is not needed to show the metrics repeat: the corpus is byte for byte
    # the same (test_same_seed_same_corpus_bytes) and a re-read gives the same readings (just above).


@pytest.mark.slow
def test_labelled_folder_through_the_cli(tmp_path: Path) -> None:
    out = subprocess.run([*ATTEST, "eval", "run", str(SAMPLES), "--out", str(tmp_path / "run")],
                         capture_output=True, text=True, timeout=600, check=False)
    assert out.returncode == 0, out.stderr
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["corpus"]["documents"] == 3
    assert metrics["fields"]["invoice_number"]["f1"] == 1.0
    assert metrics["application"]["available"] is False


def test_a_model_extractor_without_a_model_is_a_clear_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTEST_LLM__")}
    out = subprocess.run([*ATTEST, "eval", "run", str(SAMPLES), "--out", str(tmp_path), "--extractor", "llm"],
                         capture_output=True, text=True, timeout=120, check=False, env=env)
    assert out.returncode == 2 and "ATTEST_LLM__BASE_URL" in out.stderr
    assert not (tmp_path / "docs").exists()  # refused before any document was processed


@pytest.mark.slow
def test_ocr_engines_side_by_side(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    generate_corpus(3, 2, corpus)
    from eval.ocr_compare import compare_engines

    result = compare_engines(corpus / "manifest.json", tmp_path, pages=1)
    engines = {r["engine"]: r for r in result["engines"]}
    assert set(engines) == {"rapidocr PP-OCRv6", "tesseract 5 chi_sim"}
    assert all(0 <= r["cer"] <= 1 and r["seconds_per_page"] > 0 for r in engines.values())
    assert engines["rapidocr PP-OCRv6"]["cer"] < 0.1
