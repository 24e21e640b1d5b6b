"""`attest eval run`: the same `process_document` the service calls, over a corpus, in parallel, resumable.

Input: a synthetic corpus (`manifest.json`) or a labelled folder (`labels.json` beside the files).
Output RUN/: `docs/<key>.json` per document (written atomically; existing ones are skipped on resume)
and `run.json` (what ran, with which engine and settings).
"""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

EXTRACTORS = ("rules", "llm", "merged")


@dataclass(frozen=True)
class Task:
    key: str
    path: str
    out: str
    today: str


def load_corpus(source: Path) -> dict[str, Any]:
    """A synthetic manifest as is (its file, or the folder `attest eval generate` wrote it into); a labelled folder
    becomes one pseudo-merchant per document."""
    if source.is_dir() and (source / "manifest.json").is_file():
        source = source / "manifest.json"
    if not source.exists():
        raise ValueError(f"{source}: no such file or folder")
    if source.is_dir() and not (source / "labels.json").is_file():
        raise ValueError(f"{source}: a folder with neither manifest.json (attest eval generate) nor labels.json")
    if source.is_file():
        corpus: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
        corpus["root"] = str(source.parent)
        return corpus
    labels = json.loads((source / "labels.json").read_text(encoding="utf-8"))
    merchants = [{"id": f"doc{i:04d}", "fraud": None, "application_date": None,
                  "documents": [{**entry, "role": None, "expected_fail": None}]} for i, entry in enumerate(labels)]
    return {"kind": "labelled-folder", "version": 1, "merchants": merchants, "root": str(source)}


def tasks_of(corpus: dict[str, Any], out: Path) -> list[Task]:
    root = Path(corpus["root"])
    tasks = []
    for m in [*corpus.get("history", []), *corpus["merchants"]]:
        today = m.get("application_date") or date.today().isoformat()
        for n, doc in enumerate(m["documents"]):
            key = f"{m['id']}/{n}"
            tasks.append(Task(key, str(root / doc["file"]), str(out / "docs" / f"{key}.json"), today))
    return tasks


_ENGINES: Any = None
_EXTRACTOR = "rules"


def _init_worker(threads: int, extractor: str = "rules") -> None:
    global _ENGINES, _EXTRACTOR
    from attest.engines import build_engines
    from attest.settings import OcrSettings

    _ENGINES = build_engines(_settings_for(extractor), ocr=OcrSettings(threads=threads))
    _EXTRACTOR = extractor


def _settings_for(extractor: str) -> Any:
    """The process settings with the run's extractor in place of the configured one."""
    from attest.settings import get_settings

    s = get_settings()
    return s.model_copy(update={"llm": s.llm.model_copy(update={"extractor": extractor})})


def _summary(result: Any) -> dict[str, Any]:
    from attest.extract.flat import flat_fields

    return {
        # The whole result but its OCR lines: what assessing the application needs, re-read without OCR.
        "result": result.model_dump(mode="json", exclude={"ocr"}),
        "document_id": result.document_id, "kind": result.classification.kind,
        "kind_confidence": result.classification.confidence, "status": result.status,
        "fields": flat_fields(result),
        "checks": [{"code": c.code, "severity": c.severity, "fields": [r.field for r in c.refs]}
                   for c in result.checks],
        "timings": result.timings, "errors": [e.model_dump() for e in result.errors],
        "llm": result.llm.model_dump(mode="json") if result.llm else None,
        "ocr_engine": result.ocr[0].engine_version if result.ocr else None,
    }


def run_one(task: Task) -> dict[str, Any]:
    """Process one document in this worker and write its summary (or its input error)."""
    from attest.errors import InputError
    from attest.pipeline import ProcessOptions, process_document

    started = time.perf_counter()
    data = Path(task.path).read_bytes()
    try:
        result = process_document(data, Path(task.path).name, engines=_ENGINES,
                                  options=ProcessOptions(today=date.fromisoformat(task.today),
                                                         extractor=_EXTRACTOR))  # type: ignore[arg-type]
        summary = _summary(result)
    except InputError as exc:
        summary = {"kind": "error", "status": "refused", "error": exc.code, "message": str(exc), "fields": {},
                   "checks": [], "timings": {}}
    summary["wall_s"] = round(time.perf_counter() - started, 4)
    out = Path(task.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    tmp.replace(out)  # atomic: a killed run never leaves half a result that resume would trust
    return summary


def _eval_store(out: Path) -> Any:
    """A pattern store that starts empty: embedded under RUN/patterns, or the Chroma server the settings name."""
    from attest.patterns.seeds import Seeds
    from attest.patterns.store import PatternStore, client_from, embedder_from
    from attest.settings import get_settings

    settings = get_settings().patterns
    if settings.chroma_url is None:
        settings = settings.model_copy(update={"path": out / "patterns"})
    client = client_from(settings, out)
    PatternStore.drop_all(client)
    store = PatternStore(client, embedder_from(settings))
    store.load_seeds(Seeds.packaged())
    return store


def assess_corpus(corpus: dict[str, Any], out: Path, policy_version: str | None = None) -> int:
    """Decide every application with `assess_application`, record its audit trail and replay it.

    The pattern store first remembers every application (all are dated the same day: each is checked against
    all the others, whatever their order) and the corpus's earlier applicants (`history`), then each
    application is assessed against it.
    Writes `applications/<merchant>.json` (decision, application checks, replay verdict) and
    `trails/<merchant>.jsonl`.
    """
    from datetime import UTC, datetime

    from attest.audit import export_jsonl
    from attest.audit.decide import decide, remember
    from attest.audit.replay import replay
    from attest.schemas.decision import MerchantProfile
    from attest.schemas.document import DocumentResult
    from attest.score import load_policy

    policy = load_policy(policy_version) if policy_version else load_policy()
    for folder in ("applications", "trails"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    store = _eval_store(out)
    apps = []
    for m in [*corpus.get("history", []), *corpus["merchants"]]:
        merchant = MerchantProfile(id=m["id"], name=m["name"], uscc=m["uscc"], industry=m.get("industry"),
                                   city_tier=m.get("city_tier"), current_limit=m["current_limit"],
                                   application_date=m["application_date"])
        docs = []
        for n in range(len(m["documents"])):
            summary = json.loads((out / "docs" / m["id"] / f"{n}.json").read_text(encoding="utf-8"))
            if "result" in summary:
                docs.append(DocumentResult.model_validate({**summary["result"], "ocr": []}))
        at = datetime.fromisoformat(f"{m['application_date']}T12:00:00+00:00").astimezone(UTC)
        remember(store, merchant, docs, application=m["id"], at=at)
        if m not in corpus.get("history", []):  # earlier applicants are remembered, never decided here
            apps.append((m, merchant, docs, at))
    for m, merchant, docs, at in apps:
        decided = decide(merchant, docs, application=m["id"], at=at, policy=policy, patterns=store, remembered=True)
        (out / "trails" / f"{m['id']}.jsonl").write_text(export_jsonl(decided.trail), encoding="utf-8")
        replayed = replay(decided.trail)
        (out / "applications" / f"{m['id']}.json").write_text(json.dumps({
            "decision": decided.assessment.decision.model_dump(mode="json"),
            "checks": [c.model_dump(mode="json") for c in decided.assessment.checks],
            "replay_identical": replayed.identical,
        }, ensure_ascii=False), encoding="utf-8")
    return len(corpus["merchants"])


def run_corpus(source: Path, out: Path, *, extractor: str = "rules", workers: int | None = None,
               progress: bool = True, policy: str | None = None) -> dict[str, Any]:
    """Process every document not yet done; returns the run record."""
    if extractor not in EXTRACTORS:
        raise ValueError(f"unknown extractor {extractor!r}; one of {', '.join(EXTRACTORS)}")
    from attest.engines import llm_for

    llm_for(_settings_for(extractor).llm)  # refuses a model extractor without a model before any work starts
    corpus = load_corpus(source)
    todo = [t for t in tasks_of(corpus, out) if not Path(t.out).exists()]
    workers = workers or os.cpu_count() or 1
    threads = 1 if workers > 1 else 0  # one onnxruntime thread per worker process: no oversubscription
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    if todo:
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                                 initargs=(threads, extractor)) as pool:
            futures = [pool.submit(run_one, t) for t in todo]
            if progress:
                from rich.progress import Progress

                with Progress() as bar:
                    job = bar.add_task("documents", total=len(futures))
                    for f in as_completed(futures):
                        f.result()
                        bar.advance(job)
            else:
                for f in as_completed(futures):
                    f.result()
    assessed = assess_corpus(corpus, out, policy) if corpus.get("kind") == "attest-synthetic-corpus" else 0
    record = {"source": str(source), "extractor": extractor, "policy": policy, "workers": workers,
              "processed_now": len(todo), "assessed": assessed, "wall_s": round(time.perf_counter() - started, 2),
              "corpus": corpus}
    (out / "run.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return record
